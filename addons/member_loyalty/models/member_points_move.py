from odoo import fields, models

POINTS_KINDS = [
    ("earn", "Earn"),
    ("bonus", "Bonus"),
    ("redeem", "Redeem"),
    ("expire", "Expire"),
    ("refund", "Refund"),
    ("adjustment", "Adjustment"),
]


class MemberPointsMove(models.Model):
    """Append-only points ledger: one row per movement, written only by model methods."""

    _name = "member.points.move"
    _inherit = "member.ledger.mixin"
    _description = "Member Points Movement"

    kind = fields.Selection(POINTS_KINDS, required=True, readonly=True)
    points = fields.Integer(required=True, readonly=True)
    lot_id = fields.Many2one("member.points.lot", readonly=True)
    points_after = fields.Integer(string="Balance After", readonly=True)
    lots_expiry_date = fields.Date(
        string="Lots Taken Expire On",
        readonly=True,
        help="For a debit: the earliest expiry of the lots it took points from. Points given "
        "back for it (release, refund) expire that day: giving back never extends their life.",
    )

    _sql_constraints = [
        ("points_not_zero", "CHECK(points <> 0)", "A movement cannot be zero."),
    ]
    _AMOUNT_FIELDS = ("points",)
