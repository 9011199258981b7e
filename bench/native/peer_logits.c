/* Logits through its C interface (include/logits.h, build/lib/liblogits.so),
 * built twice: precision fast (the default, peer "logits": the plain names,
 * checked to run fast) and exact (peer "logits_exact": the _axis and _ex
 * forms with LOGITS_PRECISION_EXACT, and the loss options' field).
 * float32, float64 and the 16-bit storage forms (_f16, _bf16).
 * Thread control: logits_set_num_threads / logits_get_num_threads are looked
 * up at run time (they may not exist in this build); the driver also sets
 * LOGITS_NUM_THREADS=1 for the single-thread run. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdio.h>
#include "logits.h"
#include "peer.h"

#define LOGITS_STR_(x) #x
#define LOGITS_STR(x) LOGITS_STR_(x)
/* The SONAME: liblogits.so.MAJOR, or .0.MINOR while the major is 0. */
#if LOGITS_VERSION_MAJOR == 0
#define LOGITS_SONAME "liblogits.so.0." LOGITS_STR(LOGITS_VERSION_MINOR)
#else
#define LOGITS_SONAME "liblogits.so." LOGITS_STR(LOGITS_VERSION_MAJOR)
#endif
#ifndef PRECISION
#define PRECISION LOGITS_PRECISION_FAST
#endif

typedef logits_status (*set_threads_fn)(size_t);
typedef size_t (*get_threads_fn)(void);
static char message[256];
static logits_ce_options ce_opts;

const char *peer_message(void) { return message; }
const char *peer_version(void) { return logits_version_string(); }

int peer_prepare(bench_args *a) {
#if PRECISION == LOGITS_PRECISION_FAST
    /* This build calls the plain names (the common call, and the 1x3
     * overhead row's), which use the process default: it must be fast. */
    if (logits_get_precision() != LOGITS_PRECISION_FAST) {
        snprintf(message, sizeof message, "the process default precision is not fast (LOGITS_PRECISION set?)");
        return -1;
    }
#endif
    logits_ce_options_init(&ce_opts);
    ce_opts.reduction = LOGITS_REDUCTION_MEAN;
    ce_opts.precision = PRECISION;
    void *h = dlopen(LOGITS_SONAME, RTLD_LAZY | RTLD_NOLOAD);
    set_threads_fn set = h ? (set_threads_fn)dlsym(h, "logits_set_num_threads") : NULL;
    get_threads_fn get = h ? (get_threads_fn)dlsym(h, "logits_get_num_threads") : NULL;
    if (set) {
        logits_status s = set((size_t)a->threads);
        if (s != LOGITS_OK) {
            snprintf(message, sizeof message, "logits_set_num_threads(%d): %s", a->threads,
                     logits_status_string(s));
            return -1;
        }
    }
    if (get)
        snprintf(message, sizeof message, "threads=%zu (logits_get_num_threads)", get());
    else
        snprintf(message, sizeof message, "logits_set_num_threads not in this build");
    return 0;
}

/* The 16-bit forms (logits_f16, logits_bf16): x and y in the format, the
 * loss a float; the same plain / _axis / _ex split as float32. */
#if PRECISION == LOGITS_PRECISION_FAST
#define HALF_FORWARD(SFX)                                                                     \
        case OP_SOFTMAX: return logits_softmax_##SFX(x, y, r, c);                             \
        case OP_LOG_SOFTMAX: return logits_log_softmax_##SFX(x, y, r, c);                     \
        case OP_SIGMOID: return logits_sigmoid_##SFX(x, y, r * c);
#else
#define HALF_FORWARD(SFX)                                                                     \
        case OP_SOFTMAX: return logits_softmax_axis_##SFX(x, y, r, c, 1, 1.0f, PRECISION);    \
        case OP_LOG_SOFTMAX: return logits_log_softmax_axis_##SFX(x, y, r, c, 1, 1.0f, PRECISION); \
        case OP_SIGMOID: return logits_sigmoid_ex_##SFX(x, y, r * c, PRECISION);
