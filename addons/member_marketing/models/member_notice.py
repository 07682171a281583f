from odoo import api, fields, models
from odoo.tools import SQL

NOTICE_SKIP_SQL = """
    CASE WHEN %(channel)s = 'sms' AND NOT COALESCE(p.consent_sms, FALSE) THEN 'no_consent'
         WHEN %(channel)s = 'email' AND NOT COALESCE(p.consent_email, FALSE) THEN 'no_consent'
         WHEN %(channel)s = 'sms' AND p.phone_sanitized IS NULL THEN 'no_contact'
         WHEN %(channel)s = 'email' AND p.email_normalized IS NULL THEN 'no_contact'
         WHEN %(channel)s = 'sms' AND EXISTS (SELECT 1 FROM phone_blacklist b
              WHERE b.number = p.phone_sanitized AND b.active) THEN 'blacklisted'
         WHEN %(channel)s = 'email' AND EXISTS (SELECT 1 FROM mail_blacklist b
              WHERE b.email = p.email_normalized AND b.active) THEN 'blacklisted'
    END
"""


class MemberNotice(models.Model):
    """A transactional notice (card opened, top-up, points changed...) and its templates.

    Bridges call ``notify(code, partners, reference, values)`` when the event happens; each
    (notice, member, reference, channel) is sent at most once, to members who consented to the
    channel. Templates read the event's values from ``ctx`` (e.g. ``{{ ctx.get('amount') }}``).
    """

    _name = "member.notice"
    _description = "Transactional Notice"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    sms_active = fields.Boolean(string="Send SMS", default=True)
    email_active = fields.Boolean(string="Send Email", default=True)
    sms_template_id = fields.Many2one(
        "sms.template", string="SMS Template", domain=[("model", "=", "res.partner")]
    )
    mail_template_id = fields.Many2one(
        "mail.template", string="Email Template", domain=[("model", "=", "res.partner")]
    )
    log_ids = fields.One2many("member.notice.log", "notice_id")

    _sql_constraints = [("code_uniq", "unique(code)", "A notice code must be unique.")]

    @api.model
    def _get_member_timezones(self, partners):
        """{partner id: time zone} of each member's local time (quiet hours, the member's day):
        the chain's (hook: member_marketing_store_chain gives the time zone of the member's
        store, as for campaign sends)."""
        timezone = self.env["member.segment.engine"]._get_timezone()
        return dict.fromkeys(partners.ids, timezone)

    @api.model
    def _is_sendable(self, code):
        """True when the notice ``code`` is active with a template on an active channel."""
        notice = self.sudo().search([("code", "=", code)], limit=1)
        return bool(
            (notice.sms_active and notice.sms_template_id)
            or (notice.email_active and notice.mail_template_id)
        )

    @api.model
    def _split_quiet_hours(self, partners, now):
        """The ``partners`` out of the quiet hours at ``now`` in their time zone
        (``_get_member_timezones``), and the earliest end of the quiet hours of the others
        (None: nobody waits)."""
        Campaign = self.env["member.campaign"]
        timezones = self._get_member_timezones(partners)
        quiet = {tz for tz in set(timezones.values()) if Campaign._is_quiet_hour(now, tz)}
        awake = partners.filtered(lambda partner: timezones[partner.id] not in quiet)
        wake = min((Campaign._get_quiet_hours_end(now, tz) for tz in quiet), default=None)
        return awake, wake

    @api.model
    def notify(self, code, partners, reference, values=None):
        """Queue the notice ``code`` for ``partners`` once per ``reference`` and channel.

        Returns the ``member.notice.log`` rows created by this call (sent and skipped).
        """
        notice = self.sudo().search([("code", "=", code)], limit=1)
        Log = self.env["member.notice.log"].sudo()
        if not notice or not partners:
            return Log
        logs = Log
        channels = [("sms", notice.sms_active and notice.sms_template_id)]
        channels.append(("email", notice.email_active and notice.mail_template_id))
        self.env.flush_all()
        for channel, template in channels:
            if not template:
                continue
            self.env.cr.execute(
                SQL(
                    """
                INSERT INTO member_notice_log
                       (notice_id, partner_id, reference, channel, state, skip_reason,
                        create_uid, create_date, write_uid, write_date)
                SELECT %(notice)s, p.id, %(reference)s, %(channel)s,
                       CASE WHEN reason IS NULL THEN 'sent' ELSE 'skipped' END, reason,
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM res_partner p, LATERAL (SELECT %(skip)s AS reason) r
                 WHERE p.id IN %(partners)s
                ON CONFLICT (notice_id, partner_id, reference, channel) DO NOTHING
                RETURNING id
                """,
                    notice=notice.id,
                    reference=reference,
                    channel=channel,
                    uid=self.env.uid,
                    skip=SQL(NOTICE_SKIP_SQL, channel=channel),
                    partners=tuple(partners.ids),
                )
            )
            new_logs = Log.browse([row[0] for row in self.env.cr.fetchall()])
            to_send = new_logs.filtered(lambda log: log.state == "sent")
            if to_send:
                to_send._queue(template.with_context(**(values or {})))
            logs |= new_logs
        return logs
