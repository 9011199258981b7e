import CLogits
import CLogitsShims
import Logits
#if LOGITS_X86_LEVELS
import LogitsV3
import LogitsV4
import _Builtin_intrinsics.intel.cpuid
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

// Runtime CPU dispatch: the kernel table for this process, chosen once (at
// the first call) from the CPU's features. LOGITS_CPU=baseline|x86-64-v3
// lowers the choice (for tests and comparisons); it never raises it above
// what the CPU supports.

/// The CPU level every export uses, and its kernels in each precision.
let selectedLevel: Int = chooseLevel()
let selectedKernels: KernelTable = makeKernels(fast: false)
let selectedFastKernels: KernelTable = makeKernels(fast: true)

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

/// 0 baseline, 3 x86-64-v3, 4 x86-64-v4: what the CPU and OS support.
func supportedLevel() -> Int {
    #if LOGITS_X86_LEVELS
    var a: UInt32 = 0, b: UInt32 = 0, c: UInt32 = 0, d: UInt32 = 0
    guard __get_cpuid(1, &a, &b, &c, &d) != 0 else { return 0 }
    // FMA, MOVBE, OSXSAVE (the OS saves the vector state), AVX, F16C.
    let leaf1: UInt32 = 1 << 12 | 1 << 22 | 1 << 27 | 1 << 28 | 1 << 29
    guard c & leaf1 == leaf1, __get_cpuid_count(7, 0, &a, &b, &c, &d) != 0 else { return 0 }
    // The OS must have enabled the registers too (XCR0, Intel SDM 15.2):
    // SSE and AVX state for v3, and the AVX-512 opmask and upper ZMM state
    // for v4. CPUID alone can advertise what a hypervisor has not enabled.
    let xcr0 = lgt_shims_xcr0()
    guard xcr0 & 0x6 == 0x6 else { return 0 }
    // AVX2, BMI1, BMI2.
    let v3: UInt32 = 1 << 5 | 1 << 3 | 1 << 8
    guard b & v3 == v3 else { return 0 }
    // AVX512 F, DQ, CD, BW, VL, and their register state.
    let v4: UInt32 = 1 << 16 | 1 << 17 | 1 << 28 | 1 << 30 | 1 << 31
    return b & v4 == v4 && xcr0 & 0xE6 == 0xE6 ? 4 : 3
    #else
    return 0
    #endif
}

/// The level LOGITS_CPU asks for: unset or empty, the highest; exactly
/// "baseline", "x86-64-v3" or "x86-64-v4", that level (never above what the
/// CPU supports); anything else, the baseline (the safe choice for a
/// misspelt request to go lower), with one line on standard error.
func requestedLevel() -> Int {
    guard let p = getenv("LOGITS_CPU"), p.pointee != 0 else { return CPULevel.x86_64_v4 }
    if strcmp(p, "baseline") == 0 { return CPULevel.baseline }
    if strcmp(p, "x86-64-v3") == 0 { return CPULevel.x86_64_v3 }
    if strcmp(p, "x86-64-v4") == 0 { return CPULevel.x86_64_v4 }
    let warning: StaticString = "logits: LOGITS_CPU is not one of baseline, x86-64-v3, x86-64-v4; using baseline\n"
    _ = write(2, warning.utf8Start, warning.utf8CodeUnitCount)
    return CPULevel.baseline
}

func chooseLevel() -> Int {
    #if LOGITS_X86_LEVELS
    return min(supportedLevel(), requestedLevel())
    #else
    return CPULevel.baseline
    #endif
}

func makeKernels(fast: Bool) -> KernelTable {
    #if LOGITS_X86_LEVELS
    switch selectedLevel {
    case CPULevel.x86_64_v4: return LogitsV4.makeKernelTable(fast: fast)
    case CPULevel.x86_64_v3: return LogitsV3.makeKernelTable(fast: fast)
    default: return fast ? KernelTable.portableFast : KernelTable.portable
    }
    #else
    return fast ? KernelTable.portableFast : KernelTable.portable
    #endif
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
    setDefaultPrecision(p)
    return status(nil)
}

@c @implementation
public func logits_get_precision() -> logits_precision {
    resolvedPrecision(LOGITS_PRECISION_DEFAULT)
}
