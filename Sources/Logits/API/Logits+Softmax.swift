// The softmax family as members of `Logits`, over any contiguous storage.

extension Logits {
    /// Softmax of `x / temperature` along `axis` of `x` seen as a
    /// C-contiguous array of `shape` (nil: one row): each slice becomes a
    /// probability distribution. A slice of all `-infinity` gives zeros,
    /// `+infinity` entries share the mass, NaN makes its slice NaN.
    /// `precision` chooses how a `Float` call computes (ACCURACY.md).
    ///
    /// ```swift
    /// let p = try Logits.softmax([1, 2, 3] as [Double])      // [0.0900, 0.2447, 0.6652]
    /// let grid: [Float] = [9, 9, 1, 2, 3, 4, 6, 8]
    /// let q = try Logits.softmax(grid[2...], shape: [2, 3], axis: 0)   // a slice, by columns
    /// ```
    /// - Throws: `LogitsError.invalidArgument` for a bad axis, a shape that
    ///   does not match the count, or a temperature that is not finite and > 0.
    @inlinable
    public static func softmax<V: LogitsBuffer>(
        _ x: V, shape: [Int]? = nil, axis: Int = -1, temperature: V.Element = 1,
        precision: Precision = .default
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        try axisForward(.softmax, x, shape, axis, temperature, precision)
    }

    /// Softmax in place: `x` becomes `softmax(x, ...)`.
    ///
    /// ```swift
    /// var x: [Float] = [1, 2, 3, 4, 5, 6]
    /// try Logits.softmax(&x, shape: [2, 3])
    /// ```
    @inlinable
    public static func softmax<V: LogitsMutableBuffer>(
        _ x: inout V, shape: [Int]? = nil, axis: Int = -1, temperature: V.Element = 1,
        precision: Precision = .default
    ) throws(LogitsError) where V.Element: LogitsFloat {
        try axisForwardInPlace(.softmax, &x, shape, axis, temperature, precision)
    }

    /// Log-softmax along `axis`: `x/T - logSumExp(x/T)`, finite wherever the
    /// true value is. Shapes and errors as `softmax`.
    ///
    /// ```swift
    /// let lp = try Logits.logSoftmax([0, 1000] as [Double])   // [-1000, 0]
    /// ```
    @inlinable
    public static func logSoftmax<V: LogitsBuffer>(
        _ x: V, shape: [Int]? = nil, axis: Int = -1, temperature: V.Element = 1,
        precision: Precision = .default
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        try axisForward(.logSoftmax, x, shape, axis, temperature, precision)
    }

    /// Log-softmax in place.
    ///
    /// ```swift
    /// var row: ContiguousArray<Double> = [2, 1, 0.1]
    /// try Logits.logSoftmax(&row)
    /// ```
    @inlinable
    public static func logSoftmax<V: LogitsMutableBuffer>(
        _ x: inout V, shape: [Int]? = nil, axis: Int = -1, temperature: V.Element = 1,
        precision: Precision = .default
    ) throws(LogitsError) where V.Element: LogitsFloat {
        try axisForwardInPlace(.logSoftmax, &x, shape, axis, temperature, precision)
    }

    /// `log(sum(exp(x / temperature)))` along `axis`, one value per slice in
    /// the C order of the other axes; an empty axis gives `-infinity`.
    ///
    /// ```swift
    /// let lse = try Logits.logSumExp([1000, 1000] as [Double])            // [1000.6931...]
    /// let perRow = try Logits.logSumExp([1, 2, 3, 4] as [Float], shape: [2, 2])
    /// ```
    @inlinable
    public static func logSumExp<V: LogitsBuffer>(
        _ x: V, shape: [Int]? = nil, axis: Int = -1, temperature: V.Element = 1,
        precision: Precision = .default
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        try axisForward(.logSumExp, x, shape, axis, temperature, precision)
    }

