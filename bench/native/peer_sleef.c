/* A SLEEF-based C peer: softmax (three passes), log_softmax and sigmoid with
 * SLEEF's 1.0-ulp vector exp (Sleef_expf16_u10 / Sleef_expd8_u10) on AVX-512,
 * sums kept in vector lanes of the element type (as such code usually is). */
#include <math.h>
#include <stdio.h>
#include "peer.h"

#if defined(__AVX512F__)
#include <immintrin.h>
#include <sleef.h>

#define STR_(x) #x
#define STR(x) STR_(x)
const char *peer_message(void) { return "SLEEF Sleef_expf16_u10 / Sleef_expd8_u10"; }
const char *peer_version(void) {
    return "SLEEF " STR(SLEEF_VERSION_MAJOR) "." STR(SLEEF_VERSION_MINOR) "." STR(SLEEF_VERSION_PATCHLEVEL);
}
int peer_prepare(bench_args *a) {
    return a->op <= OP_SIGMOID && (a->dtype == DT_F32 || a->dtype == DT_F64) ? 0 : 1;
}
void peer_release(bench_args *a) { (void)a; }

static void softmax_f32(const float *x, float *y, size_t rows, size_t cols, int logspace) {
    for (size_t r = 0; r < rows; r++, x += cols, y += cols) {
        size_t n16 = cols & ~(size_t)15;
        __mmask16 tail = (__mmask16)((1u << (cols - n16)) - 1);
        __m512 vm = _mm512_set1_ps(-INFINITY);
        for (size_t j = 0; j < n16; j += 16) vm = _mm512_max_ps(vm, _mm512_loadu_ps(x + j));
        vm = _mm512_mask_max_ps(vm, tail, vm, _mm512_maskz_loadu_ps(tail, x + n16));
        float m = _mm512_reduce_max_ps(vm);
        __m512 vmax = _mm512_set1_ps(m), vs = _mm512_setzero_ps();
        for (size_t j = 0; j < n16; j += 16) {
            __m512 e = Sleef_expf16_u10(_mm512_sub_ps(_mm512_loadu_ps(x + j), vmax));
            if (!logspace) _mm512_storeu_ps(y + j, e);
            vs = _mm512_add_ps(vs, e);
        }
        __m512 e = Sleef_expf16_u10(_mm512_sub_ps(_mm512_maskz_loadu_ps(tail, x + n16), vmax));
        if (!logspace) _mm512_mask_storeu_ps(y + n16, tail, e);
        vs = _mm512_mask_add_ps(vs, tail, vs, e);
        float s = _mm512_reduce_add_ps(vs);
        if (logspace) {
            __m512 l = _mm512_set1_ps(m + logf(s));
            for (size_t j = 0; j < n16; j += 16)
                _mm512_storeu_ps(y + j, _mm512_sub_ps(_mm512_loadu_ps(x + j), l));
            _mm512_mask_storeu_ps(y + n16, tail, _mm512_sub_ps(_mm512_maskz_loadu_ps(tail, x + n16), l));
        } else {
            __m512 k = _mm512_set1_ps(1.0f / s);
            for (size_t j = 0; j < n16; j += 16)
                _mm512_storeu_ps(y + j, _mm512_mul_ps(_mm512_loadu_ps(y + j), k));
            _mm512_mask_storeu_ps(y + n16, tail, _mm512_mul_ps(_mm512_maskz_loadu_ps(tail, y + n16), k));
        }
    }
}

