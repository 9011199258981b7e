/*
 * test_logits.c: tests of every function in include/logits.h, from C.
 *
 * Every numeric result is compared with an independent reference written
 * here in long double (expl, logl, log1pl, expm1l) straight from the formulas
 * in the header, with a tolerance derived from the rounding of the output
 * type (see "Tolerances" below). Also tested: lengths around SIMD widths, the
 * general (outer, axis_len, inner) form against the row form on a transposed
 * copy, temperatures, the special values the header promises, in place,
 * determinism, and every error path (each of which must leave all buffers
 * untouched).
 *
 * Build and run (from the repository root, after `make lib`):
 *   cc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude Tests/c/test_logits.c \
 *      -Lbuild/lib -llogits -lm -Wl,-rpath,"$PWD/build/lib" -o build/test_logits
 *   ./build/test_logits        # -v lists every case
 *
 * Prints each failed check as file:line with the values involved (on stderr),
 * then exactly one line "N passed, M failed" (N, M count test cases) on
 * stdout, and exits non-zero if any case failed.
 */
#include "logits.h"
#include "logits.h" /* the include guard must make a second include harmless */

#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "operation_list.h"


/* ======================================================================== */
/* Element types                                                            */
/* ======================================================================== */

typedef struct {
    int is64;
    const char *name;
    size_t size;
    ld eps;  /* FLT_EPSILON / DBL_EPSILON */
    ld minv; /* smallest normal */
    ld maxv; /* largest finite */
    ld tiny; /* two units in the last place of a subnormal */
    ld c;    /* rounding-error multiplier of the softmax family: 4 (f32), 8 (f64) */
} dtype_t;

/* c: the rounding-error multiplier of the softmax family, the list's bound
 * of the softmax gradient in each type (abi/operations.h), set in main. */
static dtype_t DTYPES[2] = {
    {0, "f32", sizeof(float), FLT_EPSILON, FLT_MIN, FLT_MAX, 2.0L * FLT_MIN * FLT_EPSILON, 0},
    {1, "f64", sizeof(double), DBL_EPSILON, DBL_MIN, DBL_MAX, 2.0L * DBL_MIN * DBL_EPSILON, 0},
};
#define FOR_EACH_DTYPE(t) for (t = &DTYPES[0]; t != &DTYPES[2]; t++)

static ld get(const dtype_t *t, const void *p, size_t i)
{
    return t->is64 ? (ld)((const double *)p)[i] : (ld)((const float *)p)[i];
}

static void put(const dtype_t *t, void *p, size_t i, ld v)
{
    if (t->is64)
        ((double *)p)[i] = (double)v;
    else
        ((float *)p)[i] = (float)v;
}

static void *elem(const dtype_t *t, void *p, size_t i) { return (char *)p + i * t->size; }

static ld round_to(const dtype_t *t, ld v) { return t->is64 ? (ld)(double)v : (ld)(float)v; }

static void *alloc_elems(const dtype_t *t, size_t n) { return xmalloc(n * t->size); }

static void *dup_elems(const dtype_t *t, const void *p, size_t n)
{
    void *q = alloc_elems(t, n);
    if (n) memcpy(q, p, n * t->size);
    return q;
}

#define CANARY 12345.0L

static void fill(const dtype_t *t, void *p, size_t n, ld v)
{
    size_t i;
    for (i = 0; i < n; i++) put(t, p, i, v);
}

static int all_equal_to(const dtype_t *t, const void *p, size_t n, ld v)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (get(t, p, i) != v) return 0;
    return 1;
}

/* ======================================================================== */
/* Random numbers (xorshift64*, fixed seed: runs are reproducible)          */
/* ======================================================================== */

static uint64_t g_rng = 0x9E3779B97F4A7C15ULL;

static uint64_t rng_next(void)
{
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return g_rng * 2685821657736338717ULL;
}

static ld rng_unit(void) { return (ld)(rng_next() >> 11) / 9007199254740992.0L; }
static ld rng_uniform(ld lo, ld hi) { return lo + (hi - lo) * rng_unit(); }

static void fill_uniform(const dtype_t *t, void *p, size_t n, ld lo, ld hi)
{
    size_t i;
    for (i = 0; i < n; i++) put(t, p, i, rng_uniform(lo, hi));
}

/* ======================================================================== */
/* The functions under test, behind one calling convention                  */
/* ======================================================================== */

enum {
    FN_SOFTMAX,
    FN_LOG_SOFTMAX,
    FN_LSE,
    FN_SOFTMAX_BWD,
    FN_LOG_SOFTMAX_BWD,
    FN_SIGMOID,
    FN_LOG_SIGMOID,
    FN_SOFTPLUS,
    FN_SIGMOID_BWD,
    FN_LOG_SIGMOID_BWD,
    FN_SOFTPLUS_BWD
};

/* K_FWD: x -> y, same shape. K_LSE: x -> one value per slice.
 * K_BWD: (y, dy) -> dx along an axis. K_EW: x -> y elementwise.
 * K_EWB: (y, dy) -> dx elementwise. */
enum { K_FWD, K_LSE, K_BWD, K_EW, K_EWB };

typedef struct {
    int fn;
    int axis; /* 0: row form (rows, cols) or count; 1: (outer, axis_len, inner, T) */
    const char *name;
    int ex; /* elementwise: 1 for the _ex form (count, precision) */
} op_t;

static const op_t OPS[] = {
    {FN_SOFTMAX, 0, "softmax", 0},
    {FN_SOFTMAX, 1, "softmax_axis", 0},
    {FN_LOG_SOFTMAX, 0, "log_softmax", 0},
    {FN_LOG_SOFTMAX, 1, "log_softmax_axis", 0},
    {FN_LSE, 0, "logsumexp", 0},
    {FN_LSE, 1, "logsumexp_axis", 0},
    {FN_SOFTMAX_BWD, 0, "softmax_backward", 0},
    {FN_SOFTMAX_BWD, 1, "softmax_backward_axis", 0},
    {FN_LOG_SOFTMAX_BWD, 0, "log_softmax_backward", 0},
    {FN_LOG_SOFTMAX_BWD, 1, "log_softmax_backward_axis", 0},
    {FN_SIGMOID, 0, "sigmoid", 0},
    {FN_LOG_SIGMOID, 0, "log_sigmoid", 0},
    {FN_SOFTPLUS, 0, "softplus", 0},
    {FN_SIGMOID_BWD, 0, "sigmoid_backward", 0},
    {FN_LOG_SIGMOID_BWD, 0, "log_sigmoid_backward", 0},
    {FN_SOFTPLUS_BWD, 0, "softplus_backward", 0},
    /* The _ex forms, with the precision passed explicitly (the one the
     * plain names use in this run, so the same checks hold). */
    {FN_SIGMOID, 0, "sigmoid_ex", 1},
    {FN_LOG_SIGMOID, 0, "log_sigmoid_ex", 1},
    {FN_SOFTPLUS, 0, "softplus_ex", 1},
    {FN_SIGMOID_BWD, 0, "sigmoid_backward_ex", 1},
    {FN_LOG_SIGMOID_BWD, 0, "log_sigmoid_backward_ex", 1},
    {FN_SOFTPLUS_BWD, 0, "softplus_backward_ex", 1},
};
#define N_OPS (sizeof OPS / sizeof OPS[0])
#define FOR_EACH_OP(op) for (op = &OPS[0]; op != &OPS[N_OPS]; op++)

static const op_t OP_SOFTMAX = {FN_SOFTMAX, 0, "softmax", 0};
static const op_t OP_SOFTMAX_AXIS = {FN_SOFTMAX, 1, "softmax_axis", 0};
static const op_t OP_LOG_SOFTMAX = {FN_LOG_SOFTMAX, 0, "log_softmax", 0};
static const op_t OP_LOG_SOFTMAX_AXIS = {FN_LOG_SOFTMAX, 1, "log_softmax_axis", 0};
static const op_t OP_LSE = {FN_LSE, 0, "logsumexp", 0};
static const op_t OP_LSE_AXIS = {FN_LSE, 1, "logsumexp_axis", 0};

static int kind_of(int fn)
{
    switch (fn) {
    case FN_SOFTMAX:
    case FN_LOG_SOFTMAX: return K_FWD;
    case FN_LSE: return K_LSE;
    case FN_SOFTMAX_BWD:
    case FN_LOG_SOFTMAX_BWD: return K_BWD;
    case FN_SIGMOID:
    case FN_LOG_SIGMOID:
    case FN_SOFTPLUS: return K_EW;
    default: return K_EWB;
    }
}

static int has_two_inputs(const op_t *op)
{
    int k = kind_of(op->fn);
    return k == K_BWD || k == K_EWB;
}

static int is_elementwise(const op_t *op)
{
    int k = kind_of(op->fn);
    return k == K_EW || k == K_EWB;
}

/* The forward function whose output a backward function takes. */
static op_t forward_of(const op_t *op)
{
    op_t f = *op;
    switch (op->fn) {
    case FN_SOFTMAX_BWD: f.fn = FN_SOFTMAX; break;
    case FN_LOG_SOFTMAX_BWD: f.fn = FN_LOG_SOFTMAX; break;
    case FN_SIGMOID_BWD: f.fn = FN_SIGMOID; break;
    case FN_LOG_SIGMOID_BWD: f.fn = FN_LOG_SIGMOID; break;
    case FN_SOFTPLUS_BWD: f.fn = FN_SOFTPLUS; break;
    default: break;
    }
    return f;
}

/* A shape: (count) for elementwise ops, (rows, cols) for the row form,
 * (outer, axis_len, inner) for the _axis form. */
typedef struct {
    size_t s1, s2, s3;
} shape_t;

static size_t in_count(const op_t *op, shape_t s)
{
    if (is_elementwise(op)) return s.s1;
    return op->axis ? s.s1 * s.s2 * s.s3 : s.s1 * s.s2;
}

static size_t out_count(const op_t *op, shape_t s)
{
    if (kind_of(op->fn) == K_LSE) return op->axis ? s.s1 * s.s3 : s.s1;
    return in_count(op, s);
}

/* a = x (or y), b = dy (two-input ops only), out = y (or dx). */
static logits_status call_op(const op_t *op, const dtype_t *t, const void *a, const void *b,
                             void *out, shape_t s, ld T)
{
    if (!t->is64) {
        const float *x = (const float *)a, *dy = (const float *)b;
        float *y = (float *)out, Tf = (float)T;
        switch (op->fn) {
        case FN_SOFTMAX:
            return op->axis ? logits_softmax_axis_f32(x, y, s.s1, s.s2, s.s3, Tf, LOGITS_PRECISION_DEFAULT)
                            : logits_softmax_f32(x, y, s.s1, s.s2);
        case FN_LOG_SOFTMAX:
            return op->axis ? logits_log_softmax_axis_f32(x, y, s.s1, s.s2, s.s3, Tf, LOGITS_PRECISION_DEFAULT)
                            : logits_log_softmax_f32(x, y, s.s1, s.s2);
        case FN_LSE:
            return op->axis ? logits_logsumexp_axis_f32(x, y, s.s1, s.s2, s.s3, Tf, LOGITS_PRECISION_DEFAULT)
                            : logits_logsumexp_f32(x, y, s.s1, s.s2);
        case FN_SOFTMAX_BWD:
            return op->axis ? logits_softmax_backward_axis_f32(x, dy, y, s.s1, s.s2, s.s3, Tf, LOGITS_PRECISION_DEFAULT)
                            : logits_softmax_backward_f32(x, dy, y, s.s1, s.s2);
        case FN_LOG_SOFTMAX_BWD:
            return op->axis ? logits_log_softmax_backward_axis_f32(x, dy, y, s.s1, s.s2, s.s3, Tf, LOGITS_PRECISION_DEFAULT)
                            : logits_log_softmax_backward_f32(x, dy, y, s.s1, s.s2);
        case FN_SIGMOID:
            return op->ex ? logits_sigmoid_ex_f32(x, y, s.s1, logits_get_precision()) : logits_sigmoid_f32(x, y, s.s1);
        case FN_LOG_SIGMOID:
            return op->ex ? logits_log_sigmoid_ex_f32(x, y, s.s1, logits_get_precision()) : logits_log_sigmoid_f32(x, y, s.s1);
        case FN_SOFTPLUS:
            return op->ex ? logits_softplus_ex_f32(x, y, s.s1, logits_get_precision()) : logits_softplus_f32(x, y, s.s1);
        case FN_SIGMOID_BWD:
            return op->ex ? logits_sigmoid_backward_ex_f32(x, dy, y, s.s1, logits_get_precision())
                          : logits_sigmoid_backward_f32(x, dy, y, s.s1);
        case FN_LOG_SIGMOID_BWD:
            return op->ex ? logits_log_sigmoid_backward_ex_f32(x, dy, y, s.s1, logits_get_precision())
                          : logits_log_sigmoid_backward_f32(x, dy, y, s.s1);
        case FN_SOFTPLUS_BWD:
            return op->ex ? logits_softplus_backward_ex_f32(x, dy, y, s.s1, logits_get_precision())
                          : logits_softplus_backward_f32(x, dy, y, s.s1);
        default: break;
        }
    } else {
        const double *x = (const double *)a, *dy = (const double *)b;
        double *y = (double *)out, Td = (double)T;
        switch (op->fn) {
        case FN_SOFTMAX:
            return op->axis ? logits_softmax_axis_f64(x, y, s.s1, s.s2, s.s3, Td, LOGITS_PRECISION_DEFAULT)
                            : logits_softmax_f64(x, y, s.s1, s.s2);
        case FN_LOG_SOFTMAX:
            return op->axis ? logits_log_softmax_axis_f64(x, y, s.s1, s.s2, s.s3, Td, LOGITS_PRECISION_DEFAULT)
                            : logits_log_softmax_f64(x, y, s.s1, s.s2);
        case FN_LSE:
            return op->axis ? logits_logsumexp_axis_f64(x, y, s.s1, s.s2, s.s3, Td, LOGITS_PRECISION_DEFAULT)
                            : logits_logsumexp_f64(x, y, s.s1, s.s2);
        case FN_SOFTMAX_BWD:
            return op->axis ? logits_softmax_backward_axis_f64(x, dy, y, s.s1, s.s2, s.s3, Td, LOGITS_PRECISION_DEFAULT)
                            : logits_softmax_backward_f64(x, dy, y, s.s1, s.s2);
        case FN_LOG_SOFTMAX_BWD:
            return op->axis ? logits_log_softmax_backward_axis_f64(x, dy, y, s.s1, s.s2, s.s3, Td, LOGITS_PRECISION_DEFAULT)
                            : logits_log_softmax_backward_f64(x, dy, y, s.s1, s.s2);
        case FN_SIGMOID:
            return op->ex ? logits_sigmoid_ex_f64(x, y, s.s1, logits_get_precision()) : logits_sigmoid_f64(x, y, s.s1);
        case FN_LOG_SIGMOID:
            return op->ex ? logits_log_sigmoid_ex_f64(x, y, s.s1, logits_get_precision()) : logits_log_sigmoid_f64(x, y, s.s1);
        case FN_SOFTPLUS:
            return op->ex ? logits_softplus_ex_f64(x, y, s.s1, logits_get_precision()) : logits_softplus_f64(x, y, s.s1);
        case FN_SIGMOID_BWD:
            return op->ex ? logits_sigmoid_backward_ex_f64(x, dy, y, s.s1, logits_get_precision())
                          : logits_sigmoid_backward_f64(x, dy, y, s.s1);
        case FN_LOG_SIGMOID_BWD:
            return op->ex ? logits_log_sigmoid_backward_ex_f64(x, dy, y, s.s1, logits_get_precision())
                          : logits_log_sigmoid_backward_f64(x, dy, y, s.s1);
        case FN_SOFTPLUS_BWD:
            return op->ex ? logits_softplus_backward_ex_f64(x, dy, y, s.s1, logits_get_precision())
                          : logits_softplus_backward_f64(x, dy, y, s.s1);
        default: break;
        }
    }
    fprintf(stderr, "test_logits: internal error: unknown op\n");
    exit(2);
}

