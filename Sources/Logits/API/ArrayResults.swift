// Helpers of the array forms of the Swift API: a new array filled in place,
// and the layout of an array seen with a shape and an axis.

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `fill` on the uninitialized storage of a new `[T]` of `count`
/// elements; `fill` must initialize all of them unless it throws.
@inlinable
func makeArray<T>(
    count: Int, _ fill: (UnsafeMutablePointer<T>?) throws(LogitsError) -> Void
) throws(LogitsError) -> [T] {
    // An array Swift cannot allocate would trap: refuse it instead (a byte
    // count beyond Int, or memory the system will not give).
    let (bytes, overflow) = count.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
    guard !overflow else { throw .sizeOverflow }
    if bytes > 1 << 26 {
        guard let probe = malloc(bytes) else { throw .sizeOverflow }
        free(probe)
    }
    var failure: LogitsError?
    let result = [T](unsafeUninitializedCapacity: count) { buffer, initialized in
        do throws(LogitsError) {
            try fill(buffer.baseAddress)
            initialized = count
        } catch {
            failure = error
            initialized = 0
        }
    }
    if let failure { throw failure }
    return result
}

/// The layout for an array of `count` elements seen as `shape` (nil: 1-D).
@inlinable
func arrayLayout(count: Int, shape: [Int]?, axis: Int) throws(LogitsError) -> AxisLayout {
    let layout = try AxisLayout(shape: shape ?? [count], axis: axis)
    guard layout.count == count else {
        throw .invalidArgument("shape \(shape ?? []) holds \(layout.count) elements, the array \(count)")
    }
    return layout
}
