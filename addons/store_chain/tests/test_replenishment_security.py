from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ChainCommon


@tagged("post_install", "-at_install")
class TestReplenishmentSecurity(ChainCommon):
    """A store cannot drive the approval workflow or change a request once submitted."""

    def _submitted(self):
        request = (
            self.env["chain.replenishment"]
            .with_user(self.user_a)
            .create(
                {
                    "store_id": self.store_a.id,
                    "line_ids": [
                        Command.create({"product_id": self.product.id, "qty_requested": 10})
                    ],
                }
            )
        )
        request.action_submit()
        self.assertEqual(request.state, "submitted")
        return request

    def test_store_cannot_reopen_approved_request(self):
        request = self._submitted()
        request.with_user(self.user_hq).action_approve()
        pickings = request.picking_ids
        self.assertEqual(len(pickings), 1)
        with self.assertRaises(AccessError):
            request.write({"state": "submitted"})
        with self.assertRaises(AccessError):
            request.write({"picking_ids": [Command.clear()]})
        self.assertEqual(request.state, "approved")
        # even if the state were forced back, a second approval creates nothing
        request.sudo().state = "submitted"
        with self.assertRaises(UserError):
            request.with_user(self.user_hq).action_approve()
        self.assertEqual(request.picking_ids, pickings)
        self.assertEqual(self.env["stock.picking"].search_count([("origin", "=", request.name)]), 1)

    def test_store_cannot_change_lines_after_submit(self):
        request = self._submitted()
        line = request.line_ids
        line.with_user(self.user_hq).qty_approved = 4
        with self.assertRaises(UserError):
            line.write({"qty_requested": 12})
        with self.assertRaises(UserError):
            line.unlink()
        with self.assertRaises(UserError):
            self.env["chain.replenishment.line"].with_user(self.user_a).create(
                {"replenishment_id": request.id, "product_id": self.product_2.id}
            )
        self.assertEqual((line.qty_requested, line.qty_approved), (10.0, 4.0))
        self.assertEqual(len(request.line_ids), 1)
        # back to draft, the store edits its request again
        request.action_reset_draft()
        line.write({"qty_requested": 12})
        self.assertEqual(line.qty_requested, 12.0)

    def test_store_cannot_source_from_other_warehouse(self):
        Request = self.env["chain.replenishment"].with_user(self.user_a)
        with self.assertRaises(AccessError):
            Request.create({"store_id": self.store_a.id, "supply_warehouse_id": self.wh_b.id})
        request = Request.create(
            {"store_id": self.store_a.id, "supply_warehouse_id": self.wh_dist.id}
        )
        with self.assertRaises(AccessError):
            request.write({"supply_warehouse_id": self.wh_b.id})
        self.assertEqual(request.supply_warehouse_id, self.wh_dist)
        # HQ may pick another distribution warehouse
        request.with_user(self.user_hq).supply_warehouse_id = self.wh_b
        self.assertEqual(request.supply_warehouse_id, self.wh_b)
