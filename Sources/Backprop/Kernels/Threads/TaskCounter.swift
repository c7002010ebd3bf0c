import Synchronization

/// Hands out the tasks of one parallel job in order, to whichever thread asks first, and counts the finished ones:
/// the batch engine's dynamic schedule.
///
/// Tasks are numbered 0, 1, 2, …; `claim()` returns the next number to each caller, once. A job whose tasks come in
/// phases (every task of a phase may read what any task of an earlier phase wrote) numbers the phases one after
/// another: before it runs a task of a phase that starts at task s, a thread calls `wait(untilFinished: s)`.
/// Because numbers are claimed in order, every earlier task has been claimed by then, and is running on some thread
/// or done: the wait is only for tasks in progress, never for a thread that has not started (a worker still waking
/// up, or a virtual CPU the host has taken away). A thread slowed for a while simply claims fewer tasks.
///
/// `finish()` releases and the wait acquires, so what a task wrote, every task of a later phase sees. The counts
/// start at zero; `reset()` them before the job (the pool's start of the job publishes the reset to its threads).
@usableFromInline
final class TaskCounter: @unchecked Sendable {
    private let claimed = Atomic<Int>(0)
    private let finished = Atomic<Int>(0)

    @usableFromInline init() {}

    /// Starts the numbering again from 0. Call it while no thread is using the counter.
    @usableFromInline
    func reset() {
        claimed.store(0, ordering: .relaxed)
        finished.store(0, ordering: .relaxed)
    }

    /// The next unclaimed task number (it may be past the last task: the caller then stops).
    @usableFromInline
    func claim() -> Int {
        claimed.add(1, ordering: .relaxed).oldValue
    }

    /// Marks one task finished; what it wrote is visible to every thread that then waits for it.
    @usableFromInline
    func finish() {
        finished.add(1, ordering: .acquiringAndReleasing)
    }

    /// The number of finished tasks (for tests and checks).
    @usableFromInline
    var finishedCount: Int { finished.load(ordering: .acquiring) }

    /// Returns once at least `count` tasks have finished (`spinWait`: the other thread's task is normally
    /// microseconds from done).
    @usableFromInline
    func wait(untilFinished count: Int) {
        spinWait { finished.load(ordering: .acquiring) >= count }
    }
}
