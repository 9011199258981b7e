// Argument checks shared by the Swift API and the C export layer. They run
// before any output is written, so a failed call leaves every buffer as it was.
// They return a Refusal (nil: fine) instead of throwing: see Refusal.swift.

/// A temperature as the kernels use it: finite and > 0, widened to Double;
/// nil when it is not.
@inlinable
package func checkedTemperature<T: LogitsFloat>(_ t: T) -> Double? {
    guard t.isFinite, t > 0 else { return nil }
    return t.doubleValue
}

/// `.sizeOverflow` when `count` elements of `T` exceed `Int.max` bytes.
@inlinable
package func checkByteCount<T>(_ count: Int, _: T.Type) -> Refusal? {
    guard count >= 0, !count.multipliedReportingOverflow(by: MemoryLayout<T>.stride).overflow
    else { return Refusal(.sizeOverflow) }
    return nil
}

/// A buffer the caller hands in: `count` elements at `base`, which may be nil
/// only when `count` is 0. `refusal` says why it is not acceptable, if so.
@usableFromInline
package struct Region {
    @usableFromInline let start: UInt
    @usableFromInline let bytes: UInt
    @usableFromInline package let refusal: Refusal?

    @inlinable
    package init<T>(_ base: UnsafePointer<T>?, count: Int) {
        start = UInt(bitPattern: base)
        if let r = checkByteCount(count, T.self) {
            refusal = r
            bytes = 0
        } else if count != 0 && base == nil {
            refusal = Refusal(.nullPointer)
            bytes = 0
        } else {
            refusal = nil
            bytes = UInt(bitPattern: count &* MemoryLayout<T>.stride)
        }
    }

    @inlinable
    package init<T>(_ base: UnsafeMutablePointer<T>?, count: Int) {
        self.init(UnsafePointer(base), count: count)
    }

    /// True when the two regions share at least one byte.
    @inlinable
    package func overlaps(_ other: Region) -> Bool {
        guard bytes > 0, other.bytes > 0 else { return false }
        // Neither address range can wrap: both come from real allocations.
        return start < other.start &+ other.bytes && other.start < start &+ bytes
    }

    /// `.overlap` unless the output `self` is disjoint from `input`, or (when
    /// `allowSame`) starts at the same address with the same size.
    @inlinable
    package func checkOutput(against input: Region, allowSame: Bool) -> Refusal? {
        if allowSame, start == input.start, bytes == input.bytes { return nil }
        return overlaps(input) ? Refusal(.overlap) : nil
    }
}
