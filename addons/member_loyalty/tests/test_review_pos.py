from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import MemberTillCommon


@tagged("post_install", "-at_install")
class TestReviewPos(MemberTillCommon, TestPoSCommon):
    """Review findings on the till side: authorisations follow the member, top-ups refunded in
    cash leave the card, given-back points keep their expiry."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_member_config()
        cls.member = cls._new_member("Zhang Wei", "+86 138 0013 8001")
        cls.other = cls._new_member("Wang Fang", "+86 138 0013 8002")
        cls.member.member_topup(100.0, "review-topup")
        cls.member._member_adjust("points", 2000, "review setup", "review-points")
        cls.config = cls.basic_config
        cls.balance_pm = cls.bank_pm1.copy(
            {"name": "Member Balance", "payment_method_type": "member_balance"}
        )
        cls.points_pm = cls.bank_pm1.copy(
            {"name": "Member Points", "member_payment_kind": "points"}
        )
        cls.config.payment_method_ids = [(4, cls.balance_pm.id), (4, cls.points_pm.id)]
        cls.rice = cls.create_product("Rice", cls.categ_basic, 60.0)
        cls.redeem_product = cls.env.ref("member_loyalty.product_member_redeem")

    def setUp(self):
        super().setUp()
        self.open_new_session()
        self.addCleanup(self.assertLedgersConsistent)

    # ------------------------------------------------------------------ helpers

    def _sell_topup(self, customer, amount, uuid):
        topup = self.config.member_topup_product_id
        data = self.create_ui_order_data(
            [(topup, 1)], customer=customer, payments=[(self.cash_pm1, amount)]
        )
        data["lines"][0][2].update(
            price_unit=amount, price_subtotal=amount, price_subtotal_incl=amount, uuid=uuid
        )
        data.update(amount_total=amount, amount_paid=amount)
        result = self.env["pos.order"].sync_from_ui([data])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"])

    def _refund_topup_in_cash(self, sale, amount, uuid, qty=1):
        topup = self.config.member_topup_product_id
        data = self.create_ui_order_data(
            [{"product": topup, "quantity": -qty, "refunded_orderline_id": sale.lines.id}],
            customer=sale.partner_id,
            payments=[(self.cash_pm1, -amount)],
        )
        data["lines"][0][2].update(
            price_unit=amount / qty,
            price_subtotal=-amount,
            price_subtotal_incl=-amount,
            uuid=uuid,
        )
        data.update(amount_total=-amount, amount_paid=-amount)
        result = self.env["pos.order"].sync_from_ui([dict(data)])
        return self.env["pos.order"].browse(result["pos.order"][0]["id"]), data

    # ------------------------------------------------------------------ 1. holds follow the member

    def test_customer_changed_after_authorisation_gives_back(self):
        order, data = self._draft()
        order.member_pos_authorize_wallet("pay-sw", 60.0)
        self.assertEqual(self.member.member_wallet, 40.0)
        payments = [(self.balance_pm, 60.0, "pay-sw")]
        paid = self._pay(data, payments, partner_id=self.other.id)
        self.assertEqual(paid.state, "paid", "the order still syncs")
        self.assertEqual(self.member.member_wallet, 100.0, "the first member gets the money back")
        self.assertEqual(self.other.member_wallet, 0.0)
        self.assertEqual(self._hold("pos.payment:pay-sw").state, "released")
        self.assertIn("Zhang Wei", paid.member_sync_issue)
        self.assertIn("taken from no card", paid.member_sync_issue)
        # a replay of the sync changes nothing
        self.assertEqual(self._pay(data, payments, partner_id=self.other.id), paid)
        self.assertEqual((self.member.member_wallet, self.other.member_wallet), (100.0, 0.0))
        # a refund cannot credit the new customer with stored value nobody paid
        refund = {
            "pos_order_lines_ui_args": [
                {"product": self.rice, "quantity": -1, "refunded_orderline_id": paid.lines.id}
            ],
            "customer": self.other,
            "payments": [(self.balance_pm, -60.0)],
        }
        with self.assertRaisesRegex(UserError, "at most 0.0"), self.env.cr.savepoint():
            self._create_orders([refund])
        self.assertEqual((self.member.member_wallet, self.other.member_wallet), (100.0, 0.0))

    def test_customer_removed_after_authorisation_gives_back(self):
        order, data = self._draft()
        order.member_pos_authorize_wallet("pay-rm", 30.0)
        paid = self._pay(data, [(self.balance_pm, 30.0, "pay-rm")], partner_id=False)
        self.assertEqual(paid.state, "paid")
        self.assertEqual(self.member.member_wallet, 100.0)
        self.assertIn("(no customer)", paid.member_sync_issue)

    def test_customer_changed_after_points_authorisation(self):
        self.other._member_adjust("points", 100, "review", "review-other-points")
        order, data = self._draft()
        order.member_pos_authorize_points("line-sw", 500)
        self.assertEqual(self.member.member_points, 1500)
        redeem_line = self._redeem_line("line-sw")
        paid = self._pay(
            data,
            [(self.cash_pm1, 40.0, "cash-sw")],
            new_lines=[redeem_line],
            partner_id=self.other.id,
        )
        self.assertEqual(self.member.member_points, 2000, "the points go back to their member")
        self.assertEqual(self._hold("pos.order.line:line-sw:redeem").state, "released")
        line = paid.lines.filtered(lambda line: line.uuid == "line-sw")
        self.assertEqual(line.member_redeem_points, 0, "no points paid this line")
        self.assertIn("Zhang Wei", paid.member_sync_issue)
        # the new customer earns on the cash paid only, as with captured points: 60 x 40/60
        self.assertEqual(self.other.member_points, 100 + 40)

    # ------------------------------------------------------------------ 2. top-up refunded in cash

    def test_topup_refunded_in_cash_leaves_the_card(self):
        sale = self._sell_topup(self.other, 500.0, "topup-line-1")
        self.assertEqual((self.other.member_principal, self.other.member_bonus), (500.0, 50.0))
        refund, data = self._refund_topup_in_cash(sale, 500.0, "topup-refund-1")
        self.assertEqual(refund.state, "paid")
        self.assertFalse(refund.member_sync_issue)
        self.assertEqual(self.other.member_wallet, 0.0, "principal taken back, bonus voided")
        move = self.env["member.wallet.move"].search(
            [("idempotency_key", "=", "pos.order.line:topup-refund-1:topup-refund")]
        )
        self.assertEqual(
            (move.kind, move.amount_principal, move.amount_bonus), ("cashout", -500.0, -50.0)
        )
        self.assertEqual(move.pos_order_id, refund)
        # a replayed sync changes nothing; no cash-out can pay the money out a second time
        self.env["pos.order"].sync_from_ui([data])
        self.assertEqual(self.other.member_wallet, 0.0)
        with self.assertRaisesRegex(UserError, "no stored value to cash out"):
            self.other.member_cashout("review-cashout")

    def test_topup_refund_takes_bonus_points_and_partial_share(self):
        sale = self._sell_topup(self.other, 1000.0, "topup-line-2")
        self.assertEqual((self.other.member_wallet, self.other.member_points), (1000.0, 200))
        # half of it back, then the other half
        self._refund_topup_in_cash(sale, 500.0, "topup-refund-2a", qty=0.5)
        self.assertEqual((self.other.member_wallet, self.other.member_points), (500.0, 100))
        self._refund_topup_in_cash(sale, 500.0, "topup-refund-2b", qty=0.5)
        self.assertEqual((self.other.member_wallet, self.other.member_points), (0.0, 0))

    def test_topup_refund_after_spending_flags_what_is_missing(self):
        sale = self._sell_topup(self.other, 500.0, "topup-line-3")
        self.other.member_wallet_spend(330.0, "review-spend")  # 300 principal, 30 bonus
        self.assertEqual((self.other.member_principal, self.other.member_bonus), (200.0, 20.0))
        refund, _data = self._refund_topup_in_cash(sale, 500.0, "topup-refund-3")
        self.assertEqual(refund.state, "paid", "the refund still syncs")
        self.assertEqual(self.other.member_wallet, 0.0, "never more than the card holds")
        self.assertIn("Wang Fang", refund.member_sync_issue)
        self.assertIn("could not be taken back", refund.member_sync_issue)
        self.assertIn("300.00", refund.member_sync_issue)
        self.assertIn("30.00", refund.member_sync_issue)

    # ------------------------------------------------------------------ 3. points keep their expiry

    def _date_lots(self, member, days):
        expiry = fields.Date.context_today(member) + timedelta(days=days)
        lots = self.env["member.points.lot"].sudo().search([("partner_id", "=", member.id)])
        lots.expiry_date = expiry
        return expiry

    def _open_lots(self, member):
        return self.env["member.points.lot"].search(
            [("partner_id", "=", member.id), ("points_remaining", ">", 0)]
        )

    def test_released_points_keep_their_expiry(self):
        expiry = self._date_lots(self.member, 3)
        order, _data = self._draft()
        order.member_pos_authorize_points("line-x", 1000)
        order.member_pos_release("pos.order.line:line-x:redeem")
        self.assertEqual(self.member.member_points, 2000)
        self.assertEqual(set(self._open_lots(self.member).mapped("expiry_date")), {expiry})
        # after that date every point expires, the given-back ones too
        later = fields.Date.context_today(self.member) + timedelta(days=4)
        self.member.sudo()._member_expire_points(later)
        self.member.invalidate_recordset()
        self.assertEqual(self.member.member_points, 0)

    def test_refunded_redemption_and_points_payment_keep_their_expiry(self):
        expiry = self._date_lots(self.member, 10)
        order, data = self._draft(qty=2)
        order.member_pos_authorize_points("line-e", 500)
        redeem_line = self._redeem_line("line-e")
        sale = self._pay(
            data,
            [(self.points_pm, 40.0, "pts-e"), (self.cash_pm1, 60.0, "cash-e")],
            new_lines=[redeem_line],
        )
        self.assertEqual(self.member.member_points, 2000 - 500 - 1000 + 60)
        rice_line = sale.lines.filtered(lambda line: line.product_id == self.rice)
        sale_redeem = sale.lines - rice_line
        refund = self.create_ui_order_data([(self.rice, -2)], customer=self.member)
        refund["lines"][0][2]["refunded_orderline_id"] = rice_line.id
        refund["lines"].append(
            (0, 0, {"product_id": self.redeem_product.id, "qty": -1, "price_unit": -20.0,
                    "price_subtotal": 20.0, "price_subtotal_incl": 20.0, "tax_ids": [(6, 0, [])],
                    "refunded_orderline_id": sale_redeem.id, "uuid": "refund-line-e"})
        )  # fmt: skip
        refund["payment_ids"] = [
            (0, 0, {"amount": -40.0, "name": fields.Datetime.now(),
                    "payment_method_id": self.points_pm.id}),
            (0, 0, {"amount": -60.0, "name": fields.Datetime.now(),
                    "payment_method_id": self.cash_pm1.id}),
        ]  # fmt: skip
        refund.update(amount_total=-100.0, amount_paid=-100.0)
        result = self.env["pos.order"].sync_from_ui([refund])
        refund = self.env["pos.order"].browse(result["pos.order"][0]["id"])
        self.assertEqual(self.member.member_points, 2000)
        given_back = refund.member_points_move_ids.filtered(lambda move: move.points > 0)
        self.assertEqual(sorted(given_back.mapped("points")), [500, 1000])
        self.assertEqual(set(given_back.lot_id.mapped("expiry_date")), {expiry})
