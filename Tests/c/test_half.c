/*
 * test_half.c: the 16-bit storage forms (logits_*_f16, logits_*_bf16) of
 * every operation abi/operations.h lists for them (types ALL), driven by the
 * list: each 16-bit output must be exactly the float32 function's output on
 * the widened inputs, rounded once to the format (round to nearest even).
 * The float32 functions are checked against long double references by
 * test_logits.c; with this rule every 16-bit output is within 0.5 ulp of its
 * format plus the float32 bound (abi/operations.h: 0.51).
 *
 * The widening and rounding here are the test's own (half.h: frexp/ldexp
 * arithmetic), so the library's conversions are checked too, over every
 * 16-bit pattern for the elementwise functions.
 *
 * Cases: shapes around the SIMD widths and the block sizes (whole slices,
 * several blocks, slices longer than a block, columns of a long axis),
 * temperatures, both precisions and the process default, in place, special
 * values (masked rows, +inf, NaN rows, the formats' largest values,
 * subnormals, results that overflow the format), thread counts
 * bit-identical, and no float32 copy of the whole array (peak RSS).
 * Bad input goes through test_bad_input.c.
 */
#include "logits.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "half.h"
#include "half_ops.h"
#include "harness.h"
#include "operation_list.h"

/* AddressSanitizer (gcc's macro, clang's feature test): the peak RSS case
 * is left out under it. */
#if defined(__SANITIZE_ADDRESS__)
#define HALF_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HALF_TEST_ASAN 1
#endif
#endif

/* ------------------------------------------------------------------------ */
/* Inputs                                                                   */
/* ------------------------------------------------------------------------ */

