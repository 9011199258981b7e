// The losses as members of `Logits`: a reduced loss is a value of the
// element type, per-sample losses an array, and the gradient goes into an
// array the caller keeps (reused when its size fits: no allocation per step).

extension Logits {
    /// Categorical cross-entropy against integer labels, reduced as
    /// `options.reduction` says (`.mean`, PyTorch's weighted mean, or `.sum`):
    /// softmax over mutually exclusive classes on `axis` of `input` seen as
    /// `shape` (nil: one sample); `labels` holds one label per sample in the
    /// C order of the other axes.
    ///
    /// ```swift
    /// let x: [Float] = [2, 1, 0.1, 0.5, 2.5, 0.3]        // 2 samples, 3 classes
    /// let loss = try Logits.crossEntropy(x, labels: [0, 1] as [Int64], shape: [2, 3])   // 0.3185
    /// ```
    /// - Throws: `.labelOutOfRange` for a label outside `[0, classes)` that is
    ///   not `options.ignoreIndex`; `.invalidArgument` for bad options, shapes,
    ///   weights or probabilities, and for `.none` (per-sample losses:
    ///   `crossEntropyPerSample`).
    @inlinable
    public static func crossEntropy<V: LogitsBuffer, L: LogitsBuffer<Int64>>(
        _ input: V, labels: L, shape: [Int]? = nil, axis: Int = -1, classWeights: [V.Element]? = nil,
        options: CrossEntropyOptions = .init()
    ) throws(LogitsError) -> V.Element where V.Element: LogitsFloat {
        try reduced(options.reduction, "crossEntropyPerSample")
        return try categoricalLoss(input, shape, axis, classWeights, options, nil, labelTargets(labels))[0]
    }

    /// Categorical cross-entropy with integer labels and its gradient with
    /// respect to `input`, written into `gradient` (resized to the input's
    /// count when it is not; kept between calls, no allocation).
    ///
    /// ```swift
    /// var grad: [Float] = []
    /// let loss = try Logits.crossEntropy([2, 1, 0.1] as [Float], labels: [0] as [Int64],
    ///                                    gradient: &grad)   // grad: [-0.340, 0.242, 0.098]
    /// ```
    @inlinable
    public static func crossEntropy<V: LogitsBuffer, L: LogitsBuffer<Int64>>(
        _ input: V, labels: L, shape: [Int]? = nil, axis: Int = -1, classWeights: [V.Element]? = nil,
        options: CrossEntropyOptions = .init(), gradient: inout [V.Element]
    ) throws(LogitsError) -> V.Element where V.Element: LogitsFloat {
        try reduced(options.reduction, "crossEntropyPerSample")
        return try withGradient(&gradient, count: input.bufferCount) { (g) throws(LogitsError) in
            try categoricalLoss(input, shape, axis, classWeights, options, g, labelTargets(labels))[0]
        }
    }

    /// One cross-entropy per sample (integer labels; `options.reduction` is
    /// not read), in the C order of the axes other than `axis`.
    ///
    /// ```swift
    /// let losses = try Logits.crossEntropyPerSample([2, 1, 0.1, 0.5, 2.5, 0.3] as [Double],
    ///                                               labels: [0, 1] as [Int64], shape: [2, 3])
    /// ```
    @inlinable
    public static func crossEntropyPerSample<V: LogitsBuffer, L: LogitsBuffer<Int64>>(
        _ input: V, labels: L, shape: [Int]? = nil, axis: Int = -1, classWeights: [V.Element]? = nil,
        options: CrossEntropyOptions = .init()
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        var perSample = options
        perSample.reduction = .none
        return try categoricalLoss(input, shape, axis, classWeights, perSample, nil, labelTargets(labels))
    }

