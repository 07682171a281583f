from odoo import fields, models, tools
from odoo.tools import SQL

from odoo.addons.member_marketing.models.member_segment_engine import PURCHASE_STATES


class MemberMarketingStoreKpi(models.Model):
    """Monthly marketing figures per store (and its region), read from POS orders (SQL view).

    Same definitions as ``member.marketing.kpi``, per store: member share of sales, repurchase
    rate (members with two purchases or more in the month at the store / buying members), churn
    rate (members who bought at the store the previous month but not this month / previous
    month's buyers).
    """

    _name = "member.marketing.store.kpi"
    _description = "Member Marketing Figures by Store"
    _auto = False
    _order = "month desc, store_id"
    _rec_name = "month"

    month = fields.Date(readonly=True)
    store_id = fields.Many2one("chain.store", readonly=True)
    region_id = fields.Many2one("chain.region", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    total_sales = fields.Float(string="POS Sales", digits="Product Price", readonly=True)
    member_sales = fields.Float(digits="Product Price", readonly=True)
    member_share = fields.Float(
        string="Member Share of Sales %", digits=(16, 1), aggregator="avg", readonly=True
    )
    buyers = fields.Integer(string="Buying Members", readonly=True)
    repeat_buyers = fields.Integer(readonly=True)
    repurchase_rate = fields.Float(
        string="Repurchase Rate %", digits=(16, 1), aggregator="avg", readonly=True
    )
    previous_buyers = fields.Integer(string="Buyers Previous Month", readonly=True)
    churned = fields.Integer(string="Churned Members", readonly=True)
    churn_rate = fields.Float(
        string="Churn Rate %", digits=(16, 1), aggregator="avg", readonly=True
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW member_marketing_store_kpi AS
            WITH orders AS (
                SELECT o.chain_store_id AS store_id, date_trunc('month', o.date_order)::date
                       AS month, o.partner_id, o.amount_total
                  FROM pos_order o
                 WHERE o.state IN %(states)s AND o.chain_store_id IS NOT NULL
            ), sales AS (
                SELECT store_id, month, SUM(amount_total) AS total_sales,
                       COALESCE(SUM(amount_total) FILTER (WHERE partner_id IS NOT NULL), 0)
                           AS member_sales
                  FROM orders GROUP BY store_id, month
            ), buyers AS (
                SELECT store_id, month, partner_id, COUNT(*) AS orders
                  FROM orders WHERE partner_id IS NOT NULL
                 GROUP BY store_id, month, partner_id
            ), members AS (
                SELECT store_id, month, COUNT(*) AS buyers,
                       COUNT(*) FILTER (WHERE orders >= 2) AS repeat_buyers
                  FROM buyers GROUP BY store_id, month
            ), churn AS (
                SELECT p.store_id, (p.month + interval '1 month')::date AS month,
                       COUNT(*) AS previous_buyers,
                       COUNT(*) FILTER (WHERE c.partner_id IS NULL) AS churned
                  FROM buyers p
                  LEFT JOIN buyers c
                         ON c.store_id = p.store_id AND c.partner_id = p.partner_id
                        AND c.month = (p.month + interval '1 month')::date
                 GROUP BY p.store_id, p.month
            )
            SELECT ROW_NUMBER() OVER (ORDER BY s.month, s.store_id) AS id,
                   s.month, s.store_id, st.region_id, st.company_id,
                   s.total_sales, s.member_sales,
                   ROUND(100.0 * s.member_sales / NULLIF(s.total_sales, 0), 1) AS member_share,
                   COALESCE(m.buyers, 0) AS buyers,
                   COALESCE(m.repeat_buyers, 0) AS repeat_buyers,
                   ROUND(100.0 * m.repeat_buyers / NULLIF(m.buyers, 0), 1) AS repurchase_rate,
                   COALESCE(c.previous_buyers, 0) AS previous_buyers,
                   COALESCE(c.churned, 0) AS churned,
                   ROUND(100.0 * c.churned / NULLIF(c.previous_buyers, 0), 1) AS churn_rate
              FROM sales s
              JOIN chain_store st ON st.id = s.store_id
              LEFT JOIN members m ON m.store_id = s.store_id AND m.month = s.month
              LEFT JOIN churn c ON c.store_id = s.store_id AND c.month = s.month
            """,
                states=PURCHASE_STATES,
            )
        )
