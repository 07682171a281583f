import random
from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import ChainMemberCommon


@tagged("post_install", "-at_install")
class TestSettlement(ChainMemberCommon):
    def _line(self, settlement, store):
        return settlement.line_ids.filtered(lambda line: line.store_id == store)

    def test_issue_example_and_lock(self):
        """Top up 100 at B, spend 20 at B and 30 at C: B remits 80 to HQ, HQ pays C 30."""
        store_b, store_c = self.store_a, self.store_b
        moves = self.env["member.wallet.move"]
        self._at(store_b).member_topup(100.0, "example-topup")
        self._at(store_b).member_wallet_spend(20.0, "example-spend-b")
        self._at(store_c).member_wallet_spend(30.0, "example-spend-c")
        moves = moves.search([("partner_id", "=", self.member.id)])
        self.assertEqual(
            sorted((move.chain_store_id.code, move.amount) for move in moves),
            [("T-A", -20.0), ("T-A", 100.0), ("T-B", -30.0)],
        )
        date_from, date_to = self._last_month()
        self._backdate(moves, self._in_day(date_from, 12))
        settlement = self._settle(date_from, date_to)
        line_b, line_c = self._line(settlement, store_b), self._line(settlement, store_c)
        self.assertEqual(
            (line_b.topup_amount, line_b.principal_spent, line_b.net_due), (100.0, 20.0, 80.0)
        )
        self.assertEqual(
            (line_c.topup_amount, line_c.principal_spent, line_c.net_due), (0.0, 30.0, -30.0)
        )
        self.assertTrue(settlement.reconciled)
        self.assertEqual(settlement.liability_change, 50.0)
        self.assertEqual(settlement.lines_liability_change, 50.0)
        self.assertIn("Reconciled", settlement.reconciliation_note)

        settlement.action_confirm()
        self.assertEqual(settlement.state, "confirmed")
        self.assertFalse(settlement.move_ids, "stores in HQ's own company need no entry")
        with self.assertRaises(UserError):
            settlement.date_to = date_to.replace(day=1)
        with self.assertRaises(UserError):
            settlement.unlink()
        with self.assertRaises(ValidationError):
            self.env["chain.settlement"].create(
                {"date_from": date_to, "date_to": fields.Date.today()}
            )
        with self.assertRaises(UserError):
            self.env["member.wallet.move"].create(
                {
                    "partner_id": self.member.id,
                    "idempotency_key": "late-row",
                    "kind": "adjustment",
                    "currency_id": self.env.company.currency_id.id,
                    "amount_principal": 1.0,
                    "date": self._in_day(date_to, 8),
                    "company_id": self.env.company.id,
                    "user_id": self.env.uid,
                }
            )
        # a period that has not ended cannot be confirmed
        current = self.env["chain.settlement"].create(
            {"date_from": fields.Date.today().replace(day=1), "date_to": fields.Date.today()}
        )
        with self.assertRaises(UserError):
            current.action_confirm()

    def test_period_in_company_time_zone(self):
        """Periods are the company's local days: 00:30 in Shanghai is 16:30 UTC the day before."""
        self.env.company.partner_id.tz = "Asia/Shanghai"
        date_from, date_to = self._last_month()
        inside = self._at(self.store_a).member_topup(100.0, "tz-first-night")
        self._backdate(
            self.env["member.wallet.move"].search([("idempotency_key", "=", "api:tz-first-night")]),
            self._in_day(date_from - timedelta(days=1), 16.5),
        )
        self._at(self.store_a).member_topup(50.0, "tz-next-night")
        self._backdate(
            self.env["member.wallet.move"].search([("idempotency_key", "=", "api:tz-next-night")]),
            self._in_day(date_to, 16.5),
        )
        settlement = self._settle(date_from, date_to)
        self.assertEqual(
            settlement._get_bounds(),
            (self._in_day(date_from - timedelta(days=1), 16), self._in_day(date_to, 16)),
        )
        self.assertEqual(inside["principal"], 100.0)
        self.assertEqual(self._line(settlement, self.store_a).topup_amount, 100.0)
        self.assertTrue(settlement.reconciled, settlement.reconciliation_note)

    def test_store_users_cannot_settle(self):
        date_from, date_to = self._last_month()
        settlement = self.env["chain.settlement"].create(
            {"date_from": date_from, "date_to": date_to}
        )
        self.env.ref("store_chain.group_chain_store_manager").users += self.user_a
        with self.assertRaises(UserError):
            settlement.with_user(self.user_a).action_compute()

    def test_pos_order_store_on_ledger_rows(self):
        order = self._sync_order(self.config_b, 10.0, self.member)
        self.assertEqual(
            self.member._member_move_vals("k", "spend", order=order)["chain_store_id"],
            self.store_b.id,
        )
        earned = order.member_points_move_ids
        self.assertTrue(earned)
        self.assertEqual(earned.chain_store_id, self.store_b)

    def test_api_spend_records_its_store_and_respects_the_lock(self):
        """The lean API spend writes its store into its ledger row, and is refused (nothing
        written) when it would be dated inside a confirmed settlement period."""
        self._at(self.store_a).member_topup(100.0, "lean-topup")
        self._at(self.store_b).member_wallet_spend(20.0, "lean-spend-b")
        spend = self.env["member.wallet.move"].search(
            [("idempotency_key", "=", "api:lean-spend-b")]
        )
        self.assertEqual((spend.chain_store_id, spend.amount), (self.store_b, -20.0))
        # a period covering now, locked (as a confirmed settlement of that day would be)
        today = self.env.cr.now().date()
        settlement = self.env["chain.settlement"].create({"date_from": today, "date_to": today})
        settlement.with_context(chain_settlement_confirm=True).write({"state": "confirmed"})
        with self.assertRaisesRegex(UserError, "inside the settled period"):
            self._at(self.store_b).member_wallet_spend(30.0, "lean-spend-locked")
        self.assertFalse(
            self.env["member.wallet.move"].search(
                [("idempotency_key", "=", "api:lean-spend-locked")]
            )
        )
        self.assertEqual(self.member.member_wallet, 80.0)

    def test_store_user_books_for_own_stores_only(self):
        """A store's member administrator tops up at their counter; naming another store's
        counter (which would make that store owe the money) is refused, nothing written."""
        self.env.ref("member_loyalty.group_member_manager").users += self.user_a
        member = self._at(self.store_a).with_user(self.user_a)
        member.member_topup(100.0, "own-counter")
        with self.assertRaisesRegex(AccessError, "not one of your stores"):
            self._at(self.store_b).with_user(self.user_a).member_topup(100.0, "other-counter")
        moves = self.env["member.wallet.move"].search([("partner_id", "=", self.member.id)])
        self.assertEqual(moves.mapped("chain_store_id"), self.store_a)
        self.assertEqual(self.member.member_wallet, 100.0)

    def test_randomised_scenario_reconciles_exactly(self):
        rng = random.Random(20261123)
        self.rule_500.active = True  # bonus money: top up 500 get 50
        members = self.member | self.env["res.partner"].browse(
            [
                self.env["res.partner"].member_enroll(
                    {
                        "name": f"Member {index}",
                        "phone": f"138 0013 82{index:02d}",
                        "store_code": "T-B",
                    }
                )["id"]
                for index in range(5)
            ]
        )
        date_from, date_to = self._last_month()
        stores = [self.store_a, self.store_b, self.env["chain.store"]]
        for step in range(120):
            member = rng.choice(members)
            store = rng.choice(stores)
            at = member.with_context(chain_store_id=store.id) if store else member
            wallet = member.member_wallet
            roll = rng.random()
            key = f"random-{step}"
            if roll < 0.4 or wallet < 1:
                at.member_topup(float(rng.choice([10, 55.55, 100, 500, 520.3])), key)
            elif roll < 0.9:
                at.member_wallet_spend(round(rng.uniform(0.01, wallet), 2), key)
            else:
                at.member_cashout(key)
            move_ids = self.env["member.wallet.move"].search([("idempotency_key", "like", key)])
            offset = rng.choice([-40, -3, 0, 5, 12, 20, 27, 45])
            self._backdate(
                move_ids,
                self._in_day(date_from, 1) + timedelta(days=offset, hours=rng.randint(0, 22)),
            )
        settlement = self._settle(date_from, date_to)
        self.assertTrue(settlement.reconciled, settlement.reconciliation_note)
        # independent expectation from the rows themselves, in cents
        start, end = settlement._get_bounds()
        rows = self.env["member.wallet.move"].search([("date", ">=", start), ("date", "<", end)])
        expected = {}
        for row in rows:
            cents = expected.setdefault(row.chain_store_id.id or False, {"net": 0, "liability": 0})
            principal, bonus = round(row.amount_principal * 100), round(row.amount_bonus * 100)
            cents["liability"] += principal + bonus
            if row.kind in ("topup", "cashout"):
                cents["net"] += principal
            elif row.kind in ("spend", "refund"):
                cents["net"] += principal + bonus
        got = {
            line.store_id.id or False: {
                "net": round(line.net_due * 100),
                "liability": round(line.liability_change * 100),
            }
            for line in settlement.line_ids
        }
        self.assertEqual(got, expected)
        # the liability change equals the ledger, and up to now the members' balances
        until_now = self._settle(date_from, fields.Date.today())
        balances = self.env["member.balance"].search([])
        self.assertEqual(
            round(until_now.closing_liability * 100),
            sum(round((b.principal + b.bonus) * 100) for b in balances),
        )
        self.assertTrue(until_now.reconciled)


