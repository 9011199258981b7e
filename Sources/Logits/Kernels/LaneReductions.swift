// Reductions of Double lanes (VectorMath.swift) to scalars: compensated
// per-lane sums biased to 1 (Fast2Sum), their exact reduction, plain lane
// sums, and the division by a temperature. Used by the long-row and
// short-row kernels.

/// Adds `v` (in [0, 1]) to the per-lane compensated sums (s, c), where
/// every lane of s starts at 1 (`biasedSums`): then s >= 1 >= v, so Fast2Sum
/// (Dekker) gives the exact rounding error in two operations. The bias comes
/// off exactly in `reduceBiased`.
@inlinable @inline(__always)
func biasedSumAdd(_ s: inout Lanes, _ c: inout Lanes, _ v: Lanes) {
    let t = s + v
    c += v - (t - s)
    s = t
}

/// Per-lane sums for `biasedSumAdd`: s = 1, c = 0.
@inlinable @inline(__always)
func biasedSums() -> (Lanes, Lanes) {
    (Lanes(repeating: 1), Lanes(repeating: 0))
}

/// d / t as d * (1/t), skipping the multiplication for t = 1.
@inlinable @inline(__always)
func scaled(_ d: Lanes, _ invT: Double) -> Lanes {
    invT == 1 ? d : d * invT
}

/// The lane sums of `biasedSumAdd` as one compensated scalar sum (s, c),
/// s + c = the sum of every v. Each lane's s - 1 is exact (s >= 1 and both
/// are multiples of ulp(s)); the lanes are then added pairwise by TwoSum
/// (halves, quarters, the last two: a tree, not a chain of eight dependent
/// additions), the rounding errors going to c. The total is a TwoSum, so for
/// a total in [1, 2) its s - 1 is exact, as `log1pOfSum` needs. Every lane is
/// finite here (terms in [0, 1]).
@inlinable @inline(__always)
func reduceBiased(_ s: Lanes, _ c: Lanes) -> (Double, Double) {
    @inline(__always) func twoSum<V: SIMD>(_ a: V, _ b: V) -> (V, V) where V.Scalar == Double {
        let t = a + b, bp = t - a
        return (t, (a - (t - bp)) + (b - bp))
    }
    let u = s - 1
    let (t4, e4) = twoSum(u.lowHalf, u.highHalf)
    let c4 = (c.lowHalf + c.highHalf) + e4
    let (t2, e2) = twoSum(t4.lowHalf, t4.highHalf)
    let c2 = (c4.lowHalf + c4.highHalf) + e2
    let t = t2[0] + t2[1], bp = t - t2[0]
    let e1 = (t2[0] - (t - bp)) + (t2[1] - bp)
    return (t, (c2[0] + c2[1]) + e1)
}

/// The sum of the lanes by halves (a tree of depth 3).
@inlinable @inline(__always)
func laneSum(_ v: Lanes) -> Double {
    let q = v.lowHalf + v.highHalf
    let h = q.lowHalf + q.highHalf
    return h[0] + h[1]
}
