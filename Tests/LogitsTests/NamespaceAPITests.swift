import Testing
@testable import Logits

// The namespace API (issue 19): every storage kind gives the array form's
// answer, the inout forms equal the returning forms, a reduced loss is a
// value, the gradient array is reused, a refused call leaves it as it was,
// and the deprecated spellings still answer the same.

@Suite struct NamespaceAPI {
    let grid: [Float] = (0..<24).map { Float(($0 * 37) % 11) / 3 - 1.5 }

    @Test func everyStorageGivesTheArrayAnswer() throws {
        let want = try Logits.softmax(grid, shape: [4, 6])
        #expect(try Logits.softmax(ContiguousArray(grid), shape: [4, 6]) == want)
        let padded = [Float(9), 9] + grid + [9]
        #expect(try Logits.softmax(padded[2..<26], shape: [4, 6]) == want)
        try grid.withUnsafeBufferPointer { (b) throws in
            #expect(try Logits.softmax(b, shape: [4, 6]) == want)
        }
        #expect(try Logits.logSumExp(padded[2..<26], shape: [4, 6], axis: 0)
                == Logits.logSumExp(grid, shape: [4, 6], axis: 0))
        #expect(Logits.sigmoid(padded[2..<26]) == Logits.sigmoid(grid))
        #expect(try Logits.argmax(padded[2..<26], rows: 4) == Logits.argmax(grid, rows: 4))
    }

    @Test func inoutFormsEqualReturningForms() throws {
        var a = grid
        try Logits.softmax(&a, shape: [4, 6], axis: 0, temperature: 2)
        #expect(a == (try Logits.softmax(grid, shape: [4, 6], axis: 0, temperature: 2)))
        var s = ArraySlice(grid)
        try Logits.logSoftmax(&s, shape: [4, 6])
        #expect(Array(s) == (try Logits.logSoftmax(grid, shape: [4, 6])))
        var c = ContiguousArray(grid)
        Logits.softplus(&c, precision: .exact)
        #expect(Array(c) == Logits.softplus(grid, precision: .exact))
        var d = grid
        Logits.sigmoid(&d)
        #expect(d == Logits.sigmoid(grid))
        var e = grid
        Logits.logSigmoid(&e)
        #expect(e == Logits.apply(.logSigmoid, grid))
    }

    @Test func reducedLossIsAValueAndTheGradientArrayIsReused() throws {
        let x: [Double] = [2, 1, 0.1, 0.5, 2.5, 0.3]
        let labels: [Int64] = [0, 1]
        let perSample = try Logits.crossEntropyPerSample(x, labels: labels, shape: [2, 3])
        let mean: Double = try Logits.crossEntropy(x, labels: labels, shape: [2, 3])
        #expect(abs(mean - (perSample[0] + perSample[1]) / 2) < 1e-15)
        var grad: [Double] = []
        let withGrad = try Logits.crossEntropy(x, labels: labels, shape: [2, 3], gradient: &grad)
        #expect(withGrad == mean && grad.count == 6)
        let storage = grad.withUnsafeBufferPointer { $0.baseAddress }
        _ = try Logits.crossEntropy(x, labels: labels, shape: [2, 3], gradient: &grad)
        #expect(grad.withUnsafeBufferPointer { $0.baseAddress } == storage)  // no new array
        // The gradient of the mean: softmax minus one-hot, over 2 samples.
        let p = try Logits.softmax(x, shape: [2, 3])
        #expect(abs(grad[0] - (p[0] - 1) / 2) < 1e-15 && abs(grad[4] - (p[4] - 1) / 2) < 1e-15)
        // Soft targets and the binary loss, reduced and per item.
        let soft: [Double] = [1, 0, 0, 0, 1, 0]
        #expect(abs(try Logits.crossEntropy(x, targets: soft, shape: [2, 3]) - mean) < 1e-15)
        let y: [Double] = [1, 0, 0, 0, 1, 0]
        let each = try Logits.binaryCrossEntropyPerElement(x, targets: y, classes: 3)
        let sum = try Logits.binaryCrossEntropy(x, targets: y, classes: 3, options: .init(reduction: .sum))
        #expect(abs(sum - each.reduce(0, +)) < 1e-14)
    }

    @Test func refusedCallsLeaveTheGradientAsItWas() throws {
        var grad: [Float] = [7, 7, 7]
        #expect(throws: LogitsError.labelOutOfRange(position: 1, label: 5)) {
            try Logits.crossEntropy([1, 2, 3, 4, 5, 6] as [Float], labels: [0, 5] as [Int64], shape: [2, 3],
                                    gradient: &grad)
        }
        #expect(grad == [7, 7, 7])
        #expect(throws: LogitsError.invalidArgument(
            "reduction .none gives one loss per item: call Logits.crossEntropyPerSample")) {
            try Logits.crossEntropy([1, 2] as [Float], labels: [0] as [Int64], options: .init(reduction: .none))
        }
    }

    @Test func settingsAreProperties() {
        // Other suites change both settings while this runs (tests run in
        // parallel), so only what holds for any value is checked here; the
        // setters are the C door's (tested by the C and Python suites).
        #expect(Logits.threadCount >= 1)
        #expect(Logits.defaultPrecision != .default)
    }

    @available(*, deprecated, message: "checks the deprecated spellings")
    @Test func deprecatedSpellingsAnswerTheSame() throws {
        let x: [Float] = Array(grid[0..<6])
        #expect(try softmax(x, shape: [2, 3]) == Logits.softmax(x, shape: [2, 3]))
        #expect(sigmoid(x) == Logits.sigmoid(x))
        #expect(try topK(x, 2).indices == Logits.topK(x, 2).indices)
        let old = try Logits_deprecatedCrossEntropy(x)
        #expect(old == [try Logits.crossEntropy(x, labels: [0, 1] as [Int64], shape: [2, 3])])
        let f: Activation = .softplus
        #expect(f == Logits.Activation.softplus)
    }
}

/// The deprecated module-level crossEntropy (not the test-local one of
/// LegacyLossForms.swift): the module's function, named through a closure
/// over its exact signature.
@available(*, deprecated, message: "checks the deprecated spellings")
func Logits_deprecatedCrossEntropy(_ x: [Float]) throws -> [Float] {
    var loss: [Float] = [0]
    try x.withUnsafeBufferPointer { xb in
        try [Int64(0), 1].withUnsafeBufferPointer { lb in
            try loss.withUnsafeMutableBufferPointer { l in
                try crossEntropy(xb, labels: lb, layout: AxisLayout(rows: 2, cols: 3), loss: l)
            }
        }
    }
    return loss
}
