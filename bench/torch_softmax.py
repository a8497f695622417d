#!/usr/bin/env python3
"""PyTorch on smx-bench's operations and shapes, one thread, for `make bench`.

Times torch.softmax, torch.log_softmax, their backward kernels
(torch._softmax_backward_data, torch._log_softmax_backward_data) and
F.cross_entropy forward + gradient (autograd), f32, f64, bf16 and f16 (an
operation this PyTorch lacks in a format shows "-"), on the shapes of
smx-bench, with the same method: one warm-up call, batches of calls, the
median over about --budget seconds; shapes of >= 16M elements rotate
through >= 4 copies and >= 512 MiB of buffers.  With --smx-tsv (the file
smx-bench --tsv wrote in the same `make bench`), adds smx's speed-up over
PyTorch: time of PyTorch / time of smx.  Without torch, says so and exits 0.

usage: bench/torch_softmax.py [--smx-tsv FILE] [--budget S] [--shape RxC]... [--f32]
(other smx-bench options are accepted and ignored)
"""
import math
import sys

from bench_timing import measure, parse_args, read_smx_times

SHAPES = [(150, 3), (1, 3), (4096, 10), (256, 1000), (64, 32000), (8, 128256),
          (2048, 2048), (16, 1048576), (1, 16777216)]
OPS = ["softmax", "log_softmax", "softmax_bwd", "log_softmax_bwd", "cross_entropy"]
COLD_ELEMENTS = 16 << 20
ROTATION_BYTES = 512 << 20


def main():
    opts = parse_args(sys.argv[1:], __doc__.strip().splitlines()[-2], ("--tsv",))
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("PyTorch: not installed (Debian: apt-get install python3-torch); skipped")
        return 0
    torch.set_num_threads(1)
    smx = read_smx_times(opts["tsv"])
    shapes = opts["shapes"] or SHAPES
    gen = torch.Generator().manual_seed(1)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread, "
          f"budget {opts['budget']:.2f} s per measurement; "
          "smx = time of PyTorch / time of smx (> 1: smx faster)")
    formats = ((torch.float32, "f32", 4), (torch.float64, "f64", 8),
               (torch.bfloat16, "bf16", 2), (torch.float16, "f16", 2))
    for dtype, name, esz in formats:
        if name == "f64" and opts["f32"]:
            continue
        print(f"\n{name}, 1 thread")
        print(f"{'op':16s} {'shape':13s} {'mem':4s} {'median_us':>11s} {'el/ns':>7s} "
              f"{'GB/s':>7s} {'smx':>6s}")
        for rows, cols in shapes:
            n = rows * cols
            cold = n >= COLD_ELEMENTS
            ncopies = max(4, math.ceil(ROTATION_BYTES / (4 * n * esz))) if cold else 1
            x0 = (torch.rand(rows, cols, generator=gen) * 16 - 8).to(dtype)
            dy0 = (torch.rand(rows, cols, generator=gen) * 2 - 1).to(dtype)
            lab0 = torch.randint(0, cols, (rows,), generator=gen)
            for op in OPS:
                if op in ("softmax", "log_softmax", "cross_entropy"):
                    copies = [x0.clone() for _ in range(ncopies)]
                    if op == "softmax":
                        fn = lambda x: torch.softmax(x, 1)  # noqa: E731
                    elif op == "log_softmax":
                        fn = lambda x: torch.log_softmax(x, 1)  # noqa: E731
                    else:
                        copies = [c.requires_grad_() for c in copies]
                        fn = lambda x: torch.autograd.grad(  # noqa: E731
                            F.cross_entropy(x, lab0), x)
                else:
                    fwd = torch.softmax if op == "softmax_bwd" else torch.log_softmax
                    try:
                        y0 = fwd(x0, 1)
                    except RuntimeError:  # not implemented for this format
                        y0 = fwd(x0.float(), 1).to(dtype)
                    copies = [(y0.clone(), dy0.clone()) for _ in range(ncopies)]
                    if op == "softmax_bwd":
                        fn = lambda c: torch._softmax_backward_data(  # noqa: E731
                            c[1], c[0], 1, dtype)
                    else:
                        fn = lambda c: torch._log_softmax_backward_data(  # noqa: E731
                            c[1], c[0], 1, dtype)
                try:
                    with torch.no_grad() if op != "cross_entropy" else torch.enable_grad():
                        ns = measure(fn, copies, opts["budget"])
                except RuntimeError as e:  # not implemented for this format
                    print(f"{op:16s} {f'{rows}x{cols}':13s} {'cold' if cold else 'hot':4s} "
                          f"{'-':>11s}   ({str(e).splitlines()[0][:60]})", flush=True)
                    continue
                finally:
                    del copies
                nbytes = n * esz * (3 if op.endswith("_bwd") else 2)
                s = smx.get((op, name, rows, cols))
                ratio = f"{ns / s:.2f}" if s else "-"
                print(f"{op:16s} {f'{rows}x{cols}':13s} {'cold' if cold else 'hot':4s} "
                      f"{ns / 1e3:11.3f} {n / ns:7.3f} {nbytes / ns:7.2f} {ratio:>6s}",
                      flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
