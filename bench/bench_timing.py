"""bench_timing.py — what bench_python.py and torch_softmax.py share: the
C library's times from smx-bench's TSV, and a median time per call taken
as smx-bench takes it (a warm-up call, then samples of a batch of calls,
each about budget / 9 s)."""
import statistics
import time


def read_smx_times(path):
    """smx-bench's TSV: (op, dtype, rows, cols) -> ns per call of the C call."""
    times = {}
    if path:
        with open(path) as f:
            for line in f:
                p = line.split("\t")
                if len(p) >= 6 and p[0] == "smx":
                    times[(p[1], p[2], int(p[3]), int(p[4]))] = float(p[5])
    return times


def measure(fn, copies, budget):
    """Median ns per call of fn(copy), cycling through the copies."""
    k = [0]

    def call():
        fn(copies[k[0]])
        k[0] = (k[0] + 1) % len(copies)

    call()  # warm-up
    t0 = time.perf_counter_ns()
    call()
    one = max(time.perf_counter_ns() - t0, 1)
    budget_ns = budget * 1e9
    batch = max(1, int(budget_ns / 9 / one))
    nsamples = min(15, max(3, int(budget_ns / (batch * one))))
    samples = []
    for _ in range(nsamples):
        start = time.perf_counter_ns()
        for _ in range(batch):
            call()
        samples.append((time.perf_counter_ns() - start) / batch)
    return statistics.median(samples)
