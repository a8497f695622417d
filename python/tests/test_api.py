"""The module's contract with NumPy alone: dtypes, shapes, axes, out=,
aliasing, the error paths (and that they leave `out` as it was), the
special values, threads, paths, info() and the docstrings."""
import doctest
import inspect
import sys
import threading

import numpy as np
import pytest

import smx
from conftest import DTYPES, assert_close

RNG = np.random.default_rng(12)
FORWARD = [smx.softmax, smx.log_softmax]
PAIRS = [smx.softmax_backward, smx.log_softmax_backward, smx.softmax_jvp, smx.log_softmax_jvp]


def ref_log_softmax(x, axis=-1):
    """log-softmax in float64 from x (float32 inputs are exact in float64)."""
    x = np.asarray(x, np.float64)
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


# --- dtypes ---------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("f", FORWARD)
def test_dtype_is_kept(f, dtype):
    x = RNG.standard_normal((4, 7)).astype(dtype)
    assert f(x).dtype == dtype


# float16 and bfloat16 (uint16 with dtype="bfloat16") are test_half.py's.
@pytest.mark.parametrize("bad", [np.int32, np.int64, np.uint16, np.complex128, np.bool_])
@pytest.mark.parametrize(
    "call",
    [
        lambda x: smx.softmax(x),
        lambda x: smx.log_softmax(x),
        lambda x: smx.logsumexp(x),
        lambda x: smx.softmax_backward(x, x),
        lambda x: smx.log_softmax_jvp(x, x),
        lambda x: smx.jacobian(x),
        lambda x: smx.cross_entropy(x, np.array([0, 1])),
        lambda x: smx.nll_loss(x, np.array([0, 1])),
    ],
)
def test_other_dtypes_are_type_errors(call, bad):
    with pytest.raises(TypeError, match="float32 or float64"):
        call(np.ones((2, 3), dtype=bad))


def test_lists_of_ints_are_not_cast():
    with pytest.raises(TypeError):
        smx.softmax([1, 2, 3])
    assert smx.softmax([1.0, 2.0, 3.0]).dtype == np.float64


def test_mixed_dtypes_are_type_errors():
    y = np.full((2, 3), 1 / 3, np.float32)
    with pytest.raises(TypeError, match="not dtype\\('float32'\\)"):
        smx.softmax_backward(y, y.astype(np.float64))
    with pytest.raises(TypeError):
        smx.softmax(y, out=np.empty((2, 3)))
    with pytest.raises(TypeError):
        smx.cross_entropy(y, np.array([0, 1]), weight=np.ones(3))
    with pytest.raises(TypeError):
        smx.cross_entropy(y, y.astype(np.float64))  # soft targets of another dtype
    with pytest.raises(TypeError):
        smx.nll_loss(y, y)  # NLL takes class indices only


# --- axes and layouts -------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [0, 1, 2, -1, -2, -3])
def test_any_axis_equals_moving_the_axis_last(axis, dtype):
    x = RNG.standard_normal((3, 5, 4)).astype(dtype)
    # The axis kernels and the row kernels round differently, each within
    # the library's bounds: the two agree to twice those.
    for f in FORWARD:
        want = np.moveaxis(f(np.moveaxis(x, axis, -1).copy()), -1, axis)
        assert_close(f(x, axis), want, dtype)
    y = smx.softmax(x, axis)
    dy = RNG.standard_normal(x.shape).astype(dtype)
    scale = x.shape[axis] * np.abs(dy).max()  # bounds every term of the four passes
    for f in PAIRS:
        want = np.moveaxis(
            f(np.moveaxis(y, axis, -1).copy(), np.moveaxis(dy, axis, -1).copy()), -1, axis
        )
        assert_close(f(y, dy, axis), want, dtype, scale=scale)
    want = smx.logsumexp(np.moveaxis(x, axis, -1).copy())
    assert_close(smx.logsumexp(x, axis), want, dtype)
    assert smx.logsumexp(x, axis, keepdims=True).shape == tuple(
        1 if k == axis % 3 else n for k, n in enumerate(x.shape)
    )


