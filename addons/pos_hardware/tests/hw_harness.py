"""Test doubles for the proxy tests: the real proxy process, an emulated network printer and
emulated serial devices on pty pairs. Nothing here needs an Odoo database."""

import base64
import contextlib
import io
import json
import os
import select
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import tty
import urllib.error
import urllib.request
from pathlib import Path

from PIL import Image, ImageDraw

from ..hw_proxy.escpos_status import QUERIES

ROOT = Path(__file__).resolve().parents[3]
HW_PROXY = ROOT / "scripts" / "hw-proxy"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout=10.0, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"condition not met within {timeout} s")


def receipt_jpeg(width=512, height=700):
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for top in range(10, height - 40, 60):
        draw.rectangle((20, top, width - 20, top + 30), fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return base64.b64encode(buffer.getvalue()).decode()


class EmulatedPrinter:
    """A TCP "printer" on 127.0.0.1 that records the bytes of each connection and answers
    DLE EOT status queries like an online printer with paper."""

    def __init__(self, port=None, status_byte=0x12):
        self.port = port or free_port()
        self.status_byte = status_byte
        self.connections = []
        self._lock = threading.Lock()
        self._sock = None

    def start(self):
        self._sock = socket.socket()
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", self.port))
        self._sock.listen(5)
        threading.Thread(target=self._accept, args=(self._sock,), daemon=True).start()
        return self

    def stop(self):
        if self._sock:
            with contextlib.suppress(OSError):
                self._sock.shutdown(socket.SHUT_RDWR)
            self._sock.close()
            self._sock = None

    @property
    def uri(self):
        return f"tcp://127.0.0.1:{self.port}"

    def jobs(self):
        """Bytes of each connection that carried more than status queries, without the DLE EOT
        queries the proxy sends after a job to learn the printer's state."""
        with self._lock:
            records = [bytes(c).replace(QUERIES, b"") for c in self.connections]
        return [record for record in records if record]

    def _accept(self, sock):
        while True:
            try:
                conn, _addr = sock.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn):
        record = bytearray()
        with self._lock:
            self.connections.append(record)
        with conn:
            while True:
                try:
                    chunk = conn.recv(65536)
                except OSError:
                    return
                if not chunk:
                    return
                with self._lock:
                    record += chunk
                # answer each DLE EOT n query that ends this chunk with one status byte
                answers = chunk.count(b"\x10\x04")
                if answers and chunk.endswith((b"\x10\x04\x01", b"\x10\x04\x02", b"\x10\x04\x04")):
                    with contextlib.suppress(OSError):
                        conn.sendall(bytes([self.status_byte]) * answers)


class PtyDevice:
    """A serial device on a pty pair; the proxy opens ``link`` (a symlink, like udev's
    /dev/serial/by-id names) so that a replug can re-point it to a new pty."""

    def __init__(self, link):
        self.link = Path(link)
        self.master = self.slave = None
        self.plug()

    def plug(self):
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        with contextlib.suppress(FileNotFoundError):
            self.link.unlink()
        self.link.symlink_to(os.ttyname(self.slave))

    def unplug(self):
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)
        self.master = self.slave = None

    def send(self, data):
        os.write(self.master, data)

    def read_available(self, timeout=2.0):
        data = b""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([self.master], [], [], 0.1)
            if ready:
                data += os.read(self.master, 4096)
            elif data:
                break
        return data

    @property
    def uri(self):
        return f"serial://{self.link}?baudrate=9600"


class Proxy:
    """The real proxy process (scripts/hw-proxy) on a free loopback port."""

    def __init__(self, *args, token=None, cafile=None):
        self.port = free_port()
        self.token = token
        # with --cert the proxy serves https; cafile is the certificate the client trusts
        self.scheme = "https" if "--cert" in args else "http"
        self.ssl_context = ssl.create_default_context(cafile=cafile) if cafile else None
        cmd = [str(HW_PROXY), "--host", "127.0.0.1", "--port", str(self.port), *args]
        cmd += ["--log-level", "warning", "--retry-interval", "0.3"]
        if token:
            cmd += ["--token", token]
        # a file, not a pipe: nobody reads the log while the proxy runs
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.process = subprocess.Popen(
            cmd, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        wait_for(self._hello, timeout=15)

    @property
    def url(self):
        return f"{self.scheme}://127.0.0.1:{self.port}"

    def _hello(self):
        if self.process.poll() is not None:
            raise AssertionError(f"proxy exited: {self.output()}")
        try:
            return self.get("/hw_proxy/hello")[0] == 200
        except OSError:
            return False

    def get(self, path, headers=None):
        return self.request("GET", path, None, headers)

    def request(self, method, path, body=None, headers=None):
        req = urllib.request.Request(self.url + path, data=body, method=method)
        for key, value in (headers or {}).items():
            req.add_header(key, value)
        try:
            with urllib.request.urlopen(req, timeout=70, context=self.ssl_context) as resp:
                return resp.status, resp.read(), resp.headers
        except urllib.error.HTTPError as err:
            return err.code, err.read(), err.headers

    def rpc(self, route, params=None, headers=None, raw=None):
        """JSON-RPC POST like POS; returns the decoded reply (result or error)."""
        headers = {"Content-Type": "application/json", **(headers or {})}
        if self.token and "X-HW-Proxy-Token" not in headers:
            headers["X-HW-Proxy-Token"] = self.token
        body = (
            raw
            if raw is not None
            else json.dumps(
                {"jsonrpc": "2.0", "method": "call", "id": 7, "params": params or {}}
            ).encode()
        )
        _status, payload, _headers = self.request("POST", f"/hw_proxy/{route}", body, headers)
        return json.loads(payload)

    def status(self):
        return self.rpc("status_json")["result"]

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()
        return self.process.returncode

    def output(self):
        self.log.seek(0)
        return self.log.read().decode(errors="replace")