    /// Gradient of softmax from its output `y` and the upstream gradient `dy`:
    /// `y * (dy - sum(y * dy)) / T` along `axis`.
    ///
    /// ```swift
    /// let y = try Logits.softmax([1, 2, 3] as [Double])
    /// let dx = try Logits.softmaxBackward(output: y, gradient: [1, 0, 0] as [Double])
    /// ```
    @inlinable
    public static func softmaxBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
        output: V, gradient: G, shape: [Int]? = nil, axis: Int = -1, temperature: V.Element = 1
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        try axisBackward(.softmax, output, gradient, shape, axis, temperature)
    }

    /// Gradient of log-softmax from its output: `(dy - exp(y) * sum(dy)) / T`.
    ///
    /// ```swift
    /// let y = try Logits.logSoftmax([1, 2, 3] as [Double])
    /// let dx = try Logits.logSoftmaxBackward(output: y, gradient: [0, 0, -1] as [Double])
    /// ```
    @inlinable
    public static func logSoftmaxBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
        output: V, gradient: G, shape: [Int]? = nil, axis: Int = -1, temperature: V.Element = 1
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        try axisBackward(.logSoftmax, output, gradient, shape, axis, temperature)
    }

    /// Softmax from `x` into caller memory `y` (`layout.count` elements each;
    /// `y` may be `x`'s memory). No allocation.
    ///
    /// ```swift
    /// let x: [Float] = [1, 2, 3, 4, 5, 6]
    /// var y = [Float](repeating: 0, count: 6)
    /// try x.withUnsafeBufferPointer { xb in try y.withUnsafeMutableBufferPointer { yb in
    ///     try Logits.softmax(xb, into: yb, layout: AxisLayout(rows: 2, cols: 3)) } }
    /// ```
    @inlinable
    public static func softmax<T: LogitsFloat>(
        _ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<T>, layout: AxisLayout,
        temperature: T = 1, precision: Precision = .default
    ) throws(LogitsError) {
        try axisForwardInto(.softmax, x, y, layout, temperature, precision)
    }

    /// Log-softmax from `x` into `y` (may be `x`'s memory). No allocation.
    ///
    /// ```swift
    /// let x: [Double] = [1, 2, 3]
    /// var y = [Double](repeating: 0, count: 3)
    /// try x.withUnsafeBufferPointer { xb in try y.withUnsafeMutableBufferPointer { yb in
    ///     try Logits.logSoftmax(xb, into: yb, layout: AxisLayout(rows: 1, cols: 3)) } }
    /// ```
    @inlinable
    public static func logSoftmax<T: LogitsFloat>(
        _ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<T>, layout: AxisLayout,
        temperature: T = 1, precision: Precision = .default
    ) throws(LogitsError) {
        try axisForwardInto(.logSoftmax, x, y, layout, temperature, precision)
    }

    /// logsumexp from `x` into `y` (`layout.sliceCount` values, apart from
    /// `x`). No allocation.
    ///
    /// ```swift
    /// let x: [Float] = [1, 2, 3, 4]
    /// var y = [Float](repeating: 0, count: 2)
    /// try x.withUnsafeBufferPointer { xb in try y.withUnsafeMutableBufferPointer { yb in
    ///     try Logits.logSumExp(xb, into: yb, layout: AxisLayout(rows: 2, cols: 2)) } }
    /// ```
    @inlinable
    public static func logSumExp<T: LogitsFloat>(
        _ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<T>, layout: AxisLayout,
        temperature: T = 1, precision: Precision = .default
    ) throws(LogitsError) {
        try axisForwardInto(.logSumExp, x, y, layout, temperature, precision)
    }
}

@inlinable
func axisForward<V: LogitsBuffer>(
    _ op: AxisOp, _ x: V, _ shape: [Int]?, _ axis: Int, _ temperature: V.Element, _ precision: Precision
) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
    try x.withUnsafeBufferPointer { (xb) throws(LogitsError) -> [V.Element] in
        let layout = try arrayLayout(count: xb.count, shape: shape, axis: axis)
        let count = op == .logSumExp ? layout.sliceCount : layout.count
        return try makeArray(count: count) { (y) throws(LogitsError) in
            try refusing {
                checkedAxisForward(op, xb.baseAddress, y, layout, temperature: temperature,
                                   kernels: .dispatched(precision))
            }
        }
    }
}

@inlinable
func axisForwardInPlace<V: LogitsMutableBuffer>(
    _ op: AxisOp, _ x: inout V, _ shape: [Int]?, _ axis: Int, _ temperature: V.Element,
    _ precision: Precision
) throws(LogitsError) where V.Element: LogitsFloat {
    try x.withUnsafeMutableBufferPointer { (xb) throws(LogitsError) in
        let layout = try arrayLayout(count: xb.count, shape: shape, axis: axis)
        try refusing {
            checkedAxisForward(op, UnsafePointer(xb.baseAddress), xb.baseAddress, layout,
                               temperature: temperature, kernels: .dispatched(precision))
        }
    }
}

@inlinable
func axisForwardInto<T: LogitsFloat>(
    _ op: AxisOp, _ x: UnsafeBufferPointer<T>, _ y: UnsafeMutableBufferPointer<T>, _ layout: AxisLayout,
    _ temperature: T, _ precision: Precision
) throws(LogitsError) {
    try checkBuffers(x.count, y.count, layout.count,
                     outputCount: op == .logSumExp ? layout.sliceCount : nil)
    try refusing {
        checkedAxisForward(op, x.baseAddress, y.baseAddress, layout, temperature: temperature,
                           kernels: .dispatched(precision))
    }
}

@inlinable
func axisBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
    _ op: AxisBackwardOp, _ y: V, _ dy: G, _ shape: [Int]?, _ axis: Int, _ temperature: V.Element
) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
    try y.withUnsafeBufferPointer { (yb) throws(LogitsError) -> [V.Element] in
        try dy.withUnsafeBufferPointer { (db) throws(LogitsError) -> [V.Element] in
            guard yb.count == db.count else {
                throw .invalidArgument("output has \(yb.count) elements, gradient \(db.count)")
            }
            let layout = try arrayLayout(count: yb.count, shape: shape, axis: axis)
            return try makeArray(count: layout.count) { (dx) throws(LogitsError) in
                try refusing {
                    checkedAxisBackward(op, yb.baseAddress, db.baseAddress, dx, layout, temperature: temperature)
                }
            }
        }
    }
}
