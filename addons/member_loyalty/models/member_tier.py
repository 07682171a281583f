from odoo import api, fields, models

METRICS = [
    ("spend", "Spend in rolling window"),
    ("points", "Points earned in rolling window"),
    ("topup", "Single top-up amount"),
]


class MemberTier(models.Model):
    _name = "member.tier"
    _description = "Member Tier"
    _order = "sequence, id"
    _inherit = ["pos.load.mixin"]

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10, help="Tiers are ranked by sequence: higher is better.")
    active = fields.Boolean(default=True)
    color = fields.Integer()
    metric = fields.Selection(
        METRICS,
        string="Qualification Metric",
        required=True,
        default="spend",
    )
    window_days = fields.Integer(
        string="Window (days)",
        default=365,
        help="Rolling window over which spend or earned points are summed.",
    )
    qualify_threshold = fields.Float(
        string="Qualification Threshold",
        help="A member reaching this value of the metric is upgraded to this tier at once.",
    )
    retain_threshold = fields.Float(
        string="Retention Threshold",
        help="At the periodic review, a member of this tier below this value is downgraded.",
    )
    points_multiplier = fields.Float(default=1.0)
    birthday_multiplier = fields.Float(
        default=1.0, help="Extra multiplier applied to points earned on the member's birthday."
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        help="Member prices: set as the pricelist of the tier's members.",
    )
    member_count = fields.Integer(compute="_compute_member_count", string="Members")

    _sql_constraints = [
        (
            "multipliers_positive",
            "CHECK(points_multiplier >= 0 AND birthday_multiplier >= 0)",
            "Multipliers cannot be negative.",
        ),
        ("window_positive", "CHECK(window_days > 0)", "The window must be at least one day."),
    ]

    def _compute_member_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("member_tier_id", "in", self.ids)], ["member_tier_id"], ["__count"]
            )
        )
        for tier in self:
            tier.member_count = counts.get(tier, 0)

    def action_open_members(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "res.partner",
            "view_mode": "list,form",
            "domain": [("member_tier_id", "=", self.id)],
        }

    @api.model
    def _load_pos_data_domain(self, data):
        return [("active", "=", True)]

    @api.model
    def _load_pos_data_fields(self, config_id):
        return ["id", "name", "sequence", "color", "pricelist_id", "points_multiplier"]

    @api.model
    def _get_base_tier(self):
        """Tier given at enrolment: the lowest active tier."""
        return self.search([], limit=1)
