# needs: torch
"""smx against PyTorch: cross-entropy on every option and every combination
of them (weights x ignore_index x label smoothing x reduction, and soft
targets), the NLL loss, softmax and log-softmax on every axis, and the
backward passes and JVPs against autograd.

The reference is PyTorch in float64.  For float32 results it is of higher
precision (the inputs are exact in float64), and the bound is a few ulp of
float32; for float64 results it is PyTorch's own rounding, and the bound
is wider.  Where smx deliberately differs (a fully masked row), smx's
documented result is asserted."""
import itertools

import numpy as np
import pytest
import torch
import torch.nn.functional as F

import smx
from conftest import DTYPES, assert_close

RNG = np.random.default_rng(2024)
ROWS, COLS = 12, 7
# float32 against float64: the library's 2 ulp, the reference's rounding,
# and the rounding of y when a backward pass starts from it.  float64
# against float64: both sides' rounding, through sums of up to 12 rows.
ULPS = {np.float32: 6, np.float64: 64}


def t64(a):
    return torch.tensor(np.asarray(a, dtype=np.float64))


def torch_loss(f, x, target, reduction, **kwargs):
    """PyTorch's loss and its gradient (of the sum, for reduction='none')."""
    xt = t64(x).requires_grad_(True)
    loss = f(xt, target, reduction=reduction, **kwargs)
    (loss.sum() if reduction == "none" else loss).backward()
    return loss.detach().numpy(), xt.grad.numpy()


def check_loss(got, want, dtype):
    loss, grad = got
    want_loss, want_grad = want
    assert_close(loss, want_loss, dtype, ulps=ULPS[dtype], scale=np.abs(want_loss).max(initial=0))
    # The gradient is a difference that cancels (p A - a): its bound is
    # relative to the largest of its terms.
    assert_close(grad, want_grad, dtype, ulps=ULPS[dtype], scale=np.abs(want_grad).max(initial=0))


def labels_with(ignore_index):
    labels = RNG.integers(0, COLS, ROWS)
    if ignore_index is not None and not 0 <= ignore_index < COLS:
        labels[[1, 5]] = ignore_index  # rows PyTorch skips
    return labels


