#!/usr/bin/env python3
"""smx from Python against scipy.special.softmax, torch.softmax and
F.cross_entropy, one thread, on smx-bench's shapes (`make bench-python`).

For each shape and dtype: the median time per call of
  softmax        smx.softmax(x, out=y), scipy.special.softmax(x, axis=1),
                 torch.softmax(x, 1) (on the same memory, torch.from_numpy)
  cross_entropy  smx.cross_entropy(x, labels, out=(loss, grad)) and
                 F.cross_entropy forward + gradient (autograd)
and the speed-ups (time of the peer / time of smx).  Then the per-call
overhead: smx.softmax on 1x3 against np.exp on 3 elements (both with out=).
With --smx-tsv FILE (from `smx-bench --tsv FILE`), the C library's time for
the same call beside it.  Measurement as smx-bench: a warm-up call, batches,
the median over about --budget seconds; shapes of >= 16M elements rotate
through copies (>= 512 MiB) so that their data comes from memory.

usage: bench/bench_python.py [--budget S] [--shape RxC]... [--f32] [--smx-tsv FILE]
"""
import math
import sys

import numpy as np

import smx
from bench_timing import measure, parse_args, read_smx_times

SHAPES = [(150, 3), (1, 3), (4096, 10), (256, 1000), (64, 32000), (8, 128256),
          (2048, 2048), (16, 1048576), (1, 16777216)]
COLD_ELEMENTS = 16 << 20
ROTATION_BYTES = 512 << 20


def peers():
    found = {}
    try:
        from scipy import special
        found["scipy"] = special
    except ImportError:
        print("SciPy: not installed (Debian: python3-scipy); its column is empty")
    try:
        import torch
        import torch.nn.functional as F
        torch.set_num_threads(1)
        found["torch"] = (torch, F)
    except ImportError:
        print("PyTorch: not installed (Debian: python3-torch); its columns are empty")
    return found


def fmt(ns):
    return f"{ns / 1e3:10.3f}" if ns else f"{'-':>10s}"


def ratio(a, b):
    return f"{a / b:6.2f}" if a and b else f"{'-':>6s}"


def main():
    opts = parse_args(sys.argv[1:], __doc__.strip().splitlines()[-1])
    smx.set_num_threads(1)
    found = peers()
    c_times = read_smx_times(opts["tsv"])
    budget = opts["budget"]
    rng = np.random.default_rng(1)
    info = smx.info()
    print(f"smx {info['version']} on {info['isa']}, 1 thread; NumPy {np.__version__}; "
          f"budget {budget:.2f} s per measurement; times in us per call; "
          "x/smx = time of x / time of smx (> 1: smx faster)")
    dtypes = [np.float32] if opts["f32"] else [np.float32, np.float64]
    for dtype in dtypes:
        name = np.dtype(dtype).name.replace("float", "f")
        print(f"\n{name}, 1 thread")
        print(f"{'op':14s} {'shape':12s} {'smx':>10s} {'C':>10s} {'scipy':>10s} "
              f"{'torch':>10s} {'el/ns':>6s} {'C/smx':>6s} {'sp/smx':>6s} {'th/smx':>6s}")
        for rows, cols in opts["shapes"] or SHAPES:
            n = rows * cols
            esz = np.dtype(dtype).itemsize
            ncopies = max(4, math.ceil(ROTATION_BYTES / (4 * n * esz))) if n >= COLD_ELEMENTS else 1
            x0 = (rng.random((rows, cols)) * 16 - 8).astype(dtype)
            labels = rng.integers(0, cols, rows)
            xs = [x0.copy() for _ in range(ncopies)]
            y = np.empty_like(x0)

            # softmax
            t_smx = measure(lambda x: smx.softmax(x, out=y), xs, budget)
            t_sp = t_th = None
            if "scipy" in found:
                t_sp = measure(lambda x: found["scipy"].softmax(x, axis=1), xs, budget)
            if "torch" in found:
                torch, F = found["torch"]
                ts = [torch.from_numpy(x) for x in xs]
                with torch.no_grad():
                    t_th = measure(lambda x: torch.softmax(x, 1), ts, budget)
            t_c = c_times.get(("softmax", name, rows, cols))
            print(f"{'softmax':14s} {f'{rows}x{cols}':12s} {fmt(t_smx)} {fmt(t_c)} "
                  f"{fmt(t_sp)} {fmt(t_th)} {n / t_smx:6.3f} {ratio(t_c, t_smx)} "
                  f"{ratio(t_sp, t_smx)} {ratio(t_th, t_smx)}", flush=True)

            # cross_entropy: loss and gradient
            loss = np.empty((), dtype)
            t_smx = measure(lambda x: smx.cross_entropy(x, labels, out=(loss, y)), xs, budget)
            t_th = None
            if "torch" in found:
                torch, F = found["torch"]
                lt = torch.from_numpy(labels)
                ts = [torch.from_numpy(x).requires_grad_() for x in xs]
                t_th = measure(lambda x: torch.autograd.grad(F.cross_entropy(x, lt), x), ts,
                               budget)
            t_c = c_times.get(("cross_entropy", name, rows, cols))
            print(f"{'cross_entropy':14s} {f'{rows}x{cols}':12s} {fmt(t_smx)} {fmt(t_c)} "
                  f"{fmt(None)} {fmt(t_th)} {n / t_smx:6.3f} {ratio(t_c, t_smx)} "
                  f"{ratio(None, t_smx)} {ratio(t_th, t_smx)}", flush=True)
            del xs

    # The per-call overhead: smx on 1x3 against a NumPy ufunc on 3 elements.
    x3 = np.array([[1.43, -0.40, 0.23]])
    o3 = np.empty_like(x3)
    t_smx = measure(lambda x: smx.softmax(x, out=o3), [x3], budget)
    t_exp = measure(lambda x: np.exp(x, out=o3), [x3], budget)
    print(f"\nper call, f64 1x3: smx.softmax(x, out=y) {t_smx:.0f} ns, "
          f"np.exp(x, out=y) {t_exp:.0f} ns, difference {t_smx - t_exp:+.0f} ns")
    return 0


if __name__ == "__main__":
    sys.exit(main())
