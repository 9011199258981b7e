// The parallel forms of the kernels: each call is split into parts fixed by
// its shape (`partCount`), run by `runParts` on the library's threads. Every
// element is computed the same way whichever part or thread holds it, so
// results are identical with any thread count.

/// Rows of a softmax-family call.
@usableFromInline
struct RowsJob<T: LogitsFloat> {
    @usableFromInline let kernels: KernelTable
    @usableFromInline let op: AxisOp
    @usableFromInline let x: UnsafePointer<T>
    @usableFromInline let y: UnsafeMutablePointer<T>
    @usableFromInline let rows: Int, n: Int
    @usableFromInline let t: Double

    @inlinable
    init(_ kernels: KernelTable, _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
         _ rows: Int, _ n: Int, _ t: Double) {
        self.kernels = kernels; self.op = op; self.x = x; self.y = y
        self.rows = rows; self.n = n; self.t = t
    }

    @inlinable
    func run(_ part: Int, _ parts: Int) {
        let (lo, hi) = partRange(rows, part, parts)
        kernels.rows(op, x + lo &* n, op == .logSumExp ? y + lo : y + lo &* n, hi &- lo, n, t)
    }
}

@usableFromInline
let rowsPartF32: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: RowsJob<Float>.self).pointee.run(part, parts)
}

@usableFromInline
let rowsPartF64: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: RowsJob<Double>.self).pointee.run(part, parts)
}

/// Blocks of adjacent columns of a softmax-family call along a general axis
/// (the strided kernels; `forEachBlock`).
@usableFromInline
struct AxisJob<T: LogitsFloat> {
    @usableFromInline let forward: AxisOp?
    @usableFromInline let backward: AxisBackwardOp?
    @usableFromInline let a: UnsafePointer<T>  // x (forward) or y (backward)
    @usableFromInline let b: UnsafePointer<T>?  // dy (backward)
    @usableFromInline let out: UnsafeMutablePointer<T>
    @usableFromInline let layout: AxisLayout
    @usableFromInline let t: Double

    @inlinable
    init(_ forward: AxisOp?, _ backward: AxisBackwardOp?, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>?,
         _ out: UnsafeMutablePointer<T>, _ layout: AxisLayout, _ t: Double) {
        self.forward = forward; self.backward = backward; self.a = a; self.b = b
        self.out = out; self.layout = layout; self.t = t
    }

    @inlinable
    func run(_ part: Int, _ parts: Int) {
        let (lo, hi) = partRange(blockCount(layout), part, parts)
        if let op = forward {
            axisForward(op, a, out, layout, t, blocks: lo, hi)
        } else if let op = backward, let b {
            axisBackward(op, a, b, out, layout, t, blocks: lo, hi)
        }
    }
}

@usableFromInline
let axisPartF32: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: AxisJob<Float>.self).pointee.run(part, parts)
}

@usableFromInline
let axisPartF64: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: AxisJob<Double>.self).pointee.run(part, parts)
}

/// The strided softmax family (forward or gradient) on the library's
/// threads: the blocks of adjacent columns split into parts fixed by the
/// shape, by outer index first and by blocks of inner columns within it.
@inlinable
func parallelAxis<T: LogitsFloat>(_ job: AxisJob<T>) {
    let layout = job.layout
    let parts = partCount(slices: blockCount(layout),
                          elementsPerSlice: layout.length &* Swift.min(layout.inner, blockWidth))
    withUnsafePointer(to: job) { p in
        runParts(parts, UnsafeRawPointer(p), T.self == Float.self ? axisPartF32 : axisPartF64)
    }
}

/// A run of elements of an elementwise function.
@usableFromInline
struct ElementsJob<T: LogitsFloat> {
    @usableFromInline let kernels: KernelTable
    @usableFromInline let op: ElementwiseOp
    @usableFromInline let x: UnsafePointer<T>
    @usableFromInline let y: UnsafeMutablePointer<T>
    @usableFromInline let count: Int

    @inlinable
    init(_ kernels: KernelTable, _ op: ElementwiseOp, _ x: UnsafePointer<T>,
         _ y: UnsafeMutablePointer<T>, _ count: Int) {
        self.kernels = kernels; self.op = op; self.x = x; self.y = y; self.count = count
    }

    @inlinable
    func run(_ part: Int, _ parts: Int) {
        let (lo, hi) = partRange(count, part, parts)
        kernels.elementwise(op, x + lo, y + lo, hi &- lo)
    }
}

@usableFromInline
let elementsPartF32: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: ElementsJob<Float>.self).pointee.run(part, parts)
}

@usableFromInline
let elementsPartF64: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: ElementsJob<Double>.self).pointee.run(part, parts)
}

