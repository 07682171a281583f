import { PosStore } from "@point_of_sale/app/store/pos_store";
import { makeAwaitable, ask } from "@point_of_sale/app/store/make_awaitable_dialog";
import { NumberPopup } from "@point_of_sale/app/utils/input_popups/number_popup";
import { _t } from "@web/core/l10n/translation";
import { patch } from "@web/core/utils/patch";

patch(PosStore.prototype, {
    memberIsTopupLine(line) {
        const product = this.config.member_topup_product_id;
        return Boolean(product) && line.product_id?.id === product.id;
    },
    /** Amount → the server's bonus preview → confirmed → a top-up line paid by cash/card. */
    async memberTopUp(order) {
        if (!this.isMemberOnline()) {
            return this.memberAlert(
                _t("No connection"),
                _t("A top-up needs a connection to the server to show its bonus."),
            );
        }
        if (!this.config.member_topup_product_id) {
            return this.memberAlert(
                _t("Top up"),
                _t("The member top-up product is missing or archived."),
            );
        }
        const value = await makeAwaitable(this.dialog, NumberPopup, {
            title: _t("Top up stored value"),
            isValid: (buffer) => parseFloat(buffer) > 0,
        });
        const amount = parseFloat(value);
        if (!(amount > 0)) {
            return;
        }
        const partner = order.get_partner();
        const preview = await this.memberCall("res.partner", "member_pos_topup_preview", [
            [partner.id],
            amount,
            this.config.id,
        ]);
        if (!preview) {
            return;
        }
        const format = (a) => this.env.utils.formatCurrency(a);
        const confirmed = await ask(this.dialog, {
            title: _t("Top up %s", format(preview.amount)),
            body: _t(
                "Bonus: %(bonus)s and %(points)s points. New stored value balance: %(balance)s.",
                {
                    bonus: format(preview.bonus_amount),
                    points: preview.bonus_points,
                    balance: format(preview.balance_after),
                },
            ),
        });
        if (!confirmed) {
            return;
        }
        await this.addLineToOrder(
            { product_id: this.config.member_topup_product_id, price_unit: preview.amount },
            order,
            {},
            false,
        );
    },
});
