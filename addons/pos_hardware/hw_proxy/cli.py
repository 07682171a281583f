"""Command line and config file: ``hw-proxy [--config FILE] [--printer URI] ...``."""

import argparse
import configparser
import ipaddress
import logging
import signal
import ssl
import sys
import threading
from dataclasses import dataclass, field

from werkzeug.serving import make_server

from . import __version__
from .app import ProxyApp
from .devices import parse_uri
from .hardware import Hardware

_logger = logging.getLogger("hw_proxy")
TOKEN_PLACEHOLDER = "CHANGE-ME"


@dataclass
class Settings:
    host: str = "127.0.0.1"
    port: int = 8069
    token: str = ""
    cert: str = ""
    key: str = ""
    allow_origins: list = field(default_factory=list)
    printers: list = field(default_factory=list)
    scanners: list = field(default_factory=list)
    display: str = ""
    scale: str = ""
    long_poll_timeout: float = 55.0
    print_wait: float = 3.0
    retry_interval: float = 2.0
    status_interval: float = 10.0
    barcode_max_age: float = 10.0
    max_body: int = 8 * 1024 * 1024
    log_level: str = "info"


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        # one line, exit 2 (argparse would print the whole usage first)
        sys.stderr.write(f"hw-proxy: error: {message}\n")
        sys.exit(2)


def build_parser():
    parser = _Parser(prog="hw-proxy", description="ESC/POS hardware proxy for Odoo 18 POS")
    add = parser.add_argument
    add("--config", "-c", help="INI file with a [proxy] section (see config/)")
    add("--host", help="address to bind (default 127.0.0.1)")
    add("--port", type=int, help="port (default 8069, what POS expects)")
    add("--printer", action="append", metavar="URI", help="printer URI (repeatable)")
    add("--scanner", action="append", metavar="URI", help="serial scanner URI (repeatable)")
    add("--display", metavar="URI", help="pole display URI")
    add("--scale", metavar="URI", help="scale URI")
    add("--token", help="token required on every call but /hw_proxy/hello")
    add(
        "--cert", metavar="FILE", help="TLS certificate (PEM): serve https, as POS over https needs"
    )
    add("--key", metavar="FILE", help="private key (PEM) of --cert")
    add("--allow-origin", action="append", metavar="ORIGIN", help="allowed origin (repeatable)")
    add("--long-poll-timeout", type=float, help="scanner long poll seconds (default 55)")
    add("--print-wait", type=float, help="seconds a print call waits for its job (default 3)")
    add("--retry-interval", type=float, help="seconds between retries to an offline printer")
    add("--status-interval", type=float, help="seconds between printer status queries")
    add("--log-level", choices=["debug", "info", "warning", "error"])
    add("--version", action="version", version=f"hw-proxy {__version__}")
    return parser


def _split(value):
    return [item for item in value.replace(",", " ").split() if item]


def load_settings(argv):
    """Settings from the config file, then flags; raises ValueError with a one-line reason."""
    args = build_parser().parse_args(argv)
    settings = Settings()
    if args.config:
        config = configparser.ConfigParser(interpolation=None)
        try:
            with open(args.config, encoding="utf-8") as handle:
                config.read_file(handle)
        except (OSError, configparser.Error) as exc:
            raise ValueError(f"cannot read config {args.config}: {exc}") from None
        section = config["proxy"] if config.has_section("proxy") else {}
        for key, value in section.items():
            _apply(settings, key, value)
    for key in ("host", "port", "token", "cert", "key", "display", "scale", "log_level"):
        if getattr(args, key) is not None:
            setattr(settings, key, getattr(args, key))
    for key in ("long_poll_timeout", "print_wait", "retry_interval", "status_interval"):
        if getattr(args, key) is not None:
            setattr(settings, key, getattr(args, key))
    if args.printer:
        settings.printers = args.printer
    if args.scanner:
        settings.scanners = args.scanner
    if args.allow_origin:
        settings.allow_origins = [o.rstrip("/") for o in args.allow_origin]
    for uri in [*settings.printers, *settings.scanners, settings.display, settings.scale]:
        if uri:
            parse_uri(uri)
    for uri in settings.scanners:
        if not uri.startswith("serial://"):
            raise ValueError(
                f"scanner {uri!r}: only serial:// scanners need the proxy "
                "(USB keyboard scanners work in the browser directly)"
            )
    if not 0 < settings.port < 65536:
        raise ValueError(f"port {settings.port} out of range")
    if settings.token == TOKEN_PLACEHOLDER:
        raise ValueError(f"replace the token placeholder {TOKEN_PLACEHOLDER!r} with a secret")
    if not settings.token and not _is_loopback(settings.host):
        raise ValueError(
            f"refusing to listen on {settings.host or 'all addresses'} without a token: "
            "set token (or --token), or bind 127.0.0.1"
        )
    tls_context(settings)  # refuse a bad certificate now, with one line
    return settings


def tls_context(settings):
    """The server TLS context for cert/key, or None for plain http; ValueError if unusable."""
    if not settings.cert and not settings.key:
        return None
    if not (settings.cert and settings.key):
        raise ValueError("TLS needs both cert and key (--cert FILE --key FILE)")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_cert_chain(settings.cert, settings.key)
    except (OSError, ssl.SSLError) as exc:
        raise ValueError(
            f"cannot use certificate {settings.cert} / key {settings.key}: {exc}"
        ) from None
    return context


def _is_loopback(host):
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _apply(settings, key, value):
    key = key.replace("-", "_")
    if key in ("printer", "printers"):
        settings.printers = _split(value)
    elif key in ("scanner", "scanners"):
        settings.scanners = _split(value)
    elif key in ("allow_origin", "allow_origins"):
        settings.allow_origins = [o.rstrip("/") for o in _split(value)]
    elif key in ("host", "token", "cert", "key", "display", "scale", "log_level"):
        setattr(settings, key, value.strip())
    elif key == "port":
        settings.port = _number(int, key, value)
    elif key == "max_body_kb":
        settings.max_body = _number(int, key, value) * 1024
    elif key in ("long_poll_timeout", "print_wait", "retry_interval", "status_interval"):
        setattr(settings, key, _number(float, key, value))
    elif key == "barcode_max_age":
        settings.barcode_max_age = _number(float, key, value)
    else:
        raise ValueError(f"unknown config key {key!r}")


def _number(kind, key, value):
    try:
        return kind(value)
    except ValueError:
        raise ValueError(f"config key {key!r} must be a number, got {value!r}") from None


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv=None):
    try:
        settings = load_settings(sys.argv[1:] if argv is None else argv)
    except ValueError as exc:
        sys.stderr.write(f"hw-proxy: error: {exc}\n")
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # werkzeug logs every request at INFO: the POS polls status_json every 5 s
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    if not settings.allow_origins:
        _logger.warning("no allowed origin configured: any web page may call this proxy")
    hardware = Hardware(settings)
    try:
        server = make_server(
            settings.host,
            settings.port,
            ProxyApp(settings, hardware),
            threaded=True,
            ssl_context=tls_context(settings),
        )
    except OSError as exc:
        sys.stderr.write(
            f"hw-proxy: error: cannot listen on {settings.host}:{settings.port}: {exc}\n"
        )
        return 2
    server.daemon_threads = True
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    hardware.start()
    scheme = "https" if settings.cert else "http"
    _logger.info("hw-proxy listening on %s://%s:%s", scheme, settings.host, server.server_port)
    try:
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        _logger.info("stopping")
    finally:
        server.server_close()
        threading.Thread(target=hardware.stop, daemon=True).start()
    return 0
