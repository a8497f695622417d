/*
 * smxmodule.c — smx._core, the Python module's C side: NumPy arrays in and
 * out of libsmx, linked statically.
 *
 * Each function converts its arguments once (dtype checked, never cast:
 * float16, float32 and float64 are kept, and uint16 holding bfloat16 with
 * dtype="bfloat16"; anything else is a TypeError; a non-contiguous or
 * byte-swapped array is copied once), checks `out`, then calls one library
 * function with the GIL released.  The library checks every argument
 * before it writes, so a library error leaves `out` untouched; it becomes
 * a ValueError carrying smx_strerror()'s message (a MemoryError when the
 * half-precision functions cannot get their float work).  The docstrings
 * and the Python-level signatures are in docstrings.h and smx/__init__.pyi.
 *
 * A call's dtype is an array type number: NPY_FLOAT32, NPY_FLOAT64,
 * NPY_HALF (the _f16 functions) or NPY_UINT16 (the _bf16 functions, only
 * with dtype="bfloat16").  Results of the half formats that the library
 * gives in float (logsumexp, the losses) are float32.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#define NPY_NO_DEPRECATED_API NPY_1_7_API_VERSION
#include <numpy/arrayobject.h>

#include <math.h>
#include <stdint.h>
#include <string.h>

#include <smx.h>

#include "docstrings.h"

/* numpy.AxisError when NumPy has it (a ValueError and an IndexError),
 * else ValueError. */
static PyObject *axis_error;

/* ------------------------------------------------------------------------ */
/* Arguments                                                                 */
/* ------------------------------------------------------------------------ */

static int is_float_type(int t)
{
    return t == NPY_FLOAT32 || t == NPY_FLOAT64 || t == NPY_HALF;
}

/* float16, or uint16 holding bfloat16: the half-precision functions. */
static int is_half_type(int t)
{
    return t == NPY_HALF || t == NPY_UINT16;
}

/* The dtype of what the library gives in float for the half formats
 * (logsumexp, the losses): float32 for them, else the call's own. */
static int wide_type(int t)
{
    return is_half_type(t) ? NPY_FLOAT32 : t;
}

/* The first array of a call: float_input's typenum. */
enum { FIRST_ARRAY = -1, FIRST_ARRAY_BF16 = -2 };

/* dtype=None, or dtype="bfloat16": the call's arrays hold bfloat16 in
 * uint16 (NumPy has no bfloat16).  *first: float_input's typenum for the
 * call's first array. */
static int parse_dtype(PyObject *dtype, int *first, const char *func)
{
    *first = FIRST_ARRAY;
    if (!dtype || dtype == Py_None)
        return 0;
    if (PyUnicode_Check(dtype) && PyUnicode_CompareWithASCIIString(dtype, "bfloat16") == 0) {
        *first = FIRST_ARRAY_BF16;
        return 0;
    }
    PyErr_Format(PyExc_ValueError,
                 "%s: dtype must be None (the arrays' own) or 'bfloat16' (uint16 arrays "
                 "holding bfloat16), not %R",
                 func, dtype);
    return -1;
}

/* `obj` as a C-contiguous, aligned, native-order array of its own dtype
 * (a new reference), copied only when it is not one already.  typenum
 * FIRST_ARRAY takes float16, float32 or float64, FIRST_ARRAY_BF16 uint16
 * (holding bfloat16); otherwise exactly typenum (the dtype of the first
 * array of the call). */
static PyArrayObject *float_input(PyObject *obj, const char *func, const char *name,
                                  int typenum)
{
    PyArrayObject *arr = (PyArrayObject *)PyArray_FROM_O(obj);
    if (!arr)
        return NULL;
    const int t = PyArray_TYPE(arr);
    if (typenum == FIRST_ARRAY_BF16 && t != NPY_UINT16) {
        PyErr_Format(PyExc_TypeError,
                     "%s: %s has dtype %R; with dtype='bfloat16' the arrays are uint16 "
                     "holding bfloat16 bits (NumPy has no bfloat16), and smx never casts",
                     func, name, (PyObject *)PyArray_DESCR(arr));
        Py_DECREF(arr);
        return NULL;
    }
    if (typenum == FIRST_ARRAY && !is_float_type(t)) {
        PyErr_Format(PyExc_TypeError,
                     t == NPY_UINT16
                         ? "%s: %s has dtype %R; smx computes in float16, float32 or float64, "
                           "and in bfloat16 held in uint16 only with dtype='bfloat16'"
                         : "%s: %s has dtype %R; smx computes in float32 or float64 (and "
                           "float16, or bfloat16 held in uint16 with dtype='bfloat16') and "
                           "never casts (convert with .astype)",
                     func, name, (PyObject *)PyArray_DESCR(arr));
        Py_DECREF(arr);
        return NULL;
    }
    if (typenum >= 0 && t != typenum) {
        PyArray_Descr *want = PyArray_DescrFromType(typenum);
        PyErr_Format(PyExc_TypeError, "%s: %s has dtype %R, not %R like the first array%s",
                     func, name, (PyObject *)PyArray_DESCR(arr), (PyObject *)want,
                     typenum == NPY_UINT16 ? " (bfloat16)" : "");
        Py_DECREF(want);
        Py_DECREF(arr);
        return NULL;
    }
    /* PyArray_FromArray steals the descriptor; native order, aligned,
     * C-contiguous: a copy only when arr is not already all three. */
    PyArrayObject *c = (PyArrayObject *)PyArray_FromArray(arr, PyArray_DescrFromType(t),
                                                          NPY_ARRAY_CARRAY_RO);
    Py_DECREF(arr);
    return c;
}

static int same_shape(PyArrayObject *a, int ndim, const npy_intp *shape)
{
    if (PyArray_NDIM(a) != ndim)
        return 0;
    for (int i = 0; i < ndim; i++)
        if (PyArray_DIM(a, i) != shape[i])
            return 0;
    return 1;
}

static PyObject *shape_tuple(int ndim, const npy_intp *shape)
{
    PyObject *t = PyTuple_New(ndim);
    if (!t)
        return NULL;
    for (int i = 0; i < ndim; i++) {
        PyObject *v = PyLong_FromSsize_t(shape[i]);
        if (!v) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, v);
    }
    return t;
}

/* A second input (dy, dx) must have the first one's shape. */
static int check_same_shape(PyArrayObject *a, PyArrayObject *b, const char *func,
                            const char *a_name, const char *b_name)
{
    if (same_shape(b, PyArray_NDIM(a), PyArray_DIMS(a)))
        return 0;
    PyObject *sa = shape_tuple(PyArray_NDIM(a), PyArray_DIMS(a));
    PyObject *sb = shape_tuple(PyArray_NDIM(b), PyArray_DIMS(b));
    if (sa && sb)
        PyErr_Format(PyExc_ValueError, "%s: %s has shape %R but %s has shape %R", func,
                     b_name, sb, a_name, sa);
    Py_XDECREF(sa);
    Py_XDECREF(sb);
    return -1;
}

