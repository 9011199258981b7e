// Rows shorter than the lane count: softmax, log-softmax and logsumexp
// element by element with the lanes' exp (a single tiny row), or eight rows
// at a time as columns (groups), so that a vector pass is not wasted on a
// row of three. They see only validated arguments.

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
