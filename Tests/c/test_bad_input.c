/*
 * test_bad_input.c: every class of bad input through every C entry point of
 * include/logits.h, as one table-driven matrix:
 *
 *   entry points (activations row/_axis/backward in f32, f64, f16 and bf16, sigmoid family,
 *   losses, options init, status/version)  x  bad-input classes:
 *   NULL pointers, zero sizes, sizes whose product or byte count overflows,
 *   huge single sizes, bad temperatures, overlapping outputs, out-of-range
 *   enum values and flags, wrong struct_size, out-of-range options
 *   (smoothing, eps, gamma, alpha, temperature), out-of-range labels and the
 *   ignore index, bad targets / weights / probabilities, zero classes.
 *
 * Each case names the status the header documents. Every buffer lives in one
 * arena whose unused bytes (and the outputs) are filled with a canary before
 * the call: on an error status the whole arena must be byte-for-byte
 * unchanged. Allowed aliasing (in place) must return LOGITS_OK.
 *
 * Two library issues this matrix and the fuzzer found (now fixed) are
 * checked at the end.
 *
 * Prints failures on stderr and "N passed, M failed" on stdout (-v: every
 * case); exits non-zero on failure.
 */
#include "logits.h"
#include "half.h"

#include <float.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Entry points                                                             */
/* ------------------------------------------------------------------------ */

enum {
    K_ROW_FWD, K_ROW_LSE, K_ROW_BWD, K_AXIS_FWD, K_AXIS_LSE, K_AXIS_BWD,
    K_EW, K_EW_BWD, K_CE_LABELS, K_CE_SOFT, K_BCE, K_EW_EX, K_EW_BWD_EX, N_KINDS
};
#define KB(k) (1u << (k))
#define ALL_KINDS ((1u << N_KINDS) - 1)
#define EW_KINDS (KB(K_EW) | KB(K_EW_BWD) | KB(K_EW_EX) | KB(K_EW_BWD_EX))
#define ACT_KINDS (KB(K_ROW_FWD) | KB(K_ROW_LSE) | KB(K_ROW_BWD) | KB(K_AXIS_FWD) | KB(K_AXIS_LSE) | \
                   KB(K_AXIS_BWD) | EW_KINDS)
#define AXIS_KINDS (KB(K_AXIS_FWD) | KB(K_AXIS_LSE) | KB(K_AXIS_BWD))
#define SHAPED_KINDS (ALL_KINDS & ~EW_KINDS)
#define LSE_KINDS (KB(K_ROW_LSE) | KB(K_AXIS_LSE))
#define BWD_KINDS (KB(K_ROW_BWD) | KB(K_AXIS_BWD) | KB(K_EW_BWD) | KB(K_EW_BWD_EX))
#define IS_EW(k) ((EW_KINDS >> (k)) & 1u)
#define CE_KINDS (KB(K_CE_LABELS) | KB(K_CE_SOFT))
#define LOSS_KINDS (CE_KINDS | KB(K_BCE))
#define THREE_SIZES (AXIS_KINDS | CE_KINDS)
#define PREC_KINDS (AXIS_KINDS | KB(K_EW_EX) | KB(K_EW_BWD_EX) | LOSS_KINDS)

typedef void (*fnp)(void);
/* Element types: float32, float64, and the 16-bit storage types (their
 * temperatures are float). */
enum { T_F32, T_F64, T_F16, T_BF16 };
typedef struct {
    const char *name;
    int kind, type;
    fnp fn;
} entry_t;

/* One entry per operation and type of the operation list (abi/operations.h),
 * but sampling, top-k and argmax, whose bad input Tests/c/test_sampling.c
 * checks the same way (canary arena, every class). */
