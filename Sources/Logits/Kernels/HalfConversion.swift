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
// Plain integer and float operations with selects (no F16C, no libgcc
// helper), so every CPU level's copy gives the same bits; each level's
// kernel table holds its own vectorised buffer loops (`widenHalf`,
// `narrowHalf`: SSE2, AVX2, AVX-512).

/// Which 16-bit format a buffer holds.
@usableFromInline
package enum HalfFormat: Sendable {
    /// IEEE 754 binary16: 1 sign, 5 exponent, 10 fraction bits.
    case f16
    /// bfloat16: 1 sign, 8 exponent, 7 fraction bits (a float32's top half).
    case bf16

    /// The format's code in the kernel table's conversion entries.
    @inlinable package var code: UInt8 { self == .f16 ? 0 : 1 }

    @inlinable package init(code: UInt8) { self = code == 0 ? .f16 : .bf16 }
}

/// The float32 value of binary16 bits `h`, exactly. Written with selects
/// rather than branches, so that each CPU level's copy of a buffer loop
/// vectorises it (`widenHalves`).
@inlinable @inline(__always)
package func widenF16(_ h: UInt16) -> Float {
    let sign = UInt32(h & 0x8000) << 16
    let magnitude = UInt32(h & 0x7FFF)
    let exponent = magnitude >> 10
    let shifted = magnitude << 13
    // Normal: rebias the exponent (127 - 15). Infinity or NaN: the exponent
    // all ones, the fraction moved up. Zero or subnormal: fraction * 2^-24,
    // exact in float32.
    let normal = shifted &+ (112 << 23)
    let special = shifted | 0x7F80_0000
    let small = (Float(Int32(bitPattern: magnitude)) * 0x1p-24).bitPattern
    let bits = exponent == 0x1F ? special : (exponent == 0 ? small : normal)
    return Float(bitPattern: sign | bits)
}

/// The binary16 bits nearest to `f` (ties to even; NaN stays NaN, quiet).
@inlinable @inline(__always)
package func narrowF16(_ f: Float) -> UInt16 {
    let bits = f.bitPattern
    let sign = (bits >> 16) & 0x8000
    let magnitude = bits & 0x7FFF_FFFF
    // |f| >= 2^-14, a normal binary16: drop 13 fraction bits with round to
    // nearest even; a carry moves into the exponent, and from 65520 on into
    // infinity (0x7C00).
    let rebased = magnitude &- (112 << 23)
    let normal = (rebased &+ 0x0FFF &+ ((rebased >> 13) & 1)) >> 13
    // Below 2^-14, a subnormal binary16 (or zero): |f| / 2^-24 rounded to an
    // integer, ties to even, by the float adder itself (adding 2^23 leaves
    // exactly the rounded integer in the low fraction bits; |f| 2^24 < 2^10).
    let small = (Float(bitPattern: magnitude) * 0x1p24 + 0x1p23).bitPattern & 0x7FF
    // |f| >= 65536 (or inf): beyond every rounding to 65504. NaN: the top
    // fraction bits kept, the quiet bit set.
    let nan = 0x7E00 | ((magnitude >> 13) & 0x3FF)
    let finite = magnitude >= 0x4780_0000 ? 0x7C00 : (magnitude >= 0x3880_0000 ? normal : small)
    return UInt16(truncatingIfNeeded: sign | (magnitude > 0x7F80_0000 ? nan : finite))
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
    // Round to nearest even on the low 16 bits; the carry runs into the
    // exponent, and past the largest finite bfloat16 into infinity. A NaN
    // keeps its top half with the quiet bit set.
    let rounded = (bits &+ 0x7FFF &+ ((bits >> 16) & 1)) >> 16
    let nan = (bits >> 16) | 0x0040
    return UInt16(truncatingIfNeeded: bits & 0x7FFF_FFFF > 0x7F80_0000 ? nan : rounded)
}

/// Widens `n` values of `format` from `src` into `dst`. Always inlined, so
/// that each CPU level's table entry holds its own vectorised loop.
@inlinable @inline(__always)
package func widenHalves(_ format: HalfFormat, _ src: UnsafePointer<UInt16>, _ dst: UnsafeMutablePointer<Float>,
                         _ n: Int) {
    var i = 0
    switch format {
    case .f16: while i < n { dst[i] = widenF16(src[i]); i &+= 1 }
    case .bf16: while i < n { dst[i] = widenBF16(src[i]); i &+= 1 }
    }
}

/// Narrows `n` floats from `src` into `format` at `dst`, each rounded once.
/// Always inlined, as `widenHalves`.
@inlinable @inline(__always)
package func narrowHalves(_ format: HalfFormat, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>,
                          _ n: Int) {
    var i = 0
    switch format {
    case .f16: while i < n { dst[i] = narrowF16(src[i]); i &+= 1 }
    case .bf16: while i < n { dst[i] = narrowBF16(src[i]); i &+= 1 }
    }
}
