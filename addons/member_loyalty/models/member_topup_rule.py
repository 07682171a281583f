from odoo import api, fields, models


class MemberTopupRule(models.Model):
    """Top-up bonus: the rule with the highest minimum not above the amount applies; at the
    same minimum, the most specific (tier, then company) wins."""

    _name = "member.topup.rule"
    _description = "Member Top-up Bonus Rule"
    _order = "min_amount desc, id"

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Leave empty to apply in every company.")
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self.env.company.currency_id, required=True
    )
    min_amount = fields.Monetary(string="Minimum Top-up", required=True)
    tier_ids = fields.Many2many(
        "member.tier", string="Tiers", help="Leave empty to apply to every tier."
    )
    bonus_amount = fields.Monetary(string="Bonus Money")
    bonus_percent = fields.Float(string="Bonus Money (%)", help="Percentage of the top-up.")
    bonus_points = fields.Integer()

    _sql_constraints = [
        (
            "values_positive",
            "CHECK(min_amount > 0 AND bonus_amount >= 0 AND bonus_percent >= 0"
            " AND bonus_points >= 0)",
            "Top-up rule amounts must be positive.",
        ),
    ]

    @api.model
    def _get_rule(self, amount, tier, company):
        """Best rule for a top-up of ``amount`` by a member of ``tier`` in ``company``."""
        rules = self.search(
            [
                ("min_amount", "<=", amount),
                ("company_id", "in", [False, company.id]),
                "|",
                ("tier_ids", "=", False),
                ("tier_ids", "in", tier.ids),
            ]
        )
        # at the same minimum, a rule for the member's tier beats a rule for every tier, a
        # company's rule beats a chain-wide one (then the older rule)
        return rules.sorted(
            lambda rule: (-rule.min_amount, not rule.tier_ids, not rule.company_id, rule.id)
        )[:1]

    def _get_bonus(self, amount, currency):
        """(bonus money, bonus points) granted by this rule for ``amount``."""
        if not self:
            return 0.0, 0
        money = self.bonus_amount + currency.round(amount * self.bonus_percent / 100.0)
        return currency.round(money), self.bonus_points
