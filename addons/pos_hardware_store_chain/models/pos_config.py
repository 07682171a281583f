from odoo import api, models
from odoo.exceptions import ValidationError


class PosConfig(models.Model):
    _inherit = "pos.config"

    @api.constrains("hw_proxy_id", "chain_store_id")
    def _check_hw_proxy_store(self):
        for config in self:
            proxy = config.hw_proxy_id
            if proxy.chain_store_id and config.chain_store_id != proxy.chain_store_id:
                raise ValidationError(
                    self.env._(
                        "The point of sale %(pos)s is in store %(pos_store)s, but the hardware "
                        "proxy %(proxy)s serves store %(store)s.",
                        pos=config.name,
                        pos_store=config.chain_store_id.display_name or self.env._("(none)"),
                        proxy=proxy.name,
                        store=proxy.chain_store_id.display_name,
                    )
                )
