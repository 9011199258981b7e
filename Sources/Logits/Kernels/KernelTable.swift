// The fast kernels as a table of C function pointers, so that the C layer
// can pick, once per process, the copy compiled for the CPU it runs on
// (targets LogitsV3 and LogitsV4, built with x86-64-v3 / -v4 code
// generation) while the checked entry points stay in one place. The Swift
// API uses `KernelTable.portable`, compiled for the package's baseline.
//
// The table itself is built by MakeKernelTable.swift, one source file
// compiled into each of those modules (LogitsV3/LogitsV4 link to it).
//
// Every pointer takes only validated arguments (see LongRowKernels.swift, ShortRowKernels.swift).

/// The signatures of the table's kernels, per element type (C function
/// pointers, so that each CPU level's module fills the table with its own
/// machine code; `@convention(c)` types cannot be generic).
/// (op code, x, y, rows, n, temperature): `rowsForward`.
@usableFromInline package typealias RowsKernelF32 =
    @convention(c) (UInt8, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Int, Double) -> Void
@usableFromInline package typealias RowsKernelF64 =
    @convention(c) (UInt8, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int, Int, Double) -> Void
/// (phase, op code, x, y, n, max, 1/T, k, out): `rowChunk`.
@usableFromInline package typealias RowChunkKernelF32 =
    @convention(c) (UInt8, UInt8, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int, Double, Double, Double, UnsafeMutablePointer<Double>) -> Void
@usableFromInline package typealias RowChunkKernelF64 =
    @convention(c) (UInt8, UInt8, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int, Double, Double, Double, UnsafeMutablePointer<Double>) -> Void
/// (x, n, label, weight, 1/T, gradient, gradient scale, loss out): `crossEntropyRow`.
@usableFromInline package typealias CrossEntropyRowKernelF32 =
    @convention(c) (UnsafePointer<Float>, Int, Int, Double, Double, UnsafeMutablePointer<Float>?, Double, UnsafeMutablePointer<Double>) -> Bool
@usableFromInline package typealias CrossEntropyRowKernelF64 =
    @convention(c) (UnsafePointer<Double>, Int, Int, Double, Double, UnsafeMutablePointer<Double>?, Double, UnsafeMutablePointer<Double>) -> Bool
