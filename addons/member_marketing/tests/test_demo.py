from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from ..models.member_marketing_demo import BENCH_PREFIX, DEMO_PREFIX


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
        # a second run adds nothing
        self.assertFalse(Demo._demo_generate(members=40))
        self.assertEqual(self._orders(DEMO_PREFIX)[0], orders)

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
