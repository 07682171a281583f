from odoo import api, fields, models


class ChainStore(models.Model):
    _inherit = "chain.store"

    hw_proxy_ids = fields.One2many("pos.hardware.proxy", "chain_store_id", string="Hardware")
    hw_offline_count = fields.Integer(compute="_compute_hw_offline_count", string="Proxies Offline")

    @api.depends("hw_proxy_ids.state")
    def _compute_hw_offline_count(self):
        for store in self:
            store.hw_offline_count = len(
                store.hw_proxy_ids.filtered(lambda proxy: proxy.state == "offline")
            )
