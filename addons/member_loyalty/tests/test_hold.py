from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import MemberTillCommon


@tagged("post_install", "-at_install")
class TestMemberHold(MemberTillCommon, TestPoSCommon):
    """Authorise → capture → release / expire, as the till and the server see it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_member_config()
        cls.member = cls._new_member("Zhang Wei", "+86 138 0013 8001")
        cls.member.member_topup(100.0, "hold-topup")
        cls.member._member_adjust("points", 2000, "hold setup", "hold-points")
        cls.config = cls.basic_config
        cls.balance_pm = cls.bank_pm1.copy(
            {"name": "Member Balance", "payment_method_type": "member_balance"}
        )
        cls.config.payment_method_ids = [(4, cls.balance_pm.id)]
        cls.rice = cls.create_product("Rice", cls.categ_basic, 60.0)
        cls.pos_user = cls.env["res.users"].create(
            {
                "name": "Till Cashier",
                "login": "member_hold_cashier",
                "company_id": cls.env.company.id,
                "company_ids": [(6, 0, cls.env.company.ids)],
                "groups_id": [(6, 0, [cls.env.ref("point_of_sale.group_pos_user").id])],
            }
        )

    def setUp(self):
        super().setUp()
        self.open_new_session()
        self.addCleanup(self.assertLedgersConsistent)

    # ------------------------------------------------------------------ helpers

    def _spends(self):
        return self.env["member.wallet.move"].search(
            [("partner_id", "=", self.member.id), ("kind", "=", "spend")]
        )

    # ------------------------------------------------------------------ stored value

    def test_authorise_then_sync_captures_once(self):
        order, data = self._draft()
        res = order.with_user(self.pos_user).member_pos_authorize_wallet("pay-1", 60.0)
        self.assertEqual((res["amount"], res["balance"]), (60.0, 40.0))
        self.assertEqual(self.member.member_wallet, 40.0, "the money is reserved at once")
        # a double click or a retry after a timeout answers the same, debits nothing more
        again = order.with_user(self.pos_user).member_pos_authorize_wallet("pay-1", 60.0)
        self.assertEqual(again, res)
        with self.assertRaises(UserError):
            order.member_pos_authorize_wallet("pay-1", 10.0)  # same key, another amount
        paid = self._pay(data, [(self.balance_pm, 60.0, "pay-1")])
        self.assertEqual(paid, order)
        self.assertEqual(order.state, "paid")
        hold = self._hold("pos.payment:pay-1")
        self.assertEqual((hold.state, hold.pos_order_id), ("captured", order))
        # two tabs / a resync push the paid order again: nothing more is booked
        self._pay(data, [(self.balance_pm, 60.0, "pay-1")])
        self.assertEqual(len(self._spends()), 1)
        self.assertEqual(self.member.member_wallet, 40.0)
        self.assertFalse(order.member_sync_issue)
        # paid fully with stored value: no points earned
        self.assertEqual(order.member_points_earned, 0)

    def test_over_balance_refused(self):
        order, _data = self._draft(qty=2)
        with self.assertRaisesRegex(UserError, "100.0 of stored value"):
            order.member_pos_authorize_wallet("pay-big", 120.0)
        self.assertFalse(self._hold("pos.payment:pay-big"))
        with self.assertRaises(ValidationError):
            order.member_pos_authorize_wallet("pay-neg", -5.0)
        with self.assertRaises(ValidationError):
            order.member_pos_authorize_wallet("", 5.0)

    def test_release_gives_back_and_key_cannot_authorise_again(self):
        order, data = self._draft()
        order.member_pos_authorize_wallet("pay-2", 50.0)
        res = order.with_user(self.pos_user).member_pos_release("pos.payment:pay-2")
        self.assertEqual((res["state"], res["balance"]), ("released", 100.0))
        order.member_pos_release("pos.payment:pay-2")  # idempotent
        self.assertEqual(self.member.member_wallet, 100.0)
        with self.assertRaisesRegex(UserError, "already released"):
            order.member_pos_authorize_wallet("pay-2", 50.0)
        with self.assertRaises(ValidationError):
            order.member_pos_release("pos.payment:other-order")
        # the order is then paid in cash
        self._pay(data, [(self.cash_pm1, 60.0, "cash-2")])
        self.assertEqual(self.member.member_wallet, 100.0)
        self.assertEqual(order.member_points_earned, 60)

    def test_no_cashout_while_a_till_holds_value(self):
        order, _data = self._draft()
        order.member_pos_authorize_wallet("pay-co", 50.0)
        with self.assertRaisesRegex(UserError, "holds an authorisation"):
            self.member.member_cashout("hold-cashout")
        self.assertEqual(self.member.member_wallet, 50.0, "the refused cash-out changed nothing")
        order.member_pos_release("pos.payment:pay-co")
        result = self.member.member_cashout("hold-cashout")
        self.assertEqual(result["principal_returned"], 100.0)
        self.assertEqual(self.member.member_wallet, 0.0)

    def test_cancelled_order_releases(self):
        order, _data = self._draft()
        order.member_pos_authorize_wallet("pay-3", 60.0)
        order.with_user(self.pos_user).action_pos_order_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(self._hold("pos.payment:pay-3").state, "released")
        self.assertEqual(self.member.member_wallet, 100.0)
        with self.assertRaisesRegex(UserError, "no longer open"):
            order.member_pos_authorize_wallet("pay-3b", 10.0)

    def test_payment_removed_before_validation_is_given_back(self):
        order, data = self._draft()
        order.member_pos_authorize_wallet("pay-4", 60.0)
        self._pay(data, [(self.cash_pm1, 60.0, "cash-4")])
        self.assertEqual(self._hold("pos.payment:pay-4").state, "released")
        self.assertEqual(self.member.member_wallet, 100.0)

    def test_smaller_payment_captures_and_gives_back_the_rest(self):
        order, data = self._draft()
        order.member_pos_authorize_wallet("pay-5", 60.0)
        self._pay(data, [(self.balance_pm, 20.0, "pay-5"), (self.cash_pm1, 40.0, "cash-5")])
        self.assertEqual(self._hold("pos.payment:pay-5").state, "captured")
        self.assertEqual(self.member.member_wallet, 80.0)

    def test_till_never_comes_back_then_late_sync(self):
        order, data = self._draft()
        order.member_pos_authorize_wallet("pay-6", 60.0)
        hold = self._hold("pos.payment:pay-6")
        self.assertAlmostEqual(
            hold.expires_at,
            fields.Datetime.now() + timedelta(minutes=30),
            delta=timedelta(minutes=1),
        )
        self.env["member.hold"].with_context(member_no_commit=True)._cron_expire()
        self.assertEqual(hold.state, "authorised", "not expired yet")
        hold.sudo().expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.env["member.hold"].with_context(member_no_commit=True)._cron_expire()
        self.assertEqual(hold.state, "expired")
        self.assertEqual(self.member.member_wallet, 100.0, "the money went back")
        # the till comes back much later: the balance still allows, so it is taken again
        self._pay(data, [(self.balance_pm, 60.0, "pay-6")])
        self.assertEqual(hold.state, "captured")
        self.assertEqual(self.member.member_wallet, 40.0)
        self.assertFalse(order.member_sync_issue)

    def test_hold_time_set_in_the_settings(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.member_hold_minutes, 30)
        settings.member_hold_minutes = 45
        settings.execute()
        self.assertEqual(self.config.member_hold_minutes, 45, "the till is told too")
        order, _data = self._draft()
        order.member_pos_authorize_wallet("pay-45", 60.0)
        self.assertAlmostEqual(
            self._hold("pos.payment:pay-45").expires_at,
            fields.Datetime.now() + timedelta(minutes=45),
            delta=timedelta(minutes=1),
        )
        with self.assertRaisesRegex(ValidationError, "at least one minute"):
            self.env["res.config.settings"].create({"member_hold_minutes": 0})

    def test_late_sync_without_balance_is_flagged_not_raised(self):
        order, data = self._draft()
        order.member_pos_authorize_wallet("pay-7", 60.0)
        hold = self._hold("pos.payment:pay-7")
        hold.sudo().expires_at = fields.Datetime.now() - timedelta(minutes=1)
        self.env["member.hold"].with_context(member_no_commit=True)._cron_expire()
        self.member.member_wallet_spend(90.0, "spent-elsewhere")
        paid = self._pay(data, [(self.balance_pm, 60.0, "pay-7")])
        self.assertEqual(paid.state, "paid", "one member problem never blocks the till's sync")
        self.assertIn("could not be taken again", paid.member_sync_issue)
        self.assertEqual(hold.state, "expired")
        self.assertEqual(self.member.member_wallet, 10.0)

    def test_balance_method_is_stored_value(self):
        self.assertEqual(self.balance_pm.member_payment_kind, "wallet")
        other = self.bank_pm1.copy(
            {"payment_method_type": "member_balance", "member_payment_kind": "points"}
        )
        self.assertEqual(other.member_payment_kind, "wallet")
        with self.assertRaises(ValidationError):
            other.member_payment_kind = "points"

    # ------------------------------------------------------------------ points

    def test_points_authorise_capture_on_redemption_line(self):
        order, data = self._draft()
        res = order.with_user(self.pos_user).member_pos_authorize_points("line-r", 500)
        self.assertEqual((res["amount"], res["points"]), (20.0, 1500))
        with self.assertRaisesRegex(UserError, "more than the order total"):
            order.member_pos_authorize_points("line-r2", 1600)  # 64 > 60
        redeem_line = self._redeem_line("line-r", member_redeem_points=9999)
        paid = self._pay(data, [(self.cash_pm1, 40.0, "cash-r")], new_lines=[redeem_line])
        self.assertEqual(paid.amount_total, 40.0)
        self.assertEqual(self._hold("pos.order.line:line-r:redeem").state, "captured")
        line = paid.lines.filtered(lambda line: line.uuid == "line-r")
        self.assertEqual(line.member_redeem_points, 500, "the till's value is never trusted")
        # points earned on what was paid in cash only: 60 x 40/60
        paid.invalidate_recordset()  # receipt figures are computed, not stored
        self.assertEqual(paid.member_points_earned, 40)
        self.assertEqual(self.member.member_points, 1540)

    def test_refund_without_its_redemption_line_refused_then_proportional(self):
        order, data = self._draft(qty=2)
        order.member_pos_authorize_points("line-p", 500)
        redeem_line = self._redeem_line("line-p")
        sale = self._pay(data, [(self.cash_pm1, 100.0, "cash-p")], new_lines=[redeem_line])
        rice_line = sale.lines.filtered(lambda line: line.product_id == self.rice)
        sale_redeem = sale.lines - rice_line
        self.assertEqual(self.member.member_points, 1500 + 100)  # 100 earned on the cash
        # one rice of two back, without the redemption: 60 in cash would pay out 10 of points
        refund_data = self.create_ui_order_data([(self.rice, -1)], customer=self.member)
        refund_data["lines"][0][2]["refunded_orderline_id"] = rice_line.id
        refund_data["payment_ids"] = [
            (0, 0, {"amount": -60.0, "name": fields.Datetime.now(),
                    "payment_method_id": self.cash_pm1.id})
        ]  # fmt: skip
        with (
            self.assertRaisesRegex(UserError, r"refund that line too, 0.5 of it"),
            self.env.cr.savepoint(),
        ):
            self.env["pos.order"].sync_from_ui([dict(refund_data)])
        self.assertEqual(self.member.member_points, 1600)
        # with half of the redemption line (as the till adds it): 50 back, 250 points back
        refund_data["lines"].append(
            (0, 0, {"product_id": sale_redeem.product_id.id, "qty": -0.5, "price_unit": -20.0,
                    "price_subtotal": 10.0, "price_subtotal_incl": 10.0, "tax_ids": [(6, 0, [])],
                    "refunded_orderline_id": sale_redeem.id, "uuid": "refund-line-p"})
        )  # fmt: skip
        refund_data["payment_ids"][0][2]["amount"] = -50.0
        refund_data["amount_total"] = refund_data["amount_paid"] = -50.0
        result = self.env["pos.order"].sync_from_ui([refund_data])
        refund = self.env["pos.order"].browse(result["pos.order"][0]["id"])
        self.assertEqual(refund.amount_total, -50.0)
        returned = self.env["member.points.move"].search(
            [("idempotency_key", "=", "pos.order.line:refund-line-p:redeem-refund")]
        )
        self.assertEqual(returned.points, 250)
        # earned points go back with the goods: 100 x 50/100
        self.assertEqual(self.member.member_points, 1600 + 250 - 50)

    def test_refund_of_stored_value_in_cash_refused(self):
        order, data = self._draft()
        order.member_pos_authorize_wallet("pay-9", 60.0)
        sale = self._pay(data, [(self.balance_pm, 60.0, "pay-9")])
        refund_data = self.create_ui_order_data([(self.rice, -1)], customer=self.member)
        refund_data["lines"][0][2]["refunded_orderline_id"] = sale.lines.id
        refund_data["payment_ids"] = [
            (0, 0, {"amount": -60.0, "name": fields.Datetime.now(),
                    "payment_method_id": self.cash_pm1.id})
        ]  # fmt: skip
        with (
            self.assertRaisesRegex(UserError, "goes back to the member's stored value"),
            self.env.cr.savepoint(),
        ):
            self.env["pos.order"].sync_from_ui([dict(refund_data)])
        preview = sale.with_user(self.pos_user).member_pos_refund_preview({sale.lines.id: 1})
        self.assertEqual((preview["wallet_to_card"], preview["wallet_refundable"]), (60.0, 60.0))
        refund_data["payment_ids"][0][2]["payment_method_id"] = self.balance_pm.id
        self.env["pos.order"].sync_from_ui([refund_data])
        self.assertEqual(self.member.member_wallet, 100.0)