    /// One cross-entropy per sample (integer labels) and the gradient of
    /// their sum with respect to `input`, written into `gradient`.
    ///
    /// ```swift
    /// var grad: [Float] = []
    /// let losses = try Logits.crossEntropyPerSample([2, 1, 0.1] as [Float], labels: [0] as [Int64],
    ///                                               gradient: &grad)
    /// ```
    @inlinable
    public static func crossEntropyPerSample<V: LogitsBuffer, L: LogitsBuffer<Int64>>(
        _ input: V, labels: L, shape: [Int]? = nil, axis: Int = -1, classWeights: [V.Element]? = nil,
        options: CrossEntropyOptions = .init(), gradient: inout [V.Element]
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        var perSample = options
        perSample.reduction = .none
        return try withGradient(&gradient, count: input.bufferCount) { (g) throws(LogitsError) in
            try categoricalLoss(input, shape, axis, classWeights, perSample, g, labelTargets(labels))
        }
    }

    /// Categorical cross-entropy against soft targets of the input's shape
    /// (each >= 0), reduced (`.mean` divides by the sample count, or `.sum`).
    ///
    /// ```swift
    /// let loss = try Logits.crossEntropy([2, 1, 0.1] as [Double], targets: [0.8, 0.2, 0] as [Double])
    /// ```
    @inlinable
    public static func crossEntropy<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
        _ input: V, targets: S, shape: [Int]? = nil, axis: Int = -1, classWeights: [V.Element]? = nil,
        options: CrossEntropyOptions = .init()
    ) throws(LogitsError) -> V.Element where V.Element: LogitsFloat {
        try reduced(options.reduction, "crossEntropyPerSample")
        return try categoricalLoss(input, shape, axis, classWeights, options, nil, softTargets(targets))[0]
    }

    /// Soft-target cross-entropy and its gradient, written into `gradient`.
    ///
    /// ```swift
    /// var grad: [Double] = []
    /// let loss = try Logits.crossEntropy([2, 1, 0.1] as [Double], targets: [0.8, 0.2, 0] as [Double],
    ///                                    gradient: &grad)
    /// ```
    @inlinable
    public static func crossEntropy<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
        _ input: V, targets: S, shape: [Int]? = nil, axis: Int = -1, classWeights: [V.Element]? = nil,
        options: CrossEntropyOptions = .init(), gradient: inout [V.Element]
    ) throws(LogitsError) -> V.Element where V.Element: LogitsFloat {
        try reduced(options.reduction, "crossEntropyPerSample")
        return try withGradient(&gradient, count: input.bufferCount) { (g) throws(LogitsError) in
            try categoricalLoss(input, shape, axis, classWeights, options, g, softTargets(targets))[0]
        }
    }

    /// One soft-target cross-entropy per sample.
    ///
    /// ```swift
    /// let losses = try Logits.crossEntropyPerSample([2, 1, 0.1] as [Float],
    ///                                               targets: [0.8, 0.2, 0] as [Float])
    /// ```
    @inlinable
    public static func crossEntropyPerSample<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
        _ input: V, targets: S, shape: [Int]? = nil, axis: Int = -1, classWeights: [V.Element]? = nil,
        options: CrossEntropyOptions = .init()
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        var perSample = options
        perSample.reduction = .none
        return try categoricalLoss(input, shape, axis, classWeights, perSample, nil, softTargets(targets))
    }

    /// One soft-target cross-entropy per sample and the gradient of their
    /// sum, written into `gradient`.
    ///
    /// ```swift
    /// var grad: [Double] = []
    /// let losses = try Logits.crossEntropyPerSample([2, 1, 0.1] as [Double],
    ///                                               targets: [0.8, 0.2, 0] as [Double], gradient: &grad)
    /// ```
    @inlinable
    public static func crossEntropyPerSample<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
        _ input: V, targets: S, shape: [Int]? = nil, axis: Int = -1, classWeights: [V.Element]? = nil,
        options: CrossEntropyOptions = .init(), gradient: inout [V.Element]
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        var perSample = options
        perSample.reduction = .none
        return try withGradient(&gradient, count: input.bufferCount) { (g) throws(LogitsError) in
            try categoricalLoss(input, shape, axis, classWeights, perSample, g, softTargets(targets))
        }
    }

    /// Binary cross-entropy for independent labels (multi-label), reduced:
    /// `input` is rows of `classes` values (nil: one row), `targets` in [0, 1]
    /// of the same count, `posWeight` one per class, `weights` one per
    /// element; focal loss via `options.gamma` / `options.alpha`.
    ///
    /// ```swift
    /// let loss = try Logits.binaryCrossEntropy([1.5, -0.3, 0.2, 2] as [Float],
    ///                                          targets: [1, 0, 0, 1] as [Float], classes: 2)
    /// ```
    @inlinable
    public static func binaryCrossEntropy<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
        _ input: V, targets: S, classes: Int? = nil, posWeight: [V.Element]? = nil,
        weights: [V.Element]? = nil, options: BinaryCrossEntropyOptions = .init()
    ) throws(LogitsError) -> V.Element where V.Element: LogitsFloat {
        try reduced(options.reduction, "binaryCrossEntropyPerElement")
        return try binaryLoss(input, targets, classes, posWeight, weights, options, nil)[0]
    }

    /// Binary cross-entropy and its gradient, written into `gradient`.
    ///
    /// ```swift
    /// var grad: [Float] = []
    /// let loss = try Logits.binaryCrossEntropy([1.5, -0.3] as [Float], targets: [1, 0] as [Float],
    ///                                          gradient: &grad)
    /// ```
    @inlinable
    public static func binaryCrossEntropy<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
        _ input: V, targets: S, classes: Int? = nil, posWeight: [V.Element]? = nil,
        weights: [V.Element]? = nil, options: BinaryCrossEntropyOptions = .init(),
        gradient: inout [V.Element]
    ) throws(LogitsError) -> V.Element where V.Element: LogitsFloat {
        try reduced(options.reduction, "binaryCrossEntropyPerElement")
        return try withGradient(&gradient, count: input.bufferCount) { (g) throws(LogitsError) in
            try binaryLoss(input, targets, classes, posWeight, weights, options, g)[0]
        }
    }

    /// One binary cross-entropy per element (`options.reduction` is not read).
    ///
    /// ```swift
    /// let losses = try Logits.binaryCrossEntropyPerElement([1.5, -0.3] as [Double],
    ///                                                      targets: [1, 0] as [Double])
    /// ```
    @inlinable
    public static func binaryCrossEntropyPerElement<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
        _ input: V, targets: S, classes: Int? = nil, posWeight: [V.Element]? = nil,
        weights: [V.Element]? = nil, options: BinaryCrossEntropyOptions = .init()
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        var perElement = options
        perElement.reduction = .none
        return try binaryLoss(input, targets, classes, posWeight, weights, perElement, nil)
    }

    /// One binary cross-entropy per element and the gradient of their sum,
    /// written into `gradient`.
    ///
    /// ```swift
    /// var grad: [Float] = []
    /// let losses = try Logits.binaryCrossEntropyPerElement([1.5, -0.3] as [Float],
    ///                                                      targets: [1, 0] as [Float], gradient: &grad)
    /// ```
    @inlinable
    public static func binaryCrossEntropyPerElement<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
        _ input: V, targets: S, classes: Int? = nil, posWeight: [V.Element]? = nil,
        weights: [V.Element]? = nil, options: BinaryCrossEntropyOptions = .init(),
        gradient: inout [V.Element]
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        var perElement = options
        perElement.reduction = .none
        return try withGradient(&gradient, count: input.bufferCount) { (g) throws(LogitsError) in
            try binaryLoss(input, targets, classes, posWeight, weights, perElement, g)
        }
    }

    /// Categorical cross-entropy on caller memory: `loss` holds
    /// `layout.sliceCount` values for `.none`, else 1; the gradient may be
    /// written in place over the logits (`gradient` the input's memory). No
    /// allocation.
    ///
    /// ```swift
    /// var logits: [Float] = [2, 1, 0.1, 0.5, 2.5, 0.3]
    /// let labels: [Int64] = [0, 1]
    /// var loss: [Float] = [0]
    /// try logits.withUnsafeMutableBufferPointer { x in
    ///     try labels.withUnsafeBufferPointer { y in
    ///         try loss.withUnsafeMutableBufferPointer { l in
    ///             try Logits.crossEntropy(UnsafeBufferPointer(x), labels: y,
    ///                                     layout: AxisLayout(rows: 2, cols: 3), loss: l, gradient: x)
    ///         }
    ///     }
    /// }   // logits now holds d loss / d logits
    /// ```
    @inlinable
    public static func crossEntropy<T: LogitsFloat>(
        _ input: UnsafeBufferPointer<T>, labels: UnsafeBufferPointer<Int64>, layout: AxisLayout,
        classWeights: UnsafeBufferPointer<T>? = nil, loss: UnsafeMutableBufferPointer<T>,
        gradient: UnsafeMutableBufferPointer<T>? = nil, options: CrossEntropyOptions = .init()
    ) throws(LogitsError) {
        let lossCount = options.reduction == .none ? layout.sliceCount : 1
        guard input.count == layout.count, labels.count == layout.sliceCount, loss.count == lossCount,
              gradient.map({ $0.count == layout.count }) ?? true,
              classWeights.map({ $0.count == layout.length }) ?? true
        else { throw .invalidArgument("buffer sizes do not match the layout") }
        try refusing {
            checkedCrossEntropy(input.baseAddress, .labels(labels.baseAddress), classWeights?.baseAddress,
                                loss.baseAddress, gradient?.baseAddress, layout, options,
                                kernels: .dispatched(options.precision))
        }
    }
}

