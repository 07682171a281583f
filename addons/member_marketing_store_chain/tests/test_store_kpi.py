from odoo.tests import tagged

from .common import NOW, StoreMarketingCase


@tagged("post_install", "-at_install")
class TestStoreKpi(StoreMarketingCase):
    def test_member_share_and_repurchase_by_store(self):
        self._buyer("Twice", [(self.store_sh, 2, 100.0), (self.store_sh, 1, 100.0)])
        self._buyer("Once", [(self.store_sh, 1, 200.0), (self.store_ny, 1, 30.0)])
        self.env.flush_all()
        month = NOW.date().replace(day=1)
        Kpi = self.env["member.marketing.store.kpi"]
        shanghai = Kpi.search([("store_id", "=", self.store_sh.id), ("month", "=", month)])
        self.assertEqual(shanghai.total_sales, 400.0)
        self.assertEqual(shanghai.member_share, 100.0)
        self.assertEqual(shanghai.buyers, 2)
        self.assertEqual(shanghai.repeat_buyers, 1)
        self.assertEqual(shanghai.repurchase_rate, 50.0)
        self.assertEqual(shanghai.region_id, self.shanghai)
        totals = Kpi._read_group(
            [("month", "=", month), ("store_id", "in", (self.store_sh | self.store_ny).ids)],
            ["region_id"],
            ["total_sales:sum"],
        )
        self.assertEqual(dict(totals), {self.shanghai: 400.0, self.west: 30.0})
