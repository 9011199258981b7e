import CLogits
import Logits

// Softmax family and elementwise functions, float32 and float64. See Status.swift.

@c @implementation
public func logits_softmax_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ rows: Int, _ cols: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedAxisForward(.softmax, x, y, AxisLayout(rows: rows, cols: cols), temperature: 1)
    }
}

@c @implementation
public func logits_softmax_axis_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float
) -> logits_status {
    status { () throws(LogitsError) in
        let layout = try AxisLayout(outer: outer, length: axisLen, inner: inner)
        try checkedAxisForward(.softmax, x, y, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_log_softmax_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ rows: Int, _ cols: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedAxisForward(.logSoftmax, x, y, AxisLayout(rows: rows, cols: cols), temperature: 1)
    }
}

@c @implementation
public func logits_log_softmax_axis_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float
) -> logits_status {
    status { () throws(LogitsError) in
        let layout = try AxisLayout(outer: outer, length: axisLen, inner: inner)
        try checkedAxisForward(.logSoftmax, x, y, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_logsumexp_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ rows: Int, _ cols: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedAxisForward(.logSumExp, x, y, AxisLayout(rows: rows, cols: cols), temperature: 1)
    }
}

@c @implementation
public func logits_logsumexp_axis_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float
) -> logits_status {
    status { () throws(LogitsError) in
        let layout = try AxisLayout(outer: outer, length: axisLen, inner: inner)
        try checkedAxisForward(.logSumExp, x, y, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_softmax_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ rows: Int, _ cols: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedAxisBackward(.softmax, y, dy, dx, AxisLayout(rows: rows, cols: cols), temperature: 1)
    }
}

@c @implementation
public func logits_softmax_backward_axis_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float
) -> logits_status {
    status { () throws(LogitsError) in
        let layout = try AxisLayout(outer: outer, length: axisLen, inner: inner)
        try checkedAxisBackward(.softmax, y, dy, dx, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_log_softmax_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ rows: Int, _ cols: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedAxisBackward(.logSoftmax, y, dy, dx, AxisLayout(rows: rows, cols: cols), temperature: 1)
    }
}

@c @implementation
public func logits_log_softmax_backward_axis_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Float
) -> logits_status {
    status { () throws(LogitsError) in
        let layout = try AxisLayout(outer: outer, length: axisLen, inner: inner)
        try checkedAxisBackward(.logSoftmax, y, dy, dx, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_sigmoid_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in try checkedElementwise(.sigmoid, x, y, count: count) }
}

@c @implementation
public func logits_sigmoid_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedElementwiseBackward(.sigmoid, y, dy, dx, count: count)
    }
}

@c @implementation
public func logits_log_sigmoid_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in try checkedElementwise(.logSigmoid, x, y, count: count) }
}

@c @implementation
public func logits_log_sigmoid_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedElementwiseBackward(.logSigmoid, y, dy, dx, count: count)
    }
}

@c @implementation
public func logits_softplus_f32(
    _ x: UnsafePointer<Float>?, _ y: UnsafeMutablePointer<Float>?, _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in try checkedElementwise(.softplus, x, y, count: count) }
}

@c @implementation
public func logits_softplus_backward_f32(
    _ y: UnsafePointer<Float>?, _ dy: UnsafePointer<Float>?, _ dx: UnsafeMutablePointer<Float>?,
    _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedElementwiseBackward(.softplus, y, dy, dx, count: count)
    }
}

@c @implementation
public func logits_softmax_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ rows: Int, _ cols: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedAxisForward(.softmax, x, y, AxisLayout(rows: rows, cols: cols), temperature: 1)
    }
}

@c @implementation
public func logits_softmax_axis_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double
) -> logits_status {
    status { () throws(LogitsError) in
        let layout = try AxisLayout(outer: outer, length: axisLen, inner: inner)
        try checkedAxisForward(.softmax, x, y, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_log_softmax_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ rows: Int, _ cols: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedAxisForward(.logSoftmax, x, y, AxisLayout(rows: rows, cols: cols), temperature: 1)
    }
}

@c @implementation
public func logits_log_softmax_axis_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double
) -> logits_status {
    status { () throws(LogitsError) in
        let layout = try AxisLayout(outer: outer, length: axisLen, inner: inner)
        try checkedAxisForward(.logSoftmax, x, y, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_logsumexp_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ rows: Int, _ cols: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedAxisForward(.logSumExp, x, y, AxisLayout(rows: rows, cols: cols), temperature: 1)
    }
}

@c @implementation
public func logits_logsumexp_axis_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double
) -> logits_status {
    status { () throws(LogitsError) in
        let layout = try AxisLayout(outer: outer, length: axisLen, inner: inner)
        try checkedAxisForward(.logSumExp, x, y, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_softmax_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ rows: Int, _ cols: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedAxisBackward(.softmax, y, dy, dx, AxisLayout(rows: rows, cols: cols), temperature: 1)
    }
}

@c @implementation
public func logits_softmax_backward_axis_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double
) -> logits_status {
    status { () throws(LogitsError) in
        let layout = try AxisLayout(outer: outer, length: axisLen, inner: inner)
        try checkedAxisBackward(.softmax, y, dy, dx, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_log_softmax_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ rows: Int, _ cols: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedAxisBackward(.logSoftmax, y, dy, dx, AxisLayout(rows: rows, cols: cols), temperature: 1)
    }
}

@c @implementation
public func logits_log_softmax_backward_axis_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ axisLen: Int, _ inner: Int, _ temperature: Double
) -> logits_status {
    status { () throws(LogitsError) in
        let layout = try AxisLayout(outer: outer, length: axisLen, inner: inner)
        try checkedAxisBackward(.logSoftmax, y, dy, dx, layout, temperature: temperature)
    }
}

@c @implementation
public func logits_sigmoid_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in try checkedElementwise(.sigmoid, x, y, count: count) }
}

@c @implementation
public func logits_sigmoid_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedElementwiseBackward(.sigmoid, y, dy, dx, count: count)
    }
}

@c @implementation
public func logits_log_sigmoid_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in try checkedElementwise(.logSigmoid, x, y, count: count) }
}

@c @implementation
public func logits_log_sigmoid_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedElementwiseBackward(.logSigmoid, y, dy, dx, count: count)
    }
}

@c @implementation
public func logits_softplus_f64(
    _ x: UnsafePointer<Double>?, _ y: UnsafeMutablePointer<Double>?, _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in try checkedElementwise(.softplus, x, y, count: count) }
}

@c @implementation
public func logits_softplus_backward_f64(
    _ y: UnsafePointer<Double>?, _ dy: UnsafePointer<Double>?, _ dx: UnsafeMutablePointer<Double>?,
    _ count: Int
) -> logits_status {
    status { () throws(LogitsError) in
        try checkedElementwiseBackward(.softplus, y, dy, dx, count: count)
    }
}
