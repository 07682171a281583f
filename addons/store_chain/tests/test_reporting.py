from odoo.tests import freeze_time, tagged

from .common import ChainCommon


@tagged("post_install", "-at_install")
class TestReporting(ChainCommon):
    def test_sales_report_per_store_and_region(self):
        other = self.env["res.partner"].create({"name": "Second Customer"})
        self._sync_order(self.config_a, 100.0, self.customer)
        self._sync_order(self.config_a, 60.0, self.customer)
        self._sync_order(self.config_a, 20.0)
        self._sync_order(self.config_b, 40.0, other)
        Report = self.env["chain.sales.report"]
        self.env.flush_all()
        rows = Report._read_group(
            [("store_id", "in", (self.store_a | self.store_b).ids)],
            ["store_id"],
            [
                "amount_total:sum",
                "ticket_count:sum",
                "average_ticket:avg",
                "new_customer_count:sum",
            ],
        )
        figures = {store: rest for store, *rest in rows}
        self.assertEqual(figures[self.store_a], [180.0, 3, 60.0, 1])
        self.assertEqual(figures[self.store_b], [40.0, 1, 40.0, 1])
        # the Shanghai area rolls up into its main region East
        by_region = dict(
            Report._read_group(
                [("store_id", "in", self.store_a.ids + self.store_b.ids)],
                ["main_region_id"],
                ["amount_total:sum"],
            )
        )
        self.assertEqual(by_region, {self.region_east: 180.0, self.region_south: 40.0})
        east = Report._read_group(
            [("region_id", "child_of", self.region_east.id)], [], ["amount_total:sum"]
        )
        self.assertEqual(east[0][0], 180.0)
        # the store dashboard shows the same figures
        self.store_a.invalidate_recordset()
        self.assertEqual(self.store_a.sales_month, 180.0)
        self.assertEqual(self.store_a.ticket_count_month, 3)
        self.assertEqual(self.store_a.average_ticket_month, 60.0)
        self.assertEqual(self.store_a.sales_today, 180.0)

    def test_sales_today_is_the_user_day(self):
        """At 07:30 in Shanghai (23:30 UTC the day before), today's sales are those since
        local midnight: the order of 01:00 local counts, the one of 23:00 the evening before
        does not."""
        self.env.user.tz = "Asia/Shanghai"
        with freeze_time("2026-06-14 15:00:00"):  # 23:00 on 14 June in Shanghai
            self._sync_order(self.config_a, 70.0)
        with freeze_time("2026-06-14 17:00:00"):  # 01:00 on 15 June in Shanghai
            self._sync_order(self.config_a, 30.0)
        with freeze_time("2026-06-14 23:30:00"):
            self.store_a.invalidate_recordset()
            self.assertEqual(self.store_a.sales_today, 30.0)
            self.assertEqual(self.store_a.sales_month, 100.0)

    def test_refund_is_not_a_ticket(self):
        """A refund (negative total) reduces sales; it is not an extra ticket."""
        self._sync_order(self.config_a, 100.0, self.customer)
        self._sync_order(self.config_a, 60.0, self.customer)
        self._sync_order(self.config_a, -60.0, self.customer, qty=-1)
        self.env.flush_all()
        [(sales, tickets, average)] = self.env["chain.sales.report"]._read_group(
            [("store_id", "=", self.store_a.id)],
            [],
            ["amount_total:sum", "ticket_count:sum", "average_ticket:avg"],
        )
        self.assertEqual((sales, tickets, average), (100.0, 2, 80.0))
        self.store_a.invalidate_recordset()
        self.assertEqual(
            (
                self.store_a.sales_month,
                self.store_a.ticket_count_month,
                self.store_a.average_ticket_month,
            ),
            (100.0, 2, 80.0),
        )

    def test_store_user_sees_own_store_in_report(self):
        self._sync_order(self.config_a, 10.0)
        self._sync_order(self.config_b, 15.0)
        self.env.flush_all()
        rows = self.env["chain.sales.report"].with_user(self.user_a).search_read([], ["store_id"])
        self.assertEqual({row["store_id"][0] for row in rows}, {self.store_a.id})

    def test_franchise_pos_order_booked_in_franchise_company(self):
        franchise = self.env["res.company"].create(
            {"name": "Franchise POS Co", "currency_id": self.company.currency_id.id}
        )
        self.env["account.chart.template"].try_loading("generic_coa", franchise, install_demo=False)
        wh_fr = self.env["stock.warehouse"].search([("company_id", "=", franchise.id)], limit=1)
        store = self.env["chain.store"].create(
            {
                "name": "Franchise store",
                "code": "T-FRP",
                "store_type": "franchise",
                "company_id": franchise.id,
                "warehouse_id": wh_fr.id,
            }
        )
        env = self.env(
            context=dict(self.env.context, allowed_company_ids=[franchise.id, self.company.id])
        )
        config = (
            env["pos.config"]
            .with_company(franchise)
            .create(
                {"name": "Franchise POS", "chain_store_id": store.id, "company_id": franchise.id}
            )
        )
        self.assertEqual(config.company_id, franchise)
        self.product.write({"company_id": False})
        order = self._sync_order(config, 25.0)
        self.assertEqual(order.company_id, franchise)
        self.assertEqual(order.chain_store_id, store)
        self.assertEqual(order.session_id.config_id.journal_id.company_id, franchise)
        self.env.flush_all()
        row = self.env["chain.sales.report"].search([("id", "=", order.id)])
        self.assertEqual(
            (row.company_id, row.store_type, row.amount_total), (franchise, "franchise", 25.0)
        )
