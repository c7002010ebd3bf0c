import Testing
@testable import Backprop

@Suite("Worker pool")
struct WorkerPoolTests {
    @Test("runs every part exactly once, many times over", arguments: [1, 2, 3])
    func parts(_ threads: Int) {
        let pool = WorkerPool(threadCount: threads)
        let counts = UnsafeMutablePointer<Int>.allocate(capacity: threads)
        defer { counts.deallocate() }
        counts.initialize(repeating: 0, count: threads)
        var expected = [Int](repeating: 0, count: threads)
        for round in 1...200 {
            let parts = 1 + round % threads
            for part in 0..<parts { expected[part] += 1 }
            pool.run(parts: parts) { part in counts[part] += 1 }
        }
        let observed: [Int] = (0..<threads).map { counts[$0] }
        #expect(observed == expected)
    }

    @Test("a pool can be made and dropped at once")
    func lifecycle() {
        for _ in 0..<20 { _ = WorkerPool(threadCount: 2) }
    }
}
