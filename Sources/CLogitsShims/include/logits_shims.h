/*
 * logits_shims.h: the small C part of liblogits, for what Swift should not do
 * on the C path (as swift-numerics' _NumericsShims): the calling thread's
 * last refusal, kept as plain data in thread-local storage, and its message,
 * formatted with snprintf only when asked. Nothing here allocates or traps.
 * Not installed; include/logits.h documents the public calls built on it
 * (logits_last_error_message).
 */
#ifndef LOGITS_SHIMS_H
#define LOGITS_SHIMS_H

#include <stdint.h>

/* Why a call was refused: the same order as Refusal.Reason (Refusal.swift),
 * checked by Tests/LogitsTests (every reason has its own message). */
enum {
    LOGITS_REASON_NULL_POINTER, LOGITS_REASON_SIZE_OVERFLOW, LOGITS_REASON_OVERLAP,
    LOGITS_REASON_LABEL_OUT_OF_RANGE,
    LOGITS_REASON_TEMPERATURE, LOGITS_REASON_TEMPERATURE_WITH_PROBABILITIES,
    LOGITS_REASON_LABEL_SMOOTHING, LOGITS_REASON_EPS, LOGITS_REASON_GAMMA, LOGITS_REASON_ALPHA,
    LOGITS_REASON_REDUCTION, LOGITS_REASON_FROM_LOGITS_FLAG, LOGITS_REASON_IGNORE_INDEX_FLAG,
    LOGITS_REASON_ALPHA_FLAG, LOGITS_REASON_CE_STRUCT_SIZE, LOGITS_REASON_BCE_STRUCT_SIZE,
    LOGITS_REASON_NO_CLASSES,
    LOGITS_REASON_CLASS_WEIGHT, LOGITS_REASON_SOFT_TARGET, LOGITS_REASON_POS_WEIGHT,
    LOGITS_REASON_ELEMENT_WEIGHT, LOGITS_REASON_BINARY_TARGET, LOGITS_REASON_BINARY_PROBABILITY,
    LOGITS_REASON_PROBABILITY, LOGITS_REASON_PROBABILITY_SUM,
    LOGITS_REASON_PRECISION,
    LOGITS_REASON_SAMPLER_TEMPERATURE, LOGITS_REASON_TOP_K, LOGITS_REASON_TOP_P, LOGITS_REASON_MIN_P,
    LOGITS_REASON_REPETITION_PENALTY, LOGITS_REASON_ADDITIVE_PENALTY,
    LOGITS_REASON_SAMPLER_ORDER, LOGITS_REASON_SAMPLER_STRUCT_SIZE, LOGITS_REASON_HISTORY_TWICE,
    LOGITS_REASON_NO_VOCABULARY, LOGITS_REASON_TOP_K_COUNT,
    LOGITS_REASON_HISTORY_ID, LOGITS_REASON_HISTORY_COUNT, LOGITS_REASON_BIAS_ID, LOGITS_REASON_BIAS_VALUE,
    LOGITS_REASON_UNIFORM, LOGITS_REASON_LOGIT_NAN, LOGITS_REASON_NOTHING_TO_SAMPLE,
    LOGITS_REASON_OUT_OF_MEMORY,
    LOGITS_REASON_COUNT
};

/* One refusal as plain data. */
typedef struct lgt_shims_refusal {
    int32_t status;   /* the logits_status returned (0: the call succeeded) */
    int32_t reason;   /* LOGITS_REASON_* */
    int64_t position; /* flat index of the offending value, label or sample */
    int64_t label;    /* the offending label (LABEL_OUT_OF_RANGE) */
    int64_t limit;    /* the number of classes (LABEL_OUT_OF_RANGE) */
    int64_t inner;    /* the layout's inner size (LABEL_OUT_OF_RANGE): the
                         label is sample (position / inner, position % inner) */
    double value;     /* the offending value; for LABEL_OUT_OF_RANGE the
                         ignore index, NaN when there is none */
} lgt_shims_refusal;

/* The kernel table (a Swift KernelTable) compiled for CPU level 3 or 4 in
 * the exact (fast = 0) or fast precision, or NULL when that level's module
 * is not linked into this program (levels.c). */
const void *lgt_shims_kernel_table(int32_t level, int32_t fast);

/* Stores a refusal as the calling thread's last one. */
void lgt_shims_record(int32_t status, int32_t reason, int64_t position, int64_t label,
                         int64_t limit, int64_t inner, double value);

/* Marks the calling thread's last call as successful. */
void lgt_shims_clear(void);

/* Writes the message for `refusal` into buf (at most size bytes, always
 * NUL-terminated when size > 0); returns buf. */
const char *lgt_shims_format(const lgt_shims_refusal *refusal, char *buf, unsigned long size);

/* The calling thread's message: "" after a successful call, else the
 * formatted refusal, in a thread-local buffer valid until the thread's next
 * call. Never NULL. */
const char *lgt_shims_last_message(void);

/* XCR0, the register states the operating system has enabled (xgetbv 0):
 * bits 1-2 SSE/AVX, 5-7 AVX-512. Call only where CPUID reports OSXSAVE.
 * 0 on other architectures. */
uint64_t lgt_shims_xcr0(void);

/* Registers the three fork handlers with pthread_atfork, once per process
 * (later calls do nothing). pthread_once keeps it safe against a fork in
 * the middle of it. */
void lgt_shims_atfork_once(void (*prepare)(void), void (*parent)(void), void (*child)(void));

/* LOGITS_VERSION_STRING of include/logits.h. */
const char *lgt_shims_version_string(void);

/* A store fence (sfence on x86-64; nothing elsewhere): after streaming
 * (non-temporal) stores, before the data is handed to another thread. Swift
 * cannot emit the instruction itself. */
void lgt_shims_store_fence(void);

/* Hints that the cache line holding p will be read soon (prefetcht0 on
 * x86-64); never faults, whatever p. Inline: one instruction in the loops
 * that issue it. */
static inline void lgt_shims_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

/* A static description of a status code ("invalid argument: ..."). */
const char *lgt_shims_status_string(int32_t status);

#endif
