// Runtime CPU dispatch for both doors: the kernel tables of this process,
// chosen once (at first use) from the CPU's features and from the tables
// that are linked. The CPU-level modules (LogitsV3, LogitsV4) import this
// module, so it finds their tables through weak C symbols
// (lgt_shims_kernel_table, Sources/CLogitsShims/levels.c): always present in
// liblogits.so, and in a Swift program when it enables the package trait
// DispatchedKernels; otherwise the baseline tables serve.
//
// LOGITS_CPU=baseline|x86-64-v3|x86-64-v4 lowers the choice (for tests and
// comparisons); it never raises it above what the CPU supports.
import CLogitsShims

#if arch(x86_64)
import _Builtin_intrinsics.intel.cpuid
#endif
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// 0 baseline, 3 x86-64-v3, 4 x86-64-v4: what the CPU and OS support.
func supportedLevel() -> Int {
    #if arch(x86_64)
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

/// The linked table of `level` in a precision, or nil.
func linkedTable(_ level: Int, fast: Bool) -> KernelTable? {
    guard let p = lgt_shims_kernel_table(Int32(truncatingIfNeeded: level), fast ? 1 : 0) else { return nil }
    return p.assumingMemoryBound(to: KernelTable.self).pointee
}

/// The CPU level this process runs: the highest the CPU supports, LOGITS_CPU
/// allows and whose module is linked.
@usableFromInline
package let dispatchedLevel: Int = {
    var level = min(supportedLevel(), requestedLevel())
    while level > CPULevel.baseline && linkedTable(level, fast: false) == nil {
        level = level == CPULevel.x86_64_v4 ? CPULevel.x86_64_v3 : CPULevel.baseline
    }
    return level
}()

extension KernelTable {
    /// The exact kernels of `dispatchedLevel`.
    @usableFromInline
    package static let dispatchedExact: KernelTable = linkedTable(dispatchedLevel, fast: false) ?? .portable
    /// The fast kernels of `dispatchedLevel`.
    @usableFromInline
    package static let dispatchedFast: KernelTable = linkedTable(dispatchedLevel, fast: true) ?? .portableFast
}

/// `table` in memory that lives as long as the process (a CPU-level
/// module's tables, handed out through a C pointer).
package func allocatedTable(_ table: KernelTable) -> UnsafeMutablePointer<KernelTable> {
    let p = UnsafeMutablePointer<KernelTable>.allocate(capacity: 1)
    p.initialize(to: table)
    return p
}
