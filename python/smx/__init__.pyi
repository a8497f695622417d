# Type hints of the smx module (the functions live in smx._core).
#
# float16, float32 and float64 arrays keep their dtype (logsumexp and the
# losses of float16 give float32); bfloat16 travels as uint16 arrays with
# dtype="bfloat16" (NumPy has no bfloat16).
from typing import Literal, Mapping, Optional, Tuple, TypeVar, Union, overload

import numpy as np
import numpy.typing as npt

_F = TypeVar("_F", np.float16, np.float32, np.float64)
_W = TypeVar("_W", np.float32, np.float64)  # keeps its dtype where float16 gives float32
_BF16 = npt.NDArray[np.uint16]  # bfloat16 bits
_Reduction = Literal["mean", "sum", "none"]
_Mask = Union[
    npt.NDArray[np.bool_],
    npt.NDArray[np.float16],
    npt.NDArray[np.float32],
    npt.NDArray[np.float64],
    _BF16,
]
_Labels = Union[npt.NDArray[np.integer], int]

__version__: str

@overload
def softmax(
    x: npt.NDArray[_F],
    axis: int = -1,
    *,
    temperature: float = 1.0,
    mask: Optional[_Mask] = None,
    out: Optional[npt.NDArray[_F]] = None,
    dtype: None = None,
) -> npt.NDArray[_F]: ...
@overload
def softmax(
    x: _BF16,
    axis: int = -1,
    *,
    temperature: float = 1.0,
    mask: Optional[_Mask] = None,
    out: Optional[_BF16] = None,
    dtype: Literal["bfloat16"],
) -> _BF16: ...
@overload
def log_softmax(
    x: npt.NDArray[_F],
    axis: int = -1,
    *,
    temperature: float = 1.0,
    mask: Optional[_Mask] = None,
    out: Optional[npt.NDArray[_F]] = None,
    dtype: None = None,
) -> npt.NDArray[_F]: ...
@overload
def log_softmax(
    x: _BF16,
    axis: int = -1,
    *,
    temperature: float = 1.0,
    mask: Optional[_Mask] = None,
    out: Optional[_BF16] = None,
    dtype: Literal["bfloat16"],
) -> _BF16: ...
@overload
def logsumexp(
    x: npt.NDArray[_W],
    axis: int = -1,
    *,
    keepdims: bool = False,
    out: Optional[npt.NDArray[_W]] = None,
    dtype: None = None,
) -> Union[npt.NDArray[_W], _W]: ...
@overload
def logsumexp(
    x: npt.NDArray[np.float16],
    axis: int = -1,
    *,
    keepdims: bool = False,
    out: Optional[npt.NDArray[np.float32]] = None,
    dtype: None = None,
) -> Union[npt.NDArray[np.float32], np.float32]: ...
@overload
def logsumexp(
    x: _BF16,
    axis: int = -1,
    *,
    keepdims: bool = False,
    out: Optional[npt.NDArray[np.float32]] = None,
    dtype: Literal["bfloat16"],
) -> Union[npt.NDArray[np.float32], np.float32]: ...
@overload
def softmax_backward(
    y: npt.NDArray[_F],
    dy: npt.NDArray[_F],
    axis: int = -1,
    *,
    temperature: float = 1.0,
    out: Optional[npt.NDArray[_F]] = None,
    dtype: None = None,
) -> npt.NDArray[_F]: ...
@overload
def softmax_backward(
    y: _BF16,
    dy: _BF16,
    axis: int = -1,
    *,
    temperature: float = 1.0,
    out: Optional[_BF16] = None,
    dtype: Literal["bfloat16"],
) -> _BF16: ...
@overload
def log_softmax_backward(
    y: npt.NDArray[_F],
    dy: npt.NDArray[_F],
    axis: int = -1,
    *,
    temperature: float = 1.0,
    out: Optional[npt.NDArray[_F]] = None,
    dtype: None = None,
) -> npt.NDArray[_F]: ...
@overload
def log_softmax_backward(
    y: _BF16,
    dy: _BF16,
    axis: int = -1,
    *,
    temperature: float = 1.0,
    out: Optional[_BF16] = None,
    dtype: Literal["bfloat16"],
) -> _BF16: ...
@overload
def softmax_jvp(
    y: npt.NDArray[_F],
    dx: npt.NDArray[_F],
    axis: int = -1,
    *,
    temperature: float = 1.0,
    out: Optional[npt.NDArray[_F]] = None,
    dtype: None = None,
) -> npt.NDArray[_F]: ...
@overload
def softmax_jvp(
    y: _BF16,
    dx: _BF16,
    axis: int = -1,
    *,
    temperature: float = 1.0,
    out: Optional[_BF16] = None,
    dtype: Literal["bfloat16"],
) -> _BF16: ...
@overload
def log_softmax_jvp(
    y: npt.NDArray[_F],
    dx: npt.NDArray[_F],
    axis: int = -1,
    *,
    out: Optional[npt.NDArray[_F]] = None,
    dtype: None = None,
) -> npt.NDArray[_F]: ...
@overload
def log_softmax_jvp(
    y: _BF16,
    dx: _BF16,
    axis: int = -1,
    *,
    out: Optional[_BF16] = None,
    dtype: Literal["bfloat16"],
) -> _BF16: ...
def jacobian(
    y: npt.NDArray[_W], *, out: Optional[npt.NDArray[_W]] = None
) -> npt.NDArray[_W]: ...

