// Fast kernels over contiguous rows (the last axis of a C-contiguous array)
// and flat element runs, in Double lanes (VectorMath.swift). They see only
// validated arguments. Rows whose maximum is not finite (masked, +inf, NaN)
// go to the scalar kernels, which implement the special-value rules.
//
// Accuracy matches the scalar kernels: the shift x - max is exact for Float
// input and each Float result is rounded once from Double (softmax: twice,
// the stored exp and the scaled result, as before); Double sums are
// compensated (Fast2Sum per lane, biasedSumAdd).

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

/// The maximum of a row of n > 0 elements; NaN if the row holds a NaN.
@inlinable @inline(__always)
func rowMax<T: LogitsFloat>(_ x: UnsafePointer<T>, _ n: Int) -> Double {
    if T.self == Float.self {
        // Sixteen Float lanes: comparisons are exact in the input type.
        let f = UnsafeRawPointer(x).assumingMemoryBound(to: Float.self)
        var mv = SIMD16<Float>(repeating: -.infinity)
        var nan = SIMDMask<SIMD16<Int32>>(repeating: false)
        var i = 0
        while i &+ 16 <= n {
            let v = UnsafeRawPointer(f + i).loadUnaligned(as: SIMD16<Float>.self)
            nan .|= v .!= v
            mv = mv.replacing(with: v, where: v .> mv)
            i &+= 16
        }
        // The largest lane by halves (a tree; NaN lanes are caught by `nan`).
        let m8 = mv.lowHalf.replacing(with: mv.highHalf, where: mv.highHalf .> mv.lowHalf)
        let m4 = m8.lowHalf.replacing(with: m8.highHalf, where: m8.highHalf .> m8.lowHalf)
        let m2 = m4.lowHalf.replacing(with: m4.highHalf, where: m4.highHalf .> m4.lowHalf)
        var m = Double(Swift.max(m2[0], m2[1]))
        var isNaN = any(nan)
        while i < n {
            let v = Double(f[i])
            if v > m { m = v }
            isNaN = isNaN || v.isNaN
            i &+= 1
        }
        return isNaN ? .nan : m
    }
    var mv = Lanes(repeating: -.infinity)
    var nan = SIMDMask<SIMD8<Int64>>(repeating: false)
    var i = 0
    while i &+ laneCount <= n {
        let v = load8(x + i)
        nan .|= v .!= v
        mv = mv.replacing(with: v, where: v .> mv)
        i &+= laneCount
    }
    if i < n {
        let v = loadPartial(x + i, n &- i, pad: -.infinity)
        nan .|= v .!= v
        mv = mv.replacing(with: v, where: v .> mv)
    }
    let m4 = mv.lowHalf.replacing(with: mv.highHalf, where: mv.highHalf .> mv.lowHalf)
    let m2 = m4.lowHalf.replacing(with: m4.highHalf, where: m4.highHalf .> m4.lowHalf)
    return any(nan) ? .nan : Swift.max(m2[0], m2[1])
}

