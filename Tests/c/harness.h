/*
 * harness.h: the test harness shared by the C test programs (test_logits.c,
 * test_losses.c). A program is a list of cases; each case runs CHECKs.
 * Every failed check is printed on stderr (up to HARNESS_MAX_PRINTED per
 * case) with the case, the context set by set_ctx and the check's message;
 * harness_finish prints exactly one line "N passed, M failed" (cases) on
 * stdout and returns the exit status. -v prints every case.
 *
 *   static void test_x(void) { CHECK(1 + 1 == 2, "sum %d", 1 + 1); }
 *   int main(int argc, char **argv)
 *   { harness_start(argc, argv); RUN(test_x); return harness_finish(); }
 */
#ifndef LOGITS_TEST_HARNESS_H
#define LOGITS_TEST_HARNESS_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef long double ld;

#ifndef HARNESS_MAX_PRINTED
#define HARNESS_MAX_PRINTED 12
#endif

static const char *g_case = "";
static char g_ctx[400];
static long g_case_failures;
static long g_checks;
static int g_passed, g_failed, g_verbose;
static ld g_worst_ratio; /* largest |got - ref| / tol seen in the case (shown by -v), if tracked */

/* The context printed with every failure until the next set_ctx. */
static inline void set_ctx(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_ctx, sizeof g_ctx, fmt, ap);
    va_end(ap);
}

static inline int check_impl(int ok, const char *file, int line, const char *fmt, ...)
{
    va_list ap;
    g_checks++;
    if (ok) return 1;
    g_case_failures++;
    if (g_case_failures <= HARNESS_MAX_PRINTED) {
        fprintf(stderr, "%s:%d: FAIL [%s] %s%s", file, line, g_case, g_ctx, g_ctx[0] ? ": " : "");
        va_start(ap, fmt);
        vfprintf(stderr, fmt, ap);
        va_end(ap);
        fputc('\n', stderr);
    }
    return 0;
}
#define CHECK(ok, ...) check_impl((ok), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_AT(file, line, ok, ...) check_impl((ok), (file), (line), __VA_ARGS__)

static inline void run_case(const char *name, void (*fn)(void))
{
    long before = g_checks;
    g_case = name;
    g_case_failures = 0;
    g_worst_ratio = 0;
    g_ctx[0] = '\0';
    fn();
    if (g_case_failures) {
        g_failed++;
        fprintf(stderr, "FAILED %s: %ld of %ld checks failed\n", name, g_case_failures,
                g_checks - before);
    } else {
        g_passed++;
    }
    if (g_verbose) {
        printf("%-4s %-48s %8ld checks", g_case_failures ? "FAIL" : "ok", name, g_checks - before);
        if (g_worst_ratio > 0) printf(", worst |err|/tol %.3Lf", g_worst_ratio);
        putchar('\n');
    }
}
#define RUN(fn) run_case(#fn, fn)

static inline void harness_start(int argc, char **argv)
{
    int i;
    for (i = 1; i < argc; i++)
        if (strcmp(argv[i], "-v") == 0) g_verbose = 1;
}

static inline int harness_finish(void)
{
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed ? 1 : 0;
}

/* malloc that exits (status 2) when memory runs out; never NULL. */
static inline void *xmalloc(size_t bytes)
{
    void *p = malloc(bytes ? bytes : 1);
    if (!p) {
        fprintf(stderr, "out of memory\n");
        exit(2);
    }
    return p;
}

#endif
