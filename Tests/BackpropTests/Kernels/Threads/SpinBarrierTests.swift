import Testing
@testable import Backprop

@Suite("Spin barrier")
struct SpinBarrierTests {
    /// Two parts of a pool job take turns through many phases: in each phase every part writes its own slot, waits,
    /// then reads the other's. A barrier that let a part through early would show a stale slot.
    @Test("parts see each other's writes after every phase", arguments: [2, 3])
    func phases(threads: Int) {
        let pool = WorkerPool(threadCount: threads)
        let barrier = SpinBarrier()
        let rounds = 2000
        let slots = UnsafeMutablePointer<Int>.allocate(capacity: threads)
        slots.initialize(repeating: -1, count: threads)
        let stale = UnsafeMutablePointer<Int>.allocate(capacity: threads)
        stale.initialize(repeating: 0, count: threads)
        defer { slots.deallocate(); stale.deallocate() }
        nonisolated(unsafe) let s = slots, st = stale
        pool.run(parts: threads) { part in
            for round in 0..<rounds {
                s[part] = round
                barrier.wait(parties: threads)
                for other in 0..<threads where s[other] != round { st[part] += 1 }
                barrier.wait(parties: threads)
            }
        }
        #expect((0..<threads).map { stale[$0] } == [Int](repeating: 0, count: threads))
    }
}
