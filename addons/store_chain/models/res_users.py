from odoo import api, fields, models
from odoo.exceptions import ValidationError


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

    def _chain_may_act_for(self, stores):
        """Whether this user may book operations for ``stores``: Chain HQ, and users outside
        the chain's groups (e.g. plain POS users), for any store; store users and managers for
        the stores in their scope only."""
        self.ensure_one()
        if (
            self._is_superuser()
            or self.has_group("store_chain.group_chain_hq")
            or not self.has_group("store_chain.group_chain_store_user")
        ):
            return True
        return not stores - self.chain_scope_store_ids

    @api.constrains(
        "chain_store_id", "chain_store_ids", "chain_managed_store_ids", "chain_region_ids"
    )
    def _check_chain_store_id(self):
        """The current store (which a user may change on their own preferences) is one of
        the stores in their scope: a store user cannot book for another store by switching."""
        for user in self:
            if user.chain_store_id and not user._chain_may_act_for(user.chain_store_id):
                raise ValidationError(
                    self.env._(
                        "The current store of %(user)s must be one of their stores, not "
                        "%(store)s.",
                        user=user.name,
                        store=user.chain_store_id.sudo().display_name,
                    )
                )

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