static void set_op_ctx(const op_t *op, const dtype_t *t, shape_t s, ld T)
{
    if (is_elementwise(op))
        set_ctx("%s_%s count=%zu", op->name, t->name, s.s1);
    else if (op->axis)
        set_ctx("%s_%s (outer=%zu, axis_len=%zu, inner=%zu) T=%.9Lg", op->name, t->name, s.s1,
                s.s2, s.s3, T);
    else
        set_ctx("%s_%s (rows=%zu, cols=%zu)", op->name, t->name, s.s1, s.s2);
}

/* ======================================================================== */
/* Reference (long double, straight from the header's definitions)          */
/* ======================================================================== */

/* Neumaier-compensated sum so that the reference sum of 50,257 terms is
 * accurate far beyond double precision. Non-finite terms are added plainly. */
typedef struct {
    ld s, c;
} ksum_t;

static void kadd(ksum_t *k, ld v)
{
    ld s;
    if (!isfinite(v) || !isfinite(k->s)) {
        k->s += v;
        return;
    }
    s = k->s + v;
    if (fabsl(k->s) >= fabsl(v))
        k->c += (k->s - s) + v;
    else
        k->c += (v - s) + k->s;
    k->s = s;
}

static ld kval(const ksum_t *k) { return isfinite(k->s) ? k->s + k->c : k->s; }

/* a * b, but 0 when a == 0 (so that 0 * inf contributes nothing). */
static ld mul0(ld a, ld b) { return a == 0 ? 0 : a * b; }

static int is_pow2(ld v)
{
    int e;
    return frexpl(v, &e) == 0.5L;
}

static ld ref_sigmoid(ld x)
{
    ld e;
    if (isnan(x)) return x;
    if (x >= 0) return 1.0L / (1.0L + expl(-x));
    e = expl(x);
    return e / (1.0L + e);
}

static ld ref_softplus(ld x)
{
    if (isnan(x)) return x;
    return fmaxl(x, 0) + log1pl(expl(-fabsl(x)));
}

static ld ref_log_sigmoid(ld x)
{
    if (isnan(x)) return x;
    return fminl(x, 0) - log1pl(expl(-fabsl(x)));
}

typedef struct {
    ld lse;  /* log(sum exp(x/T)) */
    ld logS; /* log(sum exp(z)) with z = x/T - max */
    ld M;    /* max x/T */
    ld wabs; /* sum softmax_j * |x_j / T| (sensitivity to the rounding of x/T) */
} fwd_info_t;

/* Softmax, log-softmax and logsumexp of one slice x[0..n) at temperature T,
 * including the header's rules for NaN, all -inf and +inf entries. */
static void ref_fwd_slice(const ld *x, size_t n, ld T, ld *soft, ld *lsm, ld *z,
                          fwd_info_t *info)
{
    size_t j, k = 0;
    ld m = -INFINITY, s, logS;
    ksum_t S = {0, 0}, W = {0, 0};

    info->lse = -INFINITY;
    info->logS = 0;
    info->M = 0;
    info->wabs = 0;
    for (j = 0; j < n; j++) {
        if (isnan(x[j])) {
            size_t i;
            for (i = 0; i < n; i++) soft[i] = lsm[i] = z[i] = NAN;
            info->lse = NAN;
            return;
        }
    }
    if (n == 0) return; /* the empty sum: logsumexp = -inf */
    for (j = 0; j < n; j++)
        if (x[j] / T > m) m = x[j] / T;
    if (m == -INFINITY) { /* fully masked */
        for (j = 0; j < n; j++) {
            soft[j] = 0;
            lsm[j] = z[j] = -INFINITY;
        }
        info->lse = -INFINITY;
        return;
    }
    if (m == INFINITY) { /* k entries +inf share the mass */
        for (j = 0; j < n; j++)
            if (x[j] / T == INFINITY) k++;
        for (j = 0; j < n; j++) {
            if (x[j] / T == INFINITY) {
                soft[j] = 1.0L / (ld)k;
                lsm[j] = -logl((ld)k);
                z[j] = 0;
            } else {
                soft[j] = 0;
                lsm[j] = z[j] = -INFINITY;
            }
        }
        info->lse = INFINITY;
        return;
    }
    for (j = 0; j < n; j++) {
        z[j] = x[j] / T - m;
        kadd(&S, expl(z[j]));
    }
    s = kval(&S);
    logS = logl(s);
    for (j = 0; j < n; j++) {
        soft[j] = expl(z[j]) / s;
        lsm[j] = z[j] - logS;
        kadd(&W, mul0(soft[j], fabsl(x[j] / T)));
    }
    info->M = m;
    info->logS = logS;
    info->lse = m + logS;
    info->wabs = kval(&W);
}

/* ------------------------------------------------------------------------ */
/* Tolerances                                                               */
/* ------------------------------------------------------------------------ */
/*
 * eps is the output type's epsilon, Ed = DBL_EPSILON (the header promises
 * double-precision internals), c = 4 (f32) or 8 (f64), n the axis length,
 * z = x/T - max, tiny = 2 ulp of a subnormal of the output type.
 *   sigmoid, log_sigmoid, softplus: 4 eps max(|ref|, FLT_MIN or DBL_MIN)
 *   softmax:     |ref| (c eps (1+|z|) + Ed (2 sqrt(n) + cond)) + tiny
 *   log_softmax: c eps |ref| + Ed (8 (1 + |z| + |log S|) + 2 sqrt(n) + cond) + tiny
 *   logsumexp:   c eps |ref| + Ed (8 (1 + |max| + |log S|) + 2 sqrt(n) + cond) + tiny
 *   softmax backward:     c eps |ref| + Ed (8 + 2 sqrt(n)) |y_i| (|dy_i| + sum|y dy|) / T + tiny
 *   log_softmax backward: c eps |ref| + Ed (8 + 2 sqrt(n)) (|dy_i| + e^y_i sum|dy|) / T + tiny
 *   elementwise backward: c eps |ref| + tiny
 * 2 sqrt(n) allows for the rounding of a length-n sum in double precision;
 * cond = |x_i/T| + sum_j softmax_j |x_j/T| allows for the rounding of x/T
 * (only when T is not a power of two, so that x/T is not exact).
 * For f32 the Ed terms are negligible: the f32 bounds are ~2-4 ulp of the
 * result. A float-precision sum over a long row (~1e-4 relative) fails them.
 */

/* Reference values and tolerances for every output element of op applied to
 * (a, b) of shape s at temperature T (ignored by the row form). */
static void compute_ref(const op_t *op, const dtype_t *t, const void *a, const void *b,
                        shape_t s, ld T, ld *ref, ld *tol)
{
    const int k = kind_of(op->fn);
    const ld Ed = DBL_EPSILON;
    size_t outer, len, inner, o, i, j;
    ld Tt, *xa, *xb, *r1, *r2, *r3;
    int cond_on;

    if (k == K_EW || k == K_EWB) {
        for (i = 0; i < s.s1; i++) {
            ld x = get(t, a, i), r;
            if (k == K_EW) {
                r = op->fn == FN_SIGMOID ? ref_sigmoid(x)
                    : op->fn == FN_SOFTPLUS ? ref_softplus(x)
                                            : ref_log_sigmoid(x);
                ref[i] = r;
                tol[i] = 4 * t->eps * fmaxl(fabsl(r), t->minv);
            } else {
                ld y = x, dy = get(t, b, i);
                r = op->fn == FN_SIGMOID_BWD ? dy * y * (1 - y)
                    : op->fn == FN_LOG_SIGMOID_BWD ? dy * -expm1l(y)
                                                   : dy * -expm1l(-y);
                ref[i] = r;
                tol[i] = t->c * t->eps * fabsl(r) + t->tiny;
            }
        }
        return;
    }

    outer = s.s1;
    len = s.s2;
    inner = op->axis ? s.s3 : 1;
    Tt = op->axis ? round_to(t, T) : 1.0L;
    cond_on = !is_pow2(Tt);
    xa = (ld *)xmalloc((len + 1) * sizeof(ld));
    xb = (ld *)xmalloc((len + 1) * sizeof(ld));
    r1 = (ld *)xmalloc((len + 1) * sizeof(ld));
    r2 = (ld *)xmalloc((len + 1) * sizeof(ld));
    r3 = (ld *)xmalloc((len + 1) * sizeof(ld));
    for (o = 0; o < outer; o++) {
        for (i = 0; i < inner; i++) {
            for (j = 0; j < len; j++) {
                xa[j] = get(t, a, (o * len + j) * inner + i);
                if (b) xb[j] = get(t, b, (o * len + j) * inner + i);
            }
            if (k == K_FWD || k == K_LSE) {
                fwd_info_t info;
                ld sq = 2 * sqrtl((ld)len);
                ref_fwd_slice(xa, len, Tt, r1, r2, r3, &info);
                if (k == K_LSE) {
                    size_t idx = o * inner + i;
                    ref[idx] = info.lse;
                    tol[idx] = t->c * t->eps * fabsl(info.lse)
                               + Ed * (8 * (1 + fabsl(info.M) + fabsl(info.logS)) + sq
                                       + (cond_on ? info.wabs : 0))
                               + t->tiny;
                    continue;
                }
                for (j = 0; j < len; j++) {
                    size_t idx = (o * len + j) * inner + i;
                    ld zz = fabsl(r3[j]);
                    ld cond = cond_on ? fabsl(xa[j] / Tt) + info.wabs : 0;
                    if (op->fn == FN_SOFTMAX) {
                        ref[idx] = r1[j];
                        tol[idx] = mul0(r1[j], t->c * t->eps * (1 + zz) + Ed * (sq + cond)) + t->tiny;
                    } else {
                        ref[idx] = r2[j];
                        tol[idx] = t->c * t->eps * fabsl(r2[j])
                                   + Ed * (8 * (1 + zz + fabsl(info.logS)) + sq + cond) + t->tiny;
                    }
                }
            } else { /* K_BWD */
                ksum_t S = {0, 0}, A = {0, 0};
                ld sv, av, growth = 8 + 2 * sqrtl((ld)len);
                for (j = 0; j < len; j++) {
                    ld v = op->fn == FN_SOFTMAX_BWD ? xa[j] * xb[j] : xb[j];
                    kadd(&S, v);
                    kadd(&A, fabsl(v));
                }
                sv = kval(&S);
                av = kval(&A);
                for (j = 0; j < len; j++) {
                    size_t idx = (o * len + j) * inner + i;
                    ld r, scale;
                    if (op->fn == FN_SOFTMAX_BWD) {
                        r = xa[j] * (xb[j] - sv) / Tt;
                        scale = fabsl(xa[j]) * (fabsl(xb[j]) + av) / Tt;
                    } else {
                        ld p = expl(xa[j]);
                        r = (xb[j] - p * sv) / Tt;
                        scale = (fabsl(xb[j]) + p * av) / Tt;
                    }
                    ref[idx] = r;
                    tol[idx] = t->c * t->eps * fabsl(r) + Ed * growth * scale + t->tiny;
                }
            }
        }
    }
    free(xa);
    free(xb);
    free(r1);
    free(r2);
    free(r3);
}

