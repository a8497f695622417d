# needs: scipy
"""smx against scipy.special: softmax, log_softmax and logsumexp on every
axis, in float32 and float64, with large, tiny and infinite scores.

For float32 results SciPy runs in float64 on the same (exact) inputs, a
reference of higher precision: the bound is a few float32 ulp.  For
float64 it is SciPy's own rounding, and the bound is wider (SciPy's
softmax is exp(x - logsumexp(x)), whose error grows with |x - lse|)."""
import numpy as np
import pytest
from scipy import special

import smx
from conftest import DTYPES, assert_close

RNG = np.random.default_rng(7)
ULPS = {np.float32: 4, np.float64: 512}
SHAPES_AXES = [((7, 11), -1), ((7, 11), 0), ((3, 4, 5), 1), ((2, 3, 4, 5), 0), ((1000,), 0)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape,axis", SHAPES_AXES)
@pytest.mark.parametrize("spread", [1.0, 30.0])
def test_against_scipy(dtype, shape, axis, spread):
    x = (RNG.standard_normal(shape) * spread).astype(dtype)
    x64 = x.astype(np.float64)
    lse = special.logsumexp(x64, axis=axis)
    assert_close(smx.logsumexp(x, axis), lse, dtype, ulps=ULPS[dtype], scale=1.0)
    # log-softmax: x - lse cancels where x is near lse; the bound is
    # relative to the larger term.
    scale = np.maximum(np.abs(x64), np.abs(np.expand_dims(lse, axis)))
    assert_close(smx.log_softmax(x, axis), special.log_softmax(x64, axis=axis), dtype,
                 ulps=ULPS[dtype], scale=scale)
    assert_close(smx.softmax(x, axis), special.softmax(x64, axis=axis), dtype,
                 ulps=ULPS[dtype])


@pytest.mark.parametrize("dtype", DTYPES)
def test_extremes_against_scipy(dtype):
    big = np.finfo(dtype).max / 4
    x = np.array([[big, big, 0], [-big, 0, big], [1e-30, -1e-30, 0], [0, -np.inf, 1]], dtype)
    x64 = x.astype(np.float64)
    assert_close(smx.softmax(x), special.softmax(x64, axis=-1), dtype, ulps=ULPS[dtype])
    assert_close(smx.logsumexp(x), special.logsumexp(x64, axis=-1), dtype, ulps=ULPS[dtype],
                 scale=1.0)
    want = special.log_softmax(x64, axis=-1)
    got = smx.log_softmax(x)
    assert got[3, 1] == -np.inf and want[3, 1] == -np.inf
    assert_close(got, want, dtype, ulps=ULPS[dtype], scale=np.where(np.isfinite(x64), np.abs(x64), 0) + 1)


def test_logsumexp_keepdims_as_scipy():
    x = RNG.standard_normal((3, 4, 5))
    for axis in range(3):
        assert smx.logsumexp(x, axis, keepdims=True).shape == \
            special.logsumexp(x, axis=axis, keepdims=True).shape
