/*
 * docstrings.h — what help(smx.<function>) shows: the signature (the
 * "name(...)\n--\n\n" line that inspect.signature reads), what the function
 * computes, and one example.  docs/python.md is the longer guide.
 */
#ifndef SMX_PYTHON_DOCSTRINGS_H
#define SMX_PYTHON_DOCSTRINGS_H

#define DOC_SOFTMAX                                                                        \
    "softmax($module, /, x, axis=-1, *, temperature=1.0, mask=None, out=None,\n"           \
    "        dtype=None)\n--\n\n"                                                          \
    "Softmax of x along `axis`: exp(x - max) / sum exp(x - max).\n\n"                      \
    "x is a float16, float32 or float64 array (the dtype is kept; any other\n"             \
    "dtype is a TypeError), or with dtype='bfloat16' a uint16 array holding\n"             \
    "bfloat16 bits (NumPy has no bfloat16), giving uint16 holding bfloat16.\n"             \
    "float16 and bfloat16 are computed in float and rounded once: within 1 ulp\n"          \
    "of their format.  Any axis is computed in place, without a transposed copy.\n"        \
    "temperature T divides the scores (softmax(x / T)); mask is a bool array\n"            \
    "(True keeps an entry) or a float array of x's dtype added to the scaled\n"            \
    "scores (-inf masks an entry out), of x's shape or of shape (n,) for every\n"          \
    "row.  Masked entries get 0, and a row with nothing left gives zeros.  With\n"         \
    "a temperature or a mask, an axis other than the last is copied once.\n"               \
    "out: a C-contiguous array of x's dtype and shape, or x itself.\n\n"                   \
    "A NaN or +inf in a row makes the row NaN; -inf gets probability 0.\n\n"               \
    ">>> smx.softmax(np.array([1.43, -0.40, 0.23]))\n"                                     \
    "array([0.68417808, 0.10975145, 0.20607048])\n"                                        \
    ">>> smx.softmax(np.array([1.43, -0.40, 0.23], np.float16))\n"                         \
    "array([0.684 , 0.1098, 0.206 ], dtype=float16)\n"                                     \
    ">>> y = smx.softmax(np.array([0x3F80, 0x4000], np.uint16), dtype='bfloat16')  # 1, 2\n" \
    ">>> y, (y.astype(np.uint32) << 16).view(np.float32)  # bfloat16 bits, as float32\n"   \
    "(array([16010, 16187], dtype=uint16), array([0.26953125, 0.73046875], dtype=float32))"

#define DOC_LOG_SOFTMAX                                                                    \
    "log_softmax($module, /, x, axis=-1, *, temperature=1.0, mask=None, out=None,\n"       \
    "            dtype=None)\n--\n\n"                                                      \
    "Log-softmax of x along `axis`: (x - max) - log sum exp(x - max), never\n"             \
    "log(softmax(x)).  Arguments and dtypes as in softmax; masked entries get\n"           \
    "-inf.\n\n"                                                                            \
    ">>> smx.log_softmax(np.array([1.0, 2.0, 3.0], dtype=np.float32))\n"                   \
    "array([-2.407606  , -1.407606  , -0.40760598], dtype=float32)\n"                      \
    ">>> smx.log_softmax(np.array([1.0, 2.0, 3.0], dtype=np.float16))\n"                   \
    "array([-2.408 , -1.407 , -0.4077], dtype=float16)"

#define DOC_LOGSUMEXP                                                                      \
    "logsumexp($module, /, x, axis=-1, *, keepdims=False, out=None, dtype=None)\n--\n\n"   \
    "log sum exp(x) along `axis` (one axis; -1 by default, unlike SciPy's None).\n"        \
    "A NaN gives NaN, +inf gives +inf, an all -inf or empty row gives -inf.\n"             \
    "An axis other than the last with more axes after it is copied once.\n"                \
    "x's dtypes as in softmax; float16 and bfloat16 give float32.\n\n"                     \
    ">>> smx.logsumexp(np.array([[0.0, 0.0], [1000.0, 1000.0]])) - [0.0, 1000.0]\n"        \
    "array([0.69314718, 0.69314718])\n"                                                    \
    ">>> smx.logsumexp(np.array([[0.0, 0.0], [1.0, 2.0]], np.float16))\n"                  \
    "array([0.6931472, 2.3132617], dtype=float32)"

