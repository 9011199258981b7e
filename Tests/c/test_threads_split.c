/*
 * test_threads_split.c: the library's own threads (logits_set_num_threads).
 *
 * Large calls (>= 2^18 elements) are split into parts fixed by their shape,
 * so every result must be bit-identical whatever the thread setting: each
 * function is run with 1, 2 and 8 threads on the same inputs and the outputs
 * compared with memcmp. Then 8 host threads make large calls at the same time
 * (one of them gets the pool, the others run on their own threads) and must
 * again match the serial results. Also checks logits_get_num_threads and the
 * clamping of logits_set_num_threads.
 *
 * LOGITS_TEST_QUICK=1 in the environment (set for the valgrind run) keeps
 * one thread setting (2) and two host threads.
 *
 * Prints "N passed, M failed"; exit status 1 on any failure.
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "logits.h"

#define ROWS 300
#define COLS 1000
#define N ((size_t)ROWS * COLS)

static int passed, failed;

static void check(int ok, const char *what)
{
    if (ok) {
        passed++;
    } else {
        failed++;
        printf("FAIL: %s\n", what);
    }
}

static float xf[N], tf[N];
static double xd[N];
static int64_t labels[ROWS];

/* Runs every large call into out (floats then doubles) with the current
 * thread setting; returns the number of bytes written and ORs the statuses
 * into *status. Touches no global state (host threads call it). */
static size_t run_all(unsigned char *out, logits_status *status)
{
    size_t at = 0;
    float *f;
    double *d;
    logits_ce_options ce;
    logits_bce_options bce;
    logits_status s = LOGITS_OK;

    logits_ce_options_init(&ce);
    logits_bce_options_init(&bce);
#define F(n) (f = (float *)(out + at), at += (n) * sizeof(float), f)
#define D(n) (d = (double *)(out + at), at += (n) * sizeof(double), d)
    s |= logits_softmax_f32(xf, F(N), ROWS, COLS);
    s |= logits_log_softmax_f32(xf, F(N), ROWS, COLS);
    s |= logits_logsumexp_f32(xf, F(ROWS), ROWS, COLS);
    s |= logits_softmax_axis_f32(xf, F(N), 3, COLS, ROWS / 3, 1.5f, LOGITS_PRECISION_DEFAULT);
    /* Strided forms (inner > 1) split by outer index and by blocks of
     * columns; one outer slice with a short axis splits by columns alone. */
    s |= logits_log_softmax_axis_f64(xd, D(N), 3, COLS, ROWS / 3, 0.7, LOGITS_PRECISION_DEFAULT);
    s |= logits_logsumexp_axis_f32(xf, F(ROWS), 1, COLS, ROWS, 2.0f, LOGITS_PRECISION_DEFAULT);
    s |= logits_softmax_axis_f64(xd, D(N), 1, 3, N / 3, 1.0, LOGITS_PRECISION_DEFAULT);
    {
        float *sm = F(N);
        s |= logits_softmax_backward_axis_f32(xf, xf, sm, 3, COLS, ROWS / 3, 1.0f, LOGITS_PRECISION_DEFAULT);
        s |= logits_log_softmax_backward_f64(xd, xd, D(N), ROWS, COLS);
    }
    s |= logits_sigmoid_f32(xf, F(N), N);
    s |= logits_softplus_f32(xf, F(N), N);
    s |= logits_log_sigmoid_f32(xf, F(N), N);
    s |= logits_softmax_f64(xd, D(N), ROWS, COLS);
    s |= logits_log_softmax_f64(xd, D(N), ROWS, COLS);
    s |= logits_sigmoid_f64(xd, D(N), N);
    /* One long row (N >= 2^18): split into chunks shared by the threads. */
    s |= logits_softmax_f32(xf, F(N), 1, N);
    s |= logits_log_softmax_f32(xf, F(N), 1, N);
    s |= logits_logsumexp_f32(xf, F(1), 1, N);
    s |= logits_softmax_f64(xd, D(N), 1, N);
    {
        float *loss = F(1), *grad = F(N);
        s |= logits_cross_entropy_labels_f32(xf, labels, NULL, loss, grad, ROWS, COLS, 1, &ce);
    }
    {
        float *loss = F(1), *grad = F(N);
        s |= logits_cross_entropy_soft_f32(xf, tf, NULL, loss, grad, ROWS, COLS, 1, &ce);
    }
    {
        double *loss = D(1);
        s |= logits_cross_entropy_labels_f64(xd, labels, NULL, loss, NULL, ROWS, COLS, 1, &ce);
    }
    ce.reduction = LOGITS_REDUCTION_NONE;
    {
        float *loss = F(ROWS);
        s |= logits_cross_entropy_labels_f32(xf, labels, NULL, loss, NULL, ROWS, COLS, 1, &ce);
    }
    {
        float *loss = F(1), *grad = F(N);
        s |= logits_binary_cross_entropy_f32(xf, tf, NULL, NULL, loss, grad, ROWS, COLS, &bce);
    }
#undef F
#undef D
    *status = s;
    return at;
}

