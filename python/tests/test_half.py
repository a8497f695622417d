"""float16 arrays, and bfloat16 as uint16 arrays with dtype="bfloat16":
the library's _f16 and _bf16 functions against NumPy's computation in
float64 (and float32) rounded to the format, the float32 results (logsumexp,
the losses), out= and in place, and the errors."""
import os
import subprocess
import sys

import numpy as np
import pytest

import smx
from conftest import assert_close

RNG = np.random.default_rng(16)
FORMATS = ["f16", "bf16"]


# --- the formats, by NumPy integer operations --------------------------------


def bf16_from_f32(a):
    """float32 -> bfloat16 bits, to nearest with ties to even (NaN stays NaN)."""
    a = np.asarray(a, np.float32)
    b = a.view(np.uint32)
    rounded = ((b + np.uint32(0x7FFF) + ((b >> 16) & np.uint32(1))) >> 16).astype(np.uint16)
    quiet_nan = ((b >> 16) | np.uint32(0x40)).astype(np.uint16)
    return np.where(np.isnan(a), quiet_nan, rounded)


def f32_from_bf16(u):
    return (np.asarray(u, np.uint16).astype(np.uint32) << 16).view(np.float32)


def to_format(a, fmt):
    """float64 values -> the format's array (float16, or uint16 holding bf16)."""
    a = np.asarray(a, np.float64)
    if fmt == "f16":
        return a.astype(np.float16)  # NumPy rounds double to half directly
    return bf16_from_f32(a.astype(np.float32))  # through float32: two roundings


def to_f64(h, fmt):
    return (h if fmt == "f16" else f32_from_bf16(h)).astype(np.float64)


def kw(fmt):
    return {"dtype": "bfloat16"} if fmt == "bf16" else {}


def bits(h):
    return np.asarray(h).view(np.uint16)


def ulps_apart(got, want):
    """How many values of the format lie between got and want (0: equal;
    NaN where both are NaN counts as equal)."""
    g, w = bits(got).astype(np.int32), bits(want).astype(np.int32)
    order = lambda i: np.where(i & 0x8000, -(i & 0x7FFF), i)
    d = np.abs(order(g) - order(w))
    nan_g = (g & 0x7FFF) > (0x7C00 if got.dtype == np.float16 else 0x7F80)
    nan_w = (w & 0x7FFF) > (0x7C00 if got.dtype == np.float16 else 0x7F80)
    return np.where(nan_g & nan_w, 0, np.where(nan_g | nan_w, 1 << 20, d))


def assert_rounded(got, want, max_fraction):
    """got is want (the reference rounded to the format) but for at most
    max_fraction of the entries, each of those 1 ulp off."""
    assert got.dtype == want.dtype and got.shape == want.shape
    d = ulps_apart(got, want)
    off = int((d != 0).sum())
    assert d.max(initial=0) <= 1, ("more than 1 ulp off", d.max(), np.argwhere(d > 1)[:5])
    assert off <= max_fraction * d.size, ("%d of %d entries 1 ulp off" % (off, d.size))
    return off


