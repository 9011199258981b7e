@testable import Logits

// The loss tests were written against the array forms that return a
// LossOutput (deprecated in 0.5). These test-local functions of the same
// shape call the namespace API instead (Logits.crossEntropy,
// crossEntropyPerSample, binaryCrossEntropy, binaryCrossEntropyPerElement),
// so every loss test checks the new spellings; NamespaceAPITests checks that
// the deprecated forms still give the same answers.

func crossEntropy<T: LogitsFloat>(
    _ input: [T], labels: [Int64], shape: [Int]? = nil, axis: Int = -1,
    classWeights: [T]? = nil, options: CrossEntropyOptions = .init(), withGradient: Bool = false
) throws(LogitsError) -> LossOutput<T> {
    var g: [T] = []
    if options.reduction == .none {
        let l = withGradient
            ? try Logits.crossEntropyPerSample(input, labels: labels, shape: shape, axis: axis,
                                               classWeights: classWeights, options: options, gradient: &g)
            : try Logits.crossEntropyPerSample(input, labels: labels, shape: shape, axis: axis,
                                               classWeights: classWeights, options: options)
        return LossOutput(loss: l, gradient: withGradient ? g : nil)
    }
    let l = withGradient
        ? try Logits.crossEntropy(input, labels: labels, shape: shape, axis: axis, classWeights: classWeights,
                                  options: options, gradient: &g)
        : try Logits.crossEntropy(input, labels: labels, shape: shape, axis: axis, classWeights: classWeights,
                                  options: options)
    return LossOutput(loss: [l], gradient: withGradient ? g : nil)
}

func crossEntropy<T: LogitsFloat>(
    _ input: [T], targets: [T], shape: [Int]? = nil, axis: Int = -1,
    classWeights: [T]? = nil, options: CrossEntropyOptions = .init(), withGradient: Bool = false
) throws(LogitsError) -> LossOutput<T> {
    var g: [T] = []
    if options.reduction == .none {
        let l = withGradient
            ? try Logits.crossEntropyPerSample(input, targets: targets, shape: shape, axis: axis,
                                               classWeights: classWeights, options: options, gradient: &g)
            : try Logits.crossEntropyPerSample(input, targets: targets, shape: shape, axis: axis,
                                               classWeights: classWeights, options: options)
        return LossOutput(loss: l, gradient: withGradient ? g : nil)
    }
    let l = withGradient
        ? try Logits.crossEntropy(input, targets: targets, shape: shape, axis: axis, classWeights: classWeights,
                                  options: options, gradient: &g)
        : try Logits.crossEntropy(input, targets: targets, shape: shape, axis: axis, classWeights: classWeights,
                                  options: options)
    return LossOutput(loss: [l], gradient: withGradient ? g : nil)
}

func binaryCrossEntropy<T: LogitsFloat>(
    _ input: [T], targets: [T], classes: Int? = nil, posWeight: [T]? = nil, weights: [T]? = nil,
    options: BinaryCrossEntropyOptions = .init(), withGradient: Bool = false
) throws(LogitsError) -> LossOutput<T> {
    var g: [T] = []
    if options.reduction == .none {
        let l = withGradient
            ? try Logits.binaryCrossEntropyPerElement(input, targets: targets, classes: classes, posWeight: posWeight,
                                                      weights: weights, options: options, gradient: &g)
            : try Logits.binaryCrossEntropyPerElement(input, targets: targets, classes: classes, posWeight: posWeight,
                                                      weights: weights, options: options)
        return LossOutput(loss: l, gradient: withGradient ? g : nil)
    }
    let l = withGradient
        ? try Logits.binaryCrossEntropy(input, targets: targets, classes: classes, posWeight: posWeight,
                                        weights: weights, options: options, gradient: &g)
        : try Logits.binaryCrossEntropy(input, targets: targets, classes: classes, posWeight: posWeight,
                                        weights: weights, options: options)
    return LossOutput(loss: [l], gradient: withGradient ? g : nil)
}
