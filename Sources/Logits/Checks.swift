// Argument checks shared by the Swift API and the C export layer. They run
// before any output is written, so a failed call leaves every buffer as it was.

/// A temperature as the kernels use it: finite and > 0, widened to Double.
@inlinable
package func checkedTemperature<T: LogitsFloat>(_ t: T) throws(LogitsError) -> Double {
    guard t.isFinite, t > 0 else {
        throw .invalidArgument("temperature must be finite and > 0")
    }
    return t.doubleValue
}

/// Throws `.sizeOverflow` when `count` elements of `T` exceed `Int.max` bytes.
@inlinable
package func checkByteCount<T>(_ count: Int, _: T.Type) throws(LogitsError) {
    guard count >= 0, !count.multipliedReportingOverflow(by: MemoryLayout<T>.stride).overflow
    else { throw .sizeOverflow }
}

/// A buffer the caller hands in: `count` elements at `base`, which may be nil
/// only when `count` is 0.
@usableFromInline
package struct Region {
    @usableFromInline let start: UInt
    @usableFromInline let bytes: UInt

    @inlinable
    package init<T>(_ base: UnsafePointer<T>?, count: Int) throws(LogitsError) {
        try checkByteCount(count, T.self)
        guard count == 0 || base != nil else { throw .nullPointer }
        start = UInt(bitPattern: base)
        bytes = UInt(bitPattern: count &* MemoryLayout<T>.stride)
    }

    @inlinable
    package init<T>(_ base: UnsafeMutablePointer<T>?, count: Int) throws(LogitsError) {
        try self.init(UnsafePointer(base), count: count)
    }

    /// True when the two regions share at least one byte.
    @inlinable
    package func overlaps(_ other: Region) -> Bool {
        guard bytes > 0, other.bytes > 0 else { return false }
        // Neither address range can wrap: both come from real allocations.
        return start < other.start &+ other.bytes && other.start < start &+ bytes
    }

    /// Throws `.overlap` unless the output `self` is disjoint from `input`,
    /// or (when `allowSame`) starts at the same address with the same size.
    @inlinable
    package func checkOutput(against input: Region, allowSame: Bool) throws(LogitsError) {
        if allowSame, start == input.start, bytes == input.bytes { return }
        if overlaps(input) { throw .overlap }
    }
}
