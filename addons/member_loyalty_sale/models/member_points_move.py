from odoo import fields, models

from odoo.addons.member_loyalty.models.member_ledger_mixin import MemberLedgerMixin


class MemberPointsMove(models.Model):
    _inherit = "member.points.move"

    sale_order_id = fields.Many2one("sale.order", readonly=True, index="btree_not_null")
    credit_note_id = fields.Many2one("account.move", readonly=True, index="btree_not_null")

    _FROZEN_FIELDS = (*MemberLedgerMixin._FROZEN_FIELDS, "sale_order_id", "credit_note_id")
