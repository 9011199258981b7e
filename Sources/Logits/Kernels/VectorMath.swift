// Vector building blocks of the fast kernels: eight Double lanes (one
// AVX-512 register, two AVX2 registers, four SSE2 registers), a vector exp
// for non-positive arguments, and loads/stores of Float or Double elements
// into Double lanes. Every kernel computes in Double lanes, so Float results
// keep the accuracy of the scalar kernels (one rounding at the store).
//
// `P` says whether fused multiply-add is available: the CPU-specific copies of
// the kernels (targets LogitsV3 / LogitsV4) pass `Fused`, the portable code
// `Unfused` (on a CPU without FMA, `addingProduct` is a libm call per lane).

@usableFromInline package typealias Lanes = SIMD8<Double>
@usableFromInline let laneCount = 8

/// How a module's kernels do their arithmetic: whether fused multiply-add is
/// available, and the vector exp, which a CPU-specific module may replace
/// with its own instructions (the x86-64-v4 module does, with AVX-512's
/// table permute and scalef). The default below is portable Swift.
@usableFromInline package protocol ArithmeticPolicy {
    static var fused: Bool { get }
    /// exp(d) for lanes d <= 0 (or NaN), as accurate as `degree` promises.
    static func exp(_ d: Lanes, _ degree: ExpDegree) -> Lanes
    /// Transposes k (1...8) rows of n elements, row r at x + r n, into
    /// columns: cols[j][lane] = row lane's element j, spare lanes (k...7)
    /// reading row 0. `cols` has room for n rounded up to 8, and every one of
    /// those columns is initialised.
    static func loadColumns<T: LogitsFloat>(_ x: UnsafePointer<T>, _ k: Int, _ n: Int,
                                            _ cols: UnsafeMutablePointer<Lanes>)
    /// The reverse: y[lane n + j] = cols[j][lane], rounded to T, for j < n
    /// and the lanes below k that are not in `skip`. May overwrite `cols`.
    static func storeColumns<T: LogitsFloat>(_ cols: UnsafeMutablePointer<Lanes>, _ y: UnsafeMutablePointer<T>,
                                             _ k: Int, _ n: Int, _ skip: SIMDMask<SIMD8<Int64>>)
    /// a * b + c in Float lanes (fused when the policy allows).
    static func fmaF(_ a: FloatLanes, _ b: FloatLanes, _ c: FloatLanes) -> FloatLanes
    /// The lane-wise larger of two Float vectors without NaN.
    static func maxF(_ a: FloatLanes, _ b: FloatLanes) -> FloatLanes
    /// exp(d + lo) for Float lanes d <= 0, -inf or NaN and an optional low
    /// part lo (`portableExpF`).
    static func expF(_ d: FloatLanes, _ lo: FloatLanes?) -> FloatLanes
    /// Whether `storeStreamingF` bypasses the caches (then `mapFloats` uses
    /// it for long outputs, and fences after them).
    static var streams: Bool { get }
    /// Stores sixteen Floats at a 64-byte aligned `p`, bypassing the caches
    /// where the policy `streams`.
    static func storeStreamingF(_ v: FloatLanes, _ p: UnsafeMutablePointer<Float>)
}

extension ArithmeticPolicy {
    @inlinable @inline(__always)
    package static func fmaF(_ a: FloatLanes, _ b: FloatLanes, _ c: FloatLanes) -> FloatLanes {
        fused ? c.addingProduct(a, b) : a * b + c
    }

    @inlinable @inline(__always)
    package static func maxF(_ a: FloatLanes, _ b: FloatLanes) -> FloatLanes {
        a.replacing(with: b, where: b .> a)
    }

    @inlinable @inline(__always)
    package static func expF(_ d: FloatLanes, _ lo: FloatLanes?) -> FloatLanes {
        portableExpF(Self.self, d, lo)
    }

    @inlinable @inline(__always)
    package static var streams: Bool { false }

    @inlinable @inline(__always)
    package static func storeStreamingF(_ v: FloatLanes, _ p: UnsafeMutablePointer<Float>) {
        storeF(v, p)
    }

