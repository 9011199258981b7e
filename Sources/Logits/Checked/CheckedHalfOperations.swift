// The softmax family over 16-bit storage (issue 15): the input is widened a
// block at a time into float32 scratch (the kernel table's vectorised
// conversions), the float32 kernels of the chosen precision run on the
// block in place, and each result is narrowed once into the 16-bit output.
// No float32 copy of the whole array: the scratch holds at most
// `halfBlockElements` floats, or one slice along the axis when a slice is
// longer (a 128256-token row: 0.5 MB), so a block stays in the core's L2
// cache between widening, the kernel's passes and narrowing.

/// Scratch size in floats per block: 2^16 (256 KB, a quarter of this
/// machine's 1 MB L2 per core), below the size at which the float32
/// kernels split a call over the library's threads (2^18).
@usableFromInline let halfBlockElements = 1 << 16

/// The blocks of a 16-bit axis operation: whole slices (outer indices) when
/// one slice fits in `budget` floats, else a few columns (inner indices) of
/// one slice at a time. Column blocks are balanced and, when the axis has
/// more than one column, at least two columns wide: a block then takes the
/// same kernel path as the whole call (the strided one), so its results are
/// the whole call's bit for bit.
@usableFromInline
struct HalfBlocks {
    @usableFromInline let layout: AxisLayout
    @usableFromInline let slice: Int
    @usableFromInline let whole: Bool
    @usableFromInline let slicesPerBlock: Int
    /// Column blocks per slice (1 when whole).
    @usableFromInline let columnBlocks: Int
    /// Floats of scratch one block needs.
    @usableFromInline let floats: Int

    @inlinable
    init(_ layout: AxisLayout, budget: Int = halfBlockElements) {
        self.layout = layout
        slice = layout.length &* layout.inner
        whole = slice <= budget
        slicesPerBlock = Swift.max(1, budget / Swift.max(slice, 1))
        // Columns that fit the budget, at least 2 (or the one there is).
        let fit = Swift.min(layout.inner, Swift.max(Swift.min(2, layout.inner), budget / Swift.max(layout.length, 1)))
        columnBlocks = whole ? 1 : Swift.max(1, layout.inner / Swift.max(fit, 1))
        let widest = (layout.inner &+ columnBlocks &- 1) / Swift.max(columnBlocks, 1)
        floats = whole ? Swift.min(slicesPerBlock, layout.outer) &* slice : layout.length &* widest
    }

    /// The number of blocks.
    @inlinable var count: Int {
        whole ? (layout.outer &+ slicesPerBlock &- 1) / Swift.max(slicesPerBlock, 1) : layout.outer &* columnBlocks
    }

    /// Block `b` as (o, j, k, c): slices o..<o+k, columns j..<j+c (all of
    /// them, j = 0, when whole).
    @inlinable
    func block(_ b: Int) -> (Int, Int, Int, Int) {
        if whole {
            let o = b &* slicesPerBlock
            return (o, 0, Swift.min(slicesPerBlock, layout.outer &- o), layout.inner)
        }
        let cb = Swift.max(columnBlocks, 1)
        let o = b / cb
        let (j, end) = partRange(layout.inner, b &- o &* cb, cb)
        return (o, j, 1, end &- j)
    }

    /// The block's own layout (k slices of length x c).
    @inlinable
    func sub(_ k: Int, _ c: Int) -> AxisLayout {
        AxisLayout(k, layout.length, c, k &* layout.length &* c, k &* c)
    }

    /// Widens block (o, j, k, c) of `src` (the operation's layout) into `dst`:
    /// one run when the block spans every column (whole slices, or one
    /// slice of a single-column axis), else a run per element of the axis.
    @inlinable
    func widen(_ kernels: KernelTable, _ format: HalfFormat, _ src: UnsafePointer<UInt16>,
               _ dst: UnsafeMutablePointer<Float>, _ o: Int, _ j: Int, _ k: Int, _ c: Int) {
        if c == layout.inner { return kernels.widenHalf(format.code, src + o &* slice, dst, k &* slice) }
        var r = 0
        while r < layout.length {
            kernels.widenHalf(format.code, src + (o &* slice &+ j &+ r &* layout.inner), dst + r &* c, c)
            r &+= 1
        }
    }

    /// Narrows block (o, j, k, c) from `src` into `dst` (the layout's shape).
    @inlinable
    func narrow(_ kernels: KernelTable, _ format: HalfFormat, _ src: UnsafePointer<Float>,
                _ dst: UnsafeMutablePointer<UInt16>, _ o: Int, _ j: Int, _ k: Int, _ c: Int) {
        if c == layout.inner { return kernels.narrowHalf(format.code, src, dst + o &* slice, k &* slice) }
        var r = 0
        while r < layout.length {
            kernels.narrowHalf(format.code, src + r &* c, dst + (o &* slice &+ j &+ r &* layout.inner), c)
            r &+= 1
        }
    }
}

