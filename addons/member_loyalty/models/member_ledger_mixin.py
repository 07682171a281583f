from odoo import api, fields, models
from odoo.exceptions import UserError


class MemberLedgerMixin(models.AbstractModel):
    """What both member ledgers (points and stored value) share: one append-only row per
    movement under a unique idempotency key, written only by the engine's methods."""

    _name = "member.ledger.mixin"
    _description = "Member Ledger Row"
    _order = "date desc, id desc"
    _rec_name = "idempotency_key"
    # append-only rows say when and by whom in ``date`` and ``user_id``: no create/write
    # columns, whose foreign keys to res_users every concurrent debit would lock again
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, index=True, readonly=True
    )
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    idempotency_key = fields.Char(required=True, readonly=True)
    origin = fields.Char(readonly=True)
    note = fields.Char(readonly=True)
    pos_order_id = fields.Many2one(
        "pos.order", string="POS Order", readonly=True, index="btree_not_null"
    )
    pos_config_id = fields.Many2one("pos.config", string="Point of Sale", readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True)
    user_id = fields.Many2one("res.users", required=True, readonly=True)
    result = fields.Json(readonly=True, copy=False)

    _sql_constraints = [
        ("key_unique", "UNIQUE(idempotency_key)", "This idempotency key was already used."),
    ]

    # what a movement is, never rewritten once posted; each ledger adds its amount fields
    _FROZEN_FIELDS = ("partner_id", "date", "kind", "idempotency_key", "pos_order_id", "company_id")
    _AMOUNT_FIELDS = ()

    def write(self, vals):
        if set(vals) & {*self._FROZEN_FIELDS, *self._AMOUNT_FIELDS}:
            raise UserError(
                self.env._("Ledger rows are append-only: post a new movement to correct one.")
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("Ledger rows are append-only and cannot be deleted."))
