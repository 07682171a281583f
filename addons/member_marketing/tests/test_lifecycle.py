from datetime import timedelta

from odoo.tests import tagged

from .common import MemberMarketingCase, insert_orders


@tagged("post_install", "-at_install")
class TestLifecycleSegments(MemberMarketingCase):
    def assertSegment(self, partner, code):
        expected = self._lifecycle(code) if code else self.env["member.segment"]
        self.assertEqual(partner.lifecycle_segment_id, expected, partner.name)

    def test_new_members_30_days_and_200_ticket(self):
        low_edge = self._member("first 30 days ago, 200", [(30, 200.0)])
        too_old = self._member("first 31 days ago, 200", [(31, 200.0)])
        high = self._member("today, 200.01", [(0, 200.01)])
        two_orders = self._member("two orders within 30 days", [(20, 100.0), (10, 100.0)])
        self._refresh()
        self.assertSegment(low_edge, "new_low")
        self.assertSegment(too_old, False)
        self.assertSegment(high, "new_high")
        self.assertNotIn(two_orders.lifecycle_segment_id.code, ("new_low", "new_high"))

    def test_active_45_days_average_200(self):
        edge = self._member("2 orders at 45 and 10 days, avg 200", [(45, 200.0), (10, 200.0)])
        outside = self._member("2 orders at 46 and 10 days", [(46, 200.0), (10, 200.0)])
        below = self._member("avg 199.99, last 3 days ago", [(40, 199.99), (3, 199.99)])
        self._refresh()
        # also loyal (last purchase 10 days ago, 2 payments): the more engaged segment wins
        self.assertSegment(edge, "active")
        self.assertSegment(outside, False)
        self.assertSegment(below, False)

    def test_loyal_7_to_45_days_2_to_3_payments(self):
        edge = self._member("last 7 days ago", [(40, 150.0), (7, 150.0)])
        too_recent = self._member("last 6 days ago", [(40, 150.0), (6, 150.0)])
        three = self._member("3 payments", [(44, 150.0), (30, 150.0), (45, 150.0)])
        four = self._member("4 payments", [(44, 150.0), (30, 150.0), (20, 150.0), (7, 150.0)])
        self._refresh()
        self.assertSegment(edge, "loyal")
        self.assertSegment(too_recent, False)
        self.assertSegment(three, "loyal")
        self.assertSegment(four, False)

    def test_fan_more_than_3_purchases_60_days_average_250(self):
        fan = self._member(
            "4 orders in 60 days, avg 250", [(60, 250.0), (40, 250.0), (20, 250.0), (5, 250.0)]
        )
        three = self._member(
            "one order at 61 days", [(61, 250.0), (40, 250.0), (20, 250.0), (5, 250.0)]
        )
        cheap = self._member("avg 249.99", [(60, 249.99), (40, 249.99), (20, 249.99), (5, 249.99)])
        stale = self._member(
            "last 31 days ago", [(60, 250.0), (50, 250.0), (40, 250.0), (31, 250.0)]
        )
        self._refresh()
        self.assertSegment(fan, "fan")
        self.assertSegment(three, "active")
        self.assertSegment(cheap, "active")
        self.assertSegment(stale, "active")

    def test_precedence_follows_sequence(self):
        member = self._member("fan and active", [(60, 300.0), (40, 300.0), (20, 300.0), (5, 300.0)])
        self._refresh()
        self.assertSegment(member, "fan")
        # an administrator puts "active" first: it now wins
        self._lifecycle("active").sequence = 1
        self._refresh()
        self.assertSegment(member, "active")

    def test_history_and_snapshot(self):
        member = self._member("new member", [(5, 100.0)])
        self._refresh()
        self._refresh()  # unchanged: no new history row
        History = self.env["member.segment.history"]
        rows = History.search([("partner_id", "=", member.id), ("segment_type", "=", "lifecycle")])
        self.assertEqual(len(rows), 1)
        self.assertEqual(rows.segment_id, self._lifecycle("new_low"))
        self.assertEqual(rows.date, self.today)
        # 70 days later without a purchase (chain default interval 30 days): at risk
        later = self.today.replace(month=8, day=19)
        self.assertEqual(self._refresh(later) >= 1, True)
        rows = History.search([("partner_id", "=", member.id), ("segment_type", "=", "lifecycle")])
        self.assertEqual(len(rows), 2)
        self.assertEqual(rows[0].previous_segment_id, self._lifecycle("new_low"))
        self.assertEqual(rows[0].segment_id, self._lifecycle("at_risk"))
        self.assertEqual(rows[0].date, later)
        snapshot = self.env["member.segment.snapshot"].search(
            [("date", "=", later), ("segment_id", "=", self._lifecycle("at_risk").id)]
        )
        self.assertEqual(snapshot.member_count, self._lifecycle("at_risk").member_count)
        self.assertGreaterEqual(snapshot.member_count, 1)

    def test_cancelled_orders_do_not_count(self):
        member = self._member("cancelled only")
        insert_orders(self.env, member, [(3, 500.0)], self.today)
        self.env.cr.execute(
            "UPDATE pos_order SET state = 'cancel' WHERE partner_id = %s", [member.id]
        )
        self._refresh()
        self.assertFalse(self._profile(member))

    def test_refund_is_no_purchase(self):
        """A member who bought once and returned the item has one purchase, not two."""
        returned = self._member("bought and returned", [(20, 150.0), (18, -150.0)])
        self._refresh()
        profile = self._profile(returned)
        self.assertEqual(profile.order_count, 1)
        self.assertEqual(profile.last_order_date, self.today - timedelta(days=20))

    def test_purchase_day_is_the_local_day(self):
        """20:00 UTC on the 14th is 04:00 on the 15th in Beijing: a purchase of the 15th."""
        self.env.company.partner_id.tz = "Asia/Shanghai"
        early = self._member("bought at 04:00 Beijing time")
        insert_orders(self.env, early, [(0, 80.0)], self.today)
        self.env.cr.execute(
            "UPDATE pos_order SET date_order = %s WHERE partner_id = %s",
            ["2026-06-14 20:00:00", early.id],
        )
        self._refresh()
        profile = self._profile(early)
        self.assertEqual(profile.last_order_date, self.today)
        self.assertEqual(profile.recency_days, 0)
