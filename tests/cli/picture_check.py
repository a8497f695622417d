"""picture_check.py — checks a picture that smx drew, with the standard
library alone: a PNG is decoded (chunks, CRCs, zlib, the five row
filters) and must have the size asked for, enough distinct colours, a
share of non-white pixels and, when named, pixels near given colours; an
SVG must parse as XML with the size asked for; a PDF must be one page of
that size.

    picture_check.py FILE WIDTH HEIGHT [--near RRGGBB:MIN_PIXELS ...]
                                       [--far RRGGBB:MAX_PIXELS ...]

Exit status 0 when every check holds; otherwise each failure on stderr
and 1.
"""
import re
import struct
import sys
import xml.etree.ElementTree as ET
import zlib

NEAR = 40  # how far (in 0..255 per channel, Euclidean) a pixel may be from a colour


def png_pixels(data):
    """(width, height, [(r, g, b), ...]) of an 8-bit RGB or RGBA PNG."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG signature"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        crc, = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, "bad CRC in chunk %r" % kind
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
        pos += 12 + length
    assert header, "no IHDR chunk"
    width, height, depth, colour_type, _, _, interlace = header
    assert depth == 8 and colour_type in (2, 6) and interlace == 0, \
        "unexpected PNG format %r" % (header,)
    bpp = 3 if colour_type == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * bpp
    assert len(raw) == height * (stride + 1), "wrong amount of image data"
    prev = bytearray(stride)
    pixels = []
    for y in range(height):
        kind = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
            else:
                assert kind == 0, "unknown filter %d" % kind
        pixels.extend(tuple(line[i:i + 3]) for i in range(0, stride, bpp))
        prev = line
    return width, height, pixels


def colour(text):
    return tuple(int(text[i:i + 2], 16) for i in (0, 2, 4))


def count_near(counts, rgb):
    return sum(n for c, n in counts.items()
               if sum((x - y) ** 2 for x, y in zip(c, rgb)) <= NEAR ** 2)


def check_png(path, width, height, near, far):
    w, h, pixels = png_pixels(open(path, "rb").read())
    errors = []
    if (w, h) != (width, height):
        errors.append("size %dx%d, expected %dx%d" % (w, h, width, height))
    counts = {}
    for p in pixels:
        counts[p] = counts.get(p, 0) + 1
    if len(counts) < 16:
        errors.append("only %d distinct colours" % len(counts))
    inked = len(pixels) - counts.get((255, 255, 255), 0)
    if inked < 0.05 * len(pixels):
        errors.append("only %d of %d pixels are not white" % (inked, len(pixels)))
    for rgb, least in near:
        n = count_near(counts, rgb)
        if n < least:
            errors.append("%d pixels near #%02x%02x%02x, expected at least %d" % (n, *rgb, least))
    for rgb, most in far:
        n = count_near(counts, rgb)
        if n > most:
            errors.append("%d pixels near #%02x%02x%02x, expected at most %d" % (n, *rgb, most))
    return errors


def check_svg(path, width, height):
    root = ET.parse(path).getroot()
    errors = []
    if not root.tag.endswith("svg"):
        errors.append("root element %s, not svg" % root.tag)
    for name, want in (("width", width), ("height", height)):
        got = re.match(r"[0-9.]+", root.get(name, ""))
        if not got or float(got.group()) != want:
            errors.append("%s %r, expected %d" % (name, root.get(name), want))
    drawn = sum(1 for e in root.iter() if e.tag.split("}")[-1] in ("path", "use", "image", "rect"))
    if drawn < 20:
        errors.append("only %d drawing elements" % drawn)
    return errors


def check_pdf(path, width, height):
    data = open(path, "rb").read()
    errors = []
    if not data.startswith(b"%PDF-"):
        errors.append("does not start with %PDF-")
    if not data.rstrip().endswith(b"%%EOF"):
        errors.append("does not end with %%EOF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([0-9.]+) ([0-9.]+)\s*\]", data)
    if [(float(a), float(b)) for a, b in boxes] != [(width, height)]:
        errors.append("media boxes %r, expected one of %dx%d" % (boxes, width, height))
    return errors


def main(argv):
    path, width, height = argv[1], int(argv[2]), int(argv[3])
    near, far, rest = [], [], argv[4:]
    while rest:
        flag, spec = rest[0], rest[1]
        rgb, n = spec.split(":")
        (near if flag == "--near" else far).append((colour(rgb), int(n)))
        rest = rest[2:]
    kind = path.rsplit(".", 1)[-1].lower()
    try:
        errors = {"png": lambda: check_png(path, width, height, near, far),
                  "svg": lambda: check_svg(path, width, height),
                  "pdf": lambda: check_pdf(path, width, height)}[kind]()
    except (AssertionError, ET.ParseError, zlib.error, struct.error) as e:
        errors = [str(e)]
    for e in errors:
        print("%s: %s" % (path, e), file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
