// Building blocks of the fast float32 kernels (FastRowKernels.swift): sixteen
// Float lanes (one AVX-512 register, two AVX2 registers, four SSE2
// registers), an exp for non-positive arguments computed in Float, loads and
// stores of full and partial vectors, and Float sums flushed into Double.
//
// The fast precision computes in Float where the peers do, and keeps in
// Double only what Float would lose: long sums (flushed every 1024
// elements), log S - 1, and the outputs of log-softmax and logsumexp.

import CLogitsShims

@usableFromInline package typealias FloatLanes = SIMD16<Float>

/// exp(d) for Float lanes d <= 0, -inf or NaN: Cody-Waite reduction
/// d = n ln2 + r (|r| <= ln2/2, ln2 in two parts, the first with 9 bits so
/// that n * C1 is exact with or without FMA), exp(r) = 1 + r p(r) with p of
/// degree 5 (relative error 3.7e-9 over the reduced range, coefficients
/// fitted in 40-digit arithmetic and rounded to Float one at a time), and
/// 2^n from the exponent bits. A result below 2^-126 is formed as
/// (q 2^(n+64)) 2^-64: rounded to 24 bits and then into the subnormal
/// range (a second rounding, under one subnormal ulp);
/// d < -104 (and -inf) gives 0; NaN stays NaN. The x86-64-v4 module replaces
/// the last step by vscalefps (LogitsV4/AVX512.swift).
///
/// `lo`, when given, is a low part of the argument (|lo| <= ulp(d), finite):
/// exp(d + lo), with lo added to the reduced argument.
@inlinable @inline(__always)
package func portableExpF<P: ArithmeticPolicy>(_ p: P.Type, _ d: FloatLanes, _ lo: FloatLanes?) -> FloatLanes {
    let x = d.replacing(with: -104, where: d .< -104)
    // n = round(x / ln2) + 127 in the low bits of kf (shifter 1.5 * 2^23).
    let kf = P.fmaF(x, FloatLanes(repeating: 1.44269502), FloatLanes(repeating: 12_582_912 + 127))
    let n = kf - (12_582_912 + 127)
    var r = P.fmaF(n, FloatLanes(repeating: -0.693359375), x)
    r = P.fmaF(n, FloatLanes(repeating: 2.12194440e-4), r)
    if let lo { r += lo }
    let q = expPolynomialF(p, r)
    let bits = unsafeBitCast(kf, to: SIMD16<UInt32>.self)
    if any(x .< -87.33654) {
        // 2^(n + 64) is normal for n >= -190: one rounding at the last product.
        let s = unsafeBitCast((bits &+ 64) &<< 23, to: FloatLanes.self)
        return P.fmaF(r * s, q, s) * FloatLanes(repeating: 0x1p-64)
    }
    let s = unsafeBitCast(bits &<< 23, to: FloatLanes.self)
    return P.fmaF(r * s, q, s)
}

/// p(r) with exp(r) = 1 + r p(r) on |r| <= ln2/2 (see `portableExpF`).
@inlinable @inline(__always)
package func expPolynomialF<P: ArithmeticPolicy>(_: P.Type, _ r: FloatLanes) -> FloatLanes {
    var q = P.fmaF(r, FloatLanes(repeating: 0x1.68532cp-10), FloatLanes(repeating: 0x1.123bccp-7))
    q = P.fmaF(r, q, FloatLanes(repeating: 0x1.555b96p-5))
    q = P.fmaF(r, q, FloatLanes(repeating: 0x1.55548ep-3))
    q = P.fmaF(r, q, FloatLanes(repeating: 0x1.fffff8p-2))
    return P.fmaF(r, q, FloatLanes(repeating: 1))
}

/// Sixteen Floats at `p`.
@inlinable @inline(__always)
func loadF(_ p: UnsafePointer<Float>) -> FloatLanes {
    UnsafeRawPointer(p).loadUnaligned(as: FloatLanes.self)
}

/// Stores sixteen Floats at `p`.
@inlinable @inline(__always)
func storeF(_ v: FloatLanes, _ p: UnsafeMutablePointer<Float>) {
    UnsafeMutableRawPointer(p).storeBytes(of: v, as: FloatLanes.self)
}

/// The first `k` (< 16) Floats at `p`, the other lanes `pad`. (Through a
/// pointer: SIMD subscripts check their index, a trap site.)
@inlinable @inline(__always)
func loadPartialF(_ p: UnsafePointer<Float>, _ k: Int, pad: Float) -> FloatLanes {
    var v = FloatLanes(repeating: pad)
    withUnsafeMutablePointer(to: &v) { vp in
        let f = UnsafeMutableRawPointer(vp).assumingMemoryBound(to: Float.self)
        var i = 0
        while i < k { f[i] = p[i]; i &+= 1 }
    }
    return v
}

