// The sampler's weights and their sums: the term of element i is
// e^((w_i - M) * invT), M the working row's maximum.
//
// Both use the kernels' own exponentials with the arithmetic of
// `SamplerArithmetic` (no FMA) at every CPU level. Float rows: `fastTerm`
// (FastRowKernels.swift): the argument formed in Double, its rounding error
// carried into a Float exp as a low part, so each term is within about 1
// Float ulp (1.2e-7 relative) whatever |w - M|, and a term below e^-104 is
// 0. Double rows: `portableExp` of degree 11 (VectorMath.swift), within a
// few ulp; below e^-745 a term is 0. Neither uses libm, so a term has the
// same bits at every CPU level (each level's copy only computes them in its
// own vector width) and on every run.
//
// Sums are taken in blocks of 64 elements (`termBlock`), each block's 64
// terms added in Double in one fixed order, the blocks in row order: a row
// walk that stops at the block where the running sum passes a target, then
// walks that block element by element, meets the same running sums.

/// Elements per block of the sampler's sums.
@usableFromInline let termBlock = 64

/// The sampler's arithmetic at CPU level `P`: no FMA (the same bits at
/// every level), the portable exp; generic over `P` so that each level's
/// module compiles, and inlines, its own copy.
@usableFromInline package enum SamplerArithmetic<P: ArithmeticPolicy>: ArithmeticPolicy {
    @inlinable package static var fused: Bool { false }
}

/// The working logits' view (see SampleRow.swift's notes): the row, its
/// maximum, and whether that maximum is +inf (then the +inf entries share
/// all the weight, the limit of softmax, and every other term is 0).
@frozen @usableFromInline
struct ShiftedRow<T: LogitsFloat> {
    @usableFromInline let w: UnsafePointer<T>
    @usableFromInline let n: Int
    @usableFromInline let shift: Double
    @usableFromInline let infinite: Bool

    @inlinable init(_ w: UnsafePointer<T>, _ n: Int, _ m: T) {
        self.w = w
        self.n = n
        infinite = m == .infinity
        shift = infinite ? 0 : m.doubleValue
    }

    /// z of element i: w - M (when M is +inf: 0 for the +inf entries, -inf
    /// for the rest).
    @inlinable @inline(__always)
    func z(_ i: Int) -> Double {
        let v = w[i]
        if infinite { return v == .infinity ? 0 : -.infinity }
        return v.doubleValue - shift
    }
}

/// The terms of elements i ..< i + 16 of `r` (0 past its end), as two
/// Double vectors. (`P` only names the CPU level's copy, as everywhere in
/// the sampler.)
@inlinable @inline(__always)
func terms16<P: ArithmeticPolicy, T: LogitsFloat>(_: P.Type, _ r: ShiftedRow<T>, _ i: Int,
                                                  _ invT: Double) -> (Lanes, Lanes) {
    let n = r.n
    if T.self == Float.self {
        let v = loadRowF(UnsafeRawPointer(r.w).assumingMemoryBound(to: Float.self), i, n)
        if r.infinite {
            let e = FloatLanes(repeating: 0).replacing(with: 1, where: v .== .infinity)
            return (widen8(e.lowHalf), widen8(e.highHalf))
        }
        let e = fastTerm(SamplerArithmetic<P>.self, v, FloatLanes(), r.shift, invT, true)
        return (widen8(e.lowHalf), widen8(e.highHalf))
    }
    let w = r.w
    let a = n &- i >= 8 ? load8(w + i) : loadPartial(w + i, n &- i, pad: -.infinity)
    let j = i &+ 8
    let b = n &- j >= 8 ? load8(w + j) : n > j ? loadPartial(w + j, n &- j, pad: -.infinity)
                                               : Lanes(repeating: -.infinity)
    if r.infinite {
        let zero = Lanes(repeating: 0), one = Lanes(repeating: 1)
        return (zero.replacing(with: one, where: a .== .infinity),
                zero.replacing(with: one, where: b .== .infinity))
    }
    return (portableExp(SamplerArithmetic<P>.self, (a - r.shift) * invT, .eleven),
            portableExp(SamplerArithmetic<P>.self, (b - r.shift) * invT, .eleven))
}

