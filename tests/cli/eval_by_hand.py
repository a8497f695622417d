#!/usr/bin/env python3
"""Evaluates a model saved by `smx train --save` by hand, with nothing but
the Python standard library, the way any safetensors reader would see it:
8-byte little-endian header length, JSON header, little-endian float32
tensors at data_offsets.  Prints one line per CSV row: the class and the
probabilities, as `smx predict --precision 6` does.

usage: eval_by_hand.py MODEL.safetensors DATA.csv
"""
import csv
import json
import math
import struct
import sys


def load(path):
    with open(path, "rb") as f:
        blob = f.read()
    (n,) = struct.unpack("<Q", blob[:8])
    header = json.loads(blob[8:8 + n].decode("utf-8"))
    data = blob[8 + n:]
    meta = header.pop("__metadata__")
    tensors = {}
    for name, t in header.items():
        assert t["dtype"] == "F32", name
        begin, end = t["data_offsets"]
        values = struct.unpack("<%df" % ((end - begin) // 4), data[begin:end])
        tensors[name] = (t["shape"], values)
    return meta, tensors


def main():
    meta, tensors = load(sys.argv[1])
    sizes = json.loads(meta["sizes"])
    classes = json.loads(meta["classes"])
    features = json.loads(meta["features"])
    mean = json.loads(meta["standardize_mean"])
    std = json.loads(meta["standardize_std"])
    act = {
        "relu": lambda v: max(0.0, v),
        "tanh": math.tanh,
        "sigmoid": lambda v: 1 / (1 + math.exp(-v)),
        "softplus": lambda v: math.log1p(math.exp(v)),
    }[meta["activation"]]
    with open(sys.argv[2], newline="") as f:
        rows = list(csv.DictReader(f))
    print("class," + ",".join(classes))
    for row in rows:
        a = [(float(row[name]) - m) / s for name, m, s in zip(features, mean, std)]
        for i in range(len(sizes) - 1):
            (out, inp), w = tensors["layers.%d.weight" % i]
            _, b = tensors["layers.%d.bias" % i]
            z = [b[o] + sum(w[o * inp + k] * a[k] for k in range(inp)) for o in range(out)]
            a = z if i == len(sizes) - 2 else [act(v) for v in z]
        top = max(a)
        e = [math.exp(v - top) for v in a]
        p = [v / sum(e) for v in e]
        best = max(range(len(p)), key=lambda k: p[k])
        print(classes[best] + "," + ",".join("%.6f" % v for v in p))


main()
