/*
 * smx.h — SoftMax and its derivatives, in C.  The only public header of libsmx.
 *
 * QUICK START
 *
 *     #include <smx.h>
 *     #include <stdio.h>
 *     float x[3] = {1.43f, -0.40f, 0.23f}, y[3];
 *     smx_status st = smx_softmax_f32(y, x, 1, 3);     // y = softmax(x)
 *     if (st != SMX_OK) fprintf(stderr, "%s\n", smx_strerror(st));
 *     // y = {0.684178, 0.109751, 0.206070}
 *
 * Link with -lsmx (static: -lsmx -lm; pkg-config: `pkg-config --libs smx`,
 * or `--static` for the static library; CMake: `find_package(smx)` then
 * `target_link_libraries(app smx::smx)`).
 *
 * CONVENTIONS
 *
 *   - Every function returns smx_status; smx_strerror() names it.
 *   - Arguments come as outputs, then inputs, then sizes, then options:
 *     smx_softmax_f32(y, x, rows, cols) reads as y = softmax(x).
 *   - Tensors are row-major and contiguous: `rows × cols`, one row per
 *     sample, the softmax taken along each row.  The _axis functions take
 *     a contiguous [outer, n, inner] tensor and work along the middle axis.
 *   - Every _f32 function has an _f64 twin taking double.
 *   - Aliasing: an output may be the very same pointer as the input it
 *     replaces (y == x, dx == dy, dx == x in cross-entropy).  Partial
 *     overlap is not supported.
 *   - On any error nothing is written: all arguments (pointers, sizes,
 *     labels, options) are checked before the first output is touched.
 *     When several arguments are wrong, which error is reported is not
 *     specified.
 *   - rows == 0 or cols == 0 is a no-op returning SMX_OK, except where a
 *     function says otherwise (cross-entropy needs at least one class).
 *   - The library never calls malloc, and never exits.  Every function may
 *     be called from any thread at once.  The only global state is the
 *     path and the thread count (smx_set_isa, smx_set_num_threads), and
 *     the worker threads, started at the first call large enough to use
 *     them.  It prints one line on stderr, once, when SMX_ISA names a path
 *     it cannot use.
 *
 * THE MATHEMATICS (per row z of length n, m = max_k z_k)
 *
 *     softmax        s_i = exp(z_i - m) / sum_k exp(z_k - m)
 *     log-softmax    l_i = (z_i - m) - log sum_k exp(z_k - m)
 *     Jacobian       J = diag(s) - s s^T          (symmetric; rows sum to 0)
 *     backward       dx = J^T dy = s * (dy - <dy, s>)
 *     log backward   dx = dy - exp(l) * sum_k dy_k
 *     cross-entropy  L = logsumexp(z) - z_c,   dL/dz = s - onehot(c)
 *
 * NUMERICS CONTRACT (docs/accuracy.md has the measured figures)
 *
 *   Accuracy.  softmax, log-softmax, the cross-entropy and NLL losses and
 *   the cross-entropy gradient with hard labels are within 2 ulp of the
 *   correctly rounded exact result for every output in the normal range,
 *   and within 2 units of the smallest subnormal (2^-149 for f32, 2^-1074
 *   for f64) below it, for any row length, on every path (scalar, AVX2,
 *   AVX-512, NEON).  Internally f32 works in double
 *   and f64 in double-double: the shift z - m is exact wherever its
 *   rounding could reach the result, the sum does not drift with the row
 *   length, the largest log-probability is -log1p(sum of the others), and
 *   the gradient at a dominant label, p - 1, is formed as minus the other
 *   probabilities.
 *
 *   Where the exact result is a difference that cancels, the bound is 2
 *   ulp of the larger of the terms instead (each term being accurate to
 *   about 1 ulp):
 *     - logsumexp = m + log1p(others), when m < 0 (2 ulp of max(|m|, log1p));
 *     - the cross-entropy gradient p_k A - a_k with label smoothing or soft
 *       targets (2 ulp of max(p_k A, a_k));
 *     - softmax backward y_k (dy_k - <dy, y>) (2 ulp of
 *       y_k max(|dy_k|, |<dy, y>|)), log-softmax backward dy_k - exp(y_k)
 *       sum dy (2 ulp of max(|dy_k|, |exp(y_k) sum dy|)) and the JVP
 *       dx_k - <exp(y), dx> (2 ulp of max(|dx_k|, sum_j exp(y_j) |dx_j|)).
 *   The Jacobian's entries y_i (delta_ij - y_j) are within 1 ulp.
 *   docs/accuracy.md has the measured worst cases.
 *
 *   Special values (the plain functions):
 *     - Scores are shifted by the row maximum: softmax(1000, 0, -1000) is
 *       (1, 0, 0) and softmax(1e30, 1e30) is (0.5, 0.5).
 *     - A -inf score gets probability exactly 0 (log-softmax -inf) and
 *       gradient exactly 0; the rest of the row is as if it were absent.
 *       The backward passes treat y == 0 (softmax) and y == -inf
 *       (log-softmax) entries as absent: their dx is 0 and their dy is not
 *       read into the row's reduction.
 *     - A NaN anywhere in a row makes the whole output row NaN.  A +inf
 *       score makes the row NaN (as PyTorch, JAX and SciPy do).
 *     - A row whose scores are all -inf is 0/0: the row is NaN.
 *     - Near the top of the range (finite scores whose differences or sums
 *       pass the largest finite value), every finite exact result is
 *       returned within its bound, +inf where the exact result passes it:
 *       the smoothed or weighted loss of (0.9 max, -0.9 max), the mean of
 *       losses whose sum overflows, backward passes whose reduction does,
 *       z = scale * x + bias past the range in the mask API.
 *       docs/accuracy.md ("Near the top of the range") has the details.
 *   Through the mask API (smx_softmax_masked_*), a fully masked row is
 *   intent: softmax gives zeros, log-softmax -inf, both backward passes 0.
 *
 * THREADS AND DETERMINISM
 *
 *   On one path the results depend only on the inputs: the same inputs
 *   give the same bits on every call, for any thread count (the work is
 *   cut into chunks fixed by the problem's shape, merged in a fixed
 *   order).  Different paths (smx_set_isa) may differ in the last bits,
 *   each within the bounds above.
 */
