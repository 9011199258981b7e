/* The interface every native benchmark peer implements (one shared library
 * per peer, loaded by bench/run.py with ctypes, timed by benchcore.c). */
#ifndef BENCH_PEER_H
#define BENCH_PEER_H
#include <stddef.h>
#include <stdint.h>

enum { OP_SOFTMAX = 0, OP_LOG_SOFTMAX = 1, OP_SIGMOID = 2, OP_CE_FWD = 3, OP_CE_FWDGRAD = 4,
       OP_LOG_SIGMOID = 5, OP_SOFTPLUS = 6 };
/* DT_F16, DT_BF16: 16-bit storage (uint16_t bits, logits_f16 / logits_bf16);
 * bench/run.py sends them to the Logits peers only (the copy floors would copy
 * 2-byte elements; the other peers answer 1, unsupported). Their loss is a float. */
enum { DT_F32 = 0, DT_F64 = 1, DT_F16 = 2, DT_BF16 = 3 };

typedef struct bench_args {
    int32_t op, dtype;
    int32_t threads;        /* 1: single thread; 0: the peer's default */
    int32_t pad;
    uint64_t rows, cols;    /* elementwise (sigmoid, log_sigmoid, softplus): rows = 1, cols = count */
    const void *x;          /* rows x cols */
    void *y;                /* rows x cols (softmax, log_softmax, sigmoid, CE gradient) */
    const int64_t *labels;  /* rows (CE) */
    void *loss;             /* 1 value (CE, mean): x's type, float for DT_F16 / DT_BF16 */
    void *state;            /* owned by the peer */
} bench_args;

/* Every peer library exports:
 *   int peer_prepare(bench_args *a)  0 ready, 1 unsupported (op/dtype), -1 error
 *   int peer_call(bench_args *a)     0 ok, else failure
 *   void peer_release(bench_args *a)
 *   const char *peer_message(void)   a description of the last error, or info
 *   const char *peer_version(void)   */
#endif