@tagged("post_install", "-at_install")
class TestSettlementEntries(ChainMemberCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.franchise = cls.env["res.company"].create(
            {"name": "Franchise SV Co", "currency_id": cls.company.currency_id.id}
        )
        cls.env["account.chart.template"].try_loading(
            "generic_coa", cls.franchise, install_demo=False
        )
        cls.store_f = cls.env["chain.store"].create(
            {
                "name": "Franchise F",
                "code": "T-F",
                "store_type": "franchise",
                "company_id": cls.franchise.id,
                "region_id": cls.region_south.id,
                "state": "open",
            }
        )
        Account = cls.env["account.account"]
        for company in cls.company | cls.franchise:
            company.member_deposit_account_id = Account.with_company(company).create(
                {
                    "name": "Member deposits",
                    "code": "219901",
                    "account_type": "liability_current",
                    "company_ids": [Command.link(company.id)],
                }
            )

    def test_franchise_entries(self):
        self._at(self.store_f).member_topup(100.0, "f-topup")
        self._at(self.store_a).member_wallet_spend(40.0, "f-spend-a")
        date_from, date_to = self._last_month()
        self._backdate(
            self.env["member.wallet.move"].search([("partner_id", "=", self.member.id)]),
            self._in_day(date_to, 20),
        )
        settlement = self._settle(date_from, date_to)
        line_f = settlement.line_ids.filtered(lambda line: line.store_id == self.store_f)
        self.assertEqual(line_f.net_due, 100.0)
        settlement.action_confirm()  # recomputes the lines before posting
        line_f = settlement.line_ids.filtered(lambda line: line.store_id == self.store_f)
        entries = line_f.move_ids
        self.assertEqual(settlement.move_ids, entries)
        self.assertEqual(
            sorted(entries.company_id.ids), sorted((self.company | self.franchise).ids)
        )
        self.assertEqual(set(entries.mapped("state")), {"posted"})
        store_entry = entries.filtered(lambda move: move.company_id == self.franchise)
        hq_entry = entries - store_entry
        debit = store_entry.line_ids.filtered("debit")
        credit = store_entry.line_ids.filtered("credit")
        self.assertEqual(
            (debit.account_id, debit.debit, credit.account_id.account_type, credit.partner_id),
            (
                self.franchise.member_deposit_account_id,
                100.0,
                "liability_payable",
                self.company.partner_id,
            ),
        )
        debit = hq_entry.line_ids.filtered("debit")
        credit = hq_entry.line_ids.filtered("credit")
        self.assertEqual(
            (debit.account_id.account_type, debit.partner_id, credit.account_id, credit.credit),
            (
                "asset_receivable",
                self.franchise.partner_id,
                self.company.member_deposit_account_id,
                100.0,
            ),
        )
        self.assertEqual(entries.mapped("date"), [date_to, date_to])
        # store A is in HQ's company: no entry, HQ owes it 40 in its own books
        line_a = settlement.line_ids.filtered(lambda line: line.store_id == self.store_a)
        self.assertEqual((line_a.net_due, line_a.move_ids.ids), (-40.0, []))