#endif
#define HALF_CALLS(T, SFX)                                                                    \
    {                                                                                         \
        const T *x = a->x; T *y = a->y; float *loss = a->loss;                                \
        switch (a->op) {                                                                      \
        HALF_FORWARD(SFX)                                                                     \
        case OP_LOG_SIGMOID: return logits_log_sigmoid_ex_##SFX(x, y, r * c, PRECISION);      \
        case OP_SOFTPLUS: return logits_softplus_ex_##SFX(x, y, r * c, PRECISION);            \
        case OP_CE_FWD:                                                                       \
            return logits_cross_entropy_labels_##SFX(x, a->labels, NULL, loss, NULL, r, c, 1, &ce_opts); \
        case OP_CE_FWDGRAD:                                                                   \
            return logits_cross_entropy_labels_##SFX(x, a->labels, NULL, loss, y, r, c, 1, &ce_opts); \
        }                                                                                     \
        return 99;                                                                            \
    }

int peer_call(bench_args *a) {
    size_t r = a->rows, c = a->cols;
    if (a->dtype == DT_F16) HALF_CALLS(logits_f16, f16)
    if (a->dtype == DT_BF16) HALF_CALLS(logits_bf16, bf16)
    if (a->dtype == DT_F32) {
        const float *x = a->x; float *y = a->y;
        switch (a->op) {
#if PRECISION == LOGITS_PRECISION_FAST
        case OP_SOFTMAX: return logits_softmax_f32(x, y, r, c);
        case OP_LOG_SOFTMAX: return logits_log_softmax_f32(x, y, r, c);
        case OP_SIGMOID: return logits_sigmoid_f32(x, y, r * c);
#else
        case OP_SOFTMAX: return logits_softmax_axis_f32(x, y, r, c, 1, 1.0f, PRECISION);
        case OP_LOG_SOFTMAX: return logits_log_softmax_axis_f32(x, y, r, c, 1, 1.0f, PRECISION);
        case OP_SIGMOID: return logits_sigmoid_ex_f32(x, y, r * c, PRECISION);
#endif
        case OP_LOG_SIGMOID: return logits_log_sigmoid_ex_f32(x, y, r * c, PRECISION);
        case OP_SOFTPLUS: return logits_softplus_ex_f32(x, y, r * c, PRECISION);
        case OP_CE_FWD: return logits_cross_entropy_labels_f32(x, a->labels, NULL, a->loss, NULL, r, c, 1, &ce_opts);
        case OP_CE_FWDGRAD: return logits_cross_entropy_labels_f32(x, a->labels, NULL, a->loss, y, r, c, 1, &ce_opts);
        }
    } else {
        const double *x = a->x; double *y = a->y;
        switch (a->op) {
        case OP_SOFTMAX: return logits_softmax_axis_f64(x, y, r, c, 1, 1.0, PRECISION);
        case OP_LOG_SOFTMAX: return logits_log_softmax_axis_f64(x, y, r, c, 1, 1.0, PRECISION);
        case OP_SIGMOID: return logits_sigmoid_ex_f64(x, y, r * c, PRECISION);
        case OP_LOG_SIGMOID: return logits_log_sigmoid_ex_f64(x, y, r * c, PRECISION);
        case OP_SOFTPLUS: return logits_softplus_ex_f64(x, y, r * c, PRECISION);
        case OP_CE_FWD: return logits_cross_entropy_labels_f64(x, a->labels, NULL, a->loss, NULL, r, c, 1, &ce_opts);
        case OP_CE_FWDGRAD: return logits_cross_entropy_labels_f64(x, a->labels, NULL, a->loss, y, r, c, 1, &ce_opts);
        }
    }
    return 99;
}

void peer_release(bench_args *a) { (void)a; }