static uint64_t g_rng = 0x2545F4914F6CDD1DULL;
static double uniform(double lo, double hi)
{
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return lo + (hi - lo) * (double)((g_rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

/* The first input of op (x, or the forward output y of a gradient) in its
 * domain, and dy. */
static void gen(const hop_t *op, int fmt, uint16_t *a, uint16_t *b, size_t n)
{
    size_t i;
    const char *name = op->name;
    for (i = 0; i < n; i++) {
        double v;
        if (strstr(name, "log_softmax_backward") || strstr(name, "log_sigmoid_backward")) v = -uniform(0, 12);
        else if (strstr(name, "softmax_backward") || strstr(name, "sigmoid_backward")) v = uniform(0, 1);
        else if (strstr(name, "softplus_backward")) v = uniform(0, 12);
        else v = uniform(-9, 9);
        a[i] = half_from_double(fmt, v);
        if (b) b[i] = half_from_double(fmt, uniform(-2, 2));
    }
}

/* ------------------------------------------------------------------------ */
/* The rule: the float32 function on the widened inputs, rounded once       */
/* ------------------------------------------------------------------------ */

static int same_half(uint16_t got, uint16_t want, int fmt)
{
    if (isnan(half_to_double(fmt, want))) return isnan(half_to_double(fmt, got));
    return got == want;
}

/* Runs op in format fmt on (a, b) and checks every output against the
 * float32 function's rounded once; also in place (out = a) for every form
 * but logsumexp. Returns the mismatches. */
static long check_rule(const hop_t *op, int fmt, const uint16_t *a, const uint16_t *b, shape_t s, float T,
                       logits_precision p, const char *what)
{
    size_t n = in_count(op, s), m = out_count(op, s), i;
    float *a32 = (float *)xmalloc((n + 1) * sizeof(float)), *b32 = (float *)xmalloc((n + 1) * sizeof(float));
    float *o32 = (float *)xmalloc((m + 1) * sizeof(float));
    uint16_t *o16 = (uint16_t *)xmalloc((m + 1) * 2), *inplace = (uint16_t *)xmalloc((n + 1) * 2);
    fnp f = fmt == HALF_F16 ? op->f16 : op->bf16;
    logits_status st32, st16;
    long bad = 0;
    for (i = 0; i < n; i++) {
        a32[i] = (float)half_to_double(fmt, a[i]);
        b32[i] = b ? (float)half_to_double(fmt, b[i]) : 0.0f;
    }
    memset(o16, 0xA5, (m + 1) * 2);
    st32 = call(op, op->f32, a32, two_inputs(op) ? b32 : NULL, o32, s, T, p);
    st16 = call(op, f, a, two_inputs(op) ? b : NULL, o16, s, T, p);
    set_ctx("%s_%s %s shape (%zu, %zu, %zu) T=%g precision %d", op->name, FORMAT_NAME[fmt], what, s.s1, s.s2,
            s.s3, (double)T, (int)p);
    CHECK(st32 == LOGITS_OK && st16 == LOGITS_OK, "status f32 %d, 16-bit %d", (int)st32, (int)st16);
    for (i = 0; i < m && st16 == LOGITS_OK; i++) {
        uint16_t want = half_from_double(fmt, (double)o32[i]);
        if (!same_half(o16[i], want, fmt)) {
            if (bad < 4)
                CHECK(0, "out[%zu] = 0x%04x (%.9g), want 0x%04x (%.9g, float32 %.9g); x = %.9g", i, o16[i],
                      half_to_double(fmt, o16[i]), want, half_to_double(fmt, want), (double)o32[i],
                      half_to_double(fmt, a[is_lse(op) ? 0 : i]));
            bad++;
        }
    }
    CHECK(o16[m] == 0xA5A5, "wrote past the output");
    if (!is_lse(op) && st16 == LOGITS_OK) {
        memcpy(inplace, a, n * 2);
        st16 = call(op, f, inplace, two_inputs(op) ? b : NULL, inplace, s, T, p);
        CHECK(st16 == LOGITS_OK && memcmp(inplace, o16, n * 2) == 0, "in place (y = x) differs");
    }
    free(a32);
    free(b32);
    free(o32);
    free(o16);
    free(inplace);
    return bad;
}

static const shape_t ROW_SHAPES[] = {
    {1, 1, 1}, {3, 7, 1}, {5, 8, 1}, {2, 15, 1}, {4, 16, 1}, {3, 17, 1}, {2, 33, 1}, {64, 1000, 1},
    {300, 300, 1},  /* several blocks of whole rows */
    {2, 70000, 1},  /* rows longer than a block */
};
static const shape_t AXIS_SHAPES[] = {
    {1, 1, 1}, {2, 17, 3}, {3, 8, 16}, {1, 1000, 1}, {4, 33, 5}, {300, 300, 1},
    {1, 70000, 1},  /* one slice longer than a block */
    {2, 40000, 3},  /* a long axis with columns: blocks of columns */
};
static const size_t COUNTS[] = {1, 7, 8, 15, 16, 17, 33, 1000, 65536, 65537, 200003};
#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

static void test_matches_float32_rounded_once(void)
{
    size_t oi, si, k, fmt;
    static const float TEMPS[] = {1.0f, 0.7f, 3.0f};
    static const logits_precision PRECS[] = {LOGITS_PRECISION_DEFAULT, LOGITS_PRECISION_FAST,
                                             LOGITS_PRECISION_EXACT};
    for (oi = 0; oi < N_HOPS; oi++) {
        const hop_t *op = &HOPS[oi];
        if (is_loss(op) || is_selection(op)) continue; /* their own tests below */
        size_t nshapes = is_row(op) ? N_OF(ROW_SHAPES) : is_axis(op) ? N_OF(AXIS_SHAPES) : N_OF(COUNTS);
        for (fmt = 0; fmt < 2; fmt++)
            for (si = 0; si < nshapes; si++) {
                shape_t s;
                size_t n;
                uint16_t *a, *b;
                if (is_row(op)) s = ROW_SHAPES[si];
                else if (is_axis(op)) s = AXIS_SHAPES[si];
                else { s.s1 = COUNTS[si]; s.s2 = s.s3 = 1; }
                n = in_count(op, s);
                a = (uint16_t *)xmalloc(n * 2);
                b = (uint16_t *)xmalloc(n * 2);
                gen(op, (int)fmt, a, two_inputs(op) ? b : NULL, n);
                for (k = 0; k < (has_precision(op) ? N_OF(PRECS) : 1); k++) {
                    float T = is_axis(op) ? TEMPS[k % N_OF(TEMPS)] : 1.0f;
                    check_rule(op, (int)fmt, a, b, s, T, PRECS[k], "random");
                }
                free(a);
                free(b);
            }
    }
}

/* Every 16-bit pattern through each elementwise function (and as y of each
 * gradient, dy a fixed mix): the library's widening and rounding against
 * the test's own. */
static void test_every_pattern(void)
{
    size_t oi, i, fmt;
    const size_t n = 65536;
    uint16_t *a = (uint16_t *)xmalloc(n * 2), *b = (uint16_t *)xmalloc(n * 2);
    for (i = 0; i < n; i++) {
        a[i] = (uint16_t)i;
        b[i] = (uint16_t)((i * 40503u) & 0xFFFF);
    }
    for (oi = 0; oi < N_HOPS; oi++) {
        const hop_t *op = &HOPS[oi];
        if (is_loss(op) || is_selection(op)) continue; /* their own tests below */
        shape_t s = {n, 1, 1};
        if (is_row(op) || is_axis(op)) continue;
        for (fmt = 0; fmt < 2; fmt++) {
            check_rule(op, (int)fmt, a, b, s, 1.0f, LOGITS_PRECISION_FAST, "every pattern");
            check_rule(op, (int)fmt, a, b, s, 1.0f, LOGITS_PRECISION_EXACT, "every pattern");
        }
    }
    free(a);
    free(b);
}

/* Special values in rows of the softmax family and their gradients:
 * masked (-inf) rows, +inf, NaN rows, the largest finite values, subnormals,
 * a tiny temperature (results beyond the format: inf where float32's
 * result rounds there). */
static void test_special_values(void)
{
    size_t oi, fmt, r, c;
    enum { R = 9, C = 7 };
    static const float TEMPS[] = {1.0f, 1e-3f, 100.0f};
    for (fmt = 0; fmt < 2; fmt++) {
        double big = half_max((int)fmt), sub = ldexp(1.0, half_min_exponent((int)fmt) - 3);
        double rows[R][C] = {
            {-INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY},
            {INFINITY, 1, 2, INFINITY, -INFINITY, 0, 3},
            {NAN, 1, 2, 3, 4, 5, 6},
            {big, big, -big, 0, big, -big, 1},
            {-big, -big, -big, -big, -big, -big, -big},
            {sub, -sub, 0, -0.0, sub * 2, sub * 3, -sub * 5},
            {1, 1, 1, 1, 1, 1, 1},
            {-INFINITY, 5, -INFINITY, -INFINITY, -INFINITY, -INFINITY, -INFINITY},
            {30, -30, 11, -11, 10.5, 0.25, -0.125},
        };
        uint16_t a[R * C], b[R * C];
        for (r = 0; r < R; r++)
            for (c = 0; c < C; c++) {
                a[r * C + c] = half_from_double((int)fmt, rows[r][c]);
                b[r * C + c] = half_from_double((int)fmt, (r + c) % 3 == 0 ? -big : (double)c - 3.0);
            }
        for (oi = 0; oi < N_HOPS; oi++) {
            const hop_t *op = &HOPS[oi];
        if (is_loss(op) || is_selection(op)) continue; /* their own tests below */
            size_t k;
            shape_t s = {R, C, 1};
            if (!is_row(op) && !is_axis(op)) s.s1 = R * C;
            for (k = 0; k < (is_axis(op) ? N_OF(TEMPS) : 1); k++) {
                check_rule(op, (int)fmt, a, b, s, TEMPS[k], LOGITS_PRECISION_FAST, "special values");
                check_rule(op, (int)fmt, a, b, s, TEMPS[k], LOGITS_PRECISION_EXACT, "special values");
            }
        }
    }
}

/* Outputs are bit-identical for any thread count. */
static void test_thread_counts(void)
{
    size_t oi, fmt, t, d, i;
    const shape_t rows = {16, 50257, 1}, count = {16 * 50257, 1, 1};
    const size_t n = 16 * 50257;
    /* The inputs of gen's domains, made once per format: x, y in (0, 1),
     * y <= 0, y >= 0, and dy. */
    static const double LO[5] = {-9, 0, -12, 0, -2}, HI[5] = {9, 1, 0, 12, 2};
    uint16_t *in[5];
    uint16_t *first = (uint16_t *)xmalloc(n * 2), *again = (uint16_t *)xmalloc(n * 2);
    size_t saved = logits_get_num_threads();
    for (d = 0; d < 5; d++) in[d] = (uint16_t *)xmalloc(n * 2);
    for (fmt = 0; fmt < 2; fmt++) {
        for (d = 0; d < 5; d++)
            for (i = 0; i < n; i++) in[d][i] = half_from_double((int)fmt, uniform(LO[d], HI[d]));
        for (oi = 0; oi < N_HOPS; oi++) {
            const hop_t *op = &HOPS[oi];
            const char *name = op->name;
            shape_t s = is_row(op) || is_axis(op) ? rows : count;
            const uint16_t *a = in[0];
            if (is_loss(op) || is_selection(op)) continue; /* threads_test.c */
            if (strstr(name, "log_softmax_backward") || strstr(name, "log_sigmoid_backward")) a = in[2];
            else if (strstr(name, "softmax_backward") || strstr(name, "sigmoid_backward")) a = in[1];
            else if (strstr(name, "softplus_backward")) a = in[3];
            for (t = 1; t <= 3; t++) {
                logits_status st;
                logits_set_num_threads(t);
                st = call(op, fmt == HALF_F16 ? op->f16 : op->bf16, a, in[4], t == 1 ? first : again, s, 0.8f,
                          LOGITS_PRECISION_DEFAULT);
                set_ctx("%s_%s with %zu threads", op->name, FORMAT_NAME[fmt], t);
                CHECK(st == LOGITS_OK, "status %d", (int)st);
                if (t > 1)
                    CHECK(memcmp(first, again, out_count(op, s) * 2) == 0, "differs from 1 thread");
            }
        }
    }
    logits_set_num_threads(saved);
    for (d = 0; d < 5; d++) free(in[d]);
    free(first);
    free(again);
}

/* ------------------------------------------------------------------------ */
/* Losses                                                                   */
/* ------------------------------------------------------------------------ */

typedef logits_status (*ce_labels16)(const uint16_t *, const int64_t *, const float *, float *, uint16_t *, size_t,
                                     size_t, size_t, const logits_ce_options *);
typedef logits_status (*ce_labels32)(const float *, const int64_t *, const float *, float *, float *, size_t,
                                     size_t, size_t, const logits_ce_options *);
typedef logits_status (*ce_soft16)(const uint16_t *, const uint16_t *, const float *, float *, uint16_t *, size_t,
                                   size_t, size_t, const logits_ce_options *);
typedef logits_status (*ce_soft32)(const float *, const float *, const float *, float *, float *, size_t, size_t,
                                   size_t, const logits_ce_options *);
typedef logits_status (*bce16)(const uint16_t *, const uint16_t *, const float *, const float *, float *,
                               uint16_t *, size_t, size_t, const logits_bce_options *);
typedef logits_status (*bce32)(const float *, const float *, const float *, const float *, float *, float *,
                               size_t, size_t, const logits_bce_options *);

/* One configuration of a loss: options and which optional buffers. */
typedef struct {
    int reduction, from_logits, weights, grad; /* grad: 0 none, 1 separate, 2 in place over the input */
    double smoothing, temperature, gamma, alpha;
    int ignore; /* labels: some samples carry the ignore index */
    logits_precision precision;
} loss_cfg_t;

static const loss_cfg_t LOSS_CFGS[] = {
    {LOGITS_REDUCTION_MEAN, 1, 0, 1, 0, 1, 0, -1, 0, LOGITS_PRECISION_DEFAULT},
    {LOGITS_REDUCTION_NONE, 1, 1, 2, 0.1, 0.7, 0, -1, 1, LOGITS_PRECISION_FAST},
    {LOGITS_REDUCTION_SUM, 1, 1, 1, 0, 2.5, 2.0, 0.25, 0, LOGITS_PRECISION_EXACT},
    {LOGITS_REDUCTION_MEAN, 1, 1, 2, 0.2, 1, 0.5, -1, 1, LOGITS_PRECISION_EXACT},
    {LOGITS_REDUCTION_MEAN, 0, 1, 1, 0, 1, 0, -1, 0, LOGITS_PRECISION_FAST},
    {LOGITS_REDUCTION_NONE, 0, 0, 2, 0.05, 1, 1.5, 0.75, 0, LOGITS_PRECISION_DEFAULT},
    {LOGITS_REDUCTION_SUM, 1, 0, 0, 0, 1, 0, -1, 1, LOGITS_PRECISION_FAST},
};

static const shape_t LOSS_SHAPES[] = {{5, 7, 1}, {3, 11, 4}, {300, 300, 1}, {2, 70000, 1}, {1, 3, 70000}};

/* Each reduced loss within one float32 ulp of the float32 function's (the
 * blocks' sums are added separately); per-sample losses and every gradient
 * value exactly the float32 function's (rounded once to the format). */
static void compare_loss(int fmt, const float *l16, const float *l32, size_t nl, const uint16_t *g16,
                         const float *g32, size_t ng, int reduced)
{
    size_t i;
    long bad = 0;
    for (i = 0; i < nl; i++) {
        int ok = reduced ? fabsf(l16[i] - l32[i]) <= ldexpf(fabsf(l32[i]), -23) || (isnan(l16[i]) && isnan(l32[i]))
                         : memcmp(&l16[i], &l32[i], sizeof(float)) == 0 || (isnan(l16[i]) && isnan(l32[i]));
        if (!ok && bad++ < 4) CHECK(0, "loss[%zu] = %.9g, float32 %.9g", i, (double)l16[i], (double)l32[i]);
    }
    for (i = 0; g16 && i < ng; i++) {
        uint16_t want = half_from_double(fmt, (double)g32[i]);
        if (!same_half(g16[i], want, fmt) && bad++ < 8)
            CHECK(0, "grad[%zu] = 0x%04x, want 0x%04x (float32 %.9g)", i, g16[i], want, (double)g32[i]);
    }
    CHECK(bad == 0, "%ld mismatches", bad);
}

static void run_loss(const hop_t *op, int fmt, shape_t s, const loss_cfg_t *cfg)
{
    int bce = kind_is(op, "BCE"), labels = kind_is(op, "CE_LABELS");
    size_t outer = s.s1, classes = s.s2, inner = bce ? 1 : s.s3, n = outer * classes * inner;
    size_t samples = bce ? n : outer * inner, nl = cfg->reduction == LOGITS_REDUCTION_NONE ? samples : 1, i;
    uint16_t *x = (uint16_t *)xmalloc(n * 2), *t = (uint16_t *)xmalloc(n * 2), *g16 = (uint16_t *)xmalloc(n * 2);
    float *x32 = (float *)xmalloc(n * 4), *t32 = (float *)xmalloc(n * 4), *g32 = (float *)xmalloc(n * 4);
    float *w = (float *)xmalloc((bce ? n : classes) * 4), *pw = (float *)xmalloc(classes * 4);
    float *l16 = (float *)xmalloc(nl * 4), *l32 = (float *)xmalloc(nl * 4);
    int64_t *lab = (int64_t *)xmalloc((samples + 1) * 8);
    fnp f = fmt == HALF_F16 ? op->f16 : op->bf16;
    logits_status st16, st32;
    uint16_t *gp16 = cfg->grad == 0 ? NULL : cfg->grad == 2 ? x : g16;
    float *gp32 = cfg->grad == 0 ? NULL : cfg->grad == 2 ? x32 : g32;
    for (i = 0; i < n; i++) {
        double v = cfg->from_logits ? uniform(-7, 7) : uniform(0, 1);
        x[i] = half_from_double(fmt, v);
        t[i] = half_from_double(fmt, bce ? uniform(0, 1) : uniform(0, 2) * (i % 3 == 0));
        x32[i] = (float)half_to_double(fmt, x[i]);
        t32[i] = (float)half_to_double(fmt, t[i]);
    }
    for (i = 0; i < (bce ? n : classes); i++) w[i] = (float)uniform(0.25, 2);
    for (i = 0; i < classes; i++) pw[i] = (float)uniform(0.5, 3);
    for (i = 0; i < samples && labels; i++) lab[i] = cfg->ignore && i % 5 == 2 ? -100 : (int64_t)((i * 7) % classes);
    set_ctx("%s_%s shape (%zu, %zu, %zu) reduction %d from_logits %d weights %d grad %d precision %d", op->name,
            FORMAT_NAME[fmt], outer, classes, inner, cfg->reduction, cfg->from_logits, cfg->weights, cfg->grad,
            (int)cfg->precision);
    if (bce) {
        logits_bce_options o;
        logits_bce_options_init(&o);
        o.reduction = cfg->reduction;
        o.from_logits = cfg->from_logits;
        o.label_smoothing = cfg->smoothing;
        o.gamma = cfg->gamma;
        o.has_alpha = cfg->alpha >= 0;
        o.alpha = cfg->alpha >= 0 ? cfg->alpha : 0;
        o.precision = cfg->precision;
        st32 = ((bce32)op->f32)(x32, t32, cfg->weights ? pw : NULL, cfg->weights ? w : NULL, l32, gp32, outer,
                                classes, &o);
        st16 = ((bce16)f)(x, t, cfg->weights ? pw : NULL, cfg->weights ? w : NULL, l16, gp16, outer, classes, &o);
    } else {
        logits_ce_options o;
        logits_ce_options_init(&o);
        o.reduction = cfg->reduction;
        o.from_logits = cfg->from_logits;
        o.label_smoothing = cfg->smoothing;
        o.temperature = cfg->from_logits ? cfg->temperature : 1;
        o.has_ignore_index = cfg->ignore;
        o.precision = cfg->precision;
        if (labels) {
            st32 = ((ce_labels32)op->f32)(x32, lab, cfg->weights ? w : NULL, l32, gp32, outer, classes, inner, &o);
            st16 = ((ce_labels16)f)(x, lab, cfg->weights ? w : NULL, l16, gp16, outer, classes, inner, &o);
        } else {
            st32 = ((ce_soft32)op->f32)(x32, t32, cfg->weights ? w : NULL, l32, gp32, outer, classes, inner, &o);
            st16 = ((ce_soft16)f)(x, t, cfg->weights ? w : NULL, l16, gp16, outer, classes, inner, &o);
        }
    }
    CHECK(st16 == LOGITS_OK && st32 == LOGITS_OK, "status 16-bit %d, float32 %d", (int)st16, (int)st32);
    if (st16 == LOGITS_OK && st32 == LOGITS_OK)
        compare_loss(fmt, l16, l32, nl, gp16, gp32, n, cfg->reduction != LOGITS_REDUCTION_NONE);
    free(x); free(t); free(g16); free(x32); free(t32); free(g32); free(w); free(pw); free(l16); free(l32);
    free(lab);
}

/* Every 16-bit loss of the list, every configuration, shapes with one
 * block, several blocks, samples longer than a block and long inner axes. */
static void test_losses_match_float32(void)
{
    size_t oi, fmt, si, ci;
    for (oi = 0; oi < N_HOPS; oi++) {
        const hop_t *op = &HOPS[oi];
        if (!is_loss(op)) continue;
        for (fmt = 0; fmt < 2; fmt++)
            for (si = 0; si < N_OF(LOSS_SHAPES); si++)
                for (ci = 0; ci < N_OF(LOSS_CFGS); ci++) {
                    if (kind_is(op, "BCE") && LOSS_SHAPES[si].s3 > 1) continue;
                    run_loss(op, (int)fmt, LOSS_SHAPES[si], &LOSS_CFGS[ci]);
                }
    }
}

/* ------------------------------------------------------------------------ */
/* Sampling, top-k, argmax                                                  */
/* ------------------------------------------------------------------------ */

typedef logits_status (*sample16)(const uint16_t *, int64_t *, float *, float *, size_t, size_t,
                                  const logits_sampler_options *);
typedef logits_status (*sample32)(const float *, int64_t *, float *, float *, size_t, size_t,
                                  const logits_sampler_options *);
typedef logits_status (*sample_u16)(const uint16_t *, const double *, int64_t *, float *, float *, size_t, size_t,
                                    const logits_sampler_options *);
typedef logits_status (*sample_u32)(const float *, const double *, int64_t *, float *, float *, size_t, size_t,
                                    const logits_sampler_options *);
typedef logits_status (*top_k16)(const uint16_t *, uint16_t *, int64_t *, size_t, size_t, size_t);
typedef logits_status (*top_k32)(const float *, float *, int64_t *, size_t, size_t, size_t);
typedef logits_status (*argmax16)(const uint16_t *, int64_t *, size_t, size_t);
typedef logits_status (*argmax32)(const float *, int64_t *, size_t, size_t);

/* One selection call in 16 bits and in float32 on the widened values: the
 * same tokens, log-probabilities and indices, and top-k values the row's
 * own bits. */
static void run_selection(const hop_t *op, int fmt, size_t rows, size_t vocab, int variant)
{
    size_t n = rows * vocab, i, k = vocab < 40 ? vocab : 40;
    uint16_t *x = (uint16_t *)xmalloc(n * 2), *v16 = (uint16_t *)xmalloc(rows * k * 2 + 2);
    float *x32 = (float *)xmalloc(n * 4), *v32 = (float *)xmalloc(rows * k * 4 + 4);
    float *lp16 = (float *)xmalloc(rows * 4), *lp32 = (float *)xmalloc(rows * 4);
    float *raw16 = (float *)xmalloc(rows * 4), *raw32 = (float *)xmalloc(rows * 4);
    int64_t *t16 = (int64_t *)xmalloc(rows * k * 8 + 8), *t32 = (int64_t *)xmalloc(rows * k * 8 + 8);
    int64_t *hist = (int64_t *)xmalloc(rows * 4 * 8);
    double *u = (double *)xmalloc(rows * 8);
    fnp f = fmt == HALF_F16 ? op->f16 : op->bf16;
    logits_sampler_options o;
    logits_status st16 = LOGITS_OK, st32 = LOGITS_OK;
    size_t outs = rows;
    for (i = 0; i < n; i++) {
        x[i] = half_from_double(fmt, i % 97 == 5 ? -INFINITY : uniform(-6, 6));
        x32[i] = (float)half_to_double(fmt, x[i]);
    }
    for (i = 0; i < rows * 4; i++) hist[i] = (int64_t)((i * 31) % vocab) - (i % 7 == 0);
    for (i = 0; i < rows; i++) u[i] = uniform(0, 0.999);
    logits_sampler_options_init(&o);
    o.seed = 77 + (uint64_t)variant;
    if (variant == 1) { o.temperature = 0.7; o.top_k = 50; o.top_p = 0.9; }
    if (variant == 2) { o.min_p = 0.05; o.repetition_penalty = 1.3; o.history = hist; o.history_len = 4;
                        o.order = LOGITS_SAMPLER_ORDER_LLAMA_CPP; o.presence_penalty = 0.5; }
    if (variant == 3) o.temperature = 0;
    set_ctx("%s_%s rows %zu vocab %zu variant %d", op->name, FORMAT_NAME[fmt], rows, vocab, variant);
    if (kind_is(op, "SAMPLE")) {
        st32 = ((sample32)op->f32)(x32, t32, lp32, raw32, rows, vocab, &o);
        st16 = ((sample16)f)(x, t16, lp16, raw16, rows, vocab, &o);
    } else if (kind_is(op, "SAMPLE_U")) {
        st32 = ((sample_u32)op->f32)(x32, u, t32, lp32, raw32, rows, vocab, &o);
        st16 = ((sample_u16)f)(x, u, t16, lp16, raw16, rows, vocab, &o);
    } else if (kind_is(op, "TOP_K")) {
        st32 = ((top_k32)op->f32)(x32, v32, t32, rows, vocab, k);
        st16 = ((top_k16)f)(x, v16, t16, rows, vocab, k);
        outs = rows * k;
    } else {
        st32 = ((argmax32)op->f32)(x32, t32, rows, vocab);
        st16 = ((argmax16)f)(x, t16, rows, vocab);
    }
    CHECK(st16 == st32 && st16 == LOGITS_OK, "status 16-bit %d, float32 %d", (int)st16, (int)st32);
    if (st16 == LOGITS_OK) {
        long bad = 0;
        for (i = 0; i < outs; i++) {
            int ok = t16[i] == t32[i];
            if (kind_is(op, "TOP_K"))
                ok = ok && v16[i] == x[(i / k) * vocab + (size_t)t16[i]] && (float)half_to_double(fmt, v16[i]) == v32[i];
            if (kind_is(op, "SAMPLE") || kind_is(op, "SAMPLE_U"))
                ok = ok && memcmp(&lp16[i], &lp32[i], 4) == 0 && (!kind_is(op, "SAMPLE") || memcmp(&raw16[i], &raw32[i], 4) == 0);
            if (!ok && bad++ < 4) CHECK(0, "output %zu: 16-bit %lld, float32 %lld", i, (long long)t16[i], (long long)t32[i]);
        }
        CHECK(bad == 0, "%ld outputs differ", bad);
    }
    free(x); free(v16); free(x32); free(v32); free(lp16); free(lp32); free(raw16); free(raw32);
    free(t16); free(t32); free(hist); free(u);
}

/* Every 16-bit selection function of the list against its float32 form:
 * rows in one block, several blocks, rows longer than a block. */
static void test_selection_matches_float32(void)
{
    static const size_t SHAPES[][2] = {{1, 1}, {3, 17}, {64, 1000}, {300, 300}, {2, 128256}, {5, 70000}};
    size_t oi, fmt, si;
    int variant;
    for (oi = 0; oi < N_HOPS; oi++) {
        const hop_t *op = &HOPS[oi];
        if (!is_selection(op)) continue;
        for (fmt = 0; fmt < 2; fmt++)
            for (si = 0; si < N_OF(SHAPES); si++)
                for (variant = 0; variant < (kind_is(op, "SAMPLE") || kind_is(op, "SAMPLE_U") ? 4 : 1); variant++)
                    run_selection(op, (int)fmt, SHAPES[si][0], SHAPES[si][1], variant);
    }
}

/* Refused selection calls: the float32 function's status, nothing written. */
static void test_selection_refusals(void)
{
    uint16_t x[3 * 5], v[6];
    int64_t tok[3] = {-7, -7, -7}, idx[6] = {-7, -7, -7, -7, -7, -7};
    float lp[3] = {9, 9, 9};
    logits_sampler_options o;
    int fmt;
    size_t i;
    for (fmt = 0; fmt < 2; fmt++) {
        logits_sampler_options_init(&o);
        for (i = 0; i < 15; i++) x[i] = half_from_double(fmt, (double)i / 4);
        x[7] = half_from_double(fmt, NAN); /* row 1 */
        set_ctx("%s selection refusals", FORMAT_NAME[fmt]);
        CHECK((fmt ? logits_sample_bf16 : logits_sample_f16)(x, tok, lp, NULL, 3, 5, &o) == LOGITS_ERROR_INVALID_ARGUMENT,
              "a NaN row is refused");
        CHECK((fmt ? logits_sample_bf16 : logits_sample_f16)(x, NULL, lp, NULL, 3, 5, &o) == LOGITS_ERROR_NULL_POINTER,
              "NULL tokens");
        CHECK((fmt ? logits_sample_bf16 : logits_sample_f16)(x, tok, lp, NULL, 3, 0, &o) == LOGITS_ERROR_INVALID_ARGUMENT,
              "vocab 0");
        o.top_p = 1.5;
        CHECK((fmt ? logits_sample_from_uniform_bf16 : logits_sample_from_uniform_f16)(x, NULL, tok, lp, NULL, 3, 5, &o)
                  != LOGITS_OK, "top_p 1.5");
        CHECK((fmt ? logits_top_k_bf16 : logits_top_k_f16)(x, v, idx, 1, 5, 6) == LOGITS_ERROR_INVALID_ARGUMENT,
              "k > cols");
        CHECK((fmt ? logits_top_k_bf16 : logits_top_k_f16)(x, x + 1, idx, 3, 5, 2) == LOGITS_ERROR_OVERLAP,
              "values over x");
        CHECK((fmt ? logits_argmax_bf16 : logits_argmax_f16)(x, tok, 3, 0) == LOGITS_ERROR_INVALID_ARGUMENT,
              "cols 0");
        CHECK(tok[0] == -7 && tok[1] == -7 && tok[2] == -7 && lp[0] == 9 && idx[0] == -7, "a refused call wrote");
    }
}

#if !defined(HALF_TEST_ASAN) /* not measured under AddressSanitizer: see main */
static long peak_rss_kb(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

/* No float32 copy of the whole array: the peak RSS grows by far less than
 * one (run first, before other cases raise the peak). A bfloat16 softmax,
 * log-softmax and gradient of 64 x 128256; a float16 softmax along a long
 * axis of 8 slices of 2^20 on 3 threads; a bfloat16 cross-entropy with
 * labels and with soft targets over 1 x 10 x 500000 (samples along a long
 * inner axis). */
static void test_no_float32_copy(void)
{
    const size_t n = 64 * 128256, n2 = (size_t)8 << 20, n3 = 10 * 500000;
    uint16_t *x = (uint16_t *)xmalloc(n2 * 2), *y = (uint16_t *)xmalloc(n2 * 2), *dy = (uint16_t *)xmalloc(n2 * 2);
    int64_t *labels = (int64_t *)xmalloc(500000 * 8);
    float loss;
    long before, after;
    size_t i, saved = logits_get_num_threads();
    logits_status st;
    for (i = 0; i < n2; i++) {
        x[i] = half_from_double(HALF_BF16, (double)(i % 977) / 50.0 - 9.0);
        y[i] = 0;
        dy[i] = half_from_double(HALF_BF16, (double)(i % 13) / 7.0 - 1.0);
    }
    for (i = 0; i < 500000; i++) labels[i] = (int64_t)(i % 10);
    before = peak_rss_kb();
    st = logits_softmax_bf16(x, y, 64, 128256);
    st |= logits_log_softmax_bf16(x, y, 64, 128256);
    st |= logits_softmax_backward_bf16(y, dy, y, 64, 128256);
    after = peak_rss_kb();
    set_ctx("64 x 128256 bfloat16");
    CHECK(st == LOGITS_OK, "status %d", (int)st);
    CHECK((after - before) * 1024L < (long)(n * 4 / 4), "peak RSS grew by %ld KB (a float32 copy is %zu KB)",
          after - before, n * 4 / 1024);
    logits_set_num_threads(3);
    before = peak_rss_kb();
    st = logits_softmax_f16(x, y, 8, (size_t)1 << 20);
    st |= logits_softmax_backward_f16(y, dy, y, 8, (size_t)1 << 20);
    after = peak_rss_kb();
    logits_set_num_threads(saved);
    set_ctx("8 x 2^20 float16, 3 threads");
    CHECK(st == LOGITS_OK, "status %d", (int)st);
    CHECK((after - before) * 1024L < (long)(n2 * 4 / 3), "peak RSS grew by %ld KB (a float32 copy is %zu KB)",
          after - before, n2 * 4 / 1024);
    for (i = 0; i < n3; i++) dy[i] = half_from_double(HALF_BF16, (double)(i % 7) / 10.0); /* soft targets */
    before = peak_rss_kb();
    st = logits_cross_entropy_labels_bf16(x, labels, NULL, &loss, y, 1, 10, 500000, NULL);
    st |= logits_cross_entropy_soft_bf16(x, dy, NULL, &loss, y, 1, 10, 500000, NULL);
    after = peak_rss_kb();
    set_ctx("1 x 10 x 500000 bfloat16 cross-entropy");
    CHECK(st == LOGITS_OK, "status %d", (int)st);
    CHECK((after - before) * 1024L < (long)(n3 * 4 / 4), "peak RSS grew by %ld KB (a float32 copy is %zu KB)",
          after - before, n3 * 4 / 1024);
    free(x);
    free(y);
    free(dy);
    free(labels);
}
#endif

/* A long axis with a few columns (blocks of columns): the strided kernel
 * path of the whole call, bit for bit, on sparse rows (mostly -inf) where
 * the contiguous-row kernel would round differently. */
static void test_long_axis_columns(void)
{
    static const shape_t SHAPES[] = {{1, 65537, 2}, {2, 70001, 3}, {1, 131072, 5}};
    size_t oi, fmt, si, i;
    for (oi = 0; oi < N_HOPS; oi++) {
        const hop_t *op = &HOPS[oi];
        if (!is_axis(op) || two_inputs(op)) continue;
        for (fmt = 0; fmt < 2; fmt++)
            for (si = 0; si < N_OF(SHAPES); si++) {
                shape_t s = SHAPES[si];
                size_t n = s.s1 * s.s2 * s.s3;
                uint16_t *a = (uint16_t *)xmalloc(n * 2);
                for (i = 0; i < n; i++) a[i] = half_from_double((int)fmt, -INFINITY);
                for (i = 0; i < 4096 * s.s1 * s.s3; i++)
                    a[(size_t)uniform(0, (double)n - 1)] = half_from_double((int)fmt, uniform(-4, 4));
                check_rule(op, (int)fmt, a, NULL, s, 1.0f, LOGITS_PRECISION_FAST, "sparse long axis");
                check_rule(op, (int)fmt, a, NULL, s, 0.7f, LOGITS_PRECISION_EXACT, "sparse long axis");
                free(a);
            }
    }
}

static void test_covers_the_operation_list(void)
{
    static char buf[64][48];
    static const char *names[64];
    size_t oi, n = 0, fmt;
    for (oi = 0; oi < N_HOPS && n + 2 <= 64; oi++)
        for (fmt = 0; fmt < 2; fmt++) {
            snprintf(buf[n], sizeof buf[n], "%s_%s", HOPS[oi].name, FORMAT_NAME[fmt]);
            names[n] = buf[n];
            n++;
        }
    /* Every 16-bit form of the list is in HOPS (the float32 and float64
     * forms are test_logits.c's and test_losses.c's). */
    CHECK(list_missing_types("test_half", names, n, NULL, "f16 bf16") == 0 && n == 2 * N_HOPS,
          "16-bit operations of the list without a test (see stderr)");
}

int main(int argc, char **argv)
{
    /* LOGITS_TEST_QUICK (Tests/checks/cpu_levels.sh under qemu): the
     * conversions' cases only (every pattern, special values, refusals). */
    int quick = getenv("LOGITS_TEST_QUICK") != NULL;
    harness_start(argc, argv);
    RUN(test_covers_the_operation_list);
    /* First, before other cases raise the peak. Not under AddressSanitizer
     * (its shadow memory and quarantine grow the RSS) or valgrind. */
#if defined(HALF_TEST_ASAN)
    if (!quick) printf("(peak RSS case left out under AddressSanitizer)\n");
#else
    if (!quick && !getenv("LOGITS_TEST_VALGRIND")) RUN(test_no_float32_copy);
#endif
    RUN(test_every_pattern);
    RUN(test_special_values);
    RUN(test_selection_refusals);
    if (quick) return harness_finish();
    RUN(test_matches_float32_rounded_once);
    RUN(test_losses_match_float32);
    RUN(test_selection_matches_float32);
    RUN(test_long_axis_columns);
    RUN(test_thread_counts);
    return harness_finish();
}
