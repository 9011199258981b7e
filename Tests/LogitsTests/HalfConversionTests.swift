import Testing
@testable import Logits

// The 16-bit storage formats' conversions (issue 15), against independent
// references: Swift's own Float16 (binary16, round to nearest even) and, for
// bfloat16, the nearest of the two neighbouring bfloat16 values chosen in
// Double arithmetic.

@Suite struct HalfConversion {
    #if arch(x86_64) || arch(arm64)
    @Test func widenF16IsExactForEveryPattern() {
        for h in 0...UInt16.max {
            let want = Float(Float16(bitPattern: h))
            let got = widenF16(h)
            if want.isNaN {
                #expect(got.isNaN, "pattern \(h)")
                // The payload's top bits and the sign survive.
                #expect(got.bitPattern >> 13 & 0x3FF == UInt32(h & 0x3FF), "payload of \(h)")
                #expect(got.sign == want.sign)
            } else {
                #expect(got.bitPattern == want.bitPattern, "pattern \(h)")
            }
        }
    }

    @Test func narrowF16RoundsToNearestEven() {
        // Every binary16 value, the midpoints to its neighbours (ties), and
        // one float ulp either side of each midpoint.
        var probes: [Float] = [0, -0, .infinity, -.infinity, 65504, 65519.99, 65520, 65536, 1e9,
                               .greatestFiniteMagnitude, 0x1p-24, 0x1p-25, 0x1.8p-25, 0x1p-26, 1e-30]
        for h in UInt16(0)...0x7BFF {
            let a = Float(Float16(bitPattern: h)), b = Float(Float16(bitPattern: h + 1))
            let mid = (a + b) / 2
            probes += [a, mid, mid.nextUp, mid.nextDown, -mid]
        }
        var seed: UInt64 = 12345
        for _ in 0..<200_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            probes.append(Float(bitPattern: UInt32(truncatingIfNeeded: seed >> 32)))
        }
        var mismatches = 0
        for f in probes {
            let want = Float16(f)
            let got = Float16(bitPattern: narrowF16(f))
            if f.isNaN {
                if !got.isNaN || got.sign != f.sign { mismatches += 1 }
            } else if got.bitPattern != want.bitPattern {
                mismatches += 1
            }
        }
        #expect(mismatches == 0)
        #expect(narrowF16(65519.99) == 0x7BFF && narrowF16(65520) == 0x7C00)  // the overflow edge
        #expect(narrowF16(.nan) & 0x7E00 == 0x7E00)  // quiet NaN
    }
    #endif

    @Test func bfloat16IsTheTopHalfRoundedToNearestEven() {
        for h in 0...UInt16.max {
            let f = widenBF16(h)
            #expect(f.bitPattern == UInt32(h) << 16)
            if !f.isNaN { #expect(narrowBF16(f) == h, "round trip \(h)") }
        }
        var seed: UInt64 = 777
        var probes: [Float] = [.greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0x1p-149, 1, 1.00390625,
                               1.01171875, Float(bitPattern: 0x3F80_8000), Float(bitPattern: 0x3F81_8000)]
        for _ in 0..<300_000 {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            probes.append(Float(bitPattern: UInt32(truncatingIfNeeded: seed >> 32)))
        }
        var mismatches = 0
        for f in probes {
            let got = narrowBF16(f)
            if f.isNaN {
                if !widenBF16(got).isNaN { mismatches += 1 }
                continue
            }
            // The two bfloat16 neighbours of f and the nearer one (ties: even).
            let lo = f.bitPattern & 0xFFFF_0000
            let a = Double(Float(bitPattern: lo))
            let hiBits = lo &+ 0x1_0000
            let b = hiBits & 0x7FFF_FFFF >= 0x7F80_0000
                ? (f < 0 ? -0x1p128 : 0x1p128)  // past the largest finite: infinity's place
                : Double(Float(bitPattern: hiBits))
            let x = Double(f)
            let da = abs(x - a), db = abs(b - x)
            let pickHi = db < da || (db == da && (lo >> 16) & 1 == 1)
            let want = UInt16(truncatingIfNeeded: (pickHi ? hiBits : lo) >> 16)
            if got != want { mismatches += 1 }
        }
        #expect(mismatches == 0)
    }

    @Test func buffersConvertEachElement() {
        let halves: [UInt16] = [0x3C00, 0xC000, 0x7C00, 0x0001, 0x7E00]  // 1, -2, inf, 2^-24, NaN
        var floats = [Float](repeating: 0, count: 5)
        var back = [UInt16](repeating: 0, count: 5)
        halves.withUnsafeBufferPointer { h in
            floats.withUnsafeMutableBufferPointer { f in widenHalves(.f16, h.baseAddress!, f.baseAddress!, 5) }
        }
        #expect(Array(floats[0..<4]) == [1, -2, .infinity, 0x1p-24] && floats[4].isNaN)
        floats.withUnsafeBufferPointer { f in
            back.withUnsafeMutableBufferPointer { h in narrowHalves(.f16, f.baseAddress!, h.baseAddress!, 5) }
        }
        #expect(back == halves)
        floats.withUnsafeBufferPointer { f in
            back.withUnsafeMutableBufferPointer { h in narrowHalves(.bf16, f.baseAddress!, h.baseAddress!, 5) }
        }
        #expect(back[0] == 0x3F80 && back[1] == 0xC000 && back[2] == 0x7F80 && back[3] == 0x3380)
    }
}
