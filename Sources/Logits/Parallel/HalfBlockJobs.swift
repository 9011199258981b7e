// The 16-bit block drivers on the library's threads (CheckedHalfOperations
// .swift): a call's blocks are independent (each widened, computed and
// narrowed on its own), so they split into parts, each with its own
// scratch allocated before any part starts (an allocation failure refuses
// the call before a write). At most as many parts as the library has
// threads, and no more than `halfScratchBudget` floats of scratch in all
// (one part when a block is larger: a long slice then gets the threads
// inside its kernel): a block is computed the same way in any part, so
// results are identical with any thread count. Each driver is a value type
// (no closure: nothing to check at run time).

/// Floats of scratch the parts of one 16-bit call may hold together (4 MB).
@usableFromInline let halfScratchBudget = 1 << 20

/// One 16-bit driver's blocks.
@usableFromInline
protocol HalfBlockWork {
    /// The number of blocks.
    var blockCount: Int { get }
    /// Floats one block holds (the parts' split by work).
    var blockFloats: Int { get }
    /// Floats of scratch one part needs.
    var scratchFloats: Int { get }
    /// Computes block `b` with `scratch`.
    func run(_ b: Int, _ scratch: UnsafeMutablePointer<Float>)
}

/// A driver's blocks split into parts, each with its slice of `scratch`.
@usableFromInline
struct HalfBlocksJob<W: HalfBlockWork> {
    @usableFromInline let work: W
    @usableFromInline let scratch: UnsafeMutablePointer<Float>

    @inlinable
    init(_ work: W, _ scratch: UnsafeMutablePointer<Float>) { self.work = work; self.scratch = scratch }

    @inlinable
    func run(_ part: Int, _ parts: Int) {
        var (b, hi) = partRange(work.blockCount, part, parts)
        let mine = scratch + part &* work.scratchFloats
        while b < hi {
            work.run(b, mine)
            b &+= 1
        }
    }
}

/// Runs every block of `work` on the library's threads (`part` is the part
/// function of `W`'s job); `.outOfMemory`, before any block, when the
/// scratch cannot be had.
@inlinable
func runHalfBlocks<W: HalfBlockWork>(_ work: W, _ part: PartFunction) -> Refusal? {
    let parts = Swift.min(partCount(slices: work.blockCount, elementsPerSlice: work.blockFloats),
                          Swift.max(threadCount(), 1),
                          Swift.max(1, halfScratchBudget / Swift.max(work.scratchFloats, 1)))
    let floats = parts &* work.scratchFloats
    guard let raw = scratchAllocate(Swift.max(floats, 1) &* MemoryLayout<Float>.stride) else {
        return Refusal(.outOfMemory)
    }
    defer { scratchFree(raw) }
    let scratch = raw.bindMemory(to: Float.self, capacity: Swift.max(floats, 1))
    withUnsafePointer(to: HalfBlocksJob(work, scratch)) { job in runParts(parts, UnsafeRawPointer(job), part) }
    return nil
}

@usableFromInline
let halfAxisForwardPart: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: HalfBlocksJob<HalfAxisForwardWork>.self).pointee.run(part, parts)
}

@usableFromInline
let halfAxisBackwardPart: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: HalfBlocksJob<HalfAxisBackwardWork>.self).pointee.run(part, parts)
}

@usableFromInline
let halfElementwisePart: PartFunction = { c, part, parts in
    c.assumingMemoryBound(to: HalfBlocksJob<HalfElementwiseWork>.self).pointee.run(part, parts)
}
