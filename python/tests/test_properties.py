# needs: hypothesis
"""Properties that hold for any input (hypothesis draws them): rows sum to
1, exp(log_softmax) is softmax, axis=k is moving the axis last, the
backward pass is the Jacobian transposed times dy, finite differences
agree with the Jacobian, and 1 and 2 threads give the same bits."""
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import smx
from conftest import DTYPES, assert_close

settings.register_profile("smx", max_examples=60, deadline=None, derandomize=True,
                           database=None)
settings.load_profile("smx")

dtypes = st.sampled_from(DTYPES)


@st.composite
def scores(draw, min_dims=1, max_dims=3, max_side=12, magnitude=80.0):
    """A float32 or float64 array of finite scores."""
    dtype = draw(dtypes)
    shape = draw(hnp.array_shapes(min_dims=min_dims, max_dims=max_dims, min_side=1,
                                  max_side=max_side))
    elements = st.floats(-magnitude, magnitude, allow_nan=False, width=32)
    return draw(hnp.arrays(dtype, shape, elements=elements))


@given(scores(), st.data())
def test_rows_sum_to_one(x, data):
    axis = data.draw(st.integers(-x.ndim, x.ndim - 1))
    y = smx.softmax(x, axis)
    assert (y >= 0).all() and (y <= 1).all()
    rows = np.moveaxis(y, axis, -1).reshape(-1, x.shape[axis]).astype(np.float64)
    eps = np.finfo(x.dtype).eps
    for row in rows:
        # Each probability within 2 ulp of its exact value: the sum within
        # 2 eps of 1 (plus the float32 rounding of each term).
        assert abs(math.fsum(row) - 1) <= 3 * eps


@given(scores())
def test_exp_of_log_softmax_is_softmax(x):
    y = smx.softmax(x).astype(np.float64)
    ly = smx.log_softmax(x).astype(np.float64)
    eps = np.finfo(x.dtype).eps
    # exp turns log-softmax's absolute error (2 ulp of |l|) into a relative
    # error of about |l| times that.
    bound = (4 + 4 * np.abs(ly)) * eps * y + np.finfo(x.dtype).smallest_subnormal * 4
    assert (np.abs(np.exp(ly) - y) <= bound).all()


@given(scores(min_dims=2, max_dims=4, max_side=6), st.data())
def test_axis_k_is_moving_the_axis_last(x, data):
    axis = data.draw(st.integers(0, x.ndim - 1))
    last = np.moveaxis(x, axis, -1).copy()
    # the axis kernels and the row kernels round apart, each within bounds
    for f in (smx.softmax, smx.log_softmax):
        assert_close(f(x, axis), np.moveaxis(f(last), -1, axis), x.dtype)
    y = smx.softmax(x, axis)
    dy = np.cos(x)  # any upstream gradient, |dy| <= 1
    assert_close(
        smx.softmax_backward(y, dy, axis),
        np.moveaxis(smx.softmax_backward(np.moveaxis(y, axis, -1).copy(),
                                         np.moveaxis(dy, axis, -1).copy()), -1, axis),
        x.dtype, scale=1.0)


@given(scores(min_dims=1, max_dims=1, max_side=24), st.data())
def test_backward_is_jacobian_transposed_times_dy(x, data):
    dy = data.draw(hnp.arrays(x.dtype, x.shape,
                              elements=st.floats(-10, 10, allow_nan=False, width=32)))
    y = smx.softmax(x)
    jac = smx.jacobian(y).astype(np.float64)
    want = jac.T @ dy.astype(np.float64)
    got = smx.softmax_backward(y, dy)
    y64, dy64 = y.astype(np.float64), dy.astype(np.float64)
    scale = y64 * (np.abs(dy64) + abs(np.dot(y64, dy64))) + np.abs(jac).sum(0) * np.abs(dy64).max()
    eps = np.finfo(x.dtype).eps
    assert (np.abs(got - want) <= 4 * eps * scale + np.finfo(x.dtype).smallest_subnormal).all()
    # And the JVP is J times dx: J is symmetric.
    np.testing.assert_array_equal(smx.softmax_jvp(y, dy), got)


@given(hnp.arrays(np.float64, st.integers(2, 8), elements=st.floats(-5, 5)))
def test_finite_differences_agree(x):
    # Central differences of float64 softmax and log-softmax, step h: the
    # truncation error is O(h^2), the rounding error O(eps / h).
    h = 1e-5
    y, ly = smx.softmax(x), smx.log_softmax(x)
    jac = smx.jacobian(y)
    for j in range(x.size):
        e = np.zeros_like(x)
        e[j] = h
        col = (smx.softmax(x + e) - smx.softmax(x - e)) / (2 * h)
        np.testing.assert_allclose(col, jac[:, j], atol=1e-8)
        lcol = (smx.log_softmax(x + e) - smx.log_softmax(x - e)) / (2 * h)
        np.testing.assert_allclose(lcol, smx.log_softmax_jvp(ly, e / h), atol=1e-8)
    dy = np.linspace(-1, 1, x.size)
    loss_grad = np.array([
        (np.dot(dy, smx.log_softmax(x + h * np.eye(x.size)[j]))
         - np.dot(dy, smx.log_softmax(x - h * np.eye(x.size)[j]))) / (2 * h)
        for j in range(x.size)])
    np.testing.assert_allclose(smx.log_softmax_backward(ly, dy), loss_grad, atol=1e-8)


@settings(max_examples=12)
@given(dtypes, st.integers(1, 40), st.integers(2000, 140000), st.integers(0, 2**32 - 1))
def test_one_and_two_threads_give_the_same_bits(dtype, rows, cols, seed):
    # Large enough to be cut into chunks (65536 elements and up), with rows
    # long enough to be split (65536 and up) among the draws.
    rows = max(1, min(rows, 400000 // cols))
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal((rows, cols)) * 4).astype(dtype)
    labels = rng.integers(0, cols, rows)
    dy = rng.standard_normal((rows, cols)).astype(dtype)
    results = []
    for threads in (1, 2):
        smx.set_num_threads(threads)
        y = smx.softmax(x)
        results.append([y, smx.log_softmax(x), smx.logsumexp(x), smx.softmax_backward(y, dy),
                        *smx.cross_entropy(x, labels, label_smoothing=0.1)])
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)
