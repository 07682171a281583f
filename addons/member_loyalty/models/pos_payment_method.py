from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PosPaymentMethod(models.Model):
    _inherit = "pos.payment.method"

    member_payment_kind = fields.Selection(
        [("wallet", "Member stored value"), ("points", "Member points")],
        string="Member Payment",
        help="Payments with this method are debited from the member's stored value or points "
        "when the order syncs, and earn no points.",
    )

    def _get_payment_method_type(self):
        # stored value authorised by the server when the line is added at the till
        return [*super()._get_payment_method_type(), ("member_balance", "Member Balance")]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._member_force_kind(vals)
        return super().create(vals_list)

    def write(self, vals):
        return super().write(self._member_force_kind(vals))

    @api.model
    def _member_force_kind(self, vals):
        if vals.get("payment_method_type") == "member_balance":
            vals["member_payment_kind"] = "wallet"
        return vals

    @api.onchange("payment_method_type")
    def _onchange_member_payment_type(self):
        if self.payment_method_type == "member_balance":
            self.member_payment_kind = "wallet"

    @api.constrains("payment_method_type", "member_payment_kind")
    def _check_member_balance_kind(self):
        for method in self:
            if method.payment_method_type == "member_balance" and (
                method.member_payment_kind != "wallet"
            ):
                raise ValidationError(
                    self.env._(
                        "%s: a member balance payment method pays with stored value.", method.name
                    )
                )

    @api.model
    def _load_pos_data_fields(self, config_id):
        # the till's points estimate leaves member payments out, as the server does
        return [*super()._load_pos_data_fields(config_id), "member_payment_kind"]
