import Testing
@testable import Logits

// The Swift door's kernels: with the package trait DispatchedKernels the
// CPU-level modules are linked and the Swift API runs the level the CPU
// supports (as the C door does); without it, the baseline. make test-swift
// runs this suite both ways.

@Suite struct Dispatch {
    @Test func swiftDoorRunsTheLinkedLevel() {
        #if DispatchedKernels && arch(x86_64)
        #expect(dispatchedLevel == min(supportedLevel(), requestedLevel()))
        #expect(KernelTable.dispatchedExact.level == dispatchedLevel)
        #expect(KernelTable.dispatchedFast.level == dispatchedLevel)
        #else
        #expect(dispatchedLevel == CPULevel.baseline)
        #endif
    }

    @Test func dispatchedAndBaselineKernelsAgree() throws {
        // The same rows through the dispatched table and the baseline one:
        // equal within each precision's float32 bound (they may differ in the
        // last bits: other lanes, FMA).
        let x: [Float] = (0..<4000).map { Float(($0 * 7919) % 2003) / 97 - 10 }
        let layout = try AxisLayout(rows: 4, cols: 1000)
        for precision in [Precision.fast, .exact] {
            let p = try Logits.softmax(x, shape: [4, 1000], precision: precision)
            var q = [Float](repeating: 0, count: x.count)
            _ = x.withUnsafeBufferPointer { xb in
                q.withUnsafeMutableBufferPointer { qb in
                    checkedAxisForward(.softmax, xb.baseAddress, qb.baseAddress, layout, temperature: 1,
                                       kernels: precision == .exact ? .portable : .portableFast)
                }
            }
            for i in 0..<x.count {
                #expect(abs(p[i] - q[i]) <= 4 * p[i].ulp)
            }
        }
    }
}
