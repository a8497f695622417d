"""smx — SoftMax and its derivatives on NumPy arrays, computed by libsmx.

    >>> import numpy as np, smx
    >>> smx.softmax(np.array([1.43, -0.40, 0.23]))
    array([0.68417808, 0.10975145, 0.20607048])

float16, float32 and float64 arrays are kept as they are, bfloat16 travels
as uint16 arrays with dtype="bfloat16" (any other dtype is a TypeError);
any axis; out= everywhere; the GIL is released while a kernel runs.
docs/python.md is the guide; help(smx.<function>) the reference.
"""
from ._core import (
    cross_entropy,
    get_isa,
    get_num_threads,
    info,
    jacobian,
    log_softmax,
    log_softmax_backward,
    log_softmax_jvp,
    logsumexp,
    nll_loss,
    set_isa,
    set_num_threads,
    softmax,
    softmax_backward,
    softmax_jvp,
)

__version__ = info()["version"]

__all__ = [
    "cross_entropy",
    "get_isa",
    "get_num_threads",
    "info",
    "jacobian",
    "log_softmax",
    "log_softmax_backward",
    "log_softmax_jvp",
    "logsumexp",
    "nll_loss",
    "set_isa",
    "set_num_threads",
    "softmax",
    "softmax_backward",
    "softmax_jvp",
]
