from datetime import timedelta

from odoo.tests import tagged

from .common import MemberMarketingCase, insert_orders


@tagged("post_install", "-at_install")
class TestChurnRisk(MemberMarketingCase):
    def test_ratio_uses_own_median_interval(self):
        # gaps 10, 20, 30: median 20; last purchase 40 days ago: ratio 2.0
        odd = self._member("odd gaps", [(100, 50.0), (90, 50.0), (70, 50.0), (40, 50.0)])
        # gaps 10, 20, 30, 10: median 15; last purchase 30 days ago: ratio 2.0
        even = self._member(
            "even gaps", [(100, 50.0), (90, 50.0), (70, 50.0), (40, 50.0), (30, 50.0)]
        )
        # two orders the same day are one purchase day: gaps 20, 20; ratio 39 / 20
        same_day = self._member("same day", [(79, 50.0), (59, 50.0), (59, 80.0), (39, 50.0)])
        self._refresh()
        self.assertEqual(self._profile(odd).median_interval_days, 20.0)
        self.assertEqual(self._profile(odd).churn_ratio, 2.0)
        self.assertEqual(self._profile(even).median_interval_days, 15.0)
        self.assertEqual(self._profile(even).churn_ratio, 2.0)
        self.assertEqual(self._profile(same_day).churn_ratio, 1.95)
        self.assertEqual(odd.lifecycle_segment_id, self._lifecycle("at_risk"))
        self.assertFalse(same_day.lifecycle_segment_id)

    def test_lost_threshold(self):
        lost = self._member(
            "gaps 20, last 80 days ago", [(140, 50.0), (120, 50.0), (100, 50.0), (80, 50.0)]
        )
        almost = self._member(
            "gaps 20, last 79 days ago", [(139, 50.0), (119, 50.0), (99, 50.0), (79, 50.0)]
        )
        self._refresh()
        self.assertEqual(self._profile(lost).churn_ratio, 4.0)
        self.assertEqual(lost.lifecycle_segment_id, self._lifecycle("lost"))
        self.assertEqual(almost.lifecycle_segment_id, self._lifecycle("at_risk"))

    def test_chain_default_for_few_purchases(self):
        single = self._member("single purchase 60 days ago", [(60, 50.0)])
        two = self._member("two purchases, 5 days apart", [(65, 50.0), (60, 50.0)])
        self._refresh()
        # fewer than 3 purchase days: the chain default interval of 30 days applies
        self.assertEqual(self._profile(single).median_interval_days, 30.0)
        self.assertEqual(self._profile(single).churn_ratio, 2.0)
        self.assertEqual(self._profile(two).churn_ratio, 2.0)
        self.env["ir.config_parameter"].set_param("member_marketing.churn_default_interval", 60)
        self.env["ir.config_parameter"].set_param("member_marketing.churn_min_purchases", 2)
        self._refresh()
        self.assertEqual(self._profile(single).churn_ratio, 1.0)
        self.assertEqual(self._profile(two).median_interval_days, 5.0)
        self.assertEqual(self._profile(two).churn_ratio, 12.0)

    def test_incremental_refresh(self):
        """The median is recomputed for members with new purchases only; the day-dependent
        figures move with the refresh day without rewriting unchanged profiles."""
        steady = self._member("steady", [(100, 50.0), (90, 50.0), (70, 50.0), (40, 50.0)])
        buyer = self._member("buyer", [(100, 50.0), (90, 50.0), (70, 50.0), (40, 50.0)])
        self._refresh()
        profile = self._profile(steady)
        self.assertEqual(profile.median_interval_days, 20.0)
        self.assertEqual(profile.churn_ratio, 2.0)
        # the next day, nothing bought: nothing stored changes, the figures move with the day
        tomorrow = self.today + timedelta(days=1)
        self._refresh(tomorrow)
        profile.invalidate_recordset()
        self.assertEqual(profile.refresh_date, self.today, "nothing stored changed: no write")
        self.assertEqual(profile.recency_days, 41)
        self.assertEqual(profile.churn_ratio, 2.05)
        # search and order use the same figures as of the last refresh
        Profile = self.env["member.marketing.profile"]
        self.assertIn(profile, Profile.search([("churn_ratio", ">=", 2.05)]))
        self.assertNotIn(profile, Profile.search([("churn_ratio", ">", 2.05)]))
        self.assertEqual(Profile.search([("recency_days", "=", 41)]) & profile, profile)
        # two days later the buyer bought again (gaps 10, 20, 30, 42: median 25)
        insert_orders(self.env, buyer, [(-2, 80.0)], self.today)
        self._refresh(self.today + timedelta(days=2))
        buyer_profile = self._profile(buyer)
        self.assertEqual(buyer_profile.median_interval_days, 25.0)
        self.assertEqual(buyer_profile.order_count, 5)
        self.assertEqual(buyer_profile.churn_ratio, 0.0)
        ranked = Profile.search([("partner_id", "in", (steady | buyer).ids)])
        self.assertEqual(ranked.partner_id.ids, [steady.id, buyer.id], "highest risk first")
