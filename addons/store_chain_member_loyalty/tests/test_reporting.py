from odoo.tests import tagged

from .common import ChainMemberCommon


@tagged("post_install", "-at_install")
class TestMemberReporting(ChainMemberCommon):
    def test_member_measures_per_store_and_dashboard(self):
        self._sync_order(self.config_a, 100.0, self.member)
        self._sync_order(self.config_a, 60.0, self.customer)
        self._sync_order(self.config_b, 40.0, self.member)
        self._at(self.store_a).member_topup(200.0, "report-topup")
        self._at(self.store_b).member_wallet_spend(25.0, "report-spend")
        self.env.flush_all()
        rows = self.env["chain.member.report"]._read_group(
            [("store_id", "in", (self.store_a | self.store_b).ids)],
            ["store_id"],
            [
                "sales:sum",
                "member_sales:sum",
                "ticket_count:sum",
                "new_member_count:sum",
                "topup_amount:sum",
                "stored_value_spent:sum",
            ],
        )
        figures = {store: rest for store, *rest in rows}
        self.assertEqual(figures[self.store_a], [160.0, 100.0, 2, 1, 200.0, 0.0])
        self.assertEqual(figures[self.store_b], [40.0, 40.0, 1, 0, 0.0, 25.0])
        self.store_a.invalidate_recordset()
        self.assertEqual(self.store_a.new_member_count_month, 1)
        self.assertEqual(self.store_a.topup_month, 200.0)
        self.assertAlmostEqual(self.store_a.member_sales_share_month, 62.5)
        self.assertEqual(self.store_b.stored_value_spent_month, 25.0)

    def test_store_user_sees_own_store_figures(self):
        self._sync_order(self.config_a, 10.0, self.member)
        self._sync_order(self.config_b, 15.0, self.member)
        self.env.flush_all()
        rows = self.env["chain.member.report"].with_user(self.user_b).search_read([], ["store_id"])
        self.assertEqual({row["store_id"][0] for row in rows}, {self.store_b.id})
