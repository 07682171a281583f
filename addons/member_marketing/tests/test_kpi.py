from datetime import date, datetime

from odoo.tests import tagged
from odoo.tools import SQL

from .common import MemberMarketingCase, hold_member_card, insert_orders


@tagged("post_install", "-at_install")
class TestMarketingKpi(MemberMarketingCase):
    @classmethod
    def _member(cls, name, orders=(), **vals):
        return hold_member_card(super()._member(name, orders, **vals))

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
        """A paid POS order of ``partner`` (empty: a walk-in customer) at ``when`` (UTC)."""
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
                partner.id or None,
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

    def test_grouped_rates_are_rates_of_the_sums(self):
        """A year's (or a region's, or the pivot total's) rates weigh each month by its size:
        April is big and mostly walk-in, May small and mostly members; averaging the monthly
        rates would show 50 % member share instead of 12 %."""
        a, b, c, d, e = (self._member(name) for name in "ABCDE")
        walk_in = self.env["res.partner"]
        # March: A, B, C and D buy (the buyers April's churn starts from)
        for member in (a, b, c, d):
            company = self._order(member, datetime(2025, 3, 10, 10), 10.0)
        # April: 4000 of sales, 400 to members (10 %); A buys twice, B and C once (1 repeat of
        # 3, 33.3 %); D does not come back (churn 1 of 4, 25 %)
        self._order(a, datetime(2025, 4, 3, 10), 100.0)
        self._order(a, datetime(2025, 4, 20, 10), 100.0)
        self._order(b, datetime(2025, 4, 5, 10), 100.0)
        self._order(c, datetime(2025, 4, 6, 10), 100.0)
        self._order(walk_in, datetime(2025, 4, 7, 10), 3600.0)
        # May: 100 of sales, 90 to E (90 %); E buys once (0 %); A, B and C are gone (100 %)
        self._order(e, datetime(2025, 5, 8, 10), 90.0)
        self._order(walk_in, datetime(2025, 5, 9, 10), 10.0)
        self.env.flush_all()
        Kpi = self.env["member.marketing.kpi"]
        domain = [
            ("company_id", "=", company.id),
            ("month", ">=", "2025-04-01"),
            ("month", "<=", "2025-05-01"),
        ]
        april, may = Kpi.search(domain, order="month")
        # each month's row keeps its own rates
        self.assertEqual((april.member_share, may.member_share), (10.0, 90.0))
        self.assertEqual((april.repurchase_rate, may.repurchase_rate), (33.3, 0.0))
        self.assertEqual((april.churn_rate, may.churn_rate), (25.0, 100.0))
        # the year as the pivot, graph and grouped list read it (only the rates asked for)
        [year] = Kpi.read_group(
            domain, ["member_share", "repurchase_rate", "churn_rate"], ["month:year"]
        )
        rates = (year["member_share"], year["repurchase_rate"], year["churn_rate"])
        # 490 / 4100; 1 repeat / 4 member-months; 4 churned / 7 previous buyers
        self.assertEqual(rates, (12.0, 25.0, 57.1))
        [(total_sales, member_share, buyers, repurchase_rate)] = Kpi._read_group(
            domain,
            aggregates=["total_sales:sum", "member_share:avg", "buyers:sum", "repurchase_rate:avg"],
        )
        self.assertEqual(
            (total_sales, member_share, buyers, repurchase_rate), (4100, 12.0, 4, 25.0)
        )
        # March has no previous buyers: no churn rate, rather than 0 %
        march = Kpi.read_group(
            [("company_id", "=", company.id), ("month", "=", "2025-03-01")],
            ["churn_rate"],
            ["month:year"],
        )
        self.assertIs(march[0]["churn_rate"], False)
