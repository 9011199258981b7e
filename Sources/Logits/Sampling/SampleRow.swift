// One row of the sampler: penalties and bias on a copy of the row (only when
// there are any), then the filters on candidates found without sorting the
// row, then one draw. Every number that decides the token is computed in
// Double by plain IEEE arithmetic in this module (PlainExp.swift), the same
// on every CPU, so the token depends on (row, options, uniform) alone.
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

/// Scratch for one row at a time: candidate entries and the working copy.
@frozen @usableFromInline
package struct SamplerScratch {
    @usableFromInline let pairs: UnsafeMutablePointer<KeyIndex>
    @usableFromInline let work: UnsafeMutableRawPointer
    @usableFromInline let ids: UnsafeMutablePointer<Int64>

    /// nil when memory is short.
    @inlinable
    package init?<T: LogitsFloat>(_: T.Type, vocab: Int, historyLength: Int) {
        let pairBytes = vocab.multipliedReportingOverflow(by: MemoryLayout<KeyIndex>.stride)
        let workBytes = vocab.multipliedReportingOverflow(by: MemoryLayout<T>.stride)
        let idBytes = historyLength.multipliedReportingOverflow(by: 8)
        guard !pairBytes.overflow, !workBytes.overflow, !idBytes.overflow else { return nil }
        guard let p = scratchAllocate(pairBytes.partialValue) else { return nil }
        guard let w = scratchAllocate(workBytes.partialValue) else { scratchFree(p); return nil }
        guard let i = scratchAllocate(idBytes.partialValue) else { scratchFree(p); scratchFree(w); return nil }
        pairs = p.bindMemory(to: KeyIndex.self, capacity: vocab)
        work = w
        ids = i.bindMemory(to: Int64.self, capacity: historyLength)
    }

    @inlinable
    package func release() {
        scratchFree(UnsafeMutableRawPointer(pairs))
        scratchFree(work)
        scratchFree(UnsafeMutableRawPointer(ids))
    }
}

/// The largest element of x[0..<n] (n > 0) and whether the row holds a NaN
/// (`rowMax`, the kernels' own maximum).
@inlinable @inline(__always)
func rowMaximum<T: LogitsFloat>(_ x: UnsafePointer<T>, _ n: Int) -> (max: T, nan: Bool) {
    let m = rowMax(x, n)
    return m.isNaN ? (-.infinity, true) : (T(roundingDouble: m), false)
}

/// Σ e^((w_i - shift) * invT) over the row, in blocks of eight, each block's
/// lanes added in a fixed order (`blockSum`), the blocks in row order (the
/// sampler's own: plainExp, the same bits on every CPU).
/// `shift` is finite.
@inlinable
func plainRowExpSum<T: LogitsFloat>(_ w: UnsafePointer<T>, _ n: Int, _ shift: Double, _ invT: Double) -> Double {
    var s = 0.0
    var i = 0
    while i < n {
        s += blockSum(blockWeights(w, i, n, shift, invT))
        i &+= 8
    }
    return s
}

/// e^((w_j - shift) * invT) for the (up to) eight elements from i, 0 past n.
@inlinable @inline(__always)
func blockWeights<T: LogitsFloat>(_ w: UnsafePointer<T>, _ i: Int, _ n: Int, _ shift: Double,
                                  _ invT: Double) -> SIMD8<Double> {
    let v = n &- i >= 8 ? load8(w + i) : loadPartial(w + i, n &- i, pad: -.infinity)
    return plainExp8((v - shift) * invT)
}

