#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import CLogitsShims
import Synchronization

// The library's own threads: a small pool of POSIX threads that split one
// call's independent slices (rows, element runs) between them and the
// calling thread. Plain C calls only (pthread, malloc): no Swift runtime
// allocation, no closures on other threads, so nothing here can trap.
//
// One call at a time uses the pool; a call that finds it busy (another
// thread of the host is using it) runs serially on its own thread, so calls
// from many host threads never wait on each other. Results never depend on
// the number of threads: the slices are fixed by the call's shape (see
// `partCount`), and every slice is computed the same way whichever thread
// runs it.

/// A unit of parallel work: `run(context, part, parts)` for each part.
@usableFromInline
package typealias PartFunction = @convention(c) (UnsafeRawPointer, Int, Int) -> Void

/// Most threads the pool starts (workers + the caller).
@usableFromInline let maxThreads = 64

/// The thread count set by `setThreadCount` (0: the default).
@usableFromInline let requestedThreads = Atomic<Int>(0)

/// Elements below which a call stays on the calling thread (measured: the
/// hand-off costs about 10-20 µs on this kind of machine, so a split pays
/// off from about 2^18 elements of softmax).
@usableFromInline let parallelThreshold = 1 << 18

/// Sets the number of threads calls may use (0: the default, see
/// `defaultThreadCount`). Values above 64 are clamped.
@inlinable
package func setThreadCount(_ n: Int) {
    requestedThreads.store(Swift.min(Swift.max(n, 0), maxThreads), ordering: .relaxed)
}

/// The number of threads calls use now: the setting, or the default, but
/// no more than the system let the pool start (`threadLimit`).
@inlinable
package func threadCount() -> Int {
    let n = requestedThreads.load(ordering: .relaxed)
    return Swift.min(n > 0 ? n : defaultThreadCount(), threadLimit.load(ordering: .relaxed))
}

/// The most threads (the caller included) calls can use: 64, or fewer once
/// pthread_create has failed (a pids limit, RLIMIT_NPROC): the workers it
/// started, plus the caller. Calls then run on those threads (or serially).
@usableFromInline let threadLimit = Atomic<Int>(maxThreads)

/// The default thread count, read once: LOGITS_NUM_THREADS when it is a
/// decimal number of at least 1 (digits only: no sign, space or exponent;
/// values above 64, however long, mean 64), else the number of online CPUs
/// (at most 64). "", "0", "-1", "abc", " 4", "4 ", "1e3" give the CPU count.
@usableFromInline let cachedDefaultThreads = Atomic<Int>(0)

@usableFromInline
func defaultThreadCount() -> Int {
    let cached = cachedDefaultThreads.load(ordering: .relaxed)
    if cached > 0 { return cached }
    var n = 0
    if let s = getenv("LOGITS_NUM_THREADS") {
        var p = s
        var v = 0
        while p.pointee >= 48 && p.pointee <= 57 {
            // Saturate above 64: the digits still count, the value cannot overflow.
            v = Swift.min(v &* 10 &+ Int(p.pointee &- 48), maxThreads &+ 1)
            p += 1
        }
        if p.pointee == 0 && p != s && v > 0 { n = Swift.min(v, maxThreads) }
    }
    if n == 0 {
        let cpus = sysconf(Int32(_SC_NPROCESSORS_ONLN))
        n = cpus > 0 ? Swift.min(cpus, maxThreads) : 1
    }
    cachedDefaultThreads.store(n, ordering: .relaxed)
    return n
}

/// How many parts to split `slices` independent slices of `elementsPerSlice`
/// elements into: 1 below the threshold, else about one per 2^17 elements,
/// capped at 64. Depends only on the shape, never on the thread count, so
/// a call's result is the same with any number of threads.
@inlinable
package func partCount(slices: Int, elementsPerSlice: Int) -> Int {
    let (total, o) = slices.multipliedReportingOverflow(by: Swift.max(elementsPerSlice, 1))
    if !o && total < parallelThreshold { return 1 }
    let byWork = o ? maxThreads : total >> 17
    return Swift.max(1, Swift.min(Swift.min(byWork, maxThreads), slices))
}

