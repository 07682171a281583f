from odoo import api, models


class StoreChainDemo(models.AbstractModel):
    """Demo history generator, run once by ``scripts/run`` (``odoo shell``) after the install.

    The stores' own demo orders come with the demo data (``demo/store_chain_demo.xml``);
    bridges extend ``_demo_generate`` with their histories (e.g. members across stores).
    Idempotent: every extension records that it ran.
    """

    _name = "store.chain.demo"
    _description = "Store Chain Demo Generator"

    @api.model
    def _demo_generate(self):
        return False
