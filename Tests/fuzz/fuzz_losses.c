/*
 * fuzz_losses.c: libFuzzer target over the loss entry points of
 * include/logits.h: logits_cross_entropy_labels_{f32,f64},
 * logits_cross_entropy_soft_{f32,f64}, logits_binary_cross_entropy_{f32,f64},
 * logits_ce_options_init and logits_bce_options_init (plus the status and
 * version functions on every input).
 *
 * Each input decodes into one call: kind, dtype, shape (small, or
 * huge/overflowing), options (NULL, defaults, or fields pushed out of range:
 * struct_size, reduction, flags, smoothing, temperature, eps, gamma, alpha,
 * ignore index), labels (in range, out of range, the ignore index, INT64
 * extremes), targets, weights, values (normal, huge, subnormal, +-inf, NaN),
 * NULL pointers and buffer placement (exact mallocs or one arena with the
 * gradient in place over the input, or outputs overlapping inputs). The
 * expected status is derived from the header; on error every byte must be
 * untouched; on success nothing outside the outputs may change and the
 * losses must match a long double reference where the inputs are moderate.
 */
#include "fuzz_common.h"
#include "../c/operation_list.h"

enum { K_LABELS, K_SOFT, K_BINARY };
/* The C functions the switch below calls, by kind * 2 + is64. */
static const char *const ENTRY_NAME[6] = {
    "cross_entropy_labels_f32", "cross_entropy_labels_f64", "cross_entropy_soft_f32",
    "cross_entropy_soft_f64", "binary_cross_entropy_f32", "binary_cross_entropy_f64"};
static const char *KIND[] = {"cross_entropy_labels", "cross_entropy_soft", "binary_cross_entropy"};

typedef long double ld;

static void rd_ce_options(reader *r, logits_ce_options *o)
{
    uint8_t m = rd_u8(r), m2 = rd_u8(r);
    logits_ce_options_init(o);
    o->reduction = (int32_t)(rd_u8(r) % 3);
    o->from_logits = (m & 1) ? 0 : 1;
    if (m & 2) { o->has_ignore_index = 1; o->ignore_index = (int64_t)(int8_t)rd_u8(r); }
    if (m & 4) o->label_smoothing = rd_u8(r) / 255.0;
    if (m & 8) o->temperature = (double)(rd_u8(r) + 1) / 32.0;
    if (m & 16) o->eps = (double)(rd_u8(r) + 1) / 600.0;
    if (!(m & 32)) return;
    /* one field out of range (or a boundary value) */
    switch (m2 % 16) {
    case 0: o->struct_size = (uint32_t)(int8_t)rd_u8(r) + (uint32_t)sizeof *o; break;
    case 1: o->reduction = (int32_t)rd_u32(r); break;
    case 2: o->from_logits = (int8_t)rd_u8(r); break;
    case 3: o->has_ignore_index = (int8_t)rd_u8(r); break;
    case 4: o->label_smoothing = special_value(rd_u8(r), 1); break;
    case 5: o->temperature = special_value(rd_u8(r), 1); break;
    case 6: o->eps = special_value(rd_u8(r), 1); break;
    case 7: o->ignore_index = (rd_u8(r) & 1) ? INT64_MIN : INT64_MAX; o->has_ignore_index = 1; break;
    case 8: o->label_smoothing = 1.0; break;
    case 9: o->eps = 0.4999999; o->from_logits = 0; break;
    case 10: o->temperature = 2.0; o->from_logits = 0; break;
    case 11: o->struct_size = 0; break;
    default: o->temperature = rd_temperature(r, 1); break;
    }
}