    @inlinable @inline(__always)
    package static func exp(_ d: Lanes, _ degree: ExpDegree) -> Lanes {
        portableExp(Self.self, d, degree)
    }

    @inlinable @inline(__always)
    package static func loadColumns<T: LogitsFloat>(_ x: UnsafePointer<T>, _ k: Int, _ n: Int,
                                                    _ cols: UnsafeMutablePointer<Lanes>) {
        @inline(__always) func row(_ lane: Int) -> UnsafePointer<T> { x + (lane < k ? lane &* n : 0) }
        let x0 = row(0), x1 = row(1), x2 = row(2), x3 = row(3)
        let x4 = row(4), x5 = row(5), x6 = row(6), x7 = row(7)
        var j = 0
        while j < n {
            cols[j] = Lanes(x0[j].doubleValue, x1[j].doubleValue, x2[j].doubleValue, x3[j].doubleValue,
                            x4[j].doubleValue, x5[j].doubleValue, x6[j].doubleValue, x7[j].doubleValue)
            j &+= 1
        }
        while j & 7 != 0 { cols[j] = Lanes(); j &+= 1 }
    }

    @inlinable @inline(__always)
    package static func storeColumns<T: LogitsFloat>(_ cols: UnsafeMutablePointer<Lanes>, _ y: UnsafeMutablePointer<T>,
                                                     _ k: Int, _ n: Int, _ skip: SIMDMask<SIMD8<Int64>>) {
        let d = UnsafeRawPointer(cols).assumingMemoryBound(to: Double.self)
        var lane = 0
        while lane < k {
            if !skip[lane] {
                let yr = y + lane &* n
                var j = 0
                while j < n { yr[j] = T(roundingDouble: d[j &* laneCount &+ lane]); j &+= 1 }
            }
            lane &+= 1
        }
    }
}

/// FMA available (compiled for x86-64-v3 or later, or arm64).
@usableFromInline package enum Fused: ArithmeticPolicy {
    @inlinable package static var fused: Bool { true }
}

/// No FMA: `a * b + c` with two roundings.
@usableFromInline package enum Unfused: ArithmeticPolicy {
    @inlinable package static var fused: Bool { false }
}

