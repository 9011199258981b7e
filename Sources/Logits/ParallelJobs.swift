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
        if op == .sigmoid {
            kernels.sigmoid(x + lo, y + lo, hi &- lo)
        } else {
            elementwiseForward(op, x + lo, y + lo, hi &- lo)
        }
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

/// softmax-family rows on the library's threads.
@inlinable
func parallelRows<T: LogitsFloat>(_ kernels: KernelTable, _ op: AxisOp, _ x: UnsafePointer<T>,
                                  _ y: UnsafeMutablePointer<T>, _ rows: Int, _ n: Int, _ t: Double) {
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
