from odoo import api, fields, models
from odoo.exceptions import UserError

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
    _description = "Member Points Movement"
    _order = "date desc, id desc"
    _rec_name = "idempotency_key"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, index=True, readonly=True
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    kind = fields.Selection(POINTS_KINDS, required=True, readonly=True)
    points = fields.Integer(required=True, readonly=True)
    idempotency_key = fields.Char(required=True, readonly=True)
    origin = fields.Char(readonly=True)
    note = fields.Char(readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", readonly=True, index="btree_not_null"
    )
    pos_config_id = fields.Many2one("pos.config", string="Point of Sale", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True)
    lot_id = fields.Many2one("member.points.lot", readonly=True)
    points_after = fields.Integer(string="Balance After", readonly=True)
    result = fields.Json(readonly=True, copy=False)

    _sql_constraints = [
        ("key_unique", "UNIQUE(idempotency_key)", "This idempotency key was already used."),
        ("points_not_zero", "CHECK(points <> 0)", "A movement cannot be zero."),
    ]

    _FROZEN_FIELDS = (
        "partner_id",
        "date",
        "kind",
        "points",
        "idempotency_key",
        "pos_order_id",
        "company_id",
    )

    def write(self, vals):
        if set(vals) & set(self._FROZEN_FIELDS):
            raise UserError(
                self.env._("Ledger rows are append-only: post a new movement to correct one.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Ledger rows are append-only and cannot be deleted."))
