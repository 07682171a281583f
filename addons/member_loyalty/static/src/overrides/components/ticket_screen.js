import { TicketScreen } from "@point_of_sale/app/screens/ticket_screen/ticket_screen";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(TicketScreen.prototype, {
    /**
     * Points paid part of the sale: refunding goods refunds the redemption lines in the same
     * proportion (by value), so the points' value is not paid out as money and the points go
     * back to the member (the server refuses a refund without them).
     */
    _getRefundableDetails(partner, order) {
        const details = super._getRefundableDetails(...arguments);
        const redeemProduct = this.pos.config.member_redeem_product_id;
        if (!redeemProduct || !details.length) {
            return details;
        }
        const isRedeem = (line) => line.product_id?.id === redeemProduct.id;
        const goods = order.lines.filter(
            (line) => !isRedeem(line) && !this.pos.memberIsTopupLine(line) && line.qty,
        );
        const total = goods.reduce((sum, line) => sum + line.price_subtotal_incl, 0);
        if (total <= 0) {
            return details;
        }
        const refunded = details
            .filter((detail) => goods.includes(detail.line))
            .reduce(
                (sum, detail) =>
                    sum + (detail.line.price_subtotal_incl * detail.qty) / detail.line.qty,
                0,
            );
        const share = Math.min(1, refunded / total);
        for (const line of order.lines.filter((line) => isRedeem(line) && line.qty > 0)) {
            if (details.some((detail) => detail.line === line)) {
                continue;
            }
            const left = line.qty - (line.refunded_qty || 0);
            const qty = Math.min(left, Math.round(line.qty * share * 100) / 100);
            if (qty > 0) {
                details.push({ line, qty, destination_order_uuid: false });
            }
        }
        return details;
    },
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
