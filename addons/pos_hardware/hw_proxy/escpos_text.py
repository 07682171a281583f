"""Text printing (test page, member slip) with Chinese in GB18030 or GBK."""

from .escpos_raster import CUT, FEED, INIT

# FS & selects the Chinese (double-byte) character mode; on Chinese-market printers it reads
# GB18030 (newer firmware) or GBK (older); FS . returns to the single-byte code page.
CHINESE_ON = b"\x1c\x26"
CHINESE_OFF = b"\x1c\x2e"
ENCODINGS = {
    "gb18030": CHINESE_ON,
    "gbk": CHINESE_ON,
    "cp437": b"\x1b\x74\x00",  # ESC t 0: PC437, Latin only
}


def text_to_escpos(text, encoding="gb18030"):
    """Encode ``text`` (lines separated by \\n) for the printer, then feed and cut."""
    encoding = encoding.lower()
    if encoding not in ENCODINGS:
        raise ValueError(f"unsupported printer encoding {encoding}")
    body = text.replace("\r\n", "\n").encode(encoding, errors="replace")
    out = INIT + ENCODINGS[encoding] + body
    if not body.endswith(b"\n"):
        out += b"\n"
    if encoding != "cp437":
        out += CHINESE_OFF
    return out + FEED + CUT


def test_page(name, dots, encoding):
    """The test page the back office asks for."""
    lines = [
        "hw-proxy test page / 测试页",
        f"printer: {name}",
        f"width: {dots} dots, encoding: {encoding}",
        "小票打印机 正常 (receipt printer OK)",
        "-" * (dots // 24),
    ]
    return text_to_escpos("\n".join(lines), encoding)