/// Stores the first `k` (< 16) lanes at `p`.
@inlinable @inline(__always)
func storePartialF(_ v: FloatLanes, _ p: UnsafeMutablePointer<Float>, _ k: Int) {
    var w = v
    withUnsafePointer(to: &w) { wp in
        let f = UnsafeRawPointer(wp).assumingMemoryBound(to: Float.self)
        var i = 0
        while i < k { p[i] = f[i]; i &+= 1 }
    }
}

/// Runs of at least this many elements are written with streaming stores
/// where the policy has them (`mapFloats`): 512 KiB, beyond the L2 share of
/// one core, where skipping the read-for-ownership of y saves a quarter of
/// the memory traffic.
@usableFromInline let streamingLength = 1 << 17

/// A function of sixteen Float lanes for `mapFloats` (a type, not a closure
/// or an enum value, so that each function's loop is specialised).
@usableFromInline package protocol FloatLaneFunction {
    static func apply<P: ArithmeticPolicy>(_ p: P.Type, _ v: FloatLanes) -> FloatLanes
}

/// y[i] = F(x[i]) over n Floats, sixteen at a time, two vectors per
/// iteration; long runs with streaming stores once y is 64-byte aligned,
/// fenced at the end. `y` may equal `x`.
@inlinable @inline(__always)
package func mapFloats<P: ArithmeticPolicy, F: FloatLaneFunction>(
    _ p: P.Type, _ f: F.Type, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int
) {
    var i = 0
    if P.streams && n >= streamingLength {
        // Up to the first 64-byte boundary of y (y is 4-byte aligned).
        let head = ((64 &- Int(bitPattern: UInt(bitPattern: y) & 63)) & 63) >> 2
        if head > 0 { storePartialF(F.apply(p, loadPartialF(x, head, pad: 0)), y, head) }
        i = head
        while i &+ 32 <= n {
            P.storeStreamingF(F.apply(p, loadF(x + i)), y + i)
            P.storeStreamingF(F.apply(p, loadF(x + (i &+ 16))), y + (i &+ 16))
            i &+= 32
        }
        lgt_shims_store_fence()
    }
    while i &+ 32 <= n {
        storeF(F.apply(p, loadF(x + i)), y + i)
        storeF(F.apply(p, loadF(x + (i &+ 16))), y + (i &+ 16))
        i &+= 32
    }
    while i &+ 16 <= n { storeF(F.apply(p, loadF(x + i)), y + i); i &+= 16 }
    if i < n { storePartialF(F.apply(p, loadPartialF(x + i, n &- i, pad: 0)), y + i, n &- i) }
}

/// The sum of sixteen Float lanes, each widened to Double, as Double lanes.
@inlinable @inline(__always)
func widened(_ v: FloatLanes) -> Lanes {
    widen8(v.lowHalf) + widen8(v.highHalf)
}

/// The largest of n > 0 Floats, widened; NaN if any is NaN.
@inlinable @inline(__always)
func rowMaxF<P: ArithmeticPolicy>(_ p: P.Type, _ x: UnsafePointer<Float>, _ n: Int) -> Double {
    var m0 = FloatLanes(repeating: -.infinity), m1 = m0
    var nan = SIMDMask<SIMD16<Int32>>(repeating: false)
    var i = 0
    while i &+ 32 <= n {
        let a = loadF(x + i), b = loadF(x + (i &+ 16))
        nan .|= (a .!= a) .| (b .!= b)
        m0 = P.maxF(m0, a)
        m1 = P.maxF(m1, b)
        i &+= 32
    }
    if i &+ 16 <= n {
        let a = loadF(x + i)
        nan .|= a .!= a
        m0 = P.maxF(m0, a)
        i &+= 16
    }
    if i < n {
        let a = loadPartialF(x + i, n &- i, pad: -.infinity)
        nan .|= a .!= a
        m1 = P.maxF(m1, a)
    }
    // The largest lane by halves (a tree, no subscripts).
    let m = P.maxF(m0, m1)
    let m8 = m.lowHalf.replacing(with: m.highHalf, where: m.highHalf .> m.lowHalf)
    let m4 = m8.lowHalf.replacing(with: m8.highHalf, where: m8.highHalf .> m8.lowHalf)
    let m2 = m4.lowHalf.replacing(with: m4.highHalf, where: m4.highHalf .> m4.lowHalf)
    return any(nan) ? .nan : Double(Swift.max(m2.x, m2.y))
}
