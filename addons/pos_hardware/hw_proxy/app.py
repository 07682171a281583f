"""The WSGI application: the IoT-box routes stock Odoo 18 POS calls, CORS and token checks."""

import hmac
import json
import logging
import time

from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.wrappers import Request, Response

from .escpos_raster import ImageError

_logger = logging.getLogger(__name__)
CORS_HEADERS = "Origin, X-Requested-With, Content-Type, Accept, Authorization, X-HW-Proxy-Token"
DISPLAY_ACTIONS = {
    "open": "opened",
    "open_kiosk": "opened",
    "close": "closed",
    "set": "updated",
    "rotate_screen": "rotated",
}


class RpcError(Exception):
    """Answered as a JSON-RPC error; the message is safe to show to the caller."""

    def __init__(self, message, name="hw_proxy.BadRequest", status=200):
        super().__init__(message)
        self.name = name
        self.status = status


class ProxyApp:
    def __init__(self, settings, hardware):
        self.settings = settings
        self.hw = hardware
        self.routes = {
            "handshake": self.handshake,
            "status_json": self.status_json,
            "default_printer_action": self.default_printer_action,
            "scanner": self.scanner,
            "scale_read": self.scale_read,
            "customer_facing_display": self.customer_facing_display,
        }
        self.display_data = None

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ, start_response):
        request = Request(environ)
        request.max_content_length = self.settings.max_body
        return self.dispatch(request)(environ, start_response)

    def dispatch(self, request):
        origin = request.headers.get("Origin")
        if origin and not self._origin_allowed(origin):
            _logger.warning("refused request from origin %s", origin)
            return Response("origin not allowed\n", status=403, mimetype="text/plain")
        response = self._route(request)
        if origin:
            response.headers["Access-Control-Allow-Origin"] = origin
            response.headers["Vary"] = "Origin"
        return response

    def _origin_allowed(self, origin):
        allowed = self.settings.allow_origins
        return not allowed or "*" in allowed or origin.rstrip("/") in allowed

    def _route(self, request):
        path, path_token = request.path, None
        if path.startswith("/t/"):
            # token as a path prefix: "http://host:8069/t/TOKEN" fits in pos.config.proxy_ip,
            # so stock POS (which cannot add headers) sends it on every call
            # "/t/TOKEN" with nothing after it: no route (404 below), not a crash
            parts = path.split("/", 3)
            path_token = parts[2]
            path = "/" + (parts[3] if len(parts) > 3 else "")
        if request.method == "OPTIONS":
            return self._preflight(request)
        if not path.startswith("/hw_proxy/"):
            return Response("not found\n", status=404, mimetype="text/plain")
        name = path[len("/hw_proxy/") :]
        if name == "hello":
            return Response("ping", mimetype="text/plain")
        if request.method != "POST":
            return Response("method not allowed\n", status=405, mimetype="text/plain")
        request_id = None
        try:
            handler = self.routes.get(name)
            if handler is None:
                raise RpcError(f"unknown route /hw_proxy/{name}", "hw_proxy.NotFound", 404)
            request_id, params = self._parse(request)
            if not self._token_ok(request, path_token) and not self._public(request, name, params):
                raise RpcError("missing or wrong token", "hw_proxy.AccessDenied", 401)
            result = handler(params)
        except RpcError as exc:
            return self._json({"jsonrpc": "2.0", "id": request_id, "error": _error(exc)}, exc)
        except Exception:
            _logger.exception("error while handling /hw_proxy/%s", name)
            exc = RpcError("internal proxy error, see the proxy log", "hw_proxy.InternalError")
            return self._json({"jsonrpc": "2.0", "id": request_id, "error": _error(exc)}, exc)
        return self._json({"jsonrpc": "2.0", "id": request_id, "result": result})

    def _preflight(self, request):
        response = Response(status=204)
        response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
        response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
        response.headers["Access-Control-Max-Age"] = "86400"
        if request.headers.get("Access-Control-Request-Private-Network"):
            response.headers["Access-Control-Allow-Private-Network"] = "true"
        return response

    def _token_ok(self, request, path_token):
        expected = self.settings.token
        if not expected:
            return True
        given = path_token or request.headers.get("X-HW-Proxy-Token") or ""
        auth = request.headers.get("Authorization", "")
        if not given and auth.startswith("Bearer "):
            given = auth[len("Bearer ") :]
        return hmac.compare_digest(given.encode(), expected.encode())

    @staticmethod
    def _public(request, name, params):
        """The customer display page polls http://localhost:8069/hw_proxy/customer_facing_display
        (hard-coded in POS, no token): reading the display data is allowed from this host only."""
        return (
            name == "customer_facing_display"
            and params.get("action") == "get"
            and request.remote_addr in ("127.0.0.1", "::1")
        )

    def _parse(self, request):
        try:
            raw = request.get_data(cache=False)
        except RequestEntityTooLarge:
            raise RpcError("request body too large", "hw_proxy.TooLarge", 413) from None
        if not raw:
            return None, {}
        try:
            body = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise RpcError("request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise RpcError("request body must be a JSON object")
        params = body.get("params") or {}
        if not isinstance(params, dict):
            raise RpcError("params must be a JSON object")
        request_id = body.get("id")
        if not isinstance(request_id, int | str | None):
            request_id = None
        return request_id, params

    @staticmethod
    def _json(payload, exc=None):
        status = exc.status if exc else 200
        return Response(json.dumps(payload), status=status, mimetype="application/json")

    # -- routes ----------------------------------------------------------------------------
    def handshake(self, params):
        return True

    def status_json(self, params):
        return self.hw.status()

    def default_printer_action(self, params):
        data = params.get("data")
        if not isinstance(data, dict):
            raise RpcError("params.data must be an object with an action")
        printer = self.hw.default_printer
        if printer is None:
            return False
        action = data.get("action")
        if action == "print_receipt":
            try:
                job = printer.print_receipt(data.get("receipt"))
            except ImageError as exc:
                raise RpcError(str(exc), "hw_proxy.BadReceipt") from None
        elif action == "cashbox":
            job = printer.open_cashbox()
        elif action == "print_test_page":
            job = printer.print_test_page()
        elif action == "print_text":
            text = data.get("text")
            if not isinstance(text, str) or not text or len(text) > 10000:
                raise RpcError("print_text needs a text of at most 10000 characters")
            job = printer.print_text(text)
        elif action == "job_status":
            job = printer.job(str(data.get("job_id")))
            if job is None:
                raise RpcError("unknown job id", "hw_proxy.NotFound")
            return {"result": job.state != "failed", **job.as_dict()}
        else:
            raise RpcError(f"unknown printer action {action!r}", "hw_proxy.UnknownAction")
        printer.wait(job, self.settings.print_wait)
        # POS treats `false` or {result: false} as "printer not found": a queued job will still
        # print when the printer comes back, so only a failed job is reported as such
        return {"result": job.state != "failed", **job.as_dict()}

    def scanner(self, params):
        if not self.hw.scanners:
            time.sleep(min(5.0, self.settings.long_poll_timeout))
            return None
        return self.hw.barcodes.get(self.settings.long_poll_timeout)

    def scale_read(self, params):
        if self.hw.scale is None:
            return None
        return {"weight": self.hw.scale.read_weight()}

    def customer_facing_display(self, params):
        action = params.get("action")
        if action == "get":
            return {"status": "retrieved", "data": self.display_data}
        if action not in DISPLAY_ACTIONS:
            raise RpcError(f"unknown display action {action!r}", "hw_proxy.UnknownAction")
        if action == "set":
            data = params.get("data")
            if not isinstance(data, dict):
                raise RpcError("display data must be an object")
            lines = data.get("lines") or []
            if not isinstance(lines, list) or not all(isinstance(line, dict) for line in lines):
                raise RpcError("display lines must be a list of objects")
            self.display_data = data
            if self.hw.display:
                self.hw.display.update(data)
        elif action == "close" and self.hw.display:
            self.hw.display.update({})
        return {"status": DISPLAY_ACTIONS[action]}


def _error(exc):
    message = str(exc)
    return {
        "code": 200,
        "message": message,
        "data": {"name": exc.name, "message": message, "arguments": [message], "debug": ""},
    }
