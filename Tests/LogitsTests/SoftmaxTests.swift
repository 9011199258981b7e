import Testing
@testable import Logits

typealias S = LogitsTestsSupport

/// Random logits in [-scale, scale].
func randomLogits<T: LogitsFloat>(_ n: Int, scale: Double, seed: UInt64) -> [T] {
    var g = SplitMix(seed: seed)
    return (0..<n).map { _ in T(roundingDouble: Double.random(in: -scale...scale, using: &g)) }
}

/// Checks softmax, log-softmax and logsumexp of rows x cols against Ref, with
/// the documented bound: softmax error <= bound * (1 + |x - max| / T) ulps.
/// `logBound` (default `bound`) is that of log-softmax and logsumexp.
func checkAxisOps<T: LogitsFloat>(_: T.Type, rows: Int, cols: Int, scale: Double, t: Double,
                                  bound: Double, logBound: Double? = nil, seed: UInt64,
                                  precision: Precision = .default) throws {
    let x: [T] = randomLogits(rows * cols, scale: scale, seed: seed)
    let temperature = T(roundingDouble: t)
    let p = try Logits.softmax(x, shape: [rows, cols], temperature: temperature, precision: precision)
    let lp = try Logits.logSoftmax(x, shape: [rows, cols], temperature: temperature, precision: precision)
    let lse = try Logits.logSumExp(x, shape: [rows, cols], temperature: temperature, precision: precision)
    let logBound = logBound ?? bound
    let tw = Wide(temperature.doubleValue)
    for r in 0..<rows {
        let row = (0..<cols).map { Wide(x[r * cols + $0].doubleValue) }
        let m = row.max()!
        let rp = Ref.softmax(row, t: tw), rl = Ref.logSoftmax(row, t: tw)
        for c in 0..<cols {
            let z = Double(abs(row[c] - m) / tw)
            let e1 = S.ulps(p[r * cols + c], rp[c]), e2 = S.ulps(lp[r * cols + c], rl[c])
            #expect(e1 <= bound * (1 + z), "softmax \(T.self) row \(r) col \(c): \(e1) ulp")
            // log-softmax: the largest entries are -log1p(small terms), whose
            // exps carry the |z| error of their arguments (float64 only; the
            // float32 path computes in double and rounds once).
            let zmax = T.self == Float.self ? 0 : Double(abs(row.min()! - m) / tw)
            #expect(e2 <= logBound * (1 + zmax), "logSoftmax \(T.self) row \(r) col \(c): \(e2) ulp")
        }
        // logsumexp = max/T + log(sum): the bound is relative to the larger term.
        let e3 = S.ulps(lse[r], Ref.logSumExp(row, t: tw), scale: abs(m / tw))
        #expect(e3 <= logBound, "logSumExp \(T.self) row \(r): \(e3) ulp")
    }
}

@Suite struct SoftmaxAccuracy {
    /// The bounds of abi/operations.h: exact float32 softmax 1.5 ulp,
    /// log-softmax and logsumexp 1; fast 1.5 ulp x (1 + |z|) and 2.5.
    @Test(arguments: [Precision.fast, .exact], [1, 2, 7, 8, 9, 63, 64, 65, 1000])
    func floatRows(precision: Precision, cols: Int) throws {
        let (bound, logBound) = precision == .fast ? (1.5, 2.5) : (1.5, 1.0)
        try checkAxisOps(Float.self, rows: 3, cols: cols, scale: 20, t: 1, bound: bound, logBound: logBound,
                         seed: UInt64(cols), precision: precision)
        try checkAxisOps(Float.self, rows: 2, cols: cols, scale: 1e4, t: 0.7, bound: bound, logBound: logBound,
                         seed: 99, precision: precision)
    }

    @Test(arguments: [1, 2, 7, 8, 9, 63, 64, 65, 1000])
    func doubleRows(cols: Int) throws {
        try checkAxisOps(Double.self, rows: 3, cols: cols, scale: 20, t: 1, bound: 4, seed: UInt64(cols))
        try checkAxisOps(Double.self, rows: 2, cols: cols, scale: 300, t: 3.7, bound: 4, seed: 7)
    }

    @Test func longRowSumsToOne() throws {
        let x: [Float] = randomLogits(50_257, scale: 10, seed: 5)
        let p = try Logits.softmax(x)
        let sum = p.reduce(0.0) { $0 + Double($1) }
        #expect(abs(sum - 1) < 1e-6)
        let rp = Ref.softmax(x.map { Wide($0) })
        let worst = zip(p, rp).map { S.ulps($0, $1) }.max()!
        #expect(worst <= 1.0 * (1 + 20))
    }

