// One row of the sampler: penalties and bias on a copy of the row (only when
// there are any), then the filters on candidates found without sorting the
// row (SamplerFilters.swift), then one draw. Every number that decides the
// token is computed by plain IEEE arithmetic (SamplerTerms.swift: no FMA, no
// libm), the same on every CPU, so the token depends on (row, options,
// uniform) alone.
//
// `P` is the CPU level's policy (KernelTable.samplePartF32 and F64): it only
// makes each level's module specialise these functions as its own copy, in
// its vector width. Its arithmetic is never used: no FMA, the same bits at
// every level.
//
// Notation: w the working logits, M their maximum, z = w - M <= 0 (when M
// is +inf: 0 for the +inf entries, -inf for the rest, the limit of
// softmax), f = z / Tf the values the filters read (Tf = T in transformers'
// order, 1 in llama.cpp's), g = z / T the final distribution's logits.

/// What one row's sampling gives.
@frozen @usableFromInline
package struct SampledToken {
    @usableFromInline package var token: Int = 0
    /// log-probability under the final (filtered, tempered) distribution.
    @usableFromInline package var logprob: Double = 0
    /// log-probability under softmax of the unmodified row.
    @usableFromInline package var rawLogprob: Double = 0
    @inlinable package init() {}
}

/// Scratch for one row at a time: top-k's entries, the filters'
/// candidates, the block sums of a draw over the whole row, the working
/// copy, the row's terms and the history's ids (one allocation).
@frozen @usableFromInline
package struct SamplerScratch {
    @usableFromInline let pairs: UnsafeMutablePointer<KeyIndex>
    @usableFromInline let candidates: UnsafeMutablePointer<Candidate>
    @usableFromInline let sums: UnsafeMutablePointer<Double>
    @usableFromInline let work: UnsafeMutableRawPointer
    /// The row's terms (`rowTermSum`'s store), vocab rounded up to 64.
    @usableFromInline let terms: UnsafeMutableRawPointer
    @usableFromInline let ids: UnsafeMutablePointer<Int64>

    /// nil when memory is short (or the sizes overflow).
    @inlinable
    package init?<T: LogitsFloat>(_: T.Type, vocab: Int, historyLength: Int) {
        // One allocation; each part starts 64-byte aligned.
        guard vocab < Int.max / 256, historyLength < Int.max / 64 else { return nil }
        let sizes = (vocab &* MemoryLayout<KeyIndex>.stride, vocab &* MemoryLayout<Candidate>.stride,
                     (vocab / termBlock &+ 1) &* 8, vocab &* MemoryLayout<T>.stride,
                     (vocab &+ termBlock) &* MemoryLayout<T>.stride, historyLength &* 8)
        let o1 = scratchRound(sizes.0), o2 = o1 &+ scratchRound(sizes.1), o3 = o2 &+ scratchRound(sizes.2)
        let o4 = o3 &+ scratchRound(sizes.3), o5 = o4 &+ scratchRound(sizes.4)
        guard let raw = scratchAllocate(o5 &+ scratchRound(sizes.5)) else { return nil }
        pairs = raw.bindMemory(to: KeyIndex.self, capacity: vocab)
        candidates = (raw + o1).bindMemory(to: Candidate.self, capacity: vocab)
        sums = (raw + o2).bindMemory(to: Double.self, capacity: vocab / termBlock &+ 1)
        work = raw + o3
        terms = raw + o4
        ids = (raw + o5).bindMemory(to: Int64.self, capacity: historyLength)
    }

    @inlinable
    package func release() {
        scratchFree(UnsafeMutableRawPointer(pairs))
    }
}

/// n rounded up to a multiple of 64.
@inlinable @inline(__always)
func scratchRound(_ n: Int) -> Int { (n &+ 63) & ~63 }

/// The largest element of x[0..<n] (n > 0) and whether the row holds a NaN
/// (`rowMax`, the kernels' own maximum).
@inlinable @inline(__always)
func rowMaximum<T: LogitsFloat>(_ x: UnsafePointer<T>, _ n: Int) -> (max: T, nan: Bool) {
    let m = rowMax(x, n)
    return m.isNaN ? (-.infinity, true) : (T(roundingDouble: m), false)
}

