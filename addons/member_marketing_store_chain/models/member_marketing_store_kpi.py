from odoo import fields, models
from odoo.tools import SQL


class MemberMarketingStoreKpi(models.Model):
    """Monthly marketing figures per store (and its region), read from POS orders (SQL view).

    Same definitions as ``member.marketing.kpi``, per store: member share of sales, repurchase
    rate (members with two purchases or more in the month at the store / buying members), churn
    rate (members who bought at the store the previous month but not this month / previous
    month's buyers).
    """

    _name = "member.marketing.store.kpi"
    _inherit = "member.marketing.kpi"
    _description = "Member Marketing Figures by Store"
    _auto = False  # a SQL view too (restated: it decides the log fields at class definition)
    _order = "month desc, store_id"
    _kpi_key = "store_id"

    store_id = fields.Many2one("chain.store", readonly=True)
    region_id = fields.Many2one("chain.region", readonly=True)

    def _kpi_order_key(self):
        return SQL("o.chain_store_id")

    def _kpi_extra(self):
        return (
            SQL("st.region_id, st.company_id,"),
            SQL("JOIN chain_store st ON st.id = s.store_id"),
        )
