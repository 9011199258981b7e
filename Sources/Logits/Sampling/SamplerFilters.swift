// The sampler's filters without sorting the row. Every filter keeps a
// prefix of the row in its order (value descending, ties by lower index):
// top-k the elements at or above the k-th value, top-p the shortest prefix
// whose mass reaches p, min-p the elements whose weight is at least min_p.
// So the survivors of any combination are one `Prefix`, the shortest of the
// filters' prefixes, and the draw is one pass over the row that keeps what
// the prefix holds, in index order.
//
// top-p alone finds its prefix band by band: the elements whose argument
// (w - M) / T lies in [-9, 0], then [-14, -9), and so on (`bandCut`), each
// band one pass over the row that skips blocks of sixteen wholly below it,
// until the bands' mass reaches p times the row's; only the last band is
// ordered, by a radix select by weight on the order keys (`resolvePrefix`).

/// A candidate of the filters: its order key, index and term.
@frozen @usableFromInline
struct Candidate {
    @usableFromInline var key: UInt64
    @usableFromInline var index: Int
    @usableFromInline var weight: Double
    @inlinable init(key: UInt64, index: Int, weight: Double) {
        self.key = key
        self.index = index
        self.weight = weight
    }
}

/// The elements with key > `key`, and those with key == `key` and index
/// <= `index`: a prefix of the row in the filters' order.
@frozen @usableFromInline
struct Prefix {
    @usableFromInline var key: UInt64
    @usableFromInline var index: Int
    /// Every element.
    @usableFromInline static var all: Prefix { Prefix(key: 0, index: .max) }
    @inlinable init(key: UInt64, index: Int) {
        self.key = key
        self.index = index
    }

    @inlinable @inline(__always)
    func holds(_ key: UInt64, _ i: Int) -> Bool { key > self.key || (key == self.key && i <= index) }

    /// The shorter of two prefixes.
    @inlinable
    func shorter(_ o: Prefix) -> Prefix {
        key > o.key || (key == o.key && index <= o.index) ? self : o
    }
}

/// The argument (w - M) / T that ends band k of top-p alone; -inf (the
/// rest of the row) after the last. The first band is wide, so one pass
/// finds the prefix of most rows: bands 3 wide measured slower (1x128256,
/// top_p 0.9: 200 against 183 us), their extra passes over the row costing
/// more than the wider band's larger selection.
@inlinable @inline(__always)
func bandCut(_ k: Int) -> Double {
    switch k {
    case 0: return -9
    case 1: return -14
    case 2: return -20
    case 3: return -30
    case 4: return -45
    case 5: return -70
    case 6: return -110
    default: return -.infinity
    }
}

/// Appends to `c` (from `start`) the elements with lower <= w (and w <
/// upper unless `upper` is nil), in index order, each with its term (read
/// from `stored` when given: `rowTermSum`'s store under the same 1/T);
/// returns the new count. Blocks of sixteen wholly below `lower` are skipped.
@inlinable
func collectRange<P: ArithmeticPolicy, T: LogitsFloat>(
    _: P.Type, _ r: ShiftedRow<T>, lower: T, upper: T?, _ invT: Double, stored: UnsafePointer<T>?,
    _ c: UnsafeMutablePointer<Candidate>, _ start: Int
) -> Int {
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 16) { buffer -> Int in
        let terms = buffer.baseAddress.unsafelyUnwrapped
        var count = start
        var i = 0
        let skips = lower > -.infinity
        while i < r.n {
            let end = Swift.min(i &+ 16, r.n)
            // The block's elements in range as lane bits (a whole block
            // wholly below is skipped; the row's last, partial block is
            // looked at element by element).
            var bits: UInt32 = 0
            if end &- i == 16 {
                if skips && blockBelow(r.w + i, lower) {
                    i = end
                    continue
                }
                bits = lanesInRange(r.w + i, lower, upper ?? .infinity)
            } else {
                var j = i
                while j < end {
                    let v = r.w[j]
                    if v >= lower && (upper == nil || v < upper.unsafelyUnwrapped) {
                        bits |= 1 &<< UInt32(truncatingIfNeeded: j &- i)
                    }
                    j &+= 1
                }
            }
            if bits != 0 && stored == nil { storeTerms(terms16(P.self, r, i, invT), terms) }
            while bits != 0 {
                let k = bits.trailingZeroBitCount
                let weight = stored?[i &+ k].doubleValue ?? terms[k]
                c[count] = Candidate(key: orderKey(r.w[i &+ k]), index: i &+ k, weight: weight)
                count &+= 1
                bits &= bits &- 1
            }
            i = end
        }
        return count
    }
}