/// 1 / t for a temperature t > 0, finite (the largest Double when t is so
/// small that 1 / t overflows: z = 0 then still gives weight 1). The
/// sampler multiplies by it: a division per element made the exp passes
/// division-bound.
@inlinable @inline(__always)
func reciprocal(_ t: Double) -> Double {
    let v = 1 / t
    return v.isInfinite ? .greatestFiniteMagnitude : v
}

/// Applies the penalties and the bias of row `row` to the copy `w` of it.
@inlinable
func applyModifiers<T: LogitsFloat>(_ w: UnsafeMutablePointer<T>, _ vocab: Int, _ row: Int,
                                    _ s: SamplerSettings, _ ids: UnsafeMutablePointer<Int64>) {
    @inline(__always) func penalise(_ t: Int, _ count: Int) {
        var v = w[t].doubleValue
        if s.repetitionPenalty != 1 { v = v > 0 ? v / s.repetitionPenalty : v * s.repetitionPenalty }
        v -= Double(count) * s.frequencyPenalty + s.presencePenalty
        w[t] = T(roundingDouble: v)
    }
    if s.penalises {
        if let counts = s.counts {
            let c = counts + row &* vocab
            var t = 0
            while t < vocab { if c[t] > 0 { penalise(t, Int(c[t])) }; t &+= 1 }
        } else if let history = s.history {
            // The row's ids, sorted, counted run by run.
            let h = history + row &* s.historyLength
            var n = 0
            var j = 0
            while j < s.historyLength { if h[j] >= 0 { ids[n] = h[j]; n &+= 1 }; j &+= 1 }
            heapSort(ids, n) { $0 < $1 }
            j = 0
            while j < n {
                var end = j &+ 1
                while end < n && ids[end] == ids[j] { end &+= 1 }
                penalise(Int(ids[j]), end &- j)
                j = end
            }
        }
    }
    if let ids = s.biasIDs, let values = s.biasValues {
        var j = 0
        while j < s.biasCount {
            let t = Int(ids[j])
            let b = values[j]
            // An infinite bias bans (-inf) or forces (+inf) the token.
            w[t] = b.isInfinite ? T(roundingDouble: b) : T(roundingDouble: w[t].doubleValue + b)
            j &+= 1
        }
    }
}

/// Samples row `row` (x, vocab > 0 elements) with uniform `u` in [0, 1).
/// Returns a refusal (NaN in the row, nothing left to sample) or fills `out`.
@inlinable
package func sampleRow<P: ArithmeticPolicy, T: LogitsFloat>(
    _: P.Type, _ x: UnsafePointer<T>, _ vocab: Int, _ row: Int, _ u: Double, _ s: SamplerSettings,
    _ scratch: SamplerScratch, wantRaw: Bool, _ out: inout SampledToken
) -> Refusal? {
    let raw = rowMaximum(x, vocab)
    if raw.nan {
        var i = 0
        while i < vocab && !x[i].isNaN { i &+= 1 }
        return Refusal(.logitNaN, position: row &* vocab &+ i, value: .nan, limit: vocab)
    }
    var w = x
    var m = raw.max
    if s.penalises || s.biasCount > 0 {
        let copy = scratch.work.assumingMemoryBound(to: T.self)
        copy.update(from: x, count: vocab)
        applyModifiers(copy, vocab, row, s, scratch.ids)
        w = UnsafePointer(copy)
        let after = rowMaximum(w, vocab)
        // +inf minus an infinite penalty is NaN: no distribution is left.
        if after.nan { return Refusal(.nothingToSample, position: row, value: .nan) }
        m = after.max
    }
    guard m > -.infinity else { return Refusal(.nothingToSample, position: row) }

    if s.temperature == 0 {
        var i = 0
        while w[i] != m { i &+= 1 }
        out.token = i
        out.logprob = 0
    } else {
        drawFiltered(P.self, ShiftedRow(w, vocab, m), u, s, scratch, &out)
    }
    if wantRaw {
        let t = out.token
        if raw.max == -.infinity {
            out.rawLogprob = -.infinity
        } else {
            let r = ShiftedRow(x, vocab, raw.max)
            out.rawLogprob = r.z(t) - libmLog(rowTermSum(P.self, r, 1, nil))
        }
    }
    return nil
}
