from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    chain_store_ids = fields.Many2many(
        "chain.store",
        "chain_store_user_rel",
        "user_id",
        "store_id",
        string="Allowed Stores",
    )
    chain_managed_store_ids = fields.Many2many(
        "chain.store",
        "chain_store_manager_rel",
        "user_id",
        "store_id",
        string="Managed Stores",
    )
    chain_region_ids = fields.Many2many(
        "chain.region",
        "chain_region_manager_rel",
        "user_id",
        "region_id",
        string="Managed Regions",
    )
    chain_store_id = fields.Many2one("chain.store", string="Current Store")
    chain_scope_store_ids = fields.Many2many(
        "chain.store",
        compute="_compute_chain_scope_store_ids",
        string="Stores in Scope",
        help="Allowed and managed stores plus every store under a managed region: "
        "what the store record rules let this user see.",
    )

    @api.depends("chain_store_ids", "chain_managed_store_ids", "chain_region_ids")
    def _compute_chain_scope_store_ids(self):
        Store = self.env["chain.store"].sudo().with_context(active_test=False)
        for user in self:
            stores = user.chain_store_ids | user.chain_managed_store_ids
            if user.chain_region_ids:
                stores |= Store.search([("region_id", "child_of", user.chain_region_ids.ids)])
            user.chain_scope_store_ids = stores

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "chain_store_id", "chain_store_ids"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return [*super().SELF_WRITEABLE_FIELDS, "chain_store_id"]

    def write(self, vals):
        res = super().write(vals)
        if {"chain_store_ids", "chain_managed_store_ids", "chain_region_ids"} & set(vals):
            # record rules read these fields: drop the cached rule domains
            self.env.registry.clear_cache()
        return res
