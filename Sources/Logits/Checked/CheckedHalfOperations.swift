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
    // A block: whole slices (outer indices) when one slice fits, else one
    // slice's columns (inner indices) a few at a time.
    let slice = layout.length &* layout.inner
    let slicesPerBlock = Swift.max(1, halfBlockElements / Swift.max(slice, 1))
    let columnsPerBlock = slice <= halfBlockElements
        ? layout.inner : Swift.max(1, halfBlockElements / layout.length)
    let blockFloats = slice <= halfBlockElements
        ? Swift.min(slicesPerBlock, layout.outer) &* slice : layout.length &* columnsPerBlock
    guard let raw = scratchAllocate(blockFloats &* MemoryLayout<Float>.stride &* 2) else {
        return Refusal(.outOfMemory)
    }
    defer { scratchFree(raw) }
    let a = raw.bindMemory(to: Float.self, capacity: blockFloats &* 2)
    let b = a + blockFloats
    if slice <= halfBlockElements {
        var o = 0
        while o < layout.outer {
            let k = Swift.min(slicesPerBlock, layout.outer &- o)
            let sub = AxisLayout(k, layout.length, layout.inner, k &* slice, k &* layout.inner)
            widenHalves(format, x + o &* slice, a, k &* slice)
            _ = checkedAxisForward(op, UnsafePointer(a), b, sub, temperature: temperature, kernels: kernels)
            let outPer = op == .logSumExp ? layout.inner : slice
            narrowHalves(format, UnsafePointer(b), y + o &* outPer, k &* outPer)
            o &+= k
        }
        return nil
    }
    // Long slices: gather columns [j, j + c) of slice o, length x c floats.
    var o = 0
    while o < layout.outer {
        var j = 0
        while j < layout.inner {
            let c = Swift.min(columnsPerBlock, layout.inner &- j)
            let base = o &* slice &+ j
            var r = 0
            while r < layout.length {
                widenHalves(format, x + (base &+ r &* layout.inner), a + r &* c, c)
                r &+= 1
            }
            let sub = AxisLayout(1, layout.length, c, layout.length &* c, c)
            _ = checkedAxisForward(op, UnsafePointer(a), b, sub, temperature: temperature, kernels: kernels)
            if op == .logSumExp {
                narrowHalves(format, UnsafePointer(b), y + (o &* layout.inner &+ j), c)
            } else {
                r = 0
                while r < layout.length {
                    narrowHalves(format, UnsafePointer(b + r &* c), y + (base &+ r &* layout.inner), c)
                    r &+= 1
                }
            }
            j &+= c
        }
        o &+= 1
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
    let yr = Region(y, count: layout.count)
    let dyr = Region(dy, count: layout.count)
    let dxr = Region(dx, count: layout.count)
    if let e = yr.refusal ?? dyr.refusal ?? dxr.refusal
        ?? dxr.checkOutput(against: yr, allowSame: true)
        ?? dxr.checkOutput(against: dyr, allowSame: true) { return e }
    guard layout.count > 0, let y, let dy, let dx else { return nil }
    let slice = layout.length &* layout.inner
    let wholeSlices = slice <= halfBlockElements
    let slicesPerBlock = Swift.max(1, halfBlockElements / Swift.max(slice, 1))
    let columnsPerBlock = wholeSlices ? layout.inner : Swift.max(1, halfBlockElements / layout.length)
    let blockFloats = wholeSlices
        ? Swift.min(slicesPerBlock, layout.outer) &* slice : layout.length &* columnsPerBlock
    guard let raw = scratchAllocate(blockFloats &* MemoryLayout<Float>.stride &* 2) else {
        return Refusal(.outOfMemory)
    }
    defer { scratchFree(raw) }
    let a = raw.bindMemory(to: Float.self, capacity: blockFloats &* 2)
    let b = a + blockFloats
    var o = 0
    while o < layout.outer {
        if wholeSlices {
            let k = Swift.min(slicesPerBlock, layout.outer &- o)
            let n = k &* slice
            widenHalves(format, y + o &* slice, a, n)
            widenHalves(format, dy + o &* slice, b, n)
            let sub = AxisLayout(k, layout.length, layout.inner, n, k &* layout.inner)
            _ = checkedAxisBackward(op, UnsafePointer(a), UnsafePointer(b), a, sub, temperature: temperature)
            narrowHalves(format, UnsafePointer(a), dx + o &* slice, n)
            o &+= k
            continue
        }
        var j = 0
        while j < layout.inner {
            let c = Swift.min(columnsPerBlock, layout.inner &- j)
            let base = o &* slice &+ j
            var r = 0
            while r < layout.length {
                widenHalves(format, y + (base &+ r &* layout.inner), a + r &* c, c)
                widenHalves(format, dy + (base &+ r &* layout.inner), b + r &* c, c)
                r &+= 1
            }
            let sub = AxisLayout(1, layout.length, c, layout.length &* c, c)
            _ = checkedAxisBackward(op, UnsafePointer(a), UnsafePointer(b), a, sub, temperature: temperature)
            r = 0
            while r < layout.length {
                narrowHalves(format, UnsafePointer(a + r &* c), dx + (base &+ r &* layout.inner), c)
                r &+= 1
            }
            j &+= c
        }
        o &+= 1
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
    let yr = Region(y, count: count)
    let dyr = Region(dy, count: count)
    let dxr = Region(dx, count: count)
    if let e = yr.refusal ?? dyr.refusal ?? dxr.refusal
        ?? dxr.checkOutput(against: yr, allowSame: true)
        ?? dxr.checkOutput(against: dyr, allowSame: true) { return e }
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
