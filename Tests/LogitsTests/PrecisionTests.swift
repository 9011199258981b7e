import Testing
@testable import Logits

@Suite(.serialized) struct PrecisionChoice {
    @Test func defaultIsFastAndCanBeSet() {
        let initial = Logits.defaultPrecision
        Logits.defaultPrecision = .exact
        #expect(Logits.defaultPrecision == .exact)
        Logits.defaultPrecision = .fast
        #expect(Logits.defaultPrecision == .fast)
        Logits.defaultPrecision = .default
        #expect(Logits.defaultPrecision == initial)
    }

    @Test func perCallChoiceOverridesTheDefault() throws {
        let x: [Float] = randomLogits(4000, scale: 8, seed: 5)
        let fast = try Logits.softmax(x, shape: [4, 1000], precision: .fast)
        let exact = try Logits.softmax(x, shape: [4, 1000], precision: .exact)
        #expect(fast != exact)  // the fast kernels run
        let saved = Logits.defaultPrecision
        Logits.defaultPrecision = .exact
        #expect(try Logits.softmax(x, shape: [4, 1000]) == exact)
        #expect(try Logits.softmax(x, shape: [4, 1000], precision: .fast) == fast)
        Logits.defaultPrecision = saved
        #expect(Logits.sigmoid(x, precision: .fast) != Logits.sigmoid(x, precision: .exact))
    }

    @Test func doubleIsTheSameInBoth() throws {
        let x: [Double] = randomLogits(3000, scale: 8, seed: 6)
        #expect(try Logits.logSoftmax(x, shape: [3, 1000], precision: .fast)
                == Logits.logSoftmax(x, shape: [3, 1000], precision: .exact))
        #expect(Logits.softplus(x, precision: .fast) == Logits.softplus(x, precision: .exact))
    }

    @Test func lossOptionsCarryIt() throws {
        let x: [Float] = randomLogits(2000, scale: 4, seed: 7)
        let labels = (0..<20).map { Int64($0 * 7 % 100) }
        let fast = try crossEntropy(x, labels: labels, shape: [20, 100],
                                    options: .init(precision: .fast), withGradient: true)
        let exact = try crossEntropy(x, labels: labels, shape: [20, 100],
                                     options: .init(precision: .exact), withGradient: true)
        #expect(abs(Double(fast.loss[0]) - Double(exact.loss[0])) <= 1e-6 * Double(exact.loss[0]))
        #expect(fast.gradient != exact.gradient)
    }
}
