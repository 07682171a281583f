from odoo import models
from odoo.tools import SQL

from .member_segment_engine import PURCHASE_STATES

PURCHASE_INDEX = "pos_order_member_marketing_purchase_v2_idx"
# earlier versions of the index (UTC days, refunds included): replaced by PURCHASE_INDEX
OLD_PURCHASE_INDEXES = ("pos_order_member_marketing_purchase_idx",)


class PosOrder(models.Model):
    _inherit = "pos.order"

    def init(self):
        """Index the members' purchases in the order the segment refresh reads them (member,
        local day), covering the amount, so the refresh reads it without touching the table.
        The predicate is the engine's ``PURCHASE_FILTER`` (refunds excluded) and the day its
        ``_get_local_day``: the index is rebuilt at update when the time zone changed."""
        cr = self.env.cr
        for old_index in OLD_PURCHASE_INDEXES:
            cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(old_index)))
        # the main company by SQL: reading env.company would load res.users, whose columns
        # added by other modules being installed with this one may not exist yet
        cr.execute("SELECT id FROM res_company ORDER BY id LIMIT 1")
        company = self.env["res.company"].browse(cr.fetchone()[0])
        engine = self.env["member.segment.engine"]
        timezone = engine._get_timezone(company)
        local_day = engine._get_local_day(SQL("date_order"), timezone)
        cr.execute(
            SQL(
                """SELECT pg_get_expr(i.indexprs, i.indrelid)
                     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                    WHERE c.relname = %s""",
                PURCHASE_INDEX,
            )
        )
        row = cr.fetchone()
        if row and f"'{timezone}'" in (row[0] or ""):
            return super().init()
        cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(PURCHASE_INDEX)))
        cr.execute(
            SQL(
                """CREATE INDEX %s ON pos_order (partner_id, (%s))
                   INCLUDE (amount_total, date_order)
                   WHERE partner_id IS NOT NULL AND state IN %s AND amount_total >= 0""",
                SQL.identifier(PURCHASE_INDEX),
                local_day,
                PURCHASE_STATES,
            )
        )
        return super().init()