static void rd_bce_options(reader *r, logits_bce_options *o)
{
    uint8_t m = rd_u8(r), m2 = rd_u8(r);
    logits_bce_options_init(o);
    o->reduction = (int32_t)(rd_u8(r) % 3);
    o->from_logits = (m & 1) ? 0 : 1;
    if (m & 2) { o->has_alpha = 1; o->alpha = rd_u8(r) / 255.0; }
    if (m & 4) o->label_smoothing = rd_u8(r) / 255.0;
    if (m & 8) o->gamma = rd_u8(r) / 32.0;
    if (m & 16) o->eps = (double)(rd_u8(r) + 1) / 600.0;
    if (!(m & 32)) return;
    switch (m2 % 12) {
    case 0: o->struct_size = (uint32_t)(int8_t)rd_u8(r) + (uint32_t)sizeof *o; break;
    case 1: o->reduction = (int32_t)rd_u32(r); break;
    case 2: o->from_logits = (int8_t)rd_u8(r); break;
    case 3: o->has_alpha = (int8_t)rd_u8(r); break;
    case 4: o->label_smoothing = special_value(rd_u8(r), 1); break;
    case 5: o->gamma = special_value(rd_u8(r), 1); break;
    case 6: o->alpha = special_value(rd_u8(r), 1); o->has_alpha = 1; break;
    case 7: o->eps = special_value(rd_u8(r), 1); break;
    case 8: o->alpha = special_value(rd_u8(r), 1); o->has_alpha = 0; break;
    case 9: o->struct_size = 0; break;
    case 10: o->gamma = 1e300; break;
    default: o->label_smoothing = 1.0; o->gamma = 2.0; break;
    }
}

static int64_t rd_label(reader *r, size_t classes, int64_t ignore)
{
    uint8_t b = rd_u8(r);
    if (b < 216) return classes ? (int64_t)(b % classes) : 0;
    switch (b % 8) {
    case 0: return -1;
    case 1: return (int64_t)classes;
    case 2: return ignore;
    case 3: return -100;
    case 4: return INT64_MAX;
    case 5: return INT64_MIN;
    case 6: return (int64_t)classes + 1;
    default: return ignore;
    }
}

/* A weight or target-like value: mostly in [0, 1] or small, sometimes special. */
static double rd_nonneg(reader *r, int is64, double hi)
{
    uint8_t b = rd_u8(r);
    if (b < 224) return hi * (double)(b % 225) / 224.0;
    return special_value(rd_u8(r), is64);
}

static int fin(double v) { return isfinite(v); }

/* ------------------------------------------------------------------------ */
/* References (long double), from the formulas in the header                */
/* ------------------------------------------------------------------------ */

/* got == ref within rel * scale + abs; an infinite or overflowing reference
 * (e.g. eps so small that 1 - eps rounds to 1) needs the same infinity */
static int close_to(double got, ld ref, ld scale, ld rel, ld abs_tol, int is64)
{
    ld big = is64 ? DBL_MAX : FLT_MAX;
    if (isnan(ref)) return 1; /* no reference */
    if (isinf(ref) || fabsl(ref) > big / 2) return isinf(got) ? (got > 0) == (ref > 0) : fabsl(ref) <= big;
    return fabsl(got - ref) <= rel * scale + abs_tol;
}

static ld l_log_sigmoid(ld x) { return (x < 0 ? x : 0) - log1pl(expl(-fabsl(x))); }
static ld l_sigmoid(ld x) { return x >= 0 ? 1 / (1 + expl(-x)) : expl(x) / (1 + expl(x)); }

/* Every loss of abi/operations.h is a kind of this fuzzer: a listed loss
 * the fuzzer does not call stops it before the first input. */
