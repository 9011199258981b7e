/*
 * fuzz_common.h: shared pieces of the libFuzzer targets in Tests/fuzz/.
 *
 * - A byte reader that never fails (an exhausted input reads as zeros), so
 *   every input decodes into one call.
 * - Decoders for sizes (mostly small, sometimes huge/overflowing), values
 *   (normal, huge, subnormal, +-inf, NaN, raw bit patterns) and temperatures.
 * - Buffers: either one exact malloc per array (ASan catches any read or
 *   write past either end) or one exact arena holding every array with
 *   canary gaps between them (so arrays can alias or overlap; after the call
 *   every byte outside the outputs must be unchanged).
 * - The oracle for a status: the set of errors the call must return (any of
 *   them), plus a set of statuses that are also acceptable where the header
 *   leaves the answer open.
 */
#ifndef LOGITS_FUZZ_COMMON_H
#define LOGITS_FUZZ_COMMON_H

#include "logits.h"

#include <float.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Failing                                                                  */
/* ------------------------------------------------------------------------ */

static char g_desc[512]; /* what the current input does, printed on failure */

static inline void fz_desc(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g_desc, sizeof g_desc, fmt, ap);
    va_end(ap);
}

/* FUZZ_VERBOSE=1 prints each call before it is made (to diagnose hangs). */
static inline void fz_announce(void)
{
    static int verbose = -1;
    if (verbose < 0) verbose = getenv("FUZZ_VERBOSE") != NULL;
    if (verbose) fprintf(stderr, "call: %s\n", g_desc);
}

static inline void fz_fail(int line, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "\nFUZZ FINDING (line %d): %s\n  ", line, g_desc);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}
#define FZ_CHECK(ok, ...) do { if (!(ok)) fz_fail(__LINE__, __VA_ARGS__); } while (0)

/* ------------------------------------------------------------------------ */
/* Reader                                                                   */
/* ------------------------------------------------------------------------ */

typedef struct {
    const uint8_t *p;
    size_t n, i;
} reader;

static inline uint8_t rd_u8(reader *r) { return r->i < r->n ? r->p[r->i++] : 0; }
static inline uint16_t rd_u16(reader *r) { uint16_t a = rd_u8(r); return (uint16_t)(a | (rd_u8(r) << 8)); }
static inline uint32_t rd_u32(reader *r) { uint32_t a = rd_u16(r); return a | ((uint32_t)rd_u16(r) << 16); }
static inline uint64_t rd_u64(reader *r) { uint64_t a = rd_u32(r); return a | ((uint64_t)rd_u32(r) << 32); }

/* ------------------------------------------------------------------------ */
/* Sizes                                                                    */
/* ------------------------------------------------------------------------ */

#define PMAX ((size_t)PTRDIFF_MAX)
#define HALF_BITS (sizeof(size_t) * 4)

static const size_t HUGE_SIZES[] = {
    PMAX, PMAX + 1, SIZE_MAX, SIZE_MAX - 1, PMAX / 2 + 1, PMAX / 4 + 1, PMAX / 8 + 1,
    PMAX / 3, (size_t)1 << HALF_BITS, ((size_t)1 << HALF_BITS) + 1, (size_t)1 << (HALF_BITS - 1),
    (size_t)1 << 21, (size_t)1 << 22, (size_t)1 << 40, (size_t)1 << 62, (size_t)1 << 63,
};
#define N_HUGE (sizeof HUGE_SIZES / sizeof HUGE_SIZES[0])

/* Mostly 0..max_small; 1 in 32 a huge or overflowing size. */
static inline size_t rd_size(reader *r, unsigned max_small)
{
    uint8_t b = rd_u8(r);
    if (b >= 248) return HUGE_SIZES[rd_u8(r) % N_HUGE];
    if (b >= 240) return (size_t)(b - 240) * 8 + 17; /* 17..73: SIMD tails */
    return (size_t)b % (max_small + 1);
}