/// Stores sixteen terms at p (read back by index: a SIMD subscript with a
/// variable index is a bounds-check trap site).
@inlinable @inline(__always)
func storeTerms(_ t: (Lanes, Lanes), _ p: UnsafeMutablePointer<Double>) {
    UnsafeMutableRawPointer(p).storeBytes(of: t.0, as: Lanes.self)
    UnsafeMutableRawPointer(p + 8).storeBytes(of: t.1, as: Lanes.self)
}

/// What `resolvePrefix` finds: the prefix and the sum of the kept weights
/// (the running sum it started from included), or that the candidates fall
/// short, with that sum over all of them.
@frozen @usableFromInline
enum Resolution {
    case found(Prefix, mass: Double)
    case short(mass: Double)
}

/// The shortest prefix, in the filters' order, of c[0 ..< n] (in index
/// order) whose weights added to `cum` reach `target`: a radix select by
/// weight on the order keys, most significant byte first (`keyBytes`: 4 for
/// Float keys, 8 for Double), each level one pass over the candidates still
/// in question: O(n keyBytes) whatever the row. The candidates of the
/// crossing byte are kept in their order (so equal keys stay in index order,
/// and equal keys have equal weights: the crossing tie is found by count).
/// Reorders c.
@inlinable
func resolvePrefix(_ c: UnsafeMutablePointer<Candidate>, _ n: Int, _ cum: Double, _ target: Double,
                   keyBytes: Int) -> Resolution {
    guard n > 0 else { return .short(mass: cum) }
    return withUnsafeTemporaryAllocation(of: Double.self, capacity: 256) { massBuffer -> Resolution in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { countBuffer -> Resolution in
            let mass = massBuffer.baseAddress.unsafelyUnwrapped
            let count = countBuffer.baseAddress.unsafelyUnwrapped
            var active = n
            var s = cum
            var shift = keyBytes &* 8 &- 8
            var first = true
            while shift >= 0 {
                var b = 0
                while b < 256 { mass[b] = 0; count[b] = 0; b &+= 1 }
                let sh = UInt64(truncatingIfNeeded: shift)
                var i = 0
                while i < active {
                    let d = Int(truncatingIfNeeded: (c[i].key &>> sh) & 255)
                    mass[d] += c[i].weight
                    count[d] &+= 1
                    i &+= 1
                }
                // The buckets from the largest keys down, until one crosses.
                var chosen = -1
                b = 255
                while b >= 0 {
                    if count[b] > 0 {
                        if s + mass[b] >= target { chosen = b; break }
                        s += mass[b]
                    }
                    b &-= 1
                }
                if chosen < 0 {
                    // All of them fall short; below the first level (added in
                    // another order than one level up) keep all that is left.
                    if first { return .short(mass: s) }
                    return .found(lastInOrder(c, active), mass: s)
                }
                first = false
                var k = 0
                i = 0
                while i < active {
                    if Int(truncatingIfNeeded: (c[i].key &>> sh) & 255) == chosen { c[k] = c[i]; k &+= 1 }
                    i &+= 1
                }
                active = k
                shift &-= 8
            }
            // Equal keys, equal weights, in index order.
            let w = c[0].weight
            var m = 0
            while m < active && s < target { s += w; m &+= 1 }
            return .found(Prefix(key: c[0].key, index: c[Swift.max(m, 1) &- 1].index), mass: s)
        }
    }
}

/// The last of c[0 ..< n] (in index order) in the filters' order: the
/// smallest key, at its highest index.
@inlinable
func lastInOrder(_ c: UnsafeMutablePointer<Candidate>, _ n: Int) -> Prefix {
    var last = 0
    var i = 1
    while i < n {
        if c[i].key <= c[last].key { last = i }
        i &+= 1
    }
    return Prefix(key: c[last].key, index: c[last].index)
}

