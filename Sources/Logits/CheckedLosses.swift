// Checked entry points of the losses: every argument and every value that
// could make the result meaningless is checked before anything is written.

/// The targets of a categorical cross-entropy.
@usableFromInline
package enum CategoricalTargets<T: LogitsFloat> {
    /// One int64 label per sample (`sliceCount` of them).
    case labels(UnsafePointer<Int64>?)
    /// Soft targets of the input's layout.
    case soft(UnsafePointer<T>?)
}

/// A refusal for `what` unless each of the `count` values is finite and >= 0.
@inlinable
func checkNonNegative<T: LogitsFloat>(_ p: UnsafePointer<T>?, _ count: Int, _ what: Refusal.Reason)
    -> Refusal?
{
    guard let p else { return nil }
    var i = 0
    while i < count {
        let v = p[i]
        guard v.isFinite, v >= 0 else {
            return Refusal(what, position: i, value: v.doubleValue)
        }
        i &+= 1
    }
    return nil
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
    var divisor = Double(samples)
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
        if let e = checkNonNegative(p, count, .softTarget) {
            return e.within(classes: classes, inner: layout.inner)
        }
    }
    if !options.fromLogits, let input, let e = checkProbabilities(input, layout) { return e }

    guard let loss else { return nil }
    guard let input else {
        // No samples: a sum (or mean) of nothing is 0.
        if options.reduction != .none { loss[0] = 0 }
        return nil
    }
    let smoothing = options.labelSmoothing
    let a = 1 - smoothing, b = classes > 0 ? smoothing / Double(classes) : 0
    let mean = options.reduction == .mean
    let scale = mean ? (divisor > 0 ? 1 / divisor : 0) : 1
    var job = CrossEntropyJob(
        input: input, targets: targets, classWeight: classWeight, loss: loss, grad: grad,
        layout: layout, options: options, kernels: kernels, a: a, b: b, scale: scale)
    // Fixed parts (by shape only), each with its own compensated partial sum,
    // combined in order: the result does not depend on the thread count.
    let parts = partCount(slices: layout.sliceCount, elementsPerSlice: classes)
    withUnsafeTemporaryAllocation(of: Double.self, capacity: 2 &* parts) { sums in
        guard let base = sums.baseAddress else { return }
        job.partials = base
        withUnsafePointer(to: job) { jp in
            runParts(parts, UnsafeRawPointer(jp), T.self == Float.self ? crossEntropyPartF32 : crossEntropyPartF64)
        }
        if options.reduction != .none {
            var total = 0.0, tc = 0.0
            var k = 0
            while k < parts {
                compensatedAdd(&total, &tc, base[2 &* k])
                tc += base[2 &* k &+ 1]
                k &+= 1
            }
            let sum = total + tc
            loss[0] = T(roundingDouble: mean ? (divisor > 0 ? sum / divisor : 0) : sum)
        }
    }
    return nil
}

/// Everything one part of a categorical cross-entropy needs (validated).
@usableFromInline
struct CrossEntropyJob<T: LogitsFloat> {
    @usableFromInline let input: UnsafePointer<T>
    @usableFromInline let targets: CategoricalTargets<T>
    @usableFromInline let classWeight: UnsafePointer<T>?
    @usableFromInline let loss: UnsafeMutablePointer<T>
    @usableFromInline let grad: UnsafeMutablePointer<T>?
    @usableFromInline let layout: AxisLayout
    @usableFromInline let options: CrossEntropyOptions
    @usableFromInline let kernels: KernelTable
    @usableFromInline let a: Double, b: Double, scale: Double
    /// Two Doubles (sum, compensation) per part.
    @usableFromInline var partials: UnsafeMutablePointer<Double>? = nil

