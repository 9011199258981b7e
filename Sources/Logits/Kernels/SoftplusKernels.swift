// Vector kernels of softplus and log-sigmoid, both built on
// L = log1p(exp(-|x|)): softplus(x) = max(x, 0) + L and log_sigmoid(x) =
// min(x, 0) - L, two terms of one sign, so no cancellation and no overflow.
//
// Double lanes (float32 exact, float64): exp of the result type's degree,
// then log1p(e) = 2 atanh(e / (2 + e)) by its series (`log1pUnit`): a
// float32 result is a double rounded once (relative error of L below 1.4e-11
// before that rounding), a float64 result carries the series to 5e-18. Float lanes (float32 fast): exp
// in Float, then log1p by a division-free polynomial on the reduced
// argument (`fastSoftplusLanes`). They see only validated arguments;
// `y` may equal `x`.

/// L = log1p(exp(-|v|)) and the result for Double lanes (`full`: float64).
@inlinable @inline(__always)
func softplusLanes<P: ArithmeticPolicy>(_ p: P.Type, _ v: Lanes, _ logSigmoid: Bool, _ full: Bool) -> Lanes {
    // -|x| by setting the sign bit (NaN stays NaN).
    let negAbs = unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt64>.self) | (1 << 63), to: Lanes.self)
    let l = log1pUnit(p, expNonPositive(p, negAbs, full ? .eleven : .nine), full: full)
    return logSigmoid ? v.replacing(with: 0, where: v .> 0) - l : v.replacing(with: 0, where: v .< 0) + l
}

/// log1p(e) for lanes e in [0, 1] (or NaN): 2 atanh(z) with z = e / (2 + e)
/// in [0, 1/3], by the atanh series z + z^3/3 + ... through z^21 (remainder
/// below 1.4e-11 relative: Float results) or z^33 (`full`, 5e-18: Double
/// results). No range reduction, so no lane masks: Swift's SIMD masks split
/// the vectors in two on x86-64-v4 (measured 2x slower with them).
@inlinable @inline(__always)
func log1pUnit<P: ArithmeticPolicy>(_ p: P.Type, _ e: Lanes, full: Bool) -> Lanes {
    let z = e / (2 + e)
    let w = z * z
    // q = sum over k >= 1 of w^(k-1) / (2k + 1), Horner from the top term.
    var k = full ? 16 : 10
    var q = Lanes(repeating: 1 / Double(2 &* k &+ 1))
    while k > 1 {
        k &-= 1
        q = mulAdd(p, q, w, Lanes(repeating: 1 / Double(2 &* k &+ 1)))
    }
    let twoZ = z + z
    return mulAdd(p, q * w, twoZ, twoZ)
}

/// The same in Float lanes (the fast precision), without a division:
/// log1p(u) = u + u^2 (-1/2 + u Q(u)) on u in [sqrt(1/2) - 1, sqrt(2) - 1],
/// Q of degree 6 (relative error 3.3e-8, coefficients fitted in 40-digit
/// arithmetic and rounded to Float one at a time).
@inlinable @inline(__always)
func fastSoftplusLanes<P: ArithmeticPolicy>(_ p: P.Type, _ v: FloatLanes, _ logSigmoid: Bool) -> FloatLanes {
    let negAbs = unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) | 0x8000_0000, to: FloatLanes.self)
    let e = P.expF(negAbs, nil)
    let s = 1 + e
    let c = e - (s - 1)
    let big = s .> 1.41421356
    let u = (s.replacing(with: s * 0.5, where: big) - 1) + c.replacing(with: c * 0.5, where: big)
    var q = P.fmaF(u, FloatLanes(repeating: 0x1.63ab4ep-4), FloatLanes(repeating: -0x1.2417b2p-3))
    q = P.fmaF(q, u, FloatLanes(repeating: 0x1.318876p-3))
    q = P.fmaF(q, u, FloatLanes(repeating: -0x1.5386a8p-3))
    q = P.fmaF(q, u, FloatLanes(repeating: 0x1.98d658p-3))
    q = P.fmaF(q, u, FloatLanes(repeating: -0x1.00036cp-2))
    q = P.fmaF(q, u, FloatLanes(repeating: 0x1.5556dep-2))
    let r = P.fmaF(q, u, FloatLanes(repeating: -0.5))
    let log1pU = P.fmaF(u * u, r, u)
    let l = log1pU.replacing(with: log1pU + 0.693147182, where: big)
    return logSigmoid ? v.replacing(with: 0, where: v .> 0) - l : v.replacing(with: 0, where: v .< 0) + l
}

/// softplus (or, with `logSigmoid`, log-sigmoid) over n elements in Double lanes.
@inlinable @inline(__always)
package func softplusRun<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ logSigmoid: Bool, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int
) {
    let full = T.self == Double.self
    var i = 0
    while i &+ laneCount <= n {
        store8(softplusLanes(p, load8(x + i), logSigmoid, full), y + i)
        i &+= laneCount
    }
    if i < n {
        storePartial(softplusLanes(p, loadPartial(x + i, n &- i, pad: 0), logSigmoid, full), y + i, n &- i)
    }
}
