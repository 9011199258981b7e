// The kernels compiled in this module, for the package's baseline target
// (the counterparts of LogitsV3/Level.swift and LogitsV4/Level.swift).

/// The policy of the kernels compiled in this module (portable: no FMA).
@usableFromInline typealias KernelPolicy = Unfused
@usableFromInline let kernelLevel = CPULevel.baseline
