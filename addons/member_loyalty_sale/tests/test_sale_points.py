from odoo import Command
from odoo.tests import tagged

from odoo.addons.member_loyalty.tests.common import MemberLoyaltyCase


@tagged("post_install", "-at_install")
class TestSalePoints(MemberLoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Product = cls.env["product.product"]
        cls.shirt = Product.create(
            {"name": "Shirt", "list_price": 100.0, "taxes_id": [Command.clear()], "type": "consu"}
        )
        cls.card = Product.create(
            {
                "name": "Gift card",
                "list_price": 50.0,
                "taxes_id": [Command.clear()],
                "type": "service",
                "invoice_policy": "order",
                "member_no_points": True,
            }
        )
        cls.shirt.invoice_policy = "order"

    def _order(self, partner=None, lines=((None, 2),)):
        return self.env["sale.order"].create(
            {
                "partner_id": (partner or self.member).id,
                "order_line": [
                    Command.create(
                        {"product_id": (product or self.shirt).id, "product_uom_qty": qty}
                    )
                    for product, qty in lines
                ],
            }
        )

    def _earn_rows(self, order):
        return order.member_points_move_ids.filtered(lambda m: m.kind == "earn")

    def test_confirmed_order_earns_once(self):
        order = self._order()
        self.assertEqual(self.member.member_points, 0, "a quotation earns nothing")
        order.action_confirm()
        self.assertEqual(self.member.member_points, 200)
        self.assertEqual(order.member_points_earned, 200)
        earn = self._earn_rows(order)
        self.assertEqual(
            (earn.idempotency_key, earn.origin, earn.sale_order_id),
            (f"sale.order:{order.id}:earn:0", order.name, order),
        )
        # a replayed confirmation (e.g. a retried RPC) writes nothing
        order._member_earn()
        self.assertEqual(len(order.member_points_move_ids), 1)
        self.assertEqual(self.member.member_points, 200)

    def test_excluded_products_and_non_members_earn_nothing(self):
        order = self._order(lines=((None, 1), (self.card, 2)))
        order.action_confirm()
        self.assertEqual(self.member.member_points, 100, "the gift card lines are excluded")
        stranger = self.env["res.partner"].create({"name": "Walk-in"})
        other = self._order(partner=stranger)
        other.action_confirm()
        self.assertFalse(other.member_points_move_ids)

    def test_tier_multiplier_applies(self):
        self.member.sudo().member_tier_id = self.tier_gold  # x2
        self._order().action_confirm()
        self.assertEqual(self.member.member_points, 400)

    def test_cancel_takes_back_and_reconfirm_earns_again(self):
        order = self._order()
        order.action_confirm()
        order._action_cancel()
        self.assertEqual(self.member.member_points, 0)
        self.assertEqual(order.member_points_earned, 0)
        order.action_draft()
        order.action_confirm()
        self.assertEqual(self.member.member_points, 200)
        self.assertEqual(
            sorted(order.member_points_move_ids.mapped("idempotency_key")),
            sorted(
                [
                    f"sale.order:{order.id}:earn:0",
                    f"sale.order:{order.id}:cancel:0",
                    f"sale.order:{order.id}:earn:1",
                ]
            ),
        )

    def test_spent_points_stay_spent_on_cancel(self):
        order = self._order()
        order.action_confirm()
        self.member.member_points_redeem(150, "sale-redeem")
        order._action_cancel()
        self.assertEqual(self.member.member_points, 0)
        self.assertEqual(order.member_points_earned, 150, "only the 50 points left were taken back")

    def test_partial_credit_note_takes_back_eligible_part_only(self):
        order = self._order(lines=((None, 2), (self.card, 2)))
        order.action_confirm()
        self.assertEqual(self.member.member_points, 200)
        invoice = order._create_invoices()
        invoice.action_post()
        # credit only the excluded gift cards: they earned nothing, nothing is taken back
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.filtered(lambda line: line.product_id == self.shirt).unlink()
        refund.action_post()
        self.assertEqual(self.member.member_points, 200)
        self.assertFalse(refund.id in order.member_points_move_ids.credit_note_id.ids)
        # credit one of the two shirts: half the points come back
        refund = invoice._reverse_moves()
        refund.invoice_line_ids.filtered(lambda line: line.product_id == self.card).unlink()
        refund.invoice_line_ids.quantity = 1
        refund.action_post()
        self.assertEqual(self.member.member_points, 100)
        taken = order.member_points_move_ids.filtered(lambda m: m.credit_note_id == refund)
        self.assertEqual((taken.kind, taken.points), ("refund", -100))
        # posting again (e.g. reset to draft and post) takes nothing more
        refund.button_draft()
        refund.action_post()
        self.assertEqual(self.member.member_points, 100)

    def test_credited_down_payment_takes_nothing_back(self):
        order = self._order()
        order.action_confirm()
        self.assertEqual(self.member.member_points, 200)
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids, active_id=order.id)
            .create({"advance_payment_method": "fixed", "fixed_amount": 50.0})
        )
        wizard.create_invoices()
        down_payment = order.invoice_ids
        down_payment.action_post()
        refund = down_payment._reverse_moves()
        refund.action_post()
        self.assertEqual(refund.amount_total, 50.0)
        self.assertEqual(self.member.member_points, 200, "the goods were not returned")
        self.assertFalse(order.member_points_move_ids.filtered(lambda m: m.kind == "refund"))
