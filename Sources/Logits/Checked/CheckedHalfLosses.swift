// The losses over 16-bit storage (issue 15): the logits (and soft or binary
// targets) are float16 or bfloat16 bits; labels, weights and the losses are
// as for float32 (losses are float32 values: a 16-bit loss is the
// quantisation users complain about); the gradient is written in the
// input's format, in place over the logits when asked.
//
// Every check runs first over the whole call (the float32 checks, reading
// the 16-bit values widened), so a refused call writes nothing. Then blocks
// of whole samples are widened into float32 scratch (at most
// `halfLossBlockElements` floats: whole outer slices, or columns of one, at
// least two when there are: the whole call's kernel path), the float32 loss
// kernels of the chosen precision run on the block with the whole call's
// divisor, each block's loss sum comes back unrounded and the sums are
// added in block order (compensated), and the block's gradient is narrowed
// once into the 16-bit gradient. No float32 copy of the whole array.

/// Floats per block of the losses and the sampler (1 MB): a block this
/// large spreads its samples or rows over the library's threads.
@usableFromInline let halfLossBlockElements = 1 << 18

/// Categorical cross-entropy of 16-bit logits or probabilities over
/// `layout` (classes along `layout.length`): `targets` are labels or 16-bit
/// soft targets, `classWeight` float32, `loss` float32 (`sliceCount` values
/// for `.none`, else 1), `grad` (optional) 16-bit and may be `input`.
@inlinable
package func checkedHalfCrossEntropy(
    _ format: HalfFormat, _ input: UnsafePointer<UInt16>?, _ targets: CategoricalTargets<UInt16>,
    _ classWeight: UnsafePointer<Float>?, _ loss: UnsafeMutablePointer<Float>?,
    _ grad: UnsafeMutablePointer<UInt16>?, _ layout: AxisLayout, _ options: CrossEntropyOptions,
    kernels: KernelTable = .portable
) -> Refusal? {
    var divisor = 0.0
    // The format chosen once, not per element read.
    let refusal = format == .f16
        ? crossEntropyRefusal(input, targets, classWeight, loss, grad, layout, options, divisor: &divisor,
                              { Double(widenF16($0)) })
        : crossEntropyRefusal(input, targets, classWeight, loss, grad, layout, options, divisor: &divisor,
                              { Double(widenBF16($0)) })
    if let e = refusal { return e }
    guard let loss else { return nil }
    guard let input, layout.count > 0 else {
        // No samples (or no elements: no classes means no samples): a sum
        // (or mean) of nothing is 0.
        if options.reduction != .none { loss[0] = 0 }
        return nil
    }
    // Blocks of whole samples: whole outer slices, or (a slice longer than
    // the budget) columns of one; a block of 2^18 floats or more spreads its
    // samples over the library's threads (parallelCrossEntropy).
    let blocks = HalfBlocks(layout, budget: halfLossBlockElements)
    let soft: UnsafePointer<UInt16>?
    switch targets {
    case .labels: soft = nil
    case .soft(let p): soft = p
    }
    let floats = blocks.floats &* (soft == nil ? 1 : 2)
    guard let raw = scratchAllocate(floats &* MemoryLayout<Float>.stride) else { return Refusal(.outOfMemory) }
    defer { scratchFree(raw) }
    let a = raw.bindMemory(to: Float.self, capacity: floats)
    let b = a + blocks.floats
    var total = 0.0, tc = 0.0
    var blockSum = 0.0
    var unusedLoss: Float = 0
    var bi = 0
    while bi < blocks.count {
        let (o, j, k, c) = blocks.block(bi)
        let first = o &* layout.inner &+ j  // the block's first sample
        blocks.widen(kernels, format, input, a, o, j, k, c)
        let blockTargets: CategoricalTargets<Float>
        switch targets {
        case .labels(let p): blockTargets = .labels(p.map { $0 + first })
        case .soft: blockTargets = .soft(UnsafePointer(b))
        }
        if let soft { blocks.widen(kernels, format, soft, b, o, j, k, c) }
        withUnsafeMutablePointer(to: &unusedLoss) { dummy in
            let lossOut = options.reduction == .none ? loss + first : dummy
            parallelCrossEntropy(UnsafePointer(a), blockTargets, classWeight, lossOut, grad == nil ? nil : a,
                                 blocks.sub(k, c), options, kernels, divisor: divisor, sumOut: &blockSum)
        }
        if options.reduction != .none { compensatedAdd(&total, &tc, blockSum) }
        if let grad { blocks.narrow(kernels, format, UnsafePointer(a), grad, o, j, k, c) }
        bi &+= 1
    }
    if options.reduction != .none {
        let sum = total + tc
        loss[0] = Float(roundingDouble: options.reduction == .mean ? (divisor > 0 ? sum / divisor : 0) : sum)
    }
    return nil
}

/// Binary cross-entropy of `rows x classes` 16-bit logits or probabilities
/// and 16-bit targets; `posWeight` (classes) and `weight` (every element)
/// float32, `loss` float32 (the element count for `.none`, else 1), `grad`
/// (optional) 16-bit and may be `input`. Each element's loss and gradient
/// are the float32 function's (computed in double from the widened values);
/// the gradient is rounded to float32, then once to the format.
@inlinable
package func checkedHalfBinaryCrossEntropy(
    _ format: HalfFormat, _ input: UnsafePointer<UInt16>?, _ target: UnsafePointer<UInt16>?,
    _ posWeight: UnsafePointer<Float>?, _ weight: UnsafePointer<Float>?, _ loss: UnsafeMutablePointer<Float>?,
    _ grad: UnsafeMutablePointer<UInt16>?, rows: Int, classes: Int, _ options: BinaryCrossEntropyOptions
) -> Refusal? {
    // The format chosen once, not per element read or written.
    switch format {
    case .f16:
        return halfBinaryCrossEntropy(input, target, posWeight, weight, loss, grad, rows, classes, options,
                                      { Double(widenF16($0)) }, { narrowF16(Float(roundingDouble: $0)) })
    case .bf16:
        return halfBinaryCrossEntropy(input, target, posWeight, weight, loss, grad, rows, classes, options,
                                      { Double(widenBF16($0)) }, { narrowBF16(Float(roundingDouble: $0)) })
    }
}

/// `checkedHalfBinaryCrossEntropy` for one format (`read`, `write` its
/// conversions).
@inlinable @inline(__always)
func halfBinaryCrossEntropy(
    _ input: UnsafePointer<UInt16>?, _ target: UnsafePointer<UInt16>?, _ posWeight: UnsafePointer<Float>?,
    _ weight: UnsafePointer<Float>?, _ loss: UnsafeMutablePointer<Float>?, _ grad: UnsafeMutablePointer<UInt16>?,
    _ rows: Int, _ classes: Int, _ options: BinaryCrossEntropyOptions,
    _ read: (UInt16) -> Double, _ write: (Double) -> UInt16
) -> Refusal? {
    if let e = binaryCrossEntropyRefusal(input, target, posWeight, weight, loss, grad, rows: rows,
                                         classes: classes, options, read) { return e }
    guard let loss else { return nil }
    binaryCrossEntropy(input, target, posWeight, weight, loss, grad, rows: rows, classes: classes, options,
                       read, write)
    return nil
}
