import logging
from collections import defaultdict

import requests

from odoo import fields, models

_logger = logging.getLogger(__name__)

GATEWAY_TIMEOUT = 10  # seconds per request to the chain's SMS provider
GATEWAY_MAX_ATTEMPTS = 3


class SmsSms(models.Model):
    """Optional custom HTTP SMS gateway in place of Odoo IAP.

    When ``member_marketing.sms_gateway_url`` is set, every SMS (campaigns, notices, chatter)
    goes to that URL as one JSON POST per message. The send log stays ``sms.sms``; a failed
    request leaves the SMS queued for the SMS queue cron to retry, up to 3 attempts.
    """

    _inherit = "sms.sms"

    gateway_attempts = fields.Integer(readonly=True)
    gateway_error = fields.Char(readonly=True)

    def _get_gateway_config(self):
        get = self.env["ir.config_parameter"].sudo().get_param
        url = get("member_marketing.sms_gateway_url")
        if not url:
            return None
        return {
            "url": url,
            "template_id": get("member_marketing.sms_gateway_template", ""),
            "signature": get("member_marketing.sms_gateway_signature", ""),
            "token": get("member_marketing.sms_gateway_token", ""),
        }

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        config = self._get_gateway_config()
        if not config:
            return super()._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
        return self._send_gateway(config, unlink_failed=unlink_failed, unlink_sent=unlink_sent)

    def _prepare_gateway_payload(self, config):
        self.ensure_one()
        return {
            "uuid": self.uuid,
            "to": self.number,
            "content": self.body,
            "template_id": config["template_id"],
            "signature": config["signature"],
        }

    def _send_gateway(self, config, unlink_failed=False, unlink_sent=True):
        headers = {"Authorization": f"Bearer {config['token']}"} if config["token"] else {}
        sent = self.browse()
        failed = self.browse()
        errors = {}
        # one HTTP request per message: providers take one recipient per templated message
        for sms in self:
            try:
                response = requests.post(
                    config["url"],
                    json=sms._prepare_gateway_payload(config),
                    headers=headers,
                    timeout=GATEWAY_TIMEOUT,
                )
                response.raise_for_status()
            except requests.RequestException as error:
                _logger.info("SMS %s: gateway request failed: %s", sms.uuid, error)
                errors[sms.id] = str(error)[:250]
                # below the attempt limit it stays outgoing: the SMS queue cron retries it
                if sms.gateway_attempts + 1 >= GATEWAY_MAX_ATTEMPTS:
                    failed |= sms
            else:
                sent |= sms
        updates = defaultdict(list)
        for sms in self:
            updates[sms.gateway_attempts + 1, errors.get(sms.id, False)].append(sms.id)
        for (attempts, error), ids in updates.items():
            self.sudo().browse(ids).write({"gateway_attempts": attempts, "gateway_error": error})
        if sent:
            sent.sudo().sms_tracker_id._action_update_from_sms_state("pending")
            sent.sudo().write({"state": "pending", "failure_type": False, "to_delete": unlink_sent})
        if failed:
            failed.sudo().sms_tracker_id._action_update_from_sms_state(
                "error", failure_type="sms_server"
            )
            failed.sudo().write(
                {"state": "error", "failure_type": "sms_server", "to_delete": unlink_failed}
            )
        (sent | failed).mail_message_id._notify_message_notification_update()
