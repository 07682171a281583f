from odoo import api, fields, models


class PosOrderLine(models.Model):
    _inherit = "pos.order.line"

    member_redeem_points = fields.Integer(
        string="Redeemed Points",
        readonly=True,
        help="Points of the member redeemed by this discount line; written by the server when "
        "it captures the authorisation, never taken from the till.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "member_redeem_points"]

    def _prepare_base_line_for_taxes_computation(self):
        """A top-up line is money owed to the member, not income: its sale credits the
        customer deposits account (session closing entry and invoice)."""
        values = super()._prepare_base_line_for_taxes_computation()
        order = self.order_id
        deposit = order.company_id.member_deposit_account_id
        topup = order.config_id.member_topup_product_id
        if deposit and topup and self.product_id == topup:
            values["account_id"] = deposit
        return values
