/*
 * test_sampling.c: logits_sample_*, logits_sample_from_uniform_*,
 * logits_top_k_* and logits_argmax_* from C.
 *
 * - The seeded draw of row r is the draw of the Philox4x32-10 uniform of
 *   (seed, r) (a Philox written here from the paper, checked against
 *   Random123's known answers), and the uniform draw is the inverse CDF of
 *   the exact distribution (computed here with libm in long double).
 * - Known distributions: each filter's survivors and log-probabilities.
 * - Bad input: every refusal the header lists, each with its status and a
 *   message, and with the outputs (canary-filled) left untouched.
 * - top-k against a full sort (qsort, ties by index), argmax.
 * Every case runs for float32 and float64. Prints "N passed, M failed".
 */
#include "logits.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"

static void philox(const uint32_t ctr_in[4], const uint32_t key_in[2], uint32_t out[4])
{
    uint32_t c[4], k[2];
    int r;
    memcpy(c, ctr_in, sizeof c);
    memcpy(k, key_in, sizeof k);
    for (r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c[0], p1 = (uint64_t)0xCD9E8D57u * c[2];
        uint32_t n[4];
        n[0] = (uint32_t)(p1 >> 32) ^ c[1] ^ k[0];
        n[1] = (uint32_t)p1;
        n[2] = (uint32_t)(p0 >> 32) ^ c[3] ^ k[1];
        n[3] = (uint32_t)p0;
        memcpy(c, n, sizeof c);
        k[0] += 0x9E3779B9u;
        k[1] += 0xBB67AE85u;
    }
    memcpy(out, c, sizeof c);
}

static double uniform_of(uint64_t seed, uint64_t row)
{
    uint32_t ctr[4] = {(uint32_t)row, (uint32_t)(row >> 32), 0, 0};
    uint32_t key[2] = {(uint32_t)seed, (uint32_t)(seed >> 32)}, w[4];
    philox(ctr, key, w);
    return (double)((((uint64_t)w[0] << 32) | w[1]) >> 11) * 0x1p-53;
}

