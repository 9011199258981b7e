// The arithmetic of the x86-64-v4 kernels: the portable algorithms, with an
// exp and the short-row transposes built on AVX-512 instructions that Swift's
// SIMD types do not reach (two-register permutes, scalef, masked loads and
// stores), imported from Clang's intrinsics headers.
//
// exp(d), d <= 0: d = (16k + j) ln2/16 + r with |r| <= ln2/32, so
// exp(d) = 2^k * 2^(j/16) * exp(r). 2^(j/16) comes from a 16-entry table held
// in two registers (vpermt2pd, indexed by the low bits of the shifter sum),
// exp(r) - 1 from a short polynomial, 2^k from vscalefpd, which also rounds a
// subnormal result once and gives 0 far below. About 12 vector operations per
// eight lanes against 20 for the portable version (which needs a degree 7-11
// polynomial on |r| <= ln2/2 and builds 2^k in the exponent bits).
//
// Relative error of each degree (polynomials fitted by weighted least squares
// in 50-digit arithmetic, Lawson reweighting; maxima over 4001 points of the
// reduced range, mpmath): .seven 5.2e-12 (degree 4), .nine 5.6e-15 (degree
// 5), .eleven 1.2e-17 (degree 6) plus the rounding of the result, with the
// table entry carried as a double-double for Double results. Each is within
// the bound the portable version documents for the same degree.
//
// (Division stays vdivpd: in the Float sigmoid on Zen 4, vrcp14pd with a
// Newton step measured 15% slower, a Float division with a Newton step 35%.)
import Logits
import _Builtin_intrinsics.intel

/// Fused multiply-add and the AVX-512 exp (see above).
@usableFromInline enum AVX512: ArithmeticPolicy {
    @inlinable static var fused: Bool { true }

    @inlinable @inline(__always)
    static func exp(_ d: Lanes, _ degree: ExpDegree) -> Lanes {
        // max(-1400, d), but a NaN d stays NaN (vmaxpd returns its second
        // operand when either is NaN). Below -1400 every result is 0.
        let x = _mm512_max_pd(Lanes(repeating: -1400), d)
        // N = round(16 x / ln2): the 1.5 * 2^52 shifter leaves N in the low
        // bits of kf, and its low four bits index the table of 2^(j/16)
        // (as hi + lo: hi rounded to nearest, lo the rest).
        let shifter = 6755399441055744.0
        let kf = Lanes(repeating: shifter).addingProduct(x, Lanes(repeating: 23.083120654223414))
        let n = kf - shifter
        var r = x.addingProduct(n, Lanes(repeating: -0.04332169878499658))
        let index = unsafeBitCast(kf, to: __m512i.self)
        let hi = _mm512_permutex2var_pd(
            Lanes(1.0, 1.0442737824274138, 1.0905077326652577, 1.1387886347566916,
                  1.189207115002721, 1.241857812073484, 1.2968395546510096, 1.3542555469368927),
            index,
            Lanes(1.4142135623730951, 1.4768261459394993, 1.5422108254079407, 1.6104903319492543,
                  1.681792830507429, 1.7562521603732995, 1.8340080864093424, 1.9152065613971474))
        let r2: Lanes
        let e: Lanes
        switch degree {
        case .seven:
            r2 = r * r
            let a = Lanes(repeating: 0.500000000797188).addingProduct(r, Lanes(repeating: 0.16667006481894805))
            let b = a.addingProduct(r2, Lanes(repeating: 0.04166510746098894))
            e = hi.addingProduct(hi, r.addingProduct(r2, b))
        case .nine:
            r2 = r * r
            let a = Lanes(repeating: 0.49999999986847654).addingProduct(r, Lanes(repeating: 0.16666666669765612))
            let b = Lanes(repeating: 0.041667573514405726).addingProduct(r, Lanes(repeating: 0.008333341630858523))
            e = hi.addingProduct(hi, r.addingProduct(r2, a.addingProduct(r2, b)))
        case .eleven:
            // Second Cody-Waite step and the low half of the table entry.
            r = r.addingProduct(n, Lanes(repeating: -1.4494042586539372e-18))
            r2 = r * r
            let lo = _mm512_permutex2var_pd(
                Lanes(0.0, 8.551889705537965e-17, -3.046782079812471e-17, 8.912812676025408e-17,
                      3.982015231465646e-17, 4.658027591836937e-17, 2.5382502794888315e-17, 7.70094837980299e-17),
                index,
                Lanes(-9.667293313452913e-17, -3.483994556892796e-17, 7.949834809697621e-17, 2.4707192569797888e-17,
                      8.199010020581497e-17, 2.960140695448873e-17, 3.283107224245627e-17, -1.0619946056195963e-16))
            let a = Lanes(repeating: 0.49999999999999606).addingProduct(r, Lanes(repeating: 0.1666666666441784))
            let b = Lanes(repeating: 0.041666666693253036).addingProduct(r, Lanes(repeating: 0.008333471923868773))
            let c = b.addingProduct(r2, Lanes(repeating: 0.0013888594023527775))
            let p = r.addingProduct(r2, a.addingProduct(r2, c))
            e = hi + lo.addingProduct(hi, p)
        }
        // 2^k with k = floor(N / 16).
        return _mm512_scalef_pd(e, n * 0.0625)
    }

    @inlinable @inline(__always)
    static func fmaF(_ a: FloatLanes, _ b: FloatLanes, _ c: FloatLanes) -> FloatLanes {
        _mm512_fmadd_ps(a, b, c)
    }

    @inlinable @inline(__always)
    static func maxF(_ a: FloatLanes, _ b: FloatLanes) -> FloatLanes { _mm512_max_ps(a, b) }

