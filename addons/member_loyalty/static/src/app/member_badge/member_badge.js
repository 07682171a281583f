import { Component } from "@odoo/owl";
import { usePos } from "@point_of_sale/app/store/pos_hook";
import { _t } from "@web/core/l10n/translation";

/** Member snapshot on the order: tier, points, stored value, expiring points, estimate. */
export class MemberBadge extends Component {
    static template = "member_loyalty.MemberBadge";
    static props = { order: Object };

    setup() {
        this.pos = usePos();
    }
    get member() {
        return this.props.order.uiState.member;
    }
    get partner() {
        return this.props.order.get_partner();
    }
    get estimateLabel() {
        return _t("This order: ≈ +%s points", this.props.order.getMemberPointsEstimate());
    }
    get walletLabel() {
        return _t("Stored value: %(balance)s (%(principal)s paid + %(bonus)s bonus)", {
            balance: this.format(this.member.balance),
            principal: this.format(this.member.principal),
            bonus: this.format(this.member.bonus),
        });
    }
    get expiringLabel() {
        return _t("%(points)s points expire by %(date)s", {
            points: this.member.expiring_points,
            date: this.member.expiring_date,
        });
    }
    format(amount) {
        return this.env.utils.formatCurrency(amount);
    }
}