/// Σ of c[lo ..< hi]'s weights, in order.
@inlinable
func massOf(_ c: UnsafeMutablePointer<Candidate>, _ lo: Int, _ hi: Int) -> Double {
    var s = 0.0
    var i = lo
    while i < hi { s += c[i].weight; i &+= 1 }
    return s
}

/// The lanes of the block from i to `end` (sixteen, or fewer at the row's
/// end) that may hold survivors of a prefix whose bound is `bound`: none
/// for a whole block wholly below it, else those at or above it (`skips`
/// false, or a partial block: every lane); `Prefix.holds` decides each.
@inlinable @inline(__always)
func laneCandidates<T: LogitsFloat>(_ r: ShiftedRow<T>, _ bound: T, _ skips: Bool, _ i: Int, _ end: Int) -> UInt32 {
    guard skips && end &- i == 16 else { return 0xFFFF }
    return blockBelow(r.w + i, bound) ? 0 : lanesInRange(r.w + i, bound, .infinity)
}

/// The survivors of `prefix` in index order into `c` with their terms
/// under `invT`, and the draw among them.
@inlinable
func drawSurvivors<P: ArithmeticPolicy, T: LogitsFloat>(
    _: P.Type, _ r: ShiftedRow<T>, _ prefix: Prefix, _ invT: Double, _ u: Double,
    _ c: UnsafeMutablePointer<Candidate>, _ out: inout SampledToken
) {
    let bound: T = valueOfKey(prefix.key)
    let skips = bound > -.infinity && bound < .infinity
    let n = withUnsafeTemporaryAllocation(of: Double.self, capacity: 16) { buffer -> Int in
        let terms = buffer.baseAddress.unsafelyUnwrapped
        var n = 0
        var i = 0
        while i < r.n {
            let end = Swift.min(i &+ 16, r.n)
            var bits = laneCandidates(r, bound, skips, i, end)
            var computed = false
            while bits != 0 {
                let j = i &+ bits.trailingZeroBitCount
                bits &= bits &- 1
                if j >= end { break }
                if prefix.holds(orderKey(r.w[j]), j) {
                    if !computed { storeTerms(terms16(P.self, r, i, invT), terms); computed = true }
                    c[n] = Candidate(key: 0, index: j, weight: terms[j &- i])
                    n &+= 1
                }
            }
            i = end
        }
        return n
    }
    let q = massOf(c, 0, n)
    let target = u * q
    var cum = 0.0
    var chosen = -1
    var lastPositive = n > 0 ? c[0].index : 0
    var j = 0
    while j < n {
        let e = c[j].weight
        if e > 0 {
            lastPositive = c[j].index
            cum += e
            if cum > target { chosen = lastPositive; break }
        }
        j &+= 1
    }
    out.token = chosen >= 0 ? chosen : lastPositive
    out.logprob = r.z(out.token) * invT - libmLog(q)
}

/// The filters and the draw for temperature > 0 (see the file's notes).
@inlinable
func drawFiltered<P: ArithmeticPolicy, T: LogitsFloat>(
    _: P.Type, _ r: ShiftedRow<T>, _ u: Double, _ s: SamplerSettings, _ scratch: SamplerScratch,
    _ out: inout SampledToken
) {
    let vocab = r.n
    let t = s.temperature
    let tf = s.llamaOrder ? 1 : t
    let invT = reciprocal(t)
    let invTf = reciprocal(tf)
    let topK = s.topK > 0 && s.topK < vocab
    let topP = s.topP < 1
    let minP = s.minP > 0
    let c = scratch.candidates
    guard topK || topP || minP else {
        drawWhole(P.self, r, u, invT, scratch.sums, &out)
        return
    }
    var prefix = Prefix.all
    var n = 0
    if topK {
        let pairs = scratch.pairs
        n = selectTop(P.self, r.w, vocab, s.topK, keepTies: true, pairs)
        var j = 0
        var lowest = UInt64.max
        while j < n {
            let p = pairs[j]
            c[j] = Candidate(key: p.key, index: p.index, weight: term(P.self, r, p.index, invTf))
            lowest = Swift.min(lowest, p.key)
            j &+= 1
        }
        prefix = Prefix(key: lowest, index: .max)
    } else if minP {
        // Every element with f >= log min_p (room for rounding), in index order.
        let lower = T(roundingDouble: r.shift + tf * (libmLog(s.minP) - 1e-6))
        n = collectRange(P.self, r, lower: lower, upper: nil, invTf, stored: nil, c, 0)
    }
    if minP {
        // The most probable element's term is 1.
        var lowest = UInt64.max
        var j = 0
        while j < n {
            if c[j].weight >= s.minP { lowest = Swift.min(lowest, c[j].key) }
            j &+= 1
        }
        prefix = prefix.shorter(Prefix(key: lowest, index: .max))
    }
    if topP {
        if topK || minP {
            // top-p renormalises over what top-k kept (else over the row).
            let total = topK ? massOf(c, 0, n) : rowTermSum(P.self, r, invTf, nil)
            if case .found(let p, _) = resolvePrefix(c, n, 0, s.topP * total, keyBytes: MemoryLayout<T>.size) {
                prefix = prefix.shorter(p)
            }
        } else {
            let store = scratch.terms.assumingMemoryBound(to: T.self)
            let (p, mass) = topPBands(P.self, r, tf, invTf, s.topP, store, c)
            prefix = p
            // In transformers' order the draw's terms are the filters': their
            // sum over the survivors is known, and the draw stops where the
            // running sum passes u times it.
            if invT == invTf {
                walkSurvivors(P.self, r, prefix, mass, u, invT, UnsafePointer(store), &out)
                return
            }
        }
    }
    drawSurvivors(P.self, r, prefix, invT, u, c, &out)
}

