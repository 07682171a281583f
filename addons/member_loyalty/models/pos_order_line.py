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
