from odoo import fields, models


class StockWarehouse(models.Model):
    _inherit = "stock.warehouse"

    chain_store_ids = fields.One2many("chain.store", "warehouse_id", string="Stores")
