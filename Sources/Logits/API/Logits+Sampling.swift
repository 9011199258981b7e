// Sampling, top-k and argmax as members of `Logits`, over any contiguous
// storage.

extension Logits {
    /// Draws one token per row of `logits` (`rows` rows of equal length): the
    /// penalties on each row's `history`, the logit bias, then temperature,
    /// top-k, top-p and min-p in `options.order`, then a Philox draw from what
    /// survives (or one of `uniform`, a number in [0, 1) per row).
    ///
    /// ```swift
    /// let x: [Float] = [1, 2, 3, 4]
    /// let greedy = try Logits.sample(x, options: SamplerOptions(temperature: 0)).tokens   // [3]
    /// let out = try Logits.sample(x, options: SamplerOptions(temperature: 0.7, topK: 2, seed: 7),
    ///                             withLogprobs: true)
    /// ```
    /// - Throws: `.invalidArgument` for an option out of its domain, a shape
    ///   that does not divide, a history id outside the vocabulary, a NaN
    ///   logit or a row with nothing left to sample; `.outOfMemory` when the
    ///   scratch cannot be had.
    @inlinable
    public static func sample<V: LogitsBuffer>(
        _ logits: V, rows: Int = 1, options: SamplerOptions = .init(), history: [[Int64]] = [],
        uniform: [Double]? = nil, withLogprobs: Bool = false
    ) throws(LogitsError) -> SampledTokens<V.Element> where V.Element: LogitsFloat {
        try sampleRows(logits, rows, options, history, uniform, withLogprobs)
    }

    /// The `k` largest values of each of `rows` rows and their indices,
    /// largest first, ties to the lower index, NaN above every number.
    ///
    /// ```swift
    /// let (values, indices) = try Logits.topK([3, 1, 3, 5] as [Double], 2)   // [5, 3], [3, 0]
    /// ```
    @inlinable
    public static func topK<V: LogitsBuffer>(_ x: V, _ k: Int, rows: Int = 1) throws(LogitsError)
        -> (values: [V.Element], indices: [Int64]) where V.Element: LogitsFloat {
        try topKRows(x, k, rows)
    }

    /// The index of the largest element of each of `rows` rows (lowest index
    /// on ties, the first NaN if any: numpy's rule).
    ///
    /// ```swift
    /// let best = try Logits.argmax([1, 7, 7] as [Float])   // [1]
    /// ```
    @inlinable
    public static func argmax<V: LogitsBuffer>(_ x: V, rows: Int = 1) throws(LogitsError) -> [Int64]
    where V.Element: LogitsFloat {
        try argmaxRows(x, rows)
    }
}