/* n * m with overflow into *ovf */
static inline size_t mul_sz(size_t a, size_t b, int *ovf)
{
    size_t p;
    if (__builtin_mul_overflow(a, b, &p)) { *ovf = 1; return SIZE_MAX; }
    return p;
}

/* True when n elements of es bytes are more than PTRDIFF_MAX bytes. */
static inline int too_many(size_t n, size_t es)
{
    size_t bytes;
    return n > PMAX || __builtin_mul_overflow(n, es, &bytes) || bytes > PMAX;
}

/* Largest element count the fuzzer allocates per array. */
#define MAX_ELEMS ((size_t)1 << 16)

/* ------------------------------------------------------------------------ */
/* Values                                                                   */
/* ------------------------------------------------------------------------ */

static inline double special_value(uint8_t k, int is64)
{
    const double big = is64 ? DBL_MAX : FLT_MAX;
    const double tiny = is64 ? DBL_MIN : FLT_MIN;
    const double dmin = is64 ? 4.9406564584124654e-324 : 1.40129846e-45;
    switch (k % 24) {
    case 0: return 0.0;
    case 1: return -0.0;
    case 2: return INFINITY;
    case 3: return -INFINITY;
    case 4: return NAN;
    case 5: return big;
    case 6: return -big;
    case 7: return tiny;
    case 8: return -tiny;
    case 9: return dmin;
    case 10: return -dmin;
    case 11: return 1e4;
    case 12: return -1e4;
    case 13: return 88.72;
    case 14: return -103.97;
    case 15: return 709.78;
    case 16: return -745.13;
    case 17: return 1.0;
    case 18: return -1.0;
    case 19: return 0.5;
    case 20: return big / 2;
    case 21: return -big / 3;
    case 22: return tiny / 2; /* subnormal */
    default: return -NAN;
    }
}

/* A value for an input array: small, probability-like, special or raw. */
static inline double rd_value(reader *r, int is64)
{
    uint8_t sel = rd_u8(r);
    switch (sel & 7) {
    case 0: case 1: case 2: return (double)(int16_t)rd_u16(r) / 512.0;      /* [-64, 64) */
    case 3: return (double)rd_u8(r) / 255.0;                                 /* [0, 1]   */
    case 4: return special_value(rd_u8(r), is64);
    case 5: {                                                                /* raw bits */
        if (is64) { uint64_t u = rd_u64(r); double d; memcpy(&d, &u, 8); return d; }
        { uint32_t u = rd_u32(r); float f; memcpy(&f, &u, 4); return f; }
    }
    case 6: {                                                                /* +-2^k    */
        uint8_t e = rd_u8(r);
        int k = is64 ? (int)(e % 200) * 11 / 2 - 550 : (int)(e % 200) * 3 / 2 - 150;
        return ((e & 128) ? -1.0 : 1.0) * ldexp(1.0 + (sel >> 3) / 32.0, k);
    }
    default: return (double)(sel >> 3) - 16.0;                               /* small ints */
    }
}

/* A temperature: mostly 1, sometimes good or bad extremes. */
static inline double rd_temperature(reader *r, int is64)
{
    uint8_t b = rd_u8(r);
    if (b < 128) return 1.0;
    switch (b % 16) {
    case 0: return 0.5;
    case 1: return 2.0;
    case 2: return 1e-3;
    case 3: return 1e3;
    case 4: return is64 ? 4.9406564584124654e-324 : 1.40129846e-45;
    case 5: return is64 ? DBL_MAX : FLT_MAX;
    case 6: return 0.0;
    case 7: return -0.0;
    case 8: return -1.0;
    case 9: return NAN;
    case 10: return INFINITY;
    case 11: return -INFINITY;
    case 12: return 1e39; /* +inf as a float */
    case 13: return 1e-46; /* 0 as a float */
    case 14: return 3.7;
    default: return (double)(rd_u8(r) + 1) / 64.0;
    }
}