    @Test func everyAxisMatchesTransposedRows() throws {
        // 3 x 5 x 70 array (inner 70 crosses the 64-wide block).
        let shape = [3, 5, 70]
        let x: [Double] = randomLogits(3 * 5 * 70, scale: 5, seed: 11)
        for axis in [0, 1, 2, -1, -2, -3] {
            let a = axis < 0 ? axis + 3 : axis
            let y = try Logits.softmax(x, shape: shape, axis: axis)
            let lse = try Logits.logSumExp(x, shape: shape, axis: axis)
            var idx = [0, 0, 0]
            var lseIndex = 0
            // Visit each slice in the C order of the remaining axes.
            let others = (0..<3).filter { $0 != a }
            for i in 0..<shape[others[0]] {
                for j in 0..<shape[others[1]] {
                    idx[others[0]] = i; idx[others[1]] = j
                    var slice: [Wide] = [], got: [Double] = []
                    for k in 0..<shape[a] {
                        idx[a] = k
                        let flat = (idx[0] * 5 + idx[1]) * 70 + idx[2]
                        slice.append(Wide(x[flat])); got.append(y[flat])
                    }
                    let ref = Ref.softmax(slice)
                    for k in 0..<got.count { #expect(S.ulps(got[k], ref[k]) <= 4 * 12) }
                    let e = S.ulps(lse[lseIndex], Ref.logSumExp(slice), scale: abs(slice.max()!))
                    #expect(e <= 4)
                    lseIndex += 1
                }
            }
        }
    }
}

@Suite struct SoftmaxSpecialValues {
    @Test func hugeLogitsDoNotOverflow() throws {
        let x: [Float] = [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0, 1e30]
        let p = try Logits.softmax(x)
        #expect(p == [1, 0, 0, 0])
        let lp = try Logits.logSoftmax(x)
        #expect(lp[0] == 0 && lp[1] == -.infinity && lp[3] == -Float.greatestFiniteMagnitude)
        // lp[1] is the exact -2 * FLT_MAX, below the float range: -inf is its rounding.
        // The exact -2e308 is below the double range: -inf is its rounding.
        #expect(try Logits.logSoftmax([1e308, -1e308, 0] as [Double]) == [0, -.infinity, -1e308])
        // DBL_MAX + log(2) rounds to DBL_MAX.
        let big = Double.greatestFiniteMagnitude
        #expect(try Logits.logSumExp([big, big]) == [big])
        #expect(try Logits.logSumExp([Float.greatestFiniteMagnitude, .greatestFiniteMagnitude]) == [.greatestFiniteMagnitude])
    }

    @Test func logSoftmaxStaysFinite() throws {
        let lp = try Logits.logSoftmax([0, 200] as [Float])
        #expect(lp == [-200, 0])
        let lp2 = try Logits.logSoftmax([-1e4, 1e4] as [Float], temperature: 0.5)
        #expect(lp2 == [-4e4, 0])
    }

    @Test func maskedRow() throws {
        let x: [Double] = [-.infinity, -.infinity, -.infinity, 1, 2, 3]
        let p = try Logits.softmax(x, shape: [2, 3])
        #expect(Array(p[0..<3]) == [0, 0, 0])
        #expect(abs(p[3..<6].reduce(0, +) - 1) < 1e-15)
        #expect(try Logits.logSoftmax(x, shape: [2, 3])[0..<3].allSatisfy { $0 == -.infinity })
        #expect(try Logits.logSumExp(x, shape: [2, 3])[0] == -.infinity)
    }

    @Test func positiveInfinitiesShare() throws {
        let x: [Float] = [.infinity, 1, .infinity, -.infinity]
        #expect(try Logits.softmax(x) == [0.5, 0, 0.5, 0])
        #expect(try Logits.logSoftmax(x, temperature: 2) == [-Float(0.6931472), -.infinity, -Float(0.6931472), -.infinity])
        #expect(try Logits.logSumExp(x)[0] == .infinity)
    }

