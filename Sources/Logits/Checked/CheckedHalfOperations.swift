// The softmax family over 16-bit storage (issue 15): the input is widened a
// block at a time into float32 scratch, the float32 kernels of the chosen
// precision run on the block, and each result is narrowed once into the
// 16-bit output. No float32 copy of the whole array: the scratch holds at
// most `halfBlockElements` floats, or one slice along the axis when a
// slice is longer (a 128256-token row: 0.5 MB).

/// Scratch size in floats per block: 2^18 (1 MB), the size at which the
/// float32 kernels split a call over the library's threads.
@usableFromInline let halfBlockElements = 1 << 18

/// The bits of -infinity in a 16-bit format (an empty logsumexp).
@inlinable @inline(__always)
func halfNegativeInfinity(_ format: HalfFormat) -> UInt16 {
    format == .f16 ? 0xFC00 : 0xFF80
}

/// The blocks of a 16-bit axis operation: whole slices (outer indices) when
/// one slice fits in `halfBlockElements` floats, else a few columns (inner
/// indices) of one slice at a time.
@usableFromInline
struct HalfBlocks {
    @usableFromInline let layout: AxisLayout
    @usableFromInline let slice: Int
    @usableFromInline let whole: Bool
    @usableFromInline let slicesPerBlock: Int
    @usableFromInline let columnsPerBlock: Int
    /// Floats of scratch one block needs.
    @usableFromInline let floats: Int

    @inlinable
    init(_ layout: AxisLayout) {
        self.layout = layout
        slice = layout.length &* layout.inner
        whole = slice <= halfBlockElements
        slicesPerBlock = Swift.max(1, halfBlockElements / Swift.max(slice, 1))
        columnsPerBlock = whole ? layout.inner : Swift.max(1, halfBlockElements / layout.length)
        floats = whole ? Swift.min(slicesPerBlock, layout.outer) &* slice : layout.length &* columnsPerBlock
    }

    /// Calls `body(o, j, k, c)` for each block: slices o..<o+k, columns
    /// j..<j+c (all of them, j = 0, when whole).
    @inlinable
    func forEachBlock(_ body: (Int, Int, Int, Int) -> Void) {
        var o = 0
        while o < layout.outer {
            if whole {
                let k = Swift.min(slicesPerBlock, layout.outer &- o)
                body(o, 0, k, layout.inner)
                o &+= k
                continue
            }
            var j = 0
            while j < layout.inner {
                let c = Swift.min(columnsPerBlock, layout.inner &- j)
                body(o, j, 1, c)
                j &+= c
            }
            o &+= 1
        }
    }

    /// The block's own layout (k slices of length x c).
    @inlinable
    func sub(_ k: Int, _ c: Int) -> AxisLayout {
        AxisLayout(k, layout.length, c, k &* layout.length &* c, k &* c)
    }

    /// Widens block (o, j, k, c) of `src` (the operation's layout) into `dst`.
    @inlinable
    func widen(_ format: HalfFormat, _ src: UnsafePointer<UInt16>, _ dst: UnsafeMutablePointer<Float>,
               _ o: Int, _ j: Int, _ k: Int, _ c: Int) {
        if whole { return widenHalves(format, src + o &* slice, dst, k &* slice) }
        var r = 0
        while r < layout.length {
            widenHalves(format, src + (o &* slice &+ j &+ r &* layout.inner), dst + r &* c, c)
            r &+= 1
        }
    }

