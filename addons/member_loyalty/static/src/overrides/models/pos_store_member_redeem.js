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
        // one discount line per tax group of the order (as stock pos_loyalty does for
        // discounts), so the redemption lowers each tax base by its share; each line is its own
        // redemption: its points are authorised under its uuid
        const added = [];
        for (const part of this.memberRedeemParts(order, points)) {
            // the line first (a line created with a given uuid cannot be deleted cleanly),
            // then the server authorises its points under the line's uuid
            const line = await this.addLineToOrder(
                {
                    product_id: this.config.member_redeem_product_id,
                    price_unit: -roundPrecision(part.points * rate, this.currency.rounding),
                    tax_ids: part.taxes.map((tax) => ["link", tax]),
                },
                order,
                {},
                false,
            );
            const res = await this.memberCall("pos.order", "member_pos_authorize_points", [
                [order.id],
                line.uuid,
                part.points,
            ]);
            if (!res) {
                order.removeOrderline(line);
                // all or nothing: the lines already authorised give their points back
                for (const done of added) {
                    order.removeOrderline(done);
                    await this.memberReleaseRedeemLine(order, done.uuid);
                }
                return;
            }
            // the discount line names the points it stands for (on screen and receipt)
            this.memberSetRedeemValue(line, res.amount);
            line.full_product_name = _t("Points redeemed: %s", part.points);
            this.memberUpdateBalances(order, res);
            added.push(line);
        }
    },
    /**
     * ``points`` split over the tax groups of the order's lines (redemption and top-up lines
     * excluded) in proportion to their amounts: ``[{taxes, points}]``.
     */
    memberRedeemParts(order, points) {
        const groups = new Map();
        for (const line of order.lines) {
            if (this.memberIsRedeemLine(line) || this.memberIsTopupLine(line)) {
                continue;
            }
            const taxes = line.tax_ids || [];
            const key = taxes
                .map((tax) => tax.id)
                .sort((a, b) => a - b)
                .join(",");
            const group = groups.get(key) || { taxes, total: 0 };
            group.total += line.get_price_with_tax();
            groups.set(key, group);
        }
        const positive = [...groups.values()].filter((group) => group.total > 0);
        const total = positive.reduce((sum, group) => sum + group.total, 0);
        const parts = [];
        let left = points;
        positive.forEach((group, index) => {
            const share =
                index === positive.length - 1
                    ? left
                    : Math.min(left, Math.round((points * group.total) / total));
            left -= share;
            if (share > 0) {
                parts.push({ taxes: group.taxes, points: share });
            }
        });
        return parts.length ? parts : [{ taxes: [], points }];
    },
    /** Price a discount line so that, taxes included, it is worth ``-value``. */
    memberSetRedeemValue(line, value) {
        line.set_unit_price(-value);
        const withTax = line.get_price_with_tax();
        if (withTax && Math.abs(withTax + value) >= this.currency.rounding / 2) {
            // percentage taxes are linear in the price
            line.set_unit_price((value * value) / withTax);
        }
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
            order?.lines.some((l) => this.memberIsRedeemLine(l) && !l.refunded_orderline_id) &&
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
