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

    def _order(self, partner, when, amount):
        session = self.env["pos.session"].search([], limit=1)
        self.env.cr.execute(
            SQL(
                """INSERT INTO pos_order (company_id, session_id, name, amount_tax, amount_total,
                                          amount_paid, amount_return, partner_id, date_order,
                                          state)
                   VALUES (%s, %s, %s, 0, %s, %s, 0, %s, %s, 'paid')""",
                session.company_id.id,
                session.id,
                f"MM-TEST/{partner.id}/{when}",
                amount,
                amount,
                partner.id,
                when,
            )
        )
        return session.company_id

    def _kpi(self, company, month):
        self.env.flush_all()  # the view reads the orders and the company's time zone
        return self.env["member.marketing.kpi"].search(
            [("month", "=", month), ("company_id", "=", company.id)]
        )

    def test_local_months_and_refunds(self):
        """A purchase at 04:00 on 1 July in Shanghai (20:00 UTC on 30 June) is July's; a
        refund alone makes nobody a buying member (it still nets the sales)."""
        early = self._member("bought early on 1 July")
        refund_only = self._member("only a refund in June")
        company = self._order(early, datetime(2026, 6, 30, 20), 100.0)
        company.partner_id.tz = "Asia/Shanghai"
        self._order(refund_only, datetime(2026, 6, 10, 10), -50.0)
        july = self._kpi(company, "2026-07-01")
        self.assertEqual((july.total_sales, july.buyers), (100.0, 1))
        june = self._kpi(company, "2026-06-01")
        self.assertEqual((june.total_sales, june.buyers, june.repurchase_rate), (-50.0, 0, 0.0))

    def test_month_under_way_has_no_churn_yet(self):
        """Early in a month nearly everybody of last month has not come back yet: the churn
        of the month under way is left empty, not shown as a spike."""
        now = datetime.now()
        this_month = date(now.year, now.month, 1)
        last_month = date(now.year - (now.month == 1), (now.month - 2) % 12 + 1, 1)
        last = self._member("bought last month")
        now_buyer = self._member("bought this month")
        company = self._order(last, datetime(last_month.year, last_month.month, 15, 10), 80.0)
        self._order(now_buyer, datetime(now.year, now.month, 1, 10), 90.0)
        current = self._kpi(company, this_month)
        self.assertEqual(current.buyers, 1)
        self.assertEqual(
            (current.previous_buyers, current.churned, current.churn_rate), (0, 0, 0.0)
        )
