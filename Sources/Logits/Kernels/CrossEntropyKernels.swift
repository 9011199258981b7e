// Categorical cross-entropy kernels. One sample is the slice of `classes`
// values at `base + k * stride`, k < classes. Inputs are validated: labels in
// range (or ignored), soft targets finite and >= 0, probabilities finite,
// >= 0 and with a positive sum (one that overflows a double is scaled by
// 2^-64); `scale` is the reduction's 1/D.

/// A sample's target distribution t_k (before smoothing).
@usableFromInline
protocol TargetRow {
    func t(_ k: Int) -> Double
}

/// A one-hot row for an integer label.
@usableFromInline
struct LabelRow: TargetRow {
    @usableFromInline let label: Int
    @inlinable init(label: Int) { self.label = label }
    @inlinable @inline(__always) func t(_ k: Int) -> Double { k == label ? 1 : 0 }
}

/// A soft target row of the input's layout.
@usableFromInline
struct SoftRow<T: LogitsFloat>: TargetRow {
    @usableFromInline let base: UnsafePointer<T>
    @usableFromInline let stride: Int
    @inlinable init(base: UnsafePointer<T>, stride: Int) { self.base = base; self.stride = stride }
    @inlinable @inline(__always) func t(_ k: Int) -> Double { base[k &* stride].doubleValue }
}

/// log_softmax of one slice of x / t, as (max, log-sum offset): handles the
/// masked (-inf), infinite and NaN cases as the softmax kernels do.
@usableFromInline
struct LogSoftmaxSlice {
    @usableFromInline var m: Double
    @usableFromInline var offset: Double  // log(sum exp((x - m)/t)), or -log(k) for +inf
    @usableFromInline let t: Double

    @inlinable
    init<T: LogitsFloat>(_ x: UnsafePointer<T>, _ n: Int, _ stride: Int, _ t: Double) {
        self.t = t
        var m = -Double.infinity
        var k = 0
        while k < n {
            let v = x[k &* stride].doubleValue
            if v > m || v.isNaN { m = v }
            k &+= 1
        }
        self.m = m
        offset = 0
        if m.isFinite {
            var s = 0.0, c = 0.0
            k = 0
            while k < n { compensatedAdd(&s, &c, libmExp(shifted(x[k &* stride].doubleValue, m, t))); k &+= 1 }
            offset = log1pOfSum(s, c)
        } else if m == .infinity {
            var infinities = 0
            k = 0
            while k < n { if x[k &* stride] == .infinity { infinities &+= 1 }; k &+= 1 }
            offset = -libmLog(Double(infinities))
        }
    }

    /// log softmax of one entry v of the slice.
    @inlinable @inline(__always)
    func logp(_ v: Double) -> Double {
        if m.isFinite { return shifted(v, m, t) - offset }
        if m == .infinity { return v == .infinity ? offset : -.infinity }
        return m  // NaN stays NaN; an all -inf slice gives -inf
    }
}

/// Loss of one sample from logits; writes its gradient (times `scale`) into
/// `g` when given. Returns -sum_c w_c q_c log p_c with q = a t + b.
@inlinable
func crossEntropyFromLogits<T: LogitsFloat, R: TargetRow>(
    _ x: UnsafePointer<T>, _ row: R, _ w: UnsafePointer<T>?, _ g: UnsafeMutablePointer<T>?,
    _ n: Int, _ stride: Int, _ t: Double, _ a: Double, _ b: Double, _ scale: Double
) -> Double {
    let slice = LogSoftmaxSlice(x, n, stride, t)
    var loss = 0.0, lc = 0.0, wq = 0.0, wc = 0.0
    var k = 0
    while k < n {
        let coef = (w?[k].doubleValue ?? 1) * (a * row.t(k) + b)
        if coef != 0 {  // a zero coefficient counts 0, even against log p = -inf
            compensatedAdd(&loss, &lc, -coef * slice.logp(x[k &* stride].doubleValue))
            compensatedAdd(&wq, &wc, coef)
        }
        k &+= 1
    }
    if let g {
        let total = wq + wc
        k = 0
        while k < n {
            let at = k &* stride
            let coef = (w?[k].doubleValue ?? 1) * (a * row.t(k) + b)
            let p = libmExp(slice.logp(x[at].doubleValue))
            g[at] = T(roundingDouble: (p * total - coef) / t * scale)
            k &+= 1
        }
    }
    return loss + lc
}

/// Loss of one sample from probabilities (Keras): u = x / sum(x),
/// v = clip(u, eps, 1 - eps), loss = -sum_c w_c q_c log v_c. The gradient goes
/// through the renormalisation and is zero where the clip is active.
@inlinable
func crossEntropyFromProbabilities<T: LogitsFloat, R: TargetRow>(
    _ x: UnsafePointer<T>, _ row: R, _ w: UnsafePointer<T>?, _ g: UnsafeMutablePointer<T>?,
    _ n: Int, _ stride: Int, _ eps: Double, _ a: Double, _ b: Double, _ scale: Double
) -> Double {
    var s = 0.0, c = 0.0
    var k = 0
    while k < n { compensatedAdd(&s, &c, x[k &* stride].doubleValue); k &+= 1 }
    // Finite values whose sum overflows a double (two of 1e308): the same
    // arithmetic on the values times 2^-64 (exact; u = x / sum is unchanged,
    // and a value that the scaling makes subnormal is below eps of the sum).
    let scaling = (s + c).isFinite ? 1.0 : 0x1p-64
    if scaling != 1 {
        s = 0; c = 0; k = 0
        while k < n { compensatedAdd(&s, &c, x[k &* stride].doubleValue * scaling); k &+= 1 }
    }
    let sum = s + c
    var loss = 0.0, lc = 0.0, gu = 0.0, guc = 0.0
    k = 0
    while k < n {
        let coef = (w?[k].doubleValue ?? 1) * (a * row.t(k) + b)
        if coef != 0 {
            let u = x[k &* stride].doubleValue * scaling / sum
            let v = Swift.min(Swift.max(u, eps), 1 - eps)
            compensatedAdd(&loss, &lc, -coef * libmLog(v))
            if u >= eps && u <= 1 - eps { compensatedAdd(&gu, &guc, -coef / v * u) }
        }
        k &+= 1
    }
    if let g {
        let dot = gu + guc  // sum_c (dL/du_c) u_c
        k = 0
        while k < n {
            let at = k &* stride
            let coef = (w?[k].doubleValue ?? 1) * (a * row.t(k) + b)
            let u = x[at].doubleValue * scaling / sum
            let du = (coef != 0 && u >= eps && u <= 1 - eps) ? -coef / u : 0
            // d u / d x = 1 / (true sum) = scaling / sum.
            g[at] = T(roundingDouble: (du - dot) / sum * scaling * scale)
            k &+= 1
        }
    }
    return loss + lc
}

/// Zeros the gradient of an ignored sample: `n` classes at `stride`.
@inlinable
func zeroColumn<T: LogitsFloat>(_ g: UnsafeMutablePointer<T>, _ n: Int, _ stride: Int) {
    var k = 0
    while k < n { g[k &* stride] = 0; k &+= 1 }
}
