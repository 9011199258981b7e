/*
 * fuzz_activations.c: libFuzzer target over every activation entry point of
 * include/logits.h (softmax, log-softmax, logsumexp and their backward
 * functions in row and _axis form; sigmoid, log-sigmoid, softplus and their
 * backward functions; f32 and f64), plus logits_status_string and the version
 * functions on every input.
 *
 * Each input decodes into one call: function, dtype, shape (small, SIMD-tail
 * sized, or huge/overflowing), temperature (good and bad), values (normal,
 * huge, subnormal, +-inf, NaN, raw bits), NULL pointers, and the buffer
 * placement (separate exact mallocs, or one arena with in-place, overlapping
 * or adjacent arrays). The expected status is derived from the header's
 * rules; on error every byte must be untouched; on success every byte
 * outside the outputs must be untouched and the outputs must satisfy cheap
 * invariants (softmax rows sum to 1, masked rows, +inf sharing, NaN rows,
 * elementwise results against a double reference...).
 *
 * Build: see Tests/fuzz/fuzz.mk (clang -fsanitize=fuzzer,address,undefined).
 */
#include "fuzz_common.h"
#include "../c/operation_list.h"

enum {
    F_SOFTMAX, F_LOG_SOFTMAX, F_LSE, F_SOFTMAX_BWD, F_LOG_SOFTMAX_BWD,
    F_SIGMOID, F_LOG_SIGMOID, F_SOFTPLUS, F_SIGMOID_BWD, F_LOG_SIGMOID_BWD, F_SOFTPLUS_BWD,
    N_FAMILIES
};
static const char *FAMILY_NAME[N_FAMILIES] = {
    "softmax", "log_softmax", "logsumexp", "softmax_backward", "log_softmax_backward",
    "sigmoid", "log_sigmoid", "softplus", "sigmoid_backward", "log_sigmoid_backward",
    "softplus_backward"};

static int is_axis_family(int f) { return f <= F_LOG_SOFTMAX_BWD; }
static int is_backward(int f)
{
    return f == F_SOFTMAX_BWD || f == F_LOG_SOFTMAX_BWD || f >= F_SIGMOID_BWD;
}

/* The precision the _axis and _ex forms pass (DEFAULT, FAST or EXACT: from
 * the input, so both precisions and the default are fuzzed). */
static logits_precision g_precision;
/* The precision the call computes in (the default resolved): the fast
 * float32 elementwise bound is 3 ulp, the exact one 0.501. */
static int g_fast;

/* Calls entry point (f, form, dtype): form 1 is the _axis form of an axis
 * family and the _ex form of an elementwise one. a = x or y, b = dy, c = y
 * or dx. */
