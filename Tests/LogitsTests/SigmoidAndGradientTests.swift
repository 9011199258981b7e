import Testing
@testable import Logits

@Suite struct ElementwiseAccuracy {
    /// Inputs over the whole interesting range, including extremes.
    static func inputs<T: LogitsFloat>(_: T.Type) -> [T] {
        var xs: [T] = [0, -0, 1, -1, 1e-30, -1e-30, 30, -30, 88, -88, 100, -100, 700, -745,
                       .greatestFiniteMagnitude, -.greatestFiniteMagnitude,
                       .leastNonzeroMagnitude, -.leastNonzeroMagnitude]
        xs += randomLogits(2000, scale: 40, seed: 17)
        return xs
    }

    func check<T: LogitsFloat>(_: T.Type, bound: Double, precision: Precision = .default) {
        let x = Self.inputs(T.self)
        let s = Logits.sigmoid(x, precision: precision), ls = Logits.logSigmoid(x, precision: precision)
        let sp = Logits.softplus(x, precision: precision)
        for i in x.indices {
            let w = Wide(x[i].doubleValue)
            #expect(S.ulps(s[i], Ref.sigmoid(w)) <= bound, "Logits.sigmoid(\(x[i]))")
            #expect(S.ulps(ls[i], Ref.logSigmoid(w)) <= bound, "Logits.logSigmoid(\(x[i]))")
            #expect(S.ulps(sp[i], Ref.softplus(w)) <= bound, "Logits.softplus(\(x[i]))")
            #expect(ls[i].isFinite && sp[i].isFinite || !x[i].isFinite || abs(x[i]) > 1e300)
        }
    }

    /// abi/operations.h: float32 exact 0.501 ulp (a double rounded once), fast 3.
    @Test(arguments: [Precision.fast, .exact])
    func float(precision: Precision) {
        check(Float.self, bound: precision == .fast ? 3 : 0.5 + 1e-6, precision: precision)
    }
    @Test func double() { check(Double.self, bound: 3) }

    @Test func specialValues() {
        #expect(Logits.sigmoid([Float.infinity, -.infinity]) == [1, 0])
        #expect(Logits.logSigmoid([Double.infinity, -.infinity]) == [0, -.infinity])
        #expect(Logits.softplus([Float.infinity, -.infinity]) == [.infinity, 0])
        #expect(Logits.sigmoid([Double.nan])[0].isNaN && Logits.logSigmoid([Float.nan])[0].isNaN
                && Logits.softplus([Double.nan])[0].isNaN)
        #expect(Logits.logSigmoid([-200 as Float]) == [-200])
        #expect(Logits.sigmoid([Float]()) == [])
    }
}

@Suite struct Gradients {
    /// Central differences in Double of sum(w * f(x)) against the backward pass.
    func numericGradient(_ f: ([Double]) throws -> [Double], _ x: [Double], _ w: [Double]) rethrows -> [Double] {
        var g = [Double](repeating: 0, count: x.count)
        for i in x.indices {
            let h = 1e-5 * max(1, abs(x[i]))
            var a = x, b = x
            a[i] += h; b[i] -= h
            let fa = try f(a), fb = try f(b)
            g[i] = zip(fa, w).map(*).reduce(0, +) / (2 * h) - zip(fb, w).map(*).reduce(0, +) / (2 * h)
        }
        return g
    }

    func close(_ a: [Double], _ b: [Double], _ tol: Double) -> Bool {
        zip(a, b).allSatisfy { abs($0 - $1) <= tol * max(1, abs($1)) }
    }

    @Test func softmaxFamily() throws {
        let x: [Double] = randomLogits(3 * 7, scale: 3, seed: 23)
        let w: [Double] = randomLogits(3 * 7, scale: 1, seed: 29)
        for (axis, t) in [(1, 1.0), (0, 2.5), (-1, 0.6)] {
            let y = try Logits.softmax(x, shape: [3, 7], axis: axis, temperature: t)
            let dx = try Logits.softmaxBackward(output: y, gradient: w, shape: [3, 7], axis: axis, temperature: t)
            let num = try numericGradient({ try Logits.softmax($0, shape: [3, 7], axis: axis, temperature: t) }, x, w)
            #expect(close(dx, num, 1e-7))
            let ly = try Logits.logSoftmax(x, shape: [3, 7], axis: axis, temperature: t)
            let ldx = try Logits.logSoftmaxBackward(output: ly, gradient: w, shape: [3, 7], axis: axis, temperature: t)
            let lnum = try numericGradient({ try Logits.logSoftmax($0, shape: [3, 7], axis: axis, temperature: t) }, x, w)
            #expect(close(ldx, lnum, 1e-7))
        }
    }

    @Test func elementwise() throws {
        let x: [Double] = randomLogits(50, scale: 12, seed: 31)
        let w: [Double] = randomLogits(50, scale: 1, seed: 37)
        #expect(close(try Logits.sigmoidBackward(output: Logits.sigmoid(x), gradient: w),
                      numericGradient({ Logits.sigmoid($0) }, x, w), 1e-7))
        #expect(close(try Logits.logSigmoidBackward(output: Logits.logSigmoid(x), gradient: w),
                      numericGradient({ Logits.logSigmoid($0) }, x, w), 1e-7))
        #expect(close(try Logits.softplusBackward(output: Logits.softplus(x), gradient: w),
                      numericGradient({ Logits.softplus($0) }, x, w), 1e-7))
    }

    @Test func farTailsStayAccurate() throws {
        // d/dx log_sigmoid(x) = sigmoid(-x): at x = 40 it is ~4.2e-18, not 0.
        let g = try Logits.logSigmoidBackward(output: Logits.logSigmoid([40.0]), gradient: [1])[0]
        #expect(abs(g / Double(Ref.sigmoid(-40)) - 1) < 1e-12)
        let h = try Logits.softplusBackward(output: Logits.softplus([-40.0]), gradient: [1])[0]
        #expect(abs(h / Double(Ref.sigmoid(-40)) - 1) < 1e-12)
    }
}