static void test_philox_known_answers(void)
{
    static const uint32_t ctr[3][4] = {{0, 0, 0, 0},
                                       {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
                                       {0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}};
    static const uint32_t key[3][2] = {{0, 0}, {0xffffffffu, 0xffffffffu}, {0xa4093822u, 0x299f31d0u}};
    static const uint32_t want[3][4] = {{0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u},
                                        {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu},
                                        {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}};
    int i;
    for (i = 0; i < 3; i++) {
        uint32_t out[4];
        philox(ctr[i], key[i], out);
        CHECK(memcmp(out, want[i], sizeof out) == 0, "Random123 known answer %d", i);
    }
}

/* A row and its exact distribution under temperature T (no filter). */
#define V 9
static const double ROW[V] = {1.0, -2.0, 0.5, 2.0, 2.0, -INFINITY, 0.0, 1.5, -1.0};

static int inverse_cdf(const long double *p, int n, double u)
{
    long double total = 0, cum = 0;
    int i, last = 0;
    for (i = 0; i < n; i++) total += p[i];
    for (i = 0; i < n; i++) {
        if (p[i] > 0) last = i;
        cum += p[i];
        if (cum > (long double)u * total) return i;
    }
    return last;
}

static void exact_probs(double T, long double *p)
{
    long double s = 0;
    int i;
    for (i = 0; i < V; i++) s += p[i] = expl((long double)(ROW[i] - 2.0) / T);
    for (i = 0; i < V; i++) p[i] /= s;
}

#define ROWS 400

static void run_draws(int is64, const logits_sampler_options *o, const double *u, int64_t *tok, double *lp)
{
    static float x32[ROWS * V], lp32[ROWS];
    static double x64[ROWS * V];
    int r, i;
    for (r = 0; r < ROWS; r++)
        for (i = 0; i < V; i++) x64[r * V + i] = ROW[i], x32[r * V + i] = (float)ROW[i];
    if (is64) {
        CHECK((u ? logits_sample_from_uniform_f64(x64, u, tok, lp, NULL, ROWS, V, o)
                 : logits_sample_f64(x64, tok, lp, NULL, ROWS, V, o)) == LOGITS_OK, "f64 status");
    } else {
        CHECK((u ? logits_sample_from_uniform_f32(x32, u, tok, lp32, NULL, ROWS, V, o)
                 : logits_sample_f32(x32, tok, lp32, NULL, ROWS, V, o)) == LOGITS_OK, "f32 status");
        for (r = 0; r < ROWS; r++) lp[r] = lp32[r];
    }
}

static void test_draws_are_the_inverse_cdf_of_philox(void)
{
    int is64, r, t;
    static const double temps[3] = {1.0, 0.35, 3.0};
    for (is64 = 0; is64 < 2; is64++)
        for (t = 0; t < 3; t++) {
            logits_sampler_options o;
            long double p[V];
            int64_t tok[ROWS], tok_u[ROWS];
            double lp[ROWS], u[ROWS];
            logits_sampler_options_init(&o);
            o.temperature = temps[t];
            o.seed = 0xFEEDFACECAFEBEEFull + (uint64_t)t;
            exact_probs(temps[t], p);
            for (r = 0; r < ROWS; r++) u[r] = uniform_of(o.seed, (uint64_t)r);
            run_draws(is64, &o, NULL, tok, lp);
            run_draws(is64, &o, u, tok_u, lp);
            for (r = 0; r < ROWS; r++) {
                int want = inverse_cdf(p, V, u[r]);
                CHECK(tok[r] == tok_u[r], "%s T=%g row %d: seeded %lld, from its uniform %lld", is64 ? "f64" : "f32",
                      temps[t], r, (long long)tok[r], (long long)tok_u[r]);
                CHECK(tok[r] == want, "%s T=%g row %d (u=%.17g): token %lld, inverse CDF %d", is64 ? "f64" : "f32",
                      temps[t], r, u[r], (long long)tok[r], want);
                CHECK(fabs(exp(lp[r]) / (double)p[tok[r]] - 1) < 1e-6, "logprob of row %d", r);
            }
        }
}

/* Each filter alone, through its survivors: with u sweeping [0, 1) every
 * survivor is drawn and nothing else. ROW sorted: 2, 2 (3, 4), 1.5 (7), 1 (0),
 * 0.5 (2), 0 (6), -1 (8), -2 (1), -inf (5). */
static void survivors(int is64, const logits_sampler_options *o, int *seen)
{
    int64_t tok[ROWS];
    double lp[ROWS], u[ROWS];
    int r;
    for (r = 0; r < ROWS; r++) u[r] = (r + 0.5) / ROWS;
    run_draws(is64, o, u, tok, lp);
    memset(seen, 0, V * sizeof *seen);
    for (r = 0; r < ROWS; r++)
        if (tok[r] >= 0 && tok[r] < V) seen[tok[r]] = 1;
}

static void expect_set(int is64, const char *what, const logits_sampler_options *o, const char *want)
{
    int seen[V], i;
    char got[V + 1];
    survivors(is64, o, seen);
    for (i = 0; i < V; i++) got[i] = seen[i] ? '1' : '0';
    got[V] = 0;
    CHECK(strcmp(got, want) == 0, "%s %s: survivors %s, expected %s", is64 ? "f64" : "f32", what, got, want);
}

static void test_filters_keep_what_the_header_says(void)
{
    int is64;
    for (is64 = 0; is64 < 2; is64++) {
        logits_sampler_options o;
        logits_sampler_options_init(&o);
        expect_set(is64, "no filter", &o, "111110111");
        o.top_k = 1;
        expect_set(is64, "top_k 1 (tie kept)", &o, "000110000");
        o.top_k = 3;
        expect_set(is64, "top_k 3", &o, "000110010");
        o.top_k = 0;
        o.top_p = 0.3; /* each 2.0 has p = 0.262: the second crosses 0.3 */
        expect_set(is64, "top_p 0.3", &o, "000110000");
        o.top_p = 0.2;
        expect_set(is64, "top_p 0.2 (ties by index)", &o, "000100000");
        o.top_p = 1;
        o.min_p = 0.5; /* e^(x - 2) >= 0.5: x >= 1.307 */
        expect_set(is64, "min_p 0.5", &o, "000110010");
        o.temperature = 0.5; /* transformers: e^((x - 2)/0.5) >= 0.5: x >= 1.653 */
        expect_set(is64, "min_p 0.5 T 0.5", &o, "000110000");
        o.order = LOGITS_SAMPLER_ORDER_LLAMA_CPP; /* llama.cpp: min-p before T */
        expect_set(is64, "min_p 0.5 T 0.5 llama.cpp", &o, "000110010");
        logits_sampler_options_init(&o);
        o.temperature = 0;
        {
            int64_t tok[ROWS];
            double lp[ROWS];
            run_draws(is64, &o, NULL, tok, lp);
            CHECK(tok[0] == 3 && tok[ROWS - 1] == 3 && lp[0] == 0, "greedy: %lld", (long long)tok[0]);
        }
    }
}

/* ------------------------------------------------------------------------ */
/* Bad input: status, message, outputs untouched                            */
/* ------------------------------------------------------------------------ */

static int g_is64;
static logits_status try_sample(const void *x, const double *u, int64_t *tok, void *lp, size_t rows, size_t vocab,
                                const logits_sampler_options *o)
{
    if (g_is64)
        return u ? logits_sample_from_uniform_f64((const double *)x, u, tok, (double *)lp, NULL, rows, vocab, o)
                 : logits_sample_f64((const double *)x, tok, (double *)lp, NULL, rows, vocab, o);
    return u ? logits_sample_from_uniform_f32((const float *)x, u, tok, (float *)lp, NULL, rows, vocab, o)
             : logits_sample_f32((const float *)x, tok, (float *)lp, NULL, rows, vocab, o);
}

typedef struct {
    const char *what;
    logits_status want;
    const char *message; /* a part of logits_last_error_message() */
} refusal_t;

static void expect_refusal(const refusal_t *r, logits_status got, const unsigned char *out, size_t n)
{
    size_t i;
    int untouched = 1;
    const char *m = logits_last_error_message();
    for (i = 0; i < n; i++) untouched &= out[i] == 0xA5;
    CHECK(got == r->want, "%s %s: status %d, expected %d", g_is64 ? "f64" : "f32", r->what, (int)got,
          (int)r->want);
    CHECK(strstr(m, r->message) != NULL, "%s %s: message \"%s\" lacks \"%s\"", g_is64 ? "f64" : "f32", r->what, m,
          r->message);
    CHECK(untouched, "%s %s: an output was written", g_is64 ? "f64" : "f32", r->what);
}

static void test_bad_input(void)
{
    for (g_is64 = 0; g_is64 < 2; g_is64++) {
        double xd[2 * 4] = {0, 1, 2, 3, 0, 1, 2, 3};
        float xf[2 * 4] = {0, 1, 2, 3, 0, 1, 2, 3};
        void *x = g_is64 ? (void *)xd : (void *)xf;
        union { unsigned char b[64]; int64_t t[8]; double d[8]; } out;
        int64_t *tok = out.t;
        void *lp = out.b + 16;
        int64_t hist[4] = {0, 1, 2, 3};
        int32_t counts[8] = {0};
        int64_t bias_id[1] = {1};
        double bias_val[1] = {1.0}, uni[2] = {0.5, 0.5};
        logits_sampler_options o;
        int k;
        struct { refusal_t r; int what; } cases[] = {
            {{"temperature -1", LOGITS_ERROR_INVALID_ARGUMENT, "temperature must be finite and >= 0"}, 0},
            {{"temperature inf", LOGITS_ERROR_INVALID_ARGUMENT, "temperature must be finite and >= 0"}, 1},
            {{"top_k -1", LOGITS_ERROR_INVALID_ARGUMENT, "top_k must be >= 0"}, 2},
            {{"top_p 0", LOGITS_ERROR_INVALID_ARGUMENT, "top_p must be in (0, 1]"}, 3},
            {{"top_p NaN", LOGITS_ERROR_INVALID_ARGUMENT, "top_p must be in (0, 1]"}, 4},
            {{"min_p 1", LOGITS_ERROR_INVALID_ARGUMENT, "min_p must be in [0, 1)"}, 5},
            {{"repetition_penalty 0", LOGITS_ERROR_INVALID_ARGUMENT, "repetition_penalty must be finite and > 0"}, 6},
            {{"frequency_penalty NaN", LOGITS_ERROR_INVALID_ARGUMENT, "frequency_penalty must be finite"}, 7},
            {{"order 2", LOGITS_ERROR_INVALID_ARGUMENT, "order must be"}, 8},
            {{"struct_size 0", LOGITS_ERROR_INVALID_ARGUMENT, "logits_sampler_options_init"}, 9},
            {{"history id = vocab", LOGITS_ERROR_INVALID_ARGUMENT, "history at (1, 1) is 4"}, 10},
            {{"history id -2", LOGITS_ERROR_INVALID_ARGUMENT, "history must be a token id"}, 11},
            {{"history and counts", LOGITS_ERROR_INVALID_ARGUMENT, "not both"}, 12},
            {{"count -1", LOGITS_ERROR_INVALID_ARGUMENT, "history_counts must be >= 0"}, 13},
            {{"bias id 4", LOGITS_ERROR_INVALID_ARGUMENT, "bias_ids must be a token id"}, 14},
            {{"bias NaN", LOGITS_ERROR_INVALID_ARGUMENT, "bias_values must be a number"}, 15},
            {{"NULL bias values", LOGITS_ERROR_NULL_POINTER, "null pointer"}, 16},
            {{"uniform 1", LOGITS_ERROR_INVALID_ARGUMENT, "uniform must be in [0, 1)"}, 17},
            {{"NaN logit", LOGITS_ERROR_INVALID_ARGUMENT, "logits at (1, 2) is NaN"}, 18},
            {{"all -inf", LOGITS_ERROR_INVALID_ARGUMENT, "row 0 has nothing left to sample"}, 19},
            {{"all banned by the bias", LOGITS_ERROR_INVALID_ARGUMENT, "row 1 has nothing left"}, 20},
            {{"vocab 0", LOGITS_ERROR_INVALID_ARGUMENT, "vocabulary"}, 21},
            {{"NULL logits", LOGITS_ERROR_NULL_POINTER, "null pointer"}, 22},
            {{"NULL tokens", LOGITS_ERROR_NULL_POINTER, "null pointer"}, 23},
            {{"rows x vocab overflows", LOGITS_ERROR_SIZE_OVERFLOW, "size overflow"}, 24},
            {{"tokens over logits", LOGITS_ERROR_OVERLAP, "overlap"}, 25},
            {{"logprobs over tokens", LOGITS_ERROR_OVERLAP, "overlap"}, 26},
        };
        for (k = 0; k < (int)(sizeof cases / sizeof cases[0]); k++) {
            const void *xx = x;
            const double *u = NULL;
            int64_t *tt = tok;
            void *ll = lp;
            size_t rows = 2, vocab = 4;
            logits_sampler_options *op = &o;
            logits_status st;
            double saved_d = xd[6];
            float saved_f = xf[6];
            logits_sampler_options_init(&o);
            memset(out.b, 0xA5, sizeof out.b);
            switch (cases[k].what) {
            case 0: o.temperature = -1; break;
            case 1: o.temperature = INFINITY; break;
            case 2: o.top_k = -1; break;
            case 3: o.top_p = 0; break;
            case 4: o.top_p = NAN; break;
            case 5: o.min_p = 1; break;
            case 6: o.repetition_penalty = 0; break;
            case 7: o.frequency_penalty = NAN; break;
            case 8: o.order = 2; break;
            case 9: o.struct_size = 0; break;
            case 10: hist[3] = 4; o.history = hist; o.history_len = 2; o.repetition_penalty = 2; break;
            case 11: hist[0] = -2; o.history = hist; o.history_len = 2; break;
            case 12: o.history = hist; o.history_len = 2; o.history_counts = counts; break;
            case 13: counts[5] = -1; o.history_counts = counts; break;
            case 14: bias_id[0] = 4; o.bias_ids = bias_id; o.bias_values = bias_val; o.n_bias = 1; break;
            case 15: bias_val[0] = NAN; o.bias_ids = bias_id; o.bias_values = bias_val; o.n_bias = 1; break;
            case 16: o.bias_ids = bias_id; o.bias_values = NULL; o.n_bias = 1; break;
            case 17: uni[1] = 1.0; u = uni; break;
            case 18: xd[6] = NAN; xf[6] = NAN; break;
            case 19: {
                static double md[8] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, 0, 1, 2, 3};
                static float mf[8] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY, 0, 1, 2, 3};
                xx = g_is64 ? (void *)md : (void *)mf;
                break;
            }
            case 20: {
                static int64_t ids[4] = {0, 1, 2, 3};
                static double ban[4] = {-INFINITY, -INFINITY, -INFINITY, -INFINITY};
                static double md[8] = {0, 1, 2, 3, -INFINITY, -INFINITY, -INFINITY, 1};
                static float mf[8] = {0, 1, 2, 3, -INFINITY, -INFINITY, -INFINITY, 1};
                xx = g_is64 ? (void *)md : (void *)mf;
                o.bias_ids = ids + 3; o.bias_values = ban; o.n_bias = 1;
                (void)ids;
                break;
            }
            case 21: vocab = 0; break;
            case 22: xx = NULL; break;
            case 23: tt = NULL; break;
            case 24: rows = (size_t)1 << 40; vocab = (size_t)1 << 40; break;
            case 25: tt = (int64_t *)(void *)((char *)x + 8); break;
            case 26: ll = out.b + 8; break;
            }
            st = try_sample(xx, u, tt, ll, rows, vocab, op);
            expect_refusal(&cases[k].r, st, out.b, sizeof out.b);
            xd[6] = saved_d;
            xf[6] = saved_f;
            hist[0] = 0; hist[3] = 3; counts[5] = 0; bias_id[0] = 1; bias_val[0] = 1.0; uni[1] = 0.5;
        }
        /* zero rows: OK, nothing written; NULL options: the defaults */
        memset(out.b, 0xA5, sizeof out.b);
        CHECK(try_sample(x, NULL, tok, lp, 0, 4, NULL) == LOGITS_OK && out.b[0] == 0xA5, "rows 0");
        CHECK(try_sample(x, NULL, tok, lp, 2, 4, NULL) == LOGITS_OK && tok[0] >= 0 && tok[0] < 4, "NULL options");
    }
}

