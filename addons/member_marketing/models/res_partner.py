from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    # birthday and consent fields are defined identically in member_loyalty so that both
    # addons can be installed together: keep names, types and strings in sync.
    birthday = fields.Date()
    consent_sms = fields.Boolean(string="SMS Consent")
    consent_email = fields.Boolean(string="Email Consent")
    consent_sms_date = fields.Datetime(string="SMS Consent Date")
    consent_email_date = fields.Datetime(string="Email Consent Date")
    marketing_opt_out = fields.Boolean(
        string="Marketing Opt-out",
        help="The member asked to receive no marketing at all; campaigns skip them.",
    )
    marketing_profile_ids = fields.One2many("member.marketing.profile", "partner_id")
    lifecycle_segment_id = fields.Many2one(
        "member.segment",
        compute="_compute_marketing_segments",
        search="_search_lifecycle_segment_id",
    )
    rfm_segment_id = fields.Many2one(
        "member.segment",
        string="RFM Segment",
        compute="_compute_marketing_segments",
        search="_search_rfm_segment_id",
    )

    @api.depends(
        "marketing_profile_ids.lifecycle_segment_id", "marketing_profile_ids.rfm_segment_id"
    )
    def _compute_marketing_segments(self):
        for partner in self:
            profile = partner.marketing_profile_ids[:1]
            partner.lifecycle_segment_id = profile.lifecycle_segment_id
            partner.rfm_segment_id = profile.rfm_segment_id

    def _search_lifecycle_segment_id(self, operator, value):
        return [("marketing_profile_ids.lifecycle_segment_id", operator, value)]

    def _search_rfm_segment_id(self, operator, value):
        return [("marketing_profile_ids.rfm_segment_id", operator, value)]

    # Consent dates: set when consent is given or withdrawn, per partner. member_loyalty does
    # exactly the same, so the dates are right with either addon or both installed.
    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        for vals in vals_list:
            for flag in ("consent_sms", "consent_email"):
                if vals.get(flag) and not vals.get(f"{flag}_date"):
                    vals[f"{flag}_date"] = now
        return super().create(vals_list)

    def write(self, vals):
        changed = {
            flag: self.filtered(lambda p, flag=flag: p[flag] != bool(vals[flag]))
            for flag in ("consent_sms", "consent_email")
            if flag in vals and f"{flag}_date" not in vals
        }
        res = super().write(vals)
        now = fields.Datetime.now()
        for flag, partners in changed.items():
            if partners:
                super(ResPartner, partners).write({f"{flag}_date": now})
        return res

    def _member_marketing_sms_opt_out(self):
        """Honour an SMS opt-out at once: withdraw consent, blacklist the numbers and cancel the
        campaign SMS still waiting in Odoo's outbox (their sends become skipped, opted out).
        Transactional notices are not marketing: they stay queued."""
        self.sudo().write({"consent_sms": False})
        numbers = [number for number in self.mapped("phone_sanitized") if number]
        if numbers:
            self.env["phone.blacklist"].sudo()._add(
                numbers, message=self.env._("Opted out from a marketing SMS")
            )
        self._member_marketing_cancel_campaign_sms()
        return True

    def _member_marketing_cancel_campaign_sms(self):
        """Cancel the campaign SMS of these members not yet handed to the provider."""
        # sudo: called for the public opt-out link; pinned to these members' own campaign sends
        sends = (
            self.env["member.campaign.send"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.ids),
                    ("channel", "=", "sms"),
                    ("state", "=", "sent"),
                    ("sms_uuid", "!=", False),
                ]
            )
        )
        if not sends:
            return
        outgoing = (
            self.env["sms.sms"]
            .sudo()
            .search([("uuid", "in", sends.mapped("sms_uuid")), ("state", "=", "outgoing")])
        )
        if not outgoing:
            return
        outgoing.action_set_canceled()
        canceled = set(outgoing.mapped("uuid"))
        sends.filtered(lambda s: s.sms_uuid in canceled).write(
            {"state": "skipped", "skip_reason": "opt_out"}
        )
