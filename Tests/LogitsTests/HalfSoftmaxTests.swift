import Testing
@testable import Logits

#if canImport(Glibc)
import Glibc
#endif

// The softmax family over 16-bit storage (issue 15, not exported yet):
// every output within 0.5 ulp of its format, plus at most 0.01 ulp, of a
// Double reference computed from the exact 16-bit inputs, in both float32
// precisions; special values as for float32; in place; blocks of whole
// slices and of columns of long slices.

@Suite struct HalfSoftmax {
    /// The spacing of `format` at `v` (its subnormal spacing below the
    /// smallest normal).
    func ulp(_ format: HalfFormat, _ v: Double) -> Double {
        let bits = format == .f16 ? 10 : 7
        let minExp = format == .f16 ? -14 : -126
        guard v != 0, v.isFinite else { return pow(2, Double(minExp - bits)) }
        return pow(2, Double(max(Int(floor(log2(abs(v)))), minExp) - bits))
    }

    func widen(_ format: HalfFormat, _ h: UInt16) -> Double {
        Double(format == .f16 ? widenF16(h) : widenBF16(h))
    }

    func narrow(_ format: HalfFormat, _ f: Float) -> UInt16 {
        format == .f16 ? narrowF16(f) : narrowBF16(f)
    }

    /// 16-bit logits: N(0, scale) values rounded to the format.
    func logits(_ format: HalfFormat, _ n: Int, scale: Float, seed: UInt64) -> [UInt16] {
        var s = seed
        return (0..<n).map { _ in
            s = s &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let u1 = Float(s >> 40 | 1) / Float(1 << 24), u2 = Float(s >> 16 & 0xFFFFFF) / Float(1 << 24)
            return narrow(format, scale * sqrt(-2 * log(u1)) * cos(6.2831853 * u2))
        }
    }

    /// Double references along the axis of `layout`: (softmax, log-softmax, logsumexp).
    func reference(_ x: [Double], _ l: AxisLayout, _ t: Double) -> ([Double], [Double], [Double]) {
        var p = [Double](repeating: 0, count: x.count), lp = p
        var lse = [Double](repeating: 0, count: l.sliceCount)
        for o in 0..<l.outer {
            for j in 0..<l.inner {
                let idx = (0..<l.length).map { o * l.length * l.inner + $0 * l.inner + j }
                let m = idx.map { x[$0] / t }.max()!
                let s = idx.map { exp(x[$0] / t - m) }.reduce(0, +)
                for i in idx { p[i] = exp(x[i] / t - m) / s; lp[i] = x[i] / t - m - log(s) }
                lse[o * l.inner + j] = m + log(s)
            }
        }
        return (p, lp, lse)
    }

    @Test(arguments: [HalfFormat.f16, .bf16], [Precision.fast, .exact])
    func withinHalfAnUlpOfTheFormat(format: HalfFormat, precision: Precision) throws {
        let kernels: KernelTable = precision == .exact ? .portable : .portableFast
        let cases: [(shape: [Int], axis: Int, t: Float)] = [
            ([3, 257], 1, 1), ([4, 50, 6], 1, 0.7), ([2, 300_000], 1, 1), ([70_000, 5], 0, 2),
        ]
        for c in cases {
            let layout = try AxisLayout(shape: c.shape, axis: c.axis)
            let x = logits(format, layout.count, scale: 3, seed: UInt64(layout.count))
            let wide = x.map { widen(format, $0) }
            let (p, lp, lse) = reference(wide, layout, Double(c.t))
            for (op, want) in [(AxisOp.softmax, p), (.logSoftmax, lp), (.logSumExp, lse)] {
                var y = [UInt16](repeating: 0, count: want.count)
                let refusal = x.withUnsafeBufferPointer { xb in
                    y.withUnsafeMutableBufferPointer { yb in
                        checkedHalfAxisForward(op, format, xb.baseAddress, yb.baseAddress, layout,
                                               temperature: c.t, kernels: kernels)
                    }
                }
                #expect(refusal == nil)
                var worst = 0.0
                for i in want.indices {
                    worst = max(worst, abs(widen(format, y[i]) - want[i]) / ulp(format, want[i]))
                }
                #expect(worst <= 0.51, "\(format) \(op) \(c.shape) axis \(c.axis): \(worst) ulp")
            }
        }
    }

    @Test(arguments: [HalfFormat.f16, .bf16])
    func specialValuesAndInPlace(format: HalfFormat) throws {
        let inf = format == .f16 ? UInt16(0x7C00) : 0x7F80
        let negInf = inf | 0x8000
        let nan = format == .f16 ? UInt16(0x7E00) : 0x7FC0
        let one = narrow(format, 1), big = format == .f16 ? UInt16(0x7BFF) : 0x7F7F  // largest finite
        var x: [UInt16] = [negInf, negInf, negInf,  // masked row: zeros
                           inf, one, inf,  // +inf entries share the mass
                           one, nan, one,  // NaN poisons its row only
                           big, big, one]  // the largest finite values
        let layout = try AxisLayout(rows: 4, cols: 3)
        let refusal = x.withUnsafeMutableBufferPointer { xb in
            checkedHalfAxisForward(.softmax, format, UnsafePointer(xb.baseAddress), xb.baseAddress, layout,
                                   temperature: 1)
        }
        #expect(refusal == nil)
        let got = x.map { widen(format, $0) }
        #expect(Array(got[0..<3]) == [0, 0, 0])
        #expect(Array(got[3..<6]) == [0.5, 0, 0.5])
        #expect(got[6..<9].allSatisfy { $0.isNaN })
        #expect(Array(got[9..<12]) == [0.5, 0.5, 0])
        var empty: [UInt16] = [1, 1]
        let e = empty.withUnsafeMutableBufferPointer { yb in
            checkedHalfAxisForward(.logSumExp, format, nil, yb.baseAddress, AxisLayout(2, 0, 1, 0, 2),
                                   temperature: 1)
        }
        #expect(e == nil && empty.allSatisfy { widen(format, $0) == -.infinity })
        #expect(checkedHalfAxisForward(.softmax, format, nil, nil, layout, temperature: 1) != nil)
        #expect(checkedHalfAxisForward(.softmax, format, nil, nil, layout, temperature: 0) != nil)
    }

