// The elementwise functions as members of `Logits`, over any contiguous
// storage.

extension Logits {
    /// The elementwise functions (`Logits.apply(_:_:precision:)`, and the
    /// `into:` forms).
    ///
    /// ```swift
    /// let y = Logits.apply(.softplus, [-1, 0, 1] as [Float])
    /// ```
    public enum Activation: Sendable, CaseIterable {
        /// 1 / (1 + exp(-x)), in (0, 1).
        case sigmoid
        /// log(sigmoid(x)) = -softplus(-x), <= 0.
        case logSigmoid
        /// log(1 + exp(x)), >= 0.
        case softplus

        @inlinable
        var op: ElementwiseOp {
            switch self {
            case .sigmoid: return .sigmoid
            case .logSigmoid: return .logSigmoid
            case .softplus: return .softplus
            }
        }
    }

    /// The logistic function `1 / (1 + exp(-x))` of each element: an
    /// independent probability per element. Never overflows.
    ///
    /// ```swift
    /// let s = Logits.sigmoid([1, 2, 3] as [Float])   // [0.7311, 0.8808, 0.9526]
    /// ```
    @inlinable
    public static func sigmoid<V: LogitsBuffer>(_ x: V, precision: Precision = .default) -> [V.Element]
    where V.Element: LogitsFloat {
        elementwise(.sigmoid, x, precision)
    }

    /// Sigmoid in place.
    ///
    /// ```swift
    /// var v: [Double] = [-1, 0, 1]
    /// Logits.sigmoid(&v)
    /// ```
    @inlinable
    public static func sigmoid<V: LogitsMutableBuffer>(_ x: inout V, precision: Precision = .default)
    where V.Element: LogitsFloat {
        elementwiseInPlace(.sigmoid, &x, precision)
    }

    /// `log(sigmoid(x)) = -softplus(-x)` of each element, finite for finite x.
    ///
    /// ```swift
    /// let l = Logits.logSigmoid([-200, 0] as [Double])   // [-200, -0.6931...]
    /// ```
    @inlinable
    public static func logSigmoid<V: LogitsBuffer>(_ x: V, precision: Precision = .default) -> [V.Element]
    where V.Element: LogitsFloat {
        elementwise(.logSigmoid, x, precision)
    }

    /// Log-sigmoid in place.
    ///
    /// ```swift
    /// var v: [Float] = [-1, 0, 1]
    /// Logits.logSigmoid(&v)
    /// ```
    @inlinable
    public static func logSigmoid<V: LogitsMutableBuffer>(_ x: inout V, precision: Precision = .default)
    where V.Element: LogitsFloat {
        elementwiseInPlace(.logSigmoid, &x, precision)
    }

    /// `log(1 + exp(x))` of each element, without overflow.
    ///
    /// ```swift
    /// let s = Logits.softplus([-1000, 0, 1000] as [Double])   // [0, 0.6931..., 1000]
    /// ```
    @inlinable
    public static func softplus<V: LogitsBuffer>(_ x: V, precision: Precision = .default) -> [V.Element]
    where V.Element: LogitsFloat {
        elementwise(.softplus, x, precision)
    }

    /// Softplus in place.
    ///
    /// ```swift
    /// var v: [Float] = [-1, 0, 1]
    /// Logits.softplus(&v)
    /// ```
    @inlinable
    public static func softplus<V: LogitsMutableBuffer>(_ x: inout V, precision: Precision = .default)
    where V.Element: LogitsFloat {
        elementwiseInPlace(.softplus, &x, precision)
    }

    /// One of the elementwise functions, chosen by value.
    ///
    /// ```swift
    /// let y = Logits.apply(.logSigmoid, [0, 1] as [Double])
    /// ```
    @inlinable
    public static func apply<V: LogitsBuffer>(
        _ function: Activation, _ x: V, precision: Precision = .default
    ) -> [V.Element] where V.Element: LogitsFloat {
        elementwise(function.op, x, precision)
    }

