/*
 * test_host_faults.c: what a real host process does to a library, and what
 * the header promises for it.
 *
 *   fork       A parent with two threads looping threaded calls forks 500
 *              children; every child makes a threaded call, compares it with
 *              the serial result and exits. All must finish within 30 s (a
 *              pool mutex copied locked into a child would hang it).
 *   lowering   After 64 threads ran a call, logits_set_num_threads(2): later
 *              calls run on at most 2 threads (counted per thread through
 *              /proc/self/task/<tid>/schedstat run time).
 *   unload     dlopen, a threaded call, dlclose, a pause: 20 times, and with
 *              a second copy of the library loaded from another path. The
 *              library is linked -z nodelete, so its worker threads never
 *              run unmapped code.
 *
 * Prints "N passed, M failed" (cases); exits non-zero on failure.
 */
#define _GNU_SOURCE

#include "logits.h"
#include "harness.h"

#include <dirent.h>
#include <dlfcn.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define ROWS 64
#define COLS 8192 /* 2^19 elements: above the split threshold */
#define N (ROWS * COLS)

static float g_x[N], g_serial[N];

static void make_input(void)
{
    size_t i;
    uint32_t s = 12345;
    for (i = 0; i < N; i++) {
        s = s * 1664525u + 1013904223u;
        g_x[i] = (float)((double)(s >> 8) / 16777216.0 * 20.0 - 10.0);
    }
    logits_set_num_threads(1);
    if (logits_softmax_f32(g_x, g_serial, ROWS, COLS) != LOGITS_OK) exit(2);
}

/* A threaded call equal to the serial one: 0, else 1. */
static int threaded_call_matches(float *y)
{
    return logits_softmax_f32(g_x, y, ROWS, COLS) == LOGITS_OK
        && memcmp(y, g_serial, sizeof g_serial) == 0 ? 0 : 1;
}

/* ------------------------------------------------------------------------ */

static volatile int g_stop;

static void *busy_caller(void *arg)
{
    float *y = xmalloc(sizeof g_serial);
    long *bad = arg;
    while (!g_stop) *bad += threaded_call_matches(y);
    free(y);
    return NULL;
}

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void test_fork_while_calling(void)
{
    enum { CHILDREN = 500 };
    pthread_t t[2];
    long bad[2] = {0, 0};
    int i, finished = 0, failed = 0, hung = 0;
    double start = now();
    static pid_t pids[CHILDREN];
    float *y = xmalloc(sizeof g_serial);

    logits_set_num_threads(2);
    for (i = 0; i < 2; i++) pthread_create(&t[i], NULL, busy_caller, &bad[i]);
    for (i = 0; i < CHILDREN; i++) {
        pids[i] = fork();
        if (pids[i] == 0) {
            /* The child: one threaded call, checked; then out (no atexit). */
            _exit(threaded_call_matches(y) ? 3 : 0);
        }
        CHECK(pids[i] > 0, "fork %d failed", i);
    }
    /* Reap them all within 30 s. */
    while (finished + failed < CHILDREN && now() - start < 30) {
        int status;
        pid_t p = waitpid(-1, &status, WNOHANG);
        if (p > 0) {
            if (WIFEXITED(status) && WEXITSTATUS(status) == 0) finished++;
            else failed++;
        } else {
            usleep(1000);
        }
    }
    for (i = 0; i < CHILDREN; i++)
        if (pids[i] > 0 && waitpid(pids[i], NULL, WNOHANG) == 0) {
            kill(pids[i], SIGKILL);
            waitpid(pids[i], NULL, 0);
            hung++;
        }
    g_stop = 1;
    for (i = 0; i < 2; i++) pthread_join(t[i], NULL);
    g_stop = 0;
    free(y);
    if (g_verbose)
        printf("     fork: %d children finished, %d failed, %d hung, in %.1f s\n", finished, failed,
               hung, now() - start);
    CHECK(finished == CHILDREN && failed == 0 && hung == 0,
          "%d of %d children finished (%d failed, %d hung after 30 s)", finished, CHILDREN, failed, hung);
    CHECK(bad[0] == 0 && bad[1] == 0, "parent threads: %ld and %ld mismatches", bad[0], bad[1]);
}

/* ------------------------------------------------------------------------ */

#define MAX_TASKS 256

/* Each thread's id and total run time (ns) from /proc/self/task/<tid>/schedstat. */
static int task_times(long ids[MAX_TASKS], unsigned long long ns[MAX_TASKS])
{
    DIR *d = opendir("/proc/self/task");
    struct dirent *e;
    int n = 0;
    if (!d) return -1;
    while ((e = readdir(d)) != NULL && n < MAX_TASKS) {
        char path[300];
        FILE *f;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "/proc/self/task/%s/schedstat", e->d_name);
        f = fopen(path, "r");
        if (!f) continue;
        if (fscanf(f, "%llu", &ns[n]) == 1) ids[n++] = atol(e->d_name);
        fclose(f);
    }
    closedir(d);
    return n;
}

