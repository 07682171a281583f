from odoo import Command, api, fields, models
from odoo.exceptions import UserError


class ChainSettlementLine(models.Model):
    """Stored-value figures of one store (or of movements made outside any store) for a
    settlement period. ``net_due`` > 0: the store remits it to HQ; < 0: HQ pays the store."""

    _name = "chain.settlement.line"
    _description = "Stored Value Settlement Line"
    _order = "settlement_id, store_code, id"

    settlement_id = fields.Many2one(
        "chain.settlement", required=True, ondelete="cascade", index=True, readonly=True
    )
    state = fields.Selection(related="settlement_id.state")
    store_id = fields.Many2one("chain.store", readonly=True, index=True)
    store_code = fields.Char(related="store_id.code", store=True)
    store_type = fields.Selection(related="store_id.store_type", store=True)
    region_id = fields.Many2one(related="store_id.region_id", store=True)
    company_id = fields.Many2one(
        "res.company",
        readonly=True,
        help="Books of the store (HQ's for movements outside any store).",
    )
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    row_count = fields.Integer(string="Movements", readonly=True)
    topup_amount = fields.Monetary(string="Top-ups Collected", readonly=True)
    principal_spent = fields.Monetary(string="Paid Value Spent", readonly=True)
    bonus_spent = fields.Monetary(readonly=True)
    refund_amount = fields.Monetary(
        string="Refunded to Cards", readonly=True, help="Spends given back on POS refunds."
    )
    cashout_amount = fields.Monetary(string="Cash-outs Paid", readonly=True)
    bonus_granted = fields.Monetary(readonly=True)
    bonus_voided = fields.Monetary(readonly=True, help="Bonus voided by cash-outs.")
    adjustment_amount = fields.Monetary(string="Adjustments", readonly=True)
    liability_change = fields.Monetary(
        readonly=True, help="Change of outstanding stored value caused by this line's movements."
    )
    net_due = fields.Monetary(
        string="Net Due to HQ",
        readonly=True,
        help="Top-ups collected - value spent (paid and bonus) + refunds to cards - cash-outs. "
        "Positive: the store remits it to HQ; negative: HQ pays the store.",
    )
    move_ids = fields.Many2many("account.move", string="Journal Entries", readonly=True)

    # ------------------------------------------------------------------ accounting

    def _post_entries(self):
        """Post the transfer of each store's net due between its books and HQ's.

        Store in HQ's own company (or movements outside any store): nothing to transfer.
        Otherwise one entry in each company's miscellaneous journal, moving the stored-value
        liability (customer deposits account) against the other company on its receivable or
        payable account: inter-company for franchise stores, inter-branch for direct branches.
        """
        for line in self:
            hq = line.settlement_id.company_id
            if line.currency_id.is_zero(line.net_due) or not line.store_id or line.company_id == hq:
                continue
            line.move_ids = line._post_entry(line.company_id, hq, store_side=True) | (
                line._post_entry(hq, line.company_id, store_side=False)
            )

    @api.model
    def _get_journal(self, company):
        """The company's miscellaneous journal (not a POS journal, which is also 'general');
        a branch without its own uses its parent's."""
        # sudo: accounting configuration of the companies being settled (HQ-only action)
        Journal = self.env["account.journal"].sudo()
        pos_journals = (
            self.env["pos.config"]
            .sudo()
            .search([("journal_id.company_id", "in", (company | company.parent_ids).ids)])
            .journal_id
        )
        for domain in ([("company_id", "=", company.id)], Journal._check_company_domain(company)):
            journals = Journal.search([*domain, ("type", "=", "general")]) - pos_journals
            if journals:
                return journals.filtered(lambda j: j.code == "MISC")[:1] or journals[:1]
        return Journal

    def _post_entry(self, company, other, store_side):
        """Entry in ``company``'s books against ``other`` (a company)."""
        self.ensure_one()
        amount = abs(self.net_due)
        remits = self.net_due > 0  # the store owes HQ
        deposit = company.member_deposit_account_id or company.root_id.member_deposit_account_id
        journal = self._get_journal(company)
        partner = other.partner_id.sudo().with_company(company)
        # store side remitting owes HQ (payable); HQ side of it is owed (receivable)
        owed_to_other = remits == store_side
        counterpart = (
            partner.property_account_payable_id
            if owed_to_other
            else partner.property_account_receivable_id
        )
        if not (deposit and journal and counterpart):
            raise UserError(
                self.env._(
                    "Set the customer deposits account (Members settings), a miscellaneous "
                    "journal and the receivable/payable accounts of %(other)s in company "
                    "%(company)s before settling store %(store)s.",
                    other=other.name,
                    company=company.name,
                    store=self.store_id.display_name,
                )
            )
        kind = (
            self.env._("Inter-branch")
            if self.store_type == "direct"
            else self.env._("Inter-company")
        )
        label = self.env._(
            "%(kind)s stored value settlement %(store)s",
            kind=kind,
            store=self.store_id.code,
        )
        # owing the other company: the liability leaves these books (Dr deposits, Cr payable);
        # owed by it: the liability comes in (Dr receivable, Cr deposits)
        debit_account, credit_account = (
            (deposit, counterpart) if owed_to_other else (counterpart, deposit)
        )
        entry = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "journal_id": journal.id,
                    "date": self.settlement_id.date_to,
                    "ref": self.settlement_id.name,
                    "line_ids": [
                        Command.create(
                            {
                                "account_id": debit_account.id,
                                "debit": amount,
                                "credit": 0.0,
                                "name": label,
                                "partner_id": other.partner_id.id,
                            }
                        ),
                        Command.create(
                            {
                                "account_id": credit_account.id,
                                "debit": 0.0,
                                "credit": amount,
                                "name": label,
                                "partner_id": other.partner_id.id,
                            }
                        ),
                    ],
                }
            )
        )
        entry.action_post()
        return entry
