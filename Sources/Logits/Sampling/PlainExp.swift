// e^x for the sampler, in plain IEEE double arithmetic: no FMA, no libm, no
// CPU-level copy. Every CPU therefore gives the same bits, which is what
// makes a sampled token a function of (logits, options, seed) alone. Error
// below 1 ulp for x <= 0 (the sampler's arguments are always x - max <= 0).
//
// Cody-Waite reduction x = n ln2 + r, |r| <= ln2/2, Taylor series of e^r to
// degree 13 (truncation < 2^-58 relative), 2^n applied in two exact halves
// so subnormal results round once; x below -746 (and -inf) gives 0.

@usableFromInline let plainExpMagic = 0x1.8p52
@usableFromInline let plainExpMagicBits: Int64 = 0x4338_0000_0000_0000
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
    let p = plainExpSeries(r)
    let bits = Int64(bitPattern: t.bitPattern) &- plainExpMagicBits
    let h = bits &>> 1
    return p * Double(bitPattern: UInt64(bitPattern: (h &+ 1023) &<< 52))
             * Double(bitPattern: UInt64(bitPattern: (bits &- h &+ 1023) &<< 52))
}

/// e^x in eight lanes, each lane as `plainExp`.
@inlinable @inline(__always)
package func plainExp8(_ x: SIMD8<Double>) -> SIMD8<Double> {
    let xc = pointwiseMax(x, SIMD8(repeating: -746))
    let t = xc * plainLog2e + plainExpMagic
    let n = t - plainExpMagic
    let r = (xc - n * plainLn2Hi) - n * plainLn2Lo
    let p = plainExpSeries(r)
    let bits = unsafeBitCast(t, to: SIMD8<Int64>.self) &- plainExpMagicBits
    let h = bits &>> 1
    return p * unsafeBitCast((h &+ 1023) &<< 52, to: SIMD8<Double>.self)
             * unsafeBitCast((bits &- h &+ 1023) &<< 52, to: SIMD8<Double>.self)
}

/// 1 + r + r^2/2! + ... + r^13/13!, by Horner's rule.
@inlinable @inline(__always)
func plainExpSeries<V: PlainArithmetic>(_ r: V) -> V {
    var p = V(1.0 / 6_227_020_800)
    p = p * r + V(1.0 / 479_001_600)
    p = p * r + V(1.0 / 39_916_800)
    p = p * r + V(1.0 / 3_628_800)
    p = p * r + V(1.0 / 362880)
    p = p * r + V(1.0 / 40320)
    p = p * r + V(1.0 / 5040)
    p = p * r + V(1.0 / 720)
    p = p * r + V(1.0 / 120)
    p = p * r + V(1.0 / 24)
    p = p * r + V(1.0 / 6)
    p = p * r + V(0.5)
    p = p * r + V(1)
    return p * r + V(1)
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