#define DOC_SOFTMAX_BACKWARD                                                               \
    "softmax_backward($module, /, y, dy, axis=-1, *, temperature=1.0, out=None,\n"         \
    "                 dtype=None)\n--\n\n"                                                 \
    "Backward pass of y = softmax(x / temperature), from the output y:\n"                  \
    "dx = y * (dy - sum(dy * y)) / temperature along `axis`.  Entries where\n"             \
    "y == 0 (masked) get dx = 0.  out may be y or dy (in place).  dtypes as in\n"          \
    "softmax: y, dy and out share one.\n\n"                                                \
    ">>> y = smx.softmax(np.array([1.43, -0.40, 0.23]))\n"                                 \
    ">>> smx.softmax_backward(y, np.array([1.0, 0.0, 0.0]))  # row 0 of the Jacobian\n"    \
    "array([ 0.21607844, -0.07508953, -0.1409889 ])"

#define DOC_LOG_SOFTMAX_BACKWARD                                                           \
    "log_softmax_backward($module, /, y, dy, axis=-1, *, temperature=1.0, out=None,\n"     \
    "                     dtype=None)\n--\n\n"                                             \
    "Backward pass of y = log_softmax(x / temperature), from the output y:\n"              \
    "dx = (dy - exp(y) * sum(dy)) / temperature along `axis`.  Entries where\n"            \
    "y == -inf get dx = 0.  out may be y or dy.  dtypes as in softmax.\n\n"                \
    ">>> y = smx.log_softmax(np.array([0.0, 0.0]))\n"                                      \
    ">>> smx.log_softmax_backward(y, np.array([1.0, 0.0]))\n"                              \
    "array([ 0.5, -0.5])"

#define DOC_SOFTMAX_JVP                                                                    \
    "softmax_jvp($module, /, y, dx, axis=-1, *, temperature=1.0, out=None,\n"              \
    "            dtype=None)\n--\n\n"                                                      \
    "Forward-mode derivative of y = softmax(x / temperature): the change of y\n"           \
    "for a change dx of x, J dx = y * (dx - sum(dx * y)) / temperature.  The\n"            \
    "Jacobian is symmetric, so this equals softmax_backward(y, dx).  dtypes as\n"          \
    "in softmax.\n\n"                                                                      \
    ">>> y = smx.softmax(np.array([0.0, 0.0]))\n"                                          \
    ">>> smx.softmax_jvp(y, np.array([1.0, 0.0]))\n"                                       \
    "array([ 0.25, -0.25])\n"                                                              \
    ">>> y = smx.softmax(np.array([0.0, 0.0], np.float16))\n"                              \
    ">>> smx.softmax_jvp(y, np.array([1.0, 0.0], np.float16))\n"                           \
    "array([ 0.25, -0.25], dtype=float16)"

#define DOC_LOG_SOFTMAX_JVP                                                                \
    "log_softmax_jvp($module, /, y, dx, axis=-1, *, out=None, dtype=None)\n--\n\n"         \
    "Forward-mode derivative of y = log_softmax(x): dy = dx - sum(exp(y) * dx)\n"          \
    "along `axis`.  Entries where y == -inf get 0.  An axis other than the last\n"         \
    "is copied once.  dtypes as in softmax.\n\n"                                           \
    ">>> y = smx.log_softmax(np.array([0.0, 0.0]))\n"                                      \
    ">>> smx.log_softmax_jvp(y, np.array([1.0, 0.0]))\n"                                   \
    "array([ 0.5, -0.5])"

#define DOC_JACOBIAN                                                                       \
    "jacobian($module, /, y, *, out=None)\n--\n\n"                                         \
    "The Jacobian of softmax at probabilities y (the last axis):\n"                        \
    "J[..., i, j] = y_i * (delta_ij - y_j), shape (..., n, n).  It needs\n"                \
    "O(n^2) memory; softmax_backward applies it in O(n).  float32 or float64\n"            \
    "only: the library has no half-precision Jacobian (a float16 y is a\n"                 \
    "TypeError; every float16 is a float32).\n\n"                                          \
    ">>> smx.jacobian(np.array([0.5, 0.5]))\n"                                             \
    "array([[ 0.25, -0.25],\n"                                                             \
    "       [-0.25,  0.25]])"