/* The array a result goes to (a new reference): a new one when `out` is
 * None, else `out` itself, which must be a writeable, C-contiguous,
 * aligned, native-order ndarray of exactly this dtype and shape (results
 * are written in place, never through a temporary copy). */
static PyArrayObject *output_array(PyObject *out, int typenum, int ndim, const npy_intp *shape,
                                   const char *func, const char *name)
{
    if (!out || out == Py_None)
        return (PyArrayObject *)PyArray_SimpleNew(ndim, (npy_intp *)shape, typenum);
    if (!PyArray_Check(out)) {
        PyErr_Format(PyExc_TypeError, "%s: %s must be a numpy.ndarray, not %.100s", func, name,
                     Py_TYPE(out)->tp_name);
        return NULL;
    }
    PyArrayObject *o = (PyArrayObject *)out;
    if (PyArray_TYPE(o) != typenum) {
        PyArray_Descr *want = PyArray_DescrFromType(typenum);
        PyErr_Format(PyExc_TypeError, "%s: %s has dtype %R, the result is %R", func, name,
                     (PyObject *)PyArray_DESCR(o), (PyObject *)want);
        Py_DECREF(want);
        return NULL;
    }
    if (!same_shape(o, ndim, shape)) {
        PyObject *want = shape_tuple(ndim, shape);
        PyObject *have = shape_tuple(PyArray_NDIM(o), PyArray_DIMS(o));
        if (want && have)
            PyErr_Format(PyExc_ValueError, "%s: %s has shape %R, the result has shape %R",
                         func, name, have, want);
        Py_XDECREF(want);
        Py_XDECREF(have);
        return NULL;
    }
    if (!PyArray_ISWRITEABLE(o)) {
        PyErr_Format(PyExc_ValueError, "%s: %s is read-only", func, name);
        return NULL;
    }
    if (!PyArray_IS_C_CONTIGUOUS(o) || !PyArray_ISALIGNED(o) || !PyArray_ISNOTSWAPPED(o)) {
        PyErr_Format(PyExc_ValueError,
                     "%s: %s must be C-contiguous, aligned and in native byte order", func,
                     name);
        return NULL;
    }
    Py_INCREF(o);
    return o;
}

/* The output may be the very same buffer as an input it replaces (in
 * place) when `same_ok`; any other overlap is refused, as the library
 * does not support it.  Both arrays are contiguous here. */
static int check_overlap(PyArrayObject *out, PyArrayObject *in, int same_ok, const char *func,
                         const char *out_name, const char *in_name)
{
    const char *o0 = PyArray_BYTES(out), *o1 = o0 + PyArray_NBYTES(out);
    const char *i0 = PyArray_BYTES(in), *i1 = i0 + PyArray_NBYTES(in);
    if (o0 >= i1 || i0 >= o1 || o0 == o1 || i0 == i1)
        return 0;
    if (same_ok && o0 == i0 && o1 == i1)
        return 0;
    if (same_ok)
        PyErr_Format(PyExc_ValueError,
                     "%s: %s overlaps %s: pass %s itself to work in place, or a separate array",
                     func, out_name, in_name, in_name);
    else
        PyErr_Format(PyExc_ValueError, "%s: %s must not overlap %s", func, out_name, in_name);
    return -1;
}

/* A normalised axis in [0, ndim), or -1 with an exception set. */
static int normalise_axis(int axis, int ndim, const char *func)
{
    if (axis < -ndim || axis >= ndim) {
        PyErr_Format(axis_error, "%s: axis %d is out of bounds for an array of dimension %d",
                     func, axis, ndim);
        return -1;
    }
    return axis < 0 ? axis + ndim : axis;
}

/* The [outer, n, inner] view of a shape around `axis`. */
static void split_shape(PyArrayObject *a, int axis, size_t *outer, size_t *n, size_t *inner)
{
    size_t o = 1, i = 1;
    for (int k = 0; k < axis; k++)
        o *= (size_t)PyArray_DIM(a, k);
    for (int k = axis + 1; k < PyArray_NDIM(a); k++)
        i *= (size_t)PyArray_DIM(a, k);
    *outer = o;
    *n = (size_t)PyArray_DIM(a, axis);
    *inner = i;
}

/* A C-contiguous copy of `a` with `axis` moved last (a new reference).
 * For the functions the library has only along rows. */
static PyArrayObject *copy_axis_last(PyArrayObject *a, int axis)
{
    npy_intp perm[NPY_MAXDIMS];
    PyArray_Dims dims = {perm, PyArray_NDIM(a)};
    int j = 0;
    for (int k = 0; k < PyArray_NDIM(a); k++)
        if (k != axis)
            perm[j++] = k;
    perm[j] = axis;
    PyObject *view = PyArray_Transpose(a, &dims);
    if (!view)
        return NULL;
    PyObject *copy = PyArray_NewCopy((PyArrayObject *)view, NPY_CORDER);
    Py_DECREF(view);
    return (PyArrayObject *)copy;
}

/* A view of `a` (axis last) with its last axis moved back to `axis`. */
static PyArrayObject *view_last_to_axis(PyArrayObject *a, int axis)
{
    npy_intp perm[NPY_MAXDIMS];
    PyArray_Dims dims = {perm, PyArray_NDIM(a)};
    const int last = PyArray_NDIM(a) - 1;
    for (int k = 0, j = 0; k < PyArray_NDIM(a); k++)
        perm[k] = k == axis ? last : j++;
    return (PyArrayObject *)PyArray_Transpose(a, &dims);
}

static int check_status(smx_status st, const char *func)
{
    if (st == SMX_OK)
        return 0;
    PyErr_Format(st == SMX_ERR_OUT_OF_MEMORY ? PyExc_MemoryError : PyExc_ValueError, "%s: %s",
                 func, smx_strerror(st));
    return -1;
}

/* The library's scale from a temperature: 1 / T, checked by the library
 * (so T = 0, negative, infinite or NaN gives its SMX_ERR_BAD_SCALE). */
static double temperature_scale(double temperature)
{
    return temperature == 0.0 ? INFINITY : 1.0 / temperature;
}

/* ------------------------------------------------------------------------ */
/* softmax, log_softmax                                                      */
/* ------------------------------------------------------------------------ */

typedef smx_status (*axis_f32_fn)(float *, const float *, size_t, size_t, size_t);
typedef smx_status (*axis_f64_fn)(double *, const double *, size_t, size_t, size_t);
typedef smx_status (*masked_f32_fn)(float *, const float *, size_t, size_t, float,
                                    const smx_mask_f32 *);
typedef smx_status (*masked_f64_fn)(double *, const double *, size_t, size_t, double,
                                    const smx_mask_f64 *);
typedef smx_status (*axis_f16_fn)(smx_f16 *, const smx_f16 *, size_t, size_t, size_t);
typedef smx_status (*axis_bf16_fn)(smx_bf16 *, const smx_bf16 *, size_t, size_t, size_t);
typedef smx_status (*masked_f16_fn)(smx_f16 *, const smx_f16 *, size_t, size_t, float,
                                    const smx_mask_f16 *);
