/*
 * test_guard_pages.c: no entry point reads or writes outside the buffers it
 * is given, byte-exactly: every input and output is placed flush against an
 * inaccessible page (PROT_NONE), once ending at it and once starting right
 * after it, so any access past either end is a SIGSEGV. This covers the
 * vector kernels' tails and masked loads/stores (rows of every length around
 * the lane width, short-row groups of 1..17 rows, in place), float32 and
 * float64, with every CPU kernel copy (`make test-cpu-levels` runs it with
 * LOGITS_CPU=baseline / x86-64-v3 / x86-64-v4).
 *
 * Build and run (after `make lib`):
 *   cc -std=c99 -Wall -Wextra -Werror -pedantic -Iinclude Tests/c/test_guard_pages.c \
 *      -Lbuild/lib -llogits -lm -Wl,-rpath,"$PWD/build/lib" -o build/test_guard_pages
 *   ./build/test_guard_pages
 *
 * Prints failed checks on stderr and one line "N passed, M failed" (N, M
 * count test cases) on stdout; exits non-zero if any case failed.
 */
#define _DEFAULT_SOURCE
#include "logits.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static int g_failed_checks;

#define CHECK(ok, ...) do { if (!(ok)) { fprintf(stderr, "%s:%d: ", __FILE__, __LINE__); \
    fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); g_failed_checks++; } } while (0)

/* A region of `bytes` bytes with an inaccessible page right after it (at_end)
 * or right before it (!at_end). */
typedef struct { unsigned char *map; size_t map_len; void *data; } guarded;

static guarded guard_alloc(size_t bytes, int at_end)
{
    guarded g = {NULL, 0, NULL};
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    size_t data_pages = (bytes + page - 1) / page;
    if (data_pages == 0) data_pages = 1;
    g.map_len = (data_pages + 2) * page;
    void *m = mmap(NULL, g.map_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED) { perror("mmap"); exit(2); }
    g.map = (unsigned char *)m;
    /* [guard][data pages][guard] */
    if (mprotect(g.map, page, PROT_NONE) != 0 ||
        mprotect(g.map + (data_pages + 1) * page, page, PROT_NONE) != 0) { perror("mprotect"); exit(2); }
    g.data = at_end ? (void *)(g.map + (data_pages + 1) * page - bytes) : (void *)(g.map + page);
    return g;
}

static void guard_free(guarded g) { munmap(g.map, g.map_len); }

static const size_t LENGTHS[] = {1, 2, 3, 5, 7, 8, 9, 10, 15, 16, 17, 23, 24, 25, 31, 32, 33, 40, 63, 64, 65};
static const size_t ROWS[] = {1, 2, 3, 7, 8, 9, 16, 17};
#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static double value(size_t i) { return (double)((i * 7919u) % 211u) * 0.05 - 5.0; }

/* Softmax family, float32, rows x n, out of place and in place. */
static void softmax_family_f32(int at_end)
{
    size_t a, b;
    for (a = 0; a < COUNT(LENGTHS); a++)
        for (b = 0; b < COUNT(ROWS); b++) {
            size_t n = LENGTHS[a], rows = ROWS[b], count = n * rows, i, r;
            guarded gx = guard_alloc(count * sizeof(float), at_end);
            guarded gy = guard_alloc(count * sizeof(float), at_end);
            guarded gl = guard_alloc(rows * sizeof(float), at_end);
            float *x = (float *)gx.data, *y = (float *)gy.data, *l = (float *)gl.data;
            for (i = 0; i < count; i++) x[i] = (float)value(i);
            CHECK(logits_softmax_f32(x, y, rows, n) == LOGITS_OK, "softmax f32 %zux%zu", rows, n);
            for (r = 0; r < rows; r++) {
                double s = 0;
                for (i = 0; i < n; i++) s += y[r * n + i];
                CHECK(fabs(s - 1) < 1e-5, "softmax f32 %zux%zu row %zu sums to %g", rows, n, r, s);
            }
            CHECK(logits_log_softmax_f32(x, y, rows, n) == LOGITS_OK, "log_softmax f32 %zux%zu", rows, n);
            CHECK(logits_logsumexp_f32(x, l, rows, n) == LOGITS_OK, "logsumexp f32 %zux%zu", rows, n);
            for (r = 0; r < rows; r++)
                CHECK(fabsf(y[r * n] - (x[r * n] - l[r])) <= 1e-5f * (1 + fabsf(l[r])),
                      "log_softmax vs logsumexp f32 %zux%zu row %zu", rows, n, r);
            CHECK(logits_softmax_f32(x, x, rows, n) == LOGITS_OK, "softmax f32 in place %zux%zu", rows, n);
            guard_free(gx); guard_free(gy); guard_free(gl);
        }
}

