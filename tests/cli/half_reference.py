"""What smx softmax and explain should print with --bf16 and --f16,
computed here without the library: f16 rounding by struct's 'e' format
(IEEE binary16, to nearest even), bf16 rounding by rounding the double's
bits to 7 fraction bits (to nearest even; exact for normal values, which
the tests use), the softmax in double with math.fsum.

    half_reference.py FMT softmax T SCORES...   the line smx softmax prints
    half_reference.py FMT log T SCORES...       ... with --log
    half_reference.py FMT exact T SCORE         the exact decimal of the rounded score
    half_reference.py FMT explain-text T SCORES...  checks explain's text on stdin
    half_reference.py FMT explain-json T SCORES...  checks explain --json on stdin

T is the temperature; the library multiplies by 1/T rounded to float.
"""
import json
import math
import re
import struct
import sys
from decimal import Decimal


def round_f16(x):
    if math.isnan(x) or math.isinf(x):
        return x
    return struct.unpack("<e", struct.pack("<e", x))[0]


def round_bf16(x):
    if math.isnan(x) or math.isinf(x):
        return x
    bits = struct.unpack("<Q", struct.pack("<d", x))[0]
    drop = 52 - 7  # double's fraction bits beyond bf16's
    lsb = (bits >> drop) & 1
    bits = ((bits + (1 << (drop - 1)) - 1 + lsb) >> drop) << drop
    return struct.unpack("<d", struct.pack("<Q", bits))[0]


def ulp(fmt, v):
    bits, min_exp = (11, -14) if fmt == "f16" else (8, -126)
    e = min_exp
    if v != 0 and math.isfinite(v):
        e = max(math.frexp(abs(v))[1] - 1, min_exp)
    return math.ldexp(1.0, e - (bits - 1))


def shortest(v, rnd):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    for digits in range(1, 18):
        text = "%.*g" % (digits, v)
        if rnd(float(text)) == v:
            break
    if "e" in text and 1 <= abs(v) < 1e16 and v == math.floor(v):
        text = "%.0f" % v
    return text


def softmax(z, scale, log):
    z = [x * scale for x in z]  # exact: 11 (or 8) bits times float's 24
    m = max(z)
    s = math.fsum(math.exp(x - m) for x in z)
    if log:
        return [(x - m) - math.log(s) for x in z]
    return [math.exp(x - m) / s for x in z]


def main():
    fmt, mode, temperature = sys.argv[1], sys.argv[2], float(sys.argv[3])
    rnd = round_f16 if fmt == "f16" else round_bf16
    given = [float(a) for a in sys.argv[4:]]
    z = [rnd(x) for x in given]
    scale = struct.unpack("<f", struct.pack("<f", 1.0 / temperature))[0]
    if mode in ("softmax", "log"):
        y = [rnd(v) for v in softmax(z, scale, mode == "log")]
        print(" ".join(shortest(v, rnd) for v in y))
        return 0
    if mode == "exact":
        print(str(Decimal(z[0])))
        return 0
    exact = softmax(z, scale, False)
    want = [rnd(v) for v in exact]
    errors = [(w - e) / ulp(fmt, e) for w, e in zip(want, exact)]
    if mode == "explain-json":
        doc = json.load(sys.stdin)
        assert doc["format"] == fmt, doc["format"]
        assert doc["scores"] == z, (doc["scores"], z)
        assert doc["probabilities"] == want, (doc["probabilities"], want)
        for got, e in zip(doc["exact_probabilities"], exact):
            assert abs(got - e) <= 1e-15 * abs(e), (got, e)
        for got, e in zip(doc["ulp_errors"], errors):
            assert abs(got - e) <= 1e-9, (got, e)
        return 0
    # explain-text: one line per probability after "In FMT", as
    # "  label  VALUE (exact DIGITS...; D ulp below|above)" or "; 0 ulp)".
    text = sys.stdin.read()
    section = text.split("   In %s (" % fmt, 1)[1].split("(the exact ones", 1)[0]
    pattern = re.compile(r"^ +\S+ +(\S+) \(exact ([^;]+); (?:(\S+) ulp (below|above)|0 ulp)\)$", re.M)
    rows = pattern.findall(section)
    assert len(rows) == len(z), (rows, section)
    for (value, digits, size, side), w, e, err in zip(rows, want, exact, errors):
        assert value == shortest(w, rnd), (value, w)
        assert abs(float(digits.replace("...", "")) - e) <= 1e-9 * e, (digits, e)
        if size:
            signed = float(size) * (-1 if side == "below" else 1)
            assert abs(signed - err) <= 0.006, (size, side, err)
        else:
            assert err == 0, err
    return 0


if __name__ == "__main__":
    sys.exit(main())