typedef smx_status (*masked_bf16_fn)(smx_bf16 *, const smx_bf16 *, size_t, size_t, float,
                                     const smx_mask_bf16 *);

struct forward_op {
    const char *name;
    axis_f32_fn axis_f32;
    axis_f64_fn axis_f64;
    axis_f16_fn axis_f16;
    axis_bf16_fn axis_bf16;
    masked_f32_fn masked_f32;
    masked_f64_fn masked_f64;
    masked_f16_fn masked_f16;
    masked_bf16_fn masked_bf16;
};

static const struct forward_op softmax_op = {
    "softmax",
    smx_softmax_axis_f32,
    smx_softmax_axis_f64,
    smx_softmax_axis_f16,
    smx_softmax_axis_bf16,
    smx_softmax_masked_f32,
    smx_softmax_masked_f64,
    smx_softmax_masked_f16,
    smx_softmax_masked_bf16};
static const struct forward_op log_softmax_op = {
    "log_softmax",
    smx_log_softmax_axis_f32,
    smx_log_softmax_axis_f64,
    smx_log_softmax_axis_f16,
    smx_log_softmax_axis_bf16,
    smx_log_softmax_masked_f32,
    smx_log_softmax_masked_f64,
    smx_log_softmax_masked_f16,
    smx_log_softmax_masked_bf16};

/* The mask of a masked call: a bool array (True keeps an entry) or a
 * float array of x's dtype (added to the scaled scores; -inf masks out),
 * of x's shape or of shape (n,) for every row.  Returned with the axis
 * moved last when x's was; *mask_rows is 1 or rows. */
static PyArrayObject *mask_input(PyObject *obj, PyArrayObject *x, int axis, int typenum,
                                 const char *func, int *is_keep, size_t *mask_rows)
{
    PyArrayObject *m = (PyArrayObject *)PyArray_FROM_O(obj);
    if (!m)
        return NULL;
    const int t = PyArray_TYPE(m);
    if (t != NPY_BOOL && t != typenum) {
        PyArray_Descr *want = PyArray_DescrFromType(typenum);
        PyErr_Format(PyExc_TypeError,
                     "%s: mask has dtype %R; it must be bool (True keeps an entry) or %R "
                     "(added to the scores)",
                     func, (PyObject *)PyArray_DESCR(m), (PyObject *)want);
        Py_DECREF(want);
        Py_DECREF(m);
        return NULL;
    }
    *is_keep = t == NPY_BOOL;
    const int full = same_shape(m, PyArray_NDIM(x), PyArray_DIMS(x));
    const npy_intp n = PyArray_DIM(x, axis);
    if (!full && !(PyArray_NDIM(m) == 1 && PyArray_DIM(m, 0) == n)) {
        PyErr_Format(PyExc_ValueError,
                     "%s: mask must have the shape of x or shape (%zd,), one row for every row",
                     func, (Py_ssize_t)n);
        Py_DECREF(m);
        return NULL;
    }
    PyArrayObject *c;
    if (full && axis != PyArray_NDIM(x) - 1) {
        c = copy_axis_last(m, axis);
    } else {
        c = (PyArrayObject *)PyArray_FromArray(m, PyArray_DescrFromType(t), NPY_ARRAY_CARRAY_RO);
    }
    Py_DECREF(m);
    if (!c)
        return NULL;
    *mask_rows = full ? (n ? (size_t)(PyArray_SIZE(x) / n) : 0) : 1;
    return c;
}

static PyObject *forward(const struct forward_op *op, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"x", "axis", "temperature", "mask", "out", "dtype", NULL};
    PyObject *x_obj, *mask_obj = Py_None, *out_obj = Py_None, *dtype_obj = Py_None;
    int axis = -1, first;
    double temperature = 1.0;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|i$dOOO", kwlist, &x_obj, &axis,
                                     &temperature, &mask_obj, &out_obj, &dtype_obj))
        return NULL;
    const char *func = op->name;
    if (parse_dtype(dtype_obj, &first, func) < 0)
        return NULL;
    PyArrayObject *x = float_input(x_obj, func, "x", first), *out = NULL, *mask = NULL;
    PyArrayObject *xl = NULL, *yl = NULL;
    if (!x)
        return NULL;
    const int t = PyArray_TYPE(x);
    axis = normalise_axis(axis, PyArray_NDIM(x), func);
    if (axis < 0)
        goto fail;
    out = output_array(out_obj, t, PyArray_NDIM(x), PyArray_DIMS(x), func, "out");
    if (!out || check_overlap(out, x, 1, func, "out", "x") < 0)
        goto fail;
    size_t outer, n, inner;
    split_shape(x, axis, &outer, &n, &inner);
    smx_status st;

    if (temperature == 1.0 && mask_obj == Py_None) {
        /* Any axis in place, through the _axis functions. */
        void *y = PyArray_DATA(out);
        const void *xd = PyArray_DATA(x);
        Py_BEGIN_ALLOW_THREADS
        switch (t) {
        case NPY_FLOAT32:
            st = op->axis_f32(y, xd, outer, n, inner);
            break;
        case NPY_FLOAT64:
            st = op->axis_f64(y, xd, outer, n, inner);
            break;
        case NPY_HALF:
            st = op->axis_f16(y, xd, outer, n, inner);
            break;
        default:
            st = op->axis_bf16(y, xd, outer, n, inner);
            break;
        }
        Py_END_ALLOW_THREADS
        if (check_status(st, func) < 0)
            goto fail;
        Py_DECREF(x);
        return (PyObject *)out;
    }

    /* Temperature or mask: the library has these along rows only, so
     * another axis goes through one copy with that axis last. */
    int is_keep = 0;
    size_t mask_rows = 0;
    if (mask_obj != Py_None) {
        mask = mask_input(mask_obj, x, axis, t, func, &is_keep, &mask_rows);
        if (!mask || check_overlap(out, mask, 0, func, "out", "mask") < 0)
            goto fail;
    }
    const int last = axis == PyArray_NDIM(x) - 1;
    if (last) {
        xl = x;
        Py_INCREF(xl);
        yl = out;
        Py_INCREF(yl);
    } else {
        xl = copy_axis_last(x, axis);
        if (!xl)
            goto fail;
        yl = (PyArrayObject *)PyArray_SimpleNew(PyArray_NDIM(xl), PyArray_DIMS(xl), t);
        if (!yl)
            goto fail;
    }
    const size_t rows = outer * inner;
    const double scale = temperature_scale(temperature);
    void *y = PyArray_DATA(yl);
    const void *xd = PyArray_DATA(xl);
    const void *md = mask ? PyArray_DATA(mask) : NULL;
