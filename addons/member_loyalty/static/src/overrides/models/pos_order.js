import { PosOrder } from "@point_of_sale/app/models/pos_order";
import { patch } from "@web/core/utils/patch";

patch(PosOrder.prototype, {
    set_partner(partner) {
        const changed = this.get_partner()?.id !== partner?.id;
        super.set_partner(...arguments);
        if (changed) {
            this.uiState.member = null;
        }
    },
    updatePricelistAndFiscalPosition(newPartner) {
        super.updatePricelistAndFiscalPosition(...arguments);
        // member prices from the tier (its pricelist of the till's company, set by the loader),
        // not the company-dependent partner pricelist
        const pricelist = newPartner?.member_tier_id?.pricelist_id;
        if (pricelist) {
            this.set_pricelist(pricelist);
        }
    },
    getDefaultAmountDueToPayIn(paymentMethod) {
        const due = super.getDefaultAmountDueToPayIn(...arguments);
        const member = this.uiState.member;
        const refund = this.uiState.memberRefund;
        if (paymentMethod.payment_method_type === "member_balance" && refund && due < 0) {
            // a refund gives back at most what stored value paid on the refunded order
            return Math.max(due, -refund.wallet_refundable);
        }
        if (paymentMethod.payment_method_type === "member_balance" && member && due > 0) {
            // a stored-value line never starts above the balance
            return Math.min(due, Math.max(0, member.balance));
        }
        return due;
    },
    /** Estimate of the points this order earns, from the server's rules (booked at sync). */
    getMemberPointsEstimate() {
        const member = this.uiState.member;
        if (!member) {
            return 0;
        }
        const total = this.get_total_with_tax();
        if (total <= 0) {
            return 0;
        }
        const eligible = this.lines
            .filter((line) => line.product_id?.member_earns_points)
            .reduce((sum, line) => sum + line.get_price_with_tax(), 0);
        const memberPaid = this.payment_ids
            .filter((p) => p.payment_method_id?.member_payment_kind)
            .reduce((sum, p) => sum + p.get_amount(), 0);
        // points redeemed count as member money, as on the server
        const redeemed = -this.lines
            .filter((line) => line.product_id?.id === this.config.member_redeem_product_id?.id)
            .reduce((sum, line) => sum + line.get_price_with_tax(), 0);
        const ratio = Math.max(0, (total - memberPaid) / (total + redeemed));
        const points = eligible * ratio * member.points_per_unit * member.earn_multiplier;
        return Math.max(0, Math.floor(Math.round(points * 1e6) / 1e6));
    },
    export_for_printing() {
        const result = super.export_for_printing(...arguments);
        if (this.member_receipt_number) {
            result.member = {
                number: this.member_receipt_number,
                tier: this.member_tier_name,
                earned: this.member_points_earned,
                points: this.member_points_after,
                wallet: this.member_wallet_after,
                redeemed: this.member_points_redeemed,
                principalSpent: this.member_wallet_principal_spent,
                bonusSpent: this.member_wallet_bonus_spent,
                reversed: this.member_points_reversed,
                returned: this.member_points_returned,
                refunded: this.member_wallet_refunded,
                topup: this.member_topup_amount,
                topupBonus: this.member_topup_bonus_amount,
                topupBonusPoints: this.member_topup_bonus_points,
                pending: false,
            };
        } else if (this.get_partner()?.member_number) {
            // not synced yet: never print a figure the server has not booked
            result.member = {
                number: this.get_partner().member_number,
                tier: this.get_partner().member_tier_id?.name,
                pending: true,
            };
        }
        return result;
    },
});
