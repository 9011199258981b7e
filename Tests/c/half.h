/*
 * half.h: the 16-bit storage formats for the C tests, written independently
 * of the library (double arithmetic and frexp/ldexp, not bit tricks):
 * values to bits (round to nearest, ties to even), bits to values, and the
 * ulp of a value in a format, for measuring errors in the format's units.
 *   HALF_F16   IEEE 754 binary16 (logits_f16)
 *   HALF_BF16  bfloat16, the top half of a float32 (logits_bf16)
 */
#ifndef LOGITS_TEST_HALF_H
#define LOGITS_TEST_HALF_H

#include <math.h>
#include <stdint.h>

enum { HALF_F16 = 0, HALF_BF16 = 1 };

/* Fraction bits, smallest normal exponent, largest finite value. */
static inline int half_fraction_bits(int fmt) { return fmt == HALF_F16 ? 10 : 7; }
static inline int half_min_exponent(int fmt) { return fmt == HALF_F16 ? -14 : -126; }
static inline double half_max(int fmt) { return fmt == HALF_F16 ? 65504.0 : ldexp(255.0 / 128.0, 127); }

/* The value of 16-bit pattern h, exactly. */
static inline double half_to_double(int fmt, uint16_t h)
{
    int p = half_fraction_bits(fmt), ebits = 15 - p, bias = (1 << (ebits - 1)) - 1;
    int e = (h >> p) & ((1 << ebits) - 1);
    double f = (double)(h & ((1u << p) - 1)), v;
    if (e == (1 << ebits) - 1) v = f != 0 ? NAN : INFINITY;
    else if (e == 0) v = ldexp(f, 1 - bias - p);
    else v = ldexp(1.0 + ldexp(f, -p), e - bias);
    return (h & 0x8000) ? -v : v;
}

/* The pattern nearest to v (ties to even); beyond the largest finite value
 * by at least half an ulp: infinity; NaN: a quiet NaN. */
static inline uint16_t half_from_double(int fmt, double v)
{
    int p = half_fraction_bits(fmt), ebits = 15 - p, bias = (1 << (ebits - 1)) - 1;
    uint16_t sign = signbit(v) ? 0x8000 : 0, inf = (uint16_t)(((1u << ebits) - 1) << p);
    double a = fabs(v), q;
    int e;
    if (isnan(v)) return (uint16_t)(inf | (1u << (p - 1)));
    if (a >= half_max(fmt) + ldexp(0.5, (int)ilogb(half_max(fmt)) - p)) return (uint16_t)(sign | inf);
    if (a < ldexp(1.0, half_min_exponent(fmt))) {
        q = nearbyint(ldexp(a, p - half_min_exponent(fmt))); /* subnormal units; 2^p is the smallest normal */
        return (uint16_t)(sign | (uint16_t)q);
    }
    (void)frexp(a, &e); /* a = m 2^e, m in [0.5, 1) */
    q = nearbyint(ldexp(a, p + 1 - e)); /* in [2^p, 2^(p+1)] */
    if (q == ldexp(1.0, p + 1)) { q = ldexp(1.0, p); e++; }
    return (uint16_t)(sign | (uint16_t)((e - 1 + bias) << p) | (uint16_t)(q - ldexp(1.0, p)));
}

/* The distance between consecutive values of the format around v (the
 * subnormal spacing below the smallest normal). */
static inline double half_ulp(int fmt, double v)
{
    int p = half_fraction_bits(fmt), e;
    double a = fabs(v);
    if (!(a >= ldexp(1.0, half_min_exponent(fmt)))) return ldexp(1.0, half_min_exponent(fmt) - p);
    if (isinf(a)) a = half_max(fmt);
    (void)frexp(a, &e);
    return ldexp(1.0, e - 1 - p);
}

#endif
