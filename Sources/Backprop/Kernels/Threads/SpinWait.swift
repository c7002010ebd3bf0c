#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Checks `done()` until it is true, the one busy wait of the threads (`SpinBarrier`, `TaskCounter`, `WorkerPool`).
///
/// Without `timeout`, it checks in a tight loop for the first 4096 times (another thread is normally microseconds
/// from making it true), then calls `sched_yield` between checks, so that a virtual CPU whose peer was descheduled
/// gives its time back, and returns true when `done()` is. With `timeout`, it gives up after that many nanoseconds
/// (reading the clock every 64 checks) and returns whether `done()` became true: a thread that then goes to sleep.
@inlinable @discardableResult
func spinWait(until done: () -> Bool, timeout: UInt64? = nil) -> Bool {
    let start = timeout == nil ? 0 : MonotonicClock.nanoseconds()
    var checks = 0
    while !done() {
        checks += 1
        if let timeout {
            if checks % 64 == 0 && MonotonicClock.nanoseconds() &- start > timeout { return done() }
        } else if checks > 4096 {
            sched_yield()
        }
    }
    return true
}
