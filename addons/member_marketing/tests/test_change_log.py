from datetime import date, timedelta

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.member_marketing import uninstall_hook

from ..models.member_profile import REFRESH_DATE_PARAM
from ..models.member_segment_engine import (
    CHANGE_LOG_FUNCTION,
    CHANGE_LOG_TABLE,
    CHANGE_LOG_TRIGGERS,
    STATE_META_TABLE,
    STATE_TABLE,
)
from .common import insert_orders

DAY = date(2031, 3, 10)
BACKUP = "member_marketing_test_profile_backup"


@tagged("post_install", "-at_install")
class TestChangeLogConcurrency(TransactionCase):
    """The change log on real, committed data with separate cursors: a till's transaction
    still running while the segments refresh is caught by the following refresh."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partner = env["res.partner"].create({"name": "Late till member"})
            insert_orders(env, partner, [(10, 200.0)], DAY)
            # what the committed refreshes of this test change, restored by the cleanup
            cr.execute(
                SQL(
                    "CREATE TABLE %s AS SELECT * FROM member_marketing_profile",
                    SQL.identifier(BACKUP),
                )
            )
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM member_segment_history")
            self.last_history = cr.fetchone()[0]
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM member_segment_snapshot")
            self.last_snapshot = cr.fetchone()[0]
            self.refresh_date = env["ir.config_parameter"].get_param(REFRESH_DATE_PARAM)
        self.partner_id = partner.id
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            cr.execute("DELETE FROM pos_order WHERE partner_id = %s", [self.partner_id])
            env["res.partner"].browse(self.partner_id).unlink()
            cr.execute("DELETE FROM member_segment_history WHERE id > %s", [self.last_history])
            cr.execute(
                "DELETE FROM member_segment_snapshot WHERE id > %s OR date >= %s",
                [self.last_snapshot, DAY],
            )
            backup = SQL.identifier(BACKUP)
            cr.execute("DELETE FROM member_marketing_profile")
            cr.execute(SQL("INSERT INTO member_marketing_profile SELECT * FROM %s", backup))
            cr.execute(SQL("DROP TABLE %s", backup))
            env["ir.config_parameter"].set_param(REFRESH_DATE_PARAM, self.refresh_date)
            # the next refresh rebuilds from every order (the log rows this test took too)
            env["member.segment.engine"]._drop_state()
            cr.execute(
                SQL(
                    "DELETE FROM %s WHERE partner_id = %s",
                    SQL.identifier(CHANGE_LOG_TABLE),
                    self.partner_id,
                )
            )

    def _refresh(self, days):
        """Refresh ``DAY + days`` in a worker's transaction, committed: the member's amount
        and whether it was a full rebuild."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            day = DAY + timedelta(days=days)
            env["member.segment.engine"]._refresh(today=day)
            cr.execute(
                "SELECT amount_total FROM member_marketing_profile WHERE partner_id = %s",
                [self.partner_id],
            )
            amount = cr.fetchone()[0]
            cr.execute(SQL("SELECT full_day FROM %s", SQL.identifier(STATE_META_TABLE)))
            return amount, cr.fetchone()[0] == day

    def test_change_committed_after_refresh(self):
        with self.registry.cursor() as cr:
            api.Environment(cr, SUPERUSER_ID, {})["member.segment.engine"]._drop_state()
        self.assertEqual(self._refresh(0), (200.0, True), "first refresh: a rebuild")
        self.assertEqual(self._refresh(1), (200.0, False), "incremental from now on")
        till = self.registry.cursor()
        try:
            # a till's sync, still running during the next refresh
            till.execute(
                "UPDATE pos_order SET amount_total = 80 WHERE partner_id = %s", [self.partner_id]
            )
            self.assertEqual(self._refresh(2), (200.0, False), "not committed: not seen yet")
            till.commit()
        finally:
            till.close()
        self.assertEqual(self._refresh(3), (80.0, False), "caught by the following refresh")


@tagged("post_install", "-at_install")
class TestChangeLogUninstall(TransactionCase):
    def _objects(self):
        cr = self.env.cr
        cr.execute(
            SQL(
                "SELECT to_regclass(%s), to_regclass(%s), to_regclass(%s)",
                CHANGE_LOG_TABLE,
                STATE_TABLE,
                STATE_META_TABLE,
            )
        )
        tables = [table for table in cr.fetchone() if table]
        cr.execute(
            "SELECT tgname FROM pg_trigger"
            " WHERE tgrelid = 'pos_order'::regclass AND tgname = ANY(%s)",
            [list(CHANGE_LOG_TRIGGERS.values())],
        )
        triggers = sorted(row[0] for row in cr.fetchall())
        cr.execute("SELECT COUNT(*) FROM pg_proc WHERE proname = %s", [CHANGE_LOG_FUNCTION])
        return tables, triggers, cr.fetchone()[0]

    def test_uninstall_hook_drops_log_and_triggers(self):
        self.env["member.segment.engine"]._refresh()
        tables, triggers, functions = self._objects()
        self.assertEqual(len(tables), 3)
        self.assertEqual(triggers, sorted(CHANGE_LOG_TRIGGERS.values()))
        self.assertEqual(functions, 1)
        uninstall_hook(self.env)
        self.assertEqual(self._objects(), ([], [], 0))
        # POS orders are still written without the triggers
        self.env.cr.execute("UPDATE pos_order SET amount_total = amount_total")
