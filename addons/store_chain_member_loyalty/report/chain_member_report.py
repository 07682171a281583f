from odoo import fields, models


class ChainMemberReport(models.Model):
    """Member measures per store and region over time: one row per paid POS order of a store,
    per member enrolment (home store) and per top-up or spend of stored value at a store."""

    _name = "chain.member.report"
    _description = "Chain Member Analysis"
    _auto = False
    _rec_name = "date"
    _order = "date desc"

    date = fields.Datetime(readonly=True)
    store_id = fields.Many2one("chain.store", readonly=True)
    store_type = fields.Selection([("direct", "Direct"), ("franchise", "Franchise")], readonly=True)
    region_id = fields.Many2one("chain.region", readonly=True)
    main_region_id = fields.Many2one("chain.region", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    sales = fields.Monetary(readonly=True)
    member_sales = fields.Monetary(readonly=True, help="Sales to members.")
    ticket_count = fields.Integer(
        string="Tickets", readonly=True, help="Paid orders; a refund is not a ticket."
    )
    member_ticket_count = fields.Integer(string="Member Tickets", readonly=True)
    new_member_count = fields.Integer(string="New Members", readonly=True)
    topup_amount = fields.Monetary(string="Top-ups", readonly=True)
    stored_value_spent = fields.Monetary(readonly=True)

    @property
    def _table_query(self):
        # ids: 3 * source id + 0 (order), 1 (enrolment), 2 (stored-value movement)
        return """
            SELECT ev.id, ev.date, ev.store_id, s.store_type, s.region_id,
                   COALESCE(
                       NULLIF(split_part(r.parent_path, '/', 2), ''),
                       NULLIF(split_part(r.parent_path, '/', 1), '')
                   )::integer AS main_region_id,
                   s.company_id, c.currency_id,
                   ev.sales, ev.member_sales, ev.ticket_count, ev.member_ticket_count,
                   ev.new_member_count, ev.topup_amount, ev.stored_value_spent
              FROM (
                    SELECT 3 * po.id AS id, po.date_order AS date, po.chain_store_id AS store_id,
                           po.amount_total AS sales,
                           CASE WHEN p.member_number IS NOT NULL THEN po.amount_total ELSE 0 END
                               AS member_sales,
                           CASE WHEN po.amount_total < 0 THEN 0 ELSE 1 END AS ticket_count,
                           CASE WHEN po.amount_total >= 0 AND p.member_number IS NOT NULL
                                THEN 1 ELSE 0 END AS member_ticket_count,
                           0 AS new_member_count, 0 AS topup_amount, 0 AS stored_value_spent
                      FROM pos_order po
                 LEFT JOIN res_partner p ON p.id = po.partner_id
                     WHERE po.chain_store_id IS NOT NULL
                       AND po.state IN ('paid', 'done', 'invoiced')
                 UNION ALL
                    SELECT 3 * p.id + 1, p.member_enrol_date::timestamp, p.member_home_store_id,
                           0, 0, 0, 0, 1, 0, 0
                      FROM res_partner p
                     WHERE p.member_home_store_id IS NOT NULL
                       AND p.member_number IS NOT NULL AND p.member_enrol_date IS NOT NULL
                 UNION ALL
                    SELECT 3 * w.id + 2, w.date, w.chain_store_id, 0, 0, 0, 0, 0,
                           CASE WHEN w.kind = 'topup' THEN w.amount_principal ELSE 0 END,
                           CASE WHEN w.kind IN ('spend', 'refund')
                                THEN -(w.amount_principal + w.amount_bonus) ELSE 0 END
                      FROM member_wallet_move w
                     WHERE w.chain_store_id IS NOT NULL AND w.kind IN ('topup', 'spend', 'refund')
                   ) ev
              JOIN chain_store s ON s.id = ev.store_id
              JOIN res_company c ON c.id = s.company_id
         LEFT JOIN chain_region r ON r.id = s.region_id
        """
