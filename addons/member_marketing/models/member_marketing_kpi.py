from odoo import fields, models, tools
from odoo.tools import SQL

from .member_segment_engine import PURCHASE_STATES


class MemberMarketingKpi(models.Model):
    """Monthly chain figures per company, read straight from POS orders (SQL view).

    * member share of sales: sales to identified members / all POS sales;
    * repurchase rate: members who bought at least twice in the month / members who bought;
    * churn rate: members who bought the previous month but not this month / members who
      bought the previous month.
    """

    _name = "member.marketing.kpi"
    _description = "Member Marketing Monthly Figures"
    _auto = False
    _order = "month desc, company_id"
    _rec_name = "month"

    month = fields.Date(readonly=True)
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
            CREATE OR REPLACE VIEW member_marketing_kpi AS
            WITH orders AS (
                SELECT o.company_id, date_trunc('month', o.date_order)::date AS month,
                       o.partner_id, o.amount_total
                  FROM pos_order o
                 WHERE o.state IN %(states)s
            ), sales AS (
                SELECT company_id, month, SUM(amount_total) AS total_sales,
                       COALESCE(SUM(amount_total) FILTER (WHERE partner_id IS NOT NULL), 0)
                           AS member_sales
                  FROM orders GROUP BY company_id, month
            ), buyers AS (
                SELECT company_id, month, partner_id, COUNT(*) AS orders
                  FROM orders WHERE partner_id IS NOT NULL
                 GROUP BY company_id, month, partner_id
            ), members AS (
                SELECT company_id, month, COUNT(*) AS buyers,
                       COUNT(*) FILTER (WHERE orders >= 2) AS repeat_buyers
                  FROM buyers GROUP BY company_id, month
            ), churn AS (
                SELECT p.company_id, (p.month + interval '1 month')::date AS month,
                       COUNT(*) AS previous_buyers,
                       COUNT(*) FILTER (WHERE c.partner_id IS NULL) AS churned
                  FROM buyers p
                  LEFT JOIN buyers c
                         ON c.company_id = p.company_id AND c.partner_id = p.partner_id
                        AND c.month = (p.month + interval '1 month')::date
                 GROUP BY p.company_id, p.month
            )
            SELECT to_char(s.month, 'YYYYMM')::int * 10000 + s.company_id AS id,
                   s.month, s.company_id, s.total_sales, s.member_sales,
                   ROUND(100.0 * s.member_sales / NULLIF(s.total_sales, 0), 1) AS member_share,
                   COALESCE(m.buyers, 0) AS buyers,
                   COALESCE(m.repeat_buyers, 0) AS repeat_buyers,
                   ROUND(100.0 * m.repeat_buyers / NULLIF(m.buyers, 0), 1) AS repurchase_rate,
                   COALESCE(c.previous_buyers, 0) AS previous_buyers,
                   COALESCE(c.churned, 0) AS churned,
                   ROUND(100.0 * c.churned / NULLIF(c.previous_buyers, 0), 1) AS churn_rate
              FROM sales s
              LEFT JOIN members m ON m.company_id = s.company_id AND m.month = s.month
              LEFT JOIN churn c ON c.company_id = s.company_id AND c.month = s.month
            """,
                states=PURCHASE_STATES,
            )
        )
