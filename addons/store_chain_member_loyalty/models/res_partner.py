from odoo import api, fields, models
from odoo.exceptions import AccessError


class ResPartner(models.Model):
    """A member's home store: where they enrolled (a till: its store; back office: chosen)."""

    _inherit = "res.partner"

    member_home_store_id = fields.Many2one(
        "chain.store",
        string="Home Store",
        index="btree_not_null",
        copy=False,
        tracking=True,
        help="Store where the member enrolled. Its staff, its region managers and HQ see the "
        "member's personal data and ledgers; other stores see name, tier and balances only.",
    )
    member_home_region_id = fields.Many2one(
        related="member_home_store_id.region_id", string="Home Region", store=True
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any("member_home_store_id" in vals for vals in vals_list):
            self._chain_check_home_store_rights()
        return super().create(vals_list)

    def write(self, vals):
        if "member_home_store_id" in vals:
            self._chain_check_home_store_rights()
        return super().write(vals)

    @api.model
    def _chain_check_home_store_rights(self):
        if self.env.su or self.env.user.has_group("member_loyalty.group_member_manager"):
            return
        raise AccessError(self.env._("Only a member manager may change a member's home store."))

    def _member_enrol(self, config=None, company=None):
        """Set the home store of new members: the context's (API ``store_code``), the till's
        store, else the store chosen on the contact, else the user's current store."""
        new_members = self.filtered(lambda p: not p.member_number)
        res = super()._member_enrol(config=config, company=company)
        store = self.env["chain.store"].sudo().browse(self.env.context.get("chain_home_store_id"))
        store = store or (config.chain_store_id if config else store)
        for partner in new_members.filtered("member_number"):
            home = store or partner.member_home_store_id or self.env.user.chain_store_id
            if home != partner.member_home_store_id:
                # sudo: the engine records where the member enrolled
                partner.sudo().member_home_store_id = home
        return res

    @api.model
    def _member_resolve_store(self, code):
        """API ``store_code`` = a store code: the store's first till and its company."""
        store = self.env["chain.store"].sudo().search([("code", "=", code)], limit=1)
        if not store:
            return super()._member_resolve_store(code)
        return {"config": store.pos_config_ids[:1], "company": store.company_id, "store": store}

    @api.model
    def member_enroll(self, vals):
        code = vals.get("store_code") if isinstance(vals, dict) else None
        partners = self
        if code and isinstance(code, str):
            store = self._member_resolve_store(code).get("store")
            if store:
                partners = self.with_context(chain_home_store_id=store.id)
        return super(ResPartner, partners).member_enroll(vals)
