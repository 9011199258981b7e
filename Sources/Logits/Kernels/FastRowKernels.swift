// The fast float32 kernels (precision FAST, the default for float32): the
// softmax family, the cross-entropy row and the sigmoid with their
// exponentials in Float lanes (FloatLanes.swift), as the peers compute
// them, and with what Float would lose kept in Double:
//   - sums of exponentials in Float blocks of 1024 elements, flushed into
//     Double lanes (a 10^7 row stays at 1e-7, where one Float sum drifts);
//   - the terms exp(0) = 1 of the row's maxima left out of those sums and
//     counted (a Float lane holding a 1 would round every later term to
//     ulp(1): measured 5 ulp on softmax outputs near 1), so that S = count +
//     rest and log S = log1p((count - 1) + rest) keep their accuracy;
//   - the argument x - max (or (x - max) / T, formed in Double: no finite x
//     and T overflow) as a Float and its rounding error, which the exp adds
//     to the reduced argument (`fastTerm`), so every term is off by about
//     0.6 ulp whatever |z|;
//   - the outputs of log-softmax and logsumexp in Double lanes, rounded once,
//     and the softmax scale 1/S carried to 2^-48 (`scaleRow`).
// Error: a softmax output stores its term rounded to Float and then scales
// it (two roundings, as in the exact precision), the log outputs carry the
// sums' error; ACCURACY.md has the measured maxima. Rows whose maximum is
// not finite go to the scalar kernels (the special-value rules are the exact
// precision's, unchanged), and so do rows of up to 32 elements
// (shortRowLimit), whose exact kernels are as fast.

import CLogitsShims

/// exp((x - m) / t) for sixteen lanes (`scaled`: t != 1), the argument's
/// rounding error carried into the exp as a low part, so that each term is
/// off by about 0.6 ulp whatever |z|: the sums S, log S and the loss are
/// then as accurate as their float32 results need. (Without it, measured:
/// softmax 1.61 ulp x (1 + |z|) at z = 0 from an S off by |z| 2^-24 in its
/// terms, and the loss 2.3e-6 relative.)
@inlinable @inline(__always)
func fastTerm<P: ArithmeticPolicy>(_ p: P.Type, _ v: FloatLanes, _ mv: FloatLanes, _ m: Double,
                                   _ invT: Double, _ scaled: Bool) -> FloatLanes {
    if scaled {
        // (x - m) / t in Double: x - m is exact; below -200 every term is 0
        // (and -inf - m would leave no finite low part).
        var dl = (widen8(v.lowHalf) - m) * invT, dh = (widen8(v.highHalf) - m) * invT
        dl = dl.replacing(with: -200, where: dl .< -200)
        dh = dh.replacing(with: -200, where: dh .< -200)
        let hi = FloatLanes(lowHalf: narrow8(dl), highHalf: narrow8(dh))
        let lo = FloatLanes(lowHalf: narrow8(dl - widen8(hi.lowHalf)),
                            highHalf: narrow8(dh - widen8(hi.highHalf)))
        return P.expF(hi, lo)
    }
    // TwoSum of x and -m; where x - m < -200 (its term is 0, and x - m may
    // have overflowed to -inf) the low part is dropped.
    let s = v - mv
    let bb = s - v
    let lo = ((v - (s - bb)) - (mv + bb)).replacing(with: 0, where: s .< -200)
    return P.expF(s, lo)
}

/// Adds one vector of terms to the Float accumulator `a`, leaving out the
/// lanes where v == m (whose term is 1) and counting them in `c`.
@inlinable @inline(__always)
func fastAccumulate(_ a: inout FloatLanes, _ c: inout FloatLanes, _ e: FloatLanes, _ v: FloatLanes,
                    _ mv: FloatLanes) {
    let isMax = v .== mv
    c = c.replacing(with: c + 1, where: isMax)
    a += e.replacing(with: 0, where: isMax)
}

