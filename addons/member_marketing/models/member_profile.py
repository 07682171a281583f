from odoo import fields, models

PROFILE_FILLFACTOR = 50


class MemberMarketingProfile(models.Model):
    """Current segments and purchase figures of one member, rewritten by the segment engine."""

    _name = "member.marketing.profile"
    _description = "Member Marketing Profile"
    _order = "churn_ratio desc, id"
    _rec_name = "partner_id"

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
    recency_days = fields.Integer(string="Days Since Last Purchase", readonly=True)
    order_count = fields.Integer(string="Purchases", readonly=True)
    amount_total = fields.Float(string="Total Spent", digits="Product Price", readonly=True)
    rfm_recency = fields.Integer(string="R", readonly=True)
    rfm_frequency = fields.Integer(string="F", readonly=True)
    rfm_monetary = fields.Integer(string="M", readonly=True)
    median_interval_days = fields.Float(string="Usual Interval (days)", readonly=True)
    churn_ratio = fields.Float(string="Churn Risk", digits=(16, 2), readonly=True)
    refresh_date = fields.Date(
        string="Last Changed On", readonly=True, help="Day of the last refresh that changed it."
    )

    _sql_constraints = [
        ("partner_uniq", "unique(partner_id)", "A member has one marketing profile."),
    ]

    def init(self):
        """The nightly refresh rewrites most rows (days since last purchase, churn risk): free
        room in each page lets PostgreSQL update them in place (HOT), without touching the
        indexes, as long as the segments do not change."""
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
