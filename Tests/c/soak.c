/*
 * soak.c: a long run under load (make soak; make test runs it for 5 s).
 * 8 threads make random calls for SOAK_SECONDS: every operation family,
 * both types, random shapes up to 10^6 elements, random temperatures and
 * loss options; 1 call in 10 has a bad argument. Each good call is made
 * twice and the two results must be identical (they may run on different
 * numbers of the library's threads); each bad call must return its error
 * and write nothing. Resident memory, measured after the first fifth of the
 * run (at most 10 s), must grow by less than 1 MiB.
 *
 * Usage: soak [seconds]   Prints calls, mismatches, refusals and RSS growth,
 * then "N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L

#include "logits.h"

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NTHREADS 8
#define MAXN 1000000

static double g_seconds = 60;
static double g_start;

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static long rss_kib(void)
{
    long pages = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return -1;
    if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = -1;
    fclose(f);
    return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

typedef struct {
    uint64_t rng;
    long calls, mismatches, refusals, wrong_refusals;
    double *x, *t, *a, *b; /* inputs (as doubles; float calls use the first half as floats) */
    unsigned char *out1, *out2;
    int64_t *labels;
} worker_t;

static uint64_t next(worker_t *w)
{
    w->rng ^= w->rng << 13;
    w->rng ^= w->rng >> 7;
    w->rng ^= w->rng << 17;
    return w->rng;
}
static double unit(worker_t *w) { return (double)(next(w) >> 11) / 9007199254740992.0; }
static size_t below(worker_t *w, size_t n) { return (size_t)(next(w) % n); }

/* One call of family f on the worker's buffers into out; returns the status
 * and the number of output bytes in *bytes. bad: make one argument bad. */
static logits_status call(worker_t *w, int f, int is64, size_t r, size_t c, size_t inner, double T,
                          double smoothing, int bad, unsigned char *out, size_t *bytes)
{
    size_t n = r * c * inner, es = is64 ? 8 : 4;
    const void *x = w->x, *t = w->t;
    float Tf = (float)T;
    logits_ce_options ce;
    logits_bce_options bce;
    logits_ce_options_init(&ce);
    logits_bce_options_init(&bce);
    if (bad) T = Tf = -1;
    *bytes = n * es;
    switch (f) {
    case 0: return is64 ? logits_softmax_axis_f64(x, (double *)out, r, c, inner, T, LOGITS_PRECISION_DEFAULT)
                        : logits_softmax_axis_f32(x, (float *)out, r, c, inner, Tf, LOGITS_PRECISION_DEFAULT);
    case 1: return is64 ? logits_log_softmax_axis_f64(x, (double *)out, r, c, inner, T, LOGITS_PRECISION_DEFAULT)
                        : logits_log_softmax_axis_f32(x, (float *)out, r, c, inner, Tf, LOGITS_PRECISION_DEFAULT);
    case 2: *bytes = r * inner * es;
            return is64 ? logits_logsumexp_axis_f64(x, (double *)out, r, c, inner, T, LOGITS_PRECISION_DEFAULT)
                        : logits_logsumexp_axis_f32(x, (float *)out, r, c, inner, Tf, LOGITS_PRECISION_DEFAULT);
    case 3: return is64 ? logits_softmax_backward_axis_f64(w->a, w->b, (double *)out, r, c, inner, T, LOGITS_PRECISION_DEFAULT)
                        : logits_softmax_backward_axis_f32((float *)w->a, (float *)w->b, (float *)out, r, c, inner, Tf, LOGITS_PRECISION_DEFAULT);
    case 4: return is64 ? logits_log_softmax_backward_f64(w->a, w->b, bad ? NULL : (double *)out, r * inner, c)
                        : logits_log_softmax_backward_f32((float *)w->a, (float *)w->b, bad ? NULL : (float *)out, r * inner, c);
    case 5: return bad ? logits_sigmoid_f32(NULL, (float *)out, n)
                       : is64 ? logits_sigmoid_f64(x, (double *)out, n) : logits_sigmoid_f32(x, (float *)out, n);
    case 6: return bad ? logits_softplus_f64(x, NULL, n)
                       : is64 ? logits_softplus_f64(x, (double *)out, n) : logits_softplus_f32(x, (float *)out, n);
    case 7: return is64 ? logits_log_sigmoid_backward_f64(w->a, w->b, (double *)out, bad ? (size_t)-1 : n)
                        : logits_log_sigmoid_backward_f32((float *)w->a, (float *)w->b, (float *)out, bad ? (size_t)-1 : n);
    case 8: /* cross-entropy with labels, loss per sample + gradient */
        ce.reduction = LOGITS_REDUCTION_NONE;
        ce.label_smoothing = smoothing;
        ce.temperature = bad ? 0 : T;
        *bytes = (r * inner + n) * es;
        return is64 ? logits_cross_entropy_labels_f64(x, w->labels, NULL, (double *)out, (double *)out + r * inner, r, c, inner, &ce)
                    : logits_cross_entropy_labels_f32(x, w->labels, NULL, (float *)out, (float *)out + r * inner, r, c, inner, &ce);
    default: /* binary cross-entropy, focal */
        bce.reduction = LOGITS_REDUCTION_MEAN;
        bce.gamma = bad ? -1 : 2;
        *bytes = (1 + n) * es;
        return is64 ? logits_binary_cross_entropy_f64(x, t, NULL, NULL, (double *)out, (double *)out + 1, r * inner, c, &bce)
                    : logits_binary_cross_entropy_f32(x, t, NULL, NULL, (float *)out, (float *)out + 1, r * inner, c, &bce);
    }
}

