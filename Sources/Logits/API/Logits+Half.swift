// The Swift API over 16-bit elements (`Float16`, `BFloat16`: LogitsHalf):
// the same functions as for Float, reading and writing the 16-bit buffers as
// they are (the 16-bit block drivers of CheckedHalfOperations.swift and
// CheckedHalfLosses.swift: widened a block at a time, the Float kernels of
// the precision chosen, each result rounded once). Temperatures, weights and
// losses are Float.

extension Logits {
    /// Softmax of 16-bit `x / temperature` along `axis` (the `Float`
    /// function's rules), each result rounded once to `x`'s format.
    ///
    /// ```swift
    /// let p = try Logits.softmax([1, 2, 3] as [BFloat16])   // [0.08984375, 0.2451171875, 0.6640625]
    /// ```
    @inlinable
    public static func softmax<V: LogitsBuffer>(
        _ x: V, shape: [Int]? = nil, axis: Int = -1, temperature: Float = 1, precision: Precision = .default
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
        try halfAxisForward(.softmax, x, shape, axis, temperature, precision)
    }

    /// Softmax in place over 16-bit storage.
    ///
    /// ```swift
    /// var x: [BFloat16] = [1, 2, 3, 4, 5, 6]
    /// try Logits.softmax(&x, shape: [2, 3])
    /// ```
    @inlinable
    public static func softmax<V: LogitsMutableBuffer>(
        _ x: inout V, shape: [Int]? = nil, axis: Int = -1, temperature: Float = 1, precision: Precision = .default
    ) throws(LogitsError) where V.Element: LogitsHalf {
        try halfAxisForwardInPlace(.softmax, &x, shape, axis, temperature, precision)
    }

    /// Log-softmax of 16-bit `x` along `axis`.
    ///
    /// ```swift
    /// let lp = try Logits.logSoftmax([0, 10] as [BFloat16])
    /// ```
    @inlinable
    public static func logSoftmax<V: LogitsBuffer>(
        _ x: V, shape: [Int]? = nil, axis: Int = -1, temperature: Float = 1, precision: Precision = .default
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
        try halfAxisForward(.logSoftmax, x, shape, axis, temperature, precision)
    }

    /// Log-softmax in place over 16-bit storage.
    ///
    /// ```swift
    /// var row: [BFloat16] = [2, 1, 0.1]
    /// try Logits.logSoftmax(&row)
    /// ```
    @inlinable
    public static func logSoftmax<V: LogitsMutableBuffer>(
        _ x: inout V, shape: [Int]? = nil, axis: Int = -1, temperature: Float = 1, precision: Precision = .default
    ) throws(LogitsError) where V.Element: LogitsHalf {
        try halfAxisForwardInPlace(.logSoftmax, &x, shape, axis, temperature, precision)
    }

    /// `log(sum(exp(x / temperature)))` of 16-bit `x` along `axis`, one
    /// value per slice in `x`'s format.
    ///
    /// ```swift
    /// let lse = try Logits.logSumExp([1, 2, 3, 4] as [BFloat16], shape: [2, 2])
    /// ```
    @inlinable
    public static func logSumExp<V: LogitsBuffer>(
        _ x: V, shape: [Int]? = nil, axis: Int = -1, temperature: Float = 1, precision: Precision = .default
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
        try halfAxisForward(.logSumExp, x, shape, axis, temperature, precision)
    }

