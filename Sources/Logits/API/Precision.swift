#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// How a float32 call computes: `.fast` (float32 lanes, as the fastest
/// peers; the default) or `.exact` (double lanes, each result rounded once).
/// float64 calls accept the choice and are the same in both. Every result
/// of either precision is within the bound ACCURACY.md gives for it.
///
/// `.default` means the process default: `.fast` unless the environment
/// variable `LOGITS_PRECISION` was `exact` when the library first needed it,
/// or `setDefaultPrecision(_:)` chose otherwise.
///
/// ```swift
/// let p = try softmax(logits, precision: .exact)   // this call only
/// setDefaultPrecision(.exact)                      // every call that says .default
/// ```
public enum Precision: Int32, Sendable, CaseIterable {
    /// The process default (`defaultPrecision()`).
    case `default` = 0
    /// Float32 lanes: the speed of the fastest peers, bounds in ACCURACY.md.
    case fast = 1
    /// Double lanes: each float32 result is a double rounded once.
    case exact = 2
}

/// Sets the process default precision (what `.default` means); `.default`
/// itself restores the initial choice (`LOGITS_PRECISION`, else `.fast`).
/// Calls already running keep the precision they started with.
///
/// ```swift
/// setDefaultPrecision(.exact)
/// assert(defaultPrecision() == .exact)
/// setDefaultPrecision(.default)   // back to LOGITS_PRECISION or .fast
/// ```
@available(*, deprecated, message: "set Logits.defaultPrecision")
public func setDefaultPrecision(_ precision: Precision) {
    processPrecision.store(precision == .default ? initialPrecision() : precision.rawValue, ordering: .relaxed)
}

/// The process default precision now: `.fast` or `.exact`, never `.default`.
///
/// ```swift
/// print(defaultPrecision())   // .fast unless LOGITS_PRECISION=exact
/// ```
@available(*, deprecated, message: "read Logits.defaultPrecision")
public func defaultPrecision() -> Precision {
    resolvedPrecision(0) == Precision.exact.rawValue ? .exact : .fast
}

/// The process default as a raw value (0: not read yet).
@usableFromInline let processPrecision = Atomic<Int32>(0)

/// LOGITS_PRECISION read: exactly "fast" or "exact" chooses; unset means
/// fast; anything else means fast too, with one line on standard error.
@usableFromInline
func initialPrecision() -> Int32 {
    guard let p = getenv("LOGITS_PRECISION"), p.pointee != 0 else { return Precision.fast.rawValue }
    if strcmp(p, "fast") == 0 { return Precision.fast.rawValue }
    if strcmp(p, "exact") == 0 { return Precision.exact.rawValue }
    let warning: StaticString = "logits: LOGITS_PRECISION is not one of fast, exact; using fast\n"
    _ = write(2, warning.utf8Start, warning.utf8CodeUnitCount)
    return Precision.fast.rawValue
}

/// A raw precision (0, 1 or 2; validated by the caller) resolved to 1
/// (fast) or 2 (exact): 0 reads the process default.
@inlinable
package func resolvedPrecision(_ raw: Int32) -> Int32 {
    if raw != 0 { return raw }
    let p = processPrecision.load(ordering: .relaxed)
    if p != 0 { return p }
    let initial = initialPrecision()
    // The first reader stores it; a concurrent set wins over it.
    _ = processPrecision.compareExchange(expected: 0, desired: initial, ordering: .relaxed)
    return processPrecision.load(ordering: .relaxed)
}

extension KernelTable {
    /// The kernels of a precision for the Swift API: the CPU level's when the
    /// program links them (the package trait DispatchedKernels), else the
    /// baseline's (Dispatch.swift).
    @inlinable
    package static func dispatched(_ precision: Precision) -> KernelTable {
        resolvedPrecision(precision.rawValue) == Precision.exact.rawValue ? .dispatchedExact : .dispatchedFast
    }
}
