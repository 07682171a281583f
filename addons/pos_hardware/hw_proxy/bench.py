"""Figures for scripts/bench: ``PYTHONPATH=addons/pos_hardware python -m hw_proxy.bench``.

Prints the median time of: a 512 x 1500 receipt JPEG to ESC/POS bytes (576-dot printer), a
status_json round trip to a real proxy process, and scanner-to-long-poll latency (pty scanner).
Asserts nothing."""

import base64
import io
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import tty
import urllib.request
from pathlib import Path

from PIL import Image, ImageDraw

from .escpos_raster import receipt_to_escpos

ROOT = Path(__file__).resolve().parents[3]


def _receipt(width=512, height=1500):
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    for top in range(0, height, 30):
        draw.text((10, top), f"Item {top // 30:03d}  商品  x1  12.50", fill="black")
        draw.line((0, top + 25, width, top + 25), fill="grey")
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return base64.b64encode(buffer.getvalue()).decode()


def _median_ms(samples):
    return statistics.median(samples) * 1000


def bench_receipt(runs=30, mode="raster"):
    receipt = _receipt()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        receipt_to_escpos(receipt, 576, mode)
        samples.append(time.perf_counter() - start)
    return _median_ms(samples)


def _rpc(url, route, timeout=70):
    body = json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": {}}).encode()
    request = urllib.request.Request(f"{url}/hw_proxy/{route}", data=body, method="POST")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return json.loads(response.read())["result"]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_proxy(port, *args):
    cmd = [str(ROOT / "scripts" / "hw-proxy"), "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen([*cmd, "--log-level", "error", *args])
    url = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            urllib.request.urlopen(f"{url}/hw_proxy/hello", timeout=1).close()
            return process, url
        except OSError:
            time.sleep(0.05)
    process.terminate()
    raise RuntimeError("proxy did not start")


def bench_proxy(runs=50):
    with tempfile.TemporaryDirectory() as tmp:
        master, slave = os.openpty()
        tty.setraw(slave)
        link = Path(tmp) / "scanner"
        link.symlink_to(os.ttyname(slave))
        process, url = _start_proxy(_free_port(), "--scanner", f"serial://{link}")
        try:
            for _ in range(100):
                if _rpc(url, "status_json")["scanner"]["status"] == "connected":
                    break
                time.sleep(0.05)
            status = []
            for _ in range(runs):
                start = time.perf_counter()
                _rpc(url, "status_json")
                status.append(time.perf_counter() - start)
            scans = []
            for index in range(20):
                start = time.perf_counter()
                os.write(master, f"{index:013d}\r".encode())
                _rpc(url, "scanner")
                scans.append(time.perf_counter() - start)
        finally:
            process.terminate()
            process.wait(timeout=10)
            os.close(master)
            os.close(slave)
    return _median_ms(status), _median_ms(scans)


def _out(line):
    sys.stdout.write(f"pos_hardware: {line}\n")


def main():
    _out(f"receipt JPEG 512x1500 -> ESC/POS (576 dots): {bench_receipt():.1f} ms median")
    _out(f"  same, ESC * column mode: {bench_receipt(mode='column'):.1f} ms median")
    status_ms, scan_ms = bench_proxy()
    _out(f"status_json round trip: {status_ms:.1f} ms median")
    _out(f"scanner -> long poll latency: {scan_ms:.1f} ms median")
    return 0


if __name__ == "__main__":
    sys.exit(main())
