import logging
import threading
from collections import defaultdict

import requests

from odoo import api, fields, models

_logger = logging.getLogger(__name__)

GATEWAY_TIMEOUT = 10  # seconds per request to the chain's SMS provider
GATEWAY_MAX_ATTEMPTS = 3


class SmsSms(models.Model):
    """Optional custom HTTP SMS gateway in place of Odoo IAP.

    When ``member_marketing.sms_gateway_url`` is set, every SMS (campaigns, notices, chatter)
    goes to that URL as one JSON POST per message. The send log stays ``sms.sms``; a failed
    request, or a request the provider refuses (see ``_gateway_refusal``), leaves the SMS queued
    for the SMS queue cron to retry, up to 3 attempts.

    Run by the SMS queue cron (``auto_commit``), the outcome of each message is committed as
    soon as the provider answered: a worker killed mid-batch re-sends at most the message in
    flight. The payload carries the SMS ``uuid``, the same on every attempt: providers should
    de-duplicate on it, so that even that message reaches the member once.
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

    def send(self, unlink_failed=False, unlink_sent=True, auto_commit=False, raise_exception=False):
        # Odoo commits per batch of 500 with auto_commit; the gateway commits per message (see
        # _send_gateway), except in tests, like Odoo
        records = self
        if auto_commit is True and not getattr(threading.current_thread(), "testing", False):
            records = self.with_context(member_marketing_sms_commit=True)
        return super(SmsSms, records).send(
            unlink_failed=unlink_failed,
            unlink_sent=unlink_sent,
            auto_commit=auto_commit,
            raise_exception=raise_exception,
        )

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

    @api.model
    def _gateway_refusal(self, response):
        """The provider's error message when its successful HTTP answer refuses the message,
        else None. Understood: a JSON object with ``"success": false``, ``"ok": false``, an
        ``"error"``, or a numeric ``"code"`` other than 0 (hook for chains whose provider
        answers otherwise)."""
        try:
            body = response.json()
        except ValueError:
            return None  # not JSON: the HTTP status said it all
        if not isinstance(body, dict):
            return None
        code = body.get("code")
        if isinstance(code, str) and code.strip().lstrip("-").isdigit():
            code = int(code)
        refused = (
            body.get("success") is False
            or body.get("ok") is False
            or bool(body.get("error"))
            or (isinstance(code, int) and not isinstance(code, bool) and code != 0)
        )
        if not refused:
            return None
        message = body.get("message") or body.get("msg") or body.get("error")
        if message and not isinstance(message, str):
            message = str(message)
        return message or self.env._(
            "The SMS provider refused the message (code %(code)s).", code=body.get("code")
        )

    def _send_gateway(self, config, unlink_failed=False, unlink_sent=True):
        headers = {"Authorization": f"Bearer {config['token']}"} if config["token"] else {}
        commit_each = self.env.context.get("member_marketing_sms_commit")
        outcomes = []
        # one HTTP request per message: providers take one recipient per templated message
        for sms in self:
            error = None
            try:
                response = requests.post(
                    config["url"],
                    json=sms._prepare_gateway_payload(config),
                    headers=headers,
                    timeout=GATEWAY_TIMEOUT,
                )
                response.raise_for_status()
            except requests.RequestException as request_error:
                error = str(request_error)
            else:
                error = self._gateway_refusal(response)
            if error:
                _logger.info("SMS %s: gateway refused or failed: %s", sms.uuid, error)
            outcomes.append((sms, error and error[:250]))
            if commit_each:
                self._gateway_write_outcomes(outcomes, unlink_failed, unlink_sent)
                outcomes = []
                # SMS queue cron: commit each outcome on purpose, before the next request, so
                # that a worker killed mid-batch never posts an SMS already posted
                self.env.cr.commit()  # pylint: disable=invalid-commit
        self._gateway_write_outcomes(outcomes, unlink_failed, unlink_sent)

    def _gateway_write_outcomes(self, outcomes, unlink_failed, unlink_sent):
        """Record the provider's answers: [(sms, error or None)]. Below the attempt limit, a
        failed SMS stays outgoing: the SMS queue cron retries it."""
        if not outcomes:
            return
        sent = failed = self.browse()
        updates = defaultdict(list)
        for sms, error in outcomes:
            if not error:
                sent |= sms
            elif sms.gateway_attempts + 1 >= GATEWAY_MAX_ATTEMPTS:
                failed |= sms
            updates[sms.gateway_attempts + 1, error or False].append(sms.id)
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