#ifndef SMX_H
#define SMX_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32) && defined(SMX_SHARED_BUILD)
#define SMX_API __declspec(dllexport)
#elif defined(__GNUC__)
#define SMX_API __attribute__((visibility("default")))
#else
#define SMX_API
#endif

#define SMX_VERSION_MAJOR 0
#define SMX_VERSION_MINOR 1
#define SMX_VERSION_PATCH 0
#define SMX_VERSION_STRING "0.1.0"

/* ------------------------------------------------------------------------ */
/* Status                                                                    */
/* ------------------------------------------------------------------------ */

typedef enum smx_status {
    SMX_OK = 0,
    SMX_ERR_NULL_POINTER,   /* a required pointer is NULL while its size is not 0 */
    SMX_ERR_SIZE_OVERFLOW,  /* rows * cols (or n * n, outer * n * inner), or its size in
                               bytes, overflows size_t */
    SMX_ERR_BAD_LABEL,      /* a label outside [0, cols) that is not the ignore index */
    SMX_ERR_NO_CLASSES,     /* cross-entropy or NLL with rows > 0 and cols == 0 */
    SMX_ERR_BAD_SCALE,      /* scale not finite and > 0 (temperature T: scale = 1/T) */
    SMX_ERR_BAD_MASK,       /* a mask's row count is neither 1 nor rows */
    SMX_ERR_BAD_WEIGHT,     /* a class weight is negative, NaN or infinite */
    SMX_ERR_BAD_SMOOTHING,  /* label smoothing outside [0, 1] or NaN */
    SMX_ERR_BAD_REDUCTION,  /* not one of the smx_reduction values */
    SMX_ERR_BAD_OPTION,     /* an option that does not apply (ignore index with soft targets) */
    SMX_ERR_UNSUPPORTED_ISA, /* an instruction set this CPU lacks or this build left out */
    SMX_ERR_OUT_OF_MEMORY    /* the half-precision functions could not get their float work */
} smx_status;

/* A short English sentence naming the status; never NULL. */
SMX_API const char *smx_strerror(smx_status status);

/* The library's version, "MAJOR.MINOR.PATCH". */
SMX_API const char *smx_version(void);

/* ------------------------------------------------------------------------ */
/* Forward: softmax, log-softmax, logsumexp                                  */
/* ------------------------------------------------------------------------ */

/* y[r, :] = softmax(x[r, :]) for each of `rows` rows of `cols` scores.
 * y may be x. */
SMX_API smx_status smx_softmax_f32(float *y, const float *x, size_t rows, size_t cols);
SMX_API smx_status smx_softmax_f64(double *y, const double *x, size_t rows, size_t cols);

/* y[r, :] = log_softmax(x[r, :]) = (x - m) - log sum exp(x - m), never
 * log(softmax(x)): log_softmax(-1e10 * ones(11)) is -log 11 everywhere. */
SMX_API smx_status smx_log_softmax_f32(float *y, const float *x, size_t rows, size_t cols);
SMX_API smx_status smx_log_softmax_f64(double *y, const double *x, size_t rows, size_t cols);

/* out[r] = log sum_k exp(x[r, k]) = m + log1p(sum of the others), one value
 * per row.  A NaN score gives NaN; otherwise a +inf score gives +inf, and
 * an all -inf row, or a row of length 0 (cols == 0), gives -inf, the log
 * of an empty sum.  out must not overlap x. */
SMX_API smx_status smx_logsumexp_f32(float *out, const float *x, size_t rows, size_t cols);
SMX_API smx_status smx_logsumexp_f64(double *out, const double *x, size_t rows, size_t cols);

/* ------------------------------------------------------------------------ */
/* Backward (vector-Jacobian products), JVPs and the Jacobian                */
/* ------------------------------------------------------------------------ */

/* Backward of y = softmax(x), from the forward output y (never the scores):
 *     dx = y * (dy - <dy, y>)             per row
 * J is symmetric, so this is also J v (the softmax JVP, with v = dy).
 * dx may be dy or y. */