static void fill(worker_t *w, int is64, size_t n, size_t classes)
{
    size_t i;
    for (i = 0; i < n; i++) {
        double v = unit(w) * 40 - 20, p = unit(w), d = unit(w) * 2 - 1, ly = -unit(w) * 5;
        if (is64) {
            w->x[i] = v; w->t[i] = p; w->a[i] = ly; w->b[i] = d;
        } else {
            ((float *)w->x)[i] = (float)v; ((float *)w->t)[i] = (float)p;
            ((float *)w->a)[i] = (float)ly; ((float *)w->b)[i] = (float)d;
        }
    }
    for (i = 0; i < n / (classes ? classes : 1) + 1 && i < MAXN; i++)
        w->labels[i] = (int64_t)below(w, classes ? classes : 1);
}

static void *work(void *arg)
{
    worker_t *w = arg;
    while (now() - g_start < g_seconds) {
        int f = (int)below(w, 10), is64 = (int)below(w, 2), bad = below(w, 10) == 0;
        size_t c = 1 + below(w, unit(w) < 0.3 ? 5000 : 60), inner = unit(w) < 0.2 ? 1 + below(w, 4) : 1;
        size_t r = 1 + below(w, MAXN / (c * inner));
        double T = unit(w) < 0.5 ? 1 : 0.1 + unit(w) * 3, smoothing = unit(w) < 0.5 ? 0 : 0.1;
        size_t bytes1, bytes2;
        logits_status s1, s2;
        if (r * c * inner > MAXN) r = MAXN / (c * inner);
        if (f == 8 && inner > 1) inner = 1;
        fill(w, is64, r * c * inner, c);
        memset(w->out1, 0xA5, 16);
        s1 = call(w, f, is64, r, c, inner, T, smoothing, bad, w->out1, &bytes1);
        w->calls++;
        if (bad) {
            size_t k;
            int untouched = 1;
            for (k = 0; k < 16; k++) untouched &= w->out1[k] == 0xA5;
            if (s1 != LOGITS_OK && untouched) w->refusals++;
            else w->wrong_refusals++;
            continue;
        }
        s2 = call(w, f, is64, r, c, inner, T, smoothing, 0, w->out2, &bytes2);
        w->calls++;
        if (s1 != LOGITS_OK || s2 != LOGITS_OK || memcmp(w->out1, w->out2, bytes1) != 0) {
            if (w->mismatches < 3)
                fprintf(stderr, "soak: family %d %s %zux%zux%zu T=%g: status %d/%d, results %s\n", f,
                        is64 ? "f64" : "f32", r, c, inner, T, (int)s1, (int)s2,
                        memcmp(w->out1, w->out2, bytes1) ? "differ" : "equal");
            w->mismatches++;
        }
    }
    return NULL;
}

int main(int argc, char **argv)
{
    static worker_t w[NTHREADS];
    pthread_t t[NTHREADS];
    long calls = 0, mismatches = 0, refusals = 0, wrong = 0, rss0 = -1, rss1;
    int i, passed = 0, failed = 0;
    double settle;
    if (argc > 1) g_seconds = atof(argv[1]);
    settle = g_seconds / 5 < 10 ? g_seconds / 5 : 10;
    for (i = 0; i < NTHREADS; i++) {
        w[i].rng = 0x9E3779B97F4A7C15ull * (uint64_t)(i + 1);
        w[i].x = malloc(MAXN * 8); w[i].t = malloc(MAXN * 8);
        w[i].a = malloc(MAXN * 8); w[i].b = malloc(MAXN * 8);
        w[i].out1 = malloc(2 * MAXN * 8 + 64); w[i].out2 = malloc(2 * MAXN * 8 + 64);
        w[i].labels = malloc((MAXN + 1) * sizeof(int64_t));
        if (!w[i].x || !w[i].t || !w[i].a || !w[i].b || !w[i].out1 || !w[i].out2 || !w[i].labels) {
            printf("soak: out of memory\n0 passed, 1 failed\n");
            return 1;
        }
        /* Touch every page now, so that resident memory measures the library. */
        memset(w[i].x, 0, MAXN * 8); memset(w[i].t, 0, MAXN * 8);
        memset(w[i].a, 0, MAXN * 8); memset(w[i].b, 0, MAXN * 8);
        memset(w[i].out1, 0, 2 * MAXN * 8 + 64); memset(w[i].out2, 0, 2 * MAXN * 8 + 64);
        memset(w[i].labels, 0, (MAXN + 1) * sizeof(int64_t));
    }
    g_start = now();
    for (i = 0; i < NTHREADS; i++) pthread_create(&t[i], NULL, work, &w[i]);
    while (now() - g_start < settle) {
        struct timespec pause = {0, 10000000};
        nanosleep(&pause, NULL);
    }
    rss0 = rss_kib();
    for (i = 0; i < NTHREADS; i++) pthread_join(t[i], NULL);
    rss1 = rss_kib();
    for (i = 0; i < NTHREADS; i++) {
        calls += w[i].calls; mismatches += w[i].mismatches;
        refusals += w[i].refusals; wrong += w[i].wrong_refusals;
    }
    printf("soak: %.0f s, %d threads, %ld calls, %ld mismatches, %ld bad inputs refused"
           " (%ld not), RSS %ld -> %ld KiB after the first %.0f s (%+ld KiB)\n",
           g_seconds, NTHREADS, calls, mismatches, refusals, wrong, rss0, rss1, settle, rss1 - rss0);
    if (mismatches == 0) passed++; else failed++;
    if (wrong == 0 && refusals > 0) passed++; else failed++;
    if (rss0 >= 0 && rss1 - rss0 < 1024) passed++; else failed++;
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
