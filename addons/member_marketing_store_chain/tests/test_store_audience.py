from odoo.tests import tagged

from .common import NOW, StoreMarketingCase


@tagged("post_install", "-at_install")
class TestStoreAudience(StoreMarketingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # the member's store is the store of their LAST purchase
        cls.shanghai_buyer = cls._buyer(
            "SH buyer", [(cls.store_ny, 40, 80.0), (cls.store_sh, 3, 50.0)]
        )
        cls.ny_buyer = cls._buyer("NY buyer", [(cls.store_sh, 60, 80.0), (cls.store_ny, 5, 90.0)])
        cls.env["member.segment.engine"]._refresh(NOW.date())

    def _audience(self, **vals):
        campaign = self._campaign(**vals)
        campaign._enqueue(now=NOW)
        members = self.shanghai_buyer | self.ny_buyer
        return self._sends(campaign).partner_id & members

    def test_filter_by_store(self):
        self.assertEqual(self._audience(audience_store_ids=self.store_sh), self.shanghai_buyer)
        self.assertEqual(self._audience(audience_store_ids=self.store_ny), self.ny_buyer)

    def test_filter_by_region_includes_sub_regions(self):
        self.assertEqual(self._audience(audience_region_ids=self.east), self.shanghai_buyer)
        self.assertEqual(self._audience(audience_region_ids=self.west), self.ny_buyer)
        self.assertEqual(
            self._audience(audience_region_ids=self.hq), self.shanghai_buyer | self.ny_buyer
        )

    def test_send_records_store_and_region(self):
        campaign = self._campaign()
        campaign._enqueue(now=NOW)
        send = self._sends(campaign).filtered(lambda s: s.partner_id == self.ny_buyer)
        self.assertEqual(send.chain_store_id, self.store_ny)
        self.assertEqual(send.chain_region_id, self.west)
        groups = self.env["member.campaign.send"]._read_group(
            [("campaign_id", "=", campaign.id), ("chain_region_id", "!=", False)],
            ["chain_region_id"],
            ["__count"],
        )
        self.assertEqual(dict(groups), {self.shanghai: 1, self.west: 1})
