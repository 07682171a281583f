from odoo import models
from odoo.tools import SQL

from .member_segment_engine import purchase_filter

PURCHASE_INDEX = "pos_order_member_marketing_purchase_v2_idx"
# the same purchases in day order: the orders entering or leaving a window (index only: it
# includes date_order, the column of its expression, or PostgreSQL reads the table)
PURCHASE_DAY_INDEX = "pos_order_member_marketing_purchase_day_v2_idx"
# earlier indexes: UTC days and refunds included (replaced by PURCHASE_INDEX), the write date
# (the changed orders are logged by triggers now: every update of an order was non-HOT), the
# day index without date_order (its scans read the table)
OLD_INDEXES = (
    "pos_order_member_marketing_purchase_idx",
    "pos_order_member_marketing_write_date_idx",
    "pos_order_member_marketing_purchase_day_idx",
)


class PosOrder(models.Model):
    _inherit = "pos.order"

    def init(self):
        """Index the members' purchases in the order the segment refresh reads them (member,
        local day), covering the amount, so the refresh reads it without touching the table.
        The predicate is the engine's ``purchase_filter`` (refunds excluded) and the day its
        ``_get_local_day``: the index is rebuilt at update when the time zone changed. A second
        index holds the same purchases in day order (the refresh reads the purchases of the
        days entering or leaving a window). Triggers log the members whose purchases change
        (``member.segment.engine._create_change_log``)."""
        cr = self.env.cr
        for old_index in OLD_INDEXES:
            cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(old_index)))
        # the main company by SQL: reading env.company would load res.users, whose columns
        # added by other modules being installed with this one may not exist yet
        cr.execute("SELECT id FROM res_company ORDER BY id LIMIT 1")
        company = self.env["res.company"].browse(cr.fetchone()[0])
        engine = self.env["member.segment.engine"]
        engine._create_change_log()
        timezone = engine._get_timezone(company)
        local_day = engine._get_local_day(SQL("date_order"), timezone)
        for name, columns, include in (
            (PURCHASE_INDEX, SQL("partner_id, (%s)", local_day), "amount_total, date_order"),
            (
                PURCHASE_DAY_INDEX,
                SQL("(%s)", local_day),
                "partner_id, amount_total, date_order",
            ),
        ):
            cr.execute(
                SQL(
                    """SELECT pg_get_expr(i.indexprs, i.indrelid)
                         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
                        WHERE c.relname = %s""",
                    name,
                )
            )
            row = cr.fetchone()
            if row and f"'{timezone}'" in (row[0] or ""):
                continue
            cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
            cr.execute(
                SQL(
                    "CREATE INDEX %s ON pos_order (%s) INCLUDE (%s) WHERE %s",
                    SQL.identifier(name),
                    columns,
                    SQL(include),
                    purchase_filter(),
                )
            )
        return super().init()
