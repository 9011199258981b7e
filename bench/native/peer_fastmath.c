/* The plain C baseline: straightforward loops compiled on the spot with
 * gcc -O3 -ffast-math and -march=native or -march=x86-64-v4 (gcc vectorises
 * expf/logf through glibc's libmvec). Softmax is the classic three passes
 * (max; exp and sum, storing exp; scale). Cross-entropy: mean over rows of
 * logsumexp(row) - row[label]; with the gradient (softmax - onehot) / rows
 * written in the same three passes. */
#include <math.h>
#include <stdio.h>
#include "peer.h"

#ifndef PEER_FLAGS
#define PEER_FLAGS "?"
#endif
const char *peer_message(void) { return "gcc " __VERSION__ " " PEER_FLAGS; }
const char *peer_version(void) { return "gcc " __VERSION__; }
int peer_prepare(bench_args *a) { return a->dtype == DT_F32 || a->dtype == DT_F64 ? 0 : 1; }
void peer_release(bench_args *a) { (void)a; }

#define DEFINE(T, EXP, LOG, LOG1P, SFX)                                                    \
static void softmax_##SFX(const T *restrict x, T *restrict y, size_t rows, size_t cols) { \
    for (size_t r = 0; r < rows; r++, x += cols, y += cols) {                        \
        T m = x[0];                                                                   \
        for (size_t j = 1; j < cols; j++) m = x[j] > m ? x[j] : m;                    \
        T s = 0;                                                                      \
        for (size_t j = 0; j < cols; j++) { T e = EXP(x[j] - m); y[j] = e; s += e; }  \
        T inv = (T)1 / s;                                                             \
        for (size_t j = 0; j < cols; j++) y[j] *= inv;                                \
    }                                                                                 \
}                                                                                     \
static void log_softmax_##SFX(const T *restrict x, T *restrict y, size_t rows, size_t cols) { \
    for (size_t r = 0; r < rows; r++, x += cols, y += cols) {                        \
        T m = x[0];                                                                   \
        for (size_t j = 1; j < cols; j++) m = x[j] > m ? x[j] : m;                    \
        T s = 0;                                                                      \
        for (size_t j = 0; j < cols; j++) s += EXP(x[j] - m);                         \
        T l = m + LOG(s);                                                             \
        for (size_t j = 0; j < cols; j++) y[j] = x[j] - l;                            \
    }                                                                                 \
}                                                                                     \
static void sigmoid_##SFX(const T *restrict x, T *restrict y, size_t n) {            \
    for (size_t j = 0; j < n; j++) y[j] = (T)1 / ((T)1 + EXP(-x[j]));                 \
}                                                                                     \
static void softplus_##SFX(const T *restrict x, T *restrict y, size_t n, int neg) {  \
    /* softplus = max(x, 0) + log1p(exp(-|x|)); log_sigmoid = -softplus(-x) */        \
    for (size_t j = 0; j < n; j++) {                                                  \
        T v = neg ? -x[j] : x[j], l = LOG1P(EXP(-(v < 0 ? -v : v)));                  \
        T s = (v > 0 ? v : (T)0) + l;                                                 \
        y[j] = neg ? -s : s;                                                          \
    }                                                                                 \
}                                                                                     \
static void ce_##SFX(const T *restrict x, const int64_t *restrict labels,            \
                     T *restrict grad, T *loss, size_t rows, size_t cols) {           \
    T total = 0, scale = (T)1 / (T)rows;                                              \
    for (size_t r = 0; r < rows; r++, x += cols) {                                   \
        T m = x[0];                                                                   \
        for (size_t j = 1; j < cols; j++) m = x[j] > m ? x[j] : m;                    \
        T s = 0;                                                                      \
        if (grad) {                                                                   \
            T *g = grad + r * cols;                                                   \
            for (size_t j = 0; j < cols; j++) { T e = EXP(x[j] - m); g[j] = e; s += e; } \
            T k = scale / s;                                                          \
            for (size_t j = 0; j < cols; j++) g[j] *= k;                              \
            g[labels[r]] -= scale;                                                    \
        } else {                                                                      \
            for (size_t j = 0; j < cols; j++) s += EXP(x[j] - m);                     \
        }                                                                             \
        total += m + LOG(s) - x[labels[r]];                                           \
    }                                                                                 \
    *loss = total * scale;                                                            \
}

DEFINE(float, expf, logf, log1pf, f32)
DEFINE(double, exp, log, log1p, f64)

int peer_call(bench_args *a) {
    size_t r = a->rows, c = a->cols;
    if (a->dtype == DT_F32) {
        switch (a->op) {
        case OP_SOFTMAX: softmax_f32(a->x, a->y, r, c); return 0;
        case OP_LOG_SOFTMAX: log_softmax_f32(a->x, a->y, r, c); return 0;
        case OP_SIGMOID: sigmoid_f32(a->x, a->y, r * c); return 0;
        case OP_LOG_SIGMOID: softplus_f32(a->x, a->y, r * c, 1); return 0;
        case OP_SOFTPLUS: softplus_f32(a->x, a->y, r * c, 0); return 0;
        case OP_CE_FWD: ce_f32(a->x, a->labels, NULL, a->loss, r, c); return 0;
        case OP_CE_FWDGRAD: ce_f32(a->x, a->labels, a->y, a->loss, r, c); return 0;
        }
    } else {
        switch (a->op) {
        case OP_SOFTMAX: softmax_f64(a->x, a->y, r, c); return 0;
        case OP_LOG_SOFTMAX: log_softmax_f64(a->x, a->y, r, c); return 0;
        case OP_SIGMOID: sigmoid_f64(a->x, a->y, r * c); return 0;
        case OP_LOG_SIGMOID: softplus_f64(a->x, a->y, r * c, 1); return 0;
        case OP_SOFTPLUS: softplus_f64(a->x, a->y, r * c, 0); return 0;
        case OP_CE_FWD: ce_f64(a->x, a->labels, NULL, a->loss, r, c); return 0;
        case OP_CE_FWDGRAD: ce_f64(a->x, a->labels, a->y, a->loss, r, c); return 0;
        }
    }
    return 99;
}
