// Binary (multi-label) cross-entropy with pos_weight, element weights, label
// smoothing and focal modulation. Elementwise; values are validated.

/// log(e^a + e^b), exact for -inf arguments.
@inlinable @inline(__always)
func logAddExp(_ a: Double, _ b: Double) -> Double {
    let hi = Swift.max(a, b), lo = Swift.min(a, b)
    if hi == -.infinity { return -.infinity }
    return hi + libmLog1p(libmExp(lo - hi))
}

/// c * v, where a zero coefficient gives 0 even for an infinite v.
@inlinable @inline(__always)
func weighted(_ c: Double, _ v: Double) -> Double { c == 0 ? 0 : c * v }

/// Per-call constants of the binary loss.
@usableFromInline
struct BinaryLossParameters {
    @usableFromInline let fromLogits: Bool
    @usableFromInline let smoothing: Double
    @usableFromInline let gamma: Double
    @usableFromInline let alpha: Double?
    @usableFromInline let eps: Double

    @inlinable
    init(_ o: BinaryCrossEntropyOptions) {
        fromLogits = o.fromLogits; smoothing = o.labelSmoothing
        gamma = o.gamma; alpha = o.alpha; eps = o.eps
    }

    /// (loss, d loss / d x) of one element with input x, raw target y,
    /// positive weight pw and element weight w.
    @inlinable @inline(__always)
    func element(_ x: Double, _ y: Double, _ pw: Double, _ w: Double) -> (Double, Double) {
        let t = y * (1 - smoothing) + smoothing / 2
        // logs of p and 1 - p, and dp/dx, for p = sigmoid(x) or clip(x).
        let logP: Double, log1mP: Double, p: Double, q: Double, dp: Double
        if fromLogits {
            logP = -softplusScalar(-x)
            log1mP = -softplusScalar(x)
            p = sigmoidScalar(x)
            q = sigmoidScalar(-x)
            dp = p * q
        } else {
            let c = Swift.min(Swift.max(x, eps), 1 - eps)
            logP = libmLog(c)
            log1mP = libmLog1p(-c)
            p = c
            q = 1 - c
            dp = (x >= eps && x <= 1 - eps) ? 1 : 0
        }
        let pos = pw * t, neg = 1 - t
        // 0 - ...: a zero loss is +0, not -0.
        let bce = 0 - w * (weighted(pos, logP) + weighted(neg, log1mP))
        // d bce / dp, times dp/dx: -w (pos / p - neg / (1 - p)) dp; for logits
        // this is w (neg p - pos q), free of divisions.
        let dbce: Double
        if fromLogits {
            dbce = w * (neg * p - pos * q)
        } else {
            dbce = dp == 0 ? 0 : -w * (pos / p - neg / q)
        }
        if gamma == 0 && alpha == nil { return (bce, dbce) }
        // Focal: a_t (1 - p_t)^gamma bce, 1 - p_t = t (1 - p) + (1 - t) p.
        let at = alpha.map { $0 * t + (1 - $0) * (1 - t) } ?? 1
        let log1mPt = logAddExp(t > 0 ? libmLog(t) + log1mP : -.infinity,
                                t < 1 ? libmLog1p(-t) + logP : -.infinity)
        let f = gamma == 0 ? 1 : libmExp(gamma * log1mPt)
        // d(1 - p_t)^gamma / dx = -gamma (1 - p_t)^(gamma - 1) (2t - 1) dp/dx.
        // From logits dp/dx = p (1 - p) joins the power in log space: for
        // 0 < gamma < 1 and |x| > ~709 the power alone overflows while the
        // product is tiny.
        var df = 0.0
        if gamma != 0 && log1mPt != -.infinity {
            df = fromLogits
                ? -gamma * (2 * t - 1) * libmExp((gamma - 1) * log1mPt + logP + log1mP)
                : -gamma * libmExp((gamma - 1) * log1mPt) * (2 * t - 1) * dp
        }
        // df bce: df -> 0 faster than bce grows (x -> +-inf), so the limit
        // is 0 where df is 0, not inf * 0.
        return (at * f * bce, at * (f * dbce + weighted(df, bce)))
    }
}

/// Binary cross-entropy of validated `rows x classes` elements: per-element
/// losses (`.none`) or their compensated sum or mean into `loss[0]`, and the
/// gradient of that loss into `grad` when given (may be `input`). The input
/// and targets are `S` (a float type, or 16-bit storage) read through
/// `read`, the gradient written through `write`; weights and losses are `W`.
@inlinable
func binaryCrossEntropy<S, W: LogitsFloat>(
    _ input: UnsafePointer<S>?, _ target: UnsafePointer<S>?, _ posWeight: UnsafePointer<W>?,
    _ weight: UnsafePointer<W>?, _ loss: UnsafeMutablePointer<W>, _ grad: UnsafeMutablePointer<S>?,
    rows: Int, classes: Int, _ options: BinaryCrossEntropyOptions,
    _ read: (S) -> Double, _ write: (Double) -> S
) {
    let count = rows &* classes
    let params = BinaryLossParameters(options)
    let mean = options.reduction == .mean
    let scale = mean ? (count > 0 ? 1 / Double(count) : 0) : 1
    var total = 0.0, tc = 0.0
    var r = 0
    while r < rows, count > 0, let input, let target {
        var c = 0
        while c < classes {
            let i = r &* classes &+ c
            let (l, d) = params.element(read(input[i]), read(target[i]),
                                        posWeight?[c].doubleValue ?? 1, weight?[i].doubleValue ?? 1)
            if options.reduction == .none { loss[i] = W(roundingDouble: l) } else { compensatedAdd(&total, &tc, l) }
            if let grad { grad[i] = write(d * scale) }
            c &+= 1
        }
        r &+= 1
    }
    if options.reduction != .none {
        let sum = total + tc
        loss[0] = W(roundingDouble: mean ? (count > 0 ? sum / Double(count) : 0) : sum)
    }
}
