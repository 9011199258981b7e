import CLogits
import Logits

// Loss exports, float32 and float64. See StatusExports.swift.and LossOptions.swift.

@c @implementation
public func logits_cross_entropy_labels_f32(
    _ input: UnsafePointer<Float>?, _ labels: UnsafePointer<Int64>?, _ classWeight: UnsafePointer<Float>?,
    _ loss: UnsafeMutablePointer<Float>?, _ grad: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ classes: Int, _ inner: Int, _ options: UnsafePointer<logits_ce_options>?
) -> logits_status {
    withLayout(outer, classes, inner) { layout in
        var o = CrossEntropyOptions()
        var kernels = defaultKernels()
        return crossEntropyOptions(options, &o, &kernels)
            ?? checkedCrossEntropy(input, .labels(labels), classWeight, loss, grad, layout, o, kernels: kernels)
    }
}

@c @implementation
public func logits_cross_entropy_soft_f32(
    _ input: UnsafePointer<Float>?, _ target: UnsafePointer<Float>?, _ classWeight: UnsafePointer<Float>?,
    _ loss: UnsafeMutablePointer<Float>?, _ grad: UnsafeMutablePointer<Float>?,
    _ outer: Int, _ classes: Int, _ inner: Int, _ options: UnsafePointer<logits_ce_options>?
) -> logits_status {
    withLayout(outer, classes, inner) { layout in
        var o = CrossEntropyOptions()
        var kernels = defaultKernels()
        return crossEntropyOptions(options, &o, &kernels)
            ?? checkedCrossEntropy(input, .soft(target), classWeight, loss, grad, layout, o, kernels: kernels)
    }
}

@c @implementation
public func logits_binary_cross_entropy_f32(
    _ input: UnsafePointer<Float>?, _ target: UnsafePointer<Float>?, _ posWeight: UnsafePointer<Float>?,
    _ weight: UnsafePointer<Float>?, _ loss: UnsafeMutablePointer<Float>?,
    _ grad: UnsafeMutablePointer<Float>?, _ rows: Int, _ classes: Int,
    _ options: UnsafePointer<logits_bce_options>?
) -> logits_status {
    var o = BinaryCrossEntropyOptions()
    var kernels = defaultKernels()
    return status(binaryOptions(options, &o, &kernels)
        ?? checkedBinaryCrossEntropy(input, target, posWeight, weight, loss, grad,
                                     rows: rows, classes: classes, o))
}

@c @implementation
public func logits_cross_entropy_labels_f64(
    _ input: UnsafePointer<Double>?, _ labels: UnsafePointer<Int64>?, _ classWeight: UnsafePointer<Double>?,
    _ loss: UnsafeMutablePointer<Double>?, _ grad: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ classes: Int, _ inner: Int, _ options: UnsafePointer<logits_ce_options>?
) -> logits_status {
    withLayout(outer, classes, inner) { layout in
        var o = CrossEntropyOptions()
        var kernels = defaultKernels()
        return crossEntropyOptions(options, &o, &kernels)
            ?? checkedCrossEntropy(input, .labels(labels), classWeight, loss, grad, layout, o, kernels: kernels)
    }
}

@c @implementation
public func logits_cross_entropy_soft_f64(
    _ input: UnsafePointer<Double>?, _ target: UnsafePointer<Double>?, _ classWeight: UnsafePointer<Double>?,
    _ loss: UnsafeMutablePointer<Double>?, _ grad: UnsafeMutablePointer<Double>?,
    _ outer: Int, _ classes: Int, _ inner: Int, _ options: UnsafePointer<logits_ce_options>?
) -> logits_status {
    withLayout(outer, classes, inner) { layout in
        var o = CrossEntropyOptions()
        var kernels = defaultKernels()
        return crossEntropyOptions(options, &o, &kernels)
            ?? checkedCrossEntropy(input, .soft(target), classWeight, loss, grad, layout, o, kernels: kernels)
    }
}

@c @implementation
public func logits_binary_cross_entropy_f64(
    _ input: UnsafePointer<Double>?, _ target: UnsafePointer<Double>?, _ posWeight: UnsafePointer<Double>?,
    _ weight: UnsafePointer<Double>?, _ loss: UnsafeMutablePointer<Double>?,
    _ grad: UnsafeMutablePointer<Double>?, _ rows: Int, _ classes: Int,
    _ options: UnsafePointer<logits_bce_options>?
) -> logits_status {
    var o = BinaryCrossEntropyOptions()
    var kernels = defaultKernels()
    return status(binaryOptions(options, &o, &kernels)
        ?? checkedBinaryCrossEntropy(input, target, posWeight, weight, loss, grad,
                                     rows: rows, classes: classes, o))
}

// The 16-bit storage forms (float16, bfloat16): logits, soft and binary
// targets and the gradient in the format; labels, weights, options and the
// losses as for float32. See CheckedHalfLosses.swift.

