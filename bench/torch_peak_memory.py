#!/usr/bin/env python3
"""Peak memory and time of PyTorch's F.cross_entropy, forward and gradient,
on 4096 x 128256 bf16 logits, one thread: the counterpart of
`smx-bench-half --peak-memory`.  Reads VmHWM from /proc/self/status in this
process, which does nothing else.  Without torch, says so and exits 0.

usage: bench/torch_peak_memory.py [ROWS COLS]
"""
import sys
import time


def vm_hwm_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def main():
    rows, cols = (int(a) for a in sys.argv[1:3]) if len(sys.argv) >= 3 else (4096, 128256)
    try:
        import torch
        import torch.nn.functional as F
    except ImportError:
        print("PyTorch: not installed (Debian: apt-get install python3-torch); skipped")
        return 0
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(1)
    x = torch.empty(rows, cols, dtype=torch.bfloat16)
    for r in range(0, rows, 64):  # in blocks: no float copy of the whole
        x[r:r + 64] = torch.rand(min(64, rows - r), cols, generator=gen) * 16 - 8
    labels = torch.randint(0, cols, (rows,), generator=gen)
    x.requires_grad_()
    before = vm_hwm_mib()
    t0 = time.perf_counter()
    loss = F.cross_entropy(x, labels)
    (grad,) = torch.autograd.grad(loss, x)
    t = time.perf_counter() - t0
    print(f"PyTorch {torch.__version__} bf16 {rows}x{cols}  loss {loss.item():.4f}  {t:.3f} s  "
          f"peak {vm_hwm_mib():.0f} MiB (logits {rows * cols * 2 / 2**20:.0f} MiB; "
          f"the call added {vm_hwm_mib() - before:.0f} MiB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
