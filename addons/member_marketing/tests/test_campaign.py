from datetime import date, datetime, timedelta
from urllib.parse import urlparse

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import MemberMarketingCase, insert_orders

NOW = datetime(2026, 6, 15, 4, 0)  # 12:00 in Asia/Shanghai


@tagged("post_install", "-at_install")
class TestCampaign(SMSCase, MemberMarketingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.partner_id.tz = "Asia/Shanghai"
        cls.env["ir.config_parameter"].set_param("member_marketing.frequency_cap_count", 2)
        cls.env["ir.config_parameter"].set_param("member_marketing.frequency_cap_days", 7)
        cls.sms_template = cls.env["sms.template"].create(
            {
                "name": "Test greeting",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "body": "Hello {{ object.name }}",
            }
        )
        cls.phone_seq = iter(range(10, 99))

    def _mail_template(self, name, body_html):
        return self.env["mail.template"].create(
            {
                "name": name,
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "subject": "News for {{ object.name }}",
                "email_to": "{{ object.email_formatted }}",
                "body_html": body_html,
            }
        )

    def _contact(self, name, orders=((5, 100.0),), **vals):
        vals = {"consent_sms": True, "phone": f"+86138001380{next(self.phone_seq)}", **vals}
        return self._member(name, list(orders), **vals)

    def _campaign(self, **vals):
        campaign = self.env["member.campaign"].create(
            {
                "name": "Test campaign",
                "trigger_type": "broadcast",
                "channel": "sms",
                "sms_template_id": self.sms_template.id,
                "control_percent": 0,
                **vals,
            }
        )
        campaign.action_start()
        campaign.date_start = NOW - timedelta(days=1)
        return campaign

    def _run(self, campaign, now=NOW):
        campaign._enqueue(now=now)
        return self.env["member.campaign.send"]._process_queue(now=now)

    def _sms_of(self, partner):
        return self.env["sms.sms"].sudo().search([("partner_id", "=", partner.id)])

    def test_broadcast_sends_once_with_opt_out_link(self):
        alice, bob = self._contact("Alice"), self._contact("Bob")
        self._refresh()
        campaign = self._campaign()
        self.assertEqual(campaign._enqueue(now=NOW), 2)
        self.assertEqual(campaign._enqueue(now=NOW), 0, "enqueueing twice adds nothing")
        Send = self.env["member.campaign.send"]
        self.assertEqual(Send._process_queue(now=NOW), 2)
        self.assertEqual(Send._process_queue(now=NOW), 0, "processing twice sends nothing more")
        sms = self._sms_of(alice)
        self.assertEqual(len(sms), 1)
        self.assertTrue(sms.body.startswith("Hello Alice\n"))
        self.assertIn("/member_marketing/optout/", sms.body)
        self.assertEqual(len(self._sms_of(bob)), 1)
        with self.mockSMSGateway():
            (self._sms_of(alice) | self._sms_of(bob)).send()
        self.assertSMSIapSent([alice.phone_sanitized, bob.phone_sanitized], content="Hello")
        self.assertEqual(campaign.sent_count, 2)
        self.assertEqual(campaign.delivered_count, 2)

    def test_broadcast_is_queued_once(self):
        """A one-off broadcast reaches its audience of the day: a member who gets a profile
        later does not receive it, from the cron or from "enqueue now"."""
        alice, bob = self._contact("Alice"), self._contact("Bob")
        self._refresh()
        campaign = self._campaign()
        self.assertEqual(campaign._enqueue(now=NOW), 2)
        self.assertEqual(campaign.broadcast_queued_on, NOW)
        latecomer = self._contact("Latecomer", orders=[(0, 30.0)])
        self._refresh(self.today + timedelta(days=20))
        self.assertTrue(self._profile(latecomer))
        self.assertEqual(campaign._enqueue(now=NOW + timedelta(days=20)), 0)
        campaign.action_enqueue_now()
        self.assertEqual(campaign.send_ids.partner_id, alice | bob)
        self.assertEqual(campaign.broadcast_queued_on, NOW)

    def test_audience_filter_checked_when_saved(self):
        for broken in ("[('city', '=',", "[('no_such_field', '=', 1)]", "[('id', '=', 'abc')]"):
            with self.subTest(broken), self.assertRaisesRegex(ValidationError, "Spring sale"):
                self._campaign(name="Spring sale", audience_domain=broken)
        campaign = self._campaign(name="Spring sale", audience_domain="[('city', '=', 'Hangzhou')]")
        with self.assertRaisesRegex(ValidationError, "Spring sale"):
            campaign.audience_domain = "{'city': 'Hangzhou'}"

    def test_a_broken_campaign_does_not_stop_the_others(self):
        member = self._contact("Reached anyway")
        self._refresh()
        good = self._campaign(name="Good")
        broken = self._campaign(name="Broken filter")
        # valid when saved, broken since (e.g. the module adding the field was uninstalled)
        self.env.cr.execute(
            "UPDATE member_campaign SET audience_domain = '[(''gone_field'', ''='', 1)]'"
            " WHERE id = %s",
            [broken.id],
        )
        broken.invalidate_recordset(["audience_domain"])
        logger = "odoo.addons.member_marketing.models.member_campaign"
        with self.assertLogs(logger, "ERROR") as logs:
            self.env["member.campaign"]._cron_enqueue()
        self.assertIn(f"Campaign {broken.id} (Broken filter)", logs.output[0])
        self.assertIn(member, good.send_ids.partner_id)
        self.assertFalse(broken.send_ids)

    def test_skipped_by_reason(self):
        self._contact("No consent", consent_sms=False)
        blacklisted = self._contact("Blacklisted")
        self.env["phone.blacklist"].sudo()._add([blacklisted.phone_sanitized])
        self._contact("Opted out", marketing_opt_out=True)
        self._contact("No phone", phone=False)
        ok = self._contact("Reachable")
        self._refresh()
        campaign = self._campaign()
        self._run(campaign)
        sends = campaign.send_ids
        reasons = {send.partner_id.name: send.skip_reason for send in sends}
        self.assertEqual(
            reasons,
            {
                "No consent": "no_consent",
                "Blacklisted": "blacklisted",
                "Opted out": "opt_out",
                "No phone": "no_contact",
                "Reachable": False,
            },
        )
        self.assertEqual(campaign.skipped_count, 4)
        self.assertEqual(campaign.sent_count, 1)
        self.assertEqual(
            self.env["sms.sms"].sudo().search_count([("partner_id", "in", sends.partner_id.ids)]), 1
        )
        self.assertEqual(len(self._sms_of(ok)), 1)

    def test_frequency_cap(self):
        member = self._contact("Often contacted")
        self._refresh()
        self.env["ir.config_parameter"].set_param("member_marketing.frequency_cap_count", 1)
        first, second = self._campaign(name="First"), self._campaign(name="Second")
        self._run(first | second)
        states = (first | second).send_ids.mapped(lambda s: (s.state, s.skip_reason))
        self.assertCountEqual(states, [("sent", False), ("skipped", "frequency_cap")])
        self.assertEqual(len(self._sms_of(member)), 1)
        # after the cap period a new campaign reaches the member again
        third = self._campaign(name="Third")
        self._run(third, now=NOW + timedelta(days=8))
        self.assertEqual(third.send_ids.state, "sent")

    def test_no_cap_set_in_the_settings(self):
        """0 messages in the settings is no cap (Odoo's settings would drop a 0 and bring
        the default cap back); a message at 08:00 with quiet hours until 00:00 goes out."""
        member = self._contact("Loyal reader")
        self._refresh()
        self.env["res.config.settings"].create(
            {
                "member_marketing_frequency_cap_count": 0,
                "member_marketing_quiet_hour_start": 23.0,
                "member_marketing_quiet_hour_end": 0.0,
            }
        ).execute()
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            (
                settings.member_marketing_frequency_cap_count,
                settings.member_marketing_quiet_hour_end,
            ),
            (0, 0.0),
        )
        campaigns = self._campaign(name="First") | self._campaign(name="Second")
        campaigns |= self._campaign(name="Third")
        self._run(campaigns, now=datetime(2026, 6, 15, 0, 0))  # 08:00 in Asia/Shanghai
        self.assertEqual(set(campaigns.send_ids.mapped("state")), {"sent"})
        self.assertEqual(len(self._sms_of(member)), 3)

    def test_quiet_hours_wait_until_morning(self):
        member = self._contact("Night owl")
        self._refresh()
        campaign = self._campaign()
        night = datetime(2026, 6, 15, 14, 0)  # 22:00 in Asia/Shanghai
        self.assertEqual(self._run(campaign, now=night), 0)
        self.assertEqual(campaign.send_ids.state, "queued")
        self.assertFalse(self._sms_of(member))
        morning = datetime(2026, 6, 16, 1, 30)  # 09:30 in Asia/Shanghai
        self.assertEqual(self.env["member.campaign.send"]._process_queue(now=morning), 1)
        self.assertEqual(campaign.send_ids.state, "sent")

    def test_control_group_receives_nothing_but_is_measured(self):
        member = self._contact("Held out")
        self._refresh()
        campaign = self._campaign(control_percent=100, conversion_days=14)
        self._run(campaign)
        self.assertEqual(campaign.send_ids.group_type, "control")
        self.assertEqual(campaign.send_ids.state, "held")
        self.assertFalse(self._sms_of(member))
        # the member buys 3 days later: a conversion of the control group
        insert_orders(self.env, member, [(-3, 88.0)], self.today)
        self.env["member.campaign.send"]._measure(now=NOW + timedelta(days=3))
        self.assertTrue(campaign.send_ids.converted)
        self.assertEqual(campaign.send_ids.revenue, 88.0)
        self.assertEqual(campaign.control_count, 1)
        self.assertEqual(campaign.control_converted, 1)
        self.assertEqual(campaign.sent_count, 0)

    def _opt_out_path(self, partner):
        words = (word for sms in self._sms_of(partner) for word in sms.body.split())
        return urlparse(next(word for word in words if "/optout/" in word)).path

    def _post(self, path):
        """Submit the opt-out page's form as a phone's browser does: a POST without a body."""
        return self.opener.post(self.base_url() + path, timeout=12)

    def test_opt_out_link_opened_asks_first(self):
        """Opening the link (or a link preview fetching it) only shows a page whose button
        opts out: the member still receives campaigns."""
        member = self._contact("Previewed")
        self._refresh()
        self._run(self._campaign())
        path = self._opt_out_path(member)
        response = self.url_open(path)
        self.assertEqual(self.url_open(path, head=True).status_code, 200)
        self.env.invalidate_all()
        self.assertTrue(member.consent_sms)
        self.assertFalse(member.phone_sanitized_blacklisted)
        self.assertEqual(self._sms_of(member).state, "outgoing", "the campaign SMS still leaves")
        second = self._campaign(name="After the preview")
        self._run(second, now=NOW + timedelta(days=8))
        self.assertEqual(second.send_ids.state, "sent")
        self.assertEqual(response.status_code, 200)
        self.assertIn("text/html", response.headers["Content-Type"])
        self.assertIn('name="viewport"', response.text)
        self.assertIn(f'<form method="post" action="{path}">', response.text)
        self.assertIn(">Unsubscribe</button>", response.text)
        self.assertNotIn("no more marketing SMS", response.text)

    def test_opt_out_link_is_honoured_at_once(self):
        member = self._contact("Unsubscriber")
        self._refresh()
        self._run(self._campaign())
        response = self._post(self._opt_out_path(member))
        self.assertEqual(response.status_code, 200)
        self.assertIn("no more marketing SMS", response.text)
        self.assertNotIn("<form", response.text)
        self.assertFalse(member.consent_sms)
        self.assertTrue(member.consent_sms_date)
        self.assertTrue(member.phone_sanitized_blacklisted)
        second = self._campaign(name="After opt-out")
        self._run(second, now=NOW + timedelta(days=8))
        self.assertEqual(second.send_ids.state, "skipped")
        for method in (self.url_open, self._post):
            response = method("/member_marketing/optout/doesnotexist")
            self.assertEqual(response.status_code, 404)
            self.assertIn("This opt-out link is not valid.", response.text)
            response = method("/member_marketing/optout/%3Cscript%3Ealert(1)")
            self.assertEqual(response.status_code, 400)
            self.assertNotIn("<script>", response.text)

    def test_send_created_by_the_orm_has_a_working_opt_out_link(self):
        """A send created with create() (not queued in SQL) gets a token like the queued ones:
        its SMS carries a link that opts the member out."""
        member = self._contact("Created by the ORM")
        queued = self._contact("Queued in SQL")
        self._refresh()
        campaign = self._campaign(audience_domain=f"[('id', '=', {queued.id})]")
        campaign._enqueue(now=NOW)
        self.env["member.campaign.send"].create(
            {
                "campaign_id": campaign.id,
                "partner_id": member.id,
                "occurrence": "broadcast-orm",
                "group_type": "treatment",
                "channel": "sms",
            }
        )
        self.env["member.campaign.send"]._process_queue(now=NOW)
        tokens = [self._opt_out_path(partner).rsplit("/", 1)[1] for partner in (member, queued)]
        for token in tokens:
            self.assertRegex(token, r"^[0-9a-f]{32}$", "same format on both paths")
        self.assertNotEqual(tokens[0], tokens[1])
        response = self._post(self._opt_out_path(member))
        self.assertEqual(response.status_code, 200)
        self.assertIn("no more marketing SMS", response.text)
        self.assertFalse(member.consent_sms)
        self.assertTrue(queued.consent_sms)

    def test_opt_out_cancels_queued_campaign_sms(self):
        """An opt-out before Odoo's SMS queue ran: the campaign SMS waiting in the outbox is
        cancelled and counted as skipped (opted out); a transactional notice still goes."""
        member = self._contact("Changed my mind")
        self._refresh()
        campaign = self._campaign()
        self._run(campaign)
        campaign_sms = self._sms_of(member)
        notice = self.env["member.notice"].notify(
            "top_up", member, "topup-1", {"amount": "50.00", "balance": "80.00"}
        )
        notice_sms = self._sms_of(member) - campaign_sms
        self.assertTrue(notice.filtered(lambda log: log.channel == "sms"))
        self.assertEqual((campaign_sms | notice_sms).mapped("state"), ["outgoing", "outgoing"])
        self.assertEqual(self._post(self._opt_out_path(member)).status_code, 200)
        self.assertEqual(campaign_sms.state, "canceled")
        self.assertEqual(notice_sms.state, "outgoing")
        self.assertEqual(
            (campaign.send_ids.state, campaign.send_ids.skip_reason), ("skipped", "opt_out")
        )
        self.assertEqual((campaign.sent_count, campaign.skipped_count), (0, 1))

    def test_message_in_each_members_language(self):
        """A template without a language renders each message in its member's language, like
        the lines the campaign adds, not in the language of the user running the cron."""
        self.env["res.lang"]._activate_lang("zh_CN")
        self.sms_template.with_context(lang="zh_CN").body = "您好 {{ object.name }}"
        mail_template = self._mail_template("Newsletter", "<p>News</p>")
        mail_template.with_context(lang="zh_CN").subject = "{{ object.name }} 的会员资讯"
        english = self._contact("Anna", lang="en_US", consent_email=True, email="a@example.com")
        chinese = self._contact("王芳", lang="zh_CN", consent_email=True, email="w@example.com")
        self._refresh()
        sms = self._campaign(name="SMS")
        email = self._campaign(name="Email", channel="email", mail_template_id=mail_template.id)
        self._run(sms | email)
        self.assertTrue(self._sms_of(english).body.startswith("Hello Anna\n"))
        self.assertTrue(self._sms_of(chinese).body.startswith("您好 王芳\n"))
        mails = self.env["mail.mail"].sudo().browse(email.send_ids.mapped("mail_id"))
        self.assertEqual(
            {mail.res_id: mail.subject for mail in mails},
            {english.id: "News for Anna", chinese.id: "王芳 的会员资讯"},
        )

    def test_triggers(self):
        birthday = self._member("Birthday in 3 days", birthday="1990-06-18")
        self._member("Birthday in 4 days", birthday="1990-06-19")
        newcomer = self._contact("First purchase 7 days ago", orders=[(7, 50.0)])
        self._contact("First purchase 20 days ago", orders=[(20, 50.0), (2, 50.0)])
        drifting = self._contact("Single purchase 70 days ago", orders=[(70, 50.0)])
        self._refresh()
        cases = {
            "birthday": ({"trigger_days": 3}, birthday, "birthday-2026"),
            "first_purchase": ({"trigger_days": 7}, newcomer, "first-purchase"),
            "churn_risk": (
                {"churn_ratio_threshold": 2.0},
                drifting,
                f"churn-{self._profile(drifting).last_order_date}",
            ),
        }
        for trigger, (vals, partner, occurrence) in cases.items():
            campaign = self._campaign(trigger_type=trigger, **vals)
            campaign._enqueue(now=NOW)
            self.assertEqual(campaign.send_ids.partner_id, partner, trigger)
            self.assertEqual(campaign.send_ids.occurrence, occurrence, trigger)
        entered = self._campaign(
            trigger_type="segment_entered", trigger_segment_id=self._lifecycle("new_low").id
        )
        entered._enqueue(now=NOW)
        self.assertEqual(entered.send_ids.partner_id, newcomer)
        history = self.env["member.segment.history"].search(
            [("partner_id", "=", newcomer.id), ("segment_type", "=", "lifecycle")]
        )
        self.assertEqual(entered.send_ids.occurrence, f"segment-{history.id}")
        # started at 07:30 in Shanghai (23:30 UTC the day before): the entries of the day
        # before the campaign existed are not greeted; started at 23:30 in Shanghai, they are
        history.sudo().date = date(2026, 6, 14)
        late = self._campaign(
            trigger_type="segment_entered", trigger_segment_id=self._lifecycle("new_low").id
        )
        late.date_start = datetime(2026, 6, 14, 23, 30)
        self.assertEqual(late._enqueue(now=NOW), 0)
        late.date_start = datetime(2026, 6, 14, 15, 30)
        self.assertEqual(late._enqueue(now=NOW), 1)
        later = self._campaign(broadcast_date=NOW + timedelta(hours=2))
        self.assertEqual(later._enqueue(now=NOW), 0)
        self.assertEqual(later._enqueue(now=NOW + timedelta(hours=3)), 3)

    def test_audience_filters(self):
        newcomer = self._contact("Newcomer", orders=[(7, 50.0)])
        regular = self._contact("Regular", orders=[(40, 150.0), (7, 150.0)], city="Shanghai")
        self._refresh()
        by_segment = self._campaign(audience_segment_ids=[self._lifecycle("loyal").id])
        by_segment._enqueue(now=NOW)
        self.assertEqual(by_segment.send_ids.partner_id, regular)
        by_domain = self._campaign(audience_domain="[('city', '!=', 'Shanghai')]")
        by_domain._enqueue(now=NOW)
        self.assertEqual(by_domain.send_ids.partner_id, newcomer)

    def test_coupon_action(self):
        member = self._contact("Coupon member")
        held = self._contact("Coupon control")
        self._refresh()
        program = self.env["loyalty.program"].create(
            {"name": "Welcome back", "program_type": "coupons"}
        )
        campaign = self._campaign(coupon_program_id=program.id, coupon_validity_days=30)
        campaign.send_ids.unlink()
        self.env["member.campaign.send"].create(
            [
                {
                    "campaign_id": campaign.id,
                    "partner_id": partner.id,
                    "occurrence": "broadcast",
                    "group_type": group,
                    "channel": "sms",
                }
                for partner, group in ((member, "treatment"), (held, "control"))
            ]
        )
        self.env["member.campaign.send"]._process_queue(now=NOW)
        self.env["member.campaign.send"]._process_queue(now=NOW)
        coupon = self.env["loyalty.card"].search([("program_id", "=", program.id)])
        self.assertEqual(coupon.partner_id, member, "one coupon, none for the control group")
        self.assertEqual(coupon.points, 1.0)
        self.assertEqual(str(coupon.expiration_date), "2026-07-15")
        self.assertIn(f"Your coupon code: {coupon.code}", self._sms_of(member).body)
        self.assertEqual(
            campaign.send_ids.filtered(lambda s: s.partner_id == member).coupon_id, coupon
        )

    def test_coupon_validity_from_the_chain_s_day(self):
        """A coupon sent at 01:00 in Shanghai (17:00 UTC the day before) is valid 30 days from
        that Shanghai day."""
        member = self._contact("Night coupon")
        self._refresh()
        program = self.env["loyalty.program"].create({"name": "Night", "program_type": "coupons"})
        campaign = self._campaign(
            coupon_program_id=program.id, coupon_validity_days=30, respect_quiet_hours=False
        )
        self._run(campaign, now=datetime(2026, 6, 15, 17, 0))
        coupon = self.env["loyalty.card"].search([("program_id", "=", program.id)])
        self.assertEqual(coupon.partner_id, member)
        self.assertEqual(str(coupon.expiration_date), "2026-07-16")

    def test_email_campaign_and_broken_template(self):
        reader = self._contact("Email reader", consent_email=True, email="reader@example.com")
        self._refresh()
        template = self._mail_template("Test email", "<p>Hello <t t-out='object.name'/></p>")
        email = self._campaign(name="Email", channel="email", mail_template_id=template.id)
        broken_template = self.env["sms.template"].create(
            {
                "name": "Broken",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "body": "{{ object.no_such_field }}",
            }
        )
        broken = self._campaign(name="Broken", sms_template_id=broken_template.id)
        self._run(email | broken)
        self.assertEqual(email.send_ids.state, "sent")
        mail = self.env["mail.mail"].sudo().browse(email.send_ids.mail_id)
        self.assertEqual(mail.subject, "News for Email reader")
        self.assertEqual(mail.res_id, reader.id)
        self.assertEqual(
            broken.send_ids.state, "failed", "a broken template fails its own sends only"
        )
        self.assertTrue(broken.send_ids.error)
        self.assertEqual(broken.failed_count, 1)

    def test_two_occurrences_of_a_member_in_one_batch_make_two_emails(self):
        """Two due sends of one email campaign for one member (two segment entries, within
        the frequency cap) in one batch: two emails, each with its own coupon code."""
        reader = self._contact("Twice entered", consent_email=True, email="twice@example.com")
        self._refresh()
        program = self.env["loyalty.program"].create(
            {"name": "Come back", "program_type": "coupons"}
        )
        template = self._mail_template(
            "Coupon email",
            "<p>Code <t t-out=\"ctx.get('coupon_codes', {}).get(object.id)\"/></p>",
        )
        campaign = self._campaign(
            channel="email", mail_template_id=template.id, coupon_program_id=program.id
        )
        campaign.send_ids.unlink()
        sends = self.env["member.campaign.send"].create(
            [
                {
                    "campaign_id": campaign.id,
                    "partner_id": reader.id,
                    "occurrence": occurrence,
                    "group_type": "treatment",
                    "channel": "email",
                }
                for occurrence in ("segment-1", "segment-2")
            ]
        )
        self.env["member.campaign.send"]._process_queue(now=NOW)
        self.assertEqual(sends.mapped("state"), ["sent", "sent"])
        self.assertEqual(len(set(sends.mapped("mail_id"))), 2, "one email per send")
        mails = self.env["mail.mail"].sudo().browse(sends.mapped("mail_id"))
        for send, mail in zip(sends, mails, strict=True):
            self.assertIn(f"Code {send.coupon_id.code}", mail.body_html)

    def test_start_requires_a_template(self):
        campaign = self.env["member.campaign"].create({"name": "No template", "channel": "sms"})
        with self.assertRaises(UserError):
            campaign.action_start()
        self.assertEqual(campaign.state, "draft")

    def test_leap_day_birthday_in_non_leap_year(self):
        """Born on 29 February: greeted on 28 February in 2027, on the 29th in 2028."""
        leap = self._member("Born on 29 February", birthday="2000-02-29")
        campaign = self._campaign(trigger_type="birthday", trigger_days=0)
        campaign._enqueue(now=datetime(2027, 2, 28, 4, 0))
        self.assertEqual(campaign.send_ids.partner_id, leap)
        self.assertEqual(campaign.send_ids.occurrence, "birthday-2027")
        self.assertEqual(campaign._enqueue(now=datetime(2028, 2, 28, 4, 0)), 0)
        self.assertEqual(campaign._enqueue(now=datetime(2028, 2, 29, 4, 0)), 1)

    def test_quiet_hours_end_is_out_of_them(self):
        """Quiet hours ending at 08:20:24 (a hand-set 8.34): what waits for their end leaves
        at 08:21, the first minute out of them, not at 08:20, still in them."""
        self.env["ir.config_parameter"].set_param("member_marketing.quiet_hour_end", 8.34)
        Campaign = self.env["member.campaign"]
        end = Campaign._get_quiet_hours_end(datetime(2026, 6, 14, 18, 0), "Asia/Shanghai")
        self.assertEqual(end, datetime(2026, 6, 15, 0, 21))
        self.assertFalse(Campaign._is_quiet_hour(end, "Asia/Shanghai"))

    def test_quiet_hours_default_to_china_time_not_the_users(self):
        """Company without a time zone, cron user in UTC: 14:00 UTC is 22:00 in Beijing."""
        self.env.company.partner_id.tz = False
        self.env.user.tz = "UTC"
        member = self._contact("Night owl")
        self._refresh()
        campaign = self._campaign()
        self.assertEqual(self._run(campaign, now=datetime(2026, 6, 15, 14, 0)), 0)
        self.assertFalse(self._sms_of(member))
        self.env["ir.config_parameter"].set_param("member_marketing.timezone", "UTC")
        self.assertEqual(
            self.env["member.campaign.send"]._process_queue(now=datetime(2026, 6, 15, 14, 0)), 1
        )
