import { TicketScreen } from "@point_of_sale/app/screens/ticket_screen/ticket_screen";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(TicketScreen.prototype, {
    /** What the refund gives back to the member, from the server's refund rules. */
    async addAdditionalRefundInfo(order, destinationOrder) {
        await super.addAdditionalRefundInfo(...arguments);
        if (!order.get_partner()?.member_number) {
            return;
        }
        const topups = destinationOrder.lines.filter(
            (line) => line.refunded_orderline_id && this.pos.memberIsTopupLine(line),
        );
        for (const line of topups) {
            destinationOrder.removeOrderline(line);
        }
        if (topups.length) {
            this.pos.memberAlert(
                _t("Top-up not refunded"),
                _t("Stored value is given back by a cash-out in the back office, not here."),
            );
        }
        const lines = {};
        for (const line of destinationOrder.lines) {
            if (line.refunded_orderline_id?.order_id?.id === order.id) {
                lines[line.refunded_orderline_id.id] = -line.qty;
            }
        }
        if (!Object.keys(lines).length) {
            return;
        }
        const preview = await this.pos.memberCall("pos.order", "member_pos_refund_preview", [
            [order.id],
            lines,
        ]);
        if (preview) {
            destinationOrder.uiState.memberRefund = preview;
        }
    },
});
