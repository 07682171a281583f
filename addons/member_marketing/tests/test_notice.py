from odoo.tests import tagged

from odoo.addons.sms.tests.common import SMSCase

from .common import MemberMarketingCase


@tagged("post_install", "-at_install")
class TestNotice(SMSCase, MemberMarketingCase):
    def test_top_up_notice_once_per_event_with_consent(self):
        consenting = self._member("Top-up member", consent_sms=True, phone="+8613800138111")
        silent = self._member("No consent", phone="+8613800138112")
        both = consenting | silent
        Notice = self.env["member.notice"]
        logs = Notice.notify("top_up", both, "topup-42", {"amount": "500.00", "balance": "700.00"})
        self.assertEqual(
            sorted(
                logs.filtered(lambda log: log.channel == "sms").mapped(
                    lambda log: (log.partner_id.name, log.state)
                )
            ),
            [("No consent", "skipped"), ("Top-up member", "sent")],
        )
        sms = self.env["sms.sms"].sudo().search([("partner_id", "in", both.ids)])
        self.assertEqual(sms.partner_id, consenting)
        self.assertEqual(
            sms.body, "Top-up member, your card was topped up with 500.00. Balance: 700.00."
        )
        # the same event notified again (a replayed sync) sends nothing
        self.assertFalse(
            Notice.notify("top_up", both, "topup-42", {"amount": "500.00", "balance": "700.00"})
        )
        self.assertEqual(
            self.env["sms.sms"].sudo().search_count([("partner_id", "in", both.ids)]), 1
        )

    def test_email_channel_and_switch_off(self):
        member = self._member("Email member", consent_email=True, email="member@example.com")
        notice = self.env.ref("member_marketing.notice_card_opened")
        logs = self.env["member.notice"].notify("card_opened", member, "card-1")
        email_log = logs.filtered(lambda log: log.channel == "email")
        self.assertEqual(email_log.state, "sent")
        mail = self.env["mail.mail"].sudo().browse(email_log.mail_id)
        self.assertIn("Email member", mail.body_html)
        notice.email_active = False
        self.assertFalse(
            self.env["member.notice"]
            .notify("card_opened", member, "card-2")
            .filtered(lambda log: log.channel == "email")
        )
