// Fast kernels over contiguous rows of at least the lane count (the last
// axis of a C-contiguous array), in Double lanes (VectorMath.swift): whole
// rows, rows split into chunks for threads, and the cross-entropy row. They
// see only validated arguments. Rows whose maximum is not finite (masked, +inf, NaN)
// go to the scalar kernels, which implement the special-value rules.
//
// Accuracy matches the scalar kernels: the shift x - max is exact for Float
// input and each Float result is rounded once from Double (softmax: twice,
// the stored exp and the scaled result, as before); Double sums are
// compensated (Fast2Sum per lane, biasedSumAdd in LaneReductions.swift).

import CLogitsShims

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
/// use the plain sum. `ahead` > 0: the elements `ahead` on (the next row's)
/// are prefetched as the loop goes (`prefetchRowMinimum`).
@inlinable @inline(__always)
func rowExpSum<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ x: UnsafePointer<T>, _ n: Int, _ m: Double, _ invT: Double,
    _ e: UnsafeMutablePointer<T>?, plain: Bool = false, ahead: Int = 0
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
            if ahead != 0 { lgt_shims_prefetch(x + (i &+ ahead)) }
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
        let ahead = nextRowAhead(n, hasNext: r < rows)
        let (s, c) = rowExpSum(p, xr, n, m, invT, op == .softmax ? yr : nil, plain: op == .softmax, ahead: ahead)
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
/// for 2^-23 ulp; otherwise (and when k is beyond the Float range) in
/// Double lanes.
@inlinable @inline(__always)
func scaleRow<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ y: UnsafeMutablePointer<T>, _ n: Int, _ k: Double
) {
    var i = 0
    // Float lanes need k's two Float halves finite: a factor beyond the
    // Float range (the gradient at a tiny temperature) scales in Double.
    if T.self == Float.self && P.fused && Swift.abs(k) <= Double(Float.greatestFiniteMagnitude) {
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
    case ChunkPhase.max:
        out[0] = rowMax(x, n)
    case ChunkPhase.sum:
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

/// A split row's max from its chunks' maxima (`rowChunk` phase 0, at
/// out[0], out[2], ...): NaN if any chunk holds a NaN.
@inlinable @inline(__always)
func maxOfChunks(_ out: UnsafePointer<Double>, _ chunks: Int) -> Double {
    var m = -Double.infinity
    var i = 0
    while i < chunks {
        let v = out[2 &* i]
        if v > m || v.isNaN { m = v }
        if m.isNaN { break }
        i &+= 1
    }
    return m
}

/// A split row's sum (s, c) from its chunks' sums (`rowChunk` phase 1), in
/// chunk order: plain for the Float softmax, compensated otherwise.
@inlinable @inline(__always)
func sumOfChunks<T: LogitsFloat>(_ op: AxisOp, _: T.Type, _ out: UnsafePointer<Double>,
                                 _ chunks: Int) -> (Double, Double) {
    var s = 0.0, c = 0.0
    var i = 0
    while i < chunks {
        if op == .softmax && T.self == Float.self {
            s += out[2 &* i]
        } else {
            compensatedAdd(&s, &c, out[2 &* i])
            c += out[2 &* i &+ 1]
        }
        i &+= 1
    }
    return (s, c)
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
    // The next sample's row, when there is one, is usually x + n.
    let (s, c) = rowExpSum(p, x, n, m, invT, g, ahead: nextRowAhead(n, hasNext: true))
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

/// Rows up to this long go across lanes (`shortRowGroup`), longer ones along.
@usableFromInline let shortRowLimit = 32
