/*
 * passes.h — the pass kernels of one dtype: what the planner (plan.inc)
 * asks of a path, and the one list of them.
 *
 * A pass does one kind of work over a block of rows, or over one span of
 * a long row, and nothing else: no threads, no choice of algorithm, no
 * argument checks (the API checked them; a pass only asserts).  The
 * planner cuts the problem into such blocks and spans, hands them to the
 * thread pool, and merges what the spans return.  Each path fills a table
 * of its passes, smx__passes_<dtype>:
 *
 *   path     file that fills the table      a pass is named
 *   scalar   scalar/passes_f32.c            smx__f32_forward_rows__scalar
 *   AVX2     x86/avx2_f32.c                 smx__f32_forward_rows__avx2
 *   AVX-512  x86/avx512_f32.c               smx__f32_forward_rows__avx512
 *   NEON     arm/neon_f32.c                 smx__f32_forward_rows__neon
 *
 * and the same with f64.  The vector passes are written once in
 * simd/passes.inc over the row kernels of simd/kernels_<dtype>.inc; the
 * scalar ones in softmax.inc, backward.inc and loss.inc of scalar/.  A
 * path may leave out the passes over spans of a long row (the scalar path
 * does): the planner then keeps each row whole.
 *
 * Include after scalar/wide_f32.h or scalar/wide_f64.h (real, wide,
 * SMX_SUFFIX).
 */
#ifndef SMX_PASSES_H
#define SMX_PASSES_H

#include "kernels.h"
#include "scalar/loss_sum.h"
#include "scalar/template.h"

#include <stddef.h>
#include <stdint.h>

/* The backward forms: softmax, log-softmax, and the log-softmax JVP
 * (dy = dx - <exp(y), dx>, the same loops with exp(y) for y). */
#define FORM_SOFTMAX 0
#define FORM_LOG_SOFTMAX 1
#define JVP_FORM 2

/* The cross-entropy's call-wide numbers, formed once by the planner. */
typedef struct loss_consts {
    const smx__loss_params *params;
    const real *weights; /* class weights, or NULL */
    wide keep, spread;   /* 1 - eps and eps / n (label smoothing eps) */
    wide norm, inv_norm; /* the mean's denominator (1 for the other reductions) */
    int weighted;        /* weights, smoothing or soft targets */
} loss_consts;

/* X(pass, return type, (parameters)) for every pass.  Rows are contiguous
 * rows of n entries; `form` is FORM_SOFTMAX, FORM_LOG_SOFTMAX or JVP_FORM.
 * The f64 list adds the scaled backward passes (SMX__PASSES_SCALED). */
#define SMX__PASSES(X) SMX__PASSES_ROWS(X) SMX__PASSES_SPANS(X)

/* The passes every path has. */
#define SMX__PASSES_ROWS(X)                                                                   \
    /* whole rows, in cache: maximum, exp-and-sum, scale (three passes) */                    \
    X(forward_rows, void, (real *y, const real *x, size_t rows, size_t n, int log_form))      \
    /* `count` neighbouring rows of a [n, stride] slab, along its first axis */               \
    X(forward_columns, void,                                                                  \
      (real *y, const real *x, size_t n, size_t stride, size_t count, int log_form))          \
    /* masked rows; mask (or NULL) is the block's own */                                      \
    X(masked_rows, void,                                                                      \
      (real *y, const real *x, size_t rows, size_t n, real scale,                             \
       const MASK_T *mask, int log_form))                                              \
    X(logsumexp_rows, void, (real *out, const real *x, size_t rows, size_t n))                \
    /* whole rows: the dot product, then the update */                                        \
    X(backward_rows, void,                                                                    \
      (real *dx, const real *y, const real *dy, size_t rows, size_t n, double scale,          \
       int form))                                                                             \
    X(backward_columns, void,                                                                 \
      (real *dx, const real *y, const real *dy, size_t n, size_t stride, size_t count,        \
       double scale, int form))                                                               \
    /* rows first .. first + count - 1 of the Jacobian */                                     \
    X(jacobian_rows, void, (real *jac, const real *y, size_t n, size_t first, size_t count))  \
    /* whole rows of the fused loss: the block's summed loss; each row's                      \
     * loss to loss[r] when loss is not NULL (the reduction none) */                          \
    X(cross_entropy_rows, loss_sum,                                                           \
      (real *loss, real *dx, const real *x, const int32_t *labels, const real *targets,       \
       size_t rows, size_t n, const loss_consts *c))                                          \
    /* a span of NLL rows' spread terms: -sum a_k y_k (sum), dx = -a_k / norm */              \
    X(nll_span, wide,                                                                         \
      (real *dx, const real *y, const real *w, size_t n, wide spread, wide inv_norm,          \
       int sum))

/* The passes over spans of a long row, which a path may leave out (the
 * scalar path does: it keeps each row whole). */
