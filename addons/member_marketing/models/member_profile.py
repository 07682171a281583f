from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_round

PROFILE_FILLFACTOR = 50
# parameter holding the day of the last segment refresh: the day the figures refer to
REFRESH_DATE_PARAM = "member_marketing.last_refresh_date"
DAY_FIGURE_OPERATORS = ("=", "!=", "<", "<=", ">", ">=")


class MemberMarketingProfile(models.Model):
    """Current segments and purchase figures of one member, rewritten by the segment engine.

    The day-dependent figures (days since the last purchase, churn risk) are not stored: they
    derive from the stored last purchase day and usual interval as of the day of the last
    refresh (``_get_figures_date``), in Python for reading and in SQL for searching and
    ordering (``_field_to_sql``). So a refresh rewrites only the profiles whose purchases or
    segments changed, not every row every day.
    """

    _name = "member.marketing.profile"
    _description = "Member Marketing Profile"
    _order = "churn_ratio desc, id"
    _rec_name = "partner_id"
    # written in bulk by the engine only: no creator/writer columns (their foreign key checks
    # cost more than the rows at the first refresh); ``refresh_date`` is the day of the change
    _log_access = False

    # indexed by the unique constraint
    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", readonly=True)
    lifecycle_segment_id = fields.Many2one(
        "member.segment", readonly=True, index=True, ondelete="set null"
    )
    rfm_segment_id = fields.Many2one(
        "member.segment", string="RFM Segment", readonly=True, index=True, ondelete="set null"
    )
    first_order_date = fields.Date(readonly=True)
    last_order_date = fields.Date(readonly=True)
    recency_days = fields.Integer(
        string="Days Since Last Purchase",
        compute="_compute_day_figures",
        search="_search_recency_days",
        help="As of the day of the last segment refresh.",
    )
    order_count = fields.Integer(string="Purchases", readonly=True)
    amount_total = fields.Float(string="Total Spent", digits="Product Price", readonly=True)
    rfm_recency = fields.Integer(string="R", readonly=True)
    rfm_frequency = fields.Integer(string="F", readonly=True)
    rfm_monetary = fields.Integer(string="M", readonly=True)
    purchase_days = fields.Integer(readonly=True, help="Distinct days with a purchase.")
    median_gap = fields.Float(
        string="Median Interval (days)",
        readonly=True,
        help="Median interval between the member's distinct purchase days (empty below two).",
    )
    median_interval_days = fields.Float(
        string="Usual Interval (days)",
        readonly=True,
        help="The median interval, or the chain default with too few purchases.",
    )
    churn_ratio = fields.Float(
        string="Churn Risk",
        digits=(16, 2),
        compute="_compute_day_figures",
        search="_search_churn_ratio",
        help="Days since the last purchase / usual interval, as of the last segment refresh.",
    )
    refresh_date = fields.Date(
        string="Last Changed On", readonly=True, help="Day of the last refresh that changed it."
    )

    _sql_constraints = [
        ("partner_uniq", "unique(partner_id)", "A member has one marketing profile."),
    ]

    def init(self):
        """Free room in each page lets PostgreSQL update rows in place (HOT), without touching
        the indexes, as long as the segments do not change."""
        option = f"fillfactor={PROFILE_FILLFACTOR}"
        self.env.cr.execute(
            "SELECT %s = ANY(COALESCE(reloptions, '{}')) FROM pg_class WHERE oid = %s::regclass",
            [option, self._table],
        )
        if not self.env.cr.fetchone()[0]:
            self.env.cr.execute(
                "ALTER TABLE member_marketing_profile SET (fillfactor = %s)", [PROFILE_FILLFACTOR]
            )
        return super().init()

    # ------------------------------------------------------------------ day-dependent figures
    @api.model
    def _get_figures_date(self):
        """The day the figures refer to: the day of the last segment refresh."""
        value = self.env["ir.config_parameter"].sudo().get_param(REFRESH_DATE_PARAM)
        return fields.Date.to_date(value) if value else fields.Date.context_today(self)

    @api.depends("last_order_date", "median_interval_days")
    @api.depends_context("uid")
    def _compute_day_figures(self):
        day = self._get_figures_date()
        for profile in self:
            recency = (day - profile.last_order_date).days if profile.last_order_date else 0
            profile.recency_days = recency
            interval = profile.median_interval_days
            # half away from zero, like the SQL ROUND(numeric, 2)
            profile.churn_ratio = float_round(recency / interval, 2) if interval else 0.0

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        """SQL of the day-dependent figures, for searching and ordering (same formulas as the
        segment refresh)."""
        if fname not in ("recency_days", "churn_ratio"):
            return super()._field_to_sql(alias, fname, query, flush)
        recency = SQL(
            "(%s::date - %s)",
            self._get_figures_date(),
            super()._field_to_sql(alias, "last_order_date", query, flush),
        )
        if fname == "recency_days":
            return recency
        interval = super()._field_to_sql(alias, "median_interval_days", query, flush)
        return SQL("COALESCE(ROUND((%s / NULLIF(%s, 0))::numeric, 2), 0)", recency, interval)

    def _search_day_figure(self, fname, operator, value):
        if operator not in DAY_FIGURE_OPERATORS:
            raise UserError(self.env._("Unsupported search operator %s.", operator))
        return [
            (
                "id",
                "in",
                SQL(
                    "(SELECT id FROM member_marketing_profile WHERE %s %s %s)",
                    self._field_to_sql("member_marketing_profile", fname),
                    SQL(operator),
                    value,
                ),
            )
        ]

    def _search_recency_days(self, operator, value):
        return self._search_day_figure("recency_days", operator, value)

    def _search_churn_ratio(self, operator, value):
        return self._search_day_figure("churn_ratio", operator, value)
