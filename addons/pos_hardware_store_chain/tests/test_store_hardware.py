"""Proxies belong to stores: store staff see their own store's hardware, HQ sees it all."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from odoo.addons.store_chain.tests.common import ChainCommon


@tagged("post_install", "-at_install")
class TestStoreHardware(ChainCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Proxy = cls.env["pos.hardware.proxy"]
        cls.proxy_a = Proxy.create(
            {"name": "A counter", "url": "http://10.0.1.2:8069", "chain_store_id": cls.store_a.id}
        )
        cls.proxy_b = Proxy.create(
            {"name": "B counter", "url": "http://10.0.2.2:8069", "chain_store_id": cls.store_b.id}
        )
        cls.proxy_spare = Proxy.create({"name": "Spare", "url": "http://10.0.9.2:8069"})
        cls.env["pos.hardware.device"].create(
            [
                {"proxy_id": cls.proxy_a.id, "device_type": "printer", "name": "A printer"},
                {"proxy_id": cls.proxy_b.id, "device_type": "printer", "name": "B printer"},
            ]
        )
        cls.ours = cls.proxy_a | cls.proxy_b | cls.proxy_spare

    def _visible(self, user, model):
        records = self.env[model].with_user(user).search_read([], ["name"])
        return {record["name"] for record in records}

    def test_store_user_sees_own_store_and_unassigned(self):
        self.assertEqual(
            self._visible(self.user_a, "pos.hardware.proxy") & set(self.ours.mapped("name")),
            {"A counter", "Spare"},
        )
        self.assertEqual(
            self._visible(self.user_a, "pos.hardware.device") & {"A printer", "B printer"},
            {"A printer"},
        )

    def test_region_manager_sees_stores_under_region_and_hq_all(self):
        east = self._visible(self.manager_east, "pos.hardware.proxy")
        self.assertIn("A counter", east)  # store A is under East > Shanghai
        self.assertNotIn("B counter", east)  # store B is in South
        self.assertLessEqual(
            set(self.ours.mapped("name")), self._visible(self.user_hq, "pos.hardware.proxy")
        )

    def test_till_and_proxy_must_be_in_the_same_store(self):
        with self.assertRaisesRegex(ValidationError, "POS A is in store .*Store A.*B counter"):
            self.config_a.hw_proxy_id = self.proxy_b
        self.config_a.hw_proxy_id = self.proxy_a
        with self.assertRaisesRegex(ValidationError, "serves store .*Store B"):
            self.proxy_a.chain_store_id = self.store_b

    def test_store_form_lists_its_hardware(self):
        self.assertEqual(self.store_a.hw_proxy_ids, self.proxy_a)
        self.proxy_a.state = "offline"
        self.assertEqual(self.store_a.hw_offline_count, 1)
        self.assertEqual(self.store_b.hw_offline_count, 0)
