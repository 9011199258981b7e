// The fast kernels as a table of C function pointers, so that the C layer
// can pick, once per process, the copy compiled for the CPU it runs on
// (targets LogitsV3 and LogitsV4, built with x86-64-v3 / -v4 code
// generation) while the checked entry points stay in one place. The Swift
// API uses `KernelTable.portable`, compiled for the package's baseline.
//
// The table itself is built by MakeKernelTable.swift, one source file
// compiled into each of those modules (LogitsV3/LogitsV4 link to it).
//
// Every pointer takes only validated arguments (see RowKernels.swift).

/// The fast kernels of one CPU level.
@usableFromInline package struct KernelTable: Sendable {
    /// The level: 0 baseline, 3 x86-64-v3, 4 x86-64-v4.
    @usableFromInline package let level: Int
    @usableFromInline let rowsF32: @convention(c) (UInt8, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int, Double) -> Void
    @usableFromInline let rowsF64: @convention(c) (UInt8, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int, Int, Double) -> Void
    /// One phase of a long row split into chunks (`rowChunk`).
    @usableFromInline let rowChunkF32: @convention(c) (UInt8, UInt8, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Double, Double, Double, UnsafeMutablePointer<Double>) -> Void
    @usableFromInline let rowChunkF64: @convention(c) (UInt8, UInt8, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int, Double, Double, Double, UnsafeMutablePointer<Double>) -> Void
    @usableFromInline let crossEntropyRowF32: @convention(c) (UnsafePointer<Float>, Int, Int, Double, Double, UnsafeMutablePointer<Float>?, Double, UnsafeMutablePointer<Double>) -> Bool
    @usableFromInline let crossEntropyRowF64: @convention(c) (UnsafePointer<Double>, Int, Int, Double, Double, UnsafeMutablePointer<Double>?, Double, UnsafeMutablePointer<Double>) -> Bool
    @usableFromInline let sigmoidF32: @convention(c) (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    @usableFromInline let sigmoidF64: @convention(c) (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void
    @usableFromInline let sigmoidBackwardF32: @convention(c) (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
    @usableFromInline let sigmoidBackwardF64: @convention(c) (UnsafePointer<Double>, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void

    @usableFromInline package init(level: Int,
                rowsF32: @convention(c) (UInt8, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int, Double) -> Void, rowsF64: @convention(c) (UInt8, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int, Int, Double) -> Void,
                rowChunkF32: @convention(c) (UInt8, UInt8, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Double, Double, Double, UnsafeMutablePointer<Double>) -> Void, rowChunkF64: @convention(c) (UInt8, UInt8, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int, Double, Double, Double, UnsafeMutablePointer<Double>) -> Void,
                crossEntropyRowF32: @convention(c) (UnsafePointer<Float>, Int, Int, Double, Double, UnsafeMutablePointer<Float>?, Double, UnsafeMutablePointer<Double>) -> Bool, crossEntropyRowF64: @convention(c) (UnsafePointer<Double>, Int, Int, Double, Double, UnsafeMutablePointer<Double>?, Double, UnsafeMutablePointer<Double>) -> Bool,
                sigmoidF32: @convention(c) (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, sigmoidF64: @convention(c) (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void,
                sigmoidBackwardF32: @convention(c) (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void, sigmoidBackwardF64: @convention(c) (UnsafePointer<Double>, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void) {
        self.level = level
        self.rowsF32 = rowsF32
        self.rowsF64 = rowsF64
        self.rowChunkF32 = rowChunkF32
        self.rowChunkF64 = rowChunkF64
        self.crossEntropyRowF32 = crossEntropyRowF32
        self.crossEntropyRowF64 = crossEntropyRowF64
        self.sigmoidF32 = sigmoidF32
        self.sigmoidF64 = sigmoidF64
        self.sigmoidBackwardF32 = sigmoidBackwardF32
        self.sigmoidBackwardF64 = sigmoidBackwardF64
    }

    /// The kernels compiled for the package's baseline target.
    @usableFromInline
    package static var portable: KernelTable { makeKernelTable() }
}

extension AxisOp {
    @inlinable
    package var code: UInt8 {
        switch self {
        case .softmax: return 0
        case .logSoftmax: return 1
        case .logSumExp: return 2
        }
    }

    @inlinable
    package init(code: UInt8) {
        self = code == 0 ? .softmax : code == 1 ? .logSoftmax : .logSumExp
    }
}

// Typed access for the generic checked entry points (T is Float or Double;
// the branch folds away when they are specialised).
extension KernelTable {
    @inlinable @inline(__always)
    func rows<T: LogitsFloat>(_ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                              _ rows: Int, _ n: Int, _ t: Double) {
        if T.self == Float.self {
            rowsF32(op.code, cast(x), cast(y), rows, n, t)
        } else {
            rowsF64(op.code, cast(x), cast(y), rows, n, t)
        }
    }

    @inlinable @inline(__always)
    func rowChunk<T: LogitsFloat>(_ phase: UInt8, _ op: AxisOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                  _ n: Int, _ m: Double, _ invT: Double, _ k: Double,
                                  _ out: UnsafeMutablePointer<Double>) {
        if T.self == Float.self {
            rowChunkF32(phase, op.code, cast(x), cast(y), n, m, invT, k, out)
        } else {
            rowChunkF64(phase, op.code, cast(x), cast(y), n, m, invT, k, out)
        }
    }

    @inlinable @inline(__always)
    func crossEntropyRow<T: LogitsFloat>(
        _ x: UnsafePointer<T>, _ n: Int, _ label: Int, _ w: Double, _ invT: Double,
        _ g: UnsafeMutablePointer<T>?, _ gScale: Double, _ loss: UnsafeMutablePointer<Double>
    ) -> Bool {
        if T.self == Float.self {
            return crossEntropyRowF32(cast(x), n, label, w, invT, g.map { cast($0) }, gScale, loss)
        }
        return crossEntropyRowF64(cast(x), n, label, w, invT, g.map { cast($0) }, gScale, loss)
    }

    @inlinable @inline(__always)
    func sigmoid<T: LogitsFloat>(_ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>, _ n: Int) {
        if T.self == Float.self { sigmoidF32(cast(x), cast(y), n) } else { sigmoidF64(cast(x), cast(y), n) }
    }

    @inlinable @inline(__always)
    func sigmoidBackward<T: LogitsFloat>(_ y: UnsafePointer<T>, _ dy: UnsafePointer<T>,
                                         _ dx: UnsafeMutablePointer<T>, _ n: Int) {
        if T.self == Float.self {
            sigmoidBackwardF32(cast(y), cast(dy), cast(dx), n)
        } else {
            sigmoidBackwardF64(cast(y), cast(dy), cast(dx), n)
        }
    }
}

@inlinable @inline(__always)
func cast<T, U>(_ p: UnsafePointer<T>) -> UnsafePointer<U> {
    UnsafeRawPointer(p).assumingMemoryBound(to: U.self)
}

@inlinable @inline(__always)
func cast<T, U>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<U> {
    UnsafeMutableRawPointer(p).assumingMemoryBound(to: U.self)
}
