import Testing
@testable import Logits

// The Swift API over 16-bit elements (BFloat16, Float16): each result is the
// Float function's result on the widened values, rounded once to the format
// (the rule the C forms follow, Tests/c/test_half.c), and the losses are the
// Float function's losses.

/// The values of `x` widened to Float.
private func widened<H: LogitsHalf>(_ x: [H]) -> [Float] {
    x.map { H.logitsHalfFormat == .float16 ? widenF16($0.bitPattern) : widenBF16($0.bitPattern) }
}

/// Float values rounded once to the format.
private func rounded<H: LogitsHalf>(_ x: [Float], as _: H.Type) -> [H] {
    x.map { H(bitPattern: H.logitsHalfFormat == .float16 ? narrowF16($0) : narrowBF16($0)) }
}

/// Bitwise equality (NaN equal to NaN).
private func same<H: LogitsHalf>(_ a: [H], _ b: [H]) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { x, y in
        x.bitPattern == y.bitPattern || (Float(bitPattern: UInt32(x.bitPattern) << 16).isNaN
            && H.logitsHalfFormat == .bfloat16 && Float(bitPattern: UInt32(y.bitPattern) << 16).isNaN)
    }
}

private func sampleValues<H: LogitsHalf>(_ n: Int, _: H.Type, scale: Float = 4) -> [H] {
    var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
    return (0..<n).map { _ in
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        let u = Float(seed >> 40) / Float(1 << 24)
        return rounded([scale * (2 * u - 1)], as: H.self)[0]
    }
}

