import CLogits
import Logits

// Loss options: C structs <-> Swift option values. Enums and flags arrive as
// plain integers and are checked here, so no C value can trap or take a
// wrong branch.

/// The sizes of logits_ce_options / logits_bce_options this library knows
/// (one version so far). Larger or smaller values mean a header mismatch.
let ceOptionsSize = UInt32(MemoryLayout<logits_ce_options>.size)
let bceOptionsSize = UInt32(MemoryLayout<logits_bce_options>.size)

@c @implementation
public func logits_ce_options_init(_ options: UnsafeMutablePointer<logits_ce_options>?) {
    options?.pointee = logits_ce_options(
        struct_size: ceOptionsSize, reduction: LOGITS_REDUCTION_MEAN, from_logits: 1,
        has_ignore_index: 0, ignore_index: -100, label_smoothing: 0, temperature: 1, eps: 1e-7)
}

@c @implementation
public func logits_bce_options_init(_ options: UnsafeMutablePointer<logits_bce_options>?) {
    options?.pointee = logits_bce_options(
        struct_size: bceOptionsSize, reduction: LOGITS_REDUCTION_MEAN, from_logits: 1,
        has_alpha: 0, label_smoothing: 0, gamma: 0, alpha: 0.25, eps: 1e-7)
}

/// 0 and 1 are the only flag values.
@inline(__always)
func isFlag(_ raw: Int32) -> Bool { raw == 0 || raw == 1 }

/// Reads `*p` (NULL: the defaults) into `options`, or refuses it.
func crossEntropyOptions(_ p: UnsafePointer<logits_ce_options>?,
                         _ options: inout CrossEntropyOptions) -> Refusal? {
    guard let o = p?.pointee else { return nil }
    guard o.struct_size == ceOptionsSize else { return Refusal(.ceStructSize) }
    guard let reduction = Reduction(rawValue: o.reduction) else { return Refusal(.reduction) }
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
                   _ options: inout BinaryCrossEntropyOptions) -> Refusal? {
    guard let o = p?.pointee else { return nil }
    guard o.struct_size == bceOptionsSize else { return Refusal(.bceStructSize) }
    guard let reduction = Reduction(rawValue: o.reduction) else { return Refusal(.reduction) }
    guard isFlag(o.from_logits) else { return Refusal(.fromLogitsFlag) }
    guard isFlag(o.has_alpha) else { return Refusal(.alphaFlag) }
    options = BinaryCrossEntropyOptions(
        reduction: reduction, fromLogits: o.from_logits == 1, labelSmoothing: o.label_smoothing,
        gamma: o.gamma, alpha: o.has_alpha == 1 ? o.alpha : nil, eps: o.eps)
    return options.check()
}
