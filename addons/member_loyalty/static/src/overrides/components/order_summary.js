import { OrderSummary } from "@point_of_sale/app/screens/product_screen/order_summary/order_summary";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { ask } from "@point_of_sale/app/store/make_awaitable_dialog";
import { patch } from "@web/core/utils/patch";
import { MemberBadge } from "@member_loyalty/app/member_badge/member_badge";

patch(OrderSummary, {
    components: { ...OrderSummary.components, MemberBadge },
});

patch(OrderSummary.prototype, {
    /** A points redemption line is locked: it can only be removed (points given back). */
    async updateSelectedOrderline({ buffer, key }) {
        const order = this.pos.get_order();
        const line = order.get_selected_orderline();
        if (line && this.pos.memberIsTopupLine(line) && !["Backspace", "Delete"].includes(key)) {
            // the amount was previewed with its bonus: remove the line and top up again
            this.numberBuffer.reset();
            this.dialog.add(AlertDialog, {
                title: _t("Top up"),
                body: _t("Remove the top-up line and top up again to change it."),
            });
            return;
        }
        if (!line || !this.pos.memberIsRedeemLine(line)) {
            return await super.updateSelectedOrderline(...arguments);
        }
        if (key === "Backspace" || key === "Delete") {
            const confirmed = await ask(this.dialog, {
                title: _t("Remove the redemption?"),
                body: _t("The points go back to the member."),
            });
            if (confirmed) {
                const uuid = line.uuid;
                await super.updateSelectedOrderline({ buffer: null, key });
                await this.pos.memberReleaseRedeemLine(order, uuid);
            }
            return;
        }
        this.numberBuffer.reset();
        this.dialog.add(AlertDialog, {
            title: _t("Points redemption"),
            body: _t("Remove the redemption line and redeem again to change it."),
        });
    },
});
