extension Logits {
    /// How a loss is reduced over samples (raw values as in `logits.h`).
    ///
    /// ```swift
    /// let options = CrossEntropyOptions(reduction: .sum)
    /// ```
    public enum Reduction: Int32, Sendable, CaseIterable {
        /// One loss per sample.
        case none = 0
        /// The (weighted) mean; see each loss for its divisor.
        case mean = 1
        /// The sum of the per-sample losses.
        case sum = 2
    }
}

/// The reduction of a loss: now `Logits.Reduction`.
///
/// ```swift
/// let r: Logits.Reduction = .mean
/// ```
@available(*, deprecated, renamed: "Logits.Reduction")
public typealias Reduction = Logits.Reduction

/// Options of the categorical cross-entropy (`crossEntropy`).
///
/// ```swift
/// var options = CrossEntropyOptions()
/// options.labelSmoothing = 0.1
/// options.ignoreIndex = -100
/// ```
public struct CrossEntropyOptions: Sendable, Equatable {
    /// Reduction over samples; default `.mean`.
    public var reduction: Logits.Reduction
    /// true: the input holds logits; false: probabilities (Keras semantics:
    /// each sample renormalised by its sum, then clipped to [eps, 1 - eps]).
    public var fromLogits: Bool
    /// Samples whose label equals this add nothing (integer labels only).
    public var ignoreIndex: Int64?
    /// Label smoothing epsilon in [0, 1]: targets become t (1 - e) + e / C.
    public var labelSmoothing: Double
    /// Logits are divided by this (finite, > 0; must be 1 for probabilities).
    public var temperature: Double
    /// Probability clipping, in (0, 0.5).
    public var eps: Double
    /// How a `Float` loss computes (`Precision`); default the process default.
    public var precision: Precision

    /// Options with PyTorch's and Keras' defaults.
    public init(reduction: Logits.Reduction = .mean, fromLogits: Bool = true, ignoreIndex: Int64? = nil,
                labelSmoothing: Double = 0, temperature: Double = 1, eps: Double = 1e-7,
                precision: Precision = .default) {
        self.reduction = reduction
        self.fromLogits = fromLogits
        self.ignoreIndex = ignoreIndex
        self.labelSmoothing = labelSmoothing
        self.temperature = temperature
        self.eps = eps
        self.precision = precision
    }

    /// Throws `.invalidArgument` naming the first option out of its domain.
    ///
    /// ```swift
    /// try CrossEntropyOptions(labelSmoothing: 0.1).validate()   // fine
    /// try CrossEntropyOptions(eps: 0).validate()   // throws: eps must be in (0, 0.5)
    /// ```
    @inlinable
    public func validate() throws(LogitsError) {
        try refusing { check() }
    }

    /// The first option out of its domain, if any.
    @inlinable
    package func check() -> Refusal? {
        if let e = checkSmoothingAndEps(labelSmoothing, eps) { return e }
        guard temperature.isFinite, temperature > 0 else { return Refusal(.temperature) }
        guard fromLogits || temperature == 1 else { return Refusal(.temperatureWithProbabilities) }
        return nil
    }
}

/// Options of the binary (multi-label) cross-entropy, with focal loss.
///
/// ```swift
/// let focal = BinaryCrossEntropyOptions(gamma: 2, alpha: 0.25)
/// ```
public struct BinaryCrossEntropyOptions: Sendable, Equatable {
    /// Reduction over elements; default `.mean` (divides by the element count).
    public var reduction: Logits.Reduction
    /// true: the input holds logits; false: probabilities clipped to [eps, 1 - eps].
    public var fromLogits: Bool
    /// Label smoothing epsilon in [0, 1]: targets become y (1 - e) + e / 2.
    public var labelSmoothing: Double
    /// Focal gamma >= 0; 0 is plain binary cross-entropy.
    public var gamma: Double
    /// Focal alpha in [0, 1], or nil for none.
    public var alpha: Double?
    /// Probability clipping, in (0, 0.5).
    public var eps: Double
    /// How a `Float` loss computes (`Precision`; the binary loss is the same in both).
    public var precision: Precision

    /// Options with PyTorch's (`BCEWithLogitsLoss`) and Keras' defaults; set
    /// `gamma` (and `alpha`) for the focal loss.
    ///
    /// ```swift
    /// let keras = BinaryCrossEntropyOptions(fromLogits: false, labelSmoothing: 0.1)
    /// ```
    public init(reduction: Logits.Reduction = .mean, fromLogits: Bool = true, labelSmoothing: Double = 0,
                gamma: Double = 0, alpha: Double? = nil, eps: Double = 1e-7, precision: Precision = .default) {
        self.reduction = reduction
        self.fromLogits = fromLogits
        self.labelSmoothing = labelSmoothing
        self.gamma = gamma
        self.alpha = alpha
        self.eps = eps
        self.precision = precision
    }

    /// Throws `.invalidArgument` naming the first option out of its domain.
    ///
    /// ```swift
    /// try BinaryCrossEntropyOptions(gamma: 2).validate()   // fine
    /// try BinaryCrossEntropyOptions(alpha: 2).validate()   // throws: alpha must be in [0, 1]
    /// ```
    @inlinable
    public func validate() throws(LogitsError) {
        try refusing { check() }
    }

    /// The first option out of its domain, if any.
    @inlinable
    package func check() -> Refusal? {
        if let e = checkSmoothingAndEps(labelSmoothing, eps) { return e }
        guard gamma.isFinite, gamma >= 0 else { return Refusal(.gamma) }
        if let alpha, !(alpha >= 0 && alpha <= 1) { return Refusal(.alpha) }
        return nil
    }
}

@inlinable
func checkSmoothingAndEps(_ smoothing: Double, _ eps: Double) -> Refusal? {
    guard smoothing >= 0, smoothing <= 1 else { return Refusal(.labelSmoothing) }
    guard eps > 0, eps < 0.5 else { return Refusal(.eps) }
    return nil
}