/// One phase of one long row, split into chunks (`rowChunk`).
@usableFromInline
struct RowChunksJob<T: LogitsFloat> {
    @usableFromInline let kernels: KernelTable
    @usableFromInline let phase: UInt8
    @usableFromInline let op: AxisOp
    @usableFromInline let x: UnsafePointer<T>
    @usableFromInline let y: UnsafeMutablePointer<T>
    @usableFromInline let n: Int
    @usableFromInline let m: Double, invT: Double, k: Double
    @usableFromInline let out: UnsafeMutablePointer<Double>

    @inlinable
    init(_ kernels: KernelTable, _ phase: UInt8, _ op: AxisOp, _ x: UnsafePointer<T>,
         _ y: UnsafeMutablePointer<T>, _ n: Int, _ m: Double, _ invT: Double, _ k: Double,
         _ out: UnsafeMutablePointer<Double>) {
        self.kernels = kernels; self.phase = phase; self.op = op; self.x = x; self.y = y
        self.n = n; self.m = m; self.invT = invT; self.k = k; self.out = out
    }

    @inlinable
    func run(_ part: Int, _ parts: Int) {
        let (lo, hi) = partRange(n, part, parts)
        kernels.rowChunk(phase, op, x + lo, y + lo, hi &- lo, m, invT, k, out + 2 &* part)
    }
}

@usableFromInline
let rowChunksPartF32: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: RowChunksJob<Float>.self).pointee.run(part, parts)
}

@usableFromInline
let rowChunksPartF64: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: RowChunksJob<Double>.self).pointee.run(part, parts)
}

/// Rows of at least `splitRowLength` elements go one at a time, each split
/// into chunks of about 2^17 (at most 64) that the threads share: max, sum,
/// output, each phase over the chunks and combined in chunk order, so a
/// single long row (1 x 10^7) uses every thread and the result depends on
/// the shape only.
@usableFromInline let splitRowLength = 1 << 18

@inlinable
func splitRows<T: LogitsFloat>(_ kernels: KernelTable, _ op: AxisOp, _ x: UnsafePointer<T>,
                               _ y: UnsafeMutablePointer<T>, _ rows: Int, _ n: Int, _ t: Double) {
    let chunks = Swift.min(n >> 17, maxThreads)
    let invT = 1 / t
    let function = T.self == Float.self ? rowChunksPartF32 : rowChunksPartF64
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 &* maxThreads) { buffer in
        guard let out = buffer.baseAddress else { return }
        @inline(__always) func phase(_ number: UInt8, _ xr: UnsafePointer<T>, _ yr: UnsafeMutablePointer<T>,
                                     _ m: Double, _ k: Double) {
            withUnsafePointer(to: RowChunksJob(kernels, number, op, xr, yr, n, m, invT, k, out)) { job in
                runParts(chunks, UnsafeRawPointer(job), function)
            }
        }
        var r = 0
        while r < rows {
            let xr = x + r &* n
            let yr = op == .logSumExp ? y + r : y + r &* n
            r &+= 1
            // Phase 0: the max (NaN if any chunk holds a NaN).
            phase(ChunkPhase.max, xr, yr, 0, 0)
            let m = maxOfChunks(out, chunks)
            guard m.isFinite else {
                specialForward(op, xr, yr, n, 1, m)
                continue
            }
            // Phase 1: the sums, added in chunk order.
            phase(ChunkPhase.sum, xr, yr, m, 0)
            let (s, c) = sumOfChunks(op, T.self, out, chunks)
            switch op {
            case .logSumExp:
                yr[0] = T(roundingDouble: m * invT + log1pOfSum(s, c))
            case .softmax:
                phase(ChunkPhase.outputs, xr, yr, m, 1 / (s + c))
            case .logSoftmax:
                phase(ChunkPhase.outputs, xr, yr, m, log1pOfSum(s, c))
            }
        }
    }
}

/// softmax-family rows on the library's threads.
@inlinable
func parallelRows<T: LogitsFloat>(_ kernels: KernelTable, _ op: AxisOp, _ x: UnsafePointer<T>,
                                  _ y: UnsafeMutablePointer<T>, _ rows: Int, _ n: Int, _ t: Double) {
    if n >= splitRowLength {
        splitRows(kernels, op, x, y, rows, n, t)
        return
    }
    let parts = partCount(slices: rows, elementsPerSlice: n)
    if parts == 1 {
        kernels.rows(op, x, y, rows, n, t)
        return
    }
    withUnsafePointer(to: RowsJob(kernels, op, x, y, rows, n, t)) { job in
        runParts(parts, UnsafeRawPointer(job), T.self == Float.self ? rowsPartF32 : rowsPartF64)
    }
}

/// An elementwise function on the library's threads.
@inlinable
func parallelElements<T: LogitsFloat>(_ kernels: KernelTable, _ op: ElementwiseOp,
                                      _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                      _ count: Int) {
    let parts = partCount(slices: count, elementsPerSlice: 1)
    withUnsafePointer(to: ElementsJob(kernels, op, x, y, count)) { job in
        runParts(parts, UnsafeRawPointer(job), T.self == Float.self ? elementsPartF32 : elementsPartF64)
    }
}
