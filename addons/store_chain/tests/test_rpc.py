from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import ChainCommon


@tagged("post_install", "-at_install")
class TestRpcIsolation(HttpCase, ChainCommon):
    """The same isolation through the web client's JSON-RPC endpoint."""

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_store_user_search_read_over_rpc(self):
        order_a = self._sync_order(self.config_a, 11.0)
        order_b = self._sync_order(self.config_b, 22.0)
        self.authenticate("t_store_a", "t_store_a")
        rows = self._rpc(
            "pos.order",
            "search_read",
            [("id", "in", (order_a | order_b).ids)],
            fields=["amount_total"],
        )
        self.assertEqual([(row["id"], row["amount_total"]) for row in rows], [(order_a.id, 11.0)])
        stores = self._rpc("chain.store", "search_read", [], fields=["code"])
        self.assertEqual([row["code"] for row in stores], ["T-A"])
        # reading the other store's order directly is refused
        with self.assertRaises(JsonRpcException) as error, self.assertLogs("odoo.http", "WARNING"):
            self._rpc("pos.order", "read", [order_b.id], ["amount_total"])
        self.assertEqual(str(error.exception), "odoo.exceptions.AccessError")
