import CLogits
import CLogitsShims
import Logits

// Runtime CPU dispatch: Logits' dispatched tables (Sources/Logits/Kernels/
// Dispatch.swift), chosen once from the CPU's features and LOGITS_CPU; the
// CPU-level modules are linked into this library (Package.swift), so their
// tables are found.

/// The CPU level every export uses, and its kernels in each precision.
let selectedLevel: Int = dispatchedLevel
let selectedKernels: KernelTable = .dispatchedExact
let selectedFastKernels: KernelTable = .dispatchedFast

/// The kernels of a precision argument (LOGITS_PRECISION_*), or nil for a
/// value that is not one.
@inline(__always)
func kernels(for precision: logits_precision) -> KernelTable? {
    switch precision {
    case LOGITS_PRECISION_DEFAULT: return defaultKernels()
    case LOGITS_PRECISION_FAST: return selectedFastKernels
    case LOGITS_PRECISION_EXACT: return selectedKernels
    default: return nil
    }
}

/// Runs `body` with the kernels of a precision argument, or refuses a value
/// that is not one (nothing written).
@inline(__always)
func withKernels(_ precision: logits_precision, _ body: (KernelTable) -> logits_status) -> logits_status {
    guard let table = kernels(for: precision) else { return status(Refusal(.precision)) }
    return body(table)
}

/// The kernels of the process default precision.
@inline(__always)
func defaultKernels() -> KernelTable {
    resolvedPrecision(0) == LOGITS_PRECISION_EXACT ? selectedKernels : selectedFastKernels
}

@c @implementation
public func logits_cpu_kernels() -> UnsafePointer<CChar>? {
    // Literals, so that no StaticString check is left at run time.
    switch selectedLevel {
    case CPULevel.x86_64_v4: return cString("x86-64-v4")
    case CPULevel.x86_64_v3: return cString("x86-64-v3")
    default: return cString("baseline")
    }
}

@c @implementation
public func logits_set_num_threads(_ n: Int) -> logits_status {
    lgt_shims_clear()
    setThreadCount(n < 0 ? Int.max : n)  // size_t arrives as Int: > Int.max wraps negative
    return LOGITS_OK
}

@c @implementation
public func logits_get_num_threads() -> Int {
    threadCount()
}

@c @implementation
public func logits_set_precision(_ precision: logits_precision) -> logits_status {
    guard kernels(for: precision) != nil, let p = Precision(rawValue: precision) else {
        return status(Refusal(.precision))
    }
    Logits.defaultPrecision = p
    return status(nil)
}

@c @implementation
public func logits_get_precision() -> logits_precision {
    resolvedPrecision(LOGITS_PRECISION_DEFAULT)
}
