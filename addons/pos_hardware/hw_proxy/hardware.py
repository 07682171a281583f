"""All configured devices of one proxy, and their combined status for ``status_json``."""

from .devices import parse_uri
from .display import PoleDisplay
from .printer import Printer
from .scale import SerialScale
from .scanner import BarcodeQueue, SerialScanner


class Hardware:
    def __init__(self, settings):
        self.barcodes = BarcodeQueue(max_age=settings.barcode_max_age)
        self.printers = [
            Printer(
                parse_uri(uri),
                retry_interval=settings.retry_interval,
                status_interval=settings.status_interval,
            )
            for uri in settings.printers
        ]
        self.scanners = [SerialScanner(parse_uri(uri), self.barcodes) for uri in settings.scanners]
        self.display = PoleDisplay(parse_uri(settings.display)) if settings.display else None
        self.scale = SerialScale(parse_uri(settings.scale)) if settings.scale else None

    @property
    def default_printer(self):
        return self.printers[0] if self.printers else None

    def _devices(self):
        return [*self.printers, *self.scanners, *filter(None, (self.display, self.scale))]

    def start(self):
        for device in self._devices():
            device.start()

    def stop(self):
        for device in self._devices():
            device.stop()

    def status(self):
        """Keys ``printer``, ``scanner``, ``scale`` as POS reads them, plus every device."""
        printers = [p.get_status() for p in self.printers]
        scanners = [s.get_status() for s in self.scanners]
        result = {
            "printer": _combined(printers),
            "scanner": _combined(scanners),
            "scale": self.scale.get_status() if self.scale else _combined([]),
            "display": self.display.get_status() if self.display else _combined([]),
            "printers": printers,
            "scanners": scanners,
        }
        return result


def _combined(statuses):
    if not statuses:
        return {"status": "disconnected", "messages": ["not configured"]}
    for wanted in ("connected", "connecting"):
        if any(s["status"] == wanted for s in statuses):
            return {**statuses[0], "status": wanted}
    return statuses[0]
