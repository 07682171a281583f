from odoo import fields, models, tools
from odoo.tools import SQL

from .member_segment_engine import DEFAULT_TIMEZONE, PURCHASE_STATES


class MemberMarketingKpi(models.Model):
    """Monthly chain figures per company, read straight from POS orders (SQL view).

    * member share of sales: sales to members / all POS sales (net of refunds);
    * repurchase rate: members who bought at least twice in the month / members who bought;
    * churn rate: members who bought the previous month but not this month / members who
      bought the previous month, for months that are over (empty for the current one).

    Who is a member is ``_kpi_member_condition`` (here any identified customer of the order;
    a card holder with member_loyalty): the same members make the member sales, the buyers,
    the repeat buyers and the churn.

    Months are local to the company's time zone (its contact's, else the marketing default,
    as the segment engine); a refund is no purchase (as for the segments).

    Grouped rows (by year, company, region, pivot totals) show each rate as the rate of the
    summed figures, e.g. 100 * sum(member sales) / sum(POS sales), not as the average of the
    monthly rates (a small store's 90 % would weigh as much as a big one's 10 %); empty when
    the summed denominator is 0. The buyers summed over several months count a member once per
    month they bought in: the repurchase rate of a year is that of its member-months.
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
    # each rate (its field's aggregator, "avg") and the figures it divides, summed when grouped
    _kpi_rates = {
        "member_share": ("member_sales", "total_sales"),
        "repurchase_rate": ("repeat_buyers", "buyers"),
        "churn_rate": ("churned", "previous_buyers"),
    }

    def _read_group_select(self, aggregate_spec, query):
        # a group's rate is the rate of its sums (read_group, pivot, graph, grouped lists, and
        # their order and having, all go through here), whether or not its figures were asked
        fname, __, func = aggregate_spec.partition(":")
        if func == "avg" and fname in self._kpi_rates:
            numerator, denominator = (
                self._read_group_select(f"{figure}:sum", query) for figure in self._kpi_rates[fname]
            )
            return SQL("ROUND((100.0 * %s / NULLIF(%s, 0))::numeric, 1)", numerator, denominator)
        return super()._read_group_select(aggregate_spec, query)

    def _kpi_member_condition(self):
        """SQL condition on the POS order ``o``: its customer is a member (their sales are
        member sales, they are buying members). Bridges narrow it, e.g. to card holders."""
        return SQL("o.partner_id IS NOT NULL")

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
                       o.partner_id, o.amount_total, (%(member)s) AS is_member
                  FROM pos_order o
                  JOIN res_company co ON co.id = o.company_id
                  JOIN res_partner cp ON cp.id = co.partner_id
                 WHERE o.state IN %(states)s AND %(order_key)s IS NOT NULL
            ), sales AS (
                SELECT %(key)s, month, SUM(amount_total) AS total_sales,
                       COALESCE(SUM(amount_total) FILTER (WHERE is_member), 0) AS member_sales
                  FROM orders GROUP BY %(key)s, month
            ), buyers AS (
                SELECT %(key)s, month, partner_id, COUNT(*) AS orders
                  FROM orders WHERE is_member AND amount_total >= 0
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
                member=self._kpi_member_condition(),
                key=key,
                columns=columns,
                joins=joins,
                states=PURCHASE_STATES,
                default_tz=DEFAULT_TIMEZONE,
            )
        )
