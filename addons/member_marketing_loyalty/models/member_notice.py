import logging
from collections import defaultdict
from datetime import timedelta

from psycopg2 import OperationalError

from odoo import api, fields, models

_logger = logging.getLogger(__name__)


class MemberNotice(models.Model):
    _inherit = "member.notice"

    @api.model
    def _notify_loyalty_event(self, code, partners, reference, values=None):
        """Send a transactional notice from inside a loyalty operation (or a notice cron).

        Skipped with the context key ``member_marketing_no_notice`` (e.g. a campaign's bonus
        points: the campaign message already tells the member). A broken template never blocks
        the operation that triggered it: the notice is rolled back and logged.
        """
        if self.env.context.get("member_marketing_no_notice") or not partners:
            return self.env["member.notice.log"]
        try:
            with self.env.cr.savepoint():
                return self.sudo().notify(code, partners, reference, values)
        except OperationalError:
            raise  # serialization failures and the like: the caller's transaction retries
        except Exception as error:  # a notice must never fail the sale, top-up or enrolment
            _logger.warning("Notice %s for %s not sent: %s", code, reference, error)
            return self.env["member.notice.log"]

    @api.model
    def _run_again_at(self, cron_xmlid, when):
        """One more run of the cron ``cron_xmlid`` at ``when`` (None: none)."""
        cron = self.env.ref(cron_xmlid, raise_if_not_found=False)
        if cron and when:
            # sudo: the cron's user need not manage scheduled actions
            cron.sudo()._trigger(at=when)

    @api.model
    def _get_told(self, code, partners, references):
        """The (partner id, reference) pairs among ``references`` for which ``partners`` got
        the notice ``code`` already (sent or skipped)."""
        rows = (
            self.env["member.notice.log"]
            .sudo()
            ._read_group(
                [
                    ("notice_id.code", "=", code),
                    ("partner_id", "in", partners.ids),
                    ("reference", "in", list(references)),
                ],
                ["partner_id", "reference"],
            )
        )
        return {(partner.id, reference) for partner, reference in rows}

    @api.model
    def _cron_notify_points_expiring(self, today=None, now=None):
        """Remind members of points expiring within the configured days (once per expiry
        date and channel: the reference is the expiry date), counted from the chain's day
        (the day the points expire on).

        Not in the quiet hours of the member's time zone (``_split_quiet_hours``: the store's
        with member_marketing_store_chain), like campaigns: the members in them are reminded
        by one more run at the earliest end of those quiet hours (the daily schedule stays as
        it is)."""
        if not self._is_sendable("points_expiring"):
            return self.env["member.notice.log"]
        now = now or fields.Datetime.now()
        engine = self.env["member.segment.engine"]
        today = today or engine._get_chain_date(now)
        days = engine._get_param("points_expiring_notice_days", 30)
        rows = (
            self.env["member.points.lot"]
            .sudo()
            ._read_group(
                [
                    ("points_remaining", ">", 0),
                    ("expiry_date", ">=", today),
                    ("expiry_date", "<=", today + timedelta(days=days)),
                ],
                ["expiry_date:day", "partner_id"],
                ["points_remaining:sum"],
            )
        )
        Partner = self.env["res.partner"]
        told = self._get_told(
            "points_expiring",
            Partner.browse({partner.id for _day, partner, _points in rows}),
            {f"points-expiring:{day}" for day, _partner, _points in rows},
        )
        rows = [row for row in rows if (row[1].id, f"points-expiring:{row[0]}") not in told]
        awake, wake = self._split_quiet_hours(
            Partner.browse({partner.id for _day, partner, _points in rows}), now
        )
        self._run_again_at("member_marketing_loyalty.ir_cron_notice_points_expiring", wake)
        # one notify() per (expiry date, points): members sharing them get one batch
        awake_ids = set(awake.ids)
        groups = defaultdict(list)
        for expiry_date, partner, points in rows:
            if partner.id in awake_ids:
                groups[expiry_date, points].append(partner.id)
        logs = self.env["member.notice.log"]
        for (expiry_date, points), partner_ids in groups.items():
            logs |= self._notify_loyalty_event(
                "points_expiring",
                Partner.browse(partner_ids),
                f"points-expiring:{expiry_date}",
                {"points": points, "expiry_date": fields.Date.to_string(expiry_date)},
            )
        return logs

    @api.model
    def _cron_notify_tier_lowered(self, now=None, batch_size=1000):
        """Tell the members lowered at the periodic review (in the last week) their new tier,
        once per change, out of the quiet hours of their time zone (the review runs at any
        hour): the others at the earliest end of those quiet hours (one more run). A change
        superseded since (the member's tier is another one now) is not told. At most
        ``batch_size`` changes per run, the next run at once."""
        if not self._is_sendable("tier_lowered"):
            return self.env["member.notice.log"]
        now = now or fields.Datetime.now()
        changes = (
            self.env["member.tier.history"]
            .sudo()
            .search(
                [
                    ("reason", "=", "downgrade"),
                    ("date", ">=", now - timedelta(days=7)),
                    ("date", "<=", now),
                ]
            )
        )
        told = self._get_told(
            "tier_lowered",
            changes.partner_id,
            {change._get_notice_reference() for change in changes},
        )
        changes = changes.filtered(
            lambda change: (change.partner_id.id, change._get_notice_reference()) not in told
            and change.partner_id.member_tier_id == change.new_tier_id
        )
        awake, wake = self._split_quiet_hours(changes.partner_id, now)
        awake_ids = set(awake.ids)
        changes = changes.filtered(lambda change: change.partner_id.id in awake_ids)
        if len(changes) > batch_size:
            # the rest by the next run, at once (a short transaction per batch)
            changes, wake = changes[:batch_size], now
        self._run_again_at("member_marketing_loyalty.ir_cron_notice_tier_lowered", wake)
        logs = self.env["member.notice.log"]
        for change in changes:
            logs |= self._notify_loyalty_event(
                "tier_lowered",
                change.partner_id,
                change._get_notice_reference(),
                change._get_notice_values(),
            )
        return logs