/// exp((x_i - m) / t) over a row, and each value stored into `e` if given
/// (may be `x` itself). The sum is compensated (Fast2Sum per lane) unless
/// `plain`: log-softmax, logsumexp and the cross-entropy need log(S) =
/// log1p(S - 1) with S - 1 exact even when every other term is below the
/// rounding of 1 + term; only the Float softmax (which divides by S) can
/// use the plain sum.
@inlinable @inline(__always)
func rowExpSum<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ x: UnsafePointer<T>, _ n: Int, _ m: Double, _ invT: Double,
    _ e: UnsafeMutablePointer<T>?, plain: Bool = false
) -> (Double, Double) {
    let full = T.self == Double.self
    let degree: ExpDegree = full ? .eleven : .seven
    let mm = Lanes(repeating: m)
    // One loop per case (temperature or not, plain or compensated sum, store
    // or not), so that no test is left inside a loop.
    @inline(__always)
    func run(_ scale: Bool, _ simple: Bool, _ out: UnsafeMutablePointer<T>?) -> (Double, Double) {
        var (s, c) = simple ? (Lanes(repeating: 0), Lanes(repeating: 0)) : biasedSums()
        var i = 0
        while i &+ laneCount <= n {
            let d = load8(x + i) - mm
            let v = expNonPositive(p, scale ? d * invT : d, degree)
            if simple { s += v } else { biasedSumAdd(&s, &c, v) }
            if let out { store8(v, out + i) }
            i &+= laneCount
        }
        if i < n {
            let d = loadPartial(x + i, n &- i, pad: -.infinity) - mm
            let v = expNonPositive(p, scale ? d * invT : d, degree)
            if simple { s += v } else { biasedSumAdd(&s, &c, v) }
            if let out { storePartial(v, out + i, n &- i) }
        }
        return simple ? (laneSum(s), 0) : reduceBiased(s, c)
    }
    let scale = invT != 1
    if let e {
        if plain && !full { return scale ? run(true, true, e) : run(false, true, e) }
        return scale ? run(true, false, e) : run(false, false, e)
    }
    return scale ? run(true, false, nil) : run(false, false, nil)
}

/// softmax / log-softmax / logsumexp of `x / t` over `rows` contiguous rows
/// of `n` > 0 elements. `y` may equal `x` (not for logsumexp, which writes
/// one value per row). For Double, t must be 1 (the scalar kernel handles
/// the overflow of x - max that a temperature can make representable).
@inlinable @inline(__always)
package func rowsForward<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
    _ rows: Int, _ n: Int, _ t: Double
) {
    let invT = 1 / t
    if n <= shortRowLimit {
        // Short rows: eight rows at a time, one row per lane.
        var r = 0
        while r < rows {
            let k = Swift.min(laneCount, rows &- r)
            shortRowGroup(p, op, x + r &* n, op == .logSumExp ? y + r : y + r &* n, k, n, invT)
            r &+= k
        }
        return
    }
    var r = 0
    while r < rows {
        let xr = x + r &* n
        let yr = op == .logSumExp ? y + r : y + r &* n
        r &+= 1
        let m = rowMax(xr, n)
        guard m.isFinite else {
            specialForward(op, xr, yr, n, 1, m)
            continue
        }
        let (s, c) = rowExpSum(p, xr, n, m, invT, op == .softmax ? yr : nil, plain: op == .softmax)
        switch op {
        case .logSumExp:
            yr[0] = T(roundingDouble: m * invT + log1pOfSum(s, c))
        case .softmax:
            // s >= 1: the max term is exp(0).
            scaleRow(p, yr, n, 1 / (s + c))
        case .logSoftmax:
            logSoftmaxOutputs(xr, yr, n, m, invT, log1pOfSum(s, c))
        }
    }
}

/// y *= k over a row, each result rounded once from y k. With FMA a Float
/// row is scaled in sixteen Float lanes: k = hi + lo (two Floats, k to
/// 2^-48) and y k = fma(y, hi, y lo), whose one rounding is that of y k but
/// for 2^-23 ulp; otherwise in Double lanes.
@inlinable @inline(__always)
func scaleRow<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ y: UnsafeMutablePointer<T>, _ n: Int, _ k: Double
) {
    var i = 0
    if T.self == Float.self && P.fused {
        let f = UnsafeMutableRawPointer(y).assumingMemoryBound(to: Float.self)
        let hi = Float(k), lo = Float(k - Double(hi))
        let vhi = SIMD16<Float>(repeating: hi), vlo = SIMD16<Float>(repeating: lo)
        while i &+ 16 <= n {
            let v = UnsafeRawPointer(f + i).loadUnaligned(as: SIMD16<Float>.self)
            UnsafeMutableRawPointer(f + i).storeBytes(of: (v * vlo).addingProduct(v, vhi), as: SIMD16<Float>.self)
            i &+= 16
        }
        while i < n { f[i] = (f[i] * lo).addingProduct(f[i], hi); i &+= 1 }
        return
    }
    let kv = Lanes(repeating: k)
    while i &+ laneCount <= n { store8(load8(y + i) * kv, y + i); i &+= laneCount }
    if i < n { storePartial(loadPartial(y + i, n &- i, pad: 0) * kv, y + i, n &- i) }
}

