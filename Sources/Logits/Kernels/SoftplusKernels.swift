// Vector kernels of softplus and log-sigmoid, both built on
// L = log1p(exp(-|x|)): softplus(x) = max(x, 0) + L and log_sigmoid(x) =
// min(x, 0) - L, two terms of one sign, so no cancellation and no overflow.
//
// Double lanes (float32 exact, float64): exp of the result type's degree,
// then log1p(e) = log(s + c) with s = 1 + e and c = e - (s - 1) exact
// (Fast2Sum, 1 >= e), by `logOfSum`: a float32 result is a double rounded
// once (relative error of L below 2^-39 before that rounding), a float64
// result carries the atanh series to 1e-19. Float lanes (float32 fast): exp
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

/// log1p(e) for lanes e in [0, 1] (or NaN): s = 1 + e in [1, 2] and its
/// exact rounding error c (Fast2Sum, 1 >= e); above sqrt(2) halved (k = 1);
/// log(f + c) = k ln2 + 2 atanh(z), z = u / (2 + u), u = f - 1 + c, |z| <
/// 0.172, the series through z^13 (relative error below 2^-39: Float
/// results) or z^23 (`full`: Double results).
@inlinable @inline(__always)
func log1pUnit<P: ArithmeticPolicy>(_ p: P.Type, _ e: Lanes, full: Bool) -> Lanes {
    let s = 1 + e
    let c = e - (s - 1)
    let big = s .> 1.4142135623730951
    let u = s.replacing(with: s * 0.5, where: big) - 1 + c.replacing(with: c * 0.5, where: big)
    let z = u / (2 + u)
    let w = z * z
    var q: Lanes
    if full {
        q = mulAdd(p, w, 1.0 / 23, 1.0 / 21)
        q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 19))
        q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 17))
        q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 15))
        q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 13))
    } else {
        q = Lanes(repeating: 1.0 / 13)
    }
    q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 11))
    q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 9))
    q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 7))
    q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 5))
    q = mulAdd(p, q, w, Lanes(repeating: 1.0 / 3))
    let atanh2 = mulAdd(p, q * w, 2 * z, 2 * z)
    return atanh2.replacing(with: atanh2 + 0.6931471805599453, where: big)
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