/* got (of type t) against the long double reference: NaN must match NaN, a
 * reference that rounds to +-inf must give the same infinity (or, when the
 * exact value is finite but beyond the type's range, the largest finite value
 * of that sign), and a finite reference needs a finite result within tol. */
static int close_enough(const dtype_t *t, ld got, ld ref, ld tol)
{
    ld rt;
    if (isnan(ref)) return isnan(got);
    if (isnan(got)) return 0;
    /* Equal values agree whatever the tolerance (also where valgrind's
     * 64-bit emulation of long double turns infinities into LDBL_MAX). */
    if (got == ref) return 1;
    rt = round_to(t, ref);
    if (isinf(rt)) {
        if (got == rt) return 1;
        return !isinf(ref) && fabsl(got) == t->maxv && !signbit(got) == !signbit(ref);
    }
    if (isinf(got)) return 0;
    if (tol > 0 && fabsl(got - ref) / tol > g_worst_ratio) g_worst_ratio = fabsl(got - ref) / tol;
    return fabsl(got - ref) <= tol;
}

/* Compare every output element with the reference; returns the failures. */
static long expect_ref_impl(const char *file, int line, const op_t *op, const dtype_t *t,
                            const void *a, const void *b, const void *out, shape_t s,
                            const ld *ref, const ld *tol)
{
    size_t i, n = out_count(op, s);
    long bad = 0;
    int same_shape = kind_of(op->fn) != K_LSE;
    for (i = 0; i < n; i++) {
        ld got = get(t, out, i);
        int ok = close_enough(t, got, ref[i], tol[i]);
        if (!ok) bad++;
        if (same_shape && has_two_inputs(op))
            CHECK_AT(file, line, ok,
                     "out[%zu]: y=%.21Lg dy=%.21Lg got=%.21Lg ref=%.21Lg err=%.3Lg tol=%.3Lg", i,
                     get(t, a, i), get(t, b, i), got, ref[i], fabsl(got - ref[i]), tol[i]);
        else if (same_shape)
            CHECK_AT(file, line, ok, "out[%zu]: x=%.21Lg got=%.21Lg ref=%.21Lg err=%.3Lg tol=%.3Lg",
                     i, get(t, a, i), got, ref[i], fabsl(got - ref[i]), tol[i]);
        else
            CHECK_AT(file, line, ok, "out[%zu]: got=%.21Lg ref=%.21Lg err=%.3Lg tol=%.3Lg", i, got,
                     ref[i], fabsl(got - ref[i]), tol[i]);
    }
    return bad;
}

/* Run op on (a, b) into out (out_count elements, pre-filled with a canary),
 * check the status and every output element against the reference. */
static logits_status verify_op_impl(const char *file, int line, const op_t *op, const dtype_t *t,
                                    const void *a, const void *b, void *out, shape_t s, ld T)
{
    size_t n = out_count(op, s), nin = in_count(op, s);
    ld *ref = (ld *)xmalloc((n + 1) * sizeof(ld)), *tol = (ld *)xmalloc((n + 1) * sizeof(ld));
    void *a0 = dup_elems(t, a, nin), *b0 = b ? dup_elems(t, b, nin) : NULL;
    logits_status st;
    set_op_ctx(op, t, s, T);
    fill(t, out, n, CANARY);
    st = call_op(op, t, a, b, out, s, T);
    CHECK_AT(file, line, st == LOGITS_OK, "status %d (%s), expected LOGITS_OK", (int)st,
             logits_status_string(st));
    CHECK_AT(file, line, memcmp(a, a0, nin * t->size) == 0, "input x/y was modified");
    if (b) CHECK_AT(file, line, memcmp(b, b0, nin * t->size) == 0, "input dy was modified");
    if (st == LOGITS_OK) {
        compute_ref(op, t, a, b, s, T, ref, tol);
        expect_ref_impl(file, line, op, t, a, b, out, s, ref, tol);
    }
    free(ref);
    free(tol);
    free(a0);
    free(b0);
    return st;
}
#define VERIFY(op, t, a, b, out, s, T) verify_op_impl(__FILE__, __LINE__, (op), (t), (a), (b), (out), (s), (T))

/* Realistic inputs for op: x uniform in [lo, hi] for forward ops; for backward
 * ops y = the reference forward output of such x (rounded to the type) and
 * dy uniform in [-1, 1]. a and b hold in_count elements. */
static void gen_inputs(const op_t *op, const dtype_t *t, void *a, void *b, shape_t s, ld T, ld lo,
                       ld hi)
{
    size_t n = in_count(op, s), i;
    if (!has_two_inputs(op)) {
        fill_uniform(t, a, n, lo, hi);
        return;
    } else {
        op_t f = forward_of(op);
        ld *ref = (ld *)xmalloc((n + 1) * sizeof(ld)), *tol = (ld *)xmalloc((n + 1) * sizeof(ld));
        fill_uniform(t, a, n, lo, hi);
        compute_ref(&f, t, a, NULL, s, T, ref, tol);
        for (i = 0; i < n; i++) put(t, a, i, ref[i]);
        fill_uniform(t, b, n, -1, 1);
        free(ref);
        free(tol);
    }
}

static ld gen_lo(const op_t *op) { return is_elementwise(op) ? -20 : -8; }
static ld gen_hi(const op_t *op) { return is_elementwise(op) ? 20 : 8; }

/* A small standard shape for each op (used by the error-path tests). */
static shape_t std_shape(const op_t *op)
{
    shape_t s = {0, 0, 0};
    if (is_elementwise(op)) {
        s.s1 = 10;
    } else if (op->axis) {
        s.s1 = 2;
        s.s2 = 3;
        s.s3 = 4;
    } else {
        s.s1 = 3;
        s.s2 = 5;
    }
    return s;
}

static shape_t shape1(size_t a) { shape_t s; s.s1 = a; s.s2 = 0; s.s3 = 0; return s; }
static shape_t shape2(size_t a, size_t b) { shape_t s; s.s1 = a; s.s2 = b; s.s3 = 1; return s; }
static shape_t shape3(size_t a, size_t b, size_t c) { shape_t s; s.s1 = a; s.s2 = b; s.s3 = c; return s; }

static const size_t LENGTHS[] = {0, 1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 1000, 50257};
#define N_LENGTHS (sizeof LENGTHS / sizeof LENGTHS[0])

static const ld TEMPS[] = {0.5L, 1.0L, 3.7L};
#define N_TEMPS (sizeof TEMPS / sizeof TEMPS[0])

/* ======================================================================== */
/* Version and status strings                                               */
/* ======================================================================== */

static void test_version(void)
{
    const char *s = logits_version_string();
    char buf[64];
    CHECK(logits_version() == LOGITS_VERSION_NUMBER, "logits_version() = %u, header says %u",
          logits_version(), (unsigned)LOGITS_VERSION_NUMBER);
    CHECK(s != NULL, "logits_version_string() returned NULL");
    if (s)
        CHECK(strcmp(s, LOGITS_VERSION_STRING) == 0, "logits_version_string() = \"%s\", header says \"%s\"",
              s, LOGITS_VERSION_STRING);
    snprintf(buf, sizeof buf, "%d.%d.%d", LOGITS_VERSION_MAJOR, LOGITS_VERSION_MINOR, LOGITS_VERSION_PATCH);
    CHECK(strcmp(buf, LOGITS_VERSION_STRING) == 0, "LOGITS_VERSION_STRING \"%s\" != \"%s\"",
          LOGITS_VERSION_STRING, buf);
    CHECK(LOGITS_VERSION_NUMBER == LOGITS_VERSION_MAJOR * 10000 + LOGITS_VERSION_MINOR * 100 + LOGITS_VERSION_PATCH,
          "LOGITS_VERSION_NUMBER inconsistent");
}

static void test_status_strings(void)
{
    const logits_status known[] = {LOGITS_OK, LOGITS_ERROR_NULL_POINTER, LOGITS_ERROR_INVALID_ARGUMENT,
                                   LOGITS_ERROR_SIZE_OVERFLOW, LOGITS_ERROR_OVERLAP,
                                   LOGITS_ERROR_LABEL_OUT_OF_RANGE, LOGITS_ERROR_OUT_OF_MEMORY};
    const logits_status unknown[] = {7, 99, -1, INT32_MIN, INT32_MAX};
    size_t i, j;
    const char *s;

    CHECK(LOGITS_OK == 0 && LOGITS_ERROR_NULL_POINTER == 1 && LOGITS_ERROR_INVALID_ARGUMENT == 2 &&
              LOGITS_ERROR_SIZE_OVERFLOW == 3 && LOGITS_ERROR_OVERLAP == 4 &&
              LOGITS_ERROR_LABEL_OUT_OF_RANGE == 5 && LOGITS_ERROR_OUT_OF_MEMORY == 6,
          "status code values changed");
    for (i = 0; i < sizeof known / sizeof known[0]; i++) {
        s = logits_status_string(known[i]);
        CHECK(s != NULL, "logits_status_string(%d) returned NULL", (int)known[i]);
        if (!s) continue;
        CHECK(s[0] != '\0', "logits_status_string(%d) is empty", (int)known[i]);
        CHECK(strcmp(s, "unknown status") != 0, "logits_status_string(%d) = \"unknown status\"",
              (int)known[i]);
        for (j = 0; j < i; j++) {
            const char *o = logits_status_string(known[j]);
            CHECK(o == NULL || strcmp(s, o) != 0, "statuses %d and %d share the string \"%s\"",
                  (int)known[i], (int)known[j], s);
        }
    }
    s = logits_status_string(LOGITS_ERROR_INVALID_ARGUMENT);
    CHECK(s != NULL && strstr(s, "invalid argument") != NULL,
          "logits_status_string(LOGITS_ERROR_INVALID_ARGUMENT) = \"%s\"", s ? s : "(null)");
    for (i = 0; i < sizeof unknown / sizeof unknown[0]; i++) {
        s = logits_status_string(unknown[i]);
        CHECK(s != NULL && strcmp(s, "unknown status") == 0,
              "logits_status_string(%ld) = \"%s\", expected \"unknown status\"", (long)unknown[i],
              s ? s : "(null)");
    }
}

/* ======================================================================== */
/* Softmax family: accuracy along rows and along a general axis             */
/* ======================================================================== */

/* Rows of several kinds: moderate, wide, masked (some -inf), very wide. */
static void gen_rows(const dtype_t *t, void *x, size_t rows, size_t cols)
{
    size_t r, j;
    for (r = 0; r < rows; r++) {
        for (j = 0; j < cols; j++) {
            ld v;
            switch (r % 4) {
            case 0: v = rng_uniform(-8, 8); break;
            case 1: v = rng_uniform(-100, 100); break;
            case 2: v = rng_unit() < 0.3L ? -INFINITY : rng_uniform(-8, 8); break;
            default: v = rng_uniform(-2000, 2000); break;
            }
            put(t, x, r * cols + j, v);
        }
    }
}

static void rows_case(const op_t *op)
{
    const dtype_t *t;
    size_t li;
    FOR_EACH_DTYPE(t) {
        for (li = 0; li < N_LENGTHS; li++) {
            size_t cols = LENGTHS[li], rows = cols >= 50000 ? 2 : 5;
            shape_t s = shape2(rows, cols);
            void *x = alloc_elems(t, rows * cols), *y = alloc_elems(t, rows * cols + rows + 1);
            gen_rows(t, x, rows, cols);
            VERIFY(op, t, x, NULL, y, s, 1);
            free(x);
            free(y);
        }
    }
}

static void test_softmax_rows(void) { rows_case(&OP_SOFTMAX); }
static void test_log_softmax_rows(void) { rows_case(&OP_LOG_SOFTMAX); }
static void test_logsumexp_rows(void) { rows_case(&OP_LSE); }

static const shape_t AXIS_SHAPES[] = {{3, 5, 7},  {2, 5, 65},  {2, 3, 130}, {1, 1, 1},  {4, 1, 3},
                                      {2, 17, 64}, {1, 1000, 3}, {3, 64, 1}, {2, 33, 9}, {5, 2, 129}};
#define N_AXIS_SHAPES (sizeof AXIS_SHAPES / sizeof AXIS_SHAPES[0])

