// Vector kernels over flat runs of elements, in Double lanes: the sigmoid
// and its gradient (the other elementwise functions are in
// ElementwiseKernels.swift). They see only validated arguments.

/// sigmoid over n elements: 1/(1 + e) for x >= 0 and e/(1 + e) for x < 0,
/// with e = exp(-|x|) <= 1, so nothing overflows. `y` may equal `x`.
@inlinable @inline(__always)
package func sigmoidRun<T: LogitsFloat, P: ArithmeticPolicy>(
    _ p: P.Type, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int
) {
    @inline(__always) func f(_ v: Lanes) -> Lanes {
        // -|x| by setting the sign bit (one operation; NaN stays NaN).
        let negAbs = unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt64>.self) | (1 << 63), to: Lanes.self)
        let e = expNonPositive(p, negAbs, T.self == Double.self ? .eleven : .nine)
        // One division: 1/(1 + e) for x >= 0, e/(1 + e) otherwise (and NaN).
        return Lanes(repeating: 1).replacing(with: e, where: .!(v .>= 0)) / (1 + e)
    }
    var i = 0
    while i &+ laneCount <= n { store8(f(load8(x + i)), y + i); i &+= laneCount }
    if i < n { storePartial(f(loadPartial(x + i, n &- i, pad: 0)), y + i, n &- i) }
}

/// dx = dy * y (1 - y), the sigmoid gradient from its output y. `dx` may equal
/// `y` or `dy`.
@inlinable @inline(__always)
package func sigmoidBackwardRun<T: LogitsFloat>(
    _ y: UnsafePointer<T>, _ dy: UnsafePointer<T>, _ dx: UnsafeMutablePointer<T>, _ n: Int
) {
    var i = 0
    while i &+ laneCount <= n {
        let v = load8(y + i)
        store8(load8(dy + i) * (v * (1 - v)), dx + i)
        i &+= laneCount
    }
    while i < n {
        let v = y[i].doubleValue
        dx[i] = T(roundingDouble: dy[i].doubleValue * (v * (1 - v)))
        i &+= 1
    }
}
