"""Protocol, safety and display behaviour of the real proxy process."""

import base64
import importlib
import io
import json
import os
import signal
import subprocess
import threading
from pathlib import Path

from PIL import Image

from ..hw_proxy.devices import parse_uri
from ..hw_proxy.display import PoleDisplay
from .hw_harness import (
    HW_PROXY,
    EmulatedPrinter,
    Proxy,
    PtyDevice,
    free_port,
    receipt_jpeg,
    wait_for,
)

ORIGIN = "http://pos.example.com"


def _huge_png():
    """A tiny file that claims 4000 x 20000 pixels: refused before it is decoded."""
    image = Image.new("1", (4000, 20000), 1)
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode()


def test_malformed_requests_get_errors_and_proxy_keeps_serving(tmp_path):
    printer = EmulatedPrinter().start()
    config = tmp_path / "hw-proxy.conf"
    config.write_text(f"[proxy]\nprinter = {printer.uri}\nmax_body_kb = 64\n")
    proxy = Proxy("--config", str(config))
    try:
        bad = [
            proxy.rpc("handshake", raw=b"{not json"),
            proxy.rpc("handshake", raw=b"[1, 2]"),
            proxy.rpc("handshake", raw=b'{"params": "x"}'),
            proxy.rpc("default_printer_action", {"data": {"action": "format_disk"}}),
            proxy.rpc("default_printer_action", {"data": "cashbox"}),
            proxy.rpc("default_printer_action", {"data": {"action": "print_receipt"}}),
            proxy.rpc(
                "default_printer_action",
                {
                    "data": {
                        "action": "print_receipt",
                        "receipt": base64.b64encode(b"#!/bin/sh").decode(),
                    }
                },
            ),
            proxy.rpc(
                "default_printer_action",
                {"data": {"action": "print_receipt", "receipt": receipt_jpeg()[:3000]}},
            ),
            proxy.rpc(
                "default_printer_action",
                {"data": {"action": "print_receipt", "receipt": _huge_png()}},
            ),
            proxy.rpc("no_such_route"),
            proxy.rpc("handshake", raw=json.dumps({"params": {"x": "y" * 100000}}).encode()),
            proxy.rpc("customer_facing_display", {"action": "reboot"}),
        ]
        names = [reply["error"]["data"]["name"] for reply in bad]
        assert names == [
            "hw_proxy.BadRequest",
            "hw_proxy.BadRequest",
            "hw_proxy.BadRequest",
            "hw_proxy.UnknownAction",
            "hw_proxy.BadRequest",
            "hw_proxy.BadReceipt",
            "hw_proxy.BadReceipt",
            "hw_proxy.BadReceipt",
            "hw_proxy.BadReceipt",
            "hw_proxy.NotFound",
            "hw_proxy.TooLarge",
            "hw_proxy.UnknownAction",
        ]
        assert all("result" not in reply for reply in bad)
        assert proxy.get("/hw_proxy/hello")[1] == b"ping"
        assert proxy.rpc("handshake") == {"jsonrpc": "2.0", "id": 7, "result": True}
        # nothing was sent to the printer for the refused receipts
        assert not printer.jobs()
    finally:
        assert proxy.stop() == 0
        printer.stop()


def test_token_and_origin_rules():
    proxy = Proxy("--token", "s3cret", "--allow-origin", ORIGIN)
    try:
        # hello needs no token (POS checks availability with a plain GET)
        assert proxy.get("/hw_proxy/hello")[0] == 200
        denied = proxy.rpc("handshake", headers={"X-HW-Proxy-Token": "wrong"})
        assert denied["error"]["data"]["name"] == "hw_proxy.AccessDenied"
        assert proxy.rpc("handshake", headers={"X-HW-Proxy-Token": "s3cret"})["result"] is True
        # the token as a path prefix: what stock POS sends when proxy_ip is http://host/t/TOKEN
        status, body, _ = proxy.request("POST", "/t/s3cret/hw_proxy/handshake", b"{}")
        assert (status, json.loads(body)["result"]) == (200, True)
        status, _, _ = proxy.request("POST", "/t/nope/hw_proxy/handshake", b"{}")
        assert status == 401
        # a token with no route after it: not found, not a crash
        for path in ("/t/s3cret", "/t/"):
            status, body, _ = proxy.request("POST", path, b"{}")
            assert (status, body) == (404, b"not found\n")
        # origins
        allowed = {"Origin": ORIGIN, "X-HW-Proxy-Token": "s3cret"}
        status, _, headers = proxy.request("POST", "/hw_proxy/handshake", b"{}", allowed)
        assert status == 200
        assert headers["Access-Control-Allow-Origin"] == ORIGIN
        evil = {"Origin": "http://evil.example", "X-HW-Proxy-Token": "s3cret"}
        status, _, headers = proxy.request("POST", "/hw_proxy/handshake", b"{}", evil)
        assert status == 403
        assert "Access-Control-Allow-Origin" not in headers
        preflight = {
            "Origin": ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Private-Network": "true",
        }
        status, _, headers = proxy.request("OPTIONS", "/hw_proxy/status_json", None, preflight)
        assert status == 204
        assert headers["Access-Control-Allow-Origin"] == ORIGIN
        assert headers["Access-Control-Allow-Private-Network"] == "true"
        assert "Content-Type" in headers["Access-Control-Allow-Headers"]
        # the customer display page reads the display data from localhost without token...
        body = b'{"params": {"action": "get"}}'
        status, _, _ = proxy.request("POST", "/hw_proxy/customer_facing_display", body)
        assert status == 200
        # ...but may not change it
        body = b'{"params": {"action": "set", "data": {}}}'
        status, _, _ = proxy.request("POST", "/hw_proxy/customer_facing_display", body)
        assert status == 401
    finally:
        proxy.stop()


