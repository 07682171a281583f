from dateutil.relativedelta import relativedelta

from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _member_tier_metrics(self, tiers):
        """Spend tiers count confirmed sale orders as well as POS orders."""
        values = super()._member_tier_metrics(tiers)
        now = fields.Datetime.now()
        for tier in tiers.filtered(lambda t: t.metric == "spend"):
            groups = (
                self.env["sale.order"]
                .sudo()
                ._read_group(
                    [
                        ("partner_id", "in", self.ids),
                        ("state", "=", "sale"),
                        ("date_order", ">=", now - relativedelta(days=tier.window_days)),
                    ],
                    ["partner_id"],
                    ["amount_total:sum"],
                )
            )
            for partner, amount in groups:
                key = (partner.id, tier.id)
                values[key] = values.get(key, 0.0) + (amount or 0.0)
        return values
