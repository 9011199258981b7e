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