/// Throws for `.none` in a function that returns one value.
@inlinable
func reduced(_ reduction: Logits.Reduction, _ perItem: String) throws(LogitsError) {
    guard reduction != .none else {
        throw .invalidArgument("reduction .none gives one loss per item: call Logits.\(perItem)")
    }
}

/// Runs `body` with `gradient` as a buffer of `count` values: its own
/// memory when the count fits, else a new array that replaces it only when
/// `body` succeeds (a refused call leaves the caller's array as it was).
@inlinable
func withGradient<T: LogitsFloat, R>(
    _ gradient: inout [T], count: Int, _ body: (UnsafeMutableBufferPointer<T>) throws(LogitsError) -> R
) throws(LogitsError) -> R {
    try withGradient(&gradient, count: count, zero: 0, body)
}

/// `withGradient` for any element type, a new array's elements starting as `zero`.
@inlinable
func withGradient<T, R>(
    _ gradient: inout [T], count: Int, zero: T, _ body: (UnsafeMutableBufferPointer<T>) throws(LogitsError) -> R
) throws(LogitsError) -> R {
    if gradient.count == count {
        return try gradient.withUnsafeMutableBufferPointer { (g) throws(LogitsError) -> R in try body(g) }
    }
    var fresh: [T] = try makeArray(count: count) { (p) throws(LogitsError) in
        p?.initialize(repeating: zero, count: count)
    }
    let result = try fresh.withUnsafeMutableBufferPointer { (g) throws(LogitsError) -> R in try body(g) }
    gradient = fresh
    return result
}

