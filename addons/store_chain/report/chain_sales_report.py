from odoo import fields, models


class ChainSalesReport(models.Model):
    """One row per paid POS order of a store: sales, tickets, average ticket, new customers.

    Ticket rule: a refund (an order with a negative total) is not a ticket; its amount reduces
    the sales. The average ticket is the average of the tickets, refunds excluded.
    """

    _name = "chain.sales.report"
    _description = "Chain Store Sales Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    store_id = fields.Many2one("chain.store", readonly=True)
    store_type = fields.Selection([("direct", "Direct"), ("franchise", "Franchise")], readonly=True)
    region_id = fields.Many2one("chain.region", readonly=True)
    main_region_id = fields.Many2one(
        "chain.region",
        readonly=True,
        help="The store's region at the first level below the top of the hierarchy, "
        "so that areas roll up into their region.",
    )
    company_id = fields.Many2one("res.company", readonly=True)
    config_id = fields.Many2one("pos.config", string="Point of Sale", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_total = fields.Monetary(string="Sales", readonly=True)
    average_ticket = fields.Monetary(
        aggregator="avg", readonly=True, help="Average amount of the tickets (refunds excluded)."
    )
    ticket_count = fields.Integer(
        string="Tickets",
        readonly=True,
        help="Paid orders. A refund (an order with a negative total) is not a ticket: it "
        "reduces the sales, not the ticket count.",
    )
    new_customer_count = fields.Integer(
        string="New Customers",
        readonly=True,
        help="Orders that are the customer's first purchase in the chain.",
    )

    @property
    def _table_query(self):
        return """
            SELECT po.id AS id,
                   po.date_order AS date,
                   po.chain_store_id AS store_id,
                   s.store_type AS store_type,
                   s.region_id AS region_id,
                   COALESCE(
                       NULLIF(split_part(r.parent_path, '/', 2), ''),
                       NULLIF(split_part(r.parent_path, '/', 1), '')
                   )::integer AS main_region_id,
                   po.company_id AS company_id,
                   po.config_id AS config_id,
                   po.partner_id AS partner_id,
                   c.currency_id AS currency_id,
                   po.amount_total AS amount_total,
                   CASE WHEN po.amount_total >= 0 THEN po.amount_total END AS average_ticket,
                   CASE WHEN po.amount_total >= 0 THEN 1 ELSE 0 END AS ticket_count,
                   CASE WHEN po.partner_id IS NOT NULL
                         AND po.id = FIRST_VALUE(po.id) OVER (
                             PARTITION BY po.partner_id ORDER BY po.date_order, po.id)
                        THEN 1 ELSE 0 END AS new_customer_count
              FROM pos_order po
              JOIN chain_store s ON s.id = po.chain_store_id
              JOIN res_company c ON c.id = po.company_id
         LEFT JOIN chain_region r ON r.id = s.region_id
             WHERE po.state IN ('paid', 'done', 'invoiced')
        """
