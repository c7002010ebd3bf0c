import Synchronization
import Testing
@testable import Backprop

@Suite("Spin wait")
struct SpinWaitTests {
    @Test("a condition already true is checked once")
    func alreadyTrue() {
        var checks = 0
        spinWait { checks += 1; return true }
        #expect(checks == 1)
    }

    /// The other part of a pool job sets the flag 2 ms after the wait's first check: the wait goes on, past its
    /// 4096 tight checks into the yielding ones, and returns once the flag is set, having seen what was written
    /// before it.
    @Test("returns once another thread makes the condition true, and sees its writes")
    func otherThread() {
        let pool = WorkerPool(threadCount: 2)
        let flag = Atomic<Bool>(false), waiting = Atomic<Bool>(false)
        let payload = UnsafeMutablePointer<Int>.allocate(capacity: 1)
        payload.initialize(to: 0)
        defer { payload.deallocate() }
        nonisolated(unsafe) let p = payload
        nonisolated(unsafe) var checks = 0, seen = 0
        pool.run(parts: 2) { part in
            if part == 1 {
                while !waiting.load(ordering: .acquiring) {}  // until the wait has checked once
                let start = MonotonicClock.nanoseconds()
                while MonotonicClock.nanoseconds() - start < 2_000_000 {}  // 2 ms
                p.pointee = 42
                flag.store(true, ordering: .releasing)
            } else {
                spinWait {
                    checks += 1
                    let done = flag.load(ordering: .acquiring)
                    waiting.store(true, ordering: .releasing)
                    return done
                }
                seen = p.pointee
            }
        }
        #expect(seen == 42)
        #expect(checks > 1, "the flag was set only after the first check")
    }
}
