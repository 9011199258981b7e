/*
 * test_losses.c: tests of the loss functions of include/logits.h, from C.
 *
 *   logits_cross_entropy_labels_{f32,f64}
 *   logits_cross_entropy_soft_{f32,f64}
 *   logits_binary_cross_entropy_{f32,f64}
 *   logits_ce_options_init, logits_bce_options_init
 *
 * Every value is compared with a reference written here in long double
 * straight from the formulas in the header (PyTorch CrossEntropyLoss /
 * BCEWithLogitsLoss / torchvision focal loss, Keras for probabilities). Also
 * tested: option defaults, NULL options, in-place gradients, the decided
 * special values, and the error paths (each must leave every buffer, inputs
 * and outputs, byte-for-byte untouched).
 *
 * Build and run (from the repository root, after `make lib`):
 *   cc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude Tests/c/test_losses.c \
 *      -Lbuild/lib -llogits -lm -Wl,-rpath,"$PWD/build/lib" -o build/test_losses
 *   ./build/test_losses        # -v lists every case
 *
 * Prints each failed check on stderr, then exactly one line
 * "N passed, M failed" (test cases) on stdout; exits non-zero on failure.
 */
#include "logits.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "operation_list.h"

static uint64_t g_rng = 0x2545F4914F6CDD1DULL;
static ld rng_unit(void)
{
    g_rng ^= g_rng >> 12;
    g_rng ^= g_rng << 25;
    g_rng ^= g_rng >> 27;
    return (ld)((g_rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0L;
}
static ld rng_uniform(ld lo, ld hi) { return lo + (hi - lo) * rng_unit(); }

/* ======================================================================== */
/* Element types and one calling convention for the six functions           */
/* ======================================================================== */

enum { K_LABELS, K_SOFT, K_BINARY };
static const char *KIND_NAME[3] = {"labels", "soft", "binary"};
/* The C functions call_loss reaches, by kind: logits_<symbol>_f32 / _f64. */
static const char *KIND_SYMBOL[3] = {"cross_entropy_labels", "cross_entropy_soft",
                                     "binary_cross_entropy"};

static size_t esize(int is64) { return is64 ? sizeof(double) : sizeof(float); }

static ld get(int is64, const void *p, size_t i)
{
    return is64 ? (ld)((const double *)p)[i] : (ld)((const float *)p)[i];
}

static void put(int is64, void *p, size_t i, ld v)
{
    if (is64)
        ((double *)p)[i] = (double)v;
    else
        ((float *)p)[i] = (float)v;
}

/* kind LABELS: t = int64 labels; SOFT: t = targets; BINARY: t = targets,
 * w = pos_weight, w2 = weight, (a, b) = (rows, classes).
 * Categorical: w = class_weight, (a, b, c) = (outer, classes, inner). */
static logits_status call_loss(int kind, int is64, const void *x, const void *t,
                               const void *w, const void *w2, void *loss, void *grad,
                               size_t a, size_t b, size_t c, const void *opt)
{
    switch (kind) {
    case K_LABELS:
        return is64 ? logits_cross_entropy_labels_f64(x, t, w, loss, grad, a, b, c, opt)
                    : logits_cross_entropy_labels_f32(x, t, w, loss, grad, a, b, c, opt);
    case K_SOFT:
        return is64 ? logits_cross_entropy_soft_f64(x, t, w, loss, grad, a, b, c, opt)
                    : logits_cross_entropy_soft_f32(x, t, w, loss, grad, a, b, c, opt);
    default:
        return is64 ? logits_binary_cross_entropy_f64(x, t, w, w2, loss, grad, a, b, opt)
                    : logits_binary_cross_entropy_f32(x, t, w, w2, loss, grad, a, b, opt);
    }
}

/* |got - ref| <= rel |ref| + 1e-13 scale + tiny, rel = 1e-6 (f32) or 1e-12 (f64).
 * scale covers the cancellation in logsumexp - x[label] that double-precision
 * internals cannot avoid (the magnitude of the terms). NaN matches NaN and
 * infinities must match exactly. */
static int close_to(int is64, ld got, ld ref, ld scale)
{
    ld tol;
    if (isnan(ref)) return isnan(got);
    if (got == ref) return 1; /* also where valgrind's long double loses infinities */
    if (isinf(ref)) return 0;
    if (!isfinite(got)) return 0;
    tol = (is64 ? 1e-12L : 1e-6L) * fabsl(ref) + 1e-13L * scale + (is64 ? 1e-300L : 1e-40L);
    return fabsl(got - ref) <= tol;
}

#define CHECK_CLOSE(is64, got, ref, scale, what, idx)                                       \
    CHECK(close_to((is64), (got), (ref), (scale)), "%s[%lu]: got %.17Lg, expected %.17Lg", \
          (what), (unsigned long)(idx), (ld)(got), (ld)(ref))

/* ======================================================================== */
/* References (long double)                                                 */
/* ======================================================================== */

/* Categorical. x, t (soft) and w are the values as stored (already rounded to
 * the element type). loss gets outer*inner values (NONE) or 1; grad gets the
 * gradient of the reduced loss (NONE: of the sum); gmag the magnitude of the
 * two terms whose difference is each gradient value (p_c sum_k a_k and a_c,
 * scaled), which bounds the cancellation error any double computation has. */
static void ref_ce(int kind, const ld *x, const int64_t *lab, const ld *t, const ld *w,
                   size_t outer, size_t C, size_t inner, const logits_ce_options *o,
                   ld *loss, ld *grad, ld *gmag)
{
    size_t S = outer * inner, s, c, k;
    ld total = 0, D = 0, scale;
    ld eps = o->label_smoothing, T = o->temperature;
    ld lo = (ld)o->eps, hi = (ld)(1.0 - o->eps); /* the clip bounds in double */
    ld *per = malloc((S ? S : 1) * sizeof(ld));
    ld *a = malloc((C ? C : 1) * sizeof(ld)), *z = malloc((C ? C : 1) * sizeof(ld));
    for (s = 0; s < S; s++) {
        size_t oi = s / inner, ii = s % inner;
        int keep = 1;
        ld asum = 0, l = 0;
        if (kind == K_LABELS && o->has_ignore_index && lab[s] == o->ignore_index) keep = 0;
        for (c = 0; c < C; c++) {
            size_t at = (oi * C + c) * inner + ii;
            ld tc = kind == K_LABELS ? (ld)((int64_t)c == lab[s]) : t[at];
            ld q = (1 - eps) * tc + eps / (ld)C;
            a[c] = keep ? (w ? w[c] : 1) * q : 0;
            asum += a[c];
            z[c] = x[at];
        }
        if (keep) D += kind == K_LABELS ? (w ? w[lab[s]] : 1) : 1;
        if (o->from_logits) {
            ld m = -INFINITY, sum = 0, lse;
            for (c = 0; c < C; c++) if (z[c] / T > m) m = z[c] / T;
            for (c = 0; c < C; c++) sum += expl(z[c] / T - m);
            lse = m + logl(sum);
            for (c = 0; c < C; c++) {
                if (a[c] != 0) l -= a[c] * (z[c] / T - lse);
                grad[(oi * C + c) * inner + ii] = (expl(z[c] / T - lse) * asum - a[c]) / T;
                gmag[(oi * C + c) * inner + ii] = (expl(z[c] / T - lse) * asum + a[c]) / T;
            }
        } else {
            ld sum = 0, aact = 0;
            for (c = 0; c < C; c++) sum += z[c];
            for (c = 0; c < C; c++) {
                ld p = z[c] / sum, pc = p < lo ? lo : (p > hi ? hi : p);
                int act = p > lo && p < hi;
                if (a[c] != 0) l -= a[c] * logl(pc);
                if (act) aact += a[c];
            }
            for (c = 0; c < C; c++) {
                ld p = z[c] / sum;
                int act = p > lo && p < hi;
                grad[(oi * C + c) * inner + ii] = -(act ? a[c] / z[c] : 0) + aact / sum;
                gmag[(oi * C + c) * inner + ii] = (act ? a[c] / z[c] : 0) + aact / sum;
            }
        }
        per[s] = keep ? l : 0;
        total += per[s];
    }
    if (o->reduction == LOGITS_REDUCTION_NONE) {
        for (s = 0; s < S; s++) loss[s] = per[s];
        scale = 1;
    } else if (o->reduction == LOGITS_REDUCTION_SUM) {
        loss[0] = total;
        scale = 1;
    } else {
        loss[0] = D != 0 ? total / D : 0;
        scale = D != 0 ? 1 / D : 0;
    }
    for (k = 0; k < outer * C * inner; k++) {
        grad[k] *= scale;
        gmag[k] *= scale;
    }
    free(per);
    free(a);
    free(z);
}

static ld softplusl(ld v) { return (v > 0 ? v : 0) + log1pl(expl(-fabsl(v))); }
static ld sigmoidl(ld v)
{
    ld e = expl(-fabsl(v));
    return v >= 0 ? 1 / (1 + e) : e / (1 + e);
}

static void ref_bce(const ld *x, const ld *y, const ld *pw, const ld *wt, size_t rows,
                    size_t C, const logits_bce_options *o, ld *loss, ld *grad)
{
    size_t n = rows * C, k;
    ld total = 0, e = o->label_smoothing, g = o->gamma;
    ld lo = (ld)o->eps, hi = (ld)(1.0 - o->eps);
    int focal = o->gamma > 0 || o->has_alpha;
    for (k = 0; k < n; k++) {
        ld ys = y[k] * (1 - e) + e / 2, P = pw ? pw[k % C] : 1, W = wt ? wt[k] : 1;
        ld bce, dbce, p, omp, dp, l, gr;
        if (o->from_logits) {
            bce = W * ((1 - ys) * softplusl(x[k]) + P * ys * softplusl(-x[k]));
            p = sigmoidl(x[k]);
            omp = sigmoidl(-x[k]);
            dbce = W * ((1 - ys) * p - P * ys * omp);
            dp = p * omp;
        } else {
            int act = x[k] > lo && x[k] < hi;
            p = x[k] < lo ? lo : (x[k] > hi ? hi : x[k]);
            omp = 1 - p;
            bce = -W * (P * ys * logl(p) + (1 - ys) * logl(omp));
            dbce = act ? -W * (P * ys / p - (1 - ys) / omp) : 0;
            dp = act ? 1 : 0;
        }
        if (focal) {
            ld m = omp * ys + p * (1 - ys);
            ld at = o->has_alpha ? o->alpha * ys + (1 - o->alpha) * (1 - ys) : 1;
            ld mg = powl(m, g), r;
            if (o->from_logits && ys == 1)
                r = -p;
            else if (o->from_logits && ys == 0)
                r = omp;
            else
                r = (1 - 2 * ys) * dp / m;
            l = at * mg * bce;
            gr = at * mg * (g * r * bce + dbce);
        } else {
            l = bce;
            gr = dbce;
        }
        if (o->reduction == LOGITS_REDUCTION_NONE) loss[k] = l;
        total += l;
        grad[k] = gr;
    }
    if (o->reduction == LOGITS_REDUCTION_SUM) loss[0] = total;
    if (o->reduction == LOGITS_REDUCTION_MEAN) {
        loss[0] = total / (ld)n;
        for (k = 0; k < n; k++) grad[k] /= (ld)n;
    }
}

/* ======================================================================== */
/* Option defaults                                                          */
/* ======================================================================== */

static void test_options_init(void)
{
    logits_ce_options ce;
    logits_bce_options bce;
    memset(&ce, 0x5A, sizeof ce);
    memset(&bce, 0x5A, sizeof bce);
    logits_ce_options_init(&ce);
    logits_bce_options_init(&bce);
    CHECK(ce.struct_size == sizeof(logits_ce_options), "ce struct_size %u", ce.struct_size);
    CHECK(ce.reduction == LOGITS_REDUCTION_MEAN, "ce reduction %d", ce.reduction);
    CHECK(ce.from_logits == 1, "ce from_logits %d", ce.from_logits);
    CHECK(ce.has_ignore_index == 0, "ce has_ignore_index %d", ce.has_ignore_index);
    CHECK(ce.ignore_index == -100, "ce ignore_index %lld", (long long)ce.ignore_index);
    CHECK(ce.label_smoothing == 0.0, "ce label_smoothing %g", ce.label_smoothing);
    CHECK(ce.temperature == 1.0, "ce temperature %g", ce.temperature);
    CHECK(ce.eps == 1e-7, "ce eps %g", ce.eps);
    CHECK(bce.struct_size == sizeof(logits_bce_options), "bce struct_size %u", bce.struct_size);
    CHECK(bce.reduction == LOGITS_REDUCTION_MEAN, "bce reduction %d", bce.reduction);
    CHECK(bce.from_logits == 1, "bce from_logits %d", bce.from_logits);
    CHECK(bce.has_alpha == 0, "bce has_alpha %d", bce.has_alpha);
    CHECK(bce.label_smoothing == 0.0, "bce label_smoothing %g", bce.label_smoothing);
    CHECK(bce.gamma == 0.0, "bce gamma %g", bce.gamma);
    CHECK(bce.eps == 1e-7, "bce eps %g", bce.eps);
    logits_ce_options_init(NULL); /* ignored, must not crash */
    logits_bce_options_init(NULL);
    CHECK(1, "init(NULL)");
}

/* ======================================================================== */
/* Categorical cross-entropy against the reference                          */
/* ======================================================================== */

typedef struct {
    int reduction, from_logits;
    double smoothing;
    int weighted, ignore; /* ignore: 0 none, 1 ignore_index = -100, 2 ignore_index = 1 */
    double temperature, eps;
    size_t outer, C, inner;
} ce_cfg;

static const ce_cfg CE_CFGS[] = {
    {LOGITS_REDUCTION_MEAN, 1, 0.0, 0, 0, 1.0, 1e-7, 4, 5, 1},
    {LOGITS_REDUCTION_NONE, 1, 0.1, 1, 1, 1.0, 1e-7, 5, 4, 1},
    {LOGITS_REDUCTION_SUM, 1, 0.3, 1, 0, 2.5, 1e-7, 3, 6, 2},
    {LOGITS_REDUCTION_MEAN, 1, 0.2, 1, 1, 0.5, 1e-7, 2, 3, 4},
    {LOGITS_REDUCTION_MEAN, 1, 1.0, 1, 2, 1.0, 1e-7, 6, 3, 1},
    {LOGITS_REDUCTION_NONE, 1, 0.0, 0, 0, 1.0, 1e-7, 3, 1, 2},
    {LOGITS_REDUCTION_SUM, 1, 0.0, 0, 0, 1.0, 1e-7, 2, 1000, 1},
    {LOGITS_REDUCTION_MEAN, 0, 0.0, 0, 0, 1.0, 1e-7, 4, 5, 1},
    {LOGITS_REDUCTION_NONE, 0, 0.1, 1, 1, 1.0, 1e-7, 3, 4, 3},
    {LOGITS_REDUCTION_SUM, 0, 0.0, 1, 0, 1.0, 1e-3, 3, 3, 1},
    {LOGITS_REDUCTION_MEAN, 0, 0.25, 1, 2, 1.0, 1e-7, 5, 4, 2},
};

static void run_ce_cfg(int kind, int is64, const ce_cfg *cf)
{
    size_t S = cf->outer * cf->inner, N = S * cf->C, k, nl;
    size_t es = esize(is64);
    void *x = malloc(N * es), *t = malloc(N * es), *w = malloc(cf->C * es);
    void *loss = malloc(S * es), *grad = malloc(N * es), *x2 = malloc(N * es);
    void *loss2 = malloc(S * es);
    int64_t *lab = malloc(S * sizeof(int64_t));
    ld *xr = malloc(N * sizeof(ld)), *tr = malloc(N * sizeof(ld)), *wr = malloc(cf->C * sizeof(ld));
    ld *lref = malloc(S * sizeof(ld)), *gref = malloc(N * sizeof(ld)), scale = 0;
    ld *gmag = malloc(N * sizeof(ld));
    logits_ce_options o;
    logits_status st;

    logits_ce_options_init(&o);
    o.reduction = cf->reduction;
    o.from_logits = cf->from_logits;
    o.label_smoothing = cf->smoothing;
    o.temperature = cf->temperature;
    o.eps = cf->eps;
    if (cf->ignore) {
        o.has_ignore_index = 1;
        o.ignore_index = cf->ignore == 1 ? -100 : 1;
    }
    for (k = 0; k < N; k++) {
        ld v = cf->from_logits ? rng_uniform(-6, 6) : rng_uniform(0.02L, 1);
        if (!cf->from_logits && k == 1) v = 0; /* exercises the clip */
        put(is64, x, k, v);
        xr[k] = get(is64, x, k);
        put(is64, t, k, rng_unit() < 0.25L ? 0 : rng_uniform(0, 1.5L));
        tr[k] = get(is64, t, k);
        scale += fabsl(xr[k]);
    }
    for (k = 0; k < cf->C; k++) {
        put(is64, w, k, rng_uniform(0.1L, 3));
        wr[k] = get(is64, w, k);
    }
    for (k = 0; k < S; k++) {
        lab[k] = (int64_t)(rng_unit() * (ld)cf->C);
        if (cf->ignore == 1 && k % 3 == 1) lab[k] = -100;
    }
    scale = (scale / (ld)(S ? S : 1) + logl((ld)cf->C + 1)) * 10 / cf->temperature;
    if (cf->reduction == LOGITS_REDUCTION_SUM) scale *= (ld)S;

    set_ctx("%s %s red=%d fl=%d ls=%g w=%d ign=%d T=%g %lux%lux%lu", KIND_NAME[kind],
            is64 ? "f64" : "f32", cf->reduction, cf->from_logits, cf->smoothing, cf->weighted,
            cf->ignore, cf->temperature, (unsigned long)cf->outer, (unsigned long)cf->C,
            (unsigned long)cf->inner);
    ref_ce(kind, xr, lab, tr, cf->weighted ? wr : NULL, cf->outer, cf->C, cf->inner, &o, lref,
           gref, gmag);
    st = call_loss(kind, is64, x, kind == K_LABELS ? (const void *)lab : t,
                   cf->weighted ? w : NULL, NULL, loss, grad, cf->outer, cf->C, cf->inner, &o);
    CHECK(st == LOGITS_OK, "status %d", (int)st);
    if (st != LOGITS_OK) goto done;
    nl = cf->reduction == LOGITS_REDUCTION_NONE ? S : 1;
    for (k = 0; k < nl; k++) CHECK_CLOSE(is64, get(is64, loss, k), lref[k], scale, "loss", k);
    for (k = 0; k < N; k++)
        CHECK_CLOSE(is64, get(is64, grad, k), gref[k], gmag[k] / 10, "grad", k);
    /* grad NULL: same loss; grad == input: same gradient, overwriting the input */
    memcpy(x2, x, N * es);
    st = call_loss(kind, is64, x2, kind == K_LABELS ? (const void *)lab : t,
                   cf->weighted ? w : NULL, NULL, loss2, NULL, cf->outer, cf->C, cf->inner, &o);
    CHECK(st == LOGITS_OK && memcmp(loss, loss2, nl * es) == 0, "grad NULL: status %d / loss",
          (int)st);
    st = call_loss(kind, is64, x2, kind == K_LABELS ? (const void *)lab : t,
                   cf->weighted ? w : NULL, NULL, loss2, x2, cf->outer, cf->C, cf->inner, &o);
    CHECK(st == LOGITS_OK, "in place status %d", (int)st);
    CHECK(memcmp(x2, grad, N * es) == 0, "in place gradient differs from out of place");
    CHECK(memcmp(loss, loss2, nl * es) == 0, "in place loss differs");
done:
    g_ctx[0] = '\0';
    free(x); free(t); free(w); free(loss); free(grad); free(x2); free(loss2); free(lab);
    free(xr); free(tr); free(wr); free(lref); free(gref); free(gmag);
}

static void test_ce_labels_f32(void)
{
    size_t i;
    for (i = 0; i < sizeof CE_CFGS / sizeof CE_CFGS[0]; i++) run_ce_cfg(K_LABELS, 0, &CE_CFGS[i]);
}
static void test_ce_labels_f64(void)
{
    size_t i;
    for (i = 0; i < sizeof CE_CFGS / sizeof CE_CFGS[0]; i++) run_ce_cfg(K_LABELS, 1, &CE_CFGS[i]);
}
static void test_ce_soft_f32(void)
{
    size_t i;
    for (i = 0; i < sizeof CE_CFGS / sizeof CE_CFGS[0]; i++)
        if (!CE_CFGS[i].ignore) run_ce_cfg(K_SOFT, 0, &CE_CFGS[i]);
}
static void test_ce_soft_f64(void)
{
    size_t i;
    for (i = 0; i < sizeof CE_CFGS / sizeof CE_CFGS[0]; i++)
        if (!CE_CFGS[i].ignore) run_ce_cfg(K_SOFT, 1, &CE_CFGS[i]);
}

/* A known value: PyTorch's F.cross_entropy([[2, 1, 0.1], [0.5, 2.5, 0.3]], [0, 1]). */
static void test_ce_known_value(void)
{
    const double x[6] = {2.0, 1.0, 0.1, 0.5, 2.5, 0.3};
    const float xf[6] = {2.0f, 1.0f, 0.1f, 0.5f, 2.5f, 0.3f};
    const int64_t lab[2] = {0, 1};
    double loss = 0, g[6];
    float lossf = 0;
    ld l0 = logl(expl(2.0L) + expl(1.0L) + expl((ld)0.1)) - 2.0L;
    ld l1 = logl(expl((ld)0.5) + expl(2.5L) + expl((ld)0.3)) - 2.5L;
    CHECK(logits_cross_entropy_labels_f64(x, lab, NULL, &loss, g, 2, 3, 1, NULL) == LOGITS_OK,
          "status");
    CHECK_CLOSE(1, loss, (l0 + l1) / 2, 10, "loss", 0);
    CHECK(fabs(loss - 0.3185397696491856) < 1e-15, "loss %.17g", loss);
    CHECK(fabs(g[0] - -0.17049943) < 1e-8, "g[0] %.10g", g[0]);
    CHECK(logits_cross_entropy_labels_f32(xf, lab, NULL, &lossf, NULL, 2, 3, 1, NULL) == LOGITS_OK,
          "status f32");
    CHECK(fabsf(lossf - 0.31853977f) < 1e-6f, "f32 loss %.9g", (double)lossf);
}

/* ======================================================================== */
/* Binary cross-entropy against the reference                               */
/* ======================================================================== */

typedef struct {
    int reduction, from_logits;
    double smoothing;
    int pw, w;
    double gamma;
    int has_alpha;
    double alpha, eps;
    size_t rows, C;
} bce_cfg;

static const bce_cfg BCE_CFGS[] = {
    {LOGITS_REDUCTION_MEAN, 1, 0.0, 0, 0, 0.0, 0, 0.0, 1e-7, 4, 3},
    {LOGITS_REDUCTION_NONE, 1, 0.1, 1, 1, 0.0, 0, 0.0, 1e-7, 3, 5},
    {LOGITS_REDUCTION_SUM, 1, 0.0, 1, 0, 2.0, 1, 0.25, 1e-7, 4, 4},
    {LOGITS_REDUCTION_MEAN, 1, 0.2, 0, 1, 0.5, 0, 0.0, 1e-7, 2, 7},
    {LOGITS_REDUCTION_NONE, 1, 0.0, 1, 1, 0.0, 1, 0.6, 1e-7, 3, 3},
    {LOGITS_REDUCTION_NONE, 0, 0.0, 0, 0, 0.0, 0, 0.0, 1e-7, 3, 3},
    {LOGITS_REDUCTION_MEAN, 0, 0.1, 1, 1, 2.0, 1, 0.75, 1e-7, 3, 4},
    {LOGITS_REDUCTION_SUM, 0, 0.0, 1, 0, 0.0, 1, 0.3, 1e-3, 2, 5},
    {LOGITS_REDUCTION_NONE, 0, 1.0, 0, 0, 1.5, 0, 0.0, 1e-7, 2, 3},
};

static void run_bce_cfg(int is64, const bce_cfg *cf, int extreme)
{
    static const double EXT[8] = {100.0, -100.0, 1e4, -1e4, 30.0, -30.0, 0.0, 17.0};
    size_t N = cf->rows * cf->C, k, nl, es = esize(is64);
    void *x = malloc(N * es), *y = malloc(N * es), *pw = malloc(cf->C * es), *w = malloc(N * es);
    void *loss = malloc(N * es), *grad = malloc(N * es), *x2 = malloc(N * es);
    void *loss2 = malloc(N * es);
    ld *xr = malloc(N * sizeof(ld)), *yr = malloc(N * sizeof(ld)), *pr = malloc(cf->C * sizeof(ld));
    ld *wr = malloc(N * sizeof(ld)), *lref = malloc(N * sizeof(ld)), *gref = malloc(N * sizeof(ld));
    ld scale = 1;
    logits_bce_options o;
    logits_status st;

    logits_bce_options_init(&o);
    o.reduction = cf->reduction;
    o.from_logits = cf->from_logits;
    o.label_smoothing = cf->smoothing;
    o.gamma = cf->gamma;
    o.has_alpha = cf->has_alpha;
    o.alpha = cf->alpha;
    o.eps = cf->eps;
    for (k = 0; k < N; k++) {
        ld v = extreme ? EXT[k % 8] : cf->from_logits ? rng_uniform(-5, 5) : rng_uniform(0.01L, 0.99L);
        ld yv = k % 3 == 0 ? 1 : k % 3 == 1 ? 0 : rng_unit();
        if (!extreme && !cf->from_logits && k == 0) v = 0;
        if (!extreme && !cf->from_logits && k == 1) v = 1;
        put(is64, x, k, v);
        xr[k] = get(is64, x, k);
        put(is64, y, k, yv);
        yr[k] = get(is64, y, k);
        put(is64, w, k, rng_uniform(0, 2));
        wr[k] = get(is64, w, k);
    }
    for (k = 0; k < cf->C; k++) {
        put(is64, pw, k, rng_uniform(0, 3));
        pr[k] = get(is64, pw, k);
    }
    set_ctx("binary %s red=%d fl=%d ls=%g pw=%d w=%d gamma=%g alpha=%d/%g%s", is64 ? "f64" : "f32",
            cf->reduction, cf->from_logits, cf->smoothing, cf->pw, cf->w, cf->gamma, cf->has_alpha,
            cf->alpha, extreme ? " extreme" : "");
    ref_bce(xr, yr, cf->pw ? pr : NULL, cf->w ? wr : NULL, cf->rows, cf->C, &o, lref, gref);
    st = call_loss(K_BINARY, is64, x, y, cf->pw ? pw : NULL, cf->w ? w : NULL, loss, grad,
                   cf->rows, cf->C, 0, &o);
    CHECK(st == LOGITS_OK, "status %d", (int)st);
    if (st != LOGITS_OK) goto done;
    nl = cf->reduction == LOGITS_REDUCTION_NONE ? N : 1;
    if (cf->reduction == LOGITS_REDUCTION_SUM) scale = (ld)N;
    for (k = 0; k < nl; k++) {
        CHECK(isfinite(get(is64, loss, k)), "loss[%lu] not finite", (unsigned long)k);
        CHECK_CLOSE(is64, get(is64, loss, k), lref[k], extreme ? 0 : scale, "loss", k);
    }
    for (k = 0; k < N; k++) {
        CHECK(isfinite(get(is64, grad, k)), "grad[%lu] not finite", (unsigned long)k);
        CHECK_CLOSE(is64, get(is64, grad, k), gref[k], 0, "grad", k);
    }
    memcpy(x2, x, N * es);
    st = call_loss(K_BINARY, is64, x2, y, cf->pw ? pw : NULL, cf->w ? w : NULL, loss2, x2,
                   cf->rows, cf->C, 0, &o);
    CHECK(st == LOGITS_OK, "in place status %d", (int)st);
    CHECK(memcmp(x2, grad, N * es) == 0, "in place gradient differs from out of place");
    CHECK(memcmp(loss, loss2, nl * es) == 0, "in place loss differs");
done:
    g_ctx[0] = '\0';
    free(x); free(y); free(pw); free(w); free(loss); free(grad); free(x2); free(loss2);
    free(xr); free(yr); free(pr); free(wr); free(lref); free(gref);
}

static void test_bce_f32(void)
{
    size_t i;
    for (i = 0; i < sizeof BCE_CFGS / sizeof BCE_CFGS[0]; i++) run_bce_cfg(0, &BCE_CFGS[i], 0);
}
static void test_bce_f64(void)
{
    size_t i;
    for (i = 0; i < sizeof BCE_CFGS / sizeof BCE_CFGS[0]; i++) run_bce_cfg(1, &BCE_CFGS[i], 0);
}
static void test_bce_extreme_logits(void)
{
    size_t i;
    for (i = 0; i < sizeof BCE_CFGS / sizeof BCE_CFGS[0]; i++) {
        if (!BCE_CFGS[i].from_logits) continue;
        run_bce_cfg(0, &BCE_CFGS[i], 1);
        run_bce_cfg(1, &BCE_CFGS[i], 1);
    }
}

/* softplus(-100) = log1p(exp(-100)) = 3.720075976020836e-44: no cancellation. */
static void test_bce_known_values(void)
{
    const double x[4] = {100.0, -100.0, 1e4, -1e4};
    const double y[4] = {1.0, 0.0, 0.0, 1.0};
    double loss[4];
    logits_bce_options o;
    logits_bce_options_init(&o);
    o.reduction = LOGITS_REDUCTION_NONE;
    CHECK(logits_binary_cross_entropy_f64(x, y, NULL, NULL, loss, NULL, 1, 4, &o) == LOGITS_OK,
          "status");
    CHECK_CLOSE(1, loss[0], log1pl(expl(-100.0L)), 0, "loss", 0);
    CHECK_CLOSE(1, loss[1], log1pl(expl(-100.0L)), 0, "loss", 1);
    CHECK_CLOSE(1, loss[2], 1e4L, 0, "loss", 2);
    CHECK_CLOSE(1, loss[3], 1e4L, 0, "loss", 3);
}

/* ======================================================================== */
/* NULL options, in place, special values                                   */
/* ======================================================================== */

static void test_null_options_are_defaults(void)
{
    int kind, is64;
    for (kind = 0; kind < 3; kind++)
        for (is64 = 0; is64 < 2; is64++) {
            size_t es = esize(is64), k;
            double x[12], t[12], l1[1], l2[1], g1[12], g2[12];
            int64_t lab[4] = {0, 2, 1, 2};
            logits_ce_options ce;
            logits_bce_options bce;
            logits_status s1, s2;
            logits_ce_options_init(&ce);
            logits_bce_options_init(&bce);
            for (k = 0; k < 12; k++) {
                put(is64, x, k, kind == K_BINARY ? rng_uniform(-3, 3) : rng_uniform(-3, 3));
                put(is64, t, k, rng_unit());
            }
            set_ctx("%s %s", KIND_NAME[kind], is64 ? "f64" : "f32");
            s1 = call_loss(kind, is64, x, kind == K_LABELS ? (void *)lab : (void *)t, NULL, NULL,
                           l1, g1, 4, 3, 1, NULL);
            s2 = call_loss(kind, is64, x, kind == K_LABELS ? (void *)lab : (void *)t, NULL, NULL,
                           l2, g2, 4, 3, 1, kind == K_BINARY ? (void *)&bce : (void *)&ce);
            CHECK(s1 == LOGITS_OK && s2 == LOGITS_OK, "status %d %d", (int)s1, (int)s2);
            CHECK(memcmp(l1, l2, es) == 0, "loss with NULL options differs from defaults");
            CHECK(memcmp(g1, g2, 12 * es) == 0, "grad with NULL options differs from defaults");
        }
    g_ctx[0] = '\0';
}

static void test_ce_all_ignored_mean(void)
{
    int is64;
    for (is64 = 0; is64 < 2; is64++) {
        double x[6], g[6], l[1], w[3];
        int64_t lab[2] = {-100, -100};
        size_t k;
        logits_ce_options o;
        logits_status st;
        logits_ce_options_init(&o);
        o.has_ignore_index = 1;
        o.label_smoothing = 0.1;
        for (k = 0; k < 6; k++) put(is64, x, k, (ld)k - 2);
        for (k = 0; k < 3; k++) put(is64, w, k, 1.5L);
        memset(g, 0x77, sizeof g);
        memset(l, 0x77, sizeof l);
        set_ctx("%s", is64 ? "f64" : "f32");
        st = call_loss(K_LABELS, is64, x, lab, w, NULL, l, g, 2, 3, 1, &o);
        CHECK(st == LOGITS_OK, "status %d", (int)st);
        CHECK(get(is64, l, 0) == 0, "loss %Lg, expected 0", get(is64, l, 0));
        for (k = 0; k < 6; k++) CHECK(get(is64, g, k) == 0, "grad[%lu] %Lg", (unsigned long)k,
                                      get(is64, g, k));
        /* zero total class weight (D = 0): also 0 */
        lab[0] = 0;
        lab[1] = 0;
        put(is64, w, 0, 0);
        o.has_ignore_index = 0;
        o.label_smoothing = 0;
        st = call_loss(K_LABELS, is64, x, lab, w, NULL, l, g, 2, 3, 1, &o);
        CHECK(st == LOGITS_OK && get(is64, l, 0) == 0, "D=0: status %d loss %Lg", (int)st,
              get(is64, l, 0));
        for (k = 0; k < 6; k++) CHECK(get(is64, g, k) == 0, "D=0 grad[%lu]", (unsigned long)k);
    }
    g_ctx[0] = '\0';
}

static void test_ce_special_values(void)
{
    int is64;
    for (is64 = 0; is64 < 2; is64++) {
        double x[9], g[9], l[3], t[9];
        int64_t lab[3] = {1, 0, 2};
        size_t k;
        logits_ce_options o;
        logits_status st;
        ld l0 = logl(expl(1.0L) + expl(2.0L)) - 1.0L;
        logits_ce_options_init(&o);
        o.reduction = LOGITS_REDUCTION_NONE;
        set_ctx("%s", is64 ? "f64" : "f32");
        /* row 0: -inf on a class with zero target: finite.
         * row 1: -inf on the true class: +inf.  row 2: NaN: NaN. */
        put(is64, x, 0, -INFINITY); put(is64, x, 1, 1); put(is64, x, 2, 2);
        put(is64, x, 3, -INFINITY); put(is64, x, 4, 0.5L); put(is64, x, 5, 0.25L);
        put(is64, x, 6, 1); put(is64, x, 7, NAN); put(is64, x, 8, 3);
        st = call_loss(K_LABELS, is64, x, lab, NULL, NULL, l, g, 3, 3, 1, &o);
        CHECK(st == LOGITS_OK, "status %d", (int)st);
        CHECK_CLOSE(is64, get(is64, l, 0), l0, 10, "loss", 0);
        CHECK(get(is64, l, 1) == INFINITY, "loss[1] %Lg, expected +inf", get(is64, l, 1));
        CHECK(isnan(get(is64, l, 2)), "loss[2] %Lg, expected NaN", get(is64, l, 2));
        CHECK(get(is64, g, 0) == 0, "grad[0] %Lg", get(is64, g, 0));
        CHECK(isfinite(get(is64, g, 1)) && isfinite(get(is64, g, 2)), "row 0 grad not finite");
        for (k = 6; k < 9; k++) CHECK(isnan(get(is64, g, k)), "grad[%lu] not NaN", (unsigned long)k);
        /* the NaN row does not leak: rows 0..1 alone give the same values */
        {
            double l2[3], g2[9];
            st = call_loss(K_LABELS, is64, x, lab, NULL, NULL, l2, g2, 1, 3, 1, &o);
            CHECK(st == LOGITS_OK && memcmp(l2, l, esize(is64)) == 0 &&
                      memcmp(g2, g, 3 * esize(is64)) == 0, "row 0 alone differs");
        }
        /* soft: target 0 on the -inf class: finite */
        for (k = 0; k < 9; k++) put(is64, t, k, 0);
        put(is64, t, 1, 0.4L); put(is64, t, 2, 0.6L);
        put(is64, t, 4, 1); put(is64, t, 8, 1);
        st = call_loss(K_SOFT, is64, x, t, NULL, NULL, l, g, 3, 3, 1, &o);
        CHECK(st == LOGITS_OK, "soft status %d", (int)st);
        CHECK(isfinite(get(is64, l, 0)) && isfinite(get(is64, l, 1)), "soft losses %Lg %Lg",
              get(is64, l, 0), get(is64, l, 1));
        CHECK(isnan(get(is64, l, 2)), "soft NaN row loss %Lg", get(is64, l, 2));
        /* mean with a NaN row: NaN */
        o.reduction = LOGITS_REDUCTION_MEAN;
        st = call_loss(K_LABELS, is64, x, lab, NULL, NULL, l, NULL, 3, 3, 1, &o);
        CHECK(st == LOGITS_OK && isnan(get(is64, l, 0)), "mean with NaN row: %Lg", get(is64, l, 0));
    }
    g_ctx[0] = '\0';
}

static void test_bce_nan(void)
{
    double x[3] = {1.0, NAN, -2.0}, y[3] = {1, 0, 1}, l[3], g[3];
    logits_bce_options o;
    logits_bce_options_init(&o);
    o.reduction = LOGITS_REDUCTION_NONE;
    CHECK(logits_binary_cross_entropy_f64(x, y, NULL, NULL, l, g, 1, 3, &o) == LOGITS_OK, "status");
    CHECK(isfinite(l[0]) && isnan(l[1]) && isfinite(l[2]), "losses %g %g %g", l[0], l[1], l[2]);
    CHECK(isfinite(g[0]) && isnan(g[1]) && isfinite(g[2]), "grads %g %g %g", g[0], g[1], g[2]);
    o.reduction = LOGITS_REDUCTION_MEAN;
    CHECK(logits_binary_cross_entropy_f64(x, y, NULL, NULL, l, NULL, 1, 3, &o) == LOGITS_OK &&
              isnan(l[0]), "mean %g", l[0]);
}

/* ======================================================================== */
/* Errors: right status, every byte untouched                               */
/* ======================================================================== */

/* One arena holds every buffer so that one snapshot covers inputs and outputs
 * and overlapping pointers can be made inside it (also just before an
 * array). Layout (byte offsets; 6 values take at most 48 bytes):
 *   x 64, t 192 (labels: 2 int64), w 320, w2 448, loss 576, grad 704. */
#define ARENA 1024
static union {
    double d[ARENA / 8];
    int64_t i[ARENA / 8];
    unsigned char b[ARENA];
} A;
static unsigned char A_SNAP[ARENA];

typedef struct {
    int kind, is64;
    void *x, *t, *w, *w2, *loss, *grad;
    size_t a, b, c;
    logits_ce_options ce;
    logits_bce_options bce;
} ecall;

/* A valid call (2 x 3 problem, reduction NONE), every output canary-filled. */
static void ecall_init(ecall *e, int kind, int is64)
{
    size_t k;
    memset(A.b, 0xA5, ARENA);
    e->kind = kind;
    e->is64 = is64;
    e->x = A.b + 64;
    e->t = A.b + 192;
    e->w = A.b + 320;
    e->w2 = A.b + 448;
    e->loss = A.b + 576;
    e->grad = A.b + 704;
    e->a = 2;
    e->b = 3;
    e->c = 1;
    for (k = 0; k < 6; k++) {
        put(is64, e->x, k, kind == K_BINARY ? 0.25L * (ld)k - 0.5L : 0.1L + 0.05L * (ld)k);
        put(is64, e->w2, k, 1);
    }
    if (kind == K_LABELS) {
        ((int64_t *)e->t)[0] = 2;
        ((int64_t *)e->t)[1] = 0;
    } else {
        for (k = 0; k < 6; k++) put(is64, e->t, k, k % 2 ? 1 : 0.25L);
    }
    for (k = 0; k < 3; k++) put(is64, e->w, k, 1);
    logits_ce_options_init(&e->ce);
    logits_bce_options_init(&e->bce);
    e->ce.reduction = LOGITS_REDUCTION_NONE;
    e->bce.reduction = LOGITS_REDUCTION_NONE;
}

static logits_status ecall_run(ecall *e)
{
    return call_loss(e->kind, e->is64, e->x, e->t, e->w, e->kind == K_BINARY ? e->w2 : NULL,
                     e->loss, e->grad, e->a, e->b, e->c,
                     e->kind == K_BINARY ? (void *)&e->bce : (void *)&e->ce);
}

static void expect_error(ecall *e, logits_status want, int line, const char *what)
{
    logits_status st;
    size_t k;
    memcpy(A_SNAP, A.b, ARENA);
    st = ecall_run(e);
    g_checks++;
    if (st != want) {
        CHECK_AT(__FILE__, line, 0, "%s %s: %s: status %d, expected %d", KIND_NAME[e->kind],
                   e->is64 ? "f64" : "f32", what, (int)st, (int)want);
        return;
    }
    for (k = 0; k < ARENA; k++)
        if (A.b[k] != A_SNAP[k]) break;
    CHECK_AT(__FILE__, line, k == ARENA, "%s %s: %s: byte %lu written on error", KIND_NAME[e->kind],
               e->is64 ? "f64" : "f32", what, (unsigned long)k);
}

#define EXPECT(e, want, what) expect_error((e), (want), __LINE__, (what))

static void test_errors_baseline_ok(void)
{
    int kind, is64;
    ecall e;
    for (kind = 0; kind < 3; kind++)
        for (is64 = 0; is64 < 2; is64++) {
            logits_status st;
            ecall_init(&e, kind, is64);
            st = ecall_run(&e);
            CHECK(st == LOGITS_OK, "%s %s baseline status %d", KIND_NAME[kind],
                  is64 ? "f64" : "f32", (int)st);
        }
}

#define E_NULL LOGITS_ERROR_NULL_POINTER
#define E_INV LOGITS_ERROR_INVALID_ARGUMENT
#define E_OVF LOGITS_ERROR_SIZE_OVERFLOW
#define E_OVL LOGITS_ERROR_OVERLAP
#define E_LBL LOGITS_ERROR_LABEL_OUT_OF_RANGE

static void test_errors_common(void)
{
    int kind, is64;
    ecall e;
    for (kind = 0; kind < 3; kind++)
        for (is64 = 0; is64 < 2; is64++) {
            size_t es = esize(is64);
            int bin = kind == K_BINARY;
            /* NULL pointers with nonzero sizes */
            ecall_init(&e, kind, is64); e.x = NULL; EXPECT(&e, E_NULL, "input NULL");
            ecall_init(&e, kind, is64); e.t = NULL; EXPECT(&e, E_NULL, "target NULL");
            ecall_init(&e, kind, is64); e.loss = NULL; EXPECT(&e, E_NULL, "loss NULL");
            ecall_init(&e, kind, is64); e.loss = NULL; e.grad = NULL;
            EXPECT(&e, E_NULL, "loss and grad NULL");
            /* size overflow: products above PTRDIFF_MAX */
            ecall_init(&e, kind, is64); e.a = (size_t)PTRDIFF_MAX / 2 + 1;
            EXPECT(&e, E_OVF, "outer/rows too large");
            ecall_init(&e, kind, is64); e.a = 2; e.b = SIZE_MAX / 2 + 1;
            EXPECT(&e, E_OVF, "classes too large (product wraps)");
            ecall_init(&e, kind, is64); e.a = (size_t)1 << (sizeof(size_t) * 4);
            e.b = (size_t)1 << (sizeof(size_t) * 4); /* product wraps to 0 */
            EXPECT(&e, E_OVF, "product wraps to 0");
            ecall_init(&e, kind, is64); e.a = 1; e.b = (size_t)PTRDIFF_MAX / es + 1;
            EXPECT(&e, E_OVF, "byte count above PTRDIFF_MAX");
            if (!bin) {
                ecall_init(&e, kind, is64); e.c = SIZE_MAX / 4;
                EXPECT(&e, E_OVF, "inner too large");
            }
            /* enum values and flags out of range */
            ecall_init(&e, kind, is64); e.ce.reduction = 3; e.bce.reduction = 3;
            EXPECT(&e, E_INV, "reduction 3");
            ecall_init(&e, kind, is64); e.ce.reduction = -1; e.bce.reduction = -1;
            EXPECT(&e, E_INV, "reduction -1");
            ecall_init(&e, kind, is64); e.ce.from_logits = 2; e.bce.from_logits = 2;
            EXPECT(&e, E_INV, "from_logits 2");
            ecall_init(&e, kind, is64); e.ce.from_logits = -1; e.bce.from_logits = -1;
            EXPECT(&e, E_INV, "from_logits -1");
            if (bin) {
                ecall_init(&e, kind, is64); e.bce.has_alpha = 7; e.bce.alpha = 0.5;
                EXPECT(&e, E_INV, "has_alpha 7");
            } else {
                ecall_init(&e, kind, is64); e.ce.has_ignore_index = 7;
                EXPECT(&e, E_INV, "has_ignore_index 7");
            }
            /* struct_size */
            ecall_init(&e, kind, is64); e.ce.struct_size = 0; e.bce.struct_size = 0;
            EXPECT(&e, E_INV, "struct_size 0");
            ecall_init(&e, kind, is64);
            e.ce.struct_size = (uint32_t)sizeof(logits_ce_options) + 8;
            e.bce.struct_size = (uint32_t)sizeof(logits_bce_options) + 8;
            EXPECT(&e, E_INV, "struct_size sizeof+8");
            /* options out of range */
            ecall_init(&e, kind, is64); e.ce.label_smoothing = e.bce.label_smoothing = -0.1;
            EXPECT(&e, E_INV, "label_smoothing -0.1");
            ecall_init(&e, kind, is64); e.ce.label_smoothing = e.bce.label_smoothing = 1.5;
            EXPECT(&e, E_INV, "label_smoothing 1.5");
            ecall_init(&e, kind, is64); e.ce.label_smoothing = e.bce.label_smoothing = NAN;
            EXPECT(&e, E_INV, "label_smoothing NaN");
            ecall_init(&e, kind, is64); e.ce.from_logits = e.bce.from_logits = 0;
            e.ce.eps = e.bce.eps = 0.0;
            EXPECT(&e, E_INV, "eps 0");
            ecall_init(&e, kind, is64); e.ce.from_logits = e.bce.from_logits = 0;
            e.ce.eps = e.bce.eps = 0.5;
            EXPECT(&e, E_INV, "eps 0.5");
            ecall_init(&e, kind, is64); e.ce.from_logits = e.bce.from_logits = 0;
            e.ce.eps = e.bce.eps = NAN;
            EXPECT(&e, E_INV, "eps NaN");
            /* overlaps */
            ecall_init(&e, kind, is64); e.loss = (char *)e.x + es;
            EXPECT(&e, E_OVL, "loss overlaps input");
            ecall_init(&e, kind, is64); e.loss = e.x;
            EXPECT(&e, E_OVL, "loss == input (not an in-place output)");
            ecall_init(&e, kind, is64); e.grad = (char *)e.x + es;
            EXPECT(&e, E_OVL, "grad partially overlaps input");
            ecall_init(&e, kind, is64); e.grad = (char *)e.x - es;
            EXPECT(&e, E_OVL, "grad partially overlaps input (before)");
            ecall_init(&e, kind, is64); e.grad = (char *)e.t + (kind == K_LABELS ? 8 : es);
            EXPECT(&e, E_OVL, "grad overlaps target");
            ecall_init(&e, kind, is64); e.loss = e.t;
            EXPECT(&e, E_OVL, "loss overlaps target");
            ecall_init(&e, kind, is64); e.grad = (char *)e.w + es;
            EXPECT(&e, E_OVL, bin ? "grad overlaps pos_weight" : "grad overlaps class_weight");
            if (bin) {
                ecall_init(&e, kind, is64); e.loss = (char *)e.w2 + 2 * es;
                EXPECT(&e, E_OVL, "loss overlaps weight");
            }
            /* bad values */
            ecall_init(&e, kind, is64); put(is64, e.w, 1, -1);
            EXPECT(&e, E_INV, bin ? "negative pos_weight" : "negative class weight");
            ecall_init(&e, kind, is64); put(is64, e.w, 1, NAN);
            EXPECT(&e, E_INV, bin ? "NaN pos_weight" : "NaN class weight");
            ecall_init(&e, kind, is64); put(is64, e.w, 2, INFINITY);
            EXPECT(&e, E_INV, bin ? "inf pos_weight" : "inf class weight");
            ecall_init(&e, kind, is64); e.ce.from_logits = e.bce.from_logits = 0;
            put(is64, e.x, 4, -0.25L);
            EXPECT(&e, E_INV, "from_logits 0 with a negative input");
            ecall_init(&e, kind, is64); e.ce.from_logits = e.bce.from_logits = 0;
            put(is64, e.x, 3, NAN);
            EXPECT(&e, E_INV, "from_logits 0 with a NaN input");
            ecall_init(&e, kind, is64); e.ce.from_logits = e.bce.from_logits = 0;
            put(is64, e.x, 3, INFINITY);
            EXPECT(&e, E_INV, "from_logits 0 with an inf input");
        }
}

static void test_errors_categorical(void)
{
    int kind, is64;
    ecall e;
    for (kind = K_LABELS; kind <= K_SOFT; kind++)
        for (is64 = 0; is64 < 2; is64++) {
            ecall_init(&e, kind, is64); e.ce.temperature = 0;
            EXPECT(&e, E_INV, "temperature 0");
            ecall_init(&e, kind, is64); e.ce.temperature = -1;
            EXPECT(&e, E_INV, "temperature -1");
            ecall_init(&e, kind, is64); e.ce.temperature = INFINITY;
            EXPECT(&e, E_INV, "temperature inf");
            ecall_init(&e, kind, is64); e.ce.temperature = NAN;
            EXPECT(&e, E_INV, "temperature NaN");
            ecall_init(&e, kind, is64); e.ce.temperature = 2; e.ce.from_logits = 0;
            EXPECT(&e, E_INV, "temperature 2 with from_logits 0");
            ecall_init(&e, kind, is64); e.ce.from_logits = 0;
            put(is64, e.x, 3, 0); put(is64, e.x, 4, 0); put(is64, e.x, 5, 0);
            EXPECT(&e, E_INV, "probabilities of a sample sum to 0");
            ecall_init(&e, kind, is64); e.b = 0;
            EXPECT(&e, E_INV, "classes 0 with samples");
            ecall_init(&e, kind, is64); e.b = 0; e.c = 4;
            EXPECT(&e, E_INV, "classes 0 with samples (inner 4)");
            if (kind == K_SOFT) {
                ecall_init(&e, kind, is64); put(is64, e.t, 2, -0.5L);
                EXPECT(&e, E_INV, "negative soft target");
                ecall_init(&e, kind, is64); put(is64, e.t, 2, NAN);
                EXPECT(&e, E_INV, "NaN soft target");
                ecall_init(&e, kind, is64); put(is64, e.t, 2, INFINITY);
                EXPECT(&e, E_INV, "inf soft target");
            } else {
                int64_t *lab = e.t;
                ecall_init(&e, kind, is64); lab[1] = 3;
                EXPECT(&e, E_LBL, "label == classes");
                ecall_init(&e, kind, is64); lab[0] = -1;
                EXPECT(&e, E_LBL, "label -1");
                ecall_init(&e, kind, is64); lab[1] = -100;
                EXPECT(&e, E_LBL, "label -100 without has_ignore_index");
                ecall_init(&e, kind, is64); lab[1] = -100; e.ce.has_ignore_index = 1;
                e.ce.ignore_index = -5;
                EXPECT(&e, E_LBL, "label -100 with ignore_index -5");
                ecall_init(&e, kind, is64); lab[0] = INT64_MAX;
                EXPECT(&e, E_LBL, "label INT64_MAX");
                ecall_init(&e, kind, is64); lab[1] = INT64_MIN;
                EXPECT(&e, E_LBL, "label INT64_MIN");
                /* the seed TensorFlow example: labels 9, 99, 999 with 10 classes */
                ecall_init(&e, kind, is64);
                e.a = 3; e.b = 10; e.c = 1;
                {
                    size_t k;
                    for (k = 0; k < 30; k++) put(is64, e.x, k, (ld)(k % 7) - 3);
                    /* x: 30 values at 64..303; labels at 320; loss at 384; grad at
                     * 512..751; no class weights */
                    e.t = A.b + 320;
                    e.w = NULL;
                    e.loss = A.b + 384;
                    e.grad = A.b + 512;
                    ((int64_t *)e.t)[0] = 9;
                    ((int64_t *)e.t)[1] = 99;
                    ((int64_t *)e.t)[2] = 999;
                }
                EXPECT(&e, E_LBL, "labels 9, 99, 999 with 10 classes");
            }
        }
}

static void test_errors_binary(void)
{
    int is64;
    ecall e;
    for (is64 = 0; is64 < 2; is64++) {
        ecall_init(&e, K_BINARY, is64); put(is64, e.t, 1, 1.5L);
        EXPECT(&e, E_INV, "target 1.5");
        ecall_init(&e, K_BINARY, is64); put(is64, e.t, 1, -0.01L);
        EXPECT(&e, E_INV, "target -0.01");
        ecall_init(&e, K_BINARY, is64); put(is64, e.t, 1, NAN);
        EXPECT(&e, E_INV, "target NaN");
        ecall_init(&e, K_BINARY, is64); e.bce.from_logits = 0; put(is64, e.x, 5, 1.25L);
        EXPECT(&e, E_INV, "probability 1.25");
        ecall_init(&e, K_BINARY, is64); e.bce.gamma = -1;
        EXPECT(&e, E_INV, "gamma -1");
        ecall_init(&e, K_BINARY, is64); e.bce.gamma = NAN;
        EXPECT(&e, E_INV, "gamma NaN");
        ecall_init(&e, K_BINARY, is64); e.bce.gamma = INFINITY;
        EXPECT(&e, E_INV, "gamma inf");
        ecall_init(&e, K_BINARY, is64); e.bce.has_alpha = 1; e.bce.alpha = 1.5;
        EXPECT(&e, E_INV, "alpha 1.5");
        ecall_init(&e, K_BINARY, is64); e.bce.has_alpha = 1; e.bce.alpha = -0.5;
        EXPECT(&e, E_INV, "alpha -0.5");
        ecall_init(&e, K_BINARY, is64); e.bce.has_alpha = 1; e.bce.alpha = NAN;
        EXPECT(&e, E_INV, "alpha NaN");
        ecall_init(&e, K_BINARY, is64); put(is64, e.w2, 3, -1);
        EXPECT(&e, E_INV, "negative weight");
        ecall_init(&e, K_BINARY, is64); put(is64, e.w2, 3, NAN);
        EXPECT(&e, E_INV, "NaN weight");
    }
}

/* Zero-sized problems are a no-op returning OK; NULL is allowed then. */
static void test_zero_sized(void)
{
    int is64;
    for (is64 = 0; is64 < 2; is64++) {
        logits_ce_options o;
        logits_bce_options b;
        logits_ce_options_init(&o);
        logits_bce_options_init(&b);
        o.reduction = LOGITS_REDUCTION_NONE;
        b.reduction = LOGITS_REDUCTION_NONE;
        set_ctx("%s", is64 ? "f64" : "f32");
        CHECK(call_loss(K_LABELS, is64, NULL, NULL, NULL, NULL, NULL, NULL, 0, 3, 1, &o) ==
                  LOGITS_OK, "labels outer 0");
        CHECK(call_loss(K_SOFT, is64, NULL, NULL, NULL, NULL, NULL, NULL, 2, 3, 0, &o) ==
                  LOGITS_OK, "soft inner 0");
        CHECK(call_loss(K_BINARY, is64, NULL, NULL, NULL, NULL, NULL, NULL, 0, 5, 0, &b) ==
                  LOGITS_OK, "binary rows 0");
    }
    g_ctx[0] = '\0';
}

/* Temperatures across the whole valid range, down to the smallest subnormal
 * double (1/T then overflows a double): categorical cross-entropy from
 * labels and from one-hot soft targets, float32 and float64, on whichever
 * CPU copy runs (make test-cpu-levels runs every one), against a long
 * double reference. Where the exact loss or gradient lies beyond the type's
 * range the result is that infinity; never NaN. */
static void test_tiny_temperatures(void)
{
    static const double TS[] = {4.9406564584124654e-324, 1e-310, 1e-300, 1e-45, 1e-39,
                                1.2e-38, 1e-30, 1e-3, 1, 1e10, 1e300};
    const double xv[3] = {1, 2, 3};
    size_t ti;
    int is64, label, soft;
    for (ti = 0; ti < sizeof TS / sizeof TS[0]; ti++)
        for (is64 = 0; is64 < 2; is64++)
            for (soft = 0; soft < 2; soft++)
                for (label = 0; label < 3; label++) {
                    double xd[3], td[3], lossd[1], gd[3];
                    float xf[3], tf[3], lossf[1], gf[3];
                    int64_t lab[1];
                    logits_ce_options o;
                    logits_status st;
                    ld T = TS[ti], m = 3, sum = 0, got, ref;
                    int c;
                    lab[0] = label;
                    for (c = 0; c < 3; c++) {
                        xd[c] = xv[c];
                        xf[c] = (float)xv[c];
                        td[c] = c == label;
                        tf[c] = (float)td[c];
                        sum += expl(((ld)xv[c] - m) / T);
                    }
                    logits_ce_options_init(&o);
                    o.reduction = LOGITS_REDUCTION_NONE;
                    o.temperature = TS[ti];
                    set_ctx("%s %s T=%g label %d", is64 ? "f64" : "f32", soft ? "soft" : "labels",
                            TS[ti], label);
                    if (is64)
                        st = soft ? logits_cross_entropy_soft_f64(xd, td, NULL, lossd, gd, 1, 3, 1, &o)
                                  : logits_cross_entropy_labels_f64(xd, lab, NULL, lossd, gd, 1, 3, 1, &o);
                    else
                        st = soft ? logits_cross_entropy_soft_f32(xf, tf, NULL, lossf, gf, 1, 3, 1, &o)
                                  : logits_cross_entropy_labels_f32(xf, lab, NULL, lossf, gf, 1, 3, 1, &o);
                    CHECK(st == LOGITS_OK, "status %d", (int)st);
                    /* loss = (m - x_label)/T + log(sum exp((x - m)/T)) */
                    ref = (m - (ld)xv[label]) / T + logl(sum);
                    got = is64 ? (ld)lossd[0] : (ld)lossf[0];
                    CHECK(close_to(is64, got, is64 ? (ld)(double)ref : (ld)(float)ref, 0),
                          "loss %.17Lg, reference %.17Lg", got, ref);
                    for (c = 0; c < 3; c++) {
                        /* d loss / d x_c = (p_c - [c == label]) / T */
                        ld p = expl(((ld)xv[c] - m) / T) / sum;
                        ld g = (p - (c == label)) / T;
                        got = is64 ? (ld)gd[c] : (ld)gf[c];
                        CHECK(close_to(is64, got, is64 ? (ld)(double)g : (ld)(float)g, 0),
                              "gradient[%d] %.17Lg, reference %.17Lg", c, got, g);
                    }
                }
}

/* Binary cross-entropy, plain and focal (gamma 0, 0.5, 2), at x = +-inf,
 * +-max finite and 0: never NaN, a zero loss is +0 (not -0), and at +-inf
 * the gradient is the finite limit ((p - y) times the focal factor, which
 * is 1 or 0 for hard targets), as for the plain loss. */
static void test_bce_extremes(void)
{
    static const double GAMMAS[] = {0, 0.5, 2};
    int is64, gi, xi, yi;
    for (is64 = 0; is64 < 2; is64++)
        for (gi = 0; gi < 3; gi++)
            for (xi = 0; xi < 5; xi++)
                for (yi = 0; yi < 3; yi++) {
                    double maxv = is64 ? DBL_MAX : FLT_MAX;
                    double xs[5] = {INFINITY, -INFINITY, maxv, -maxv, 0};
                    double ys[3] = {0, 1, 0.3};
                    double xd[1] = {xs[xi]}, yd[1] = {ys[yi]}, ld_[1], gd[1];
                    float xf[1] = {(float)xs[xi]}, yf[1] = {(float)ys[yi]}, lf[1], gf[1];
                    double loss, grad;
                    logits_bce_options o;
                    logits_bce_options_init(&o);
                    o.reduction = LOGITS_REDUCTION_NONE;
                    o.gamma = GAMMAS[gi];
                    set_ctx("%s gamma %g x %g y %g", is64 ? "f64" : "f32", GAMMAS[gi], xs[xi], ys[yi]);
                    if (is64) {
                        CHECK(logits_binary_cross_entropy_f64(xd, yd, NULL, NULL, ld_, gd, 1, 1, &o) == LOGITS_OK, "status");
                        loss = ld_[0];
                        grad = gd[0];
                    } else {
                        CHECK(logits_binary_cross_entropy_f32(xf, yf, NULL, NULL, lf, gf, 1, 1, &o) == LOGITS_OK, "status");
                        loss = lf[0];
                        grad = gf[0];
                    }
                    CHECK(!isnan(loss) && !isnan(grad), "loss %g, gradient %g", loss, grad);
                    CHECK(loss >= 0 && !signbit(loss), "loss %g (a zero loss must be +0)", loss);
                    if (isinf(xs[xi]) && yi < 2) {
                        double want = xs[xi] > 0 ? (yi == 0 ? 1 : 0) : (yi == 0 ? 0 : -1);
                        CHECK(grad == want, "gradient %g, limit %g", grad, want);
                        CHECK(isinf(loss) == (want != 0) && (want != 0 || loss == 0), "loss %g", loss);
                    }
                }
}

/* Finite probabilities whose sum overflows a double are valid input (the
 * header): [1e308, 1e308, 0] gives the loss of [0.5, 0.5, 0], and the
 * gradient of the latter times sum_small / sum_big. */
static void test_probabilities_whose_sum_overflows(void)
{
    double big[3] = {1e308, 1e308, 0}, small[3] = {0.5, 0.5, 0};
    double lb[1], ls[1], gb[3], gs[3];
    int64_t lab[1] = {0};
    logits_ce_options o;
    int c;
    logits_ce_options_init(&o);
    o.from_logits = 0;
    o.reduction = LOGITS_REDUCTION_NONE;
    CHECK(logits_cross_entropy_labels_f64(big, lab, NULL, lb, gb, 1, 3, 1, &o) == LOGITS_OK,
          "refused: %s", logits_last_error_message());
    CHECK(logits_cross_entropy_labels_f64(small, lab, NULL, ls, gs, 1, 3, 1, &o) == LOGITS_OK, "small");
    CHECK(lb[0] == ls[0], "loss %.17g, expected %.17g", lb[0], ls[0]);
    for (c = 0; c < 3; c++)
        CHECK(close_to(1, gb[c], (ld)(gs[c] * 0.5 * 1e-308), 0), "gradient[%d] %g", c, gb[c]);
}

/* Every loss of abi/operations.h is reached by call_loss in both types. */
static void test_covers_the_operation_list(void)
{
    static char buf[6][64];
    static const char *names[6];
    int k, is64, n = 0;
    for (k = 0; k < 3; k++)
        for (is64 = 0; is64 < 2; is64++) {
            snprintf(buf[n], sizeof buf[n], "%s_%s", KIND_SYMBOL[k], is64 ? "f64" : "f32");
            names[n] = buf[n];
            n++;
        }
    /* float32 and float64; the 16-bit forms are test_half.c's */
    CHECK(list_missing_types("test_losses", names, (size_t)n, "CE_LABELS CE_SOFT BCE", "f32 f64") == 0,
          "losses of the list without a test (see stderr)");
}

int main(int argc, char **argv)
{
    harness_start(argc, argv);
    RUN(test_covers_the_operation_list);
    RUN(test_tiny_temperatures);
    RUN(test_bce_extremes);
    RUN(test_probabilities_whose_sum_overflows);

    RUN(test_options_init);
    RUN(test_ce_known_value);
    RUN(test_ce_labels_f32);
    RUN(test_ce_labels_f64);
    RUN(test_ce_soft_f32);
    RUN(test_ce_soft_f64);
    RUN(test_bce_f32);
    RUN(test_bce_f64);
    RUN(test_bce_extreme_logits);
    RUN(test_bce_known_values);
    RUN(test_null_options_are_defaults);
    RUN(test_ce_all_ignored_mean);
    RUN(test_ce_special_values);
    RUN(test_bce_nan);
    RUN(test_errors_baseline_ok);
    RUN(test_errors_common);
    RUN(test_errors_categorical);
    RUN(test_errors_binary);
    RUN(test_zero_sized);

    return harness_finish();
}
