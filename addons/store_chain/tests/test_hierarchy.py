from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import ChainCommon


@tagged("post_install", "-at_install")
class TestHierarchy(ChainCommon):
    def test_region_subtree(self):
        regions = self.env["chain.region"].search([("id", "child_of", self.region_east.id)])
        self.assertEqual(regions, self.region_east | self.region_sh)
        self.assertEqual(self.region_sh.complete_name, "HQ / East / Shanghai")
        stores = self.env["chain.store"].search([("region_id", "child_of", self.region_hq.id)])
        self.assertEqual(stores, self.store_a | self.store_b)
        self.assertEqual(self.region_hq.store_count, 2)
        self.assertEqual(self.region_east.store_count, 1)

    def test_region_no_cycle(self):
        with self.assertRaises(UserError):
            self.region_hq.parent_id = self.region_sh

    def test_store_code_unique(self):
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            self.env["chain.store"].create({"name": "Dup", "code": "T-A"})

    def test_store_display_name_and_search(self):
        self.assertEqual(self.store_a.display_name, "[T-A] Store A")
        found = self.env["chain.store"].name_search("T-B")
        self.assertEqual([row[0] for row in found], [self.store_b.id])

    def test_pos_config_company_must_match_store(self):
        other = self.env["res.company"].create({"name": "Other Co"})
        with self.assertRaises(UserError):
            self.env["chain.store"].create(
                {"name": "X", "code": "T-X", "company_id": other.id}
            ).write({"pos_config_ids": [(4, self.config_a.id)]})

    def test_closing_date_after_opening(self):
        with self.assertRaises(ValidationError):
            self.store_a.write({"opening_date": "2026-02-01", "closing_date": "2026-01-01"})
        self.store_a.action_close()
        self.assertEqual(self.store_a.state, "closed")
        self.assertTrue(self.store_a.closing_date)

    def test_store_pos_sells_from_store_warehouse(self):
        config = self.env["pos.config"].create(
            {"name": "POS A2", "chain_store_id": self.store_a.id}
        )
        self.assertEqual(config.picking_type_id, self.wh_a.pos_type_id)
        self.assertIn(config, self.store_a.pos_config_ids)
        action = self.store_a.action_view_orders()
        self.assertEqual(action["domain"], [("chain_store_id", "=", self.store_a.id)])