/// a * b + c, fused when the policy allows.
@inlinable @inline(__always)
func mulAdd<P: ArithmeticPolicy>(_: P.Type, _ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes {
    P.fused ? c.addingProduct(a, b) : a * b + c
}

@inlinable @inline(__always)
func mulAdd<P: ArithmeticPolicy>(_: P.Type, _ a: Lanes, _ b: Double, _ c: Double) -> Lanes {
    P.fused ? Lanes(repeating: c).addingProduct(a, Lanes(repeating: b)) : a * b + c
}

/// `mulAdd` under another name, for the types whose own static `mulAdd`
/// hides the free function (the module's name is also the API's namespace
/// type, so `Logits.mulAdd` would name a member of that type).
@inlinable @inline(__always)
func policyMulAdd<P: ArithmeticPolicy>(_ p: P.Type, _ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes {
    mulAdd(p, a, b, c)
}

@inlinable @inline(__always)
func policyMulAdd<P: ArithmeticPolicy>(_ p: P.Type, _ a: Lanes, _ b: Double, _ c: Double) -> Lanes {
    mulAdd(p, a, b, c)
}

/// How accurate `expNonPositive` must be, named by the portable polynomial's
/// degree. Relative error bounds (measured with mpmath over the reduced
/// range, plus the final rounding): 7: 6e-11 (Float softmax family and
/// cross-entropy: 0.001 ulp of a Float), 9: 2e-14 (Float sigmoid, correctly
/// rounded but for 1e-6 ulp), 11: 1.2e-17 plus rounding (Double results).
/// The x86-64-v4 table version (LogitsV4/AVX512.swift) meets the same bounds.
@usableFromInline
package enum ExpDegree: Sendable {
    case seven, nine, eleven
}

/// exp(d) for lanes d <= 0 (or NaN). Near-minimax polynomial (least squares
/// on Chebyshev nodes of the relative error, fitted in 50-digit arithmetic)
/// after reduction to |r| <= ln2/2. Double results (.eleven): results below
/// 2^-1022 are rounded once into the subnormal range, d < -745.2 (and -inf)
/// gives 0. Float results (.seven, .nine): the portable version gives
/// exp(-708) ~ 3e-308 for every d below -708 (0 once rounded to a Float; the
/// x86-64-v4 version gives the true value or 0). NaN stays NaN.
@inlinable @inline(__always)
func expNonPositive<P: ArithmeticPolicy>(_ p: P.Type, _ d: Lanes, _ degree: ExpDegree) -> Lanes {
    P.exp(d, degree)
}

/// Multiply-add for the exp polynomial: on lanes with the policy's FMA, or
/// on one Double, never fused (the scalar exp of tiny rows).
@usableFromInline protocol PolynomialArithmetic {
    associatedtype Value
    static func mulAdd(_ a: Value, _ b: Value, _ c: Value) -> Value
    static func mulAdd(_ a: Value, _ b: Double, _ c: Double) -> Value
    static func mul(_ a: Value, _ b: Value) -> Value
}

@usableFromInline enum LaneArithmetic<P: ArithmeticPolicy>: PolynomialArithmetic {
    @inlinable @inline(__always)
    static func mulAdd(_ a: Lanes, _ b: Lanes, _ c: Lanes) -> Lanes { policyMulAdd(P.self, a, b, c) }
    @inlinable @inline(__always)
    static func mulAdd(_ a: Lanes, _ b: Double, _ c: Double) -> Lanes { policyMulAdd(P.self, a, b, c) }
    @inlinable @inline(__always)
    static func mul(_ a: Lanes, _ b: Lanes) -> Lanes { a * b }
}

@usableFromInline enum ScalarArithmetic: PolynomialArithmetic {
    @inlinable @inline(__always)
    static func mulAdd(_ a: Double, _ b: Double, _ c: Double) -> Double { a * b + c }
    @inlinable @inline(__always)
    static func mul(_ a: Double, _ b: Double) -> Double { a * b }
}

/// The tail P(r) of exp(r) = 1 + (r + r^2 P(r)) on |r| <= ln2/2, of the
/// degree asked for, by Estrin's scheme: the one place the portable exp's
/// coefficients are written (`portableExp` on lanes, `scalarExp` on one
/// value; same operations in the same order, so the same error bounds).
@inlinable @inline(__always)
func expTail<A: PolynomialArithmetic>(_: A.Type, _ r: A.Value, _ r2: A.Value,
                                      _ degree: ExpDegree) -> A.Value {
    let r4 = A.mul(r2, r2)
    switch degree {
    case .seven:
        let a0 = A.mulAdd(r, 0.16666666163889224, 0.500000007813034)
        let a1 = A.mulAdd(r, 0.008333429975333304, 0.041666270285069154)
        let a2 = A.mulAdd(r, 0.00019826496201057802, 0.0013946020784329747)
        return A.mulAdd(a2, r4, A.mulAdd(a1, r2, a0))
    case .nine:
        let a0 = A.mulAdd(r, 0.1666666666707956, 0.49999999999603967)
        let a1 = A.mulAdd(r, 0.008333333169671884, 0.041666666987834285)
        let a2 = A.mulAdd(r, 0.00019841446550492974, 0.0013888807852387543)
        let a3 = A.mulAdd(r, 2.752928333313164e-06, 2.4882131852520926e-05)
        return A.mulAdd(A.mulAdd(a3, r2, a2), r4, A.mulAdd(a1, r2, a0))
    case .eleven:
        let a0 = A.mulAdd(r, 0.16666666666666483, 0.5000000000000012)
        let a1 = A.mulAdd(r, 0.008333333333451433, 0.04166666666651632)
        let a2 = A.mulAdd(r, 0.00019841269597118904, 0.0013888888946678828)
        let a3 = A.mulAdd(r, 2.755750728541229e-06, 2.480149034623507e-05)
        let a4 = A.mulAdd(r, 2.50246452096493e-08, 2.7631125446226205e-07)
        return A.mulAdd(a4, A.mul(r4, r4), A.mulAdd(A.mulAdd(a3, r2, a2), r4, A.mulAdd(a1, r2, a0)))
    }
}

/// The portable `expNonPositive`.
@inlinable @inline(__always)
package func portableExp<P: ArithmeticPolicy>(_ p: P.Type, _ d: Lanes, _ degree: ExpDegree) -> Lanes {
    // Float results: below e^-708 every value rounds to 0 as a Float, and no
    // sum they enter can notice it, so clamp there (n >= -1021: 2^n stays
    // normal, no subnormal path). Double results: clamp so that n >= -2020,
    // where both halves of 2^n below stay normal.
    let floatResult = degree != .eleven
    let lowest = floatResult ? -708.0 : -1400.0
    let x = d.replacing(with: lowest, where: d .< lowest)
    // n = round(x / ln2) by the 1.5 * 2^52 shifter; its low bits hold n.
    let shifter = 6755399441055744.0
    let kf = mulAdd(p, x, 1.4426950408889634, shifter)
    let n = kf - shifter
    // r = x - n ln2 in two steps (n * ln2Hi is exact for |n| < 2^11).
    let t = mulAdd(p, n, Lanes(repeating: -6.93147180369123816490e-01), x)
    let r = mulAdd(p, n, Lanes(repeating: -1.90821492927058770002e-10), t)
    // exp(r) = 1 + (r + r^2 P(r)); adding 1 last keeps the polynomial's
    // rounding well below half an ulp of the result.
    let r2 = r * r
    let tail = expTail(LaneArithmetic<P>.self, r, r2, degree)
    let q = mulAdd(p, r2, tail, r) + 1
    // n as an integer: the shifter's bit pattern plus n.
    let bits = unsafeBitCast(kf, to: SIMD8<Int64>.self) &- 0x4338_0000_0000_0000
    if !floatResult && any(x .< -708) {
        // 2^n in two normal halves, so the one rounding happens at the end.
        let h = bits &>> 1
        let s1 = unsafeBitCast((h &+ 1023) &<< 52, to: Lanes.self)
        let s2 = unsafeBitCast((bits &- h &+ 1023) &<< 52, to: Lanes.self)
        return q * s1 * s2
    }
    return q * unsafeBitCast((bits &+ 1023) &<< 52, to: Lanes.self)
}

/// log(s + c) for lanes with s + c >= 1 and s - 1 exact (a compensated sum
/// that holds the max term exp(0) = 1), to a relative error below 2^-39: for
/// Float results that are a difference of non-positive terms (log-softmax),
/// where that is 3e-5 ulp. s + c = 2^k f with f in [sqrt(1/2), sqrt(2)),
/// u = f - 1 (exact) + c 2^-k, log(1 + u) = 2 atanh(z), z = u / (2 + u),
/// |z| < 0.172: the atanh series through z^13 (remainder < 2^-39).
/// Lanes outside the domain give meaningless values, never a trap.
@inlinable @inline(__always)
func logOfSumForFloat<P: ArithmeticPolicy>(_ p: P.Type, _ s: Lanes, _ c: Lanes) -> Lanes {
    let bits = unsafeBitCast(s, to: SIMD8<Int64>.self)
    // s = 2^e m, m in [1, 2); halve m (and bump e) when m > sqrt(2). The
    // test is a Double comparison: Swift lowers `.>` on Int64 lanes to a
    // loop with a branch per lane (mispredicted on random data).
    let e = ((bits &>> 52) & 0x7ff) &- 1023
    let m = unsafeBitCast((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000, to: Lanes.self)
    let big = m .> 1.4142135623730951
    let f = m.replacing(with: m * 0.5, where: big)
    // 2^-k, exact while |k| < 1023 (here 0 <= k < 64).
    let scale0 = unsafeBitCast((1023 &- e) &<< 52, to: Lanes.self)
    let scale = scale0.replacing(with: scale0 * 0.5, where: big)
    let u = (f - 1) + c * scale
    let z = u / (2 + u)
    let w = z * z
    var q = mulAdd(p, w, 1.0 / 13, 1.0 / 11)
    q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 9))
    q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 7))
    q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 5))
    q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 3))
    let atanh2 = mulAdd(p, q * w, 2 * z, 2 * z)
    let k0 = Lanes(e)
    let k = k0.replacing(with: k0 + 1, where: big)
    return mulAdd(p, k, Lanes(repeating: 0.6931471805599453), atanh2)
}

