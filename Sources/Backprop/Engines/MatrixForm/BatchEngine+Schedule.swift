extension BatchEngine {
    /// Which thread computes which part of each step of one call: the executor of `Steps`.
    ///
    /// - On one thread, or with fewer than `rowSplitMinimumRows` examples per thread, each step runs on all m rows
    ///   from the calling thread, and each of its matrix products is split over the pool, if any, by whole tiles
    ///   of C (`gemm`); the bias sums stay on the calling thread.
    /// - Otherwise each step is a list of tasks that the threads take in turn (`TaskCounter`), one fork of the
    ///   pool per step, so that a thread the host slows for a while just takes fewer tasks:
    ///
    ///       forward           pack every Wˡ (a share of a K-block per task), then the row chunks
    ///       output error      the row chunks
    ///       hidden errors     pack every (Wˡ)ᵀ, then the row chunks
    ///       weight gradients  pack every Δˡ, then MC rows of one ∂Wˡ per task
    ///       bias gradients    a share of one layer's columns per task
    ///
    ///   Row chunks are large first and smaller towards the end (`chunkRows`), so that few of them re-read the
    ///   packed weights and a thread that finishes first waits for a small chunk at most.
    ///
    /// Either way every element of every result is computed by the same operations in the same order: which
    /// thread runs a task, and how the rows are cut, changes nothing in the bits.
    @usableFromInline
    struct Schedule<Hidden: ActivationKernel> where Hidden.Scalar == Scalar {
        @usableFromInline let steps: Steps<Hidden>
        /// The products of a step on the whole batch: split over the pool, if any.
        @usableFromInline let whole: Products
        /// The job whose tasks the threads share, when the call runs as tasks.
        @usableFromInline let job: StepJob<Hidden>?
        @usableFromInline let pool: WorkerPool?

        @inlinable
        init(steps: Steps<Hidden>, whole: Products, job: StepJob<Hidden>?, pool: WorkerPool?) {
            self.steps = steps; self.whole = whole; self.job = job; self.pool = pool
        }

        @inlinable var all: Range<Int> { 0..<steps.examples }

        @inlinable func forward() {
            if let job, let pool { job.run(.forward, on: pool) } else { steps.forward(rows: all, products: whole) }
        }

        @inlinable func outputError() {
            if let job, let pool { job.run(.outputError, on: pool) } else { steps.outputError(rows: all) }
        }

        @inlinable func hiddenErrors() {
            if let job, let pool { job.run(.hiddenErrors, on: pool) } else { steps.hiddenErrors(rows: all, products: whole) }
        }

        @inlinable func weightGradients() {
            if let job, let pool { return job.run(.weightGradients, on: pool) }
            for l in 1...steps.depth { steps.weightGradient(layer: l, rows: 0..<steps.h[l - 1], products: whole) }
        }

        @inlinable func biasGradients() {
            if let job, let pool { return job.run(.biasGradients, on: pool) }
            for l in 1...steps.depth { steps.biasGradient(layer: l, columns: 0..<steps.h[l]) }
        }
    }

    /// The tasks of one call's steps, shared by `parts` threads.
    @usableFromInline
    struct Tasks<Hidden: ActivationKernel> where Hidden.Scalar == Scalar {
        @usableFromInline let steps: Steps<Hidden>
        @usableFromInline let packed: PackedOperands<Scalar>
        @usableFromInline let workspaces: [GEMMWorkspace<Scalar>]
        @usableFromInline let counter: TaskCounter
        @usableFromInline let parts: Int

        @inlinable
        init(steps: Steps<Hidden>, packed: PackedOperands<Scalar>, workspaces: [GEMMWorkspace<Scalar>],
             counter: TaskCounter, parts: Int) {
            self.steps = steps; self.packed = packed; self.workspaces = workspaces; self.counter = counter
            self.parts = parts
        }

        /// Thread `part`'s side of `phase`: claims and runs tasks until none are left.
        @inlinable
        func run(_ phase: Phase, part: Int) {
            let L = steps.depth, m = steps.examples
            let products = Products(workspaces: workspaces, part: part, packed: packed)
            switch phase {
            case .forward:
                run(part: part, packing: 0..<L, tasks: BatchEngine.chunkCount(examples: m, parts: parts)) { chunk in
                    steps.forward(rows: BatchEngine.rows(chunk: chunk, examples: m, parts: parts), products: products)
                }
            case .outputError:
                run(part: part, packing: 0..<0, tasks: BatchEngine.chunkCount(examples: m, parts: parts)) { chunk in
                    steps.outputError(rows: BatchEngine.rows(chunk: chunk, examples: m, parts: parts))
                }
            case .hiddenErrors:
                run(part: part, packing: L..<(2 * L - 1), tasks: BatchEngine.chunkCount(examples: m, parts: parts)) { chunk in
                    steps.hiddenErrors(rows: BatchEngine.rows(chunk: chunk, examples: m, parts: parts), products: products)
                }
            case .weightGradients:
                let mc = GEMMBlocking<Scalar>.mc
                var count = 0
                for l in 1...L { count += (steps.h[l - 1] + mc - 1) / mc }
                run(part: part, packing: (2 * L - 1)..<(3 * L - 1), tasks: count) { task in
                    // Task t: rows t·MC… of one ∂Wˡ, the layers in order.
                    var t = task, l = 1
                    while t >= (steps.h[l - 1] + mc - 1) / mc {
                        t -= (steps.h[l - 1] + mc - 1) / mc
                        l += 1
                    }
                    steps.weightGradient(layer: l, rows: t * mc..<min(steps.h[l - 1], t * mc + mc), products: products)
                }
            case .biasGradients:
                run(part: part, packing: 0..<0, tasks: L * parts) { task in
                    let l = task / parts + 1
                    steps.biasGradient(layer: l, columns: BatchEngine.columns(part: task % parts, of: parts, width: steps.h[l]))
                }
            }
        }

        /// Claims tasks in order: first the packing of the operands `packing` (numbered as in `PackedOperands`),
        /// each block shared by `parts` threads, then `tasks` tasks of `work`, which wait for the packing to finish.
        @inlinable @inline(__always)
        func run(part: Int, packing: Range<Int>, tasks: Int, _ work: (Int) -> Void) {
            var blocks = 0
            for index in packing { blocks += packed.blockCount(packed.operand(at: index)) }
            let packingTasks = blocks * parts, end = packingTasks + tasks
            while true {
                let task = counter.claim()
                if task >= end { break }
                if task < packingTasks {
                    pack(task, of: packing)
                } else {
                    counter.wait(untilFinished: packingTasks)
                    work(task - packingTasks)
                }
                counter.finish()
            }
        }

        /// Packing task `task`: share `task % parts` of the (task / parts)-th block of the operands `packing`.
        @inlinable
        func pack(_ task: Int, of packing: Range<Int>) {
            var block = task / parts
            for index in packing {
                let operand = packed.operand(at: index)
                let count = packed.blockCount(operand)
                if block < count {
                    packed.pack(operand, block: block, share: task % parts, of: parts, from: steps.layer)
                    return
                }
                block -= count
            }
        }
    }

    /// The job the pool runs for a call run as tasks: made once per hidden activation and kept by the engine, with
    /// its closure, so that a call only writes its parameters and allocates nothing.
    @usableFromInline
    final class StepJob<Hidden: ActivationKernel> where Hidden.Scalar == Scalar {
        /// Set for the length of one call; every part reads it.
        @usableFromInline var tasks: Tasks<Hidden>?
        @usableFromInline var phase = Phase.forward
        @usableFromInline var body: ((Int) -> Void)?

        @inlinable init() {}

        /// Runs `phase`'s tasks on `tasks.parts` threads of `pool`.
        @inlinable
        func run(_ phase: Phase, on pool: WorkerPool) {
            self.phase = phase
            tasks!.counter.reset()
            pool.run(parts: tasks!.parts, body!)
        }
    }

    /// The job of calls run as tasks for `Hidden`, made (with its closure) the first time.
    @inlinable
    func stepJob<Hidden: ActivationKernel>(_: Hidden.Type) -> StepJob<Hidden> where Hidden.Scalar == Scalar {
        if let job = stepJobs[ObjectIdentifier(Hidden.self)] { return unsafeDowncast(job, to: StepJob<Hidden>.self) }
        let job = StepJob<Hidden>()
        job.body = { [unowned job] part in job.tasks!.run(job.phase, part: part) }
        stepJobs[ObjectIdentifier(Hidden.self)] = job
        return job
    }

    // MARK: The schedule's arithmetic

    /// The fewest examples per thread for which a call runs as tasks over row chunks; a smaller batch splits each
    /// product by tiles of C instead.
    @inlinable public static var rowSplitMinimumRows: Int { 48 }

    /// The fewest rows of a chunk (but the last): four register tiles. Smaller chunks would re-read the packed
    /// weights too often for the work they do.
    @inlinable static var minimumChunkRows: Int { 4 * GEMMBlocking<Scalar>.mr }

    /// The rows of the next chunk when `remaining` rows are left on `parts` threads: half of a thread's
    /// share of what is left, cut at a whole register tile, at least `minimumChunkRows`; all of them at the end
    /// (guided self-scheduling). With m = 256 on two threads: 60, 48, 36, 24, 24, 24, 24, 16.
    @inlinable
    static func chunkRows(remaining: Int, parts: Int) -> Int {
        let mr = GEMMBlocking<Scalar>.mr
        let size = max(minimumChunkRows, remaining / (2 * parts) / mr * mr)
        return remaining - size < mr ? remaining : min(size, remaining)
    }

    /// The number of row chunks for m examples on `parts` threads.
    @inlinable
    static func chunkCount(examples m: Int, parts: Int) -> Int {
        var count = 0, start = 0
        while start < m {
            start += chunkRows(remaining: m - start, parts: parts)
            count += 1
        }
        return count
    }

    /// The rows of chunk `chunk` of m examples on `parts` threads.
    /// - Precondition: `0 ≤ chunk < chunkCount(examples: m, parts: parts)`.
    @inlinable
    static func rows(chunk: Int, examples m: Int, parts: Int) -> Range<Int> {
        var start = 0
        for _ in 0..<chunk { start += chunkRows(remaining: m - start, parts: parts) }
        return start..<start + chunkRows(remaining: m - start, parts: parts)
    }

    /// The columns of share `part` of `parts` of a layer of `width` units, for the bias sums: equal shares cut
    /// at whole vectors, so that only the last share's last vector can be partial (10 Doubles: 0..<4, 4..<10).
    @inlinable
    static func columns(part: Int, of parts: Int, width: Int) -> Range<Int> {
        let lanes = Scalar.Vector.scalarCount
        @inline(__always) func cut(_ p: Int) -> Int { p == parts ? width : width * p / parts / lanes * lanes }
        return cut(part)..<cut(part + 1)
    }
}