/* Transpose (outer, len, inner) to (outer, inner, len). */
static void *transpose_copy(const dtype_t *t, const void *x, shape_t s)
{
    size_t o, k, i;
    void *xt = alloc_elems(t, s.s1 * s.s2 * s.s3);
    for (o = 0; o < s.s1; o++)
        for (k = 0; k < s.s2; k++)
            for (i = 0; i < s.s3; i++)
                put(t, xt, (o * s.s3 + i) * s.s2 + k, get(t, x, (o * s.s2 + k) * s.s3 + i));
    return xt;
}

/* Run the _axis op at T = 1 and the row op on transposed copies; the two must
 * agree element for element within twice the reference tolerance. */
static void compare_axis_with_transposed_rows(const op_t *axis_op, const dtype_t *t, const void *a,
                                              const void *b, shape_t s)
{
    op_t row_op = *axis_op;
    size_t n = out_count(axis_op, s), o, k, i;
    void *ya = alloc_elems(t, n + 1), *yr = alloc_elems(t, n + 1);
    void *at = transpose_copy(t, a, s), *bt = b ? transpose_copy(t, b, s) : NULL;
    ld *ref = (ld *)xmalloc((n + 1) * sizeof(ld)), *tol = (ld *)xmalloc((n + 1) * sizeof(ld));
    logits_status st1, st2;
    row_op.axis = 0;
    st1 = call_op(axis_op, t, a, b, ya, s, 1);
    st2 = call_op(&row_op, t, at, bt, yr, shape2(s.s1 * s.s3, s.s2), 1);
    set_op_ctx(axis_op, t, s, 1);
    CHECK(st1 == LOGITS_OK && st2 == LOGITS_OK, "statuses %d, %d", (int)st1, (int)st2);
    if (st1 == LOGITS_OK && st2 == LOGITS_OK) {
        compute_ref(axis_op, t, a, b, s, 1, ref, tol);
        for (o = 0; o < s.s1; o++) {
            for (i = 0; i < s.s3; i++) {
                if (kind_of(axis_op->fn) == K_LSE) {
                    size_t ia = o * s.s3 + i;
                    ld ga = get(t, ya, ia), gr = get(t, yr, ia);
                    CHECK((isnan(ga) && isnan(gr)) || ga == gr || fabsl(ga - gr) <= 2 * tol[ia],
                          "axis form vs row form on the transposed copy, (o=%zu, i=%zu): %.21Lg vs %.21Lg",
                          o, i, ga, gr);
                    continue;
                }
                for (k = 0; k < s.s2; k++) {
                    size_t ia = (o * s.s2 + k) * s.s3 + i, ir = (o * s.s3 + i) * s.s2 + k;
                    ld ga = get(t, ya, ia), gr = get(t, yr, ir);
                    CHECK((isnan(ga) && isnan(gr)) || ga == gr || fabsl(ga - gr) <= 2 * tol[ia],
                          "axis form vs row form on the transposed copy, (o=%zu, k=%zu, i=%zu): %.21Lg vs %.21Lg",
                          o, k, i, ga, gr);
                }
            }
        }
    }
    free(ya);
    free(yr);
    free(at);
    free(bt);
    free(ref);
    free(tol);
}

static void axis_case(const op_t *op)
{
    const dtype_t *t;
    size_t si, ti;
    FOR_EACH_DTYPE(t) {
        for (si = 0; si < N_AXIS_SHAPES; si++) {
            shape_t s = AXIS_SHAPES[si];
            size_t n = s.s1 * s.s2 * s.s3;
            void *x = alloc_elems(t, n), *dy = alloc_elems(t, n), *y = alloc_elems(t, n + 1);
            for (ti = 0; ti < N_TEMPS; ti++) {
                gen_inputs(op, t, x, dy, s, TEMPS[ti], -8, 8);
                if (!has_two_inputs(op) && n > 3) put(t, x, n / 3, -INFINITY); /* a masked entry */
                VERIFY(op, t, x, has_two_inputs(op) ? dy : NULL, y, s, TEMPS[ti]);
                if (TEMPS[ti] == 1) compare_axis_with_transposed_rows(op, t, x, has_two_inputs(op) ? dy : NULL, s);
            }
            free(x);
            free(dy);
            free(y);
        }
    }
}

static void test_softmax_axis(void) { axis_case(&OP_SOFTMAX_AXIS); }
static void test_log_softmax_axis(void) { axis_case(&OP_LOG_SOFTMAX_AXIS); }
static void test_logsumexp_axis(void) { axis_case(&OP_LSE_AXIS); }

/* The header: "The row form equals the general form with outer = rows,
 * axis_len = cols, inner = 1, temperature = 1." Checked bit for bit. */
static void test_row_form_equals_axis_form(void)
{
    static const shape_t shapes[] = {{3, 17, 1}, {2, 1000, 1}, {1, 50257, 1}, {4, 1, 1}, {7, 64, 1}};
    const dtype_t *t;
    const op_t *op;
    size_t si;
    FOR_EACH_DTYPE(t) {
        FOR_EACH_OP(op) {
            op_t row_op = *op;
            if (is_elementwise(op) || !op->axis) continue;
            row_op.axis = 0;
            for (si = 0; si < sizeof shapes / sizeof shapes[0]; si++) {
                shape_t s = shapes[si];
                size_t n = s.s1 * s.s2, no = out_count(op, s);
                void *a = alloc_elems(t, n), *b = alloc_elems(t, n);
                void *y1 = alloc_elems(t, no + 1), *y2 = alloc_elems(t, no + 1);
                logits_status st1, st2;
                gen_inputs(op, t, a, b, s, 1, -8, 8);
                st1 = call_op(&row_op, t, a, b, y1, shape2(s.s1, s.s2), 1);
                st2 = call_op(op, t, a, b, y2, s, 1);
                set_op_ctx(op, t, s, 1);
                CHECK(st1 == LOGITS_OK && st2 == LOGITS_OK, "statuses %d, %d", (int)st1, (int)st2);
                CHECK(memcmp(y1, y2, no * t->size) == 0,
                      "row form and (rows, cols, 1, T=1) axis form differ bitwise");
                free(a);
                free(b);
                free(y1);
                free(y2);
            }
        }
    }
}

/* Temperatures at the ends of the valid range. */
static void test_temperature_extremes(void)
{
    const dtype_t *t;
    const op_t *ops[3] = {&OP_SOFTMAX_AXIS, &OP_LOG_SOFTMAX_AXIS, &OP_LSE_AXIS};
    size_t oi, ti;
    FOR_EACH_DTYPE(t) {
        ld temps[5];
        temps[0] = t->minv;             /* smallest normal */
        temps[1] = t->is64 ? 1e-300L : 1e-30L;
        temps[2] = 1e-3L;
        temps[3] = 1e6L;
        temps[4] = t->maxv;
        for (oi = 0; oi < 3; oi++) {
            for (ti = 0; ti < 5; ti++) {
                shape_t s = shape3(2, 4, 3);
                void *x = alloc_elems(t, 24), *y = alloc_elems(t, 25);
                size_t i;
                for (i = 0; i < 24; i++) put(t, x, i, (ld)((int)(i % 5) - 2) * 0.75L);
                VERIFY(ops[oi], t, x, NULL, y, s, temps[ti]);
                free(x);
                free(y);
            }
        }
    }
}

/* Header: no overflow for any finite input "for every temperature": x/T may
 * exceed the largest double (T < 1 with x near DBL_MAX, or a subnormal T),
 * yet the answer is finite and well defined. */
static void test_temperature_no_overflow(void)
{
    const dtype_t *t;
    const op_t *ops[3] = {&OP_SOFTMAX_AXIS, &OP_LOG_SOFTMAX_AXIS, &OP_LSE_AXIS};
    size_t oi;
    FOR_EACH_DTYPE(t) {
        for (oi = 0; oi < 3; oi++) {
            ld M = t->maxv;
            void *x = alloc_elems(t, 4), *y = alloc_elems(t, 5);
            /* x/T of the two largest entries both exceed DBL_MAX at T = 0.5 */
            put(t, x, 0, M);
            put(t, x, 1, 0.75L * M);
            put(t, x, 2, 0);
            put(t, x, 3, 0.5L * M);
            VERIFY(ops[oi], t, x, NULL, y, shape3(1, 4, 1), 0.5L);
            if (ops[oi]->fn == FN_SOFTMAX) {
                CHECK(get(t, y, 0) == 1 && get(t, y, 1) == 0 && get(t, y, 3) == 0,
                      "softmax([M, 0.75M, 0, 0.5M] / 0.5) = [%Lg, %Lg, %Lg, %Lg], expected [1, 0, 0, 0]",
                      get(t, y, 0), get(t, y, 1), get(t, y, 2), get(t, y, 3));
            }
            /* all -MAX: uniform, though -MAX/T < -DBL_MAX at T = 0.5 */
            fill(t, x, 4, -M);
            VERIFY(ops[oi], t, x, NULL, y, shape3(1, 4, 1), 0.5L);
            if (ops[oi]->fn == FN_SOFTMAX)
                CHECK(all_equal_to(t, y, 4, 0.25L), "softmax([-M, -M, -M, -M] / 0.5) = [%Lg, %Lg, %Lg, %Lg], expected 1/4 each",
                      get(t, y, 0), get(t, y, 1), get(t, y, 2), get(t, y, 3));
            /* a subnormal temperature: 1/T overflows double */
            put(t, x, 0, 1);
            put(t, x, 1, 2);
            put(t, x, 2, 3);
            put(t, x, 3, -1);
            VERIFY(ops[oi], t, x, NULL, y, shape3(1, 4, 1), t->is64 ? 4.9406564584124654e-324L : 1.4e-45L);
            if (ops[oi]->fn == FN_SOFTMAX) {
                CHECK(get(t, y, 2) == 1 && get(t, y, 0) == 0 && get(t, y, 1) == 0 && get(t, y, 3) == 0,
                      "softmax([1, 2, 3, -1] / subnormal) = [%Lg, %Lg, %Lg, %Lg], expected [0, 0, 1, 0]",
                      get(t, y, 0), get(t, y, 1), get(t, y, 2), get(t, y, 3));
            }
            free(x);
            free(y);
        }
    }
}

static void test_bad_temperature(void)
{
    const dtype_t *t;
    const op_t *op;
    size_t ti;
    FOR_EACH_DTYPE(t) {
        const ld bad[] = {0.0L, -0.0L, -1.0L, -t->minv, NAN, INFINITY, -INFINITY};
        FOR_EACH_OP(op) {
            shape_t s = std_shape(op);
            size_t n = in_count(op, s), no = out_count(op, s);
            void *a, *b, *out, *a0, *b0, *out0;
            if (!op->axis) continue;
            a = alloc_elems(t, n);
            b = alloc_elems(t, n);
            out = alloc_elems(t, no);
            fill(t, b, n, 0);
            gen_inputs(op, t, a, b, s, 1, -8, 8);
            fill(t, out, no, CANARY);
            a0 = dup_elems(t, a, n);
            b0 = dup_elems(t, b, n);
            out0 = dup_elems(t, out, no);
            for (ti = 0; ti < sizeof bad / sizeof bad[0]; ti++) {
                logits_status st = call_op(op, t, a, has_two_inputs(op) ? b : NULL, out, s, bad[ti]);
                set_op_ctx(op, t, s, bad[ti]);
                CHECK(st == LOGITS_ERROR_INVALID_ARGUMENT,
                      "temperature %Lg: status %d (%s), expected LOGITS_ERROR_INVALID_ARGUMENT", bad[ti],
                      (int)st, logits_status_string(st));
                CHECK(memcmp(out, out0, no * t->size) == 0, "temperature %Lg: output was written", bad[ti]);
                CHECK(memcmp(a, a0, n * t->size) == 0 && memcmp(b, b0, n * t->size) == 0,
                      "temperature %Lg: an input was written", bad[ti]);
            }
            free(a);
            free(b);
            free(out);
            free(a0);
            free(b0);
            free(out0);
        }
    }
}

/* ======================================================================== */
/* Softmax family: special values                                           */
/* ======================================================================== */

#define SPECIAL_ROWS 15
#define SPECIAL_COLS 5

static void special_matrix(const dtype_t *t, void *x)
{
    const ld M = t->maxv, I = INFINITY, N = NAN;
    const ld rows[SPECIAL_ROWS][SPECIAL_COLS] = {
        {M, 0, 1e30L, -1e30L, M},      /* 0: huge logits */
        {-I, -I, -I, -I, -I},          /* 1: fully masked */
        {I, 1, I, -I, -3},             /* 2: two +inf entries */
        {-I, 3, -I, -I, -I},           /* 3: one finite entry */
        {N, 1, 2, 3, 4},               /* 4: NaN */
        {1, 2, I, N, -I},              /* 5: NaN with infinities */
        {-M, -M, -M, -M, -M},          /* 6: all -FLT_MAX: uniform */
        {1, 2, 3, 4, 5},               /* 7: ordinary */
        {M, M, M, M, M},               /* 8: all +FLT_MAX: uniform */
        {-1e30L, 1e30L, -I, 0, 1e-30L}, /* 9 */
        {M, -M, 0, 0, 0},              /* 10: the full finite range */
        {M, 0.75L * M, 0, -M, 0.5L * M}, /* 11 */
        {I, I, I, I, I},               /* 12: all +inf: uniform */
        {-I, -I, -I, -I, -M},          /* 13: masked but one */
        {I, -I, -I, -I, -I},           /* 14 */
    };
    size_t r, k;
    for (r = 0; r < SPECIAL_ROWS; r++)
        for (k = 0; k < SPECIAL_COLS; k++) put(t, x, r * SPECIAL_COLS + k, rows[r][k]);
}

