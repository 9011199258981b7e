// The sampler, top-k and argmax over 16-bit logits (issue 15): the checks of
// the float functions first, then blocks of whole rows widened into float32
// scratch (at most `halfLossBlockElements` floats, or one row: a block that
// large spreads its rows over the library's threads), the float32
// code on each block, with the call's row numbers (history, counts,
// uniforms and Philox draws are per call row). Log-probabilities are
// float32; top-k values are the rows' own 16-bit values.

/// The rows of one block and its float32 copy: calls `body(firstRow, rows,
/// widened)` for each block of whole rows of `x` (rows x cols), the blocks
/// of `HalfBlocks` over rows of `cols` with the losses' budget.
@inlinable
func forEachHalfRowBlock(
    _ format: HalfFormat, _ x: UnsafePointer<UInt16>, rows: Int, cols: Int, kernels: KernelTable,
    _ body: (Int, Int, UnsafePointer<Float>) -> Refusal?
) -> Refusal? {
    let blocks = HalfBlocks(AxisLayout(rows, cols, 1, rows &* cols, rows), budget: halfLossBlockElements)
    guard let raw = scratchAllocate(Swift.max(blocks.floats, 1) &* MemoryLayout<Float>.stride) else {
        return Refusal(.outOfMemory)
    }
    defer { scratchFree(raw) }
    let a = raw.bindMemory(to: Float.self, capacity: Swift.max(blocks.floats, 1))
    var b = 0
    while b < blocks.count {
        let (o, j, k, c) = blocks.block(b)
        blocks.widen(kernels, format, x, a, o, j, k, c)
        if let e = body(o, k, UnsafePointer(a)) { return e }
        b &+= 1
    }
    return nil
}

/// `checkedSample` over 16-bit logits, with float32 log-probabilities.
@inlinable
package func checkedHalfSample(
    _ format: HalfFormat, _ x: UnsafePointer<UInt16>?, uniform: UnsafePointer<Double>?, useUniform: Bool,
    _ tokens: UnsafeMutablePointer<Int64>?, _ logprobs: UnsafeMutablePointer<Float>?,
    _ rawLogprobs: UnsafeMutablePointer<Float>?, rows: Int, vocab: Int, _ s: SamplerSettings,
    kernels: KernelTable = .portable
) -> Refusal? {
    if let e = sampleRefusal(x, uniform: uniform, useUniform: useUniform, tokens, logprobs, rawLogprobs,
                             rows: rows, vocab: vocab, s) { return e }
    guard rows > 0, let x, let tokens else { return nil }
    return withSampledTokens(rows, tokens, logprobs, rawLogprobs) { results in
        forEachHalfRowBlock(format, x, rows: rows, cols: vocab, kernels: kernels) { first, k, block in
            parallelSample(block, k, vocab, s, useUniform ? uniform : nil, rawLogprobs != nil, results + first,
                           firstRow: first, kernels: kernels)
        }
    }
}

/// `checkedTopK` over 16-bit values: `values` are the rows' own 16-bit
/// values (largest first, ties to the lower index, NaN above every number).
@inlinable
package func checkedHalfTopK(
    _ format: HalfFormat, _ x: UnsafePointer<UInt16>?, _ values: UnsafeMutablePointer<UInt16>?,
    _ indices: UnsafeMutablePointer<Int64>?, rows: Int, cols: Int, k: Int, kernels: KernelTable = .portable
) -> Refusal? {
    if let e = topKRefusal(x, values, indices, rows: rows, cols: cols, k: k) { return e }
    guard rows &* k > 0, let x, let values, let indices else { return nil }
    return withTopKScratch(cols) { pairs in
        forEachHalfRowBlock(format, x, rows: rows, cols: cols, kernels: kernels) { first, n, block in
            var r = 0
            while r < n {
                let row = first &+ r
                topKRow(block + r &* cols, cols, k, pairs, kernels) { j, index in
                    values[row &* k &+ j] = x[row &* cols &+ index]
                    indices[row &* k &+ j] = Int64(index)
                }
                r &+= 1
            }
            return nil
        }
    }
}

/// `checkedArgmax` over 16-bit values.
@inlinable
package func checkedHalfArgmax(
    _ format: HalfFormat, _ x: UnsafePointer<UInt16>?, _ indices: UnsafeMutablePointer<Int64>?, rows: Int,
    cols: Int, kernels: KernelTable = .portable
) -> Refusal? {
    if let e = argmaxRefusal(x, indices, rows: rows, cols: cols) { return e }
    guard rows > 0, let x, let indices else { return nil }
    return forEachHalfRowBlock(format, x, rows: rows, cols: cols, kernels: kernels) { first, n, block in
        var r = 0
        while r < n {
            indices[first &+ r] = Int64(kernels.argmax(block + r &* cols, cols))
            r &+= 1
        }
        return nil
    }
}
