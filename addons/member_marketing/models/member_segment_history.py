from odoo import fields, models


class MemberSegmentHistory(models.Model):
    """One row per segment change of a member (append-only, written by the segment engine)."""

    _name = "member.segment.history"
    _description = "Member Segment Change"
    _order = "date desc, id desc"
    # written in bulk by the engine only (hundreds of thousands of rows at the first refresh):
    # no creator/writer columns, whose foreign key checks cost more than the rows themselves
    _log_access = False

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True, readonly=True
    )
    segment_type = fields.Selection(
        [("lifecycle", "Lifecycle"), ("rfm", "RFM")], string="Type", required=True, readonly=True
    )
    segment_id = fields.Many2one("member.segment", string="New Segment", index=True, readonly=True)
    previous_segment_id = fields.Many2one("member.segment", readonly=True)
    date = fields.Date(required=True, index=True, readonly=True)