static void test_lowering_the_thread_count(void)
{
    /* 2^23 elements: 64 parts per call, so every worker could take some. */
    enum { BR = 1024, BC = 8192 };
    static long ids0[MAX_TASKS], ids1[MAX_TASKS];
    static unsigned long long t0[MAX_TASKS], t1[MAX_TASKS];
    float *x = xmalloc(sizeof(float) * BR * BC), *y = xmalloc(sizeof(float) * BR * BC);
    int n0, n1, i, j, k, ran = 0;

    for (i = 0; i < BR * BC; i++) x[i] = (float)(i % 97) * 0.1f;
    logits_set_num_threads(64);
    CHECK(logits_softmax_f32(x, y, BR, BC) == LOGITS_OK, "64 threads");
    logits_set_num_threads(2);
    CHECK(logits_get_num_threads() <= 2, "get_num_threads %zu after set 2", logits_get_num_threads());
    n0 = task_times(ids0, t0);
    if (n0 < 0) {
        if (g_verbose) printf("     lowering: no /proc/self/task here; skipped\n");
        free(x);
        free(y);
        return;
    }
    for (k = 0; k < 10; k++) CHECK(logits_softmax_f32(x, y, BR, BC) == LOGITS_OK, "2 threads");
    n1 = task_times(ids1, t1);
    /* Threads that ran more than 1 ms of the 10 calls (~50 ms of work; a
     * woken worker that goes back to sleep costs microseconds). */
    for (i = 0; i < n1; i++)
        for (j = 0; j < n0; j++)
            if (ids1[i] == ids0[j] && t1[i] - t0[j] > 1000000ull) ran++;
    if (g_verbose) printf("     lowering: %d of %d threads ran the 10 calls after set_num_threads(2)\n", ran, n1);
    CHECK(ran <= 2, "%d threads ran parts after logits_set_num_threads(2)", ran);
    logits_set_num_threads(0);
    free(x);
    free(y);
}

/* ------------------------------------------------------------------------ */

typedef logits_status (*softmax_fn)(const float *, float *, size_t, size_t);
typedef logits_status (*threads_fn)(size_t);

static int call_through(void *h, float *y)
{
    softmax_fn f;
    threads_fn set;
    *(void **)(&f) = dlsym(h, "logits_softmax_f32");
    *(void **)(&set) = dlsym(h, "logits_set_num_threads");
    if (!f || !set) return 1;
    set(8); /* several workers, some still returning from their last part at dlclose */
    return f(g_x, y, ROWS, COLS) == LOGITS_OK && memcmp(y, g_serial, sizeof g_serial) == 0 ? 0 : 1;
}

/* A copy of the library at a fresh path (so that dlopen loads it anew:
 * this program is itself linked against the original). */
static int copy_library(const char *from, char *to)
{
    int fd = mkstemp(to), ok = fd >= 0;
    FILE *in = ok ? fopen(from, "rb") : NULL;
    char buf[65536];
    size_t n;
    ok = ok && in;
    while (ok && (n = fread(buf, 1, sizeof buf, in)) > 0) ok = write(fd, buf, n) == (ssize_t)n;
    if (in) fclose(in);
    if (fd >= 0) close(fd);
    return ok;
}

static void test_unload(void)
{
    const char *path = getenv("LOGITS_TEST_LIBRARY");
    char a_path[] = "/tmp/liblogits-a-XXXXXX", b_path[] = "/tmp/liblogits-b-XXXXXX";
    float *y = xmalloc(sizeof g_serial);
    int i;
    if (!path) path = "build/lib/liblogits.so";
    CHECK(copy_library(path, a_path) && copy_library(path, b_path), "copies of %s", path);
    for (i = 0; i < 50; i++) {
        void *h = dlopen(a_path, RTLD_NOW | RTLD_LOCAL);
        CHECK(h != NULL, "dlopen: %s", dlerror());
        if (!h) break;
        CHECK(call_through(h, y) == 0, "call %d through dlopen", i);
        dlclose(h);
        usleep(2000); /* the workers run on: their code must still be mapped */
    }
    for (i = 0; i < 5; i++) { /* two copies at once: two pools */
        void *a = dlopen(a_path, RTLD_NOW | RTLD_LOCAL), *b = dlopen(b_path, RTLD_NOW | RTLD_LOCAL);
        CHECK(a && b, "dlopen of both copies: %s", dlerror());
        if (!a || !b) break;
        CHECK(call_through(a, y) == 0 && call_through(b, y) == 0, "calls through two copies");
        dlclose(b);
        dlclose(a);
        usleep(2000);
    }
    unlink(a_path);
    unlink(b_path);
    free(y);
}

int main(int argc, char **argv)
{
    harness_start(argc, argv);
    make_input();
    RUN(test_fork_while_calling);
    RUN(test_lowering_the_thread_count);
    RUN(test_unload);
    return harness_finish();
}