SMX_API smx_status smx_softmax_backward_f32(float *dx, const float *y, const float *dy,
                                            size_t rows, size_t cols);
SMX_API smx_status smx_softmax_backward_f64(double *dx, const double *y, const double *dy,
                                            size_t rows, size_t cols);

/* Backward of y = log_softmax(x), from the forward output y:
 *     dx = dy - exp(y) * sum_k dy_k       per row
 * Entries with y == -inf are absent: dx = 0 there, their dy not summed.
 * dx may be dy or y. */
SMX_API smx_status smx_log_softmax_backward_f32(float *dx, const float *y, const float *dy,
                                                size_t rows, size_t cols);
SMX_API smx_status smx_log_softmax_backward_f64(double *dx, const double *y, const double *dy,
                                                size_t rows, size_t cols);

/* Forward-mode derivative of y = log_softmax(x): for a tangent dx of the
 * scores, dy = dx - <exp(y), dx> per row (y is the log-softmax output).
 * Entries with y == -inf are absent (dy = 0).  dy may be dx or y. */
SMX_API smx_status smx_log_softmax_jvp_f32(float *dy, const float *y, const float *dx,
                                           size_t rows, size_t cols);
SMX_API smx_status smx_log_softmax_jvp_f64(double *dy, const double *y, const double *dx,
                                           size_t rows, size_t cols);

/* The n × n Jacobian of softmax at one row of probabilities y:
 *     jac[i*n + j] = y_i * (δ_ij - y_j),  i.e.  J = diag(y) - y y^T
 * Same class: y_i (1 - y_i); cross class: -y_i y_j.  Needs O(n^2) memory:
 * use the backward functions to apply J.  jac must not overlap y. */
SMX_API smx_status smx_softmax_jacobian_f32(float *jac, const float *y, size_t n);
SMX_API smx_status smx_softmax_jacobian_f64(double *jac, const double *y, size_t n);

/* ------------------------------------------------------------------------ */
/* Any axis: a contiguous [outer, n, inner] tensor, softmax along n          */
/* ------------------------------------------------------------------------ */

/* Element (o, k, i) sits at index (o * n + k) * inner + i; each of the
 * outer * inner rows is read with stride `inner`, without a transpose
 * copy.  rows × cols is outer = rows, n = cols, inner = 1.  The results
 * are those of transposing, calling the row function, and transposing
 * back: bit for bit on the scalar path, and within the same error bounds
 * on the vector paths, whose axis kernels round apart from their row
 * kernels.  Aliasing as in the row functions: y may be x; dx may be y or
 * dy. */
SMX_API smx_status smx_softmax_axis_f32(float *y, const float *x,
                                        size_t outer, size_t n, size_t inner);
SMX_API smx_status smx_softmax_axis_f64(double *y, const double *x,
                                        size_t outer, size_t n, size_t inner);
SMX_API smx_status smx_log_softmax_axis_f32(float *y, const float *x,
                                            size_t outer, size_t n, size_t inner);
SMX_API smx_status smx_log_softmax_axis_f64(double *y, const double *x,
                                            size_t outer, size_t n, size_t inner);
SMX_API smx_status smx_softmax_backward_axis_f32(float *dx, const float *y, const float *dy,
                                                 size_t outer, size_t n, size_t inner);
SMX_API smx_status smx_softmax_backward_axis_f64(double *dx, const double *y, const double *dy,
                                                 size_t outer, size_t n, size_t inner);
SMX_API smx_status smx_log_softmax_backward_axis_f32(float *dx, const float *y, const float *dy,
                                                     size_t outer, size_t n, size_t inner);
SMX_API smx_status smx_log_softmax_backward_axis_f64(double *dx, const double *y,
                                                     const double *dy, size_t outer, size_t n,
                                                     size_t inner);

/* ------------------------------------------------------------------------ */
/* Scale (temperature) and masks                                             */
/* ------------------------------------------------------------------------ */

/* Masks for y = softmax(scale * x + bias) over the entries that `keep`.
 * A zero-initialised struct (or a NULL pointer) means no mask.
 *   bias       additive mask, NULL for none; -INFINITY masks an entry out.
 *   bias_rows  1: one row of cols values broadcast to every row;
 *              rows: one row of bias per row.
 *   keep       boolean mask, NULL for none; keep[k] == 0 masks entry k out.
 *              One byte per entry, the layout of C bool, NumPy bool and
 *              torch.bool.
 *   keep_rows  1 (broadcast) or rows, as bias_rows.
 * A part is absent when its pointer is NULL and its row count 0; a NULL
 * pointer with a non-zero row count is SMX_ERR_NULL_POINTER, a pointer
 * with a row count other than 1 or rows is SMX_ERR_BAD_MASK. */
typedef struct smx_mask_f32 {
    const float *bias;
    size_t bias_rows;
    const uint8_t *keep;
    size_t keep_rows;
} smx_mask_f32;

typedef struct smx_mask_f64 {
    const double *bias;
    size_t bias_rows;
    const uint8_t *keep;
    size_t keep_rows;
} smx_mask_f64;

