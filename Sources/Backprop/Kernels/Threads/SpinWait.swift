#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Returns once `done()` is true: checks it in a tight loop for the first 4096 times (another thread is normally
/// microseconds from making it true), then calls `sched_yield` between checks, so that a virtual CPU whose peer
/// was descheduled gives its time back. The waits of `SpinBarrier` and `TaskCounter`.
@inlinable
func spinWait(until done: () -> Bool) {
    var checks = 0
    while !done() {
        checks += 1
        if checks > 4096 { sched_yield() }
    }
}