/* ------------------------------------------------------------------------ */
/* top-k and argmax                                                         */
/* ------------------------------------------------------------------------ */

static const double *g_sort_row;
static int by_value_then_index(const void *a, const void *b)
{
    int i = *(const int *)a, j = *(const int *)b;
    double x = g_sort_row[i], y = g_sort_row[j];
    int xn = isnan(x), yn = isnan(y);
    if (xn != yn) return xn ? -1 : 1;
    if (!xn && x != y) return x > y ? -1 : 1;
    return i < j ? -1 : 1;
}

static void test_top_k_and_argmax(void)
{
    enum { N = 5000, K = 40 };
    static double xd[N], vd[K];
    static float xf[N], vf[K];
    static int order[N];
    int64_t idx[K], am;
    int i, is64;
    uint64_t s = 0x9E3779B97F4A7C15ull;
    for (i = 0; i < N; i++) {
        s ^= s << 13, s ^= s >> 7, s ^= s << 17;
        xd[i] = (double)(s % 2000) / 100.0 - 10.0; /* many ties */
        xf[i] = (float)xd[i];
        order[i] = i;
    }
    xd[4000] = xf[4000] = NAN;
    xd[17] = -0.0;
    g_sort_row = xd;
    qsort(order, N, sizeof order[0], by_value_then_index);
    for (is64 = 0; is64 < 2; is64++) {
        logits_status st = is64 ? logits_top_k_f64(xd, vd, idx, 1, N, K) : logits_top_k_f32(xf, vf, idx, 1, N, K);
        CHECK(st == LOGITS_OK, "top_k status %d", (int)st);
        for (i = 0; i < K; i++)
            CHECK(idx[i] == order[i], "%s top_k[%d] = %lld, sort gives %d", is64 ? "f64" : "f32", i, (long long)idx[i],
                  order[i]);
        st = is64 ? logits_argmax_f64(xd, &am, 1, N) : logits_argmax_f32(xf, &am, 1, N);
        CHECK(st == LOGITS_OK && am == 4000, "argmax with a NaN: %lld", (long long)am);
        st = is64 ? logits_argmax_f64(xd, &am, 1, 4000) : logits_argmax_f32(xf, &am, 1, 4000);
        CHECK(st == LOGITS_OK && am == order[1] , "argmax: %lld, expected %d", (long long)am, order[1]);
        st = is64 ? logits_top_k_f64(xd, vd, idx, 1, 3, 4) : logits_top_k_f32(xf, vf, idx, 1, 3, 4);
        CHECK(st == LOGITS_ERROR_INVALID_ARGUMENT, "k > cols: %d", (int)st);
        st = is64 ? logits_top_k_f64(xd, xd + 1, idx, 1, 10, 2) : logits_top_k_f32(xf, xf + 1, idx, 1, 10, 2);
        CHECK(st == LOGITS_ERROR_OVERLAP, "values over x: %d", (int)st);
        st = is64 ? logits_argmax_f64(xd, &am, 1, 0) : logits_argmax_f32(xf, &am, 1, 0);
        CHECK(st == LOGITS_ERROR_INVALID_ARGUMENT, "argmax of cols 0: %d", (int)st);
        st = is64 ? logits_argmax_f64(NULL, &am, 1, 3) : logits_argmax_f32(NULL, &am, 1, 3);
        CHECK(st == LOGITS_ERROR_NULL_POINTER, "argmax NULL: %d", (int)st);
    }
}

/* Every sampling operation of the list is called here, in both types. */
static void test_options_init(void)
{
    logits_sampler_options o;
    memset(&o, 0xA5, sizeof o);
    logits_sampler_options_init(&o);
    logits_sampler_options_init(NULL);
    CHECK(o.struct_size == sizeof o && o.order == LOGITS_SAMPLER_ORDER_TRANSFORMERS && o.temperature == 1 &&
              o.top_k == 0 && o.top_p == 1 && o.min_p == 0 && o.repetition_penalty == 1 &&
              o.presence_penalty == 0 && o.frequency_penalty == 0 && o.history == NULL && o.history_len == 0 &&
              o.history_counts == NULL && o.bias_ids == NULL && o.bias_values == NULL && o.n_bias == 0 &&
              o.seed == 0,
          "logits_sampler_options_init defaults");
}

int main(int argc, char **argv)
{
    harness_start(argc, argv);
    RUN(test_options_init);
    RUN(test_philox_known_answers);
    RUN(test_draws_are_the_inverse_cdf_of_philox);
    RUN(test_filters_keep_what_the_header_says);
    RUN(test_bad_input);
    RUN(test_top_k_and_argmax);
    return harness_finish();
}
