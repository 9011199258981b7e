// Independent high-precision references for the tests: Float80 on x86-64
// (64-bit mantissa, 11 more bits than Double), Double elsewhere.
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

#if arch(x86_64) && !os(Windows)
typealias Wide = Float80
#else
typealias Wide = Double
#endif

/// A deterministic pseudo-random generator (SplitMix64), so failures reproduce.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

enum Ref {
    /// softmax / log-softmax / logsumexp of one slice of x/t, in Wide precision.
    static func softmax(_ x: [Wide], t: Wide = 1) -> [Wide] {
        let m = x.max()!
        let e = x.map { exp(($0 - m) / t) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }
    /// log(sum_j exp((x_j - max)/t)) as log1p of the terms other than the
    /// (first) max, so a sum just above 1 keeps its relative accuracy.
    static func logSumOffset(_ x: [Wide], t: Wide) -> Wide {
        let m = x.max()!
        let top = x.firstIndex(of: m)!
        var rest: Wide = 0
        for (i, v) in x.enumerated() where i != top { rest += exp((v - m) / t) }
        return log1p(rest)
    }
    static func logSoftmax(_ x: [Wide], t: Wide = 1) -> [Wide] {
        let m = x.max()!
        let l = logSumOffset(x, t: t)
        return x.map { ($0 - m) / t - l }
    }
    static func logSumExp(_ x: [Wide], t: Wide = 1) -> Wide {
        x.max()! / t + logSumOffset(x, t: t)
    }
    static func sigmoid(_ x: Wide) -> Wide { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
    static func softplus(_ x: Wide) -> Wide { max(x, 0) + log1p(exp(-abs(x))) }
    static func logSigmoid(_ x: Wide) -> Wide { -softplus(-x) }
}

extension LogitsTestsSupport {
    /// Error of `got` relative to `ref`, in units of `T`'s epsilon; values
    /// below the smallest normal count in absolute units of the smallest
    /// normal (so subnormal results are judged on their absolute error).
    /// `floor` raises the scale where a bound is relative to a larger term.
    static func ulps<T: BinaryFloatingPoint>(_ got: T, _ ref: Wide, scale floor: Wide = 0) -> Double {
        if got.isNaN || ref.isNaN { return got.isNaN && ref.isNaN ? 0 : .infinity }
        if ref.isInfinite || got.isInfinite { return Wide(got) == ref ? 0 : .infinity }
        let scale = max(abs(ref), floor, Wide(T.leastNormalMagnitude))
        return Double(abs(Wide(got) - ref) / scale) / Double(T.ulpOfOne)
    }
}

enum LogitsTestsSupport {}