/// softmax, log-softmax or logsumexp of 16-bit `x / temperature` along an
/// axis, into 16-bit `y` (`layout.count` values, `layout.sliceCount` for
/// logsumexp; `y` may be `x` except for logsumexp). The rules, refusals and
/// special values are the float32 function's (`checkedAxisForward`); each
/// output is the float32 result rounded once to the format.
@inlinable
package func checkedHalfAxisForward(
    _ op: AxisOp, _ format: HalfFormat, _ x: UnsafePointer<UInt16>?, _ y: UnsafeMutablePointer<UInt16>?,
    _ layout: AxisLayout, temperature: Float, kernels: KernelTable = .portable
) -> Refusal? {
    guard checkedTemperature(temperature) != nil else { return Refusal(.temperature) }
    if let e = axisForwardRefusal(op, x, y, layout) { return e }
    guard let x, let y, layout.count > 0 else {
        emptyAxisForward(op, y, layout, format == .f16 ? narrowF16(-.infinity) : narrowBF16(-.infinity))
        return nil
    }
    let work = HalfAxisForwardWork(op: op, format: format, x: x, y: y, blocks: HalfBlocks(layout),
                                   temperature: temperature, kernels: kernels)
    return runHalfBlocks(work, halfAxisForwardPart)
}

/// The blocks of `checkedHalfAxisForward`.
@usableFromInline
struct HalfAxisForwardWork: HalfBlockWork {
    @usableFromInline let op: AxisOp
    @usableFromInline let format: HalfFormat
    @usableFromInline let x: UnsafePointer<UInt16>
    @usableFromInline let y: UnsafeMutablePointer<UInt16>
    @usableFromInline let blocks: HalfBlocks
    @usableFromInline let temperature: Float
    @usableFromInline let kernels: KernelTable

    @inlinable
    init(op: AxisOp, format: HalfFormat, x: UnsafePointer<UInt16>, y: UnsafeMutablePointer<UInt16>,
         blocks: HalfBlocks, temperature: Float, kernels: KernelTable) {
        self.op = op; self.format = format; self.x = x; self.y = y; self.blocks = blocks
        self.temperature = temperature; self.kernels = kernels
    }

    @inlinable var blockCount: Int { blocks.count }
    @inlinable var blockFloats: Int { blocks.floats }
    /// The block in place for softmax and log-softmax; logsumexp's k x c
    /// results after it.
    @inlinable var scratchFloats: Int { blocks.floats &+ (op == .logSumExp ? blocks.floats : 0) }

    @inlinable
    func run(_ bi: Int, _ a: UnsafeMutablePointer<Float>) {
        let (o, j, k, c) = blocks.block(bi)
        let b = op == .logSumExp ? a + blocks.floats : a
        blocks.widen(kernels, format, x, a, o, j, k, c)
        axisForwardKernel(op, UnsafePointer(a), b, blocks.sub(k, c), as: blocks.layout,
                          temperature: Double(temperature), kernels: kernels)
        if op == .logSumExp {  // k x c values, at slice o, column j of the outer x inner result
            kernels.narrowHalf(format.code, UnsafePointer(b), y + (o &* blocks.layout.inner &+ j), k &* c)
        } else {
            blocks.narrow(kernels, format, UnsafePointer(b), y, o, j, k, c)
        }
    }
}

/// sigmoid, log-sigmoid or softplus of `count` 16-bit values into 16-bit `y`
/// (may be `x`): blocks widened, the float32 kernel, each result narrowed once.
@inlinable
package func checkedHalfElementwise(
    _ op: ElementwiseOp, _ format: HalfFormat, _ x: UnsafePointer<UInt16>?, _ y: UnsafeMutablePointer<UInt16>?,
    count: Int, kernels: KernelTable = .portable
) -> Refusal? {
    let input = Region(x, count: count)
    let output = Region(y, count: count)
    if let e = input.refusal ?? output.refusal
        ?? output.checkOutput(against: input, allowSame: true) { return e }
    guard count > 0, let x, let y else { return nil }
    return runHalfBlocks(HalfElementwiseWork(op: op, format: format, x: x, dy: nil, y: y, count: count,
                                             kernels: kernels), halfElementwisePart)
}

/// The blocks of `checkedHalfElementwise` (`dy` nil) and of
/// `checkedHalfElementwiseBackward` (`x` the forward output y, `dy` the
/// upstream gradient, `y` the gradient dx): `halfBlockElements` elements each.
@usableFromInline
struct HalfElementwiseWork: HalfBlockWork {
    @usableFromInline let op: ElementwiseOp
    @usableFromInline let format: HalfFormat
    @usableFromInline let x: UnsafePointer<UInt16>
    @usableFromInline let dy: UnsafePointer<UInt16>?
    @usableFromInline let y: UnsafeMutablePointer<UInt16>
    @usableFromInline let count: Int
    @usableFromInline let kernels: KernelTable

    @inlinable
    init(op: ElementwiseOp, format: HalfFormat, x: UnsafePointer<UInt16>, dy: UnsafePointer<UInt16>?,
         y: UnsafeMutablePointer<UInt16>, count: Int, kernels: KernelTable) {
        self.op = op; self.format = format; self.x = x; self.dy = dy; self.y = y; self.count = count
        self.kernels = kernels
    }

