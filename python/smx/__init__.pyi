# Type hints of the smx module (the functions live in smx._core).
from typing import Literal, Mapping, Optional, Tuple, TypeVar, Union, overload

import numpy as np
import numpy.typing as npt

_F = TypeVar("_F", np.float32, np.float64)
_Reduction = Literal["mean", "sum", "none"]
_Mask = Union[npt.NDArray[np.bool_], npt.NDArray[np.float32], npt.NDArray[np.float64]]

__version__: str

def softmax(
    x: npt.NDArray[_F],
    axis: int = -1,
    *,
    temperature: float = 1.0,
    mask: Optional[_Mask] = None,
    out: Optional[npt.NDArray[_F]] = None,
) -> npt.NDArray[_F]: ...
def log_softmax(
    x: npt.NDArray[_F],
    axis: int = -1,
    *,
    temperature: float = 1.0,
    mask: Optional[_Mask] = None,
    out: Optional[npt.NDArray[_F]] = None,
) -> npt.NDArray[_F]: ...
def logsumexp(
    x: npt.NDArray[_F],
    axis: int = -1,
    *,
    keepdims: bool = False,
    out: Optional[npt.NDArray[_F]] = None,
) -> Union[npt.NDArray[_F], _F]: ...
def softmax_backward(
    y: npt.NDArray[_F],
    dy: npt.NDArray[_F],
    axis: int = -1,
    *,
    temperature: float = 1.0,
    out: Optional[npt.NDArray[_F]] = None,
) -> npt.NDArray[_F]: ...
def log_softmax_backward(
    y: npt.NDArray[_F],
    dy: npt.NDArray[_F],
    axis: int = -1,
    *,
    temperature: float = 1.0,
    out: Optional[npt.NDArray[_F]] = None,
) -> npt.NDArray[_F]: ...
def softmax_jvp(
    y: npt.NDArray[_F],
    dx: npt.NDArray[_F],
    axis: int = -1,
    *,
    temperature: float = 1.0,
    out: Optional[npt.NDArray[_F]] = None,
) -> npt.NDArray[_F]: ...
def log_softmax_jvp(
    y: npt.NDArray[_F],
    dx: npt.NDArray[_F],
    axis: int = -1,
    *,
    out: Optional[npt.NDArray[_F]] = None,
) -> npt.NDArray[_F]: ...
def jacobian(
    y: npt.NDArray[_F], *, out: Optional[npt.NDArray[_F]] = None
) -> npt.NDArray[_F]: ...
@overload
def cross_entropy(
    input: npt.NDArray[_F],
    target: Union[npt.NDArray[np.integer], npt.NDArray[_F], int],
    *,
    weight: Optional[npt.NDArray[_F]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[True] = True,
    out: Optional[Tuple[npt.NDArray[_F], npt.NDArray[_F]]] = None,
) -> Tuple[Union[npt.NDArray[_F], _F], npt.NDArray[_F]]: ...
@overload
def cross_entropy(
    input: npt.NDArray[_F],
    target: Union[npt.NDArray[np.integer], npt.NDArray[_F], int],
    *,
    weight: Optional[npt.NDArray[_F]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[False],
    out: Optional[npt.NDArray[_F]] = None,
) -> Union[npt.NDArray[_F], _F]: ...
@overload
def nll_loss(
    input: npt.NDArray[_F],
    target: Union[npt.NDArray[np.integer], int],
    *,
    weight: Optional[npt.NDArray[_F]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[True] = True,
    out: Optional[Tuple[npt.NDArray[_F], npt.NDArray[_F]]] = None,
) -> Tuple[Union[npt.NDArray[_F], _F], npt.NDArray[_F]]: ...
@overload
def nll_loss(
    input: npt.NDArray[_F],
    target: Union[npt.NDArray[np.integer], int],
    *,
    weight: Optional[npt.NDArray[_F]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[False],
    out: Optional[npt.NDArray[_F]] = None,
) -> Union[npt.NDArray[_F], _F]: ...
def set_num_threads(n: int, /) -> None: ...
def get_num_threads() -> int: ...
def set_isa(name: Literal["scalar", "avx2", "avx512", "neon"], /) -> None: ...
def get_isa() -> str: ...
def info() -> Mapping[str, object]: ...