    /// Gradient of softmax from its 16-bit output and upstream gradient.
    ///
    /// ```swift
    /// let y = try Logits.softmax([1, 2, 3] as [BFloat16])
    /// let dx = try Logits.softmaxBackward(output: y, gradient: [1, 0, 0] as [BFloat16])
    /// ```
    @inlinable
    public static func softmaxBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
        output: V, gradient: G, shape: [Int]? = nil, axis: Int = -1, temperature: Float = 1
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
        try halfAxisBackward(.softmax, output, gradient, shape, axis, temperature)
    }

    /// Gradient of log-softmax from its 16-bit output and upstream gradient.
    ///
    /// ```swift
    /// let y = try Logits.logSoftmax([1, 2, 3] as [BFloat16])
    /// let dx = try Logits.logSoftmaxBackward(output: y, gradient: [0, 0, -1] as [BFloat16])
    /// ```
    @inlinable
    public static func logSoftmaxBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
        output: V, gradient: G, shape: [Int]? = nil, axis: Int = -1, temperature: Float = 1
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
        try halfAxisBackward(.logSoftmax, output, gradient, shape, axis, temperature)
    }

    /// `sigmoid` of each 16-bit element (the `Float` function's rules), each
    /// result rounded once to the format.
    ///
    /// ```swift
    /// let y = Logits.sigmoid([-1, 0, 1] as [BFloat16])
    /// ```
    @inlinable
    public static func sigmoid<V: LogitsBuffer>(_ x: V, precision: Precision = .default) -> [V.Element]
    where V.Element: LogitsHalf {
        halfElementwise(.sigmoid, x, precision)
    }

    /// `sigmoid` of 16-bit storage in place.
    ///
    /// ```swift
    /// var x: [BFloat16] = [-1, 0, 1]
    /// Logits.sigmoid(&x)
    /// ```
    @inlinable
    public static func sigmoid<V: LogitsMutableBuffer>(_ x: inout V, precision: Precision = .default)
    where V.Element: LogitsHalf {
        halfElementwiseInPlace(.sigmoid, &x, precision)
    }

    /// The gradient of `sigmoid` from its 16-bit output and upstream gradient.
    ///
    /// ```swift
    /// let dx = try Logits.sigmoidBackward(output: Logits.sigmoid([0] as [BFloat16]), gradient: [1] as [BFloat16])
    /// ```
    @inlinable
    public static func sigmoidBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
        output: V, gradient: G
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
        try halfElementwiseBackward(.sigmoid, output, gradient)
    }

    /// `logSigmoid` of each 16-bit element (the `Float` function's rules), each
    /// result rounded once to the format.
    ///
    /// ```swift
    /// let y = Logits.logSigmoid([-1, 0, 1] as [BFloat16])
    /// ```
    @inlinable
    public static func logSigmoid<V: LogitsBuffer>(_ x: V, precision: Precision = .default) -> [V.Element]
    where V.Element: LogitsHalf {
        halfElementwise(.logSigmoid, x, precision)
    }

    /// `logSigmoid` of 16-bit storage in place.
    ///
    /// ```swift
    /// var x: [BFloat16] = [-1, 0, 1]
    /// Logits.logSigmoid(&x)
    /// ```
    @inlinable
    public static func logSigmoid<V: LogitsMutableBuffer>(_ x: inout V, precision: Precision = .default)
    where V.Element: LogitsHalf {
        halfElementwiseInPlace(.logSigmoid, &x, precision)
    }

    /// The gradient of `logSigmoid` from its 16-bit output and upstream gradient.
    ///
    /// ```swift
    /// let dx = try Logits.logSigmoidBackward(output: Logits.logSigmoid([0] as [BFloat16]), gradient: [1] as [BFloat16])
    /// ```
    @inlinable
    public static func logSigmoidBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
        output: V, gradient: G
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
        try halfElementwiseBackward(.logSigmoid, output, gradient)
    }

    /// `softplus` of each 16-bit element (the `Float` function's rules), each
    /// result rounded once to the format.
    ///
    /// ```swift
    /// let y = Logits.softplus([-1, 0, 1] as [BFloat16])
    /// ```
    @inlinable
    public static func softplus<V: LogitsBuffer>(_ x: V, precision: Precision = .default) -> [V.Element]
    where V.Element: LogitsHalf {
        halfElementwise(.softplus, x, precision)
    }

    /// `softplus` of 16-bit storage in place.
    ///
    /// ```swift
    /// var x: [BFloat16] = [-1, 0, 1]
    /// Logits.softplus(&x)
    /// ```
    @inlinable
    public static func softplus<V: LogitsMutableBuffer>(_ x: inout V, precision: Precision = .default)
    where V.Element: LogitsHalf {
        halfElementwiseInPlace(.softplus, &x, precision)
    }

    /// The gradient of `softplus` from its 16-bit output and upstream gradient.
    ///
    /// ```swift
    /// let dx = try Logits.softplusBackward(output: Logits.softplus([0] as [BFloat16]), gradient: [1] as [BFloat16])
    /// ```
    @inlinable
    public static func softplusBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
        output: V, gradient: G
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
        try halfElementwiseBackward(.softplus, output, gradient)
    }

    /// One of the elementwise functions of 16-bit `x`, chosen by value.
    ///
    /// ```swift
    /// let y = Logits.apply(.logSigmoid, [0, 1] as [BFloat16])
    /// ```
    @inlinable
    public static func apply<V: LogitsBuffer>(
        _ function: Activation, _ x: V, precision: Precision = .default
    ) -> [V.Element] where V.Element: LogitsHalf {
        halfElementwise(function.op, x, precision)
    }

    /// Categorical cross-entropy of 16-bit logits with integer labels, a
    /// `Float` loss (the `Float` function's rules; classes along `axis`).
    ///
    /// ```swift
    /// let loss = try Logits.crossEntropy([2, 1, 0.1, 0.5, 2.5, 0.3] as [BFloat16],
    ///                                    labels: [0, 1] as [Int64], shape: [2, 3])
    /// ```
    @inlinable
    public static func crossEntropy<V: LogitsBuffer, L: LogitsBuffer<Int64>>(
        _ input: V, labels: L, shape: [Int]? = nil, axis: Int = -1, classWeights: [Float]? = nil,
        options: CrossEntropyOptions = .init()
    ) throws(LogitsError) -> Float where V.Element: LogitsHalf {
        try reduced(options.reduction, "crossEntropyPerSample")
        return try halfCategoricalLoss(input, labels, shape, axis, classWeights, options, nil)[0]
    }

    /// Categorical cross-entropy of 16-bit logits and its gradient, written
    /// into `gradient` in the logits' format.
    ///
    /// ```swift
    /// var grad: [BFloat16] = []
    /// let loss = try Logits.crossEntropy([2, 1, 0.1] as [BFloat16], labels: [0] as [Int64],
    ///                                    gradient: &grad)
    /// ```
    @inlinable
    public static func crossEntropy<V: LogitsBuffer, L: LogitsBuffer<Int64>>(
        _ input: V, labels: L, shape: [Int]? = nil, axis: Int = -1, classWeights: [Float]? = nil,
        options: CrossEntropyOptions = .init(), gradient: inout [V.Element]
    ) throws(LogitsError) -> Float where V.Element: LogitsHalf {
        try reduced(options.reduction, "crossEntropyPerSample")
        return try withHalfGradient(&gradient, count: input.bufferCount) { (g) throws(LogitsError) in
            try halfCategoricalLoss(input, labels, shape, axis, classWeights, options, g)[0]
        }
    }

    /// One `Float` cross-entropy per sample of 16-bit logits.
    ///
    /// ```swift
    /// let losses = try Logits.crossEntropyPerSample([2, 1, 0.5, 2.5] as [BFloat16],
    ///                                               labels: [0, 1] as [Int64], shape: [2, 2])
    /// ```
    @inlinable
    public static func crossEntropyPerSample<V: LogitsBuffer, L: LogitsBuffer<Int64>>(
        _ input: V, labels: L, shape: [Int]? = nil, axis: Int = -1, classWeights: [Float]? = nil,
        options: CrossEntropyOptions = .init()
    ) throws(LogitsError) -> [Float] where V.Element: LogitsHalf {
        var perSample = options
        perSample.reduction = .none
        return try halfCategoricalLoss(input, labels, shape, axis, classWeights, perSample, nil)
    }

    /// Binary cross-entropy of 16-bit logits (or probabilities) and 16-bit
    /// targets, a `Float` loss.
    ///
    /// ```swift
    /// let loss = try Logits.binaryCrossEntropy([1.5, -0.3] as [BFloat16], targets: [1, 0] as [BFloat16])
    /// ```
    @inlinable
    public static func binaryCrossEntropy<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
        _ input: V, targets: S, classes: Int? = nil, posWeight: [Float]? = nil, weights: [Float]? = nil,
        options: BinaryCrossEntropyOptions = .init()
    ) throws(LogitsError) -> Float where V.Element: LogitsHalf {
        try reduced(options.reduction, "binaryCrossEntropy")
        return try halfBinaryLoss(input, targets, classes, posWeight, weights, options, nil)[0]
    }

    /// Binary cross-entropy of 16-bit values and its gradient, written into
    /// `gradient` in the input's format.
    ///
    /// ```swift
    /// var grad: [BFloat16] = []
    /// let loss = try Logits.binaryCrossEntropy([1.5, -0.3] as [BFloat16], targets: [1, 0] as [BFloat16],
    ///                                          gradient: &grad)
    /// ```
    @inlinable
    public static func binaryCrossEntropy<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
        _ input: V, targets: S, classes: Int? = nil, posWeight: [Float]? = nil, weights: [Float]? = nil,
        options: BinaryCrossEntropyOptions = .init(), gradient: inout [V.Element]
    ) throws(LogitsError) -> Float where V.Element: LogitsHalf {
        try reduced(options.reduction, "binaryCrossEntropy")
        return try withHalfGradient(&gradient, count: input.bufferCount) { (g) throws(LogitsError) in
            try halfBinaryLoss(input, targets, classes, posWeight, weights, options, g)[0]
        }
    }
}

