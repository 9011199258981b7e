// The checked entry points: validate every argument, then run a kernel. The
// C export layer and the public Swift API both call these, so the rules in
// include/logits.h are implemented once.

/// softmax, log-softmax or logsumexp of `x / temperature` along an axis.
/// `y` has `layout.count` elements (`layout.sliceCount` for logsumexp).
@inlinable
package func checkedAxisForward<T: LogitsFloat>(
    _ op: AxisOp, _ x: UnsafePointer<T>?, _ y: UnsafeMutablePointer<T>?,
    _ layout: AxisLayout, temperature: T
) throws(LogitsError) {
    let t = try checkedTemperature(temperature)
    let outCount = op == .logSumExp ? layout.sliceCount : layout.count
    let input = try Region(x, count: layout.count)
    let output = try Region(y, count: outCount)
    try output.checkOutput(against: input, allowSame: op != .logSumExp)
    guard outCount > 0, let y else { return }
    guard layout.length > 0, let x else {
        // Empty axis: softmax outputs are empty too; logsumexp is log(0).
        var i = 0
        while i < outCount { y[i] = -.infinity; i &+= 1 }
        return
    }
    axisForward(op, x, y, layout, t)
}

/// Gradient of softmax or log-softmax along an axis; all three buffers have
/// `layout.count` elements and `dx` may equal `y` or `dy`.
@inlinable
package func checkedAxisBackward<T: LogitsFloat>(
    _ op: AxisBackwardOp, _ y: UnsafePointer<T>?, _ dy: UnsafePointer<T>?,
    _ dx: UnsafeMutablePointer<T>?, _ layout: AxisLayout, temperature: T
) throws(LogitsError) {
    let t = try checkedTemperature(temperature)
    let yr = try Region(y, count: layout.count)
    let dyr = try Region(dy, count: layout.count)
    let dxr = try Region(dx, count: layout.count)
    try dxr.checkOutput(against: yr, allowSame: true)
    try dxr.checkOutput(against: dyr, allowSame: true)
    guard layout.count > 0, let y, let dy, let dx else { return }
    axisBackward(op, y, dy, dx, layout, t)
}

/// sigmoid, log-sigmoid or softplus of `count` elements; `y` may equal `x`.
@inlinable
package func checkedElementwise<T: LogitsFloat>(
    _ op: ElementwiseOp, _ x: UnsafePointer<T>?, _ y: UnsafeMutablePointer<T>?, count: Int
) throws(LogitsError) {
    let input = try Region(x, count: count)
    let output = try Region(y, count: count)
    try output.checkOutput(against: input, allowSame: true)
    guard count > 0, let x, let y else { return }
    elementwiseForward(op, x, y, count)
}

/// Gradient of an elementwise function from its output; `dx` may equal `y`
/// or `dy`.
@inlinable
package func checkedElementwiseBackward<T: LogitsFloat>(
    _ op: ElementwiseOp, _ y: UnsafePointer<T>?, _ dy: UnsafePointer<T>?,
    _ dx: UnsafeMutablePointer<T>?, count: Int
) throws(LogitsError) {
    let yr = try Region(y, count: count)
    let dyr = try Region(dy, count: count)
    let dxr = try Region(dx, count: count)
    try dxr.checkOutput(against: yr, allowSame: true)
    try dxr.checkOutput(against: dyr, allowSame: true)
    guard count > 0, let y, let dy, let dx else { return }
    elementwiseBackward(op, y, dy, dx, count)
}
