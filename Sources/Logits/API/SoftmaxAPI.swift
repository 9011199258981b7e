// The public Swift API of the softmax family: over arrays (allocating the
// result) and over unsafe buffers (writing into caller memory, no allocation).

/// Softmax of `x / temperature` along `axis` of `x` seen as a C-contiguous
/// array of `shape` (nil: a single row). Each slice along the axis becomes a
/// probability distribution: entries in [0, 1] summing to 1. `precision`
/// chooses how a `Float` call computes (`Precision`; the bounds of each are
/// in ACCURACY.md); `Double` calls are the same for every choice.
///
/// Stable for every finite input; a slice of all `-infinity` gives zeros,
/// `+infinity` entries share the mass equally, NaN makes its slice NaN.
///
/// ```swift
/// let p = try softmax([1, 2, 3] as [Double])          // [0.0900, 0.2447, 0.6652]
/// let q = try softmax([1, 2, 3, 4, 5, 6] as [Float], shape: [2, 3], axis: 0)
/// let r = try softmax([1, 2, 3] as [Float], precision: .exact)   // double lanes
/// ```
/// - Throws: `LogitsError.invalidArgument` for a bad axis, a shape that does
///   not match `x.count`, or a temperature that is not finite and > 0.
@available(*, deprecated, renamed: "Logits.softmax")
@inlinable
public func softmax<T: LogitsFloat>(
    _ x: [T], shape: [Int]? = nil, axis: Int = -1, temperature: T = 1, precision: Precision = .default
) throws(LogitsError) -> [T] {
    try axisForward(.softmax, x, shape, axis, temperature, precision)
}

/// Log-softmax of `x / temperature` along `axis`: `x/T - logSumExp(x/T)`,
/// finite wherever the true value is finite. Shapes and errors as `softmax`.
///
/// ```swift
/// let lp = try logSoftmax([0, 1000] as [Double])   // [-1000, 0]
/// ```
@available(*, deprecated, renamed: "Logits.logSoftmax")
@inlinable
public func logSoftmax<T: LogitsFloat>(
    _ x: [T], shape: [Int]? = nil, axis: Int = -1, temperature: T = 1, precision: Precision = .default
) throws(LogitsError) -> [T] {
    try axisForward(.logSoftmax, x, shape, axis, temperature, precision)
}

/// `log(sum(exp(x / temperature)))` along `axis`, one value per slice, in
/// the C order of the remaining axes. An empty axis gives `-infinity`.
///
/// ```swift
/// let lse = try logSumExp([1000, 1000] as [Double])        // [1000.6931...]
/// let perRow = try logSumExp([1, 2, 3, 4] as [Float], shape: [2, 2])  // 2 values
/// ```
@available(*, deprecated, renamed: "Logits.logSumExp")
@inlinable
public func logSumExp<T: LogitsFloat>(
    _ x: [T], shape: [Int]? = nil, axis: Int = -1, temperature: T = 1, precision: Precision = .default
) throws(LogitsError) -> [T] {
    try axisForward(.logSumExp, x, shape, axis, temperature, precision)
}

/// Gradient of softmax: given `output = softmax(x, ...)` and the upstream
/// gradient, returns `output * (gradient - sum(output * gradient)) / T`.
///
/// ```swift
/// let y = try softmax([1, 2, 3] as [Double])
/// let dx = try softmaxBackward(output: y, gradient: [1, 0, 0])
/// ```
@available(*, deprecated, renamed: "Logits.softmaxBackward")
@inlinable
public func softmaxBackward<T: LogitsFloat>(
    output: [T], gradient: [T], shape: [Int]? = nil, axis: Int = -1, temperature: T = 1
) throws(LogitsError) -> [T] {
    try axisBackward(.softmax, output, gradient, shape, axis, temperature)
}

/// Gradient of log-softmax: given `output = logSoftmax(x, ...)` and the
/// upstream gradient, returns `(gradient - exp(output) * sum(gradient)) / T`.
///
/// ```swift
/// let y = try logSoftmax([1, 2, 3] as [Double])
/// let dx = try logSoftmaxBackward(output: y, gradient: [0, 0, -1])
/// ```
@available(*, deprecated, renamed: "Logits.logSoftmaxBackward")
@inlinable
public func logSoftmaxBackward<T: LogitsFloat>(
    output: [T], gradient: [T], shape: [Int]? = nil, axis: Int = -1, temperature: T = 1
) throws(LogitsError) -> [T] {
    try axisBackward(.logSoftmax, output, gradient, shape, axis, temperature)
}

// MARK: - Unsafe buffers

/// Softmax along an axis from `x` into `y`, both `layout.count` elements.
/// `y` may be the same memory as `x` (in place); partial overlap throws
/// `.overlap`. Nothing is allocated.
///
/// ```swift
/// var v: [Float] = [1, 2, 3, 4, 5, 6]
/// try v.withUnsafeMutableBufferPointer { b in
///     try softmax(UnsafeBufferPointer(b), into: b, layout: AxisLayout(rows: 2, cols: 3))
/// }
/// ```
@available(*, deprecated, renamed: "Logits.softmax")
@inlinable
public func softmax<T: LogitsFloat>(
    _ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<T>,
    layout: AxisLayout, temperature: T = 1, precision: Precision = .default
) throws(LogitsError) {
    try axisForwardInto(.softmax, x, y, layout, temperature, precision)
}

/// Log-softmax along an axis from `x` into `y` (may be `x`). See `softmax(_:into:layout:temperature:)`.
///
/// ```swift
/// let x: [Double] = [1, 2, 3]
/// var y = [Double](repeating: 0, count: 3)
/// try x.withUnsafeBufferPointer { xb in try y.withUnsafeMutableBufferPointer { yb in
///     try logSoftmax(xb, into: yb, layout: AxisLayout(rows: 1, cols: 3)) } }
/// ```
@available(*, deprecated, renamed: "Logits.logSoftmax")
@inlinable
public func logSoftmax<T: LogitsFloat>(
    _ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<T>,
    layout: AxisLayout, temperature: T = 1, precision: Precision = .default
) throws(LogitsError) {
    try axisForwardInto(.logSoftmax, x, y, layout, temperature, precision)
}

/// logsumexp along an axis: `y` receives `layout.sliceCount` values and must
/// not overlap `x`.
///
/// ```swift
/// let x: [Float] = [1, 2, 3, 4]
/// var y = [Float](repeating: 0, count: 2)
/// try x.withUnsafeBufferPointer { xb in try y.withUnsafeMutableBufferPointer { yb in
///     try logSumExp(xb, into: yb, layout: AxisLayout(rows: 2, cols: 2)) } }
/// ```
@available(*, deprecated, renamed: "Logits.logSumExp")
@inlinable
public func logSumExp<T: LogitsFloat>(
    _ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<T>,
    layout: AxisLayout, temperature: T = 1, precision: Precision = .default
) throws(LogitsError) {
    try axisForwardInto(.logSumExp, x, y, layout, temperature, precision)
}

/// Throws `.invalidArgument` unless the buffers hold what the layout says.
@inlinable
func checkBuffers(_ input: Int, _ output: Int, _ expected: Int, outputCount: Int? = nil)
    throws(LogitsError)
{
    let want = outputCount ?? expected
    guard input == expected, output == want else {
        throw .invalidArgument(
            "buffers hold \(input) and \(output) elements, the layout needs \(expected) and \(want)")
    }
}
