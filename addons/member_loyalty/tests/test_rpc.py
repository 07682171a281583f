from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException

from .common import MemberLoyaltyCommon


@tagged("post_install", "-at_install")
class TestCashierRpc(MemberLoyaltyCommon, HttpCase):
    """What a cashier's browser session can and cannot do over JSON-RPC."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_member_config()
        cls.member = cls._new_member("Rpc Member", "+86 138 0013 8055")
        cls.member.member_topup(100.0, "rpc-topup")
        new_test_user(
            cls.env,
            login="member_rpc_cashier",
            password="member_rpc_cashier",
            groups="base.group_user,point_of_sale.group_pos_user",
        )
        new_test_user(
            cls.env,
            login="member_rpc_integration",
            password="member_rpc_integration",
            groups="base.group_user,member_loyalty.group_member_api",
        )

    def _call(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_cashier_rpc_cannot_forge_ledgers(self):
        self.authenticate("member_rpc_cashier", "member_rpc_cashier")
        forged = {
            "partner_id": self.member.id,
            "kind": "earn",
            "points": 100000,
            "idempotency_key": "forged-rpc",
            "company_id": self.env.company.id,
            "user_id": self.env.uid,
        }
        for model, method, args in (
            ("member.points.move", "create", [forged]),
            ("member.balance", "write", [[self.member.member_balance_id.id], {"points": 100000}]),
            ("res.partner", "_member_points_credit", [[self.member.id], None, 100, "k", "earn"]),
            ("res.partner", "member_cashout", [[self.member.id], "rpc-cashout"]),
            ("res.partner", "member_topup", [[self.member.id], 500.0, "rpc-topup-forged"]),
            # a cashier spends through a POS order, not bare over RPC
            ("res.partner", "member_wallet_spend", [[self.member.id], 30.0, "rpc-spend-bare"]),
            ("res.partner", "member_points_redeem", [[self.member.id], 1, "rpc-redeem-bare"]),
            ("res.partner", "write", [[self.member.id], {"member_tier_id": self.tier_gold.id}]),
        ):
            with (
                self.subTest(model=model, method=method),
                self.assertRaisesRegex(JsonRpcException, "AccessError"),
            ):
                self._call(model, method, args)
        found = self._call("res.partner", "member_find", ["+8613800138055"])
        self.assertEqual(found[0]["balance"], 100.0)
        # an integration spends through the public API, replay-safe
        self.authenticate("member_rpc_integration", "member_rpc_integration")
        state = self._call("res.partner", "member_wallet_spend", [[self.member.id], 30.0, "rpc-1"])
        again = self._call("res.partner", "member_wallet_spend", [[self.member.id], 30.0, "rpc-1"])
        self.assertEqual(state, again)
        self.assertEqual(state["balance"], 70.0)
        found = self._call("res.partner", "member_find", ["+8613800138055"])
        self.assertEqual(found[0]["balance"], 70.0)
        self.assertEqual(self.member.member_points, 0)
        self.assertEqual(self.member.member_wallet, 70.0)
