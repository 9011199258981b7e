// The kernels compiled for x86-64-v4 (see Package.swift and
// Sources/Logits/Kernels/MakeKernelTable.swift, linked here).
import Logits

@usableFromInline typealias KernelPolicy = AVX512
@usableFromInline let kernelLevel = CPULevel.x86_64_v4
