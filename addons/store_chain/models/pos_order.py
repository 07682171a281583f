from odoo import fields, models


class PosOrder(models.Model):
    _inherit = "pos.order"

    chain_store_id = fields.Many2one(
        "chain.store", related="config_id.chain_store_id", store=True, index=True, string="Store"
    )
