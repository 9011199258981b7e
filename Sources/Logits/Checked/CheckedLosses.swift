// Checked entry points of the losses: every argument and every value that
// could make the result meaningless is checked before anything is written.

/// The targets of a categorical cross-entropy (`T`: the input's element
/// storage, a float type or 16-bit bits).
@usableFromInline
package enum CategoricalTargets<T> {
    /// One int64 label per sample (`sliceCount` of them).
    case labels(UnsafePointer<Int64>?)
    /// Soft targets of the input's layout.
    case soft(UnsafePointer<T>?)
}

// The value checks read each element through `read` (its value as a
// Double: the element itself, or 16-bit storage widened), so that the
// float and the 16-bit losses share them.

/// A refusal for `what` unless each of the `count` values is finite and >= 0.
@inlinable
func checkNonNegative<S>(_ p: UnsafePointer<S>?, _ count: Int, _ what: Refusal.Reason,
                         _ read: (S) -> Double) -> Refusal? {
    guard let p else { return nil }
    var i = 0
    while i < count {
        let v = read(p[i])
        guard v.isFinite, v >= 0 else {
            return Refusal(what, position: i, value: v)
        }
        i &+= 1
    }
    return nil
}

/// `checkNonNegative` of float values.
@inlinable
func checkNonNegative<T: LogitsFloat>(_ p: UnsafePointer<T>?, _ count: Int, _ what: Refusal.Reason)
    -> Refusal?
{
    checkNonNegative(p, count, what) { $0.doubleValue }
}

/// Categorical cross-entropy over `layout` (classes along `layout.length`).
/// `loss` has `sliceCount` values for `.none`, else 1; `grad` (optional) the
/// input's count and may equal `input`.
@inlinable
package func checkedCrossEntropy<T: LogitsFloat>(
    _ input: UnsafePointer<T>?, _ targets: CategoricalTargets<T>, _ classWeight: UnsafePointer<T>?,
    _ loss: UnsafeMutablePointer<T>?, _ grad: UnsafeMutablePointer<T>?,
    _ layout: AxisLayout, _ options: CrossEntropyOptions, kernels: KernelTable = .portable
) -> Refusal? {
    var divisor = 0.0
    if let e = crossEntropyRefusal(input, targets, classWeight, loss, grad, layout, options,
                                   divisor: &divisor, { $0.doubleValue }) { return e }
    guard let loss else { return nil }
    guard let input else {
        // No samples: a sum (or mean) of nothing is 0.
        if options.reduction != .none { loss[0] = 0 }
        return nil
    }
    parallelCrossEntropy(input, targets, classWeight, loss, grad, layout, options, kernels,
                         divisor: divisor)
    return nil
}

/// Every check of a categorical cross-entropy, before any write: the
/// options, the buffers (`S` the input's storage, `W` the type of weights
/// and losses), the labels, soft targets and probabilities (read through
/// `read`). On success `divisor` is the mean's divisor D.
@inlinable
func crossEntropyRefusal<S, W: LogitsFloat>(
    _ input: UnsafePointer<S>?, _ targets: CategoricalTargets<S>, _ classWeight: UnsafePointer<W>?,
    _ loss: UnsafeMutablePointer<W>?, _ grad: UnsafeMutablePointer<S>?,
    _ layout: AxisLayout, _ options: CrossEntropyOptions, divisor: inout Double, _ read: (S) -> Double
) -> Refusal? {
    if let e = options.check() { return e }
    let count = layout.count, samples = layout.sliceCount, classes = layout.length
    guard classes > 0 || samples == 0 else { return Refusal(.noClasses) }
    let lossCount = options.reduction == .none ? samples : 1
    let inR = Region(input, count: count)
    let tR: Region
    switch targets {
    case .labels(let p): tR = Region(p, count: samples)
    case .soft(let p): tR = Region(p, count: count)
    }
    let wR = Region(classWeight, count: classWeight == nil ? 0 : classes)
    let lossR = Region(loss, count: lossCount)
    let gR = Region(grad, count: grad == nil ? 0 : count)
    if let e = inR.refusal ?? tR.refusal ?? wR.refusal { return e }
    if let e = lossR.refusal ?? gR.refusal { return e }
    if let e = lossR.checkOutput(against: inR, allowSame: false)
        ?? lossR.checkOutput(against: tR, allowSame: false) { return e }
    if let e = lossR.checkOutput(against: wR, allowSame: false)
        ?? lossR.checkOutput(against: gR, allowSame: false) { return e }
    if let e = gR.checkOutput(against: inR, allowSame: true)
        ?? gR.checkOutput(against: tR, allowSame: false) { return e }
    if let e = gR.checkOutput(against: wR, allowSame: false)
        ?? checkNonNegative(classWeight, classes, .classWeight) { return e }
    // The reduction's divisor D, and value checks, before any write.
    divisor = Double(samples)
    switch targets {
    case .labels(let p):
        var d = 0.0, dc = 0.0
        var s = 0
        while s < samples, let p {
            let y = p[s]
            if options.ignoreIndex != y {
                guard y >= 0, y < Int64(classes) else {
                    return Refusal(.labelOutOfRange, position: s,
                                   value: options.ignoreIndex.map { Double($0) } ?? .nan,
                                   label: y, limit: classes, inner: layout.inner)
                }
                compensatedAdd(&d, &dc, classWeight?[Int(truncatingIfNeeded: y)].doubleValue ?? 1)
            }
            s &+= 1
        }
        divisor = d + dc
    case .soft(let p):
        if let e = checkNonNegative(p, count, .softTarget, read) {
            return e.within(classes: classes, inner: layout.inner)
        }
    }
    if !options.fromLogits, let input, let e = checkProbabilities(input, layout, read) { return e }
    return nil
}

