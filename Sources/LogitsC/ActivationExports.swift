import CLogits
import Logits

// Softmax family and elementwise functions, float32 and float64. See StatusExports.swift.

@c @implementation
public func logits_softmax_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.softmax, x, y, layout, temperature: 1, kernels: defaultKernels())
    }
}

@c @implementation
public func logits_softmax_axis_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float,
    _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in
        withLayout(outer, axisLen, inner) { layout in
            checkedAxisForward(.softmax, x, y, layout, temperature: temperature, kernels: table)
        }
    }
}

@c @implementation
public func logits_log_softmax_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.logSoftmax, x, y, layout, temperature: 1, kernels: defaultKernels())
    }
}

@c @implementation
public func logits_log_softmax_axis_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float,
    _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in
        withLayout(outer, axisLen, inner) { layout in
            checkedAxisForward(.logSoftmax, x, y, layout, temperature: temperature, kernels: table)
        }
    }
}

@c @implementation
public func logits_logsumexp_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.logSumExp, x, y, layout, temperature: 1, kernels: defaultKernels())
    }
}

@c @implementation
public func logits_logsumexp_axis_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float,
    _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in
        withLayout(outer, axisLen, inner) { layout in
            checkedAxisForward(.logSumExp, x, y, layout, temperature: temperature, kernels: table)
        }
    }
}

@c @implementation
public func logits_softmax_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisBackward(.softmax, y, dy, dx, layout, temperature: 1)
    }
}

@c @implementation
public func logits_softmax_backward_axis_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float,
    _ precision: logits_precision
) -> logits_status {
    // The gradients are the same in both precisions: the choice is checked only.
    withKernels(precision) { _ in
        withLayout(outer, axisLen, inner) { layout in
            checkedAxisBackward(.softmax, y, dy, dx, layout, temperature: temperature)
        }
    }
}

@c @implementation
public func logits_log_softmax_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisBackward(.logSoftmax, y, dy, dx, layout, temperature: 1)
    }
}

@c @implementation
public func logits_log_softmax_backward_axis_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float,
    _ precision: logits_precision
) -> logits_status {
    // The gradients are the same in both precisions: the choice is checked only.
    withKernels(precision) { _ in
        withLayout(outer, axisLen, inner) { layout in
            checkedAxisBackward(.logSoftmax, y, dy, dx, layout, temperature: temperature)
        }
    }
}

@c @implementation
public func logits_sigmoid_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int
) -> logits_status {
    logits_sigmoid_ex_f32(x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_sigmoid_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int
) -> logits_status {
    logits_sigmoid_backward_ex_f32(y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_sigmoid_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int
) -> logits_status {
    logits_log_sigmoid_ex_f32(x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_sigmoid_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int
) -> logits_status {
    logits_log_sigmoid_backward_ex_f32(y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softplus_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int
) -> logits_status {
    logits_softplus_ex_f32(x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softplus_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int
) -> logits_status {
    logits_softplus_backward_ex_f32(y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softmax_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.softmax, x, y, layout, temperature: 1, kernels: defaultKernels())
    }
}

@c @implementation
public func logits_softmax_axis_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double,
    _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in
        withLayout(outer, axisLen, inner) { layout in
            checkedAxisForward(.softmax, x, y, layout, temperature: temperature, kernels: table)
        }
    }
}

@c @implementation
public func logits_log_softmax_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.logSoftmax, x, y, layout, temperature: 1, kernels: defaultKernels())
    }
}

@c @implementation
public func logits_log_softmax_axis_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double,
    _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in
        withLayout(outer, axisLen, inner) { layout in
            checkedAxisForward(.logSoftmax, x, y, layout, temperature: temperature, kernels: table)
        }
    }
}

@c @implementation
public func logits_logsumexp_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.logSumExp, x, y, layout, temperature: 1, kernels: defaultKernels())
    }
}