/* ------------------------------------------------------------------------ */
/* Buffers                                                                  */
/* ------------------------------------------------------------------------ */

#define CANARY_BYTE 0xA5
#define MAX_ARRAYS 8

typedef struct {
    size_t bytes;       /* exact size of the array */
    int is_output;      /* written by the call */
    int is_null;        /* pass NULL instead */
    unsigned char *ptr; /* where the call sees it */
    unsigned char *own; /* separate mode: its own exact malloc */
    size_t off;         /* arena mode: offset in the arena */
} array_t;

typedef struct {
    int arena_mode;
    array_t a[MAX_ARRAYS];
    int count;
    unsigned char *arena, *snap;
    size_t arena_bytes;
    unsigned char *snaps[MAX_ARRAYS]; /* separate mode: copies before the call */
} bufs_t;

static inline void bufs_init(bufs_t *B, int arena_mode)
{
    memset(B, 0, sizeof *B);
    B->arena_mode = arena_mode;
}

static inline int bufs_add(bufs_t *B, size_t bytes, int is_output, int is_null)
{
    int k = B->count++;
    B->a[k].bytes = bytes;
    B->a[k].is_output = is_output;
    B->a[k].is_null = is_null;
    return k;
}

/* Separate mode: one exact malloc per array (malloc(0) for empty ones).
 * Arena mode: consecutive arrays with gaps of 0..3 elements, read from r;
 * then `alias` may move array k to start at array j's offset + delta bytes
 * (done by the caller through bufs_place before bufs_alloc). */
static inline void bufs_layout(bufs_t *B, reader *r, size_t es)
{
    size_t off = es * (rd_u8(r) % 3);
    int k;
    for (k = 0; k < B->count; k++) {
        B->a[k].off = off;
        off += B->a[k].bytes + es * (rd_u8(r) % 4);
    }
    B->arena_bytes = off + es * (rd_u8(r) % 3);
}

static inline void bufs_alloc(bufs_t *B)
{
    int k;
    if (B->arena_mode) {
        size_t end = 0;
        for (k = 0; k < B->count; k++)
            if (B->a[k].off + B->a[k].bytes > end) end = B->a[k].off + B->a[k].bytes;
        if (end > B->arena_bytes) B->arena_bytes = end;
        B->arena = malloc(B->arena_bytes ? B->arena_bytes : 1);
        B->snap = malloc(B->arena_bytes ? B->arena_bytes : 1);
        if (!B->arena || !B->snap) abort();
        memset(B->arena, CANARY_BYTE, B->arena_bytes);
        for (k = 0; k < B->count; k++) B->a[k].ptr = B->arena + B->a[k].off;
    } else {
        for (k = 0; k < B->count; k++) {
            B->a[k].own = malloc(B->a[k].bytes);
            if (!B->a[k].own && B->a[k].bytes) abort();
            if (B->a[k].bytes) memset(B->a[k].own, CANARY_BYTE, B->a[k].bytes);
            B->a[k].ptr = B->a[k].own;
        }
    }
}

static inline void *bufs_ptr(const bufs_t *B, int k) { return B->a[k].is_null ? NULL : B->a[k].ptr; }

static inline void bufs_snapshot(bufs_t *B)
{
    int k;
    if (B->arena_mode) {
        memcpy(B->snap, B->arena, B->arena_bytes);
        return;
    }
    for (k = 0; k < B->count; k++) {
        B->snaps[k] = malloc(B->a[k].bytes ? B->a[k].bytes : 1);
        if (!B->snaps[k]) abort();
        if (B->a[k].bytes) memcpy(B->snaps[k], B->a[k].own, B->a[k].bytes);
    }
}

/* Is byte `off` of the arena inside a (non-NULL) output array? */
static inline int in_output(const bufs_t *B, size_t off)
{
    int k;
    for (k = 0; k < B->count; k++)
        if (B->a[k].is_output && !B->a[k].is_null && off >= B->a[k].off &&
            off < B->a[k].off + B->a[k].bytes)
            return 1;
    return 0;
}

