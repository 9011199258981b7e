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

func reduction(_ raw: Int32) throws(LogitsError) -> Reduction {
    guard let r = Reduction(rawValue: raw) else {
        throw .invalidArgument("reduction must be LOGITS_REDUCTION_NONE, _MEAN or _SUM")
    }
    return r
}

func flag(_ raw: Int32, _ name: String) throws(LogitsError) -> Bool {
    guard raw == 0 || raw == 1 else { throw .invalidArgument("\(name) must be 0 or 1") }
    return raw == 1
}

func crossEntropyOptions(_ p: UnsafePointer<logits_ce_options>?) throws(LogitsError) -> CrossEntropyOptions {
    guard let o = p?.pointee else { return CrossEntropyOptions() }
    guard o.struct_size == ceOptionsSize else {
        throw .invalidArgument("struct_size: call logits_ce_options_init first")
    }
    let options = try CrossEntropyOptions(
        reduction: reduction(o.reduction), fromLogits: flag(o.from_logits, "from_logits"),
        ignoreIndex: flag(o.has_ignore_index, "has_ignore_index") ? o.ignore_index : nil,
        labelSmoothing: o.label_smoothing, temperature: o.temperature, eps: o.eps)
    try options.validate()
    return options
}

func binaryOptions(_ p: UnsafePointer<logits_bce_options>?) throws(LogitsError) -> BinaryCrossEntropyOptions {
    guard let o = p?.pointee else { return BinaryCrossEntropyOptions() }
    guard o.struct_size == bceOptionsSize else {
        throw .invalidArgument("struct_size: call logits_bce_options_init first")
    }
    let options = try BinaryCrossEntropyOptions(
        reduction: reduction(o.reduction), fromLogits: flag(o.from_logits, "from_logits"),
        labelSmoothing: o.label_smoothing, gamma: o.gamma,
        alpha: flag(o.has_alpha, "has_alpha") ? o.alpha : nil, eps: o.eps)
    try options.validate()
    return options
}
