import CLogits
import Logits

// Softmax family and elementwise functions, float32 and float64. See StatusExports.swift.

@c @implementation
public func logits_softmax_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.softmax, x, y, layout, temperature: 1, kernels: cpuKernels())
    }
}

@c @implementation
public func logits_softmax_axis_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float
) -> logits_status {
    withLayout(outer, axisLen, inner) { layout in
        checkedAxisForward(.softmax, x, y, layout, temperature: temperature, kernels: cpuKernels())
    }
}

@c @implementation
public func logits_log_softmax_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.logSoftmax, x, y, layout, temperature: 1, kernels: cpuKernels())
    }
}

@c @implementation
public func logits_log_softmax_axis_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float
) -> logits_status {
    withLayout(outer, axisLen, inner) { layout in
        checkedAxisForward(.logSoftmax, x, y, layout, temperature: temperature, kernels: cpuKernels())
    }
}

@c @implementation
public func logits_logsumexp_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.logSumExp, x, y, layout, temperature: 1, kernels: cpuKernels())
    }
}

@c @implementation
public func logits_logsumexp_axis_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float
) -> logits_status {
    withLayout(outer, axisLen, inner) { layout in
        checkedAxisForward(.logSumExp, x, y, layout, temperature: temperature, kernels: cpuKernels())
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
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float
) -> logits_status {
    withLayout(outer, axisLen, inner) { layout in
        checkedAxisBackward(.softmax, y, dy, dx, layout, temperature: temperature)
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
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float
) -> logits_status {
    withLayout(outer, axisLen, inner) { layout in
        checkedAxisBackward(.logSoftmax, y, dy, dx, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_sigmoid_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int
) -> logits_status {
    status(checkedElementwise(.sigmoid, x, y, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_sigmoid_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int
) -> logits_status {
    status(checkedElementwiseBackward(.sigmoid, y, dy, dx, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_log_sigmoid_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int
) -> logits_status {
    status(checkedElementwise(.logSigmoid, x, y, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_log_sigmoid_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int
) -> logits_status {
    status(checkedElementwiseBackward(.logSigmoid, y, dy, dx, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_softplus_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int
) -> logits_status {
    status(checkedElementwise(.softplus, x, y, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_softplus_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int
) -> logits_status {
    status(checkedElementwiseBackward(.softplus, y, dy, dx, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_softmax_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.softmax, x, y, layout, temperature: 1, kernels: cpuKernels())
    }
}

@c @implementation
public func logits_softmax_axis_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double
) -> logits_status {
    withLayout(outer, axisLen, inner) { layout in
        checkedAxisForward(.softmax, x, y, layout, temperature: temperature, kernels: cpuKernels())
    }
}

@c @implementation
public func logits_log_softmax_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.logSoftmax, x, y, layout, temperature: 1, kernels: cpuKernels())
    }
}

@c @implementation
public func logits_log_softmax_axis_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double
) -> logits_status {
    withLayout(outer, axisLen, inner) { layout in
        checkedAxisForward(.logSoftmax, x, y, layout, temperature: temperature, kernels: cpuKernels())
    }
}

@c @implementation
public func logits_logsumexp_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ rows: Int, _ cols: Int
) -> logits_status {
    withLayout(rows, cols, 1) { layout in
        checkedAxisForward(.logSumExp, x, y, layout, temperature: 1, kernels: cpuKernels())
    }
}

@c @implementation
public func logits_logsumexp_axis_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double
) -> logits_status {
    withLayout(outer, axisLen, inner) { layout in
        checkedAxisForward(.logSumExp, x, y, layout, temperature: temperature, kernels: cpuKernels())
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
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double
) -> logits_status {
    withLayout(outer, axisLen, inner) { layout in
        checkedAxisBackward(.softmax, y, dy, dx, layout, temperature: temperature)
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
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double
) -> logits_status {
    withLayout(outer, axisLen, inner) { layout in
        checkedAxisBackward(.logSoftmax, y, dy, dx, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_sigmoid_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int
) -> logits_status {
    status(checkedElementwise(.sigmoid, x, y, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_sigmoid_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int
) -> logits_status {
    status(checkedElementwiseBackward(.sigmoid, y, dy, dx, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_log_sigmoid_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int
) -> logits_status {
    status(checkedElementwise(.logSigmoid, x, y, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_log_sigmoid_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int
) -> logits_status {
    status(checkedElementwiseBackward(.logSigmoid, y, dy, dx, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_softplus_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int
) -> logits_status {
    status(checkedElementwise(.softplus, x, y, count: count, kernels: cpuKernels()))
}

@c @implementation
public func logits_softplus_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int
) -> logits_status {
    status(checkedElementwiseBackward(.softplus, y, dy, dx, count: count, kernels: cpuKernels()))
}
