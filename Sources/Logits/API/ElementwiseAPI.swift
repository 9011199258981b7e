// The public Swift API of the elementwise functions and their gradients.

/// The logistic function `1 / (1 + exp(-x))` of each element: an independent
/// probability per element (no sum to 1). Never overflows.
///
/// ```swift
/// let s = sigmoid([1, 2, 3] as [Float])   // [0.7311, 0.8808, 0.9526]
/// ```
@available(*, deprecated, renamed: "Logits.sigmoid")
@inlinable
public func sigmoid<T: LogitsFloat>(_ x: [T]) -> [T] { elementwise(.sigmoid, x, .default) }

/// `sigmoid(_:)` in a chosen precision (`Precision`).
///
/// ```swift
/// let y = sigmoid([1, 2, 3] as [Float], precision: .exact)
/// ```
@available(*, deprecated, renamed: "Logits.sigmoid")
@inlinable
public func sigmoid<T: LogitsFloat>(_ x: [T], precision: Precision) -> [T] {
    elementwise(.sigmoid, x, precision)
}

/// `log(sigmoid(x)) = -softplus(-x)` of each element; finite for finite x.
///
/// ```swift
/// let l = logSigmoid([-200, 0] as [Double])   // [-200, -0.6931...]
/// ```
@available(*, deprecated, renamed: "Logits.logSigmoid")
@inlinable
public func logSigmoid<T: LogitsFloat>(_ x: [T]) -> [T] { elementwise(.logSigmoid, x, .default) }

/// `logSigmoid(_:)` in a chosen precision (`Precision`).
///
/// ```swift
/// let y = logSigmoid([1, 2, 3] as [Float], precision: .exact)
/// ```
@available(*, deprecated, renamed: "Logits.logSigmoid")
@inlinable
public func logSigmoid<T: LogitsFloat>(_ x: [T], precision: Precision) -> [T] {
    elementwise(.logSigmoid, x, precision)
}

/// `log(1 + exp(x))` of each element, without overflow.
///
/// ```swift
/// let s = softplus([-1000, 0, 1000] as [Double])   // [0, 0.6931..., 1000]
/// ```
@available(*, deprecated, renamed: "Logits.softplus")
@inlinable
public func softplus<T: LogitsFloat>(_ x: [T]) -> [T] { elementwise(.softplus, x, .default) }

/// `softplus(_:)` in a chosen precision (`Precision`).
///
/// ```swift
/// let y = softplus([1, 2, 3] as [Float], precision: .exact)
/// ```
@available(*, deprecated, renamed: "Logits.softplus")
@inlinable
public func softplus<T: LogitsFloat>(_ x: [T], precision: Precision) -> [T] {
    elementwise(.softplus, x, precision)
}

/// Gradient of sigmoid from its output: `gradient * output * (1 - output)`.
///
/// ```swift
/// let dx = try sigmoidBackward(output: sigmoid([0.0]), gradient: [1])   // [0.25]
/// ```
@available(*, deprecated, renamed: "Logits.sigmoidBackward")
@inlinable
public func sigmoidBackward<T: LogitsFloat>(output: [T], gradient: [T]) throws(LogitsError) -> [T] {
    try elementwiseBackward(.sigmoid, output, gradient)
}

/// Gradient of log-sigmoid from its output: `gradient * (1 - exp(output))`.
///
/// ```swift
/// let dx = try logSigmoidBackward(output: logSigmoid([0.0]), gradient: [1])   // [0.5]
/// ```
@available(*, deprecated, renamed: "Logits.logSigmoidBackward")
@inlinable
public func logSigmoidBackward<T: LogitsFloat>(output: [T], gradient: [T]) throws(LogitsError) -> [T] {
    try elementwiseBackward(.logSigmoid, output, gradient)
}

/// Gradient of softplus from its output: `gradient * (1 - exp(-output))`,
/// which is `gradient * sigmoid(x)`.
///
/// ```swift
/// let dx = try softplusBackward(output: softplus([0.0]), gradient: [1])   // [0.5]
/// ```
@available(*, deprecated, renamed: "Logits.softplusBackward")
@inlinable
public func softplusBackward<T: LogitsFloat>(output: [T], gradient: [T]) throws(LogitsError) -> [T] {
    try elementwiseBackward(.softplus, output, gradient)
}

/// sigmoid, log-sigmoid or softplus from `x` into `y` (same count; `y` may
/// be the same memory as `x`). No allocation.
///
/// ```swift
/// var v: [Double] = [-1, 0, 1]
/// try v.withUnsafeMutableBufferPointer { b in
///     try apply(.sigmoid, UnsafeBufferPointer(b), into: b)
/// }
/// ```
@available(*, deprecated, renamed: "Logits.apply")
@inlinable
public func apply<T: LogitsFloat>(
    _ function: Logits.Activation, _ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<T>,
    precision: Precision = .default
) throws(LogitsError) {
    try Logits.apply(function, x, into: y, precision: precision)
}

/// The elementwise functions: now `Logits.Activation`.
///
/// ```swift
/// let f: Logits.Activation = .softplus
/// ```
@available(*, deprecated, renamed: "Logits.Activation")
public typealias Activation = Logits.Activation
