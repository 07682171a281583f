"""Two-line serial pole display (customer display, 客显)."""

import logging
import threading
import unicodedata

from .devices import DeviceError, transport_for

_logger = logging.getLogger(__name__)
INIT = b"\x1b\x40"  # ESC @
CLEAR = b"\x0c"  # CLR
LINE2 = b"\x1f\x24\x01\x02"  # US $ 1 2: cursor to column 1, row 2


def _cells(char):
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def fit(text, columns):
    """Cut/pad ``text`` to ``columns`` display cells (CJK characters take two)."""
    out, used = "", 0
    for char in text:
        width = _cells(char)
        if used + width > columns:
            break
        out += char
        used += width
    return out + " " * (columns - used)


def display_lines(data, columns=20):
    """(line 1, line 2) for POS customer display data: last order line and the total."""
    data = data or {}
    lines = data.get("lines") or []
    first = ""
    if lines and isinstance(lines[-1], dict):
        last = lines[-1]
        name = str(last.get("productName") or "")
        price = str(last.get("price") or "")
        qty = str(last.get("qty") or "")
        first = fit(f"{qty} {name}".strip(), max(0, columns - len(price) - 1)) + " " + price
    total = str(data.get("amount") or "")
    label = "TOTAL"
    second = fit(label, max(0, columns - len(total))) + total
    return fit(first, columns), fit(second, columns)


def display_bytes(lines, encoding="gb18030"):
    first, second = lines
    return CLEAR + first.encode(encoding, "replace") + LINE2 + second.encode(encoding, "replace")


class PoleDisplay:
    """Writes the latest customer display data on a worker thread: the POS sends an update on
    every order change, only the newest one matters."""

    def __init__(self, uri, timeout=2.0):
        self.uri = uri
        self.name = uri.name
        self.columns = uri.int_option("columns", 20)
        self.encoding = uri.options.get("encoding", "gb18030")
        self.timeout = timeout
        self.status = "connecting"
        self.messages = []
        self._pending = ({},)
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name=f"display {self.name}", daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout=5)

    def get_status(self):
        return {"status": self.status, "messages": list(self.messages), "name": self.name}

    def update(self, data):
        with self._cond:
            self._pending = (data,)
            self._cond.notify_all()

    def _run(self):
        while True:
            with self._cond:
                while self._pending is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                (data,), self._pending = self._pending, None
            try:
                self._show(data)
            except Exception:
                # bad data must not kill the thread: the next update would never be shown
                _logger.exception("display %s: cannot show %r", self.name, data)

    def _show(self, data):
        payload = display_bytes(display_lines(data, self.columns), self.encoding)
        try:
            with transport_for(self.uri, self.timeout) as transport:
                transport.send(INIT + payload)
        except DeviceError as exc:
            if self.status != "disconnected":
                _logger.warning("display %s: %s", self.name, exc)
            self.status, self.messages = "disconnected", [str(exc)]
            return
        self.status, self.messages = "connected", []
