#!/usr/bin/env python3
"""Reads a safetensors file with the Python standard library only.

Usage: read_safetensors.py FILE [--expect-sample]

Does what the reference reader does: the 8-byte little-endian header
length, the UTF-8 JSON header, each tensor's dtype, shape and
data_offsets, and checks that the tensors tile the data section.  Prints
one line per tensor (name, dtype, shape, first values) and the metadata.
With --expect-sample it also checks the values that the test program
cli_io_st_sample writes, and exits non-zero on any difference.
"""
import json
import struct
import sys

DTYPE_SIZES = {"F32": 4, "F64": 8, "F16": 2, "BF16": 2, "I64": 8, "I32": 4,
               "I16": 2, "I8": 1, "U8": 1, "BOOL": 1}


def read(path):
    with open(path, "rb") as f:
        blob = f.read()
    if len(blob) < 8:
        raise ValueError("file shorter than 8 bytes")
    (n,) = struct.unpack("<Q", blob[:8])
    if n > len(blob) - 8:
        raise ValueError("header length %d runs past the file" % n)
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    if not isinstance(header, dict):
        raise ValueError("header is not a JSON object")
    data = blob[8 + n:]
    meta = header.pop("__metadata__", {})
    if not all(isinstance(v, str) for v in meta.values()):
        raise ValueError("metadata values must be strings")
    tensors = {}
    spans = []
    for name, info in header.items():
        dtype, shape = info["dtype"], info["shape"]
        begin, end = info["data_offsets"]
        count = 1
        for d in shape:
            count *= d
        if end - begin != count * DTYPE_SIZES[dtype] or end > len(data):
            raise ValueError("tensor %s: bad data_offsets" % name)
        values = None
        if dtype == "F32":
            values = list(struct.unpack("<%df" % count, data[begin:end]))
        tensors[name] = (dtype, shape, values)
        spans.append((begin, end))
    pos = 0
    for begin, end in sorted(spans):
        if begin != pos:
            raise ValueError("data section not tiled at byte %d" % pos)
        pos = end
    if pos != len(data):
        raise ValueError("%d trailing bytes in the data section" % (len(data) - pos))
    return tensors, meta


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    tensors, meta = read(sys.argv[1])
    for name, (dtype, shape, values) in tensors.items():
        first = ", ".join("%g" % v for v in (values or [])[:4])
        print("%s %s %s [%s]" % (name, dtype, shape, first))
    for k, v in meta.items():
        print("meta %s = %s" % (k, v))
    if "--expect-sample" in sys.argv[2:]:
        want = {
            "w1": ("F32", [4, 3], [0.25 * i - 1.0 for i in range(12)]),
            "b1": ("F32", [3], [0.5, -0.5, 2.0]),
        }
        if tensors != want:
            print("FAIL: tensors differ from the sample", file=sys.stderr)
            return 1
        if meta != {"format": "smx-test", "classes": "setosa,versicolor,virginica"}:
            print("FAIL: metadata differs from the sample", file=sys.stderr)
            return 1
        print("sample ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
