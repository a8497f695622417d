#!/usr/bin/env python3
"""The same training as bench/train_iris, in PyTorch, timed side by side.

A 4-16-3 ReLU network with a softmax cross-entropy output, Adam (lr 0.003,
weight decay 1e-3 on the weights only, as smx_nn), 1000 full-batch epochs on
the 120 training rows of Iris (standardised), one thread.  Runs the two
interleaved and prints the median and minimum time of both and their ratios.  Needs python3-torch (Debian); without it, says
so and exits 0.

usage: bench/train_iris_torch.py [PATH/TO/train_iris] [--runs N]
"""
import csv
import os
import random
import statistics
import subprocess
import sys
import time

here = os.path.dirname(os.path.abspath(__file__))
smx_bench = sys.argv[1] if len(sys.argv) > 1 and not sys.argv[1].startswith("--") else \
    os.path.join(here, "..", "build", "bench", "train_iris")
runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5

try:
    import torch
except ImportError:
    print("PyTorch is not installed (Debian: apt-get install python3-torch); "
          "the issue's figure for it is 340 ms")
    sys.exit(0)

torch.set_num_threads(1)
with open(os.path.join(here, "..", "data", "iris.csv"), newline="") as f:
    rows = list(csv.DictReader(f))
names = sorted({r["species"] for r in rows})
random.Random(42).shuffle(rows)
rows = rows[:120]
x = torch.tensor([[float(r[k]) for k in ("sepal_length", "sepal_width", "petal_length",
                                         "petal_width")] for r in rows])
y = torch.tensor([names.index(r["species"]) for r in rows])
x = (x - x.mean(0)) / x.std(0, unbiased=False)


def train():
    torch.manual_seed(42)
    net = torch.nn.Sequential(torch.nn.Linear(4, 16), torch.nn.ReLU(), torch.nn.Linear(16, 3))
    weights = [p for n, p in net.named_parameters() if n.endswith("weight")]
    biases = [p for n, p in net.named_parameters() if n.endswith("bias")]
    opt = torch.optim.Adam([{"params": weights, "weight_decay": 1e-3},
                            {"params": biases, "weight_decay": 0.0}], lr=0.003)
    t0 = time.perf_counter()
    for _ in range(1000):
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


def smx_once():
    """One run of train_iris (its own median of 5 trainings), in seconds."""
    out = subprocess.run([smx_bench, "--runs", "5"], capture_output=True, text=True,
                         check=True).stdout
    line = next(l for l in out.splitlines() if l.startswith("median"))
    return 1e-3 * float(line.split(":")[1].split("ms")[0])


# Interleaved, so that both see the same machine: this one is shared, and a
# neighbour's load comes and goes within seconds.
torch_t, smx_t = [], []
try:
    for _ in range(runs):
        torch_t.append(train())
        smx_t.append(smx_once())
except (OSError, subprocess.CalledProcessError) as e:
    print("cannot run %s: %s" % (smx_bench, e))
    sys.exit(1)
print("PyTorch %s, 1 thread, 1000 full-batch epochs: median %.1f ms, min %.1f ms (%d runs)"
      % (torch.__version__, 1e3 * statistics.median(torch_t), 1e3 * min(torch_t), runs))
print("smx: median %.2f ms, min %.2f ms" % (1e3 * statistics.median(smx_t), 1e3 * min(smx_t)))
print("smx is %.0fx faster (medians), %.0fx (minimums)"
      % (statistics.median(torch_t) / statistics.median(smx_t), min(torch_t) / min(smx_t)))
