from collections import defaultdict
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..models.member_marketing_demo import BENCH_PREFIX, DEMO_PREFIX
from ..models.member_segment_engine import PURCHASE_FILTER


@tagged("post_install", "-at_install")
class TestDemoGenerator(TransactionCase):
    """The generators write real rows: every test here rolls back with its transaction."""

    def _orders(self, prefix):
        self.env.cr.execute(
            SQL(
                """
            SELECT COUNT(*), COUNT(DISTINCT o.partner_id),
                   COUNT(*) FILTER (WHERE o.amount_total != o.amount_paid
                                       OR l.total IS DISTINCT FROM o.amount_total
                                       OR p.total IS DISTINCT FROM o.amount_total
                                       OR s.state != 'closed')
              FROM pos_order o
              JOIN pos_session s ON s.id = o.session_id
              LEFT JOIN (SELECT order_id, SUM(price_subtotal_incl) AS total
                           FROM pos_order_line GROUP BY order_id) l ON l.order_id = o.id
              LEFT JOIN (SELECT pos_order_id, SUM(amount) AS total
                           FROM pos_payment GROUP BY pos_order_id) p ON p.pos_order_id = o.id
             WHERE o.name LIKE %s
            """,
                prefix + "%",
            )
        )
        return self.env.cr.fetchone()

    def test_demo_history_campaigns_and_idempotence(self):
        Demo = self.env["member.marketing.demo"]
        self.assertTrue(Demo._demo_generate(members=40))
        orders, members, inconsistent = self._orders(DEMO_PREFIX)
        self.assertGreater(orders, 200)
        self.assertEqual(members, 40)
        self.assertEqual(inconsistent, 0, "every order has a matching line and payment")
        # the year of history spreads members over lifecycle segments
        profiles = self.env["member.marketing.profile"].search(
            [("partner_id.email", "=like", "member%@example.com")]
        )
        self.assertEqual(len(profiles), 40)
        self.assertGreaterEqual(len(profiles.lifecycle_segment_id), 3)
        # campaigns already ran, with a control group and conversions on both sides
        winback = self.env.ref("member_marketing.member_campaign_winback_demo")
        self.assertEqual(winback.state, "running")
        self.assertGreater(winback.sent_count, 0)
        self.assertGreater(winback.control_count, 0)
        self.assertGreater(winback.treatment_converted, 0)
        self.assertGreater(winback.uplift_abs, 0)
        # the win-back greeted each entry into "At risk" since it started, under the trigger's
        # occurrence, and the birthday campaign each birthday so far and in the next days: the
        # queueing the cron runs next (per running campaign) finds nothing new for either
        entries = self.env["member.segment.history"].search(
            [
                ("segment_id", "=", winback.trigger_segment_id.id),
                ("date", ">=", winback.date_start.date()),
            ]
        )
        self.assertTrue(entries)
        self.assertEqual(
            set(winback.send_ids.mapped("occurrence")), {f"segment-{h.id}" for h in entries}
        )
        birthday = self.env.ref("member_marketing.member_campaign_birthday_demo")
        self.assertGreater(birthday.sent_count, 0)
        demo_campaigns = winback | birthday
        queued = demo_campaigns.send_ids.mapped("date_queued")
        self.assertGreaterEqual(min(queued), winback.date_start)
        self.assertLessEqual(max(queued), fields.Datetime.now())
        self.assertEqual(demo_campaigns._enqueue(), 0, "nothing new to queue")
        # a second run adds nothing
        self.assertFalse(Demo._demo_generate(members=40))
        self.assertEqual(self._orders(DEMO_PREFIX)[0], orders)

    def test_demo_segments_over_the_year(self):
        """The dashboard charts the segment sizes week by week over the demo year, each week
        counting the purchases made by then only; each segment change carries its own day."""
        engine = self.env["member.segment.engine"]
        today = engine._get_refresh_date()
        self.assertTrue(self.env["member.marketing.demo"]._demo_generate(members=40))
        # every member with a purchase in the RFM window has an RFM segment: the RFM sizes of
        # a day add up to the members who had bought in the window ending that day
        members = defaultdict(int)
        lost = {}
        for snapshot in self.env["member.segment.snapshot"].search([]):
            if snapshot.segment_type == "rfm":
                members[snapshot.date] += snapshot.member_count
            elif snapshot.segment_id.code == "lost":
                lost[snapshot.date] = snapshot.member_count
        days = sorted(members)
        self.assertGreaterEqual(len(days), 50)
        self.assertLessEqual(days[0], today - timedelta(days=330))
        self.assertEqual(days[-1], today)
        window = engine._get_param("rfm_window_days", 365)
        self.env.cr.execute(
            SQL(
                """
            SELECT d.day, COUNT(DISTINCT o.partner_id)
              FROM unnest(%(days)s::date[]) d (day)
              LEFT JOIN pos_order o
                     ON %(purchase)s AND %(local)s BETWEEN d.day - %(window)s AND d.day
             GROUP BY d.day
            """,
                days=days,
                purchase=PURCHASE_FILTER,
                local=engine._get_local_day(SQL("o.date_order")),
                window=window,
            )
        )
        self.assertEqual(dict(self.env.cr.fetchall()), dict(members))
        self.assertLess(members[days[0]], members[today])
        # members are lost over the year, not all at once
        self.assertEqual(lost[days[0]], 0)
        self.assertGreater(len(set(lost.values())), 3)
        # a member enters the segments on the first refresh after their first purchase
        partners = self.env["res.partner"].search([("email", "=like", "member%@example.com")])
        history = self.env["member.segment.history"].search(
            [("partner_id", "in", partners.ids), ("segment_type", "=", "rfm")]
        )
        self.assertGreater(len(set(history.mapped("date"))), 20)
        entered = {}
        for row in history.sorted("date"):
            entered.setdefault(row.partner_id, row.date)
        for partner in partners:
            first = min(partner.marketing_profile_ids.mapped("first_order_date"))
            self.assertEqual(entered[partner], min(day for day in days if day >= first))

    def test_bench_generate_and_baseline(self):
        Demo = self.env["member.marketing.demo"]
        Demo._bench_generate(50, 600)
        orders, members, _inconsistent = self._orders(BENCH_PREFIX)
        self.assertEqual(orders, 600)
        self.assertLessEqual(members, 50)
        # the baseline aggregate and the refresh see the same members
        self.env.cr.execute(
            "UPDATE pos_order SET state = 'cancel' WHERE name NOT LIKE %s", [BENCH_PREFIX + "%"]
        )
        self.assertEqual(Demo._bench_baseline(), members)
        self.assertEqual(self.env["member.segment.engine"]._refresh(), members)
