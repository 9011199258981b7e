#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Scratch memory for the sampler and top-k, from malloc: a failed
// allocation is a nil the caller turns into LOGITS_ERROR_OUT_OF_MEMORY
// (Swift's own allocation would trap, killing the host).

/// `bytes` bytes (at least 1), or nil when the system has none to give.
@inlinable
package func scratchAllocate(_ bytes: Int) -> UnsafeMutableRawPointer? {
    malloc(Swift.max(bytes, 1))
}

/// Frees scratch from `scratchAllocate`.
@inlinable
package func scratchFree(_ p: UnsafeMutableRawPointer?) {
    free(p)
}
