import CLogits
import Logits

// The softmax family and the elementwise functions over 16-bit storage
// (float16 and bfloat16, issue 15): each export checks its arguments as the
// float32 export does, then runs the 16-bit block driver
// (CheckedHalfOperations.swift) with the kernels of the precision chosen.
// See StatusExports.swift.

/// softmax, log-softmax or logsumexp of 16-bit storage along an axis.
@inline(__always)
func halfAxisForward(
    _ op: AxisOp, _ format: HalfFormat, _ x: UnsafePointer<UInt16>?, _ y: UnsafeMutablePointer<UInt16>?,
    _ outer: Int, _ length: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in
        withLayout(outer, length, inner) { layout in
            checkedHalfAxisForward(op, format, x, y, layout, temperature: temperature, kernels: table)
        }
    }
}

/// The gradient of softmax or log-softmax over 16-bit storage (the same in
/// both precisions: the choice is checked, the table converts).
@inline(__always)
func halfAxisBackward(
    _ op: AxisBackwardOp, _ format: HalfFormat, _ y: UnsafePointer<UInt16>?, _ dy: UnsafePointer<UInt16>?,
    _ dx: UnsafeMutablePointer<UInt16>?, _ outer: Int, _ length: Int, _ inner: Int, _ temperature: Float,
    _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in
        withLayout(outer, length, inner) { layout in
            checkedHalfAxisBackward(op, format, y, dy, dx, layout, temperature: temperature, kernels: table)
        }
    }
}

/// sigmoid, log-sigmoid or softplus over 16-bit storage.
@inline(__always)
func halfElementwise(
    _ op: ElementwiseOp, _ format: HalfFormat, _ x: UnsafePointer<UInt16>?, _ y: UnsafeMutablePointer<UInt16>?,
    _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in
        status(checkedHalfElementwise(op, format, x, y, count: count, kernels: table))
    }
}

/// The gradient of an elementwise function over 16-bit storage.
@inline(__always)
func halfElementwiseBackward(
    _ op: ElementwiseOp, _ format: HalfFormat, _ y: UnsafePointer<UInt16>?, _ dy: UnsafePointer<UInt16>?,
    _ dx: UnsafeMutablePointer<UInt16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in
        status(checkedHalfElementwiseBackward(op, format, y, dy, dx, count: count, kernels: table))
    }
}