/// The lanes' sum in one fixed order.
@inlinable @inline(__always)
func blockSum(_ e: SIMD8<Double>) -> Double {
    ((e[0] + e[1]) + (e[2] + e[3])) + ((e[4] + e[5]) + (e[6] + e[7]))
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

/// The working logits' view: z of an element (see the file's notes).
@frozen @usableFromInline
struct ShiftedRow<T: LogitsFloat> {
    @usableFromInline let w: UnsafePointer<T>
    @usableFromInline let shift: Double
    @usableFromInline let infinite: Bool

    @inlinable init(_ w: UnsafePointer<T>, _ m: T) {
        self.w = w
        infinite = m == .infinity
        shift = infinite ? 0 : m.doubleValue
    }

    @inlinable @inline(__always)
    func z(_ i: Int) -> Double {
        let v = w[i]
        if infinite { return v == .infinity ? 0 : -.infinity }
        return v.doubleValue - shift
    }

    /// Σ e^(z * invT) over n elements.
    @inlinable
    func expSum(_ n: Int, _ t: Double) -> Double {
        if !infinite { return plainRowExpSum(w, n, shift, t) }
        var c = 0.0
        var i = 0
        while i < n { if w[i] == .infinity { c += 1 }; i &+= 1 }
        return c
    }
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

/// Appends to `pairs` every index with z >= cut, in index order; returns
/// the count.
@inlinable
func collectAbove<T: LogitsFloat>(_ r: ShiftedRow<T>, _ n: Int, _ cut: Double,
                                  _ pairs: UnsafeMutablePointer<KeyIndex>) -> Int {
    var count = 0
    var i = 0
    if !r.infinite && cut > -.infinity {
        // Compare in T: w >= M + cut, checked exactly in Double for the few near it.
        // Blocks of sixteen wholly below it are skipped (`blockBelow`).
        let bound = T(roundingDouble: r.shift + cut)
        let below = bound.nextDown
        while i < n {
            let end = Swift.min(i &+ 16, n)
            if end &- i == 16 && blockBelow(r.w + i, below) {
                i = end
                continue
            }
            while i < end {
                let v = r.w[i]
                if v >= below && v.doubleValue - r.shift >= cut {
                    pairs[count] = KeyIndex(key: orderKey(v), index: i)
                    count &+= 1
                }
                i &+= 1
            }
        }
        return count
    }
    while i < n {
        if r.z(i) >= cut {
            pairs[count] = KeyIndex(key: orderKey(r.w[i]), index: i)
            count &+= 1
        }
        i &+= 1
    }
    return count
}

/// Samples row `row` (x, vocab > 0 elements) with uniform `u` in [0, 1).
/// Returns a refusal (NaN in the row, nothing left to sample) or fills `out`.
@inlinable
package func sampleRow<T: LogitsFloat>(
    _ x: UnsafePointer<T>, _ vocab: Int, _ row: Int, _ u: Double, _ s: SamplerSettings,
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
        m = rowMaximum(w, vocab).max
    }
    guard m > -.infinity else { return Refusal(.nothingToSample, position: row) }

    if s.temperature == 0 {
        var i = 0
        while w[i] != m { i &+= 1 }
        out.token = i
        out.logprob = 0
    } else {
        drawFiltered(ShiftedRow(w, m), vocab, u, s, scratch.pairs, &out)
    }
    if wantRaw {
        let t = out.token
        if raw.max == -.infinity {
            out.rawLogprob = -.infinity
        } else {
            let r = ShiftedRow(x, raw.max)
            out.rawLogprob = r.z(t) - libmLog(r.expSum(vocab, 1))
        }
    }
    return nil
}

/// The filters and the draw for temperature > 0.
@inlinable
func drawFiltered<T: LogitsFloat>(_ r: ShiftedRow<T>, _ vocab: Int, _ u: Double, _ s: SamplerSettings,
                                  _ pairs: UnsafeMutablePointer<KeyIndex>, _ out: inout SampledToken) {
    let t = s.temperature
    let tf = s.llamaOrder ? 1 : t
    let invT = reciprocal(t)
    let invTf = reciprocal(tf)
    let topK = s.topK > 0 && s.topK < vocab
    let topP = s.topP < 1
    let minP = s.minP > 0
    guard topK || topP || minP else {
        drawWhole(r, vocab, u, invT, &out)
        return
    }
    var n: Int
    var totalF = 0.0  // Σ e^f over what top-p renormalises (0: not yet computed)
    var sure = 0
    var sureMass = 0.0
    if topK {
        n = selectTop(r.w, vocab, s.topK, keepTies: true, pairs)
    } else {
        // Candidates: every z >= cut holds every survivor. min-p bounds them
        // (f >= log min_p, with room for rounding); top-p alone lowers the
        // cut until the candidates hold the mass it keeps.
        // The candidates above the last cut that fell short are all kept
        // (`sure` of them, first, with mass `sureMass`): only the band below
        // it is sorted.
        var cut = minP ? tf * (libmLog(s.minP) - 1e-6) : -2 * tf
        var shortCut = 0.0
        while true {
            n = collectAbove(r, vocab, cut, pairs)
            if !topP || minP || cut == -.infinity { break }
            if totalF == 0 { totalF = r.expSum(vocab, invTf) }
            var mass = 0.0
            var j = 0
            while j < n { mass += plainExp(r.z(pairs[j].index) * invTf); j &+= 1 }
            if mass >= s.topP * totalF { break }
            shortCut = cut
            sureMass = mass
            cut = cut < -2000 * tf ? -.infinity : cut * 1.25
        }
        if topP && totalF == 0 { totalF = r.expSum(vocab, invTf) }
        if shortCut < 0 {
            var j = 0
            while j < n {
                if r.z(pairs[j].index) >= shortCut {
                    let e = pairs[j]; pairs[j] = pairs[sure]; pairs[sure] = e
                    sure &+= 1
                }
                j &+= 1
            }
        }
    }
    var byKey = false
    if topP {
        if topK {
            var j = 0
            while j < n { totalF += plainExp(r.z(pairs[j].index) * invTf); j &+= 1 }
        }
        sortDescending(pairs + sure, n &- sure)
        byKey = true
        let target = s.topP * totalF
        var cum = sureMass
        var j = sure
        while j < n {
            cum += plainExp(r.z(pairs[j].index) * invTf)
            j &+= 1
            if cum >= target { break }
        }
        n = j
    }
    if minP {
        var kept = 0
        var j = 0
        while j < n {
            if plainExp(r.z(pairs[j].index) * invTf) >= s.minP { pairs[kept] = pairs[j]; kept &+= 1 }
            j &+= 1
        }
        n = kept
    }
    if byKey { sortByIndex(pairs, n) }
    // The draw, in index order.
    var q = 0.0
    var j = 0
    while j < n { q += plainExp(r.z(pairs[j].index) * invT); j &+= 1 }
    let target = u * q
    var cum = 0.0
    var chosen = -1
    var lastPositive = pairs[0].index
    j = 0
    while j < n {
        let e = plainExp(r.z(pairs[j].index) * invT)
        if e > 0 {
            lastPositive = pairs[j].index
            cum += e
            if cum > target { chosen = lastPositive; break }
        }
        j &+= 1
    }
    out.token = chosen >= 0 ? chosen : lastPositive
    out.logprob = r.z(out.token) * invT - libmLog(q)
}

/// The draw over the whole row (no filter).
@inlinable
func drawWhole<T: LogitsFloat>(_ r: ShiftedRow<T>, _ vocab: Int, _ u: Double, _ invT: Double,
                               _ out: inout SampledToken) {
    let q = r.expSum(vocab, invT)
    let target = u * q
    var chosen = -1
    if r.infinite {
        var cum = 0.0
        var i = 0
        while i < vocab {
            if r.w[i] == .infinity {
                chosen = i
                cum += 1
                if cum > target { break }
            }
            i &+= 1
        }
    } else {
        // Blocks of eight, added as plainRowExpSum adds them; the block where the
        // sum passes u q is walked lane by lane. If rounding lets no lane
        // pass, the last element with a positive weight is the draw.
        var cum = 0.0
        var lastBlock = 0
        var i = 0
        while i < vocab {
            let e = blockWeights(r.w, i, vocab, r.shift, invT)
            let b = blockSum(e)
            if b > 0 {
                lastBlock = i
                if cum + b > target {
                    let lane = firstLanePassing(e, cum, target)
                    if lane < 8 { chosen = i &+ lane; break }
                }
                cum += b
            }
            i &+= 8
        }
        if chosen < 0 {
            let e = blockWeights(r.w, lastBlock, vocab, r.shift, invT)
            chosen = lastBlock &+ lastPositiveLane(e)
        }
    }
    out.token = chosen
    out.logprob = r.z(chosen) * invT - libmLog(q)
}

/// The first lane at which cum + e[0] + ... + e[lane] > target (8: none).
/// Lanes are read through a pointer: a SIMD subscript with a variable index
/// would be a bounds-check trap site.
@inlinable
func firstLanePassing(_ e: SIMD8<Double>, _ cum: Double, _ target: Double) -> Int {
    withUnsafeBytes(of: e) { bytes -> Int in
        let d = bytes.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: Double.self)
        var c = cum
        var lane = 0
        while lane < 8 {
            c += d[lane]
            if d[lane] > 0 && c > target { return lane }
            lane &+= 1
        }
        return 8
    }
}

/// The last lane with a positive value (0 if none).
@inlinable
func lastPositiveLane(_ e: SIMD8<Double>) -> Int {
    withUnsafeBytes(of: e) { bytes -> Int in
        let d = bytes.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: Double.self)
        var lane = 7
        while lane > 0 && !(d[lane] > 0) { lane &-= 1 }
        return lane
    }
}