#define ENTRY_WIDE(name, kind) {#name "_f32", K_##kind, T_F32, (fnp)logits_##name##_f32}, \
                               {#name "_f64", K_##kind, T_F64, (fnp)logits_##name##_f64},
#define ENTRY_ALL(name, kind) ENTRY_WIDE(name, kind) \
                              {#name "_f16", K_##kind, T_F16, (fnp)logits_##name##_f16}, \
                              {#name "_bf16", K_##kind, T_BF16, (fnp)logits_##name##_bf16},
#define LOGITS_OP(name, kind, function, types) ENTRY_##kind(name, types)
#define ENTRY_ROW_FWD(name, types) ENTRY_##types(name, ROW_FWD)
#define ENTRY_ROW_LSE(name, types) ENTRY_##types(name, ROW_LSE)
#define ENTRY_ROW_BWD(name, types) ENTRY_##types(name, ROW_BWD)
#define ENTRY_AXIS_FWD(name, types) ENTRY_##types(name, AXIS_FWD)
#define ENTRY_AXIS_LSE(name, types) ENTRY_##types(name, AXIS_LSE)
#define ENTRY_AXIS_BWD(name, types) ENTRY_##types(name, AXIS_BWD)
#define ENTRY_EW(name, types) ENTRY_##types(name, EW)
#define ENTRY_EW_BWD(name, types) ENTRY_##types(name, EW_BWD)
#define ENTRY_EW_EX(name, types) ENTRY_##types(name, EW_EX)
#define ENTRY_EW_BWD_EX(name, types) ENTRY_##types(name, EW_BWD_EX)
#define ENTRY_CE_LABELS(name, types) ENTRY_##types(name, CE_LABELS)
#define ENTRY_CE_SOFT(name, types) ENTRY_##types(name, CE_SOFT)
#define ENTRY_BCE(name, types) ENTRY_##types(name, BCE)
#define ENTRY_SAMPLE(name, types)
#define ENTRY_SAMPLE_U(name, types)
#define ENTRY_TOP_K(name, types)
#define ENTRY_ARGMAX(name, types)
static const entry_t ENTRIES[] = {
#include "operations.h"
};
/* The entries above spell out f32, f64, f16 and bf16: a type added to the list must be added here. */
#define LOGITS_TYPE(suffix, ctype, numpy, work) + 1
enum { LIST_TYPES = 0
#include "operations.h"
};
typedef char every_listed_type_is_tested[LIST_TYPES == 4 ? 1 : -1];
#define N_ENTRIES (sizeof ENTRIES / sizeof ENTRIES[0])

typedef logits_status (*row_fwd16)(const uint16_t *, uint16_t *, size_t, size_t);
typedef logits_status (*axis_fwd16)(const uint16_t *, uint16_t *, size_t, size_t, size_t, float, logits_precision);
typedef logits_status (*row_bwd16)(const uint16_t *, const uint16_t *, uint16_t *, size_t, size_t);
typedef logits_status (*axis_bwd16)(const uint16_t *, const uint16_t *, uint16_t *, size_t, size_t, size_t, float,
                                    logits_precision);
typedef logits_status (*ew16)(const uint16_t *, uint16_t *, size_t);
typedef logits_status (*ewb16)(const uint16_t *, const uint16_t *, uint16_t *, size_t);
typedef logits_status (*ewx16)(const uint16_t *, uint16_t *, size_t, logits_precision);
typedef logits_status (*ewbx16)(const uint16_t *, const uint16_t *, uint16_t *, size_t, logits_precision);
typedef logits_status (*cel16)(const uint16_t *, const int64_t *, const float *, float *, uint16_t *, size_t,
                               size_t, size_t, const logits_ce_options *);
typedef logits_status (*ces16)(const uint16_t *, const uint16_t *, const float *, float *, uint16_t *, size_t,
                               size_t, size_t, const logits_ce_options *);
typedef logits_status (*bce16)(const uint16_t *, const uint16_t *, const float *, const float *, float *,
                               uint16_t *, size_t, size_t, const logits_bce_options *);
typedef logits_status (*row_fwd32)(const float *, float *, size_t, size_t);
typedef logits_status (*row_fwd64)(const double *, double *, size_t, size_t);
typedef logits_status (*axis_fwd32)(const float *, float *, size_t, size_t, size_t, float, logits_precision);
typedef logits_status (*axis_fwd64)(const double *, double *, size_t, size_t, size_t, double, logits_precision);
typedef logits_status (*row_bwd32)(const float *, const float *, float *, size_t, size_t);
typedef logits_status (*row_bwd64)(const double *, const double *, double *, size_t, size_t);
typedef logits_status (*axis_bwd32)(const float *, const float *, float *, size_t, size_t, size_t, float,
                                    logits_precision);
typedef logits_status (*axis_bwd64)(const double *, const double *, double *, size_t, size_t, size_t, double,
                                    logits_precision);
typedef logits_status (*ew32)(const float *, float *, size_t);
typedef logits_status (*ew64)(const double *, double *, size_t);
typedef logits_status (*ewb32)(const float *, const float *, float *, size_t);
typedef logits_status (*ewb64)(const double *, const double *, double *, size_t);
typedef logits_status (*ewx32)(const float *, float *, size_t, logits_precision);
typedef logits_status (*ewx64)(const double *, double *, size_t, logits_precision);
typedef logits_status (*ewbx32)(const float *, const float *, float *, size_t, logits_precision);
typedef logits_status (*ewbx64)(const double *, const double *, double *, size_t, logits_precision);
typedef logits_status (*cel32)(const float *, const int64_t *, const float *, float *, float *, size_t, size_t,
                               size_t, const logits_ce_options *);
typedef logits_status (*cel64)(const double *, const int64_t *, const double *, double *, double *, size_t,
                               size_t, size_t, const logits_ce_options *);
typedef logits_status (*ces32)(const float *, const float *, const float *, float *, float *, size_t, size_t,
                               size_t, const logits_ce_options *);
typedef logits_status (*ces64)(const double *, const double *, const double *, double *, double *, size_t,
                               size_t, size_t, const logits_ce_options *);
typedef logits_status (*bce32)(const float *, const float *, const float *, const float *, float *, float *,
                               size_t, size_t, const logits_bce_options *);
typedef logits_status (*bce64)(const double *, const double *, const double *, const double *, double *,
                               double *, size_t, size_t, const logits_bce_options *);

/* ------------------------------------------------------------------------ */
/* One call: pointers into an arena, sizes, temperature, options            */
/* ------------------------------------------------------------------------ */

#define ARENA 8192
#define CANARY 0xA5
static union {
    double align;
    unsigned char b[ARENA];
} g_arena_u;
#define g_arena (g_arena_u.b)
static unsigned char g_snap[ARENA];
/* regions (byte offsets): a, b (dy / labels / targets), w (class weights /
 * pos_weight), w2 (BCE weights), out (y / dx / loss), grad */
enum { OFF_A = 512, OFF_B = 1536, OFF_W = 2560, OFF_W2 = 3584, OFF_OUT = 4608, OFF_GRAD = 5632 };

typedef struct {
    const entry_t *e;
    void *a, *b, *w, *w2, *out, *grad;
    size_t s1, s2, s3;
    double T;
    logits_precision precision; /* of the _axis and _ex forms */
    int opt_null;
    logits_ce_options ce;
    logits_bce_options bce;
} call_t;

static size_t es_of(const call_t *c) { return c->e->type == T_F64 ? 8 : c->e->type == T_F32 ? 4 : 2; }
static void *at(size_t off) { return g_arena + off; }
static void *shift(void *p, const call_t *c, long k) { return (char *)p + k * (long)es_of(c); }

static void put(const call_t *c, void *p, size_t i, double v)
{
    if (c->e->type == T_F64) memcpy((char *)p + 8 * i, &v, 8);
    else if (c->e->type == T_F32) { float f = (float)v; memcpy((char *)p + 4 * i, &f, 4); }
    else {
        uint16_t h = half_from_double(c->e->type == T_F16 ? HALF_F16 : HALF_BF16, v);
        memcpy((char *)p + 2 * i, &h, 2);
    }
}

/* Weights (class, pos_weight, element) in the work type: float for the
 * 16-bit types. */
static void put_w(const call_t *c, void *p, size_t i, double v)
{
    if (c->e->type == T_F64) memcpy((char *)p + 8 * i, &v, 8);
    else { float f = (float)v; memcpy((char *)p + 4 * i, &f, 4); }
}

/* A valid call: rows/outer 2, classes/axis 3, inner 2 (axis, CE), count 6 (elementwise). */
static void base_call(call_t *c, const entry_t *e)
{
    size_t k, n;
    memset(c, 0, sizeof *c);
    memset(g_arena, CANARY, ARENA);
    c->e = e;
    c->a = at(OFF_A); c->b = at(OFF_B); c->w = at(OFF_W); c->w2 = at(OFF_W2);
    c->out = at(OFF_OUT); c->grad = at(OFF_GRAD);
    c->T = 1.5;
    switch (e->kind) {
    case K_EW: case K_EW_BWD: case K_EW_EX: case K_EW_BWD_EX: c->s1 = 6; break;
    case K_ROW_FWD: case K_ROW_LSE: case K_ROW_BWD: case K_BCE: c->s1 = 2; c->s2 = 3; c->s3 = 1; break;
    default: c->s1 = 2; c->s2 = 3; c->s3 = 2; break;
    }
    n = IS_EW(e->kind) ? c->s1 : c->s1 * c->s2 * c->s3;
    for (k = 0; k < n; k++) {
        put(c, c->a, k, 0.05 + 0.1 * (double)k);          /* logits and valid probabilities alike */
        put(c, c->b, k, (k % 3) / 2.0);                     /* dy / soft or binary targets in [0, 1] */
        put_w(c, c->w2, k, 1.0);
    }
    for (k = 0; k < c->s2; k++) put_w(c, c->w, k, 1.0 + (double)k);
    if (e->kind == K_CE_LABELS) {
        int64_t lab[4] = {0, 2, 1, 2};
        memcpy(c->b, lab, sizeof lab);
    }
    logits_ce_options_init(&c->ce);
    logits_bce_options_init(&c->bce);
    c->ce.reduction = LOGITS_REDUCTION_NONE;
    c->bce.reduction = LOGITS_REDUCTION_NONE;
}

static logits_status do_call(const call_t *c)
{
    const entry_t *e = c->e;
    const logits_ce_options *ce = c->opt_null ? NULL : &c->ce;
    const logits_bce_options *bo = c->opt_null ? NULL : &c->bce;
    float Tf = (float)c->T;
    if (e->type >= T_F16) switch (e->kind) { /* the 16-bit forms: the softmax family and elementwise */
    case K_ROW_FWD: case K_ROW_LSE: return ((row_fwd16)e->fn)(c->a, c->out, c->s1, c->s2);
    case K_AXIS_FWD: case K_AXIS_LSE: return ((axis_fwd16)e->fn)(c->a, c->out, c->s1, c->s2, c->s3, Tf, c->precision);
    case K_ROW_BWD: return ((row_bwd16)e->fn)(c->a, c->b, c->out, c->s1, c->s2);
    case K_AXIS_BWD: return ((axis_bwd16)e->fn)(c->a, c->b, c->out, c->s1, c->s2, c->s3, Tf, c->precision);
    case K_EW: return ((ew16)e->fn)(c->a, c->out, c->s1);
    case K_EW_BWD: return ((ewb16)e->fn)(c->a, c->b, c->out, c->s1);
    case K_EW_EX: return ((ewx16)e->fn)(c->a, c->out, c->s1, c->precision);
    case K_EW_BWD_EX: return ((ewbx16)e->fn)(c->a, c->b, c->out, c->s1, c->precision);
    case K_CE_LABELS: return ((cel16)e->fn)(c->a, c->b, c->w, c->out, c->grad, c->s1, c->s2, c->s3, ce);
    case K_CE_SOFT: return ((ces16)e->fn)(c->a, c->b, c->w, c->out, c->grad, c->s1, c->s2, c->s3, ce);
    case K_BCE: return ((bce16)e->fn)(c->a, c->b, c->w, c->w2, c->out, c->grad, c->s1, c->s2, bo);
    default: fprintf(stderr, "no 16-bit call for kind %d\n", e->kind); abort();
    }
    switch (e->kind * 2 + (e->type == T_F64)) {
    case K_ROW_FWD * 2: case K_ROW_LSE * 2: return ((row_fwd32)e->fn)(c->a, c->out, c->s1, c->s2);
    case K_ROW_FWD * 2 + 1: case K_ROW_LSE * 2 + 1: return ((row_fwd64)e->fn)(c->a, c->out, c->s1, c->s2);
    case K_AXIS_FWD * 2: case K_AXIS_LSE * 2:
        return ((axis_fwd32)e->fn)(c->a, c->out, c->s1, c->s2, c->s3, Tf, c->precision);
    case K_AXIS_FWD * 2 + 1: case K_AXIS_LSE * 2 + 1:
        return ((axis_fwd64)e->fn)(c->a, c->out, c->s1, c->s2, c->s3, c->T, c->precision);
    case K_ROW_BWD * 2: return ((row_bwd32)e->fn)(c->a, c->b, c->out, c->s1, c->s2);
    case K_ROW_BWD * 2 + 1: return ((row_bwd64)e->fn)(c->a, c->b, c->out, c->s1, c->s2);
    case K_AXIS_BWD * 2: return ((axis_bwd32)e->fn)(c->a, c->b, c->out, c->s1, c->s2, c->s3, Tf, c->precision);
    case K_AXIS_BWD * 2 + 1:
        return ((axis_bwd64)e->fn)(c->a, c->b, c->out, c->s1, c->s2, c->s3, c->T, c->precision);
    case K_EW * 2: return ((ew32)e->fn)(c->a, c->out, c->s1);
    case K_EW * 2 + 1: return ((ew64)e->fn)(c->a, c->out, c->s1);
    case K_EW_BWD * 2: return ((ewb32)e->fn)(c->a, c->b, c->out, c->s1);
    case K_EW_BWD * 2 + 1: return ((ewb64)e->fn)(c->a, c->b, c->out, c->s1);
    case K_EW_EX * 2: return ((ewx32)e->fn)(c->a, c->out, c->s1, c->precision);
    case K_EW_EX * 2 + 1: return ((ewx64)e->fn)(c->a, c->out, c->s1, c->precision);
    case K_EW_BWD_EX * 2: return ((ewbx32)e->fn)(c->a, c->b, c->out, c->s1, c->precision);
    case K_EW_BWD_EX * 2 + 1: return ((ewbx64)e->fn)(c->a, c->b, c->out, c->s1, c->precision);
    case K_CE_LABELS * 2:
        return ((cel32)e->fn)(c->a, c->b, c->w, c->out, c->grad, c->s1, c->s2, c->s3, ce);
    case K_CE_LABELS * 2 + 1:
        return ((cel64)e->fn)(c->a, c->b, c->w, c->out, c->grad, c->s1, c->s2, c->s3, ce);
    case K_CE_SOFT * 2:
        return ((ces32)e->fn)(c->a, c->b, c->w, c->out, c->grad, c->s1, c->s2, c->s3, ce);
    case K_CE_SOFT * 2 + 1:
        return ((ces64)e->fn)(c->a, c->b, c->w, c->out, c->grad, c->s1, c->s2, c->s3, ce);
    case K_BCE * 2: return ((bce32)e->fn)(c->a, c->b, c->w, c->w2, c->out, c->grad, c->s1, c->s2, bo);
    default: return ((bce64)e->fn)(c->a, c->b, c->w, c->w2, c->out, c->grad, c->s1, c->s2, bo);
    }
}

/* ------------------------------------------------------------------------ */
/* Harness                                                                  */
/* ------------------------------------------------------------------------ */

static int g_passed, g_failed, g_verbose;
static long g_calls;

static int run_one(const call_t *c, logits_status want, const char *what)
{
    logits_status st;
    const char *msg;
    size_t i;
    memcpy(g_snap, g_arena, ARENA);
    st = do_call(c);
    g_calls++;
    if (st != want) {
        fprintf(stderr, "FAIL %s: %s: status %d (%s), expected %d (%s)\n", c->e->name, what, (int)st,
                logits_status_string(st), (int)want, logits_status_string(want));
        return 0;
    }
    /* The thread's error detail: "" after success; after a refusal, a
     * message, and for an invalid argument a specific one, not the status'. */
    msg = logits_last_error_message();
    if (msg == NULL || (want == LOGITS_OK) != (msg[0] == 0) ||
        (want == LOGITS_ERROR_INVALID_ARGUMENT && strcmp(msg, logits_status_string(want)) == 0)) {
        fprintf(stderr, "FAIL %s: %s: status %d but logits_last_error_message() is \"%s\"\n",
                c->e->name, what, (int)st, msg ? msg : "(null)");
        return 0;
    }
    if (want != LOGITS_OK) {
        for (i = 0; i < ARENA; i++)
            if (g_arena[i] != g_snap[i]) {
                fprintf(stderr, "FAIL %s: %s: status %d but arena byte %zu was written\n", c->e->name, what,
                        (int)st, i);
                return 0;
            }
    }
    return 1;
}

/* A zero-sized call: OK, and not one byte written. */
static int run_noop(const call_t *c, const char *what)
{
    size_t i;
    if (!run_one(c, LOGITS_OK, what)) return 0;
    for (i = 0; i < ARENA; i++)
        if (g_arena[i] != g_snap[i]) {
            fprintf(stderr, "FAIL %s: %s: a zero-sized call wrote arena byte %zu\n", c->e->name, what, i);
            return 0;
        }
    return 1;
}

/* ------------------------------------------------------------------------ */
/* The matrix: mutations of the valid call                                  */
/* ------------------------------------------------------------------------ */

#define PMAX ((size_t)PTRDIFF_MAX)
#define HALF ((size_t)1 << (sizeof(size_t) * 4))
#define E_NULL LOGITS_ERROR_NULL_POINTER
#define E_INV LOGITS_ERROR_INVALID_ARGUMENT
#define E_OVF LOGITS_ERROR_SIZE_OVERFLOW
#define E_OVL LOGITS_ERROR_OVERLAP
#define E_LBL LOGITS_ERROR_LABEL_OUT_OF_RANGE
#define NOOP (-1) /* expect OK and nothing written */
#define OKAY (-2) /* expect OK */

typedef struct {
    const char *cls, *what;
    unsigned kinds;
    int want;
    void (*apply)(call_t *);
} mut_t;

/* NULL pointers with nonzero sizes */
static void m_null_a(call_t *c) { c->a = NULL; }
static void m_null_b(call_t *c) { c->b = NULL; }
static void m_null_out(call_t *c) { c->out = NULL; }
static void m_null_all(call_t *c) { c->a = c->b = c->w = c->w2 = c->out = c->grad = NULL; }
static void m_null_grad_ok(call_t *c) { c->grad = NULL; }
static void m_null_weights_ok(call_t *c) { c->w = c->w2 = NULL; }
static void m_null_options_ok(call_t *c) { c->opt_null = 1; c->ce.reduction = c->bce.reduction = 1; }

/* zero sizes: all pointers NULL, nothing written */
static void m_zero_first(call_t *c) { c->s1 = 0; m_null_all(c); }
static void m_zero_first_real(call_t *c) { c->s1 = 0; }
static void m_zero_middle(call_t *c) { c->s2 = 0; if (c->e->kind != K_ROW_LSE && c->e->kind != K_AXIS_LSE) m_null_all(c); }
static void m_zero_inner(call_t *c) { c->s3 = 0; m_null_all(c); }
static void m_zero_all(call_t *c) { c->s1 = c->s2 = c->s3 = 0; m_null_all(c); }

/* size overflow */
static void m_ovf_first(call_t *c) { c->s1 = SIZE_MAX / 2 + 1; }
static void m_ovf_second(call_t *c) { c->s2 = SIZE_MAX / 2 + 1; }
static void m_ovf_wrap(call_t *c) { c->s1 = HALF; c->s2 = HALF; }  /* product wraps to 0 */
static void m_ovf_wrap3(call_t *c) { c->s1 = HALF; c->s2 = 1; c->s3 = HALF; }
static void m_ovf_bytes(call_t *c) { if (c->s2) c->s2 = PMAX / es_of(c) + 1, c->s1 = 1; else c->s1 = PMAX / es_of(c) + 1; }
static void m_ovf_count(call_t *c) { c->s1 = SIZE_MAX; }
static void m_ovf_pmax1(call_t *c) { c->s1 = PMAX + 1; }
static void m_ovf_single_zero(call_t *c) { c->s1 = PMAX + 1; c->s2 = 0; }      /* size > PTRDIFF_MAX, product 0 */
static void m_ovf_single_zero2(call_t *c) { c->s1 = 0; c->s2 = SIZE_MAX; }
static void m_ovf_inner(call_t *c) { c->s3 = SIZE_MAX / 4; }
static void m_ovf_lse_outputs(call_t *c) { c->s1 = HALF; c->s2 = 0; c->s3 = HALF; } /* outer x inner outputs */

/* temperature */
static void m_t_zero(call_t *c) { c->T = 0.0; }
static void m_t_negzero(call_t *c) { c->T = -0.0; }
static void m_t_neg(call_t *c) { c->T = -1.0; }
static void m_t_nan(call_t *c) { c->T = NAN; }
static void m_t_inf(call_t *c) { c->T = INFINITY; }
static void m_t_ninf(call_t *c) { c->T = -INFINITY; }
static void m_t_tiny_ok(call_t *c) { c->T = c->e->type == T_F64 ? 4.9406564584124654e-324 : 1.40129846e-45; }
static void m_t_huge_ok(call_t *c) { c->T = c->e->type == T_F64 ? DBL_MAX : FLT_MAX; }

/* overlap */
static void m_out_plus1(call_t *c) { c->out = shift(c->a, c, 1); }
static void m_out_minus1(call_t *c) { c->out = shift(c->a, c, -1); }
static void m_out_eq_a(call_t *c) { c->out = c->a; }
static void m_out_b_plus1(call_t *c) { c->out = shift(c->b, c, 1); }
static void m_out_b_minus2(call_t *c) { c->out = shift(c->b, c, -2); }
static void m_out_eq_b_ok(call_t *c) { c->out = c->b; }
static void m_a_eq_b_ok(call_t *c) { c->b = c->a; }
static void m_grad_plus1(call_t *c) { c->grad = shift(c->a, c, 1); }
static void m_grad_eq_a_ok(call_t *c) { c->grad = c->a; }
static void m_grad_on_target(call_t *c) { c->grad = c->b; }
static void m_loss_on_target(call_t *c) { c->out = shift(c->b, c, 1); }
static void m_grad_on_weight(call_t *c) { c->grad = shift(c->w, c, 1); }
static void m_loss_on_w2(call_t *c) { c->out = shift(c->w2, c, 2); }
static void m_out_adjacent_ok(call_t *c)
{
    size_t n = IS_EW(c->e->kind) ? c->s1 : c->s1 * c->s2 * c->s3;
    c->out = shift(c->a, c, (long)n); /* just after the input: no overlap */
}

/* options: CE */
static void m_ce_size0(call_t *c) { c->ce.struct_size = 0; }
static void m_ce_size_small(call_t *c) { c->ce.struct_size = (uint32_t)sizeof(logits_ce_options) - 4; }
/* A 0.2 caller's struct ends before `precision`: accepted, default precision. */
static void m_ce_size_v02_ok(call_t *c) { c->ce.struct_size = (uint32_t)offsetof(logits_ce_options, precision); }
static void m_ce_size_big(call_t *c) { c->ce.struct_size = (uint32_t)sizeof(logits_ce_options) + 8; }
static void m_ce_size_max(call_t *c) { c->ce.struct_size = UINT32_MAX; }
static void m_ce_red3(call_t *c) { c->ce.reduction = 3; }
static void m_ce_red_neg(call_t *c) { c->ce.reduction = -1; }
static void m_ce_red_min(call_t *c) { c->ce.reduction = INT32_MIN; }
static void m_ce_fl2(call_t *c) { c->ce.from_logits = 2; }
static void m_ce_fl_neg(call_t *c) { c->ce.from_logits = -1; }
static void m_ce_ign2(call_t *c) { c->ce.has_ignore_index = 2; }
static void m_ce_ls_neg(call_t *c) { c->ce.label_smoothing = -0.1; }
static void m_ce_ls_big(call_t *c) { c->ce.label_smoothing = 1.5; }
static void m_ce_ls_nan(call_t *c) { c->ce.label_smoothing = NAN; }
static void m_ce_ls_inf(call_t *c) { c->ce.label_smoothing = INFINITY; }
static void m_ce_t0(call_t *c) { c->ce.temperature = 0; }
static void m_ce_tneg(call_t *c) { c->ce.temperature = -1; }
static void m_ce_tnan(call_t *c) { c->ce.temperature = NAN; }
static void m_ce_tinf(call_t *c) { c->ce.temperature = INFINITY; }
static void m_ce_t2_probs(call_t *c) { c->ce.temperature = 2; c->ce.from_logits = 0; }
static void m_ce_eps0(call_t *c) { c->ce.from_logits = 0; c->ce.eps = 0; }
static void m_ce_eps_half(call_t *c) { c->ce.from_logits = 0; c->ce.eps = 0.5; }
static void m_ce_eps_neg(call_t *c) { c->ce.from_logits = 0; c->ce.eps = -1e-7; }
static void m_ce_eps_nan(call_t *c) { c->ce.from_logits = 0; c->ce.eps = NAN; }
static void m_ce_ls1_ok(call_t *c) { c->ce.label_smoothing = 1.0; }

/* options: BCE */
static void m_b_size0(call_t *c) { c->bce.struct_size = 0; }
static void m_b_size_big(call_t *c) { c->bce.struct_size = (uint32_t)sizeof(logits_bce_options) + 8; }
static void m_b_size_small(call_t *c) { c->bce.struct_size = (uint32_t)sizeof(logits_bce_options) - 4; }
static void m_b_size_v02_ok(call_t *c) { c->bce.struct_size = (uint32_t)offsetof(logits_bce_options, precision); }

/* precision: an argument (_axis, _ex forms) or an options field (losses) */
static void set_precision(call_t *c, logits_precision p) { c->precision = c->ce.precision = c->bce.precision = p; }
static void m_prec3(call_t *c) { set_precision(c, 3); }
static void m_prec_neg(call_t *c) { set_precision(c, -1); }
static void m_prec_max(call_t *c) { set_precision(c, INT32_MAX); }
static void m_prec_fast_ok(call_t *c) { set_precision(c, LOGITS_PRECISION_FAST); }
static void m_prec_exact_ok(call_t *c) { set_precision(c, LOGITS_PRECISION_EXACT); }
static void m_prec_v02_bad_ok(call_t *c)
{ /* a 0.2 struct's size: the field beyond it is not read, even if it holds garbage */
    set_precision(c, 77);
    c->ce.struct_size = (uint32_t)offsetof(logits_ce_options, precision);
    c->bce.struct_size = (uint32_t)offsetof(logits_bce_options, precision);
}
static void m_b_red3(call_t *c) { c->bce.reduction = 3; }
static void m_b_red_neg(call_t *c) { c->bce.reduction = -1; }
static void m_b_fl2(call_t *c) { c->bce.from_logits = 2; }
static void m_b_alpha_flag2(call_t *c) { c->bce.has_alpha = 2; }
static void m_b_ls_neg(call_t *c) { c->bce.label_smoothing = -0.1; }
static void m_b_ls_big(call_t *c) { c->bce.label_smoothing = 1.5; }
static void m_b_ls_nan(call_t *c) { c->bce.label_smoothing = NAN; }
static void m_b_gamma_neg(call_t *c) { c->bce.gamma = -1; }
static void m_b_gamma_nan(call_t *c) { c->bce.gamma = NAN; }
static void m_b_gamma_inf(call_t *c) { c->bce.gamma = INFINITY; }
static void m_b_alpha_neg(call_t *c) { c->bce.has_alpha = 1; c->bce.alpha = -0.1; }
static void m_b_alpha_big(call_t *c) { c->bce.has_alpha = 1; c->bce.alpha = 1.5; }
static void m_b_alpha_nan(call_t *c) { c->bce.has_alpha = 1; c->bce.alpha = NAN; }
static void m_b_eps0(call_t *c) { c->bce.from_logits = 0; c->bce.eps = 0; }
static void m_b_eps_half(call_t *c) { c->bce.from_logits = 0; c->bce.eps = 0.5; }
static void m_b_eps_nan(call_t *c) { c->bce.from_logits = 0; c->bce.eps = NAN; }

/* labels (4 samples; the bad one is the last, so validation must precede writing) */
static void set_last_label(call_t *c, int64_t v) { memcpy((char *)c->b + 24, &v, 8); }
static void m_lab_c(call_t *c) { set_last_label(c, 3); }
static void m_lab_neg(call_t *c) { set_last_label(c, -1); }
static void m_lab_min(call_t *c) { set_last_label(c, INT64_MIN); }
static void m_lab_max(call_t *c) { set_last_label(c, INT64_MAX); }
static void m_lab_m100(call_t *c) { set_last_label(c, -100); }
static void m_lab_ign_other(call_t *c) { set_last_label(c, -100); c->ce.has_ignore_index = 1; c->ce.ignore_index = -5; }
static void m_lab_ign_ok(call_t *c) { set_last_label(c, -100); c->ce.has_ignore_index = 1; }
static void m_lab_ign_inrange_ok(call_t *c) { c->ce.has_ignore_index = 1; c->ce.ignore_index = 2; }

/* values */
static void last_of_a(call_t *c, double v) { put(c, c->a, c->s1 * c->s2 * c->s3 - 1, v); }
static void last_of_b(call_t *c, double v) { put(c, c->b, c->s1 * c->s2 * c->s3 - 1, v); }
static void m_soft_neg(call_t *c) { last_of_b(c, -0.5); }
static void m_soft_nan(call_t *c) { last_of_b(c, NAN); }
static void m_soft_inf(call_t *c) { last_of_b(c, INFINITY); }
static void m_cw_neg(call_t *c) { put_w(c, c->w, 2, -1); }
static void m_cw_nan(call_t *c) { put_w(c, c->w, 2, NAN); }
static void m_cw_inf(call_t *c) { put_w(c, c->w, 2, INFINITY); }
static void m_prob_neg(call_t *c) { c->ce.from_logits = c->bce.from_logits = 0; last_of_a(c, -0.25); }
static void m_prob_nan(call_t *c) { c->ce.from_logits = c->bce.from_logits = 0; last_of_a(c, NAN); }
static void m_prob_inf(call_t *c) { c->ce.from_logits = c->bce.from_logits = 0; last_of_a(c, INFINITY); }
static void m_prob_sum0(call_t *c)
{
    size_t k; /* the last sample (o = 1, i = 1): entries (1*3 + k)*2 + 1 */
    c->ce.from_logits = 0;
    for (k = 0; k < 3; k++) put(c, c->a, (3 + k) * 2 + 1, 0.0);
}
static void m_classes0(call_t *c) { c->s2 = 0; }
static void m_bt_big(call_t *c) { last_of_b(c, 1.5); }
static void m_bt_neg(call_t *c) { last_of_b(c, -0.5); }
static void m_bt_nan(call_t *c) { last_of_b(c, NAN); }
static void m_bprob_big(call_t *c) { c->bce.from_logits = 0; last_of_a(c, 1.25); }
static void m_bw_neg(call_t *c) { put_w(c, c->w2, 5, -1); }
static void m_bw_inf(call_t *c) { put_w(c, c->w2, 5, INFINITY); }

static const mut_t MUTATIONS[] = {
    {"null", "first input NULL", ALL_KINDS, E_NULL, m_null_a},
    {"null", "second input NULL", BWD_KINDS | LOSS_KINDS, E_NULL, m_null_b},
    {"null", "output NULL", ALL_KINDS, E_NULL, m_null_out},
    {"null", "every pointer NULL", ALL_KINDS, E_NULL, m_null_all},
    {"null", "grad NULL (allowed)", LOSS_KINDS, OKAY, m_null_grad_ok},
    {"null", "weights NULL (allowed)", LOSS_KINDS, OKAY, m_null_weights_ok},
    {"null", "options NULL (defaults)", LOSS_KINDS, OKAY, m_null_options_ok},
    {"zero", "first size 0, pointers NULL", ALL_KINDS, NOOP, m_zero_first},
    {"zero", "first size 0, real pointers", ALL_KINDS, NOOP, m_zero_first_real},
    {"zero", "middle size 0, pointers NULL", ACT_KINDS & SHAPED_KINDS & ~LSE_KINDS, NOOP, m_zero_middle},
    {"zero", "inner size 0, pointers NULL", THREE_SIZES, NOOP, m_zero_inner},
    {"zero", "all sizes 0, pointers NULL", ALL_KINDS, NOOP, m_zero_all},
    {"overflow", "first size SIZE_MAX/2+1", SHAPED_KINDS, E_OVF, m_ovf_first},
    {"overflow", "second size SIZE_MAX/2+1", SHAPED_KINDS, E_OVF, m_ovf_second},
    {"overflow", "2^(w/2) x 2^(w/2) wraps to 0", SHAPED_KINDS, E_OVF, m_ovf_wrap},
    {"overflow", "2^(w/2) x 1 x 2^(w/2) wraps to 0", THREE_SIZES, E_OVF, m_ovf_wrap3},
    {"overflow", "byte count above PTRDIFF_MAX", ALL_KINDS, E_OVF, m_ovf_bytes},
    {"overflow", "count SIZE_MAX", ALL_KINDS, E_OVF, m_ovf_count},
    {"overflow", "count PTRDIFF_MAX+1", ALL_KINDS, E_OVF, m_ovf_pmax1},
    {"overflow", "size PTRDIFF_MAX+1 with a zero size", SHAPED_KINDS, E_OVF, m_ovf_single_zero},
    {"overflow", "size SIZE_MAX with a zero size", SHAPED_KINDS, E_OVF, m_ovf_single_zero2},
    {"overflow", "inner SIZE_MAX/4", THREE_SIZES, E_OVF, m_ovf_inner},
    {"overflow", "outer x inner outputs wrap (empty axis)", KB(K_AXIS_LSE), E_OVF, m_ovf_lse_outputs},
    {"temperature", "T = 0", AXIS_KINDS, E_INV, m_t_zero},
    {"temperature", "T = -0", AXIS_KINDS, E_INV, m_t_negzero},
    {"temperature", "T = -1", AXIS_KINDS, E_INV, m_t_neg},
    {"temperature", "T = NaN", AXIS_KINDS, E_INV, m_t_nan},
    {"temperature", "T = +inf", AXIS_KINDS, E_INV, m_t_inf},
    {"temperature", "T = -inf", AXIS_KINDS, E_INV, m_t_ninf},
    {"temperature", "T = smallest subnormal (allowed)", AXIS_KINDS, OKAY, m_t_tiny_ok},
    {"temperature", "T = largest float (allowed)", AXIS_KINDS, OKAY, m_t_huge_ok},
    {"overlap", "output = input + 1 element", ALL_KINDS, E_OVL, m_out_plus1},
    {"overlap", "output = input - 1 element", ALL_KINDS, E_OVL, m_out_minus1},
    {"overlap", "output == input (not in place)", LSE_KINDS | LOSS_KINDS, E_OVL, m_out_eq_a},
    {"overlap", "output == input (in place, allowed)", ACT_KINDS & ~LSE_KINDS, OKAY, m_out_eq_a},
    {"overlap", "output just after the input (allowed)", ACT_KINDS & ~LSE_KINDS, OKAY, m_out_adjacent_ok},
    {"overlap", "dx = dy + 1 element", BWD_KINDS, E_OVL, m_out_b_plus1},
    {"overlap", "dx = dy - 2 elements", BWD_KINDS, E_OVL, m_out_b_minus2},
    {"overlap", "dx == dy (in place, allowed)", BWD_KINDS, OKAY, m_out_eq_b_ok},
    {"overlap", "y == dy (inputs may alias)", BWD_KINDS, OKAY, m_a_eq_b_ok},
    {"overlap", "grad = input + 1 element", LOSS_KINDS, E_OVL, m_grad_plus1},
    {"overlap", "grad == input (allowed)", LOSS_KINDS, OKAY, m_grad_eq_a_ok},
    {"overlap", "grad == target", KB(K_CE_SOFT) | KB(K_BCE), E_OVL, m_grad_on_target},
    {"overlap", "grad over the labels", KB(K_CE_LABELS), E_OVL, m_grad_on_target},
    {"overlap", "loss inside the target", LOSS_KINDS, E_OVL, m_loss_on_target},
    {"overlap", "grad inside the (pos_)weights", LOSS_KINDS, E_OVL, m_grad_on_weight},
    {"overlap", "loss inside the BCE weights", KB(K_BCE), E_OVL, m_loss_on_w2},
    {"options", "struct_size 0", CE_KINDS, E_INV, m_ce_size0},
    {"options", "struct_size sizeof - 4", CE_KINDS, E_INV, m_ce_size_small},
    {"options", "struct_size of 0.2 (allowed)", CE_KINDS, OKAY, m_ce_size_v02_ok},
    {"options", "struct_size sizeof + 8", CE_KINDS, E_INV, m_ce_size_big},
    {"options", "struct_size UINT32_MAX", CE_KINDS, E_INV, m_ce_size_max},
    {"options", "reduction 3", CE_KINDS, E_INV, m_ce_red3},
    {"options", "reduction -1", CE_KINDS, E_INV, m_ce_red_neg},
    {"options", "reduction INT32_MIN", CE_KINDS, E_INV, m_ce_red_min},
    {"options", "from_logits 2", CE_KINDS, E_INV, m_ce_fl2},
    {"options", "from_logits -1", CE_KINDS, E_INV, m_ce_fl_neg},
    {"options", "has_ignore_index 2", CE_KINDS, E_INV, m_ce_ign2},
    {"options", "label_smoothing -0.1", CE_KINDS, E_INV, m_ce_ls_neg},
    {"options", "label_smoothing 1.5", CE_KINDS, E_INV, m_ce_ls_big},
    {"options", "label_smoothing NaN", CE_KINDS, E_INV, m_ce_ls_nan},
    {"options", "label_smoothing inf", CE_KINDS, E_INV, m_ce_ls_inf},
    {"options", "label_smoothing 1 (allowed)", CE_KINDS, OKAY, m_ce_ls1_ok},
    {"options", "temperature 0", CE_KINDS, E_INV, m_ce_t0},
    {"options", "temperature -1", CE_KINDS, E_INV, m_ce_tneg},
    {"options", "temperature NaN", CE_KINDS, E_INV, m_ce_tnan},
    {"options", "temperature inf", CE_KINDS, E_INV, m_ce_tinf},
    {"options", "temperature 2 with from_logits 0", CE_KINDS, E_INV, m_ce_t2_probs},
    {"options", "eps 0 (probabilities)", CE_KINDS, E_INV, m_ce_eps0},
    {"options", "eps 0.5 (probabilities)", CE_KINDS, E_INV, m_ce_eps_half},
    {"options", "eps -1e-7 (probabilities)", CE_KINDS, E_INV, m_ce_eps_neg},
    {"options", "eps NaN (probabilities)", CE_KINDS, E_INV, m_ce_eps_nan},
    {"options", "struct_size 0", KB(K_BCE), E_INV, m_b_size0},
    {"options", "struct_size sizeof + 8", KB(K_BCE), E_INV, m_b_size_big},
    {"options", "struct_size sizeof - 4", KB(K_BCE), E_INV, m_b_size_small},
    {"options", "struct_size of 0.2 (allowed)", KB(K_BCE), OKAY, m_b_size_v02_ok},
    {"precision", "3", PREC_KINDS, E_INV, m_prec3},
    {"precision", "-1", PREC_KINDS, E_INV, m_prec_neg},
    {"precision", "INT32_MAX", PREC_KINDS, E_INV, m_prec_max},
    {"precision", "FAST (allowed)", PREC_KINDS, OKAY, m_prec_fast_ok},
    {"precision", "EXACT (allowed)", PREC_KINDS, OKAY, m_prec_exact_ok},
    {"precision", "beyond a 0.2 struct_size (not read)", LOSS_KINDS, OKAY, m_prec_v02_bad_ok},
    {"options", "reduction 3", KB(K_BCE), E_INV, m_b_red3},
    {"options", "reduction -1", KB(K_BCE), E_INV, m_b_red_neg},
    {"options", "from_logits 2", KB(K_BCE), E_INV, m_b_fl2},
    {"options", "has_alpha 2", KB(K_BCE), E_INV, m_b_alpha_flag2},
    {"options", "label_smoothing -0.1", KB(K_BCE), E_INV, m_b_ls_neg},
    {"options", "label_smoothing 1.5", KB(K_BCE), E_INV, m_b_ls_big},
    {"options", "label_smoothing NaN", KB(K_BCE), E_INV, m_b_ls_nan},
    {"options", "gamma -1", KB(K_BCE), E_INV, m_b_gamma_neg},
    {"options", "gamma NaN", KB(K_BCE), E_INV, m_b_gamma_nan},
    {"options", "gamma inf", KB(K_BCE), E_INV, m_b_gamma_inf},
    {"options", "alpha -0.1", KB(K_BCE), E_INV, m_b_alpha_neg},
    {"options", "alpha 1.5", KB(K_BCE), E_INV, m_b_alpha_big},
    {"options", "alpha NaN", KB(K_BCE), E_INV, m_b_alpha_nan},
    {"options", "eps 0 (probabilities)", KB(K_BCE), E_INV, m_b_eps0},
    {"options", "eps 0.5 (probabilities)", KB(K_BCE), E_INV, m_b_eps_half},
    {"options", "eps NaN (probabilities)", KB(K_BCE), E_INV, m_b_eps_nan},
    {"labels", "last label == classes", KB(K_CE_LABELS), E_LBL, m_lab_c},
    {"labels", "last label -1", KB(K_CE_LABELS), E_LBL, m_lab_neg},
    {"labels", "last label INT64_MIN", KB(K_CE_LABELS), E_LBL, m_lab_min},
    {"labels", "last label INT64_MAX", KB(K_CE_LABELS), E_LBL, m_lab_max},
    {"labels", "last label -100 without ignore_index", KB(K_CE_LABELS), E_LBL, m_lab_m100},
    {"labels", "last label -100, ignore_index -5", KB(K_CE_LABELS), E_LBL, m_lab_ign_other},
    {"labels", "last label -100 = ignore_index (allowed)", KB(K_CE_LABELS), OKAY, m_lab_ign_ok},
    {"labels", "ignore_index inside [0, C) (allowed)", KB(K_CE_LABELS), OKAY, m_lab_ign_inrange_ok},
    {"values", "soft target -0.5", KB(K_CE_SOFT), E_INV, m_soft_neg},
    {"values", "soft target NaN", KB(K_CE_SOFT), E_INV, m_soft_nan},
    {"values", "soft target inf", KB(K_CE_SOFT), E_INV, m_soft_inf},
    {"values", "class weight -1", CE_KINDS, E_INV, m_cw_neg},
    {"values", "class weight NaN", CE_KINDS, E_INV, m_cw_nan},
    {"values", "class weight inf", CE_KINDS, E_INV, m_cw_inf},
    {"values", "pos_weight -1", KB(K_BCE), E_INV, m_cw_neg},
    {"values", "pos_weight NaN", KB(K_BCE), E_INV, m_cw_nan},
    {"values", "probability -0.25 (from_logits 0)", LOSS_KINDS, E_INV, m_prob_neg},
    {"values", "probability NaN (from_logits 0)", LOSS_KINDS, E_INV, m_prob_nan},
    {"values", "probability inf (from_logits 0)", LOSS_KINDS, E_INV, m_prob_inf},
    {"values", "a sample's probabilities sum to 0", CE_KINDS, E_INV, m_prob_sum0},
    {"values", "classes 0 with samples", CE_KINDS, E_INV, m_classes0},
    {"values", "binary target 1.5", KB(K_BCE), E_INV, m_bt_big},
    {"values", "binary target -0.5", KB(K_BCE), E_INV, m_bt_neg},
    {"values", "binary target NaN", KB(K_BCE), E_INV, m_bt_nan},
    {"values", "probability 1.25 (binary)", KB(K_BCE), E_INV, m_bprob_big},
    {"values", "weight -1", KB(K_BCE), E_INV, m_bw_neg},
    {"values", "weight inf", KB(K_BCE), E_INV, m_bw_inf},
};
#define N_MUT (sizeof MUTATIONS / sizeof MUTATIONS[0])

/* One test case per class: every entry point x every mutation of the class. */
static void run_class(const char *cls)
{
    size_t i, j;
    int fails = 0, calls = 0;
    for (i = 0; i < N_ENTRIES; i++)
        for (j = 0; j < N_MUT; j++) {
            const mut_t *m = &MUTATIONS[j];
            call_t c;
            int ok;
            if (strcmp(m->cls, cls) != 0 || !(m->kinds & KB(ENTRIES[i].kind))) continue;
            base_call(&c, &ENTRIES[i]);
            m->apply(&c);
            if (m->want == NOOP) ok = run_noop(&c, m->what);
            else ok = run_one(&c, m->want == OKAY ? LOGITS_OK : (logits_status)m->want, m->what);
            calls++;
            fails += !ok;
        }
    if (fails) g_failed++;
    else g_passed++;
    if (g_verbose || fails) printf("%-4s bad input class %-12s %4d calls, %d failed\n", fails ? "FAIL" : "ok", cls,
                                   calls, fails);
}

/* The valid base call of every entry point succeeds (the matrix is not vacuous). */
static void test_base_calls_ok(void)
{
    size_t i;
    int fails = 0;
    for (i = 0; i < N_ENTRIES; i++) {
        call_t c;
        base_call(&c, &ENTRIES[i]);
        fails += !run_one(&c, LOGITS_OK, "the valid base call");
        /* and it wrote its output */
        if (memcmp(g_arena + OFF_OUT, g_snap + OFF_OUT, 4) == 0) {
            fprintf(stderr, "FAIL %s: the base call wrote nothing\n", ENTRIES[i].name);
            fails++;
        }
    }
    if (fails) g_failed++;
    else g_passed++;
    if (g_verbose) printf("ok   base calls of %zu entry points\n", N_ENTRIES);
}

/* The entry points without arrays: options init, status strings, version. */
static void test_other_entry_points(void)
{
    int fails = 0;
    int32_t s;
    logits_ce_options ce;
    logits_bce_options bc;
    logits_ce_options_init(NULL); /* ignored */
    logits_bce_options_init(NULL);
    memset(&ce, 0xA5, sizeof ce);
    memset(&bc, 0xA5, sizeof bc);
    logits_ce_options_init(&ce);
    logits_bce_options_init(&bc);
    fails += ce.struct_size != sizeof ce || ce.reduction != LOGITS_REDUCTION_MEAN || ce.from_logits != 1 ||
             ce.has_ignore_index != 0 || ce.ignore_index != -100 || ce.label_smoothing != 0 ||
             ce.temperature != 1 || ce.eps != 1e-7;
    fails += bc.struct_size != sizeof bc || bc.reduction != LOGITS_REDUCTION_MEAN || bc.from_logits != 1 ||
             bc.has_alpha != 0 || bc.label_smoothing != 0 || bc.gamma != 0 || bc.eps != 1e-7;
    {
        const int32_t probes[] = {INT32_MIN, -1000, -1, 0, 1, 2, 3, 4, 5, 6, 7, 100, INT32_MAX};
        size_t k;
        for (k = 0; k < sizeof probes / sizeof probes[0]; k++) {
            const char *m = logits_status_string(probes[k]);
            s = probes[k];
            if (m == NULL || m[0] == '\0') { fprintf(stderr, "FAIL status string of %d\n", (int)s); fails++; }
            else if ((s < 0 || s > 6) && strcmp(m, "unknown status") != 0) {
                fprintf(stderr, "FAIL status string of %d is \"%s\", expected \"unknown status\"\n", (int)s, m);
                fails++;
            }
        }
    }
    fails += logits_version() != LOGITS_VERSION_NUMBER;
    fails += logits_version_string() == NULL || strcmp(logits_version_string(), LOGITS_VERSION_STRING) != 0;
    if (fails) { g_failed++; fprintf(stderr, "FAIL options init / status / version: %d problems\n", fails); }
    else g_passed++;
    if (g_verbose) printf("ok   options init, status strings, version\n");
}

/* ------------------------------------------------------------------------ */
/* Issues found by this matrix and the fuzzer (fixed; kept as checks)       */
/*                                                                          */
/* ------------------------------------------------------------------------ */

#include <time.h>
/* cross_entropy_{labels,soft} with inner == 0 (and binary_cross_entropy with
 * classes == 0) have no elements: LOGITS_OK at once, whatever outer/rows (it
 * used to loop over them, ~1 ns per row). */
static void known_zero_inner_hang(void)
{
    double buf[4];
    int64_t lab[2];
    logits_ce_options o;
    clock_t t = clock();
    logits_status st;
    logits_ce_options_init(&o);
    o.reduction = LOGITS_REDUCTION_NONE;
    st = logits_cross_entropy_labels_f64(buf, lab, NULL, buf + 2, NULL, (size_t)1 << 34, 3, 0, &o);
    if (st != LOGITS_OK || (double)(clock() - t) / CLOCKS_PER_SEC > 1.0) {
        fprintf(stderr, "FAIL: outer 2^34, inner 0 took %.1f s (status %d)\n",
                (double)(clock() - t) / CLOCKS_PER_SEC, (int)st);
        g_failed++;
    } else g_passed++;
    {
        logits_bce_options b;
        logits_bce_options_init(&b);
        t = clock();
        st = logits_binary_cross_entropy_f64(buf, buf, NULL, NULL, buf + 2, NULL,
                                             (size_t)1 << 40, 0, &b);
        if (st != LOGITS_OK || (double)(clock() - t) / CLOCKS_PER_SEC > 1.0 || buf[2] != 0) {
            fprintf(stderr, "FAIL: BCE rows 2^40, classes 0: status %d, %.1f s, loss %g\n", (int)st,
                    (double)(clock() - t) / CLOCKS_PER_SEC, buf[2]);
            g_failed++;
        } else g_passed++;
    }
}

/* The focal-loss gradient for 0 < gamma < 1 and |x| > ~709 (1 - p_t
 * subnormal) is ~0, not +-inf ((1 - p_t)^(gamma - 1) alone overflows). */
static void known_focal_gradient_overflow(void)
{
    double x = -740, y = 0, loss, grad;
    logits_bce_options o;
    logits_bce_options_init(&o);
    o.reduction = LOGITS_REDUCTION_NONE;
    o.gamma = 0.01;
    if (logits_binary_cross_entropy_f64(&x, &y, NULL, NULL, &loss, &grad, 1, 1, &o) != LOGITS_OK ||
        !isfinite(grad) || fabs(grad) > 1e-300) {
        fprintf(stderr, "FAIL: focal gradient for gamma 0.01, x -740, y 0 is %g\n", grad);
        g_failed++;
    } else g_passed++;
}

int main(int argc, char **argv)
{
    static const char *CLASSES[] = {"null", "zero", "overflow", "temperature", "overlap", "options", "labels",
                                    "values"};
    size_t i;
    for (i = 1; i < (size_t)argc; i++)
        if (strcmp(argv[i], "-v") == 0) g_verbose = 1;
    test_base_calls_ok();
    test_other_entry_points();
    for (i = 0; i < sizeof CLASSES / sizeof CLASSES[0]; i++) run_class(CLASSES[i]);
    known_zero_inner_hang();
    known_focal_gradient_overflow();
    if (g_verbose) printf("%ld calls\n", g_calls);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}