/// The draw among the survivors of `prefix` whose terms (`stored`, under
/// `invT`) add up to q: the first survivor in index order at which the
/// running sum passes u q (if rounding lets none, the last with a positive
/// term). One pass that skips the blocks wholly below the prefix's bound and
/// stops at the draw.
@inlinable
func walkSurvivors<P: ArithmeticPolicy, T: LogitsFloat>(
    _: P.Type, _ r: ShiftedRow<T>, _ prefix: Prefix, _ q: Double, _ u: Double, _ invT: Double,
    _ stored: UnsafePointer<T>, _ out: inout SampledToken
) {
    let bound: T = valueOfKey(prefix.key)
    let skips = bound > -.infinity && bound < .infinity
    let target = u * q
    var cum = 0.0
    var chosen = -1
    var lastPositive = 0
    var i = 0
    scan: while i < r.n {
        let end = Swift.min(i &+ 16, r.n)
        var bits = laneCandidates(r, bound, skips, i, end)
        while bits != 0 {
            let j = i &+ bits.trailingZeroBitCount
            bits &= bits &- 1
            if j >= end { break }
            if prefix.holds(orderKey(r.w[j]), j) {
                let e = stored[j].doubleValue
                if e > 0 {
                    lastPositive = j
                    cum += e
                    if cum > target { chosen = j; break scan }
                }
            }
        }
        i = end
    }
    out.token = chosen >= 0 ? chosen : lastPositive
    out.logprob = r.z(out.token) * invT - libmLog(q)
}

/// top-p alone: its prefix, band by band (see the file's notes), and the
/// sum of its terms.
@inlinable
func topPBands<P: ArithmeticPolicy, T: LogitsFloat>(
    _: P.Type, _ r: ShiftedRow<T>, _ tf: Double, _ invTf: Double, _ p: Double,
    _ store: UnsafeMutablePointer<T>, _ c: UnsafeMutablePointer<Candidate>
) -> (Prefix, Double) {
    // The row's terms are kept: the bands read them.
    let target = p * rowTermSum(P.self, r, invTf, nil, store: store)
    var cum = 0.0
    var n = 0
    var upper: T? = nil
    var band = 0
    while true {
        let cut = bandCut(band)
        let last = cut == -.infinity
        let lower: T = last ? -.infinity : T(roundingDouble: r.shift + tf * cut)
        let start = n
        n = collectRange(P.self, r, lower: lower, upper: upper, invTf, stored: UnsafePointer(store), c, start)
        // The band's mass is added as resolvePrefix adds it, so the running
        // sum the next band starts from is the one this band fell short with.
        switch resolvePrefix(c + start, n &- start, cum, target, keyBytes: MemoryLayout<T>.size) {
        case .found(let prefix, let mass): return (prefix, mass)
        case .short(let mass):
            if last { return (.all, mass) }
            cum = mass
        }
        upper = lower
        band &+= 1
    }
}