extension Logits {
    /// Samples one token per row of 16-bit logits (the `Float` sampler on
    /// the widened values: same options, same draws); log-probabilities are
    /// `Float`.
    ///
    /// ```swift
    /// let out = try Logits.sample([1, 2, 3, 4] as [BFloat16], options: SamplerOptions(temperature: 0.7, seed: 7))
    /// ```
    @inlinable
    public static func sample<V: LogitsBuffer>(
        _ logits: V, rows: Int = 1, options: SamplerOptions = .init(), history: [[Int64]] = [],
        uniform: [Double]? = nil, withLogprobs: Bool = false
    ) throws(LogitsError) -> SampledTokens<Float> where V.Element: LogitsHalf {
        try sampleRows(logits, rows, options, history, uniform, withLogprobs) { x, u, t, l, r, vocab, s in
            x.withMemoryRebound(to: UInt16.self) { xb in
                let xp = xb.baseAddress
                return checkedHalfSample(V.Element.logitsHalfFormat.storage, xp, uniform: u,
                                         useUniform: uniform != nil, t, l, r, rows: rows, vocab: vocab, s,
                                         kernels: .dispatched(.default))
            }
        }
    }

    /// The `k` largest 16-bit values of each row and their indices, largest
    /// first, ties to the lower index (the values are the rows' own).
    ///
    /// ```swift
    /// let (values, indices) = try Logits.topK([3, 1, 3, 5] as [BFloat16], 2)   // [5, 3], [3, 0]
    /// ```
    @inlinable
    public static func topK<V: LogitsBuffer>(_ x: V, _ k: Int, rows: Int = 1) throws(LogitsError)
        -> (values: [V.Element], indices: [Int64]) where V.Element: LogitsHalf {
        try topKRows(x, k, rows, zero: V.Element(bitPattern: 0)) { xb, v, i, cols in
            xb.withMemoryRebound(to: UInt16.self) { xu in
                UnsafeMutableBufferPointer(start: v, count: v == nil ? 0 : rows &* k)
                    .withMemoryRebound(to: UInt16.self) { vu in
                        checkedHalfTopK(V.Element.logitsHalfFormat.storage, xu.baseAddress, vu.baseAddress, i,
                                        rows: rows, cols: cols, k: k, kernels: .dispatched(.default))
                    }
            }
        }
    }