/// A categorical cross-entropy over 16-bit storage.
@inline(__always)
func halfCrossEntropy(
    _ format: HalfFormat, _ input: UnsafePointer<UInt16>?, _ targets: CategoricalTargets<UInt16>,
    _ classWeight: UnsafePointer<Float>?, _ loss: UnsafeMutablePointer<Float>?, _ grad: UnsafeMutablePointer<UInt16>?,
    _ outer: Int, _ classes: Int, _ inner: Int, _ options: UnsafePointer<logits_ce_options>?
) -> logits_status {
    withLayout(outer, classes, inner) { layout in
        var o = CrossEntropyOptions()
        var kernels = defaultKernels()
        return crossEntropyOptions(options, &o, &kernels)
            ?? checkedHalfCrossEntropy(format, input, targets, classWeight, loss, grad, layout, o, kernels: kernels)
    }
}

/// A binary cross-entropy over 16-bit storage.
@inline(__always)
func halfBinaryCrossEntropy(
    _ format: HalfFormat, _ input: UnsafePointer<UInt16>?, _ target: UnsafePointer<UInt16>?,
    _ posWeight: UnsafePointer<Float>?, _ weight: UnsafePointer<Float>?, _ loss: UnsafeMutablePointer<Float>?,
    _ grad: UnsafeMutablePointer<UInt16>?, _ rows: Int, _ classes: Int, _ options: UnsafePointer<logits_bce_options>?
) -> logits_status {
    var o = BinaryCrossEntropyOptions()
    var kernels = defaultKernels()
    return status(binaryOptions(options, &o, &kernels)
        ?? checkedHalfBinaryCrossEntropy(format, input, target, posWeight, weight, loss, grad,
                                         rows: rows, classes: classes, o))
}

@c @implementation
public func logits_cross_entropy_labels_f16(
    _ input: UnsafePointer<logits_f16>?, _ labels: UnsafePointer<Int64>?, _ classWeight: UnsafePointer<Float>?,
    _ loss: UnsafeMutablePointer<Float>?, _ grad: UnsafeMutablePointer<logits_f16>?,
    _ outer: Int, _ classes: Int, _ inner: Int, _ options: UnsafePointer<logits_ce_options>?
) -> logits_status {
    halfCrossEntropy(.f16, input, .labels(labels), classWeight, loss, grad, outer, classes, inner, options)
}

@c @implementation
public func logits_cross_entropy_labels_bf16(
    _ input: UnsafePointer<logits_bf16>?, _ labels: UnsafePointer<Int64>?, _ classWeight: UnsafePointer<Float>?,
    _ loss: UnsafeMutablePointer<Float>?, _ grad: UnsafeMutablePointer<logits_bf16>?,
    _ outer: Int, _ classes: Int, _ inner: Int, _ options: UnsafePointer<logits_ce_options>?
) -> logits_status {
    halfCrossEntropy(.bf16, input, .labels(labels), classWeight, loss, grad, outer, classes, inner, options)
}

@c @implementation
public func logits_cross_entropy_soft_f16(
    _ input: UnsafePointer<logits_f16>?, _ target: UnsafePointer<logits_f16>?, _ classWeight: UnsafePointer<Float>?,
    _ loss: UnsafeMutablePointer<Float>?, _ grad: UnsafeMutablePointer<logits_f16>?,
    _ outer: Int, _ classes: Int, _ inner: Int, _ options: UnsafePointer<logits_ce_options>?
) -> logits_status {
    halfCrossEntropy(.f16, input, .soft(target), classWeight, loss, grad, outer, classes, inner, options)
}

@c @implementation
public func logits_cross_entropy_soft_bf16(
    _ input: UnsafePointer<logits_bf16>?, _ target: UnsafePointer<logits_bf16>?, _ classWeight: UnsafePointer<Float>?,
    _ loss: UnsafeMutablePointer<Float>?, _ grad: UnsafeMutablePointer<logits_bf16>?,
    _ outer: Int, _ classes: Int, _ inner: Int, _ options: UnsafePointer<logits_ce_options>?
) -> logits_status {
    halfCrossEntropy(.bf16, input, .soft(target), classWeight, loss, grad, outer, classes, inner, options)
}

@c @implementation
public func logits_binary_cross_entropy_f16(
    _ input: UnsafePointer<logits_f16>?, _ target: UnsafePointer<logits_f16>?, _ posWeight: UnsafePointer<Float>?,
    _ weight: UnsafePointer<Float>?, _ loss: UnsafeMutablePointer<Float>?,
    _ grad: UnsafeMutablePointer<logits_f16>?, _ rows: Int, _ classes: Int,
    _ options: UnsafePointer<logits_bce_options>?
) -> logits_status {
    halfBinaryCrossEntropy(.f16, input, target, posWeight, weight, loss, grad, rows, classes, options)
}

@c @implementation
public func logits_binary_cross_entropy_bf16(
    _ input: UnsafePointer<logits_bf16>?, _ target: UnsafePointer<logits_bf16>?, _ posWeight: UnsafePointer<Float>?,
    _ weight: UnsafePointer<Float>?, _ loss: UnsafeMutablePointer<Float>?,
    _ grad: UnsafeMutablePointer<logits_bf16>?, _ rows: Int, _ classes: Int,
    _ options: UnsafePointer<logits_bce_options>?
) -> logits_status {
    halfBinaryCrossEntropy(.bf16, input, target, posWeight, weight, loss, grad, rows, classes, options)
}
