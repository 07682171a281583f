from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import Form, new_test_user, tagged

from .common import MemberMarketingCase


@tagged("post_install", "-at_install")
class TestRefreshSecurity(MemberMarketingCase):
    def test_refresh_not_callable_remotely(self):
        """The raw-SQL refresh is private: /web/dataset/call_kw refuses it for every user."""
        portal = new_test_user(self.env, login="mm_portal", groups="base.group_portal")
        engine = self.env["member.segment.engine"].with_user(portal)
        with self.assertRaises(AccessError):
            get_public_method(engine, "_refresh")
        self.assertFalse(hasattr(engine, "refresh"))

    def test_refresh_button_needs_marketing_administrator(self):
        buyer = self._member("buyer", [(3, 120.0)])
        segment = self._lifecycle("new_low")
        user = new_test_user(
            self.env, login="mm_user", groups="member_marketing.group_member_marketing_user"
        )
        with self.assertRaises(AccessError):
            segment.with_user(user).action_refresh()
        self.assertFalse(self._profile(buyer))
        manager = new_test_user(
            self.env, login="mm_manager", groups="member_marketing.group_member_marketing_manager"
        )
        segment.with_user(manager).action_refresh()
        self.assertEqual(self._profile(buyer).order_count, 1)


@tagged("post_install", "-at_install")
class TestCampaignRewardsSecurity(MemberMarketingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user = new_test_user(
            cls.env, login="mm_campaigner", groups="member_marketing.group_member_marketing_user"
        )
        cls.manager = new_test_user(
            cls.env, login="mm_boss", groups="member_marketing.group_member_marketing_manager"
        )
        cls.sms_template = cls.env["sms.template"].create(
            {
                "name": "Rewards test",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "body": "Hello {{ object.name }}",
            }
        )
        cls.program = cls.env["loyalty.program"].create(
            {"name": "Free coffee", "program_type": "coupons"}
        )

    def _coupon_campaign(self):
        """An SMS campaign giving coupons, set up by the administrator."""
        return (
            self.env["member.campaign"]
            .with_user(self.manager)
            .create(
                {
                    "name": "Coupon day",
                    "sms_template_id": self.sms_template.id,
                    "coupon_program_id": self.program.id,
                }
            )
        )

    def test_user_runs_campaigns_but_cannot_give_coupons(self):
        with Form(self.env["member.campaign"].with_user(self.user)) as form:
            form.name = "No gift"
            form.sms_template_id = self.sms_template
        campaign = form.record
        campaign.action_start()
        self.assertEqual(campaign.state, "running")
        Campaign = self.env["member.campaign"].with_user(self.user)
        with self.assertRaisesRegex(AccessError, "administrators.*Coupon Program"):
            Campaign.create({"name": "Gift", "coupon_program_id": self.program.id})
        with self.assertRaisesRegex(AccessError, "administrators.*Coupon Program"):
            campaign.coupon_program_id = self.program
        campaign.invalidate_recordset()
        self.assertFalse(campaign.coupon_program_id)
        # an administrator sets the coupons: users may no longer change how many points each
        # one is worth, nor remove them
        campaign.with_user(self.manager).write(
            {"coupon_program_id": self.program.id, "coupon_points": 2.0}
        )
        for vals in ({"coupon_points": 100.0}, {"coupon_program_id": False}):
            with self.assertRaises(AccessError):
                campaign.write(vals)
        campaign.write({"coupon_program_id": self.program.id, "name": "Coupon day"})
        self.assertEqual(
            (campaign.name, campaign.coupon_program_id, campaign.coupon_points),
            ("Coupon day", self.program, 2.0),
        )

    def test_user_sees_coupons_read_only(self):
        campaign = self._coupon_campaign()
        form = Form(campaign.with_user(self.user))
        self.assertEqual(form.coupon_program_id, self.program)
        for field in ("coupon_program_id", "coupon_points", "coupon_validity_days"):
            with self.assertRaisesRegex(AssertionError, "readonly"):
                setattr(form, field, False)
        form.name = "Coupon day (renamed)"
        form.save()
        self.assertEqual(campaign.name, "Coupon day (renamed)")
        with Form(campaign.with_user(self.manager)) as form:
            form.coupon_points = 3.0
        self.assertEqual(campaign.coupon_points, 3.0)

    def test_administrator_picks_a_coupon_program(self):
        """A marketing administrator without any POS or sales role finds the coupon programs
        to choose from (loyalty grants no employee the right to read them)."""
        found = self.env["loyalty.program"].with_user(self.manager).name_search("Free coffee")
        self.assertEqual([program_id for program_id, _name in found], [self.program.id])
        self.assertFalse(self.manager.has_group("point_of_sale.group_pos_user"))

    def test_user_defaults_give_no_rewards(self):
        """Defaults from the context or the user's own saved defaults fill the fields a create
        leaves out: they are refused to a user as the values themselves are."""
        Campaign = self.env["member.campaign"].with_user(self.user)
        with self.assertRaisesRegex(AccessError, "administrators.*Coupon Program"):
            Campaign.with_context(default_coupon_program_id=self.program.id).create(
                {"name": "Gift by default"}
            )
        self.env["ir.default"].with_user(self.user).set(
            "member.campaign", "coupon_validity_days", 365, user_id=True
        )
        with self.assertRaisesRegex(AccessError, "administrators.*Coupon Valid For"):
            Campaign.create({"name": "Long coupons by default"})
        self.assertFalse(
            self.env["member.campaign"].search(
                [("name", "in", ["Gift by default", "Long coupons by default"])]
            )
        )

    def test_user_copy_of_a_rewarded_campaign_gives_nothing(self):
        rewarded = self._coupon_campaign()
        rewarded.with_user(self.manager).coupon_points = 2.0
        duplicate = rewarded.with_user(self.user).copy()
        self.assertEqual(
            (duplicate.sms_template_id, duplicate.coupon_program_id, duplicate.coupon_points),
            (self.sms_template, self.env["loyalty.program"], 1.0),
        )
        self.assertIn("without what it gives away", duplicate.message_ids[:1].body)
        self.assertIn("Coupon Program", duplicate.message_ids[:1].body)
        # still no way to a copy with the coupons
        with self.assertRaisesRegex(AccessError, "administrators.*Coupon Program"):
            rewarded.with_user(self.user).copy({"coupon_program_id": self.program.id})
        # an administrator's copy keeps them
        kept = rewarded.with_user(self.manager).copy()
        self.assertEqual((kept.coupon_program_id, kept.coupon_points), (self.program, 2.0))
        # a user's copy of a campaign without rewards says nothing of them
        plain = self.env["member.campaign"].with_user(self.user).create({"name": "Plain"})
        self.assertNotIn("gives away", "".join(plain.copy().message_ids.mapped("body")))

    def test_user_cannot_retarget_a_rewarded_campaign(self):
        """Who receives an administrator's coupons is the administrator's: a user may rename,
        start and stop that campaign, not change its audience or trigger; a campaign without
        rewards stays theirs to change."""
        rewarded = self._coupon_campaign().with_user(self.user)
        for vals in (
            {"audience_domain": "[('name', '=', 'Me')]"},
            {"trigger_type": "birthday"},
            {"control_percent": 0.0},
        ):
            with self.assertRaisesRegex(AccessError, "gives rewards.*administrators"):
                rewarded.write(vals)
        rewarded.write({"name": "Coupon day (June)"})
        rewarded.action_start()
        rewarded.action_stop()
        self.assertEqual(
            (rewarded.name, rewarded.state, rewarded.audience_domain),
            ("Coupon day (June)", "stopped", "[]"),
        )
        plain = (
            self.env["member.campaign"]
            .with_user(self.user)
            .create({"name": "Plain", "sms_template_id": self.sms_template.id})
        )
        plain.write({"audience_domain": "[('name', '=', 'Me')]", "control_percent": 0.0})
        self.assertEqual(plain.control_percent, 0.0)