    /// The index of the largest 16-bit value of each row (lowest index on
    /// ties, the first NaN if any).
    ///
    /// ```swift
    /// let best = try Logits.argmax([1, 7, 7] as [BFloat16])   // [1]
    /// ```
    @inlinable
    public static func argmax<V: LogitsBuffer>(_ x: V, rows: Int = 1) throws(LogitsError) -> [Int64]
    where V.Element: LogitsHalf {
        try argmaxRows(x, rows) { xb, o, cols in
            xb.withMemoryRebound(to: UInt16.self) { xu in
                checkedHalfArgmax(V.Element.logitsHalfFormat.storage, xu.baseAddress, o, rows: rows, cols: cols,
                                  kernels: .dispatched(.default))
            }
        }
    }
}

// Helpers: the buffers seen as their bits (a LogitsHalf is 16 bits).

@inlinable
func halfBits<H: LogitsHalf, R>(
    _ b: UnsafeBufferPointer<H>, _ body: (UnsafePointer<UInt16>?) throws(LogitsError) -> R
) throws(LogitsError) -> R {
    // Rebound, not assumed: Float16 memory is read as its UInt16 bits.
    try b.withMemoryRebound(to: UInt16.self) { (u) throws(LogitsError) -> R in try body(u.baseAddress) }
}

