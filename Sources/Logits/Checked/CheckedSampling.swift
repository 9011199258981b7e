// The checked entry points of sampling and selection (include/logits.h:
// logits_sample_*, logits_sample_from_uniform_*, logits_top_k_*,
// logits_argmax_*). Everything is checked, and the rows sampled into
// scratch, before any output is written.

/// `.overlap` when `output` shares a byte with any of six regions (no array:
/// nothing here may allocate or hold a bounds-check trap).
@inlinable
func checkApart(_ output: Region, _ a: Region, _ b: Region, _ c: Region, _ d: Region, _ e: Region,
                _ f: Region) -> Refusal? {
    output.overlaps(a) || output.overlaps(b) || output.overlaps(c) || output.overlaps(d)
        || output.overlaps(e) || output.overlaps(f) ? Refusal(.overlap) : nil
}

/// Samples one token per row of `x` (rows x vocab): with `uniform` (rows
/// numbers in [0, 1)) when given, else the Philox draw of (seed, row).
/// `logprobs` and `rawLogprobs` may be nil.
@inlinable
package func checkedSample<T: LogitsFloat>(
    _ x: UnsafePointer<T>?, uniform: UnsafePointer<Double>?, useUniform: Bool,
    _ tokens: UnsafeMutablePointer<Int64>?, _ logprobs: UnsafeMutablePointer<T>?,
    _ rawLogprobs: UnsafeMutablePointer<T>?, rows: Int, vocab: Int, _ s: SamplerSettings,
    kernels: KernelTable = .portable
) -> Refusal? {
    if let e = sampleRefusal(x, uniform: uniform, useUniform: useUniform, tokens, logprobs, rawLogprobs,
                             rows: rows, vocab: vocab, s) { return e }
    guard rows > 0, let x, let tokens else { return nil }
    return withSampledTokens(rows, tokens, logprobs, rawLogprobs) { results in
        parallelSample(x, rows, vocab, s, useUniform ? uniform : nil, rawLogprobs != nil, results,
                       kernels: kernels)
    }
}

/// Every check of a sampler call before any write (`S` the logits' storage,
/// `W` the log-probabilities' type); nil when the call may go on (with no
/// rows: nothing to do).
@inlinable
func sampleRefusal<S, W>(
    _ x: UnsafePointer<S>?, uniform: UnsafePointer<Double>?, useUniform: Bool,
    _ tokens: UnsafeMutablePointer<Int64>?, _ logprobs: UnsafeMutablePointer<W>?,
    _ rawLogprobs: UnsafeMutablePointer<W>?, rows: Int, vocab: Int, _ s: SamplerSettings
) -> Refusal? {
    if let e = s.checkScalars() { return e }
    guard rows >= 0, vocab >= 0, s.historyLength >= 0, s.biasCount >= 0 else { return Refusal(.sizeOverflow) }
    let total = rows.multipliedReportingOverflow(by: vocab)
    let historyTotal = rows.multipliedReportingOverflow(by: s.historyLength)
    guard !total.overflow, !historyTotal.overflow else { return Refusal(.sizeOverflow) }
    let xr = Region(x, count: total.partialValue)
    let ur = Region(uniform, count: useUniform ? rows : 0)
    let hr = Region(s.history, count: s.history == nil ? 0 : historyTotal.partialValue)
    let cr = Region(s.counts, count: s.counts == nil ? 0 : total.partialValue)
    let ir = Region(s.biasIDs, count: s.biasCount)
    let vr = Region(s.biasValues, count: s.biasCount)
    let tr = Region(tokens, count: rows)
    let lr = Region(logprobs, count: logprobs == nil ? 0 : rows)
    let rr = Region(rawLogprobs, count: rawLogprobs == nil ? 0 : rows)
    if let e = xr.refusal ?? ur.refusal ?? hr.refusal { return e }
    if let e = cr.refusal ?? ir.refusal ?? vr.refusal { return e }
    if let e = tr.refusal ?? lr.refusal ?? rr.refusal { return e }
    if let e = checkApart(tr, xr, ur, hr, cr, ir, vr) { return e }
    if let e = checkApart(lr, xr, ur, hr, cr, ir, vr) { return e }
    if let e = checkApart(rr, xr, ur, hr, cr, ir, vr) { return e }
    if tr.overlaps(lr) || tr.overlaps(rr) || lr.overlaps(rr) { return Refusal(.overlap) }
    guard rows > 0, x != nil, tokens != nil else { return nil }
    guard vocab > 0 else { return Refusal(.noVocabulary) }
    if let e = checkSamplerValues(s, rows: rows, vocab: vocab) { return e }
    if useUniform, let uniform {
        var r = 0
        while r < rows {
            let u = uniform[r]
            guard u >= 0, u < 1 else { return Refusal(.uniform, position: r, value: u) }
            r &+= 1
        }
    }
    return nil
}