/// The sum of exp((x_i - m) / t) over a row of n > 0 elements with finite
/// max m (`fastTerm`), each term stored into `e` when given (may be `x`).
/// Returns (number of maxima, sum of the other terms). `ahead` > 0: the
/// lines `ahead` elements on (the next row's) are prefetched as the loop
/// goes (`prefetchRowMinimum`).
@inlinable @inline(__always)
func fastExpSum<P: ArithmeticPolicy>(
    _ p: P.Type, _ x: UnsafePointer<Float>, _ n: Int, _ m: Double, _ invT: Double,
    _ e: UnsafeMutablePointer<Float>?, ahead: Int = 0
) -> (Double, Double) {
    let none = UnsafeMutablePointer(mutating: x)
    switch (invT == 1, e) {
    case (true, let e?): return fastExpSumLoop(p, x, n, m, invT, e, true, false, ahead)
    case (true, nil): return fastExpSumLoop(p, x, n, m, invT, none, false, false, ahead)
    case (false, let e?): return fastExpSumLoop(p, x, n, m, invT, e, true, true, ahead)
    case (false, nil): return fastExpSumLoop(p, x, n, m, invT, none, false, true, ahead)
    }
}

/// `fastExpSum` for one combination of (store, scaled), each a
/// constant once inlined: no test is left inside the loops.
@inlinable @inline(__always)
func fastExpSumLoop<P: ArithmeticPolicy>(
    _ p: P.Type, _ x: UnsafePointer<Float>, _ n: Int, _ m: Double, _ invT: Double,
    _ e: UnsafeMutablePointer<Float>, _ store: Bool, _ scaled: Bool, _ ahead: Int
) -> (Double, Double) {
    let mv = FloatLanes(repeating: Float(m))
    var total = Lanes(), count = Lanes()
    var a0 = FloatLanes(), a1 = FloatLanes(), a2 = FloatLanes(), a3 = FloatLanes()
    var c0 = FloatLanes(), c1 = FloatLanes(), c2 = FloatLanes(), c3 = FloatLanes()
    var i = 0
    while i &+ 64 <= n {
        // Float blocks of 1024 elements, flushed into Double lanes.
        let end = Swift.min(n, i &+ 1024)
        while i &+ 64 <= end {
            let v0 = loadF(x + i), v1 = loadF(x + (i &+ 16)), v2 = loadF(x + (i &+ 32)), v3 = loadF(x + (i &+ 48))
            if ahead != 0 {
                let a = UnsafeRawPointer(x + (i &+ ahead))
                lgt_shims_prefetch(a); lgt_shims_prefetch(a + 64)
                lgt_shims_prefetch(a + 128); lgt_shims_prefetch(a + 192)
            }
            let e0 = fastTerm(p, v0, mv, m, invT, scaled), e1 = fastTerm(p, v1, mv, m, invT, scaled)
            let e2 = fastTerm(p, v2, mv, m, invT, scaled), e3 = fastTerm(p, v3, mv, m, invT, scaled)
            if store {
                storeF(e0, e + i); storeF(e1, e + (i &+ 16)); storeF(e2, e + (i &+ 32)); storeF(e3, e + (i &+ 48))
            }
            fastAccumulate(&a0, &c0, e0, v0, mv)
            fastAccumulate(&a1, &c1, e1, v1, mv)
            fastAccumulate(&a2, &c2, e2, v2, mv)
            fastAccumulate(&a3, &c3, e3, v3, mv)
            i &+= 64
        }
        total += widened((a0 + a1) + (a2 + a3))
        a0 = FloatLanes(); a1 = FloatLanes(); a2 = FloatLanes(); a3 = FloatLanes()
        count += widened((c0 + c1) + (c2 + c3))
        c0 = FloatLanes(); c1 = FloatLanes(); c2 = FloatLanes(); c3 = FloatLanes()
    }
    while i &+ 16 <= n {
        let v = loadF(x + i)
        let t = fastTerm(p, v, mv, m, invT, scaled)
        if store { storeF(t, e + i) }
        fastAccumulate(&a0, &c0, t, v, mv)
        i &+= 16
    }
    if i < n {
        // Padding -inf: exp gives 0, and it is never a maximum.
        let v = loadPartialF(x + i, n &- i, pad: -.infinity)
        let t = fastTerm(p, v, mv, m, invT, scaled)
        if store { storePartialF(t, e + i, n &- i) }
        fastAccumulate(&a1, &c1, t, v, mv)
    }
    total += widened((a0 + a1) + (a2 + a3))
    count += widened((c0 + c1) + (c2 + c3))
    return (laneSum(count), laneSum(total))
}

