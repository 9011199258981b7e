// Philox4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2,
// 3", SC 2011): the counter-based generator of PyTorch, JAX and cuRAND. A
// draw depends only on (key, counter), so the sampler's draw for a row is a
// function of (seed, row): the same for any thread count, CPU copy or run.

/// Philox4x32 with 10 rounds of `counter` under `key`.
@inlinable
package func philox4x32x10(_ counter: SIMD4<UInt32>, _ key: SIMD2<UInt32>) -> SIMD4<UInt32> {
    var c = counter
    var k = key
    var round = 0
    while true {
        let p0 = UInt64(0xD251_1F53) &* UInt64(c[0])
        let p1 = UInt64(0xCD9E_8D57) &* UInt64(c[2])
        c = SIMD4(UInt32(truncatingIfNeeded: p1 >> 32) ^ c[1] ^ k[0], UInt32(truncatingIfNeeded: p1),
                  UInt32(truncatingIfNeeded: p0 >> 32) ^ c[3] ^ k[1], UInt32(truncatingIfNeeded: p0))
        round &+= 1
        if round == 10 { return c }
        k &+= SIMD2(0x9E37_79B9, 0xBB67_AE85)
    }
}

/// The sampler's uniform number in [0, 1) for `row` under `seed`: Philox4x32-10
/// of counter (row low 32 bits, row high 32 bits, 0, 0) under key (seed low
/// 32 bits, seed high 32 bits); its first two words (r0, r1) make the 53-bit
/// integer ((r0 << 32) | r1) >> 11, times 2^-53 (include/logits.h).
@inlinable
package func samplerUniform(seed: UInt64, row: UInt64) -> Double {
    let r = philox4x32x10(
        SIMD4(UInt32(truncatingIfNeeded: row), UInt32(truncatingIfNeeded: row >> 32), 0, 0),
        SIMD2(UInt32(truncatingIfNeeded: seed), UInt32(truncatingIfNeeded: seed >> 32)))
    let bits = (UInt64(r[0]) << 32 | UInt64(r[1])) >> 11
    return Double(bits) * 0x1p-53
}
