from odoo import fields, models


class MemberSegmentSnapshot(models.Model):
    """Segment sizes per refresh day, for the dashboard's "segment sizes over time"."""

    _name = "member.segment.snapshot"
    _description = "Segment Size Snapshot"
    _order = "date desc, segment_id"

    date = fields.Date(required=True, index=True, readonly=True)
    segment_id = fields.Many2one("member.segment", required=True, ondelete="cascade", readonly=True)
    segment_type = fields.Selection(related="segment_id.segment_type", store=True)
    member_count = fields.Integer(
        string="Members",
        aggregator="avg",
        readonly=True,
        help="Members in the segment on that day (grouped by week or month: the average).",
    )

    _sql_constraints = [
        ("date_segment_uniq", "unique(date, segment_id)", "One snapshot per segment and day."),
    ]