@pytest.mark.parametrize("axis", [3, -4])
def test_axis_out_of_bounds(axis):
    with pytest.raises(np.AxisError):
        smx.softmax(np.ones((2, 3, 4)), axis)


def test_non_contiguous_and_byte_swapped_inputs_give_the_same_results():
    base = RNG.standard_normal((6, 10))
    x = base[::2, 1::3]  # strided view
    np.testing.assert_array_equal(smx.softmax(x), smx.softmax(x.copy()))
    np.testing.assert_array_equal(smx.softmax(base.T), smx.softmax(base.T.copy()))
    swapped = base.astype(base.dtype.newbyteorder(">"))
    np.testing.assert_array_equal(smx.softmax(swapped), smx.softmax(base))


@pytest.mark.parametrize("dtype", DTYPES)
def test_temperature_and_mask_on_another_axis(dtype):
    x = RNG.standard_normal((4, 6, 3)).astype(dtype)
    keep = RNG.random((4, 6, 3)) > 0.3
    got = smx.softmax(x, 1, temperature=2.0, mask=keep)
    want = np.moveaxis(
        smx.softmax(
            np.moveaxis(x, 1, -1).copy(), temperature=2.0, mask=np.moveaxis(keep, 1, -1).copy()
        ),
        -1,
        1,
    )
    np.testing.assert_array_equal(got, want)
    assert (got[~keep] == 0).all()


# --- values and special values ----------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_iris_example(dtype):
    y = smx.softmax(np.array([1.43, -0.40, 0.23], dtype))
    assert_close(y, [0.684178, 0.109751, 0.206070], dtype, ulps=1, scale=5e-7 / np.finfo(dtype).eps)
    jac = smx.jacobian(y)
    np.testing.assert_allclose(jac[0], [0.216078, -0.075090, -0.140989], atol=2e-6)


def test_float32_against_a_float64_reference():
    # float64 is higher precision for float32 results: the library's 2-ulp
    # bound, plus the reference's rounding.  (The ulp bounds of float64 are
    # the C accuracy suite's, against MPFR.)
    x = (RNG.standard_normal((8, 33)) * 10).astype(np.float32)
    assert_close(smx.log_softmax(x), ref_log_softmax(x), np.float32, ulps=3)
    assert_close(smx.softmax(x), np.exp(ref_log_softmax(x)), np.float32, ulps=3)
    assert_close(smx.logsumexp(x), np.log(np.exp(x.astype(np.float64)).sum(-1)), np.float32, ulps=3)


@pytest.mark.parametrize("dtype", DTYPES)
def test_special_values_of_the_library(dtype):
    inf, nan = np.inf, np.nan
    x = np.array(
        [[1000, 0, -1000], [0, -inf, 0], [nan, 0, 0], [inf, 0, 0], [-inf, -inf, -inf]], dtype
    )
    y = smx.softmax(x)
    np.testing.assert_array_equal(y[0], [1, 0, 0])
    np.testing.assert_array_equal(y[1], [0.5, 0, 0.5])
    assert np.isnan(y[2:]).all()  # NaN, +inf and all -inf rows are NaN
    # Through a mask, a fully masked row is intent: zeros, and -inf in log space.
    keep = np.array([[True, True, True], [False, False, False]])
    xm = np.zeros((2, 3), dtype)
    np.testing.assert_array_equal(smx.softmax(xm, mask=keep)[1], [0, 0, 0])
    np.testing.assert_array_equal(smx.log_softmax(xm, mask=keep)[1], [-inf] * 3)
    bias = np.array([0, -inf, 0], dtype)
    np.testing.assert_array_equal(smx.softmax(xm, mask=bias), [[0.5, 0, 0.5]] * 2)
    assert smx.logsumexp(np.array([[-inf, -inf]], dtype))[0] == -inf
    assert smx.logsumexp(np.array([[inf, 0]], dtype))[0] == inf