static logits_status call(int f, int axis_form, int is64, const void *a, const void *b, void *c,
                          size_t s1, size_t s2, size_t s3, double T)
{
    const float *af = a, *bf = b;
    float *cf = c;
    const double *ad = a, *bd = b;
    double *cd = c;
    float Tf = (float)T;
#define AX(name)                                                                                \
    return is64 ? (axis_form ? logits_##name##_axis_f64(ad, cd, s1, s2, s3, T, g_precision)                  \
                             : logits_##name##_f64(ad, cd, s1, s2))                             \
                : (axis_form ? logits_##name##_axis_f32(af, cf, s1, s2, s3, Tf, g_precision)                 \
                             : logits_##name##_f32(af, cf, s1, s2))
#define AXB(name)                                                                               \
    return is64 ? (axis_form ? logits_##name##_axis_f64(ad, bd, cd, s1, s2, s3, T, g_precision)              \
                             : logits_##name##_f64(ad, bd, cd, s1, s2))                         \
                : (axis_form ? logits_##name##_axis_f32(af, bf, cf, s1, s2, s3, Tf, g_precision)             \
                             : logits_##name##_f32(af, bf, cf, s1, s2))
#define EW(name)                                                                                 \
    return is64 ? (axis_form ? logits_##name##_ex_f64(ad, cd, s1, g_precision) : logits_##name##_f64(ad, cd, s1)) \
                : (axis_form ? logits_##name##_ex_f32(af, cf, s1, g_precision) : logits_##name##_f32(af, cf, s1))
#define EWB(name)                                                                                \
    return is64 ? (axis_form ? logits_##name##_ex_f64(ad, bd, cd, s1, g_precision)                \
                             : logits_##name##_f64(ad, bd, cd, s1))                             \
                : (axis_form ? logits_##name##_ex_f32(af, bf, cf, s1, g_precision)               \
                             : logits_##name##_f32(af, bf, cf, s1))
    switch (f) {
    case F_SOFTMAX: AX(softmax);
    case F_LOG_SOFTMAX: AX(log_softmax);
    case F_LSE: AX(logsumexp);
    case F_SOFTMAX_BWD: AXB(softmax_backward);
    case F_LOG_SOFTMAX_BWD: AXB(log_softmax_backward);
    case F_SIGMOID: EW(sigmoid);
    case F_LOG_SIGMOID: EW(log_sigmoid);
    case F_SOFTPLUS: EW(softplus);
    case F_SIGMOID_BWD: EWB(sigmoid_backward);
    case F_LOG_SIGMOID_BWD: EWB(log_sigmoid_backward);
    default: EWB(softplus_backward);
    }
#undef AX
#undef AXB
#undef EW
#undef EWB
}

/* ------------------------------------------------------------------------ */
/* Invariants of successful calls                                           */
/* ------------------------------------------------------------------------ */

static double tmax(int is64) { return is64 ? DBL_MAX : FLT_MAX; }
/* absolute tolerance floor: 4 x the smallest normal (results in the subnormal
 * range carry absolute, not relative, rounding errors) */
static double tdmin(int is64) { return is64 ? DBL_MIN : FLT_MIN; }

static void near(double got, double ref, double scale, double rel, double abs_tol, const char *what,
                 size_t i)
{
    FZ_CHECK(fabs(got - ref) <= rel * scale + abs_tol, "%s[%zu] = %.17g, reference %.17g (scale %g)",
             what, i, got, ref, scale);
}

static double ref_sigmoid(double x) { return x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)); }
static double ref_softplus(double x) { return fmax(x, 0) + log1p(exp(-fabs(x))); }
static double ref_log_sigmoid(double x) { return fmin(x, 0) - log1p(exp(-fabs(x))); }

static void check_elementwise(int f, int is64, const double *x, const double *dy, const void *out,
                              size_t n)
{
    const double rel = is64 ? 1e-13 : g_fast ? 4e-7 : 2e-7, abs_tol = 2 * tdmin(is64);
    size_t i;
    for (i = 0; i < n; i++) {
        double v = x[i], y = get_v(out, i, is64), ref;
        const char *name = FAMILY_NAME[f];
        if (f == F_SIGMOID || f == F_LOG_SIGMOID || f == F_SOFTPLUS) {
            FZ_CHECK(isnan(y) == isnan(v), "%s(%g) = %g: NaN iff the input is NaN", name, v, y);
            if (isnan(v)) continue;
            if (f == F_SIGMOID) {
                FZ_CHECK(y >= 0 && y <= 1, "sigmoid(%g) = %g outside [0, 1]", v, y);
                ref = ref_sigmoid(v);
            } else if (f == F_LOG_SIGMOID) {
                FZ_CHECK(y <= 0, "log_sigmoid(%g) = %g > 0", v, y);
                FZ_CHECK(isinf(v) || isfinite(y), "log_sigmoid(%g) = %g not finite", v, y);
                ref = ref_log_sigmoid(v);
            } else {
                FZ_CHECK(y >= 0, "softplus(%g) = %g < 0", v, y);
                FZ_CHECK(isinf(v) || isfinite(y), "softplus(%g) = %g not finite", v, y);
                ref = ref_softplus(v);
            }
            if (isinf(ref)) FZ_CHECK(y == ref, "%s(%g) = %g, expected %g", name, v, y, ref);
            else near(y, ref, fabs(ref), rel, abs_tol, name, i);
        } else {
            double d = dy[i], r;
            if (!(isfinite(v) && isfinite(d) && fabs(v) < 1e100 && fabs(d) < 1e100)) continue;
            if (f == F_SIGMOID_BWD) r = d * v * (1 - v);
            else if (f == F_LOG_SIGMOID_BWD) r = d * -expm1(v);
            else r = d * -expm1(-v);
            if (!isfinite(r) || fabs(r) > tmax(is64) / 4) continue;
            near(y, r, fabs(r), rel * 4, abs_tol, name, i);
        }
    }
}

/* Checks one slice (len values x[k * stride]) of an axis function. */
static void check_slice(int f, int is64, const double *x, const double *dy, const void *out,
                        size_t base, size_t stride, size_t len, size_t out_index, double T)
{
    size_t k, nnan = 0, nninf = 0, npinf = 0, imax = 0;
    double m = -INFINITY;
    for (k = 0; k < len; k++) {
        double v = x[base + k * stride];
        if (isnan(v)) nnan++;
        else if (v == -INFINITY) nninf++;
        else if (v == INFINITY) npinf++;
        if (v > m) { m = v; imax = k; }
    }
    if (f == F_LSE) {
        double y = get_v(out, out_index, is64);
        if (len == 0 || (nninf == len)) {
            FZ_CHECK(y == -INFINITY, "logsumexp of an empty or all -inf slice = %g", y);
        } else if (nnan) {
            FZ_CHECK(isnan(y), "logsumexp of a slice with NaN = %g", y);
        } else if (npinf) {
            FZ_CHECK(y == INFINITY, "logsumexp of a slice with +inf = %g", y);
        } else {
            double mt = m / T;
            FZ_CHECK(!isnan(y), "logsumexp of a finite slice is NaN");
            if (isfinite(mt) && fabs(mt) < tmax(is64) / 2) {
                double tol = fabs(mt) * (is64 ? 1e-15 : 1e-7) + (is64 ? 1e-15 : 1e-7) * log((double)len + 1);
                FZ_CHECK(y >= mt - tol - tdmin(is64) && y <= mt + log((double)len) + tol + 1e-300,
                         "logsumexp %.17g outside [max/T, max/T + log(n)] = [%.17g, +%g] (n=%zu T=%g)", y,
                         mt, log((double)len), len, T);
            }
        }
        return;
    }
    if (f == F_SOFTMAX || f == F_LOG_SOFTMAX) {
        int lsm = f == F_LOG_SOFTMAX;
        double sum = 0, ymax = -INFINITY;
        for (k = 0; k < len; k++) {
            double y = get_v(out, base + k * stride, is64), v = x[base + k * stride];
            if (nnan) {
                FZ_CHECK(isnan(y), "%s: slice with NaN has a non-NaN output %g", FAMILY_NAME[f], y);
                continue;
            }
            if (nninf == len) {
                FZ_CHECK(lsm ? y == -INFINITY : (y == 0 && !signbit(y)),
                         "%s of a fully masked slice gives %g", FAMILY_NAME[f], y);
                continue;
            }
            FZ_CHECK(!isnan(y), "%s of a NaN-free slice gives NaN at %zu", FAMILY_NAME[f], k);
            if (npinf) {
                double share = 1.0 / (double)npinf;
                if (v == INFINITY) {
                    if (lsm) near(y, -log((double)npinf), 1, is64 ? 1e-15 : 1e-7, 0, "log_softmax(+inf share)", k);
                    else near(y, share, share, is64 ? 1e-15 : 1e-7, 0, "softmax(+inf share)", k);
                } else {
                    FZ_CHECK(lsm ? y == -INFINITY : y == 0, "%s: finite entry beside +inf gives %g",
                             FAMILY_NAME[f], y);
                }
                continue;
            }
            if (lsm) {
                FZ_CHECK(y <= 0, "log_softmax gives %g > 0", y);
                sum += exp(y);
            } else {
                FZ_CHECK(y >= 0 && y <= 1, "softmax gives %g outside [0, 1]", y);
                sum += y;
            }
            if (y > ymax) ymax = y;
        }
        if (!nnan && nninf < len && !npinf && len) {
            double tol = is64 ? 1e-12 : 2e-5;
            FZ_CHECK(fabs(sum - 1) <= tol, "%s: slice of %zu sums (in probability) to %.17g", FAMILY_NAME[f],
                     len, sum);
            FZ_CHECK(lsm ? ymax >= -log((double)len) - tol : ymax >= (1.0 / (double)len) * (1 - tol),
                     "%s: largest output %g too small for %zu entries", FAMILY_NAME[f], ymax, len);
        }
        (void)imax;
        return;
    }
    /* backward: compare with a double (f32) / long double (f64) reference when moderate */
    {
        const double lim = is64 ? 1e100 : 1e30;
        long double s = 0, sabs = 0;
        for (k = 0; k < len; k++) {
            double y = x[base + k * stride], d = dy[base + k * stride];
            if (!(isfinite(y) && isfinite(d) && fabs(y) < lim && fabs(d) < lim)) return;
            if (f == F_LOG_SOFTMAX_BWD && y > 80) return;
            if (f == F_SOFTMAX_BWD) { s += (long double)y * d; sabs += fabsl((long double)y * d); }
            else { s += d; sabs += fabs(d); }
        }
        for (k = 0; k < len; k++) {
            size_t i = base + k * stride;
            double y = x[i], d = dy[i], got = get_v(out, i, is64);
            long double ref, scale, under;
            /* the library sums in double: products below the double subnormal
             * range underflow (e.g. y dy = 1e-334), an absolute error of up to
             * (len + 2) subnormal spacings in the sum, times |y| (or e^y) / T */
            const long double dsub = 4.9406564584124654e-324L;
            if (f == F_SOFTMAX_BWD) {
                ref = (long double)y * ((long double)d - s) / T;
                scale = fabsl((long double)y) * (fabs(d) + sabs) / T;
                under = (len + 2) * dsub * (1 + fabsl((long double)y)) / T;
            } else {
                long double e = expl((long double)y);
                ref = ((long double)d - e * s) / T;
                scale = (fabs(d) + e * sabs) / T;
                under = (len + 2) * dsub * (1 + e) / T;
            }
            if (!(scale < tmax(is64) / 8)) continue;
            FZ_CHECK(fabsl(got - ref) <= (is64 ? 1e-13L : 1e-6L) * scale + 2 * tdmin(is64) + under,
                     "%s[%zu] = %.17g, reference %.17Lg (scale %Lg, T %g)", FAMILY_NAME[f], i, got, ref,
                     scale, T);
        }
    }
}

static void check_axis(int f, int is64, const double *x, const double *dy, const void *out, size_t outer,
                       size_t len, size_t inner, double T)
{
    size_t o, i;
    for (o = 0; o < outer; o++)
        for (i = 0; i < inner; i++)
            check_slice(f, is64, x, dy, out, o * len * inner + i, inner, len, o * inner + i, T);
}

/* ------------------------------------------------------------------------ */
/* One input                                                                */
/* ------------------------------------------------------------------------ */

/* The families above, in every form and type, cover every non-loss
 * operation of abi/operations.h: a listed operation the fuzzer does not
 * call stops it before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static char buf[N_FAMILIES * 4][64];
    static const char *names[N_FAMILIES * 4];
    size_t n = 0;
    int f, form, is64;
    (void)argc;
    (void)argv;
    for (f = 0; f < N_FAMILIES; f++)
        for (form = 0; form <= 1; form++)
            for (is64 = 0; is64 < 2; is64++) {
                snprintf(buf[n], sizeof buf[n], "%s%s_%s", FAMILY_NAME[f],
                         form ? (is_axis_family(f) ? "_axis" : "_ex") : "", is64 ? "f64" : "f32");
                names[n] = buf[n];
                n++;
            }
    if (list_missing_types("fuzz_activations", names, n,
                           "ROW_FWD ROW_LSE ROW_BWD AXIS_FWD AXIS_LSE AXIS_BWD EW EW_BWD EW_EX EW_BWD_EX",
                           "f32 f64")) /* the 16-bit forms: fuzz_half.c */
        abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, size, 0};
    uint8_t head = rd_u8(&r), flags = rd_u8(&r), place = rd_u8(&r);
    int f = head % N_FAMILIES;
    int is64 = (head / N_FAMILIES) & 1;
    int axis_form = (head / (2 * N_FAMILIES)) & 1;
    size_t es = is64 ? 8 : 4;
    size_t s1, s2 = 0, s3 = 1, n_in, n_out;
    int ovf = 0, two = is_backward(f), reduce = f == F_LSE;
    double T = 1.0;
    unsigned must = 0, may = 0;
    bufs_t B;
    int ia, ib = -1, io;
    double *xin = NULL, *dyin = NULL;
    logits_status st;
    size_t k;

    check_status_strings((int32_t)(flags & 0x80 ? (int8_t)place : place % 8));

    if (is_axis_family(f)) {
        if (axis_form) { s1 = rd_size(&r, 5); s2 = rd_size(&r, 40); s3 = rd_size(&r, 5); }
        else { s1 = rd_size(&r, 8); s2 = rd_size(&r, 80); s3 = 1; }
    } else {
        s1 = rd_size(&r, 100);
    }
    if (axis_form && is_axis_family(f)) T = rd_temperature(&r, is64);
    g_precision = (logits_precision)((flags >> 4) % 3);
    g_fast = (axis_form && g_precision != LOGITS_PRECISION_DEFAULT ? g_precision : logits_get_precision())
             == LOGITS_PRECISION_FAST;
    if (!is64) T = (float)T; /* the f32 functions take a float temperature */

    /* element counts (saturated) and the overflow rule */
    if (is_axis_family(f)) {
        int partial = 0;
        n_in = mul_sz(mul_sz(s1, s2, &partial), s3, &partial);
        if (s1 == 0 || s2 == 0 || s3 == 0) {
            /* no elements, but e.g. 5 x PTRDIFF_MAX x 0 has a partial product
             * above PTRDIFF_MAX. The header's "a product of sizes above
             * PTRDIFF_MAX" may or may not cover it: either answer is accepted. */
            int nz = 0;
            size_t pnz = mul_sz(mul_sz(s1 ? s1 : 1, s2 ? s2 : 1, &nz), s3 ? s3 : 1, &nz);
            n_in = 0;
            if (nz || too_many(pnz, es)) may |= BIT(LOGITS_ERROR_SIZE_OVERFLOW);
        } else if (partial) {
            ovf = 1;
        }
        n_out = reduce ? mul_sz(s1, s3, &ovf) : n_in;
        if (s1 > PMAX || s2 > PMAX || s3 > PMAX) ovf = 1;
    } else {
        n_in = n_out = s1;
    }
    if (too_many(n_in, es) || too_many(n_out, es)) ovf = 1;
    /* with overflowing sizes the dummy buffers "overlap" at those sizes too */
    if (ovf) must |= BIT(LOGITS_ERROR_SIZE_OVERFLOW), may |= BIT(LOGITS_ERROR_OVERLAP);
    else if (n_in > MAX_ELEMS || n_out > MAX_ELEMS) return 0; /* valid but too big to allocate */

    if (axis_form) {
        int bad = is64 ? !(isfinite(T) && T > 0) : !(isfinite((float)T) && (float)T > 0);
        if (bad) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
    }

    /* buffers: with overflowing sizes, small dummies that must not be touched */
    bufs_init(&B, ovf ? 1 : (flags & 1));
    {
        size_t bin = ovf ? 16 * es : n_in * es, bout = ovf ? 16 * es : n_out * es;
        int nul = (flags & 0x10) ? (flags >> 1) & 7 : 0; /* 1 in 16 inputs has a NULL */
        ia = bufs_add(&B, bin, 0, nul == 1);
        if (two) ib = bufs_add(&B, bin, 0, nul == 2);
        io = bufs_add(&B, bout, 1, nul == 3);
    }
    if (B.arena_mode) {
        bufs_layout(&B, &r, es);
        /* aliasing: move the output onto / into an input */
        switch (place % 8) {
        case 1: B.a[io].off = B.a[ia].off; break;                             /* in place on x / y */
        case 2: {                                                             /* shifted into x / y */
            long d = (long)(int8_t)rd_u8(&r);
            long off = (long)B.a[ia].off + d * (long)es;
            B.a[io].off = off < 0 ? 0 : (size_t)off;
            break;
        }
        case 3: if (two) B.a[io].off = B.a[ib].off; break;                    /* in place on dy */
        case 4: if (two) {                                                    /* shifted into dy */
            long d = (long)(int8_t)rd_u8(&r);
            long off = (long)B.a[ib].off + d * (long)es;
            B.a[io].off = off < 0 ? 0 : (size_t)off;
        } break;
        case 5: if (two) B.a[ib].off = B.a[ia].off; break;                    /* y and dy the same */
        case 6: if (two) {                                                    /* y, dy, dx the same */
            B.a[ib].off = B.a[ia].off; B.a[io].off = B.a[ia].off;
        } break;
        default: break;
        }
    }
    bufs_alloc(&B);

    /* input values */
    if (!ovf) {
        xin = malloc((n_in + 1) * sizeof(double));
        dyin = malloc((n_in + 1) * sizeof(double));
        if (!xin || !dyin) abort();
        for (k = 0; k < n_in; k++) put_v(B.a[ia].ptr, k, rd_value(&r, is64), is64);
        if (two)
            for (k = 0; k < n_in; k++) put_v(B.a[ib].ptr, k, rd_value(&r, is64), is64);
        /* read back: aliased arrays hold what the last write left */
        for (k = 0; k < n_in; k++) {
            xin[k] = get_v(B.a[ia].ptr, k, is64);
            dyin[k] = two ? get_v(B.a[ib].ptr, k, is64) : 0;
        }
    }

    /* NULL and overlap rules */
    for (k = 0; k < (size_t)B.count; k++) {
        size_t count = (int)k == io ? n_out : n_in;
        if (B.a[k].is_null && count > 0) must |= BIT(LOGITS_ERROR_NULL_POINTER);
    }
    if (!ovf) {
        if (bufs_overlap(&B, io, ia) && (reduce || !bufs_same(&B, io, ia)))
            must |= BIT(LOGITS_ERROR_OVERLAP);
        if (two && bufs_overlap(&B, io, ib) && !bufs_same(&B, io, ib)) must |= BIT(LOGITS_ERROR_OVERLAP);
    }

    fz_desc("%s%s_%s sizes (%zu, %zu, %zu) T=%g arena=%d place=%d nulls=%d/%d/%d must=0x%x",
            FAMILY_NAME[f], axis_form ? "_axis" : "", is64 ? "f64" : "f32", s1, s2, s3, T, B.arena_mode,
            place % 8, B.a[ia].is_null, two ? B.a[ib].is_null : 0, B.a[io].is_null, must);

    if (getenv("FUZZ_DEBUG") && !ovf)
        for (k = 0; k < n_in; k++) fprintf(stderr, "in[%zu] = %.17g  dy = %.17g\n", k, xin[k], dyin[k]);
    fz_announce();
    bufs_snapshot(&B);
    st = call(f, axis_form, is64, bufs_ptr(&B, ia), two ? bufs_ptr(&B, ib) : NULL, bufs_ptr(&B, io), s1,
              is_axis_family(f) ? s2 : 0, s3, T);
    check_status(st, must, may);
    bufs_check_untouched(&B, st == LOGITS_OK);

    if (st == LOGITS_OK && !ovf && n_out > 0) {
        const void *out = B.a[io].ptr;
        if (is_axis_family(f)) check_axis(f, is64, xin, dyin, out, s1, s2, s3, T);
        else check_elementwise(f, is64, xin, dyin, out, n_in);
    }
    /* a second identical call gives identical bytes (determinism) when not in place */
    if (st == LOGITS_OK && !ovf && n_out > 0 && !B.arena_mode) {
        unsigned char *first = malloc(n_out * es);
        if (!first) abort();
        memcpy(first, B.a[io].ptr, n_out * es);
        st = call(f, axis_form, is64, bufs_ptr(&B, ia), two ? bufs_ptr(&B, ib) : NULL, bufs_ptr(&B, io), s1,
                  is_axis_family(f) ? s2 : 0, s3, T);
        FZ_CHECK(st == LOGITS_OK && memcmp(first, B.a[io].ptr, n_out * es) == 0,
                 "a repeated call gave different bytes (status %d)", (int)st);
        free(first);
    }
    free(xin);
    free(dyin);
    bufs_free(&B);
    return 0;
}
