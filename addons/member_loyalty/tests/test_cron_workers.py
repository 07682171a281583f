import threading
from datetime import date

from odoo import api
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import delete_committed_members


@tagged("post_install", "-at_install")
class TestCronWorkers(TransactionCase):
    """Point expiry and tier review at scale: batches claimed with SKIP LOCKED, committed per
    batch, run by two workers at once and then once more: every member is done exactly once.

    Committed fixture (the workers' cursors must see it), removed by _cleanup in any case.
    """

    MEMBERS = 7

    def setUp(self):
        super().setUp()
        self.partner_ids = []
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            tiers = env["member.tier"].search([])
            self.top_tier_id = tiers[-1:].id
            for index in range(self.MEMBERS):
                partner = env["res.partner"].create(
                    {"name": f"Cron Member {index}", "phone": f"+86 138 7777 {index:04d}"}
                )
                self.partner_ids.append(partner.id)
                partner._member_enrol()
                key = f"cron-earn-{partner.id}"
                partner._member_operation(
                    key,
                    lambda balance, p=partner, k=key, n=100 + index: p._member_points_credit(
                        balance, n, k, "earn"
                    ).points,
                )
                # the tier of a big spender who stopped buying: the review must downgrade it
                partner.sudo().member_tier_id = self.top_tier_id
            cr.execute(
                "UPDATE member_points_lot SET expiry_date = %s WHERE partner_id = ANY(%s)",
                (date(2020, 1, 31), self.partner_ids),
            )

    def _cleanup(self):
        with self.registry.cursor() as cr:
            delete_committed_members(cr, self.partner_ids)

    def _run_workers(self, method, workers=2):
        errors = []
        barrier = threading.Barrier(workers)

        def worker():
            barrier.wait()
            try:
                with self.registry.cursor() as cr, mute_logger("odoo.sql_db"):
                    env = api.Environment(cr, api.SUPERUSER_ID, {})
                    getattr(env["res.partner"], method)(batch_size=2, partner_ids=self.partner_ids)
            except Exception as exc:
                errors.append(exc)

        threads = [threading.Thread(target=worker) for _n in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self.assertEqual(errors, [])

    def _rows(self, query):
        with self.registry.cursor() as cr:
            cr.execute(query, (self.partner_ids,))
            return cr.fetchall()

    def test_expiry_two_workers_then_again(self):
        self._run_workers("_cron_expire_points")
        self._run_workers("_cron_expire_points")
        expired = self._rows(
            """SELECT partner_id, COUNT(*), SUM(points) FROM member_points_move
                WHERE kind = 'expire' AND partner_id = ANY(%s) GROUP BY partner_id"""
        )
        self.assertEqual(
            sorted(expired),
            [(pid, 1, -(100 + index)) for index, pid in enumerate(self.partner_ids)],
        )
        self.assertEqual(
            self._rows("SELECT SUM(points) FROM member_balance WHERE partner_id = ANY(%s)"),
            [(0,)],
        )
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            drift = [
                row
                for row in env["member.balance"]._get_drift()
                if row["partner_id"] in self.partner_ids
            ]
        self.assertEqual(drift, [])

    def test_tier_review_two_workers_then_again(self):
        self._run_workers("_cron_review_tiers")
        self._run_workers("_cron_review_tiers")
        history = self._rows(
            """SELECT partner_id, COUNT(*) FROM member_tier_history
                WHERE reason = 'downgrade' AND partner_id = ANY(%s) GROUP BY partner_id"""
        )
        self.assertEqual(sorted(history), [(pid, 1) for pid in sorted(self.partner_ids)])
        tiers = self._rows(
            """SELECT DISTINCT member_tier_id, member_review_date FROM res_partner
                WHERE id = ANY(%s)"""
        )
        self.assertEqual(len(tiers), 1)
        self.assertNotEqual(tiers[0][0], self.top_tier_id)
        self.assertTrue(tiers[0][1])