/// y = (x - m)/t - logS over a row: two non-positive terms, no cancellation,
/// one rounding to T. Without a temperature the multiplication is skipped
/// (its own loop: same results, one operation less per lane).
@inlinable @inline(__always)
func logSoftmaxOutputs<T: LogitsFloat>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int,
                                       _ m: Double, _ invT: Double, _ logS: Double) {
    @inline(__always) func run(_ scale: Bool) {
        let mm = Lanes(repeating: m), l = Lanes(repeating: logS)
        var i = 0
        while i &+ laneCount <= n {
            let d = load8(x + i) - mm
            store8((scale ? d * invT : d) - l, y + i)
            i &+= laneCount
        }
        if i < n {
            let d = loadPartial(x + i, n &- i, pad: 0) - mm
            storePartial((scale ? d * invT : d) - l, y + i, n &- i)
        }
    }
    if invT == 1 { run(false) } else { run(true) }
}

/// One phase of a softmax / log-softmax / logsumexp row split into chunks
/// (ParallelJobs.swift, `splitRow`), on the chunk x[0..<n] (and y[0..<n]):
/// phase 0 writes the chunk's max to out[0]; phase 1 the chunk's compensated
/// sum of exp((x - m) t^-1) to out[0], out[1] (plain for the Float softmax,
/// which also keeps the exponentials in y); phase 2 writes the outputs:
/// softmax y *= k (k = 1 / sum), log-softmax y = (x - m) / t - k (k = log
/// sum). The row's results then equal the unsplit arithmetic but for the
/// order of the sum, which the chunks (fixed by the shape) decide.
@inlinable @inline(__always)
package func rowChunk<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ phase: UInt8, _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
    _ n: Int, _ m: Double, _ invT: Double, _ k: Double, _ out: UnsafeMutablePointer<Double>
) {
    switch phase {
    case 0:
        out[0] = rowMax(x, n)
    case 1:
        let (s, c) = rowExpSum(p, x, n, m, invT, op == .softmax ? y : nil, plain: op == .softmax)
        out[0] = s
        out[1] = c
    default:
        if op == .softmax {
            scaleRow(p, y, n, k)
        } else if op == .logSoftmax {
            logSoftmaxOutputs(x, y, n, m, invT, k)
        }
    }
}

/// Cross-entropy of one contiguous row of logits with integer label `label`
/// and weight `w`, temperature 1/invT: returns w (log-sum-exp - x_label / t)
/// and writes the gradient times `gScale` (= reduction scale * w / t) into
/// `g` when given (`g` may be `x`). Returns nil, writing nothing, when the
/// row's max is not finite: the scalar kernel handles those rows.
@inlinable @inline(__always)
package func crossEntropyRow<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ x: UnsafePointer<T>, _ n: Int, _ label: Int, _ w: Double,
    _ invT: Double, _ g: UnsafeMutablePointer<T>?, _ gScale: Double
) -> Double? {
    let m = rowMax(x, n)
    guard m.isFinite else { return nil }
    let xl = x[label].doubleValue  // read before g (maybe x) is written
    let (s, c) = rowExpSum(p, x, n, m, invT, g)
    let lse = log1pOfSum(s, c)
    // log-sum-exp - z_label = log S + (m - x_label)/t: both terms >= 0.
    // A zero weight counts 0, even against x_label = -inf.
    let loss = w == 0 ? 0 : w * (lse + (m - xl) * invT)
    if let g {
        let total = s + c
        scaleRow(p, g, n, gScale / total)
        // The label's entry, p - 1, from an unrounded p.
        g[label] = T(roundingDouble: gScale * (libmExp((xl - m) * invT) / total - 1))
    }
    return loss
}

