from odoo import api, fields, models


class PosHardwareProxy(models.Model):
    _inherit = "pos.hardware.proxy"

    chain_store_id = fields.Many2one(
        "chain.store",
        string="Store",
        index=True,
        check_company=True,
        help="The store whose counter this proxy serves: its staff see it and its devices.",
    )

    @api.onchange("chain_store_id")
    def _onchange_chain_store_id(self):
        if self.chain_store_id:
            self.company_id = self.chain_store_id.company_id

    @api.constrains("chain_store_id", "pos_config_ids")
    def _check_store_of_tills(self):
        self.pos_config_ids._check_hw_proxy_store()
