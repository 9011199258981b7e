// The 16-bit storage formats (issue 15): IEEE 754 binary16 ("f16") and
// bfloat16 (the top 16 bits of a float32, "bf16"), widened to Float and
// narrowed back, exactly:
//
// - widening is exact for every one of the 65536 bit patterns (a NaN stays
//   a NaN with its payload in the top bits, infinities stay infinite,
//   subnormal binary16 values become normal floats);
// - narrowing rounds to nearest, ties to even, once; a value beyond the
//   format's largest finite one rounds to infinity only where round to
//   nearest says so (binary16: |x| >= 65520, bfloat16: beyond the float
//   range's own rounding), and a NaN stays a NaN (quiet).
//
// Plain integer and float operations (no F16C, no libgcc helper), so every
// CPU level's copy gives the same bits; the wider levels vectorise them.

/// Which 16-bit format a buffer holds.
@usableFromInline
package enum HalfFormat: Sendable {
    /// IEEE 754 binary16: 1 sign, 5 exponent, 10 fraction bits.
    case f16
    /// bfloat16: 1 sign, 8 exponent, 7 fraction bits (a float32's top half).
    case bf16
}

/// The float32 value of binary16 bits `h`, exactly.
@inlinable @inline(__always)
package func widenF16(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let magnitude = UInt32(h & 0x7FFF)
    let exponent = magnitude >> 10
    if exponent == 0x1F {  // infinity or NaN: the fraction moves up, the exponent is all ones
        return Float(bitPattern: sign | 0x7F80_0000 | ((magnitude & 0x3FF) << 13))
    }
    if exponent != 0 {  // normal: rebias the exponent (127 - 15)
        return Float(bitPattern: sign | ((magnitude << 13) &+ (112 << 23)))
    }
    // Zero or subnormal: fraction * 2^-24, exact in float32.
    let value = Float(magnitude) * 0x1p-24
    return Float(bitPattern: sign | value.bitPattern)
}

/// The binary16 bits nearest to `f` (ties to even; NaN stays NaN, quiet).
@inlinable @inline(__always)
package func narrowF16(_ f: Float) -> UInt16 {
    let bits = f.bitPattern
    let sign = UInt16(truncatingIfNeeded: (bits >> 16) & 0x8000)
    let magnitude = bits & 0x7FFF_FFFF
    if magnitude > 0x7F80_0000 {  // NaN: keep the top fraction bits, set the quiet bit
        return sign | 0x7E00 | UInt16(truncatingIfNeeded: (magnitude >> 13) & 0x3FF)
    }
    if magnitude >= 0x4780_0000 {  // |f| >= 65536 (or inf): beyond every rounding to 65504
        return sign | 0x7C00
    }
    if magnitude >= 0x3880_0000 {  // |f| >= 2^-14: a normal binary16 (or 65520 and up: inf)
        // Drop 13 fraction bits with round to nearest even; a carry moves
        // into the exponent, and from 65520 on into infinity (0x7C00).
        let rebased = magnitude &- (112 << 23)
        let rounded = rebased &+ 0x0FFF &+ ((rebased >> 13) & 1)
        return sign | UInt16(truncatingIfNeeded: rounded >> 13)
    }
    // Below 2^-14: a subnormal binary16 (or zero): |f| / 2^-24 rounded to an
    // integer, ties to even, by the float adder itself (adding 2^23 leaves
    // exactly the rounded integer in the low fraction bits; |f| 2^24 < 2^10).
    let scaled = Float(bitPattern: magnitude) * 0x1p24 + 0x1p23
    return sign | UInt16(truncatingIfNeeded: scaled.bitPattern & 0x7FF)
}

/// The float32 value of bfloat16 bits `h`, exactly.
@inlinable @inline(__always)
package func widenBF16(_ h: UInt16) -> Float {
    Float(bitPattern: UInt32(h) << 16)
}

/// The bfloat16 bits nearest to `f` (ties to even; NaN stays NaN, quiet).
@inlinable @inline(__always)
package func narrowBF16(_ f: Float) -> UInt16 {
    let bits = f.bitPattern
    if bits & 0x7FFF_FFFF > 0x7F80_0000 {  // NaN: the top half, quiet bit set
        return UInt16(truncatingIfNeeded: bits >> 16) | 0x0040
    }
    // Round to nearest even on the low 16 bits; the carry runs into the
    // exponent, and past the largest finite bfloat16 into infinity.
    let rounded = bits &+ 0x7FFF &+ ((bits >> 16) & 1)
    return UInt16(truncatingIfNeeded: rounded >> 16)
}

/// Widens `n` values of `format` from `src` into `dst`.
@inlinable
package func widenHalves(_ format: HalfFormat, _ src: UnsafePointer<UInt16>, _ dst: UnsafeMutablePointer<Float>,
                         _ n: Int) {
    var i = 0
    switch format {
    case .f16: while i < n { dst[i] = widenF16(src[i]); i &+= 1 }
    case .bf16: while i < n { dst[i] = widenBF16(src[i]); i &+= 1 }
    }
}

/// Narrows `n` floats from `src` into `format` at `dst`, each rounded once.
@inlinable
package func narrowHalves(_ format: HalfFormat, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>,
                          _ n: Int) {
    var i = 0
    switch format {
    case .f16: while i < n { dst[i] = narrowF16(src[i]); i &+= 1 }
    case .bf16: while i < n { dst[i] = narrowBF16(src[i]); i &+= 1 }
    }
}
