#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A fixed set of threads that run the parts of one job at a time: the batch engine's `--threads N`.
///
/// `run(parts:_:)` hands part 0 to the calling thread and parts 1… to the pool's threads, and returns when all
/// are done. Threads are created once, with the pool, and joined when it goes away. The pool keeps the job only
/// for the call; a call allocates nothing when the closure is made once and passed again (GEMM keeps its jobs), so
/// an engine with a pool keeps its no-allocation promise. (A closure literal written at the call would be a new
/// heap object on every call, and so would converting a non-escaping one with `withoutActuallyEscaping`.) Idle
/// workers sleep on a condition variable.
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
        shared = Shared()
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

    /// The state the caller and the workers share, guarded by one mutex.
    private final class Shared: @unchecked Sendable {
        private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
        private let wake = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private let finished = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
        private var generation = 0
        private var parts = 0
        private var remaining = 0
        private var job: ((Int) -> Void)?
        private var stopping = false

        init() {
            pthread_mutex_init(mutex, nil)
            pthread_cond_init(wake, nil)
            pthread_cond_init(finished, nil)
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
            pthread_mutex_lock(mutex)
            self.job = job
            self.parts = parts
            remaining = parts - 1
            generation &+= 1
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)
        }

        func waitForWorkers() {
            pthread_mutex_lock(mutex)
            while remaining > 0 { pthread_cond_wait(finished, mutex) }
            job = nil  // held for the call only
            pthread_mutex_unlock(mutex)
        }

        func stop() {
            pthread_mutex_lock(mutex)
            stopping = true
            pthread_cond_broadcast(wake)
            pthread_mutex_unlock(mutex)
        }

        func work(index: Int) {
            var seen = 0
            pthread_mutex_lock(mutex)
            while true {
                while generation == seen && !stopping { pthread_cond_wait(wake, mutex) }
                if stopping { break }
                seen = generation
                guard index < parts, let job else { continue }
                pthread_mutex_unlock(mutex)
                job(index)
                pthread_mutex_lock(mutex)
                remaining -= 1
                if remaining == 0 { pthread_cond_signal(finished) }
            }
            pthread_mutex_unlock(mutex)
        }
    }
}
