"""Serial barcode scanners feeding one queue that the POS long-polls."""

import logging
import os
import threading
import time
from collections import deque

import serial

_logger = logging.getLogger(__name__)
TERMINATORS = (b"\r", b"\n")


class BarcodeQueue:
    """Barcodes from every scanner, oldest first; each barcode is handed to one poller."""

    def __init__(self, max_age=10.0, max_len=100):
        self.max_age = max_age
        self._items = deque(maxlen=max_len)
        self._cond = threading.Condition()

    def push(self, barcode):
        with self._cond:
            self._items.append((time.monotonic(), barcode))
            self._cond.notify()

    def get(self, timeout):
        """The next fresh barcode, or '' after ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                while self._items:
                    stamp, barcode = self._items.popleft()
                    # a barcode nobody collected for a while belongs to a past customer
                    if time.monotonic() - stamp <= self.max_age:
                        return barcode
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return ""
                self._cond.wait(remaining)


class SerialScanner:
    """Reader thread for one serial scanner; reopens the port after unplug/replug.

    The port is also reopened when its path (e.g. a udev /dev/serial/by-id symlink) starts
    pointing at another device node."""

    def __init__(self, uri, queue, read_timeout=0.2, reconnect_interval=0.5):
        self.uri = uri
        self.name = uri.name
        self.path = uri.target
        self.baudrate = uri.int_option("baudrate", 9600)
        self.queue = queue
        self.read_timeout = read_timeout
        self.reconnect_interval = reconnect_interval
        self.status = "connecting"
        self.messages = []
        self.connects = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"scanner {self.name}", daemon=True)

    def start(self):
        self._thread.start()

    def stop(self):
        self._stop.set()
        self._thread.join(timeout=5)

    def get_status(self):
        return {"status": self.status, "messages": list(self.messages), "name": self.name}

    def _run(self):
        while not self._stop.is_set():
            try:
                port = serial.Serial(self.path, self.baudrate, timeout=self.read_timeout)
            except (serial.SerialException, OSError) as exc:
                self._set_down(f"cannot open {self.path}: {exc}")
                self._stop.wait(self.reconnect_interval)
                continue
            self.connects += 1
            self.status, self.messages = "connected", []
            _logger.info("scanner %s connected", self.name)
            try:
                self._read(port)
            except (serial.SerialException, OSError, TypeError) as exc:
                # pyserial raises TypeError from read() on some platforms when the fd goes away
                self._set_down(f"{self.path} lost: {exc}")
            finally:
                port.close()

    def _set_down(self, message):
        if self.status != "disconnected":
            _logger.warning("scanner %s: %s", self.name, message)
        self.status, self.messages = "disconnected", [message]

    def _read(self, port):
        node = os.path.realpath(self.path)
        buffer = b""
        while not self._stop.is_set():
            # block for the first byte only, then take what arrived: a code ending in CR/LF is
            # queued at once, a code without suffix after the read timeout
            chunk = port.read(1)
            if chunk and port.in_waiting:
                chunk += port.read(port.in_waiting)
            if not chunk:
                # inter-character timeout: a scanner without a suffix has finished its code
                if buffer:
                    self._emit(buffer)
                    buffer = b""
                if os.path.realpath(self.path) != node:
                    raise serial.SerialException(f"{self.path} now points to another device")
                continue
            buffer += chunk.replace(b"\n", b"\r")
            *codes, buffer = buffer.split(b"\r")
            for code in codes:
                self._emit(code)

    def _emit(self, raw):
        # keep GS (0x1d), the GS1 field separator; drop other control bytes and line noise
        text = raw.decode("ascii", errors="ignore").strip()
        code = "".join(char for char in text if char.isprintable() or char == "\x1d")
        if code:
            self.queue.push(code)