/* y = softmax(scale * x + bias) with masked-out entries removed from the
 * row.  Temperature T is scale = 1/T; scale must be finite and > 0 (so a
 * temperature that is 0, negative or NaN is SMX_ERR_BAD_SCALE).  Masked
 * entries get y = 0 and are not read (a NaN there changes nothing); an
 * entry whose z is -inf (a -inf score or bias) is masked too, as in the
 * plain functions.  A row with nothing left gives all zeros, never 1/n and
 * never NaN; a NaN or +inf z makes the row NaN.  z = scale * x + bias is
 * formed in the wide working type (double for f32, double-double for f64)
 * and the 2-ulp bound is relative to softmax of that z; where it passes
 * the largest finite value from finite x and bias, the row is computed
 * from z 2^-j, so that softmax_masked((1e308, 1e308), scale 2) is
 * (0.5, 0.5).  mask may be NULL.  y may be x. */
SMX_API smx_status smx_softmax_masked_f32(float *y, const float *x, size_t rows, size_t cols,
                                          float scale, const smx_mask_f32 *mask);
SMX_API smx_status smx_softmax_masked_f64(double *y, const double *x, size_t rows,
                                          size_t cols, double scale, const smx_mask_f64 *mask);

/* The same with log-softmax: masked entries get -inf; a fully masked row
 * is all -inf. */
SMX_API smx_status smx_log_softmax_masked_f32(float *y, const float *x, size_t rows,
                                              size_t cols, float scale, const smx_mask_f32 *mask);
SMX_API smx_status smx_log_softmax_masked_f64(double *y, const double *x, size_t rows,
                                              size_t cols, double scale,
                                              const smx_mask_f64 *mask);

/* Backward of smx_softmax_masked_*: dx = scale * y * (dy - <dy, y>).  The
 * masks need not be passed again: masked entries are exactly the zeros of
 * y, and they get dx = 0 (a fully masked row gives a zero row).  scale is
 * checked as in the forward pass.  dx may be dy or y. */
SMX_API smx_status smx_softmax_masked_backward_f32(float *dx, const float *y, const float *dy,
                                                   size_t rows, size_t cols, float scale);
SMX_API smx_status smx_softmax_masked_backward_f64(double *dx, const double *y,
                                                   const double *dy, size_t rows, size_t cols,
                                                   double scale);

/* Backward of smx_log_softmax_masked_*: dx = scale * (dy - exp(y) sum dy)
 * over the entries with y > -inf; masked entries (y == -inf) get dx = 0.
 * dx may be dy or y. */
SMX_API smx_status smx_log_softmax_masked_backward_f32(float *dx, const float *y,
                                                       const float *dy, size_t rows,
                                                       size_t cols, float scale);
SMX_API smx_status smx_log_softmax_masked_backward_f64(double *dx, const double *y,
                                                       const double *dy, size_t rows,
                                                       size_t cols, double scale);

/* ------------------------------------------------------------------------ */
/* Cross-entropy and NLL                                                     */
/* ------------------------------------------------------------------------ */

/* *loss = mean over rows of logsumexp(x_r) - x_r[label_r], computed from the
 * scores, never as -log of a rounded probability.  dx, when not NULL, gets
 * the gradient of that mean, (softmax(x_r) - onehot(label_r)) / rows; dx
 * may be x.  Needs cols > 0 when rows > 0 (SMX_ERR_NO_CLASSES); every
 * label must lie in [0, cols) (SMX_ERR_BAD_LABEL).  rows == 0 gives NaN,
 * the mean of nothing (loss is required even then).  A row with a NaN or
 * +inf score, or all -inf, gives a NaN loss and a NaN gradient row; a -inf
 * score at the label gives loss +inf (that class is impossible) and a
 * finite gradient. */
SMX_API smx_status smx_cross_entropy_f32(float *loss, float *dx, const float *x,
                                         const int32_t *labels, size_t rows, size_t cols);
SMX_API smx_status smx_cross_entropy_f64(double *loss, double *dx, const double *x,
                                         const int32_t *labels, size_t rows, size_t cols);

typedef enum smx_reduction {
    SMX_REDUCTION_MEAN = 0, /* weighted mean: sum_r l_r / sum_r w[label_r] */
    SMX_REDUCTION_SUM = 1,  /* sum_r l_r */
    SMX_REDUCTION_NONE = 2  /* l_r per row: loss has rows entries */
} smx_reduction;

/* The options of PyTorch's torch.nn.functional.cross_entropy, with the same
 * meaning, so that results compare number for number.  A zero-initialised
 * struct (or a NULL pointer) is PyTorch's defaults: mean, no ignored label,
 * no weights, no smoothing.
 *   reduction         see smx_reduction (the sum over zero rows is 0).
 *   has_ignore_index  non-zero: rows whose label is ignore_index add
 *                     nothing to the loss or its denominator, and get a zero
 *                     gradient row (PyTorch's ignore_index; its default
 *                     -100 never matches a valid label).
 *   class_weights     NULL, or cols weights w_k >= 0: row r's loss is
 *                     scaled by w[label_r].
 *   label_smoothing   eps in [0, 1]: the target becomes
 *                     (1 - eps) onehot(c) + eps / cols. */