def test_empty_arrays():
    assert smx.softmax(np.empty((0, 3))).shape == (0, 3)
    assert smx.softmax(np.empty((3, 0))).shape == (3, 0)
    np.testing.assert_array_equal(smx.logsumexp(np.empty((2, 0))), [-np.inf, -np.inf])
    assert np.isnan(smx.cross_entropy(np.empty((0, 3)), np.empty(0, np.int64), grad=False))


# --- out= and aliasing -------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
def test_out_is_written_and_returned(dtype):
    x = RNG.standard_normal((5, 9)).astype(dtype)
    out = np.empty_like(x)
    assert smx.softmax(x, out=out) is out
    np.testing.assert_array_equal(out, smx.softmax(x))
    y = out
    dy = RNG.standard_normal(x.shape).astype(dtype)
    for f in PAIRS:
        o = np.empty_like(x)
        assert f(y, dy, out=o) is o
        np.testing.assert_array_equal(o, f(y, dy))
    lse = np.empty(5, dtype)
    assert smx.logsumexp(x, out=lse) is lse
    jac = np.empty((5, 9, 9), dtype)
    assert smx.jacobian(y, out=jac) is jac
    labels = np.arange(5) % 9
    loss, grad = np.empty((), dtype), np.empty_like(x)
    got = smx.cross_entropy(x, labels, out=(loss, grad))
    assert got[0] is loss and got[1] is grad
    want_loss, want_grad = smx.cross_entropy(x, labels)
    assert loss == want_loss
    np.testing.assert_array_equal(grad, want_grad)
    per_row = np.empty(5, dtype)
    assert smx.cross_entropy(x, labels, reduction="none", grad=False, out=per_row) is per_row


@pytest.mark.parametrize("dtype", DTYPES)
def test_in_place(dtype):
    x = RNG.standard_normal((4, 6)).astype(dtype)
    want = smx.softmax(x)
    x2 = x.copy()
    assert smx.softmax(x2, out=x2) is x2
    np.testing.assert_array_equal(x2, want)
    dy = RNG.standard_normal(x.shape).astype(dtype)
    want = smx.softmax_backward(x2, dy)
    smx.softmax_backward(x2, dy, out=dy)
    np.testing.assert_array_equal(dy, want)
    labels = np.array([0, 1, 2, 3])
    want_loss, want_grad = smx.cross_entropy(x, labels)
    loss, grad = smx.cross_entropy(x, labels, out=(np.empty((), dtype), x))
    assert grad is x
    np.testing.assert_array_equal(x, want_grad)


def test_partial_overlap_is_refused():
    buf = np.zeros(30)
    x = buf[:10].reshape(2, 5)
    x[:] = RNG.standard_normal((2, 5))
    with pytest.raises(ValueError, match="overlaps x"):
        smx.softmax(x, out=buf[5:15].reshape(2, 5))
    with pytest.raises(ValueError, match="must not overlap"):
        smx.logsumexp(x, out=buf[:2])
    with pytest.raises(ValueError, match="must not overlap"):
        smx.jacobian(x[0], out=buf[:25].reshape(5, 5))
    logits = buf[:6].reshape(2, 3)
    with pytest.raises(ValueError, match="grad out must not overlap weight"):
        smx.cross_entropy(logits, np.array([0, 1]), weight=buf[10:13],
                          out=(np.empty(()), buf[12:18].reshape(2, 3)))
    with pytest.raises(ValueError, match="loss out must not overlap"):
        smx.cross_entropy(logits, np.array([0, 1]), grad=False, out=buf[0:1].reshape(()))


