from odoo.tests import tagged

from .common import ChainCommon


@tagged("post_install", "-at_install")
class TestAnalysisScope(ChainCommon):
    """POS > Reporting > Orders and Inventory > Moves Analysis show only the user's stores."""

    def _moves(self, warehouse, with_picking):
        vals = {
            "name": "Chain scope move",
            "product_id": self.product.id,
            "product_uom_qty": 3,
            "product_uom": self.product.uom_id.id,
            "location_id": self.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": warehouse.lot_stock_id.id,
        }
        if with_picking:
            vals["picking_type_id"] = warehouse.in_type_id.id
        move = self.env["stock.move"].create(vals)
        move._action_confirm()
        move.quantity = 3
        move.picked = True
        move._action_done()
        return move

    def test_store_user_sees_own_pos_order_analysis(self):
        order_a = self._sync_order(self.config_a, 80.0)
        order_b = self._sync_order(self.config_b, 120.0)
        Report = self.env["report.pos.order"]
        domain = [("order_id", "in", (order_a | order_b).ids)]
        self.assertEqual(set(Report.search(domain).order_id.ids), {order_a.id, order_b.id})
        rows = Report.with_user(self.user_a).search_read(domain, ["order_id", "price_total"])
        self.assertEqual({row["order_id"][0] for row in rows}, {order_a.id})
        self.assertEqual(sum(row["price_total"] for row in rows), 80.0)
        rows = Report.with_user(self.user_hq).search_read(domain, ["order_id"])
        self.assertEqual({row["order_id"][0] for row in rows}, {order_a.id, order_b.id})

    def test_store_manager_sees_own_stock_moves(self):
        manager = self.manager_a
        moves_a = self._moves(self.wh_a, True) | self._moves(self.wh_a, False)
        moves_b = self._moves(self.wh_b, True) | self._moves(self.wh_b, False)
        moves = moves_a | moves_b
        Move = self.env["stock.move"].with_user(manager)
        self.assertEqual(Move.search([("id", "in", moves.ids)]), moves_a)
        MoveLine = self.env["stock.move.line"].with_user(manager)
        self.assertEqual(
            MoveLine.search([("move_id", "in", moves.ids)]).move_id,
            moves_a,
        )
        self.assertEqual(
            self.env["stock.move"].with_user(self.user_hq).search([("id", "in", moves.ids)]),
            moves,
        )
