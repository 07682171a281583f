from datetime import timedelta

from odoo.tests import tagged

from .common import NOW, StoreMarketingCase


@tagged("post_install", "-at_install")
class TestStoreQuietHours(StoreMarketingCase):
    def test_quiet_hours_in_store_time_zone(self):
        """At 04:00 UTC it is noon in Shanghai but midnight in New York: the New York store's
        member waits for the New York morning."""
        shanghai = self._buyer("SH member", [(self.store_sh, 3, 50.0)])
        new_york = self._buyer("NY member", [(self.store_ny, 3, 50.0)])
        self.env["member.segment.engine"]._refresh(NOW.date())
        campaign = self._campaign(audience_store_ids=self.store_sh | self.store_ny)
        campaign._enqueue(now=NOW)
        Send = self.env["member.campaign.send"]
        Send._process_queue(now=NOW)
        sends = self._sends(campaign)
        by_member = {send.partner_id: send for send in sends}
        self.assertEqual(by_member[shanghai].state, "sent")
        self.assertEqual(by_member[new_york].state, "queued", "midnight in New York")

        Send._process_queue(now=NOW + timedelta(hours=10))  # 09:00 in New York
        self.assertEqual(by_member[new_york].state, "sent")

    def test_campaign_ignoring_quiet_hours(self):
        new_york = self._buyer("NY night owl", [(self.store_ny, 3, 50.0)])
        self.env["member.segment.engine"]._refresh(NOW.date())
        campaign = self._campaign(audience_store_ids=self.store_ny, respect_quiet_hours=False)
        campaign._enqueue(now=NOW)
        self.env["member.campaign.send"]._process_queue(now=NOW)
        send = self._sends(campaign).filtered(lambda s: s.partner_id == new_york)
        self.assertEqual(send.state, "sent")