    @Test(arguments: [HalfFormat.f16, .bf16])
    func elementwiseWithinHalfAnUlp(format: HalfFormat) {
        var x = logits(format, 300_000, scale: 8, seed: 99)
        x += format == .f16 ? [0x7C00, 0xFC00, 0x7BFF, 0xFBFF, 0x0001] : [0x7F80, 0xFF80, 0x7F7F, 0xFF7F, 0x0001]
        let functions: [(ElementwiseOp, (Double) -> Double)] = [
            (.sigmoid, { $0 >= 0 ? 1 / (1 + exp(-$0)) : exp($0) / (1 + exp($0)) }),
            (.logSigmoid, { -(max(-$0, 0) + log1p(exp(-abs($0)))) }),
            (.softplus, { max($0, 0) + log1p(exp(-abs($0))) }),
        ]
        for (op, f) in functions {
            var y = [UInt16](repeating: 0, count: x.count)
            let refusal = x.withUnsafeBufferPointer { xb in
                y.withUnsafeMutableBufferPointer { yb in
                    checkedHalfElementwise(op, format, xb.baseAddress, yb.baseAddress, count: xb.count)
                }
            }
            #expect(refusal == nil)
            var worst = 0.0
            for i in x.indices {
                let want = f(widen(format, x[i]))
                let got = widen(format, y[i])
                if want.isInfinite { #expect(got == want); continue }
                worst = max(worst, abs(got - want) / ulp(format, want))
            }
            #expect(worst <= 0.51, "\(format) \(op): \(worst) ulp")
        }
    }

    @Test(arguments: [HalfFormat.f16, .bf16])
    func gradientsWithinHalfAnUlpPlusTheTermScale(format: HalfFormat) throws {
        // dx against the Double formula on the 16-bit y and dy: within 0.5 ulp
        // of the format plus 2^-20 of the term scale (the float32 kernel's
        // cancellation bound is a few float32 ulps of it).
        for (shape, axis, t) in [([5, 301], 1, Float(1)), ([4, 30, 7], 1, 0.5), ([70_000, 5], 0, 1)] {
            let layout = try AxisLayout(shape: shape, axis: axis)
            let x = logits(format, layout.count, scale: 2, seed: 7)
            let g = logits(format, layout.count, scale: 1, seed: 8)
            let wideX = x.map { widen(format, $0) }, dyw = g.map { widen(format, $0) }
            let (p, lp, _) = reference(wideX, layout, Double(t))
            for op in [AxisBackwardOp.softmax, .logSoftmax] {
                let yw = (op == .softmax ? p : lp).map { narrow(format, Float($0)) }
                let y = yw.map { widen(format, $0) }
                var dx = [UInt16](repeating: 0, count: x.count)
                let refusal = yw.withUnsafeBufferPointer { yb in
                    g.withUnsafeBufferPointer { gb in
                        dx.withUnsafeMutableBufferPointer { db in
                            checkedHalfAxisBackward(op, format, yb.baseAddress, gb.baseAddress, db.baseAddress,
                                                    layout, temperature: t)
                        }
                    }
                }
                #expect(refusal == nil)
                var worst = 0.0
                for o in 0..<layout.outer {
                    for j in 0..<layout.inner {
                        let idx = (0..<layout.length).map { o * layout.length * layout.inner + $0 * layout.inner + j }
                        let sum = op == .softmax ? idx.map { y[$0] * dyw[$0] }.reduce(0, +) : idx.map { dyw[$0] }.reduce(0, +)
                        for i in idx {
                            let want = op == .softmax ? y[i] * (dyw[i] - sum) / Double(t)
                                : (dyw[i] - exp(y[i]) * sum) / Double(t)
                            let scale = op == .softmax ? abs(y[i]) * (abs(dyw[i]) + abs(sum)) / Double(t)
                                : (abs(dyw[i]) + exp(y[i]) * abs(sum)) / Double(t)
                            let err = abs(widen(format, dx[i]) - want)
                            worst = max(worst, (err - scale * 0x1p-20) / ulp(format, want))
                        }
                    }
                }
                #expect(worst <= 0.51, "\(format) \(op) \(shape): \(worst) ulp")
            }
        }
        // Elementwise gradients from the outputs, in place over dy.
        let x = logits(format, 5000, scale: 4, seed: 11)
        var dy = logits(format, 5000, scale: 1, seed: 12)
        let dyw = dy.map { widen(format, $0) }
        let y = x.map { narrow(format, Float(1 / (1 + exp(-widen(format, $0))))) }
        let refusal = y.withUnsafeBufferPointer { yb in
            dy.withUnsafeMutableBufferPointer { db in
                checkedHalfElementwiseBackward(.sigmoid, format, yb.baseAddress, UnsafePointer(db.baseAddress),
                                               db.baseAddress, count: 5000)
            }
        }
        #expect(refusal == nil)
        var worst = 0.0
        for i in 0..<5000 {
            let v = widen(format, y[i])
            let want = dyw[i] * v * (1 - v)
            worst = max(worst, abs(widen(format, dy[i]) - want) / ulp(format, want))
        }
        #expect(worst <= 0.51, "\(format) sigmoid backward: \(worst) ulp")
    }
}