typedef struct smx_cross_entropy_options_f32 {
    smx_reduction reduction;
    int has_ignore_index;
    int32_t ignore_index;
    const float *class_weights;
    float label_smoothing;
} smx_cross_entropy_options_f32;

typedef struct smx_cross_entropy_options_f64 {
    smx_reduction reduction;
    int has_ignore_index;
    int32_t ignore_index;
    const double *class_weights;
    double label_smoothing;
} smx_cross_entropy_options_f64;

/* Cross-entropy from scores x and integer labels, with options.  Per row,
 * with l = log_softmax(x_r), c = label_r, eps = label smoothing and w the
 * class weights (all 1 when NULL):
 *     l_r = (1 - eps) w_c (-l_c) + (eps / cols) sum_k w_k (-l_k)
 * and 0 for an ignored row.  loss receives one value (mean, sum) or rows
 * values (none).  dx, when not NULL, receives the gradient of the reduced
 * loss (of sum_r l_r for none): softmax(x_r) * sum_k a_k - a for the
 * target weights a_k = (1 - eps) w_c δ_kc + (eps / cols) w_k, divided by
 * sum_r w[label_r] for mean.  The mean over zero counted rows (all ignored,
 * or zero total weight) is NaN, as in PyTorch; ignored rows always get a
 * zero gradient and are not read.  dx may be x. */
SMX_API smx_status smx_cross_entropy_ex_f32(float *loss, float *dx, const float *x,
                                            const int32_t *labels, size_t rows, size_t cols,
                                            const smx_cross_entropy_options_f32 *options);
SMX_API smx_status smx_cross_entropy_ex_f64(double *loss, double *dx, const double *x,
                                            const int32_t *labels, size_t rows, size_t cols,
                                            const smx_cross_entropy_options_f64 *options);

/* Cross-entropy against soft (probability) targets t, rows × cols:
 *     l_r = sum_k w_k t'_k (-l_k),  t' = (1 - eps) t + eps / cols
 * with 0 * log 0 taken as 0 (a zero target never makes NaN from a -inf
 * score).  Gradient softmax(x_r) * sum_k w_k t'_k - w * t'.  The mean is
 * over rows (PyTorch's rule for probability targets).  has_ignore_index is
 * SMX_ERR_BAD_OPTION here.  Targets are data: they are not checked.  dx may
 * be x; it must not overlap targets. */
SMX_API smx_status smx_cross_entropy_soft_f32(float *loss, float *dx, const float *x,
                                              const float *targets, size_t rows, size_t cols,
                                              const smx_cross_entropy_options_f32 *options);
SMX_API smx_status smx_cross_entropy_soft_f64(double *loss, double *dx, const double *x,
                                              const double *targets, size_t rows, size_t cols,
                                              const smx_cross_entropy_options_f64 *options);

/* Negative log-likelihood of log-probabilities y (e.g. log_softmax output)
 * and integer labels: l_r = (1 - eps) w_c (-y_c) + (eps / cols) sum_k w_k (-y_k),
 * reduced as in smx_cross_entropy_ex_*.  dx, when not NULL, gets the
 * gradient with respect to y: -a / norm, where norm is sum_r w[label_r]
 * over the counted rows for the mean and 1 otherwise.  With every option,
 * nll_loss(log_softmax(x)) equals cross_entropy_ex(x).  dx may be y. */
SMX_API smx_status smx_nll_loss_f32(float *loss, float *dx, const float *y,
                                    const int32_t *labels, size_t rows, size_t cols,
                                    const smx_cross_entropy_options_f32 *options);
SMX_API smx_status smx_nll_loss_f64(double *loss, double *dx, const double *y,
                                    const int32_t *labels, size_t rows, size_t cols,
                                    const smx_cross_entropy_options_f64 *options);

/* ------------------------------------------------------------------------ */
/* Kernels: which instruction set computes                                   */
/* ------------------------------------------------------------------------ */

/* Every path gives results within the same ulp bounds (docs/accuracy.md);
 * the faster ones compute in vector registers (f32 in double lanes, or on
 * AVX2 and NEON over whole rows in float lanes with x - m taken exactly;
 * f64 in double-double lanes).  The
 * library starts on the best path the CPU supports, capped by the
 * environment variable SMX_ISA=scalar|avx2|avx512|neon when it is set (read
 * once, at the first call; a path the CPU lacks is refused with a line on
 * stderr and the best path is kept). */
typedef enum smx_isa {
    SMX_ISA_SCALAR = 0, /* portable C, the reference every path is tested against */
    SMX_ISA_AVX2,       /* x86-64 with AVX2 and FMA */
    SMX_ISA_AVX512,     /* x86-64 with AVX-512 F, BW, DQ and VL */
    SMX_ISA_NEON        /* AArch64 Advanced SIMD */
} smx_isa;

/* The path in use. */
SMX_API smx_isa smx_get_isa(void);

/* The best path this CPU supports (and this build has). */
SMX_API smx_isa smx_best_isa(void);

/* 1 when this CPU (and OS) supports `isa` and this build has its kernels,
 * so that smx_set_isa(isa) would succeed; 0 otherwise, and for a value not
 * in smx_isa.  Changes nothing. */
SMX_API int smx_isa_supported(smx_isa isa);

