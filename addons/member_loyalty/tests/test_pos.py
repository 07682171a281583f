from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.common import TestPoSCommon

from .common import MemberLoyaltyCommon


@tagged("post_install", "-at_install")
class TestPosEarning(MemberLoyaltyCommon, TestPoSCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_member_config()
        cls.member = cls._new_member("Zhang Wei", "+86 138 0013 8001")
        cls.config = cls.basic_config
        cls.wallet_pm = cls.bank_pm1.copy(
            {"name": "Member Wallet", "member_payment_kind": "wallet"}
        )
        cls.points_pm = cls.bank_pm1.copy(
            {"name": "Member Points", "member_payment_kind": "points"}
        )
        cls.config.payment_method_ids = [(4, cls.wallet_pm.id), (4, cls.points_pm.id)]
        cls.product_a = cls.create_product("Rice", cls.categ_basic, 100.0)
        cls.product_b = cls.create_product("Cigarettes", cls.categ_basic, 50.0)
        cls.product_b.member_no_points = True

    def setUp(self):
        super().setUp()
        self.open_new_session()
        self.addCleanup(self.assertLedgersConsistent)

    def _earned(self, order):
        return sum(
            order.member_points_move_ids.filtered(lambda m: m.kind == "earn").mapped("points")
        )

    def test_same_order_synced_three_times_earns_once(self):
        data = self.create_ui_order_data([(self.product_a, 2)], customer=self.member)
        orders = self.env["pos.order"]
        for _attempt in range(3):
            result = self.env["pos.order"].sync_from_ui([dict(data)])
            orders |= self.env["pos.order"].browse(result["pos.order"][0]["id"])
        self.assertEqual(len(orders), 1)
        self.assertEqual(len(orders.member_points_move_ids), 1)
        self.assertEqual(self._earned(orders), 200)
        self.assertEqual(self.member.member_points, 200)

    def test_earning_rules(self):
        self.member.member_topup(100.0, "pos-topup")
        self.member.sudo().member_tier_id = self.tier_gold  # x2
        self.env["member.earn.promotion"].create(
            {
                "name": "Member day",
                "date_from": "2000-01-01",
                "date_to": "2999-12-31",
                "multiplier": 2.0,
                "pos_config_ids": [(6, 0, self.config.ids)],
            }
        )
        order = self._create_orders(
            [
                {
                    "pos_order_lines_ui_args": [(self.product_a, 1), (self.product_b, 1)],
                    "customer": self.member,
                    "payments": [(self.wallet_pm, 30.0), (self.cash_pm1, 120.0)],
                }
            ]
        ).popitem()[1]
        # eligible 100 (cigarettes excluded) x 120/150 paid outside the wallet
        # x 2 (gold) x 2 (promotion)
        self.assertEqual(self._earned(order), 320)
        spend = order.member_wallet_move_ids
        self.assertEqual((spend.kind, spend.amount), ("spend", -30.0))
        self.assertEqual(self.member.member_wallet, 70.0)

    def test_non_member_and_points_payment(self):
        orders = self._create_orders(
            [{"pos_order_lines_ui_args": [(self.product_a, 1)], "customer": self.customer}]
        )
        self.assertFalse(next(iter(orders.values())).member_points_move_ids)
        self.member._member_adjust("points", 1000, "opening", "pos-adj")
        order = self._create_orders(
            [
                {
                    "pos_order_lines_ui_args": [(self.product_a, 1)],
                    "customer": self.member,
                    "payments": [(self.points_pm, 40.0), (self.cash_pm1, 60.0)],
                }
            ]
        ).popitem()[1]
        redeem = order.member_points_move_ids.filtered(lambda m: m.kind == "redeem")
        self.assertEqual(redeem.points, -1000)
        self.assertEqual(self._earned(order), 60)
        self.assertEqual(self.member.member_points, 60)

    def test_refund_reverses_points_and_returns_stored_value(self):
        self.member.member_topup(100.0, "pos-topup")
        order = self._create_orders(
            [
                {
                    "pos_order_lines_ui_args": [(self.product_a, 2)],
                    "customer": self.member,
                    "payments": [(self.wallet_pm, 50.0), (self.cash_pm1, 150.0)],
                }
            ]
        ).popitem()[1]
        self.assertEqual(self._earned(order), 150)
        self.assertEqual(self.member.member_wallet, 50.0)
        line = order.lines[0]
        refund = self._create_orders(
            [
                {
                    "pos_order_lines_ui_args": [
                        {
                            "product": self.product_a,
                            "quantity": -1,
                            "refunded_orderline_id": line.id,
                        }
                    ],
                    "customer": self.member,
                    "payments": [(self.wallet_pm, -25.0), (self.cash_pm1, -75.0)],
                }
            ]
        ).popitem()[1]
        reversal = refund.member_points_move_ids
        self.assertEqual((reversal.kind, reversal.points), ("refund", -75))
        self.assertEqual(self.member.member_points, 75)
        self.assertEqual(refund.member_wallet_move_ids.amount, 25.0)
        self.assertEqual(self.member.member_wallet, 75.0)

    def test_refund_of_excluded_product_takes_no_points_back(self):
        """Cigarettes earned nothing: refunding them keeps the points of the rice; refunding
        the rice then takes back all it earned."""
        order = self._create_orders(
            [
                {
                    "pos_order_lines_ui_args": [(self.product_a, 1), (self.product_b, 1)],
                    "customer": self.member,
                    "payments": [(self.cash_pm1, 150.0)],
                }
            ]
        ).popitem()[1]
        self.assertEqual(self._earned(order), 100)
        rice, cigarettes = order.lines.sorted(lambda line: line.product_id != self.product_a)

        def refund(line, amount):
            return self._create_orders(
                [
                    {
                        "pos_order_lines_ui_args": [
                            {
                                "product": line.product_id,
                                "quantity": -1,
                                "refunded_orderline_id": line.id,
                            }
                        ],
                        "customer": self.member,
                        "payments": [(self.cash_pm1, -amount)],
                    }
                ]
            ).popitem()[1]

        first = refund(cigarettes, 50.0)
        self.assertFalse(first.member_points_move_ids)
        self.assertEqual(self.member.member_points, 100)
        second = refund(rice, 100.0)
        self.assertEqual(second.member_points_move_ids.points, -100)
        self.assertEqual(self.member.member_points, 0)

    def test_till_loads_the_tier_pricelist_of_its_company(self):
        """A till applies the member prices of its own company: the tier's pricelist for that
        company, not the shared one, and no other company's pricelist is loaded."""
        Pricelist = self.env["product.pricelist"]
        franchise = self.env["res.company"].create({"name": "Franchisee"})
        shared = Pricelist.create({"name": "Gold prices", "company_id": False})
        own, other = Pricelist.create(
            [
                {"name": "Gold prices (store)", "company_id": self.config.company_id.id},
                {"name": "Gold prices (franchise)", "company_id": franchise.id},
            ]
        )
        self.tier_gold.write(
            {"pricelist_id": shared.id, "company_pricelist_ids": [(6, 0, (own | other).ids)]}
        )
        data = self.config.current_session_id.load_data(
            ["pos.config", "product.pricelist", "member.tier"]
        )
        tiers = {values["id"]: values for values in data["member.tier"]["data"]}
        self.assertEqual(tiers[self.tier_gold.id]["pricelist_id"], own.id)
        loaded = {values["id"] for values in data["product.pricelist"]["data"]}
        self.assertIn(own.id, loaded)
        self.assertNotIn(other.id, loaded)

    def test_till_topup_books_the_deposits_once(self):
        """A top-up of 500 sold at the till: its sale credits the customer deposits (not
        income), the engine adds no second entry; once the session is closed the deposits
        account holds exactly 500 more."""
        company = self.config.company_id
        journal = self.env["account.journal"].create(
            {"name": "Member top-ups", "code": "MTOP", "type": "bank", "company_id": company.id}
        )
        deposit = self.env["account.account"].create(
            {"name": "Member deposits", "code": "ML2100", "account_type": "liability_current"}
        )
        company.write(
            {"member_topup_journal_id": journal.id, "member_deposit_account_id": deposit.id}
        )
        self.rule_500.active = False
        topup = self.config.member_topup_product_id
        income = topup._get_product_accounts()["income"]
        data = self.create_ui_order_data(
            [(topup, 1)], customer=self.member, payments=[(self.cash_pm1, 500.0)]
        )
        line = data["lines"][0][2]
        line.update(price_unit=500.0, price_subtotal=500.0, price_subtotal_incl=500.0)
        data.update(amount_total=500.0, amount_paid=500.0)
        self.env["pos.order"].sync_from_ui([data])
        self.assertEqual(self.member.member_wallet, 500.0)
        move = self.member.member_wallet_move_ids
        self.assertEqual((move.kind, move.amount), ("topup", 500.0))
        self.assertFalse(move.account_move_id, "the till's sale books the money")
        self.pos_session.action_pos_session_validate()
        self.assertEqual(self.pos_session.state, "closed")

        def balance(account):
            lines = self.env["account.move.line"].search(
                [("account_id", "=", account.id), ("parent_state", "=", "posted")]
            )
            return sum(lines.mapped("balance"))

        self.assertEqual(balance(deposit), -500.0)
        self.assertEqual(balance(journal.default_account_id), 0.0)
        self.assertEqual(balance(income), 0.0)

    def test_till_topup_is_not_spend(self):
        """Stored value sold at the till counts for the spend tiers when it is spent on goods,
        not when it is sold (as for a top-up through the API)."""
        self.tier_gold.qualify_threshold = 150.0
        self.rule_500.active = False
        topup = self.config.member_topup_product_id
        data = self.create_ui_order_data(
            [(topup, 1)], customer=self.member, payments=[(self.cash_pm1, 500.0)]
        )
        data["lines"][0][2].update(
            price_unit=500.0, price_subtotal=500.0, price_subtotal_incl=500.0
        )
        data.update(amount_total=500.0, amount_paid=500.0)
        self.env["pos.order"].sync_from_ui([data])
        self.assertEqual(self.member.member_wallet, 500.0)
        self.assertEqual(self.member.member_tier_id, self.tier_basic)
        self._create_orders(
            [{"pos_order_lines_ui_args": [(self.product_a, 2)], "customer": self.member}]
        )
        self.assertEqual(self.member.member_tier_id, self.tier_gold)

    def test_birthday_multiplier_and_upgrade_on_spend(self):
        today = self.env["pos.order"]._fields["date_order"].default(self.env["pos.order"])
        self.member.birthday = today.date().replace(year=1990)
        self.tier_gold.qualify_threshold = 150.0
        order = self._create_orders(
            [{"pos_order_lines_ui_args": [(self.product_a, 2)], "customer": self.member}]
        ).popitem()[1]
        # basic tier on the birthday: x1 (birthday multiplier of the basic tier is 1)
        self.assertEqual(self._earned(order), 200)
        self.assertEqual(self.member.member_tier_id, self.tier_gold)
        order = self._create_orders(
            [{"pos_order_lines_ui_args": [(self.product_a, 1)], "customer": self.member}]
        ).popitem()[1]
        # gold x2, birthday x2
        self.assertEqual(self._earned(order), 400)

    def test_wallet_payment_above_balance_refuses_the_sync(self):
        self.member.member_topup(20.0, "pos-topup")
        data = self.create_ui_order_data(
            [(self.product_a, 1)],
            customer=self.member,
            payments=[(self.wallet_pm, 30.0), (self.cash_pm1, 70.0)],
        )
        with self.assertRaisesRegex(UserError, "cannot be spent"):
            self.env["pos.order"].sync_from_ui([data])

    def _assert_sync_refused(self, data, message):
        with self.assertRaises(UserError) as caught:  # rolled back to a savepoint
            self.env["pos.order"].sync_from_ui([data])
        self.assertIn(message, str(caught.exception))

    def _paid_with_wallet(self, wallet=50.0):
        self.member.member_topup(100.0, "pos-topup")
        return self._create_orders(
            [
                {
                    "pos_order_lines_ui_args": [(self.product_a, 2)],
                    "customer": self.member,
                    "payments": [(self.wallet_pm, wallet), (self.cash_pm1, 200.0 - wallet)],
                }
            ]
        ).popitem()[1]

    def _refund_data(self, line, payments, customer):
        return self.create_ui_order_data(
            [{"product": self.product_a, "quantity": -1, "refunded_orderline_id": line.id}],
            customer=customer,
            payments=payments,
        )

    def test_negative_member_payment_without_refunded_order_is_refused(self):
        for method in (self.wallet_pm, self.points_pm):
            with self.subTest(method=method.name):
                data = self.create_ui_order_data(
                    [(self.product_a, -5)], customer=self.member, payments=[(method, -500.0)]
                )
                self._assert_sync_refused(data, "at most 0")
        self.assertEqual(self.member.member_wallet, 0.0)
        self.assertEqual(self.member.member_points, 0)

    def test_refund_gives_back_at_most_what_the_card_paid(self):
        order = self._paid_with_wallet(50.0)
        self.assertEqual(self.member.member_wallet, 50.0)
        line = order.lines  # 2 x Rice, refunded one by one
        too_much = self._refund_data(
            line, [(self.wallet_pm, -60.0), (self.cash_pm1, -40.0)], self.member
        )
        self._assert_sync_refused(too_much, "at most 50")
        self.env["pos.order"].sync_from_ui(
            [self._refund_data(line, [(self.wallet_pm, -30.0), (self.cash_pm1, -70.0)], False)]
        )
        self.assertEqual(self.member.member_wallet, 80.0)
        # the second refund of the same order only has the remaining 20 left
        again = self._refund_data(line, [(self.wallet_pm, -30.0), (self.cash_pm1, -70.0)], False)
        self._assert_sync_refused(again, "at most 20")
        self.assertEqual(self.member.member_wallet, 80.0)

    def test_refund_books_against_the_original_buyer(self):
        order = self._paid_with_wallet(50.0)
        other = self._new_member("Wang Fang", "+86 138 0013 8002")
        data = self._refund_data(
            order.lines[0], [(self.wallet_pm, -25.0), (self.cash_pm1, -75.0)], other
        )
        self._assert_sync_refused(data, "cannot be booked")
        self.assertEqual(other.member_wallet, 0.0)
        self.assertEqual(self.member.member_wallet, 50.0)
        # without a customer on the refund, the original buyer gets the money back
        self.env["pos.order"].sync_from_ui(
            [
                self._refund_data(
                    order.lines[0], [(self.wallet_pm, -25.0), (self.cash_pm1, -75.0)], False
                )
            ]
        )
        self.assertEqual(self.member.member_wallet, 75.0)
        self.assertEqual(self.member.member_points, 75)
