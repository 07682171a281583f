from odoo.tests import new_test_user, tagged

from odoo.addons.member_marketing.tests.common import hold_member_card

from .common import NOW, StoreMarketingCase


@tagged("post_install", "-at_install")
class TestStoreKpi(StoreMarketingCase):
    @classmethod
    def _buyer(cls, name, purchases):
        return hold_member_card(super()._buyer(name, purchases))

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

    def test_store_manager_sees_only_the_figures_of_their_stores(self):
        self._buyer("Twice", [(self.store_sh, 1, 100.0), (self.store_ny, 1, 30.0)])
        self.env.flush_all()
        manager = new_test_user(
            self.env,
            login="t_kpi_sh_manager",
            groups="base.group_user,store_chain.group_chain_store_manager,"
            "member_marketing.group_member_marketing_user",
        )
        self.store_sh.manager_ids = manager
        ours = self.store_sh | self.store_ny
        seen = (
            self.env["member.marketing.store.kpi"]
            .with_user(manager)
            .search([("store_id", "in", ours.ids)])
        )
        self.assertEqual(seen.store_id, self.store_sh)
        everything = self.env["member.marketing.store.kpi"].search([("store_id", "in", ours.ids)])
        self.assertEqual(everything.store_id, ours)
