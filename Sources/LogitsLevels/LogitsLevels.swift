// LogitsLevels: the part of the Logits product that links the CPU-level
// kernel modules (LogitsV3, LogitsV4) into a Swift program when it enables
// the package trait DispatchedKernels (Package.swift). It holds no code of
// its own: Logits finds the linked tables through weak C symbols
// (Sources/CLogitsShims/levels.c) and dispatches to them at run time.
