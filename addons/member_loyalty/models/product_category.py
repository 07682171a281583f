from odoo import fields, models


class ProductCategory(models.Model):
    _inherit = "product.category"

    member_no_points = fields.Boolean(
        string="No Member Points",
        help="Products of this category and its subcategories earn no member points.",
    )
