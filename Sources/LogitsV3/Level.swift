// The kernels compiled for x86-64-v3 (see Package.swift and
// Sources/Logits/Kernels/MakeKernelTable.swift, linked here).
import Logits

@usableFromInline typealias KernelPolicy = Fused
@usableFromInline let kernelLevel = CPULevel.x86_64_v3

/// This level's tables, made once, for Logits' dispatch
/// (lgt_shims_kernel_table in Sources/CLogitsShims/levels.c). Written once by
/// the global's thread-safe initialisation, read-only after it.
nonisolated(unsafe) let exactTable = UnsafeRawPointer(allocatedTable(makeKernelTable(fast: false)))
nonisolated(unsafe) let fastTable = UnsafeRawPointer(allocatedTable(makeKernelTable(fast: true)))

@_cdecl("lgt_kernel_table_v3")
public func kernelTableV3(_ fast: Int32) -> UnsafeRawPointer {
    fast != 0 ? fastTable : exactTable
}