/// sigmoid over n elements: 1/(1 + e) for x >= 0 and e/(1 + e) for x < 0,
/// with e = exp(-|x|) <= 1, so nothing overflows. `y` may equal `x`.
@inlinable @inline(__always)
package func sigmoidRun<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int
) {
    @inline(__always) func f(_ v: Lanes) -> Lanes {
        // -|x| by setting the sign bit (one operation; NaN stays NaN).
        let negAbs = unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt64>.self) | (1 << 63), to: Lanes.self)
        let e = expNonPositive(p, negAbs, T.self == Double.self ? .eleven : .nine)
        // One division: 1/(1 + e) for x >= 0, e/(1 + e) otherwise (and NaN).
        return Lanes(repeating: 1).replacing(with: e, where: .!(v .>= 0)) / (1 + e)
    }
    var i = 0
    while i &+ laneCount <= n { store8(f(load8(x + i)), y + i); i &+= laneCount }
    if i < n { storePartial(f(loadPartial(x + i, n &- i, pad: 0)), y + i, n &- i) }
}

/// dx = dy * y (1 - y), the sigmoid gradient from its output y. `dx` may equal
/// `y` or `dy`.
@inlinable @inline(__always)
package func sigmoidBackwardRun<T: LogitsFloat>(
    _ y: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ n: Int
) {
    var i = 0
    while i &+ laneCount <= n {
        let v = load8(y + i)
        store8(load8(dy + i) * (v * (1 - v)), dx + i)
        i &+= laneCount
    }
    while i < n {
        let v = y[i].doubleValue
        dx[i] = T(roundingDouble: dy[i].doubleValue * (v * (1 - v)))
        i &+= 1
    }
}

/// softmax / log-softmax / logsumexp over contiguous rows shorter than the
/// lane count, element by element (a vector pass would cost more than the
/// row): the scalar kernels' arithmetic with the lanes' exp (`scalarExp`).
@inlinable @inline(__always)
package func shortRowsForward<T: LogitsFloat>(
    _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
    _ rows: Int, _ n: Int, _ t: Double
) {
    var r = 0
    while r < rows {
        let xr = x + r &* n
        let yr = op == .logSumExp ? y + r : y + r &* n
        r &+= 1
        var m = -Double.infinity
        var k = 0
        while k < n {
            let v = xr[k].doubleValue
            if v > m || v.isNaN { m = v }
            k &+= 1
        }
        guard m.isFinite else {
            specialForward(op, xr, yr, n, 1, m)
            continue
        }
        // At most 7 terms: the Float softmax adds them plainly (error below
        // 2^-50, as in the lanes), everything else compensates.
        let plain = op == .softmax && T.self == Float.self
        var s = 0.0, c = 0.0
        k = 0
        while k < n {
            let v = xr[k].doubleValue
            let e = scalarExp(t == 1 ? v - m : shifted(v, m, t), T.self == Double.self ? .eleven : .seven)
            if plain { s += e } else { compensatedAdd(&s, &c, e) }
            if op == .softmax { yr[k] = T(roundingDouble: e) }
            k &+= 1
        }
        switch op {
        case .logSumExp:
            yr[0] = T(roundingDouble: m / t + log1pOfSum(s, c))
        case .softmax:
            let inv = 1 / (s + c)
            k = 0
            while k < n { yr[k] = T(roundingDouble: yr[k].doubleValue * inv); k &+= 1 }
        case .logSoftmax:
            let l = log1pOfSum(s, c)
            k = 0
            while k < n { yr[k] = T(roundingDouble: shifted(xr[k].doubleValue, m, t) - l); k &+= 1 }
        }
    }
}

/// Rows up to this long go across lanes (`shortRowGroup`), longer ones along.
@usableFromInline let shortRowLimit = 32

