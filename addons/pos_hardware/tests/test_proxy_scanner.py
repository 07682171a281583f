"""Serial scanners on pty pairs feeding the POS long poll through the real proxy."""

import pytest

from .hw_harness import Proxy, PtyDevice, wait_for


@pytest.fixture
def scanners(tmp_path):
    devices = [PtyDevice(tmp_path / "scanner-a"), PtyDevice(tmp_path / "scanner-b")]
    yield devices
    for device in devices:
        device.unplug()


def _connected(proxy, index=None):
    scanners = proxy.status()["scanners"]
    chosen = scanners if index is None else [scanners[index]]
    return all(s["status"] == "connected" for s in chosen)


def test_long_poll_returns_scanned_codes_from_several_scanners(scanners):
    proxy = Proxy(*[a for s in scanners for a in ("--scanner", s.uri)], "--long-poll-timeout", "2")
    try:
        wait_for(lambda: _connected(proxy))
        scanners[0].send(b"6901234567892\r\n")
        assert proxy.rpc("scanner")["result"] == "6901234567892"
        scanners[1].send(b"4006381333931\r")
        scanners[0].send(b"ABC-123\n")
        codes = {proxy.rpc("scanner")["result"], proxy.rpc("scanner")["result"]}
        assert codes == {"4006381333931", "ABC-123"}
        # a GS1-128 code keeps its GS separators
        scanners[1].send(b"0109501101530003\x1d10ABC\r")
        assert proxy.rpc("scanner")["result"] == "0109501101530003\x1d10ABC"
        # nothing scanned: the long poll ends with '' after the configured timeout
        assert proxy.rpc("scanner")["result"] == ""
    finally:
        assert proxy.stop() == 0


def test_unplug_and_replug_reconnects(scanners):
    scanner = scanners[0]
    proxy = Proxy("--scanner", scanner.uri, "--long-poll-timeout", "3")
    try:
        wait_for(lambda: _connected(proxy))
        scanner.unplug()
        wait_for(lambda: proxy.status()["scanner"]["status"] == "disconnected")
        scanner.plug()
        wait_for(lambda: _connected(proxy))
        scanner.send(b"12345670\r")
        assert proxy.rpc("scanner")["result"] == "12345670"
    finally:
        proxy.stop()


def test_no_scanner_answers_null():
    proxy = Proxy("--long-poll-timeout", "0.2")
    try:
        assert proxy.rpc("scanner")["result"] is None
    finally:
        proxy.stop()