int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* float32 and float64; the 16-bit losses: Tests/c/test_half.c, test_bad_input.c */
    if (list_missing_types("fuzz_losses", ENTRY_NAME, 6, "CE_LABELS CE_SOFT BCE", "f32 f64")) abort();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    reader r = {data, size, 0};
    uint8_t head = rd_u8(&r), flags = rd_u8(&r), place = rd_u8(&r), nulls = rd_u8(&r);
    int kind = head % 3, is64 = (head / 3) & 1, bin = kind == K_BINARY;
    size_t es = is64 ? 8 : 4;
    size_t s1, s2, s3 = 1, n, samples, nloss;
    int ovf = 0, reduction, from_logits, opt_null = (flags & 0xF0) == 0xF0;
    unsigned must = 0, may = 0;
    logits_ce_options ce;
    logits_bce_options bc;
    bufs_t B;
    int ix, it, iw = -1, iw2 = -1, il, ig;
    size_t k, c;
    double *xv = NULL, *tv = NULL, *wv = NULL, *w2v = NULL;
    int64_t *lab = NULL;
    logits_status st;

    check_status_strings((int32_t)(int8_t)place);

    if (bin) { s1 = rd_size(&r, 8); s2 = rd_size(&r, 12); }
    else { s1 = rd_size(&r, 6); s2 = rd_size(&r, 12); s3 = rd_size(&r, 4); }
    if (bin) rd_bce_options(&r, &bc);
    else rd_ce_options(&r, &ce);
    if (opt_null) { logits_ce_options_init(&ce); logits_bce_options_init(&bc); }
    reduction = bin ? bc.reduction : ce.reduction;
    from_logits = bin ? bc.from_logits : ce.from_logits;

    /* ---- sizes ---- */
    {
        int partial = 0, nz = 0;
        size_t pnz;
        n = mul_sz(mul_sz(s1, s2, &partial), s3, &partial);
        samples = bin ? n : mul_sz(s1, s3, &partial);
        pnz = mul_sz(mul_sz(s1 ? s1 : 1, s2 ? s2 : 1, &nz), s3 ? s3 : 1, &nz);
        if (s1 > PMAX || s2 > PMAX || s3 > PMAX) ovf = 1;
        if (n == 0 && samples == 0) {
            if (partial || nz || too_many(pnz, es)) may |= BIT(LOGITS_ERROR_SIZE_OVERFLOW);
            n = samples = 0;
        } else if (partial || too_many(n, es) || too_many(samples, kind == K_LABELS ? 8 : es)) {
            ovf = 1;
        }
        if (n == 0 && samples > 0 && (partial || too_many(samples, 8))) ovf = 1; /* classes 0 */
        if (too_many(s2, es)) may |= BIT(LOGITS_ERROR_SIZE_OVERFLOW); /* class weights */
        /* with overflowing sizes the dummy buffers "overlap" at those sizes too */
        if (ovf) must |= BIT(LOGITS_ERROR_SIZE_OVERFLOW), may |= BIT(LOGITS_ERROR_OVERLAP);
        else if (n > MAX_ELEMS || samples > MAX_ELEMS) return 0;
    }
    nloss = reduction == 0 ? samples : 1;

    /* ---- options ---- */
    if (bin) {
        const logits_bce_options *o = &bc;
        if (o->struct_size != sizeof *o) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (o->reduction < 0 || o->reduction > 2) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT), nloss = 1;
        if (o->from_logits != 0 && o->from_logits != 1) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (o->has_alpha != 0 && o->has_alpha != 1) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (!(o->label_smoothing >= 0 && o->label_smoothing <= 1)) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (!(fin(o->gamma) && o->gamma >= 0)) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (o->has_alpha == 1 && !(o->alpha >= 0 && o->alpha <= 1)) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (o->has_alpha == 0 && !(o->alpha >= 0 && o->alpha <= 1)) may |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (!(o->eps > 0 && o->eps < 0.5)) {
            if (o->from_logits == 0) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
            else may |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        }
    } else {
        const logits_ce_options *o = &ce;
        if (o->struct_size != sizeof *o) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (o->reduction < 0 || o->reduction > 2) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT), nloss = 1;
        if (o->from_logits != 0 && o->from_logits != 1) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (o->has_ignore_index != 0 && o->has_ignore_index != 1) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (kind == K_SOFT && o->has_ignore_index == 1) may |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (!(o->label_smoothing >= 0 && o->label_smoothing <= 1)) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (!(fin(o->temperature) && o->temperature > 0)) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (o->from_logits == 0 && o->temperature != 1) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (!(o->eps > 0 && o->eps < 0.5)) {
            if (o->from_logits == 0) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
            else may |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        }
        if (s2 == 0 && samples > 0) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
    }

    /* ---- buffers ---- */
    bufs_init(&B, ovf ? 1 : (flags & 1));
    {
        size_t d = 16 * es; /* dummies for overflowing sizes */
        int nl = (nulls & 0x80) ? nulls & 7 : 0; /* 1 in 2 x 8: one NULL pointer */
        ix = bufs_add(&B, ovf ? d : n * es, 0, nl == 1);
        it = bufs_add(&B, ovf ? d : (kind == K_LABELS ? samples * 8 : n * es), 0, nl == 2);
        /* class / pos weight; NULL when there are no samples but too many classes to allocate */
        iw = bufs_add(&B, ovf ? d : s2 > MAX_ELEMS ? 0 : s2 * es, 0, nl == 3 || (flags & 2) || s2 > MAX_ELEMS);
        if (bin) iw2 = bufs_add(&B, ovf ? d : n * es, 0, nl == 4 || (flags & 4));  /* weight */
        il = bufs_add(&B, ovf ? d : nloss * es, 1, nl == 5);
        ig = bufs_add(&B, ovf ? d : n * es, 1, nl == 6 || (flags & 8));
    }
    if (B.arena_mode) {
        bufs_layout(&B, &r, es);
        switch (place % 10) {
        case 1: case 2: B.a[ig].off = B.a[ix].off; break;        /* gradient in place */
        case 3: {                                                  /* grad shifted into input */
            long d = (long)(int8_t)rd_u8(&r), off = (long)B.a[ix].off + d * (long)es;
            B.a[ig].off = off < 0 ? 0 : (size_t)off;
        } break;
        case 4: B.a[il].off = B.a[ix].off + es * (rd_u8(&r) % 4); break;   /* loss into input */
        case 5: B.a[il].off = B.a[it].off; break;                          /* loss onto target */
        case 6: B.a[ig].off = B.a[iw].off; break;                          /* grad onto weights */
        case 7: if (kind == K_SOFT || bin) B.a[it].off = B.a[ix].off; break; /* target == input (allowed) */
        case 8: B.a[il].off = B.a[ig].off + es * (rd_u8(&r) % 3); break;   /* loss into grad */
        default: break;
        }
    }
    bufs_alloc(&B);

    /* ---- values ---- */
    if (!ovf) {
        int probs = !from_logits && (flags & 16) == 0; /* mostly valid probabilities */
        xv = malloc((n + 1) * sizeof *xv);
        tv = malloc((n + 1) * sizeof *tv);
        wv = malloc(((s2 > MAX_ELEMS ? 0 : s2) + 1) * sizeof *wv);
        w2v = malloc((n + 1) * sizeof *w2v);
        lab = malloc((samples + 1) * sizeof *lab);
        if (!xv || !tv || !wv || !w2v || !lab) abort();
        for (k = 0; k < n; k++)
            put_v(B.a[ix].ptr, k, probs ? rd_u8(&r) / 255.0 : rd_value(&r, is64), is64);
        if (kind == K_LABELS) {
            int64_t ign = ce.has_ignore_index == 1 ? ce.ignore_index : -100;
            for (k = 0; k < samples; k++) {
                int64_t v = rd_label(&r, s2, ign);
                memcpy(B.a[it].ptr + 8 * k, &v, 8);
            }
        } else {
            for (k = 0; k < n; k++)
                put_v(B.a[it].ptr, k, (flags & 32) ? rd_value(&r, is64) : rd_nonneg(&r, is64, 1), is64);
        }
        for (k = 0; k < s2 && !B.a[iw].is_null; k++)
            put_v(B.a[iw].ptr, k, (flags & 64) ? 1.0 : rd_nonneg(&r, is64, 4), is64);
        if (bin)
            for (k = 0; k < n; k++) put_v(B.a[iw2].ptr, k, (flags & 64) ? 1.0 : rd_nonneg(&r, is64, 4), is64);
        /* read back (aliased arrays) */
        for (k = 0; k < n; k++) {
            xv[k] = get_v(B.a[ix].ptr, k, is64);
            if (kind != K_LABELS) tv[k] = get_v(B.a[it].ptr, k, is64);
            if (bin) w2v[k] = B.a[iw2].is_null ? 1.0 : get_v(B.a[iw2].ptr, k, is64);
        }
        for (k = 0; s2 <= MAX_ELEMS && k < s2; k++) wv[k] = B.a[iw].is_null ? 1.0 : get_v(B.a[iw].ptr, k, is64);
        if (kind == K_LABELS)
            for (k = 0; k < samples; k++) memcpy(&lab[k], B.a[it].ptr + 8 * k, 8);
    }

    /* ---- NULL rules ---- */
    if (B.a[ix].is_null && (ovf || n > 0)) must |= BIT(LOGITS_ERROR_NULL_POINTER);
    if (B.a[it].is_null && (ovf || (kind == K_LABELS ? samples : n) > 0)) must |= BIT(LOGITS_ERROR_NULL_POINTER);
    if (B.a[il].is_null) {
        if (ovf || samples > 0) must |= BIT(LOGITS_ERROR_NULL_POINTER);
        else if (nloss > 0) may |= BIT(LOGITS_ERROR_NULL_POINTER); /* no samples, reduced loss */
    }

    /* ---- overlap rules (outputs vs inputs; outputs vs each other: open) ---- */
    if (!ovf) {
        int outs[2] = {il, ig}, ins[4] = {ix, it, iw, iw2}, a, b;
        for (a = 0; a < 2; a++)
            for (b = 0; b < 4; b++) {
                if (ins[b] < 0 || !bufs_overlap(&B, outs[a], ins[b])) continue;
                if (outs[a] == ig && ins[b] == ix && bufs_same(&B, ig, ix)) continue;
                must |= BIT(LOGITS_ERROR_OVERLAP);
            }
        if (bufs_overlap(&B, il, ig)) may |= BIT(LOGITS_ERROR_OVERLAP);
    }

    /* ---- value rules ---- */
    if (!ovf) {
        int ign_on = !bin && ce.has_ignore_index == 1;
        for (k = 0; k < s2 && !B.a[iw].is_null; k++)
            if (!(fin(wv[k]) && wv[k] >= 0)) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
        if (bin) {
            for (k = 0; k < n; k++) {
                if (!B.a[iw2].is_null && !(fin(w2v[k]) && w2v[k] >= 0)) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
                if (!(tv[k] >= 0 && tv[k] <= 1)) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
                if (from_logits == 0 && !(xv[k] >= 0 && xv[k] <= 1)) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
            }
        } else {
            size_t o, i;
            for (o = 0; samples && o < s1; o++)
                for (i = 0; i < s3; i++) {
                    size_t smp = o * s3 + i;
                    int ignored = kind == K_LABELS && ign_on && lab[smp] == ce.ignore_index;
                    ld sum = 0;
                    int badp = 0;
                    if (kind == K_LABELS && !ignored && !(lab[smp] >= 0 && (uint64_t)lab[smp] < s2))
                        must |= BIT(LOGITS_ERROR_LABEL_OUT_OF_RANGE);
                    for (c = 0; c < s2; c++) {
                        size_t e = (o * s2 + c) * s3 + i;
                        if (kind == K_SOFT && !(fin(tv[e]) && tv[e] >= 0)) must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
                        if (!(fin(xv[e]) && xv[e] >= 0)) badp = 1;
                        else sum += xv[e];
                    }
                    /* a sum that overflows double (finite entries near DBL_MAX) is
                     * refused; the header only says "sum > 0": either is accepted */
                    if (from_logits == 0 && s2 > 0 && !badp && !(sum <= DBL_MAX)) may |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
                    if (from_logits == 0 && s2 > 0 && (badp || !(sum > 0))) {
                        if (ignored) may |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
                        else must |= BIT(LOGITS_ERROR_INVALID_ARGUMENT);
                    }
                }
        }
    }

    fz_desc("%s_%s sizes (%zu, %zu, %zu) red=%d logits=%d opts=%s arena=%d place=%d nulls=%d%d%d%d%d%d "
            "must=0x%x may=0x%x",
            KIND[kind], is64 ? "f64" : "f32", s1, s2, s3, reduction, from_logits, opt_null ? "NULL" : "set",
            B.arena_mode, place % 10, B.a[ix].is_null, B.a[it].is_null, B.a[iw].is_null,
            bin ? B.a[iw2].is_null : 0, B.a[il].is_null, B.a[ig].is_null, must, may);

    if (getenv("FUZZ_DEBUG") && !ovf) {
        if (bin) fprintf(stderr, "bce: size %u red %d fl %d alpha %d/%g ls %g gamma %g eps %g\n", bc.struct_size,
                         bc.reduction, bc.from_logits, bc.has_alpha, bc.alpha, bc.label_smoothing, bc.gamma, bc.eps);
        for (k = 0; k < s2 && bin && !B.a[iw].is_null; k++) fprintf(stderr, "pw[%zu] = %g\n", k, wv[k]);
        for (k = 0; k < n && bin && !B.a[iw2].is_null; k++) fprintf(stderr, "w[%zu] = %g\n", k, w2v[k]);
        for (k = 0; k < n; k++) fprintf(stderr, "x[%zu] = %.17g t = %.17g\n", k, xv[k], kind == K_LABELS ? 0 : tv[k]);
        for (k = 0; k < samples && kind == K_LABELS; k++) fprintf(stderr, "label[%zu] = %lld\n", k, (long long)lab[k]);
        if (!bin) fprintf(stderr, "ce: size %u red %d fl %d ign %d/%lld ls %g T %g eps %g\n", ce.struct_size, ce.reduction,
                          ce.from_logits, ce.has_ignore_index, (long long)ce.ignore_index, ce.label_smoothing,
                          ce.temperature, ce.eps);
    }
    fz_announce();
    bufs_snapshot(&B);
    {
        const void *opt = opt_null ? NULL : bin ? (const void *)&bc : (const void *)&ce;
        void *x = bufs_ptr(&B, ix), *t = bufs_ptr(&B, it), *w = bufs_ptr(&B, iw), *loss = bufs_ptr(&B, il),
             *grad = bufs_ptr(&B, ig);
        void *w2 = bin ? bufs_ptr(&B, iw2) : NULL;
        switch (kind * 2 + is64) {
        case 0: st = logits_cross_entropy_labels_f32(x, t, w, loss, grad, s1, s2, s3, opt); break;
        case 1: st = logits_cross_entropy_labels_f64(x, t, w, loss, grad, s1, s2, s3, opt); break;
        case 2: st = logits_cross_entropy_soft_f32(x, t, w, loss, grad, s1, s2, s3, opt); break;
        case 3: st = logits_cross_entropy_soft_f64(x, t, w, loss, grad, s1, s2, s3, opt); break;
        case 4: st = logits_binary_cross_entropy_f32(x, t, w, w2, loss, grad, s1, s2, opt); break;
        default: st = logits_binary_cross_entropy_f64(x, t, w, w2, loss, grad, s1, s2, opt); break;
        }
    }
    check_status(st, must, may);
    bufs_check_untouched(&B, st == LOGITS_OK);

    /* ---- invariants of a successful call ---- */
    if (st == LOGITS_OK && !ovf && !bufs_overlap(&B, il, ig) && !B.a[il].is_null) {
        const double rel = is64 ? 1e-11 : 2e-6;
        int moderate = 1;
        ld total = 0, scale_total = 0, denom = 0;
        for (k = 0; k < n; k++)
            if (!(fin(xv[k]) && fabs(xv[k]) <= 1e4 && (bin ? fin(w2v[k]) && w2v[k] <= 1e4 : 1))) moderate = 0;
        for (k = 0; k < s2 && samples; k++)
            if (!(wv[k] <= 1e4)) moderate = 0;
        for (k = 0; k < n && kind != K_LABELS; k++)
            if (!(fabs(tv[k]) <= 1e4)) moderate = 0;
        if (!bin && !(ce.temperature >= 1e-3)) moderate = 0;
        /* tiny nonzero weights: w q x rounds on the subnormal grid (e.g. a
         * weight of 5e-324 makes a mean loss of 19.04 come out as 19) */
        for (k = 0; k < s2 && samples; k++)
            if (wv[k] != 0 && wv[k] < 1e-200) moderate = 0;
        for (k = 0; k < n && bin; k++)
            if (w2v[k] != 0 && w2v[k] < 1e-200) moderate = 0;
        if (samples == 0) {
            if (nloss == 1) {
                double v = get_v(B.a[il].ptr, 0, is64);
                int untouched = memcmp(B.a[il].ptr, B.snap ? B.snap + B.a[il].off : B.snaps[il], es) == 0;
                FZ_CHECK(untouched || v == 0, "no samples: reduced loss %g (expected 0 or untouched)", v);
            }
        } else if (bin) {
            const logits_bce_options *o = &bc;
            ld eps = o->eps, e = o->label_smoothing, g = o->gamma;
            for (k = 0; k < n && moderate && g <= 8; k++) {
                size_t cl = k % s2;
                ld x = xv[k], y = (ld)tv[k] * (1 - e) + e / 2, pw = B.a[iw].is_null ? 1 : wv[cl],
                   w = w2v[k], bce, sc, pt1, at = 1;
                if (from_logits) {
                    ld ls = l_log_sigmoid(x), lsn = l_log_sigmoid(-x);
                    /* (1 - y) x - (1 + (pw - 1) y) log_sigmoid(x), written as a sum of
                     * nonnegative terms: 1 + (pw - 1) y cancels for y = 1, tiny pw */
                    bce = w * ((1 - y) * -lsn + pw * y * -ls);
                    sc = w * (fabsl((1 - y) * x) + fabsl(1 + (pw - 1) * y) * fabsl(ls)) + fabsl(bce);
                    pt1 = y * l_sigmoid(-x) + (1 - y) * l_sigmoid(x); /* 1 - p_t */
                } else {
                    /* the upper clip bound is 1 - eps rounded to double, as the
                     * library computes it (log(1 - p) is ill-conditioned there) */
                    ld hi = (double)(1.0 - o->eps);
                    ld p = x < eps ? eps : x > hi ? hi : x;
                    bce = -w * (pw * y * logl(p) + (1 - y) * log1pl(-p));
                    sc = fabsl(bce);
                    pt1 = (1 - p) * y + p * (1 - y);
                }
                if (o->has_alpha) at = o->alpha * y + (1 - o->alpha) * (1 - y);
                if (g > 0 || o->has_alpha) {
                    ld f = at * (g > 0 ? powl(pt1, g) : 1);
                    bce *= f;
                    sc = sc * f * (1 + g);
                }
                if (reduction == 0) {
                    double got = get_v(B.a[il].ptr, k, is64);
                    FZ_CHECK(close_to(got, bce, sc, rel, 4 * (is64 ? DBL_MIN : FLT_MIN), is64),
                             "bce[%zu] = %.17g, reference %.17Lg (scale %Lg); x %.17g y %.17g pw %Lg w %Lg "
                             "eps %g smoothing %g gamma %g alpha %g (has %d)", k, got, bce, sc, xv[k], tv[k], pw, w,
                             o->eps, o->label_smoothing, o->gamma, o->alpha, o->has_alpha);
                }
                total += bce;
                scale_total += sc;
            }
            denom = (ld)n;
        } else {
            const logits_ce_options *o = &ce;
            ld T = o->temperature, e = o->label_smoothing;
            size_t oo, i;
            for (oo = 0; n && oo < s1 && moderate && from_logits; oo++)
                for (i = 0; i < s3; i++) {
                    size_t smp = oo * s3 + i;
                    ld m = -INFINITY, se = 0, lse, loss = 0, sc = 0;
                    int ignored = kind == K_LABELS && o->has_ignore_index && lab[smp] == o->ignore_index;
                    for (c = 0; c < s2; c++) {
                        ld z = (ld)xv[(oo * s2 + c) * s3 + i] / T;
                        if (z > m) m = z;
                    }
                    for (c = 0; c < s2; c++) se += expl((ld)xv[(oo * s2 + c) * s3 + i] / T - m);
                    lse = m + logl(se);
                    for (c = 0; c < s2; c++) {
                        ld z = (ld)xv[(oo * s2 + c) * s3 + i] / T;
                        ld t = kind == K_LABELS ? (lab[smp] == (int64_t)c) : (ld)tv[(oo * s2 + c) * s3 + i];
                        ld q = (1 - e) * t + e / (ld)s2, wq = wv[c] * q;
                        if (wq == 0) continue;
                        loss += wq * (lse - z);
                        sc += wq * (fabsl(lse) + fabsl(z) + 1);
                    }
                    if (ignored) loss = sc = 0;
                    if (reduction == 0) {
                        double got = get_v(B.a[il].ptr, smp, is64);
                        FZ_CHECK(close_to(got, loss, sc, rel, 4 * (is64 ? DBL_MIN : FLT_MIN), is64),
                                 "loss[%zu] = %.17g, reference %.17Lg (scale %Lg)", smp, got, loss, sc);
                    }
                    total += loss;
                    scale_total += sc;
                    if (kind == K_SOFT) denom += 1;
                    else if (!ignored) denom += wv[lab[smp]];
                }
            if (!from_logits) moderate = 0;
        }
        if (moderate && reduction != 0 && !(bin && bc.gamma > 8)) {
            double got = get_v(B.a[il].ptr, 0, is64);
            ld ref = reduction == 2 ? total : (denom == 0 ? 0 : total / denom);
            ld sc = reduction == 2 ? scale_total : (denom == 0 ? 0 : scale_total / denom);
            FZ_CHECK(close_to(got, ref, sc, 2 * rel, 4 * (is64 ? DBL_MIN : FLT_MIN) * (ld)(n + 1), is64),
                     "reduced loss %.17g, reference %.17Lg (scale %Lg)", got, ref, sc);
        }
        /* gradient: finite for moderate inputs; from logits each sample's sums to 0 */
        /* a tiny nonzero mean divisor D (subnormal class weights) makes a huge
         * gradient that may overflow legitimately */
        if (!bin && reduction == 1 && denom != 0 && denom < 1e-3) moderate = 0;
        if (moderate && !B.a[ig].is_null && (bin ? bc.gamma <= 8 : ce.temperature >= 1e-2) &&
            (from_logits || (bin ? bc.eps : ce.eps) >= 1e-3) && !bufs_overlap(&B, ig, il)) {
            for (k = 0; k < n; k++) {
                FZ_CHECK(isfinite(get_v(B.a[ig].ptr, k, is64)), "grad[%zu] = %g for moderate inputs", k,
                         get_v(B.a[ig].ptr, k, is64));
            }
            if (!bin && from_logits) {
                size_t oo, i;
                for (oo = 0; n && oo < s1; oo++)
                    for (i = 0; i < s3; i++) {
                        /* the terms are p_c W and w_c q_c, W = sum_k w_k q_k, over T D:
                         * the sum's rounding error is relative to W / (T D) */
                        ld s = 0, sa = 0, W = 0, D = reduction == 1 ? denom : 1, e = ce.label_smoothing;
                        for (c = 0; c < s2; c++) {
                            double gv = get_v(B.a[ig].ptr, (oo * s2 + c) * s3 + i, is64);
                            ld t = kind == K_LABELS ? (lab[oo * s3 + i] == (int64_t)c)
                                                    : (ld)tv[(oo * s2 + c) * s3 + i];
                            s += gv;
                            sa += fabs(gv);
                            W += wv[c] * ((1 - e) * t + e / (ld)s2);
                        }
                        sa += D > 0 ? W / (ce.temperature * D) : 0;
                        FZ_CHECK(fabsl(s) <= (is64 ? 1e-12 : 1e-5) * sa + 4 * (is64 ? DBL_MIN : FLT_MIN) * s2,
                                 "gradient of sample (%zu, %zu) sums to %Lg (scale %Lg)", oo, i, s, sa);
                    }
            }
        }
    }
    free(xv);
    free(tv);
    free(wv);
    free(w2v);
    free(lab);
    bufs_free(&B);
    return 0;
}