/* Uses `isa` from now on, for every thread.  SMX_ERR_UNSUPPORTED_ISA, and no
 * change, when the CPU or this build lacks it (or isa is not an smx_isa).
 * Meant for start-up and tests: not to be called while another thread is
 * inside the library. */
SMX_API smx_status smx_set_isa(smx_isa isa);

/* "scalar", "avx2", "avx512" or "neon"; NULL for a value not in smx_isa. */
SMX_API const char *smx_isa_name(smx_isa isa);

/* The path that computes `operation` now: "scalar", "avx2", "avx512" or
 * "neon", the active one (every operation runs on the active path's
 * passes).  Operations are named as their functions without the smx_
 * prefix: "softmax_f32", "cross_entropy_f64", "log_softmax_bf16", ...  NULL
 * for an unknown name. */
SMX_API const char *smx_kernel_name(const char *operation);

/* The operations smx_kernel_name knows, one by one: the name of the i-th
 * without its dtype ("softmax", "softmax_axis", ..., "nll_loss": add "_f32"
 * or "_f64"), NULL once i is past the last.  Every function of this header
 * with an _f32 and an _f64 form is one of them. */
SMX_API const char *smx_operation_name(size_t i);

/* ------------------------------------------------------------------------ */
/* Threads                                                                   */
/* ------------------------------------------------------------------------ */

/* Large problems are cut into chunks (many rows, or one long row) that up
 * to this many threads compute together; small ones stay on the calling
 * thread.  The chunks depend on the problem only, so the results are the
 * same bits for every thread count.  The count starts as SMX_NUM_THREADS
 * when set (read at the first call), else the number of online CPUs. */
SMX_API int smx_get_num_threads(void);

/* Sets the thread count for every later call (0: back to the default
 * above; values over 256 are taken as 256).  SMX_ERR_BAD_OPTION, and no
 * change, for a negative n. */
SMX_API smx_status smx_set_num_threads(int n);

/* ------------------------------------------------------------------------ */
/* Half precision: bfloat16 and IEEE binary16 storage                         */
/* ------------------------------------------------------------------------ */

/* Storage types, no arithmetic: `bits` is the value's encoding.
 *   smx_bf16  bfloat16: sign, 8 exponent bits (bias 127), 7 fraction bits:
 *             the top half of a float, with float's exponent range (its
 *             subnormals are float's, its largest finite value 0x1.FEp127).
 *   smx_f16   IEEE 754 binary16: sign, 5 exponent bits (bias 15), 10
 *             fraction bits; largest finite 65504, smallest normal 2^-14,
 *             smallest subnormal 2^-24.
 * Each is 2 bytes with the alignment of uint16_t, so an array of them has
 * the layout of a uint16_t array: NumPy uint16 (or float16, for smx_f16)
 * arrays and torch.bfloat16 / torch.float16 tensors can be passed as they
 * are.
 *
 * Conversions to half precision (from float or double) are correctly
 * rounded, to nearest with ties to even, with one rounding from either
 * type (a double is never rounded to float first):
 *   - subnormal results are exact where representable and rounded like any
 *     other value otherwise (f16: multiples of 2^-24; a value at most 2^-25
 *     gives a zero of its sign);
 *   - overflow gives infinity of the value's sign, as IEEE rounding does:
 *     for f16 every |x| >= 65520 (65504 plus half its ulp) is inf, and
 *     every |x| < 65520 a finite value; for bf16 the same at
 *     0x1.FFp127 (float's largest value rounds to inf);
 *   - signed zeros and infinities keep their sign;
 *   - a NaN stays a NaN of the same sign, made quiet, with the top bits of
 *     its payload that fit (a float NaN whose payload lies only in bits the
 *     half format lacks still gives a NaN, never inf).
 * Conversions to float are exact: every half value is a float.  f16 makes a
 * signaling NaN quiet (as the x86 and Arm conversion instructions do);
 * bf16 is the bits shifted up 16, a NaN's included. */
typedef struct smx_bf16 {
    uint16_t bits;
} smx_bf16;

typedef struct smx_f16 {
    uint16_t bits;
} smx_f16;

SMX_API float smx_bf16_to_f32(smx_bf16 x);
SMX_API smx_bf16 smx_f32_to_bf16(float x);
SMX_API smx_bf16 smx_f64_to_bf16(double x);
SMX_API float smx_f16_to_f32(smx_f16 x);
SMX_API smx_f16 smx_f32_to_f16(float x);
SMX_API smx_f16 smx_f64_to_f16(double x);

/* dst[i] = the conversion of src[i] for i < n, bit for bit what the scalar
 * functions above give, on every path (smx_set_isa): the vector paths use
 * the CPU's conversion instructions where it has them (F16C and AVX-512
 * BF16 on x86-64, NEON on AArch64).  dst and src must not overlap.
 * SMX_ERR_NULL_POINTER when dst or src is NULL and n > 0,
 * SMX_ERR_SIZE_OVERFLOW when n floats do not fit in size_t bytes; n == 0 is
 * a no-op. */