#define OUT_BYTES (16 * N * sizeof(double))

static unsigned char *serial_out;
static unsigned char *host_outs[8];
static size_t serial_bytes;

static logits_status host_status[8];

static void *host_thread(void *arg)
{
    unsigned char **slot = arg;
    run_all(*slot, &host_status[slot - host_outs]);
    return NULL;
}

int main(void)
{
    size_t i, bytes;
    unsigned char *out = malloc(OUT_BYTES);
    pthread_t tids[8];
    logits_status st;
    int k, t;
    const int settings[] = {2, 8, 0};
    const int quick = getenv("LOGITS_TEST_QUICK") != NULL;
    const int nsettings = quick ? 1 : 3, nhosts = quick ? 2 : 8;

    serial_out = malloc(OUT_BYTES);
    if (!out || !serial_out) return 2;
    srand(7);
    for (i = 0; i < N; i++) {
        xf[i] = (float)(8.0 * rand() / RAND_MAX - 4.0);
        xd[i] = 30.0 * rand() / RAND_MAX - 15.0;
        tf[i] = (float)rand() / (float)RAND_MAX;
    }
    xf[5 * COLS + 3] = -INFINITY; /* a masked entry */
    for (i = 0; i < COLS; i++) xf[7 * COLS + i] = -INFINITY; /* a masked row */
    for (i = 0; i < ROWS; i++) labels[i] = rand() % COLS;

    check(logits_get_num_threads() >= 1, "default thread count >= 1");
    check(logits_set_num_threads(1) == LOGITS_OK && logits_get_num_threads() == 1, "set 1");
    serial_bytes = run_all(serial_out, &st);
    check(st == LOGITS_OK, "every large call returns LOGITS_OK (1 thread)");
    check(serial_bytes <= OUT_BYTES, "output space");

    for (k = 0; k < nsettings; k++) {
        char what[96];
        check(logits_set_num_threads((size_t)settings[k]) == LOGITS_OK, "set_num_threads OK");
        memset(out, 0x5A, serial_bytes);
        bytes = run_all(out, &st);
        check(st == LOGITS_OK, "every large call returns LOGITS_OK");
        snprintf(what, sizeof what, "threads=%d (get %zu): outputs bit-identical to 1 thread",
                 settings[k], logits_get_num_threads());
        check(bytes == serial_bytes && memcmp(out, serial_out, bytes) == 0, what);
    }

    /* Clamping, and 0 restoring the default. */
    check(logits_set_num_threads(1000) == LOGITS_OK && logits_get_num_threads() == 64, "1000 -> 64");
    check(logits_set_num_threads((size_t)-1) == LOGITS_OK && logits_get_num_threads() == 64,
          "SIZE_MAX -> 64");
    logits_set_num_threads(0);
    check(logits_get_num_threads() >= 1 && logits_get_num_threads() <= 64, "0 -> default");

    /* 8 host threads (2 when quick) at once, the library's threads on. */
    logits_set_num_threads(2);
    for (t = 0; t < nhosts; t++) {
        host_outs[t] = malloc(OUT_BYTES);
        if (!host_outs[t]) return 2;
        memset(host_outs[t], 0x5A, serial_bytes);
        if (pthread_create(&tids[t], NULL, host_thread, &host_outs[t]) != 0) return 2;
    }
    for (t = 0; t < nhosts; t++) {
        char what[80];
        pthread_join(tids[t], NULL);
        snprintf(what, sizeof what, "host thread %d: outputs bit-identical to serial", t);
        check(host_status[t] == LOGITS_OK && memcmp(host_outs[t], serial_out, serial_bytes) == 0, what);
        free(host_outs[t]);
    }

    /* The split results are also right: softmax rows sum to 1 (masked row: 0). */
    {
        const float *p = (const float *)serial_out;
        int ok = 1;
        size_t r, c;
        for (r = 0; r < ROWS; r++) {
            double sum = 0;
            for (c = 0; c < COLS; c++) sum += p[r * COLS + c];
            if (r == 7 ? sum != 0 : fabs(sum - 1) > 1e-5) ok = 0;
        }
        check(ok, "softmax rows sum to 1 (the masked row to 0)");
    }

    free(out);
    free(serial_out);
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
