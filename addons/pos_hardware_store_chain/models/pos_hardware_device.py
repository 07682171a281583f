from odoo import fields, models


class PosHardwareDevice(models.Model):
    _inherit = "pos.hardware.device"

    chain_store_id = fields.Many2one(related="proxy_id.chain_store_id", store=True, index=True)