def test_bad_out_arrays():
    x = np.ones((2, 3))
    ro = np.empty((2, 3))
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        smx.softmax(x, out=ro)
    with pytest.raises(ValueError, match="shape"):
        smx.softmax(x, out=np.empty((3, 2)))
    with pytest.raises(ValueError, match="C-contiguous"):
        smx.softmax(x, out=np.empty((3, 2)).T)
    with pytest.raises(TypeError, match="ndarray"):
        smx.softmax(x, out=[[0.0] * 3] * 2)
    with pytest.raises(TypeError, match="tuple"):
        smx.cross_entropy(x, np.array([0, 1]), out=np.empty(()))


# --- errors carry the library's message and write nothing -------------------


def sentinel(shape, dtype=np.float64):
    return np.full(shape, 7.0, dtype)


@pytest.mark.parametrize("dtype", DTYPES)
def test_library_errors_leave_out_untouched(dtype):
    x = RNG.standard_normal((3, 4)).astype(dtype)
    cases = [
        (lambda o: smx.softmax(x, temperature=0.0, out=o), "scale", (3, 4)),
        (lambda o: smx.log_softmax(x, temperature=-1.0, out=o), "scale", (3, 4)),
        (lambda o: smx.softmax_backward(x, x, temperature=np.nan, out=o), "scale", (3, 4)),
    ]
    for call, message, shape in cases:
        out = sentinel(shape, dtype)
        with pytest.raises(ValueError, match=message):
            call(out)
        assert (out == 7).all()
    for labels, message in [([0, 1, 4], "label"), ([0, -1, 2], "label"), ([0, 2**40, 1], "label")]:
        loss, grad = sentinel((), dtype), sentinel((3, 4), dtype)
        with pytest.raises(ValueError, match=message):
            smx.cross_entropy(x, np.array(labels), out=(loss, grad))
        assert loss == 7 and (grad == 7).all()
    for kwargs, message in [
        ({"weight": np.array([1, -1, 1, 1], dtype)}, "weight"),
        ({"label_smoothing": 1.5}, "smoothing"),
    ]:
        loss, grad = sentinel((), dtype), sentinel((3, 4), dtype)
        with pytest.raises(ValueError, match=message):
            smx.cross_entropy(x, np.array([0, 1, 2]), out=(loss, grad), **kwargs)
        assert loss == 7 and (grad == 7).all()


def test_error_messages_are_the_librarys():
    with pytest.raises(ValueError) as e:
        smx.cross_entropy(np.zeros((1, 3)), np.array([3]))
    assert str(e.value).startswith("cross_entropy: ")
    assert "label" in str(e.value)
    with pytest.raises(ValueError, match="no classes|class"):
        smx.cross_entropy(np.zeros((2, 0)), np.array([0, 0]))


