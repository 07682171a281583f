import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import requests

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

_logger = logging.getLogger(__name__)
DEFAULT_PORT = 8069  # the proxy's default port, what POS assumes
PROXY_IP_SIZE = 45  # pos.config.proxy_ip is a Char(size=45)
STATUS_KEYS = (("printers", "printer"), ("scanners", "scanner"))
SINGLE_KEYS = ("scale", "display")
MAX_PARALLEL_CALLS = 32  # proxies asked at once by a status refresh


class PosHardwareProxy(models.Model):
    _name = "pos.hardware.proxy"
    _description = "POS Hardware Proxy"
    _order = "name"

    name = fields.Char(required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    url = fields.Char(
        string="URL",
        required=True,
        help="Address of the proxy as the POS browser reaches it, e.g. http://192.168.1.20:8069",
    )
    token = fields.Char(
        groups="point_of_sale.group_pos_manager",
        help="Token configured on the proxy (--token). Sent by the POS as a path prefix.",
    )
    timeout = fields.Float(default=3.0, help="Seconds to wait for the proxy when Odoo calls it.")
    pos_config_ids = fields.One2many("pos.config", "hw_proxy_id", string="Points of Sale")
    device_ids = fields.One2many("pos.hardware.device", "proxy_id", string="Devices")
    state = fields.Selection(
        [("unknown", "Unknown"), ("online", "Online"), ("offline", "Offline")],
        default="unknown",
        required=True,
        readonly=True,
    )
    last_check = fields.Datetime(readonly=True)
    last_seen = fields.Datetime(readonly=True, help="Last time the proxy answered.")
    last_error = fields.Char(readonly=True)

    @api.constrains("url", "token")
    def _check_url(self):
        for proxy in self:
            parts = urlsplit(proxy.url or "")
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise ValidationError(
                    self.env._("The proxy URL must look like http://192.168.1.20:8069.")
                )
            if len(proxy.sudo()._get_pos_proxy_ip()) > PROXY_IP_SIZE:
                raise ValidationError(
                    self.env._(
                        "The POS stores the proxy address (URL and token) in %s characters at "
                        "most: use a shorter token or address.",
                        PROXY_IP_SIZE,
                    )
                )

    def _get_base_url(self):
        """The URL with an explicit port: POS (deduceUrl) appends :8069 to a proxy_ip without
        one, after the /t/TOKEN path, which breaks every call."""
        self.ensure_one()
        parts = urlsplit(self.url.rstrip("/"))
        if parts.port is None:
            port = 443 if parts.scheme == "https" else DEFAULT_PORT
            parts = parts._replace(netloc=f"{parts.netloc}:{port}")
        return parts.geturl()

    def _get_pos_proxy_ip(self):
        """Value for pos.config.proxy_ip: the full URL, with the token as a path prefix
        because stock POS cannot send headers to the proxy."""
        self.ensure_one()
        # sudo: the token is read by the POS anyway (it is part of proxy_ip)
        token = self.sudo().token
        return f"{self._get_base_url()}/t/{token}" if token else self._get_base_url()

    def _request_args(self, route, params=None):
        """Everything one JSON-RPC call needs, read from the record (so the call itself can run
        outside the ORM, e.g. in a thread)."""
        self.ensure_one()
        token = self.sudo().token
        return {
            "url": f"{self._get_base_url()}/hw_proxy/{route}",
            "json": {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params or {}},
            "headers": {"X-HW-Proxy-Token": token} if token else {},
            "timeout": self.timeout or 3.0,
        }

    @staticmethod
    def _post(args):
        """The reply of one call, or the exception it raised. No ORM access."""
        try:
            return requests.post(
                args["url"], json=args["json"], headers=args["headers"], timeout=args["timeout"]
            ).json()
        except (requests.RequestException, ValueError) as exc:
            return exc

    def _reply_result(self, reply):
        """The result of a reply from _post, or a UserError saying what went wrong."""
        self.ensure_one()
        if isinstance(reply, Exception):
            raise UserError(
                self.env._(
                    "Proxy %(proxy)s did not answer: %(error)s", proxy=self.name, error=reply
                )
            )
        if not isinstance(reply, dict) or "error" in reply:
            error = reply.get("error", {}) if isinstance(reply, dict) else reply
            raise UserError(
                self.env._(
                    "Proxy %(proxy)s refused the request: %(error)s",
                    proxy=self.name,
                    error=error.get("message") if isinstance(error, dict) else error,
                )
            )
        return reply.get("result")

    def _call(self, route, params=None):
        """JSON-RPC call to the proxy; returns the result or raises UserError."""
        return self._reply_result(self._post(self._request_args(route, params)))

    def _call_many(self, route):
        """{proxy: result or UserError}: the proxies are asked at the same time, so a run over
        many stores takes about as long as the slowest proxy, not the sum of their timeouts."""
        calls = [proxy._request_args(route) for proxy in self]
        with ThreadPoolExecutor(max_workers=min(MAX_PARALLEL_CALLS, len(calls) or 1)) as pool:
            replies = list(pool.map(self._post, calls))
        outcomes = {}
        for proxy, reply in zip(self, replies, strict=True):
            try:
                outcomes[proxy] = proxy._reply_result(reply)
            except UserError as exc:
                outcomes[proxy] = exc
        return outcomes

    def action_refresh_status(self):
        now = fields.Datetime.now()
        known = {
            (d.proxy_id.id, d.device_type, d.name): d
            for d in self.env["pos.hardware.device"].search([("proxy_id", "in", self.ids)])
        }
        create_vals = []
        for proxy, status in self._call_many("status_json").items():
            if isinstance(status, UserError):
                proxy.write({"state": "offline", "last_check": now, "last_error": str(status)})
                proxy.device_ids.write({"status": "disconnected"})
                continue
            proxy.write({"state": "online", "last_check": now, "last_seen": now, "last_error": ""})
            seen = self.env["pos.hardware.device"]
            for device_type, info in self._iter_reported_devices(status):
                vals = {
                    "status": info.get("status", "disconnected"),
                    "message": ", ".join(map(str, info.get("messages") or []))[:250],
                    "width": info.get("width") or 0,
                }
                if vals["status"] == "connected":
                    vals["last_seen"] = now
                key = (proxy.id, device_type, info["name"])
                if key in known:
                    known[key].write(vals)
                    seen |= known[key]
                else:
                    create_vals.append(
                        {"proxy_id": proxy.id, "device_type": device_type, "name": key[2], **vals}
                    )
            (proxy.device_ids - seen).write({"status": "disconnected", "message": ""})
        self.env["pos.hardware.device"].create(create_vals)
        return True

    @staticmethod
    def _iter_reported_devices(status):
        """(device_type, info) for every device in a status_json answer that has a name."""
        if not isinstance(status, dict):
            return
        for list_key, device_type in STATUS_KEYS:
            for info in status.get(list_key) or []:
                if isinstance(info, dict) and info.get("name"):
                    yield device_type, info
        for device_type in SINGLE_KEYS:
            info = status.get(device_type)
            if isinstance(info, dict) and info.get("name"):
                yield device_type, info

    @api.model
    def _cron_refresh_status(self, limit=500):
        # the stalest proxies first, asked in parallel: a run lasts about
        # limit / MAX_PARALLEL_CALLS timeouts when every proxy is down
        self.search([], order="last_check asc nulls first, id", limit=limit).action_refresh_status()

    def _printer_action(self, data):
        self.ensure_one()
        # a cashier must not pop the drawer of any till of the company by RPC
        if not self.env.user.has_group("point_of_sale.group_pos_manager"):
            raise AccessError(
                self.env._("Only POS managers may open the drawer or print from the back office.")
            )
        result = self._call("default_printer_action", {"data": data})
        if not result or not result.get("result"):
            raise UserError(
                self.env._("Proxy %s has no receipt printer, or the job failed.", self.name)
            )
        return result

    def _notify(self, message):
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"message": message, "type": "success", "sticky": False},
        }

    def action_print_test_page(self):
        result = self._printer_action({"action": "print_test_page"})
        if result.get("state") == "done":
            return self._notify(self.env._("The test page was printed."))
        return self._notify(
            self.env._("The test page is queued: it prints as soon as the printer is back.")
        )

    def action_open_drawer(self):
        result = self._printer_action({"action": "cashbox"})
        if result.get("state") == "done":
            return self._notify(self.env._("The cash drawer was opened."))
        return self._notify(
            self.env._("The printer is offline: the drawer opens if it is back within 12 seconds.")
        )

    def action_apply_to_pos(self):
        self.pos_config_ids.action_apply_hw_proxy()
        return self._notify(self.env._("The IoT Box settings of the points of sale were updated."))