#define DOC_CROSS_ENTROPY                                                                  \
    "cross_entropy($module, /, input, target, *, weight=None, ignore_index=-100,\n"        \
    "              reduction='mean', label_smoothing=0.0, grad=True, out=None,\n"          \
    "              dtype=None)\n--\n\n"                                                    \
    "Cross-entropy of logits `input` (N, C) or (C,) against `target`, with the\n"          \
    "options and results of torch.nn.functional.cross_entropy.  target holds\n"            \
    "class indices (any integer dtype, shape (N,) or ()), or probabilities of\n"           \
    "the logits' dtype and shape (soft targets; ignore_index does not apply).\n"           \
    "weight: one non-negative weight per class.  ignore_index=None ignores no\n"           \
    "label.  reduction: 'mean' (weighted), 'sum' or 'none' (one loss per row).\n\n"        \
    "Returns (loss, grad) from one fused pass, grad being the gradient of the\n"           \
    "loss (of its sum for reduction='none') with respect to the logits; only\n"            \
    "the loss when grad=False.  out: (loss_out, grad_out), or loss_out when\n"             \
    "grad=False; grad_out may be the logits themselves.\n\n"                               \
    "float16 logits (or uint16 holding bfloat16, with dtype='bfloat16') give a\n"          \
    "float32 loss and a gradient in the logits' dtype; weight is then float32,\n"          \
    "soft targets have the logits' dtype (with bfloat16, a uint16 target of the\n"         \
    "logits' shape holds probabilities, one of shape (N,) class indices).\n\n"             \
    ">>> loss, grad = smx.cross_entropy(np.array([[1.43, -0.40, 0.23]]), np.array([0]))\n" \
    ">>> round(float(loss), 6)\n"                                                          \
    "0.379537\n"                                                                           \
    ">>> x = np.array([[1.43, -0.40, 0.23]], np.float16)\n"                                \
    ">>> smx.cross_entropy(x, np.array([0]))\n"                                            \
    "(0.37964246, array([[-0.316 ,  0.1098,  0.206 ]], dtype=float16))"

#define DOC_NLL_LOSS                                                                       \
    "nll_loss($module, /, input, target, *, weight=None, ignore_index=-100,\n"             \
    "         reduction='mean', label_smoothing=0.0, grad=True, out=None,\n"               \
    "         dtype=None)\n--\n\n"                                                         \
    "Negative log-likelihood of log-probabilities `input` (N, C) or (C,) and\n"            \
    "class indices, as torch.nn.functional.nll_loss (plus label smoothing).\n"             \
    "nll_loss(log_softmax(x), t) equals cross_entropy(x, t) on every option.\n"            \
    "Returns (loss, grad) as cross_entropy, grad with respect to the input;\n"             \
    "dtypes as in cross_entropy.\n\n"                                                      \
    ">>> float(smx.nll_loss(np.log(np.array([[0.5, 0.5]])), np.array([1]), grad=False))\n" \
    "0.6931471805599453"

#define DOC_SET_NUM_THREADS                                                                \
    "set_num_threads($module, n, /)\n--\n\n"                                               \
    "Use up to n threads for large calls (0: back to the default, the number\n"            \
    "of CPUs or SMX_NUM_THREADS).  The results are the same bits for every n.\n\n"         \
    ">>> smx.set_num_threads(1)"

#define DOC_GET_NUM_THREADS                                                                \
    "get_num_threads($module, /)\n--\n\n"                                                  \
    "The number of threads large calls may use.\n\n"                                       \
    ">>> smx.get_num_threads() >= 1\n"                                                     \
    "True"

#define DOC_SET_ISA                                                                        \
    "set_isa($module, name, /)\n--\n\n"                                                    \
    "Compute with instruction set `name` from now on: 'scalar', 'avx2',\n"                 \
    "'avx512' or 'neon'.  ValueError when this CPU or build lacks it.  Not to\n"           \
    "be called while another thread is inside smx.\n\n"                                    \
    ">>> smx.set_isa('scalar')"

#define DOC_GET_ISA                                                                        \
    "get_isa($module, /)\n--\n\n"                                                          \
    "The instruction set in use.\n\n"                                                      \
    ">>> smx.get_isa() in ('scalar', 'avx2', 'avx512', 'neon')\n"                          \
    "True"

#define DOC_INFO                                                                           \
    "info($module, /)\n--\n\n"                                                             \
    "The library's version, instruction set in use (isa), the best one of this\n"          \
    "CPU (best_isa), num_threads, and for each operation and dtype (f32, f64,\n"           \
    "bf16, f16) the path computing it (kernels).\n\n"                                      \
    ">>> sorted(smx.info())\n"                                                             \
    "['best_isa', 'isa', 'kernels', 'num_threads', 'version']"

#endif /* SMX_PYTHON_DOCSTRINGS_H */
