// The Swift API's namespace and the buffers it takes, in the manner of
// Accelerate's vDSP (`vDSP.add`, `AccelerateBuffer`): every function is a
// static member of `Logits`, generic over contiguous storage.

/// The namespace of the Logits API: `Logits.softmax(x)`,
/// `Logits.crossEntropy(x, labels: y, shape: [2, 3])`.
///
/// Every function takes any contiguous storage of `Float` or `Double`
/// (`[T]`, `ArraySlice<T>`, `ContiguousArray<T>`, unsafe buffers: see
/// `LogitsBuffer`), has an `inout` form that works in place where the
/// result has the input's shape, and throws `LogitsError` for bad input
/// without writing anything.
///
/// ```swift
/// import Logits
///
/// let p = try Logits.softmax([1, 2, 3] as [Float])        // [0.0900, 0.2447, 0.6652]
/// var row: [Double] = [2, 1, 0.1]
/// try Logits.logSoftmax(&row)                              // in place
/// let loss = try Logits.crossEntropy([2, 1, 0.1, 0.5, 2.5, 0.3] as [Float],
///                                    labels: [0, 1] as [Int64], shape: [2, 3])   // Float
/// ```
public enum Logits {
    /// How many threads one large call may use, the calling thread included
    /// (set 0 to restore the default: `LOGITS_NUM_THREADS`, else the online
    /// CPUs; at most 64). Results never depend on it.
    ///
    /// ```swift
    /// Logits.threadCount = 1   // everything on the calling thread
    /// ```
    public static var threadCount: Int {
        get { libraryThreadCount() }
        set { setThreadCount(newValue < 0 ? 0 : newValue) }
    }

    /// The process default precision, what `.default` means: `.fast` or
    /// `.exact` (setting `.default` restores `LOGITS_PRECISION`, else fast).
    ///
    /// ```swift
    /// Logits.defaultPrecision = .exact
    /// ```
    public static var defaultPrecision: Precision {
        get { resolvedPrecision(0) == Precision.exact.rawValue ? .exact : .fast }
        set {
            processPrecision.store(newValue == .default ? initialPrecision() : newValue.rawValue,
                                   ordering: .relaxed)
        }
    }
}

/// The library's thread count (inside `Logits` the name `threadCount` is the
/// property).
func libraryThreadCount() -> Int { threadCount() }

/// Contiguous storage the Logits API reads: `[T]`, `ArraySlice<T>`,
/// `ContiguousArray<T>`, `UnsafeBufferPointer<T>` and
/// `UnsafeMutableBufferPointer<T>` conform (as Accelerate's
/// `AccelerateBuffer`). Reading never copies.
///
/// ```swift
/// let x: [Float] = [1, 2, 3, 4, 5, 6]
/// let p = try Logits.softmax(x[3...])            // an ArraySlice
/// ```
public protocol LogitsBuffer<Element> {
    /// The element type (`Float` or `Double` for the API's functions).
    associatedtype Element
    /// Calls `body` with the elements as one contiguous buffer.
    func withUnsafeBufferPointer<R, E: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(E) -> R
    ) throws(E) -> R
}

/// Contiguous storage the Logits API writes in place (the `inout` forms):
/// `[T]`, `ArraySlice<T>`, `ContiguousArray<T>`, and
/// `UnsafeMutableBufferPointer<T>`.
///
/// ```swift
/// var x: [Double] = [1, 2, 3]
/// try Logits.softmax(&x)
/// ```
public protocol LogitsMutableBuffer<Element>: LogitsBuffer {
    /// Calls `body` with the elements as one contiguous mutable buffer.
    mutating func withUnsafeMutableBufferPointer<R, E: Error>(
        _ body: (inout UnsafeMutableBufferPointer<Element>) throws(E) -> R
    ) throws(E) -> R
}

/// Arrays are read and written in place by the Logits API.
///
/// ```swift
/// var x: [Float] = [1, 2, 3]
/// try Logits.softmax(&x)
/// ```
extension Array: LogitsMutableBuffer {}

/// Array slices are read and written in place, without a copy.
///
/// ```swift
/// let x: [Double] = [0, 1, 2, 3]
/// let p = try Logits.softmax(x[1...])
/// ```
extension ArraySlice: LogitsMutableBuffer {}

/// Contiguous arrays are read and written in place.
///
/// ```swift
/// var x: ContiguousArray<Float> = [1, 2, 3]
/// Logits.sigmoid(&x)
/// ```
extension ContiguousArray: LogitsMutableBuffer {}

/// Unsafe buffers are read as they are.
///
/// ```swift
/// let p = try [1.0, 2.0].withUnsafeBufferPointer { b in try Logits.softmax(b) }
/// ```
extension UnsafeBufferPointer: LogitsBuffer {
    /// Calls `body` with this buffer.
    ///
    /// ```swift
    /// let n = try [1.0, 2.0].withUnsafeBufferPointer { b in try Logits.softmax(b).count }
    /// ```
    @inlinable
    public func withUnsafeBufferPointer<R, E: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(E) -> R
    ) throws(E) -> R {
        try body(self)
    }
}

/// Unsafe mutable buffers are read, and written in place.
///
/// ```swift
/// var v: [Float] = [1, 2]
/// try v.withUnsafeMutableBufferPointer { b in var b = b; try Logits.softmax(&b) }
/// ```
extension UnsafeMutableBufferPointer: LogitsMutableBuffer {
    /// Calls `body` with this buffer, read-only.
    ///
    /// ```swift
    /// var v: [Float] = [1, 2]
    /// let n = try v.withUnsafeMutableBufferPointer { b in try Logits.softmax(b).count }
    /// ```
    @inlinable
    public func withUnsafeBufferPointer<R, E: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(E) -> R
    ) throws(E) -> R {
        try body(UnsafeBufferPointer(self))
    }

    /// Calls `body` with this buffer (its memory is written, the buffer
    /// itself stays the same).
    ///
    /// ```swift
    /// var v: [Float] = [1, 2]
    /// try v.withUnsafeMutableBufferPointer { b in var b = b; try Logits.softmax(&b) }
    /// ```
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R, E: Error>(
        _ body: (inout UnsafeMutableBufferPointer<Element>) throws(E) -> R
    ) throws(E) -> R {
        var copy = self
        return try body(&copy)
    }
}

extension LogitsBuffer {
    /// The element count, without copying.
    @inlinable
    var bufferCount: Int { withUnsafeBufferPointer { $0.count } }
}