SMX_API smx_status smx_bf16_to_f32_array(float *dst, const smx_bf16 *src, size_t n);
SMX_API smx_status smx_f32_to_bf16_array(smx_bf16 *dst, const float *src, size_t n);
SMX_API smx_status smx_f16_to_f32_array(float *dst, const smx_f16 *src, size_t n);
SMX_API smx_status smx_f32_to_f16_array(smx_f16 *dst, const float *src, size_t n);

/* ------------------------------------------------------------------------ */
/* The softmax family in half precision: bf16 and f16                        */
/* ------------------------------------------------------------------------ */

/* Every function below takes and gives smx_bf16 (or smx_f16) arrays where
 * its _f32 twin takes float ones, in the same argument order, and means
 * the same; what differs is said here.
 *
 * Precision: the inputs are widened to float exactly, the result is
 * computed as the f32 function computes it (within its 2-ulp bound, in
 * double where that function works in double), and each output is rounded
 * once to the half format, to nearest even.  So every output whose f32
 * bound is relative to the result (softmax, log-softmax, the one-hot
 * cross-entropy gradient, the losses) is within 1 ulp of the half format of
 * the exact result, and correctly rounded except where the exact result
 * lies within about 2^-13 of its ulp of a rounding boundary
 * (docs/accuracy.md gives the fraction measured); one whose f32 bound is
 * relative to a scale, because it may cancel (the backward passes, the
 * JVP, the smoothed or soft cross-entropy gradient), is within 1 ulp of the
 * half format of max(|exact|, that scale).  A result
 * beyond the format's range rounds to infinity, as IEEE rounding does: an
 * f16 log-softmax below -65520, or an f16 gradient above 65520.  NaN and
 * the infinities behave as in f32 (-inf scores give exactly 0).
 *
 * Mixed precision, as large-model training runs it:
 *   - logsumexp returns float;
 *   - the cross-entropy and NLL losses are float (loss), their options are
 *     the f32 ones (class weights in float), and their gradient dx is in
 *     the logits' format; dx may be x, which overwrites the logits with
 *     their gradient and needs no second array of them;
 *   - the backward passes take y and dy in half precision and write dx in
 *     the same format (dx may be y or dy); scale is a float.
 * On the vector paths the rows are read and written in the half format
 * itself, widened to float in registers.  The scalar path, and what the
 * vector paths leave to it (forward rows of up to 16 entries, the NLL and
 * the weighted, smoothed or soft cross-entropy of rows of up to 65536),
 * go through float tiles of at most 65536 entries, or one row when a row
 * is longer.  Besides its arguments a call
 * takes a few such tiles, or for softmax and cross-entropy rows of 4097 to
 * 65536 entries a float row per thread: SMX_ERR_OUT_OF_MEMORY, with
 * nothing written, when they cannot be had.  Softmax and cross-entropy
 * rows longer than 65536 entries keep their exponentials in a float row
 * (up to 2^22 entries), and form them again when it cannot be had.
 * Results do not depend on the thread count. */

typedef struct smx_mask_bf16 {
    const smx_bf16 *bias; /* as in smx_mask_f32, in bf16 */
    size_t bias_rows;
    const uint8_t *keep;
    size_t keep_rows;
} smx_mask_bf16;

SMX_API smx_status smx_softmax_bf16(smx_bf16 *y, const smx_bf16 *x, size_t rows, size_t cols);
SMX_API smx_status smx_log_softmax_bf16(smx_bf16 *y, const smx_bf16 *x, size_t rows, size_t cols);
SMX_API smx_status smx_logsumexp_bf16(float *out, const smx_bf16 *x, size_t rows, size_t cols);
SMX_API smx_status smx_softmax_backward_bf16(smx_bf16 *dx, const smx_bf16 *y, const smx_bf16 *dy,
                                             size_t rows, size_t cols);
SMX_API smx_status smx_log_softmax_backward_bf16(smx_bf16 *dx, const smx_bf16 *y,
                                                 const smx_bf16 *dy, size_t rows, size_t cols);
SMX_API smx_status smx_log_softmax_jvp_bf16(smx_bf16 *dy, const smx_bf16 *y, const smx_bf16 *dx,
                                            size_t rows, size_t cols);
SMX_API smx_status smx_softmax_axis_bf16(smx_bf16 *y, const smx_bf16 *x, size_t outer, size_t n,
                                         size_t inner);
SMX_API smx_status smx_log_softmax_axis_bf16(smx_bf16 *y, const smx_bf16 *x, size_t outer, size_t n,
                                             size_t inner);
SMX_API smx_status smx_softmax_backward_axis_bf16(smx_bf16 *dx, const smx_bf16 *y,
                                                  const smx_bf16 *dy, size_t outer, size_t n,
                                                  size_t inner);
SMX_API smx_status smx_log_softmax_backward_axis_bf16(smx_bf16 *dx, const smx_bf16 *y,
                                                      const smx_bf16 *dy, size_t outer, size_t n,
                                                      size_t inner);
SMX_API smx_status smx_softmax_masked_bf16(smx_bf16 *y, const smx_bf16 *x, size_t rows, size_t cols,
                                           float scale, const smx_mask_bf16 *mask);
SMX_API smx_status smx_log_softmax_masked_bf16(smx_bf16 *y, const smx_bf16 *x, size_t rows,
                                               size_t cols, float scale, const smx_mask_bf16 *mask);