/// Rows of at least this many elements (32 KiB of Float, beyond a core's L1)
/// fetch the next row's lines while their exp pass runs, the pass bound by
/// arithmetic: the next row's max pass then reads from the cache instead of
/// waiting on memory (measured on 64x50257: 10-12% less time; on rows of
/// 1000 the hardware prefetcher already keeps up). A hint only: a prefetch
/// never faults, whatever the address.
@usableFromInline let prefetchRowMinimum = 1 << 13

/// How far ahead a row of n elements prefetches (`fastExpSum`, `rowExpSum`):
/// the next row (n on) when there is one and the row is long enough, else 0.
@inlinable @inline(__always)
func nextRowAhead(_ n: Int, hasNext: Bool) -> Int {
    hasNext && n >= prefetchRowMinimum ? n : 0
}

/// Whether the fast log-softmax outputs of rows of n elements, in a call or
/// part of `total` elements, go out with streaming stores
/// (`streamLogSoftmaxOutputs`): long rows without a temperature, on a policy
/// that streams, and more output than the caches keep.
@inlinable @inline(__always)
func streamsLogSoftmax<P: ArithmeticPolicy>(_ p: P.Type, _ op: AxisOp, _ invT: Double, _ n: Int, _ total: Int) -> Bool {
    P.streams && op == .logSoftmax && invT == 1 && n >= prefetchRowMinimum && total >= streamingLength
}

/// softmax / log-softmax / logsumexp of x / t over `rows` contiguous Float
/// rows of n > 0 elements (`rowsForward`'s contract, fast precision).
@inlinable @inline(__always)
package func fastRowsForward<P: ArithmeticPolicy>(
    _ p: P.Type, _ op: AxisOp, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
    _ rows: Int, _ n: Int, _ t: Double
) {
    if n <= shortRowLimit {
        rowsForward(p, op, x, y, rows, n, t)
        return
    }
    let invT = 1 / t
    // Log-softmax outputs beyond the caches skip the read of y's lines.
    let stream = streamsLogSoftmax(p, op, invT, n, rows &* n)
    var r = 0
    while r < rows {
        let xr = x + r &* n
        let yr = op == .logSumExp ? y + r : y + r &* n
        r &+= 1
        let m = rowMaxF(p, xr, n)
        guard m.isFinite else {
            specialForward(op, xr, yr, n, 1, m)
            continue
        }
        let ahead = nextRowAhead(n, hasNext: r < rows)
        switch op {
        case .softmax:
            let (count, rest) = fastExpSum(p, xr, n, m, invT, yr, ahead: ahead)
            scaleRow(p, yr, n, 1 / (count + rest))
        case .logSumExp:
            let (count, rest) = fastExpSum(p, xr, n, m, invT, nil, ahead: ahead)
            yr[0] = Float(m * invT + log1pOfSum(count, rest))
        case .logSoftmax:
            let (count, rest) = fastExpSum(p, xr, n, m, invT, nil, ahead: ahead)
            if stream {
                streamLogSoftmaxOutputs(p, xr, yr, n, m, log1pOfSum(count, rest))
            } else {
                logSoftmaxOutputs(xr, yr, n, m, invT, log1pOfSum(count, rest))
            }
        }
    }
    if stream { lgt_shims_store_fence() }
}

/// `logSoftmaxOutputs` without a temperature, the 64-byte aligned part of
/// the row written with streaming stores (the same values: y = (x - m) -
/// log S in Double, rounded once). For outputs too large to stay in the
/// caches, whose lines are then not read before they are written.
@inlinable @inline(__always)
func streamLogSoftmaxOutputs<P: ArithmeticPolicy>(
    _ p: P.Type, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int, _ m: Double, _ logS: Double
) {
    let head = Swift.min(n, ((64 &- Int(bitPattern: UInt(bitPattern: y) & 63)) & 63) >> 2)
    if head > 0 { logSoftmaxOutputs(x, y, head, m, 1, logS) }
    let mm = Lanes(repeating: m), l = Lanes(repeating: logS)
    var i = head
    while i &+ 16 <= n {
        let v = loadF(x + i)
        P.storeStreamingF(FloatLanes(lowHalf: narrow8((widen8(v.lowHalf) - mm) - l),
                                     highHalf: narrow8((widen8(v.highHalf) - mm) - l)), y + i)
        i &+= 16
    }
    if i < n { logSoftmaxOutputs(x + i, y + i, n &- i, m, 1, logS) }
}

