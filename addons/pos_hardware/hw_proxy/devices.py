"""Device URIs and the byte transports behind them.

``tcp://host:9100?width=576``, ``serial:///dev/ttyUSB0?baudrate=9600``, ``usb://04b8:0202``.
Query options: ``width`` (printer dots: 384, 512, 576), ``encoding`` (gb18030, gbk, cp437),
``status`` (1/0: send DLE EOT status queries), ``image`` (raster: ``GS v 0``, the default;
column: ``ESC *`` bit images for printers without raster), ``baudrate``, ``name``.
"""

import contextlib
import logging
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

import serial

from .escpos_raster import IMAGE_MODES

_logger = logging.getLogger(__name__)

SCHEMES = ("tcp", "serial", "usb")
WIDTHS = (384, 512, 576)


class DeviceError(Exception):
    """A device could not be reached or written; ``sent`` tells whether bytes left us."""

    def __init__(self, message, sent=False):
        super().__init__(message)
        self.sent = sent


@dataclass
class DeviceUri:
    scheme: str
    target: str
    options: dict = field(default_factory=dict)
    raw: str = ""

    @property
    def name(self):
        return self.options.get("name") or self.raw.split("?")[0]

    def int_option(self, key, default):
        return int(self.options.get(key, default))


def parse_uri(uri):
    """Parse and validate a device URI; ValueError with a one-line reason when invalid."""
    parts = urlsplit(uri)
    if parts.scheme not in SCHEMES:
        raise ValueError(f"device URI {uri!r}: scheme must be one of {', '.join(SCHEMES)}")
    options = dict(parse_qsl(parts.query))
    if parts.scheme == "tcp":
        if not parts.hostname:
            raise ValueError(f"device URI {uri!r}: expected tcp://host:port")
        target = f"{parts.hostname}:{parts.port or 9100}"
    elif parts.scheme == "serial":
        target = parts.path
        if not target.startswith("/"):
            raise ValueError(f"device URI {uri!r}: expected serial:///dev/ttyXXX")
    else:
        target = parts.netloc or parts.path.lstrip("/")
        vid, _, pid = target.partition(":")
        try:
            int(vid, 16), int(pid, 16)
        except ValueError:
            raise ValueError(f"device URI {uri!r}: expected usb://VID:PID in hex") from None
    result = DeviceUri(parts.scheme, target, options, uri)
    try:
        width = result.int_option("width", 576)
        result.int_option("baudrate", 9600)
    except ValueError:
        raise ValueError(f"device URI {uri!r}: width and baudrate must be numbers") from None
    if width not in WIDTHS:
        raise ValueError(f"device URI {uri!r}: width must be one of {WIDTHS}")
    if options.get("image", "raster") not in IMAGE_MODES:
        raise ValueError(f"device URI {uri!r}: image must be one of {IMAGE_MODES}")
    return result


class Transport:
    """A short-lived connection to one device: open, send, receive, close."""

    def __init__(self, uri, timeout=3.0):
        self.uri = uri
        self.timeout = timeout

    def __enter__(self):
        self.open()
        return self

    def __exit__(self, *exc):
        self.close()

    def open(self):
        raise NotImplementedError

    def send(self, data):
        raise NotImplementedError

    def receive(self, size, timeout):
        return b""

    def close(self):
        pass


class TcpTransport(Transport):
    sock = None

    def open(self):
        host, _, port = self.uri.target.rpartition(":")
        try:
            self.sock = socket.create_connection((host, int(port)), timeout=self.timeout)
        except OSError as exc:
            raise DeviceError(f"cannot connect to {self.uri.target}: {exc}") from exc

    def send(self, data):
        try:
            self.sock.sendall(data)
        except OSError as exc:
            raise DeviceError(f"write to {self.uri.target} failed: {exc}", sent=True) from exc

    def receive(self, size, timeout):
        self.sock.settimeout(timeout)
        data = b""
        deadline = time.monotonic() + timeout
        try:
            while len(data) < size and time.monotonic() < deadline:
                chunk = self.sock.recv(size - len(data))
                if not chunk:
                    break
                data += chunk
        except OSError:
            return data
        return data

    def close(self):
        if self.sock:
            with contextlib.suppress(OSError):
                self.sock.shutdown(socket.SHUT_RDWR)
            self.sock.close()
            self.sock = None


class SerialTransport(Transport):
    port = None

    def open(self):
        try:
            self.port = serial.Serial(
                self.uri.target,
                baudrate=self.uri.int_option("baudrate", 9600),
                timeout=self.timeout,
                write_timeout=max(self.timeout, 10.0),
            )
        except (serial.SerialException, OSError) as exc:
            raise DeviceError(f"cannot open {self.uri.target}: {exc}") from exc

    def send(self, data):
        try:
            self.port.write(data)
            self.port.flush()
        except (serial.SerialException, OSError) as exc:
            raise DeviceError(f"write to {self.uri.target} failed: {exc}", sent=True) from exc

    def receive(self, size, timeout):
        self.port.timeout = timeout
        try:
            return self.port.read(size)
        except (serial.SerialException, OSError):
            return b""

    def close(self):
        if self.port:
            self.port.close()
            self.port = None


class UsbTransport(Transport):
    """USB printers through python-escpos (pyusb/libusb), imported only when used."""

    device = None

    def open(self):
        vid, _, pid = self.uri.target.partition(":")
        try:
            from escpos.printer import Usb  # optional: needs pyusb and libusb

            self.device = Usb(int(vid, 16), int(pid, 16), timeout=int(self.timeout * 1000))
            self.device.open()
        except Exception as exc:  # pyusb raises many unrelated types when no device is there
            raise DeviceError(f"cannot open USB device {self.uri.target}: {exc}") from exc

    def send(self, data):
        try:
            self.device._raw(data)
        except Exception as exc:
            raise DeviceError(f"write to USB {self.uri.target} failed: {exc}", sent=True) from exc

    def close(self):
        if self.device:
            try:
                self.device.close()
            except Exception:  # closing a vanished device raises various pyusb errors
                _logger.debug("closing USB device %s failed", self.uri.target, exc_info=True)
            self.device = None


def transport_for(uri, timeout=3.0):
    return {"tcp": TcpTransport, "serial": SerialTransport, "usb": UsbTransport}[uri.scheme](
        uri, timeout
    )
