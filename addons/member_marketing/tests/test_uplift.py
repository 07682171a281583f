from datetime import datetime, timedelta

from odoo.tests import tagged

from .common import MemberMarketingCase, insert_orders

SENT_AT = datetime(2026, 6, 15, 10, 0)


@tagged("post_install", "-at_install")
class TestUplift(MemberMarketingCase):
    def test_uplift_on_known_answer(self):
        """Treatment 30/100 convert, control 20/100; each conversion is worth 100."""
        member = self._member("Measured member")
        campaign = self.env["member.campaign"].create({"name": "Uplift", "control_percent": 50})

        def rows(group, state, converted, total):
            return [
                {
                    "campaign_id": campaign.id,
                    "partner_id": member.id,
                    "occurrence": f"{group}-{state}-{index}",
                    "group_type": group,
                    "channel": "sms",
                    "state": state,
                    "date_processed": SENT_AT,
                    "converted": index < converted,
                    "revenue": 100.0 if index < converted else 0.0,
                }
                for index in range(total)
            ]

        self.env["member.campaign.send"].create(
            rows("treatment", "sent", 30, 100)
            + rows("control", "held", 20, 100)
            + rows("treatment", "skipped", 0, 7)
        )
        self.assertEqual(
            (campaign.sent_count, campaign.control_count, campaign.skipped_count), (100, 100, 7)
        )
        self.assertAlmostEqual(campaign.treatment_rate, 30.0)
        self.assertAlmostEqual(campaign.control_rate, 20.0)
        self.assertAlmostEqual(campaign.uplift_abs, 10.0)
        self.assertAlmostEqual(campaign.uplift_rel, 50.0)
        # Newcombe's hybrid score interval (scipy/statsmodels give the same)
        self.assertAlmostEqual(campaign.uplift_ci_low, -2.025, places=3)
        self.assertAlmostEqual(campaign.uplift_ci_high, 21.673, places=3)
        # exp(ln 1.5 +/- 1.96 * sqrt(.7 / 30 + .8 / 20)) - 1
        self.assertAlmostEqual(campaign.uplift_rel_ci_low, -8.404, places=3)
        self.assertAlmostEqual(campaign.uplift_rel_ci_high, 145.644, places=3)
        self.assertAlmostEqual(campaign.treatment_revenue, 30.0)
        self.assertAlmostEqual(campaign.control_revenue, 20.0)
        self.assertAlmostEqual(campaign.revenue_uplift, 10.0)
        # Welch: sample variances 2121.21 and 1616.16, t at 194.4 degrees of freedom (as
        # scipy.stats.ttest_ind(equal_var=False).confidence_interval())
        self.assertAlmostEqual(campaign.revenue_ci_low, -2.057, places=3)
        self.assertAlmostEqual(campaign.revenue_ci_high, 22.057, places=3)

    def test_small_or_missing_control_group_is_not_significant(self):
        """A control group of one, or one without conversions, gives a wide interval (the
        normal approximation gave 0 width on its side, "significant" from one member)."""
        Campaign = self.env["member.campaign"]
        # Newcombe (1998), Statistics in Medicine 17:873, example (a): 56/70 - 48/80
        self.assertEqual(
            [round(value, 2) for value in Campaign._uplift(70, 56, 80, 48)[:3]],
            [20.0, 5.24, 33.39],
        )
        low, high = Campaign._uplift(1000, 200, 15, 0)[1:3]
        self.assertLess(low, 0)  # was [17.5, 22.5]
        self.assertAlmostEqual(high, 22.592, places=3)
        low, high = Campaign._uplift(1000, 200, 1, 1)[1:3]
        self.assertLess(low, -80)
        self.assertGreater(high, -1)  # was [-96.4, -93.6]: one member
        # Welch with a few members: t at 1.68 degrees of freedom (scipy: 10 +/- 119.54)
        diff, low, high = Campaign._mean_diff(3, 30.0, 400.0, 2, 20.0, 800.0)
        self.assertAlmostEqual(high - diff, 119.54, delta=1.2)
        self.assertAlmostEqual(diff - low, 119.54, delta=1.2)
        # one control member: no sample variance, no interval
        self.assertEqual(Campaign._mean_diff(100, 30.0, 2121.2, 1, 0.0, 0.0), (30.0, 30.0, 30.0))

    def test_conversion_window_edges(self):
        on_edge = self._member("Buys on day 14")
        too_late = self._member("Buys after day 14")
        before = self._member("Bought before the send")
        campaign = self.env["member.campaign"].create({"name": "Window", "conversion_days": 14})
        self.env["member.campaign.send"].create(
            [
                {
                    "campaign_id": campaign.id,
                    "partner_id": partner.id,
                    "occurrence": "broadcast",
                    "group_type": "treatment",
                    "channel": "sms",
                    "state": "sent",
                    "date_processed": SENT_AT,
                }
                for partner in (on_edge, too_late, before)
            ]
        )
        # orders are placed at 10:00, the send went out at 10:00 on self.today
        insert_orders(self.env, on_edge, [(-14, 120.0)], self.today)
        insert_orders(self.env, too_late, [(-15, 120.0)], self.today)
        insert_orders(self.env, before, [(1, 120.0)], self.today)
        self.env["member.campaign.send"]._measure(now=SENT_AT + timedelta(days=15))
        converted = campaign.send_ids.filtered("converted").partner_id
        self.assertEqual(converted, on_edge)
        self.assertEqual(campaign.treatment_converted, 1)
        self.assertAlmostEqual(sum(campaign.send_ids.mapped("revenue")), 120.0)

    def test_refund_is_no_conversion(self):
        """Returning an earlier purchase after the send (a negative order) is no conversion."""
        refunder = self._member("Returns a purchase after the send")
        campaign = self.env["member.campaign"].create({"name": "Refund", "conversion_days": 14})
        self.env["member.campaign.send"].create(
            {
                "campaign_id": campaign.id,
                "partner_id": refunder.id,
                "occurrence": "broadcast",
                "group_type": "treatment",
                "channel": "sms",
                "state": "sent",
                "date_processed": SENT_AT,
            }
        )
        insert_orders(self.env, refunder, [(3, 120.0), (-2, -120.0)], self.today)
        self.env["member.campaign.send"]._measure(now=SENT_AT + timedelta(days=15))
        self.assertFalse(campaign.send_ids.converted)
        self.assertEqual(campaign.treatment_converted, 0)
        self.assertAlmostEqual(campaign.send_ids.revenue, 0.0)
