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
        help="Marketing expense debited when bonus money is granted (liability booking).",
    )
