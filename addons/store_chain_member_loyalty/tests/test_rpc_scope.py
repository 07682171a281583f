from odoo.tests import HttpCase, tagged

from .common import ChainMemberCommon


@tagged("post_install", "-at_install")
class TestRpcScope(HttpCase, ChainMemberCommon):
    """The personal-data scope through the web client's JSON-RPC endpoint."""

    def _rpc(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_search_read_and_web_read_as_store_users(self):
        self._at(self.store_a).member_topup(50.0, "rpc-topup")
        fields = ["name", "member_number", "member_wallet", "phone", "email", "birthday"]
        self.authenticate("t_store_b", "t_store_b")
        rows = self._rpc("res.partner", "search_read", [("id", "=", self.member.id)], fields=fields)
        self.assertEqual(
            rows,
            [
                {
                    "id": self.member.id,
                    "name": "Han Meimei",
                    "member_number": self.member.member_number,
                    "member_wallet": 50.0,
                    "phone": False,
                    "email": False,
                    "birthday": False,
                }
            ],
        )
        form = self._rpc(
            "res.partner", "web_read", [self.member.id], specification={"phone": {}, "city": {}}
        )
        self.assertEqual(form, [{"id": self.member.id, "phone": False, "city": False}])
        moves = self._rpc(
            "member.wallet.move",
            "search_read",
            [("partner_id", "=", self.member.id)],
            fields=["amount"],
        )
        self.assertEqual(moves, [])
        # the till lookup at store B still finds the member with tier and balance
        found = self._rpc("res.partner", "member_pos_find", "+86 138 0013 8100", self.config_b.id)
        self.assertEqual([row["id"] for row in found], [self.member.id])
        info = self._rpc("res.partner", "member_pos_info", [self.member.id], self.config_b.id)
        self.assertEqual((info["tier"], info["balance"]), ("Basic", 50.0))

        self.authenticate("t_store_a", "t_store_a")
        rows = self._rpc("res.partner", "search_read", [("id", "=", self.member.id)], fields=fields)
        self.assertEqual(
            (rows[0]["phone"], rows[0]["email"]), ("+8613800138100", "meimei@example.com")
        )
        moves = self._rpc(
            "member.wallet.move",
            "search_read",
            [("partner_id", "=", self.member.id)],
            fields=["amount"],
        )
        self.assertEqual([move["amount"] for move in moves], [50.0])
