from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import ChainCommon


@tagged("post_install", "-at_install")
class TestStoreWrite(ChainCommon):
    """Store managers may not move their store's scope (warehouse, users, company...)."""

    def test_manager_cannot_point_store_to_other_warehouse(self):
        store = self.store_a.with_user(self.manager_a)
        for vals in (
            {"warehouse_id": self.wh_b.id},
            {"supply_warehouse_id": self.wh_b.id},
            {"user_ids": [(4, self.manager_east.id)]},
            {"manager_ids": [(5, 0, 0)]},
            {"company_id": self.company.id},
        ):
            with self.assertRaises(AccessError):
                store.write(vals)
        self.assertEqual(self.store_a.warehouse_id, self.wh_a)
        self.assertEqual(self.store_a.manager_ids, self.manager_a)
        # the stock of store B stays invisible to manager A
        self.assertEqual(self.manager_a.chain_scope_store_ids.warehouse_id, self.wh_a)

    def test_manager_can_edit_non_structural_fields(self):
        self.store_a.with_user(self.manager_a).write({"note": "<p>Closed on Monday</p>"})
        self.assertIn("Monday", self.store_a.note)

    def test_hq_can_change_warehouse(self):
        self.store_a.with_user(self.user_hq).write({"warehouse_id": self.wh_b.id})
        self.assertEqual(self.store_a.warehouse_id, self.wh_b)
