"""The real proxy process printing to an emulated network printer."""

import pytest

from ..hw_proxy.devices import parse_uri
from ..hw_proxy.escpos_raster import CUT, decode_receipt, parse_columns, parse_raster, to_bitmap
from ..hw_proxy.printer import CASHBOX
from .hw_harness import EmulatedPrinter, Proxy, PtyDevice, receipt_jpeg, wait_for


@pytest.fixture
def printer():
    emulated = EmulatedPrinter().start()
    yield emulated
    emulated.stop()


def _print(proxy, receipt):
    return proxy.rpc(
        "default_printer_action", {"data": {"action": "print_receipt", "receipt": receipt}}
    )


@pytest.mark.parametrize(("width", "rows"), [(576, 700), (512, 700), (384, 525)])
def test_receipt_prints_as_raster_and_cut(printer, width, rows):
    proxy = Proxy("--printer", f"{printer.uri}?width={width}")
    try:
        reply = _print(proxy, receipt_jpeg(512, 700))
        assert reply["result"]["result"] is True
        assert reply["result"]["state"] == "done"
        job = wait_for(lambda: [j for j in printer.jobs() if b"\x1d\x76\x30" in j])[0]
        slices = parse_raster(job)
        # a 512 px receipt is never upscaled; a 58 mm printer gets it scaled down to 384 dots
        assert {s[0] for s in slices} == {min(width, 512) // 8}
        assert all(s[1] <= 255 for s in slices)
        assert sum(s[1] for s in slices) == rows
        assert all(len(s[2]) == s[0] * s[1] for s in slices)
        # the black bars of the receipt are ink: the first rows are white, row 10+ black
        first = slices[0][2]
        row_bytes = slices[0][0]
        assert first[:row_bytes] == b"\x00" * row_bytes
        assert first[15 * row_bytes + row_bytes // 2] == 0xFF
        assert job.endswith(CUT)
    finally:
        assert proxy.stop() == 0


def test_column_mode_prints_the_same_image_for_printers_without_raster(printer):
    """`image=column` sends ESC * 24-dot bands instead of GS v 0; decoded, the bands are the very
    bitmap the raster mode would print, padded with blank rows to a whole band."""
    proxy = Proxy("--printer", f"{printer.uri}?width=384&image=column")
    receipt = receipt_jpeg(512, 700)
    try:
        assert _print(proxy, receipt)["result"]["state"] == "done"
        job = wait_for(lambda: [j for j in printer.jobs() if b"\x1b\x2a\x21" in j])[0]
        assert b"\x1d\x76\x30" not in job
        printed = parse_columns(job)
        expected = to_bitmap(decode_receipt(receipt), 384)  # 384 x 525
        assert printed.size == (384, 528)  # 22 bands of 24 rows
        assert printed.crop((0, 0, 384, 525)).tobytes() == expected.tobytes()
        assert not printed.crop((0, 525, 384, 528)).getbbox()  # the padding has no ink
        assert job.endswith(CUT)
    finally:
        assert proxy.stop() == 0


def test_unknown_image_mode_is_refused():
    with pytest.raises(ValueError, match="image must be one of"):
        parse_uri("tcp://127.0.0.1:9100?image=sideways")


def test_cashbox_kicks_drawer(printer):
    proxy = Proxy("--printer", printer.uri)
    try:
        reply = proxy.rpc("default_printer_action", {"data": {"action": "cashbox"}})
        assert reply["result"]["state"] == "done"
        wait_for(lambda: any(CASHBOX in j for j in printer.jobs()))
    finally:
        proxy.stop()


def test_test_page_in_gb18030(printer):
    proxy = Proxy("--printer", f"{printer.uri}?encoding=gb18030")
    try:
        reply = proxy.rpc("default_printer_action", {"data": {"action": "print_test_page"}})
        assert reply["result"]["state"] == "done"
        job = wait_for(lambda: [j for j in printer.jobs() if b"\x1c\x26" in j])[0]
        assert "小票打印机".encode("gb18030") in job
        assert job.endswith(CUT)
    finally:
        proxy.stop()


def test_printer_down_then_up_prints_queued_job_once(printer):
    printer.stop()
    proxy = Proxy("--printer", printer.uri, "--print-wait", "0.5")
    try:
        reply = _print(proxy, receipt_jpeg(512, 300))["result"]
        # POS is told the receipt is accepted: it is queued until the printer is back
        assert reply["result"] is True
        assert reply["state"] == "queued"
        assert proxy.status()["printer"]["status"] == "disconnected"
        printer.start()

        def job_state():
            data = {"action": "job_status", "job_id": reply["job_id"]}
            return proxy.rpc("default_printer_action", {"data": data})["result"]["state"]

        wait_for(lambda: job_state() == "done")
        wait_for(lambda: proxy.status()["printer"]["status"] == "connected")
        assert len([j for j in printer.jobs() if b"\x1d\x76\x30" in j]) == 1
    finally:
        proxy.stop()


def test_status_reports_paper_out():
    # DLE EOT answers with paper-end bits set (0x12 | 0x60)
    emulated = EmulatedPrinter(status_byte=0x72).start()
    proxy = Proxy("--printer", emulated.uri, "--status-interval", "0.5")
    try:
        status = wait_for(lambda: proxy.status()["printer"]["messages"])
        assert "paper out" in status
    finally:
        proxy.stop()
        emulated.stop()


def test_no_printer_answers_false():
    proxy = Proxy()
    try:
        reply = proxy.rpc("default_printer_action", {"data": {"action": "cashbox"}})
        assert reply["result"] is False
    finally:
        proxy.stop()


def test_serial_printer_receives_raster(tmp_path):
    port = PtyDevice(tmp_path / "printer")
    proxy = Proxy("--printer", f"{port.uri}&width=384&status=0")
    try:
        reply = _print(proxy, receipt_jpeg(512, 200))
        assert reply["result"]["state"] == "done"
        received = bytearray()

        def complete():
            received.extend(port.read_available(timeout=0.5))
            return received.endswith(CUT)

        wait_for(complete)
        slices = parse_raster(bytes(received))
        assert {s[0] for s in slices} == {48}
        assert sum(s[1] for s in slices) == 150
    finally:
        proxy.stop()
        port.unplug()