@inlinable
func mutableHalfBits<H: LogitsHalf, R>(
    _ b: UnsafeMutableBufferPointer<H>, _ body: (UnsafeMutablePointer<UInt16>?) throws(LogitsError) -> R
) throws(LogitsError) -> R {
    try b.withMemoryRebound(to: UInt16.self) { (u) throws(LogitsError) -> R in try body(u.baseAddress) }
}

/// A new array of `count` 16-bit values filled through their bits.
@inlinable
func makeHalfArray<H: LogitsHalf>(
    count: Int, _ fill: (UnsafeMutablePointer<UInt16>?) throws(LogitsError) -> Void
) throws(LogitsError) -> [H] {
    try makeArray(count: count) { (p: UnsafeMutablePointer<H>?) throws(LogitsError) in
        // The uninitialized storage as bits, which `fill` initializes.
        try mutableHalfBits(UnsafeMutableBufferPointer(start: p, count: p == nil ? 0 : count), fill)
    }
}

@inlinable
func halfAxisForward<V: LogitsBuffer>(
    _ op: AxisOp, _ x: V, _ shape: [Int]?, _ axis: Int, _ temperature: Float, _ precision: Precision
) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
    try x.withUnsafeBufferPointer { (xb) throws(LogitsError) -> [V.Element] in
        let layout = try arrayLayout(count: xb.count, shape: shape, axis: axis)
        let count = op == .logSumExp ? layout.sliceCount : layout.count
        return try halfBits(xb) { (xp) throws(LogitsError) in
            try makeHalfArray(count: count) { (y) throws(LogitsError) in
                try refusing {
                    checkedHalfAxisForward(op, V.Element.logitsHalfFormat.storage, xp, y, layout,
                                           temperature: temperature, kernels: .dispatched(precision))
                }
            }
        }
    }
}

@inlinable
func halfAxisForwardInPlace<V: LogitsMutableBuffer>(
    _ op: AxisOp, _ x: inout V, _ shape: [Int]?, _ axis: Int, _ temperature: Float, _ precision: Precision
) throws(LogitsError) where V.Element: LogitsHalf {
    try x.withUnsafeMutableBufferPointer { (xb) throws(LogitsError) in
        let layout = try arrayLayout(count: xb.count, shape: shape, axis: axis)
        try mutableHalfBits(xb) { (bits) throws(LogitsError) in
            try refusing {
                checkedHalfAxisForward(op, V.Element.logitsHalfFormat.storage, UnsafePointer(bits), bits, layout,
                                       temperature: temperature, kernels: .dispatched(precision))
            }
        }
    }
}

