from datetime import date, datetime, timedelta

from odoo import fields
from odoo.tests import freeze_time, tagged
from odoo.tools import format_amount

from .common import MarketingLoyaltyCase


@tagged("post_install", "-at_install")
class TestLoyaltyNotices(MarketingLoyaltyCase):
    def _logs(self, member, code):
        return self.env["member.notice.log"].search(
            [
                ("partner_id", "=", member.id),
                ("notice_id.code", "=", code),
                ("channel", "=", "sms"),
            ]
        )

    def _sms_body(self, log):
        return self.env["sms.sms"].sudo().search([("uuid", "=", log.sms_uuid)]).body

    def test_card_opened(self):
        member = self._contact("Opened")
        log = self._logs(member, "card_opened")
        self.assertEqual(log.state, "sent")
        self.assertIn("Welcome Opened", self._sms_body(log))
        silent = self._new_member("No consent", "138 0013 8111")
        self.assertEqual(self._logs(silent, "card_opened").skip_reason, "no_consent")

    def test_top_up_and_tier_change(self):
        member = self._contact("Topper")
        member.member_topup(1000.0, "mml-n-1")
        top_up = self._logs(member, "top_up")
        self.assertEqual(top_up.state, "sent")
        # the amount as the member reads it (currency, separators), not a bare float
        body = self._sms_body(top_up)
        currency = member.member_balance_id.currency_id
        self.assertIn(format_amount(self.env, 1000.0, currency, lang_code=member.lang), body)
        self.assertNotIn("1000.0", body)
        self.assertFalse(
            self._logs(member, "points_changed"), "the top-up's bonus points are in its notice"
        )
        tier = self._logs(member, "tier_changed")
        self.assertIn("Silver", self._sms_body(tier))
        # a replayed top-up (same key) sends nothing again
        member.member_topup(1000.0, "mml-n-1")
        self.assertEqual(len(self._logs(member, "top_up")), 1)

    def test_tier_lowered_at_review_out_of_quiet_hours(self):
        """The review lowers the tier at whatever hour it runs: the member is told by the
        Tier Lowered cron, at 09:00 in Beijing when it runs at night, once."""
        member = self._contact("Lowered")
        member.member_topup(1000.0, "mml-n-5")
        self.assertEqual(member.member_tier_id, self.tier_silver)
        review = datetime(2026, 6, 14, 18, 0)  # 02:00 on 15 June in Asia/Shanghai
        # the qualifying top-up has left the window by the review: it downgrades
        self.env.cr.execute(
            "UPDATE member_wallet_move SET date = %s WHERE partner_id = %s",
            (review - timedelta(days=400), member.id),
        )
        self.env["member.wallet.move"].invalidate_model(["date"])
        self._tier_lowered_triggers(clear=True)
        with freeze_time(review):
            self.env["res.partner"].with_context(member_no_commit=True)._cron_review_tiers(
                partner_ids=member.ids
            )
        self.assertEqual(member.member_tier_id, self.tier_basic)
        self.assertEqual(self._tier_lowered_triggers().call_at, review)
        Notice = self.env["member.notice"]
        self.assertFalse(Notice._cron_notify_tier_lowered(now=review))
        self.assertFalse(self._logs(member, "tier_lowered"), "02:00 in Beijing")
        morning = datetime(2026, 6, 15, 1, 0)
        self.assertIn(morning, self._tier_lowered_triggers().mapped("call_at"))

        Notice._cron_notify_tier_lowered(now=morning)
        lowered = self._logs(member, "tier_lowered")
        self.assertEqual(lowered.state, "sent")
        self.assertIn("your membership tier is now Basic", self._sms_body(lowered))
        self.assertNotIn("Congratulations", self._sms_body(lowered))
        self.assertEqual(len(self._logs(member, "tier_changed")), 1, "the upgrade's only")
        Notice._cron_notify_tier_lowered(now=morning + timedelta(hours=3))
        self.assertEqual(len(self._logs(member, "tier_lowered")), 1, "told once")
        # tiers set by staff, up and down: no notice (the cron run at noon, Beijing time)
        member.sudo().member_tier_id = self.tier_silver
        member.sudo().member_tier_id = self.tier_basic
        Notice._cron_notify_tier_lowered(now=self._tomorrow_at(4))
        self.assertEqual(len(self._logs(member, "tier_lowered")), 1)
        self.assertEqual(len(self._logs(member, "tier_changed")), 1)

    def _lowered(self, name, tier=None):
        """A member lowered from Silver to Basic at the review (the change, and the tier
        ``tier`` or Basic set)."""
        member = self._contact(name)
        member.sudo().with_context(member_tier_engine=True).member_tier_id = tier or self.tier_basic
        self.env["member.tier.history"].sudo().create(
            {
                "partner_id": member.id,
                "old_tier_id": self.tier_silver.id,
                "new_tier_id": self.tier_basic.id,
                "reason": "downgrade",
            }
        )
        return member

    def _tier_lowered_triggers(self, clear=False):
        """The pending extra runs of the Tier Lowered cron (``clear``: none left)."""
        cron = self.env.ref("member_marketing_loyalty.ir_cron_notice_tier_lowered")
        triggers = self.env["ir.cron.trigger"].sudo().search([("cron_id", "=", cron.id)])
        if clear:
            triggers.unlink()
        return triggers.exists()

    @staticmethod
    def _tomorrow_at(hour):
        """Tomorrow at ``hour`` UTC (04:00: noon in Asia/Shanghai; 18:00: 02:00 there)."""
        return fields.Datetime.now().replace(hour=hour, minute=0) + timedelta(days=1)

    def test_tier_lowered_in_batches(self):
        """A big review is told in short runs: at most ``batch_size`` members per run, the
        next run at once."""
        first, second = self._lowered("Batch one"), self._lowered("Batch two")
        self._tier_lowered_triggers(clear=True)
        noon = self._tomorrow_at(4)
        Notice = self.env["member.notice"]
        told = Notice._cron_notify_tier_lowered(now=noon, batch_size=1).partner_id
        self.assertEqual(len(told), 1)
        self.assertEqual(self._tier_lowered_triggers().call_at, noon)
        Notice._cron_notify_tier_lowered(now=noon, batch_size=1)
        self.assertEqual(
            len(self._logs(first, "tier_lowered") | self._logs(second, "tier_lowered")), 2
        )

    def test_tier_lowered_switched_off_waits_for_nothing(self):
        """With the notice switched off nobody is told, and no run waits for anyone's
        morning."""
        member = self._lowered("Switched off")
        self.env.ref("member_marketing.notice_tier_lowered").write(
            {"sms_active": False, "email_active": False}
        )
        self._tier_lowered_triggers(clear=True)
        self.env["member.notice"]._cron_notify_tier_lowered(now=self._tomorrow_at(18))
        self.assertFalse(self._tier_lowered_triggers())
        self.assertFalse(self._logs(member, "tier_lowered"))

    def test_tier_lowered_then_raised_again_is_not_told(self):
        # Silver again (say the member topped up before the notice went out)
        member = self._lowered("Bounced", tier=self.tier_silver)
        self.env["member.notice"]._cron_notify_tier_lowered(now=self._tomorrow_at(4))
        self.assertFalse(self._logs(member, "tier_lowered"))

    def test_points_changed(self):
        member = self._contact("Points")
        member._member_adjust("points", 120, "goodwill", "mml-n-2")
        log = self._logs(member, "points_changed")
        self.assertIn("120", self._sms_body(log))

    def test_campaign_bonus_sends_no_points_notice(self):
        member = self._contact("Campaign")
        member.member_topup(1000.0, "mml-n-3")
        campaign = self._campaign(trigger_type="tier_upgraded", bonus_points=50)
        campaign._enqueue()
        self.env["member.campaign.send"]._process_queue()
        self.assertEqual(member.member_points, 250)
        self.assertFalse(self._logs(member, "points_changed"))

    def test_points_expiring_cron(self):
        member = self._contact("Expiring")
        member._member_adjust("points", 80, "goodwill", "mml-n-4")
        today = fields.Date.context_today(member)
        member.member_points_lot_ids.sudo().expiry_date = today + timedelta(days=10)
        Notice = self.env["member.notice"]
        noon = datetime(2026, 6, 15, 4, 0)  # 12:00 in Asia/Shanghai: not in the quiet hours
        Notice._cron_notify_points_expiring(today, now=noon)
        log = self._logs(member, "points_expiring")
        self.assertEqual(log.reference, f"points-expiring:{today + timedelta(days=10)}")
        self.assertIn("80 points expire", self._sms_body(log))
        Notice._cron_notify_points_expiring(today, now=noon)
        self.assertEqual(len(self._logs(member, "points_expiring")), 1, "reminded once")

    def test_points_expiring_waits_for_the_end_of_quiet_hours(self):
        """The daily reminder run at 02:00 in Beijing sends nothing and runs again at 09:00,
        when it reminds the member once; a later run of the day sends nothing more."""
        member = self._contact("Sleeping")
        member._member_adjust("points", 80, "goodwill", "mml-n-5")
        member.member_points_lot_ids.sudo().expiry_date = date(2026, 6, 25)
        cron = self.env.ref("member_marketing_loyalty.ir_cron_notice_points_expiring")
        Trigger = self.env["ir.cron.trigger"].sudo()
        Trigger.search([("cron_id", "=", cron.id)]).unlink()
        Notice = self.env["member.notice"]
        night = datetime(2026, 6, 14, 18, 0)  # 02:00 on 15 June in Asia/Shanghai
        self.assertFalse(Notice._cron_notify_points_expiring(now=night))
        self.assertFalse(self._logs(member, "points_expiring"))
        self.assertFalse(self.env["sms.sms"].sudo().search([("body", "ilike", "points expire")]))
        trigger = Trigger.search([("cron_id", "=", cron.id)])
        self.assertEqual(trigger.call_at, datetime(2026, 6, 15, 1, 0), "09:00 in Asia/Shanghai")

        Notice._cron_notify_points_expiring(now=trigger.call_at)
        log = self._logs(member, "points_expiring")
        self.assertEqual(log.reference, "points-expiring:2026-06-25")
        self.assertIn("80 points expire", self._sms_body(log))
        Notice._cron_notify_points_expiring(now=datetime(2026, 6, 15, 10, 0))  # 18:00
        self.assertEqual(len(self._logs(member, "points_expiring")), 1, "reminded once")

    def test_demo_history_sends_no_notices(self):
        Log = self.env["member.notice.log"]
        before = Log.search_count([])
        self.env["ir.config_parameter"].sudo().set_param("member_loyalty.demo_generated", "")
        self.env["member.loyalty.demo"]._demo_generate(members=3, seed=7)
        self.assertTrue(self.env["member.points.move"].search_count([]))
        self.assertEqual(Log.search_count([]), before)
