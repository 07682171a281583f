import copy
import threading
import time
import uuid

from odoo import api, fields
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tests import TransactionCase, tagged
from odoo.tools import mute_logger

from .common import MEMBER_TABLES, delete_committed_members


@tagged("post_install", "-at_install")
class TestConcurrentPosSync(TransactionCase):
    """The same POS order synced by three tills at once earns once (committed data, cleaned up)."""

    def setUp(self):
        super().setUp()
        self.ids = {}
        self.addCleanup(self._cleanup)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            admin = env.ref("base.user_admin")
            card = env["pos.payment.method"].search(
                [
                    ("is_cash_count", "=", False),
                    ("journal_id", "!=", False),
                    ("company_id", "=", env.company.id),
                ],
                limit=1,
            )
            config = env["pos.config"].create(
                {"name": "Member concurrency till", "payment_method_ids": [(6, 0, card.ids)]}
            )
            self.ids["config"] = config.id
            config.with_user(admin).open_ui()
            self.ids["session"] = config.current_session_id.id
            product = env["product.product"].create(
                {"name": "Member test service", "type": "service", "list_price": 100.0,
                 "available_in_pos": True, "taxes_id": [(6, 0, [])]}
            )  # fmt: skip
            self.ids["product"] = product.id
            partner = env["res.partner"].create({"name": "Till Member", "phone": "+8613899990002"})
            self.ids["partner"] = partner.id
            partner._member_enrol()
            self.admin_id = admin.id
            self.payment_method_id = card.id
            self.pricelist_id = config.pricelist_id.id

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partner_id = self.ids.get("partner")
            if partner_id:
                # the orders' ledger rows go before the orders
                for table in MEMBER_TABLES:
                    cr.execute(f"DELETE FROM {table} WHERE partner_id = %s", (partner_id,))
            session_id = self.ids.get("session")
            if session_id:
                cr.execute("SELECT id FROM pos_order WHERE session_id = %s", (session_id,))
                order_ids = [row[0] for row in cr.fetchall()] or [0]
                cr.execute(
                    "DELETE FROM member_pos_sync_claim WHERE uuid IN "
                    "(SELECT uuid FROM pos_order WHERE id = ANY(%s))",
                    (order_ids,),
                )
                cr.execute("DELETE FROM pos_payment WHERE pos_order_id = ANY(%s)", (order_ids,))
                cr.execute("DELETE FROM pos_order_line WHERE order_id = ANY(%s)", (order_ids,))
                cr.execute("DELETE FROM pos_order WHERE id = ANY(%s)", (order_ids,))
                cr.execute(
                    "DELETE FROM mail_message WHERE model IN ('pos.order', 'pos.session') "
                    "AND res_id = ANY(%s)", ([*order_ids, session_id],)
                )  # fmt: skip
                cr.execute("DELETE FROM pos_session WHERE id = %s", (session_id,))
            if self.ids.get("config"):
                env["pos.config"].browse(self.ids["config"]).unlink()
            if self.ids.get("product"):
                template = env["product.product"].browse(self.ids["product"]).product_tmpl_id
                # POS refuses to delete a product sold in an open session (other tests' or the
                # demo's); this one is ours alone once taken out of POS
                template.available_in_pos = False
                template.unlink()
            if partner_id:
                delete_committed_members(cr, [partner_id])

    def _order_data(self):
        order_uuid = str(uuid.uuid4())
        now = fields.Datetime.to_string(fields.Datetime.now())
        return {
            "amount_paid": 100.0,
            "amount_return": 0,
            "amount_tax": 0,
            "amount_total": 100.0,
            "date_order": now,
            "fiscal_position_id": False,
            "pricelist_id": self.pricelist_id,
            "name": f"Order {order_uuid}",
            "last_order_preparation_change": "{}",
            "lines": [(0, 0, {
                "product_id": self.ids["product"], "qty": 1, "price_unit": 100.0,
                "price_subtotal": 100.0, "price_subtotal_incl": 100.0, "discount": 0,
                "tax_ids": [(6, 0, [])], "pack_lot_ids": [],
            })],
            "partner_id": self.ids["partner"],
            "session_id": self.ids["session"],
            "sequence_number": 2,
            "payment_ids": [(0, 0, {
                "amount": 100.0, "name": now, "payment_method_id": self.payment_method_id,
            })],
            "uuid": order_uuid,
            "user_id": self.admin_id,
            "to_invoice": False,
        }  # fmt: skip

    def _sync(self, data):
        for _attempt in range(50):
            try:
                with self.registry.cursor() as cr, mute_logger("odoo.sql_db"):
                    env = api.Environment(cr, self.admin_id, {})
                    return env["pos.order"].sync_from_ui([copy.deepcopy(data)])["pos.order"][0][
                        "id"
                    ]
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                time.sleep(0.01)
        raise AssertionError("too many serialization failures")

    def _sync_concurrently(self, data, tills=3):
        """The same order pushed by ``tills`` tabs at once, then once more, late: the ids the
        concurrent pushes got back."""
        barrier = threading.Barrier(tills)
        order_ids = []

        def till():
            barrier.wait()
            order_ids.append(self._sync(data))

        threads = [threading.Thread(target=till) for _index in range(tills)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        self._sync(data)
        return order_ids

    def test_same_order_synced_concurrently_earns_once(self):
        data = self._order_data()
        order_ids = self._sync_concurrently(data)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, api.SUPERUSER_ID, {})
            partner = env["res.partner"].browse(self.ids["partner"])
            earn = env["member.points.move"].search(
                [("partner_id", "=", partner.id), ("kind", "=", "earn")]
            )
            self.assertEqual(len(set(order_ids)), 1)
            self.assertEqual(len(earn), 1)
            self.assertEqual(earn.points, 100)
            self.assertEqual(partner.member_points, 100)
            drift = [r for r in env["member.balance"]._get_drift() if r["partner_id"] == partner.id]
            self.assertEqual(drift, [])
