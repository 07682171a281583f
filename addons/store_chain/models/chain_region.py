from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ChainRegion(models.Model):
    """A node of the chain hierarchy: HQ > region > area, any depth."""

    _name = "chain.region"
    _description = "Chain Region"
    _parent_name = "parent_id"
    _parent_store = True
    _rec_name = "complete_name"
    _order = "complete_name"

    name = fields.Char(required=True)
    code = fields.Char()
    complete_name = fields.Char(compute="_compute_complete_name", recursive=True, store=True)
    parent_id = fields.Many2one(
        "chain.region", string="Parent Region", index=True, ondelete="restrict"
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("chain.region", "parent_id", string="Sub-regions")
    active = fields.Boolean(default=True)
    manager_ids = fields.Many2many(
        "res.users",
        "chain_region_manager_rel",
        "region_id",
        "user_id",
        string="Region Managers",
        help="Users who manage every store of this region and of its sub-regions.",
    )
    store_ids = fields.One2many("chain.store", "region_id", string="Stores")
    store_count = fields.Integer(
        compute="_compute_store_count", string="Stores (incl. sub-regions)"
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "The region code must be unique."),
    ]

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("You cannot create recursive regions."))

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for region in self:
            if region.parent_id:
                region.complete_name = f"{region.parent_id.complete_name} / {region.name}"
            else:
                region.complete_name = region.name

    def _compute_store_count(self):
        """Count the stores of each region and its whole subtree with one query."""
        counts = dict(
            self.env["chain.store"]._read_group(
                [("region_id", "child_of", self.ids)], ["region_id"], ["__count"]
            )
        )
        for region in self:
            region.store_count = sum(
                count
                for store_region, count in counts.items()
                if store_region.parent_path.startswith(region.parent_path or "")
            )

    def write(self, vals):
        res = super().write(vals)
        if {"parent_id", "manager_ids"} & set(vals):
            # the store scope of users (record rules) depends on the hierarchy
            self.env.registry.clear_cache()
            self.env["res.users"].invalidate_model(["chain_scope_store_ids"])
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    def action_view_stores(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("store_chain.action_chain_store")
        action["domain"] = [("region_id", "child_of", self.id)]
        action["context"] = {"default_region_id": self.id}
        return action