/// `rowChunk` in the fast precision: the same phases and outputs; the sums
/// (phase 1) are (S, 0) for softmax (which `sumOfChunks` adds plainly) and
/// (number of maxima, other terms) for log-softmax and logsumexp, which it
/// adds as it adds (s, c).
@inlinable @inline(__always)
package func fastRowChunk<P: ArithmeticPolicy>(
    _ p: P.Type, _ phase: UInt8, _ op: AxisOp, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>,
    _ n: Int, _ m: Double, _ invT: Double, _ k: Double, _ out: UnsafeMutablePointer<Double>
) {
    switch phase {
    case ChunkPhase.max:
        out[0] = rowMaxF(p, x, n)
    case ChunkPhase.sum:
        let (count, rest) = fastExpSum(p, x, n, m, invT, op == .softmax ? y : nil)
        out[0] = op == .softmax ? count + rest : count
        out[1] = op == .softmax ? 0 : rest
    case _ where streamsLogSoftmax(p, op, invT, n, streamingLength):
        // A chunk of a row long enough to be split: the row is beyond the
        // caches whatever the chunk's own size.
        streamLogSoftmaxOutputs(p, x, y, n, m, k)
        lgt_shims_store_fence()
    default:
        rowChunk(p, phase, op, x, y, n, m, invT, k, out)
    }
}

/// `crossEntropyRow` in the fast precision.
@inlinable @inline(__always)
package func fastCrossEntropyRow<P: ArithmeticPolicy>(
    _ p: P.Type, _ x: UnsafePointer<Float>, _ n: Int, _ label: Int, _ w: Double,
    _ invT: Double, _ g: UnsafeMutablePointer<Float>?, _ gScale: Double
) -> Double? {
    let m = rowMaxF(p, x, n)
    guard m.isFinite else { return nil }
    let xl = Double(x[label])  // read before g (maybe x) is written
    // The next sample's row, when there is one, is usually x + n.
    let (count, rest) = fastExpSum(p, x, n, m, invT, g, ahead: nextRowAhead(n, hasNext: true))
    let loss = w == 0 ? 0 : w * (log1pOfSum(count, rest) + (m - xl) * invT)
    if let g {
        let total = count + rest
        scaleRow(p, g, n, gScale / total)
        g[label] = Float(gScale * (libmExp((xl - m) * invT) / total - 1))
    }
    return loss
}

/// sigmoid in Float lanes: e = exp(-|x|), then 1/(1 + e) for x > 0 and
/// e/(1 + e) otherwise (NaN stays NaN); over a run: `mapFloats`.
/// The fast elementwise functions, for `mapFloats`.
@usableFromInline package enum FastSigmoid: FloatLaneFunction {
    @inlinable @inline(__always)
    package static func apply<P: ArithmeticPolicy>(_ p: P.Type, _ v: FloatLanes) -> FloatLanes { fastSigmoid(p, v) }
}

@usableFromInline package enum FastLogSigmoid: FloatLaneFunction {
    @inlinable @inline(__always)
    package static func apply<P: ArithmeticPolicy>(_ p: P.Type, _ v: FloatLanes) -> FloatLanes {
        fastSoftplusLanes(p, v, true)
    }
}

@usableFromInline package enum FastSoftplus: FloatLaneFunction {
    @inlinable @inline(__always)
    package static func apply<P: ArithmeticPolicy>(_ p: P.Type, _ v: FloatLanes) -> FloatLanes {
        fastSoftplusLanes(p, v, false)
    }
}

@inlinable @inline(__always)
func fastSigmoid<P: ArithmeticPolicy>(_ p: P.Type, _ v: FloatLanes) -> FloatLanes {
    // -|x| by setting the sign bit (NaN stays NaN).
    let negAbs = unsafeBitCast(unsafeBitCast(v, to: SIMD16<UInt32>.self) | 0x8000_0000, to: FloatLanes.self)
    let e = P.expF(negAbs, nil)
    return FloatLanes(repeating: 1).replacing(with: e, where: .!(v .> 0)) / (1 + e)
}
