from odoo import api, fields, models


class PosConfig(models.Model):
    _inherit = "pos.config"

    chain_store_id = fields.Many2one("chain.store", string="Store", index=True, check_company=True)

    @api.model_create_multi
    def create(self, vals_list):
        # a POS of a store sells from the store's warehouse unless told otherwise
        stores = self.env["chain.store"].browse(
            [vals["chain_store_id"] for vals in vals_list if vals.get("chain_store_id")]
        )
        pos_types = {store.id: store.warehouse_id.pos_type_id.id for store in stores}
        for vals in vals_list:
            if (
                vals.get("chain_store_id")
                and not vals.get("picking_type_id")
                and pos_types.get(vals["chain_store_id"])
            ):
                vals["picking_type_id"] = pos_types[vals["chain_store_id"]]
        return super().create(vals_list)

    @api.onchange("chain_store_id")
    def _onchange_chain_store_id(self):
        if self.chain_store_id.warehouse_id.pos_type_id:
            self.picking_type_id = self.chain_store_id.warehouse_id.pos_type_id
