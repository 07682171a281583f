from odoo import api, fields, models
from odoo.osv import expression


class ProductProduct(models.Model):
    _inherit = "product.product"

    member_earns_points = fields.Boolean(compute="_compute_member_earns_points")

    def _compute_member_earns_points(self):
        # excluded categories resolved once, then a set lookup per product
        Category = self.env["product.category"]
        roots = Category.search([("member_no_points", "=", True)])
        excluded = set(Category.search([("id", "child_of", roots.ids)]).ids) if roots else set()
        for product in self:
            product.member_earns_points = (
                not product.member_no_points and product.categ_id.id not in excluded
            )

    @api.model
    def _load_pos_data_fields(self, config_id):
        return [*super()._load_pos_data_fields(config_id), "member_earns_points"]


class ProductPricelist(models.Model):
    _inherit = "product.pricelist"

    @api.model
    def _load_pos_data_domain(self, data):
        # the tiers' pricelists of the till's company are loaded so that member prices apply
        # as soon as the member is set
        Tier = self.env["member.tier"]
        pricelists = Tier._member_pos_pricelists(Tier._member_pos_company(data))
        if not pricelists:
            return super()._load_pos_data_domain(data)
        return expression.OR([super()._load_pos_data_domain(data), [("id", "in", pricelists.ids)]])
