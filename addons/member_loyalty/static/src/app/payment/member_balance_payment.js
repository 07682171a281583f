import { PaymentInterface } from "@point_of_sale/app/payment/payment_interface";
import { _t } from "@web/core/l10n/translation";

/**
 * Payment method of type "member balance": the server authorises (debits) the line's amount
 * when it is added; "Reverse" gives it back. The server captures it when the order syncs.
 */
export class MemberBalancePayment extends PaymentInterface {
    setup() {
        super.setup(...arguments);
        this.enable_reversals();
    }
    async send_payment_request(uuid) {
        const order = this.pos.get_order();
        const line = order.get_paymentline_by_uuid(uuid);
        if (line.get_amount() < 0) {
            // refund: a credit booked at sync, at most what stored value paid on the sale
            const refund = order.uiState.memberRefund;
            if (refund && -line.get_amount() > refund.wallet_refundable + 0.001) {
                this.pos.memberAlert(
                    _t("Stored value refund"),
                    _t(
                        "At most %s goes back to the member's stored value on this refund.",
                        this.env.utils.formatCurrency(refund.wallet_refundable),
                    ),
                );
                return false;
            }
            return true;
        }
        const res = await this.pos.memberCall("pos.order", "member_pos_authorize_wallet", [
            [order.id],
            uuid,
            line.get_amount(),
        ]);
        if (!res) {
            return false; // the refusal was shown; the line can be edited and retried
        }
        line.transaction_id = res.key;
        this.pos.memberUpdateBalances(order, res);
        return true;
    }
    async send_payment_cancel() {
        return true; // nothing is held while the request is pending
    }
    async send_payment_reversal(uuid) {
        const order = this.pos.get_order();
        if (order.get_paymentline_by_uuid(uuid)?.get_amount() < 0) {
            return true; // a refund line holds nothing
        }
        const res = await this.pos.memberCall("pos.order", "member_pos_release", [
            [order.id],
            `pos.payment:${uuid}`,
        ]);
        if (res) {
            this.pos.memberUpdateBalances(order, res);
        }
        return Boolean(res);
    }
}