/// Runs `sampleAll` with scratch for every row's result, then (unless it
/// refused) writes the tokens and log-probabilities: nothing is written
/// before every row is sampled.
@inlinable
func withSampledTokens<W: LogitsFloat>(
    _ rows: Int, _ tokens: UnsafeMutablePointer<Int64>, _ logprobs: UnsafeMutablePointer<W>?,
    _ rawLogprobs: UnsafeMutablePointer<W>?, _ sampleAll: (UnsafeMutablePointer<SampledToken>) -> Refusal?
) -> Refusal? {
    guard let resultBytes = scratchAllocate(rows &* MemoryLayout<SampledToken>.stride) else {
        return Refusal(.outOfMemory)
    }
    defer { scratchFree(resultBytes) }
    let results = resultBytes.bindMemory(to: SampledToken.self, capacity: rows)
    if let e = sampleAll(results) { return e }
    var r = 0
    while r < rows {
        tokens[r] = Int64(results[r].token)
        logprobs?[r] = W(roundingDouble: results[r].logprob)
        rawLogprobs?[r] = W(roundingDouble: results[r].rawLogprob)
        r &+= 1
    }
    return nil
}

/// The history ids, counts and bias of `s` checked against the vocabulary.
@inlinable
func checkSamplerValues(_ s: SamplerSettings, rows: Int, vocab: Int) -> Refusal? {
    let v = Int64(vocab)
    if let h = s.history {
        let n = rows &* s.historyLength
        var j = 0
        while j < n {
            let id = h[j]
            guard id >= -1, id < v else {
                return Refusal(.historyID, position: j, value: Double(id), limit: s.historyLength)
            }
            j &+= 1
        }
    }
    if let c = s.counts {
        let n = rows &* vocab
        var j = 0
        while j < n {
            guard c[j] >= 0 else { return Refusal(.historyCount, position: j, value: Double(c[j]), limit: vocab) }
            j &+= 1
        }
    }
    if let ids = s.biasIDs, let values = s.biasValues {
        var j = 0
        while j < s.biasCount {
            guard ids[j] >= 0, ids[j] < v else { return Refusal(.biasID, position: j, value: Double(ids[j])) }
            guard !values[j].isNaN else { return Refusal(.biasValue, position: j, value: values[j]) }
            j &+= 1
        }
    }
    return nil
}

/// The k largest elements of each row of x (rows x cols), largest first,
/// ties to the lower index, NaN above every number: values and indices
/// rows x k. k may be 0 (nothing written) and at most cols.
@inlinable
package func checkedTopK<T: LogitsFloat>(
    _ x: UnsafePointer<T>?, _ values: UnsafeMutablePointer<T>?, _ indices: UnsafeMutablePointer<Int64>?,
    rows: Int, cols: Int, k: Int, kernels: KernelTable = .portable
) -> Refusal? {
    if let e = topKRefusal(x, values, indices, rows: rows, cols: cols, k: k) { return e }
    guard rows &* k > 0, let x, let values, let indices else { return nil }
    return withTopKScratch(cols) { pairs in
        var r = 0
        while r < rows {
            let row = x + r &* cols
            topKRow(row, cols, k, pairs, kernels) { j, index in
                values[r &* k &+ j] = row[index]
                indices[r &* k &+ j] = Int64(index)
            }
            r &+= 1
        }
        return nil
    }
}