    @inlinable var blockFloats: Int { Swift.min(count, halfBlockElements) }
    @inlinable var blockCount: Int { (count &+ halfBlockElements &- 1) / halfBlockElements }
    @inlinable var scratchFloats: Int { dy == nil ? blockFloats : blockFloats &* 2 }

    @inlinable
    func run(_ b: Int, _ a: UnsafeMutablePointer<Float>) {
        let i = b &* halfBlockElements, n = Swift.min(halfBlockElements, count &- i)
        kernels.widenHalf(format.code, x + i, a, n)
        // The table's kernels on the block, on this thread: a block is at
        // most 2^16 elements (the library's threads take calls of 2^18 and more).
        if let dy {
            let g = a + blockFloats
            kernels.widenHalf(format.code, dy + i, g, n)
            elementwiseBackwardKernel(op, UnsafePointer(a), UnsafePointer(g), a, n, kernels)
        } else {
            kernels.elementwise(op, UnsafePointer(a), a, n)
        }
        kernels.narrowHalf(format.code, UnsafePointer(a), y + i, n)
    }
}

/// Gradient of softmax or log-softmax along an axis over 16-bit buffers:
/// `y` (the forward output) and `dy` widened a block at a time (the
/// forward's blocks), the float32 gradient, `dx` narrowed once; `dx` may be
/// `y` or `dy`. Rules and refusals as `checkedAxisBackward`.
@inlinable
package func checkedHalfAxisBackward(
    _ op: AxisBackwardOp, _ format: HalfFormat, _ y: UnsafePointer<UInt16>?, _ dy: UnsafePointer<UInt16>?,
    _ dx: UnsafeMutablePointer<UInt16>?, _ layout: AxisLayout, temperature: Float,
    kernels: KernelTable = .portable
) -> Refusal? {
    guard checkedTemperature(temperature) != nil else { return Refusal(.temperature) }
    if let e = gradientRefusal(y, dy, dx, count: layout.count) { return e }
    guard layout.count > 0, let y, let dy, let dx else { return nil }
    let work = HalfAxisBackwardWork(op: op, format: format, y: y, dy: dy, dx: dx, blocks: HalfBlocks(layout),
                                    temperature: temperature, kernels: kernels)
    return runHalfBlocks(work, halfAxisBackwardPart)
}

/// The blocks of `checkedHalfAxisBackward` (the forward's blocks).
@usableFromInline
struct HalfAxisBackwardWork: HalfBlockWork {
    @usableFromInline let op: AxisBackwardOp
    @usableFromInline let format: HalfFormat
    @usableFromInline let y: UnsafePointer<UInt16>
    @usableFromInline let dy: UnsafePointer<UInt16>
    @usableFromInline let dx: UnsafeMutablePointer<UInt16>
    @usableFromInline let blocks: HalfBlocks
    @usableFromInline let temperature: Float
    @usableFromInline let kernels: KernelTable

    @inlinable
    init(op: AxisBackwardOp, format: HalfFormat, y: UnsafePointer<UInt16>, dy: UnsafePointer<UInt16>,
         dx: UnsafeMutablePointer<UInt16>, blocks: HalfBlocks, temperature: Float, kernels: KernelTable) {
        self.op = op; self.format = format; self.y = y; self.dy = dy; self.dx = dx; self.blocks = blocks
        self.temperature = temperature; self.kernels = kernels
    }

    @inlinable var blockCount: Int { blocks.count }
    @inlinable var blockFloats: Int { blocks.floats }
    @inlinable var scratchFloats: Int { blocks.floats &* 2 }

    @inlinable
    func run(_ bi: Int, _ a: UnsafeMutablePointer<Float>) {
        let (o, j, k, c) = blocks.block(bi)
        let b = a + blocks.floats
        blocks.widen(kernels, format, y, a, o, j, k, c)
        blocks.widen(kernels, format, dy, b, o, j, k, c)
        parallelAxis(AxisJob(nil, op, UnsafePointer(a), UnsafePointer(b), a, blocks.sub(k, c), Double(temperature)))
        blocks.narrow(kernels, format, UnsafePointer(a), dx, o, j, k, c)
    }
}

/// Gradient of an elementwise function from its 16-bit output `y` and
/// upstream gradient `dy` into 16-bit `dx` (may be `y` or `dy`).
@inlinable
package func checkedHalfElementwiseBackward(
    _ op: ElementwiseOp, _ format: HalfFormat, _ y: UnsafePointer<UInt16>?, _ dy: UnsafePointer<UInt16>?,
    _ dx: UnsafeMutablePointer<UInt16>?, count: Int, kernels: KernelTable = .portable
) -> Refusal? {
    if let e = gradientRefusal(y, dy, dx, count: count) { return e }
    guard count > 0, let y, let dy, let dx else { return nil }
    return runHalfBlocks(HalfElementwiseWork(op: op, format: format, x: y, dy: dy, y: dx, count: count,
                                             kernels: kernels), halfElementwisePart)
}
