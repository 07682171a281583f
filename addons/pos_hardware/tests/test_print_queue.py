"""The print queue in-process: expiry of stale jobs and no retry after a partial write."""

import time

from ..hw_proxy import devices
from ..hw_proxy.devices import parse_uri
from ..hw_proxy.printer import CASHBOX, Printer
from .hw_harness import EmulatedPrinter, receipt_jpeg, wait_for


def _printer(emulated):
    printer = Printer(parse_uri(emulated.uri), retry_interval=0.1, status_interval=60)
    printer.start()
    return printer


def test_stale_drawer_kick_expires_and_never_opens():
    emulated = EmulatedPrinter()  # not started: the printer is down
    printer = _printer(emulated)
    try:
        kick = printer.open_cashbox()
        receipt = printer.print_receipt(receipt_jpeg(512, 100))
        # as if 12 s passed: the kick is stale, the receipt (1 h) is not
        kick.expires = time.monotonic() - 1
        wait_for(lambda: kick.state == "expired")
        emulated.start()
        wait_for(lambda: receipt.state == "done")
        assert not any(CASHBOX in job for job in emulated.jobs())
        assert len([j for j in emulated.jobs() if b"\x1d\x76\x30" in j]) == 1
        assert printer.get_status()["jobs"]["expired"] == 1
    finally:
        printer.stop()
        emulated.stop()


def test_failed_write_is_not_retried(monkeypatch):
    emulated = EmulatedPrinter().start()
    printer = _printer(emulated)

    def broken_send(self, data):
        raise devices.DeviceError("connection reset mid-job", sent=True)

    monkeypatch.setattr(devices.TcpTransport, "send", broken_send)
    try:
        job = printer.print_receipt(receipt_jpeg(512, 100))
        wait_for(lambda: job.state == "failed")
        time.sleep(0.3)  # several retry intervals: the job stays failed
        assert job.state == "failed"
        assert job.attempts == 1
    finally:
        printer.stop()
        emulated.stop()
