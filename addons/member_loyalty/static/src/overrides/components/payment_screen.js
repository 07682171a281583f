import { PaymentScreen } from "@point_of_sale/app/screens/payment_screen/payment_screen";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(PaymentScreen.prototype, {
    /** A member balance line is authorised by the server as soon as it is added. */
    async addNewPaymentLine(paymentMethod) {
        if (paymentMethod.payment_method_type !== "member_balance") {
            return await super.addNewPaymentLine(...arguments);
        }
        const order = this.currentOrder;
        const refusal = await this.pos.memberBalanceRefusal(order);
        if (refusal) {
            this.dialog.add(AlertDialog, { title: _t("Stored value refused"), body: refusal });
            return false;
        }
        if (!(await this.pos.memberEnsureSynced(order))) {
            return false;
        }
        const added = await super.addNewPaymentLine(...arguments);
        if (added) {
            await this.sendPaymentRequest(this.paymentLines.at(-1));
        }
        return added;
    },
    /** Stored value spent on the refunded sale goes back to the card, never out in cash. */
    async _isOrderValid(isForceValidate) {
        const refund = this.currentOrder.uiState.memberRefund;
        if (refund?.wallet_to_card > 0) {
            const back = -this.paymentLines
                .filter((p) => p.payment_method_id.member_payment_kind === "wallet")
                .reduce((sum, p) => sum + p.get_amount(), 0);
            if (back + 0.001 < refund.wallet_to_card) {
                this.dialog.add(AlertDialog, {
                    title: _t("Refund to stored value"),
                    body: _t(
                        "%s of this refund was paid with stored value: give it back with the member balance method, not in cash.",
                        this.env.utils.formatCurrency(refund.wallet_to_card),
                    ),
                });
                return false;
            }
        }
        return await super._isOrderValid(...arguments);
    },
});
