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
        date and channel: the reference is the expiry date).

        Not in the quiet hours of the chain's time zone, like campaigns: a run in them sends
        nothing and schedules an extra run at their end (the daily schedule stays as it is)."""
        now = now or fields.Datetime.now()
        Campaign = self.env["member.campaign"]
        timezone = self.env["member.segment.engine"]._get_timezone()
        if Campaign._is_quiet_hour(now, timezone):
            cron = self.env.ref(
                "member_marketing_loyalty.ir_cron_notice_points_expiring", raise_if_not_found=False
            )
            if cron:
                # sudo: the cron's user need not manage scheduled actions
                cron.sudo()._trigger(at=Campaign._get_quiet_hours_end(now, timezone))
            return self.env["member.notice.log"]
        today = today or fields.Date.context_today(self.with_context(tz=timezone), now)
        days = self.env["member.segment.engine"]._get_param("points_expiring_notice_days", 30)
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
        # one notify() per (expiry date, points): members sharing them get one batch
        groups = defaultdict(lambda: self.env["res.partner"])
        for expiry_date, partner, points in rows:
            groups[expiry_date, points] |= partner
        logs = self.env["member.notice.log"]
        for (expiry_date, points), partners in groups.items():
            logs |= self.sudo().notify(
                "points_expiring",
                partners,
                f"points-expiring:{expiry_date}",
                {"points": points, "expiry_date": fields.Date.to_string(expiry_date)},
            )
        return logs