static void softmax_f64(const double *x, double *y, size_t rows, size_t cols, int logspace) {
    for (size_t r = 0; r < rows; r++, x += cols, y += cols) {
        size_t n8 = cols & ~(size_t)7;
        __mmask8 tail = (__mmask8)((1u << (cols - n8)) - 1);
        __m512d vm = _mm512_set1_pd(-INFINITY);
        for (size_t j = 0; j < n8; j += 8) vm = _mm512_max_pd(vm, _mm512_loadu_pd(x + j));
        vm = _mm512_mask_max_pd(vm, tail, vm, _mm512_maskz_loadu_pd(tail, x + n8));
        double m = _mm512_reduce_max_pd(vm);
        __m512d vmax = _mm512_set1_pd(m), vs = _mm512_setzero_pd();
        for (size_t j = 0; j < n8; j += 8) {
            __m512d e = Sleef_expd8_u10(_mm512_sub_pd(_mm512_loadu_pd(x + j), vmax));
            if (!logspace) _mm512_storeu_pd(y + j, e);
            vs = _mm512_add_pd(vs, e);
        }
        __m512d e = Sleef_expd8_u10(_mm512_sub_pd(_mm512_maskz_loadu_pd(tail, x + n8), vmax));
        if (!logspace) _mm512_mask_storeu_pd(y + n8, tail, e);
        vs = _mm512_mask_add_pd(vs, tail, vs, e);
        double s = _mm512_reduce_add_pd(vs);
        if (logspace) {
            __m512d l = _mm512_set1_pd(m + log(s));
            for (size_t j = 0; j < n8; j += 8)
                _mm512_storeu_pd(y + j, _mm512_sub_pd(_mm512_loadu_pd(x + j), l));
            _mm512_mask_storeu_pd(y + n8, tail, _mm512_sub_pd(_mm512_maskz_loadu_pd(tail, x + n8), l));
        } else {
            __m512d k = _mm512_set1_pd(1.0 / s);
            for (size_t j = 0; j < n8; j += 8)
                _mm512_storeu_pd(y + j, _mm512_mul_pd(_mm512_loadu_pd(y + j), k));
            _mm512_mask_storeu_pd(y + n8, tail, _mm512_mul_pd(_mm512_maskz_loadu_pd(tail, y + n8), k));
        }
    }
}

static void sigmoid_f32(const float *x, float *y, size_t n) {
    size_t n16 = n & ~(size_t)15;
    __m512 one = _mm512_set1_ps(1.0f), zero = _mm512_setzero_ps();
    for (size_t j = 0; j < n16; j += 16) {
        __m512 e = Sleef_expf16_u10(_mm512_sub_ps(zero, _mm512_loadu_ps(x + j)));
        _mm512_storeu_ps(y + j, _mm512_div_ps(one, _mm512_add_ps(one, e)));
    }
    __mmask16 tail = (__mmask16)((1u << (n - n16)) - 1);
    __m512 e = Sleef_expf16_u10(_mm512_sub_ps(zero, _mm512_maskz_loadu_ps(tail, x + n16)));
    _mm512_mask_storeu_ps(y + n16, tail, _mm512_div_ps(one, _mm512_add_ps(one, e)));
}

static void sigmoid_f64(const double *x, double *y, size_t n) {
    size_t n8 = n & ~(size_t)7;
    __m512d one = _mm512_set1_pd(1.0), zero = _mm512_setzero_pd();
    for (size_t j = 0; j < n8; j += 8) {
        __m512d e = Sleef_expd8_u10(_mm512_sub_pd(zero, _mm512_loadu_pd(x + j)));
        _mm512_storeu_pd(y + j, _mm512_div_pd(one, _mm512_add_pd(one, e)));
    }
    __mmask8 tail = (__mmask8)((1u << (n - n8)) - 1);
    __m512d e = Sleef_expd8_u10(_mm512_sub_pd(zero, _mm512_maskz_loadu_pd(tail, x + n8)));
    _mm512_mask_storeu_pd(y + n8, tail, _mm512_div_pd(one, _mm512_add_pd(one, e)));
}

int peer_call(bench_args *a) {
    size_t r = a->rows, c = a->cols;
    if (a->dtype == DT_F32) {
        switch (a->op) {
        case OP_SOFTMAX: softmax_f32(a->x, a->y, r, c, 0); return 0;
        case OP_LOG_SOFTMAX: softmax_f32(a->x, a->y, r, c, 1); return 0;
        case OP_SIGMOID: sigmoid_f32(a->x, a->y, r * c); return 0;
        }
    } else {
        switch (a->op) {
        case OP_SOFTMAX: softmax_f64(a->x, a->y, r, c, 0); return 0;
        case OP_LOG_SOFTMAX: softmax_f64(a->x, a->y, r, c, 1); return 0;
        case OP_SIGMOID: sigmoid_f64(a->x, a->y, r * c); return 0;
        }
    }
    return 99;
}
#else
const char *peer_message(void) { return "the SLEEF peer is written for AVX-512 (this CPU or compiler lacks it)"; }
const char *peer_version(void) { return "SLEEF"; }
int peer_prepare(bench_args *a) { (void)a; return -1; }
int peer_call(bench_args *a) { (void)a; return 99; }
void peer_release(bench_args *a) { (void)a; }
#endif
