// The kernels compiled for x86-64-v4 (see Package.swift and
// Sources/Logits/MakeKernelTable.swift, linked here).
import Logits

@usableFromInline typealias KernelPolicy = AVX512
@usableFromInline let kernelLevel = 4
