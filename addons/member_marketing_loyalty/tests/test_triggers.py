from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import MarketingLoyaltyCase


@tagged("post_install", "-at_install")
class TestLoyaltyTriggers(MarketingLoyaltyCase):
    def test_tier_upgraded_once_per_upgrade(self):
        upgraded, stays = self._contact("Upgraded"), self._contact("Stays")
        campaign = self._campaign(trigger_type="tier_upgraded")
        gold_only = self._campaign(trigger_type="tier_upgraded", trigger_tier_ids=self.tier_gold)
        # a 1000 top-up qualifies for Silver (metric: single top-up)
        upgraded.member_topup(1000.0, "mml-up-1")
        stays.member_topup(100.0, "mml-up-2")
        self.assertEqual(upgraded.member_tier_id, self.tier_silver)

        self.assertEqual(campaign._enqueue(), 1)
        send = self._sends(campaign)
        self.assertEqual(send.partner_id, upgraded)
        history = upgraded.member_tier_history_ids.filtered(lambda h: h.reason == "upgrade")
        self.assertEqual(send.occurrence, f"tier-upgrade-{history.id}")
        self.assertEqual(campaign._enqueue(), 0, "an upgrade is greeted once")
        self.assertEqual(gold_only._enqueue(), 0, "Silver is not Gold")

    def test_upgrade_before_campaign_start_is_ignored(self):
        member = self._contact("Early")
        member.member_topup(1000.0, "mml-early")
        campaign = self._campaign(trigger_type="tier_upgraded")
        campaign.date_start = fields.Datetime.now() + timedelta(seconds=1)
        self.assertEqual(campaign._enqueue(), 0)

    def _lot(self, member, points, days, key):
        member._member_adjust("points", points, "test", key)
        lot = member.member_points_lot_ids.filtered(lambda lot: lot.move_id.idempotency_key == key)
        lot.sudo().expiry_date = fields.Date.context_today(lot) + timedelta(days=days)
        return lot

    def test_points_expiring_within_days(self):
        soon, later, few = self._contact("Soon"), self._contact("Later"), self._contact("Few")
        lot = self._lot(soon, 300, 5, "mml-exp-1")
        self._lot(later, 300, 30, "mml-exp-2")
        self._lot(few, 5, 3, "mml-exp-3")
        campaign = self._campaign(
            trigger_type="points_expiring", trigger_days=7, trigger_min_points=10
        )
        self.assertEqual(campaign._enqueue(), 1)
        send = self._sends(campaign)
        self.assertEqual(send.partner_id, soon)
        self.assertEqual(send.occurrence, f"points-expiring-{lot.expiry_date}")
        self.assertEqual(campaign._enqueue(), 0, "one reminder per expiry date")

    def test_balance_below_once_per_topup(self):
        low, high, never = self._contact("Low"), self._contact("High"), self._contact("Never")
        low.member_topup(200.0, "mml-bal-1")
        low.member_wallet_spend(150.0, "mml-bal-2")
        high.member_topup(200.0, "mml-bal-3")
        self.assertEqual(never.member_wallet, 0.0)
        campaign = self._campaign(trigger_type="balance_below", trigger_balance=100.0)

        self.assertEqual(campaign._enqueue(), 1)
        self.assertEqual(self._sends(campaign).partner_id, low, "never topped up: not reminded")
        self.assertEqual(campaign._enqueue(), 0)
        # a new top-up re-arms the reminder once the balance falls again
        low.member_topup(100.0, "mml-bal-4")
        self.assertEqual(campaign._enqueue(), 0, "balance 150 is not below 100")
        low.member_wallet_spend(100.0, "mml-bal-5")
        self.assertEqual(campaign._enqueue(), 1)
        self.assertEqual(len(self._sends(campaign)), 2)

    def test_audience_by_tier(self):
        silver, basic = self._contact("Silver"), self._contact("Basic")
        silver.member_topup(1000.0, "mml-aud-1")
        silver.member_wallet_spend(950.0, "mml-aud-2")
        basic.member_topup(100.0, "mml-aud-3")
        basic.member_wallet_spend(60.0, "mml-aud-4")
        campaign = self._campaign(
            trigger_type="balance_below", trigger_balance=100.0, audience_tier_ids=self.tier_silver
        )
        self.assertEqual(campaign._enqueue(), 1)
        self.assertEqual(self._sends(campaign).partner_id, silver)
