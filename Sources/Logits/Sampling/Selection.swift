// Partial selection for top-k, argmax and the sampler: no sort of the whole
// row. A scan keeps the indices of the elements at or above a threshold in a
// buffer; when the buffer fills, a radix select on the elements' order keys
// finds the k-th largest, which becomes the threshold, and the buffer keeps
// only what can still be in the top k. After the first few compactions the
// threshold is near the final one and whole blocks of the row fail it at
// once, so the scan costs about one comparison per element.

/// An index and its element's order key, the unit the selection sorts.
@frozen @usableFromInline
package struct KeyIndex {
    @usableFromInline package var key: UInt64
    @usableFromInline package var index: Int
    @inlinable package init(key: UInt64, index: Int) {
        self.key = key
        self.index = index
    }
}

/// A key whose unsigned order is the elements' order: -0 and +0 share one,
/// every NaN has the largest (NaN ranks above +inf, as numpy's and
/// PyTorch's sorts rank it). Float keys fit in 32 bits.
@inlinable @inline(__always)
package func orderKey<T: LogitsFloat>(_ v: T) -> UInt64 {
    if v.isNaN { return T.self == Float.self ? 0xFFFF_FFFF : UInt64.max }
    if T.self == Float.self {
        if v == 0 { return 0x8000_0000 }
        let b = unsafeBitCast(v, to: Float.self).bitPattern
        return UInt64(b & 0x8000_0000 != 0 ? ~b : b | 0x8000_0000)
    }
    if v == 0 { return 1 << 63 }
    let b = unsafeBitCast(v, to: Double.self).bitPattern
    return b & (1 << 63) != 0 ? ~b : b | (1 << 63)
}

/// The key of the k-th largest (k >= 1) of the `n` keys at `p`, by most
/// significant byte first radix selection over the keys' `bytes` low bytes
/// (4 for Float keys, 8 for Double).
@inlinable
package func kthLargestKey<P: ArithmeticPolicy>(_: P.Type, _ p: UnsafePointer<KeyIndex>, _ n: Int, _ k: Int, bytes: Int) -> UInt64 {
    withUnsafeTemporaryAllocation(of: Int.self, capacity: 256) { histogram -> UInt64 in
        guard let h = histogram.baseAddress else { return 0 }
        var prefix: UInt64 = 0
        var mask: UInt64 = 0
        var remaining = k
        var shift = bytes &* 8 &- 8
        while shift >= 0 {
            var d = 0
            while d < 256 { h[d] = 0; d &+= 1 }
            var i = 0
            while i < n {
                let key = p[i].key
                if key & mask == prefix { h[Int(truncatingIfNeeded: (key &>> UInt64(shift)) & 255)] &+= 1 }
                i &+= 1
            }
            d = 255
            while d > 0 && h[d] < remaining { remaining &-= h[d]; d &-= 1 }
            prefix |= UInt64(d) &<< UInt64(shift)
            mask |= 255 &<< UInt64(shift)
            shift &-= 8
        }
        return prefix
    }
}

/// Keeps, in order, the entries whose key is above `threshold` and those
/// equal to it: all of them (`keepTies`), else only as many as make `k` in
/// all. Returns the new count.
@inlinable
package func compactAbove(_ p: UnsafeMutablePointer<KeyIndex>, _ n: Int, _ threshold: UInt64,
                          _ k: Int, keepTies: Bool) -> Int {
    var above = 0
    var i = 0
    while i < n { if p[i].key > threshold { above &+= 1 }; i &+= 1 }
    var tiesLeft = keepTies ? n : k &- above
    var out = 0
    i = 0
    while i < n {
        let e = p[i]
        if e.key > threshold || (e.key == threshold && tiesLeft > 0) {
            if e.key == threshold { tiesLeft &-= 1 }
            p[out] = e
            out &+= 1
        }
        i &+= 1
    }
    return out
}

/// The k largest elements of x[0..<n] (1 <= k <= n) into `buffer` (room
/// for n entries), in index order: exactly k of them, ties going to the
/// lower index; with `keepTies`, also every element equal to the k-th
/// largest. Returns how many. NaN ranks above every number. `P`: the CPU
/// level's copy (SampleRow.swift).
@inlinable
package func selectTop<P: ArithmeticPolicy, T: LogitsFloat>(_: P.Type, _ x: UnsafePointer<T>, _ n: Int, _ k: Int, keepTies: Bool,
                                       _ buffer: UnsafeMutablePointer<KeyIndex>) -> Int {
    var limit = Swift.min(n, Swift.max(k &* 2, 256))
    var count = 0
    var threshold: T = -.infinity
    var thresholdKey: UInt64 = 0
    var filtering = false
    var i = 0
    while i < n {
        // A block of sixteen wholly below the threshold (never +inf: the
        // block test needs t < +inf) is skipped; any other is looked at
        // element by element.
        let end = Swift.min(i &+ 16, n)
        if filtering && threshold < .infinity && end &- i == 16 && blockBelow(x + i, threshold) {
            i = end
            continue
        }
        while i < end {
            let v = x[i]
            if !filtering || !(v < threshold) {
                let key = orderKey(v)
                if !filtering || key > thresholdKey || (keepTies && key == thresholdKey) {
                    buffer[count] = KeyIndex(key: key, index: i)
                    count &+= 1
                    if count == limit && count > k {
                        thresholdKey = kthLargestKey(P.self, buffer, count, k, bytes: MemoryLayout<T>.size)
                        count = compactAbove(buffer, count, thresholdKey, k, keepTies: keepTies)
                        threshold = valueOfKey(thresholdKey)
                        filtering = true
                        if count &* 2 > limit { limit = Swift.min(n, limit &* 2) }
                    }
                }
            }
            i &+= 1
        }
    }
    if count > k {
        thresholdKey = kthLargestKey(P.self, buffer, count, k, bytes: MemoryLayout<T>.size)
        count = compactAbove(buffer, count, thresholdKey, k, keepTies: keepTies)
    }
    return count
}

