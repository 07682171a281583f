from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

TICKET_OPERATORS = [("ge", ">="), ("gt", ">"), ("le", "<="), ("lt", "<")]
TICKET_SQL = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


class MemberSegment(models.Model):
    """A lifecycle or RFM segment and the rule that puts a member in it.

    Lifecycle rules are evaluated in ``sequence`` order and the first match wins, so the
    sequence IS the precedence (most engaged first by default). RFM segments are matched on
    their recency and frequency score ranges, also in ``sequence`` order.
    """

    _name = "member.segment"
    _description = "Member Segment"
    _order = "segment_type, sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Stable technical code used by campaigns and bridges.")
    segment_type = fields.Selection(
        [("lifecycle", "Lifecycle"), ("rfm", "RFM")],
        string="Type",
        required=True,
        default="lifecycle",
    )
    sequence = fields.Integer(default=10, help="Precedence: the first matching segment wins.")
    active = fields.Boolean(default=True)
    color = fields.Integer()
    description = fields.Text(translate=True)
    # Lifecycle rule (0 means "no condition" unless stated otherwise)
    first_purchase_max_days = fields.Integer(
        string="First Purchase Within (days)",
        help="The first purchase is at most this many days old.",
    )
    window_days = fields.Integer(
        string="Window (days)",
        help="Purchases counted and averaged over the last N days (0: all history).",
    )
    min_orders = fields.Integer(string="Min Purchases in Window")
    max_orders = fields.Integer(string="Max Purchases in Window", help="0: no maximum.")
    recency_min_days = fields.Integer(string="Last Purchase at Least (days ago)")
    recency_max_days = fields.Integer(
        string="Last Purchase at Most (days ago)", help="0: no maximum."
    )
    ticket_operator = fields.Selection(TICKET_OPERATORS, string="Average Ticket")
    ticket_amount = fields.Float(digits="Product Price")
    churn_ratio_min = fields.Float(
        string="Churn Ratio at Least",
        help="Days since last purchase divided by the member's usual interval (0: no condition).",
    )
    # RFM rule
    r_min = fields.Integer(string="Recency Score From", default=1)
    r_max = fields.Integer(string="Recency Score To", default=5)
    f_min = fields.Integer(string="Frequency Score From", default=1)
    f_max = fields.Integer(string="Frequency Score To", default=5)
    member_count = fields.Integer(compute="_compute_member_count", string="Members")

    _sql_constraints = [
        ("code_type_uniq", "unique(segment_type, code)", "A segment code must be unique per type."),
    ]

    @api.constrains("r_min", "r_max", "f_min", "f_max")
    def _check_scores(self):
        for segment in self.filtered(lambda s: s.segment_type == "rfm"):
            scores = (segment.r_min, segment.r_max, segment.f_min, segment.f_max)
            if not all(1 <= score <= 5 for score in scores):
                raise ValidationError(self.env._("RFM scores range from 1 to 5."))
            if segment.r_min > segment.r_max or segment.f_min > segment.f_max:
                raise ValidationError(self.env._("An RFM score range must start before it ends."))

    @api.depends("name", "segment_type")
    def _compute_display_name(self):
        """The type before the name: the lifecycle and the RFM lists both have an "At Risk"
        and a "Loyal" segment."""
        types = dict(self._fields["segment_type"]._description_selection(self.env))
        for segment in self:
            segment.display_name = (
                f"{types[segment.segment_type]} / {segment.name}"
                if segment.segment_type and segment.name
                else segment.name
            )

    def unlink(self):
        # the engine's state still names these segments (a history row of the next refresh
        # would point to a deleted one): that refresh rebuilds it
        self.env["member.segment.engine"]._drop_state()
        return super().unlink()

    def _compute_member_count(self):
        Profile = self.env["member.marketing.profile"]
        counts = dict.fromkeys(self.ids, 0)
        for field in ("lifecycle_segment_id", "rfm_segment_id"):
            for segment, count in Profile._read_group(
                [(field, "in", self.ids)], [field], ["__count"]
            ):
                counts[segment.id] += count
        for segment in self:
            segment.member_count = counts.get(segment.id, 0)

    def action_view_members(self):
        self.ensure_one()
        field = "lifecycle_segment_id" if self.segment_type == "lifecycle" else "rfm_segment_id"
        return {
            "type": "ir.actions.act_window",
            "name": self.name,
            "res_model": "member.marketing.profile",
            "view_mode": "list,form",
            "domain": [(field, "=", self.id)],
        }

    def action_refresh(self):
        # the refresh writes profiles and history in raw SQL: marketing administrators only
        if not self.env.user.has_group("member_marketing.group_member_marketing_manager"):
            raise AccessError(self.env._("Only marketing administrators can refresh the segments."))
        self.env["member.segment.engine"]._refresh()
        return True