    @inlinable @inline(__always)
    static var streams: Bool { true }

    @inlinable @inline(__always)
    static func storeStreamingF(_ v: FloatLanes, _ p: UnsafeMutablePointer<Float>) {
        _mm512_stream_ps(UnsafeMutableRawPointer(p), v)
    }

    /// The portable Float exp's reduction and polynomial, with 2^n by
    /// vscalefps: one rounding, subnormal results included, 0 far below.
    @inlinable @inline(__always)
    static func expF(_ d: FloatLanes, _ lo: FloatLanes?) -> FloatLanes {
        // max(-150, d), a NaN d staying NaN (vmaxps returns its second operand).
        let x = _mm512_max_ps(FloatLanes(repeating: -150), d)
        let kf = _mm512_fmadd_ps(x, FloatLanes(repeating: 1.44269502), FloatLanes(repeating: 12_582_912))
        let n = kf - 12_582_912
        var r = _mm512_fmadd_ps(n, FloatLanes(repeating: -0.693359375), x)
        r = _mm512_fmadd_ps(n, FloatLanes(repeating: 2.12194440e-4), r)
        if let lo { r += lo }
        let q = _mm512_fmadd_ps(r, expPolynomialF(AVX512.self, r), FloatLanes(repeating: 1))
        return _mm512_scalef_ps(q, n)
    }

    // Short rows (one row per lane): eight rows x eight columns at a time,
    // loaded with masked row loads (no access past a row's end) and
    // transposed in registers (`transpose8`), instead of 64 scalar loads and
    // inserts; the way back is the same transpose and masked row stores.

    @inlinable @inline(__always)
    static func loadColumns<T: LogitsFloat>(_ x: UnsafePointer<T>, _ k: Int, _ n: Int,
                                            _ cols: UnsafeMutablePointer<Lanes>) {
        var j = 0
        while j < n {
            let mask = blockMask(n &- j)
            var lane = 0
            while lane < 8 {
                let p = UnsafeRawPointer(x + ((lane < k ? lane &* n : 0) &+ j))
                cols[j &+ lane] = T.self == Float.self
                    ? _mm512_cvtps_pd(_mm256_maskz_loadu_ps(mask, p))
                    : _mm512_maskz_loadu_pd(mask, p)
                lane &+= 1
            }
            transpose8(cols + j)
            j &+= 8
        }
    }

    @inlinable @inline(__always)
    static func storeColumns<T: LogitsFloat>(_ cols: UnsafeMutablePointer<Lanes>, _ y: UnsafeMutablePointer<T>,
                                             _ k: Int, _ n: Int, _ skip: SIMDMask<SIMD8<Int64>>) {
        var j = 0
        while j < n {
            let mask = blockMask(n &- j)
            transpose8(cols + j)
            var lane = 0
            while lane < k {
                if !skip[lane] {
                    let p = UnsafeMutableRawPointer(y + (lane &* n &+ j))
                    if T.self == Float.self {
                        _mm256_mask_storeu_ps(p, mask, _mm512_cvtpd_ps(cols[j &+ lane]))
                    } else {
                        _mm512_mask_storeu_pd(p, mask, cols[j &+ lane])
                    }
                }
                lane &+= 1
            }
            j &+= 8
        }
    }
}

/// The low min(count, 8) bits set.
@inlinable @inline(__always)
func blockMask(_ count: Int) -> __mmask8 {
    count >= 8 ? 0xff : __mmask8(truncatingIfNeeded: (1 &<< count) &- 1)
}

/// Transposes the 8 x 8 block of doubles at `v` (v[i][j] <-> v[j][i]) in
/// registers: pairs interleaved, then pairs of pairs, then halves
/// (24 two-source permutes).
@inlinable @inline(__always)
func transpose8(_ v: UnsafeMutablePointer<Lanes>) {
    @inline(__always) func perm(_ a: Lanes, _ b: Lanes, _ i: SIMD8<Int64>) -> Lanes {
        _mm512_permutex2var_pd(a, i, b)
    }
    let t0 = _mm512_unpacklo_pd(v[0], v[1]), t1 = _mm512_unpackhi_pd(v[0], v[1])
    let t2 = _mm512_unpacklo_pd(v[2], v[3]), t3 = _mm512_unpackhi_pd(v[2], v[3])
    let t4 = _mm512_unpacklo_pd(v[4], v[5]), t5 = _mm512_unpackhi_pd(v[4], v[5])
    let t6 = _mm512_unpacklo_pd(v[6], v[7]), t7 = _mm512_unpackhi_pd(v[6], v[7])
    let even = SIMD8<Int64>(0, 1, 8, 9, 4, 5, 12, 13), odd = SIMD8<Int64>(2, 3, 10, 11, 6, 7, 14, 15)
    let u0 = perm(t0, t2, even), u1 = perm(t0, t2, odd), u2 = perm(t1, t3, even), u3 = perm(t1, t3, odd)
    let u4 = perm(t4, t6, even), u5 = perm(t4, t6, odd), u6 = perm(t5, t7, even), u7 = perm(t5, t7, odd)
    let low = SIMD8<Int64>(0, 1, 2, 3, 8, 9, 10, 11), high = SIMD8<Int64>(4, 5, 6, 7, 12, 13, 14, 15)
    v[0] = perm(u0, u4, low); v[4] = perm(u0, u4, high)
    v[2] = perm(u1, u5, low); v[6] = perm(u1, u5, high)
    v[1] = perm(u2, u6, low); v[5] = perm(u2, u6, high)
    v[3] = perm(u3, u7, low); v[7] = perm(u3, u7, high)
}
