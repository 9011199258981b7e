/// Why a Logits call refused its arguments. Nothing is written when a call
/// throws. The raw values are the C library's `logits_status` codes.
///
/// ```swift
/// do {
///     _ = try softmax([1, 2, 3] as [Float], temperature: 0)
/// } catch {
///     print(error)   // invalid argument: temperature must be finite and > 0
/// }
/// ```
public enum LogitsError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A required pointer was nil (C and buffer APIs only).
    case nullPointer
    /// A value outside its domain; the text says which.
    case invalidArgument(String)
    /// Sizes whose product or byte count exceeds `Int.max`, a negative size, or
    /// (array forms) a result larger than the memory the system will give.
    case sizeOverflow
    /// An output buffer partially overlaps an input buffer.
    case overlap
    /// A class label outside `[0, classes)` that is not the ignore index, at
    /// flat `position` of the label array.
    case labelOutOfRange(position: Int, label: Int64)
    /// The scratch memory a call needs (the sampler, top-k) could not be had.
    case outOfMemory

    /// The C status code (`LOGITS_ERROR_*` in `logits.h`).
    public var status: Int32 {
        switch self {
        case .nullPointer: return 1
        case .invalidArgument: return 2
        case .sizeOverflow: return 3
        case .overlap: return 4
        case .labelOutOfRange: return 5
        case .outOfMemory: return 6
        }
    }

    /// A one-line English message, the same text the C library's status
    /// string gives for the code, plus the detail this error carries.
    ///
    /// ```swift
    /// print(LogitsError.labelOutOfRange(position: 1, label: 99))
    /// // label out of range: label 99 at position 1
    /// ```
    public var description: String {
        switch self {
        case .nullPointer: return "null pointer"
        case .invalidArgument(let why): return "invalid argument: \(why)"
        case .sizeOverflow: return "size overflow: element or byte count exceeds Int.max"
        case .overlap: return "an output buffer partially overlaps an input buffer"
        case .labelOutOfRange(let position, let label):
            return "label out of range: label \(label) at position \(position)"
        case .outOfMemory: return "out of memory: the call's scratch memory could not be allocated"
        }
    }
}
