// The public Swift API of sampling, top-k and argmax over arrays (see
// include/logits.h, logits_sample_f32, for every rule).

/// The order of the sampler's steps: the frameworks disagree.
public enum SamplerOrder: Int32, Sendable, CaseIterable {
    /// Penalties, logit bias, temperature, top-k, top-p, min-p (Hugging Face
    /// transformers).
    case transformers = 0
    /// Penalties, logit bias, top-k, top-p, min-p, temperature last
    /// (llama.cpp's default chain).
    case llamaCpp = 1
}

/// Options of `sample`. The defaults sample from softmax of the logits.
///
/// ```swift
/// var options = SamplerOptions(temperature: 0.7, topK: 50, topP: 0.9)
/// options.seed = 42
/// ```
public struct SamplerOptions: Sendable, Equatable {
    /// Finite, >= 0; 0 is greedy (the arg max, lowest index on ties).
    public var temperature: Double
    /// Keep the tokens at least as large as the k-th largest (ties kept);
    /// nil or >= the vocabulary: off.
    public var topK: Int?
    /// Keep the smallest most probable set reaching this mass, in (0, 1]; nil: off.
    public var topP: Double?
    /// Keep the tokens at least this times as probable as the top one, in
    /// [0, 1); nil: off.
    public var minP: Double?
    /// > 0: a seen token's positive logit is divided by it, a negative one
    /// multiplied (CTRL, transformers); nil: off.
    public var repetitionPenalty: Double?
    /// Subtracted once from every seen token's logit (OpenAI).
    public var presencePenalty: Double
    /// Subtracted per occurrence from every seen token's logit (OpenAI).
    public var frequencyPenalty: Double
    /// Added to the logits of these token ids in every row; -infinity bans a
    /// token, +infinity forces it.
    public var logitBias: [Int: Double]
    /// The order of the steps.
    public var order: SamplerOrder
    /// The seed of the Philox draw: the same seed gives the same tokens on
    /// every CPU, thread count and run.
    public var seed: UInt64

    /// Options; every filter off by default.
    public init(temperature: Double = 1, topK: Int? = nil, topP: Double? = nil, minP: Double? = nil,
                repetitionPenalty: Double? = nil, presencePenalty: Double = 0, frequencyPenalty: Double = 0,
                logitBias: [Int: Double] = [:], order: SamplerOrder = .transformers, seed: UInt64 = 0) {
        self.temperature = temperature
        self.topK = topK
        self.topP = topP
        self.minP = minP
        self.repetitionPenalty = repetitionPenalty
        self.presencePenalty = presencePenalty
        self.frequencyPenalty = frequencyPenalty
        self.logitBias = logitBias
        self.order = order
        self.seed = seed
    }
}

/// What `sample` returns: one token per row and, when asked for
/// (`withLogprobs`), each token's log-probability under the final
/// distribution and under softmax of the unmodified row.
public struct SampledTokens<T: LogitsFloat>: Sendable {
    /// One token id per row.
    public var tokens: [Int64]
    /// log P(token) under the filtered, tempered distribution (0 for greedy).
    public var logprobs: [T]?
    /// log P(token) under softmax of the row as given (one more pass over
    /// the row).
    public var rawLogprobs: [T]?

    /// The arrays, one entry per row each.
    @inlinable
    public init(tokens: [Int64], logprobs: [T]?, rawLogprobs: [T]?) {
        self.tokens = tokens
        self.logprobs = logprobs
        self.rawLogprobs = rawLogprobs
    }
}

/// The rows x vocab view of `count` elements, or the error.
@inlinable
func rowsLayout(count: Int, rows: Int) throws(LogitsError) -> Int {
    guard rows > 0, count % rows == 0 else {
        throw .invalidArgument("\(count) elements do not make \(rows) rows of equal length")
    }
    return count / rows
}

/// Draws one token per row of `logits` (`rows` rows of equal length): the
/// penalties on the tokens of each row's `history`, the logit bias, then
/// temperature, top-k, top-p and min-p in `options.order`, then a Philox
/// draw from what survives (or one of `uniform`, a number in [0, 1) per row).
///
/// ```swift
/// let x: [Float] = [1, 2, 3, 4]
/// let greedy = try sample(x, options: SamplerOptions(temperature: 0)).tokens   // [3]
/// let out = try sample(x, options: SamplerOptions(temperature: 0.7, topK: 2, seed: 7),
///                      withLogprobs: true)
/// print(out.tokens[0], out.logprobs![0])
/// ```
/// - Throws: `.invalidArgument` for an option out of its domain, a shape
///   that does not divide, a history id outside the vocabulary, a NaN logit
///   or a row with nothing left to sample (the message names it);
///   `.outOfMemory` when the scratch cannot be had.
@available(*, deprecated, renamed: "Logits.sample")
@inlinable
public func sample<T: LogitsFloat>(
    _ logits: [T], rows: Int = 1, options: SamplerOptions = .init(), history: [[Int64]] = [],
    uniform: [Double]? = nil, withLogprobs: Bool = false
) throws(LogitsError) -> SampledTokens<T> {
    try sampleRows(logits, rows, options, history, uniform, withLogprobs)
}

