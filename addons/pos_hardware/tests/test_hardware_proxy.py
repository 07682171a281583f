"""Back-office management of proxies, against the real proxy process and emulated devices."""

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import TransactionCase, tagged

from ..hw_proxy.printer import CASHBOX
from .hw_harness import EmulatedPrinter, Proxy, free_port, wait_for


@tagged("post_install", "-at_install")
class TestHardwareProxy(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.printer = EmulatedPrinter().start()
        cls.addClassCleanup(cls.printer.stop)
        cls.proxy_process = Proxy("--printer", f"{cls.printer.uri}?width=384", token="t0k")
        cls.addClassCleanup(cls.proxy_process.stop)
        cls.proxy = cls.env["pos.hardware.proxy"].create(
            {"name": "Store 1", "url": cls.proxy_process.url, "token": "t0k"}
        )
        cls.pos_config = cls.env["pos.config"].create({"name": "Till 1"})

    def test_refresh_status_records_devices(self):
        self.proxy.action_refresh_status()
        self.assertEqual(self.proxy.state, "online")
        self.assertTrue(self.proxy.last_seen)
        printer = self.proxy.device_ids.filtered(lambda d: d.device_type == "printer")
        self.assertEqual(len(printer), 1)
        self.assertEqual(printer.width, 384)
        self.assertIn(printer.status, ("connected", "connecting"))
        # a second refresh updates the same device rows
        self.proxy.action_refresh_status()
        self.assertEqual(len(self.proxy.device_ids), 1)

    def test_offline_proxy_is_reported(self):
        offline = self.env["pos.hardware.proxy"].create(
            {"name": "Closed store", "url": f"http://127.0.0.1:{free_port()}", "timeout": 1}
        )
        # only the two proxies of this test (demo data points at a LAN address)
        others = self.env["pos.hardware.proxy"].search(
            [("id", "not in", (offline | self.proxy).ids)]
        )
        others.action_archive()
        self.env["pos.hardware.proxy"]._cron_refresh_status()
        self.assertEqual(offline.state, "offline")
        self.assertIn("did not answer", offline.last_error)
        self.assertEqual(self.proxy.state, "online")

    def test_refresh_many_proxies_at_once(self):
        """One refresh over several stores: each proxy gets its own state, a dead one does not
        spoil the others, and the devices land on the right proxy."""
        printer = EmulatedPrinter().start()
        self.addCleanup(printer.stop)
        second = Proxy("--printer", f"{printer.uri}?width=576")
        self.addCleanup(second.stop)
        proxies = self.proxy | self.env["pos.hardware.proxy"].create(
            [
                {"name": "Store 2", "url": second.url},
                {"name": "Closed 1", "url": f"http://127.0.0.1:{free_port()}", "timeout": 1},
                {"name": "Closed 2", "url": f"http://127.0.0.1:{free_port()}", "timeout": 1},
            ]
        )
        proxies.action_refresh_status()
        self.assertEqual(proxies.mapped("state"), ["online", "online", "offline", "offline"])
        printers = [p.device_ids.filtered(lambda d: d.device_type == "printer") for p in proxies]
        widths = [printer.width for printer in printers]
        self.assertEqual(widths[:2], [384, 576])
        self.assertFalse(proxies[2:].device_ids)

    def test_print_test_page_and_open_drawer(self):
        action = self.proxy.action_print_test_page()
        self.assertEqual(action["params"]["message"], "The test page was printed.")
        wait_for(lambda: any("测试页".encode("gb18030") in job for job in self.printer.jobs()))
        self.proxy.action_open_drawer()
        wait_for(lambda: any(CASHBOX in job for job in self.printer.jobs()))

    def test_pos_user_cannot_open_drawer_or_print(self):
        cashier = self.env["res.users"].create(
            {
                "name": "Cashier",
                "login": "hw_cashier",
                "groups_id": [(6, 0, [self.env.ref("point_of_sale.group_pos_user").id])],
            }
        )
        kicks = sum(CASHBOX in job for job in self.printer.jobs())
        with self.assertRaises(AccessError):
            self.proxy.with_user(cashier).action_open_drawer()
        with self.assertRaises(AccessError):
            self.proxy.with_user(cashier).action_print_test_page()
        self.assertEqual(sum(CASHBOX in job for job in self.printer.jobs()), kicks)

    def test_url_without_port_gets_explicit_port(self):
        # POS appends :8069 to a proxy_ip without a port, after /t/TOKEN: write it ourselves
        lan = self.env["pos.hardware.proxy"].create(
            {"name": "LAN", "url": "http://192.168.1.20/", "token": "tk"}
        )
        self.assertEqual(lan._get_pos_proxy_ip(), "http://192.168.1.20:8069/t/tk")
        lan.url = "https://proxy.example.com"
        self.assertEqual(lan._get_pos_proxy_ip(), "https://proxy.example.com:443/t/tk")
        lan.url = "http://192.168.1.20:9000"
        self.assertEqual(lan._get_pos_proxy_ip(), "http://192.168.1.20:9000/t/tk")

    def test_wrong_token_is_refused(self):
        self.proxy.token = "wrong"
        with self.assertRaisesRegex(UserError, "refused"):
            self.proxy.action_print_test_page()

    def test_apply_fills_iot_box_settings(self):
        self.pos_config.hw_proxy_id = self.proxy
        self.pos_config.action_apply_hw_proxy()
        self.assertRecordValues(
            self.pos_config,
            [
                {
                    "is_posbox": True,
                    "proxy_ip": f"{self.proxy_process.url}/t/t0k",
                    "iface_print_via_proxy": True,
                    "iface_cashdrawer": True,
                    "iface_scan_via_proxy": False,
                    "iface_electronic_scale": False,
                }
            ],
        )

    def test_apply_without_proxy_refuses(self):
        with self.assertRaisesRegex(UserError, "Choose a hardware proxy"):
            self.pos_config.action_apply_hw_proxy()

    def test_url_and_token_must_fit_pos_proxy_ip(self):
        with self.assertRaises(ValidationError):
            self.proxy.url = "192.168.1.20"
        with self.assertRaises(ValidationError):
            self.proxy.token = "x" * 40
