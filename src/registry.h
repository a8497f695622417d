/*
 * registry.h — the operations of the library, one line each.  This list is
 * the only place they are written out: kernels.h declares the planner's
 * entry for each from it, dispatch.c answers smx_kernel_name and
 * smx_operation_name from it and checks that smx.h declares every public
 * function it names, and through those two `smx info` prints its table and
 * the tests loop over the operations.
 *
 * A line is  X(op, (parameters), functions...):
 *
 *   op          the operation, and the stem of its planner entry
 *               smx__plan_<op>_<dtype> (written PLAN(<op>) in plan.inc,
 *               compiled once per dtype by plan_f32.c and plan_f64.c).
 *   parameters  the entry's parameters, in the dtype's `real` and `mask_t`.
 *   functions   the public functions the entry computes, without smx_ and
 *               the dtype: `softmax_axis` stands for smx_softmax_axis_f32
 *               and smx_softmax_axis_f64 (dispatch.c checks that smx.h
 *               declares both).  api.inc and api_loss.inc define them.
 *
 * So smx_softmax_f32 (smx.h; defined in api.inc) calls
 * smx__plan_softmax_f32, PLAN(softmax) in plan.inc, which cuts the rows
 * into blocks and runs the active path's forward_rows pass on each:
 * smx__f32_forward_rows__avx512 on the AVX-512 path, PASS(forward_rows) in
 * simd/passes.inc, built by x86/avx512_f32.c.  The passes have a list of
 * their own, in passes.h.  docs/architecture.md walks through it.
 *
 * An operation costs one line here, its planner entry (plan.inc), any pass
 * it needs that passes.h lacks, and its public functions (smx.h, api.inc).
 * The order of the lines is the order of smx_operation_name.
 */
#ifndef SMX_REGISTRY_H
#define SMX_REGISTRY_H

/* X(op, (parameters), functions...) for every operation, with `real` and
 * `mask_t` those of the dtype `sfx` (f32 or f64); `isa` and `sfx` are
 * passed to X in front, for the lines that build kernel names. */
#define SMX__OPERATIONS(X, isa, sfx, real, mask_t)                                            \
    X(isa, sfx, softmax, (real *y, const real *x, size_t outer, size_t n, size_t inner),    \
      softmax, softmax_axis)                                                                 \
    X(isa, sfx, log_softmax, (real *y, const real *x, size_t outer, size_t n, size_t inner), \
      log_softmax, log_softmax_axis)                                                         \
    X(isa, sfx, softmax_masked,                                                              \
      (real *y, const real *x, size_t rows, size_t cols, real scale, const mask_t *mask),   \
      softmax_masked)                                                                        \
    X(isa, sfx, log_softmax_masked,                                                          \
      (real *y, const real *x, size_t rows, size_t cols, real scale, const mask_t *mask),   \
      log_softmax_masked)                                                                    \
    X(isa, sfx, logsumexp, (real *out, const real *x, size_t rows, size_t cols), logsumexp) \
    X(isa, sfx, softmax_backward,                                                            \
      (real *dx, const real *y, const real *dy, size_t outer, size_t n, size_t inner,       \
       real scale),                                                                          \
      softmax_backward, softmax_backward_axis, softmax_masked_backward)                      \
    X(isa, sfx, log_softmax_backward,                                                        \
      (real *dx, const real *y, const real *dy, size_t outer, size_t n, size_t inner,       \
       real scale),                                                                          \
      log_softmax_backward, log_softmax_backward_axis, log_softmax_masked_backward)          \
    X(isa, sfx, log_softmax_jvp,                                                             \
      (real *dy, const real *y, const real *dx, size_t rows, size_t cols), log_softmax_jvp) \
    X(isa, sfx, jacobian, (real *jac, const real *y, size_t n), softmax_jacobian)           \
    /* labels != NULL: hard labels; else soft targets (rows x cols) */                       \
    X(isa, sfx, cross_entropy,                                                               \
      (real *loss, real *dx, const real *x, const int32_t *labels, const real *targets,    \
       size_t rows, size_t cols, const real *class_weights, real label_smoothing,            \
       const smx__loss_params *params),                                                      \
      cross_entropy, cross_entropy_ex, cross_entropy_soft)                                   \
    X(isa, sfx, nll_loss,                                                                    \
      (real *loss, real *dx, const real *y, const int32_t *labels, size_t rows,            \
       size_t cols, const real *class_weights, real label_smoothing,                         \
       const smx__loss_params *params),                                                      \
      nll_loss)

/* The list for one dtype: SMX__OPERATIONS_OF(X, isa, f32). */
#define SMX__OPERATIONS_OF(X, isa, sfx) \
    SMX__OPERATIONS(X, isa, sfx, SMX__REAL_##sfx, smx_mask_##sfx)
#define SMX__REAL_f32 float
#define SMX__REAL_f64 double

/* The name of an operation's entry: SMX__KERNEL(plan, softmax, f32) is
 * smx__plan_softmax_f32. */
#define SMX__KERNEL(isa, op, sfx) smx__##isa##_##op##_##sfx

/* F(a) for each of up to four arguments (an operation serves at most
 * four public functions). */
#define SMX__EACH(F, ...)                                                                    \
    SMX__PICK5(__VA_ARGS__, SMX__EACH4, SMX__EACH3, SMX__EACH2, SMX__EACH1, )(F, __VA_ARGS__)
#define SMX__PICK5(a1, a2, a3, a4, name, ...) name
#define SMX__EACH1(F, a) F(a)
#define SMX__EACH2(F, a, b) F(a) F(b)
#define SMX__EACH3(F, a, b, c) F(a) F(b) F(c)
#define SMX__EACH4(F, a, b, c, d) F(a) F(b) F(c) F(d)

#endif
