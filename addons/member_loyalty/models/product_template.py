from odoo import fields, models


class ProductTemplate(models.Model):
    _inherit = "product.template"

    member_no_points = fields.Boolean(
        string="No Member Points", help="Sales of this product earn no member points."
    )

    def _member_earns_points(self):
        """False if the product or one of its categories is excluded from earning."""
        self.ensure_one()
        if self.member_no_points:
            return False
        categ = self.categ_id
        while categ:
            if categ.member_no_points:
                return False
            categ = categ.parent_id
        return True
