/*
 * half_ops.h: the operations abi/operations.h lists with 16-bit forms (types
 * ALL), as a table of their f16, bf16 and f32 entry points behind one
 * calling convention, for test_half.c and Tests/fuzz/fuzz_half.c. Include
 * after logits.h.
 */
#ifndef LOGITS_TEST_HALF_OPS_H
#define LOGITS_TEST_HALF_OPS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void (*fnp)(void);

/* The operations with 16-bit forms, from the list. */
typedef struct {
    const char *name, *kind;
    fnp f16, bf16, f32;
} hop_t;
#define HOP_ALL(name, kind) {#name, #kind, (fnp)logits_##name##_f16, (fnp)logits_##name##_bf16, \
                             (fnp)logits_##name##_f32},
#define HOP_WIDE(name, kind)
#define LOGITS_OP(name, kind, function, types) HOP_##types(name, kind)
static const hop_t HOPS[] = {
#include "operations.h"
};
#define N_HOPS (sizeof HOPS / sizeof HOPS[0])

static const char *const FORMAT_NAME[2] = {"f16", "bf16"};

static inline int kind_is(const hop_t *op, const char *kind) { return strcmp(op->kind, kind) == 0; }
static inline int is_axis(const hop_t *op) { return strncmp(op->kind, "AXIS_", 5) == 0; }
static inline int is_row(const hop_t *op) { return strncmp(op->kind, "ROW_", 4) == 0; }
static inline int is_lse(const hop_t *op) { return kind_is(op, "ROW_LSE") || kind_is(op, "AXIS_LSE"); }
static inline int has_precision(const hop_t *op) { return is_axis(op) || strstr(op->kind, "_EX") != NULL; }
static inline int is_loss(const hop_t *op)
{
    return kind_is(op, "CE_LABELS") || kind_is(op, "CE_SOFT") || kind_is(op, "BCE");
}
static inline int is_selection(const hop_t *op)
{
    return kind_is(op, "SAMPLE") || kind_is(op, "SAMPLE_U") || kind_is(op, "TOP_K") || kind_is(op, "ARGMAX");
}
/* The activation kinds (the losses and the selection functions have their own calls). */
#define HALF_ACTIVATION_KINDS "ROW_FWD ROW_LSE ROW_BWD AXIS_FWD AXIS_LSE AXIS_BWD EW EW_BWD EW_EX EW_BWD_EX"
static inline int two_inputs(const hop_t *op) { return strstr(op->kind, "BWD") != NULL; }

typedef struct {
    size_t s1, s2, s3; /* rows x cols (row forms), outer x axis x inner, or a count s1 */
} shape_t;

static inline size_t in_count(const hop_t *op, shape_t s)
{
    return is_row(op) ? s.s1 * s.s2 : is_axis(op) ? s.s1 * s.s2 * s.s3 : s.s1;
}

static inline size_t out_count(const hop_t *op, shape_t s)
{
    if (!is_lse(op)) return in_count(op, s);
    return is_row(op) ? s.s1 : s.s1 * s.s3;
}

typedef logits_status (*fwd_row)(const void *, void *, size_t, size_t);
typedef logits_status (*fwd_axis)(const void *, void *, size_t, size_t, size_t, float, logits_precision);
typedef logits_status (*bwd_row)(const void *, const void *, void *, size_t, size_t);
typedef logits_status (*bwd_axis)(const void *, const void *, void *, size_t, size_t, size_t, float,
                                  logits_precision);
typedef logits_status (*ew)(const void *, void *, size_t);
typedef logits_status (*ew_bwd)(const void *, const void *, void *, size_t);
typedef logits_status (*ew_ex)(const void *, void *, size_t, logits_precision);
typedef logits_status (*ew_bwd_ex)(const void *, const void *, void *, size_t, logits_precision);

/* One call of f, an activation (any type: the pointers are the element
 * buffers). */
static inline logits_status call(const hop_t *op, fnp f, const void *a, const void *b, void *out, shape_t s,
                          float T, logits_precision p)
{
    if (kind_is(op, "ROW_FWD") || kind_is(op, "ROW_LSE")) return ((fwd_row)f)(a, out, s.s1, s.s2);
    if (kind_is(op, "AXIS_FWD") || kind_is(op, "AXIS_LSE"))
        return ((fwd_axis)f)(a, out, s.s1, s.s2, s.s3, T, p);
    if (kind_is(op, "ROW_BWD")) return ((bwd_row)f)(a, b, out, s.s1, s.s2);
    if (kind_is(op, "AXIS_BWD")) return ((bwd_axis)f)(a, b, out, s.s1, s.s2, s.s3, T, p);
    if (kind_is(op, "EW")) return ((ew)f)(a, out, s.s1);
    if (kind_is(op, "EW_BWD")) return ((ew_bwd)f)(a, b, out, s.s1);
    if (kind_is(op, "EW_EX")) return ((ew_ex)f)(a, out, s.s1, p);
    if (kind_is(op, "EW_BWD_EX")) return ((ew_bwd_ex)f)(a, b, out, s.s1, p);
    fprintf(stderr, "test_half: no call for kind %s\n", op->kind);
    exit(2);
}

#endif