#define SMX__PASSES_SPANS(X)                                                                  \
    /* a span of a long row: its maximum *m and its sum against it (the                       \
     * others, one entry equal to m left out, with exclude_max); keeps the                    \
     * exponentials in `keep` when not NULL and the path wants them there                     \
     * (the f32 ones, times 2^64); 0 for a span whose maximum is not finite */                \
    X(span_stats, wide, (const real *x, size_t n, int exclude_max, real *keep, double *m))    \
    /* exp(d) for a row's statistics (d <= 0), to the path's own accuracy */                 \
    X(exp_wide, wide, (wide d))                                                               \
    /* the others of a whole long row as merged, checked where the path needs it */           \
    X(row_others, wide, (const real *x, size_t n, double m, wide others))                     \
    /* a span's outputs: softmax from the kept exponentials, or log-softmax */                \
    X(span_write, void,                                                                       \
      (real *out, const real *x, size_t n, double m_span, double top, wide factor,            \
       int log_form))                                                                         \
    /* a span of a long row: its share of the dot product, and its update */                  \
    X(backward_dot, wide, (const real *y, const real *dy, size_t n, int form))                \
    X(backward_update, void,                                                                  \
      (real *dx, const real *y, const real *dy, size_t n, wide dot, double scale, int form))  \
    /* a span of a long row with target weights: sum_k a_k (L - (x_k - m))                    \
     * and A = sum_k a_k (to *A); then its gradient; then the label's entry */                \
    X(target_sums, wide,                                                                      \
      (const real *x, const real *t, const real *w, size_t n, double m, wide L, wide keep,    \
       wide spread, wide *A))                                                                 \
    X(target_grad, void,                                                                      \
      (real *dx, const real *x, const real *t, const real *w, size_t n, double m,             \
       wide others, wide A, wide inv_norm, wide keep, wide spread))                           \
    X(target_label_grad, real,                                                                \
      (double m, wide others, wide A, wide inv_norm, double xc, double wc, wide label,        \
       wide spread))                                                                          \
    SMX__PASSES_SCALED(X)

/* f64 only: a row whose dot product overflows is reduced again with dy
 * scaled by `factor` = 2^-shift, and updated from that (backward_shift.h);
 * a dot product in double of f32 values never overflows. */
#if defined(SMX_SCALAR_WIDE_F64_H)
#define SMX_BACKWARD_SCALED /* the planner and the f64 kernels test this one name */
#define SMX__PASSES_SCALED(X)                                                                 \
    X(backward_dot_scaled, wide,                                                              \
      (const real *y, const real *dy, size_t n, int form, double factor))                     \
    X(backward_update_scaled, void,                                                           \
      (real *dx, const real *y, const real *dy, size_t n, wide dot, double scale, int form,   \
       int shift))
#else
#define SMX__PASSES_SCALED(X)
#endif

/* The name of a pass: SMX__PASS(f32, forward_rows, avx512) is
 * smx__f32_forward_rows__avx512. */
#define SMX__PASS_CAT(sfx, pass, isa) smx__##sfx##_##pass##__##isa
#define SMX__PASS(sfx, pass, isa) SMX__PASS_CAT(sfx, pass, isa)

/* The table of one path: its name, the sizes the planner rounds blocks
 * to, and a pointer for every pass. */
#define SMX__PASS_FIELD(pass, ret, params) ret(*pass) params;
#define SMX__PASSES_TYPE SMX__EXPAND_CAT2(smx__passes_, SMX_SUFFIX)
typedef struct SMX__PASSES_TYPE {
    const char *name;
    size_t lanes;       /* a long row's spans are a multiple of this */
    size_t short_row;   /* rows of up to this many entries ... */
    size_t short_lanes; /* ... go this many at a time: blocks are a multiple */
    SMX__PASSES(SMX__PASS_FIELD)
} smx__passes;

/* Every path's passes and table, declared here so that a definition that
 * strays from this list does not compile. */
#define SMX__DECLARE_PASS(pass, ret, params) \
    SMX_PRIVATE ret SMX__PASS(SMX_SUFFIX, pass, PASS_ISA_) params;
#define SMX__TABLE_NAME(isa) SMX__EXPAND_CAT3(smx__passes_, SMX_SUFFIX, _##isa)
#define SMX__DECLARE_PATH(isa) SMX_PRIVATE extern const smx__passes SMX__TABLE_NAME(isa);
#define PASS_ISA_ scalar
SMX__PASSES_ROWS(SMX__DECLARE_PASS)
#undef PASS_ISA_
#define PASS_ISA_ avx2
SMX__PASSES(SMX__DECLARE_PASS)
#undef PASS_ISA_
#define PASS_ISA_ avx512
SMX__PASSES(SMX__DECLARE_PASS)
#undef PASS_ISA_
#define PASS_ISA_ neon
SMX__PASSES(SMX__DECLARE_PASS)
#undef PASS_ISA_
SMX__DECLARE_PATH(scalar)
SMX__DECLARE_PATH(avx2)
SMX__DECLARE_PATH(avx512)
SMX__DECLARE_PATH(neon)

/* A path's table, in the file that defines its passes as PASS(pass):
 * SMX__DEFINE_PATH(avx512, VW, SHORT_ROW, SHORT_LANES), or
 * SMX__DEFINE_ROWS_PATH for a path without the span passes (NULL). */
#define SMX__TABLE_ENTRY(pass, ret, params) .pass = PASS(pass),
#define SMX__DEFINE_PATH(isa, lanes, short_row, short_lanes) \
    SMX__DEFINE_PATH_(isa, lanes, short_row, short_lanes, SMX__PASSES)
#define SMX__DEFINE_ROWS_PATH(isa, lanes, short_row, short_lanes) \
    SMX__DEFINE_PATH_(isa, lanes, short_row, short_lanes, SMX__PASSES_ROWS)
#define SMX__DEFINE_PATH_(isa, lanes, short_row, short_lanes, list)                          \
    const smx__passes SMX__TABLE_NAME(isa) = {#isa, lanes, short_row, short_lanes,          \
                                              list(SMX__TABLE_ENTRY)};

#endif
