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
        """Send a transactional notice from inside a loyalty operation.

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
    def _cron_notify_points_expiring(self, today=None, now=None):
        """Remind members of points expiring within the configured days (once per expiry
        date and channel: the reference is the expiry date), counted from each member's own
        day (``today``: one day for all).

        Not in the quiet hours of the member's time zone (``_get_member_timezones``: the
        store's with member_marketing_store_chain), like campaigns: such members are left for
        an extra run at the earliest end of those quiet hours (the daily schedule stays as it
        is; the reference keeps them to one reminder)."""
        now = now or fields.Datetime.now()
        Campaign = self.env["member.campaign"]
        days = self.env["member.segment.engine"]._get_param("points_expiring_notice_days", 30)
        # a member's day is at most two days from the chain's (time zones lie within 26 hours)
        chain_today = today or self._get_local_today(
            self.env["member.segment.engine"]._get_timezone(), now
        )
        rows = (
            self.env["member.points.lot"]
            .sudo()
            ._read_group(
                [
                    ("points_remaining", ">", 0),
                    ("expiry_date", ">=", chain_today - timedelta(days=2)),
                    ("expiry_date", "<=", chain_today + timedelta(days=days + 2)),
                ],
                ["expiry_date:day", "partner_id"],
                ["points_remaining:sum"],
            )
        )
        timezones = self._get_member_timezones(
            self.env["res.partner"].union(*(partner for _day, partner, _points in rows))
        )
        quiet, local_today = {}, {}
        for timezone in set(timezones.values()):
            quiet[timezone] = Campaign._is_quiet_hour(now, timezone)
            local_today[timezone] = today or self._get_local_today(timezone, now)
        # one notify() per (expiry date, points): members sharing them get one batch
        groups = defaultdict(lambda: self.env["res.partner"])
        for expiry_date, partner, points in rows:
            timezone = timezones[partner.id]
            member_today = local_today[timezone]
            if not quiet[timezone] and member_today <= expiry_date <= member_today + timedelta(
                days=days
            ):
                groups[expiry_date, points] |= partner
        waiting = [timezone for timezone, is_quiet in quiet.items() if is_quiet]
        if waiting:
            cron = self.env.ref(
                "member_marketing_loyalty.ir_cron_notice_points_expiring", raise_if_not_found=False
            )
            if cron:
                # sudo: the cron's user need not manage scheduled actions
                cron.sudo()._trigger(
                    at=min(Campaign._get_quiet_hours_end(now, timezone) for timezone in waiting)
                )
        logs = self.env["member.notice.log"]
        for (expiry_date, points), partners in groups.items():
            logs |= self.sudo().notify(
                "points_expiring",
                partners,
                f"points-expiring:{expiry_date}",
                {"points": points, "expiry_date": fields.Date.to_string(expiry_date)},
            )
        return logs

    @api.model
    def _get_local_today(self, timezone, now):
        return fields.Date.context_today(self.with_context(tz=timezone), now)
