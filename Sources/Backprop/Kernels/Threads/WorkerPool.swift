#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// A fixed set of threads that run the parts of one job at a time: the batch engine's `--threads N`.
///
/// `run(parts:_:)` hands part 0 to the calling thread and parts 1… to the pool's threads, and returns when all
/// are done. Threads are created once, with the pool, and joined when it goes away. The pool keeps the job only
/// for the call; a call allocates nothing when the closure is made once and passed again (GEMM keeps its jobs), so
/// an engine with a pool keeps its no-allocation promise. (A closure literal written at the call would be a new
/// heap object on every call, and so would converting a non-escaping one with `withoutActuallyEscaping`.)
///
/// Waking a sleeping thread is slow on a virtual machine: an idle virtual CPU is halted, and the host takes tens
/// to hundreds of microseconds to run it again, as long as a whole 256³ product. So a worker that has just
/// finished a part watches for the next job for `spinNanoseconds` (a quarter of a millisecond) before it sleeps
/// on a condition variable, and the caller watches for the workers the same way: the batch engine's products
/// follow one another within microseconds. The watch is short so that a pool left idle (while the loop engine is
/// timed, say) stops taking the other core's time almost at once.
public final class WorkerPool: @unchecked Sendable {
    /// The number of threads a job can use, the caller included.
    public let threadCount: Int
    private let shared: Shared
    private var threads: [pthread_t] = []

    /// A pool for jobs of up to `threadCount` parts (`threadCount − 1` new threads).
    /// - Precondition: `threadCount ≥ 1`.
    public init(threadCount: Int) {
        precondition(threadCount >= 1, "a pool needs at least one thread")
        self.threadCount = threadCount
        shared = Shared(workerCount: threadCount - 1)
        for index in 1..<threadCount {
            // Each thread owns a reference to the shared state (not to the pool), released when it exits.
            let context = Unmanaged.passRetained(Worker(shared: shared, index: index)).toOpaque()
            var thread = pthread_t()
            let status = pthread_create(&thread, nil, { raw in
                #if canImport(Darwin)
                let worker = Unmanaged<Worker>.fromOpaque(raw).takeRetainedValue()
                #else
                let worker = Unmanaged<Worker>.fromOpaque(raw!).takeRetainedValue()
                #endif
                worker.shared.work(index: worker.index)
                return nil
            }, context)
            precondition(status == 0, "pthread_create failed with \(status)")
            threads.append(thread)
        }
    }

    /// A pool of `threads` threads, or nil for one (the caller's own, which needs no pool).
    /// - Precondition: `threads ≥ 1`.
    public static func forThreads(_ threads: Int) -> WorkerPool? {
        precondition(threads >= 1, "at least one thread")
        return threads > 1 ? WorkerPool(threadCount: threads) : nil
    }

    deinit {
        shared.stop()
        for thread in threads { pthread_join(thread, nil) }
    }

    /// Runs `body(0)`, …, `body(parts − 1)`, part 0 on the calling thread, and returns when all have finished.
    /// - Precondition: `1 ≤ parts ≤ threadCount`; not called from inside a job.
    public func run(parts: Int, _ job: @escaping (Int) -> Void) {
        precondition(parts >= 1 && parts <= threadCount, "a job of \(parts) parts on a pool of \(threadCount)")
        if parts == 1 {
            job(0)
            return
        }
        shared.start(job, parts: parts)
        job(0)
        shared.waitForWorkers()
    }

    private final class Worker {
        let shared: Shared
        let index: Int
        init(shared: Shared, index: Int) {
            self.shared = shared
            self.index = index
        }
    }

    /// How long a waiting thread keeps checking before it sleeps.
    static let spinNanoseconds: UInt64 = 250_000

    /// The state the caller and the workers share: the job's announcement and completion count are atomics that
    /// a waiting thread watches; the mutex and condition variables are for the threads that went to sleep.
    private final class Shared: @unchecked Sendable {
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        /// Incremented (releasing) once `job` and `parts` are written: a worker that sees it change (acquiring)
        /// sees them.
        private let generation = Atomic<Int>(0)
        /// The workers that have not yet answered the current job.
        private let remaining = Atomic<Int>(0)
        private let stopping = Atomic<Bool>(false)
        private var parts = 0
        private var job: ((Int) -> Void)?
        private let workerCount: Int

        init(workerCount: Int) {
            self.workerCount = workerCount
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(wake, nil)
            pthread_cond_init(finished, nil)
        }

        /// A pool of `threads` threads, or nil for one (the caller's own, which needs no pool).
    /// - Precondition: `threads ≥ 1`.
    public static func forThreads(_ threads: Int) -> WorkerPool? {
        precondition(threads >= 1, "at least one thread")
        return threads > 1 ? WorkerPool(threadCount: threads) : nil
    }

    deinit {
            pthread_cond_destroy(wake)
            pthread_cond_destroy(finished)
            pthread_mutex_destroy(mutex)
            mutex.deallocate()
            wake.deallocate()
            finished.deallocate()
        }

        func start(_ job: @escaping (Int) -> Void, parts: Int) {
            self.job = job
            self.parts = parts
            remaining.store(workerCount, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            // A worker that is asleep checked `generation` under the mutex before it slept: taking the mutex here
            // means it is either waiting (and woken) or has not checked yet (and will see the new value).
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)
        }

        func waitForWorkers() {
            if !spinWait(until: { remaining.load(ordering: .acquiring) == 0 }, timeout: WorkerPool.spinNanoseconds) {
                pthread_mutex_lock(mutex)
                while remaining.load(ordering: .acquiring) > 0 { pthread_cond_wait(finished, mutex) }
                pthread_mutex_unlock(mutex)
            }
            job = nil  // held for the call only
        }

        func stop() {
            stopping.store(true, ordering: .releasing)
            pthread_mutex_lock(mutex)
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)
        }

        func work(index: Int) {
            var seen = 0
            while true {
                let announced = spinWait(until: {
                    generation.load(ordering: .acquiring) != seen || stopping.load(ordering: .relaxed)
                }, timeout: WorkerPool.spinNanoseconds)
                if !announced {
                    pthread_mutex_lock(mutex)
                    while generation.load(ordering: .acquiring) == seen && !stopping.load(ordering: .acquiring) {
                        pthread_cond_wait(wake, mutex)
                    }
                    pthread_mutex_unlock(mutex)
                }
                if stopping.load(ordering: .acquiring) { break }
                seen = generation.load(ordering: .acquiring)
                // Every worker answers every job, with or without a part, so that no worker is still reading
                // `parts` or `job` when the caller writes the next ones.
                if index < parts, let job { job(index) }
                // The caller checks `remaining` under the mutex before it sleeps: signal under it too.
                if remaining.subtract(1, ordering: .acquiringAndReleasing).newValue == 0 {
                    pthread_mutex_lock(mutex)
                    pthread_cond_signal(finished)
                    pthread_mutex_unlock(mutex)
                }
            }
        }
    }
}
