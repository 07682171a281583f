from odoo import fields, models


class MemberTierHistory(models.Model):
    _name = "member.tier.history"
    _description = "Member Tier Change"
    _order = "date desc, id desc"

    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    old_tier_id = fields.Many2one("member.tier", string="From Tier", ondelete="restrict")
    new_tier_id = fields.Many2one("member.tier", string="To Tier", ondelete="restrict")
    reason = fields.Selection(
        [
            ("enrol", "Enrolment"),
            ("upgrade", "Upgrade"),
            ("downgrade", "Downgrade at review"),
            ("manual", "Manual"),
        ],
        required=True,
    )
    metric_value = fields.Float(help="Value of the qualification metric at the change.")
    note = fields.Char()
    user_id = fields.Many2one("res.users", default=lambda self: self.env.user)
