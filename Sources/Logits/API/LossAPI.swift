// The public Swift API of the losses.

/// A loss value (one per sample with `.none`, else one) and, when asked for,
/// the gradient of that loss with respect to the input (input-shaped).
///
/// ```swift
/// let out = try crossEntropy([2, 1, 0.1] as [Float], labels: [0], withGradient: true)
/// print(out.loss[0], out.gradient!)   // 0.417..., [-0.340..., 0.242..., 0.098...]
/// ```
public struct LossOutput<T: LogitsFloat>: Sendable, Equatable {
    /// One loss per sample (reduction `.none`), else a single value.
    public var loss: [T]
    /// d loss / d input, shaped like the input; nil unless asked for.
    public var gradient: [T]?

    /// A loss and an optional gradient, as the loss functions return them.
    ///
    /// ```swift
    /// let zero = LossOutput<Float>(loss: [0], gradient: nil)
    /// ```
    @inlinable
    public init(loss: [T], gradient: [T]?) {
        self.loss = loss
        self.gradient = gradient
    }
}

@inlinable
func lossArrays<T: LogitsFloat>(
    inputCount: Int, lossCount: Int, withGradient: Bool,
    _ body: (UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?) throws(LogitsError) -> Void
) throws(LogitsError) -> LossOutput<T> {
    var gradient: [T]? = nil
    var loss: [T] = []
    if withGradient {
        var inner: [T] = []
        gradient = try makeArray(count: inputCount) { (g) throws(LogitsError) in
            inner = try makeArray(count: lossCount) { (l) throws(LogitsError) in try body(l, g) }
        }
        loss = inner
    } else {
        loss = try makeArray(count: lossCount) { (l) throws(LogitsError) in try body(l, nil) }
    }
    return LossOutput(loss: loss, gradient: gradient)
}

@inlinable
func withOptionalBuffer<T, R>(
    _ a: [T]?, _ body: (UnsafePointer<T>?) throws(LogitsError) -> R
) throws(LogitsError) -> R {
    guard let a else { return try body(nil) }
    return try a.withUnsafeBufferPointer { (b) throws(LogitsError) -> R in try body(b.baseAddress) }
}

@inlinable
func categorical<T: LogitsFloat>(
    _ input: [T], _ shape: [Int]?, _ axis: Int, _ classWeights: [T]?,
    _ options: CrossEntropyOptions, _ withGradient: Bool,
    // Checks the targets against the layout, before anything is allocated.
    _ validate: (AxisLayout) throws(LogitsError) -> Void,
    // Calls `run` with the targets.
    _ targets: ((CategoricalTargets<T>) throws(LogitsError) -> Void) throws(LogitsError) -> Void
) throws(LogitsError) -> LossOutput<T> {
    let layout = try arrayLayout(count: input.count, shape: shape, axis: axis)
    if let w = classWeights, w.count != layout.length {
        throw .invalidArgument("\(w.count) class weights for \(layout.length) classes")
    }
    try validate(layout)
    let lossCount = options.reduction == .none ? layout.sliceCount : 1
    return try input.withUnsafeBufferPointer { (xb) throws(LogitsError) -> LossOutput<T> in
        try withOptionalBuffer(classWeights) { (w) throws(LogitsError) -> LossOutput<T> in
            try lossArrays(inputCount: input.count, lossCount: lossCount, withGradient: withGradient) {
                (l, g) throws(LogitsError) in
                try targets { (t) throws(LogitsError) in
                    try refusing {
                        checkedCrossEntropy(xb.baseAddress, t, w, l, g, layout, options,
                                            kernels: .dispatched(options.precision))
                    }
                }
            }
        }
    }
}

/// Categorical cross-entropy against integer labels (softmax over mutually
/// exclusive classes): PyTorch's `CrossEntropyLoss` for logits, Keras'
/// `categorical_crossentropy` for probabilities. The class axis is `axis` of
/// `input` seen as `shape` (nil: one sample of `input.count` classes);
/// `labels` holds one label per sample, in the C order of the other axes.
///
/// ```swift
/// // 2 samples, 3 classes.
/// let out = try crossEntropy([2, 1, 0.1, 0.5, 2.5, 0.3] as [Float], labels: [0, 1],
///                            shape: [2, 3], withGradient: true)
/// print(out.loss[0], out.gradient!)   // mean loss, d loss / d logits
/// ```
/// - Throws: `.labelOutOfRange` for a label outside `[0, classes)` that is
///   not `options.ignoreIndex`; `.invalidArgument` for bad options, shapes,
///   weights or probabilities. Nothing is computed when it throws.
@available(*, deprecated, message: "use Logits.crossEntropy (a reduced loss is a value; the gradient goes into an inout array) or Logits.crossEntropyPerSample")
@inlinable
public func crossEntropy<T: LogitsFloat>(
    _ input: [T], labels: [Int64], shape: [Int]? = nil, axis: Int = -1,
    classWeights: [T]? = nil, options: CrossEntropyOptions = .init(), withGradient: Bool = false
) throws(LogitsError) -> LossOutput<T> {
    try categorical(
        input, shape, axis, classWeights, options, withGradient,
        { (layout) throws(LogitsError) in
            guard labels.count == layout.sliceCount else {
                throw .invalidArgument("\(labels.count) labels for \(layout.sliceCount) samples")
            }
        },
        { (run) throws(LogitsError) in
            try labels.withUnsafeBufferPointer { (lb) throws(LogitsError) in try run(.labels(lb.baseAddress)) }
        })
}