/// Runs `body` with scratch for one row's (key, index) pairs.
@inlinable
func withTopKScratch(_ cols: Int, _ body: (UnsafeMutablePointer<KeyIndex>) -> Refusal?) -> Refusal? {
    guard let bytes = scratchAllocate(cols &* MemoryLayout<KeyIndex>.stride) else { return Refusal(.outOfMemory) }
    defer { scratchFree(bytes) }
    return body(bytes.bindMemory(to: KeyIndex.self, capacity: cols))
}

/// The k largest of a row of `cols`, largest first: `write(j, index)` for
/// each (ties to the lower index, NaN above every number).
@inlinable @inline(__always)
func topKRow<T: LogitsFloat>(_ row: UnsafePointer<T>, _ cols: Int, _ k: Int, _ pairs: UnsafeMutablePointer<KeyIndex>,
                             _ kernels: KernelTable, _ write: (Int, Int) -> Void) {
    let n = kernels.selectTop(row, cols, k, pairs)
    sortDescending(pairs, n)
    var j = 0
    while j < n {
        write(j, pairs[j].index)
        j &+= 1
    }
}

/// The checks of a top-k call (any element storage `S`).
@inlinable
func topKRefusal<S>(
    _ x: UnsafePointer<S>?, _ values: UnsafeMutablePointer<S>?, _ indices: UnsafeMutablePointer<Int64>?,
    rows: Int, cols: Int, k: Int
) -> Refusal? {
    guard rows >= 0, cols >= 0, k >= 0 else { return Refusal(.sizeOverflow) }
    let total = rows.multipliedReportingOverflow(by: cols)
    let outTotal = rows.multipliedReportingOverflow(by: k)
    guard !total.overflow, !outTotal.overflow else { return Refusal(.sizeOverflow) }
    let input = Region(x, count: total.partialValue)
    let vr = Region(values, count: outTotal.partialValue)
    let ir = Region(indices, count: outTotal.partialValue)
    if let e = input.refusal ?? vr.refusal ?? ir.refusal { return e }
    if vr.overlaps(input) || ir.overlaps(input) || vr.overlaps(ir) { return Refusal(.overlap) }
    guard k <= cols else { return Refusal(.topKCount, value: Double(k), limit: cols) }
    return nil
}

/// The index of the largest element of each row (the first on ties; the
/// first NaN if the row has one).
@inlinable
package func checkedArgmax<T: LogitsFloat>(
    _ x: UnsafePointer<T>?, _ indices: UnsafeMutablePointer<Int64>?, rows: Int, cols: Int,
    kernels: KernelTable = .portable
) -> Refusal? {
    if let e = argmaxRefusal(x, indices, rows: rows, cols: cols) { return e }
    guard rows > 0, let x, let indices else { return nil }
    var r = 0
    while r < rows {
        indices[r] = Int64(kernels.argmax(x + r &* cols, cols))
        r &+= 1
    }
    return nil
}

/// The checks of an argmax call (any element storage `S`).
@inlinable
func argmaxRefusal<S>(_ x: UnsafePointer<S>?, _ indices: UnsafeMutablePointer<Int64>?, rows: Int, cols: Int)
    -> Refusal?
{
    guard rows >= 0, cols >= 0 else { return Refusal(.sizeOverflow) }
    let total = rows.multipliedReportingOverflow(by: cols)
    guard !total.overflow else { return Refusal(.sizeOverflow) }
    let input = Region(x, count: total.partialValue)
    let output = Region(indices, count: rows)
    if let e = input.refusal ?? output.refusal ?? (output.overlaps(input) ? Refusal(.overlap) : nil) { return e }
    guard rows > 0, x != nil, indices != nil else { return nil }
    guard cols > 0 else { return Refusal(.noVocabulary) }
    return nil
}

/// The first index of the largest of n > 0 elements, NaN counting as largest.
@inlinable
package func rowArgmax<P: ArithmeticPolicy, T: LogitsFloat>(_: P.Type, _ x: UnsafePointer<T>, _ n: Int) -> Int {
    let m = rowMaximum(x, n)
    var i = 0
    if m.nan {
        while !x[i].isNaN { i &+= 1 }
        return i
    }
    while x[i] != m.max { i &+= 1 }
    return i
}
