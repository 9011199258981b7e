// The 16-bit element types of the Swift API (issue 15): `Float16` where the
// platform has it, and `BFloat16`, a small value type (the top half of a
// Float's bits). Buffers of either are read and written as they are: no
// Float copy of the array (Logits+Half.swift).

/// Which 16-bit format a `LogitsHalf` type stores.
public enum LogitsHalfFormat: Sendable {
    /// IEEE 754 binary16 (`Float16`).
    case float16
    /// bfloat16 (`BFloat16`): the top 16 bits of a `Float`.
    case bfloat16
}

/// A 16-bit floating-point element type the Logits API reads and writes as
/// it is (`Float16`, `BFloat16`): its bits, and which format they are in.
/// The functions compute in `Float` (or better) and round each result once.
///
/// ```swift
/// let x: [BFloat16] = [1, 2, 3]
/// let p = try Logits.softmax(x)          // [BFloat16]
/// ```
public protocol LogitsHalf: Sendable {
    /// The format of `bitPattern`.
    static var logitsHalfFormat: LogitsHalfFormat { get }
    /// The value's 16 bits.
    var bitPattern: UInt16 { get }
    /// The value of 16 bits.
    init(bitPattern: UInt16)
}

extension LogitsHalfFormat {
    @inlinable var storage: HalfFormat { self == .float16 ? .f16 : .bf16 }
}

/// A bfloat16 value: 1 sign, 8 exponent and 7 fraction bits (a `Float`'s
/// top half), the 16-bit format of most LLM inference and mixed-precision
/// training. Converting from `Float` rounds to nearest, ties to even (NaN
/// stays NaN); to `Float` is exact.
///
/// ```swift
/// let b = BFloat16(3.14159 as Float)     // 3.140625
/// let f = Float(b)
/// let row: [BFloat16] = [1, 2.5, -0.75]
/// ```
@frozen
public struct BFloat16: LogitsHalf, Hashable, CustomStringConvertible, ExpressibleByFloatLiteral,
    ExpressibleByIntegerLiteral
{
    /// `.bfloat16`.
    public static var logitsHalfFormat: LogitsHalfFormat { .bfloat16 }

    /// The value's 16 bits.
    public var bitPattern: UInt16

    /// The value of 16 bits.
    @inlinable public init(bitPattern: UInt16) { self.bitPattern = bitPattern }

    /// The bfloat16 nearest to `value` (ties to even).
    @inlinable public init(_ value: Float) { bitPattern = narrowBF16(value) }

    /// The bfloat16 nearest to `value` (ties to even), rounded once: through
    /// a `Float` rounded to odd, which keeps the information round to
    /// nearest needs (`BFloat16(1 + 0x1p-8 + 0x1p-40)` is 1.0078125, not 1).
    @inlinable public init(_ value: Double) {
        var f = Float(value)
        if f.isFinite || (value.isFinite && f.isInfinite), Double(f) != value {
            // Round to odd: toward zero, then the lowest bit set.
            if abs(Double(f)) > abs(value) { f = f > 0 ? f.nextDown : f.nextUp }
            f = Float(bitPattern: f.bitPattern | 1)
        }
        bitPattern = narrowBF16(f)
    }

    /// A literal, rounded once to the nearest bfloat16 (as `init(_: Double)`):
    /// `let x: [BFloat16] = [0.5, 1.25]`.
    @inlinable public init(floatLiteral value: Double) { self.init(value) }

    /// An integer literal, rounded to the nearest bfloat16 (exact up to 256).
    @inlinable public init(integerLiteral value: Int) { self.init(Float(value)) }

    /// The value as a `Float` (exact).
    @inlinable public var floatValue: Float { widenBF16(bitPattern) }

    /// Whether the value is NaN.
    @inlinable public var isNaN: Bool { floatValue.isNaN }

    /// The value as `Float` prints it: `BFloat16(1.5).description == "1.5"`.
    public var description: String { floatValue.description }

    /// Equal as values, as `Float` compares (NaN is equal to nothing, 0 == -0).
    @inlinable public static func == (a: BFloat16, b: BFloat16) -> Bool { a.floatValue == b.floatValue }

    /// Hashes the value (0 and -0 alike, consistent with `==`).
    @inlinable public func hash(into hasher: inout Hasher) {
        hasher.combine(floatValue == 0 ? 0 : bitPattern)
    }
}

/// `Float(BFloat16(...))`: the exact value of a bfloat16.
extension Float {
    /// The exact value of a `BFloat16`.
    ///
    /// ```swift
    /// let f = Float(BFloat16(1.5))   // 1.5
    /// ```
    @inlinable public init(_ value: BFloat16) { self = value.floatValue }
}

#if arch(x86_64) || arch(arm64)
/// `Float16` (IEEE binary16) is a 16-bit element type of the Logits API.
extension Float16: LogitsHalf {
    /// `.float16`.
    public static var logitsHalfFormat: LogitsHalfFormat { .float16 }
}
#endif