/// Categorical cross-entropy against soft targets of the input's shape
/// (each >= 0; rows need not sum to 1). Mean divides by the sample count.
///
/// ```swift
/// let out = try crossEntropy([2, 1, 0.1] as [Double], targets: [0.8, 0.2, 0])
/// ```
@available(*, deprecated, message: "use Logits.crossEntropy (a reduced loss is a value; the gradient goes into an inout array) or Logits.crossEntropyPerSample")
@inlinable
public func crossEntropy<T: LogitsFloat>(
    _ input: [T], targets: [T], shape: [Int]? = nil, axis: Int = -1,
    classWeights: [T]? = nil, options: CrossEntropyOptions = .init(), withGradient: Bool = false
) throws(LogitsError) -> LossOutput<T> {
    try categorical(
        input, shape, axis, classWeights, options, withGradient,
        { (layout) throws(LogitsError) in
            guard targets.count == layout.count else {
                throw .invalidArgument("targets hold \(targets.count) values, the input \(layout.count)")
            }
        },
        { (run) throws(LogitsError) in
            try targets.withUnsafeBufferPointer { (tb) throws(LogitsError) in try run(.soft(tb.baseAddress)) }
        })
}

/// Binary cross-entropy for independent labels (multi-label), elementwise over
/// `input` seen as rows of `classes` (nil: one row). `posWeight` has `classes`
/// values, `weights` one per element. Focal loss via `options.gamma`/`alpha`.
///
/// ```swift
/// let out = try binaryCrossEntropy([1.5, -0.3, 0.2, 2] as [Float], targets: [1, 0, 0, 1],
///                                  classes: 2, options: .init(gamma: 2), withGradient: true)
/// ```
@available(*, deprecated, message: "use Logits.binaryCrossEntropy (a reduced loss is a value; the gradient goes into an inout array) or Logits.binaryCrossEntropyPerElement")
@inlinable
public func binaryCrossEntropy<T: LogitsFloat>(
    _ input: [T], targets: [T], classes: Int? = nil, posWeight: [T]? = nil, weights: [T]? = nil,
    options: BinaryCrossEntropyOptions = .init(), withGradient: Bool = false
) throws(LogitsError) -> LossOutput<T> {
    let cols = classes ?? input.count
    guard cols > 0 ? input.count % cols == 0 : input.isEmpty else {
        throw .invalidArgument("\(input.count) values do not form rows of \(cols) classes")
    }
    guard targets.count == input.count else {
        throw .invalidArgument("targets hold \(targets.count) values, the input \(input.count)")
    }
    if let pw = posWeight, pw.count != cols {
        throw .invalidArgument("\(pw.count) pos_weight values for \(cols) classes")
    }
    if let w = weights, w.count != input.count {
        throw .invalidArgument("\(w.count) weights for \(input.count) values")
    }
    let rows = cols > 0 ? input.count / cols : 0
    let lossCount = options.reduction == .none ? input.count : 1
    return try input.withUnsafeBufferPointer { (xb) throws(LogitsError) -> LossOutput<T> in
        try targets.withUnsafeBufferPointer { (tb) throws(LogitsError) -> LossOutput<T> in
            try withOptionalBuffer(posWeight) { (pw) throws(LogitsError) -> LossOutput<T> in
                try withOptionalBuffer(weights) { (w) throws(LogitsError) -> LossOutput<T> in
                    try lossArrays(inputCount: input.count, lossCount: lossCount,
                                   withGradient: withGradient) { (l, g) throws(LogitsError) in
                        try refusing { checkedBinaryCrossEntropy(xb.baseAddress, tb.baseAddress, pw, w, l, g,
                                                      rows: rows, classes: cols, options) }
                    }
                }
            }
        }
    }
}

/// Categorical cross-entropy on caller memory, with the gradient written in
/// place over the logits when `gradient` is the input's memory (training
/// without extra memory). `loss` holds `layout.sliceCount` values for
/// `.none`, else 1. No allocation.
///
/// ```swift
/// var logits: [Float] = [2, 1, 0.1, 0.5, 2.5, 0.3]
/// let labels: [Int64] = [0, 1]
/// var loss: [Float] = [0]
/// try logits.withUnsafeMutableBufferPointer { x in
///     try labels.withUnsafeBufferPointer { y in
///         try loss.withUnsafeMutableBufferPointer { l in
///             try crossEntropy(UnsafeBufferPointer(x), labels: y, layout: AxisLayout(rows: 2, cols: 3),
///                              loss: l, gradient: x)
///         }
///     }
/// }   // logits now holds d loss / d logits
/// ```
@available(*, deprecated, message: "use Logits.crossEntropy (a reduced loss is a value; the gradient goes into an inout array) or Logits.crossEntropyPerSample")
@inlinable
public func crossEntropy<T: LogitsFloat>(
    _ input: UnsafeBufferPointer<T>, labels: UnsafeBufferPointer<Int64>, layout: AxisLayout,
    classWeights: UnsafeBufferPointer<T>? = nil, loss: UnsafeMutableBufferPointer<T>,
    gradient: UnsafeMutableBufferPointer<T>? = nil, options: CrossEntropyOptions = .init()
) throws(LogitsError) {
    let lossCount = options.reduction == .none ? layout.sliceCount : 1
    guard input.count == layout.count, labels.count == layout.sliceCount, loss.count == lossCount,
          gradient.map({ $0.count == layout.count }) ?? true,
          classWeights.map({ $0.count == layout.length }) ?? true
    else { throw .invalidArgument("buffer sizes do not match the layout") }
    try refusing { checkedCrossEntropy(input.baseAddress, .labels(labels.baseAddress), classWeights?.baseAddress,
                            loss.baseAddress, gradient?.baseAddress, layout, options,
                            kernels: .dispatched(options.precision)) }
}
