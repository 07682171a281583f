from odoo import api, fields, models


class MemberWalletMove(models.Model):
    """Stored-value rows carry the store where the money moved (settlement unit)."""

    _inherit = "member.wallet.move"

    chain_store_id = fields.Many2one("chain.store", string="Store", readonly=True, index=True)

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        self.env["chain.settlement"]._check_unlocked(moves.mapped("date"))
        return moves


class MemberPointsMove(models.Model):
    _inherit = "member.points.move"

    chain_store_id = fields.Many2one("chain.store", string="Store", readonly=True, index=True)
