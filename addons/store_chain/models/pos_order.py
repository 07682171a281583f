from odoo import api, fields, models


class PosOrder(models.Model):
    _inherit = "pos.order"

    # the store where the sale happened: fixed when the order is created (it depends on the
    # session only), so moving a till to another store later does not move its past sales
    chain_store_id = fields.Many2one(
        "chain.store",
        compute="_compute_chain_store_id",
        store=True,
        index=True,
        string="Store",
    )

    @api.depends("session_id")
    def _compute_chain_store_id(self):
        for order in self:
            order.chain_store_id = order.session_id.config_id.chain_store_id
