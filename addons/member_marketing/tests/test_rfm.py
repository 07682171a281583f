from odoo.tests import tagged

from .common import MemberMarketingCase


@tagged("post_install", "-at_install")
class TestRfm(MemberMarketingCase):
    def test_every_score_pair_maps_to_one_segment(self):
        segments = self.env["member.segment"].search([("segment_type", "=", "rfm")])
        self.assertEqual(len(segments), 10)
        for r in range(1, 6):
            for f in range(1, 6):
                matches = segments.filtered(
                    lambda s, r=r, f=f: s.r_min <= r <= s.r_max and s.f_min <= f <= s.f_max
                )
                self.assertEqual(len(matches), 1, f"R{r} F{f}")

    def test_names_show_the_type(self):
        # both lists have an "At Risk" and a "Loyal": a campaign's segment field tells them apart
        self.assertEqual(self._rfm("at_risk").display_name, "RFM / At Risk")
        self.assertEqual(self._lifecycle("at_risk").display_name, "Lifecycle / At Risk")

    def test_quintiles_on_crafted_set(self):
        # member i buys i times, the last time (60 - 10 i) days ago, 100 per order
        members = [
            self._member(f"rfm {i}", [(60 - 10 * i + k, 100.0) for k in range(i)])
            for i in range(1, 6)
        ]
        twin = self._member("same as rfm 1", [(50, 100.0)])
        outside = self._member("outside the window", [(400, 1000.0)])
        self._refresh()
        scores = [
            (p.rfm_recency, p.rfm_frequency, p.rfm_monetary)
            for p in (self._profile(m) for m in members)
        ]
        self.assertEqual(scores, [(1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 4, 4), (5, 5, 5)])
        # rfm 1 and its twin tie at the bottom: they share the lowest score (not the 2 of
        # CEIL(5 * CUME_DIST), which lifts a crowd of one-off buyers to the middle)
        twin_profile = self._profile(twin)
        self.assertEqual(
            (twin_profile.rfm_recency, twin_profile.rfm_frequency, twin_profile.rfm_monetary),
            (1, 1, 1),
        )
        expected = ["hibernating", "hibernating", "need_attention", "loyal", "champions"]
        self.assertEqual(
            [m.rfm_segment_id for m in members], [self._rfm(code) for code in expected]
        )
        self.assertFalse(self._profile(outside).rfm_segment_id)
        self.assertFalse(self._profile(outside).rfm_recency)

    def test_window_is_configurable(self):
        member = self._member("bought 200 days ago", [(200, 100.0)])
        self.env["ir.config_parameter"].set_param("member_marketing.rfm_window_days", 90)
        self._refresh()
        self.assertFalse(self._profile(member).rfm_segment_id)
        self.env["ir.config_parameter"].set_param("member_marketing.rfm_window_days", 365)
        self._refresh()
        self.assertTrue(self._profile(member).rfm_segment_id)