    /// One of the elementwise functions from `x` into caller memory `y` (the
    /// same count; `y` may be `x`'s memory). No allocation.
    ///
    /// ```swift
    /// var v: [Double] = [-1, 0, 1]
    /// try v.withUnsafeMutableBufferPointer { b in
    ///     try Logits.apply(.sigmoid, UnsafeBufferPointer(b), into: b)
    /// }
    /// ```
    @inlinable
    public static func apply<T: LogitsFloat>(
        _ function: Activation, _ x: UnsafeBufferPointer<T>, into y: UnsafeMutableBufferPointer<T>,
        precision: Precision = .default
    ) throws(LogitsError) {
        try checkBuffers(x.count, y.count, x.count)
        try refusing {
            checkedElementwise(function.op, x.baseAddress, y.baseAddress, count: x.count,
                               kernels: .dispatched(precision))
        }
    }

    /// Gradient of sigmoid from its output: `gradient * output * (1 - output)`.
    ///
    /// ```swift
    /// let dx = try Logits.sigmoidBackward(output: Logits.sigmoid([0.0]), gradient: [1.0])   // [0.25]
    /// ```
    @inlinable
    public static func sigmoidBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
        output: V, gradient: G
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        try elementwiseBackward(.sigmoid, output, gradient)
    }

    /// Gradient of log-sigmoid from its output: `gradient * (1 - exp(output))`.
    ///
    /// ```swift
    /// let dx = try Logits.logSigmoidBackward(output: Logits.logSigmoid([0.0]), gradient: [1.0])   // [0.5]
    /// ```
    @inlinable
    public static func logSigmoidBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
        output: V, gradient: G
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        try elementwiseBackward(.logSigmoid, output, gradient)
    }

    /// Gradient of softplus from its output: `gradient * (1 - exp(-output))`.
    ///
    /// ```swift
    /// let dx = try Logits.softplusBackward(output: Logits.softplus([0.0]), gradient: [1.0])   // [0.5]
    /// ```
    @inlinable
    public static func softplusBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
        output: V, gradient: G
    ) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
        try elementwiseBackward(.softplus, output, gradient)
    }
}

@inlinable
func elementwise<V: LogitsBuffer>(_ op: ElementwiseOp, _ x: V, _ precision: Precision) -> [V.Element]
where V.Element: LogitsFloat {
    x.withUnsafeBufferPointer { xb in
        // Cannot fail: counts match, the new array cannot overlap x.
        (try? makeArray(count: xb.count) { (y) throws(LogitsError) in
            try refusing {
                checkedElementwise(op, xb.baseAddress, y, count: xb.count, kernels: .dispatched(precision))
            }
        }) ?? []
    }
}

@inlinable
func elementwiseInPlace<V: LogitsMutableBuffer>(_ op: ElementwiseOp, _ x: inout V, _ precision: Precision)
where V.Element: LogitsFloat {
    x.withUnsafeMutableBufferPointer { xb in
        // Cannot fail: y is x.
        _ = checkedElementwise(op, UnsafePointer(xb.baseAddress), xb.baseAddress, count: xb.count,
                               kernels: .dispatched(precision))
    }
}

@inlinable
func elementwiseBackward<V: LogitsBuffer, G: LogitsBuffer<V.Element>>(
    _ op: ElementwiseOp, _ y: V, _ dy: G
) throws(LogitsError) -> [V.Element] where V.Element: LogitsFloat {
    try y.withUnsafeBufferPointer { (yb) throws(LogitsError) -> [V.Element] in
        try dy.withUnsafeBufferPointer { (db) throws(LogitsError) -> [V.Element] in
            guard yb.count == db.count else {
                throw .invalidArgument("output has \(yb.count) elements, gradient \(db.count)")
            }
            return try makeArray(count: yb.count) { (dx) throws(LogitsError) in
                try refusing {
                    checkedElementwiseBackward(op, yb.baseAddress, db.baseAddress, dx, count: yb.count)
                }
            }
        }
    }
}
