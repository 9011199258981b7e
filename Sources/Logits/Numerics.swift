// Numeric primitives shared by the kernels, the checked entry points and the
// parallel combining: compensated (TwoSum) addition, the shifted argument of
// exp, and log of a compensated sum that includes the max term. Pure
// functions of Doubles; nothing here traps.

/// Adds `v` to the compensated sum `(s, c)` (Knuth's TwoSum: exact error
/// term). Once the sum is infinite or NaN the error term stops updating, so
/// s + c is that infinity or NaN rather than inf - inf = NaN.
@inlinable @inline(__always)
func compensatedAdd(_ s: inout Double, _ c: inout Double, _ v: Double) {
    let t = s + v
    if t.isFinite {
        let bp = t - s
        c += (s - (t - bp)) + (v - bp)
    }
    s = t
}

/// (v - m) / t for an entry v of a slice with finite max m >= v. When v - m
/// overflows (v near -MAX, m near +MAX) but the quotient fits (t > 1), it is
/// formed as v/t - m/t instead, so a representable result is not -inf.
@inlinable @inline(__always)
func shifted(_ v: Double, _ m: Double, _ t: Double) -> Double {
    let d = v - m
    if d == -.infinity && v.isFinite { return v / t - m / t }
    return d / t
}

/// log(s + c) for a compensated sum s + c >= 1 that includes the max term
/// exp(0) = 1: as log1p((s - 1) + c), where s - 1 is exact for s <= 2, so a
/// sum just above 1 keeps its relative accuracy (log(s) would lose it).
@inlinable @inline(__always)
func log1pOfSum(_ s: Double, _ c: Double) -> Double {
    libmLog1p((s - 1) + c)
}

/// The sum of `count` compensated sums stored as (sum, compensation) pairs,
/// added in order with TwoSum: `Σ (p[2k] + p[2k+1])`.
@inlinable @inline(__always)
func sumOfPairs(_ p: UnsafePointer<Double>, _ count: Int) -> Double {
    var total = 0.0, tc = 0.0
    var k = 0
    while k < count {
        compensatedAdd(&total, &tc, p[2 &* k])
        tc += p[2 &* k &+ 1]
        k &+= 1
    }
    return total + tc
}
