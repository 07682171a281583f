import copy

from odoo import api
from odoo.tests import tagged
from odoo.tools import SQL

from . import test_concurrency_pos


@tagged("post_install", "-at_install")
class TestConcurrentHoldCapture(test_concurrency_pos.TestConcurrentPosSync):
    """An authorised stored-value payment whose paid order is pushed by three tabs at once
    (and once more, late) is captured once: one debit, no release, balance consistent."""

    # the parent's scenario runs in its own class
    test_same_order_synced_concurrently_earns_once = None

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.ids["partner"])
            partner.member_topup(100.0, f"hold-concurrency-{partner.id}")
            card = env["pos.payment.method"].browse(self.payment_method_id)
            balance_pm = card.copy(
                {"name": "Member Balance (concurrency)", "payment_method_type": "member_balance"}
            )
            self.ids["balance_pm"] = balance_pm.id
            # the session is already open (stock refuses to change its methods through the ORM)
            relation = env["pos.config"]._fields["payment_method_ids"]
            cr.execute(
                SQL(
                    "INSERT INTO %s (%s, %s) VALUES (%s, %s)",
                    SQL.identifier(relation.relation),
                    SQL.identifier(relation.column1),
                    SQL.identifier(relation.column2),
                    self.ids["config"],
                    balance_pm.id,
                )
            )

    def _cleanup(self):
        res = super()._cleanup()
        if self.ids.get("balance_pm"):
            with self.registry.cursor() as cr:
                cr.execute(
                    "DELETE FROM pos_payment_method WHERE id = %s", (self.ids["balance_pm"],)
                )
        return res

    def test_paid_order_pushed_by_three_tabs_captures_once(self):
        data = self._order_data()
        draft = dict(copy.deepcopy(data), state="draft", payment_ids=[], amount_paid=0)
        order_id = self._sync(draft)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, self.admin_id, {})
            env["pos.order"].browse(order_id).member_pos_authorize_wallet("tab-pay", 60.0)
        data["payment_ids"] = [
            (0, 0, {**data["payment_ids"][0][2], "amount": 40.0}),
            (0, 0, {**data["payment_ids"][0][2], "amount": 60.0, "uuid": "tab-pay",
                    "payment_method_id": self.ids["balance_pm"]}),
        ]  # fmt: skip
        data["access_token"] = "tab-token"
        order_ids = self._sync_concurrently(data)  # three tabs, then once more, late
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.ids["partner"])
            hold = env["member.hold"].search([("key", "=", "pos.payment:tab-pay")])
            spends = env["member.wallet.move"].search(
                [("partner_id", "=", partner.id), ("kind", "in", ("spend", "refund"))]
            )
            self.assertEqual(set(order_ids), {order_id})
            self.assertEqual((hold.state, hold.pos_order_id.id), ("captured", order_id))
            self.assertEqual(spends.mapped("amount"), [-60.0])
            self.assertEqual(partner.member_wallet, 40.0)
            drift = [r for r in env["member.balance"]._get_drift() if r["partner_id"] == partner.id]
            self.assertEqual(drift, [])