/// The state shared by the pool's threads (in malloc'd memory).
@usableFromInline
struct PoolState {
    var mutex = pthread_mutex_t()
    var work = pthread_cond_t()
    var done = pthread_cond_t()
    var busy = false
    var generation: UInt64 = 0
    var function: PartFunction? = nil
    var context: UnsafeRawPointer? = nil
    var parts = 0
    var nextPart = 0
    var finished = 0
    var workers = 0
    /// Workers that take parts of the current job (`threads - 1` of the call
    /// that started it); the others sleep through it, so lowering the thread
    /// setting takes effect for every call that starts after it.
    var active = 0
    /// The index the next worker to start takes.
    var nextIndex = 0
}

@usableFromInline let poolPointer = Atomic<Int>(0)
@usableFromInline let poolInitLock = Atomic<Int>(0)

/// The pool, created at first use (nil if the system refuses memory).
@usableFromInline
func pool() -> UnsafeMutablePointer<PoolState>? {
    if let p = UnsafeMutablePointer<PoolState>(bitPattern: poolPointer.load(ordering: .acquiring)) {
        return p
    }
    // The fork handlers first, so that no fork can copy poolInitLock held
    // without them (glibc's pthread_once is itself safe across fork).
    lgt_shims_atfork_once(forkPrepare, forkParent, forkChild)
    // One creator; others spin briefly (this happens once per process).
    while !poolInitLock.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
        sched_yield()
    }
    defer { poolInitLock.store(0, ordering: .releasing) }
    if let p = UnsafeMutablePointer<PoolState>(bitPattern: poolPointer.load(ordering: .acquiring)) {
        return p
    }
    guard let raw = malloc(MemoryLayout<PoolState>.stride) else { return nil }
    let p = raw.bindMemory(to: PoolState.self, capacity: 1)
    p.initialize(to: PoolState())
    pthread_mutex_init(&p.pointee.mutex, nil)
    pthread_cond_init(&p.pointee.work, nil)
    pthread_cond_init(&p.pointee.done, nil)
    poolPointer.store(Int(bitPattern: raw), ordering: .releasing)
    return p
}

// fork(): a child has only the forking thread, but a copy of the pool's
// state, which another thread of the parent may have held locked or busy.
// As PyTorch's and OpenBLAS's pools do, the handlers take the pool's locks
// before the fork (so the copy is consistent), release them in the parent,
// and give the child a fresh, empty pool: its first large call starts its
// own workers. The parent's pool memory stays allocated in the child (a
// few hundred bytes; freeing a pool another thread may have held is unsafe).


@usableFromInline
let forkPrepare: @convention(c) () -> Void = {
    while !poolInitLock.compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
        sched_yield()
    }
    if let p = UnsafeMutablePointer<PoolState>(bitPattern: poolPointer.load(ordering: .acquiring)) {
        pthread_mutex_lock(&p.pointee.mutex)
    }
}

@usableFromInline
let forkParent: @convention(c) () -> Void = {
    if let p = UnsafeMutablePointer<PoolState>(bitPattern: poolPointer.load(ordering: .acquiring)) {
        pthread_mutex_unlock(&p.pointee.mutex)
    }
    poolInitLock.store(0, ordering: .releasing)
}

@usableFromInline
let forkChild: @convention(c) () -> Void = {
    // No other thread exists here: drop the copied pool (the next call makes
    // a new one) and forget a thread limit the parent met.
    poolPointer.store(0, ordering: .releasing)
    threadLimit.store(maxThreads, ordering: .relaxed)
    poolInitLock.store(0, ordering: .releasing)
}

