from unittest.mock import patch

import requests

from odoo.tests import TransactionCase, tagged

from odoo.addons.member_marketing.models import sms_sms as sms_module


class FakeResponse:
    def __init__(self, status):
        self.status_code = status

    def raise_for_status(self):
        if self.status_code >= 400:
            raise requests.HTTPError(f"{self.status_code} error")


@tagged("post_install", "-at_install")
class TestSmsGateway(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        set_param = cls.env["ir.config_parameter"].sudo().set_param
        set_param("member_marketing.sms_gateway_url", "https://sms.example.com/send")
        set_param("member_marketing.sms_gateway_template", "SMS_0042")
        set_param("member_marketing.sms_gateway_signature", "【示例超市】")
        set_param("member_marketing.sms_gateway_token", "secret")

    def _sms(self):
        return self.env["sms.sms"].sudo().create({"number": "+8613800138000", "body": "Hello"})

    def test_sent_through_gateway(self):
        sms = self._sms()
        with patch.object(sms_module.requests, "post", return_value=FakeResponse(200)) as post:
            sms.send(unlink_sent=False)
        payload = post.call_args.kwargs["json"]
        self.assertEqual(post.call_args.args[0], "https://sms.example.com/send")
        self.assertEqual(
            payload,
            {
                "uuid": sms.uuid,
                "to": "+8613800138000",
                "content": "Hello",
                "template_id": "SMS_0042",
                "signature": "【示例超市】",
            },
        )
        self.assertEqual(post.call_args.kwargs["headers"], {"Authorization": "Bearer secret"})
        self.assertEqual(sms.state, "pending")

    def test_failure_is_retried_then_reported(self):
        sms = self._sms()
        with patch.object(sms_module.requests, "post", return_value=FakeResponse(503)) as post:
            sms.send()
            self.assertEqual(
                (sms.state, sms.gateway_attempts), ("outgoing", 1), "queued for a retry"
            )
            sms.send()
            self.assertEqual(sms.state, "outgoing")
            sms.send()
        self.assertEqual(post.call_count, 3)
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertIn("503", sms.gateway_error)
        # a later success after a failure goes out once
        retry = self._sms()
        with patch.object(
            sms_module.requests, "post", side_effect=[requests.Timeout("slow"), FakeResponse(200)]
        ):
            retry.send(unlink_sent=False)
            retry.send(unlink_sent=False)
        self.assertEqual((retry.state, retry.gateway_attempts), ("pending", 2))
