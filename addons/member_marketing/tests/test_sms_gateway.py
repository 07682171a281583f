import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, mute_logger

GATEWAY_PARAMS = {
    "member_marketing.sms_gateway_template": "SMS_0042",
    "member_marketing.sms_gateway_signature": "【示例超市】",
    "member_marketing.sms_gateway_token": "secret",
}


class FakeProvider:
    """A real HTTP server on localhost standing for the chain's SMS provider: it records every
    request it receives and answers from a script (default: HTTP 200, ``{"code": 0}``)."""

    def __init__(self):
        self.requests = []
        self.answers = []  # [(status, JSON body)], consumed in order
        self.on_request = None  # called with the payload before answering
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                payload = json.loads(self.rfile.read(length))
                provider.requests.append(
                    {"path": self.path, "headers": dict(self.headers), "json": payload}
                )
                if provider.on_request:
                    provider.on_request(payload)
                status, body = provider.answers.pop(0) if provider.answers else (200, {"code": 0})
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format, *args):  # pylint: disable=redefined-builtin
                pass  # quiet tests

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def uuids(self):
        return [request["json"]["uuid"] for request in self.requests]


def set_gateway(env, url):
    set_param = env["ir.config_parameter"].sudo().set_param
    set_param("member_marketing.sms_gateway_url", url)
    for key, value in GATEWAY_PARAMS.items():
        set_param(key, value)


@tagged("post_install", "-at_install")
class TestSmsGateway(TransactionCase):
    def setUp(self):
        super().setUp()
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        set_gateway(self.env, self.provider.url)

    def _sms(self):
        return self.env["sms.sms"].sudo().create({"number": "+8613800138000", "body": "Hello"})

    def test_sent_through_gateway(self):
        sms = self._sms()
        sms.send(unlink_sent=False)
        [request] = self.provider.requests
        self.assertEqual(request["path"], "/send")
        self.assertEqual(
            request["json"],
            {
                "uuid": sms.uuid,
                "to": "+8613800138000",
                "content": "Hello",
                "template_id": "SMS_0042",
                "signature": "【示例超市】",
            },
        )
        self.assertEqual(request["headers"]["Authorization"], "Bearer secret")
        self.assertEqual(sms.state, "pending")

    def test_failure_is_retried_then_reported(self):
        sms = self._sms()
        self.provider.answers = [(503, {"message": "busy"})] * 3
        sms.send()
        self.assertEqual((sms.state, sms.gateway_attempts), ("outgoing", 1), "queued for a retry")
        sms.send()
        self.assertEqual(sms.state, "outgoing")
        sms.send()
        self.assertEqual(len(self.provider.requests), 3)
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
        self.assertIn("503", sms.gateway_error)
        # a later success after a failure goes out once
        retry = self._sms()
        self.provider.answers = [(502, {}), (200, {"code": 0})]
        retry.send(unlink_sent=False)
        retry.send(unlink_sent=False)
        self.assertEqual((retry.state, retry.gateway_attempts), ("pending", 2))
        self.assertEqual(self.provider.uuids().count(retry.uuid), 2)

    def test_refusal_in_a_successful_answer_is_a_failure(self):
        """HTTP 200 with an error in the JSON body: the message was not sent."""
        refusals = {
            "success false": ({"success": False, "message": "签名未报备"}, "签名未报备"),
            "ok false": ({"ok": False, "msg": "invalid number"}, "invalid number"),
            "error": ({"error": "quota exceeded"}, "quota exceeded"),
            "non-zero code": ({"code": 1001}, "1001"),
            "non-zero code as text": ({"code": "15", "msg": "blocked"}, "blocked"),
        }
        for label, (body, error) in refusals.items():
            with self.subTest(label):
                sms = self._sms()
                self.provider.answers = [(200, body)] * 3
                sms.send()
                self.assertEqual((sms.state, sms.gateway_attempts), ("outgoing", 1))
                self.assertIn(error, sms.gateway_error)
                sms.send()
                sms.send()
                self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))
                self.assertEqual(self.provider.uuids().count(sms.uuid), 3)
        accepted = {
            "code zero": {"code": 0, "message": "OK"},
            "success true": {"success": True},
            "ok true": {"ok": True, "error": None},
        }
        for label, body in accepted.items():
            with self.subTest(label):
                sms = self._sms()
                self.provider.answers = [(200, body)]
                sms.send(unlink_sent=False)
                self.assertEqual((sms.state, sms.gateway_error), ("pending", False))


@tagged("post_install", "-at_install")
class TestSmsGatewayCommit(TransactionCase):
    """The SMS queue cron on committed data, in a worker thread (as the cron runs)."""

    def setUp(self):
        super().setUp()
        self.provider = FakeProvider()
        self.addCleanup(self.provider.stop)
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            set_gateway(env, self.provider.url)
            sms = env["sms.sms"].create(
                [{"number": f"+86138001381{i:02d}", "body": f"Message {i}"} for i in range(3)]
            )
            self.sms_ids, self.uuids = sms.ids, sms.mapped("uuid")
        self.addCleanup(self._cleanup)

    def _cleanup(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["sms.sms"].browse(self.sms_ids).exists().unlink()
            env["ir.config_parameter"].sudo().search(
                [("key", "in", ["member_marketing.sms_gateway_url", *GATEWAY_PARAMS])]
            ).unlink()

    def _run_sms_queue_cron(self, worker):
        """Run the SMS queue cron in a thread of its own; ``worker['pid']`` is its database
        backend, ``worker['error']`` what killed it."""

        def run():
            try:
                with self.registry.cursor() as cr:
                    cr.execute("SELECT pg_backend_pid()")
                    worker["pid"] = cr.fetchone()[0]
                    api.Environment(cr, SUPERUSER_ID, {})["sms.sms"]._process_queue(self.sms_ids)
            except Exception as error:  # reported to the test thread
                worker["error"] = error

        thread = threading.Thread(target=run)
        thread.start()
        thread.join(timeout=120)

    def _committed_states(self):
        with self.registry.cursor() as cr:
            cr.execute(SQL("SELECT uuid, state FROM sms_sms WHERE id IN %s", tuple(self.sms_ids)))
            return dict(cr.fetchall())

    def test_killed_worker_resends_only_the_message_in_flight(self):
        first, second, third = self.uuids

        def kill_worker_on_second_message(payload):
            # the worker process dies while the provider handles the second message
            if payload["uuid"] == second and self.provider.uuids().count(second) == 1:
                with self.registry.cursor() as cr:
                    cr.execute("SELECT pg_terminate_backend(%s, 10000)", [worker["pid"]])

        self.provider.on_request = kill_worker_on_second_message
        worker = {}
        with mute_logger("odoo.sql_db", "odoo.addons.sms.models.sms_sms"):
            self._run_sms_queue_cron(worker)
        self.assertIn("error", worker, "the worker was killed")
        self.assertEqual(
            self._committed_states(),
            {first: "pending", second: "outgoing", third: "outgoing"},
            "the first message's outcome was committed before the second was posted",
        )
        rerun = {}
        self._run_sms_queue_cron(rerun)
        self.assertNotIn("error", rerun)
        self.assertEqual(set(self._committed_states().values()), {"pending"})
        self.assertEqual(
            self.provider.uuids(),
            [first, second, second, third],
            "only the message in flight was posted twice (same uuid: the provider drops it)",
        )
