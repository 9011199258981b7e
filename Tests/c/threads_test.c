/*
 * threads_test.c: the header promises that every function is thread-safe
 * ("reads only its arguments and writes only its outputs; no global mutable
 * state"). This test calls a mix of functions from 8 threads at once, on
 * shared read-only inputs and per-thread outputs, and requires every result
 * to be bit-for-bit identical (memcmp) to the same call made serially before
 * the threads started.
 *
 * Phase 1: all threads start together (barrier) with calls that fail
 *          validation, so the library's error path (which lazily initialises
 *          Swift runtime state on first use) runs concurrently for the first
 *          time in this process. Each must return its documented status and
 *          leave the output untouched.
 * Phase 2: every thread runs every case ITERATIONS times, each thread in a
 *          different order, comparing status and output bytes with the serial
 *          reference.
 *
 * Not named test_*.c: built by Tests/checks.mk (make test-threads) with
 * -pthread, normally and with -fsanitize=thread.
 * Usage: threads_test [iterations]   (default 1000). Prints "N passed, M failed".
 */
#define _POSIX_C_SOURCE 200809L

#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "half.h"
#include "logits.h"
#include "operation_list.h"

#define NTHREADS 8
#define SENTINEL 0xA5

/* ------------------------------------------------------------------------ */
/* Shared read-only inputs                                                  */
/* ------------------------------------------------------------------------ */

/* Axis functions: outer x axis_len x inner. */
#define OUTER 3
#define AXIS 37
#define INNER 5
#define AXN (OUTER * AXIS * INNER)
#define LSEN (OUTER * INNER)
#define ROWS_N (OUTER * INNER) /* logsumexp of the same data seen as rows x AXIS */

/* Elementwise functions. */
#define EWN 1031

/* Categorical cross-entropy: outer x classes x inner. */
#define CE_OUTER 4
#define CE_CLASSES 11
#define CE_INNER 3
#define CE_N (CE_OUTER * CE_CLASSES * CE_INNER)
#define CE_S (CE_OUTER * CE_INNER)

/* Binary cross-entropy: rows x classes. */
#define BCE_ROWS 9
#define BCE_CLASSES 7
#define BCE_N (BCE_ROWS * BCE_CLASSES)

static float ax32[AXN], sm32[AXN], lsm32[AXN], dy32[AXN];
static double ax64[AXN], sm64[AXN], lsm64[AXN], dy64[AXN];
static float ew32[EWN], sg32[EWN], ls32[EWN], sp32[EWN], ewdy32[EWN];
static double ew64[EWN], sg64[EWN], ls64[EWN], sp64[EWN], ewdy64[EWN];
static float ce_x32[CE_N], ce_t32[CE_N], ce_w32[CE_CLASSES], ce_p32[CE_N];
static double ce_x64[CE_N], ce_t64[CE_N], ce_w64[CE_CLASSES], ce_p64[CE_N];
static int64_t ce_labels[CE_S], ce_bad_labels[CE_S];
static float bce_x32[BCE_N], bce_t32[BCE_N], bce_pw32[BCE_CLASSES], bce_w32[BCE_N],
    bce_p32[BCE_N], bce_bad_t32[BCE_N];
static double bce_x64[BCE_N], bce_t64[BCE_N], bce_pw64[BCE_CLASSES], bce_w64[BCE_N],
    bce_p64[BCE_N];
/* The same inputs in the 16-bit formats ([HALF_F16], [HALF_BF16]), rounded
 * from the float32 ones (the forward outputs from the float32 forward's). */
static uint16_t h_ax[2][AXN], h_sm[2][AXN], h_lsm[2][AXN], h_dy[2][AXN];
static uint16_t h_ew[2][EWN], h_sg[2][EWN], h_ls[2][EWN], h_sp[2][EWN], h_ewdy[2][EWN];
static uint16_t h_ce_x[2][CE_N], h_ce_t[2][CE_N], h_bce_x[2][BCE_N], h_bce_t[2][BCE_N];
static logits_ce_options ce_opt_mean, ce_opt_none, ce_opt_probs;
static logits_bce_options bce_opt_focal, bce_opt_none, bce_opt_probs;

static uint64_t rng_state = 0x9E3779B97F4A7C15u;
static double rng_uniform(double lo, double hi)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return lo + (hi - lo) * ((double)(rng_state >> 11) / 9007199254740992.0);
}

/* ------------------------------------------------------------------------ */
/* Cases: each writes its outputs, concatenated, into out                   */
/* ------------------------------------------------------------------------ */

typedef logits_status (*case_fn)(unsigned char *out);

typedef struct {
    const char *name;
    case_fn fn;
    size_t out_bytes;
    logits_status expect; /* LOGITS_OK, or the error of a phase-1 case */
} case_t;

#define F32(p) ((float *)(void *)(p))
#define F64(p) ((double *)(void *)(p))

static logits_status c_softmax_axis_f32(unsigned char *o)
{ return logits_softmax_axis_f32(ax32, F32(o), OUTER, AXIS, INNER, 0.7f, LOGITS_PRECISION_DEFAULT); }
static logits_status c_softmax_axis_f64(unsigned char *o)
{ return logits_softmax_axis_f64(ax64, F64(o), OUTER, AXIS, INNER, 2.5, LOGITS_PRECISION_DEFAULT); }
static logits_status c_log_softmax_axis_f32(unsigned char *o)
{ return logits_log_softmax_axis_f32(ax32, F32(o), OUTER, AXIS, INNER, 1.3f, LOGITS_PRECISION_DEFAULT); }
static logits_status c_log_softmax_axis_f64(unsigned char *o)
{ return logits_log_softmax_axis_f64(ax64, F64(o), OUTER, AXIS, INNER, 0.45, LOGITS_PRECISION_DEFAULT); }
static logits_status c_logsumexp_axis_f32(unsigned char *o)
{ return logits_logsumexp_axis_f32(ax32, F32(o), OUTER, AXIS, INNER, 3.0f, LOGITS_PRECISION_DEFAULT); }
static logits_status c_logsumexp_axis_f64(unsigned char *o)
{ return logits_logsumexp_axis_f64(ax64, F64(o), OUTER, AXIS, INNER, 0.9, LOGITS_PRECISION_DEFAULT); }
static logits_status c_softmax_rows_f64(unsigned char *o)
{ return logits_softmax_f64(ax64, F64(o), OUTER * INNER, AXIS); }
static logits_status c_log_softmax_rows_f32(unsigned char *o)
{ return logits_log_softmax_f32(ax32, F32(o), OUTER * INNER, AXIS); }
static logits_status c_softmax_rows_f32(unsigned char *o)
{ return logits_softmax_f32(ax32, F32(o), OUTER * INNER, AXIS); }
static logits_status c_log_softmax_rows_f64(unsigned char *o)
{ return logits_log_softmax_f64(ax64, F64(o), OUTER * INNER, AXIS); }
static logits_status c_logsumexp_rows_f32(unsigned char *o)
{ return logits_logsumexp_f32(ax32, F32(o), OUTER * INNER, AXIS); }
static logits_status c_logsumexp_rows_f64(unsigned char *o)
{ return logits_logsumexp_f64(ax64, F64(o), OUTER * INNER, AXIS); }
/* The row forms of the gradients read the axis forms' outputs as rows. */
static logits_status c_softmax_backward_rows_f32(unsigned char *o)
{ return logits_softmax_backward_f32(sm32, dy32, F32(o), OUTER * INNER, AXIS); }
static logits_status c_softmax_backward_rows_f64(unsigned char *o)
{ return logits_softmax_backward_f64(sm64, dy64, F64(o), OUTER * INNER, AXIS); }
static logits_status c_log_softmax_backward_rows_f32(unsigned char *o)
{ return logits_log_softmax_backward_f32(lsm32, dy32, F32(o), OUTER * INNER, AXIS); }
static logits_status c_log_softmax_backward_rows_f64(unsigned char *o)
{ return logits_log_softmax_backward_f64(lsm64, dy64, F64(o), OUTER * INNER, AXIS); }

