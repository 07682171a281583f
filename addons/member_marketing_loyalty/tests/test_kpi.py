import random
from datetime import date

from odoo.tests import tagged

from odoo.addons.member_marketing.tests.common import insert_orders
from odoo.addons.member_marketing_loyalty import uninstall_hook

from .common import MarketingLoyaltyCase


@tagged("post_install", "-at_install")
class TestLoyaltyKpi(MarketingLoyaltyCase):
    def _june(self):
        """A card holder and two customers named on their orders without a card buy in May
        and June 2025; returns the June figures."""
        # only the orders of this test count
        self.env.cr.execute("UPDATE pos_order SET state = 'cancel' WHERE state != 'cancel'")
        today = date(2025, 6, 15)
        member = self._contact("Card holder")
        once = self.env["res.partner"].create({"name": "Named once, no card"})
        twice = self.env["res.partner"].create({"name": "Named twice, no card"})
        # May: the member and a named customer buy; June: the member once, another named
        # customer twice, the first one not
        insert_orders(self.env, member, [(40, 100.0), (5, 100.0)], today)
        insert_orders(self.env, once, [(41, 100.0)], today)
        insert_orders(self.env, twice, [(4, 150.0), (3, 150.0)], today)
        self.env.flush_all()
        company = self.env["pos.session"].search([], limit=1).company_id  # insert_orders'
        return self.env["member.marketing.kpi"].search(
            [("month", "=", "2025-06-01"), ("company_id", "=", company.id)]
        )

    def test_only_card_holders_are_members_in_the_figures(self):
        """A customer named on the order without a member card is no member: their sales are
        not member sales and they are neither buying, repeat nor churned members."""
        june = self._june()
        self.assertEqual((june.total_sales, june.member_sales, june.member_share), (400, 100, 25))
        self.assertEqual((june.buyers, june.repeat_buyers, june.repurchase_rate), (1, 0, 0))
        self.assertEqual((june.previous_buyers, june.churned, june.churn_rate), (1, 0, 0))

    def test_uninstalled_any_customer_is_a_member_again(self):
        """Once this bridge is uninstalled the figures no longer read member_loyalty's member
        number (its column may be dropped next, with the views reading it): named customers
        count again."""
        uninstall_hook(self.env)
        june = self._june()
        self.assertEqual((june.total_sales, june.member_sales), (400, 400))
        self.assertEqual((june.buyers, june.repeat_buyers), (2, 1))
        self.env.cr.execute(
            "SELECT viewname FROM pg_views WHERE definition LIKE '%%member_number%%'"
            " AND viewname LIKE 'member_marketing%%kpi'"
        )
        self.assertEqual(self.env.cr.fetchall(), [])

    def test_demo_members_hold_a_card(self):
        """The demo history's members are card holders, so that the demo dashboard's member
        figures are not empty with member_loyalty; no card-opened notice is sent to them."""
        logs = self.env["member.notice.log"].search_count([])
        members = self.env["member.marketing.demo"]._demo_members(3, random.Random(7))
        self.assertTrue(all(members.mapped("member_number")))
        self.assertEqual(self.env["member.notice.log"].search_count([]), logs)