/* The mask struct of every dtype has the same four fields. */
#define FILL_MASK(m)                                                                         \
    do {                                                                                     \
        if (mask && is_keep) {                                                               \
            (m).keep = md;                                                                   \
            (m).keep_rows = mask_rows;                                                       \
        } else if (mask) {                                                                   \
            (m).bias = md;                                                                   \
            (m).bias_rows = mask_rows;                                                       \
        }                                                                                    \
    } while (0)
    Py_BEGIN_ALLOW_THREADS
    if (t == NPY_FLOAT32) {
        smx_mask_f32 m = {0};
        FILL_MASK(m);
        st = op->masked_f32(y, xd, rows, n, (float)scale, &m);
    } else if (t == NPY_FLOAT64) {
        smx_mask_f64 m = {0};
        FILL_MASK(m);
        st = op->masked_f64(y, xd, rows, n, scale, &m);
    } else if (t == NPY_HALF) {
        smx_mask_f16 m = {0};
        FILL_MASK(m);
        st = op->masked_f16(y, xd, rows, n, (float)scale, &m);
    } else {
        smx_mask_bf16 m = {0};
        FILL_MASK(m);
        st = op->masked_bf16(y, xd, rows, n, (float)scale, &m);
    }
    Py_END_ALLOW_THREADS
#undef FILL_MASK
    if (check_status(st, func) < 0)
        goto fail;
    if (!last) {
        PyArrayObject *back = view_last_to_axis(yl, axis);
        if (!back || PyArray_CopyInto(out, back) < 0) {
            Py_XDECREF(back);
            goto fail;
        }
        Py_DECREF(back);
    }
    Py_DECREF(x);
    Py_XDECREF(mask);
    Py_DECREF(xl);
    Py_DECREF(yl);
    return (PyObject *)out;
fail:
    Py_DECREF(x);
    Py_XDECREF(out);
    Py_XDECREF(mask);
    Py_XDECREF(xl);
    Py_XDECREF(yl);
    return NULL;
}

static PyObject *py_softmax(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    return forward(&softmax_op, args, kwargs);
}

static PyObject *py_log_softmax(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    return forward(&log_softmax_op, args, kwargs);
}

/* ------------------------------------------------------------------------ */
/* logsumexp                                                                 */
/* ------------------------------------------------------------------------ */

static PyObject *py_logsumexp(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *kwlist[] = {"x", "axis", "keepdims", "out", "dtype", NULL};
    PyObject *x_obj, *out_obj = Py_None, *dtype_obj = Py_None;
    int axis = -1, keepdims = 0, first;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|i$pOO", kwlist, &x_obj, &axis, &keepdims,
                                     &out_obj, &dtype_obj))
        return NULL;
    const char *func = "logsumexp";
    if (parse_dtype(dtype_obj, &first, func) < 0)
        return NULL;
    PyArrayObject *x = float_input(x_obj, func, "x", first), *xl = NULL, *out = NULL;
    if (!x)
        return NULL;
    const int t = PyArray_TYPE(x), nd = PyArray_NDIM(x);
    axis = normalise_axis(axis, nd, func);
    if (axis < 0)
        goto fail;
    npy_intp shape[NPY_MAXDIMS];
    int ond = 0;
    for (int k = 0; k < nd; k++) {
        if (k != axis)
            shape[ond++] = PyArray_DIM(x, k);
        else if (keepdims)
            shape[ond++] = 1;
    }
    /* float32 for the half formats */
    out = output_array(out_obj, wide_type(t), ond, shape, func, "out");
    if (!out || check_overlap(out, x, 0, func, "out", "x") < 0)
        goto fail;
    /* The library reduces along rows: another axis is copied last once.
     * (With inner == 1 the rows are already in place.) */
    size_t outer, n, inner;
    split_shape(x, axis, &outer, &n, &inner);
    if (inner == 1) {
        xl = x;
        Py_INCREF(xl);
    } else if (!(xl = copy_axis_last(x, axis))) {
        goto fail;
    }
    const size_t rows = outer * inner;
    void *o = PyArray_DATA(out);
    const void *xd = PyArray_DATA(xl);
    smx_status st;
    Py_BEGIN_ALLOW_THREADS
    switch (t) {
    case NPY_FLOAT32:
        st = smx_logsumexp_f32(o, xd, rows, n);
        break;
    case NPY_FLOAT64:
        st = smx_logsumexp_f64(o, xd, rows, n);
        break;
    case NPY_HALF:
        st = smx_logsumexp_f16(o, xd, rows, n);
        break;
    default:
        st = smx_logsumexp_bf16(o, xd, rows, n);
        break;
    }
    Py_END_ALLOW_THREADS
    if (check_status(st, func) < 0)
        goto fail;
    Py_DECREF(x);
    Py_DECREF(xl);
    if (out_obj == Py_None)
        return PyArray_Return(out);
    return (PyObject *)out;
fail:
    Py_DECREF(x);
    Py_XDECREF(xl);
    Py_XDECREF(out);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* Backward passes and JVPs                                                  */
/* ------------------------------------------------------------------------ */

/* The three forms of a pair function in one dtype T (float, double,
 * smx_f16, smx_bf16), with S the scale's type. */
#define PAIR_FNS(T, S)                                                                       \
    struct {                                                                                 \
        smx_status (*axis)(T *, const T *, const T *, size_t, size_t, size_t);               \
        smx_status (*rows)(T *, const T *, const T *, size_t, size_t);                       \
        smx_status (*scaled)(T *, const T *, const T *, size_t, size_t, S);                  \
    }

/* out = f(y, v) along an axis: a backward pass (v = dy) or a JVP (v = dx).
 * Each op has an _axis form (any axis in place), or only a row form (rows),
 * and optionally a scaled row form for a temperature; in every dtype. */
struct pair_op {
    const char *name;
    const char *v_name;
    PAIR_FNS(float, float) f32;
    PAIR_FNS(double, double) f64;
    PAIR_FNS(smx_f16, float) f16;
    PAIR_FNS(smx_bf16, float) bf16;
};

