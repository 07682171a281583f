import threading
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tests.common import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestApproveConcurrency(BaseCase):
    """Two HQ users approve the same request at the same moment, on separate cursors of the
    real database: exactly one set of transfers is created. The data is committed, so the
    test creates it in setUpClass and removes it afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        cls.addClassCleanup(cls._cleanup)
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            cls.product_id = (
                env["product.product"].create({"name": "Concurrency Rice", "is_storable": True}).id
            )
            cls.store_id = (
                env["chain.store"]
                .create(
                    {
                        "name": "Concurrency store",
                        "code": f"T-CC-{uuid4().hex[:8]}",
                        "warehouse_id": warehouse.id,
                        "supply_warehouse_id": warehouse.id,
                    }
                )
                .id
            )
            request = env["chain.replenishment"].create(
                {
                    "store_id": cls.store_id,
                    "line_ids": [
                        Command.create({"product_id": cls.product_id, "qty_requested": 3})
                    ],
                }
            )
            request.action_submit()
            cls.request_id = request.id

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["chain.replenishment"].browse(cls.request_id)
            pickings = request.picking_ids
            pickings.action_cancel()
            pickings.unlink()
            request.unlink()
            env["chain.store"].browse(cls.store_id).unlink()
            env["product.product"].browse(cls.product_id).unlink()

    @mute_logger("odoo.sql_db")
    def test_concurrent_approval_creates_one_transfer(self):
        barrier = threading.Barrier(2)

        def approve():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                request = env["chain.replenishment"].browse(self.request_id)
                self.assertEqual(request.state, "submitted")  # both transactions see it submitted
                barrier.wait(timeout=10)
                try:
                    request.action_approve()
                    # real concurrent transactions: the winner must commit
                    cr.commit()  # pylint: disable=invalid-commit
                except (SerializationFailure, UserError):
                    cr.rollback()
                    return False
            return True

        with ThreadPoolExecutor(max_workers=2) as executor:
            futures = [executor.submit(approve) for _i in range(2)]
            results = [future.result(timeout=60) for future in futures]

        self.assertEqual(sorted(results), [False, True], "exactly one approval must go through")
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            request = env["chain.replenishment"].browse(self.request_id)
            self.assertEqual(request.state, "approved")
            self.assertEqual(len(request.picking_ids), 1)
            moves = env["stock.move"].search([("product_id", "=", self.product_id)])
            self.assertEqual(sum(moves.mapped("product_uom_qty")), 3.0)
