from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemo(TransactionCase):
    def test_demo_members_across_stores_and_settlement(self):
        stores = self.env["chain.store"].search(
            [("state", "=", "open"), ("pos_config_ids", "!=", False)]
        )
        self.assertEqual(len(stores), 6, "the store_chain demo stores (tests run with demo data)")
        self.assertTrue(self.env["store.chain.demo"]._demo_generate())
        members = self.env["res.partner"].search([("member_home_store_id", "in", stores.ids)])
        self.assertEqual(set(members.member_home_store_id.ids), set(stores.ids))
        settlement = self.env["chain.settlement"].search([], order="id desc", limit=1)
        self.assertTrue(settlement.reconciled, settlement.reconciliation_note)
        self.assertEqual(settlement.state, "confirmed")
        self.assertGreater(len(settlement.line_ids), 2)
        franchise_lines = settlement.line_ids.filtered(
            lambda line: line.store_type == "franchise" and line.net_due
        )
        self.assertTrue(franchise_lines.move_ids)
        # idempotent: a second run changes nothing
        self.assertFalse(self.env["store.chain.demo"]._demo_generate())
