from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import ChainCommon


@tagged("post_install", "-at_install")
class TestIsolation(ChainCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.order_a = cls._sync_order(cls.config_a, 80.0, cls.customer)
        cls.order_b = cls._sync_order(cls.config_b, 120.0)
        cls.orders = cls.order_a | cls.order_b

    def _visible(self, user, model, records):
        """What `user` gets from an RPC-like search_read restricted to `records`."""
        rows = self.env[model].with_user(user).search_read([("id", "in", records.ids)], ["id"])
        return {row["id"] for row in rows}

    def test_orders_booked_on_store(self):
        self.assertEqual(self.order_a.chain_store_id, self.store_a)
        self.assertEqual(self.order_b.chain_store_id, self.store_b)
        self.assertEqual(self.order_a.state, "paid")

    def test_store_user_sees_only_own_store(self):
        self.assertEqual(self._visible(self.user_a, "pos.order", self.orders), {self.order_a.id})
        self.assertEqual(
            self._visible(self.user_a, "pos.payment", self.orders.payment_ids),
            set(self.order_a.payment_ids.ids),
        )
        self.assertEqual(
            self._visible(self.user_a, "pos.order.line", self.orders.lines),
            set(self.order_a.lines.ids),
        )
        configs = self.config_a | self.config_b
        self.assertEqual(self._visible(self.user_a, "pos.config", configs), {self.config_a.id})
        sessions = self.orders.session_id
        self.assertEqual(
            self._visible(self.user_a, "pos.session", sessions), set(self.order_a.session_id.ids)
        )
        self.assertEqual(
            self._visible(self.user_a, "chain.store", self.store_a | self.store_b),
            {self.store_a.id},
        )

    def test_store_user_cannot_read_other_store_order(self):
        with self.assertRaises(AccessError):
            self.order_b.with_user(self.user_a).read(["amount_total"])
        self.assertEqual(
            self.order_a.with_user(self.user_a).read(["amount_total"])[0]["amount_total"], 80.0
        )

    def test_stock_scoped_to_store_warehouse(self):
        warehouses = self.wh_a | self.wh_b | self.wh_dist
        # the distribution warehouse belongs to no store: it stays visible (company rules only)
        self.assertEqual(
            self._visible(self.user_a, "stock.warehouse", warehouses),
            {self.wh_a.id, self.wh_dist.id},
        )
        Quant = self.env["stock.quant"]
        quant_a = Quant._update_available_quantity(self.product, self.wh_a.lot_stock_id, 5)
        quant_b = Quant._update_available_quantity(self.product, self.wh_b.lot_stock_id, 7)
        self.assertTrue(quant_a and quant_b)
        quants = Quant.search([("product_id", "=", self.product.id)])
        visible = Quant.with_user(self.user_a).search([("product_id", "=", self.product.id)])
        self.assertIn(self.wh_b.lot_stock_id, quants.location_id)
        self.assertIn(self.wh_a.lot_stock_id, visible.location_id)
        self.assertNotIn(self.wh_b.lot_stock_id, visible.location_id)
        Picking = self.env["stock.picking"]
        picking_a = Picking.create(
            {
                "picking_type_id": self.wh_a.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.wh_a.lot_stock_id.id,
            }
        )
        picking_b = Picking.create(
            {
                "picking_type_id": self.wh_b.in_type_id.id,
                "location_id": self.env.ref("stock.stock_location_suppliers").id,
                "location_dest_id": self.wh_b.lot_stock_id.id,
            }
        )
        user = self.manager_a
        self.assertEqual(
            self._visible(user, "stock.picking", picking_a | picking_b), {picking_a.id}
        )

    def test_region_manager_sees_subtree(self):
        # East manages the Shanghai area below it, not South
        self.assertEqual(
            self._visible(self.manager_east, "pos.order", self.orders), {self.order_a.id}
        )
        self.assertEqual(self.manager_east.chain_scope_store_ids, self.store_a)
        # moving store B under East widens the scope at once (rule cache is cleared)
        self.store_b.region_id = self.region_sh
        self.assertEqual(
            self._visible(self.manager_east, "pos.order", self.orders), set(self.orders.ids)
        )

    def test_hq_and_admin_see_everything(self):
        self.assertEqual(
            self._visible(self.user_hq, "pos.order", self.orders), set(self.orders.ids)
        )
        admin = self.env.ref("base.user_admin")
        self.assertEqual(self._visible(admin, "pos.order", self.orders), set(self.orders.ids))

    def test_plain_pos_user_not_affected(self):
        cashier = new_test_user(
            self.env, login="t_plain_pos", groups="base.group_user,point_of_sale.group_pos_user"
        )
        self.assertEqual(self._visible(cashier, "pos.order", self.orders), set(self.orders.ids))

    def test_allowed_stores_change_takes_effect(self):
        self.assertEqual(self._visible(self.user_a, "pos.order", self.orders), {self.order_a.id})
        self.user_a.chain_store_ids = self.store_a | self.store_b
        self.assertEqual(self._visible(self.user_a, "pos.order", self.orders), set(self.orders.ids))

    def test_current_store_is_one_of_the_user_s(self):
        self.user_a.with_user(self.user_a).write({"chain_store_id": self.store_a.id})
        # (assertRaises: in a savepoint, the refused write rolled back)
        with self.assertRaises(ValidationError) as refused:
            self.user_a.with_user(self.user_a).write({"chain_store_id": self.store_b.id})
        self.assertIn("must be one of their stores", str(refused.exception))
        with self.assertRaises(ValidationError):
            self.user_a.chain_store_ids = self.store_b  # the current store left out
        self.user_hq.chain_store_id = self.store_b  # HQ works for any store
        self.assertEqual(self.user_a.chain_store_id, self.store_a)

    def test_moving_till_keeps_past_orders_in_their_store(self):
        """A POS moved to store B keeps its earlier sales booked on store A."""
        self.config_a.current_session_id.sudo().action_pos_session_closing_control()
        self.config_a.chain_store_id = self.store_b
        self.assertEqual(self.order_a.chain_store_id, self.store_a)
        self.assertEqual(self._visible(self.user_a, "pos.order", self.orders), {self.order_a.id})
        self.assertEqual(self.store_a.ticket_count_month, 1)
        self.assertEqual(self.store_b.ticket_count_month, 1)
        # new sales of the moved till go to store B
        order = self._sync_order(self.config_a, 30.0)
        self.assertEqual(order.chain_store_id, self.store_b)