def test_customer_display_shows_last_line_and_total(tmp_path):
    display = PtyDevice(tmp_path / "pole")
    proxy = Proxy("--display", f"{display.uri}&encoding=gb18030")
    try:
        display.read_available(timeout=1.0)  # the blank screen written at start
        data = {
            "lines": [
                {"productName": "Milk", "price": "¥ 6.00", "qty": "1"},
                {"productName": "可乐", "price": "¥ 3.50", "qty": "2"},
            ],
            "amount": "¥ 9.50",
        }
        reply = proxy.rpc("customer_facing_display", {"action": "set", "data": data})
        assert reply["result"] == {"status": "updated"}
        shown = wait_for(lambda: display.read_available())
        assert "可乐".encode("gb18030") in shown
        assert b"TOTAL" in shown and "¥ 9.50".encode("gb18030") in shown
        got = proxy.rpc("customer_facing_display", {"action": "get"})["result"]
        assert got == {"status": "retrieved", "data": data}
        # the display page and pos_app post {"params": ...} without jsonrpc/id
        _status, body, _ = proxy.request(
            "POST", "/hw_proxy/customer_facing_display", b'{"params": {"action": "close"}}'
        )
        assert json.loads(body)["result"] == {"status": "closed"}
        assert proxy.status()["display"]["status"] == "connected"
    finally:
        proxy.stop()
        display.unplug()


def test_display_refuses_bad_lines_and_keeps_working(tmp_path):
    display = PtyDevice(tmp_path / "pole")
    proxy = Proxy("--display", display.uri)
    try:
        display.read_available(timeout=1.0)
        reply = proxy.rpc("customer_facing_display", {"action": "set", "data": {"lines": {"a": 1}}})
        assert reply["error"]["message"] == "display lines must be a list of objects"
        data = {"lines": [{"productName": "Tea", "price": "5", "qty": "1"}], "amount": "5"}
        assert proxy.rpc("customer_facing_display", {"action": "set", "data": data})["result"]
        wait_for(lambda: b"Tea" in display.read_available())
    finally:
        proxy.stop()
    # the display thread itself survives data it cannot show
    pole = PoleDisplay(parse_uri(display.uri))
    pole.start()
    try:
        pole.update({"lines": {"a": 1}})
        wait_for(lambda: pole._pending is None)
        pole.update({"lines": [{"productName": "Milk", "price": "6", "qty": "1"}]})
        wait_for(lambda: b"Milk" in display.read_available())
    finally:
        pole.stop()
        display.unplug()


def test_lan_address_needs_a_token():
    example = HW_PROXY.parent.parent / "config" / "hw-proxy.conf.example"
    cases = (
        ["--host", "0.0.0.0", "--port", str(free_port())],
        ["--host", "192.168.1.20"],
        # the example binds 0.0.0.0 with a placeholder token the user must replace
        ["--config", str(example), "--port", str(free_port())],
    )
    for args in cases:
        done = subprocess.run(
            [str(HW_PROXY), *args], capture_output=True, text=True, timeout=30, check=False
        )
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1
        assert "token" in done.stderr


def test_every_test_module_is_imported():
    # odoo-bin --test-enable only runs what tests/__init__.py imports
    package = importlib.import_module(__package__)
    for module in Path(__file__).parent.glob("test_*.py"):
        assert hasattr(package, module.stem), module.stem


def test_bad_flags_exit_2_with_one_line():
    bad = (["--bogus"], ["--printer", "ftp://x"], ["--port", "x"], ["--scanner", "usb://1:2"])
    for args in bad:
        done = subprocess.run(
            [str(HW_PROXY), *args], capture_output=True, text=True, timeout=30, check=False
        )
        assert done.returncode == 2
        assert len(done.stderr.strip().splitlines()) == 1
        assert done.stderr.startswith("hw-proxy: error:")


def test_sigterm_and_sigint_exit_cleanly():
    for sig in (signal.SIGTERM, signal.SIGINT):
        proxy = Proxy()
        os.kill(proxy.process.pid, sig)
        assert proxy.process.wait(timeout=10) == 0
        proxy.stop()


def test_example_config_is_valid():
    example = HW_PROXY.parent.parent / "config" / "hw-proxy.conf.example"
    proxy = Proxy(
        "--config", str(example), "--printer", "tcp://127.0.0.1:9?status=0", token="s3cret"
    )
    try:
        assert proxy.rpc("handshake")["result"] is True
    finally:
        assert proxy.stop() == 0


def test_scale_read(tmp_path):
    scale = PtyDevice(tmp_path / "scale")
    proxy = Proxy("--scale", scale.uri)
    stop = threading.Event()

    def answer():
        # the scale is asked with "W" and answers STX weight CR, every time
        while not stop.is_set():
            if b"W" in scale.read_available(timeout=0.5):
                scale.send(b"\x020.750\r")

    thread = threading.Thread(target=answer)
    thread.start()
    try:
        assert proxy.rpc("scale_read")["result"] == {"weight": 0.75}
        assert proxy.status()["scale"]["status"] == "connected"
    finally:
        stop.set()
        thread.join()
        proxy.stop()
        scale.unplug()