def ref_log_softmax(x, axis=-1):
    m = x.max(axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    with np.errstate(divide="ignore"):
        return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def ref_softmax(x, axis=-1):
    return np.exp(ref_log_softmax(x, axis))


def scores(fmt, shape, spread=4.0):
    return to_format(RNG.standard_normal(shape) * spread, fmt)


# The library rounds its float-precision result once: correctly rounded
# unless the exact value lies within about 2^-13 ulp of a tie; the float64
# reference is a few 1e-16 off.  Both sides then round to the same value
# but for a small fraction (bf16's reference also rounds twice, through
# float32).  Measured here: 0 to 0.02%; the bound leaves room.
FRACTION_F64 = 2e-3


# --- forward ----------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("log", [False, True])
def test_forward_is_the_rounded_float64_result(fmt, log):
    x = scores(fmt, (200, 513))
    f, ref = (smx.log_softmax, ref_log_softmax) if log else (smx.softmax, ref_softmax)
    got = f(x, **kw(fmt))
    assert got.dtype == x.dtype and got.shape == x.shape
    assert_rounded(got, to_format(ref(to_f64(x, fmt)), fmt), FRACTION_F64)


def test_float16_is_numpys_float32_computation_rounded():
    # NumPy in float32 is itself a few float32 ulp off, which moves a
    # float16 rounding where the exact value lies within about 2^-11 ulp
    # of a tie: more often than the float64 reference, still rarely.
    x = scores("f16", (300, 333))
    x32 = x.astype(np.float32)
    e = np.exp(x32 - x32.max(-1, keepdims=True))
    want = (e / e.sum(-1, keepdims=True)).astype(np.float16)
    off = assert_rounded(smx.softmax(x), want, 1e-2)
    assert off < x.size  # and the comparison is not vacuous:
    assert ulps_apart(smx.softmax(x), (want.astype(np.float32) * 1.001).astype(np.float16)).max() >= 1


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("axis", [0, 1, -1])
def test_any_axis(fmt, axis):
    x = scores(fmt, (7, 40, 9))
    for f, ref in [(smx.softmax, ref_softmax), (smx.log_softmax, ref_log_softmax)]:
        got = f(x, axis, **kw(fmt))
        assert_rounded(got, to_format(ref(to_f64(x, fmt), axis), fmt), FRACTION_F64 * 10)


@pytest.mark.parametrize("fmt", FORMATS)
def test_temperature_and_mask(fmt):
    x = scores(fmt, (50, 64))
    keep = RNG.random(x.shape) > 0.3
    keep[0] = False  # a fully masked row gives zeros
    scale = np.float64(np.float32(1 / 0.7))  # the library's float scale
    z = np.where(keep, to_f64(x, fmt) * scale, -np.inf)
    with np.errstate(invalid="ignore"):
        want = to_format(np.nan_to_num(ref_softmax(z), nan=0.0), fmt)
    got = smx.softmax(x, temperature=0.7, mask=keep, **kw(fmt))
    assert_rounded(got, want, FRACTION_F64 * 10)
    assert (to_f64(got, fmt)[~keep] == 0).all()
    # an additive mask of the format's dtype
    bias = to_format(np.where(keep[1], 0.0, -np.inf), fmt)
    got = smx.log_softmax(x, mask=bias, **kw(fmt))
    want = to_format(ref_log_softmax(to_f64(x, fmt) + to_f64(bias, fmt)), fmt)
    assert_rounded(got, want, FRACTION_F64 * 10)


@pytest.mark.parametrize("fmt", FORMATS)
def test_special_values(fmt):
    inf = np.inf
    x = to_format([[1000 if fmt == "bf16" else 60000, 0, -1000], [0, -inf, 0], [np.nan, 0, 0],
                   [inf, 0, 0]], fmt)
    y = to_f64(smx.softmax(x, **kw(fmt)), fmt)
    np.testing.assert_array_equal(y[0], [1, 0, 0])
    np.testing.assert_array_equal(y[1], [0.5, 0, 0.5])
    assert np.isnan(y[2:]).all()


# --- logsumexp: float32 out ---------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_logsumexp_is_float32(fmt):
    x = scores(fmt, (40, 100))
    got = smx.logsumexp(x, **kw(fmt))
    assert got.dtype == np.float32 and got.shape == (40,)
    x64 = to_f64(x, fmt)
    m = x64.max(-1)
    want = m + np.log(np.exp(x64 - m[:, None]).sum(-1))
    # the f32 bound: 2 ulp of max(|m|, log1p(...)) where m < 0 cancels
    assert_close(got, want, np.float32, ulps=3, scale=np.abs(m))
    out = np.empty((40, 1), np.float32)
    assert smx.logsumexp(x, keepdims=True, out=out, **kw(fmt)) is out
    np.testing.assert_array_equal(out[:, 0], got)
    with pytest.raises(TypeError, match="float32"):
        smx.logsumexp(x, out=np.empty(40, x.dtype), **kw(fmt))


# --- backward passes and JVPs -------------------------------------------------


def assert_close_to_half(got, want64, fmt, scale):
    """got within 1 ulp of the format of want64, plus the float-precision
    error of a cancelling difference: a few 2^-24 of its terms (scale)."""
    g = to_f64(got, fmt)
    w = to_format(want64, fmt)
    ulp = np.abs(to_f64(w, fmt)) * (2.0**-10 if fmt == "f16" else 2.0**-7)
    tiny = 2.0**-24 if fmt == "f16" else 2.0**-133
    bound = np.maximum(ulp, tiny) + 2.0**-21 * scale
    bad = ~(np.abs(g - want64) <= bound)
    assert not bad.any(), (np.argwhere(bad)[:5], g[bad][:5], want64[bad][:5])


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("axis", [-1, 0])
def test_backward_passes_and_jvps(fmt, axis):
    x = scores(fmt, (30, 50))
    y = smx.softmax(x, axis, **kw(fmt))
    ly = smx.log_softmax(x, axis, **kw(fmt))
    v = scores(fmt, x.shape, 1.0)
    y64, ly64, v64 = to_f64(y, fmt), to_f64(ly, fmt), to_f64(v, fmt)
    s = lambda a: a.sum(axis=axis, keepdims=True)
    dot = s(v64 * y64)
    want = y64 * (v64 - dot)
    scale = y64 * np.maximum(np.abs(v64), np.abs(dot))
    for f in (smx.softmax_backward, smx.softmax_jvp):
        got = f(y, v, axis, **kw(fmt))
        assert got.dtype == x.dtype
        assert_close_to_half(got, want, fmt, scale)
    want = v64 - np.exp(ly64) * s(v64)
    assert_close_to_half(smx.log_softmax_backward(ly, v, axis, **kw(fmt)), want, fmt,
                         np.maximum(np.abs(v64), np.abs(np.exp(ly64) * s(v64))))
    want = v64 - s(np.exp(ly64) * v64)
    assert_close_to_half(smx.log_softmax_jvp(ly, v, axis, **kw(fmt)), want, fmt,
                         np.abs(v64) + s(np.exp(ly64) * np.abs(v64)))
    # with a temperature: divided by it
    want = y64 * (v64 - dot) / 2.0
    assert_close_to_half(smx.softmax_backward(y, v, axis, temperature=2.0, **kw(fmt)), want,
                         fmt, scale)


# --- losses: float32 loss, gradient in the logits' format -----------------------


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("case", ["plain", "weighted", "smoothed", "none"])
def test_cross_entropy(fmt, case):
    x = scores(fmt, (64, 10), 2.0)
    labels = RNG.integers(0, 10, 64)
    weight = (RNG.random(10) + 0.5).astype(np.float32)
    opts = {"weighted": {"weight": weight}, "smoothed": {"label_smoothing": 0.1},
            "none": {"reduction": "none"}}.get(case, {})
    loss, grad = smx.cross_entropy(x, labels, **opts, **kw(fmt))
    assert loss.dtype == np.float32 and grad.dtype == x.dtype
    x64 = to_f64(x, fmt)
    p = ref_softmax(x64)
    lp = ref_log_softmax(x64)
    onehot = np.eye(10)[labels]
    a = onehot if case != "smoothed" else onehot * 0.9 + 0.1 / 10
    w = weight[labels].astype(np.float64) if case == "weighted" else np.ones(64)
    per_row = -(a * lp).sum(-1) * w
    if case == "none":
        want_loss, norm = per_row, 1.0
    else:
        want_loss, norm = per_row.sum() / w.sum(), w.sum()
    assert_close(loss, want_loss, np.float32, ulps=4)
    want_grad = (p - a) * w[:, None] / norm
    assert_close_to_half(grad, want_grad, fmt, np.maximum(p, a) * w[:, None] / norm)


@pytest.mark.parametrize("fmt", FORMATS)
def test_soft_targets_and_nll(fmt):
    x = scores(fmt, (32, 6), 2.0)
    t = to_format(ref_softmax(RNG.standard_normal((32, 6))), fmt)
    loss, grad = smx.cross_entropy(x, t, reduction="sum", **kw(fmt))
    assert loss.dtype == np.float32 and grad.dtype == x.dtype
    x64, t64 = to_f64(x, fmt), to_f64(t, fmt)
    assert_close(loss, -(t64 * ref_log_softmax(x64)).sum(), np.float32, ulps=4)
    want = ref_softmax(x64) * t64.sum(-1, keepdims=True) - t64
    assert_close_to_half(grad, want, fmt, np.maximum(ref_softmax(x64), t64))
    # NLL on the format's log-probabilities, class indices of any integer dtype
    lp = smx.log_softmax(x, **kw(fmt))
    labels = RNG.integers(0, 6, 32).astype(np.uint16)
    loss, grad = smx.nll_loss(lp, labels, **kw(fmt))
    assert loss.dtype == np.float32 and grad.dtype == x.dtype
    assert_close(loss, -to_f64(lp, fmt)[np.arange(32), labels].mean(), np.float32, ulps=4)
    want = -np.eye(6)[labels] / 32
    np.testing.assert_array_equal(to_f64(grad, fmt), to_f64(to_format(want, fmt), fmt))


def test_bfloat16_class_indices_in_uint16():
    # uint16 of shape (N,) beside bf16 logits (N, C): class indices, not probabilities
    x = scores("bf16", (4, 3))
    a = smx.cross_entropy(x, np.array([0, 1, 2, 1], np.uint16), dtype="bfloat16")
    b = smx.cross_entropy(x, np.array([0, 1, 2, 1]), dtype="bfloat16")
    assert a[0] == b[0]
    np.testing.assert_array_equal(a[1], b[1])


# --- out= and in place -------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_out_and_in_place(fmt):
    x = scores(fmt, (8, 12))
    out = np.empty_like(x)
    assert smx.softmax(x, out=out, **kw(fmt)) is out
    np.testing.assert_array_equal(bits(out), bits(smx.softmax(x, **kw(fmt))))
    x2 = x.copy()
    assert smx.log_softmax(x2, out=x2, **kw(fmt)) is x2
    np.testing.assert_array_equal(bits(x2), bits(smx.log_softmax(x, **kw(fmt))))
    y = smx.softmax(x, **kw(fmt))
    dy = scores(fmt, x.shape, 1.0)
    want = smx.softmax_backward(y, dy, **kw(fmt))
    assert smx.softmax_backward(y, dy, out=dy, **kw(fmt)) is dy
    np.testing.assert_array_equal(bits(dy), bits(want))
    # the cross-entropy gradient over the logits themselves
    labels = np.arange(8) % 12
    want_loss, want_grad = smx.cross_entropy(x, labels, **kw(fmt))
    loss = np.empty((), np.float32)
    got = smx.cross_entropy(x, labels, out=(loss, x), **kw(fmt))
    assert got[0] is loss and got[1] is x and loss == want_loss
    np.testing.assert_array_equal(bits(x), bits(want_grad))
    with pytest.raises(TypeError, match="the result is dtype\\('float32'\\)"):
        smx.cross_entropy(x, labels, grad=False, out=np.empty((), x.dtype), **kw(fmt))
    with pytest.raises(TypeError):
        smx.softmax(x, out=np.empty(x.shape, np.float32), **kw(fmt))


# --- errors ------------------------------------------------------------------------


def test_dtype_errors():
    x16 = np.ones((2, 3), np.float16)
    b = np.ones((2, 3), np.uint16)
    with pytest.raises(TypeError, match="uint16"):
        smx.softmax(np.ones((2, 3), np.float32), dtype="bfloat16")
    with pytest.raises(TypeError, match="uint16"):
        smx.softmax(x16, dtype="bfloat16")  # float16 is not bfloat16
    with pytest.raises(TypeError, match="dtype='bfloat16'"):
        smx.softmax(b)  # uint16 is bfloat16 only when asked
    with pytest.raises(TypeError, match="dtype='bfloat16'"):
        smx.cross_entropy(b, np.array([0, 1]))
    with pytest.raises(ValueError, match="bfloat16"):
        smx.softmax(x16, dtype="float16")
    with pytest.raises(TypeError, match="not dtype\\('uint16'\\) like the first array"):
        smx.softmax_backward(b, x16, dtype="bfloat16")
    with pytest.raises(TypeError, match="not dtype\\('float16'\\)"):
        smx.softmax_backward(x16, x16.astype(np.float32))
    with pytest.raises(TypeError, match="float32"):
        smx.cross_entropy(x16, np.array([0, 1]), weight=np.ones(3, np.float16))
    with pytest.raises(TypeError, match="float32 or float64"):
        smx.jacobian(x16)
    with pytest.raises(TypeError, match="mask"):
        smx.softmax(x16, mask=np.ones(3, np.float32))  # an additive mask is x's dtype
    with pytest.raises(TypeError):
        smx.cross_entropy(x16, x16.astype(np.float32))  # soft targets of another dtype


@pytest.mark.parametrize("fmt", FORMATS)
def test_library_errors_leave_out_untouched(fmt):
    x = scores(fmt, (3, 4))
    out = np.full_like(x, 7)
    with pytest.raises(ValueError, match="scale"):
        smx.softmax(x, temperature=0.0, out=out, **kw(fmt))
    assert (out == 7).all()
    loss, grad = np.full((), 7, np.float32), np.full_like(x, 7)
    with pytest.raises(ValueError, match="label"):
        smx.cross_entropy(x, np.array([0, 1, 4]), out=(loss, grad), **kw(fmt))
    assert loss == 7 and (grad == 7).all()


def test_out_of_memory_is_memory_error():
    # On the scalar path, which keeps each row whole, a row of 2^24 entries
    # works through one float tile of its length (64 MiB); with the address
    # space capped just above what the process holds, the library cannot
    # get it: SMX_ERR_OUT_OF_MEMORY, nothing written, a MemoryError.  (The
    # vector paths take such a row in spans on the stack.)
    code = r"""
import resource, numpy as np, smx
smx.set_num_threads(1)
x = np.zeros(1 << 24, np.float16)
out = np.full_like(x, 7)
smx.softmax(x[:4])
with open("/proc/self/status") as f:
    size = [int(l.split()[1]) * 1024 for l in f if l.startswith("VmSize:")][0]
resource.setrlimit(resource.RLIMIT_AS, (size + (16 << 20), resource.RLIM_INFINITY))
try:
    smx.softmax(x, out=out)
except MemoryError as e:
    assert "softmax" in str(e), e
    assert (out == 7).all()
    print("MemoryError")
"""
    env = dict(os.environ, SMX_ISA="scalar")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "MemoryError", (r.stdout, r.stderr)