/// The integer-label form of `categoricalLoss`'s targets.
@inlinable
func labelTargets<L: LogitsBuffer<Int64>, T: LogitsFloat>(_ labels: L) -> CategoricalTargetSource<T> {
    CategoricalTargetSource(
        count: labels.bufferCount, perSample: true,
        run: { (body) throws(LogitsError) in
            try labels.withUnsafeBufferPointer { (lb) throws(LogitsError) in try body(.labels(lb.baseAddress)) }
        })
}

/// The soft-target form of `categoricalLoss`'s targets.
@inlinable
func softTargets<S: LogitsBuffer>(_ targets: S) -> CategoricalTargetSource<S.Element> where S.Element: LogitsFloat {
    CategoricalTargetSource(
        count: targets.bufferCount, perSample: false,
        run: { (body) throws(LogitsError) in
            try targets.withUnsafeBufferPointer { (tb) throws(LogitsError) in try body(.soft(tb.baseAddress)) }
        })
}

/// Labels (one per sample) or soft targets (one per input value), and how to
/// lend them to the checked entry point.
@usableFromInline
struct CategoricalTargetSource<T: LogitsFloat> {
    @usableFromInline let count: Int
    @usableFromInline let perSample: Bool
    @usableFromInline let run: ((CategoricalTargets<T>) throws(LogitsError) -> Void) throws(LogitsError) -> Void

