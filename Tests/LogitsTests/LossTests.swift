import Testing
@testable import Logits

/// Independent Wide-precision references of the documented formulas
/// (PyTorch CrossEntropyLoss / BCEWithLogitsLoss, Keras probabilities).
enum LossRef {
    static func categorical(_ x: [Wide], q: [Wide], w: [Wide]? = nil, t: Wide = 1) -> Wide {
        let lp = Ref.logSoftmax(x, t: t)
        var loss: Wide = 0
        for c in x.indices where (w?[c] ?? 1) * q[c] != 0 { loss -= (w?[c] ?? 1) * q[c] * lp[c] }
        return loss
    }
    static func binary(_ x: Wide, _ y: Wide, pw: Wide = 1) -> Wide {
        (1 - y) * x - (1 + (pw - 1) * y) * Ref.logSigmoid(x)
    }
}

@Suite struct CategoricalCrossEntropy {
    let x: [Double] = [2, 1, 0.1, 0.5, 2.5, 0.3, -1, 0, 4]
    let labels: [Int64] = [0, 1, 2]

    @Test func meanMatchesReferenceWithWeightsSmoothingAndIgnore() throws {
        let w: [Double] = [0.5, 2, 1]
        let eps = 0.1
        var options = CrossEntropyOptions(ignoreIndex: 2, labelSmoothing: eps, temperature: 1.5)
        let out = try crossEntropy(x, labels: labels, shape: [3, 3], classWeights: w, options: options)
        var sum: Wide = 0, denom: Wide = 0
        for r in 0..<2 {  // row 2 is ignored
            let row = (0..<3).map { Wide(x[r * 3 + $0]) }
            let q = (0..<3).map { Wide($0 == Int(labels[r]) ? 1 - eps : 0) + Wide(eps / 3) }
            sum += LossRef.categorical(row, q: q, w: w.map { Wide($0) }, t: 1.5)
            denom += Wide(w[Int(labels[r])])
        }
        #expect(abs(Wide(out.loss[0]) - sum / denom) <= 1e-15 * sum / denom)
        options.reduction = .none
        let none = try crossEntropy(x, labels: labels, shape: [3, 3], classWeights: w, options: options)
        #expect(none.loss.count == 3 && none.loss[2] == 0)
    }

    @Test func gradientMatchesFiniteDifferences() throws {
        for options in [CrossEntropyOptions(), CrossEntropyOptions(reduction: .sum, labelSmoothing: 0.2, temperature: 0.7),
                        CrossEntropyOptions(fromLogits: false, labelSmoothing: 0.05)] {
            let input = options.fromLogits ? x : x.map { abs($0) + 0.1 }
            let g = try crossEntropy(input, labels: labels, shape: [3, 3], classWeights: [1, 2, 0.5],
                                     options: options, withGradient: true).gradient!
            for i in input.indices {
                let h = 1e-6
                var a = input, b = input
                a[i] += h; b[i] -= h
                let fa = try crossEntropy(a, labels: labels, shape: [3, 3], classWeights: [1, 2, 0.5], options: options).loss[0]
                let fb = try crossEntropy(b, labels: labels, shape: [3, 3], classWeights: [1, 2, 0.5], options: options).loss[0]
                #expect(abs(g[i] - (fa - fb) / (2 * h)) < 1e-7, "\(options) element \(i)")
            }
        }
    }

    @Test func softTargetsAndClassAxisOne() throws {
        // N=2, C=3, d=2 with classes on axis 1; soft targets; mean over 4 samples.
        let input: [Float] = [1, 2, 0, -1, 3, 0.5, 0.2, 0.1, -2, 1, 0, 0]
        let targets: [Float] = [0.2, 0.5, 0.3, 0.1, 0.5, 0.4, 0.5, 0.2, 0.2, 0.1, 0.3, 0.1]
        let out = try crossEntropy(input, targets: targets, shape: [2, 3, 2], axis: 1)
        var total: Wide = 0
        for n in 0..<2 { for d in 0..<2 {
            let idx = (0..<3).map { n * 6 + $0 * 2 + d }
            total += LossRef.categorical(idx.map { Wide(input[$0]) }, q: idx.map { Wide(targets[$0]) })
        } }
        #expect(abs(Wide(out.loss[0]) - total / 4) <= 2e-7 * total / 4)
    }

    @Test func decidedEdgeCases() throws {
        let allIgnored = try crossEntropy(x, labels: [-100, -100, -100], shape: [3, 3],
                                          options: .init(ignoreIndex: -100), withGradient: true)
        #expect(allIgnored.loss == [0] && allIgnored.gradient!.allSatisfy { $0 == 0 })
        let masked: [Double] = [-.infinity, 0, 1]
        #expect(try crossEntropy(masked, labels: [2]).loss[0].isFinite)
        #expect(try crossEntropy(masked, labels: [0]).loss[0] == .infinity)
        let nanRow = try crossEntropy([.nan, 0, 1, 0, 1, 2] as [Float], labels: [0, 1], shape: [2, 3],
                                      options: .init(reduction: .none))
        #expect(nanRow.loss[0].isNaN && nanRow.loss[1].isFinite)
    }

