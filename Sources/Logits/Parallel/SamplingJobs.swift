// The sampler on the library's threads: rows split into parts fixed by the
// shape (`partCount`), each part with its own scratch. A row's token depends
// only on the row, the options and its uniform, so the result is the same
// with any thread count; a refusal is the one of the lowest row.

/// The rows of one sampler call (run by the kernel table's
/// `samplePartF32`/`samplePartF64`, compiled at each CPU level).
@usableFromInline
package struct SampleJob<T: LogitsFloat> {
    @usableFromInline let x: UnsafePointer<T>
    @usableFromInline let rows: Int, vocab: Int
    @usableFromInline let settings: SamplerSettings
    /// Caller uniforms, or nil: the Philox draw of (seed, row).
    @usableFromInline let uniform: UnsafePointer<Double>?
    @usableFromInline let wantRaw: Bool
    @usableFromInline let results: UnsafeMutablePointer<SampledToken>
    /// One slot per part: its first refusal, or nil.
    @usableFromInline let refusals: UnsafeMutablePointer<Refusal?>
    /// The call's row of `x`'s first row (a block of a 16-bit call: the
    /// history, counts, uniforms and Philox draws are the call's rows).
    @usableFromInline let firstRow: Int

    @inlinable
    init(_ x: UnsafePointer<T>, _ rows: Int, _ vocab: Int, _ settings: SamplerSettings,
         _ uniform: UnsafePointer<Double>?, _ wantRaw: Bool, _ results: UnsafeMutablePointer<SampledToken>,
         _ refusals: UnsafeMutablePointer<Refusal?>, firstRow: Int) {
        self.x = x; self.rows = rows; self.vocab = vocab; self.settings = settings
        self.uniform = uniform; self.wantRaw = wantRaw; self.results = results; self.refusals = refusals
        self.firstRow = firstRow
    }

    @inlinable
    package func run<P: ArithmeticPolicy>(_: P.Type, _ part: Int, _ parts: Int) {
        guard let scratch = SamplerScratch(T.self, vocab: vocab, historyLength: settings.historyLength) else {
            refusals[part] = Refusal(.outOfMemory)
            return
        }
        defer { scratch.release() }
        var (r, hi) = partRange(rows, part, parts)
        while r < hi {
            let row = firstRow &+ r
            let u = uniform?[row] ?? samplerUniform(seed: settings.seed, row: UInt64(truncatingIfNeeded: row))
            var out = SampledToken()
            if let e = sampleRow(P.self, x + r &* vocab, vocab, row, u, settings, scratch, wantRaw: wantRaw, &out) {
                refusals[part] = e
                return
            }
            results[r] = out
            r &+= 1
        }
    }
}

/// Samples every row into `results` on the library's threads; the refusal
/// of the lowest refused row, if any. `x` holds rows `firstRow ..<
/// firstRow + rows` of the call, `results` their slots.
@inlinable
func parallelSample<T: LogitsFloat>(
    _ x: UnsafePointer<T>, _ rows: Int, _ vocab: Int, _ s: SamplerSettings,
    _ uniform: UnsafePointer<Double>?, _ wantRaw: Bool, _ results: UnsafeMutablePointer<SampledToken>,
    firstRow: Int = 0, kernels: KernelTable
) -> Refusal? {
    let parts = partCount(slices: rows, elementsPerSlice: vocab)
    guard let bytes = scratchAllocate(parts &* MemoryLayout<Refusal?>.stride) else { return Refusal(.outOfMemory) }
    defer { scratchFree(bytes) }
    let refusals = bytes.bindMemory(to: Refusal?.self, capacity: parts)
    refusals.initialize(repeating: nil, count: parts)
    withUnsafePointer(to: SampleJob(x, rows, vocab, s, uniform, wantRaw, results, refusals,
                                    firstRow: firstRow)) { job in
        runParts(parts, UnsafeRawPointer(job), kernels.samplePart(T.self))
    }
    var part = 0
    while part < parts {
        if let e = refusals[part] { return e }
        part &+= 1
    }
    return nil
}
