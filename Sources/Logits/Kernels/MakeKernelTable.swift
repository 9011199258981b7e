// One source, compiled into three modules: Logits (portable baseline code),
// LogitsV3 and LogitsV4 (symbolic links to this file, built for x86-64-v3 and
// x86-64-v4). Each module defines `KernelPolicy` and `kernelLevel`; the
// generic kernels are specialised here, so each module holds its own machine
// code for them.
#if LOGITS_CPU_LEVEL
import Logits
#endif

/// The kernels of this module's CPU level: with `fast`, the float32 entries
/// are the fast precision's (FastRowKernels.swift).
package func makeKernelTable(fast: Bool) -> KernelTable {
    let table = KernelTable(
        level: kernelLevel,
        rowsF32: { op, x, y, rows, n, t in
            rowsForward(KernelPolicy.self, AxisOp(code: op), x, y, rows, n, t)
        },
        rowsF64: { op, x, y, rows, n, t in
            rowsForward(KernelPolicy.self, AxisOp(code: op), x, y, rows, n, t)
        },
        rowChunkF32: { phase, op, x, y, n, m, invT, k, out in
            rowChunk(KernelPolicy.self, phase, AxisOp(code: op), x, y, n, m, invT, k, out)
        },
        rowChunkF64: { phase, op, x, y, n, m, invT, k, out in
            rowChunk(KernelPolicy.self, phase, AxisOp(code: op), x, y, n, m, invT, k, out)
        },
        crossEntropyRowF32: { x, n, label, w, invT, g, gScale, loss in
            guard let l = crossEntropyRow(KernelPolicy.self, x, n, label, w, invT, g, gScale)
            else { return false }
            loss.pointee = l
            return true
        },
        crossEntropyRowF64: { x, n, label, w, invT, g, gScale, loss in
            guard let l = crossEntropyRow(KernelPolicy.self, x, n, label, w, invT, g, gScale)
            else { return false }
            loss.pointee = l
            return true
        },
        sigmoidF32: { x, y, n in sigmoidRun(KernelPolicy.self, x, y, n) },
        sigmoidF64: { x, y, n in sigmoidRun(KernelPolicy.self, x, y, n) },
        logSigmoidF32: { x, y, n in softplusRun(KernelPolicy.self, true, x, y, n) },
        logSigmoidF64: { x, y, n in softplusRun(KernelPolicy.self, true, x, y, n) },
        softplusF32: { x, y, n in softplusRun(KernelPolicy.self, false, x, y, n) },
        softplusF64: { x, y, n in softplusRun(KernelPolicy.self, false, x, y, n) },
        sigmoidBackwardF32: { y, dy, dx, n in sigmoidBackwardRun(y, dy, dx, n) },
        sigmoidBackwardF64: { y, dy, dx, n in sigmoidBackwardRun(y, dy, dx, n) },
        widenHalf: { f, s, d, n in widenHalves(HalfFormat(code: f), s, d, n) },
        narrowHalf: { f, s, d, n in narrowHalves(HalfFormat(code: f), s, d, n) },
        samplePartF32: { c, part, parts in
            c.assumingMemoryBound(to: SampleJob<Float>.self).pointee.run(KernelPolicy.self, part, parts)
        },
        samplePartF64: { c, part, parts in
            c.assumingMemoryBound(to: SampleJob<Double>.self).pointee.run(KernelPolicy.self, part, parts)
        },
        selectTopF32: { x, n, k, b in
            selectTop(KernelPolicy.self, x, n, k, keepTies: false, b.assumingMemoryBound(to: KeyIndex.self))
        },
        selectTopF64: { x, n, k, b in
            selectTop(KernelPolicy.self, x, n, k, keepTies: false, b.assumingMemoryBound(to: KeyIndex.self))
        },
        argmaxF32: { x, n in rowArgmax(KernelPolicy.self, x, n) },
        argmaxF64: { x, n in rowArgmax(KernelPolicy.self, x, n) })
    guard fast else { return table }
    return KernelTable(
        level: kernelLevel,
        rowsF32: { op, x, y, rows, n, t in
            fastRowsForward(KernelPolicy.self, AxisOp(code: op), x, y, rows, n, t)
        },
        rowsF64: table.rowsF64,
        rowChunkF32: { phase, op, x, y, n, m, invT, k, out in
            fastRowChunk(KernelPolicy.self, phase, AxisOp(code: op), x, y, n, m, invT, k, out)
        },
        rowChunkF64: table.rowChunkF64,
        crossEntropyRowF32: { x, n, label, w, invT, g, gScale, loss in
            guard let l = fastCrossEntropyRow(KernelPolicy.self, x, n, label, w, invT, g, gScale)
            else { return false }
            loss.pointee = l
            return true
        },
        crossEntropyRowF64: table.crossEntropyRowF64,
        sigmoidF32: { x, y, n in mapFloats(KernelPolicy.self, FastSigmoid.self, x, y, n) },
        sigmoidF64: table.sigmoidF64,
        logSigmoidF32: { x, y, n in mapFloats(KernelPolicy.self, FastLogSigmoid.self, x, y, n) },
        logSigmoidF64: table.logSigmoidF64,
        softplusF32: { x, y, n in mapFloats(KernelPolicy.self, FastSoftplus.self, x, y, n) },
        softplusF64: table.softplusF64,
        sigmoidBackwardF32: table.sigmoidBackwardF32,
        sigmoidBackwardF64: table.sigmoidBackwardF64,
        widenHalf: table.widenHalf, narrowHalf: table.narrowHalf,
        samplePartF32: table.samplePartF32, samplePartF64: table.samplePartF64,
        selectTopF32: table.selectTopF32, selectTopF64: table.selectTopF64,
        argmaxF32: table.argmaxF32, argmaxF64: table.argmaxF64)
}
