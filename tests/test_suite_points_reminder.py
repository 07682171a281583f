"""The points-expiring reminder (member_marketing_loyalty) in the time zone of each member's
store (member_marketing_store_chain): all four addons and their bridges installed."""

from datetime import date, datetime

from odoo.tests import tagged

from odoo.addons.member_loyalty.tests.common import MemberLoyaltyCommon
from odoo.addons.member_marketing_store_chain.tests.common import NOW, StoreMarketingCase


@tagged("post_install", "-at_install")
class TestPointsReminderStoreTimeZone(MemberLoyaltyCommon, StoreMarketingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_member_config()
        cls.cron = cls.env.ref("member_marketing_loyalty.ir_cron_notice_points_expiring")

    def _member(self, name, store, expiry_date):
        """A member of ``store`` (home store, where they buy), with 80 points expiring on
        ``expiry_date``."""
        partner = self._buyer(name, [(store, 3, 50.0)])
        partner.lang = "en_US"
        partner._member_enrol()
        partner.member_home_store_id = store
        partner._member_adjust("points", 80, "goodwill", f"reminder-{name}")
        partner.member_points_lot_ids.sudo().expiry_date = expiry_date
        return partner

    def _reminders(self, partner):
        return self.env["member.notice.log"].search(
            [
                ("partner_id", "=", partner.id),
                ("notice_id.code", "=", "points_expiring"),
                ("channel", "=", "sms"),
            ]
        )

    def _trigger(self):
        return self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", self.cron.id)])

    def test_reminder_waits_for_the_store_morning(self):
        """At 04:00 UTC it is noon in Shanghai and midnight in New York: the Shanghai store's
        member is reminded, the New York store's at 09:00 in New York."""
        shanghai = self._member("SH saver", self.store_sh, date(2026, 6, 25))
        new_york = self._member("NY saver", self.store_ny, date(2026, 6, 25))
        self._trigger().unlink()
        Notice = self.env["member.notice"]
        Notice._cron_notify_points_expiring(now=NOW)
        self.assertEqual(self._reminders(shanghai).state, "sent")
        self.assertFalse(self._reminders(new_york), "midnight in New York")
        self.assertEqual(self._trigger().call_at, datetime(2026, 6, 15, 13, 0), "09:00 EDT")

        Notice._cron_notify_points_expiring(now=datetime(2026, 6, 15, 13, 0))
        self.assertEqual(self._reminders(new_york).state, "sent")
        self.assertEqual(len(self._reminders(shanghai)), 1, "reminded once")

    def test_members_reminded_wait_for_no_more_runs(self):
        """Once both are reminded, a run in the Shanghai night (New York afternoon) schedules
        no run for the Shanghai morning: nobody is left to remind."""
        shanghai = self._member("SH done", self.store_sh, date(2026, 6, 25))
        new_york = self._member("NY done", self.store_ny, date(2026, 6, 25))
        Notice = self.env["member.notice"]
        Notice._cron_notify_points_expiring(now=NOW)
        Notice._cron_notify_points_expiring(now=datetime(2026, 6, 15, 13, 0))
        self.assertEqual(len(self._reminders(shanghai) | self._reminders(new_york)), 2)
        self._trigger().unlink()
        Notice._cron_notify_points_expiring(now=datetime(2026, 6, 15, 17, 0))
        self.assertFalse(self._trigger(), "01:00 in Shanghai, but nobody waits")