static logits_status c_softmax_backward_axis_f32(unsigned char *o)
{ return logits_softmax_backward_axis_f32(sm32, dy32, F32(o), OUTER, AXIS, INNER, 0.7f, LOGITS_PRECISION_DEFAULT); }
static logits_status c_softmax_backward_axis_f64(unsigned char *o)
{ return logits_softmax_backward_axis_f64(sm64, dy64, F64(o), OUTER, AXIS, INNER, 2.5, LOGITS_PRECISION_DEFAULT); }
static logits_status c_log_softmax_backward_axis_f32(unsigned char *o)
{ return logits_log_softmax_backward_axis_f32(lsm32, dy32, F32(o), OUTER, AXIS, INNER, 1.3f, LOGITS_PRECISION_DEFAULT); }
static logits_status c_log_softmax_backward_axis_f64(unsigned char *o)
{ return logits_log_softmax_backward_axis_f64(lsm64, dy64, F64(o), OUTER, AXIS, INNER, 0.45, LOGITS_PRECISION_DEFAULT); }

static logits_status c_sigmoid_f32(unsigned char *o) { return logits_sigmoid_f32(ew32, F32(o), EWN); }
static logits_status c_sigmoid_f64(unsigned char *o) { return logits_sigmoid_f64(ew64, F64(o), EWN); }
static logits_status c_log_sigmoid_f32(unsigned char *o) { return logits_log_sigmoid_f32(ew32, F32(o), EWN); }
static logits_status c_log_sigmoid_f64(unsigned char *o) { return logits_log_sigmoid_f64(ew64, F64(o), EWN); }
static logits_status c_softplus_f32(unsigned char *o) { return logits_softplus_f32(ew32, F32(o), EWN); }
static logits_status c_softplus_f64(unsigned char *o) { return logits_softplus_f64(ew64, F64(o), EWN); }
static logits_status c_sigmoid_backward_f32(unsigned char *o)
{ return logits_sigmoid_backward_f32(sg32, ewdy32, F32(o), EWN); }
static logits_status c_sigmoid_backward_f64(unsigned char *o)
{ return logits_sigmoid_backward_f64(sg64, ewdy64, F64(o), EWN); }
static logits_status c_log_sigmoid_backward_f32(unsigned char *o)
{ return logits_log_sigmoid_backward_f32(ls32, ewdy32, F32(o), EWN); }
static logits_status c_log_sigmoid_backward_f64(unsigned char *o)
{ return logits_log_sigmoid_backward_f64(ls64, ewdy64, F64(o), EWN); }
static logits_status c_softplus_backward_f32(unsigned char *o)
{ return logits_softplus_backward_f32(sp32, ewdy32, F32(o), EWN); }
static logits_status c_softplus_backward_f64(unsigned char *o)
{ return logits_softplus_backward_f64(sp64, ewdy64, F64(o), EWN); }

/* Per-call precisions: the _ex forms and the _axis forms with FAST and
 * EXACT written out, run at the same moment as the plain names (which use
 * the process default): each call gets its own choice. */
static logits_status c_sigmoid_ex_f32(unsigned char *o)
{ return logits_sigmoid_ex_f32(ew32, F32(o), EWN, LOGITS_PRECISION_EXACT); }
static logits_status c_sigmoid_ex_fast_f32(unsigned char *o)
{ return logits_sigmoid_ex_f32(ew32, F32(o), EWN, LOGITS_PRECISION_FAST); }
static logits_status c_sigmoid_ex_f64(unsigned char *o)
{ return logits_sigmoid_ex_f64(ew64, F64(o), EWN, LOGITS_PRECISION_FAST); }
static logits_status c_log_sigmoid_ex_f32(unsigned char *o)
{ return logits_log_sigmoid_ex_f32(ew32, F32(o), EWN, LOGITS_PRECISION_FAST); }
static logits_status c_log_sigmoid_ex_f64(unsigned char *o)
{ return logits_log_sigmoid_ex_f64(ew64, F64(o), EWN, LOGITS_PRECISION_EXACT); }
static logits_status c_softplus_ex_f32(unsigned char *o)
{ return logits_softplus_ex_f32(ew32, F32(o), EWN, LOGITS_PRECISION_EXACT); }
static logits_status c_softplus_ex_f64(unsigned char *o)
{ return logits_softplus_ex_f64(ew64, F64(o), EWN, LOGITS_PRECISION_FAST); }
static logits_status c_sigmoid_backward_ex_f32(unsigned char *o)
{ return logits_sigmoid_backward_ex_f32(sg32, ewdy32, F32(o), EWN, LOGITS_PRECISION_FAST); }
static logits_status c_sigmoid_backward_ex_f64(unsigned char *o)
{ return logits_sigmoid_backward_ex_f64(sg64, ewdy64, F64(o), EWN, LOGITS_PRECISION_EXACT); }
static logits_status c_log_sigmoid_backward_ex_f32(unsigned char *o)
{ return logits_log_sigmoid_backward_ex_f32(ls32, ewdy32, F32(o), EWN, LOGITS_PRECISION_EXACT); }
static logits_status c_log_sigmoid_backward_ex_f64(unsigned char *o)
{ return logits_log_sigmoid_backward_ex_f64(ls64, ewdy64, F64(o), EWN, LOGITS_PRECISION_FAST); }
static logits_status c_softplus_backward_ex_f32(unsigned char *o)
{ return logits_softplus_backward_ex_f32(sp32, ewdy32, F32(o), EWN, LOGITS_PRECISION_FAST); }
static logits_status c_softplus_backward_ex_f64(unsigned char *o)
{ return logits_softplus_backward_ex_f64(sp64, ewdy64, F64(o), EWN, LOGITS_PRECISION_EXACT); }
/* The 16-bit forms: every operation of the list with types ALL, in both
 * formats, with the process default and per-call precisions. */