/* The header's rules checked directly (besides the reference comparison).
 * v(r, k) is element k of special row r in out, which has layout given by
 * stride_r, stride_k (lse: stride_r only). */
static void check_special_rules(const op_t *op, const dtype_t *t, const void *out, size_t stride_r,
                                size_t stride_k, ld T)
{
    size_t r, k;
#define V(r, k) get(t, out, (r) * stride_r + (k) * stride_k)
    if (op->fn == FN_SOFTMAX) {
        for (k = 0; k < SPECIAL_COLS; k++) {
            CHECK(V(1, k) == 0, "T=%Lg all -inf row: softmax[%zu] = %Lg, expected 0", T, k, V(1, k));
            CHECK(V(3, k) == (k == 1 ? 1 : 0), "T=%Lg [-inf, 3, -inf...]: softmax[%zu] = %Lg", T, k, V(3, k));
            CHECK(V(14, k) == (k == 0 ? 1 : 0), "T=%Lg [inf, -inf...]: softmax[%zu] = %Lg", T, k, V(14, k));
            CHECK(fabsl(V(12, k) - 0.2L) <= 2 * t->eps, "T=%Lg all +inf: softmax[%zu] = %Lg, expected 1/5", T,
                  k, V(12, k));
            CHECK(isnan(V(4, k)) && isnan(V(5, k)), "T=%Lg NaN rows: softmax[%zu] = %Lg, %Lg, expected NaN", T,
                  k, V(4, k), V(5, k));
        }
        CHECK(V(2, 0) == 0.5L && V(2, 2) == 0.5L && V(2, 1) == 0 && V(2, 3) == 0 && V(2, 4) == 0,
              "T=%Lg [inf, 1, inf, -inf, -3]: softmax = [%Lg, %Lg, %Lg, %Lg, %Lg], expected [.5, 0, .5, 0, 0]",
              T, V(2, 0), V(2, 1), V(2, 2), V(2, 3), V(2, 4));
    } else if (op->fn == FN_LOG_SOFTMAX) {
        const ld l2 = logl(2), l5 = logl(5);
        for (k = 0; k < SPECIAL_COLS; k++) {
            CHECK(V(1, k) == -INFINITY, "T=%Lg all -inf row: log_softmax[%zu] = %Lg, expected -inf", T, k, V(1, k));
            CHECK(V(3, k) == (k == 1 ? 0 : -INFINITY), "T=%Lg [-inf, 3, -inf...]: log_softmax[%zu] = %Lg", T, k,
                  V(3, k));
            CHECK(fabsl(V(12, k) + l5) <= 2 * t->eps * l5, "T=%Lg all +inf: log_softmax[%zu] = %Lg, expected -log 5",
                  T, k, V(12, k));
            CHECK(isnan(V(4, k)) && isnan(V(5, k)), "T=%Lg NaN rows: log_softmax[%zu] = %Lg, %Lg, expected NaN",
                  T, k, V(4, k), V(5, k));
        }
        CHECK(fabsl(V(2, 0) + l2) <= 2 * t->eps && fabsl(V(2, 2) + l2) <= 2 * t->eps && V(2, 1) == -INFINITY &&
                  V(2, 3) == -INFINITY && V(2, 4) == -INFINITY,
              "T=%Lg [inf, 1, inf, -inf, -3]: log_softmax = [%Lg, %Lg, %Lg, %Lg, %Lg], expected [-log 2, -inf, -log 2, -inf, -inf]",
              T, V(2, 0), V(2, 1), V(2, 2), V(2, 3), V(2, 4));
    } else {
        CHECK(V(1, 0) == -INFINITY, "T=%Lg all -inf row: logsumexp = %Lg, expected -inf", T, V(1, 0));
        CHECK(V(2, 0) == INFINITY && V(12, 0) == INFINITY && V(14, 0) == INFINITY,
              "T=%Lg rows with +inf: logsumexp = %Lg, %Lg, %Lg, expected +inf", T, V(2, 0), V(12, 0), V(14, 0));
        CHECK(isnan(V(4, 0)) && isnan(V(5, 0)), "T=%Lg NaN rows: logsumexp = %Lg, %Lg, expected NaN", T, V(4, 0),
              V(5, 0));
    }
    /* no NaN outside the NaN rows, for every function */
    for (r = 0; r < SPECIAL_ROWS; r++) {
        if (r == 4 || r == 5) continue;
        for (k = 0; k < (op->fn == FN_LSE ? 1u : (size_t)SPECIAL_COLS); k++)
            CHECK(!isnan(V(r, k)), "T=%Lg row %zu: output[%zu] is NaN", T, r, k);
    }
#undef V
}

static void test_softmax_family_special_values(void)
{
    const dtype_t *t;
    const op_t *fwd[3] = {&OP_SOFTMAX, &OP_LOG_SOFTMAX, &OP_LSE};
    size_t oi, ti;
    FOR_EACH_DTYPE(t) {
        const size_t n = SPECIAL_ROWS * SPECIAL_COLS;
        void *x = alloc_elems(t, n), *xt, *y = alloc_elems(t, n + 1);
        special_matrix(t, x);
        xt = transpose_copy(t, x, shape3(1, SPECIAL_ROWS, SPECIAL_COLS)); /* column r = special row r */
        for (oi = 0; oi < 3; oi++) {
            const op_t *row_op = fwd[oi];
            op_t axis_op = *row_op;
            int lse = row_op->fn == FN_LSE;
            axis_op.axis = 1;
            /* row form */
            VERIFY(row_op, t, x, NULL, y, shape2(SPECIAL_ROWS, SPECIAL_COLS), 1);
            check_special_rules(row_op, t, y, lse ? 1 : SPECIAL_COLS, 1, 1);
            for (ti = 0; ti < N_TEMPS; ti++) {
                ld T = TEMPS[ti];
                /* For f64, x/T with T < 1 can exceed DBL_MAX in rows 6, 10, 11:
                 * that is test_temperature_no_overflow's subject. */
                if (t->is64 && T < 1) continue;
                /* axis form, contiguous slices */
                VERIFY(&axis_op, t, x, NULL, y, shape3(SPECIAL_ROWS, SPECIAL_COLS, 1), T);
                check_special_rules(&axis_op, t, y, lse ? 1 : SPECIAL_COLS, 1, T);
                /* axis form, strided slices: the rows are columns of xt */
                VERIFY(&axis_op, t, xt, NULL, y, shape3(1, SPECIAL_COLS, SPECIAL_ROWS), T);
                check_special_rules(&axis_op, t, y, 1, lse ? 0 : SPECIAL_ROWS, T);
            }
        }
        free(x);
        free(xt);
        free(y);
    }
}

/* A NaN in one slice makes that slice NaN and leaves every other slice alone. */
static void test_nan_isolation(void)
{
    const dtype_t *t;
    const op_t *ops[6] = {&OP_SOFTMAX, &OP_LOG_SOFTMAX, &OP_LSE,
                          &OP_SOFTMAX_AXIS, &OP_LOG_SOFTMAX_AXIS, &OP_LSE_AXIS};
    size_t oi;
    FOR_EACH_DTYPE(t) {
        for (oi = 0; oi < 6; oi++) {
            const op_t *op = ops[oi];
            shape_t s = op->axis ? shape3(3, 5, 70) : shape2(4, 70);
            size_t n = in_count(op, s), no = out_count(op, s), i, nans = 0;
            size_t nan_at = op->axis ? (1 * 5 + 2) * 70 + 3 : 2 * 70 + 33;
            size_t expect_nans = kind_of(op->fn) == K_LSE ? 1 : (op->axis ? 5 : 70);
            void *x = alloc_elems(t, n), *y = alloc_elems(t, no + 1);
            fill_uniform(t, x, n, -8, 8);
            put(t, x, nan_at, NAN);
            VERIFY(op, t, x, NULL, y, s, 1.5L);
            for (i = 0; i < no; i++) nans += isnan(get(t, y, i)) ? 1 : 0;
            CHECK(nans == expect_nans, "one NaN input gave %zu NaN outputs, expected %zu", nans, expect_nans);
            free(x);
            free(y);
        }
    }
}

/* log_softmax is never -inf where the true value is finite. */
static void test_log_softmax_finite_for_finite_inputs(void)
{
    const dtype_t *t;
    size_t ti, i;
    FOR_EACH_DTYPE(t) {
        for (ti = 0; ti < N_TEMPS; ti++) {
            ld T = TEMPS[ti];
            /* exp(-200) underflows float, exp(-1000) underflows double: the
             * log-softmax must not be computed as log(softmax). */
            const ld row[6] = {0, -200, -1000, -1e4L, -1e30L, 1e-30L};
            void *x = alloc_elems(t, 6), *y = alloc_elems(t, 7);
            for (i = 0; i < 6; i++) put(t, x, i, row[i]);
            VERIFY(&OP_LOG_SOFTMAX_AXIS, t, x, NULL, y, shape3(1, 6, 1), T);
            for (i = 0; i < 6; i++)
                CHECK(isfinite(get(t, y, i)), "log_softmax(x/%Lg)[%zu] = %Lg for x = %Lg", T, i, get(t, y, i), row[i]);
            free(x);
            free(y);
        }
        {
            /* a wide random row */
            size_t n = 1000;
            void *x = alloc_elems(t, n), *y = alloc_elems(t, n + 1);
            fill_uniform(t, x, n, -1e5L, 1e5L);
            VERIFY(&OP_LOG_SOFTMAX, t, x, NULL, y, shape2(1, n), 1);
            for (i = 0; i < n; i++)
                CHECK(isfinite(get(t, y, i)), "log_softmax[%zu] = %Lg for x = %Lg", i, get(t, y, i), get(t, x, i));
            free(x);
            free(y);
        }
    }
}

/* The header says finite inputs give finite outputs wherever the exact value
 * is within the type's range. At the very end of the range the exact
 * log-softmax, (-MAX - MAX)/T, can lie beyond it; it must then be -inf (its
 * IEEE rounding), and otherwise finite: (x - max) overflowing in the working
 * precision must not turn a representable result into -inf. */
static void test_log_softmax_finite_at_range_limit(void)
{
    const dtype_t *t;
    size_t ti;
    FOR_EACH_DTYPE(t) {
        for (ti = 0; ti < N_TEMPS; ti++) {
            ld T = TEMPS[ti];
            void *x = alloc_elems(t, 2), *y = alloc_elems(t, 2);
            logits_status st;
            put(t, x, 0, t->maxv);
            put(t, x, 1, -t->maxv);
            st = call_op(&OP_LOG_SOFTMAX_AXIS, t, x, NULL, y, shape3(1, 2, 1), T);
            set_op_ctx(&OP_LOG_SOFTMAX_AXIS, t, shape3(1, 2, 1), T);
            CHECK(st == LOGITS_OK, "status %d", (int)st);
            CHECK(get(t, y, 0) == 0, "log_softmax([MAX, -MAX])[0] = %Lg, expected 0", get(t, y, 0));
            {
                ld exact = -2 * t->maxv / round_to(t, T);
                if (-exact > t->maxv)
                    CHECK(get(t, y, 1) == -INFINITY,
                          "log_softmax([MAX, -MAX] / %Lg)[1] = %Lg, exact %Lg is beyond the range: expected -inf",
                          T, get(t, y, 1), exact);
                else
                    CHECK(isfinite(get(t, y, 1)) && fabsl(get(t, y, 1) - exact) <= 4 * t->eps * -exact,
                          "log_softmax([MAX, -MAX] / %Lg)[1] = %Lg: expected the finite %Lg", T,
                          get(t, y, 1), exact);
            }
            free(x);
            free(y);
        }
    }
}

