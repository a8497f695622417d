"""Shared helpers of the smx Python tests."""
import numpy as np
import pytest

import smx

DTYPES = [np.float32, np.float64]


def assert_close(actual, expected, dtype, ulps=4, scale=None):
    """actual within `ulps` units in the last place of `dtype` of expected.

    scale: the magnitude the error is measured against where the result is
    a cancelling difference (a gradient p - 1, a backward pass): then the
    bound is ulps * eps * scale, the header's rule for those results.
    """
    actual = np.asarray(actual)
    expected = np.asarray(expected, dtype=np.float64)
    assert actual.dtype == np.dtype(dtype), (actual.dtype, dtype)
    assert actual.shape == expected.shape, (actual.shape, expected.shape)
    a = actual.astype(np.float64)
    same_special = (np.isnan(a) & np.isnan(expected)) | (a == expected)
    eps = np.finfo(dtype).eps
    tiny = np.finfo(dtype).smallest_subnormal
    ref = np.abs(expected) if scale is None else np.maximum(np.abs(expected), scale)
    bound = ulps * np.maximum(eps * ref, tiny)
    with np.errstate(invalid="ignore"):
        ok = same_special | (np.abs(a - expected) <= bound)
    if not ok.all():
        bad = np.argwhere(~ok)[:5]
        pytest.fail(
            "not within %d ulp at %s: got %s, want %s"
            % (ulps, bad.tolist(), a[~ok][:5], expected[~ok][:5])
        )


@pytest.fixture(autouse=True)
def restore_library_state():
    """Each test starts and ends on the default path and thread count."""
    isa, threads = smx.get_isa(), smx.get_num_threads()
    yield
    smx.set_isa(isa)
    smx.set_num_threads(threads)
