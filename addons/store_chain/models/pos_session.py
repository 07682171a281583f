from odoo import models


class PosSession(models.Model):
    _inherit = "pos.session"

    def _get_sale_vals(self, key, sale_vals):
        """Book the sales of a store on the store's analytic account."""
        vals = super()._get_sale_vals(key, sale_vals)
        analytic_account = self.config_id.chain_store_id.analytic_account_id
        if analytic_account:
            vals["analytic_distribution"] = {str(analytic_account.id): 100}
        return vals