/* A backward pass: its _axis form, and its masked form for a temperature. */
#define PAIR_BACKWARD(op)                                                                    \
    {smx_##op##_backward_axis_f32, NULL, smx_##op##_masked_backward_f32},                    \
    {smx_##op##_backward_axis_f64, NULL, smx_##op##_masked_backward_f64},                    \
    {smx_##op##_backward_axis_f16, NULL, smx_##op##_masked_backward_f16},                    \
    {smx_##op##_backward_axis_bf16, NULL, smx_##op##_masked_backward_bf16}

static const struct pair_op softmax_backward_op = {"softmax_backward", "dy",
                                                   PAIR_BACKWARD(softmax)};
static const struct pair_op log_softmax_backward_op = {"log_softmax_backward", "dy",
                                                       PAIR_BACKWARD(log_softmax)};
/* The softmax Jacobian is symmetric: its JVP is its backward pass. */
static const struct pair_op softmax_jvp_op = {"softmax_jvp", "dx", PAIR_BACKWARD(softmax)};
static const struct pair_op log_softmax_jvp_op = {
    "log_softmax_jvp", "dx",
    {NULL, smx_log_softmax_jvp_f32, NULL},
    {NULL, smx_log_softmax_jvp_f64, NULL},
    {NULL, smx_log_softmax_jvp_f16, NULL},
    {NULL, smx_log_softmax_jvp_bf16, NULL}};

enum pair_form { PAIR_AXIS, PAIR_ROWS, PAIR_SCALED };

/* One call of op in dtype t: the axis form on [outer, n, inner], or a row
 * form on outer rows of n. */
static smx_status call_pair(const struct pair_op *op, enum pair_form form, int t, void *o,
                            const void *y, const void *v, size_t outer, size_t n, size_t inner,
                            double scale)
{
#define PAIR_CALL(fns, S)                                                                    \
    return form == PAIR_AXIS ? (fns).axis(o, y, v, outer, n, inner)                          \
           : form == PAIR_ROWS ? (fns).rows(o, y, v, outer, n)                               \
                               : (fns).scaled(o, y, v, outer, n, (S)scale)
    switch (t) {
    case NPY_FLOAT32:
        PAIR_CALL(op->f32, float);
    case NPY_FLOAT64:
        PAIR_CALL(op->f64, double);
    case NPY_HALF:
        PAIR_CALL(op->f16, float);
    default:
        PAIR_CALL(op->bf16, float);
    }
#undef PAIR_CALL
}

static PyObject *pair(const struct pair_op *op, PyObject *args, PyObject *kwargs)
{
    /* The second array is dy (backward) or dx (JVP), by name too. */
    char *kwlist[] = {"y", (char *)op->v_name, "axis", "temperature", "out", "dtype", NULL};
    char *kwlist_plain[] = {"y", (char *)op->v_name, "axis", "out", "dtype", NULL};
    PyObject *y_obj, *v_obj, *out_obj = Py_None, *dtype_obj = Py_None;
    int axis = -1, first;
    double temperature = 1.0;
    int ok = op->f32.scaled
                 ? PyArg_ParseTupleAndKeywords(args, kwargs, "OO|i$dOO", kwlist, &y_obj, &v_obj,
                                               &axis, &temperature, &out_obj, &dtype_obj)
                 : PyArg_ParseTupleAndKeywords(args, kwargs, "OO|i$OO", kwlist_plain, &y_obj,
                                               &v_obj, &axis, &out_obj, &dtype_obj);
    if (!ok)
        return NULL;
    const char *func = op->name;
    if (parse_dtype(dtype_obj, &first, func) < 0)
        return NULL;
    PyArrayObject *y = float_input(y_obj, func, "y", first), *v = NULL, *out = NULL;
    PyArrayObject *yl = NULL, *vl = NULL, *ol = NULL;
    if (!y)
        return NULL;
    const int t = PyArray_TYPE(y), nd = PyArray_NDIM(y);
    v = float_input(v_obj, func, op->v_name, t);
    if (!v || check_same_shape(y, v, func, "y", op->v_name) < 0)
        goto fail;
    axis = normalise_axis(axis, nd, func);
    if (axis < 0)
        goto fail;
    out = output_array(out_obj, t, nd, PyArray_DIMS(y), func, "out");
    if (!out || check_overlap(out, y, 1, func, "out", "y") < 0 ||
        check_overlap(out, v, 1, func, "out", op->v_name) < 0)
        goto fail;
    size_t outer, n, inner;
    split_shape(y, axis, &outer, &n, &inner);
    smx_status st;
    const int scaled = temperature != 1.0;

    if (!scaled && op->f32.axis) {
        void *o = PyArray_DATA(out);
        const void *yd = PyArray_DATA(y), *vd = PyArray_DATA(v);
        Py_BEGIN_ALLOW_THREADS
        st = call_pair(op, PAIR_AXIS, t, o, yd, vd, outer, n, inner, 1.0);
        Py_END_ALLOW_THREADS
        if (check_status(st, func) < 0)
            goto fail;
        Py_DECREF(y);
        Py_DECREF(v);
        return (PyObject *)out;
    }

    /* Row functions only: another axis is copied last once. */
    if (inner == 1) {
        yl = y;
        vl = v;
        ol = out;
        Py_INCREF(yl);
        Py_INCREF(vl);
        Py_INCREF(ol);
    } else {
        yl = copy_axis_last(y, axis);
        vl = yl ? copy_axis_last(v, axis) : NULL;
        ol = vl ? (PyArrayObject *)PyArray_SimpleNew(nd, PyArray_DIMS(yl), t) : NULL;
        if (!ol)
            goto fail;
    }
    const size_t rows = outer * inner;
    const double scale = temperature_scale(temperature);
    void *o = PyArray_DATA(ol);
    const void *yd = PyArray_DATA(yl), *vd = PyArray_DATA(vl);
    Py_BEGIN_ALLOW_THREADS
    st = call_pair(op, scaled ? PAIR_SCALED : PAIR_ROWS, t, o, yd, vd, rows, n, 1, scale);
    Py_END_ALLOW_THREADS
    if (check_status(st, func) < 0)
        goto fail;
    if (ol != out) {
        PyArrayObject *back = view_last_to_axis(ol, axis);
        if (!back || PyArray_CopyInto(out, back) < 0) {
            Py_XDECREF(back);
            goto fail;
        }
        Py_DECREF(back);
    }
    Py_DECREF(y);
    Py_DECREF(v);
    Py_DECREF(yl);
    Py_DECREF(vl);
    Py_DECREF(ol);
    return (PyObject *)out;
fail:
    Py_DECREF(y);
    Py_XDECREF(v);
    Py_XDECREF(out);
    Py_XDECREF(yl);
    Py_XDECREF(vl);
    Py_XDECREF(ol);
    return NULL;
}

static PyObject *py_softmax_backward(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    return pair(&softmax_backward_op, args, kwargs);
}

static PyObject *py_log_softmax_backward(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    return pair(&log_softmax_backward_op, args, kwargs);
}

static PyObject *py_softmax_jvp(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    return pair(&softmax_jvp_op, args, kwargs);
}

static PyObject *py_log_softmax_jvp(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    return pair(&log_softmax_jvp_op, args, kwargs);
}

/* ------------------------------------------------------------------------ */
/* jacobian                                                                  */
/* ------------------------------------------------------------------------ */

static PyObject *py_jacobian(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    static char *kwlist[] = {"y", "out", NULL};
    PyObject *y_obj, *out_obj = Py_None;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|$O", kwlist, &y_obj, &out_obj))
        return NULL;
    const char *func = "jacobian";
    PyArrayObject *y = float_input(y_obj, func, "y", FIRST_ARRAY), *out = NULL;
    if (!y)
        return NULL;
    const int t = PyArray_TYPE(y), nd = PyArray_NDIM(y);
    if (t == NPY_HALF) {
        /* an n x n matrix is for looking at: the library has it in float32 and float64 */
        PyErr_Format(PyExc_TypeError,
                     "%s: y has dtype float16; the Jacobian is computed in float32 or float64 "
                     "only (convert with .astype(np.float32): every float16 is a float32)",
                     func);
        goto fail;
    }
    if (nd < 1 || nd >= NPY_MAXDIMS) {
        PyErr_Format(PyExc_ValueError, "%s: y must have at least one axis (..., n)", func);
        goto fail;
    }
    npy_intp shape[NPY_MAXDIMS];
    for (int k = 0; k < nd; k++)
        shape[k] = PyArray_DIM(y, k);
    const npy_intp n = shape[nd - 1];
    shape[nd] = n;
    out = output_array(out_obj, t, nd + 1, shape, func, "out");
    if (!out || check_overlap(out, y, 0, func, "out", "y") < 0)
        goto fail;
    const size_t rows = n ? (size_t)(PyArray_SIZE(y) / n) : 0;
    const size_t size = PyArray_ITEMSIZE(y);
    char *o = PyArray_DATA(out);
    const char *yd = PyArray_DATA(y);
    smx_status st = SMX_OK;
    Py_BEGIN_ALLOW_THREADS
    for (size_t r = 0; r < rows && st == SMX_OK; r++) {
        void *jac = o + r * (size_t)n * (size_t)n * size;
        const void *row = yd + r * (size_t)n * size;
        st = t == NPY_FLOAT32 ? smx_softmax_jacobian_f32(jac, row, (size_t)n)
                              : smx_softmax_jacobian_f64(jac, row, (size_t)n);
    }
    Py_END_ALLOW_THREADS
    if (check_status(st, func) < 0)
        goto fail;
    Py_DECREF(y);
    return (PyObject *)out;
fail:
    Py_DECREF(y);
    Py_XDECREF(out);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* cross_entropy, nll_loss                                                   */
/* ------------------------------------------------------------------------ */

/* Integer class indices as int32 (a new array), any integer dtype taken;
 * a value outside int32 is the library's bad-label error (it cannot be a
 * class), unless it is the ignore index, which cannot be outside int32. */
static PyArrayObject *labels_input(PyArrayObject *target, const char *func)
{
    PyArrayObject *wide = (PyArrayObject *)PyArray_FromArray(
        target, PyArray_DescrFromType(NPY_INT64), NPY_ARRAY_CARRAY_RO | NPY_ARRAY_FORCECAST);
    if (!wide)
        return NULL;
    PyArrayObject *labels = (PyArrayObject *)PyArray_SimpleNew(
        PyArray_NDIM(wide), PyArray_DIMS(wide), NPY_INT32);
    if (!labels) {
        Py_DECREF(wide);
        return NULL;
    }
    const int64_t *w = PyArray_DATA(wide);
    int32_t *l = PyArray_DATA(labels);
    const npy_intp count = PyArray_SIZE(wide);
    for (npy_intp i = 0; i < count; i++) {
        if (w[i] < INT32_MIN || w[i] > INT32_MAX) {
            PyErr_Format(PyExc_ValueError, "%s: %s", func, smx_strerror(SMX_ERR_BAD_LABEL));
            Py_DECREF(wide);
            Py_DECREF(labels);
            return NULL;
        }
        l[i] = (int32_t)w[i];
    }
    Py_DECREF(wide);
    return labels;
}

static int parse_reduction(const char *s, smx_reduction *r, const char *func)
{
    if (strcmp(s, "mean") == 0)
        *r = SMX_REDUCTION_MEAN;
    else if (strcmp(s, "sum") == 0)
        *r = SMX_REDUCTION_SUM;
    else if (strcmp(s, "none") == 0)
        *r = SMX_REDUCTION_NONE;
    else {
        PyErr_Format(PyExc_ValueError,
                     "%s: reduction must be 'mean', 'sum' or 'none', not '%s'", func, s);
        return -1;
    }
    return 0;
}

/* The outputs of a loss from `out`: None, a loss array (grad=False), or a
 * (loss, grad) tuple (grad=True). */
static int loss_outputs(PyObject *out_obj, int want_grad, PyObject **loss_out,
                        PyObject **grad_out, const char *func)
{
    *loss_out = Py_None;
    *grad_out = Py_None;
    if (out_obj == Py_None)
        return 0;
    if (!want_grad) {
        *loss_out = out_obj;
        return 0;
    }
    if (!PyTuple_Check(out_obj) || PyTuple_GET_SIZE(out_obj) != 2) {
        PyErr_Format(PyExc_TypeError,
                     "%s: with grad=True, out must be a tuple (loss, grad) of arrays", func);
        return -1;
    }
    *loss_out = PyTuple_GET_ITEM(out_obj, 0);
    *grad_out = PyTuple_GET_ITEM(out_obj, 1);
    return 0;
}

static PyObject *loss(int is_nll, PyObject *args, PyObject *kwargs)
{
    static char *kwlist[] = {"input", "target", "weight", "ignore_index", "reduction",
                             "label_smoothing", "grad", "out", "dtype", NULL};
    PyObject *x_obj, *target_obj, *weight_obj = Py_None, *ignore_obj = NULL, *out_obj = Py_None;
    PyObject *dtype_obj = Py_None;
    const char *reduction_s = "mean";
    double smoothing = 0.0;
    int want_grad = 1, first;
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "OO|$OOsdpOO", kwlist, &x_obj, &target_obj,
                                     &weight_obj, &ignore_obj, &reduction_s, &smoothing,
                                     &want_grad, &out_obj, &dtype_obj))
        return NULL;
    const char *func = is_nll ? "nll_loss" : "cross_entropy";
    const char *x_name = is_nll ? "log_probs" : "logits";
    smx_reduction reduction;
    if (parse_reduction(reduction_s, &reduction, func) < 0 ||
        parse_dtype(dtype_obj, &first, func) < 0)
        return NULL;
    /* PyTorch's ignore_index: -100 unless given; None turns it off. */
    int has_ignore = 1;
    long ignore_index = -100;
    if (ignore_obj == Py_None) {
        has_ignore = 0;
    } else if (ignore_obj) {
        ignore_index = PyLong_AsLong(ignore_obj);
        if (ignore_index == -1 && PyErr_Occurred())
            return NULL;
        if (ignore_index < INT32_MIN || ignore_index > INT32_MAX) {
            PyErr_Format(PyExc_ValueError, "%s: ignore_index must fit in int32", func);
            return NULL;
        }
    }
    PyObject *loss_obj, *grad_obj;
    if (loss_outputs(out_obj, want_grad, &loss_obj, &grad_obj, func) < 0)
        return NULL;

    PyArrayObject *x = float_input(x_obj, func, x_name, first);
    PyArrayObject *target = NULL, *soft = NULL, *labels = NULL, *weight = NULL;
    PyArrayObject *loss_arr = NULL, *grad = NULL;
    if (!x)
        return NULL;
    const int t = PyArray_TYPE(x), nd = PyArray_NDIM(x);
    if (nd != 1 && nd != 2) {
        PyErr_Format(PyExc_ValueError, "%s: %s must have shape (N, C) or (C,), not %d axes",
                     func, x_name, nd);
        goto fail;
    }
    const npy_intp rows = nd == 2 ? PyArray_DIM(x, 0) : 1;
    const npy_intp cols = PyArray_DIM(x, nd - 1);

    /* The target: class indices of shape (N,) (() for one sample), or for
     * cross-entropy probabilities of the logits' shape. */
    target = (PyArrayObject *)PyArray_FROM_O(target_obj);
    if (!target)
        goto fail;
    const int tt = PyArray_TYPE(target);
    /* bfloat16 probabilities are uint16 too: told from class indices by
     * their shape, the logits' (class indices have one axis less) */
    const int bf16_soft = t == NPY_UINT16 && tt == NPY_UINT16 && PyArray_NDIM(target) == nd;
    if ((PyArray_ISFLOAT(target) || bf16_soft) && !is_nll) {
        soft = float_input((PyObject *)target, func, "target", t);
        if (!soft || check_same_shape(x, soft, func, x_name, "target (probabilities)") < 0)
            goto fail;
    } else if (PyTypeNum_ISINTEGER(tt)) {
        const npy_intp want = rows;
        if (!same_shape(target, nd - 1, &want)) {
            PyErr_Format(PyExc_ValueError,
                         nd == 2 ? "%s: target (class indices) must have shape (%zd,)"
                                 : "%s: target (class index) must be a scalar for %zd sample",
                         func, (Py_ssize_t)rows);
            goto fail;
        }
        labels = labels_input(target, func);
        if (!labels)
            goto fail;
    } else {
        PyErr_Format(PyExc_TypeError,
                     is_nll ? "%s: target has dtype %R; it must hold integer class indices"
                            : "%s: target has dtype %R; it must hold integer class indices, "
                              "or probabilities of the logits' dtype",
                     func, (PyObject *)PyArray_DESCR(target));
        goto fail;
    }
    if (weight_obj != Py_None) {
        /* the half formats take the library's float32 class weights */
        weight = (PyArrayObject *)PyArray_FROM_O(weight_obj);
        if (weight && is_half_type(t) && PyArray_TYPE(weight) != NPY_FLOAT32) {
            PyErr_Format(PyExc_TypeError,
                         "%s: weight has dtype %R; the class weights of float16 or bfloat16 "
                         "logits are float32",
                         func, (PyObject *)PyArray_DESCR(weight));
            goto fail;
        }
        if (weight) {
            PyArrayObject *w = float_input((PyObject *)weight, func, "weight", wide_type(t));
            Py_DECREF(weight);
            weight = w;
        }
        if (!weight)
            goto fail;
        if (PyArray_NDIM(weight) != 1 || PyArray_DIM(weight, 0) != cols) {
            PyErr_Format(PyExc_ValueError, "%s: weight must have shape (%zd,), one per class",
                         func, (Py_ssize_t)cols);
            goto fail;
        }
    }

    const int per_row = reduction == SMX_REDUCTION_NONE && nd == 2;
    /* Outputs overlap no input, except the gradient that replaces x. */
    /* float32 for the half formats, whose gradient is in the logits' */
    loss_arr = output_array(loss_obj, wide_type(t), per_row ? 1 : 0, &rows, func, "loss out");
    if (!loss_arr || check_overlap(loss_arr, x, 0, func, "loss out", x_name) < 0 ||
        (soft && check_overlap(loss_arr, soft, 0, func, "loss out", "target") < 0) ||
        (weight && check_overlap(loss_arr, weight, 0, func, "loss out", "weight") < 0))
        goto fail;
    if (want_grad) {
        grad = output_array(grad_obj, t, nd, PyArray_DIMS(x), func, "grad out");
        if (!grad || check_overlap(grad, x, 1, func, "grad out", x_name) < 0 ||
            check_overlap(grad, loss_arr, 0, func, "grad out", "loss out") < 0 ||
            (soft && check_overlap(grad, soft, 0, func, "grad out", "target") < 0) ||
            (weight && check_overlap(grad, weight, 0, func, "grad out", "weight") < 0))
            goto fail;
    }

    void *l = PyArray_DATA(loss_arr), *dx = grad ? PyArray_DATA(grad) : NULL;
    const void *xd = PyArray_DATA(x), *wd = weight ? PyArray_DATA(weight) : NULL;
    const void *sd = soft ? PyArray_DATA(soft) : NULL;
    const int32_t *ld = labels ? PyArray_DATA(labels) : NULL;
    smx_status st;
    const size_t r = (size_t)rows, c = (size_t)cols;
    Py_BEGIN_ALLOW_THREADS
    if (t != NPY_FLOAT64) {
        /* Soft targets have no ignore index (PyTorch ignores it there). */
        const smx_cross_entropy_options_f32 opt = {reduction, has_ignore && !soft,
                                                   (int32_t)ignore_index, wd, (float)smoothing};
        if (t == NPY_FLOAT32)
            st = is_nll ? smx_nll_loss_f32(l, dx, xd, ld, r, c, &opt)
                 : soft ? smx_cross_entropy_soft_f32(l, dx, xd, sd, r, c, &opt)
                        : smx_cross_entropy_ex_f32(l, dx, xd, ld, r, c, &opt);
        else if (t == NPY_HALF)
            st = is_nll ? smx_nll_loss_f16(l, dx, xd, ld, r, c, &opt)
                 : soft ? smx_cross_entropy_soft_f16(l, dx, xd, sd, r, c, &opt)
                        : smx_cross_entropy_ex_f16(l, dx, xd, ld, r, c, &opt);
        else
            st = is_nll ? smx_nll_loss_bf16(l, dx, xd, ld, r, c, &opt)
                 : soft ? smx_cross_entropy_soft_bf16(l, dx, xd, sd, r, c, &opt)
                        : smx_cross_entropy_ex_bf16(l, dx, xd, ld, r, c, &opt);
    } else {
        const smx_cross_entropy_options_f64 opt = {reduction, has_ignore && !soft,
                                                   (int32_t)ignore_index, wd, smoothing};
        if (is_nll)
            st = smx_nll_loss_f64(l, dx, xd, ld, (size_t)rows, (size_t)cols, &opt);
        else if (soft)
            st = smx_cross_entropy_soft_f64(l, dx, xd, sd, (size_t)rows, (size_t)cols, &opt);
        else
            st = smx_cross_entropy_ex_f64(l, dx, xd, ld, (size_t)rows, (size_t)cols, &opt);
    }
    Py_END_ALLOW_THREADS
    if (check_status(st, func) < 0)
        goto fail;

    Py_DECREF(x);
    Py_DECREF(target);
    Py_XDECREF(soft);
    Py_XDECREF(labels);
    Py_XDECREF(weight);
    PyObject *loss_result = loss_obj == Py_None ? PyArray_Return(loss_arr) : (PyObject *)loss_arr;
    if (!want_grad)
        return loss_result;
    if (!loss_result) {
        Py_DECREF(grad);
        return NULL;
    }
    PyObject *pair_result = PyTuple_Pack(2, loss_result, (PyObject *)grad);
    Py_DECREF(loss_result);
    Py_DECREF(grad);
    return pair_result;
fail:
    Py_DECREF(x);
    Py_XDECREF(target);
    Py_XDECREF(soft);
    Py_XDECREF(labels);
    Py_XDECREF(weight);
    Py_XDECREF(loss_arr);
    Py_XDECREF(grad);
    return NULL;
}

static PyObject *py_cross_entropy(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    return loss(0, args, kwargs);
}

static PyObject *py_nll_loss(PyObject *self, PyObject *args, PyObject *kwargs)
{
    (void)self;
    return loss(1, args, kwargs);
}

/* ------------------------------------------------------------------------ */
/* Threads, paths, info                                                      */
/* ------------------------------------------------------------------------ */

static PyObject *py_set_num_threads(PyObject *self, PyObject *arg)
{
    (void)self;
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred())
        return NULL;
    if (n < INT32_MIN || n > INT32_MAX) {
        PyErr_SetString(PyExc_ValueError, "set_num_threads: n must fit in an int");
        return NULL;
    }
    if (check_status(smx_set_num_threads((int)n), "set_num_threads") < 0)
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *py_get_num_threads(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyLong_FromLong(smx_get_num_threads());
}

static const smx_isa all_isas[] = {SMX_ISA_SCALAR, SMX_ISA_AVX2, SMX_ISA_AVX512, SMX_ISA_NEON};

static PyObject *py_set_isa(PyObject *self, PyObject *arg)
{
    (void)self;
    const char *name = PyUnicode_AsUTF8(arg);
    if (!name)
        return NULL;
    for (size_t i = 0; i < sizeof all_isas / sizeof all_isas[0]; i++) {
        if (strcmp(name, smx_isa_name(all_isas[i])) == 0) {
            if (check_status(smx_set_isa(all_isas[i]), "set_isa") < 0)
                return NULL;
            Py_RETURN_NONE;
        }
    }
    PyErr_Format(PyExc_ValueError,
                 "set_isa: unknown instruction set '%s' (scalar, avx2, avx512 or neon)", name);
    return NULL;
}

static PyObject *py_get_isa(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    return PyUnicode_FromString(smx_isa_name(smx_get_isa()));
}

/* Set a key of d to a new reference, consumed. */
static int set_item(PyObject *d, const char *key, PyObject *value)
{
    if (!value)
        return -1;
    int r = PyDict_SetItemString(d, key, value);
    Py_DECREF(value);
    return r;
}

static PyObject *py_info(PyObject *self, PyObject *unused)
{
    (void)self;
    (void)unused;
    static const char *const operations[] = {
        "softmax",          "log_softmax",          "logsumexp",
        "softmax_backward", "log_softmax_backward", "log_softmax_jvp",
        "softmax_jacobian", "cross_entropy",        "cross_entropy_ex",
        "cross_entropy_soft", "nll_loss"};
    PyObject *d = PyDict_New(), *kernels = PyDict_New();
    if (!d || !kernels)
        goto fail;
    if (set_item(d, "version", PyUnicode_FromString(smx_version())) < 0 ||
        set_item(d, "isa", PyUnicode_FromString(smx_isa_name(smx_get_isa()))) < 0 ||
        set_item(d, "best_isa", PyUnicode_FromString(smx_isa_name(smx_best_isa()))) < 0 ||
        set_item(d, "num_threads", PyLong_FromLong(smx_get_num_threads())) < 0)
        goto fail;
    static const char *const dtypes[] = {"f32", "f64", "bf16", "f16"};
    for (size_t i = 0; i < sizeof operations / sizeof operations[0]; i++) {
        for (size_t t = 0; t < sizeof dtypes / sizeof dtypes[0]; t++) {
            char name[64]; /* the Jacobian has no half twins: no entry */
            snprintf(name, sizeof name, "%s_%s", operations[i], dtypes[t]);
            const char *k = smx_kernel_name(name);
            if (k && set_item(kernels, name, PyUnicode_FromString(k)) < 0)
                goto fail;
        }
    }
    if (PyDict_SetItemString(d, "kernels", kernels) < 0)
        goto fail;
    Py_DECREF(kernels);
    return d;
fail:
    Py_XDECREF(d);
    Py_XDECREF(kernels);
    return NULL;
}

/* ------------------------------------------------------------------------ */
/* The module                                                                */
/* ------------------------------------------------------------------------ */

#define KW (PyCFunction)(void (*)(void))
static PyMethodDef methods[] = {
    {"softmax", KW py_softmax, METH_VARARGS | METH_KEYWORDS, DOC_SOFTMAX},
    {"log_softmax", KW py_log_softmax, METH_VARARGS | METH_KEYWORDS, DOC_LOG_SOFTMAX},
    {"logsumexp", KW py_logsumexp, METH_VARARGS | METH_KEYWORDS, DOC_LOGSUMEXP},
    {"softmax_backward", KW py_softmax_backward, METH_VARARGS | METH_KEYWORDS, DOC_SOFTMAX_BACKWARD},
    {"log_softmax_backward", KW py_log_softmax_backward, METH_VARARGS | METH_KEYWORDS, DOC_LOG_SOFTMAX_BACKWARD},
    {"softmax_jvp", KW py_softmax_jvp, METH_VARARGS | METH_KEYWORDS, DOC_SOFTMAX_JVP},
    {"log_softmax_jvp", KW py_log_softmax_jvp, METH_VARARGS | METH_KEYWORDS, DOC_LOG_SOFTMAX_JVP},
    {"jacobian", KW py_jacobian, METH_VARARGS | METH_KEYWORDS, DOC_JACOBIAN},
    {"cross_entropy", KW py_cross_entropy, METH_VARARGS | METH_KEYWORDS, DOC_CROSS_ENTROPY},
    {"nll_loss", KW py_nll_loss, METH_VARARGS | METH_KEYWORDS, DOC_NLL_LOSS},
    {"set_num_threads", py_set_num_threads, METH_O, DOC_SET_NUM_THREADS},
    {"get_num_threads", py_get_num_threads, METH_NOARGS, DOC_GET_NUM_THREADS},
    {"set_isa", py_set_isa, METH_O, DOC_SET_ISA},
    {"get_isa", py_get_isa, METH_NOARGS, DOC_GET_ISA},
    {"info", py_info, METH_NOARGS, DOC_INFO},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "smx._core", "libsmx's functions on NumPy arrays (see smx).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__core(void)
{
    import_array();
    PyObject *np = PyImport_ImportModule("numpy");
    if (!np)
        return NULL;
    axis_error = PyObject_GetAttrString(np, "AxisError");
    Py_DECREF(np);
    if (!axis_error) {
        PyErr_Clear();
        axis_error = PyExc_ValueError;
        Py_INCREF(axis_error);
    }
    return PyModule_Create(&module);
}