/// `portableExp` for one value, without FMA: the same reduction and
/// polynomials (so the same error bounds), for rows too short for lanes.
@inlinable @inline(__always)
func scalarExp(_ d: Double, _ degree: ExpDegree) -> Double {
    guard d >= -1400 else { return d.isNaN ? d : 0 }
    let shifter = 6755399441055744.0
    let kf = d * 1.4426950408889634 + shifter
    let n = kf - shifter
    let r = (d - n * 6.93147180369123816490e-01) - n * 1.90821492927058770002e-10
    let r2 = r * r
    let tail = expTail(ScalarArithmetic.self, r, r2, degree)
    let q = (r2 * tail + r) + 1
    let bits = Int64(bitPattern: kf.bitPattern) &- 0x4338_0000_0000_0000
    if d < -708 {
        let h = bits &>> 1
        return q * Double(bitPattern: UInt64(bitPattern: (h &+ 1023) &<< 52))
                 * Double(bitPattern: UInt64(bitPattern: (bits &- h &+ 1023) &<< 52))
    }
    return q * Double(bitPattern: UInt64(bitPattern: (bits &+ 1023) &<< 52))
}

/// Eight Floats as Double lanes (exact). Written lane by lane: the
/// standard library's generic conversion initialiser was left as a call per
/// vector (measured: the sampler's exp pass 3x slower); these become one
/// vcvtps2pd.
@inlinable @inline(__always)
package func widen8(_ v: SIMD8<Float>) -> Lanes {
    Lanes(Double(v[0]), Double(v[1]), Double(v[2]), Double(v[3]),
          Double(v[4]), Double(v[5]), Double(v[6]), Double(v[7]))
}