@inlinable
func halfAxisBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
    _ op: AxisBackwardOp, _ y: V, _ dy: G, _ shape: [Int]?, _ axis: Int, _ temperature: Float
) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
    try y.withUnsafeBufferPointer { (yb) throws(LogitsError) -> [V.Element] in
        try dy.withUnsafeBufferPointer { (db) throws(LogitsError) -> [V.Element] in
            guard yb.count == db.count else {
                throw .invalidArgument("output has \(yb.count) elements, gradient \(db.count)")
            }
            let layout = try arrayLayout(count: yb.count, shape: shape, axis: axis)
            return try halfBits(yb) { (yp) throws(LogitsError) in
                try halfBits(db) { (dp) throws(LogitsError) in
                    try makeHalfArray(count: layout.count) { (dx) throws(LogitsError) in
                        try refusing {
                            checkedHalfAxisBackward(op, V.Element.logitsHalfFormat.storage, yp, dp, dx, layout,
                                                    temperature: temperature, kernels: .dispatchedExact)
                        }
                    }
                }
            }
        }
    }
}

/// An elementwise function over 16-bit bits, `x` to `y` (may be `x`). It
/// cannot be refused but for want of scratch memory: then the function
/// runs in chunks through a small stack buffer instead (the same results).
@inlinable
func halfElementwiseBits(_ op: ElementwiseOp, _ format: HalfFormat, _ x: UnsafePointer<UInt16>?,
                         _ y: UnsafeMutablePointer<UInt16>?, _ count: Int, _ kernels: KernelTable) {
    guard checkedHalfElementwise(op, format, x, y, count: count, kernels: kernels) != nil, let x, let y else { return }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 256) { a in
        guard let a = a.baseAddress else { return }
        var i = 0
        while i < count {
            let n = Swift.min(256, count &- i)
            kernels.widenHalf(format.code, x + i, a, n)
            kernels.elementwise(op, UnsafePointer(a), a, n)
            kernels.narrowHalf(format.code, UnsafePointer(a), y + i, n)
            i &+= n
        }
    }
}

@inlinable
func halfElementwise<V: LogitsBuffer>(_ op: ElementwiseOp, _ x: V, _ precision: Precision) -> [V.Element]
where V.Element: LogitsHalf {
    x.withUnsafeBufferPointer { xb in
        // Cannot fail: counts match, the new array cannot overlap x (and
        // halfElementwiseBits needs no memory it may not get).
        (try? halfBits(xb) { (xp) throws(LogitsError) -> [V.Element] in
            try makeHalfArray(count: xb.count) { (y) throws(LogitsError) in
                halfElementwiseBits(op, V.Element.logitsHalfFormat.storage, xp, y, xb.count, .dispatched(precision))
            }
        }) ?? []
    }
}

@inlinable
func halfElementwiseInPlace<V: LogitsMutableBuffer>(_ op: ElementwiseOp, _ x: inout V, _ precision: Precision)
where V.Element: LogitsHalf {
    x.withUnsafeMutableBufferPointer { xb in
        _ = try? mutableHalfBits(xb) { (bits) throws(LogitsError) in
            halfElementwiseBits(op, V.Element.logitsHalfFormat.storage, UnsafePointer(bits), bits, xb.count,
                                .dispatched(precision))
        }
    }
}

@inlinable
func halfElementwiseBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
    _ op: ElementwiseOp, _ y: V, _ dy: G
) throws(LogitsError) -> [V.Element] where V.Element: LogitsHalf {
    try y.withUnsafeBufferPointer { (yb) throws(LogitsError) -> [V.Element] in
        try dy.withUnsafeBufferPointer { (db) throws(LogitsError) -> [V.Element] in
            guard yb.count == db.count else {
                throw .invalidArgument("output has \(yb.count) elements, gradient \(db.count)")
            }
            return try halfBits(yb) { (yp) throws(LogitsError) in
                try halfBits(db) { (dp) throws(LogitsError) in
                    try makeHalfArray(count: yb.count) { (dx) throws(LogitsError) in
                        try refusing {
                            checkedHalfElementwiseBackward(op, V.Element.logitsHalfFormat.storage, yp, dp, dx,
                                                           count: yb.count, kernels: .dispatchedExact)
                        }
                    }
                }
            }
        }
    }
}

