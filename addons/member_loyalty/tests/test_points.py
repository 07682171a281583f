from datetime import date

from odoo.exceptions import UserError, ValidationError
from odoo.tests import freeze_time, tagged

from .common import MemberLoyaltyCase


@tagged("post_install", "-at_install")
class TestPoints(MemberLoyaltyCase):
    def _credit(self, points, key, when):
        with freeze_time(when):
            member = self.member.sudo()
            return member._member_operation(
                key,
                lambda balance: member._member_points_credit(balance, points, key, "earn").points,
            )

    def test_expiry_default_end_of_month_twelve_months_later(self):
        self._credit(100, "t-earn", "2026-03-15")
        lot = self.member.member_points_lot_ids
        self.assertEqual(lot.expiry_date, date(2027, 3, 31))
        self.assertEqual(self.member.member_points, 100)

    def test_never_expire_set_in_the_settings(self):
        """0 months in the settings: points never expire (Odoo's settings would drop a 0 and
        bring the default 12 months back)."""
        self.env["res.config.settings"].create({"member_expiry_months": 0}).execute()
        self.assertEqual(self.env["res.config.settings"].create({}).member_expiry_months, 0)
        self._credit(100, "t-forever", "2026-03-15")
        self.assertFalse(self.member.member_points_lot_ids.expiry_date)

    def test_redeem_partial_fifo_and_expiry_cron(self):
        self._credit(300, "t-old", "2025-01-10")  # expires 2026-01-31
        self._credit(500, "t-new", "2025-06-10")  # expires 2026-06-30
        with freeze_time("2025-12-01"):
            result = self.member.member_points_redeem(400, "t-redeem")
        self.assertEqual(result, {"points": 400, "amount": 16.0, "points_balance": 400})
        lots = self.member.member_points_lot_ids.sorted("expiry_date")
        # the lot closest to expiry went first
        self.assertEqual(lots.mapped("points_remaining"), [400])
        self.assertEqual(lots.expiry_date, date(2026, 6, 30))
        # the ledger row names the earliest lot it took from
        redeem = self.member.member_points_move_ids.filtered(lambda m: m.kind == "redeem")
        self.assertEqual(redeem.lots_expiry_date, date(2026, 1, 31))
        with freeze_time("2026-07-01"):
            self.env["res.partner"].with_context(member_no_commit=True)._cron_expire_points()
        self.assertEqual(self.member.member_points, 0)
        expired = self.member.member_points_move_ids.filtered(lambda m: m.kind == "expire")
        self.assertEqual(expired.points, -400)

    def test_expiry_cron_takes_only_past_lots(self):
        self._credit(300, "t-old", "2025-01-10")
        self._credit(500, "t-new", "2025-06-10")
        with freeze_time("2026-02-01"):
            self.env["res.partner"].with_context(member_no_commit=True)._cron_expire_points()
            self.env["res.partner"].with_context(member_no_commit=True)._cron_expire_points()
        self.assertEqual(self.member.member_points, 500)
        self.assertEqual(
            self.member.member_points_move_ids.filtered(lambda m: m.kind == "expire").points, -300
        )

    def test_expiry_follows_the_chain_s_day_not_utc(self):
        """A Shanghai chain: lots due on 31 January expire from the run just after midnight
        local (17:00 UTC), whatever the cron user's time zone; credits just after midnight
        local expire at the end of that local month."""
        self.env.company.partner_id.tz = "Asia/Shanghai"
        cron_user = self.env.ref("base.user_root")
        cron_user.tz = False
        Partner = self.env["res.partner"].with_user(cron_user).with_context(member_no_commit=True)
        self._credit(300, "t-old", "2025-01-10")  # expires 2026-01-31
        with freeze_time("2026-01-31 15:59:00"):  # 23:59 in Shanghai
            Partner._cron_expire_points()
        self.assertEqual(self.member.member_points, 300)
        with freeze_time("2026-01-31 16:05:00"):  # 00:05 on 1 February in Shanghai
            Partner._cron_expire_points()
        self.assertEqual(self.member.member_points, 0)
        self._credit(100, "t-march", "2026-02-28 23:00:00")  # 07:00 on 1 March in Shanghai
        lot = self.member.member_points_lot_ids.filtered(lambda lot: lot.points_remaining)
        self.assertEqual(lot.expiry_date, date(2027, 3, 31))

    def test_redeem_replay_and_refusal(self):
        self._credit(1000, "t-earn", "2026-01-01")
        first = self.member.member_points_redeem(250, "t-r1")
        again = self.member.member_points_redeem(250, "t-r1")
        self.assertEqual(first, again)
        self.assertEqual(self.member.member_points, 750)
        moves_before = len(self.member.member_points_move_ids)
        with self.assertRaisesRegex(UserError, "has 750 points; 800 cannot be debited"):
            self.member.member_points_redeem(800, "t-r2")
        self.assertEqual(self.member.member_points, 750)
        self.assertEqual(len(self.member.member_points_move_ids), moves_before)
        with self.assertRaises(ValidationError):
            self.member.member_points_redeem(-5, "t-r3")
        with self.assertRaises(ValidationError):
            self.member.member_points_redeem(5, "")

    def test_statement_lists_both_ledgers(self):
        self._credit(100, "t-earn", "2026-01-01")
        self.member.member_topup(50.0, "t-topup")
        rows = self.member.member_statement(limit=10)
        self.assertEqual({row["ledger"] for row in rows}, {"points", "stored_value"})
        self.assertEqual(len(self.member.member_statement(limit=1)), 1)

    def test_api_key_cannot_claim_the_expiry(self):
        """A caller using the key the expiry cron derives changes nothing for the cron."""
        self._credit(1000, "t-old", "2025-01-10")  # expires 2026-01-31
        with freeze_time("2026-02-01"):
            self.member.member_points_redeem(1, f"expire:{self.member.id}:2026-02-01")
            self.env["res.partner"].with_context(member_no_commit=True)._cron_expire_points()
        self.assertEqual(self.member.member_points, 0)
        expired = self.member.member_points_move_ids.filtered(lambda m: m.kind == "expire")
        self.assertEqual(expired.points, -999)

    def test_expiry_cron_goes_on_past_a_member_it_cannot_expire(self):
        """A key taken by another operation (here a manager's adjustment) leaves that member's
        points as they are, logged; the cron ends and expires the other members."""
        other = self._new_member("Han Meimei", "138 0013 8002")
        self._credit(300, "t-old", "2025-01-10")
        with freeze_time("2025-01-10"):
            member = other.sudo()
            member._member_operation(
                "t-other",
                lambda balance: member._member_points_credit(balance, 200, "t-other", "earn"),
            )
        self.member._member_adjust("points", 5, "fix", f"expire:{self.member.id}:2026-02-01")
        with (
            freeze_time("2026-02-01"),
            self.assertLogs("odoo.addons.member_loyalty.models.res_partner_ledger", "ERROR") as log,
        ):
            self.env["res.partner"].with_context(member_no_commit=True)._cron_expire_points()
        self.assertEqual((self.member.member_points, other.member_points), (305, 0))
        self.assertEqual(len(log.records), 1)
        self.assertIn("another operation", log.output[0])
