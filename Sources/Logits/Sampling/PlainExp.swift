// e^x for the sampler's float64 rows (SamplerTerms.swift), in plain IEEE
// double arithmetic: no FMA, no libm. Every CPU level's copy therefore gives
// the same bits, which is what makes a sampled token a function of (logits,
// options, seed) alone. Relative error below 3e-13 for x <= 0 (the
// sampler's arguments are always x - max <= 0).
//
// Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, Taylor series of e^r to
// degree 10 (Estrin's scheme), 2^n applied in two exact halves
// so subnormal results round once; x below -746 (and -inf) gives 0.

@usableFromInline let plainExpMagic = 0x1.8p52
/// Added to the bits of k + magic (integer k): k + 1023 in the low bits,
/// ready to shift into a double's exponent field.
@usableFromInline let plainExpBias: UInt64 = 1023 &- 0x4338_0000_0000_0000
@usableFromInline let plainLog2e = 1.4426950408889634
@usableFromInline let plainLn2Hi = 6.93147180369123816490e-01  // 32 leading bits of ln 2
@usableFromInline let plainLn2Lo = 1.90821492927058770002e-10

/// e^x for one x <= 0 (bit-identical to each lane of `plainExp8`).
@inlinable @inline(__always)
package func plainExp(_ x: Double) -> Double {
    let xc = x < -746 ? -746 : x
    let t = xc * plainLog2e + plainExpMagic
    let n = t - plainExpMagic
    let r = (xc - n * plainLn2Hi) - n * plainLn2Lo
    // 2^n = 2^h 2^(n - h), h = floor(n / 2): both factors normal.
    let th = (n * 0.5 - 0.25) + plainExpMagic
    let h = th - plainExpMagic
    let tl = (n - h) + plainExpMagic
    return plainExpSeries(r) * Double(bitPattern: (th.bitPattern &+ plainExpBias) &<< 52)
                             * Double(bitPattern: (tl.bitPattern &+ plainExpBias) &<< 52)
}

/// e^x in eight lanes, each lane as `plainExp`: the same operations, in
/// lanes (no mask, no 64-bit shift right, which SSE2 lacks).
@inlinable @inline(__always)
package func plainExp8(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let xc = x.replacing(with: -746, where: x .< -746)
    let t = xc * plainLog2e + plainExpMagic
    let n = t - plainExpMagic
    let r = (xc - n * plainLn2Hi) - n * plainLn2Lo
    let th = (n * 0.5 - 0.25) + plainExpMagic
    let h = th - plainExpMagic
    let tl = (n - h) + plainExpMagic
    let bias = SIMD8<UInt64>(repeating: plainExpBias)
    return plainExpSeries(r)
        * unsafeBitCast((unsafeBitCast(th, to: SIMD8<UInt64>.self) &+ bias) &<< 52, to: SIMD8<Double>.self)
        * unsafeBitCast((unsafeBitCast(tl, to: SIMD8<UInt64>.self) &+ bias) &<< 52, to: SIMD8<Double>.self)
}

/// 1 + r + r^2/2! + ... + r^10/10!, by Estrin's scheme (pairs, then powers
/// r^2, r^4, r^8): a dependency chain of 8 operations instead of Horner's
/// 20, which made the eight-lane exp latency-bound. Truncation below
/// |r|^11/11! <= 2.3e-13 relative: the sampler needs probabilities to far
/// better than 1e-6, not to the last bit.
@inlinable @inline(__always)
func plainExpSeries<V: PlainArithmetic>(_ r: V) -> V {
    let r2 = r * r
    let r4 = r2 * r2
    let r8 = r4 * r4
    let p01 = V(1) + r
    let p23 = V(0.5) + V(1.0 / 6) * r
    let p45 = V(1.0 / 24) + V(1.0 / 120) * r
    let p67 = V(1.0 / 720) + V(1.0 / 5040) * r
    let p8910 = V(1.0 / 40320) + V(1.0 / 362_880) * r + V(1.0 / 3_628_800) * r2
    let q0 = p01 + p23 * r2
    let q1 = p45 + p67 * r2
    return (q0 + q1 * r4) + p8910 * r8
}

/// Double or SIMD8<Double>: the +, * and splat plainExpSeries needs.
@usableFromInline
protocol PlainArithmetic {
    init(_ value: Double)
    static func + (a: Self, b: Self) -> Self
    static func * (a: Self, b: Self) -> Self
}

extension Double: PlainArithmetic {}
extension SIMD8: PlainArithmetic where Scalar == Double {
    @inlinable @inline(__always)
    init(_ value: Double) { self.init(repeating: value) }
}