/// The term of element i: the same bits as its lane in `terms16`.
@inlinable @inline(__always)
func term<P: ArithmeticPolicy, T: LogitsFloat>(_: P.Type, _ r: ShiftedRow<T>, _ i: Int, _ invT: Double) -> Double {
    if r.infinite { return r.w[i] == .infinity ? 1 : 0 }
    if T.self == Float.self {
        let v = FloatLanes(repeating: unsafeBitCast(r.w[i], to: Float.self))
        return Double(fastTerm(SamplerArithmetic<P>.self, v, FloatLanes(), r.shift, invT, true)
            .lowHalf.lowHalf.lowHalf.x)
    }
    let d = Lanes(repeating: (r.w[i].doubleValue - r.shift) * invT)
    return portableExp(SamplerArithmetic<P>.self, d, .eleven).lowHalf.lowHalf.x
}

/// The sum of the 64 terms of the block of `r` starting at i, in one fixed
/// order, in Double: lane-wise ((a + b) + (c + d)) over the four vectors of
/// sixteen (low halves, then high halves), then across the lanes
/// (`blockSum`).
@inlinable @inline(__always)
func blockTermSum<P: ArithmeticPolicy, T: LogitsFloat>(_: P.Type, _ r: ShiftedRow<T>, _ i: Int,
                                                       _ invT: Double, _ store: UnsafeMutablePointer<T>?) -> Double {
    if T.self == Float.self && !r.infinite {
        // (Written out: a nested function here was left as a call.)
        let x = UnsafeRawPointer(r.w).assumingMemoryBound(to: Float.self)
        let m = r.shift, n = r.n
        let e0 = fastTerm(SamplerArithmetic<P>.self, loadRowF(x, i, n), FloatLanes(), m, invT, true)
        let e1 = fastTerm(SamplerArithmetic<P>.self, loadRowF(x, i &+ 16, n), FloatLanes(), m, invT, true)
        let e2 = fastTerm(SamplerArithmetic<P>.self, loadRowF(x, i &+ 32, n), FloatLanes(), m, invT, true)
        let e3 = fastTerm(SamplerArithmetic<P>.self, loadRowF(x, i &+ 48, n), FloatLanes(), m, invT, true)
        if let store {
            let y = UnsafeMutableRawPointer(store + i).assumingMemoryBound(to: Float.self)
            storeF(e0, y); storeF(e1, y + 16); storeF(e2, y + 32); storeF(e3, y + 48)
        }
        // Widened before any addition: in Float, a lane holding the max's 1
        // would round its neighbours' terms to 6e-8 absolute (a review found
        // top_p = 0.999999 keeping one token too many).
        return blockSum(((widen8(e0.lowHalf) + widen8(e1.lowHalf)) + (widen8(e2.lowHalf) + widen8(e3.lowHalf)))
                        + ((widen8(e0.highHalf) + widen8(e1.highHalf)) + (widen8(e2.highHalf) + widen8(e3.highHalf))))
    }
    let (a0, a1) = terms16(P.self, r, i, invT)
    let (b0, b1) = terms16(P.self, r, i &+ 16, invT)
    let (c0, c1) = terms16(P.self, r, i &+ 32, invT)
    let (d0, d1) = terms16(P.self, r, i &+ 48, invT)
    if let store {
        let y = UnsafeMutableRawPointer(store + i)
        if T.self == Float.self {
            // (An infinite row: its terms are 0 and 1, exact as Floats.)
            y.storeBytes(of: narrow8(a0), as: SIMD8<Float>.self)
            y.storeBytes(of: narrow8(a1), toByteOffset: 32, as: SIMD8<Float>.self)
            y.storeBytes(of: narrow8(b0), toByteOffset: 64, as: SIMD8<Float>.self)
            y.storeBytes(of: narrow8(b1), toByteOffset: 96, as: SIMD8<Float>.self)
            y.storeBytes(of: narrow8(c0), toByteOffset: 128, as: SIMD8<Float>.self)
            y.storeBytes(of: narrow8(c1), toByteOffset: 160, as: SIMD8<Float>.self)
            y.storeBytes(of: narrow8(d0), toByteOffset: 192, as: SIMD8<Float>.self)
            y.storeBytes(of: narrow8(d1), toByteOffset: 224, as: SIMD8<Float>.self)
        } else {
            y.storeBytes(of: a0, as: Lanes.self); y.storeBytes(of: a1, toByteOffset: 64, as: Lanes.self)
            y.storeBytes(of: b0, toByteOffset: 128, as: Lanes.self); y.storeBytes(of: b1, toByteOffset: 192, as: Lanes.self)
            y.storeBytes(of: c0, toByteOffset: 256, as: Lanes.self); y.storeBytes(of: c1, toByteOffset: 320, as: Lanes.self)
            y.storeBytes(of: d0, toByteOffset: 384, as: Lanes.self); y.storeBytes(of: d1, toByteOffset: 448, as: Lanes.self)
        }
    }
    return blockSum(((a0 + b0) + (c0 + d0)) + ((a1 + b1) + (c1 + d1)))
}