static void test_logsumexp_empty_axis(void)
{
    const dtype_t *t;
    FOR_EACH_DTYPE(t) {
        void *x = alloc_elems(t, 4), *y = alloc_elems(t, 16);
        logits_status st;
        size_t ti;
        set_ctx("logsumexp_%s", t->name);
        fill(t, y, 16, CANARY);
        st = t->is64 ? logits_logsumexp_f64((const double *)x, (double *)y, 3, 0)
                     : logits_logsumexp_f32((const float *)x, (float *)y, 3, 0);
        CHECK(st == LOGITS_OK, "rows=3 cols=0: status %d", (int)st);
        CHECK(all_equal_to(t, y, 3, -INFINITY) && all_equal_to(t, elem(t, y, 3), 13, CANARY),
              "rows=3 cols=0: expected 3 x -inf then untouched, got %Lg %Lg %Lg %Lg", get(t, y, 0), get(t, y, 1),
              get(t, y, 2), get(t, y, 3));
        fill(t, y, 16, CANARY);
        st = t->is64 ? logits_logsumexp_f64(NULL, (double *)y, 2, 0) : logits_logsumexp_f32(NULL, (float *)y, 2, 0);
        CHECK(st == LOGITS_OK, "x=NULL rows=2 cols=0: status %d", (int)st);
        CHECK(all_equal_to(t, y, 2, -INFINITY) && all_equal_to(t, elem(t, y, 2), 14, CANARY),
              "x=NULL rows=2 cols=0: expected 2 x -inf then untouched");
        for (ti = 0; ti < N_TEMPS; ti++) {
            fill(t, y, 16, CANARY);
            st = t->is64 ? logits_logsumexp_axis_f64(NULL, (double *)y, 2, 0, 3, (double)TEMPS[ti], LOGITS_PRECISION_DEFAULT)
                         : logits_logsumexp_axis_f32(NULL, (float *)y, 2, 0, 3, (float)TEMPS[ti], LOGITS_PRECISION_DEFAULT);
            CHECK(st == LOGITS_OK, "axis (2, 0, 3) T=%Lg: status %d", TEMPS[ti], (int)st);
            CHECK(all_equal_to(t, y, 6, -INFINITY) && all_equal_to(t, elem(t, y, 6), 10, CANARY),
                  "axis (2, 0, 3) T=%Lg: expected 6 x -inf then untouched", TEMPS[ti]);
        }
        free(x);
        free(y);
    }
}

/* ======================================================================== */
/* Softmax family: backward                                                 */
/* ======================================================================== */

static void backward_case(int fn)
{
    const dtype_t *t;
    size_t li, si, ti;
    op_t row_op = {0, 0, "", 0}, axis_op = {0, 0, "", 0};
    row_op.fn = axis_op.fn = fn;
    row_op.axis = 0;
    axis_op.axis = 1;
    row_op.name = fn == FN_SOFTMAX_BWD ? "softmax_backward" : "log_softmax_backward";
    axis_op.name = fn == FN_SOFTMAX_BWD ? "softmax_backward_axis" : "log_softmax_backward_axis";
    FOR_EACH_DTYPE(t) {
        for (li = 0; li < N_LENGTHS; li++) {
            size_t cols = LENGTHS[li], rows = cols >= 50000 ? 2 : 4, n = rows * cols;
            shape_t s = shape2(rows, cols);
            void *y = alloc_elems(t, n), *dy = alloc_elems(t, n), *dx = alloc_elems(t, n + 1);
            /* realistic: y from a forward pass */
            gen_inputs(&row_op, t, y, dy, s, 1, -8, 8);
            VERIFY(&row_op, t, y, dy, dx, s, 1);
            /* arbitrary y (the formula holds for any y) and wide dy */
            if (fn == FN_SOFTMAX_BWD)
                fill_uniform(t, y, n, 0, 1);
            else
                fill_uniform(t, y, n, -30, 0);
            fill_uniform(t, dy, n, -100, 100);
            VERIFY(&row_op, t, y, dy, dx, s, 1);
            free(y);
            free(dy);
            free(dx);
        }
        for (si = 0; si < N_AXIS_SHAPES; si++) {
            shape_t s = AXIS_SHAPES[si];
            size_t n = s.s1 * s.s2 * s.s3;
            void *y = alloc_elems(t, n), *dy = alloc_elems(t, n), *dx = alloc_elems(t, n + 1);
            for (ti = 0; ti < N_TEMPS; ti++) {
                gen_inputs(&axis_op, t, y, dy, s, TEMPS[ti], -8, 8);
                VERIFY(&axis_op, t, y, dy, dx, s, TEMPS[ti]);
                if (TEMPS[ti] == 1) compare_axis_with_transposed_rows(&axis_op, t, y, dy, s);
            }
            free(y);
            free(dy);
            free(dx);
        }
    }
}

static void test_softmax_backward(void) { backward_case(FN_SOFTMAX_BWD); }
static void test_log_softmax_backward(void) { backward_case(FN_LOG_SOFTMAX_BWD); }

/* Non-finite values propagate as IEEE arithmetic says: a NaN in dy poisons
 * its slice (through the sum), infinities follow the formula. */
static void test_backward_non_finite(void)
{
    const dtype_t *t;
    const op_t *op;
    FOR_EACH_DTYPE(t) {
        FOR_EACH_OP(op) {
            shape_t s;
            size_t n, i, nans = 0;
            void *y, *dy, *dx;
            if (!has_two_inputs(op)) continue;
            s = is_elementwise(op) ? shape1(12) : op->axis ? shape3(2, 4, 3) : shape2(3, 4);
            n = in_count(op, s);
            y = alloc_elems(t, n);
            dy = alloc_elems(t, n);
            dx = alloc_elems(t, n + 1);
            gen_inputs(op, t, y, dy, s, 1.5L, -4, 4);
            put(t, dy, 5, NAN);
            VERIFY(op, t, y, dy, dx, s, 1.5L);
            for (i = 0; i < n; i++) nans += isnan(get(t, dx, i)) ? 1 : 0;
            CHECK(nans == (is_elementwise(op) ? 1u : 4u), "one NaN in dy gave %zu NaN outputs", nans);
            if (is_elementwise(op)) {
                /* dy = +-inf with y strictly inside the domain */
                gen_inputs(op, t, y, dy, s, 1, -4, 4);
                put(t, dy, 0, INFINITY);
                put(t, dy, 1, -INFINITY);
                put(t, y, 2, NAN);
                if (op->fn == FN_LOG_SIGMOID_BWD) put(t, y, 3, -INFINITY); /* -expm1(-inf) = 1: dx = dy */
                if (op->fn == FN_SOFTPLUS_BWD) put(t, y, 3, INFINITY);     /* -expm1(-inf) = 1: dx = dy */
                VERIFY(op, t, y, dy, dx, s, 1);
                CHECK(isinf(get(t, dx, 0)) && isinf(get(t, dx, 1)) && isnan(get(t, dx, 2)),
                      "dx = %Lg, %Lg, %Lg; expected +-inf, +-inf, NaN", get(t, dx, 0), get(t, dx, 1), get(t, dx, 2));
                if (op->fn != FN_SIGMOID_BWD)
                    CHECK(get(t, dx, 3) == get(t, dy, 3), "y = %Lg: dx = %Lg, expected dy = %Lg", get(t, y, 3),
                          get(t, dx, 3), get(t, dy, 3));
            }
            free(y);
            free(dy);
            free(dx);
        }
    }
}

/* ======================================================================== */
/* Elementwise                                                              */
/* ======================================================================== */

static void gen_elementwise(const dtype_t *t, void *x, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++) {
        ld v;
        switch (i % 4) {
        case 0: v = rng_uniform(-8, 8); break;
        case 1: v = rng_uniform(-120, 120); break;
        case 2: v = rng_uniform(-1000, 1000); break;
        default: { /* log-uniform magnitudes across the whole range */
            ld e = rng_uniform(t->is64 ? -300 : -37, t->is64 ? 300 : 37);
            v = powl(10, e) * (rng_unit() < 0.5L ? -1 : 1);
            break;
        }
        }
        put(t, x, i, v);
    }
}

static void elementwise_case(int fn)
{
    const dtype_t *t;
    size_t li;
    op_t op = {0, 0, "", 0};
    op.fn = fn;
    op.axis = 0;
    op.name = fn == FN_SIGMOID ? "sigmoid" : fn == FN_LOG_SIGMOID ? "log_sigmoid" : "softplus";
    FOR_EACH_DTYPE(t) {
        for (li = 0; li < N_LENGTHS; li++) {
            size_t n = LENGTHS[li] * 3 + (LENGTHS[li] > 0 ? LENGTHS[li] % 5 : 0), i;
            void *x = alloc_elems(t, n), *y = alloc_elems(t, n + 1);
            gen_elementwise(t, x, n);
            VERIFY(&op, t, x, NULL, y, shape1(n), 1);
            for (i = 0; i < n; i++) {
                ld v = get(t, y, i);
                if (fn == FN_SIGMOID)
                    CHECK(v >= 0 && v <= 1, "sigmoid(%Lg) = %Lg outside [0, 1]", get(t, x, i), v);
                else if (fn == FN_SOFTPLUS)
                    CHECK(v >= 0 && isfinite(v), "softplus(%Lg) = %Lg", get(t, x, i), v);
                else
                    CHECK(v <= 0 && isfinite(v), "log_sigmoid(%Lg) = %Lg", get(t, x, i), v);
            }
            free(x);
            free(y);
        }
    }
}

static void test_sigmoid(void) { elementwise_case(FN_SIGMOID); }
static void test_log_sigmoid(void) { elementwise_case(FN_LOG_SIGMOID); }
static void test_softplus(void) { elementwise_case(FN_SOFTPLUS); }

static void test_elementwise_special_values(void)
{
    const dtype_t *t;
    size_t fi, i;
    FOR_EACH_DTYPE(t) {
        const ld M = t->maxv, I = INFINITY;
        const ld xs[] = {0.0L, -0.0L, 1e-30L, -1e-30L, t->minv, -t->minv, t->minv * t->eps, 1, -1, 10, -10,
                         17, -17, 30, -30, 37, -37, 50, -50, 88, -88, 89, -89, 100, -100, 104, -104, 200, -200,
                         700, -700, 710, -710, 745, -745, 746, -746, 1000, -1000, 1e30L, -1e30L, M, -M, I, -I, NAN};
        const size_t n = sizeof xs / sizeof xs[0];
        void *x = alloc_elems(t, n), *y = alloc_elems(t, n + 1);
        for (i = 0; i < n; i++) put(t, x, i, xs[i]);
        for (fi = 0; fi < 3; fi++) {
            op_t op = {0, 0, "", 0};
            op.fn = fi == 0 ? FN_SIGMOID : fi == 1 ? FN_LOG_SIGMOID : FN_SOFTPLUS;
            op.axis = 0;
            op.name = fi == 0 ? "sigmoid" : fi == 1 ? "log_sigmoid" : "softplus";
            VERIFY(&op, t, x, NULL, y, shape1(n), 1);
            for (i = 0; i < n; i++) {
                ld xv = get(t, x, i), v = get(t, y, i);
                if (isnan(xv)) {
                    CHECK(isnan(v), "%s(NaN) = %Lg", op.name, v);
                    continue;
                }
                if (op.fn == FN_SIGMOID) {
                    CHECK(v >= 0 && v <= 1, "sigmoid(%Lg) = %Lg", xv, v);
                    if (isinf(xv)) CHECK(v == (xv > 0 ? 1 : 0), "sigmoid(%Lg) = %Lg", xv, v);
                    if (xv == 0) CHECK(v == 0.5L, "sigmoid(%Lg) = %Lg", xv, v);
                } else if (op.fn == FN_SOFTPLUS) {
                    CHECK(v >= 0 && (isfinite(v) || xv == I), "softplus(%Lg) = %Lg", xv, v);
                    if (isinf(xv)) CHECK(v == (xv > 0 ? I : 0), "softplus(%Lg) = %Lg", xv, v);
                    if (xv == M) CHECK(v == M, "softplus(MAX) = %Lg", v);
                } else {
                    CHECK(v <= 0 && (isfinite(v) || xv == -I), "log_sigmoid(%Lg) = %Lg", xv, v);
                    if (isinf(xv)) CHECK(v == (xv > 0 ? 0 : -I), "log_sigmoid(%Lg) = %Lg", xv, v);
                    if (xv == -M) CHECK(v == -M, "log_sigmoid(-MAX) = %Lg", v);
                    if (xv == -200) CHECK(v == -200, "log_sigmoid(-200) = %.21Lg, expected -200 (rounded)", v);
                }
            }
        }
        free(x);
        free(y);
    }
}

static void elementwise_backward_case(int fn)
{
    const dtype_t *t;
    size_t li;
    op_t op = {0, 0, "", 0};
    op.fn = fn;
    op.axis = 0;
    op.name = fn == FN_SIGMOID_BWD ? "sigmoid_backward"
              : fn == FN_LOG_SIGMOID_BWD ? "log_sigmoid_backward"
                                         : "softplus_backward";
    FOR_EACH_DTYPE(t) {
        for (li = 0; li < N_LENGTHS; li++) {
            size_t n = LENGTHS[li] * 2 + 1, i;
            void *y = alloc_elems(t, n), *dy = alloc_elems(t, n), *dx = alloc_elems(t, n + 1);
            op_t f = forward_of(&op);
            ld *ref = (ld *)xmalloc((n + 1) * sizeof(ld)), *tol = (ld *)xmalloc((n + 1) * sizeof(ld));
            /* y = forward(x) over a wide range of x, rounded to the type */
            gen_elementwise(t, y, n);
            compute_ref(&f, t, y, NULL, shape1(n), 1, ref, tol);
            for (i = 0; i < n; i++) put(t, y, i, ref[i]);
            fill_uniform(t, dy, n, -3, 3);
            VERIFY(&op, t, y, dy, dx, shape1(n), 1);
            /* near the interesting points: y close to 0 (log-sigmoid, softplus) */
            for (i = 0; i < n; i++) {
                ld v = powl(10, rng_uniform(-30, 0)) * (fn == FN_LOG_SIGMOID_BWD ? -1 : 1);
                put(t, y, i, fn == FN_SIGMOID_BWD ? rng_unit() : v);
            }
            VERIFY(&op, t, y, dy, dx, shape1(n), 1);
            free(y);
            free(dy);
            free(dx);
            free(ref);
            free(tol);
        }
    }
}