WEIGHTS = [None, "weights"]
IGNORE = [-100, 3, None]  # PyTorch's default (with ignored rows), a class, none
SMOOTHING = [0.0, 0.1, 1.0]
REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "weight,ignore_index,smoothing,reduction",
    list(itertools.product(WEIGHTS, IGNORE, SMOOTHING, REDUCTIONS)),
)
def test_cross_entropy_every_option(dtype, weight, ignore_index, smoothing, reduction):
    x = (RNG.standard_normal((ROWS, COLS)) * 3).astype(dtype)
    labels = labels_with(ignore_index)
    w = RNG.uniform(0.1, 2.0, COLS).astype(dtype) if weight else None
    got = smx.cross_entropy(
        x, labels, weight=w, ignore_index=ignore_index, reduction=reduction,
        label_smoothing=smoothing,
    )
    want = torch_loss(
        F.cross_entropy, x, torch.tensor(labels), reduction,
        weight=None if w is None else t64(w),
        ignore_index=-100 if ignore_index is None else ignore_index,
        label_smoothing=smoothing,
    )
    check_loss(got, want, dtype)
    # grad=False: the same loss from the same kernel.
    loss = smx.cross_entropy(
        x, labels, weight=w, ignore_index=ignore_index, reduction=reduction,
        label_smoothing=smoothing, grad=False,
    )
    np.testing.assert_array_equal(loss, got[0])


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "weight,smoothing,reduction", list(itertools.product(WEIGHTS, SMOOTHING, REDUCTIONS))
)
def test_cross_entropy_soft_targets(dtype, weight, smoothing, reduction):
    x = (RNG.standard_normal((ROWS, COLS)) * 3).astype(dtype)
    target = RNG.random((ROWS, COLS))
    target[2, :3] = 0  # zero targets (0 * log 0 = 0)
    target = (target / target.sum(1, keepdims=True)).astype(dtype)
    w = RNG.uniform(0.1, 2.0, COLS).astype(dtype) if weight else None
    got = smx.cross_entropy(
        x, target, weight=w, reduction=reduction, label_smoothing=smoothing
    )
    want = torch_loss(
        F.cross_entropy, x, t64(target), reduction,
        weight=None if w is None else t64(w), label_smoothing=smoothing,
    )
    check_loss(got, want, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_cross_entropy_one_sample(dtype, reduction):
    x = RNG.standard_normal(COLS).astype(dtype)
    got = smx.cross_entropy(x, 4, reduction=reduction)
    assert np.shape(got[0]) == () and got[1].shape == (COLS,)
    want = torch_loss(F.cross_entropy, x, torch.tensor(4), reduction)
    check_loss(got, want, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_all_ignored_is_nan_as_in_pytorch(dtype):
    x = RNG.standard_normal((3, COLS)).astype(dtype)
    labels = np.full(3, -100)
    loss, grad = smx.cross_entropy(x, labels)
    want_loss, want_grad = torch_loss(F.cross_entropy, x, torch.tensor(labels), "mean")
    assert np.isnan(loss) and np.isnan(want_loss)
    np.testing.assert_array_equal(grad, 0)
    np.testing.assert_array_equal(want_grad, 0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_cross_entropy_special_values(dtype):
    inf = np.inf
    x = np.array([[0, -inf, 1], [-inf, 0, 1], [np.nan, 0, 1]], dtype)
    labels = np.array([0, 0, 0])
    loss, grad = smx.cross_entropy(x, labels, reduction="none")
    want_loss, _ = torch_loss(F.cross_entropy, x, torch.tensor(labels), "none")
    assert np.isfinite(loss[0]) and loss[1] == inf and np.isnan(loss[2])
    assert_close(loss[:2], want_loss[:2], dtype, ulps=ULPS[dtype])
    assert grad[0, 1] == 0 and np.isfinite(grad[1]).all() and np.isnan(grad[2]).all()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "weight,ignore_index,reduction", list(itertools.product(WEIGHTS, IGNORE, REDUCTIONS))
)
def test_nll_loss(dtype, weight, ignore_index, reduction):
    x = RNG.standard_normal((ROWS, COLS)).astype(dtype)
    y = smx.log_softmax(x)
    labels = labels_with(ignore_index)
    w = RNG.uniform(0.1, 2.0, COLS).astype(dtype) if weight else None
    got = smx.nll_loss(y, labels, weight=w, ignore_index=ignore_index, reduction=reduction)
    want = torch_loss(
        F.nll_loss, y, torch.tensor(labels), reduction,
        weight=None if w is None else t64(w),
        ignore_index=-100 if ignore_index is None else ignore_index,
    )
    check_loss(got, want, dtype)
    # With every option, nll_loss(log_softmax(x)) is cross_entropy(x).
    for smoothing in SMOOTHING:
        kwargs = dict(weight=w, ignore_index=ignore_index, reduction=reduction,
                      label_smoothing=smoothing, grad=False)
        assert_close(smx.nll_loss(y, labels, **kwargs),
                     smx.cross_entropy(x, labels, **kwargs).astype(np.float64), dtype,
                     ulps=ULPS[dtype], scale=1.0)


# --- softmax, log-softmax and their derivatives ------------------------------

SHAPES_AXES = [((5, 9), -1), ((5, 9), 0), ((3, 4, 6), 1), ((2, 3, 4, 5), 2), ((300,), 0)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
def test_forward(dtype, shape, axis):
    x = (RNG.standard_normal(shape) * 5).astype(dtype)
    assert_close(smx.softmax(x, axis), torch.softmax(t64(x), axis).numpy(), dtype,
                 ulps=ULPS[dtype])
    assert_close(smx.log_softmax(x, axis), torch.log_softmax(t64(x), axis).numpy(), dtype,
                 ulps=ULPS[dtype], scale=1.0)
    assert_close(smx.logsumexp(x, axis), torch.logsumexp(t64(x), axis).numpy(), dtype,
                 ulps=ULPS[dtype], scale=1.0)


def autograd_backward(f, x, dy):
    xt = t64(x).requires_grad_(True)
    f(xt).backward(t64(dy))
    return xt.grad.numpy()


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
@pytest.mark.parametrize("temperature", [1.0, 0.5])
def test_backward_against_autograd(dtype, shape, axis, temperature):
    x = (RNG.standard_normal(shape) * 2).astype(dtype)
    dy = RNG.standard_normal(shape).astype(dtype)
    y = smx.softmax(x, axis, temperature=temperature)
    want = autograd_backward(lambda t: torch.softmax(t / temperature, axis), x, dy)
    got = smx.softmax_backward(y, dy, axis, temperature=temperature)
    # dx = y (dy - <dy, y>) / T cancels: bound relative to y (|dy| + |<dy, y>|) / T.
    dot = np.sum(dy.astype(np.float64) * y, axis=axis, keepdims=True)
    scale = np.abs(y) * (np.abs(dy) + np.abs(dot)) / temperature
    assert_close(got, want, dtype, ulps=ULPS[dtype], scale=scale)

    ly = smx.log_softmax(x, axis, temperature=temperature)
    want = autograd_backward(lambda t: torch.log_softmax(t / temperature, axis), x, dy)
    got = smx.log_softmax_backward(ly, dy, axis, temperature=temperature)
    total = np.sum(dy.astype(np.float64), axis=axis, keepdims=True)
    scale = (np.abs(dy) + np.exp(ly.astype(np.float64)) * np.abs(total)) / temperature
    assert_close(got, want, dtype, ulps=ULPS[dtype], scale=scale)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
def test_jvp_against_autograd(dtype, shape, axis):
    x = (RNG.standard_normal(shape) * 2).astype(dtype)
    v = RNG.standard_normal(shape).astype(dtype)
    for forward, jvp, f in [
        (smx.softmax, smx.softmax_jvp, torch.softmax),
        (smx.log_softmax, smx.log_softmax_jvp, torch.log_softmax),
    ]:
        y = forward(x, axis)
        _, want = torch.autograd.functional.jvp(lambda t: f(t, axis), t64(x), t64(v))
        got = jvp(y, v, axis)
        p = np.exp(y.astype(np.float64)) if forward is smx.log_softmax else y.astype(np.float64)
        dot = np.sum(p * np.abs(v), axis=axis, keepdims=True)
        scale = (np.abs(v) + dot) * (1 if forward is smx.log_softmax else np.abs(p))
        assert_close(got, want.numpy(), dtype, ulps=ULPS[dtype], scale=scale)


@pytest.mark.parametrize("dtype", DTYPES)
def test_jacobian_against_autograd(dtype):
    x = RNG.standard_normal(6).astype(dtype)
    y = smx.softmax(x)
    want = torch.autograd.functional.jacobian(lambda t: torch.softmax(t, 0), t64(x)).numpy()
    assert_close(smx.jacobian(y), want, dtype, ulps=ULPS[dtype], scale=np.abs(y).max() ** 2)


@pytest.mark.parametrize("dtype", DTYPES)
def test_masks_against_masked_fill(dtype):
    x = RNG.standard_normal((6, 8)).astype(dtype)
    keep = RNG.random((6, 8)) > 0.4
    keep[0] = False  # a fully masked row
    keep[1] = True
    want = torch.softmax(t64(x).masked_fill(torch.tensor(~keep), -np.inf), -1).numpy()
    got = smx.softmax(x, mask=keep)
    # PyTorch makes a fully masked row NaN; smx gives zeros (intent, not 0/0).
    assert np.isnan(want[0]).all()
    np.testing.assert_array_equal(got[0], 0)
    assert_close(got[1:], want[1:], dtype, ulps=ULPS[dtype])
    bias = np.where(keep, 0, -np.inf).astype(dtype)
    np.testing.assert_array_equal(smx.softmax(x, mask=bias), got)
    lwant = torch.log_softmax(t64(x).masked_fill(torch.tensor(~keep), -np.inf), -1).numpy()
    lgot = smx.log_softmax(x, mask=keep)
    np.testing.assert_array_equal(lgot[0], -np.inf)
    assert_close(lgot[1:], lwant[1:], dtype, ulps=ULPS[dtype], scale=1.0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_special_values_against_pytorch(dtype):
    inf, nan = np.inf, np.nan
    x = np.array([[1000, 0, -1000], [0, -inf, 0], [nan, 0, 0], [inf, 0, 0], [-inf, -inf, -inf]],
                 dtype)
    want = torch.softmax(t64(x), -1).numpy()
    got = smx.softmax(x)
    # Where PyTorch and smx agree (all of these rows), bit for bit on the
    # zeros and NaNs.
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    assert_close(got, want, dtype, ulps=ULPS[dtype])


# --- half precision: torch.float16 and torch.bfloat16 tensors' bits --------


@pytest.mark.parametrize("tdtype", [torch.float16, torch.bfloat16])
def test_half_precision_tensors_as_docs_python_md_passes_them(tdtype):
    # float16 as NumPy float16; bfloat16 as its bits in uint16 with
    # dtype="bfloat16", and back.  The reference is PyTorch in float64,
    # rounded once to the format: equal but for a rare near-tie.
    t = torch.randn(64, 100, generator=torch.Generator().manual_seed(5)).to(tdtype)
    if tdtype == torch.bfloat16:
        y = smx.softmax(t.view(torch.int16).numpy().view(np.uint16), dtype="bfloat16")
        got = torch.from_numpy(y.view(np.int16)).view(torch.bfloat16)
        loss, grad = smx.cross_entropy(
            t.view(torch.int16).numpy().view(np.uint16), np.arange(64) % 100, dtype="bfloat16"
        )
        grad = torch.from_numpy(grad.view(np.int16)).view(torch.bfloat16)
    else:
        got = torch.from_numpy(smx.softmax(t.numpy()))
        loss, grad = smx.cross_entropy(t.numpy(), np.arange(64) % 100)
        grad = torch.from_numpy(grad)
    want = torch.softmax(t.double(), -1).to(tdtype)
    assert (got != want).sum().item() <= 2
    assert loss.dtype == np.float32
    x = t.double().requires_grad_()
    ref_loss = F.cross_entropy(x, torch.arange(64) % 100)
    ref_loss.backward()
    assert abs(float(loss) - ref_loss.item()) <= 4 * np.finfo(np.float32).eps * ref_loss.item()
    assert (grad != x.grad.to(tdtype)).sum().item() <= 2
