from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import ChainCommon


@tagged("post_install", "-at_install")
class TestReplenishment(ChainCommon):
    def _request(self, store, user=None):
        Request = self.env["chain.replenishment"]
        if user:
            Request = Request.with_user(user)
        request = Request.create(
            {
                "store_id": store.id,
                "line_ids": [
                    Command.create({"product_id": self.product.id, "qty_requested": 10}),
                    Command.create({"product_id": self.product_2.id, "qty_requested": 4}),
                ],
            }
        )
        request.action_submit()
        return request.with_user(self.user_hq)

    def _approve_with_changes(self, request):
        """HQ lowers the first line from 10 to 6 and approves."""
        request.line_ids[0].qty_approved = 6
        request.action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(request.approver_id, self.user_hq)

    def _moves(self, picking):
        return {(m.product_id, m.product_uom_qty) for m in picking.move_ids}

    def test_direct_store_same_company_internal_transfer(self):
        request = self._request(self.store_a, user=self.user_a)
        self.assertTrue(request.name.startswith("REP/"))
        self.assertEqual(request.state, "submitted")
        self._approve_with_changes(request)
        picking = request.picking_ids
        self.assertEqual(len(picking), 1)
        self.assertEqual(picking.picking_type_id, self.wh_dist.int_type_id)
        self.assertEqual(picking.location_id, self.wh_dist.lot_stock_id)
        self.assertEqual(picking.location_dest_id, self.wh_a.lot_stock_id)
        self.assertEqual(self._moves(picking), {(self.product, 6.0), (self.product_2, 4.0)})
        self.assertEqual(picking.origin, request.name)
        # the store sees the goods coming
        self.assertEqual(request.line_ids[0].incoming_qty, 6.0)
        incoming = self.env["stock.picking"].search(self.store_a.action_view_incoming()["domain"])
        self.assertEqual(incoming, picking)
        self.assertFalse(
            self.env["stock.picking"].search(self.store_b.action_view_incoming()["domain"])
        )

    def test_direct_branch_store_goes_through_transit(self):
        branch = self.env["res.company"].create(
            {"name": "Chain Branch SH", "parent_id": self.company.id}
        )
        wh_branch = self.env["stock.warehouse"].search([("company_id", "=", branch.id)], limit=1)
        store = self.env["chain.store"].create(
            {
                "name": "Branch store",
                "code": "T-BR",
                "company_id": branch.id,
                "warehouse_id": wh_branch.id,
                "supply_warehouse_id": self.wh_dist.id,
            }
        )
        request = self._request(store)
        self._approve_with_changes(request)
        out = request.picking_ids.filtered(lambda p: p.company_id == self.company)
        receipt = request.picking_ids.filtered(lambda p: p.company_id == branch)
        transit = self.env.ref("stock.stock_location_inter_company")
        self.assertEqual(
            (out.location_id, out.location_dest_id), (self.wh_dist.lot_stock_id, transit)
        )
        self.assertEqual(
            (receipt.location_id, receipt.location_dest_id), (transit, wh_branch.lot_stock_id)
        )
        self.assertEqual(self._moves(out), {(self.product, 6.0), (self.product_2, 4.0)})
        self.assertEqual(self._moves(receipt), {(self.product, 6.0), (self.product_2, 4.0)})
        # the store cannot receive before HQ ships: the receipt waits for the delivery
        self.assertEqual(receipt.move_ids.move_orig_ids, out.move_ids)
        self.assertEqual(receipt.state, "waiting")
        self.assertFalse(any(receipt.move_ids.mapped("quantity")))
        self.env["stock.quant"]._update_available_quantity(
            self.product, self.wh_dist.lot_stock_id, 6.0
        )
        self.env["stock.quant"]._update_available_quantity(
            self.product_2, self.wh_dist.lot_stock_id, 4.0
        )
        out.action_assign()
        out.button_validate()
        self.assertEqual(out.state, "done")
        self.assertEqual(receipt.state, "assigned")
        self.assertEqual(
            {(m.product_id, m.quantity) for m in receipt.move_ids},
            {(self.product, 6.0), (self.product_2, 4.0)},
        )

    def test_franchise_store_gets_sale_and_purchase_order(self):
        franchise = self.env["res.company"].create({"name": "Franchise Co"})
        wh_fr = self.env["stock.warehouse"].search([("company_id", "=", franchise.id)], limit=1)
        store = self.env["chain.store"].create(
            {
                "name": "Franchise store",
                "code": "T-FR",
                "store_type": "franchise",
                "company_id": franchise.id,
                "warehouse_id": wh_fr.id,
                "supply_warehouse_id": self.wh_dist.id,
            }
        )
        request = self._request(store)
        self._approve_with_changes(request)
        sale = request.sale_order_id
        purchase = request.purchase_order_id
        self.assertEqual(sale.company_id, self.company)
        self.assertEqual(sale.partner_id, franchise.partner_id)
        self.assertEqual(sale.state, "sale")
        self.assertEqual(
            {(line.product_id, line.product_uom_qty) for line in sale.order_line},
            {(self.product, 6.0), (self.product_2, 4.0)},
        )
        self.assertEqual(purchase.company_id, franchise)
        self.assertEqual(purchase.partner_id, self.company.partner_id)
        self.assertEqual(purchase.state, "purchase")
        self.assertEqual(
            {(line.product_id, line.product_qty, line.price_unit) for line in purchase.order_line},
            {(self.product, 6.0, 50.0), (self.product_2, 4.0, 30.0)},
        )
        receipt = purchase.picking_ids
        self.assertEqual(receipt.location_dest_id, wh_fr.lot_stock_id)
        self.assertEqual(request.picking_ids, sale.picking_ids | receipt)

    def test_store_user_cannot_approve(self):
        request = self._request(self.store_a, user=self.user_a)
        with self.assertRaises(AccessError):
            request.with_user(self.user_a).action_approve()
        self.assertEqual(request.state, "submitted")

    def test_empty_request_cannot_be_submitted(self):
        request = self.env["chain.replenishment"].create({"store_id": self.store_a.id})
        with self.assertRaises(UserError):
            request.action_submit()

    def test_store_user_cannot_see_other_store_requests(self):
        request_b = self._request(self.store_b)
        visible = (
            self.env["chain.replenishment"]
            .with_user(self.user_a)
            .search([("id", "=", request_b.id)])
        )
        self.assertFalse(visible)

    def test_store_user_cannot_move_request_to_other_store(self):
        Request = self.env["chain.replenishment"].with_user(self.user_a)
        draft = Request.create(
            {
                "store_id": self.store_a.id,
                "line_ids": [Command.create({"product_id": self.product.id, "qty_requested": 2})],
            }
        )
        with self.assertRaises(AccessError):
            draft.write({"store_id": self.store_b.id})
        submitted = self._request(self.store_a, user=self.user_a).with_user(self.user_a)
        with self.assertRaisesRegex(AccessError, "another store"):
            submitted.write({"store_id": self.store_b.id})
        self.assertEqual((draft.store_id, submitted.store_id), (self.store_a, self.store_a))

    def test_approved_quantity_is_hq_s(self):
        request = (
            self.env["chain.replenishment"]
            .with_user(self.user_a)
            .create(
                {
                    "store_id": self.store_a.id,
                    "line_ids": [
                        Command.create(
                            {"product_id": self.product.id, "qty_requested": 2, "qty_approved": 500}
                        )
                    ],
                }
            )
        )
        line = request.line_ids
        self.assertEqual(line.qty_approved, 2)
        line.write({"qty_approved": 500})
        self.assertEqual(line.qty_approved, 2)
        line.write({"qty_requested": 3, "qty_approved": 7})
        self.assertEqual(line.qty_approved, 3)
        request.action_submit()
        line.with_user(self.user_hq).qty_approved = 1
        self.assertEqual(line.qty_approved, 1)