#define H(p) ((uint16_t *)(void *)(p))
#define HALF_CASES(sfx, F) \
    static logits_status c_softmax_##sfx(unsigned char *o) \
    { return logits_softmax_##sfx(h_ax[F], H(o), OUTER * INNER, AXIS); } \
    static logits_status c_softmax_axis_##sfx(unsigned char *o) \
    { return logits_softmax_axis_##sfx(h_ax[F], H(o), OUTER, AXIS, INNER, 0.7f, LOGITS_PRECISION_FAST); } \
    static logits_status c_log_softmax_##sfx(unsigned char *o) \
    { return logits_log_softmax_##sfx(h_ax[F], H(o), OUTER * INNER, AXIS); } \
    static logits_status c_log_softmax_axis_##sfx(unsigned char *o) \
    { return logits_log_softmax_axis_##sfx(h_ax[F], H(o), OUTER, AXIS, INNER, 1.3f, LOGITS_PRECISION_EXACT); } \
    static logits_status c_logsumexp_##sfx(unsigned char *o) \
    { return logits_logsumexp_##sfx(h_ax[F], H(o), OUTER * INNER, AXIS); } \
    static logits_status c_logsumexp_axis_##sfx(unsigned char *o) \
    { return logits_logsumexp_axis_##sfx(h_ax[F], H(o), OUTER, AXIS, INNER, 3.0f, LOGITS_PRECISION_DEFAULT); } \
    static logits_status c_softmax_backward_##sfx(unsigned char *o) \
    { return logits_softmax_backward_##sfx(h_sm[F], h_dy[F], H(o), OUTER * INNER, AXIS); } \
    static logits_status c_softmax_backward_axis_##sfx(unsigned char *o) \
    { return logits_softmax_backward_axis_##sfx(h_sm[F], h_dy[F], H(o), OUTER, AXIS, INNER, 0.7f, \
                                                LOGITS_PRECISION_DEFAULT); } \
    static logits_status c_log_softmax_backward_##sfx(unsigned char *o) \
    { return logits_log_softmax_backward_##sfx(h_lsm[F], h_dy[F], H(o), OUTER * INNER, AXIS); } \
    static logits_status c_log_softmax_backward_axis_##sfx(unsigned char *o) \
    { return logits_log_softmax_backward_axis_##sfx(h_lsm[F], h_dy[F], H(o), OUTER, AXIS, INNER, 1.3f, \
                                                    LOGITS_PRECISION_FAST); } \
    static logits_status c_sigmoid_##sfx(unsigned char *o) { return logits_sigmoid_##sfx(h_ew[F], H(o), EWN); } \
    static logits_status c_log_sigmoid_##sfx(unsigned char *o) \
    { return logits_log_sigmoid_##sfx(h_ew[F], H(o), EWN); } \
    static logits_status c_softplus_##sfx(unsigned char *o) { return logits_softplus_##sfx(h_ew[F], H(o), EWN); } \
    static logits_status c_sigmoid_backward_##sfx(unsigned char *o) \
    { return logits_sigmoid_backward_##sfx(h_sg[F], h_ewdy[F], H(o), EWN); } \
    static logits_status c_log_sigmoid_backward_##sfx(unsigned char *o) \
    { return logits_log_sigmoid_backward_##sfx(h_ls[F], h_ewdy[F], H(o), EWN); } \
    static logits_status c_softplus_backward_##sfx(unsigned char *o) \
    { return logits_softplus_backward_##sfx(h_sp[F], h_ewdy[F], H(o), EWN); } \
    static logits_status c_sigmoid_ex_##sfx(unsigned char *o) \
    { return logits_sigmoid_ex_##sfx(h_ew[F], H(o), EWN, LOGITS_PRECISION_EXACT); } \
    static logits_status c_log_sigmoid_ex_##sfx(unsigned char *o) \
    { return logits_log_sigmoid_ex_##sfx(h_ew[F], H(o), EWN, LOGITS_PRECISION_FAST); } \
    static logits_status c_softplus_ex_##sfx(unsigned char *o) \
    { return logits_softplus_ex_##sfx(h_ew[F], H(o), EWN, LOGITS_PRECISION_EXACT); } \
    static logits_status c_sigmoid_backward_ex_##sfx(unsigned char *o) \
    { return logits_sigmoid_backward_ex_##sfx(h_sg[F], h_ewdy[F], H(o), EWN, LOGITS_PRECISION_FAST); } \
    static logits_status c_log_sigmoid_backward_ex_##sfx(unsigned char *o) \
    { return logits_log_sigmoid_backward_ex_##sfx(h_ls[F], h_ewdy[F], H(o), EWN, LOGITS_PRECISION_EXACT); } \
    static logits_status c_softplus_backward_ex_##sfx(unsigned char *o) \
    { return logits_softplus_backward_ex_##sfx(h_sp[F], h_ewdy[F], H(o), EWN, LOGITS_PRECISION_FAST); } \
    /* losses: float32 losses first, then the 16-bit gradient */ \
    static logits_status c_ce_labels_##sfx(unsigned char *o) \
    { return logits_cross_entropy_labels_##sfx(h_ce_x[F], ce_labels, ce_w32, F32(o), H(o + 4), CE_OUTER, \
                                               CE_CLASSES, CE_INNER, &ce_opt_mean); } \
    static logits_status c_ce_soft_##sfx(unsigned char *o) \
    { return logits_cross_entropy_soft_##sfx(h_ce_x[F], h_ce_t[F], ce_w32, F32(o), H(o + CE_S * 4), CE_OUTER, \
                                             CE_CLASSES, CE_INNER, &ce_opt_none); } \
    static logits_status c_bce_##sfx(unsigned char *o) \
    { return logits_binary_cross_entropy_##sfx(h_bce_x[F], h_bce_t[F], bce_pw32, bce_w32, F32(o), H(o + 4), \
                                               BCE_ROWS, BCE_CLASSES, &bce_opt_focal); }
HALF_CASES(f16, HALF_F16)
HALF_CASES(bf16, HALF_BF16)
#define HALF_ENTRIES(sfx) \
    {"softmax_" #sfx " (rows)", c_softmax_##sfx, AXN * 2, OK}, \
    {"softmax_axis_" #sfx " (fast)", c_softmax_axis_##sfx, AXN * 2, OK}, \
    {"log_softmax_" #sfx " (rows)", c_log_softmax_##sfx, AXN * 2, OK}, \
    {"log_softmax_axis_" #sfx " (exact)", c_log_softmax_axis_##sfx, AXN * 2, OK}, \
    {"logsumexp_" #sfx " (rows)", c_logsumexp_##sfx, ROWS_N * 2, OK}, \
    {"logsumexp_axis_" #sfx, c_logsumexp_axis_##sfx, LSEN * 2, OK}, \
    {"softmax_backward_" #sfx " (rows)", c_softmax_backward_##sfx, AXN * 2, OK}, \
    {"softmax_backward_axis_" #sfx, c_softmax_backward_axis_##sfx, AXN * 2, OK}, \
    {"log_softmax_backward_" #sfx " (rows)", c_log_softmax_backward_##sfx, AXN * 2, OK}, \
    {"log_softmax_backward_axis_" #sfx " (fast)", c_log_softmax_backward_axis_##sfx, AXN * 2, OK}, \
    {"sigmoid_" #sfx, c_sigmoid_##sfx, EWN * 2, OK}, \
    {"log_sigmoid_" #sfx, c_log_sigmoid_##sfx, EWN * 2, OK}, \
    {"softplus_" #sfx, c_softplus_##sfx, EWN * 2, OK}, \
    {"sigmoid_backward_" #sfx, c_sigmoid_backward_##sfx, EWN * 2, OK}, \
    {"log_sigmoid_backward_" #sfx, c_log_sigmoid_backward_##sfx, EWN * 2, OK}, \
    {"softplus_backward_" #sfx, c_softplus_backward_##sfx, EWN * 2, OK}, \
    {"sigmoid_ex_" #sfx " (exact)", c_sigmoid_ex_##sfx, EWN * 2, OK}, \
    {"log_sigmoid_ex_" #sfx " (fast)", c_log_sigmoid_ex_##sfx, EWN * 2, OK}, \
    {"softplus_ex_" #sfx " (exact)", c_softplus_ex_##sfx, EWN * 2, OK}, \
    {"sigmoid_backward_ex_" #sfx " (fast)", c_sigmoid_backward_ex_##sfx, EWN * 2, OK}, \
    {"log_sigmoid_backward_ex_" #sfx " (exact)", c_log_sigmoid_backward_ex_##sfx, EWN * 2, OK}, \
    {"softplus_backward_ex_" #sfx " (fast)", c_softplus_backward_ex_##sfx, EWN * 2, OK}, \
    {"cross_entropy_labels_" #sfx " mean weights smoothing T ignore", c_ce_labels_##sfx, 4 + CE_N * 2, OK}, \
    {"cross_entropy_soft_" #sfx " none weights", c_ce_soft_##sfx, CE_S * 4 + CE_N * 2, OK}, \
    {"binary_cross_entropy_" #sfx " focal alpha pos_weight weight", c_bce_##sfx, 4 + BCE_N * 2, OK}, \
    {"sample_" #sfx " penalties top-k top-p min-p", c_sample_##sfx, ROWS_N * (8 + 2 * 4), OK}, \
    {"sample_from_uniform_" #sfx " llama.cpp order", c_sample_from_uniform_##sfx, ROWS_N * (8 + 4), OK}, \
    {"top_k_" #sfx " k=7", c_top_k_##sfx, ROWS_N * 8 * 2 + ROWS_N * 7 * 8, OK}, \
    {"argmax_" #sfx, c_argmax_##sfx, ROWS_N * 8, OK},

/* Sampling over the axis data seen as ROWS_N x AXIS rows (ax*[5] is -inf). */
static const int64_t sample_history[ROWS_N * 3] = {1, 2, 2, 0, -1, 5, 36, 36, 36, 4, 3, 2, 7, 8, 9,
                                                     1, 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
                                                     0, 0, 0, 1, 2, 3, -1, -1, -1, 20, 21, 22, 30, 31, 32};
static const double sample_uniform[ROWS_N] = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95,
                                              0.99, 0.5, 0.25, 0.75};
static void sample_options(logits_sampler_options *o, int llama)
{
    logits_sampler_options_init(o);
    o->temperature = 0.8;
    o->top_k = 9;
    o->top_p = 0.9;
    o->min_p = 0.02;
    o->repetition_penalty = 1.3;
    o->presence_penalty = 0.2;
    o->frequency_penalty = 0.1;
    o->history = sample_history;
    o->history_len = 3;
    o->order = llama ? LOGITS_SAMPLER_ORDER_LLAMA_CPP : LOGITS_SAMPLER_ORDER_TRANSFORMERS;
    o->seed = 12345;
}
static logits_status c_sample_f32(unsigned char *o)
{
    logits_sampler_options opt;
    sample_options(&opt, 0);
    return logits_sample_f32(ax32, (int64_t *)(void *)o, F32(o + ROWS_N * 8), F32(o + ROWS_N * 12),
                             ROWS_N, AXIS, &opt);
}
static logits_status c_sample_f64(unsigned char *o)
{
    logits_sampler_options opt;
    sample_options(&opt, 1);
    opt.top_k = 0; /* top-p on the whole row */
    return logits_sample_f64(ax64, (int64_t *)(void *)o, F64(o + ROWS_N * 8), F64(o + ROWS_N * 16),
                             ROWS_N, AXIS, &opt);
}
static logits_status c_sample_from_uniform_f32(unsigned char *o)
{
    logits_sampler_options opt;
    sample_options(&opt, 1);
    return logits_sample_from_uniform_f32(ax32, sample_uniform, (int64_t *)(void *)o, F32(o + ROWS_N * 8),
                                          NULL, ROWS_N, AXIS, &opt);
}
static logits_status c_sample_from_uniform_f64(unsigned char *o)
{
    return logits_sample_from_uniform_f64(ax64, sample_uniform, (int64_t *)(void *)o, NULL,
                                          F64(o + ROWS_N * 8), ROWS_N, AXIS, NULL);
}
static logits_status c_top_k_f32(unsigned char *o)
{ return logits_top_k_f32(ax32, F32(o), (int64_t *)(void *)(o + ROWS_N * 7 * 4), ROWS_N, AXIS, 7); }
static logits_status c_top_k_f64(unsigned char *o)
{ return logits_top_k_f64(ax64, F64(o), (int64_t *)(void *)(o + ROWS_N * 7 * 8), ROWS_N, AXIS, 7); }
static logits_status c_argmax_f32(unsigned char *o)
{ return logits_argmax_f32(ax32, (int64_t *)(void *)o, ROWS_N, AXIS); }
static logits_status c_argmax_f64(unsigned char *o)
{ return logits_argmax_f64(ax64, (int64_t *)(void *)o, ROWS_N, AXIS); }
/* The 16-bit sampler, top-k and argmax (tokens first, float32 log-probabilities after). */
#define HALF_SAMPLING_CASES(sfx, F) \
    static logits_status c_sample_##sfx(unsigned char *o) \
    { logits_sampler_options opt; sample_options(&opt, 0); \
      return logits_sample_##sfx(h_ax[F], (int64_t *)(void *)o, F32(o + ROWS_N * 8), F32(o + ROWS_N * 12), \
                                 ROWS_N, AXIS, &opt); } \
    static logits_status c_sample_from_uniform_##sfx(unsigned char *o) \
    { logits_sampler_options opt; sample_options(&opt, 1); \
      return logits_sample_from_uniform_##sfx(h_ax[F], sample_uniform, (int64_t *)(void *)o, \
                                              F32(o + ROWS_N * 8), NULL, ROWS_N, AXIS, &opt); } \
    static logits_status c_top_k_##sfx(unsigned char *o) \
    { return logits_top_k_##sfx(h_ax[F], H(o), (int64_t *)(void *)(o + ROWS_N * 8 * 2), ROWS_N, AXIS, 7); } \
    static logits_status c_argmax_##sfx(unsigned char *o) \
    { return logits_argmax_##sfx(h_ax[F], (int64_t *)(void *)o, ROWS_N, AXIS); }
HALF_SAMPLING_CASES(f16, HALF_F16)
HALF_SAMPLING_CASES(bf16, HALF_BF16)
static logits_status c_softmax_rows_fast_f32(unsigned char *o)
{ return logits_softmax_axis_f32(ax32, F32(o), OUTER * INNER, AXIS, 1, 1.0f, LOGITS_PRECISION_FAST); }
static logits_status c_softmax_rows_exact_f32(unsigned char *o)
{ return logits_softmax_axis_f32(ax32, F32(o), OUTER * INNER, AXIS, 1, 1.0f, LOGITS_PRECISION_EXACT); }
static logits_status c_log_softmax_rows_fast_f32(unsigned char *o)
{ return logits_log_softmax_axis_f32(ax32, F32(o), OUTER * INNER, AXIS, 1, 0.8f, LOGITS_PRECISION_FAST); }
static logits_status c_log_softmax_rows_exact_f32(unsigned char *o)
{ return logits_log_softmax_axis_f32(ax32, F32(o), OUTER * INNER, AXIS, 1, 0.8f, LOGITS_PRECISION_EXACT); }

/* Losses: out = loss values, then the gradient. */
static logits_status c_ce_labels_mean_f32(unsigned char *o)
{
    return logits_cross_entropy_labels_f32(ce_x32, ce_labels, ce_w32, F32(o), F32(o) + 1,
                                           CE_OUTER, CE_CLASSES, CE_INNER, &ce_opt_mean);
}
static logits_status c_ce_labels_none_f64(unsigned char *o)
{
    return logits_cross_entropy_labels_f64(ce_x64, ce_labels, NULL, F64(o), F64(o) + CE_S,
                                           CE_OUTER, CE_CLASSES, CE_INNER, &ce_opt_none);
}
static logits_status c_ce_labels_mean_f64(unsigned char *o)
{
    return logits_cross_entropy_labels_f64(ce_x64, ce_labels, ce_w64, F64(o), F64(o) + 1,
                                           CE_OUTER, CE_CLASSES, CE_INNER, &ce_opt_mean);
}
static logits_status c_ce_soft_mean_f32(unsigned char *o)
{
    return logits_cross_entropy_soft_f32(ce_x32, ce_t32, ce_w32, F32(o), F32(o) + 1,
                                         CE_OUTER, CE_CLASSES, CE_INNER, &ce_opt_mean);
}
static logits_status c_ce_soft_none_f64(unsigned char *o)
{
    return logits_cross_entropy_soft_f64(ce_x64, ce_t64, ce_w64, F64(o), F64(o) + CE_S,
                                         CE_OUTER, CE_CLASSES, CE_INNER, &ce_opt_none);
}
static logits_status c_ce_soft_probs_f32(unsigned char *o)
{
    return logits_cross_entropy_soft_f32(ce_p32, ce_t32, NULL, F32(o), F32(o) + 1,
                                         CE_OUTER, CE_CLASSES, CE_INNER, &ce_opt_probs);
}
static logits_status c_ce_labels_probs_f64(unsigned char *o)
{
    return logits_cross_entropy_labels_f64(ce_p64, ce_labels, ce_w64, F64(o), F64(o) + 1,
                                           CE_OUTER, CE_CLASSES, CE_INNER, &ce_opt_probs);
}
static logits_status c_bce_focal_f32(unsigned char *o)
{
    return logits_binary_cross_entropy_f32(bce_x32, bce_t32, bce_pw32, bce_w32, F32(o),
                                           F32(o) + 1, BCE_ROWS, BCE_CLASSES, &bce_opt_focal);
}
static logits_status c_bce_focal_f64(unsigned char *o)
{
    return logits_binary_cross_entropy_f64(bce_x64, bce_t64, bce_pw64, bce_w64, F64(o),
                                           F64(o) + 1, BCE_ROWS, BCE_CLASSES, &bce_opt_focal);
}
static logits_status c_bce_none_f64(unsigned char *o)
{
    return logits_binary_cross_entropy_f64(bce_x64, bce_t64, NULL, NULL, F64(o),
                                           F64(o) + BCE_N, BCE_ROWS, BCE_CLASSES, &bce_opt_none);
}
static logits_status c_bce_probs_focal_f32(unsigned char *o)
{
    return logits_binary_cross_entropy_f32(bce_p32, bce_t32, bce_pw32, NULL, F32(o),
                                           F32(o) + 1, BCE_ROWS, BCE_CLASSES, &bce_opt_probs);
}

/* Calls that fail validation (phase 1, then phase 2 again). */
static logits_status e_bad_temperature(unsigned char *o)
{ return logits_softmax_axis_f32(ax32, F32(o), OUTER, AXIS, INNER, 0.0f, LOGITS_PRECISION_DEFAULT); }
static logits_status e_label_out_of_range(unsigned char *o)
{
    return logits_cross_entropy_labels_f64(ce_x64, ce_bad_labels, NULL, F64(o), F64(o) + 1,
                                           CE_OUTER, CE_CLASSES, CE_INNER, &ce_opt_mean);
}
static logits_status e_bad_target(unsigned char *o)
{
    return logits_binary_cross_entropy_f32(bce_x32, bce_bad_t32, NULL, NULL, F32(o),
                                           F32(o) + 1, BCE_ROWS, BCE_CLASSES, &bce_opt_focal);
}
static logits_status e_negative_weight(unsigned char *o)
{
    static const float w[CE_CLASSES] = {1, 1, 1, -1, 1, 1, 1, 1, 1, 1, 1};
    return logits_cross_entropy_soft_f32(ce_x32, ce_t32, w, F32(o), F32(o) + 1,
                                         CE_OUTER, CE_CLASSES, CE_INNER, &ce_opt_mean);
}
static logits_status e_bad_probabilities(unsigned char *o)
{
    /* logits passed as probabilities: negative values */
    return logits_cross_entropy_soft_f64(ce_x64, ce_t64, NULL, F64(o), F64(o) + 1,
                                         CE_OUTER, CE_CLASSES, CE_INNER, &ce_opt_probs);
}
static logits_status e_bad_options(unsigned char *o)
{
    logits_bce_options opt = bce_opt_focal;
    opt.has_alpha = 7;
    return logits_binary_cross_entropy_f64(bce_x64, bce_t64, NULL, NULL, F64(o), F64(o) + 1,
                                           BCE_ROWS, BCE_CLASSES, &opt);
}

#define FS sizeof(float)
#define DS sizeof(double)
#define OK LOGITS_OK

static const case_t error_cases[] = {
    {"softmax_axis_f32 T=0", e_bad_temperature, AXN * FS, LOGITS_ERROR_INVALID_ARGUMENT},
    {"cross_entropy_labels_f64 label out of range", e_label_out_of_range, (1 + CE_N) * DS,
     LOGITS_ERROR_LABEL_OUT_OF_RANGE},
    {"binary_cross_entropy_f32 target 1.5", e_bad_target, (1 + BCE_N) * FS, LOGITS_ERROR_INVALID_ARGUMENT},
    {"cross_entropy_soft_f32 negative weight", e_negative_weight, (1 + CE_N) * FS,
     LOGITS_ERROR_INVALID_ARGUMENT},
    {"cross_entropy_soft_f64 negative probabilities", e_bad_probabilities, (1 + CE_N) * DS,
     LOGITS_ERROR_INVALID_ARGUMENT},
    {"binary_cross_entropy_f64 has_alpha=7", e_bad_options, (1 + BCE_N) * DS, LOGITS_ERROR_INVALID_ARGUMENT},
};
#define N_ERROR_CASES (sizeof error_cases / sizeof error_cases[0])

static const case_t ok_cases[] = {
    {"sigmoid_ex_f32 (exact)", c_sigmoid_ex_f32, EWN * FS, OK},
    {"sigmoid_ex_f32 (fast)", c_sigmoid_ex_fast_f32, EWN * FS, OK},
    {"sigmoid_ex_f64 (fast)", c_sigmoid_ex_f64, EWN * DS, OK},
    {"log_sigmoid_ex_f32 (fast)", c_log_sigmoid_ex_f32, EWN * FS, OK},
    {"log_sigmoid_ex_f64 (exact)", c_log_sigmoid_ex_f64, EWN * DS, OK},
    {"softplus_ex_f32 (exact)", c_softplus_ex_f32, EWN * FS, OK},
    {"softplus_ex_f64 (fast)", c_softplus_ex_f64, EWN * DS, OK},
    {"sigmoid_backward_ex_f32 (fast)", c_sigmoid_backward_ex_f32, EWN * FS, OK},
    {"sigmoid_backward_ex_f64 (exact)", c_sigmoid_backward_ex_f64, EWN * DS, OK},
    {"log_sigmoid_backward_ex_f32 (exact)", c_log_sigmoid_backward_ex_f32, EWN * FS, OK},
    {"log_sigmoid_backward_ex_f64 (fast)", c_log_sigmoid_backward_ex_f64, EWN * DS, OK},
    {"softplus_backward_ex_f32 (fast)", c_softplus_backward_ex_f32, EWN * FS, OK},
    {"softplus_backward_ex_f64 (exact)", c_softplus_backward_ex_f64, EWN * DS, OK},
    {"softmax_axis_f32 (rows, fast)", c_softmax_rows_fast_f32, AXN * FS, OK},
    {"softmax_axis_f32 (rows, exact)", c_softmax_rows_exact_f32, AXN * FS, OK},
    {"log_softmax_axis_f32 (rows, T, fast)", c_log_softmax_rows_fast_f32, AXN * FS, OK},
    {"log_softmax_axis_f32 (rows, T, exact)", c_log_softmax_rows_exact_f32, AXN * FS, OK},
    {"softmax_axis_f32", c_softmax_axis_f32, AXN * FS, OK},
    {"softmax_axis_f64", c_softmax_axis_f64, AXN * DS, OK},
    {"log_softmax_axis_f32", c_log_softmax_axis_f32, AXN * FS, OK},
    {"log_softmax_axis_f64", c_log_softmax_axis_f64, AXN * DS, OK},
    {"logsumexp_axis_f32", c_logsumexp_axis_f32, LSEN * FS, OK},
    {"logsumexp_axis_f64", c_logsumexp_axis_f64, LSEN * DS, OK},
    {"softmax_f32 (rows)", c_softmax_rows_f32, AXN * FS, OK},
    {"softmax_f64 (rows)", c_softmax_rows_f64, AXN * DS, OK},
    {"log_softmax_f32 (rows)", c_log_softmax_rows_f32, AXN * FS, OK},
    {"log_softmax_f64 (rows)", c_log_softmax_rows_f64, AXN * DS, OK},
    {"logsumexp_f32 (rows)", c_logsumexp_rows_f32, ROWS_N * FS, OK},
    {"logsumexp_f64 (rows)", c_logsumexp_rows_f64, ROWS_N * DS, OK},
    {"softmax_backward_f32 (rows)", c_softmax_backward_rows_f32, AXN * FS, OK},
    {"softmax_backward_f64 (rows)", c_softmax_backward_rows_f64, AXN * DS, OK},
    {"log_softmax_backward_f32 (rows)", c_log_softmax_backward_rows_f32, AXN * FS, OK},
    {"log_softmax_backward_f64 (rows)", c_log_softmax_backward_rows_f64, AXN * DS, OK},
    {"softmax_backward_axis_f32", c_softmax_backward_axis_f32, AXN * FS, OK},
    {"softmax_backward_axis_f64", c_softmax_backward_axis_f64, AXN * DS, OK},
    {"log_softmax_backward_axis_f32", c_log_softmax_backward_axis_f32, AXN * FS, OK},
    {"log_softmax_backward_axis_f64", c_log_softmax_backward_axis_f64, AXN * DS, OK},
    {"sigmoid_f32", c_sigmoid_f32, EWN * FS, OK},
    {"sigmoid_f64", c_sigmoid_f64, EWN * DS, OK},
    {"log_sigmoid_f32", c_log_sigmoid_f32, EWN * FS, OK},
    {"log_sigmoid_f64", c_log_sigmoid_f64, EWN * DS, OK},
    {"softplus_f32", c_softplus_f32, EWN * FS, OK},
    {"softplus_f64", c_softplus_f64, EWN * DS, OK},
    {"sigmoid_backward_f32", c_sigmoid_backward_f32, EWN * FS, OK},
    {"sigmoid_backward_f64", c_sigmoid_backward_f64, EWN * DS, OK},
    {"log_sigmoid_backward_f32", c_log_sigmoid_backward_f32, EWN * FS, OK},
    {"log_sigmoid_backward_f64", c_log_sigmoid_backward_f64, EWN * DS, OK},
    {"softplus_backward_f32", c_softplus_backward_f32, EWN * FS, OK},
    {"softplus_backward_f64", c_softplus_backward_f64, EWN * DS, OK},
    {"cross_entropy_labels_f32 mean weights smoothing T ignore", c_ce_labels_mean_f32, (1 + CE_N) * FS, OK},
    {"cross_entropy_labels_f64 mean weights smoothing T ignore", c_ce_labels_mean_f64, (1 + CE_N) * DS, OK},
    {"cross_entropy_labels_f64 none", c_ce_labels_none_f64, (CE_S + CE_N) * DS, OK},
    {"cross_entropy_soft_f32 mean weights", c_ce_soft_mean_f32, (1 + CE_N) * FS, OK},
    {"cross_entropy_soft_f64 none weights", c_ce_soft_none_f64, (CE_S + CE_N) * DS, OK},
    {"cross_entropy_soft_f32 from probabilities", c_ce_soft_probs_f32, (1 + CE_N) * FS, OK},
    {"cross_entropy_labels_f64 from probabilities", c_ce_labels_probs_f64, (1 + CE_N) * DS, OK},
    {"binary_cross_entropy_f32 focal alpha pos_weight weight", c_bce_focal_f32, (1 + BCE_N) * FS, OK},
    {"binary_cross_entropy_f64 focal alpha pos_weight weight", c_bce_focal_f64, (1 + BCE_N) * DS, OK},
    {"binary_cross_entropy_f64 none", c_bce_none_f64, (BCE_N + BCE_N) * DS, OK},
    {"binary_cross_entropy_f32 focal from probabilities", c_bce_probs_focal_f32, (1 + BCE_N) * FS, OK},
    {"sample_f32 penalties top-k top-p min-p", c_sample_f32, ROWS_N * (8 + 2 * FS), OK},
    {"sample_f64 llama.cpp order top-p min-p", c_sample_f64, ROWS_N * (8 + 2 * DS), OK},
    {"sample_from_uniform_f32 llama.cpp order", c_sample_from_uniform_f32, ROWS_N * (8 + FS), OK},
    {"sample_from_uniform_f64 no options", c_sample_from_uniform_f64, ROWS_N * (8 + DS), OK},
    {"top_k_f32 k=7", c_top_k_f32, ROWS_N * 7 * (FS + 8), OK},
    {"top_k_f64 k=7", c_top_k_f64, ROWS_N * 7 * (DS + 8), OK},
    {"argmax_f32", c_argmax_f32, ROWS_N * 8, OK},
    {"argmax_f64", c_argmax_f64, ROWS_N * 8, OK},
    HALF_ENTRIES(f16)
    HALF_ENTRIES(bf16)
};
#define N_OK_CASES (sizeof ok_cases / sizeof ok_cases[0])
#define N_CASES (N_OK_CASES + N_ERROR_CASES)

static const case_t *case_at(size_t i)
{
    return i < N_OK_CASES ? &ok_cases[i] : &error_cases[i - N_OK_CASES];
}

/* ------------------------------------------------------------------------ */
/* Inputs and serial references                                             */
/* ------------------------------------------------------------------------ */

static void make_inputs(void)
{
    size_t i;
    for (i = 0; i < AXN; i++) {
        ax64[i] = rng_uniform(-9, 9);
        ax32[i] = (float)ax64[i];
        dy64[i] = rng_uniform(-1, 1);
        dy32[i] = (float)dy64[i];
    }
    ax64[5] = ax32[5] = -INFINITY; /* a masked entry */
    for (i = 0; i < EWN; i++) {
        ew64[i] = rng_uniform(-40, 40);
        ew32[i] = (float)ew64[i];
        ewdy64[i] = rng_uniform(-2, 2);
        ewdy32[i] = (float)ewdy64[i];
    }
    for (i = 0; i < CE_N; i++) {
        ce_x64[i] = rng_uniform(-6, 6);
        ce_x32[i] = (float)ce_x64[i];
        ce_t64[i] = rng_uniform(0, 1);
        ce_t32[i] = (float)ce_t64[i];
        ce_p64[i] = rng_uniform(0.01, 1);
        ce_p32[i] = (float)ce_p64[i];
    }
    for (i = 0; i < CE_CLASSES; i++) {
        ce_w64[i] = rng_uniform(0.2, 2);
        ce_w32[i] = (float)ce_w64[i];
    }
    for (i = 0; i < CE_S; i++) {
        ce_labels[i] = (int64_t)(i * 7 % CE_CLASSES);
        ce_bad_labels[i] = ce_labels[i];
    }
    ce_labels[4] = -100; /* ignored */
    ce_bad_labels[CE_S - 1] = CE_CLASSES;
    for (i = 0; i < BCE_N; i++) {
        bce_x64[i] = rng_uniform(-8, 8);
        bce_x32[i] = (float)bce_x64[i];
        bce_t64[i] = i % 3 == 0 ? rng_uniform(0, 1) : (double)(i % 2);
        bce_t32[i] = (float)bce_t64[i];
        bce_bad_t32[i] = bce_t32[i];
        bce_w64[i] = rng_uniform(0, 3);
        bce_w32[i] = (float)bce_w64[i];
        bce_p64[i] = rng_uniform(0, 1);
        bce_p32[i] = (float)bce_p64[i];
    }
    bce_bad_t32[BCE_N / 2] = 1.5f;
    for (i = 0; i < BCE_CLASSES; i++) {
        bce_pw64[i] = rng_uniform(0.5, 4);
        bce_pw32[i] = (float)bce_pw64[i];
    }

    logits_ce_options_init(&ce_opt_mean);
    ce_opt_mean.has_ignore_index = 1;
    ce_opt_mean.label_smoothing = 0.1;
    ce_opt_mean.temperature = 1.3;
    logits_ce_options_init(&ce_opt_none);
    ce_opt_none.reduction = LOGITS_REDUCTION_NONE;
    ce_opt_none.label_smoothing = 0.05;
    ce_opt_none.has_ignore_index = 1;
    logits_ce_options_init(&ce_opt_probs);
    ce_opt_probs.from_logits = 0;
    ce_opt_probs.reduction = LOGITS_REDUCTION_SUM;
    ce_opt_probs.has_ignore_index = 1;

    logits_bce_options_init(&bce_opt_focal);
    bce_opt_focal.gamma = 2.0;
    bce_opt_focal.has_alpha = 1;
    bce_opt_focal.alpha = 0.25;
    bce_opt_focal.label_smoothing = 0.05;
    logits_bce_options_init(&bce_opt_none);
    bce_opt_none.reduction = LOGITS_REDUCTION_NONE;
    logits_bce_options_init(&bce_opt_probs);
    bce_opt_probs.from_logits = 0;
    bce_opt_probs.gamma = 1.5;
    bce_opt_probs.reduction = LOGITS_REDUCTION_SUM;
}

/* Forward outputs used as the y inputs of the backward functions. */
static int make_forward_inputs(void)
{
    int bad = 0;
    bad |= logits_softmax_axis_f32(ax32, sm32, OUTER, AXIS, INNER, 0.7f, LOGITS_PRECISION_DEFAULT);
    bad |= logits_softmax_axis_f64(ax64, sm64, OUTER, AXIS, INNER, 2.5, LOGITS_PRECISION_DEFAULT);
    bad |= logits_log_softmax_axis_f32(ax32, lsm32, OUTER, AXIS, INNER, 1.3f, LOGITS_PRECISION_DEFAULT);
    bad |= logits_log_softmax_axis_f64(ax64, lsm64, OUTER, AXIS, INNER, 0.45, LOGITS_PRECISION_DEFAULT);
    bad |= logits_sigmoid_f32(ew32, sg32, EWN);
    bad |= logits_sigmoid_f64(ew64, sg64, EWN);
    bad |= logits_log_sigmoid_f32(ew32, ls32, EWN);
    bad |= logits_log_sigmoid_f64(ew64, ls64, EWN);
    bad |= logits_softplus_f32(ew32, sp32, EWN);
    bad |= logits_softplus_f64(ew64, sp64, EWN);
    {
        int f;
        size_t i;
        for (f = 0; f < 2; f++) {
            for (i = 0; i < AXN; i++) {
                h_ax[f][i] = half_from_double(f, ax32[i]);
                h_sm[f][i] = half_from_double(f, sm32[i]);
                h_lsm[f][i] = half_from_double(f, lsm32[i]);
                h_dy[f][i] = half_from_double(f, dy32[i]);
            }
            for (i = 0; i < CE_N; i++) {
                h_ce_x[f][i] = half_from_double(f, ce_x32[i]);
                h_ce_t[f][i] = half_from_double(f, ce_t32[i]);
            }
            for (i = 0; i < BCE_N; i++) {
                h_bce_x[f][i] = half_from_double(f, bce_x32[i]);
                h_bce_t[f][i] = half_from_double(f, bce_t32[i]);
            }
            for (i = 0; i < EWN; i++) {
                h_ew[f][i] = half_from_double(f, ew32[i]);
                h_sg[f][i] = half_from_double(f, sg32[i]);
                h_ls[f][i] = half_from_double(f, ls32[i]);
                h_sp[f][i] = half_from_double(f, sp32[i]);
                h_ewdy[f][i] = half_from_double(f, ewdy32[i]);
            }
        }
    }
    return bad == 0;
}

static unsigned char *ref_out[N_CASES];
static logits_status ref_status[N_CASES];
static size_t max_out_bytes;

/* ------------------------------------------------------------------------ */
/* Threads                                                                  */
/* ------------------------------------------------------------------------ */

static int g_iterations = 1000;
static pthread_barrier_t g_barrier;

typedef struct {
    int id;
    long calls;
    long phase1_failures;
    long status_mismatch[N_CASES];
    long byte_mismatch[N_CASES];
} thread_result_t;

static int untouched(const unsigned char *p, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        if (p[i] != SENTINEL) return 0;
    return 1;
}

static void *worker(void *arg)
{
    thread_result_t *r = (thread_result_t *)arg;
    unsigned char *out = (unsigned char *)malloc(max_out_bytes);
    size_t k, j;
    int it;
    if (out == NULL) {
        r->phase1_failures = -1;
        return NULL;
    }

    /* Phase 1: error paths, first use in the process, all threads at once. */
    pthread_barrier_wait(&g_barrier);
    for (k = 0; k < N_ERROR_CASES; k++) {
        const case_t *c = &error_cases[(k + (size_t)r->id) % N_ERROR_CASES];
        logits_status st;
        memset(out, SENTINEL, c->out_bytes);
        st = c->fn(out);
        r->calls++;
        if (st != c->expect || !untouched(out, c->out_bytes)) r->phase1_failures++;
    }

    /* Phase 2: everything, many times, in a per-thread order. */
    pthread_barrier_wait(&g_barrier);
    for (it = 0; it < g_iterations; it++) {
        for (j = 0; j < N_CASES; j++) {
            size_t i = (j * (size_t)(2 * r->id + 1) + (size_t)it + (size_t)r->id) % N_CASES;
            const case_t *c = case_at(i);
            logits_status st;
            memset(out, SENTINEL, c->out_bytes);
            st = c->fn(out);
            r->calls++;
            if (st != ref_status[i]) r->status_mismatch[i]++;
            if (memcmp(out, ref_out[i], c->out_bytes) != 0) r->byte_mismatch[i]++;
        }
    }
    free(out);
    return NULL;
}

/* ------------------------------------------------------------------------ */

static int g_passed, g_failed;

static void check(int ok, const char *what, const char *detail)
{
    if (ok) {
        g_passed++;
    } else {
        g_failed++;
        printf("FAIL: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    }
}

int main(int argc, char **argv)
{
    static thread_result_t results[NTHREADS];
    pthread_t threads[NTHREADS];
    size_t i;
    int t, started = 0;
    long total_calls = 0, p1 = 0;
    char msg[256];

    if (argc > 1) g_iterations = atoi(argv[1]);
    if (g_iterations < 1) g_iterations = 1;

    make_inputs();
    check(make_forward_inputs(), "forward inputs for the backward cases", NULL);
    {
        /* Every operation and type of abi/operations.h has a thread case. */
        static const char *names[N_OK_CASES];
        for (i = 0; i < N_OK_CASES; i++) names[i] = ok_cases[i].name;
        check(list_missing("threads_test", names, N_OK_CASES, NULL) == 0,
              "every listed operation has a case", NULL);
    }

    /* Serial references (the OK cases only: phase 1 must be the first time
     * the error paths run; their references are computed after it). */
    for (i = 0; i < N_CASES; i++) {
        const case_t *c = case_at(i);
        if (c->out_bytes > max_out_bytes) max_out_bytes = c->out_bytes;
        ref_out[i] = (unsigned char *)malloc(c->out_bytes);
        if (ref_out[i] == NULL) {
            printf("FAIL: out of memory\n0 passed, 1 failed\n");
            return 1;
        }
    }
    for (i = 0; i < N_OK_CASES; i++) {
        const case_t *c = &ok_cases[i];
        unsigned char *again = (unsigned char *)malloc(c->out_bytes);
        memset(ref_out[i], SENTINEL, c->out_bytes);
        ref_status[i] = c->fn(ref_out[i]);
        snprintf(msg, sizeof msg, "status %d (%s)", (int)ref_status[i],
                 logits_status_string(ref_status[i]));
        check(ref_status[i] == LOGITS_OK, c->name, msg);
        /* The serial call is itself deterministic. */
        if (again != NULL) {
            memset(again, SENTINEL, c->out_bytes);
            c->fn(again);
            check(memcmp(again, ref_out[i], c->out_bytes) == 0, c->name,
                  "two serial calls differ");
            free(again);
        }
    }

    if (pthread_barrier_init(&g_barrier, NULL, NTHREADS) != 0) {
        printf("FAIL: pthread_barrier_init\n0 passed, 1 failed\n");
        return 1;
    }
    /* The error cases must not run before phase 1, so their reference is
     * the documented behaviour (the status, output untouched); the same
     * calls are made serially after the threads end and compared with it. */
    for (i = 0; i < N_ERROR_CASES; i++) {
        const case_t *c = &error_cases[i];
        ref_status[N_OK_CASES + i] = c->expect;
        memset(ref_out[N_OK_CASES + i], SENTINEL, c->out_bytes);
    }

    for (t = 0; t < NTHREADS; t++) {
        results[t].id = t;
        if (pthread_create(&threads[t], NULL, worker, &results[t]) != 0) break;
        started++;
    }
    check(started == NTHREADS, "pthread_create", NULL);
    if (started != NTHREADS) {
        /* The barrier cannot be passed: give up without joining. */
        printf("%d passed, %d failed\n", g_passed, g_failed);
        return 1;
    }
    for (t = 0; t < NTHREADS; t++) pthread_join(threads[t], NULL);
    pthread_barrier_destroy(&g_barrier);

    for (t = 0; t < NTHREADS; t++) {
        total_calls += results[t].calls;
        p1 += results[t].phase1_failures;
    }
    snprintf(msg, sizeof msg, "%ld wrong status or touched output", p1);
    check(p1 == 0, "phase 1: concurrent first use of the error paths", msg);

    /* The error cases again, serially now, must agree with the expectation. */
    for (i = 0; i < N_ERROR_CASES; i++) {
        const case_t *c = &error_cases[i];
        unsigned char *o = (unsigned char *)malloc(c->out_bytes);
        logits_status st;
        if (o == NULL) continue;
        memset(o, SENTINEL, c->out_bytes);
        st = c->fn(o);
        snprintf(msg, sizeof msg, "serial: status %d, expected %d", (int)st, (int)c->expect);
        check(st == c->expect && untouched(o, c->out_bytes), c->name, msg);
        free(o);
    }

    for (i = 0; i < N_CASES; i++) {
        const case_t *c = case_at(i);
        long sm = 0, bm = 0;
        for (t = 0; t < NTHREADS; t++) {
            sm += results[t].status_mismatch[i];
            bm += results[t].byte_mismatch[i];
        }
        snprintf(msg, sizeof msg, "%ld of %d threaded calls returned another status, "
                 "%ld differ from the serial result", sm, NTHREADS * g_iterations, bm);
        check(sm == 0 && bm == 0, c->name, msg);
    }

    for (i = 0; i < N_CASES; i++) free(ref_out[i]);
    printf("threads_test: %d threads, %d iterations, %ld calls, %d cases\n", NTHREADS,
           g_iterations, total_calls, (int)N_CASES);
    printf("%d passed, %d failed\n", g_passed, g_failed);
    return g_failed == 0 ? 0 : 1;
}
