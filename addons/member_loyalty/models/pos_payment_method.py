from odoo import fields, models


class PosPaymentMethod(models.Model):
    _inherit = "pos.payment.method"

    member_payment_kind = fields.Selection(
        [("wallet", "Member stored value"), ("points", "Member points")],
        string="Member Payment",
        help="Payments with this method are debited from the member's stored value or points "
        "when the order syncs, and earn no points.",
    )
