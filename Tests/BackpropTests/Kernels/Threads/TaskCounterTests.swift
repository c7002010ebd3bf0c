#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Testing
@testable import Backprop

@Suite("Task counter")
struct TaskCounterTests {
    /// Threads claim tasks until none are left: every number is handed out exactly once, whatever the threads'
    /// speeds, and the finished count ends at the number of tasks.
    @Test("every task is claimed exactly once", arguments: [1, 2, 3])
    func claims(threads: Int) {
        let pool = WorkerPool(threadCount: threads)
        let counter = TaskCounter()
        let tasks = 20_000
        let claims = UnsafeMutablePointer<Int>.allocate(capacity: tasks)
        claims.initialize(repeating: 0, count: tasks)
        defer { claims.deallocate() }
        nonisolated(unsafe) let c = claims
        for round in 0..<3 {
            claims.update(repeating: 0, count: tasks)
            counter.reset()
            pool.run(parts: threads) { _ in
                while true {
                    let task = counter.claim()
                    if task >= tasks { break }
                    c[task] += 1
                    counter.finish()
                }
            }
            let counts = (0..<tasks).map { claims[$0] }
            #expect(counts.allSatisfy { $0 == 1 }, "round \(round): \(counts.filter { $0 != 1 }.count) tasks not claimed once")
            #expect(counter.finishedCount == tasks)
        }
    }

    /// Tasks in two phases: each second-phase task reads every first-phase slot after waiting for the first phase.
    /// A wait that returned early would see a slot not yet written.
    @Test("a task waiting for an earlier phase sees everything that phase wrote", arguments: [2, 3])
    func phases(threads: Int) {
        let pool = WorkerPool(threadCount: threads)
        let counter = TaskCounter()
        let first = 64, second = 64
        let slots = UnsafeMutablePointer<Int>.allocate(capacity: first)
        let seen = UnsafeMutablePointer<Int>.allocate(capacity: second)
        defer { slots.deallocate(); seen.deallocate() }
        nonisolated(unsafe) let s = slots, v = seen
        for round in 1...200 {
            slots.initialize(repeating: 0, count: first)
            seen.initialize(repeating: 0, count: second)
            counter.reset()
            pool.run(parts: threads) { _ in
                while true {
                    let task = counter.claim()
                    if task >= first + second { break }
                    if task < first {
                        // Uneven work, so that phases overlap between threads.
                        var x = 0
                        for i in 0..<(task % 7) * 200 { x &+= i }
                        s[task] = round + (x & 0)
                    } else {
                        counter.wait(untilFinished: first)
                        v[task - first] = (0..<first).filter { s[$0] == round }.count
                    }
                    counter.finish()
                }
            }
            let counts = (0..<second).map { seen[$0] }
            #expect(counts.allSatisfy { $0 == first }, "round \(round): a second-phase task saw \(counts.min()!) of \(first)")
            if counts.contains(where: { $0 != first }) { break }
        }
    }

    /// A thread that never starts (a worker not yet awake) does not hold the others up: the caller alone finishes
    /// every task, with waits between phases, while the pool's other part sleeps first.
    @Test("one thread can run every phase alone")
    func alone() {
        let pool = WorkerPool(threadCount: 2)
        let counter = TaskCounter()
        counter.reset()
        nonisolated(unsafe) var order: [Int] = []
        order.reserveCapacity(10)
        pool.run(parts: 2) { part in
            if part == 1 {
                // Let the caller claim everything first.
                while counter.finishedCount < 10 { sched_yield() }
            }
            while true {
                let task = counter.claim()
                if task >= 10 { break }
                counter.wait(untilFinished: task / 5 * 5)  // two phases of five
                order.append(task)
                counter.finish()
            }
        }
        #expect(order == Array(0..<10))
    }
}