    @Test func badInput() {
        // The seed's TensorFlow example: labels 9, 99, 999 for 10 classes.
        let logits = [Float](repeating: 0.5, count: 30)
        #expect(throws: LogitsError.labelOutOfRange(position: 1, label: 99)) {
            try crossEntropy(logits, labels: [9, 99, 999], shape: [3, 10])
        }
        #expect(throws: LogitsError.self) {
            try crossEntropy([0.5, -0.2, 0.7] as [Double], labels: [0], options: .init(fromLogits: false))
        }
        #expect(throws: LogitsError.self) { try crossEntropy(x, labels: labels, shape: [3, 3], classWeights: [1, -1, 1]) }
        #expect(throws: LogitsError.self) { try crossEntropy(x, labels: labels, shape: [3, 3], options: .init(labelSmoothing: 1.5)) }
        #expect(throws: LogitsError.self) { try crossEntropy(x, targets: [-0.1] + Array(x.dropFirst()), shape: [3, 3]) }
    }

    @Test func inPlaceGradientOverTheLogits() throws {
        let expected = try crossEntropy(x, labels: labels, shape: [3, 3], withGradient: true)
        var buffer = x
        var loss: [Double] = [0]
        try buffer.withUnsafeMutableBufferPointer { (xb) throws(LogitsError) in
            try labels.withUnsafeBufferPointer { (lb) throws(LogitsError) in
                try loss.withUnsafeMutableBufferPointer { (l) throws(LogitsError) in
                    try Logits.crossEntropy(UnsafeBufferPointer(xb), labels: lb, layout: AxisLayout(rows: 3, cols: 3),
                                     loss: l, gradient: xb)
                }
            }
        }
        #expect(buffer == expected.gradient! && loss == expected.loss)
    }
}

@Suite struct BinaryCrossEntropyTests {
    let x: [Double] = [1.5, -0.3, 0.2, 2, -40, 35]
    let y: [Double] = [1, 0, 0, 1, 0.3, 1]

    @Test func matchesPyTorchFormula() throws {
        let pw: [Double] = [2, 0.5]
        let out = try binaryCrossEntropy(x, targets: y, classes: 2, posWeight: pw, options: .init(reduction: .none))
        for i in x.indices {
            let ref = LossRef.binary(Wide(x[i]), Wide(y[i]), pw: Wide(pw[i % 2]))
            #expect(abs(Wide(out.loss[i]) - ref) <= 4e-16 * max(1, abs(ref)), "element \(i)")
        }
    }

    @Test func focalAndGradients() throws {
        for options in [BinaryCrossEntropyOptions(), .init(labelSmoothing: 0.1, gamma: 2, alpha: 0.25),
                        .init(reduction: .sum, gamma: 0.5), .init(fromLogits: false, gamma: 1.5)] {
            let input = options.fromLogits ? x : [0.9, 0.2, 0.4, 0.7, 0.05, 0.99]
            let g = try binaryCrossEntropy(input, targets: y, classes: 2, weights: [1, 2, 1, 0.5, 1, 1],
                                           options: options, withGradient: true).gradient!
            for i in input.indices {
                let h = 1e-6
                var a = input, b = input
                a[i] += h; b[i] -= h
                let fa = try binaryCrossEntropy(a, targets: y, classes: 2, weights: [1, 2, 1, 0.5, 1, 1], options: options).loss[0]
                let fb = try binaryCrossEntropy(b, targets: y, classes: 2, weights: [1, 2, 1, 0.5, 1, 1], options: options).loss[0]
                #expect(abs(g[i] - (fa - fb) / (2 * h)) < 1e-6, "\(options) element \(i)")
            }
        }
        // Focal with gamma 2, alpha 0.25 against torchvision's formula.
        let focal = try binaryCrossEntropy(x, targets: y, options: .init(reduction: .none, gamma: 2, alpha: 0.25))
        for i in x.indices {
            let t = Wide(y[i])
            // 1 - p_t = t Logits.sigmoid(-x) + (1 - t) Logits.sigmoid(x), formed without cancellation.
            let oneMinusPt = t * Ref.sigmoid(-Wide(x[i])) + (1 - t) * Ref.sigmoid(Wide(x[i]))
            let ref = (0.25 * t + 0.75 * (1 - t)) * oneMinusPt * oneMinusPt * LossRef.binary(Wide(x[i]), t)
            #expect(abs(Wide(focal.loss[i]) - ref) <= 1e-13 * max(ref, 1e-300) + 1e-300, "focal \(i)")
        }
    }

    @Test func badInput() {
        #expect(throws: LogitsError.self) { try binaryCrossEntropy(x, targets: y.map { $0 + 0.8 }) }
        #expect(throws: LogitsError.self) { try binaryCrossEntropy(x, targets: y, options: .init(gamma: -1)) }
        #expect(throws: LogitsError.self) { try binaryCrossEntropy(x, targets: y, options: .init(alpha: 2)) }
        #expect(throws: LogitsError.self) { try binaryCrossEntropy(x, targets: y, options: .init(fromLogits: false)) }
        #expect(throws: LogitsError.self) { try binaryCrossEntropy(x, targets: y, classes: 4) }
    }
}