static void test_sigmoid_backward(void) { elementwise_backward_case(FN_SIGMOID_BWD); }
static void test_log_sigmoid_backward(void) { elementwise_backward_case(FN_LOG_SIGMOID_BWD); }
static void test_softplus_backward(void) { elementwise_backward_case(FN_SOFTPLUS_BWD); }

/* ======================================================================== */
/* In place, determinism, alignment                                         */
/* ======================================================================== */

static void test_in_place(void)
{
    const dtype_t *t;
    const op_t *op;
    size_t si;
    FOR_EACH_DTYPE(t) {
        FOR_EACH_OP(op) {
            shape_t shapes[3];
            if (kind_of(op->fn) == K_LSE) continue; /* not in place: see test_overlap */
            if (is_elementwise(op)) {
                shapes[0] = shape1(33);
                shapes[1] = shape1(1000);
                shapes[2] = shape1(4099);
            } else if (op->axis) {
                shapes[0] = shape3(3, 5, 7);
                shapes[1] = shape3(2, 17, 65);
                shapes[2] = shape3(2, 1000, 1);
            } else {
                shapes[0] = shape2(4, 33);
                shapes[1] = shape2(2, 1000);
                shapes[2] = shape2(2, 50257);
            }
            for (si = 0; si < 3; si++) {
                shape_t s = shapes[si];
                ld T = op->axis ? 3.7L : 1;
                size_t n = in_count(op, s);
                void *a = alloc_elems(t, n), *b = alloc_elems(t, n), *bcopy, *ref_out = alloc_elems(t, n + 1);
                void *buf = alloc_elems(t, n + 1), *out = alloc_elems(t, n + 1), *out2 = alloc_elems(t, n + 1);
                logits_status st;
                gen_inputs(op, t, a, b, s, T, gen_lo(op), gen_hi(op));
                bcopy = dup_elems(t, b, n);
                VERIFY(op, t, a, has_two_inputs(op) ? b : NULL, ref_out, s, T);
                if (!has_two_inputs(op)) {
                    memcpy(buf, a, n * t->size);
                    st = call_op(op, t, buf, NULL, buf, s, T);
                    CHECK(st == LOGITS_OK && memcmp(buf, ref_out, n * t->size) == 0,
                          "y == x: status %d, result differs from out of place", (int)st);
                } else {
                    memcpy(buf, a, n * t->size);
                    st = call_op(op, t, buf, b, buf, s, T);
                    CHECK(st == LOGITS_OK && memcmp(buf, ref_out, n * t->size) == 0,
                          "dx == y: status %d, result differs from out of place", (int)st);
                    memcpy(buf, b, n * t->size);
                    st = call_op(op, t, a, buf, buf, s, T);
                    CHECK(st == LOGITS_OK && memcmp(buf, ref_out, n * t->size) == 0,
                          "dx == dy: status %d, result differs from out of place", (int)st);
                    /* y and dy the same array: compare with separate equal arrays */
                    memcpy(bcopy, a, n * t->size);
                    st = call_op(op, t, a, bcopy, out, s, T);
                    CHECK(st == LOGITS_OK, "y, dy separate equal arrays: status %d", (int)st);
                    st = call_op(op, t, a, a, out2, s, T);
                    CHECK(st == LOGITS_OK && memcmp(out2, out, n * t->size) == 0,
                          "y == dy: status %d, result differs from separate equal arrays", (int)st);
                    memcpy(buf, a, n * t->size);
                    st = call_op(op, t, buf, buf, buf, s, T);
                    CHECK(st == LOGITS_OK && memcmp(buf, out, n * t->size) == 0,
                          "dx == y == dy: status %d, result differs from out of place", (int)st);
                }
                free(a);
                free(b);
                free(bcopy);
                free(ref_out);
                free(buf);
                free(out);
                free(out2);
            }
        }
    }
}

static void test_determinism(void)
{
    const dtype_t *t;
    const op_t *op;
    FOR_EACH_DTYPE(t) {
        FOR_EACH_OP(op) {
            shape_t s = is_elementwise(op) ? shape1((size_t)1 << 20)
                        : op->axis        ? shape3(3, 1000, 65)
                                          : shape2(5, 50257);
            ld T = op->axis ? 0.7L : 1;
            size_t n = in_count(op, s), no = out_count(op, s);
            void *a = alloc_elems(t, n), *b = alloc_elems(t, n);
            void *y1 = alloc_elems(t, no + 1), *y2 = alloc_elems(t, no + 1);
            logits_status st;
            gen_inputs(op, t, a, b, s, T, gen_lo(op), gen_hi(op));
            VERIFY(op, t, a, has_two_inputs(op) ? b : NULL, y1, s, T);
            fill(t, y2, no, -CANARY);
            st = call_op(op, t, a, has_two_inputs(op) ? b : NULL, y2, s, T);
            CHECK(st == LOGITS_OK && memcmp(y1, y2, no * t->size) == 0,
                  "second call: status %d, results differ bitwise", (int)st);
            free(a);
            free(b);
            free(y1);
            free(y2);
        }
    }
}

/* Arrays that start one element past an aligned address (odd SIMD alignment). */
static void test_unaligned_start(void)
{
    const dtype_t *t;
    const op_t *op;
    FOR_EACH_DTYPE(t) {
        FOR_EACH_OP(op) {
            shape_t s = is_elementwise(op) ? shape1(67) : op->axis ? shape3(2, 9, 67) : shape2(3, 67);
            size_t n = in_count(op, s), no = out_count(op, s);
            char *a = (char *)alloc_elems(t, n + 1), *b = (char *)alloc_elems(t, n + 1);
            char *y = (char *)alloc_elems(t, no + 1);
            gen_inputs(op, t, a + t->size, b + t->size, s, 1.25L, gen_lo(op), gen_hi(op));
            VERIFY(op, t, a + t->size, has_two_inputs(op) ? b + t->size : NULL, y + t->size, s, 1.25L);
            free(a);
            free(b);
            free(y);
        }
    }
}

/* ======================================================================== */
/* Error paths: each must leave every buffer untouched                      */
/* ======================================================================== */

#define EBUF 64 /* elements in each buffer handed to an error-path call */

typedef struct {
    void *a, *b, *out;    /* canary-filled buffers */
    void *a0, *b0, *out0; /* snapshots */
    const dtype_t *t;
} bufs_t;

static void bufs_init(bufs_t *B, const dtype_t *t)
{
    B->t = t;
    B->a = alloc_elems(t, EBUF);
    B->b = alloc_elems(t, EBUF);
    B->out = alloc_elems(t, EBUF);
    fill_uniform(t, B->a, EBUF, 0, 1);
    fill_uniform(t, B->b, EBUF, -1, 1);
    fill(t, B->out, EBUF, CANARY);
    B->a0 = dup_elems(t, B->a, EBUF);
    B->b0 = dup_elems(t, B->b, EBUF);
    B->out0 = dup_elems(t, B->out, EBUF);
}

static int bufs_untouched(const bufs_t *B)
{
    size_t sz = EBUF * B->t->size;
    return memcmp(B->a, B->a0, sz) == 0 && memcmp(B->b, B->b0, sz) == 0 && memcmp(B->out, B->out0, sz) == 0;
}

static void bufs_free(bufs_t *B)
{
    free(B->a);
    free(B->b);
    free(B->out);
    free(B->a0);
    free(B->b0);
    free(B->out0);
}

static void test_null_pointers(void)
{
    const dtype_t *t;
    const op_t *op;
    FOR_EACH_DTYPE(t) {
        FOR_EACH_OP(op) {
            shape_t s = std_shape(op);
            int slot, nslots = has_two_inputs(op) ? 3 : 2;
            bufs_t B;
            bufs_init(&B, t);
            for (slot = 0; slot < nslots; slot++) {
                const void *a = slot == 0 ? NULL : B.a;
                const void *b = has_two_inputs(op) ? (slot == 1 ? NULL : B.b) : NULL;
                void *out = slot == nslots - 1 ? NULL : B.out;
                logits_status st = call_op(op, t, a, b, out, s, 1);
                set_op_ctx(op, t, s, 1);
                CHECK(st == LOGITS_ERROR_NULL_POINTER, "%s NULL: status %d (%s), expected LOGITS_ERROR_NULL_POINTER",
                      slot == 0 ? "first input" : slot == nslots - 1 ? "output" : "dy", (int)st,
                      logits_status_string(st));
                CHECK(bufs_untouched(&B), "a buffer was written on error");
            }
            bufs_free(&B);
        }
    }
}

static void test_zero_sizes(void)
{
    const dtype_t *t;
    const op_t *op;
    size_t si;
    FOR_EACH_DTYPE(t) {
        FOR_EACH_OP(op) {
            shape_t shapes[4];
            size_t ns;
            if (is_elementwise(op)) {
                shapes[0] = shape1(0);
                ns = 1;
            } else if (op->axis) {
                shapes[0] = shape3(0, 5, 3);
                shapes[1] = shape3(3, 0, 5);
                shapes[2] = shape3(3, 5, 0);
                shapes[3] = shape3(0, 0, 0);
                ns = 4;
            } else {
                shapes[0] = shape2(0, 5);
                shapes[1] = shape2(5, 0);
                shapes[2] = shape2(0, 0);
                ns = 3;
            }
            for (si = 0; si < ns; si++) {
                shape_t s = shapes[si];
                size_t no = out_count(op, s); /* > 0 only for logsumexp over an empty axis */
                bufs_t B;
                logits_status st;
                bufs_init(&B, t);
                set_op_ctx(op, t, s, 2);
                /* real buffers */
                st = call_op(op, t, B.a, has_two_inputs(op) ? B.b : NULL, B.out, s, 2);
                CHECK(st == LOGITS_OK, "status %d (%s), expected LOGITS_OK", (int)st, logits_status_string(st));
                if (no == 0) {
                    CHECK(bufs_untouched(&B), "zero-sized call wrote to a buffer");
                } else {
                    CHECK(all_equal_to(t, B.out, no, -INFINITY) && all_equal_to(t, elem(t, B.out, no), EBUF - no, CANARY),
                          "empty axis: expected %zu x -inf and nothing else written", no);
                }
                /* NULL for every zero-sized array */
                fill(t, B.out, EBUF, CANARY);
                st = call_op(op, t, NULL, NULL, no ? B.out : NULL, s, 2);
                CHECK(st == LOGITS_OK, "NULL pointers: status %d (%s), expected LOGITS_OK", (int)st,
                      logits_status_string(st));
                if (no) {
                    CHECK(all_equal_to(t, B.out, no, -INFINITY), "x NULL, empty axis: expected -inf");
                    st = call_op(op, t, NULL, NULL, NULL, s, 2);
                    CHECK(st == LOGITS_ERROR_NULL_POINTER,
                          "y NULL with %zu outputs: status %d, expected LOGITS_ERROR_NULL_POINTER", no, (int)st);
                }
                bufs_free(&B);
            }
        }
    }
}

#define SZBITS (sizeof(size_t) * CHAR_BIT)
#define PMAX ((size_t)PTRDIFF_MAX)

static void expect_size_overflow(const op_t *op, const dtype_t *t, shape_t s, const char *file, int line)
{
    bufs_t B;
    logits_status st;
    bufs_init(&B, t);
    st = call_op(op, t, B.a, has_two_inputs(op) ? B.b : NULL, B.out, s, 1);
    set_op_ctx(op, t, s, 1);
    CHECK_AT(file, line, st == LOGITS_ERROR_SIZE_OVERFLOW, "status %d (%s), expected LOGITS_ERROR_SIZE_OVERFLOW",
             (int)st, logits_status_string(st));
    CHECK_AT(file, line, bufs_untouched(&B), "a buffer was written on error");
    bufs_free(&B);
}

