// Categorical cross-entropy on the library's threads: the samples split
// into parts fixed by the shape, each part's compensated partial sum, and
// the partial sums combined in part order (so the loss does not depend on
// the thread count).

/// The cross-entropy of validated arguments: per-sample losses, or their
/// sum or mean (`divisor`: the summed weight of the non-ignored samples, or
/// the sample count), and the gradient when `grad` is given.
@inlinable
func parallelCrossEntropy<T: LogitsFloat>(
    _ input: UnsafePointer<T>, _ targets: CategoricalTargets<T>, _ classWeight: UnsafePointer<T>?,
    _ loss: UnsafeMutablePointer<T>, _ grad: UnsafeMutablePointer<T>?, _ layout: AxisLayout,
    _ options: CrossEntropyOptions, _ kernels: KernelTable, divisor: Double,
    sumOut: UnsafeMutablePointer<Double>? = nil
) {
    let classes = layout.length
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
            let sum = sumOfPairs(base, parts)
            // A block of a larger call (16-bit storage) hands its sum back.
            if let sumOut { sumOut.pointee = sum; return }
            loss[0] = T(roundingDouble: mean ? (divisor > 0 ? sum / divisor : 0) : sum)
        }
    }
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
        // (1/T overflows for a subnormal T: the scalar kernel divides instead.)
        let invT = 1 / options.temperature
        let fast = options.fromLogits && inner == 1 && options.labelSmoothing == 0
            && (T.self == Float.self || options.temperature == 1) && invT.isFinite
        var total = 0.0, tc = 0.0
        var s = lo
        while s < hi {
            let o = s / Swift.max(inner, 1), i = s &- o &* inner  // inner >= 1 here; the max spares a divide trap
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

