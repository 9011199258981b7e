// Kernels along an axis: softmax, log-softmax, logsumexp and the gradients of
// the first two. They see only validated arguments and never trap: loops are
// `while` loops with wrapping arithmetic on counts that validation bounded.
//
// Scheme. The data is outer x length x inner (see AxisLayout). The kernels
// walk it in blocks of up to `blockWidth` adjacent slices (columns), so the
// innermost loop always reads contiguous memory: for inner == 1 a block is one
// row; for inner > 1 a block is up to 64 neighbouring columns. Per-column
// state (max, sum, compensation) lives in stack scratch space: no allocation.
// Arithmetic is in Double, sums are compensated (TwoSum), and each output is
// rounded once.

/// The widest block of adjacent slices processed together.
@usableFromInline let blockWidth = 64

/// Which forward reduction along an axis.
@usableFromInline
package enum AxisOp: Sendable {
    case softmax, logSoftmax, logSumExp
}

/// Which gradient along an axis.
@usableFromInline
package enum AxisBackwardOp: Sendable {
    case softmax, logSoftmax
}

/// The number of blocks of adjacent columns (`forEachBlock`) in `layout`.
@inlinable @inline(__always)
func blockCount(_ layout: AxisLayout) -> Int {
    layout.outer &* ((layout.inner &+ blockWidth &- 1) / blockWidth)
}

/// Calls `body(offset, sliceOffset, width)` for the blocks `lo..<hi` (of
/// `blockCount`) of adjacent columns: `offset` is the element index of the
/// block's first element, `sliceOffset` the index of its first column among
/// the `sliceCount` slices. Blocks are independent: any split of the block
/// range between threads computes every block the same way.
@inlinable @inline(__always)
func forEachBlock(_ layout: AxisLayout, _ lo: Int, _ hi: Int, _ body: (Int, Int, Int) -> Void) {
    let blockStride = layout.length &* layout.inner
    let perOuter = (layout.inner &+ blockWidth &- 1) / blockWidth
    guard perOuter > 0 else { return }
    var b = lo
    while b < hi {
        let o = b / perOuter
        let i = (b &- o &* perOuter) &* blockWidth
        let w = Swift.min(blockWidth, layout.inner &- i)
        body(o &* blockStride &+ i, o &* layout.inner &+ i, w)
        b &+= 1
    }
}

/// Runs `body(scratch)` with `3 * blockWidth` Doubles of stack scratch space.
@inlinable @inline(__always)
func withScratch(_ body: (UnsafeMutablePointer<Double>) -> Void) {
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 3 &* blockWidth) { buffer in
        guard let base = buffer.baseAddress else { return }
        body(base)
    }
}

// MARK: - Forward

/// softmax / log-softmax / logsumexp of `x / t` along the layout's axis, for
/// the column blocks `lo..<hi` of `blockCount(layout)` (`parallelAxis`).
/// `y` has `layout.count` elements, or `layout.sliceCount` for logsumexp.
/// `y` may equal `x` except for logsumexp. `layout.length` must be > 0.
@inlinable
func axisForward<T: LogitsFloat>(
    _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
    _ layout: AxisLayout, _ t: Double, blocks lo: Int, _ hi: Int
) {
    let n = layout.length
    let stride = layout.inner
    withScratch { scratch in
        let m = scratch, s = scratch + blockWidth, c = scratch + 2 &* blockWidth
        forEachBlock(layout, lo, hi) { offset, slice, w in
            let xb = x + offset
            let yb = op == .logSumExp ? y + slice : y + offset
            if blockMax(xb, n, stride, w, m) {
                denseForward(op, xb, yb, n, stride, w, t, m, s, c)
                return
            }
            // Some column is masked, infinite or NaN: one column at a time.
            var j = 0
            while j < w {
                if m[j].isFinite {
                    denseForward(op, xb + j, yb + j, n, stride, 1, t, m + j, s, c)
                } else {
                    specialForward(op, xb + j, yb + j, n, stride, m[j])
                }
                j &+= 1
            }
        }
    }
}

/// Column maxima into `m[0..<w]` (a NaN anywhere makes its column's max NaN).
/// Returns true when every maximum is finite.
@inlinable @inline(__always)
func blockMax<T: LogitsFloat>(
    _ x: UnsafePointer<T>, _ n: Int, _ stride: Int, _ w: Int, _ m: UnsafeMutablePointer<Double>
) -> Bool {
    var j = 0
    while j < w { m[j] = -.infinity; j &+= 1 }
    var p = x
    var k = 0
    while k < n {
        j = 0
        while j < w {
            let v = p[j].doubleValue
            if v > m[j] || v.isNaN { m[j] = v }
            j &+= 1
        }
        p += stride
        k &+= 1
    }
    j = 0
    var finite = true
    while j < w { finite = finite && m[j].isFinite; j &+= 1 }
    return finite
}

