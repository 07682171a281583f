from datetime import timedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged

from .common import MemberLoyaltyCase


@tagged("post_install", "-at_install")
class TestTiers(MemberLoyaltyCase):
    def _last_change(self):
        return self.env["member.tier.history"].search(
            [("partner_id", "=", self.member.id)], limit=1
        )

    def test_upgrade_at_once_on_qualifying_topup(self):
        self.member.member_topup(999.0, "t-1")
        self.assertEqual(self.member.member_tier_id, self.tier_basic)
        self.member.member_topup(1000.0, "t-2")
        self.assertEqual(self.member.member_tier_id, self.tier_silver)
        history = self._last_change()
        self.assertEqual(
            (history.reason, history.old_tier_id, history.new_tier_id),
            ("upgrade", self.tier_basic, self.tier_silver),
        )

    def test_pricelist_follows_tier(self):
        pricelist = self.env["product.pricelist"].create({"name": "Silver prices"})
        self.tier_silver.pricelist_id = pricelist
        self.member.member_topup(1000.0, "t-1")
        self.assertEqual(self.member.property_product_pricelist, pricelist)

    def test_tier_set_by_hand_is_recorded_and_prices_follow(self):
        pricelist = self.env["product.pricelist"].create({"name": "Gold prices"})
        self.tier_gold.pricelist_id = pricelist
        self.member.write({"member_tier_id": self.tier_gold.id})
        history = self._last_change()
        self.assertEqual(
            (history.reason, history.old_tier_id, history.new_tier_id, history.user_id),
            ("manual", self.tier_basic, self.tier_gold, self.env.user),
        )
        self.assertEqual(self.member.property_product_pricelist, pricelist)
        # the same tier written again changes nothing
        self.member.write({"member_tier_id": self.tier_gold.id})
        self.assertEqual(self._last_change(), history)

    def test_tier_pricelist_in_every_company(self):
        """Branch and franchise companies get the member prices too: their own pricelist of the
        tier, else the shared one; a downgrade takes the member prices back everywhere."""
        main = self.env.company
        branch = self.env["res.company"].create({"name": "Branch", "parent_id": main.id})
        franchise = self.env["res.company"].create({"name": "Franchisee"})
        shared = self.env["product.pricelist"].create(
            {"name": "Silver prices", "company_id": False}
        )
        franchise_prices = self.env["product.pricelist"].create(
            {"name": "Silver franchise prices", "company_id": franchise.id}
        )
        self.tier_silver.write(
            {"pricelist_id": shared.id, "company_pricelist_ids": [(6, 0, franchise_prices.ids)]}
        )
        self.member.member_topup(1000.0, "t-1")
        self.assertEqual(self.member.member_tier_id, self.tier_silver)
        for company, expected in ((main, shared), (branch, shared), (franchise, franchise_prices)):
            self.assertEqual(
                self.member.with_company(company).property_product_pricelist, expected, company.name
            )
        # downgrade at the review: the member prices are withdrawn in every company
        move = self.member.member_wallet_move_ids.filtered(lambda m: m.kind == "topup")
        self.env.cr.execute(
            "UPDATE member_wallet_move SET date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=400), move.id),
        )
        self.env["member.wallet.move"].invalidate_model(["date"])
        self.env["res.partner"].with_context(member_no_commit=True)._cron_review_tiers()
        self.assertEqual(self.member.member_tier_id, self.tier_basic)
        for company in (main, branch, franchise):
            self.assertFalse(self.member.with_company(company).specific_property_product_pricelist)

    def test_one_pricelist_per_company(self):
        franchise = self.env["res.company"].create({"name": "Franchisee"})
        pricelists = self.env["product.pricelist"].create(
            [{"name": f"Franchise {n}", "company_id": franchise.id} for n in range(2)]
        )
        with self.assertRaisesRegex(ValidationError, "several pricelists for one company"):
            self.tier_silver.company_pricelist_ids = pricelists

    def test_downgrade_only_at_review_when_retention_missed(self):
        self.member.member_topup(1000.0, "t-1")
        self.assertEqual(self.member.member_tier_id, self.tier_silver)
        # retention met: the review keeps the tier
        self.env["res.partner"].with_context(member_no_commit=True)._cron_review_tiers()
        self.assertEqual(self.member.member_tier_id, self.tier_silver)
        # the qualifying top-up leaves the window: no change until the review
        move = self.member.member_wallet_move_ids.filtered(lambda m: m.kind == "topup")
        self.env.cr.execute(
            "UPDATE member_wallet_move SET date = %s WHERE id = %s",
            (fields.Datetime.now() - timedelta(days=400), move.id),
        )
        self.env["member.wallet.move"].invalidate_model(["date"])
        self.member.member_topup(10.0, "t-2")
        self.assertEqual(self.member.member_tier_id, self.tier_silver)
        # a second run the same day reviews nobody again; the next month's review downgrades
        self.env["res.partner"].with_context(member_no_commit=True)._cron_review_tiers()
        self.assertEqual(self.member.member_tier_id, self.tier_silver)
        with freeze_time(fields.Date.today() + timedelta(days=31)):
            self.env["res.partner"].with_context(member_no_commit=True)._cron_review_tiers()
        self.assertEqual(self.member.member_tier_id, self.tier_basic)
        self.assertEqual(self._last_change().reason, "downgrade")

    def _earn(self, points, key, days_ago=0, kind="earn"):
        member = self.member.sudo()
        if kind == "earn":
            move = member._member_operation(
                key, lambda balance: member._member_points_credit(balance, points, key, kind)
            )
        else:
            move = member._member_operation(
                key, lambda balance: member._member_points_debit(balance, points, key, kind)
            )
        if days_ago:
            self.env.cr.execute(
                "UPDATE member_points_move SET date = %s WHERE idempotency_key = %s",
                (fields.Datetime.now() - timedelta(days=days_ago), key),
            )
            self.env["member.points.move"].invalidate_model(["date"])
        return move

    def test_downgrade_lands_on_the_tier_whose_retention_is_met(self):
        """An ex-Platinum member whose figure keeps a Gold member in Gold lands in Gold."""
        self.tier_gold.metric = "points"
        platinum = self.env["member.tier"].create(
            {
                "name": "Platinum",
                "sequence": 4,
                "metric": "points",
                "qualify_threshold": 10000,
                "retain_threshold": 8000,
            }
        )
        self._earn(8000, "t-old", days_ago=400)
        self._earn(4000, "t-new")
        self.member.member_tier_id = platinum
        self.env["res.partner"].with_context(member_no_commit=True)._cron_review_tiers()
        self.assertEqual(self.member.member_tier_id, self.tier_gold)
        self.assertEqual(
            (self._last_change().reason, self._last_change().old_tier_id), ("downgrade", platinum)
        )

    def test_points_metric_nets_the_earnings_taken_back(self):
        self.tier_gold.metric = "points"
        self._earn(5000, "t-earn")
        self._earn(1000, "t-reverse", kind="refund")
        self.member._member_update_tier()
        self.assertEqual(self.member.member_tier_id, self.tier_basic)

    def test_cashed_out_topup_keeps_no_tier(self):
        self.member.member_topup(1000.0, "t-1")
        self.assertEqual(self.member.member_tier_id, self.tier_silver)
        self.member.member_cashout("t-out")
        self.env["res.partner"].with_context(member_no_commit=True)._cron_review_tiers()
        self.assertEqual(self.member.member_tier_id, self.tier_basic)