    @inlinable
    init(input: UnsafePointer<T>, targets: CategoricalTargets<T>, classWeight: UnsafePointer<T>?,
         loss: UnsafeMutablePointer<T>, grad: UnsafeMutablePointer<T>?, layout: AxisLayout,
         options: CrossEntropyOptions, kernels: KernelTable, a: Double, b: Double, scale: Double) {
        self.input = input; self.targets = targets; self.classWeight = classWeight
        self.loss = loss; self.grad = grad; self.layout = layout; self.options = options
        self.kernels = kernels; self.a = a; self.b = b; self.scale = scale
    }

    @inlinable @inline(__always)
    func sample<R: TargetRow>(_ x: UnsafePointer<T>, _ row: R, _ g: UnsafeMutablePointer<T>?) -> Double {
        options.fromLogits
            ? crossEntropyFromLogits(x, row, classWeight, g, layout.length, layout.inner,
                                     options.temperature, a, b, scale)
            : crossEntropyFromProbabilities(x, row, classWeight, g, layout.length, layout.inner,
                                            options.eps, a, b, scale)
    }

    /// Samples of part `part` of `parts`: their losses (reduction none) or
    /// their compensated sum into `partials`, and their gradients.
    @inlinable
    func run(_ part: Int, _ parts: Int) {
        let classes = layout.length, inner = layout.inner
        let (lo, hi) = partRange(layout.sliceCount, part, parts)
        // Contiguous rows of logits with labels and no smoothing: the vector
        // row kernel (it declines rows whose max is not finite).
        let fast = options.fromLogits && inner == 1 && options.labelSmoothing == 0
            && (T.self == Float.self || options.temperature == 1)
        let invT = 1 / options.temperature
        var total = 0.0, tc = 0.0
        var s = lo
        while s < hi {
            let o = s / inner, i = s &- o &* inner
            let base = o &* classes &* inner &+ i
            let g = grad.map { $0 + base }
            var l = 0.0
            switch targets {
            case .labels(let p):
                let y = p?[s] ?? 0
                if options.ignoreIndex == y {
                    if let g { zeroColumn(g, classes, inner) }
                } else {
                    let label = Int(truncatingIfNeeded: y)
                    let w = classWeight?[label].doubleValue ?? 1
                    if !fast || !kernels.crossEntropyRow(input + base, classes, label, w, invT, g,
                                                         scale * w * invT, &l) {
                        l = sample(input + base, LabelRow(label: label), g)
                    }
                }
            case .soft(let p):
                if let p { l = sample(input + base, SoftRow(base: p + base, stride: inner), g) }
            }
            if options.reduction == .none { loss[s] = T(roundingDouble: l) } else { compensatedAdd(&total, &tc, l) }
            s &+= 1
        }
        if let partials {
            partials[2 &* part] = total
            partials[2 &* part &+ 1] = tc
        }
    }
}

@usableFromInline
let crossEntropyPartF32: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: CrossEntropyJob<Float>.self).pointee.run(part, parts)
}

@usableFromInline
let crossEntropyPartF64: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: CrossEntropyJob<Double>.self).pointee.run(part, parts)
}

@inlinable
func zeroColumn<T: LogitsFloat>(_ g: UnsafeMutablePointer<T>, _ n: Int, _ stride: Int) {
    var k = 0
    while k < n { g[k &* stride] = 0; k &+= 1 }
}

/// Probabilities must be finite and >= 0 with a positive finite sum per sample.
@inlinable
func checkProbabilities<T: LogitsFloat>(_ x: UnsafePointer<T>, _ layout: AxisLayout) -> Refusal? {
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
                let v = x[at]
                guard v.isFinite, v >= 0 else {
                    return Refusal(.probability, position: at, value: v.doubleValue,
                                   limit: layout.length, inner: layout.inner)
                }
                sum += v.doubleValue
                k &+= 1
            }
            guard sum > 0, sum.isFinite else {
                return Refusal(.probabilitySum, position: o &* layout.inner &+ i, value: sum,
                               inner: layout.inner)
            }
            i &+= 1
        }
        o &+= 1
    }
    return nil
}