@c @implementation
public func logits_softmax_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?, _ rows: Int, _ cols: Int
) -> logits_status {
    halfAxisForward(.softmax, .f16, x, y, rows, cols, 1, 1, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softmax_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?, _ rows: Int, _ cols: Int
) -> logits_status {
    halfAxisForward(.softmax, .bf16, x, y, rows, cols, 1, 1, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softmax_axis_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    halfAxisForward(.softmax, .f16, x, y, outer, axisLen, inner, temperature, precision)
}

@c @implementation
public func logits_softmax_axis_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    halfAxisForward(.softmax, .bf16, x, y, outer, axisLen, inner, temperature, precision)
}

@c @implementation
public func logits_log_softmax_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?, _ rows: Int, _ cols: Int
) -> logits_status {
    halfAxisForward(.logSoftmax, .f16, x, y, rows, cols, 1, 1, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_softmax_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?, _ rows: Int, _ cols: Int
) -> logits_status {
    halfAxisForward(.logSoftmax, .bf16, x, y, rows, cols, 1, 1, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_softmax_axis_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    halfAxisForward(.logSoftmax, .f16, x, y, outer, axisLen, inner, temperature, precision)
}

@c @implementation
public func logits_log_softmax_axis_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    halfAxisForward(.logSoftmax, .bf16, x, y, outer, axisLen, inner, temperature, precision)
}

@c @implementation
public func logits_logsumexp_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?, _ rows: Int, _ cols: Int
) -> logits_status {
    halfAxisForward(.logSumExp, .f16, x, y, rows, cols, 1, 1, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_logsumexp_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?, _ rows: Int, _ cols: Int
) -> logits_status {
    halfAxisForward(.logSumExp, .bf16, x, y, rows, cols, 1, 1, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_logsumexp_axis_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    halfAxisForward(.logSumExp, .f16, x, y, outer, axisLen, inner, temperature, precision)
}

@c @implementation
public func logits_logsumexp_axis_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    halfAxisForward(.logSumExp, .bf16, x, y, outer, axisLen, inner, temperature, precision)
}

@c @implementation
public func logits_softmax_backward_f16(
    _ y: UnsafePointer<logits_f16>?, _ dy: UnsafePointer<logits_f16>?, _ dx: UnsafeMutablePointer<logits_f16>?, _ rows: Int, _ cols: Int
) -> logits_status {
    halfAxisBackward(.softmax, .f16, y, dy, dx, rows, cols, 1, 1, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softmax_backward_bf16(
    _ y: UnsafePointer<logits_bf16>?, _ dy: UnsafePointer<logits_bf16>?, _ dx: UnsafeMutablePointer<logits_bf16>?, _ rows: Int, _ cols: Int
) -> logits_status {
    halfAxisBackward(.softmax, .bf16, y, dy, dx, rows, cols, 1, 1, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softmax_backward_axis_f16(
    _ y: UnsafePointer<logits_f16>?, _ dy: UnsafePointer<logits_f16>?, _ dx: UnsafeMutablePointer<logits_f16>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    halfAxisBackward(.softmax, .f16, y, dy, dx, outer, axisLen, inner, temperature, precision)
}

@c @implementation
public func logits_softmax_backward_axis_bf16(
    _ y: UnsafePointer<logits_bf16>?, _ dy: UnsafePointer<logits_bf16>?, _ dx: UnsafeMutablePointer<logits_bf16>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    halfAxisBackward(.softmax, .bf16, y, dy, dx, outer, axisLen, inner, temperature, precision)
}

@c @implementation
public func logits_log_softmax_backward_f16(
    _ y: UnsafePointer<logits_f16>?, _ dy: UnsafePointer<logits_f16>?, _ dx: UnsafeMutablePointer<logits_f16>?, _ rows: Int, _ cols: Int
) -> logits_status {
    halfAxisBackward(.logSoftmax, .f16, y, dy, dx, rows, cols, 1, 1, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_softmax_backward_bf16(
    _ y: UnsafePointer<logits_bf16>?, _ dy: UnsafePointer<logits_bf16>?, _ dx: UnsafeMutablePointer<logits_bf16>?, _ rows: Int, _ cols: Int
) -> logits_status {
    halfAxisBackward(.logSoftmax, .bf16, y, dy, dx, rows, cols, 1, 1, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_softmax_backward_axis_f16(
    _ y: UnsafePointer<logits_f16>?, _ dy: UnsafePointer<logits_f16>?, _ dx: UnsafeMutablePointer<logits_f16>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    halfAxisBackward(.logSoftmax, .f16, y, dy, dx, outer, axisLen, inner, temperature, precision)
}

@c @implementation
public func logits_log_softmax_backward_axis_bf16(
    _ y: UnsafePointer<logits_bf16>?, _ dy: UnsafePointer<logits_bf16>?, _ dx: UnsafeMutablePointer<logits_bf16>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float, _ precision: logits_precision
) -> logits_status {
    halfAxisBackward(.logSoftmax, .bf16, y, dy, dx, outer, axisLen, inner, temperature, precision)
}

@c @implementation
public func logits_sigmoid_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?, _ count: Int
) -> logits_status {
    halfElementwise(.sigmoid, .f16, x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_sigmoid_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?, _ count: Int
) -> logits_status {
    halfElementwise(.sigmoid, .bf16, x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_sigmoid_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?, _ count: Int
) -> logits_status {
    halfElementwise(.logSigmoid, .f16, x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_sigmoid_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?, _ count: Int
) -> logits_status {
    halfElementwise(.logSigmoid, .bf16, x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softplus_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?, _ count: Int
) -> logits_status {
    halfElementwise(.softplus, .f16, x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softplus_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?, _ count: Int
) -> logits_status {
    halfElementwise(.softplus, .bf16, x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_sigmoid_backward_f16(
    _ y: UnsafePointer<logits_f16>?, _ dy: UnsafePointer<logits_f16>?, _ dx: UnsafeMutablePointer<logits_f16>?, _ count: Int
) -> logits_status {
    halfElementwiseBackward(.sigmoid, .f16, y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_sigmoid_backward_bf16(
    _ y: UnsafePointer<logits_bf16>?, _ dy: UnsafePointer<logits_bf16>?, _ dx: UnsafeMutablePointer<logits_bf16>?, _ count: Int
) -> logits_status {
    halfElementwiseBackward(.sigmoid, .bf16, y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_sigmoid_backward_f16(
    _ y: UnsafePointer<logits_f16>?, _ dy: UnsafePointer<logits_f16>?, _ dx: UnsafeMutablePointer<logits_f16>?, _ count: Int
) -> logits_status {
    halfElementwiseBackward(.logSigmoid, .f16, y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_sigmoid_backward_bf16(
    _ y: UnsafePointer<logits_bf16>?, _ dy: UnsafePointer<logits_bf16>?, _ dx: UnsafeMutablePointer<logits_bf16>?, _ count: Int
) -> logits_status {
    halfElementwiseBackward(.logSigmoid, .bf16, y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softplus_backward_f16(
    _ y: UnsafePointer<logits_f16>?, _ dy: UnsafePointer<logits_f16>?, _ dx: UnsafeMutablePointer<logits_f16>?, _ count: Int
) -> logits_status {
    halfElementwiseBackward(.softplus, .f16, y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softplus_backward_bf16(
    _ y: UnsafePointer<logits_bf16>?, _ dy: UnsafePointer<logits_bf16>?, _ dx: UnsafeMutablePointer<logits_bf16>?, _ count: Int
) -> logits_status {
    halfElementwiseBackward(.softplus, .bf16, y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_sigmoid_ex_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwise(.sigmoid, .f16, x, y, count, precision)
}

@c @implementation
public func logits_sigmoid_ex_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwise(.sigmoid, .bf16, x, y, count, precision)
}

@c @implementation
public func logits_log_sigmoid_ex_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwise(.logSigmoid, .f16, x, y, count, precision)
}

@c @implementation
public func logits_log_sigmoid_ex_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwise(.logSigmoid, .bf16, x, y, count, precision)
}

@c @implementation
public func logits_softplus_ex_f16(
    _ x: UnsafePointer<logits_f16>?, _ y: UnsafeMutablePointer<logits_f16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwise(.softplus, .f16, x, y, count, precision)
}

@c @implementation
public func logits_softplus_ex_bf16(
    _ x: UnsafePointer<logits_bf16>?, _ y: UnsafeMutablePointer<logits_bf16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwise(.softplus, .bf16, x, y, count, precision)
}

@c @implementation
public func logits_sigmoid_backward_ex_f16(
    _ y: UnsafePointer<logits_f16>?, _ dy: UnsafePointer<logits_f16>?, _ dx: UnsafeMutablePointer<logits_f16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwiseBackward(.sigmoid, .f16, y, dy, dx, count, precision)
}

@c @implementation
public func logits_sigmoid_backward_ex_bf16(
    _ y: UnsafePointer<logits_bf16>?, _ dy: UnsafePointer<logits_bf16>?, _ dx: UnsafeMutablePointer<logits_bf16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwiseBackward(.sigmoid, .bf16, y, dy, dx, count, precision)
}

@c @implementation
public func logits_log_sigmoid_backward_ex_f16(
    _ y: UnsafePointer<logits_f16>?, _ dy: UnsafePointer<logits_f16>?, _ dx: UnsafeMutablePointer<logits_f16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwiseBackward(.logSigmoid, .f16, y, dy, dx, count, precision)
}

@c @implementation
public func logits_log_sigmoid_backward_ex_bf16(
    _ y: UnsafePointer<logits_bf16>?, _ dy: UnsafePointer<logits_bf16>?, _ dx: UnsafeMutablePointer<logits_bf16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwiseBackward(.logSigmoid, .bf16, y, dy, dx, count, precision)
}

@c @implementation
public func logits_softplus_backward_ex_f16(
    _ y: UnsafePointer<logits_f16>?, _ dy: UnsafePointer<logits_f16>?, _ dx: UnsafeMutablePointer<logits_f16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwiseBackward(.softplus, .f16, y, dy, dx, count, precision)
}

@c @implementation
public func logits_softplus_backward_ex_bf16(
    _ y: UnsafePointer<logits_bf16>?, _ dy: UnsafePointer<logits_bf16>?, _ dx: UnsafeMutablePointer<logits_bf16>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    halfElementwiseBackward(.softplus, .bf16, y, dy, dx, count, precision)
}