@c @implementation
public func logits_logsumexp_axis_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double,
    _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in
        withLayout(outer, axisLen, inner) { layout in
            checkedAxisForward(.logSumExp, x, y, layout, temperature: temperature, kernels: table)
        }
    }
}

@c @implementation
public func logits_softmax_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisBackward(.softmax, y, dy, dx, layout, temperature: 1)
    }
}

@c @implementation
public func logits_softmax_backward_axis_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double,
    _ precision: logits_precision
) -> logits_status {
    // The gradients are the same in both precisions: the choice is checked only.
    withKernels(precision) { _ in
        withLayout(outer, axisLen, inner) { layout in
            checkedAxisBackward(.softmax, y, dy, dx, layout, temperature: temperature)
        }
    }
}

@c @implementation
public func logits_log_softmax_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisBackward(.logSoftmax, y, dy, dx, layout, temperature: 1)
    }
}

@c @implementation
public func logits_log_softmax_backward_axis_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double,
    _ precision: logits_precision
) -> logits_status {
    // The gradients are the same in both precisions: the choice is checked only.
    withKernels(precision) { _ in
        withLayout(outer, axisLen, inner) { layout in
            checkedAxisBackward(.logSoftmax, y, dy, dx, layout, temperature: temperature)
        }
    }
}

@c @implementation
public func logits_sigmoid_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int
) -> logits_status {
    logits_sigmoid_ex_f64(x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_sigmoid_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int
) -> logits_status {
    logits_sigmoid_backward_ex_f64(y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_sigmoid_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int
) -> logits_status {
    logits_log_sigmoid_ex_f64(x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_log_sigmoid_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int
) -> logits_status {
    logits_log_sigmoid_backward_ex_f64(y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softplus_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int
) -> logits_status {
    logits_softplus_ex_f64(x, y, count, LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_softplus_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int
) -> logits_status {
    logits_softplus_backward_ex_f64(y, dy, dx, count, LOGITS_PRECISION_DEFAULT)
}

// The elementwise functions with a per-call precision (the plain names above
// are these with LOGITS_PRECISION_DEFAULT).

@c @implementation
public func logits_sigmoid_ex_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwise(.sigmoid, x, y, count: count, kernels: table)) }
}

@c @implementation
public func logits_sigmoid_backward_ex_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwiseBackward(.sigmoid, y, dy, dx, count: count, kernels: table)) }
}

@c @implementation
public func logits_log_sigmoid_ex_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwise(.logSigmoid, x, y, count: count, kernels: table)) }
}

@c @implementation
public func logits_log_sigmoid_backward_ex_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwiseBackward(.logSigmoid, y, dy, dx, count: count, kernels: table)) }
}

@c @implementation
public func logits_softplus_ex_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwise(.softplus, x, y, count: count, kernels: table)) }
}

@c @implementation
public func logits_softplus_backward_ex_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwiseBackward(.softplus, y, dy, dx, count: count, kernels: table)) }
}

@c @implementation
public func logits_sigmoid_ex_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwise(.sigmoid, x, y, count: count, kernels: table)) }
}

@c @implementation
public func logits_sigmoid_backward_ex_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwiseBackward(.sigmoid, y, dy, dx, count: count, kernels: table)) }
}

@c @implementation
public func logits_log_sigmoid_ex_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwise(.logSigmoid, x, y, count: count, kernels: table)) }
}

@c @implementation
public func logits_log_sigmoid_backward_ex_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwiseBackward(.logSigmoid, y, dy, dx, count: count, kernels: table)) }
}

@c @implementation
public func logits_softplus_ex_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwise(.softplus, x, y, count: count, kernels: table)) }
}

@c @implementation
public func logits_softplus_backward_ex_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int, _ precision: logits_precision
) -> logits_status {
    withKernels(precision) { table in status(checkedElementwiseBackward(.softplus, y, dy, dx, count: count, kernels: table)) }
}