/// (x, y, count): `sigmoidRun`, `softplusRun`.
@usableFromInline package typealias ElementwiseKernelF32 =
    @convention(c) (UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
@usableFromInline package typealias ElementwiseKernelF64 =
    @convention(c) (UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void
/// (y, dy, dx, count): `sigmoidBackwardRun`.
@usableFromInline package typealias ElementwiseBackwardKernelF32 =
    @convention(c) (UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>, Int) -> Void
@usableFromInline package typealias ElementwiseBackwardKernelF64 =
    @convention(c) (UnsafePointer<Double>, UnsafePointer<Double>, UnsafeMutablePointer<Double>, Int) -> Void

/// (format code, src, dst, count): `widenHalves` (16-bit to float32).
@usableFromInline package typealias HalfWidenKernel =
    @convention(c) (UInt8, UnsafePointer<UInt16>, UnsafeMutablePointer<Float>, Int) -> Void
/// (format code, src, dst, count): `narrowHalves` (float32 to 16-bit, rounded once).
@usableFromInline package typealias HalfNarrowKernel =
    @convention(c) (UInt8, UnsafePointer<Float>, UnsafeMutablePointer<UInt16>, Int) -> Void

/// (job, part, parts): one part of a sampler call (`SampleJob.run`, the
/// job a `SampleJob<Float>` or `SampleJob<Double>`), so the sampler's passes
/// run in this level's vector width.
/// (x, n, k, buffer): `selectTop` without ties into `buffer` (room for n
/// `KeyIndex` entries); returns the count, k.
@usableFromInline package typealias SelectTopKernelF32 =
    @convention(c) (UnsafePointer<Float>, Int, Int, UnsafeMutableRawPointer) -> Int
@usableFromInline package typealias SelectTopKernelF64 =
    @convention(c) (UnsafePointer<Double>, Int, Int, UnsafeMutableRawPointer) -> Int
/// (x, n > 0): `rowArgmax`.
@usableFromInline package typealias ArgmaxKernelF32 = @convention(c) (UnsafePointer<Float>, Int) -> Int
@usableFromInline package typealias ArgmaxKernelF64 = @convention(c) (UnsafePointer<Double>, Int) -> Int

/// The CPU levels a kernel table is compiled for (`KernelTable.level`).
@usableFromInline package enum CPULevel {
    /// The package's baseline target (x86-64 SSE2, or any other architecture).
    @usableFromInline package static let baseline = 0
    /// x86-64-v3: AVX2, FMA (module LogitsV3).
    @usableFromInline package static let x86_64_v3 = 3
    /// x86-64-v4: AVX-512 (module LogitsV4).
    @usableFromInline package static let x86_64_v4 = 4
}

/// The phases of a row split into chunks (`rowChunk`, `splitRows`).
@usableFromInline package enum ChunkPhase {
    /// Each chunk's max.
    @usableFromInline package static let max: UInt8 = 0
    /// Each chunk's (compensated) sum of exponentials.
    @usableFromInline package static let sum: UInt8 = 1
    /// Each chunk's outputs.
    @usableFromInline package static let outputs: UInt8 = 2
}

/// The fast kernels of one CPU level.
@usableFromInline package struct KernelTable: Sendable {
    /// The level (`CPULevel`).
    @usableFromInline package let level: Int
    @usableFromInline package let rowsF32: RowsKernelF32
    @usableFromInline package let rowsF64: RowsKernelF64
    /// One phase of a long row split into chunks (`rowChunk`).
    @usableFromInline package let rowChunkF32: RowChunkKernelF32
    @usableFromInline package let rowChunkF64: RowChunkKernelF64
    @usableFromInline package let crossEntropyRowF32: CrossEntropyRowKernelF32
    @usableFromInline package let crossEntropyRowF64: CrossEntropyRowKernelF64
    @usableFromInline package let sigmoidF32: ElementwiseKernelF32
    @usableFromInline package let sigmoidF64: ElementwiseKernelF64
    @usableFromInline package let logSigmoidF32: ElementwiseKernelF32
    @usableFromInline package let logSigmoidF64: ElementwiseKernelF64
    @usableFromInline package let softplusF32: ElementwiseKernelF32
    @usableFromInline package let softplusF64: ElementwiseKernelF64
    @usableFromInline package let sigmoidBackwardF32: ElementwiseBackwardKernelF32
    @usableFromInline package let sigmoidBackwardF64: ElementwiseBackwardKernelF64
    /// The 16-bit storage formats' buffer conversions (HalfConversion.swift).
    @usableFromInline package let widenHalf: HalfWidenKernel
    @usableFromInline package let narrowHalf: HalfNarrowKernel
    /// The sampler, top-k and argmax (Sampling/): the same bits at every
    /// level (plain IEEE arithmetic, no FMA contraction), faster ones.
    @usableFromInline package let samplePartF32: PartFunction
    @usableFromInline package let samplePartF64: PartFunction
    @usableFromInline package let selectTopF32: SelectTopKernelF32
    @usableFromInline package let selectTopF64: SelectTopKernelF64
    @usableFromInline package let argmaxF32: ArgmaxKernelF32
    @usableFromInline package let argmaxF64: ArgmaxKernelF64

    @usableFromInline package init(
        level: Int,
        rowsF32: RowsKernelF32, rowsF64: RowsKernelF64,
        rowChunkF32: RowChunkKernelF32, rowChunkF64: RowChunkKernelF64,
        crossEntropyRowF32: CrossEntropyRowKernelF32, crossEntropyRowF64: CrossEntropyRowKernelF64,
        sigmoidF32: ElementwiseKernelF32, sigmoidF64: ElementwiseKernelF64,
        logSigmoidF32: ElementwiseKernelF32, logSigmoidF64: ElementwiseKernelF64,
        softplusF32: ElementwiseKernelF32, softplusF64: ElementwiseKernelF64,
        sigmoidBackwardF32: ElementwiseBackwardKernelF32,
        sigmoidBackwardF64: ElementwiseBackwardKernelF64,
        widenHalf: HalfWidenKernel, narrowHalf: HalfNarrowKernel,
        samplePartF32: PartFunction, samplePartF64: PartFunction,
        selectTopF32: SelectTopKernelF32, selectTopF64: SelectTopKernelF64,
        argmaxF32: ArgmaxKernelF32, argmaxF64: ArgmaxKernelF64
    ) {
        self.level = level
        self.rowsF32 = rowsF32
        self.rowsF64 = rowsF64
        self.rowChunkF32 = rowChunkF32
        self.rowChunkF64 = rowChunkF64
        self.crossEntropyRowF32 = crossEntropyRowF32
        self.crossEntropyRowF64 = crossEntropyRowF64
        self.sigmoidF32 = sigmoidF32
        self.sigmoidF64 = sigmoidF64
        self.logSigmoidF32 = logSigmoidF32
        self.logSigmoidF64 = logSigmoidF64
        self.softplusF32 = softplusF32
        self.softplusF64 = softplusF64
        self.sigmoidBackwardF32 = sigmoidBackwardF32
        self.sigmoidBackwardF64 = sigmoidBackwardF64
        self.widenHalf = widenHalf
        self.narrowHalf = narrowHalf
        self.samplePartF32 = samplePartF32
        self.samplePartF64 = samplePartF64
        self.selectTopF32 = selectTopF32
        self.selectTopF64 = selectTopF64
        self.argmaxF32 = argmaxF32
        self.argmaxF64 = argmaxF64
    }

    /// The exact kernels compiled for the package's baseline target.
    @usableFromInline
    package static var portable: KernelTable { makeKernelTable(fast: false) }

    /// The fast kernels compiled for the package's baseline target.
    @usableFromInline
    package static var portableFast: KernelTable { makeKernelTable(fast: true) }
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

    /// sigmoid, log-sigmoid or softplus over n elements.
    @inlinable @inline(__always)
    func elementwise<T: LogitsFloat>(_ op: ElementwiseOp, _ x: UnsafePointer<T>, _ y: UnsafeMutablePointer<T>,
                                     _ n: Int) {
        if T.self == Float.self {
            let f = op == .sigmoid ? sigmoidF32 : op == .logSigmoid ? logSigmoidF32 : softplusF32
            f(cast(x), cast(y), n)
        } else {
            let f = op == .sigmoid ? sigmoidF64 : op == .logSigmoid ? logSigmoidF64 : softplusF64
            f(cast(x), cast(y), n)
        }
    }

    /// One part of a sampler call over `job` (a `SampleJob<T>`).
    @inlinable @inline(__always)
    func samplePart<T: LogitsFloat>(_: T.Type) -> PartFunction {
        T.self == Float.self ? samplePartF32 : samplePartF64
    }

    /// The k largest of x[0..<n] into `buffer`, in index order, ties to the
    /// lower index (`selectTop` without ties); returns k.
    @inlinable @inline(__always)
    func selectTop<T: LogitsFloat>(_ x: UnsafePointer<T>, _ n: Int, _ k: Int,
                                   _ buffer: UnsafeMutablePointer<KeyIndex>) -> Int {
        if T.self == Float.self { return selectTopF32(cast(x), n, k, UnsafeMutableRawPointer(buffer)) }
        return selectTopF64(cast(x), n, k, UnsafeMutableRawPointer(buffer))
    }

    /// `rowArgmax` of x[0..<n], n > 0.
    @inlinable @inline(__always)
    func argmax<T: LogitsFloat>(_ x: UnsafePointer<T>, _ n: Int) -> Int {
        T.self == Float.self ? argmaxF32(cast(x), n) : argmaxF64(cast(x), n)
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