# The losses: float32 and float64 logits keep their dtype throughout;
# float16 and bfloat16 logits give a float32 loss (float32 class weights)
# and a gradient in the logits' dtype.
@overload
def cross_entropy(
    input: npt.NDArray[_W],
    target: Union[_Labels, npt.NDArray[_W]],
    *,
    weight: Optional[npt.NDArray[_W]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[True] = True,
    out: Optional[Tuple[npt.NDArray[_W], npt.NDArray[_W]]] = None,
    dtype: None = None,
) -> Tuple[Union[npt.NDArray[_W], _W], npt.NDArray[_W]]: ...
@overload
def cross_entropy(
    input: npt.NDArray[_W],
    target: Union[_Labels, npt.NDArray[_W]],
    *,
    weight: Optional[npt.NDArray[_W]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[False],
    out: Optional[npt.NDArray[_W]] = None,
    dtype: None = None,
) -> Union[npt.NDArray[_W], _W]: ...
@overload
def cross_entropy(
    input: npt.NDArray[np.float16],
    target: Union[_Labels, npt.NDArray[np.float16]],
    *,
    weight: Optional[npt.NDArray[np.float32]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[True] = True,
    out: Optional[Tuple[npt.NDArray[np.float32], npt.NDArray[np.float16]]] = None,
    dtype: None = None,
) -> Tuple[Union[npt.NDArray[np.float32], np.float32], npt.NDArray[np.float16]]: ...
@overload
def cross_entropy(
    input: npt.NDArray[np.float16],
    target: Union[_Labels, npt.NDArray[np.float16]],
    *,
    weight: Optional[npt.NDArray[np.float32]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[False],
    out: Optional[npt.NDArray[np.float32]] = None,
    dtype: None = None,
) -> Union[npt.NDArray[np.float32], np.float32]: ...
@overload
def cross_entropy(
    input: _BF16,
    target: Union[_Labels, _BF16],
    *,
    weight: Optional[npt.NDArray[np.float32]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[True] = True,
    out: Optional[Tuple[npt.NDArray[np.float32], _BF16]] = None,
    dtype: Literal["bfloat16"],
) -> Tuple[Union[npt.NDArray[np.float32], np.float32], _BF16]: ...
@overload
def cross_entropy(
    input: _BF16,
    target: Union[_Labels, _BF16],
    *,
    weight: Optional[npt.NDArray[np.float32]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[False],
    out: Optional[npt.NDArray[np.float32]] = None,
    dtype: Literal["bfloat16"],
) -> Union[npt.NDArray[np.float32], np.float32]: ...
@overload
def nll_loss(
    input: npt.NDArray[_W],
    target: _Labels,
    *,
    weight: Optional[npt.NDArray[_W]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[True] = True,
    out: Optional[Tuple[npt.NDArray[_W], npt.NDArray[_W]]] = None,
    dtype: None = None,
) -> Tuple[Union[npt.NDArray[_W], _W], npt.NDArray[_W]]: ...
@overload
def nll_loss(
    input: npt.NDArray[_W],
    target: _Labels,
    *,
    weight: Optional[npt.NDArray[_W]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[False],
    out: Optional[npt.NDArray[_W]] = None,
    dtype: None = None,
) -> Union[npt.NDArray[_W], _W]: ...
@overload
def nll_loss(
    input: npt.NDArray[np.float16],
    target: _Labels,
    *,
    weight: Optional[npt.NDArray[np.float32]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[True] = True,
    out: Optional[Tuple[npt.NDArray[np.float32], npt.NDArray[np.float16]]] = None,
    dtype: None = None,
) -> Tuple[Union[npt.NDArray[np.float32], np.float32], npt.NDArray[np.float16]]: ...
@overload
def nll_loss(
    input: npt.NDArray[np.float16],
    target: _Labels,
    *,
    weight: Optional[npt.NDArray[np.float32]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[False],
    out: Optional[npt.NDArray[np.float32]] = None,
    dtype: None = None,
) -> Union[npt.NDArray[np.float32], np.float32]: ...
@overload
def nll_loss(
    input: _BF16,
    target: _Labels,
    *,
    weight: Optional[npt.NDArray[np.float32]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[True] = True,
    out: Optional[Tuple[npt.NDArray[np.float32], _BF16]] = None,
    dtype: Literal["bfloat16"],
) -> Tuple[Union[npt.NDArray[np.float32], np.float32], _BF16]: ...
@overload
def nll_loss(
    input: _BF16,
    target: _Labels,
    *,
    weight: Optional[npt.NDArray[np.float32]] = None,
    ignore_index: Optional[int] = -100,
    reduction: _Reduction = "mean",
    label_smoothing: float = 0.0,
    grad: Literal[False],
    out: Optional[npt.NDArray[np.float32]] = None,
    dtype: Literal["bfloat16"],
) -> Union[npt.NDArray[np.float32], np.float32]: ...
def set_num_threads(n: int, /) -> None: ...
def get_num_threads() -> int: ...
def set_isa(name: Literal["scalar", "avx2", "avx512", "neon"], /) -> None: ...
def get_isa() -> str: ...
def info() -> Mapping[str, object]: ...