def test_wrong_shapes():
    with pytest.raises(ValueError, match="shape"):
        smx.softmax_backward(np.ones((2, 3)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="shape"):
        smx.cross_entropy(np.ones((2, 3)), np.array([0, 1, 2]))
    with pytest.raises(ValueError, match="shape"):
        smx.cross_entropy(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match=r"\(N, C\)"):
        smx.cross_entropy(np.ones((2, 3, 4)), np.zeros((2, 4), np.int64))
    with pytest.raises(ValueError, match="weight"):
        smx.cross_entropy(np.ones((2, 3)), np.array([0, 1]), weight=np.ones(4))
    with pytest.raises(ValueError, match="mask"):
        smx.softmax(np.ones((2, 3)), mask=np.ones((2, 2), bool))
    with pytest.raises(TypeError, match="mask"):
        smx.softmax(np.ones((2, 3)), mask=np.ones(3, np.int8))
    with pytest.raises(ValueError, match="reduction"):
        smx.cross_entropy(np.ones((2, 3)), np.array([0, 1]), reduction="avg")
    with pytest.raises(ValueError, match="at least one axis"):
        smx.jacobian(np.float64(1.0))


# --- threads, paths, info ---------------------------------------------------


def test_threads_and_paths():
    smx.set_num_threads(1)
    assert smx.get_num_threads() == 1
    with pytest.raises(ValueError):
        smx.set_num_threads(-1)
    assert smx.get_num_threads() == 1
    smx.set_isa("scalar")
    assert smx.get_isa() == "scalar"
    assert smx.info()["isa"] == "scalar"
    assert set(smx.info()["kernels"].values()) == {"scalar"}
    with pytest.raises(ValueError, match="unknown"):
        smx.set_isa("sse9")
    other = "neon" if smx.info()["best_isa"] != "neon" else "avx2"
    with pytest.raises(ValueError, match="instruction set"):
        smx.set_isa(other)
    assert smx.get_isa() == "scalar"


def test_info():
    info = smx.info()
    assert info["version"] == smx.__version__
    assert info["best_isa"] in ("scalar", "avx2", "avx512", "neon")
    assert info["num_threads"] == smx.get_num_threads()
    assert "softmax_f32" in info["kernels"] and "nll_loss_f64" in info["kernels"]
    assert "softmax_bf16" in info["kernels"] and "cross_entropy_f16" in info["kernels"]
    assert "softmax_jacobian_bf16" not in info["kernels"]


def test_calls_from_many_threads_at_once():
    x = RNG.standard_normal((64, 300))
    want = smx.softmax(x)
    results = [None] * 8

    def work(i):
        for _ in range(20):
            results[i] = smx.softmax(x)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for r in results:
        np.testing.assert_array_equal(r, want)


def test_the_gil_is_released_while_a_kernel_runs():
    # Another Python thread spins on a counter.  With a switch interval far
    # longer than the call, it can only advance while the call releases the
    # GIL, as it does around every kernel.
    smx.set_num_threads(1)
    x = RNG.standard_normal((2000, 2000))
    y = np.empty_like(x)
    counter, started, stop = [0], threading.Event(), threading.Event()

    def spin():
        started.set()
        while not stop.is_set():
            counter[0] += 1

    interval = sys.getswitchinterval()
    t = threading.Thread(target=spin)
    t.start()
    started.wait()
    try:
        sys.setswitchinterval(0.5)
        moved = 0
        for _ in range(3):
            before = counter[0]
            smx.softmax(x, out=y)
            moved += counter[0] != before
    finally:
        stop.set()
        sys.setswitchinterval(interval)
        t.join()
    assert moved > 0


# --- documentation ----------------------------------------------------------


@pytest.mark.parametrize("name", smx.__all__)
def test_docstring_example_runs(name):
    f = getattr(smx, name)
    assert ">>>" in f.__doc__, name
    globs = {"np": np, "smx": smx}
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(f, name, globs=globs):
        runner.run(test)
    assert runner.failures == 0


def test_signatures_follow_numpy_names():
    assert str(inspect.signature(smx.softmax)) == (
        "(x, axis=-1, *, temperature=1.0, mask=None, out=None, dtype=None)"
    )
    assert list(inspect.signature(smx.softmax_backward).parameters)[:2] == ["y", "dy"]
    assert list(inspect.signature(smx.softmax_jvp).parameters)[:2] == ["y", "dx"]
    params = inspect.signature(smx.cross_entropy).parameters
    assert params["ignore_index"].default == -100
    assert params["reduction"].default == "mean"


def test_readme_example():
    # The README's Python example runs and gives the numbers it shows.
    import os
    import re

    readme = os.path.join(os.path.dirname(__file__), "..", "..", "README.md")
    with open(readme, encoding="utf-8") as f:
        block = re.search(r"## From Python\n\n```python\n(.*?)```", f.read(), re.S).group(1)
    env = {}
    exec(block, env)
    np.testing.assert_allclose(env["y"], [[0.684178, 0.109751, 0.206070]], atol=1e-6)
    np.testing.assert_allclose(env["dx"], [[0.216078, -0.075090, -0.140989]], atol=1e-6)
    assert env["grad"].shape == (1, 3)
