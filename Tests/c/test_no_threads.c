/*
 * test_no_threads.c: where the system refuses threads (a container's pids
 * limit, RLIMIT_NPROC), every call still succeeds, on the threads that exist
 * or the caller's alone, with the same results, and logits_get_num_threads
 * says what is really used. This program defines pthread_create, which the
 * library's calls resolve to: it refuses (EAGAIN) once `g_allowed` threads
 * have been created, and creates them with the real one before that.
 *
 * Prints "N passed, M failed" (cases); exits non-zero on failure.
 */
#define _GNU_SOURCE

#include "logits.h"
#include "harness.h"

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/wait.h>
#include <unistd.h>

static int g_allowed, g_created, g_refused;

typedef int (*create_fn)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);

int pthread_create(pthread_t *t, const pthread_attr_t *attr, void *(*start)(void *), void *arg)
{
    static create_fn real;
    if (g_created >= g_allowed) {
        g_refused++;
        return EAGAIN;
    }
    if (!real) *(void **)(&real) = dlsym(RTLD_NEXT, "pthread_create");
    if (!real) return EAGAIN;
    g_created++;
    return real(t, attr, start, arg);
}

#define ROWS 64
#define COLS 8192 /* 2^19 elements: a call that would split */
#define N (ROWS * COLS)

static float g_x[N], g_serial[N], g_y[N];

static void test_calls_succeed_without_threads(void)
{
    size_t i;
    for (i = 0; i < N; i++) g_x[i] = (float)((i * 2654435761u) % 1000) * 0.01f;
    logits_set_num_threads(1);
    CHECK(logits_softmax_f32(g_x, g_serial, ROWS, COLS) == LOGITS_OK, "serial call");

    /* No thread at all: every call on the caller's thread. */
    g_allowed = 0;
    logits_set_num_threads(8);
    CHECK(logits_softmax_f32(g_x, g_y, ROWS, COLS) == LOGITS_OK, "call with threads refused");
    CHECK(memcmp(g_y, g_serial, sizeof g_y) == 0, "result differs from serial");
    CHECK(g_refused > 0, "the library never asked for a thread");
    CHECK(logits_get_num_threads() == 1, "get_num_threads %zu, but no thread could start",
          logits_get_num_threads());
    CHECK(logits_sigmoid_f32(g_x, g_y, N) == LOGITS_OK, "sigmoid with threads refused");
}

/* In a child (which starts with a fresh pool and no limit): one worker may
 * start, the second is refused, so calls use 2 threads from then on. */
static void test_some_threads(void)
{
    pid_t pid = fork();
    if (pid == 0) {
        int ok;
        g_allowed = g_created + 1;
        logits_set_num_threads(8);
        ok = logits_softmax_f32(g_x, g_y, ROWS, COLS) == LOGITS_OK
            && memcmp(g_y, g_serial, sizeof g_y) == 0
            && logits_get_num_threads() == 2
            && logits_softmax_f32(g_x, g_y, ROWS, COLS) == LOGITS_OK
            && memcmp(g_y, g_serial, sizeof g_y) == 0;
        _exit(ok ? 0 : 1);
    }
    {
        int status = 0;
        CHECK(pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0,
              "one worker allowed: results, or get_num_threads == 2, wrong (child status %d)", status);
    }
}

int main(int argc, char **argv)
{
    harness_start(argc, argv);
    RUN(test_calls_succeed_without_threads);
    RUN(test_some_threads);
    return harness_finish();
}