/// `k` (1...8) rows of n (<= 32) elements, one row per lane: the same
/// sequential arithmetic for every row whichever group holds it (a partial
/// group repeats its first row in the spare lanes and stores nothing from
/// them), so results do not depend on how rows are grouped or split.
@inlinable @inline(__always)
func shortRowGroup<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
    _ k: Int, _ n: Int, _ invT: Double
) {
    // The columns live on the stack: up to 16 (1 KiB) in an uninitialised
    // temporary allocation, more in an InlineArray (withUnsafeTemporaryAllocation
    // takes anything above 1 KiB from the heap).
    if n <= 16 {
        withUnsafeTemporaryAllocation(of: Lanes.self, capacity: 16) { buffer in
            if let cols = buffer.baseAddress { shortRowColumns(p, op, x, y, k, n, invT, cols) }
        }
    } else {
        var storage = InlineArray<32, Lanes>(repeating: Lanes())
        withUnsafeMutablePointer(to: &storage) { raw in
            shortRowColumns(p, op, x, y, k, n, invT, UnsafeMutableRawPointer(raw).assumingMemoryBound(to: Lanes.self))
        }
    }
}

/// `shortRowGroup` with scratch space for n columns at `cols`.
@inlinable @inline(__always)
func shortRowColumns<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
    _ k: Int, _ n: Int, _ invT: Double, _ cols: UnsafeMutablePointer<Lanes>
) {
    let full = T.self == Double.self
    let degree: ExpDegree = full ? .eleven : .seven
    do {
        // Column j of the group: x[lane * n + j] for each lane (row); spare
        // lanes read row 0.
        P.loadColumns(x, k, n, cols)
        var j = 0
        var mv = Lanes(repeating: -.infinity)
        var nan = SIMDMask<SIMD8<Int64>>(repeating: false)
        while j < n {
            let v = cols[j]
            nan .|= v .!= v
            mv = mv.replacing(with: v, where: v .> mv)
            j &+= 1
        }
        // Rows whose max is not finite: the scalar rules, after the others.
        let special = nan .| .!(mv .< .infinity) .| .!(mv .> -.infinity)
        let m = mv.replacing(with: 0, where: special)
        let simple = op == .softmax && !full
        var (s, c) = simple ? (Lanes(repeating: 0), Lanes(repeating: 0)) : biasedSums()
        j = 0
        while j < n {
            let e = expNonPositive(p, scaled(cols[j] - m, invT), degree)
            if simple { s += e } else { biasedSumAdd(&s, &c, e) }
            if op == .softmax { cols[j] = e }
            j &+= 1
        }
        // Each lane's sum, unbiased: s - 1 is exact (s >= 1, both multiples
        // of ulp(s)).
        if !simple { s -= 1 }
        var logSum = Lanes(repeating: 0)
        if op == .logSoftmax && !full {
            // Float log-softmax: (x - m)/t - log S, two non-positive terms, so
            // log S needs only relative accuracy: computed on the lanes.
            logSum = logOfSumForFloat(p, s, c)
        } else if op != .softmax {
            var lane = 0
            while lane < laneCount { logSum[lane] = log1pOfSum(s[lane], c[lane]); lane &+= 1 }
        }
        switch op {
        case .logSumExp:
            let out = m * invT + logSum
            var lane = 0
            while lane < k { if !special[lane] { y[lane] = T(roundingDouble: out[lane]) }; lane &+= 1 }
        case .softmax:
            let inv = 1 / (s + c)
            j = 0
            while j < n { cols[j] *= inv; j &+= 1 }
            P.storeColumns(cols, y, k, n, special)
        case .logSoftmax:
            j = 0
            while j < n { cols[j] = scaled(cols[j] - m, invT) - logSum; j &+= 1 }
            P.storeColumns(cols, y, k, n, special)
        }
        var lane = 0
        while lane < k {
            if special[lane] {
                specialForward(op, x + lane &* n, op == .logSumExp ? y + lane : y + lane &* n, n, 1,
                               mv[lane].isNaN || nan[lane] ? .nan : mv[lane])
            }
            lane &+= 1
        }
    }
}
