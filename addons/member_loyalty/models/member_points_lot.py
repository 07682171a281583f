from odoo import fields, models


class MemberPointsLot(models.Model):
    """Points earned together, expiring together; consumed closest-to-expiry first."""

    _name = "member.points.lot"
    _description = "Member Points Lot"
    _order = "expiry_date asc nulls last, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, index=True, readonly=True
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    expiry_date = fields.Date(readonly=True, index=True)
    points_initial = fields.Integer(string="Points Earned", readonly=True)
    points_remaining = fields.Integer(readonly=True)
    move_id = fields.Many2one("member.points.move", string="Origin Movement", readonly=True)

    _sql_constraints = [
        (
            "remaining_range",
            "CHECK(points_remaining >= 0 AND points_remaining <= points_initial)",
            "Remaining points must lie between zero and the points earned.",
        ),
    ]