/// A worker: waits for a generation, takes parts until none is left.
@usableFromInline
let workerMain: @convention(c) (UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? = { arg in
    guard let p = arg?.assumingMemoryBound(to: PoolState.self) else { return nil }
    var seen: UInt64 = 0
    pthread_mutex_lock(&p.pointee.mutex)
    let index = p.pointee.nextIndex
    p.pointee.nextIndex = index &+ 1
    while true {
        while p.pointee.generation == seen { pthread_cond_wait(&p.pointee.work, &p.pointee.mutex) }
        seen = p.pointee.generation
        // Only the first `active` workers take part in this job.
        while index < p.pointee.active, p.pointee.nextPart < p.pointee.parts, let f = p.pointee.function,
              let c = p.pointee.context {
            let part = p.pointee.nextPart
            p.pointee.nextPart = part &+ 1
            let parts = p.pointee.parts
            pthread_mutex_unlock(&p.pointee.mutex)
            f(c, part, parts)
            pthread_mutex_lock(&p.pointee.mutex)
            p.pointee.finished &+= 1
            if p.pointee.finished == parts { pthread_cond_signal(&p.pointee.done) }
        }
    }
}

/// Runs `function(context, part, parts)` for part in 0..<parts, on up to
/// `threadCount()` threads (the caller included), and returns when all are
/// done. Serial when parts == 1, one thread is configured, the pool is busy
/// or cannot start threads.
@inlinable
package func runParts(_ parts: Int, _ context: UnsafeRawPointer, _ function: PartFunction) {
    let threads = parts > 1 ? threadCount() : 1
    if threads > 1, let p = pool(), startJob(p, parts, context, function, threads) {
        finishJob(p, parts, context, function)
        return
    }
    var part = 0
    while part < parts { function(context, part, parts); part &+= 1 }
}

/// Takes the pool for one job, starting workers up to `threads - 1`. False
/// (and nothing changed) when the pool is busy or has no worker.
@usableFromInline
func startJob(_ p: UnsafeMutablePointer<PoolState>, _ parts: Int, _ context: UnsafeRawPointer,
              _ function: PartFunction, _ threads: Int) -> Bool {
    pthread_mutex_lock(&p.pointee.mutex)
    if p.pointee.busy {
        pthread_mutex_unlock(&p.pointee.mutex)
        return false
    }
    while p.pointee.workers < threads &- 1 {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        var tid = pthread_t()
        let ok = pthread_create(&tid, &attr, workerMain, UnsafeMutableRawPointer(p)) == 0
        pthread_attr_destroy(&attr)
        if !ok {
            // The system refuses threads: use what exists from now on.
            threadLimit.store(p.pointee.workers &+ 1, ordering: .relaxed)
            break
        }
        p.pointee.workers &+= 1
    }
    if p.pointee.workers == 0 {
        pthread_mutex_unlock(&p.pointee.mutex)
        return false
    }
    p.pointee.busy = true
    p.pointee.active = Swift.min(threads &- 1, p.pointee.workers)
    p.pointee.function = function
    p.pointee.context = context
    p.pointee.parts = parts
    p.pointee.nextPart = 0
    p.pointee.finished = 0
    p.pointee.generation &+= 1
    pthread_cond_broadcast(&p.pointee.work)
    pthread_mutex_unlock(&p.pointee.mutex)
    return true
}

/// The caller's share of a started job, then the wait for the workers.
@usableFromInline
func finishJob(_ p: UnsafeMutablePointer<PoolState>, _ parts: Int, _ context: UnsafeRawPointer,
               _ function: PartFunction) {
    pthread_mutex_lock(&p.pointee.mutex)
    while p.pointee.nextPart < parts {
        let part = p.pointee.nextPart
        p.pointee.nextPart = part &+ 1
        pthread_mutex_unlock(&p.pointee.mutex)
        function(context, part, parts)
        pthread_mutex_lock(&p.pointee.mutex)
        p.pointee.finished &+= 1
    }
    while p.pointee.finished < parts { pthread_cond_wait(&p.pointee.done, &p.pointee.mutex) }
    p.pointee.function = nil
    p.pointee.context = nil
    p.pointee.busy = false
    pthread_mutex_unlock(&p.pointee.mutex)
}

/// The slice range [lo, hi) of part `part` of `parts` over `n` slices
/// (balanced, no overflow).
@inlinable @inline(__always)
package func partRange(_ n: Int, _ part: Int, _ parts: Int) -> (Int, Int) {
    // parts >= 1 always; the max lets the compiler see it (no divide trap).
    let p = Swift.max(parts, 1)
    let q = n / p, r = n % p
    let lo = q &* part &+ Swift.min(part, r)
    return (lo, lo &+ q &+ (part < r ? 1 : 0))
}
