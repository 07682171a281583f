from odoo.tests import tagged

from .common import MemberLoyaltyCase


@tagged("post_install", "-at_install")
class TestAccounting(MemberLoyaltyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.company
        cls.journal = cls.env["account.journal"].create(
            {"name": "Member top-ups", "code": "MTOP", "type": "bank", "company_id": company.id}
        )
        cls.deposit = cls.env["account.account"].create(
            {"name": "Member deposits", "code": "ML2100", "account_type": "liability_current"}
        )
        cls.bonus_expense = cls.env["account.account"].create(
            {"name": "Member bonus", "code": "ML6100", "account_type": "expense"}
        )
        company.write(
            {
                "member_topup_journal_id": cls.journal.id,
                "member_deposit_account_id": cls.deposit.id,
                "member_bonus_account_id": cls.bonus_expense.id,
                "member_bonus_booking": "liability",
            }
        )

    def _balance(self, account):
        lines = self.env["account.move.line"].search(
            [("account_id", "=", account.id), ("parent_state", "=", "posted")]
        )
        return sum(lines.mapped("balance"))

    def test_topup_and_cashout_entries(self):
        self.member.member_topup(500.0, "acc-1", payment_ref="WX-42")
        topup = self.member.member_wallet_move_ids.filtered(lambda m: m.kind == "topup")
        self.assertEqual(topup.account_move_id.state, "posted")
        self.assertEqual(topup.account_move_id.ref, "WX-42")
        self.assertEqual(self._balance(self.deposit), -550.0)
        self.assertEqual(self._balance(self.journal.default_account_id), 500.0)
        self.assertEqual(self._balance(self.bonus_expense), 50.0)
        self.member.member_cashout("acc-2")
        self.assertEqual(self._balance(self.deposit), 0.0)
        self.assertEqual(self._balance(self.journal.default_account_id), 0.0)
        self.assertEqual(self._balance(self.bonus_expense), 0.0)

    def test_bonus_booked_when_spent(self):
        self.env.company.member_bonus_booking = "expense"
        self.member.member_topup(500.0, "acc-1")
        self.assertEqual(self._balance(self.deposit), -500.0)
        self.assertEqual(self._balance(self.bonus_expense), 0.0)
        # 550 of stored value (500 paid + 50 bonus), spent proportionally: 110 = 100 + 10 bonus
        self.member.member_wallet_spend(110.0, "acc-spend")
        spend = self.member.member_wallet_move_ids.filtered(lambda m: m.kind == "spend")
        self.assertEqual(spend.amount_bonus, -10.0)
        entry = spend.account_move_id
        self.assertEqual(entry.state, "posted")
        self.assertEqual(
            sorted((line.account_id, line.debit, line.credit) for line in entry.line_ids),
            sorted([(self.bonus_expense, 10.0, 0.0), (self.deposit, 0.0, 10.0)]),
        )
        self.assertEqual(self._balance(self.bonus_expense), 10.0)
        # a replay books nothing more
        self.member.member_wallet_spend(110.0, "acc-spend")
        self.assertEqual(self._balance(self.bonus_expense), 10.0)
        # the cash-out voids the unspent bonus: it was never booked, nothing to reverse
        self.member.member_cashout("acc-out")
        self.assertEqual(self._balance(self.bonus_expense), 10.0)

    def test_api_spend_takes_the_deposits_down(self):
        clearing = self.env["account.account"].create(
            {"name": "Web shop clearing", "code": "ML1190", "account_type": "asset_current"}
        )
        self.member.member_topup(500.0, "acc-1")
        self.assertEqual(self._balance(self.deposit), -550.0)
        # without a clearing account, an API spend books nothing (the liability stays as it was)
        self.member.member_wallet_spend(55.0, "acc-spend-0")
        self.assertEqual(self._balance(self.deposit), -550.0)
        self.env.company.member_external_spend_account_id = clearing
        self.member.member_wallet_spend(110.0, "acc-spend")
        spend = self.member.member_wallet_move_ids.filtered(
            lambda m: m.idempotency_key == "api:acc-spend"
        )
        self.assertEqual(
            sorted(
                (line.account_id, line.debit, line.credit)
                for line in spend.account_move_id.line_ids
            ),
            sorted([(self.deposit, 110.0, 0.0), (clearing, 0.0, 110.0)]),
        )
        self.assertEqual(self._balance(self.deposit), -550.0 + 110.0)
        # a replay books nothing more
        self.member.member_wallet_spend(110.0, "acc-spend")
        self.assertEqual(self._balance(clearing), -110.0)

    def test_api_spend_with_bonus_booked_when_spent(self):
        clearing = self.env["account.account"].create(
            {"name": "Web shop clearing", "code": "ML1190", "account_type": "asset_current"}
        )
        self.env.company.write(
            {"member_bonus_booking": "expense", "member_external_spend_account_id": clearing.id}
        )
        self.member.member_topup(500.0, "acc-1")
        self.member.member_wallet_spend(110.0, "acc-spend")  # 100 paid + 10 bonus
        # the deposits held the 500 paid; they now hold the 400 left of it
        self.assertEqual(self._balance(self.deposit), -400.0)
        self.assertEqual(self._balance(self.bonus_expense), 10.0)
        self.assertEqual(self._balance(clearing), -110.0)

    def test_adjustments_booked_against_their_account(self):
        goodwill = self.env["account.account"].create(
            {"name": "Customer goodwill", "code": "ML6200", "account_type": "expense"}
        )
        self.env.company.member_adjustment_account_id = goodwill
        self.member.member_topup(500.0, "acc-1")
        self.member._member_adjust("principal", 30.0, "Till short-changed", "acc-adj-1")
        self.member._member_adjust("bonus", -20.0, "Bonus granted twice", "acc-adj-2")
        move = self.member.member_wallet_move_ids.filtered(
            lambda m: m.idempotency_key == "acc-adj-1"
        )
        self.assertEqual(
            sorted((line.account_id, line.debit, line.credit, line.name)
                   for line in move.account_move_id.line_ids),
            sorted([(goodwill, 30.0, 0.0, "Till short-changed"),
                    (self.deposit, 0.0, 30.0, "Till short-changed")]),
        )  # fmt: skip
        # the deposits follow the card: 500 paid + 50 bonus + 30 - 20
        self.assertEqual(self._balance(self.deposit), -560.0)
        self.assertEqual(self.member.member_wallet, 560.0)
        self.assertEqual(self._balance(goodwill), 10.0)
        # a replay books nothing more
        self.member._member_adjust("principal", 30.0, "Till short-changed", "acc-adj-1")
        self.assertEqual(self._balance(goodwill), 10.0)