@inlinable
func sampleRows<V: LogitsBuffer>(
    _ logits: V, _ rows: Int, _ options: SamplerOptions, _ history: [[Int64]], _ uniform: [Double]?,
    _ withLogprobs: Bool
) throws(LogitsError) -> SampledTokens<V.Element> where V.Element: LogitsFloat {
    try sampleRows(logits, rows, options, history, uniform, withLogprobs) { x, u, t, l, r, vocab, s in
        checkedSample(x.baseAddress, uniform: u, useUniform: uniform != nil, t, l, r, rows: rows, vocab: vocab, s,
                      kernels: .dispatchedExact)
    }
}

/// The sampler's arguments from the Swift API's forms, handed to `sampler`
/// (the checked entry point of the element type: logits, uniforms, tokens,
/// log-probabilities, raw log-probabilities, vocabulary, settings).
@inlinable
func sampleRows<V: LogitsBuffer, T: LogitsFloat>(
    _ logits: V, _ rows: Int, _ options: SamplerOptions, _ history: [[Int64]], _ uniform: [Double]?,
    _ withLogprobs: Bool,
    _ sampler: (UnsafeBufferPointer<V.Element>, UnsafePointer<Double>?, UnsafeMutablePointer<Int64>?,
                UnsafeMutablePointer<T>?, UnsafeMutablePointer<T>?, Int, SamplerSettings) -> Refusal?
) throws(LogitsError) -> SampledTokens<T> {
    let vocab = try rowsLayout(count: logits.bufferCount, rows: rows)
    guard history.isEmpty || history.count == rows else {
        throw .invalidArgument("history has \(history.count) rows; the logits have \(rows)")
    }
    if let uniform, uniform.count != rows {
        throw .invalidArgument("uniform has \(uniform.count) values; the logits have \(rows) rows")
    }
    let width = history.map(\.count).max() ?? 0
    var flat = [Int64](repeating: -1, count: history.isEmpty ? 0 : rows * width)
    for (r, h) in history.enumerated() { for (j, id) in h.enumerated() { flat[r * width + j] = id } }
    let biasIDs = options.logitBias.keys.sorted().map { Int64($0) }
    let biasValues = biasIDs.map { options.logitBias[Int($0)] ?? 0 }
    var tokens = [Int64](repeating: 0, count: rows)
    var lp = [T](repeating: 0, count: withLogprobs ? rows : 0)
    var raw = [T](repeating: 0, count: withLogprobs ? rows : 0)
    try logits.withUnsafeBufferPointer { (x) throws(LogitsError) in
        try flat.withUnsafeBufferPointer { (h) throws(LogitsError) in
            try biasIDs.withUnsafeBufferPointer { (ids) throws(LogitsError) in
                try biasValues.withUnsafeBufferPointer { (vals) throws(LogitsError) in
                    let s = SamplerSettings(
                        temperature: options.temperature, topK: options.topK ?? 0, topP: options.topP ?? 1,
                        minP: options.minP ?? 0, repetitionPenalty: options.repetitionPenalty ?? 1,
                        presencePenalty: options.presencePenalty, frequencyPenalty: options.frequencyPenalty,
                        llamaOrder: options.order == .llamaCpp, seed: options.seed,
                        history: width > 0 ? h.baseAddress : nil, historyLength: width,
                        biasIDs: ids.baseAddress, biasValues: vals.baseAddress, biasCount: ids.count)
                    try tokens.withUnsafeMutableBufferPointer { (t) throws(LogitsError) in
                        try lp.withUnsafeMutableBufferPointer { (l) throws(LogitsError) in
                            try raw.withUnsafeMutableBufferPointer { (rw) throws(LogitsError) in
                                try withOptionalDoubles(uniform) { (u) throws(LogitsError) in
                                    try refusing {
                                        sampler(x, u, t.baseAddress, withLogprobs ? l.baseAddress : nil,
                                                withLogprobs ? rw.baseAddress : nil, vocab, s)
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
    }
    return SampledTokens(tokens: tokens, logprobs: withLogprobs ? lp : nil, rawLogprobs: withLogprobs ? raw : nil)
}

@inlinable
func withOptionalDoubles(_ a: [Double]?,
                         _ body: (UnsafePointer<Double>?) throws(LogitsError) -> Void) throws(LogitsError) {
    guard let a else { return try body(nil) }
    try a.withUnsafeBufferPointer { (p) throws(LogitsError) in try body(p.baseAddress) }
}

/// The `k` largest values of each of `rows` rows of `x` and their indices,
/// largest first, ties to the lower index, NaN above every number: rows x k
/// values and indices. Found by partial selection, not a sort.
///
/// ```swift
/// let (values, indices) = try topK([3, 1, 3, 5] as [Double], 2)   // [5, 3], [3, 0]
/// ```
/// - Throws: `.invalidArgument` when `k` exceeds the row length or the
///   rows do not divide `x.count`.
@available(*, deprecated, renamed: "Logits.topK")
@inlinable
public func topK<T: LogitsFloat>(_ x: [T], _ k: Int, rows: Int = 1) throws(LogitsError)
    -> (values: [T], indices: [Int64]) {
    try topKRows(x, k, rows)
}

@inlinable
func topKRows<V: LogitsBuffer>(_ x: V, _ k: Int, _ rows: Int) throws(LogitsError)
    -> (values: [V.Element], indices: [Int64]) where V.Element: LogitsFloat {
    try topKRows(x, k, rows, zero: 0) { xb, v, i, cols in
        checkedTopK(xb.baseAddress, v, i, rows: rows, cols: cols, k: k, kernels: .dispatchedExact)
    }
}

/// The top-k arrays of the Swift API's forms, filled by `select` (the
/// checked entry point of the element type: x, values, indices, columns).
@inlinable
func topKRows<V: LogitsBuffer>(
    _ x: V, _ k: Int, _ rows: Int, zero: V.Element,
    _ select: (UnsafeBufferPointer<V.Element>, UnsafeMutablePointer<V.Element>?, UnsafeMutablePointer<Int64>?,
               Int) -> Refusal?
) throws(LogitsError) -> (values: [V.Element], indices: [Int64]) {
    let cols = try rowsLayout(count: x.bufferCount, rows: rows)
    guard k >= 0 else { throw .invalidArgument("k must be >= 0, not \(k)") }
    let (count, overflow) = rows.multipliedReportingOverflow(by: Swift.min(k, cols))
    guard !overflow else { throw .sizeOverflow }
    var values = [V.Element](repeating: zero, count: count)
    var indices = [Int64](repeating: 0, count: count)
    try x.withUnsafeBufferPointer { (xb) throws(LogitsError) in
        try values.withUnsafeMutableBufferPointer { (v) throws(LogitsError) in
            try indices.withUnsafeMutableBufferPointer { (i) throws(LogitsError) in
                try refusing { select(xb, v.baseAddress, i.baseAddress, cols) }
            }
        }
    }
    return (values, indices)
}

/// The index of the largest element of each of `rows` rows of `x` (lowest
/// index on ties, the first NaN if any: numpy's rule).
///
/// ```swift
/// let best = try argmax([1, 7, 7] as [Float])   // [1]
/// ```
/// - Throws: `.invalidArgument` for empty rows or rows that do not divide.
@available(*, deprecated, renamed: "Logits.argmax")
@inlinable
public func argmax<T: LogitsFloat>(_ x: [T], rows: Int = 1) throws(LogitsError) -> [Int64] {
    try argmaxRows(x, rows)
}

@inlinable
func argmaxRows<V: LogitsBuffer>(_ x: V, _ rows: Int) throws(LogitsError) -> [Int64] where V.Element: LogitsFloat {
    try argmaxRows(x, rows) { xb, o, cols in checkedArgmax(xb.baseAddress, o, rows: rows, cols: cols, kernels: .dispatchedExact)
    }
}

/// The argmax array of the Swift API's forms, filled by `select` (the
/// checked entry point of the element type: x, indices, columns).
@inlinable
func argmaxRows<V: LogitsBuffer>(
    _ x: V, _ rows: Int, _ select: (UnsafeBufferPointer<V.Element>, UnsafeMutablePointer<Int64>?, Int) -> Refusal?
) throws(LogitsError) -> [Int64] {
    let cols = try rowsLayout(count: x.bufferCount, rows: rows)
    var out = [Int64](repeating: 0, count: rows)
    try x.withUnsafeBufferPointer { (xb) throws(LogitsError) in
        try out.withUnsafeMutableBufferPointer { (o) throws(LogitsError) in
            try refusing { select(xb, o.baseAddress, cols) }
        }
    }
    return out
}
