"""bench_timing.py — what bench_python.py and torch_softmax.py share: their
options (those of smx-bench they use), the C library's times from
smx-bench's TSV, and a median time per call taken as smx-bench takes it (a
warm-up call, then samples of a batch of calls, each about budget / 9 s)."""
import statistics
import time


def parse_args(argv, usage, other_options=()):
    """--budget S, --shape RxC (repeatable), --f32, --smx-tsv FILE; an
    option of other_options (with its value) is accepted and ignored;
    anything else exits with the usage line."""
    opts = {"budget": 0.25, "shapes": [], "f32": False, "tsv": None}
    i = 0
    while i < len(argv):
        a = argv[i]
        if a == "--budget":
            opts["budget"] = float(argv[i + 1])
            i += 1
        elif a == "--shape":
            r, c = argv[i + 1].split("x")
            opts["shapes"].append((int(r), int(c)))
            i += 1
        elif a == "--f32":
            opts["f32"] = True
        elif a == "--smx-tsv":
            opts["tsv"] = argv[i + 1]
            i += 1
        elif a in other_options:
            i += 1
        elif a.startswith("--") and other_options:
            pass
        else:
            raise SystemExit(usage)
        i += 1
    return opts


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