/// Double lanes rounded to Floats (to nearest), lane by lane as `widen8`.
@inlinable @inline(__always)
package func narrow8(_ v: Lanes) -> SIMD8<Float> {
    SIMD8<Float>(Float(v[0]), Float(v[1]), Float(v[2]), Float(v[3]),
                 Float(v[4]), Float(v[5]), Float(v[6]), Float(v[7]))
}

/// Eight elements at `p` as Double lanes.
@inlinable @inline(__always)
func load8<T: LogitsFloat>(_ p: UnsafePointer<T>) -> Lanes {
    if T.self == Float.self {
        return widen8(UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self))
    }
    return UnsafeRawPointer(p).loadUnaligned(as: Lanes.self)
}

/// Stores eight lanes at `p`, rounded to `T`.
@inlinable @inline(__always)
func store8<T: LogitsFloat>(_ v: Lanes, _ p: UnsafeMutablePointer<T>) {
    if T.self == Float.self {
        UnsafeMutableRawPointer(p).storeBytes(of: narrow8(v), as: SIMD8<Float>.self)
    } else {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Lanes.self)
    }
}

/// The first `k` (< 8) elements at `p` as lanes, the rest `pad`.
@inlinable @inline(__always)
func loadPartial<T: LogitsFloat>(_ p: UnsafePointer<T>, _ k: Int, pad: Double) -> Lanes {
    var v = Lanes(repeating: pad)
    withUnsafeMutablePointer(to: &v) { vp in
        let d = UnsafeMutableRawPointer(vp).assumingMemoryBound(to: Double.self)
        var i = 0
        while i < k { d[i] = p[i].doubleValue; i &+= 1 }
    }
    return v
}

/// Stores the first `k` (< 8) lanes at `p`, rounded to `T`.
@inlinable @inline(__always)
func storePartial<T: LogitsFloat>(_ v: Lanes, _ p: UnsafeMutablePointer<T>, _ k: Int) {
    var w = v
    withUnsafePointer(to: &w) { wp in
        let d = UnsafeRawPointer(wp).assumingMemoryBound(to: Double.self)
        var i = 0
        while i < k { p[i] = T(roundingDouble: d[i]); i &+= 1 }
    }
}
