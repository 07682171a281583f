from odoo import Command, api, fields, models

WALLET_KINDS = [
    ("topup", "Top-up"),
    ("bonus", "Bonus"),
    ("spend", "Spend"),
    ("refund", "Refund"),
    ("cashout", "Cash-out"),
    ("adjustment", "Adjustment"),
]


class MemberWalletMove(models.Model):
    """Append-only stored-value ledger: principal and bonus amounts, signed."""

    _name = "member.wallet.move"
    _inherit = "member.ledger.mixin"
    _description = "Member Stored Value Movement"

    kind = fields.Selection(WALLET_KINDS, required=True, readonly=True)
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    amount_principal = fields.Monetary(string="Principal", readonly=True)
    amount_bonus = fields.Monetary(string="Bonus", readonly=True)
    amount = fields.Monetary(compute="_compute_amount", store=True)
    payment_ref = fields.Char(string="Payment Reference", readonly=True)
    balance_after = fields.Monetary(readonly=True)
    account_move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True)

    _AMOUNT_FIELDS = ("amount_principal", "amount_bonus")

    @api.depends("amount_principal", "amount_bonus")
    def _compute_amount(self):
        for move in self:
            move.amount = move.amount_principal + move.amount_bonus

    def _post_accounting(self, cash=0.0, bonus=0.0):
        """Book this top-up (positive amounts) or cash-out (negative amounts).

        ``cash``: money received through (or paid back from) the top-up journal, against the
        customer deposits liability; ``bonus``: bonus money granted (or voided), booked as
        liability against the bonus expense account when the company books it so.
        """
        self.ensure_one()
        company = self.company_id
        journal, deposit = company.member_topup_journal_id, company.member_deposit_account_id
        if not journal or not deposit:
            return
        lines = []
        pair = self._accounting_pair(lines)
        currency = self.currency_id
        if not currency.is_zero(cash):
            pair(journal.default_account_id, deposit, cash, self.env._("Member stored value"))
        bonus_account = company.member_bonus_account_id
        if (
            not currency.is_zero(bonus)
            and company.member_bonus_booking == "liability"
            and bonus_account
        ):
            pair(bonus_account, deposit, bonus, self.env._("Member bonus money"))
        if lines:
            self._post_entry(journal, lines)

    def _post_spend_accounting(self, bonus, external=0.0):
        """Book a spend (negative amounts: given back by a refund).

        ``bonus``: the bonus money spent, moved from the expense account to the customer
        deposits when the company books bonus money when it is spent (a POS spend reaches the
        deposits through the sale, the member payment method's receivable account being the
        deposits account; only its bonus part was never credited there). ``external``: the
        whole amount of a spend made outside Odoo's sales (the external API), taken off the
        deposits against the company's external spends clearing account.
        """
        self.ensure_one()
        company = self.company_id
        journal, deposit = company.member_topup_journal_id, company.member_deposit_account_id
        if not (journal and deposit):
            return
        lines = []
        pair = self._accounting_pair(lines)
        currency = self.currency_id
        bonus_account = company.member_bonus_account_id
        if (
            company.member_bonus_booking == "expense"
            and bonus_account
            and not currency.is_zero(bonus)
        ):
            pair(bonus_account, deposit, bonus, self.env._("Member bonus money spent"))
        clearing = company.member_external_spend_account_id
        if clearing and not currency.is_zero(external):
            pair(deposit, clearing, external, self.env._("Member stored value spent outside Odoo"))
        if lines:
            self._post_entry(journal, lines)

    def _post_adjustment_accounting(self):
        """Book this manual adjustment against the company's adjustments account: the
        principal, and the bonus money when it is booked as a liability (under the expense
        booking, unspent bonus money is not in the deposits)."""
        self.ensure_one()
        company = self.company_id
        journal, deposit = company.member_topup_journal_id, company.member_deposit_account_id
        account = company.member_adjustment_account_id
        if not (journal and deposit and account):
            return
        amount = self.amount_principal
        if company.member_bonus_booking == "liability":
            amount += self.amount_bonus
        if self.currency_id.is_zero(amount):
            return
        lines = []
        label = self.note or self.env._("Member stored value adjustment")
        self._accounting_pair(lines)(account, deposit, amount, label)
        self._post_entry(journal, lines)

    def _accounting_pair(self, lines):
        """A function appending a balanced debit/credit pair to ``lines`` (negative amounts
        swap the sides)."""

        def pair(debit_account, credit_account, amount, label):
            if amount < 0:
                debit_account, credit_account, amount = credit_account, debit_account, -amount
            for account, debit, credit in (
                (debit_account, amount, 0.0),
                (credit_account, 0.0, amount),
            ):
                lines.append(
                    Command.create(
                        {
                            "account_id": account.id,
                            "debit": debit,
                            "credit": credit,
                            "name": label,
                            "partner_id": self.partner_id.id,
                        }
                    )
                )

        return pair

    def _post_entry(self, journal, lines):
        # dated on the company's day of the movement
        Partner = self.env["res.partner"].with_company(self.company_id)
        # sudo: the entry is part of a rights-checked ledger operation
        entry = (
            self.env["account.move"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": Partner._member_today(self.date),
                    "ref": self.payment_ref or self.idempotency_key,
                    "line_ids": lines,
                }
            )
        )
        entry.action_post()
        self.account_move_id = entry