    @Test func nanStaysInItsRow() throws {
        let x: [Double] = [1, .nan, 3, 1, 2, 3]
        let p = try Logits.softmax(x, shape: [2, 3])
        #expect(p[0..<3].allSatisfy { $0.isNaN })
        #expect(p[3..<6].allSatisfy { !$0.isNaN })
        #expect(try Logits.logSumExp(x, shape: [2, 3])[0].isNaN)
        #expect(try Logits.logSoftmax([.nan, -.infinity] as [Float]).allSatisfy { $0.isNaN })
    }

    @Test func emptyShapes() throws {
        #expect(try Logits.softmax([Float](), shape: [3, 0]) == [])
        #expect(try Logits.logSumExp([Double](), shape: [2, 0]) == [-.infinity, -.infinity])
        #expect(try Logits.logSumExp([Double](), shape: [0, 4]) == [])
        #expect(try Logits.softmax([Double]()) == [])
    }

    @Test func inPlaceMatchesOutOfPlace() throws {
        let x: [Float] = randomLogits(6 * 70, scale: 30, seed: 3)
        let expected = try Logits.softmax(x, shape: [6, 70], temperature: 1.5)
        var v = x
        try v.withUnsafeMutableBufferPointer { b throws(LogitsError) in
            try Logits.softmax(UnsafeBufferPointer(b), into: b, layout: AxisLayout(rows: 6, cols: 70),
                        temperature: 1.5)
        }
        #expect(v == expected)
    }

    @Test func deterministic() throws {
        let x: [Double] = randomLogits(4096, scale: 50, seed: 8)
        #expect(try Logits.logSoftmax(x, shape: [64, 64]) == (try Logits.logSoftmax(x, shape: [64, 64])))
    }
}

@Suite struct SoftmaxBadInput {
    @Test func badTemperature() {
        for t in [0, -1, Float.nan, .infinity] {
            #expect(throws: LogitsError.invalidArgument("temperature must be finite and > 0")) {
                try Logits.softmax([1, 2] as [Float], temperature: t)
            }
        }
    }

    @Test func badAxisAndShape() {
        #expect(throws: LogitsError.self) { try Logits.softmax([1, 2, 3] as [Double], axis: 1) }
        #expect(throws: LogitsError.self) { try Logits.softmax([1, 2, 3] as [Double], shape: [2, 2]) }
        #expect(throws: LogitsError.sizeOverflow) { try Logits.softmax([1, 2, 3] as [Double], shape: [-1, -3]) }
        #expect(throws: LogitsError.sizeOverflow) { try AxisLayout(outer: Int.max, length: 2, inner: 1) }
        #expect(throws: LogitsError.self) { try Logits.softmaxBackward(output: [1, 2] as [Float], gradient: [1]) }
    }

    @Test func overlapIsRefusedAndNothingIsWritten() throws {
        var v: [Double] = [1, 2, 3, 4, 5]
        let before = v
        v.withUnsafeMutableBufferPointer { b in
            let x = UnsafeBufferPointer(rebasing: b[0..<4])
            let y = UnsafeMutableBufferPointer(rebasing: b[1..<5])
            #expect(throws: LogitsError.overlap) {
                try Logits.softmax(x, into: y, layout: AxisLayout(rows: 1, cols: 4))
            }
            let lseOut = UnsafeMutableBufferPointer(rebasing: b[0..<1])
            #expect(throws: LogitsError.overlap) {
                try Logits.logSumExp(x, into: lseOut, layout: AxisLayout(rows: 1, cols: 4))
            }
        }
        #expect(v == before)
    }
}

@Suite struct LibraryThreads {
    @Test func resultsDoNotDependOnThreads() throws {
        let x: [Float] = randomLogits(600 * 500, scale: 6, seed: 3)
        let labels = (0..<600).map { Int64(($0 * 37) % 500) }
        // The precision is named, not left to the process default, which
        // PrecisionTests changes while the suites run in parallel.
        let fast = CrossEntropyOptions(precision: .fast)
        Logits.threadCount = 1
        #expect(Logits.threadCount == 1)
        let p1 = try Logits.softmax(x, shape: [600, 500], precision: .fast)
        let c1 = try crossEntropy(x, labels: labels, shape: [600, 500], options: fast, withGradient: true)
        Logits.threadCount = 4
        #expect(Logits.threadCount == 4)
        let p4 = try Logits.softmax(x, shape: [600, 500], precision: .fast)
        let c4 = try crossEntropy(x, labels: labels, shape: [600, 500], options: fast, withGradient: true)
        Logits.threadCount = 0
        #expect(Logits.threadCount >= 1)
        #expect(p1 == p4)
        #expect(c1 == c4)
    }
}