/// `gradient` as its bits (`withGradient`: its own memory when the count
/// fits, else a new array that replaces it only when `body` succeeds).
@inlinable
func withHalfGradient<H: LogitsHalf, R>(
    _ gradient: inout [H], count: Int, _ body: (UnsafeMutablePointer<UInt16>?) throws(LogitsError) -> R
) throws(LogitsError) -> R {
    try withGradient(&gradient, count: count, zero: H(bitPattern: 0)) { (g) throws(LogitsError) -> R in
        try mutableHalfBits(g, body)
    }
}

@inlinable
func halfCategoricalLoss<V: LogitsBuffer, L: LogitsBuffer<Int64>>(
    _ input: V, _ labels: L, _ shape: [Int]?, _ axis: Int, _ classWeights: [Float]?,
    _ options: CrossEntropyOptions, _ gradient: UnsafeMutablePointer<UInt16>?
) throws(LogitsError) -> [Float] where V.Element: LogitsHalf {
    try input.withUnsafeBufferPointer { (xb) throws(LogitsError) -> [Float] in
        let layout = try arrayLayout(count: xb.count, shape: shape, axis: axis)
        if let w = classWeights, w.count != layout.length {
            throw .invalidArgument("\(w.count) class weights for \(layout.length) classes")
        }
        return try labels.withUnsafeBufferPointer { (lb) throws(LogitsError) -> [Float] in
            guard lb.count == layout.sliceCount else {
                throw .invalidArgument("\(lb.count) labels for \(layout.sliceCount) samples")
            }
            let lossCount = options.reduction == .none ? layout.sliceCount : 1
            return try withOptionalBuffer(classWeights) { (w) throws(LogitsError) -> [Float] in
                try halfBits(xb) { (xp) throws(LogitsError) in
                    try makeArray(count: lossCount) { (l: UnsafeMutablePointer<Float>?) throws(LogitsError) in
                        try refusing {
                            checkedHalfCrossEntropy(V.Element.logitsHalfFormat.storage, xp, .labels(lb.baseAddress),
                                                    w, l, gradient, layout, options,
                                                    kernels: .dispatched(options.precision))
                        }
                    }
                }
            }
        }
    }
}

@inlinable
func halfBinaryLoss<V: LogitsBuffer, S: LogitsBuffer<V.Element>>(
    _ input: V, _ targets: S, _ classes: Int?, _ posWeight: [Float]?, _ weights: [Float]?,
    _ options: BinaryCrossEntropyOptions, _ gradient: UnsafeMutablePointer<UInt16>?
) throws(LogitsError) -> [Float] where V.Element: LogitsHalf {
    try input.withUnsafeBufferPointer { (xb) throws(LogitsError) -> [Float] in
        try targets.withUnsafeBufferPointer { (tb) throws(LogitsError) -> [Float] in
            let cols = classes ?? xb.count
            guard cols > 0 ? xb.count % cols == 0 : xb.isEmpty else {
                throw .invalidArgument("\(xb.count) values do not form rows of \(cols) classes")
            }
            guard tb.count == xb.count else {
                throw .invalidArgument("targets hold \(tb.count) values, the input \(xb.count)")
            }
            if let p = posWeight, p.count != cols {
                throw .invalidArgument("\(p.count) pos_weight values for \(cols) classes")
            }
            if let w = weights, w.count != xb.count {
                throw .invalidArgument("\(w.count) weights for \(xb.count) values")
            }
            let rows = cols > 0 ? xb.count / cols : 0
            let lossCount = options.reduction == .none ? xb.count : 1
            return try withOptionalBuffer(posWeight) { (pw) throws(LogitsError) -> [Float] in
                try withOptionalBuffer(weights) { (w) throws(LogitsError) -> [Float] in
                    try halfBits(xb) { (xp) throws(LogitsError) in
                        try halfBits(tb) { (tp) throws(LogitsError) in
                            try makeArray(count: lossCount) { (l: UnsafeMutablePointer<Float>?) throws(LogitsError) in
                                try refusing {
                                    checkedHalfBinaryCrossEntropy(V.Element.logitsHalfFormat.storage, xp, tp, pw, w,
                                                                  l, gradient, rows: rows, classes: cols, options)
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
