from odoo import fields, models


class MemberNoticeLog(models.Model):
    """One notice per (notice, member, reference, channel): its idempotency key."""

    _name = "member.notice.log"
    _description = "Transactional Notice Log"
    _order = "id desc"
    _rec_name = "notice_id"

    notice_id = fields.Many2one(
        "member.notice", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, ondelete="cascade", readonly=True
    )
    reference = fields.Char(
        required=True, readonly=True, help="The event, e.g. a top-up or ledger entry."
    )
    channel = fields.Selection([("sms", "SMS"), ("email", "Email")], required=True, readonly=True)
    state = fields.Selection(
        [("sent", "Sent"), ("skipped", "Skipped")], required=True, readonly=True
    )
    skip_reason = fields.Selection(
        [
            ("no_consent", "No Consent"),
            ("no_contact", "No Phone/Email"),
            ("blacklisted", "Blacklisted"),
        ],
        readonly=True,
    )
    sms_uuid = fields.Char(string="SMS UUID", readonly=True)
    mail_id = fields.Integer(string="Email ID", readonly=True)

    _sql_constraints = [
        (
            "notice_partner_reference_uniq",
            "unique(notice_id, partner_id, reference, channel)",
            "A member receives a notice once per event and channel.",
        ),
    ]

    def _queue(self, template):
        """Queue the messages (outbox: Odoo's SMS and mail queues deliver them)."""
        partners = self.partner_id
        if template._name == "sms.template":
            bodies = template._render_field("body", partners.ids, compute_lang=True)
            sms_records = (
                self.env["sms.sms"]
                .sudo()
                .create(
                    [
                        {"partner_id": log.partner_id.id, "number": log.partner_id.phone_sanitized}
                        | {"body": bodies[log.partner_id.id], "state": "outgoing"}
                        for log in self
                    ]
                )
            )
            for log, sms in zip(self, sms_records, strict=True):
                log.sms_uuid = sms.uuid
        else:
            mails = template.send_mail_batch(partners.ids, force_send=False)
            mail_by_partner = {mail.res_id: mail.id for mail in mails}
            for log in self:
                log.mail_id = mail_by_partner.get(log.partner_id.id)
