from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoGenerator(TransactionCase):
    def test_generate_is_consistent_and_idempotent(self):
        Demo = self.env["member.loyalty.demo"]
        self.env["ir.config_parameter"].sudo().set_param("member_loyalty.demo_generated", "")
        before = self.env["res.partner"].search_count([("member_number", "!=", False)])
        self.assertTrue(Demo._demo_generate(members=8, seed=7))
        members = self.env["res.partner"].search([("member_number", "!=", False)])
        self.assertEqual(len(members) - before, 8)
        moves = self.env["member.points.move"].search([("partner_id", "in", members.ids)])
        self.assertTrue(moves)
        # the history is spread over the past, API operations (top-up, spend, redeem) too
        wallet = self.env["member.wallet.move"].search([("partner_id", "in", members.ids)])
        days = {
            move.date.date()
            for move in [*moves, *wallet]
            if move.idempotency_key.startswith("api:demo:")
        }
        self.assertGreater(len(days), 1)
        self.assertEqual(self.env["member.balance"]._get_drift(), [])
        self.assertFalse(Demo._demo_generate(members=8, seed=7))
        self.assertEqual(
            self.env["res.partner"].search_count([("member_number", "!=", False)]), before + 8
        )