@Suite struct HalfAPI {
    @Test func bfloat16ValueType() {
        #expect(BFloat16(3.14159 as Float).bitPattern == 0x4049)  // 3.140625
        #expect(Float(BFloat16(1.5)) == 1.5)
        let row: [BFloat16] = [1, 2.5, -0.75]
        #expect(row.map(\.floatValue) == [1, 2.5, -0.75])
        #expect(BFloat16(Float.nan).isNaN)
        #expect(BFloat16(0.0) == BFloat16(-0.0) && BFloat16(0.0).hashValue == BFloat16(-0.0).hashValue)
        #expect(BFloat16(Float.greatestFiniteMagnitude).floatValue.isInfinite)  // rounds up past the largest
        #expect(BFloat16(1.0).description == "1.0")
        // From Double, rounded once (not through a Float rounded to nearest).
        #expect(BFloat16(1 + 0x1p-8 + 0x1p-40 as Double).floatValue == 1.0078125)
        #expect(BFloat16(1 + 0x1p-8 as Double).floatValue == 1)  // a tie: to even
        #expect(BFloat16(-(1 + 0x1p-8 + 0x1p-40) as Double).floatValue == -1.0078125)
        #expect(BFloat16(1e300 as Double).floatValue == .infinity && BFloat16(Double.nan).isNaN)
        #expect(BFloat16(0x1p-132 as Double).bitPattern == 0x0002)  // a subnormal, exact
        #expect(BFloat16(0x1.8p-133 + 0x1p-170 as Double).bitPattern == 0x0002)  // above the tie: up
        // Against Float16-style independent rounding in Double: the nearer of
        // the two bfloat16 neighbours (ties to even) for random Doubles.
        var seed: UInt64 = 99
        var wrong = 0
        for _ in 0..<100_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            let d = Double(bitPattern: 0x3F80_0000_0000_0000 | (seed >> 12))  // in [2^-7, 2^-6)
            let spacing = 0x1p-14  // bfloat16 ulp at 2^-7
            let below = (d / spacing).rounded(.down) * spacing
            let pick = d - below > spacing / 2 || (d - below == spacing / 2
                && Int((below / spacing).truncatingRemainder(dividingBy: 2)) == 1) ? below + spacing : below
            if Double(BFloat16(d).floatValue) != pick { wrong += 1 }
        }
        #expect(wrong == 0)
    }

    @Test(arguments: [Precision.fast, .exact])
    func softmaxFamilyIsTheFloatResultRoundedOnce(precision: Precision) throws {
        try check(BFloat16.self, precision)
        #if arch(x86_64) || arch(arm64)
        try check(Float16.self, precision)
        #endif
    }

    private func check<H: LogitsHalf>(_: H.Type, _ precision: Precision) throws {
        let x: [H] = sampleValues(6 * 37, H.self)
        let xf = widened(x)
        for (op, half, float) in [
            ("softmax", try Logits.softmax(x, shape: [6, 37], precision: precision),
             try Logits.softmax(xf, shape: [6, 37], precision: precision)),
            ("logSoftmax axis 0 T", try Logits.logSoftmax(x, shape: [6, 37], axis: 0, temperature: 0.7,
                                                           precision: precision),
             try Logits.logSoftmax(xf, shape: [6, 37], axis: 0, temperature: 0.7, precision: precision)),
            ("logSumExp", try Logits.logSumExp(x, shape: [6, 37], precision: precision),
             try Logits.logSumExp(xf, shape: [6, 37], precision: precision)),
            ("sigmoid", Logits.sigmoid(x, precision: precision), Logits.sigmoid(xf, precision: precision)),
            ("logSigmoid", Logits.logSigmoid(x, precision: precision), Logits.logSigmoid(xf, precision: precision)),
            ("softplus", Logits.apply(.softplus, x, precision: precision),
             Logits.apply(.softplus, xf, precision: precision)),
        ] as [(String, [H], [Float])] {
            #expect(same(half, rounded(float, as: H.self)), "\(op) \(H.self)")
        }
        // In place equals the array form.
        var inPlace = x
        try Logits.softmax(&inPlace, shape: [6, 37], precision: precision)
        #expect(same(inPlace, try Logits.softmax(x, shape: [6, 37], precision: precision)))
        var soft = x
        Logits.softplus(&soft, precision: precision)
        #expect(same(soft, Logits.softplus(x, precision: precision)))
        // Gradients from 16-bit outputs.
        let y = try Logits.softmax(x, shape: [6, 37])
        let dy: [H] = sampleValues(6 * 37, H.self, scale: 1)
        #expect(same(try Logits.softmaxBackward(output: y, gradient: dy, shape: [6, 37]),
                     rounded(try Logits.softmaxBackward(output: widened(y), gradient: widened(dy), shape: [6, 37]),
                             as: H.self)))
        let s = Logits.sigmoid(x)
        #expect(same(try Logits.sigmoidBackward(output: s, gradient: dy),
                     rounded(try Logits.sigmoidBackward(output: widened(s), gradient: widened(dy)), as: H.self)))
    }

    @Test func lossesAreTheFloatLosses() throws {
        let x: [BFloat16] = sampleValues(4 * 50, BFloat16.self)
        let labels: [Int64] = [3, 0, 49, 17]
        var g16: [BFloat16] = []
        var g32: [Float] = []
        let l16 = try Logits.crossEntropy(x, labels: labels, shape: [4, 50], gradient: &g16)
        let l32 = try Logits.crossEntropy(widened(x), labels: labels, shape: [4, 50], gradient: &g32)
        #expect(abs(l16 - l32) <= l32.ulp)
        #expect(same(g16, rounded(g32, as: BFloat16.self)))
        let per = try Logits.crossEntropyPerSample(x, labels: labels, shape: [4, 50])
        #expect(per == (try Logits.crossEntropyPerSample(widened(x), labels: labels, shape: [4, 50])))
        let t: [BFloat16] = rounded(sampleValues(200, BFloat16.self).map { abs($0.floatValue) / 4 }, as: BFloat16.self)
        var b16: [BFloat16] = []
        var b32: [Float] = []
        let bl16 = try Logits.binaryCrossEntropy(x, targets: t, classes: 50, gradient: &b16)
        let bl32 = try Logits.binaryCrossEntropy(widened(x), targets: widened(t), classes: 50, gradient: &b32)
        #expect(bl16 == bl32)
        #expect(same(b16, rounded(b32, as: BFloat16.self)))
    }

    @Test func selectionIsTheFloatSelection() throws {
        let x: [BFloat16] = sampleValues(3 * 500, BFloat16.self)
        let options = SamplerOptions(temperature: 0.7, topK: 50, topP: 0.9, seed: 11)
        let a = try Logits.sample(x, rows: 3, options: options, withLogprobs: true)
        let b = try Logits.sample(widened(x), rows: 3, options: options, withLogprobs: true)
        #expect(a.tokens == b.tokens && a.logprobs == b.logprobs && a.rawLogprobs == b.rawLogprobs)
        let (v16, i16) = try Logits.topK(x, 7, rows: 3)
        let (v32, i32) = try Logits.topK(widened(x), 7, rows: 3)
        #expect(i16 == i32 && widened(v16) == v32)
        #expect(try Logits.argmax(x, rows: 3) == Logits.argmax(widened(x), rows: 3))
    }

    @Test func refusedCallsWriteNothing() {
        let x: [BFloat16] = [1, 2, 3, 4, 5, 6]
        var grad: [BFloat16] = [9, 9, 9, 9, 9, 9]
        #expect(throws: LogitsError.self) {
            _ = try Logits.crossEntropy(x, labels: [0, 7] as [Int64], shape: [2, 3], gradient: &grad)
        }
        #expect(grad.map(\.floatValue) == [9, 9, 9, 9, 9, 9])
        #expect(throws: LogitsError.self) { _ = try Logits.softmax(x, temperature: 0) }
        #expect(throws: LogitsError.self) { _ = try Logits.softmax(x, shape: [4, 2]) }
    }
}
