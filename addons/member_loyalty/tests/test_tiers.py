from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

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
        self.env["res.partner"].with_context(member_no_commit=True)._cron_review_tiers()
        self.assertEqual(self.member.member_tier_id, self.tier_basic)
        self.assertEqual(self._last_change().reason, "downgrade")
