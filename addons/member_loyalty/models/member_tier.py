from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
    company_pricelist_ids = fields.Many2many(
        "product.pricelist",
        "member_tier_company_pricelist_rel",
        "tier_id",
        "pricelist_id",
        string="Company Pricelists",
        domain="[('company_id', '!=', False)]",
        help="Member prices of other companies of the chain (branches, franchisees): at most "
        "one pricelist per company. Companies without one use the Pricelist above when it is "
        "shared (no company) or theirs.",
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

    @api.constrains("company_pricelist_ids")
    def _check_company_pricelists(self):
        for tier in self:
            companies = tier.company_pricelist_ids.company_id
            if len(companies) != len(tier.company_pricelist_ids):
                raise ValidationError(
                    self.env._("Tier %s has several pricelists for one company.", tier.name)
                )

    def _get_pricelist(self, company):
        """The member pricelist of this tier in ``company`` (empty if none applies)."""
        self.ensure_one()
        pricelist = self.company_pricelist_ids.filtered(lambda p: p.company_id == company)
        if pricelist:
            return pricelist
        if self.pricelist_id.company_id in (company, self.env["res.company"]):
            return self.pricelist_id
        return self.env["product.pricelist"]

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

    def _load_pos_data(self, data):
        """The till gets each tier's pricelist of its own company (``pricelist_id`` holds it):
        a branch or franchise till applies that company's member prices."""
        res = super()._load_pos_data(data)
        company = self._member_pos_company(data)
        # sudo: configuration read for the till; pricelists of other companies are only compared
        tiers = self.sudo().browse([values["id"] for values in res["data"]])
        pricelists = {tier.id: tier._get_pricelist(company).id or False for tier in tiers}
        for values in res["data"]:
            if "pricelist_id" in values:
                values["pricelist_id"] = pricelists[values["id"]]
        return res

    @api.model
    def _member_pos_company(self, data):
        """Company of the till whose data is loaded."""
        return self.env["pos.config"].browse(data["pos.config"]["data"][0]["id"]).company_id

    @api.model
    def _member_pos_pricelists(self, company):
        """Member pricelists of the active tiers in ``company``."""
        pricelists = self.env["product.pricelist"]
        # sudo: see _load_pos_data; the till then reads these pricelists with its own rights
        for tier in self.sudo().search(self._load_pos_data_domain({})):
            pricelists |= tier._get_pricelist(company)
        return pricelists.sudo(False)

    @api.model
    def _get_base_tier(self):
        """Tier given at enrolment: the lowest active tier."""
        return self.search([], limit=1)
