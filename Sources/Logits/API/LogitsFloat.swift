/// The element types Logits works on: `Float` and `Double`.
///
/// Every kernel loads elements of this type, computes in `Double`, and rounds
/// once when it stores the result, so `Float` results are correctly rounded
/// in all but rare ties and `Double` results carry only a few ulps of error.
///
/// ```swift
/// let p: [Float] = try softmax([1, 2, 3])   // works the same with [Double]
/// ```
public protocol LogitsFloat: BinaryFloatingPoint, Sendable {
    /// The value as a `Double` (exact for both conforming types).
    var doubleValue: Double { get }
    /// The nearest value of this type to `value` (round to nearest even).
    init(roundingDouble value: Double)
}

/// `Float` data: loaded into Double lanes exactly, each result rounded once
/// (softmax: twice) to Float.
///
/// ```swift
/// let p = try softmax([1, 2, 3] as [Float])
/// ```
extension Float: LogitsFloat {
    @inlinable @inline(__always)
    public var doubleValue: Double { Double(self) }
    @inlinable @inline(__always)
    public init(roundingDouble value: Double) { self = Float(value) }
}

/// `Double` data, computed in Double with compensated sums.
///
/// ```swift
/// let p = try softmax([1, 2, 3] as [Double])
/// ```
extension Double: LogitsFloat {
    @inlinable @inline(__always)
    public var doubleValue: Double { self }
    @inlinable @inline(__always)
    public init(roundingDouble value: Double) { self = value }
}
