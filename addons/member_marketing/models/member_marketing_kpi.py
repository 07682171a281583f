from odoo import fields, models, tools
from odoo.tools import SQL

from .member_segment_engine import DEFAULT_TIMEZONE, PURCHASE_STATES


class MemberMarketingKpi(models.Model):
    """Monthly chain figures per company, read straight from POS orders (SQL view).

    * member share of sales: sales to identified members / all POS sales (net of refunds);
    * repurchase rate: members who bought at least twice in the month / members who bought;
    * churn rate: members who bought the previous month but not this month / members who
      bought the previous month, for months that are over (empty for the current one).

    Months are local to the company's time zone (its contact's, else the marketing default,
    as the segment engine); a refund is no purchase (as for the segments).
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

    # what the figures are grouped by (a column of the view) and how an order gives it
    _kpi_key = "company_id"

    def _kpi_order_key(self):
        return SQL("o.company_id")

    def _kpi_extra(self):
        """(columns, joins) the view adds beside month and the key, e.g. a store's region."""
        return SQL(""), SQL("")

    def init(self):
        key = SQL.identifier(self._kpi_key)
        columns, joins = self._kpi_extra()
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW %(view)s AS
            WITH orders AS (
                SELECT %(order_key)s AS %(key)s,
                       date_trunc('month', (o.date_order AT TIME ZONE 'UTC') AT TIME ZONE
                           COALESCE(NULLIF(cp.tz, ''), (SELECT value FROM ir_config_parameter
                                     WHERE key = 'member_marketing.timezone'), %(default_tz)s)
                       )::date AS month,
                       o.partner_id, o.amount_total
                  FROM pos_order o
                  JOIN res_company co ON co.id = o.company_id
                  JOIN res_partner cp ON cp.id = co.partner_id
                 WHERE o.state IN %(states)s AND %(order_key)s IS NOT NULL
            ), sales AS (
                SELECT %(key)s, month, SUM(amount_total) AS total_sales,
                       COALESCE(SUM(amount_total) FILTER (WHERE partner_id IS NOT NULL), 0)
                           AS member_sales
                  FROM orders GROUP BY %(key)s, month
            ), buyers AS (
                SELECT %(key)s, month, partner_id, COUNT(*) AS orders
                  FROM orders WHERE partner_id IS NOT NULL AND amount_total >= 0
                 GROUP BY %(key)s, month, partner_id
            ), members AS (
                SELECT %(key)s, month, COUNT(*) AS buyers,
                       COUNT(*) FILTER (WHERE orders >= 2) AS repeat_buyers
                  FROM buyers GROUP BY %(key)s, month
            ), churn AS (
                SELECT p.%(key)s, (p.month + interval '1 month')::date AS month,
                       COUNT(*) AS previous_buyers,
                       COUNT(*) FILTER (WHERE c.partner_id IS NULL) AS churned
                  FROM buyers p
                  LEFT JOIN buyers c
                         ON c.%(key)s = p.%(key)s AND c.partner_id = p.partner_id
                        AND c.month = (p.month + interval '1 month')::date
                 -- a month under way has no churn yet (over in UTC: hours late at most)
                 WHERE p.month + interval '1 month' < date_trunc('month', now() AT TIME ZONE 'UTC')
                 GROUP BY p.%(key)s, p.month
            )
            SELECT ROW_NUMBER() OVER (ORDER BY s.month, s.%(key)s) AS id,
                   s.month, s.%(key)s, %(columns)s s.total_sales, s.member_sales,
                   ROUND(100.0 * s.member_sales / NULLIF(s.total_sales, 0), 1) AS member_share,
                   COALESCE(m.buyers, 0) AS buyers,
                   COALESCE(m.repeat_buyers, 0) AS repeat_buyers,
                   ROUND(100.0 * m.repeat_buyers / NULLIF(m.buyers, 0), 1) AS repurchase_rate,
                   COALESCE(c.previous_buyers, 0) AS previous_buyers,
                   COALESCE(c.churned, 0) AS churned,
                   ROUND(100.0 * c.churned / NULLIF(c.previous_buyers, 0), 1) AS churn_rate
              FROM sales s
              %(joins)s
              LEFT JOIN members m ON m.%(key)s = s.%(key)s AND m.month = s.month
              LEFT JOIN churn c ON c.%(key)s = s.%(key)s AND c.month = s.month
            """,
                view=SQL.identifier(self._table),
                order_key=self._kpi_order_key(),
                key=key,
                columns=columns,
                joins=joins,
                states=PURCHASE_STATES,
                default_tz=DEFAULT_TIMEZONE,
            )
        )
