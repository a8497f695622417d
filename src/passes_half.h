/*
 * passes_half.h — the passes that read and write bf16 and f16 arrays
 * themselves: each loads a vector of halves, widens it exactly to float
 * lanes in registers, computes as the f32 passes do, and narrows the
 * float results to the format on the way out (one rounding of the f32
 * result).  No float copy of the data is made, so a half call moves half
 * the bytes of an f32 one.
 *
 * Written once in simd/passes_half.inc over a path's float lanes and its
 * half_io_*.h (the loads and stores of each format), and compiled by the
 * path's f32 file for both formats:
 *
 *   path     file               a pass is named                 its table
 *   AVX2     x86/avx2_f32.c     smx__bf16_forward_rows__avx2    smx__half_passes_bf16_avx2
 *   AVX-512  x86/avx512_f32.c   smx__f16_backward_dot__avx512   smx__half_passes_f16_avx512
 *            x86/avx512_bf16.c  smx__bf16_span_write__avx512bf16 (AVX512_BF16's narrowing)
 *   NEON     arm/neon_f32.c     ...                             ...
 *
 * The scalar path has none: the planner (plan_half.inc) then runs the f32
 * passes on float tiles, as it does for what these passes do not cover
 * (short forward rows, the NLL and the weighted, smoothed or soft
 * cross-entropy of whole rows).  In f32, `wide` is double: the statistics below
 * are doubles.  Include after passes.h (f32), whose loss types the
 * cross-entropy pass takes.
 */
#ifndef SMX_PASSES_HALF_H
#define SMX_PASSES_HALF_H

#include "kernels.h" /* SMX_PRIVATE */
#include "plan_half.h" /* smx__half_mask */

#include <stddef.h>
#include <stdint.h>

/* X(..., pass, return type, (parameters)), the macro's own arguments
 * first.  Rows are contiguous rows of n entries; form and log_form are as
 * in passes.h. */
#define SMX__HALF_PASSES(X, ...)                                                               \
    /* whole rows, n > short_row: maximum, exp-and-sum, scale; rows of more                    \
     * than keep_row entries keep their exponentials in work (n floats) */                     \
    X(__VA_ARGS__, forward_rows, void,                                                         \
      (uint16_t *y, const uint16_t *x, size_t rows, size_t n, int log_form, float *work))      \
    /* `count` neighbouring rows of a [n, stride] slab, along its first axis */                \
    X(__VA_ARGS__, forward_columns, void,                                                      \
      (uint16_t *y, const uint16_t *x, size_t n, size_t stride, size_t count, int log_form))   \
    /* masked rows, any n; mask (or NULL) is the block's own, bias in the format */            \
    X(__VA_ARGS__, masked_rows, void,                                                          \
      (uint16_t *y, const uint16_t *x, size_t rows, size_t n, float scale,                     \
       const smx__half_mask *mask, int log_form))                                              \
    /* whole rows, n > short_row: m + log1p(others), in float */                               \
    X(__VA_ARGS__, logsumexp_rows, void,                                                       \
      (float *out, const uint16_t *x, size_t rows, size_t n))                                  \
    /* whole rows, n > short_row, of the one-hot cross-entropy without weights or              \
     * smoothing: each row's loss to row_loss[r], its gradient to dx unless NULL (dx may be    \
     * x); rows of more than keep_row entries with dx need work (n floats) */                  \
    X(__VA_ARGS__, cross_entropy_rows, void,                                                   \
      (loss_sum *row_loss, uint16_t *dx, const uint16_t *x, const int32_t *labels,             \
       size_t rows, size_t n, const loss_consts *c, float *work))                              \
    /* whole rows, any n: the reduction, then the update */                                    \
    X(__VA_ARGS__, backward_rows, void,                                                        \
      (uint16_t *dx, const uint16_t *y, const uint16_t *dy, size_t rows, size_t n,             \
       double scale, int form))                                                                \
    X(__VA_ARGS__, backward_columns, void,                                                     \
      (uint16_t *dx, const uint16_t *y, const uint16_t *dy, size_t n, size_t stride,           \
       size_t count, double scale, int form))                                                  \
    /* a span of a long row: its maximum *m and its sum against it (passes.h), 0 for a         \
     * span whose maximum is not finite; the exponentials (times 2^100) to keep, n floats,     \
     * unless it is NULL */                                                                    \
    X(__VA_ARGS__, span_stats, double,                                                         \
      (const uint16_t *x, size_t n, int exclude_max, float *keep, double *m))                  \
    /* a span's outputs: softmax from the kept exponentials, or formed again where kept is     \
     * NULL; or log-softmax */                                                                 \
    X(__VA_ARGS__, span_write, void,                                                           \
      (uint16_t *out, const uint16_t *x, const float *kept, size_t n, double m_span,           \
       double top, double factor, int log_form))                                               \
    /* a span of a long row: its share of the reduction, and its update */                     \
    X(__VA_ARGS__, backward_dot, double,                                                       \
      (const uint16_t *y, const uint16_t *dy, size_t n, int form))                             \
    X(__VA_ARGS__, backward_update, void,                                                      \
      (uint16_t *dx, const uint16_t *y, const uint16_t *dy, size_t n, double dot,              \
       double scale, int form))