/// Probabilities must be finite and >= 0 with a positive sum per sample (the
/// sum may overflow a double: the kernel scales such samples).
@inlinable
func checkProbabilities<S>(_ x: UnsafePointer<S>, _ layout: AxisLayout, _ read: (S) -> Double) -> Refusal? {
    guard layout.count > 0 else { return nil }  // no elements: no loop over outer
    var o = 0
    while o < layout.outer {
        var i = 0
        while i < layout.inner {
            let base = o &* layout.length &* layout.inner &+ i
            var sum = 0.0
            var k = 0
            while k < layout.length {
                let at = base &+ k &* layout.inner
                let v = read(x[at])
                guard v.isFinite, v >= 0 else {
                    return Refusal(.probability, position: at, value: v,
                                   limit: layout.length, inner: layout.inner)
                }
                sum += v
                k &+= 1
            }
            // Finite values may sum beyond the double range (two of 1e308):
            // valid, the kernel scales them.
            guard sum > 0 else {
                return Refusal(.probabilitySum, position: o &* layout.inner &+ i, value: sum,
                               inner: layout.inner)
            }
            i &+= 1
        }
        o &+= 1
    }
    return nil
}

/// Binary cross-entropy of `rows x classes` elements. `loss` has the element
/// count for `.none`, else 1; `grad` (optional) may equal `input`.
@inlinable
package func checkedBinaryCrossEntropy<T: LogitsFloat>(
    _ input: UnsafePointer<T>?, _ target: UnsafePointer<T>?, _ posWeight: UnsafePointer<T>?,
    _ weight: UnsafePointer<T>?, _ loss: UnsafeMutablePointer<T>?, _ grad: UnsafeMutablePointer<T>?,
    rows: Int, classes: Int, _ options: BinaryCrossEntropyOptions
) -> Refusal? {
    if let e = binaryCrossEntropyRefusal(input, target, posWeight, weight, loss, grad, rows: rows,
                                         classes: classes, options, { $0.doubleValue }) { return e }
    guard let loss else { return nil }
    binaryCrossEntropy(input, target, posWeight, weight, loss, grad, rows: rows, classes: classes,
                       options, { $0.doubleValue }, { T(roundingDouble: $0) })
    return nil
}

/// Every check of a binary cross-entropy, before any write (`S` the input's
/// and targets' storage, read through `read`; `W` the weights' and losses').
@inlinable
func binaryCrossEntropyRefusal<S, W: LogitsFloat>(
    _ input: UnsafePointer<S>?, _ target: UnsafePointer<S>?, _ posWeight: UnsafePointer<W>?,
    _ weight: UnsafePointer<W>?, _ loss: UnsafeMutablePointer<W>?, _ grad: UnsafeMutablePointer<S>?,
    rows: Int, classes: Int, _ options: BinaryCrossEntropyOptions, _ read: (S) -> Double
) -> Refusal? {
    if let e = options.check() { return e }
    guard let layout = AxisLayout.checked(outer: rows, length: classes, inner: 1) else {
        return Refusal(.sizeOverflow)
    }
    let count = layout.count
    let lossCount = options.reduction == .none ? count : 1
    let inR = Region(input, count: count)
    let tR = Region(target, count: count)
    let pwR = Region(posWeight, count: posWeight == nil ? 0 : classes)
    let wR = Region(weight, count: weight == nil ? 0 : count)
    let lossR = Region(loss, count: lossCount)
    let gR = Region(grad, count: grad == nil ? 0 : count)
    if let e = inR.refusal ?? tR.refusal ?? pwR.refusal { return e }
    if let e = wR.refusal ?? lossR.refusal ?? gR.refusal { return e }
    if let e = lossR.checkOutput(against: inR, allowSame: false)
        ?? lossR.checkOutput(against: tR, allowSame: false) { return e }
    if let e = lossR.checkOutput(against: pwR, allowSame: false)
        ?? lossR.checkOutput(against: wR, allowSame: false) { return e }
    if let e = lossR.checkOutput(against: gR, allowSame: false)
        ?? gR.checkOutput(against: inR, allowSame: true) { return e }
    if let e = gR.checkOutput(against: tR, allowSame: false)
        ?? gR.checkOutput(against: pwR, allowSame: false) { return e }
    if let e = gR.checkOutput(against: wR, allowSame: false)
        ?? checkNonNegative(posWeight, classes, .posWeight) { return e }
    if let e = checkNonNegative(weight, count, .elementWeight)
        ?? checkUnitInterval(target, count, .binaryTarget, read) { return e.within(classes: classes, inner: 1) }
    if !options.fromLogits, let e = checkUnitInterval(input, count, .binaryProbability, read) {
        return e.within(classes: classes, inner: 1)
    }
    return nil
}

/// A refusal for `what` unless each of the `count` values is in [0, 1]
/// (NaN is not).
@inlinable
func checkUnitInterval<S>(_ p: UnsafePointer<S>?, _ count: Int, _ what: Refusal.Reason,
                          _ read: (S) -> Double) -> Refusal? {
    guard let p else { return nil }
    var i = 0
    while i < count {
        let v = read(p[i])
        guard v >= 0, v <= 1 else {
            return Refusal(what, position: i, value: v)
        }
        i &+= 1
    }
    return nil
}
