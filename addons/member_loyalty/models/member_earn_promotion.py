from odoo import api, fields, models


class MemberEarnPromotion(models.Model):
    """Dated points multiplier (e.g. double points on member day), optionally per point of sale."""

    _name = "member.earn.promotion"
    _description = "Member Points Promotion"
    _order = "date_from desc, id desc"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    date_from = fields.Date(required=True)
    date_to = fields.Date(required=True)
    multiplier = fields.Float(required=True, default=2.0)
    pos_config_ids = fields.Many2many(
        "pos.config", string="Points of Sale", help="Leave empty to apply everywhere."
    )
    company_id = fields.Many2one("res.company", help="Leave empty to apply in every company.")

    _sql_constraints = [
        ("dates_ordered", "CHECK(date_from <= date_to)", "The promotion must end after it starts."),
        ("multiplier_positive", "CHECK(multiplier > 0)", "The multiplier must be positive."),
    ]

    @api.model
    def _get_multiplier(self, date, config, company):
        """Highest multiplier of the promotions running on ``date`` at ``config``."""
        promotions = self.search(
            [
                ("date_from", "<=", date),
                ("date_to", ">=", date),
                ("company_id", "in", [False, company.id]),
                "|",
                ("pos_config_ids", "=", False),
                ("pos_config_ids", "in", config.ids),
            ]
        )
        return max(promotions.mapped("multiplier"), default=1.0)
