from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    member_topup_journal_id = fields.Many2one(
        "account.journal",
        string="Top-up Journal",
        domain="[('type', 'in', ('bank', 'cash')), ('company_id', '=', id)]",
        help="Journal receiving top-up payments and paying cash-outs. Without it (and a deposit "
        "account) no journal entry is made for stored value.",
    )
    member_deposit_account_id = fields.Many2one(
        "account.account",
        string="Customer Deposits Account",
        help="Liability account holding unspent stored value. Use it also as the receivable "
        "account of the member stored value payment method, so that POS spends reduce it.",
    )
    member_bonus_booking = fields.Selection(
        [("liability", "Liability at top-up"), ("expense", "Expense when spent")],
        string="Bonus Money Booking",
        default="liability",
    )
    member_bonus_account_id = fields.Many2one(
        "account.account",
        string="Bonus Expense Account",
        help="Marketing expense debited for bonus money: when it is granted (liability booking) "
        "or when it is spent (expense booking).",
    )
    member_adjustment_account_id = fields.Many2one(
        "account.account",
        string="Stored Value Adjustments Account",
        help="Manual adjustments of stored value change the customer deposits against this "
        "account (e.g. customer goodwill or corrections): an increase debits it, a decrease "
        "credits it. Bonus money adjusted counts when bonus money is booked as a liability. "
        "Without it, adjustments make no journal entry.",
    )
    member_external_spend_account_id = fields.Many2one(
        "account.account",
        string="External Spends Clearing Account",
        help="Stored value spent through the external API (web shop, mini-program, kiosk) is "
        "taken off the customer deposits against this account; the sale the external channel "
        "books clears it. Without it, those spends make no journal entry.",
    )
