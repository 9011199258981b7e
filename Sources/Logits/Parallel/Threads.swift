// The public Swift face of the library's threads (ThreadPool.swift).

/// Sets how many threads one large call may use, the calling thread
/// included: 1 keeps every call on the calling thread, 0 restores the default
/// (`LOGITS_NUM_THREADS` if set, else the number of online CPUs), values
/// above 64 become 64. Only calls with at least 2^18 elements split, into
/// parts fixed by their shape, so results are identical for any setting.
///
/// ```swift
/// setNumberOfThreads(1)            // everything on the calling thread
/// let p = try softmax(bigLogits, shape: [4096, 1000])
/// setNumberOfThreads(0)            // back to the default
/// ```
@available(*, deprecated, message: "set Logits.threadCount")
public func setNumberOfThreads(_ n: Int) {
    setThreadCount(n < 0 ? 0 : n)
}

/// The number of threads a large call may use now (at least 1).
///
/// ```swift
/// print(numberOfThreads())   // e.g. 2 on a 2-CPU machine
/// ```
@available(*, deprecated, message: "read Logits.threadCount")
public func numberOfThreads() -> Int {
    threadCount()
}
