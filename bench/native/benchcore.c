/* Timing core of `make bench`: calls a peer function in a loop with the cache
 * flushed between rounds and reports wall and CPU time per call. */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "peer.h"

typedef int (*peer_fn)(bench_args *);

static double now_ns(clockid_t c) {
    struct timespec t;
    clock_gettime(c, &t);
    return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

static unsigned char *flush_buf;
static size_t flush_len;
volatile unsigned long bench_sink;

/* Evicts the caches by reading and writing `bytes` of scratch memory with
 * ordinary (not non-temporal) stores. */
void bench_flush(size_t bytes) {
    if (bytes > flush_len) {
        free(flush_buf);
        flush_buf = malloc(bytes);
        if (!flush_buf) { flush_len = 0; return; }
        memset(flush_buf, 1, bytes);
        flush_len = bytes;
    }
    unsigned long *p = (unsigned long *)flush_buf, s = 0;
    size_t n = bytes / sizeof(unsigned long);
    for (size_t i = 0; i < n; i++) { s += p[i]; p[i] = s; }
    bench_sink = s;
}

/* rounds x (optional flush, then `inner` calls timed together). wall_ns and
 * cpu_ns receive per-call times of each round. Returns 0, or the first
 * non-zero status of a call. */
int bench_time(peer_fn fn, bench_args *a, int rounds, long inner, size_t flush_bytes,
               double *wall_ns, double *cpu_ns) {
    for (int r = 0; r < rounds; r++) {
        if (flush_bytes) bench_flush(flush_bytes);
        double c0 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
        double t0 = now_ns(CLOCK_MONOTONIC);
        for (long i = 0; i < inner; i++) {
            int rc = fn(a);
            if (rc) return rc;
        }
        double t1 = now_ns(CLOCK_MONOTONIC);
        double c1 = now_ns(CLOCK_PROCESS_CPUTIME_ID);
        wall_ns[r] = (t1 - t0) / (double)inner;
        cpu_ns[r] = (c1 - c0) / (double)inner;
    }
    return 0;
}

/* The ctypes floor: a call with the shape of logits_softmax_f32 that does nothing. */
int bench_noop(const void *x, void *y, size_t rows, size_t cols) {
    (void)x; (void)y; (void)rows; (void)cols;
    return 0;
}
