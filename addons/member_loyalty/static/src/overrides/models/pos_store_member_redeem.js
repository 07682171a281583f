import { PosStore } from "@point_of_sale/app/store/pos_store";
import { makeAwaitable } from "@point_of_sale/app/store/make_awaitable_dialog";
import { NumberPopup } from "@point_of_sale/app/utils/input_popups/number_popup";
import { AlertDialog } from "@web/core/confirmation_dialog/confirmation_dialog";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";
import { roundPrecision } from "@web/core/utils/numbers";

patch(PosStore.prototype, {
    /** Money value of one point at the server's redemption rate. */
    memberPointValue() {
        return this.config.member_redeem_amount / this.config.member_redeem_points;
    },
    memberIsRedeemLine(line) {
        const product = this.config.member_redeem_product_id;
        return Boolean(product) && line.product_id?.id === product.id;
    },
    memberAlert(title, body) {
        this.dialog.add(AlertDialog, { title, body });
    },
    /** Ask how many points, have the server authorise them, add the discount line. */
    async memberRedeem(order) {
        if (!this.isMemberOnline()) {
            return this.memberAlert(
                _t("No connection"),
                _t("Redeeming points needs a connection to the server."),
            );
        }
        if (!this.config.member_redeem_product_id) {
            return this.memberAlert(
                _t("Points redemption"),
                _t("The points redemption product is missing or archived."),
            );
        }
        const member = order.uiState.member;
        const rate = this.memberPointValue();
        const max = Math.min(member?.points || 0, Math.floor(order.get_total_with_tax() / rate));
        if (max <= 0) {
            return this.memberAlert(
                _t("Nothing to redeem"),
                _t("The member has no points, or the order has nothing left to pay."),
            );
        }
        const format = (points) => this.env.utils.formatCurrency(points * rate);
        const value = await makeAwaitable(this.dialog, NumberPopup, {
            title: _t("Redeem points"),
            subtitle: _t("Up to %(max)s points (%(value)s)", { max, value: format(max) }),
            isValid: (buffer) => /^\d+$/.test(buffer) && +buffer > 0 && +buffer <= max,
            feedback: (buffer) => (/^\d+$/.test(buffer) ? `= ${format(+buffer)}` : false),
        });
        if (!value) {
            return;
        }
        const points = parseInt(value);
        if (!(await this.memberEnsureSynced(order))) {
            return;
        }
        // the line first (a line created with a given uuid cannot be deleted cleanly), then
        // the server authorises its points under the line's uuid
        const line = await this.addLineToOrder(
            {
                product_id: this.config.member_redeem_product_id,
                price_unit: -roundPrecision(points * rate, this.currency.rounding),
            },
            order,
            {},
            false,
        );
        const res = await this.memberCall("pos.order", "member_pos_authorize_points", [
            [order.id],
            line.uuid,
            points,
        ]);
        if (!res) {
            order.removeOrderline(line);
            return;
        }
        // the discount line names the points it stands for (on screen and receipt)
        line.set_unit_price(-res.amount);
        line.full_product_name = _t("Points redeemed: %s", points);
        this.memberUpdateBalances(order, res);
    },
    /**
     * A removed redemption line gives its points back. Offline, the server gives them back
     * when the order syncs without the line (or is cancelled, or the authorisation expires).
     */
    async memberReleaseRedeemLine(order, lineUuid) {
        const res = await this.memberCall("pos.order", "member_pos_release", [
            [order.id],
            `pos.order.line:${lineUuid}:redeem`,
        ]);
        if (res) {
            this.memberUpdateBalances(order, res);
        }
        return Boolean(res);
    },
    async pay() {
        const order = this.get_order();
        if (
            order?.lines.some((l) => this.memberIsRedeemLine(l)) &&
            order.get_total_with_tax() < 0
        ) {
            return this.memberAlert(
                _t("Points redemption"),
                _t("The points redeemed are worth more than the order: remove the redemption."),
            );
        }
        return await super.pay(...arguments);
    },
});
