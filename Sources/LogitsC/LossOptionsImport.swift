import CLogits
import Logits

// Loss options: C structs <-> Swift option values. Enums and flags arrive as
// plain integers and are checked here, so no C value can trap or take a
// wrong branch.

/// The sizes of logits_ce_options / logits_bce_options this library knows:
/// this version's, and 0.2's (which ended before `precision`: such a caller
/// gets the process default precision). Other values mean a header mismatch.
let ceOptionsSize = UInt32(MemoryLayout<logits_ce_options>.size)
let bceOptionsSize = UInt32(MemoryLayout<logits_bce_options>.size)
let ceOptionsSizeV02 = UInt32(MemoryLayout<logits_ce_options>.offset(of: \.precision) ?? 0)
let bceOptionsSizeV02 = UInt32(MemoryLayout<logits_bce_options>.offset(of: \.precision) ?? 0)

/// The kernels of an options struct's precision field (absent from a 0.2
/// struct: the process default), or a refusal.
func optionsKernels(_ size: UInt32, _ current: UInt32, _ precision: Int32,
                    _ table: inout KernelTable) -> Refusal? {
    guard size == current else { return nil }
    guard let k = kernels(for: precision) else { return Refusal(.precision) }
    table = k
    return nil
}

@c @implementation
public func logits_ce_options_init(_ options: UnsafeMutablePointer<logits_ce_options>?) {
    options?.pointee = logits_ce_options(
        struct_size: ceOptionsSize, reduction: LOGITS_REDUCTION_MEAN, from_logits: 1,
        has_ignore_index: 0, ignore_index: -100, label_smoothing: 0, temperature: 1, eps: 1e-7,
        precision: LOGITS_PRECISION_DEFAULT)
}

@c @implementation
public func logits_bce_options_init(_ options: UnsafeMutablePointer<logits_bce_options>?) {
    options?.pointee = logits_bce_options(
        struct_size: bceOptionsSize, reduction: LOGITS_REDUCTION_MEAN, from_logits: 1,
        has_alpha: 0, label_smoothing: 0, gamma: 0, alpha: 0.25, eps: 1e-7,
        precision: LOGITS_PRECISION_DEFAULT)
}

/// 0 and 1 are the only flag values.
@inline(__always)
func isFlag(_ raw: Int32) -> Bool { raw == 0 || raw == 1 }

/// Reads `*p` (NULL: the defaults) into `options`, or refuses it.
func crossEntropyOptions(_ p: UnsafePointer<logits_ce_options>?,
                         _ options: inout CrossEntropyOptions, _ kernels: inout KernelTable) -> Refusal? {
    guard let p else { return nil }
    let size = UnsafeRawPointer(p).load(as: UInt32.self)
    guard size == ceOptionsSize || size == ceOptionsSizeV02 else { return Refusal(.ceStructSize) }
    // A 0.2 struct is shorter: read only its fields.
    var o = logits_ce_options()
    withUnsafeMutablePointer(to: &o) { UnsafeMutableRawPointer($0).copyMemory(from: p, byteCount: Int(size)) }
    if let e = optionsKernels(size, ceOptionsSize, o.precision, &kernels) { return e }
    guard let reduction = Logits.Reduction(rawValue: o.reduction) else { return Refusal(.reduction) }
    guard isFlag(o.from_logits) else { return Refusal(.fromLogitsFlag) }
    guard isFlag(o.has_ignore_index) else { return Refusal(.ignoreIndexFlag) }
    options = CrossEntropyOptions(
        reduction: reduction, fromLogits: o.from_logits == 1,
        ignoreIndex: o.has_ignore_index == 1 ? o.ignore_index : nil,
        labelSmoothing: o.label_smoothing, temperature: o.temperature, eps: o.eps)
    return options.check()
}

/// Reads `*p` (NULL: the defaults) into `options`, or refuses it.
func binaryOptions(_ p: UnsafePointer<logits_bce_options>?,
                   _ options: inout BinaryCrossEntropyOptions, _ kernels: inout KernelTable) -> Refusal? {
    guard let p else { return nil }
    let size = UnsafeRawPointer(p).load(as: UInt32.self)
    guard size == bceOptionsSize || size == bceOptionsSizeV02 else { return Refusal(.bceStructSize) }
    var o = logits_bce_options()
    withUnsafeMutablePointer(to: &o) { UnsafeMutableRawPointer($0).copyMemory(from: p, byteCount: Int(size)) }
    if let e = optionsKernels(size, bceOptionsSize, o.precision, &kernels) { return e }
    guard let reduction = Logits.Reduction(rawValue: o.reduction) else { return Refusal(.reduction) }
    guard isFlag(o.from_logits) else { return Refusal(.fromLogitsFlag) }
    guard isFlag(o.has_alpha) else { return Refusal(.alphaFlag) }
    options = BinaryCrossEntropyOptions(
        reduction: reduction, fromLogits: o.from_logits == 1, labelSmoothing: o.label_smoothing,
        gamma: o.gamma, alpha: o.has_alpha == 1 ? o.alpha : nil, eps: o.eps)
    return options.check()
}
