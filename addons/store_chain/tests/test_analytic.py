from odoo.tests import tagged

from .common import ChainCommon


@tagged("post_install", "-at_install")
class TestStoreAnalytic(ChainCommon):
    def test_session_sales_booked_on_store_analytic_account(self):
        plan = self.env["account.analytic.plan"].create({"name": "Stores"})
        analytic = self.env["account.analytic.account"].create(
            {"name": "Store A", "plan_id": plan.id}
        )
        self.store_a.analytic_account_id = analytic
        bank_method = self.config_a.payment_method_ids.filtered(
            lambda m: m.journal_id.type == "bank"
        )[:1]
        self.assertTrue(bank_method, "the test POS needs a bank payment method")
        self.config_a.payment_method_ids = bank_method
        order = self._sync_order(self.config_a, 70.0)
        session = order.session_id
        session.action_pos_session_closing_control()
        self.assertEqual(session.state, "closed")
        sales = session.move_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "income"
        )
        self.assertTrue(sales)
        self.assertEqual(sum(sales.mapped("credit")), 70.0)
        self.assertEqual(
            sales.mapped("analytic_distribution"), [{str(analytic.id): 100}] * len(sales)
        )
        # store B has no analytic account: nothing is forced on its lines
        self.assertFalse(self.store_b.analytic_account_id)
