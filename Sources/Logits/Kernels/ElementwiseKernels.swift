// Elementwise scalar kernels: sigmoid and softplus of one value (the
// binary cross-entropy's), and the gradients of the elementwise functions.
// Each computes in Double and rounds once; `y` may equal `x`. The forward
// vector kernels are in ElementwiseVectorKernels.swift and SoftplusKernels.swift.

/// Which elementwise function.
@usableFromInline
package enum ElementwiseOp: Sendable {
    case sigmoid, logSigmoid, softplus
}

/// sigmoid(x): never forms exp of a positive number, so it never overflows.
@inlinable @inline(__always)
func sigmoidScalar(_ x: Double) -> Double {
    if x >= 0 { return 1 / (1 + libmExp(-x)) }
    let e = libmExp(x)  // NaN also lands here and stays NaN
    return e / (1 + e)
}

/// softplus(x) = max(x, 0) + log1p(exp(-|x|)): both terms >= 0, no cancellation.
@inlinable @inline(__always)
func softplusScalar(_ x: Double) -> Double {
    if x.isNaN { return x }
    return Swift.max(x, 0) + libmLog1p(libmExp(-x.magnitude))
}

/// Gradients from the forward output y:
/// sigmoid' = y (1 - y); log-sigmoid' = 1 - exp(y) = -expm1(y);
/// softplus' = 1 - exp(-y) = -expm1(-y) (exact identities, stable everywhere).
@inlinable
func elementwiseBackward<T: LogitsFloat>(
    _ op: ElementwiseOp, _ y: UnsafePointer<T>, _ dy: UnsafePointer<T>,
    _ dx: UnsafeMutablePointer<T>, _ n: Int
) {
    var i = 0
    switch op {
    case .sigmoid:
        while i < n {
            let v = y[i].doubleValue
            dx[i] = T(roundingDouble: dy[i].doubleValue * (v * (1 - v)))
            i &+= 1
        }
    case .logSigmoid:
        while i < n {
            dx[i] = T(roundingDouble: dy[i].doubleValue * -libmExpm1(y[i].doubleValue))
            i &+= 1
        }
    case .softplus:
        while i < n {
            dx[i] = T(roundingDouble: dy[i].doubleValue * -libmExpm1(-y[i].doubleValue))
            i &+= 1
        }
    }
}
