"""DLE EOT real-time status queries and their answers."""

QUERY_PRINTER = b"\x10\x04\x01"
QUERY_OFFLINE = b"\x10\x04\x02"
QUERY_PAPER = b"\x10\x04\x04"
QUERIES = QUERY_PRINTER + QUERY_OFFLINE + QUERY_PAPER


def _valid(byte):
    # every DLE EOT answer has bit 1 and bit 4 set and bit 0 and bit 7 clear
    return byte & 0x93 == 0x12


def parse_status(answer):
    """Parse the three answer bytes to (online, messages); None when not a valid answer."""
    if len(answer) < 3 or not all(_valid(b) for b in answer[:3]):
        return None
    printer, offline, paper = answer[:3]
    messages = []
    if offline & 0x04:
        messages.append("cover open")
    if paper & 0x60:
        messages.append("paper out")
    elif paper & 0x0C:
        messages.append("paper near end")
    if offline & 0x20:
        messages.append("paper out")
    if offline & 0x40:
        messages.append("printer error")
    online = not printer & 0x08
    return online, sorted(set(messages))
