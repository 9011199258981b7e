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
func withOptionalBuffer<T, R>(
    _ a: [T]?, _ body: (UnsafePointer<T>?) throws(LogitsError) -> R
) throws(LogitsError) -> R {
    guard let a else { return try body(nil) }
    return try a.withUnsafeBufferPointer { (b) throws(LogitsError) -> R in try body(b.baseAddress) }
}

/// The 0.4 forms' result: the losses, and the gradient (a new array) when
/// asked for.
@inlinable
func lossOutput<T: LogitsFloat>(
    _ inputCount: Int, _ wantsGradient: Bool,
    _ body: (UnsafeMutableBufferPointer<T>?) throws(LogitsError) -> [T]
) throws(LogitsError) -> LossOutput<T> {
    guard wantsGradient else { return LossOutput(loss: try body(nil), gradient: nil) }
    var gradient: [T] = []
    let loss = try withGradient(&gradient, count: inputCount) { (g) throws(LogitsError) in try body(g) }
    return LossOutput(loss: loss, gradient: gradient)
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
    try lossOutput(input.count, withGradient) { (g) throws(LogitsError) in
        try categoricalLoss(input, shape, axis, classWeights, options, g, labelTargets(labels))
    }
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
    try lossOutput(input.count, withGradient) { (g) throws(LogitsError) in
        try categoricalLoss(input, shape, axis, classWeights, options, g, softTargets(targets))
    }
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
    try lossOutput(input.count, withGradient) { (g) throws(LogitsError) in
        try binaryLoss(input, targets, classes, posWeight, weights, options, g)
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
    try Logits.crossEntropy(input, labels: labels, layout: layout, classWeights: classWeights, loss: loss,
                            gradient: gradient, options: options)
}