/// Whether all sixteen elements at p are below t (false when one is NaN:
/// a NaN lane is not below). One compare and one test of the mask at every
/// CPU level (measured 2-8x faster than a mask-free sign-bit reduction).
@inlinable @inline(__always)
func blockBelow<T: LogitsFloat>(_ p: UnsafePointer<T>, _ t: T) -> Bool {
    let raw = UnsafeRawPointer(p)
    if T.self == Float.self {
        let v = raw.loadUnaligned(as: SIMD16<Float>.self)
        return !any(.!(v .< SIMD16<Float>(repeating: unsafeBitCast(t, to: Float.self))))
    }
    let a = raw.loadUnaligned(as: SIMD8<Double>.self)
    let c = raw.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self)
    let d = SIMD8<Double>(repeating: unsafeBitCast(t, to: Double.self))
    return !any(.!(a .< d) .| .!(c .< d))
}

/// The lanes of the sixteen elements at p with lower <= v < upper, as bits
/// (element k: bit k; a NaN lane is not). upper +inf: no upper bound.
@inlinable @inline(__always)
func lanesInRange<T: LogitsFloat>(_ p: UnsafePointer<T>, _ lower: T, _ upper: T) -> UInt32 {
    let raw = UnsafeRawPointer(p)
    let unbounded = upper == .infinity
    if T.self == Float.self {
        let v = raw.loadUnaligned(as: SIMD16<Float>.self)
        let lo = SIMD16<Float>(repeating: unsafeBitCast(lower, to: Float.self))
        let hi = SIMD16<Float>(repeating: unsafeBitCast(upper, to: Float.self))
        let m = unsafeBitCast((v .>= lo) .& ((v .< hi) .| SIMDMask(repeating: unbounded)), to: SIMD16<UInt32>.self)
        let bit = SIMD16<UInt32>(1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768)
        return (m & bit).wrappedSum()
    }
    let lo = SIMD8<Double>(repeating: unsafeBitCast(lower, to: Double.self))
    let hi = SIMD8<Double>(repeating: unsafeBitCast(upper, to: Double.self))
    let a = raw.loadUnaligned(as: SIMD8<Double>.self)
    let c = raw.loadUnaligned(fromByteOffset: 64, as: SIMD8<Double>.self)
    let ma = unsafeBitCast((a .>= lo) .& ((a .< hi) .| SIMDMask(repeating: unbounded)), to: SIMD8<UInt64>.self)
    let mc = unsafeBitCast((c .>= lo) .& ((c .< hi) .| SIMDMask(repeating: unbounded)), to: SIMD8<UInt64>.self)
    let bit = SIMD8<UInt64>(1, 2, 4, 8, 16, 32, 64, 128)
    return UInt32(truncatingIfNeeded: (ma & bit).wrappedSum() | (mc & bit).wrappedSum() &<< 8)
}

/// The element whose order key is `key` (NaN for the NaN key).
@inlinable @inline(__always)
package func valueOfKey<T: LogitsFloat>(_ key: UInt64) -> T {
    if key == (T.self == Float.self ? 0xFFFF_FFFF : UInt64.max) { return .nan }
    if T.self == Float.self {
        let k = UInt32(truncatingIfNeeded: key)
        let bits = k & 0x8000_0000 != 0 ? k & 0x7FFF_FFFF : ~k
        return unsafeBitCast(Float(bitPattern: bits), to: T.self)
    }
    let bits = key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key
    return unsafeBitCast(Double(bitPattern: bits), to: T.self)
}

/// Sorts n entries by key, largest first, ties by lower index.
@inlinable
package func sortDescending(_ p: UnsafeMutablePointer<KeyIndex>, _ n: Int) {
    heapSort(p, n) { a, b in a.key > b.key || (a.key == b.key && a.index < b.index) }
}

/// Heapsort by `before(a, b)` (a sorts before b): in place, no allocation,
/// n log n in the worst case.
@inlinable @inline(__always)
func heapSort<E>(_ p: UnsafeMutablePointer<E>, _ n: Int, _ before: (E, E) -> Bool) {
    guard n > 1 else { return }
    // A heap whose root sorts last; it moves to the end, the heap shrinks.
    @inline(__always) func siftDown(_ start: Int, _ end: Int) {
        var root = start
        while true {
            var child = root &* 2 &+ 1
            if child >= end { return }
            if child &+ 1 < end && before(p[child], p[child &+ 1]) { child &+= 1 }
            guard before(p[root], p[child]) else { return }
            let t = p[root]; p[root] = p[child]; p[child] = t
            root = child
        }
    }
    var start = n / 2 &- 1
    while start >= 0 { siftDown(start, n); start &-= 1 }
    var end = n &- 1
    while end > 0 {
        let t = p[0]; p[0] = p[end]; p[end] = t
        siftDown(0, end)
        end &-= 1
    }
}
