import logging
import uuid
from collections import defaultdict
from datetime import timedelta

from psycopg2 import errors as pg_errors

from odoo import api, fields, models
from odoo.tools import SQL

from .member_segment_engine import PURCHASE_FILTER

_logger = logging.getLogger(__name__)

SKIP_REASONS = [
    ("opt_out", "Opted Out"),
    ("no_consent", "No Consent"),
    ("no_contact", "No Phone/Email"),
    ("blacklisted", "Blacklisted"),
    ("frequency_cap", "Frequency Cap"),
]
# outbox crons of Odoo's sms and mail modules, run at once after a batch queued messages
OUTBOX_CRONS = {
    "sms": "sms.ir_cron_sms_scheduler_action",
    "email": "mail.ir_cron_mail_scheduler_action",
}
# errors of a transaction that met a concurrent one: the whole batch is retried with a fresh
# snapshot, never recorded as a sending failure
RETRYABLE_ERRORS = (pg_errors.SerializationFailure, pg_errors.DeadlockDetected)
# one row per member ever sent to: the workers write it before counting the member's recent
# sends, so that two workers sending to the same member serialize (see _lock_partners)
PARTNER_MARK_TABLE = "member_campaign_send_partner_mark"


class MemberCampaignSend(models.Model):
    """One send per (campaign, member, occurrence): the idempotency key of campaign execution."""

    _name = "member.campaign.send"
    _description = "Campaign Send"
    _order = "id desc"
    _rec_name = "partner_id"

    campaign_id = fields.Many2one(
        "member.campaign", required=True, ondelete="cascade", index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, ondelete="cascade", readonly=True
    )
    occurrence = fields.Char(
        required=True, readonly=True, help="Which occurrence of the trigger (year, episode)."
    )
    group_type = fields.Selection(
        [("treatment", "Treatment"), ("control", "Control")],
        string="Group",
        required=True,
        readonly=True,
    )
    channel = fields.Selection([("sms", "SMS"), ("email", "Email")], required=True, readonly=True)
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("sent", "Sent"),
            ("held", "Held Out (Control)"),
            ("skipped", "Skipped"),
            ("failed", "Failed"),
        ],
        required=True,
        default="queued",
        index=True,
        readonly=True,
    )
    skip_reason = fields.Selection(SKIP_REASONS, readonly=True)
    error = fields.Char(readonly=True)
    date_queued = fields.Datetime(readonly=True)
    date_processed = fields.Datetime(readonly=True, index=True)
    sms_uuid = fields.Char(string="SMS UUID", readonly=True, index="btree_not_null")
    mail_id = fields.Integer(string="Email ID", readonly=True)
    coupon_id = fields.Many2one("loyalty.card", readonly=True, ondelete="set null")
    # the opt-out link's secret: 32 random hex digits, as ``member.campaign._enqueue`` inserts
    # them (``replace(gen_random_uuid()::text, '-', '')``) for sends created in SQL
    access_token = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_system",
        default=lambda self: uuid.uuid4().hex,
    )
    converted = fields.Boolean(readonly=True)
    revenue = fields.Float(digits="Product Price", readonly=True, aggregator="sum")

    _sql_constraints = [
        (
            "campaign_partner_occurrence_uniq",
            "unique(campaign_id, partner_id, occurrence)",
            "A member receives each occurrence of a campaign once.",
        ),
    ]

    def init(self):
        self.env.cr.execute(
            SQL(
                """CREATE TABLE IF NOT EXISTS %s (
                       partner_id integer PRIMARY KEY REFERENCES res_partner ON DELETE CASCADE,
                       last_claim timestamp NOT NULL)""",
                SQL.identifier(PARTNER_MARK_TABLE),
            )
        )
        return super().init()

    # ------------------------------------------------------------------ queue processing
    @api.model
    def _cron_process_queue(self, batch_size=500, max_batches=50):
        """Process a bounded number of batches per run and report progress, so that a large
        queue never hits the cron time limit: Odoo re-runs the job at once while work remains."""
        done = self._process_queue(batch_size=batch_size, max_batches=max_batches, commit=True)
        remaining = self.search_count(
            [("state", "=", "queued"), ("campaign_id.state", "=", "running")]
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining if done else 0)

    @api.model
    def _get_claim_condition(self, now):
        """Extra SQL condition on the queued send ``s`` and its campaign ``c`` for claiming it
        now (hook for bridges, e.g. quiet hours in the member's store time zone)."""
        return SQL("TRUE")

    @api.model
    def _claim_batch(self, batch_size, quiet_campaign_ids, now=None):
        self.env.cr.execute(
            SQL(
                """
            SELECT s.id
              FROM member_campaign_send s
              JOIN member_campaign c ON c.id = s.campaign_id
             WHERE s.state = 'queued' AND c.state = 'running' AND NOT (s.campaign_id = ANY(%s))
               AND %s
             ORDER BY s.id
             LIMIT %s
               FOR UPDATE OF s SKIP LOCKED
            """,
                list(quiet_campaign_ids),
                self._get_claim_condition(now or fields.Datetime.now()),
                batch_size,
            )
        )
        return self.browse([row[0] for row in self.env.cr.fetchall()])

    @api.model
    def _process_queue(self, batch_size=500, max_batches=None, commit=False, now=None):
        """Claim queued sends in batches (``FOR UPDATE SKIP LOCKED``) and process them.

        With ``commit`` (cron), each batch is committed on its own; otherwise the caller's
        transaction holds everything. Returns the number of sends processed.
        """
        now = now or fields.Datetime.now()
        campaigns = self.env["member.campaign"].search([("state", "=", "running")])
        quiet_ids = campaigns.filtered(lambda c: c._is_quiet(now)).ids
        processed = batches = 0
        while not max_batches or batches < max_batches:
            try:
                batch = self._claim_batch(batch_size, quiet_ids, now)
            except RETRYABLE_ERRORS:
                if not commit:
                    raise
                # another worker committed rows of our snapshot: start a fresh transaction
                self.env.cr.rollback()
                continue
            if not batch:
                break
            try:
                channels = batch._process_batch(now)
            except RETRYABLE_ERRORS:
                if not commit:
                    raise
                # another worker sent to one of these members since our snapshot, or an action
                # met a concurrent update (e.g. a till sale on the member's points balance):
                # start over with a fresh snapshot, which sees the other transaction's work
                self.env.cr.rollback()
                continue
            processed += len(batch)
            batches += 1
            if commit:
                # wake Odoo's SMS/email queues up now rather than at their next hourly run,
                # which could fall in the quiet hours; committed with the batch's messages
                self._trigger_outbox_crons(channels)
                # Commit per batch on purpose: the batch's new states and the sms.sms/mail.mail
                # rows it queued land together, so a crash loses only the current batch (rolled
                # back, still queued, claimed again later) and nothing is ever sent twice.
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return processed

    @api.model
    def _trigger_outbox_crons(self, channels):
        """Run Odoo's queue crons of these channels (``sms``, ``email``) as soon as possible, so
        that the messages just queued leave now and not up to an hour later."""
        for channel in channels:
            cron = self.env.ref(OUTBOX_CRONS[channel], raise_if_not_found=False)
            if cron:
                # sudo: the campaign cron's user need not manage scheduled actions
                cron.sudo()._trigger()

    def _get_ineligibility(self, now):
        """Map send id -> skip reason (or None) in one query, frequency cap included."""
        cap_count = self.env["member.segment.engine"]._get_param("frequency_cap_count", 2)
        cap_days = self.env["member.segment.engine"]._get_param("frequency_cap_days", 7)
        self.env.flush_all()
        if cap_count:
            self._lock_partners(now)
        self.env.cr.execute(
            SQL(
                """
            SELECT s.id, s.partner_id, s.group_type,
                   CASE WHEN p.marketing_opt_out THEN 'opt_out'
                        WHEN s.channel = 'sms' AND NOT COALESCE(p.consent_sms, FALSE)
                             THEN 'no_consent'
                        WHEN s.channel = 'email' AND NOT COALESCE(p.consent_email, FALSE)
                             THEN 'no_consent'
                        WHEN s.channel = 'sms' AND p.phone_sanitized IS NULL THEN 'no_contact'
                        WHEN s.channel = 'email' AND p.email_normalized IS NULL THEN 'no_contact'
                        WHEN s.channel = 'sms' AND EXISTS (SELECT 1 FROM phone_blacklist b
                             WHERE b.number = p.phone_sanitized AND b.active) THEN 'blacklisted'
                        WHEN s.channel = 'email' AND EXISTS (SELECT 1 FROM mail_blacklist b
                             WHERE b.email = p.email_normalized AND b.active) THEN 'blacklisted'
                   END,
                   (SELECT COUNT(*) FROM member_campaign_send o
                     WHERE o.partner_id = s.partner_id AND o.state = 'sent'
                       AND o.date_processed >= %s)
              FROM member_campaign_send s
              JOIN res_partner p ON p.id = s.partner_id
             WHERE s.id IN %s
             ORDER BY s.id
            """,
                now - timedelta(days=cap_days),
                tuple(self.ids),
            )
        )
        reasons = {}
        sent_so_far = {}
        for send_id, partner_id, group_type, reason, recent in self.env.cr.fetchall():
            count = sent_so_far.setdefault(partner_id, recent)
            if not reason and cap_count and count >= cap_count:
                reason = "frequency_cap"
            reasons[send_id] = reason
            if not reason and group_type == "treatment":
                sent_so_far[partner_id] = count + 1
        return reasons

    def _lock_partners(self, now):
        """Serialize the workers per member before the frequency cap is counted.

        Each worker upserts the members' mark rows (in partner order: no deadlock). A second
        worker on the same member waits for the first one's commit, then fails to serialize
        (REPEATABLE READ): its batch is retried with a snapshot that sees the first one's sends.
        """
        self.env.cr.execute(
            SQL(
                """
            INSERT INTO %(table)s (partner_id, last_claim)
            SELECT DISTINCT partner_id, %(now)s::timestamp
              FROM member_campaign_send WHERE id IN %(ids)s AND group_type = 'treatment'
             ORDER BY partner_id
            ON CONFLICT (partner_id) DO UPDATE SET last_claim = EXCLUDED.last_claim
            """,
                table=SQL.identifier(PARTNER_MARK_TABLE),
                now=now,
                ids=tuple(self.ids),
            )
        )

    def _process_batch(self, now):
        """Skip, hold out or send each claimed send; returns the channels it queued messages on.

        A sending error of one campaign (a broken template) fails that campaign's sends only;
        a serialization failure or a deadlock propagates, so that the caller retries the batch.
        """
        reasons = self._get_ineligibility(now)
        skipped = defaultdict(list)
        held = []
        to_send = self.browse()
        for send in self:
            if reasons[send.id]:
                skipped[reasons[send.id]].append(send.id)
            elif send.group_type == "control":
                held.append(send.id)
            else:
                to_send |= send
        for reason, ids in skipped.items():
            self.browse(ids).write(
                {"state": "skipped", "skip_reason": reason, "date_processed": now}
            )
        if held:
            self.browse(held).write({"state": "held", "date_processed": now})
        channels = set()
        for campaign, sends in to_send.grouped("campaign_id").items():
            try:
                with self.env.cr.savepoint():
                    for part in sends._one_per_member():
                        codes = part._run_actions(campaign, now)
                        if campaign.channel == "sms":
                            part._queue_sms(campaign, now, codes)
                        else:
                            part._queue_email(campaign, now, codes)
            except RETRYABLE_ERRORS:
                # a concurrent transaction, not the campaign: the snapshot is stale for the
                # whole batch, only a new transaction can succeed
                raise
            except Exception as error:  # one broken template must not block the other campaigns
                # a configuration problem, recorded on each send for the marketing team
                _logger.warning("Campaign %s: sending failed: %s", campaign.id, error)
                sends.write({"state": "failed", "error": str(error)[:250], "date_processed": now})
            else:
                channels.add(campaign.channel)
        return channels

    def _one_per_member(self):
        """These sends in parts where each member appears once: messages and coupon codes are
        rendered per member, so two occurrences of one campaign for a member in one batch (two
        segment entries, within the frequency cap) make two messages, each with its coupon."""
        parts = []
        seen = defaultdict(int)
        for send in self:
            index = seen[send.partner_id.id]
            seen[send.partner_id.id] += 1
            if index == len(parts):
                parts.append([])
            parts[index].append(send.id)
        return [self.browse(ids) for ids in parts]

    def _run_actions(self, campaign, now):
        """Run the campaign's actions for these treatment sends before the message is queued,
        in the batch's transaction (hook for bridges, e.g. bonus points). Returns the coupon
        codes by partner id (empty without a coupon program)."""
        if campaign.coupon_program_id:
            return self._create_coupons(campaign, now)
        return {}

    def _get_opt_out_url(self):
        self.ensure_one()
        return f"{self.get_base_url()}/member_marketing/optout/{self.sudo().access_token}"

    def _create_coupons(self, campaign, now):
        """One coupon per send, in the batch's transaction: a crash rolls it back with the send."""
        days = campaign.coupon_validity_days
        expiry = False
        if days:
            # counted from the chain's day of the send (not the UTC one: off by a day at night)
            send_date = self.env["member.segment.engine"]._get_chain_date(now, campaign.company_id)
            expiry = send_date + timedelta(days=days)
        # loyalty_no_mail: the campaign message carries the code, no separate loyalty email
        coupons = (
            self.env["loyalty.card"]
            .sudo()
            .with_context(loyalty_no_mail=True)
            .create(
                [
                    {
                        "program_id": campaign.coupon_program_id.id,
                        "partner_id": send.partner_id.id,
                        "points": campaign.coupon_points,
                        "expiration_date": expiry,
                    }
                    for send in self
                ]
            )
        )
        self.env.cr.execute(
            SQL(
                """
            UPDATE member_campaign_send s SET coupon_id = v.coupon_id
              FROM unnest(%s::int[], %s::int[]) AS v(id, coupon_id)
             WHERE s.id = v.id
            """,
                self.ids,
                coupons.ids,
            )
        )
        self.invalidate_recordset(["coupon_id"])
        return {send.partner_id.id: coupon.code for send, coupon in zip(self, coupons, strict=True)}

    def _group_by_lang(self, template):
        """[(template, sends)] to render: with the template's own language expression, one
        group (Odoo computes the language per record); without one, one group per member's
        language with that language in context, since Odoo would otherwise render every message
        in the language of the user running the cron."""
        if template.lang:
            return [(template, self)]
        return [
            (template.with_context(lang=lang), sends)
            for lang, sends in self.grouped(lambda s: s.partner_id.lang or self.env.lang).items()
        ]

    def _queue_sms(self, campaign, now, coupon_codes=None):
        """Render and queue one sms.sms per send (outbox: Odoo's SMS queue delivers them)."""
        template = campaign.sms_template_id
        bodies = {}
        for lang_template, sends in self._group_by_lang(template):
            bodies.update(
                lang_template._render_field(
                    "body", sends.partner_id.ids, compute_lang=bool(template.lang)
                )
            )
        vals_list = []
        for send in self:
            partner = send.partner_id
            env = self.with_context(lang=partner.lang or self.env.lang).env
            lines = [bodies[partner.id]]
            if coupon_codes:
                lines.append(env._("Your coupon code: %(code)s", code=coupon_codes[partner.id]))
            lines.append(env._("Opt out: %(url)s", url=send._get_opt_out_url()))
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "number": partner.phone_sanitized,
                    "body": "\n".join(lines),
                    "state": "outgoing",
                }
            )
        sms_records = self.env["sms.sms"].sudo().create(vals_list)
        self._mark_sent(now, [sms.uuid for sms in sms_records], [None] * len(self))

    def _queue_email(self, campaign, now, coupon_codes=None):
        """Queue one mail.mail per send (outbox: Odoo's mail queue delivers them).

        Templates show the coupon with ``ctx.get('coupon_codes', {}).get(object.id)``.
        """
        template = campaign.mail_template_id.with_context(coupon_codes=coupon_codes or {})
        mails = self.env["mail.mail"]
        for lang_template, sends in self._group_by_lang(template):
            mails |= lang_template.send_mail_batch(sends.partner_id.ids, force_send=False)
        mail_by_partner = {mail.res_id: mail.id for mail in mails}
        self._mark_sent(
            now, [None] * len(self), [mail_by_partner.get(send.partner_id.id) for send in self]
        )

    def _mark_sent(self, now, sms_uuids, mail_ids):
        self.env.cr.execute(
            SQL(
                """
            UPDATE member_campaign_send s
               SET state = 'sent', date_processed = %s, sms_uuid = v.uuid, mail_id = v.mail_id,
                   write_date = %s, write_uid = %s
              FROM unnest(%s::int[], %s::varchar[], %s::int[]) AS v(id, uuid, mail_id)
             WHERE s.id = v.id
            """,
                now,
                now,
                self.env.uid,
                self.ids,
                sms_uuids,
                mail_ids,
            )
        )
        self.invalidate_recordset()

    # ------------------------------------------------------------------ conversions
    @api.model
    def _cron_measure(self):
        self._measure()

    @api.model
    def _measure(self, now=None, recent_only=True):
        """Set ``converted``/``revenue`` of sent and held sends from POS orders, in one UPDATE.

        A member converts when they buy within the campaign's conversion window after the send
        (or, for the control group, after the moment they were held out).
        """
        now = now or fields.Datetime.now()
        self.env.flush_all()
        recent = SQL(
            "s.date_processed >= %s::timestamp - (c.conversion_days + 2) * interval '1 day'", now
        )
        self.env.cr.execute(
            SQL(
                """
            UPDATE member_campaign_send upd
               SET converted = agg.orders > 0, revenue = agg.amount
              FROM (
                SELECT s.id, COUNT(o.id) AS orders, COALESCE(SUM(o.amount_total), 0) AS amount
                  FROM member_campaign_send s
                  JOIN member_campaign c ON c.id = s.campaign_id
                  LEFT JOIN pos_order o
                         ON o.partner_id = s.partner_id
                        AND %(purchase)s
                        AND o.date_order > s.date_processed
                        AND o.date_order <= s.date_processed + c.conversion_days * interval '1 day'
                 WHERE s.state IN ('sent', 'held') AND %(recent)s
                 GROUP BY s.id
              ) agg
             WHERE upd.id = agg.id
            """,
                purchase=PURCHASE_FILTER,
                recent=recent if recent_only else SQL("TRUE"),
            )
        )
        self.invalidate_model(["converted", "revenue"])
        return self.env.cr.rowcount