static void test_size_overflow(void)
{
    const dtype_t *t;
    const op_t *op;
    size_t i;
    const size_t H = (size_t)1 << (SZBITS / 2);        /* H * H wraps to 0 */
    const size_t Q = (size_t)1 << (SZBITS / 3 + 1);    /* Q^3 overflows, Q^2 does not */
    const size_t A = (size_t)1 << (SZBITS / 3);        /* A * A * C wraps to 0 */
    const size_t C = (size_t)1 << (SZBITS - 2 * (SZBITS / 3));
    FOR_EACH_DTYPE(t) {
        const size_t nb = PMAX / t->size + 1; /* nb elements: more than PTRDIFF_MAX bytes */
        FOR_EACH_OP(op) {
            if (is_elementwise(op)) {
                const size_t counts[] = {SIZE_MAX, PMAX + 1, nb, PMAX};
                for (i = 0; i < sizeof counts / sizeof counts[0]; i++)
                    expect_size_overflow(op, t, shape1(counts[i]), __FILE__, __LINE__);
            } else if (!op->axis) {
                const shape_t shapes[] = {{SIZE_MAX / 2, 4, 1}, {4, SIZE_MAX / 2, 1}, {H, H, 1},
                                          {SIZE_MAX, SIZE_MAX, 1}, {SIZE_MAX, 1, 1}, {1, SIZE_MAX, 1},
                                          {nb, 1, 1}, {1, nb, 1}, {2, nb / 2 + 1, 1}, {PMAX + 1, 1, 1}};
                for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
                    expect_size_overflow(op, t, shapes[i], __FILE__, __LINE__);
                if (kind_of(op->fn) == K_LSE) /* rows outputs, more than PTRDIFF_MAX bytes */
                    expect_size_overflow(op, t, shape2(nb, 0), __FILE__, __LINE__);
            } else {
                const shape_t shapes[] = {{SIZE_MAX / 2, 4, 1}, {1, 4, SIZE_MAX / 2}, {4, SIZE_MAX / 2, 1},
                                          {Q, Q, Q}, {A, A, C}, {H, 1, H}, {SIZE_MAX, 1, 1}, {1, 1, SIZE_MAX},
                                          {1, SIZE_MAX, 1}, {1, nb, 1}, {nb, 1, 1}, {1, 1, nb}, {3, nb / 2, 1}};
                for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
                    expect_size_overflow(op, t, shapes[i], __FILE__, __LINE__);
                if (kind_of(op->fn) == K_LSE) { /* outer x inner outputs overflow with an empty axis */
                    expect_size_overflow(op, t, shape3(H, 0, H), __FILE__, __LINE__);
                    expect_size_overflow(op, t, shape3(Q * Q, 0, Q * Q), __FILE__, __LINE__);
                    expect_size_overflow(op, t, shape3(nb, 0, 1), __FILE__, __LINE__);
                    expect_size_overflow(op, t, shape3(1, 0, nb), __FILE__, __LINE__);
                }
            }
        }
    }
}

/* Header: "A size ... above PTRDIFF_MAX returns LOGITS_ERROR_SIZE_OVERFLOW",
 * also when another size is 0 and the product therefore is 0. */
static void test_size_above_ptrdiff_max_with_zero_product(void)
{
    const dtype_t *t;
    const op_t *op;
    size_t i;
    FOR_EACH_DTYPE(t) {
        FOR_EACH_OP(op) {
            if (is_elementwise(op)) continue;
            if (!op->axis) {
                const shape_t shapes[] = {{SIZE_MAX, 0, 1}, {0, SIZE_MAX, 1}, {PMAX + 1, 0, 1}, {0, PMAX + 1, 1}};
                for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
                    expect_size_overflow(op, t, shapes[i], __FILE__, __LINE__);
            } else {
                const shape_t shapes[] = {{SIZE_MAX, 0, 1}, {0, SIZE_MAX, 1}, {1, 0, SIZE_MAX},
                                          {0, 1, SIZE_MAX}, {1, SIZE_MAX, 0}, {PMAX + 1, 1, 0}};
                for (i = 0; i < sizeof shapes / sizeof shapes[0]; i++)
                    expect_size_overflow(op, t, shapes[i], __FILE__, __LINE__);
            }
        }
    }
}

/* Call op with explicit pointers into one shared buffer; expect status. If an
 * error is expected, the whole buffer must be unchanged; if OK, the output
 * must match the reference computed from the inputs as they were. */
static void overlap_call(const op_t *op, const dtype_t *t, void *buf, size_t nbuf, size_t ia, size_t ib,
                         size_t iout, shape_t s, logits_status expect, const char *what, int line)
{
    void *snap = dup_elems(t, buf, nbuf);
    size_t n = in_count(op, s), no = out_count(op, s);
    void *a = elem(t, buf, ia), *b = has_two_inputs(op) ? elem(t, buf, ib) : NULL, *out = elem(t, buf, iout);
    void *acopy = dup_elems(t, a, n), *bcopy = b ? dup_elems(t, b, n) : NULL;
    logits_status st = call_op(op, t, a, b, out, s, 1.5L);
    set_op_ctx(op, t, s, 1.5L);
    CHECK_AT(__FILE__, line, st == expect, "%s: status %d (%s), expected %d (%s)", what, (int)st,
             logits_status_string(st), (int)expect, logits_status_string(expect));
    if (expect != LOGITS_OK) {
        CHECK_AT(__FILE__, line, memcmp(buf, snap, nbuf * t->size) == 0, "%s: buffer written on error", what);
    } else if (st == LOGITS_OK) {
        ld *ref = (ld *)xmalloc((no + 1) * sizeof(ld)), *tol = (ld *)xmalloc((no + 1) * sizeof(ld));
        compute_ref(op, t, acopy, bcopy, s, 1.5L, ref, tol);
        expect_ref_impl(__FILE__, line, op, t, acopy, bcopy, out, s, ref, tol);
        memcpy(buf, snap, nbuf * t->size); /* restore for the next call */
        free(ref);
        free(tol);
    }
    free(snap);
    free(acopy);
    free(bcopy);
}

static void test_overlap(void)
{
    const dtype_t *t;
    const op_t *op;
    FOR_EACH_DTYPE(t) {
        FOR_EACH_OP(op) {
            shape_t s = std_shape(op);
            size_t n = in_count(op, s), no = out_count(op, s);
            size_t nbuf = 4 * n + 8, base = n + 4;
            void *buf = alloc_elems(t, nbuf);
            const logits_status E = LOGITS_ERROR_OVERLAP;
            fill_uniform(t, buf, nbuf, is_elementwise(op) ? -5 : 0.01L, 0.9L);
            if (kind_of(op->fn) == K_FWD || kind_of(op->fn) == K_EW) {
                overlap_call(op, t, buf, nbuf, base, 0, base + 1, s, E, "y = x + 1", __LINE__);
                overlap_call(op, t, buf, nbuf, base, 0, base - 1, s, E, "y = x - 1", __LINE__);
                overlap_call(op, t, buf, nbuf, base, 0, base + n - 1, s, E, "y = x + n - 1", __LINE__);
                overlap_call(op, t, buf, nbuf, base, 0, base - n + 1, s, E, "y = x - n + 1", __LINE__);
                overlap_call(op, t, buf, nbuf, base, 0, base + n, s, LOGITS_OK, "y = x + n (adjacent)", __LINE__);
                overlap_call(op, t, buf, nbuf, base, 0, base - n, s, LOGITS_OK, "y = x - n (adjacent)", __LINE__);
            } else if (kind_of(op->fn) == K_LSE) {
                overlap_call(op, t, buf, nbuf, base, 0, base, s, E, "y == x", __LINE__);
                overlap_call(op, t, buf, nbuf, base, 0, base + 1, s, E, "y = x + 1", __LINE__);
                overlap_call(op, t, buf, nbuf, base, 0, base + n - 1, s, E, "y = x + n - 1", __LINE__);
                overlap_call(op, t, buf, nbuf, base, 0, base - no + 1, s, E, "y = x - outputs + 1", __LINE__);
                overlap_call(op, t, buf, nbuf, base, 0, base + n, s, LOGITS_OK, "y = x + n (adjacent)", __LINE__);
                overlap_call(op, t, buf, nbuf, base, 0, base - no, s, LOGITS_OK, "y = x - outputs (adjacent)",
                             __LINE__);
            } else {
                /* y at [base, base+n), dy at [base+n, base+2n) */
                size_t iy = base, idy = base + n;
                if (kind_of(op->fn) == K_BWD) { /* realistic y for the OK calls */
                    gen_inputs(op, t, elem(t, buf, iy), elem(t, buf, idy), s, 1.5L, -4, 4);
                }
                overlap_call(op, t, buf, nbuf, iy, idy, iy + 1, s, E, "dx = y + 1", __LINE__);
                overlap_call(op, t, buf, nbuf, iy, idy, iy - 1, s, E, "dx = y - 1", __LINE__);
                overlap_call(op, t, buf, nbuf, iy, idy, idy + 1, s, E, "dx = dy + 1", __LINE__);
                overlap_call(op, t, buf, nbuf, iy, idy, idy - 1, s, E, "dx = dy - 1 (overlaps both)", __LINE__);
                overlap_call(op, t, buf, nbuf, iy, idy, idy + n - 1, s, E, "dx = dy + n - 1", __LINE__);
                overlap_call(op, t, buf, nbuf, iy, idy, iy - n + 1, s, E, "dx = y - n + 1", __LINE__);
                overlap_call(op, t, buf, nbuf, iy, idy, idy + n, s, LOGITS_OK, "dx just after dy", __LINE__);
                overlap_call(op, t, buf, nbuf, iy, idy, iy - n, s, LOGITS_OK, "dx just before y", __LINE__);
            }
            free(buf);
        }
    }
}

/* Only output/input overlap is an error: the two inputs y and dy of a
 * backward function may overlap each other in any way. */
static void test_inputs_may_overlap(void)
{
    const dtype_t *t;
    const op_t *op;
    FOR_EACH_DTYPE(t) {
        FOR_EACH_OP(op) {
            shape_t s = std_shape(op);
            size_t n = in_count(op, s), nbuf = 3 * n + 8;
            void *buf;
            if (!has_two_inputs(op)) continue;
            buf = alloc_elems(t, nbuf);
            fill_uniform(t, buf, nbuf, is_elementwise(op) ? -5 : -0.9L, is_elementwise(op) ? 0.9L : -0.01L);
            if (op->fn == FN_SOFTMAX_BWD || op->fn == FN_SIGMOID_BWD) fill_uniform(t, buf, nbuf, 0.01L, 0.9L);
            overlap_call(op, t, buf, nbuf, 0, 1, 2 * n, s, LOGITS_OK, "dy = y + 1", __LINE__);
            overlap_call(op, t, buf, nbuf, 1, 0, 2 * n, s, LOGITS_OK, "dy = y - 1", __LINE__);
            overlap_call(op, t, buf, nbuf, 0, n - 1, 2 * n, s, LOGITS_OK, "dy = y + n - 1", __LINE__);
            free(buf);
        }
    }
}

/* ======================================================================== */

/* Every operation of abi/operations.h but the losses (test_losses.c) is in
 * OPS, in every element type of DTYPES (float32 and float64; the 16-bit
 * forms are test_half.c's). */
static void test_covers_the_operation_list(void)
{
    static char buf[N_OPS * 2][64];
    static const char *names[N_OPS * 2];
    const op_t *op;
    const dtype_t *t;
    size_t n = 0;
    FOR_EACH_OP(op) FOR_EACH_DTYPE(t) {
        snprintf(buf[n], sizeof buf[n], "%s_%s", op->name, t->is64 ? "f64" : "f32");
        names[n] = buf[n];
        n++;
    }
    CHECK(list_missing_types("test_logits", names, n,
                             "ROW_FWD ROW_LSE ROW_BWD AXIS_FWD AXIS_LSE AXIS_BWD EW EW_BWD EW_EX EW_BWD_EX",
                             "f32 f64") == 0,
          "operations of the list without a test (see stderr)");
}

/* Cases whose long-double references need x87 infinities and ranges, which
 * valgrind emulates with 64-bit doubles: under valgrind (LOGITS_TEST_VALGRIND
 * set by Tests/checks/valgrind.sh) they are left out, and said so, so that
 * every line a green run prints says "0 failed". They run everywhere else. */
static int g_x87_skipped;
#define RUN_X87(fn) (getenv("LOGITS_TEST_VALGRIND") ? (void)g_x87_skipped++ : run_case(#fn, fn))

int main(int argc, char **argv)
{
    harness_start(argc, argv);
    DTYPES[0].c = list_bound("softmax_backward", "f32"); /* 4 */
    DTYPES[1].c = list_bound("softmax_backward", "f64"); /* 8 */
    RUN(test_covers_the_operation_list);

    RUN(test_version);
    RUN(test_status_strings);

    RUN(test_softmax_rows);
    RUN(test_log_softmax_rows);
    RUN(test_logsumexp_rows);
    RUN(test_softmax_axis);
    RUN(test_log_softmax_axis);
    RUN(test_logsumexp_axis);
    RUN(test_row_form_equals_axis_form);
    RUN(test_temperature_extremes);
    RUN_X87(test_temperature_no_overflow);
    RUN(test_bad_temperature);
    RUN_X87(test_softmax_family_special_values);
    RUN(test_nan_isolation);
    RUN(test_log_softmax_finite_for_finite_inputs);
    RUN_X87(test_log_softmax_finite_at_range_limit);
    RUN(test_logsumexp_empty_axis);

    RUN(test_softmax_backward);
    RUN(test_log_softmax_backward);
    RUN_X87(test_backward_non_finite);

    RUN(test_sigmoid);
    RUN(test_log_sigmoid);
    RUN(test_softplus);
    RUN(test_elementwise_special_values);
    RUN(test_sigmoid_backward);
    RUN(test_log_sigmoid_backward);
    RUN(test_softplus_backward);

    RUN(test_in_place);
    RUN(test_determinism);
    RUN(test_unaligned_start);

    RUN(test_null_pointers);
    RUN(test_zero_sizes);
    RUN(test_size_overflow);
    RUN(test_size_above_ptrdiff_max_with_zero_product);
    RUN(test_overlap);
    RUN(test_inputs_may_overlap);

    if (g_x87_skipped)
        printf("(%d cases that need x87 long double left out under valgrind)\n", g_x87_skipped);
    return harness_finish();
}