/// The sixteen Floats of a row of n from i, -inf past its end.
@inlinable @inline(__always)
func loadRowF(_ x: UnsafePointer<Float>, _ i: Int, _ n: Int) -> FloatLanes {
    n &- i >= 16 ? loadF(x + i) : loadPartialF(x + i, n &- i, pad: -.infinity)
}

/// The lanes' sum in one fixed order, ((e0 + e1) + (e2 + e3)) + ((e4 +
/// e5) + (e6 + e7)), by even and odd lanes.
@inlinable @inline(__always)
func blockSum(_ e: Lanes) -> Double {
    let a = e.evenHalf + e.oddHalf
    let b = a.evenHalf + a.oddHalf
    return b.x + b.y
}

/// Σ of the row's terms (blocks of `termBlock` in row order), each block's
/// sum also stored in `sums` when given (room for n / 64 + 1), and each
/// term in `store` when given (room for n rounded up to 64).
/// `P`: the CPU level's copy (SampleRow.swift).
@inlinable
func rowTermSum<P: ArithmeticPolicy, T: LogitsFloat>(
    _: P.Type, _ r: ShiftedRow<T>, _ invT: Double, _ sums: UnsafeMutablePointer<Double>?,
    store: UnsafeMutablePointer<T>? = nil
) -> Double {
    var s = 0.0
    var i = 0
    var b = 0
    while i < r.n {
        let t = blockTermSum(P.self, r, i, invT, store)
        sums?[b] = t
        s += t
        i &+= termBlock
        b &+= 1
    }
    return s
}

/// The draw over the whole row (no filter): the block whose running sum
/// passes u q, then the element within it. If rounding lets no element
/// pass, the last element with a positive term is the draw.
@inlinable
func drawWhole<P: ArithmeticPolicy, T: LogitsFloat>(
    _: P.Type, _ r: ShiftedRow<T>, _ u: Double, _ invT: Double, _ sums: UnsafeMutablePointer<Double>,
    _ out: inout SampledToken
) {
    let q = rowTermSum(P.self, r, invT, sums)
    let target = u * q
    var cum = 0.0
    var chosen = -1
    var lastBlock = 0
    var b = 0
    var i = 0
    while i < r.n {
        let t = sums[b]
        if t > 0 {
            lastBlock = i
            if cum + t > target {
                chosen = firstPassing(P.self, r, i, invT, cum, target)
                if chosen >= 0 { break }
            }
            cum += t
        }
        i &+= termBlock
        b &+= 1
    }
    if chosen < 0 { chosen = lastPositive(P.self, r, lastBlock, invT) }
    out.token = chosen
    out.logprob = r.z(chosen) * invT - libmLog(q)
}

/// The first element from i (a block start) at which cum plus the block's
/// terms so far, added in element order, passes target; -1 if none.
@inlinable
func firstPassing<P: ArithmeticPolicy, T: LogitsFloat>(_: P.Type, _ r: ShiftedRow<T>, _ i: Int, _ invT: Double, _ cum: Double,
                                  _ target: Double) -> Int {
    var c = cum
    var j = i
    let end = Swift.min(i &+ termBlock, r.n)
    while j < end {
        let e = term(P.self, r, j, invT)
        c += e
        if e > 0 && c > target { return j }
        j &+= 1
    }
    return -1
}

/// The last element of the block at i with a positive term (i if none).
@inlinable
func lastPositive<P: ArithmeticPolicy, T: LogitsFloat>(_: P.Type, _ r: ShiftedRow<T>, _ i: Int, _ invT: Double) -> Int {
    var j = Swift.min(i &+ termBlock, r.n) &- 1
    while j > i && !(term(P.self, r, j, invT) > 0) { j &-= 1 }
    return j
}
