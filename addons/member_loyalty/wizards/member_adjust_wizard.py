import uuid

from odoo import fields, models
from odoo.exceptions import UserError


class MemberAdjustWizard(models.TransientModel):
    _name = "member.adjust.wizard"
    _description = "Member Balance Adjustment"

    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, domain=[("member_number", "!=", False)]
    )
    target = fields.Selection(
        [
            ("points", "Points"),
            ("principal", "Stored value (paid)"),
            ("bonus", "Stored value (bonus)"),
        ],
        required=True,
        default="points",
    )
    currency_id = fields.Many2one("res.currency", default=lambda self: self.env.company.currency_id)
    points = fields.Integer(help="Positive to credit, negative to debit.")
    amount = fields.Monetary(help="Positive to credit, negative to debit.")
    reason = fields.Char(required=True)
    idempotency_key = fields.Char(
        required=True, default=lambda self: f"manual:{uuid.uuid4()}", readonly=True
    )

    def action_confirm(self):
        self.ensure_one()
        value = self.points if self.target == "points" else self.amount
        if not value:
            raise UserError(self.env._("Enter a non-zero adjustment."))
        self.partner_id._member_adjust(self.target, value, self.reason, self.idempotency_key)
        return {"type": "ir.actions.act_window_close"}