static void softmax_family_f64(int at_end)
{
    size_t a, b;
    for (a = 0; a < COUNT(LENGTHS); a++)
        for (b = 0; b < COUNT(ROWS); b++) {
            size_t n = LENGTHS[a], rows = ROWS[b], count = n * rows, i, r;
            guarded gx = guard_alloc(count * sizeof(double), at_end);
            guarded gy = guard_alloc(count * sizeof(double), at_end);
            guarded gl = guard_alloc(rows * sizeof(double), at_end);
            double *x = (double *)gx.data, *y = (double *)gy.data, *l = (double *)gl.data;
            for (i = 0; i < count; i++) x[i] = value(i);
            CHECK(logits_softmax_f64(x, y, rows, n) == LOGITS_OK, "softmax f64 %zux%zu", rows, n);
            for (r = 0; r < rows; r++) {
                double s = 0;
                for (i = 0; i < n; i++) s += y[r * n + i];
                CHECK(fabs(s - 1) < 1e-12, "softmax f64 %zux%zu row %zu sums to %g", rows, n, r, s);
            }
            CHECK(logits_log_softmax_f64(x, y, rows, n) == LOGITS_OK, "log_softmax f64 %zux%zu", rows, n);
            CHECK(logits_logsumexp_f64(x, l, rows, n) == LOGITS_OK, "logsumexp f64 %zux%zu", rows, n);
            for (r = 0; r < rows; r++)
                CHECK(fabs(y[r * n] - (x[r * n] - l[r])) <= 1e-12 * (1 + fabs(l[r])),
                      "log_softmax vs logsumexp f64 %zux%zu row %zu", rows, n, r);
            CHECK(logits_log_softmax_f64(x, x, rows, n) == LOGITS_OK, "log_softmax f64 in place %zux%zu", rows, n);
            guard_free(gx); guard_free(gy); guard_free(gl);
        }
}

/* Elementwise functions and the integer-label cross-entropy with gradient. */
static void elementwise_and_losses(int at_end)
{
    size_t count, a, b;
    for (count = 1; count <= 70; count++) {
        guarded gx = guard_alloc(count * sizeof(float), at_end);
        guarded gy = guard_alloc(count * sizeof(float), at_end);
        float *x = (float *)gx.data, *y = (float *)gy.data;
        size_t i;
        for (i = 0; i < count; i++) x[i] = (float)value(i);
        CHECK(logits_sigmoid_f32(x, y, count) == LOGITS_OK, "sigmoid f32 %zu", count);
        for (i = 0; i < count; i++)
            CHECK(fabsf(y[i] - 1 / (1 + expf(-x[i]))) < 1e-6f, "sigmoid f32 %zu [%zu]", count, i);
        CHECK(logits_sigmoid_backward_f32(y, x, y, count) == LOGITS_OK, "sigmoid backward f32 %zu", count);
        guard_free(gx); guard_free(gy);
    }
    for (a = 0; a < COUNT(LENGTHS); a++)
        for (b = 0; b < COUNT(ROWS); b++) {
            size_t n = LENGTHS[a], rows = ROWS[b], count = n * rows, i;
            guarded gx = guard_alloc(count * sizeof(float), at_end);
            guarded gg = guard_alloc(count * sizeof(float), at_end);
            guarded glab = guard_alloc(rows * sizeof(int64_t), at_end);
            guarded gloss = guard_alloc(sizeof(float), at_end);
            float *x = (float *)gx.data, *g = (float *)gg.data, *loss = (float *)gloss.data;
            int64_t *labels = (int64_t *)glab.data;
            logits_ce_options options;
            logits_ce_options_init(&options);
            for (i = 0; i < count; i++) x[i] = (float)value(i);
            for (i = 0; i < rows; i++) labels[i] = (int64_t)((i * 5) % n);
            CHECK(logits_cross_entropy_labels_f32(x, labels, NULL, loss, g, rows, n, 1, &options) == LOGITS_OK,
                  "cross-entropy f32 %zux%zu", rows, n);
            CHECK(isfinite(*loss) && *loss >= 0, "cross-entropy f32 %zux%zu loss %g", rows, n, (double)*loss);
            CHECK(logits_cross_entropy_labels_f32(x, labels, NULL, loss, x, rows, n, 1, &options) == LOGITS_OK,
                  "cross-entropy f32 gradient in place %zux%zu", rows, n);
            guard_free(gx); guard_free(gg); guard_free(glab); guard_free(gloss);
        }
}

int main(void)
{
    int passed = 0, failed = 0, at_end;
    void (*cases[])(int) = {softmax_family_f32, softmax_family_f64, elementwise_and_losses};
    const char *names[] = {"softmax_family_f32", "softmax_family_f64", "elementwise_and_losses"};
    size_t c;
    for (c = 0; c < COUNT(cases); c++)
        for (at_end = 0; at_end <= 1; at_end++) {
            int before = g_failed_checks;
            cases[c](at_end);
            if (g_failed_checks == before) passed++;
            else { failed++; fprintf(stderr, "FAILED: %s (%s a guard page)\n", names[c], at_end ? "ending at" : "starting after"); }
        }
    printf("%d passed, %d failed\n", passed, failed);
    return failed != 0;
}