/* The name of a pass: SMX__HALF_PASS(bf16, forward_rows, avx512) is
 * smx__bf16_forward_rows__avx512. */
#define SMX__HALF_PASS_CAT(fmt, pass, isa) smx__##fmt##_##pass##__##isa
#define SMX__HALF_PASS(fmt, pass, isa) SMX__HALF_PASS_CAT(fmt, pass, isa)

#define SMX__HALF_PASS_FIELD(_, pass, ret, params) ret(*pass) params;
typedef struct smx__half_passes {
    const char *name;
    size_t short_row; /* forward rows of up to this many entries are not taken */
    size_t keep_row;  /* forward rows longer than this need work */
    SMX__HALF_PASSES(SMX__HALF_PASS_FIELD, _)
} smx__half_passes;

#define SMX__HALF_TABLE_CAT(fmt, isa) smx__half_passes_##fmt##_##isa
#define SMX__HALF_TABLE(fmt, isa) SMX__HALF_TABLE_CAT(fmt, isa)

/* Every path's passes and tables, declared here so that a definition that
 * strays from the list does not compile. */
#define SMX__DECLARE_HALF_PASS(fmt, isa, pass, ret, params) \
    SMX_PRIVATE ret SMX__HALF_PASS(fmt, pass, isa) params;
#define SMX__DECLARE_HALF_PATH(fmt, isa)                      \
    SMX__HALF_PASSES(SMX__DECLARE_HALF_PASS, fmt, isa)       \
    SMX_PRIVATE extern const smx__half_passes SMX__HALF_TABLE(fmt, isa);
SMX__DECLARE_HALF_PATH(bf16, avx2)
SMX__DECLARE_HALF_PATH(f16, avx2)
SMX__DECLARE_HALF_PATH(bf16, avx512)
SMX__DECLARE_HALF_PATH(f16, avx512)
SMX__DECLARE_HALF_PATH(bf16, avx512bf16) /* x86/avx512_bf16.c: with AVX512_BF16, bf16 only */
SMX__DECLARE_HALF_PATH(bf16, neon)
SMX__DECLARE_HALF_PATH(f16, neon)

/* A format's table, in the file that defines its passes as HPASS(pass). */
#define SMX__HALF_TABLE_ENTRY(_, pass, ret, params) .pass = HPASS(pass),
#define SMX__DEFINE_HALF_PATH(fmt, isa, short_row, keep_row)                                 \
    const smx__half_passes SMX__HALF_TABLE(fmt, isa) = {                                     \
        #isa, short_row, keep_row, SMX__HALF_PASSES(SMX__HALF_TABLE_ENTRY, _)};

#endif
