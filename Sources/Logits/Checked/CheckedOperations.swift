// The checked entry points: validate every argument, then run a kernel. The
// C export layer and the public Swift API both call these, so the rules in
// include/logits.h are implemented once. Each returns nil on success, or the
// Refusal that stopped it before anything was written.

/// softmax, log-softmax or logsumexp of `x / temperature` along an axis.
/// `y` has `layout.count` elements (`layout.sliceCount` for logsumexp).
/// Inlined, so that each caller's `op` is a constant (a tiny row then costs
/// little more than its arithmetic).
@inlinable @inline(__always)
package func checkedAxisForward<T: LogitsFloat>(
    _ op: AxisOp, _ x: UnsafePointer<T>?, _ y: UnsafeMutablePointer<T>?,
    _ layout: AxisLayout, temperature: T, kernels: KernelTable = .portable
) -> Refusal? {
    guard let t = checkedTemperature(temperature) else { return Refusal(.temperature) }
    if let e = axisForwardRefusal(op, x, y, layout) { return e }
    guard let x, let y, layout.count > 0 else {
        // Empty axis: softmax outputs are empty too; logsumexp is log(0).
        emptyAxisForward(op, y, layout, -T.infinity)
        return nil
    }
    axisForwardKernel(op, x, y, layout, as: layout, temperature: t, kernels: kernels)
    return nil
}

/// The kernels of a checked softmax-family call over `layout` (x and y
/// non-empty and validated), chosen as for a call over `whole`: a block of
/// a larger call (16-bit storage) takes the whole call's path, so its
/// results are the whole call's bit for bit.
@inlinable @inline(__always)
package func axisForwardKernel<T: LogitsFloat>(
    _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ layout: AxisLayout,
    as whole: AxisLayout, temperature t: Double, kernels: KernelTable
) {
    if whole.inner == 1 && whole.outer == 1 && whole.length < laneCount {
        // One copy per operation (shortRowsForward is inlined): a row this
        // short costs less than the dispatch around it.
        switch op {
        case .softmax: shortRowsForward(.softmax, x, y, 1, layout.length, t)
        case .logSoftmax: shortRowsForward(.logSoftmax, x, y, 1, layout.length, t)
        case .logSumExp: shortRowsForward(.logSumExp, x, y, 1, layout.length, t)
        }
    } else if whole.inner == 1 && (T.self == Float.self || t == 1) {
        parallelRows(kernels, op, x, y, layout.outer, layout.length, t)
    } else {
        parallelAxis(AxisJob(op, nil, x, nil, y, layout, t))
    }
}

/// The buffer checks of a softmax-family call (any element storage `S`):
/// `y` holds `layout.count` values (`layout.sliceCount` for logsumexp) and
/// is `x` (not for logsumexp) or apart from it.
@inlinable
package func axisForwardRefusal<S>(_ op: AxisOp, _ x: UnsafePointer<S>?, _ y: UnsafeMutablePointer<S>?,
                                   _ layout: AxisLayout) -> Refusal? {
    let outCount = op == .logSumExp ? layout.sliceCount : layout.count
    let input = Region(x, count: layout.count)
    let output = Region(y, count: outCount)
    return input.refusal ?? output.refusal ?? output.checkOutput(against: input, allowSame: op != .logSumExp)
}

/// The outputs of a checked call with no elements: none, or for logsumexp
/// over an empty axis `negativeInfinity` (log 0) per slice.
@inlinable
package func emptyAxisForward<S>(_ op: AxisOp, _ y: UnsafeMutablePointer<S>?, _ layout: AxisLayout,
                                 _ negativeInfinity: S) {
    guard op == .logSumExp, let y else { return }
    var i = 0
    while i < layout.sliceCount { y[i] = negativeInfinity; i &+= 1 }
}

/// Gradient of softmax or log-softmax along an axis; all three buffers have
/// `layout.count` elements and `dx` may equal `y` or `dy`.
@inlinable
package func checkedAxisBackward<T: LogitsFloat>(
    _ op: AxisBackwardOp, _ y: UnsafePointer<T>?, _ dy: UnsafePointer<T>?,
    _ dx: UnsafeMutablePointer<T>?, _ layout: AxisLayout, temperature: T
) -> Refusal? {
    guard let t = checkedTemperature(temperature) else { return Refusal(.temperature) }
    if let e = gradientRefusal(y, dy, dx, count: layout.count) { return e }
    guard layout.count > 0, let y, let dy, let dx else { return nil }
    parallelAxis(AxisJob(nil, op, y, dy, dx, layout, t))
    return nil
}

/// sigmoid, log-sigmoid or softplus of `count` elements; `y` may equal `x`.
@inlinable
package func checkedElementwise<T: LogitsFloat>(
    _ op: ElementwiseOp, _ x: UnsafePointer<T>?, _ y: UnsafeMutablePointer<T>?, count: Int,
    kernels: KernelTable = .portable
) -> Refusal? {
    let input = Region(x, count: count)
    let output = Region(y, count: count)
    if let e = input.refusal ?? output.refusal
        ?? output.checkOutput(against: input, allowSame: true) { return e }
    guard count > 0, let x, let y else { return nil }
    parallelElements(kernels, op, x, y, count)
    return nil
}

/// Gradient of an elementwise function from its output; `dx` may equal `y`
/// or `dy`.
@inlinable
package func checkedElementwiseBackward<T: LogitsFloat>(
    _ op: ElementwiseOp, _ y: UnsafePointer<T>?, _ dy: UnsafePointer<T>?,
    _ dx: UnsafeMutablePointer<T>?, count: Int, kernels: KernelTable = .portable
) -> Refusal? {
    if let e = gradientRefusal(y, dy, dx, count: count) { return e }
    guard count > 0, let y, let dy, let dx else { return nil }
    elementwiseBackwardKernel(op, y, dy, dx, count, kernels)
    return nil
}

/// The kernel of a checked elementwise gradient (count > 0).
@inlinable @inline(__always)
package func elementwiseBackwardKernel<T: LogitsFloat>(
    _ op: ElementwiseOp, _ y: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ count: Int,
    _ kernels: KernelTable
) {
    if op == .sigmoid {
        kernels.sigmoidBackward(y, dy, dx, count)
    } else {
        elementwiseBackward(op, y, dy, dx, count)
    }
}

/// The checks every gradient shares: `y`, `dy` and `dx` hold `count`
/// elements each, and `dx` is `y`, `dy` or apart from both.
@inlinable
package func gradientRefusal<T>(
    _ y: UnsafePointer<T>?, _ dy: UnsafePointer<T>?, _ dx: UnsafeMutablePointer<T>?, count: Int
) -> Refusal? {
    let yr = Region(y, count: count)
    let dyr = Region(dy, count: count)
    let dxr = Region(dx, count: count)
    return yr.refusal ?? dyr.refusal ?? dxr.refusal
        ?? dxr.checkOutput(against: yr, allowSame: true)
        ?? dxr.checkOutput(against: dyr, allowSame: true)
}