    /// Narrows block (o, j, k, c) from `src` into `dst` (the layout's shape).
    @inlinable
    func narrow(_ format: HalfFormat, _ src: UnsafePointer<Float>, _ dst: UnsafeMutablePointer<UInt16>,
                _ o: Int, _ j: Int, _ k: Int, _ c: Int) {
        if whole { return narrowHalves(format, src, dst + o &* slice, k &* slice) }
        var r = 0
        while r < layout.length {
            narrowHalves(format, src + r &* c, dst + (o &* slice &+ j &+ r &* layout.inner), c)
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
    let outCount = op == .logSumExp ? layout.sliceCount : layout.count
    let input = Region(x, count: layout.count)
    let output = Region(y, count: outCount)
    if let e = input.refusal ?? output.refusal
        ?? output.checkOutput(against: input, allowSame: op != .logSumExp) { return e }
    guard outCount > 0, let y else { return nil }
    guard layout.length > 0, let x else {
        var i = 0
        while i < outCount { y[i] = halfNegativeInfinity(format); i &+= 1 }
        return nil
    }
    let blocks = HalfBlocks(layout)
    guard let raw = scratchAllocate(blocks.floats &* MemoryLayout<Float>.stride &* 2) else {
        return Refusal(.outOfMemory)
    }
    defer { scratchFree(raw) }
    let a = raw.bindMemory(to: Float.self, capacity: blocks.floats &* 2)
    let b = a + blocks.floats
    blocks.forEachBlock { o, j, k, c in
        blocks.widen(format, x, a, o, j, k, c)
        _ = checkedAxisForward(op, UnsafePointer(a), b, blocks.sub(k, c), temperature: temperature,
                               kernels: kernels)
        if op == .logSumExp {  // k x c values, at slice o, column j of the outer x inner result
            narrowHalves(format, UnsafePointer(b), y + (o &* layout.inner &+ j), k &* c)
        } else {
            blocks.narrow(format, UnsafePointer(b), y, o, j, k, c)
        }
    }
    return nil
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
    let block = Swift.min(count, halfBlockElements)
    guard let raw = scratchAllocate(block &* MemoryLayout<Float>.stride) else { return Refusal(.outOfMemory) }
    defer { scratchFree(raw) }
    let a = raw.bindMemory(to: Float.self, capacity: block)
    var i = 0
    while i < count {
        let n = Swift.min(block, count &- i)
        widenHalves(format, x + i, a, n)
        // The table's kernel on the block, on this thread: a block is at most
        // 2^18 elements (the library's threads take larger calls only).
        kernels.elementwise(op, UnsafePointer(a), a, n)
        narrowHalves(format, UnsafePointer(a), y + i, n)
        i &+= n
    }
    return nil
}

/// Gradient of softmax or log-softmax along an axis over 16-bit buffers:
/// `y` (the forward output) and `dy` widened a block at a time (the
/// forward's blocks), the float32 gradient, `dx` narrowed once; `dx` may be
/// `y` or `dy`. Rules and refusals as `checkedAxisBackward`.
@inlinable
package func checkedHalfAxisBackward(
    _ op: AxisBackwardOp, _ format: HalfFormat, _ y: UnsafePointer<UInt16>?, _ dy: UnsafePointer<UInt16>?,
    _ dx: UnsafeMutablePointer<UInt16>?, _ layout: AxisLayout, temperature: Float
) -> Refusal? {
    guard checkedTemperature(temperature) != nil else { return Refusal(.temperature) }
    if let e = gradientRefusal(y, dy, dx, count: layout.count) { return e }
    guard layout.count > 0, let y, let dy, let dx else { return nil }
    let blocks = HalfBlocks(layout)
    guard let raw = scratchAllocate(blocks.floats &* MemoryLayout<Float>.stride &* 2) else {
        return Refusal(.outOfMemory)
    }
    defer { scratchFree(raw) }
    let a = raw.bindMemory(to: Float.self, capacity: blocks.floats &* 2)
    let b = a + blocks.floats
    blocks.forEachBlock { o, j, k, c in
        blocks.widen(format, y, a, o, j, k, c)
        blocks.widen(format, dy, b, o, j, k, c)
        _ = checkedAxisBackward(op, UnsafePointer(a), UnsafePointer(b), a, blocks.sub(k, c), temperature: temperature)
        blocks.narrow(format, UnsafePointer(a), dx, o, j, k, c)
    }
    return nil
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
    let block = Swift.min(count, halfBlockElements)
    guard let raw = scratchAllocate(block &* MemoryLayout<Float>.stride &* 2) else { return Refusal(.outOfMemory) }
    defer { scratchFree(raw) }
    let a = raw.bindMemory(to: Float.self, capacity: block &* 2)
    let b = a + block
    var i = 0
    while i < count {
        let n = Swift.min(block, count &- i)
        widenHalves(format, y + i, a, n)
        widenHalves(format, dy + i, b, n)
        _ = checkedElementwiseBackward(op, UnsafePointer(a), UnsafePointer(b), a, count: n, kernels: kernels)
        narrowHalves(format, UnsafePointer(a), dx + i, n)
        i &+= n
    }
    return nil
}
