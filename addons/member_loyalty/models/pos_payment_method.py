from odoo import api, fields, models


class PosPaymentMethod(models.Model):
    _inherit = "pos.payment.method"

    member_payment_kind = fields.Selection(
        [("wallet", "Member stored value"), ("points", "Member points")],
        string="Member Payment",
        help="Payments with this method are debited from the member's stored value or points "
        "when the order syncs, and earn no points.",
    )

    @api.model
    def _load_pos_data_fields(self, config_id):
        # the till's points estimate leaves member payments out, as the server does
        return [*super()._load_pos_data_fields(config_id), "member_payment_kind"]
