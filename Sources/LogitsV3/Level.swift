// The kernels compiled for x86-64-v3 (see Package.swift and
// Sources/Logits/Kernels/MakeKernelTable.swift, linked here).
import Logits

@usableFromInline typealias KernelPolicy = Fused
@usableFromInline let kernelLevel = CPULevel.x86_64_v3