/// The general case: every column max `m[j]` finite.
@inlinable @inline(__always)
func denseForward<T: LogitsFloat>(
    _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
    _ n: Int, _ stride: Int, _ w: Int, _ t: Double,
    _ m: UnsafeMutablePointer<Double>, _ s: UnsafeMutablePointer<Double>,
    _ c: UnsafeMutablePointer<Double>
) {
    var j = 0
    while j < w { s[j] = 0; c[j] = 0; j &+= 1 }
    // Pass 1: sum of exp((x - m) / t); softmax also keeps each exp in y.
    var k = 0
    var p = x
    var q = y
    while k < n {
        j = 0
        while j < w {
            let e = libmExp(shifted(p[j].doubleValue, m[j], t))
            compensatedAdd(&s[j], &c[j], e)
            if op == .softmax { q[j] = T(roundingDouble: e) }
            j &+= 1
        }
        p += stride
        if op != .logSumExp { q += stride }
        k &+= 1
    }
    switch op {
    case .logSumExp:
        j = 0
        while j < w { y[j] = T(roundingDouble: m[j] / t + log1pOfSum(s[j], c[j])); j &+= 1 }
    case .softmax:
        // Pass 2: scale. s >= 1 (the max term is exp(0)), so no division by 0.
        j = 0
        while j < w { s[j] += c[j]; j &+= 1 }
        q = y
        k = 0
        while k < n {
            j = 0
            while j < w { q[j] = T(roundingDouble: q[j].doubleValue / s[j]); j &+= 1 }
            q += stride
            k &+= 1
        }
    case .logSoftmax:
        // Pass 2: (x - m)/t - log(s), two non-positive terms: no cancellation.
        j = 0
        while j < w { c[j] = log1pOfSum(s[j], c[j]); j &+= 1 }
        p = x
        q = y
        k = 0
        while k < n {
            j = 0
            while j < w {
                q[j] = T(roundingDouble: shifted(p[j].doubleValue, m[j], t) - c[j])
                j &+= 1
            }
            p += stride
            q += stride
            k &+= 1
        }
    }
}

/// One column whose max `m` is NaN, -inf (all masked) or +inf.
@inlinable
func specialForward<T: LogitsFloat>(
    _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
    _ n: Int, _ stride: Int, _ m: Double
) {
    if op == .logSumExp {
        y[0] = T(roundingDouble: m)  // NaN, -inf (empty sum) or +inf
        return
    }
    let hit: T, miss: T
    if m.isNaN {
        hit = .nan; miss = .nan
    } else if m == -.infinity {
        hit = op == .softmax ? 0 : -.infinity; miss = hit
    } else {
        // +inf: the k infinite entries share the mass equally (k >= 1).
        var infinities = 0
        var k = 0
        while k < n { if x[k &* stride] == .infinity { infinities &+= 1 }; k &+= 1 }
        let share = 1 / Double(Swift.max(infinities, 1))
        hit = T(roundingDouble: op == .softmax ? share : -libmLog(Double(Swift.max(infinities, 1))))
        miss = op == .softmax ? 0 : -.infinity
    }
    var k = 0
    while k < n {
        let at = k &* stride
        y[at] = x[at] == .infinity ? hit : miss
        k &+= 1
    }
}

// MARK: - Backward

/// Gradients along the axis. softmax: dx = y (dy - sum(y dy)) / t;
/// log-softmax: dx = (dy - exp(y) sum(dy)) / t. `dx` may equal `y` or `dy`.
@inlinable
func axisBackward<T: LogitsFloat>(
    _ op: AxisBackwardOp, _ y: UnsafePointer<T>, _ dy: UnsafePointer<T>,
    _ dx: UnsafeMutablePointer<T>, _ layout: AxisLayout, _ t: Double,
    blocks lo: Int, _ hi: Int
) {
    let n = layout.length
    let stride = layout.inner
    withScratch { scratch in
        let s = scratch, c = scratch + blockWidth
        forEachBlock(layout, lo, hi) { offset, _, w in
            var j = 0
            while j < w { s[j] = 0; c[j] = 0; j &+= 1 }
            var k = 0
            var a = y + offset, b = dy + offset
            while k < n {
                j = 0
                while j < w {
                    let v = op == .softmax ? a[j].doubleValue * b[j].doubleValue : b[j].doubleValue
                    compensatedAdd(&s[j], &c[j], v)
                    j &+= 1
                }
                a += stride; b += stride
                k &+= 1
            }
            j = 0
            while j < w { s[j] += c[j]; j &+= 1 }
            k = 0
            a = y + offset; b = dy + offset
            var d = dx + offset
            while k < n {
                j = 0
                while j < w {
                    let yv = a[j].doubleValue, g = b[j].doubleValue
                    let r = op == .softmax ? yv * (g - s[j]) : g - libmExp(yv) * s[j]
                    d[j] = T(roundingDouble: r / t)
                    j &+= 1
                }
                a += stride; b += stride; d += stride
                k &+= 1
            }
        }
    }
}