    @inlinable
    init(count: Int, perSample: Bool,
         run: @escaping ((CategoricalTargets<T>) throws(LogitsError) -> Void) throws(LogitsError) -> Void) {
        self.count = count
        self.perSample = perSample
        self.run = run
    }
}

@inlinable
func categoricalLoss<V: LogitsBuffer>(
    _ input: V, _ shape: [Int]?, _ axis: Int, _ classWeights: [V.Element]?, _ options: CrossEntropyOptions,
    _ gradient: UnsafeMutableBufferPointer<V.Element>?, _ targets: CategoricalTargetSource<V.Element>
) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
    try input.withUnsafeBufferPointer { (xb) throws(LogitsError) -> [V.Element] in
        let layout = try arrayLayout(count: xb.count, shape: shape, axis: axis)
        if let w = classWeights, w.count != layout.length {
            throw .invalidArgument("\(w.count) class weights for \(layout.length) classes")
        }
        if targets.perSample, targets.count != layout.sliceCount {
            throw .invalidArgument("\(targets.count) labels for \(layout.sliceCount) samples")
        }
        if !targets.perSample, targets.count != layout.count {
            throw .invalidArgument("targets hold \(targets.count) values, the input \(layout.count)")
        }
        let lossCount = options.reduction == .none ? layout.sliceCount : 1
        return try withOptionalBuffer(classWeights) { (w) throws(LogitsError) -> [V.Element] in
            try makeArray(count: lossCount) { (l) throws(LogitsError) in
                try targets.run { (t) throws(LogitsError) in
                    try refusing {
                        checkedCrossEntropy(xb.baseAddress, t, w, l, gradient?.baseAddress, layout, options,
                                            kernels: .dispatched(options.precision))
                    }
                }
            }
        }
    }
}

@inlinable
func binaryLoss<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
    _ input: V, _ targets: S, _ classes: Int?, _ posWeight: [V.Element]?, _ weights: [V.Element]?,
    _ options: BinaryCrossEntropyOptions, _ gradient: UnsafeMutableBufferPointer<V.Element>?
) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
    try input.withUnsafeBufferPointer { (xb) throws(LogitsError) -> [V.Element] in
        try targets.withUnsafeBufferPointer { (tb) throws(LogitsError) -> [V.Element] in
            let cols = classes ?? xb.count
            guard cols > 0 ? xb.count % cols == 0 : xb.isEmpty else {
                throw .invalidArgument("\(xb.count) values do not form rows of \(cols) classes")
            }
            guard tb.count == xb.count else {
                throw .invalidArgument("targets hold \(tb.count) values, the input \(xb.count)")
            }
            if let pw = posWeight, pw.count != cols {
                throw .invalidArgument("\(pw.count) pos_weight values for \(cols) classes")
            }
            if let w = weights, w.count != xb.count {
                throw .invalidArgument("\(w.count) weights for \(xb.count) values")
            }
            let rows = cols > 0 ? xb.count / cols : 0
            let lossCount = options.reduction == .none ? xb.count : 1
            return try withOptionalBuffer(posWeight) { (pw) throws(LogitsError) -> [V.Element] in
                try withOptionalBuffer(weights) { (w) throws(LogitsError) -> [V.Element] in
                    try makeArray(count: lossCount) { (l) throws(LogitsError) in
                        try refusing {
                            checkedBinaryCrossEntropy(xb.baseAddress, tb.baseAddress, pw, w, l, gradient?.baseAddress,
                                                      rows: rows, classes: cols, options)
                        }
                    }
                }
            }
        }
    }
}