/* After the call: on error nothing may differ; on success only output bytes. */
static inline void bufs_check_untouched(const bufs_t *B, int status_ok)
{
    int k;
    if (B->arena_mode) {
        size_t i;
        for (i = 0; i < B->arena_bytes; i++)
            if (B->arena[i] != B->snap[i])
                FZ_CHECK(status_ok && in_output(B, i),
                         "%s: arena byte %zu (outside every output) changed", status_ok ? "OK call" : "error",
                         i);
        return;
    }
    for (k = 0; k < B->count; k++) {
        if (status_ok && B->a[k].is_output) continue;
        FZ_CHECK(B->a[k].bytes == 0 || memcmp(B->snaps[k], B->a[k].own, B->a[k].bytes) == 0,
                 "%s: array %d (%s, %zu bytes) changed", status_ok ? "OK call" : "error", k,
                 B->a[k].is_output ? "output" : "input", B->a[k].bytes);
    }
}

static inline void bufs_free(bufs_t *B)
{
    int k;
    free(B->arena);
    free(B->snap);
    for (k = 0; k < B->count; k++) {
        free(B->a[k].own);
        free(B->snaps[k]);
    }
}

/* Do arrays j and k share a byte (both non-empty, non-NULL)? */
static inline int bufs_overlap(const bufs_t *B, int j, int k)
{
    const array_t *x = &B->a[j], *y = &B->a[k];
    if (!B->arena_mode || x->is_null || y->is_null || !x->bytes || !y->bytes) return 0;
    return x->off < y->off + y->bytes && y->off < x->off + x->bytes;
}

static inline int bufs_same(const bufs_t *B, int j, int k)
{
    return B->arena_mode && !B->a[j].is_null && !B->a[k].is_null && B->a[j].off == B->a[k].off;
}

/* ------------------------------------------------------------------------ */
/* Element access                                                           */
/* ------------------------------------------------------------------------ */

static inline double get_v(const void *p, size_t i, int is64)
{
    if (is64) { double d; memcpy(&d, (const char *)p + 8 * i, 8); return d; }
    { float f; memcpy(&f, (const char *)p + 4 * i, 4); return f; }
}

static inline void put_v(void *p, size_t i, double v, int is64)
{
    if (is64) { memcpy((char *)p + 8 * i, &v, 8); return; }
    { float f = (float)v; memcpy((char *)p + 4 * i, &f, 4); }
}

/* ------------------------------------------------------------------------ */
/* Status oracle                                                            */
/* ------------------------------------------------------------------------ */

#define BIT(s) (1u << (s))

/* `must`: errors that apply (the call must return one of them, or one of
 * `may`); if `must` is empty, the call must return OK or one of `may`. */
static inline void check_status(logits_status st, unsigned must, unsigned may)
{
    if (must) {
        FZ_CHECK(st > 0 && st <= 5 && ((must | may) & BIT(st)),
                 "status %d (%s); expected one of mask 0x%x (also acceptable 0x%x)", (int)st,
                 logits_status_string(st), must, may);
    } else {
        FZ_CHECK(st == LOGITS_OK || (st > 0 && st <= 5 && (may & BIT(st))),
                 "status %d (%s); expected LOGITS_OK (also acceptable mask 0x%x)", (int)st,
                 logits_status_string(st), may);
    }
}

/* Every status string and the version functions: cheap, checked per input. */
static inline void check_status_strings(int32_t s)
{
    const char *m = logits_status_string(s);
    FZ_CHECK(m != NULL && strlen(m) > 0 && strlen(m) < 200, "status string of %d", (int)s);
    FZ_CHECK(logits_version() == LOGITS_VERSION_NUMBER, "logits_version %u", logits_version());
    FZ_CHECK(strcmp(logits_version_string(), LOGITS_VERSION_STRING) == 0, "version string");
}

#endif
