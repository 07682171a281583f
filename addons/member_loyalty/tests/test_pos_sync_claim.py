import copy
import threading

from odoo import api
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import tagged
from odoo.tools import mute_logger

from . import test_concurrency_pos


@tagged("post_install", "-at_install")
class TestPosSyncClaim(test_concurrency_pos.TestConcurrentPosSync):
    """Two tabs pushing the same offline order at once create one ``pos.order`` (also without
    a member), thanks to the uuid claim taken before the order is looked up."""

    # the parent's scenario runs in its own class
    test_same_order_synced_concurrently_earns_once = None

    def _cleanup(self):
        with self.registry.cursor() as cr:
            cr.execute("DELETE FROM member_pos_sync_claim WHERE uuid = ANY(%s)", (self.uuids,))
        return super()._cleanup()

    def _order_data(self):
        data = super()._order_data()
        self.uuids = [*getattr(self, "uuids", []), data["uuid"]]
        return data

    def _sync_from_same_snapshot(self, data, tills=3):
        """Every till takes its snapshot before any of them pushes, so none of them can see
        an order another one commits (the worst interleaving); a refused push is retried as
        Odoo's RPC layer does. Returns the ids the pushes got back."""
        barrier = threading.Barrier(tills)
        order_ids = []
        retried = []

        def till():
            with self.registry.cursor() as cr:
                cr.execute("SELECT 1")  # the REPEATABLE READ snapshot is taken here
                barrier.wait()
                env = api.Environment(cr, self.admin_id, {})
                try:
                    with mute_logger("odoo.sql_db"):
                        result = env["pos.order"].sync_from_ui([copy.deepcopy(data)])
                    order_ids.append(result["pos.order"][0]["id"])
                    return
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    cr.rollback()
                    retried.append(True)
            order_ids.append(self._sync(data))

        threads = [threading.Thread(target=till) for _index in range(tills)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return order_ids, retried

    def test_same_offline_order_pushed_by_three_tabs_creates_one_order(self):
        data = self._order_data()
        data["partner_id"] = False  # not a member order: nothing else serializes the pushes
        order_ids, retried = self._sync_from_same_snapshot(data)
        self._sync(data)  # once more, late
        with self.registry.cursor() as cr:
            cr.execute("SELECT id, amount_paid FROM pos_order WHERE uuid = %s", (data["uuid"],))
            rows = cr.fetchall()
        self.assertEqual(rows, [(order_ids[0], 100.0)])
        self.assertEqual(set(order_ids), {order_ids[0]})
        self.assertEqual(len(order_ids), 3)
        self.assertEqual(len(retried), 2, "the two later pushes were refused and retried")
