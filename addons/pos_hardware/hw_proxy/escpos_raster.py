"""Receipt image -> ESC/POS image bytes: raster ``GS v 0`` (what the IoT box sends), or bit-image
columns ``ESC *`` for printers that lack the raster command (older and some cheap models)."""

import base64
import binascii
import io

from PIL import Image, ImageOps

INIT = b"\x1b\x40"  # ESC @: initialise
FEED = b"\x1b\x64\x04"  # ESC d 4: feed four lines so the cut clears the text
CUT = b"\x1d\x56\x41\x03"  # GS V A 3: feed 3 dots and cut
MAX_SLICE_ROWS = 255
BAND_ROWS = 24  # ESC * mode 33: 24-dot double density, three bytes per column
LINE_SPACING_BAND = b"\x1b\x33\x18"  # ESC 3 24: a line feed advances exactly one band
LINE_SPACING_DEFAULT = b"\x1b\x32"  # ESC 2
IMAGE_MODES = ("raster", "column")
ALLOWED_FORMATS = {"JPEG", "PNG", "BMP", "GIF"}
MAX_WIDTH = 4096
MAX_HEIGHT = 30000
MAX_PIXELS = 16_000_000  # a 576 x 27000 receipt; bounds the memory a request can make us use


class ImageError(ValueError):
    """The receipt is not an image we accept."""


def decode_receipt(data):
    """Decode a base64 receipt (with or without ``data:`` prefix) into a PIL image.

    Raises ImageError for anything that is not a reasonably sized JPEG/PNG/BMP/GIF."""
    if not isinstance(data, str) or not data:
        raise ImageError("receipt must be a non-empty base64 string")
    if data.startswith("data:"):
        data = data.partition(",")[2]
    try:
        raw = base64.b64decode(data, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ImageError("receipt is not valid base64") from exc
    try:
        image = Image.open(io.BytesIO(raw))
    except (OSError, Image.DecompressionBombError) as exc:
        raise ImageError("receipt is not an image") from exc
    if image.format not in ALLOWED_FORMATS:
        raise ImageError(f"receipt format {image.format} is not accepted")
    width, height = image.size
    if not (0 < width <= MAX_WIDTH and 0 < height <= MAX_HEIGHT and width * height <= MAX_PIXELS):
        raise ImageError(f"receipt size {width}x{height} is out of range")
    try:
        image.load()
    except (OSError, Image.DecompressionBombError) as exc:
        raise ImageError("receipt image is truncated or corrupt") from exc
    return image


def to_bitmap(image, dots):
    """Grey, fit to ``dots`` (never upscale), 1-bit with Floyd-Steinberg dithering.

    Returns a mode "1" image whose set bits are the black dots, width a multiple of 8."""
    if image.mode in ("RGBA", "LA", "P"):
        image = image.convert("RGBA")
        background = Image.new("RGBA", image.size, "white")
        image = Image.alpha_composite(background, image)
    grey = image.convert("L")
    if grey.width > dots:
        height = max(1, round(grey.height * dots / grey.width))
        grey = grey.resize((dots, height), Image.Resampling.BILINEAR)
    padded_width = (grey.width + 7) // 8 * 8
    if padded_width != grey.width:
        canvas = Image.new("L", (padded_width, grey.height), 255)
        canvas.paste(grey, (0, 0))
        grey = canvas
    # invert first so that a set bit (1) is ink, as ESC/POS raster expects
    return ImageOps.invert(grey).convert("1", dither=Image.Dither.FLOYDSTEINBERG)


def raster_commands(bitmap):
    """``GS v 0`` commands for a 1-bit image, in slices of at most 255 rows."""
    width_bytes = bitmap.width // 8
    data = bitmap.tobytes()
    out = bytearray()
    for top in range(0, bitmap.height, MAX_SLICE_ROWS):
        rows = min(MAX_SLICE_ROWS, bitmap.height - top)
        out += b"\x1d\x76\x30\x00"
        out += bytes((width_bytes & 0xFF, width_bytes >> 8, rows & 0xFF, rows >> 8))
        out += data[top * width_bytes : (top + rows) * width_bytes]
    return bytes(out)


def column_commands(bitmap):
    """``ESC * 33`` bands of 24 rows, each followed by a line feed of exactly 24 dots."""
    out = bytearray(LINE_SPACING_BAND)
    header = b"\x1b\x2a\x21" + bytes((bitmap.width & 0xFF, bitmap.width >> 8))
    for top in range(0, bitmap.height, BAND_ROWS):
        # swapping the axes turns each column of the band into 3 bytes, top dot in the high bit;
        # rows past the bottom of the image come out as 0 (no ink)
        band = bitmap.crop((0, top, bitmap.width, top + BAND_ROWS))
        out += header + band.transpose(Image.Transpose.TRANSPOSE).tobytes() + b"\n"
    return bytes(out + LINE_SPACING_DEFAULT)


def receipt_to_escpos(data, dots=576, mode="raster"):
    """Full print job for a base64 receipt image: init, image, feed, cut."""
    bitmap = to_bitmap(decode_receipt(data), dots)
    image = column_commands(bitmap) if mode == "column" else raster_commands(bitmap)
    return INIT + image + FEED + CUT


def parse_raster(payload):
    """Inverse of raster_commands, for tests and diagnostics: [(width_bytes, rows, data)]."""
    slices = []
    pos = payload.find(b"\x1d\x76\x30")
    while pos >= 0:
        header = payload[pos + 4 : pos + 8]
        width_bytes = header[0] | header[1] << 8
        rows = header[2] | header[3] << 8
        start = pos + 8
        slices.append((width_bytes, rows, payload[start : start + width_bytes * rows]))
        pos = payload.find(b"\x1d\x76\x30", start + width_bytes * rows)
    return slices


def parse_columns(payload):
    """Inverse of column_commands, for tests and diagnostics: the printed 1-bit image."""
    bands = []
    pos = payload.find(b"\x1b\x2a\x21")
    while pos >= 0:
        width = payload[pos + 3] | payload[pos + 4] << 8
        start = pos + 5
        columns = Image.frombytes("1", (BAND_ROWS, width), payload[start : start + width * 3])
        bands.append(columns.transpose(Image.Transpose.TRANSPOSE))
        pos = payload.find(b"\x1b\x2a\x21", start + width * 3)
    if not bands:
        return None
    image = Image.new("1", (bands[0].width, BAND_ROWS * len(bands)))
    for index, band in enumerate(bands):
        image.paste(band, (0, index * BAND_ROWS))
    return image
