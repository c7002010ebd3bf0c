import Synchronization

/// A reusable barrier for the parts of one parallel job: `wait(parties:)` returns once that many threads have
/// called it, and can be called again at once for the next phase.
///
/// The parts of a `WorkerPool` job all run at the same time, each on its own thread, so a barrier among them
/// cannot deadlock. Waiting is a short spin on an atomic (the other part is normally microseconds behind), then
/// `sched_yield` between checks, so that a virtual CPU whose peer was descheduled gives its time back.
/// Arriving releases, and leaving acquires: what a part wrote before the barrier, every part sees after it.
@usableFromInline
final class SpinBarrier: @unchecked Sendable {
    private let arrived = Atomic<Int>(0)
    private let generation = Atomic<Int>(0)

    @usableFromInline init() {}

    /// Waits until `parties` threads (this one included) have arrived.
    @usableFromInline
    func wait(parties: Int) {
        let phase = generation.load(ordering: .acquiring)
        if arrived.add(1, ordering: .acquiringAndReleasing).newValue == parties {
            arrived.store(0, ordering: .relaxed)
            generation.add(1, ordering: .releasing)
            return
        }
        spinWait { generation.load(ordering: .acquiring) != phase }
    }
}
