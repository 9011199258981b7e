/*
 * fuzz_half.c: libFuzzer target over the 16-bit storage forms (every
 * operation abi/operations.h lists with types ALL, in f16 and bf16; table in
 * Tests/c/half_ops.h) but the losses and the selection functions
 * (Tests/c/test_half.c).
 *
 * Each input decodes into one call: operation, format, small shape,
 * temperature (good and bad), precision (valid and not), raw 16-bit values
 * (every NaN payload, infinities, subnormals, the largest values), NULL
 * pointers, in place or not. The same call is made to the float32 function
 * on the widened values (the test's own widening, Tests/c/half.h): the
 * statuses must agree; on success every 16-bit output must be the float32
 * output rounded once to the format (NaN for NaN), and nothing outside the
 * outputs written; on error nothing written at all.
 *
 * Build: Tests/fuzz/build.sh (clang -fsanitize=fuzzer,address,undefined).
 */
#include "fuzz_common.h"
#include "../c/half.h"
#include "../c/half_ops.h"
#include "../c/operation_list.h"

/* Every 16-bit form of the list is in HOPS: checked before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char buf[2 * N_HOPS][64];
    static const char *names[2 * N_HOPS];
    size_t i, n = 0;
    int fmt;
    (void)argc;
    (void)argv;
    for (i = 0; i < N_HOPS; i++)
        for (fmt = 0; fmt < 2 && !is_loss(&HOPS[i]) && !is_selection(&HOPS[i]); fmt++) {
            snprintf(buf[n], sizeof buf[n], "%s_%s", HOPS[i].name, FORMAT_NAME[fmt]);
            names[n] = buf[n];
            n++;
        }
    if (list_missing_types("fuzz_half", names, n, HALF_ACTIVATION_KINDS, "f16 bf16")) abort();
    return 0;
}

static float rd_half_temperature(reader *r)
{
    static const float T[] = {1.0f, 0.5f, 3.0f, 1e-3f, 1e-30f, 1e30f, 0.0f, -1.0f, NAN, INFINITY, -0.0f, 0.7f};
    uint8_t k = rd_u8(r);
    if (k < 200) return T[k % (sizeof T / sizeof T[0])];
    return (float)ldexp((double)(rd_u8(r) + 1), (int)(rd_u8(r) % 80) - 40);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, size, 0};
    uint8_t head = rd_u8(&r), flags = rd_u8(&r);
    const hop_t *op = &HOPS[head % N_HOPS];
    int fmt = (head / N_HOPS) & 1;
    fnp f = fmt == HALF_F16 ? op->f16 : op->bf16;
    shape_t s = {1, 1, 1};
    size_t n, m, k;
    float T = 1.0f;
    logits_precision p;
    int two = two_inputs(op), in_place = (flags >> 2) & 3, nul = flags & 0x80 ? (flags >> 4) & 3 : 0;
    uint16_t *a, *b, *o, *snap;
    float *a32, *b32, *o32;
    logits_status st16, st32;

    if (is_loss(op) || is_selection(op)) return 0; /* Tests/c/test_half.c, test_bad_input.c, threads_test.c */
    if (is_row(op)) { s.s1 = rd_u8(&r) % 9; s.s2 = rd_u8(&r) % 70; }
    else if (is_axis(op)) { s.s1 = rd_u8(&r) % 5; s.s2 = rd_u8(&r) % 40; s.s3 = rd_u8(&r) % 5; }
    else s.s1 = rd_u8(&r) % 200;
    if (is_axis(op)) T = rd_half_temperature(&r);
    p = (logits_precision)(flags & 1 ? (int8_t)rd_u8(&r) % 5 : (flags >> 1) % 3);
    n = in_count(op, s);
    m = out_count(op, s);
    if (is_lse(op)) in_place = 0; /* logsumexp's output must not overlap x: an error either way */

    /* 16-bit buffers: a, b, the output (+1 for a canary), and a snapshot. */
    a = (uint16_t *)malloc((n + 1) * 2);
    b = (uint16_t *)malloc((n + 1) * 2);
    o = (uint16_t *)malloc((m + 1) * 2);
    snap = (uint16_t *)malloc((2 * n + m + 3) * 2);
    a32 = (float *)malloc((n + 1) * sizeof(float));
    b32 = (float *)malloc((n + 1) * sizeof(float));
    o32 = (float *)malloc((m + 1) * sizeof(float));
    if (!a || !b || !o || !snap || !a32 || !b32 || !o32) abort();
    for (k = 0; k < n; k++) {
        a[k] = rd_u16(&r);
        b[k] = rd_u16(&r);
        a32[k] = (float)half_to_double(fmt, a[k]);
        b32[k] = (float)half_to_double(fmt, b[k]);
    }
    a[n] = b[n] = 0xA5A5;
    memset(o, 0xA5, (m + 1) * 2);
    memset(o32, 0xA5, (m + 1) * sizeof(float));
    memcpy(snap, a, (n + 1) * 2);
    memcpy(snap + n + 1, b, (n + 1) * 2);
    memcpy(snap + 2 * n + 2, o, (m + 1) * 2);
    fz_desc("%s_%s shape (%zu, %zu, %zu) T=%g precision %d in_place %d null %d", op->name, FORMAT_NAME[fmt],
            s.s1, s.s2, s.s3, (double)T, (int)p, in_place, nul);

    {
        /* The same pointers for both calls: in place on x (1) or dy (2). */
        const uint16_t *pa = nul == 1 ? NULL : a, *pb = !two ? NULL : nul == 2 ? NULL : b;
        uint16_t *po = nul == 3 ? NULL : in_place == 1 ? a : in_place == 2 && two ? b : o;
        const float *qa = nul == 1 ? NULL : a32, *qb = !two ? NULL : nul == 2 ? NULL : b32;
        float *qo = nul == 3 ? NULL : in_place == 1 ? a32 : in_place == 2 && two ? b32 : o32;
        st32 = call(op, op->f32, qa, qb, qo, s, T, p);
        st16 = call(op, f, pa, pb, po, s, T, p);
        FZ_CHECK(st16 == st32, "status %d, float32 gives %d", (int)st16, (int)st32);
        if (st16 != LOGITS_OK) {
            FZ_CHECK(memcmp(snap, a, (n + 1) * 2) == 0 && memcmp(snap + n + 1, b, (n + 1) * 2) == 0 &&
                         memcmp(snap + 2 * n + 2, o, (m + 1) * 2) == 0,
                     "an error (%d) wrote", (int)st16);
        } else if (po != NULL) {
            for (k = 0; k < m; k++) {
                uint16_t want = half_from_double(fmt, (double)qo[k]);
                int ok = isnan(half_to_double(fmt, want)) ? isnan(half_to_double(fmt, po[k])) : po[k] == want;
                FZ_CHECK(ok, "out[%zu] = 0x%04x, want 0x%04x (float32 %.9g)", k, po[k], want, (double)qo[k]);
            }
            FZ_CHECK(po[m] == 0xA5A5, "wrote past the output");
            /* the inputs the call must not write */
            if (po != a) FZ_CHECK(memcmp(snap, a, (n + 1) * 2) == 0, "x was written");
            if (po != b) FZ_CHECK(memcmp(snap + n + 1, b, (n + 1) * 2) == 0, "dy was written");
        }
    }
    free(a);
    free(b);
    free(o);
    free(snap);
    free(a32);
    free(b32);
    free(o32);
    return 0;
}