SMX_API smx_status smx_softmax_masked_backward_bf16(smx_bf16 *dx, const smx_bf16 *y,
                                                    const smx_bf16 *dy, size_t rows, size_t cols,
                                                    float scale);
SMX_API smx_status smx_log_softmax_masked_backward_bf16(smx_bf16 *dx, const smx_bf16 *y,
                                                        const smx_bf16 *dy, size_t rows,
                                                        size_t cols, float scale);
SMX_API smx_status smx_cross_entropy_bf16(float *loss, smx_bf16 *dx, const smx_bf16 *x,
                                          const int32_t *labels, size_t rows, size_t cols);
SMX_API smx_status smx_cross_entropy_ex_bf16(float *loss, smx_bf16 *dx, const smx_bf16 *x,
                                             const int32_t *labels, size_t rows, size_t cols,
                                             const smx_cross_entropy_options_f32 *options);
SMX_API smx_status smx_cross_entropy_soft_bf16(float *loss, smx_bf16 *dx, const smx_bf16 *x,
                                               const smx_bf16 *targets, size_t rows, size_t cols,
                                               const smx_cross_entropy_options_f32 *options);
SMX_API smx_status smx_nll_loss_bf16(float *loss, smx_bf16 *dx, const smx_bf16 *y,
                                     const int32_t *labels, size_t rows, size_t cols,
                                     const smx_cross_entropy_options_f32 *options);

typedef struct smx_mask_f16 {
    const smx_f16 *bias; /* as in smx_mask_f32, in f16 */
    size_t bias_rows;
    const uint8_t *keep;
    size_t keep_rows;
} smx_mask_f16;

SMX_API smx_status smx_softmax_f16(smx_f16 *y, const smx_f16 *x, size_t rows, size_t cols);
SMX_API smx_status smx_log_softmax_f16(smx_f16 *y, const smx_f16 *x, size_t rows, size_t cols);
SMX_API smx_status smx_logsumexp_f16(float *out, const smx_f16 *x, size_t rows, size_t cols);
SMX_API smx_status smx_softmax_backward_f16(smx_f16 *dx, const smx_f16 *y, const smx_f16 *dy,
                                            size_t rows, size_t cols);
SMX_API smx_status smx_log_softmax_backward_f16(smx_f16 *dx, const smx_f16 *y, const smx_f16 *dy,
                                                size_t rows, size_t cols);
SMX_API smx_status smx_log_softmax_jvp_f16(smx_f16 *dy, const smx_f16 *y, const smx_f16 *dx,
                                           size_t rows, size_t cols);
SMX_API smx_status smx_softmax_axis_f16(smx_f16 *y, const smx_f16 *x, size_t outer, size_t n,
                                        size_t inner);
SMX_API smx_status smx_log_softmax_axis_f16(smx_f16 *y, const smx_f16 *x, size_t outer, size_t n,
                                            size_t inner);
SMX_API smx_status smx_softmax_backward_axis_f16(smx_f16 *dx, const smx_f16 *y, const smx_f16 *dy,
                                                 size_t outer, size_t n, size_t inner);
SMX_API smx_status smx_log_softmax_backward_axis_f16(smx_f16 *dx, const smx_f16 *y,
                                                     const smx_f16 *dy, size_t outer, size_t n,
                                                     size_t inner);
SMX_API smx_status smx_softmax_masked_f16(smx_f16 *y, const smx_f16 *x, size_t rows, size_t cols,
                                          float scale, const smx_mask_f16 *mask);
SMX_API smx_status smx_log_softmax_masked_f16(smx_f16 *y, const smx_f16 *x, size_t rows,
                                              size_t cols, float scale, const smx_mask_f16 *mask);
SMX_API smx_status smx_softmax_masked_backward_f16(smx_f16 *dx, const smx_f16 *y, const smx_f16 *dy,
                                                   size_t rows, size_t cols, float scale);
SMX_API smx_status smx_log_softmax_masked_backward_f16(smx_f16 *dx, const smx_f16 *y,
                                                       const smx_f16 *dy, size_t rows, size_t cols,
                                                       float scale);
SMX_API smx_status smx_cross_entropy_f16(float *loss, smx_f16 *dx, const smx_f16 *x,
                                         const int32_t *labels, size_t rows, size_t cols);
SMX_API smx_status smx_cross_entropy_ex_f16(float *loss, smx_f16 *dx, const smx_f16 *x,
                                            const int32_t *labels, size_t rows, size_t cols,
                                            const smx_cross_entropy_options_f32 *options);
SMX_API smx_status smx_cross_entropy_soft_f16(float *loss, smx_f16 *dx, const smx_f16 *x,
                                              const smx_f16 *targets, size_t rows, size_t cols,
                                              const smx_cross_entropy_options_f32 *options);
SMX_API smx_status smx_nll_loss_f16(float *loss, smx_f16 *dx, const smx_f16 *y,
                                    const int32_t *labels, size_t rows, size_t cols,
                                    const smx_cross_entropy_options_f32 *options);

#ifdef __cplusplus
}
#endif

#endif /* SMX_H */
