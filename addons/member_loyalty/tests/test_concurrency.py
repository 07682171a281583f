import threading
import time

from odoo import api
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import delete_committed_members


@tagged("post_install", "-at_install")
class TestConcurrentSpends(TransactionCase):
    """Real concurrency: committed data, one cursor per thread, cleaned up in any case."""

    def setUp(self):
        super().setUp()
        # committed fixture (other cursors must see it), removed by _cleanup whatever happens
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            self.admin_id = env.ref("base.user_admin").id
            partner = env["res.partner"].create(
                {"name": "Concurrency Member", "phone": "+86 138 9999 0001"}
            )
            self.partner_id = partner.id
            self.addCleanup(self._cleanup)
            partner._member_enrol()
            partner.with_user(self.admin_id).member_topup(100.0, f"conc-topup-{partner.id}")

    def _cleanup(self):
        with self.registry.cursor() as cr:
            delete_committed_members(cr, [self.partner_id])

    def _call(self, method, *args):
        """Run one API call in its own transaction, retried on serialization failures
        like an RPC is; returns ('ok', result) or ('refused', message)."""
        for _attempt in range(50):
            try:
                with self.registry.cursor() as cr, mute_logger("odoo.sql_db"):
                    env = api.Environment(cr, self.admin_id, {})
                    partner = env["res.partner"].browse(self.partner_id)
                    result = getattr(partner, method)(*args)
                    return "ok", result
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                time.sleep(0.01)
            except UserError as exc:
                return "refused", str(exc)
        raise AssertionError("too many serialization failures")

    def _run_threads(self, calls):
        results = [None] * len(calls)
        barrier = threading.Barrier(len(calls))

        def worker(index, method, args):
            barrier.wait()
            results[index] = self._call(method, *args)

        threads = [
            threading.Thread(target=worker, args=(index, method, args))
            for index, (method, args) in enumerate(calls)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return results

    def _state(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.partner_id)
            moves = env["member.wallet.move"].search_count([("partner_id", "=", self.partner_id)])
            drift = [
                row
                for row in env["member.balance"]._get_drift()
                if row["partner_id"] == self.partner_id
            ]
            return partner.member_wallet, moves, drift

    def test_eight_threads_spend_exactly(self):
        keys = [f"conc-spend-{self.partner_id}-{index}" for index in range(8)]
        results = self._run_threads([("member_wallet_spend", (15.0, key)) for key in keys])
        accepted = [
            key for key, (status, _res) in zip(keys, results, strict=True) if status == "ok"
        ]
        refused = [res for status, res in results if status == "refused"]
        self.assertEqual(len(accepted), 6)
        self.assertEqual(len(refused), 2)
        self.assertTrue(all("cannot be spent" in message for message in refused))
        balance, moves, drift = self._state()
        self.assertEqual(balance, 10.0)
        self.assertEqual(moves, 1 + 6)  # top-up + accepted spends only
        self.assertEqual(drift, [])
        # replays of the used keys, concurrently: same answers, nothing written
        replays = self._run_threads([("member_wallet_spend", (15.0, key)) for key in accepted])
        self.assertTrue(all(status == "ok" for status, _res in replays))
        self.assertEqual(self._state(), (10.0, 7, []))

    def test_spend_waits_in_read_committed_then_odoo_level_returns(self):
        """A spend that opens its transaction runs it in READ COMMITTED (a waiter reads what
        the lock holder committed instead of failing); the cursor's next transactions, after
        a commit or a rollback, are back in Odoo's REPEATABLE READ."""

        def level(cr):
            cr.execute("SHOW transaction_isolation")
            return cr.fetchone()[0]

        with self.registry.cursor() as cr:
            partner = api.Environment(cr, self.admin_id, {})["res.partner"].browse(self.partner_id)
            # the first call fills the registry caches (rights, settings) with reads of its own
            partner.member_wallet_spend(1.0, f"conc-level-{self.partner_id}-1")
            cr.commit()  # pylint: disable=invalid-commit
            partner.member_wallet_spend(1.0, f"conc-level-{self.partner_id}-2")
            self.assertEqual(level(cr), "read committed")
            cr.commit()  # pylint: disable=invalid-commit
            self.assertEqual(level(cr), "repeatable read")
            cr.rollback()
            partner.member_wallet_spend(1.0, f"conc-level-{self.partner_id}-3")
            self.assertEqual(level(cr), "read committed")
            cr.rollback()
            self.assertEqual(level(cr), "repeatable read")
        self.assertEqual(self._state(), (98.0, 3, []))

    def test_same_key_concurrently_spends_once(self):
        key = f"conc-same-{self.partner_id}"
        results = self._run_threads([("member_wallet_spend", (40.0, key))] * 4)
        self.assertTrue(all(result == results[0] for result in results), results)
        self.assertEqual(results[0][0], "ok")
        self.assertEqual(self._state(), (60.0, 2, []))

    def test_eight_threads_redeem_exactly(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.partner_id)
            for points, key in ((200, "old"), (300, "new")):
                key = f"conc-earn-{key}-{self.partner_id}"
                partner._member_operation(
                    key,
                    lambda balance, k=key, n=points: partner._member_points_credit(
                        balance, n, k, "earn"
                    ).points,
                )
        keys = [f"conc-redeem-{self.partner_id}-{index}" for index in range(8)]
        results = self._run_threads([("member_points_redeem", (80, key)) for key in keys])
        accepted = [res for status, res in results if status == "ok"]
        refused = [res for status, res in results if status == "refused"]
        self.assertEqual(len(accepted), 6)
        self.assertEqual(len(refused), 2)
        self.assertTrue(all("cannot be debited" in message for message in refused))
        self.assertEqual(
            sorted(res["points_balance"] for res in accepted), [20, 100, 180, 260, 340, 420]
        )
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.partner_id)
            self.assertEqual(partner.member_points, 20)
            self.assertEqual(
                env["member.points.lot"]
                .search([("partner_id", "=", self.partner_id)])
                .mapped("points_remaining"),
                [0, 20],  # the lot closest to expiry (the older one) was consumed first
            )
            self.assertEqual(
                [
                    row
                    for row in env["member.balance"]._get_drift()
                    if row["partner_id"] == self.partner_id
                ],
                [],
            )
