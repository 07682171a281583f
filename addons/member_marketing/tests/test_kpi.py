from datetime import date, datetime

from odoo.tests import tagged
from odoo.tools import SQL

from .common import MemberMarketingCase, insert_orders


@tagged("post_install", "-at_install")
class TestMarketingKpi(MemberMarketingCase):
    def test_share_repurchase_and_churn(self):
        # May 2026: A, B and C buy; June 2026 (today is June 15): A buys twice, B once, C not
        today = date(2026, 6, 15)
        a = self._member("A")
        b = self._member("B")
        c = self._member("C")
        insert_orders(self.env, a, [(40, 100.0), (10, 100.0), (5, 100.0)], today)
        insert_orders(self.env, b, [(35, 100.0), (3, 100.0)], today)
        insert_orders(self.env, c, [(33, 100.0)], today)
        # a walk-in sale without a member in June
        session = self.env["pos.session"].search([], limit=1)
        self.env.cr.execute(
            SQL(
                """INSERT INTO pos_order (company_id, session_id, name, amount_tax, amount_total,
                                          amount_paid, amount_return, date_order, state)
                   VALUES (%s, %s, 'MM-TEST/walk-in', 0, 100, 100, 0, %s, 'paid')""",
                session.company_id.id,
                session.id,
                datetime(2026, 6, 2, 10),
            )
        )
        kpi = self.env["member.marketing.kpi"].search(
            [("month", "=", "2026-06-01"), ("company_id", "=", session.company_id.id)]
        )
        self.assertEqual(kpi.total_sales, 400.0)
        self.assertEqual(kpi.member_sales, 300.0)
        self.assertEqual(kpi.member_share, 75.0)
        self.assertEqual((kpi.buyers, kpi.repeat_buyers), (2, 1))
        self.assertEqual(kpi.repurchase_rate, 50.0)
        self.assertEqual((kpi.previous_buyers, kpi.churned), (3, 1))
        self.assertEqual(kpi.churn_rate, 33.3)
