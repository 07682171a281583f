"""Stock Odoo POS in a browser, configured with the proxy: paying an order prints."""

from odoo.tests import tagged

from odoo.addons.point_of_sale.tests.test_frontend import TestPointOfSaleHttpCommon

from ..hw_proxy.escpos_raster import CUT, parse_raster
from ..hw_proxy.printer import CASHBOX
from .hw_harness import EmulatedPrinter, Proxy


@tagged("post_install", "-at_install")
class TestPosHardwareTour(TestPointOfSaleHttpCommon):
    def test_paying_an_order_prints_on_the_proxy_printer(self):
        printer = EmulatedPrinter().start()
        self.addCleanup(printer.stop)
        # the POS page is served by the test server: the proxy must allow that origin
        proxy_process = Proxy(
            "--printer", f"{printer.uri}?width=576", "--allow-origin", self.base_url(), token="tk"
        )
        self.addCleanup(proxy_process.stop)
        proxy = self.env["pos.hardware.proxy"].create(
            {"name": "Tour proxy", "url": proxy_process.url, "token": "tk"}
        )
        self.main_pos_config.write({"hw_proxy_id": proxy.id, "iface_print_auto": True})
        self.main_pos_config.action_apply_hw_proxy()
        self.assertEqual(self.main_pos_config.proxy_ip, f"{proxy_process.url}/t/tk")

        self.main_pos_config.with_user(self.pos_user).open_ui()
        self.start_pos_tour("PosHardwareProxyPrintTour")

        # paying cash also opens the drawer through the printer
        self.assertTrue(any(CASHBOX in job for job in printer.jobs()))
        jobs = [j for j in printer.jobs() if b"\x1d\x76\x30" in j]
        self.assertEqual(len(jobs), 1)
        slices = parse_raster(jobs[0])
        # POS renders the receipt 512 px wide: 64 bytes a row, never upscaled to 576 dots
        self.assertEqual({s[0] for s in slices}, {64})
        self.assertGreater(sum(s[1] for s in slices), 200)
        self.assertTrue(jobs[0].endswith(CUT))
        order = self.env["pos.order"].search(
            [("session_id.config_id", "=", self.main_pos_config.id)]
        )
        self.assertEqual(order.state, "paid")
