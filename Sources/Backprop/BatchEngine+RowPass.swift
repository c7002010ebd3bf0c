extension BatchEngine {
    /// The part of backpropagation that works row by row: the forward pass, the output error and the hidden
    /// errors, for a run of examples `rows`; then the bias gradients, and, when the pass runs on several threads,
    /// the weight gradients too.
    ///
    ///     Zˡ[rows] = Aˡ⁻¹[rows] Wˡ + bˡ, Aˡ = σ(Zˡ)          [r, h_l] = [r, h_{l−1}] · [h_{l−1}, h_l] + [h_l]
    ///     Δᴸ[rows] = Aᴸ[rows] − Y[rows], ℓᵢ for i in rows   [r, c]
    ///     Δˡ[rows] = (Δˡ⁺¹[rows] (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ[rows])     [r, h_l] = [r, h_{l+1}] · [h_{l+1}, h_l]
    ///     ∂bˡ = (1/m) Σᵢ Δˡ[i, :]                            [h_l] from [m, h_l]
    ///     ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ                             [h_{l−1}, h_l] = [h_{l−1}, m] · [m, h_l]
    ///
    /// Row i of the first three depends on row i of X and Y and on the parameters only. So with threads, a large
    /// batch is cut into row chunks, large first and smaller towards the end, and the threads run the whole pass
    /// on one chunk after another, each taking the next chunk when it is done with its last (a dynamic schedule,
    /// `TaskCounter`). All of the work of a call is tasks, numbered in four phases; a task may read what any
    /// earlier phase wrote:
    ///
    ///  1. pack every Wˡ and (Wˡ⁺¹)ᵀ once for all chunks (`PrepackedB`), a share of a K-block per task;
    ///  2. the row chunks (forward, output error, hidden errors), reading the packed weights;
    ///  3. the bias sums, a share of a layer's columns per task, down all m rows; and the packing of every Δˡ for
    ///     the weight gradients, a share of a K-block per task;
    ///  4. the weight gradients, MC rows of one ∂Wˡ per task (largest layer first), reading the packed Δˡ.
    ///
    /// No thread waits for another except for tasks of an earlier phase still in progress: a thread that the host
    /// slows or stops for a while just takes fewer tasks, where an equal static split (the earlier design) ran at
    /// the speed of the slower thread. Which thread runs a task, and how the rows are chunked, changes nothing in
    /// any element's operations (the micro-kernel's chain for C[i, j] runs over K in order whatever tile holds it;
    /// each bias sum runs down all m rows in order), so every split gives the same bits. The losses ℓᵢ go into
    /// `losses[i]` and are summed in order afterwards, as the loop engine sums them.
    @usableFromInline
    struct RowPass<Hidden: ActivationKernel> where Hidden.Scalar == Scalar {
        @usableFromInline let workspace: Workspace
        @usableFromInline let output: OutputLayer
        @usableFromInline let parameters: UnsafePointer<UnsafePointer<Scalar>>
        /// The gradient table (∂W¹, ∂b¹, ∂W², …): the pass writes the ∂bˡ (and the ∂Wˡ with tasks).
        @usableFromInline let gradients: UnsafePointer<UnsafeMutablePointer<Scalar>>
        @usableFromInline let x: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>
        @usableFromInline let gemmWorkspaces: [GEMMWorkspace<Scalar>]
        /// The pool each product is split over when one thread runs the whole pass (a small batch).
        @usableFromInline let pool: WorkerPool?
        /// The prepacked operands of a pass run as tasks (`packedCapacity(sizes:examples:)` scalars).
        @usableFromInline let packed: UnsafeMutablePointer<Scalar>
        /// The task numbers of a pass run as tasks, reset before the call.
        @usableFromInline let tasks: TaskCounter
        @usableFromInline let records: Bool

        @inlinable
        init(workspace: Workspace, output: OutputLayer, parameters: UnsafePointer<UnsafePointer<Scalar>>,
             gradients: UnsafePointer<UnsafeMutablePointer<Scalar>>, x: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>,
             gemmWorkspaces: [GEMMWorkspace<Scalar>], pool: WorkerPool?, packed: UnsafeMutablePointer<Scalar>,
             tasks: TaskCounter, records: Bool) {
            self.workspace = workspace
            self.output = output
            self.parameters = parameters
            self.gradients = gradients
            self.x = x
            self.y = y
            self.gemmWorkspaces = gemmWorkspaces
            self.pool = pool
            self.packed = packed
            self.tasks = tasks
            self.records = records
        }

        // MARK: The schedule's arithmetic

        /// The fewest rows of a chunk (but the last): four register tiles. Smaller chunks would re-read the packed
        /// weights too often for the work they do.
        @inlinable static var minimumChunkRows: Int { 4 * GEMMBlocking<Scalar>.mr }

        /// The rows of the next chunk when `remaining` rows are left on `parts` threads: half of a thread's
        /// share of what is left, cut at a whole register tile, at least `minimumChunkRows`; all of them at the end.
        ///
        /// Chunks shrink as the batch runs out (guided self-scheduling): the first are large, so that few of them
        /// re-read the weights, and the last are small, so that a thread that finishes first waits for the other
        /// for a small chunk at most. With m = 256 on two threads: 60, 48, 36, 24, 24, 24, 24, 16.
        @inlinable
        static func chunkRows(remaining: Int, parts: Int) -> Int {
            let mr = GEMMBlocking<Scalar>.mr
            let size = max(minimumChunkRows, remaining / (2 * parts) / mr * mr)
            return remaining - size < mr ? remaining : min(size, remaining)
        }

        /// The number of row chunks for m examples on `parts` threads (see `chunkRows(remaining:parts:)`).
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

        /// The operands packed once per call, numbered: the forward products' Wˡ (l = 1…L), the hidden-error
        /// products' (Wˡ⁺¹)ᵀ (l = L−1…1), then the weight-gradient products' Δˡ (l = 1…L). Each is op(B) [k, n].
        @inlinable
        static func packedShape(_ index: Int, sizes: [Int], examples m: Int) -> (k: Int, n: Int) {
            let depth = sizes.count - 1
            if index < depth { return (sizes[index], sizes[index + 1]) }               // Wˡ, l = index + 1
            if index < 2 * depth - 1 {
                let l = 2 * depth - 1 - index                                          // (Wˡ⁺¹)ᵀ
                return (sizes[l + 1], sizes[l])
            }
            return (m, sizes[index - 2 * depth + 2])                                  // Δˡ
        }

        /// Where packed operand `index` starts in the packed buffer.
        @inlinable
        static func packedOffset(_ index: Int, sizes: [Int], examples m: Int) -> Int {
            var offset = 0
            for earlier in 0..<index {
                let (k, n) = packedShape(earlier, sizes: sizes, examples: m)
                offset += PrepackedB<Scalar>.capacity(n: n, k: k)
            }
            return offset
        }

        /// The scalars all the packed operands of a call on m examples take.
        @inlinable
        static func packedCapacity(sizes: [Int], examples m: Int) -> Int {
            packedOffset(3 * (sizes.count - 1) - 1, sizes: sizes, examples: m)
        }

        // MARK: The work

        @inline(__always) @inlinable func w(_ l: Int) -> UnsafePointer<Scalar> { parameters[2 * (l - 1)] }
        @inline(__always) @inlinable func bias(_ l: Int) -> UnsafePointer<Scalar> { parameters[2 * (l - 1) + 1] }
        @inline(__always) @inlinable func activation(_ l: Int) -> UnsafeMutablePointer<Scalar> {
            workspace.activations[l].pointer
        }
        @inline(__always) @inlinable func delta(_ l: Int) -> UnsafeMutablePointer<Scalar> {
            workspace.deltas[l].pointer
        }
        /// Aˡ⁻¹ for layer l: X itself for l = 1.
        @inline(__always) @inlinable func input(_ l: Int) -> UnsafePointer<Scalar> {
            l == 1 ? x : UnsafePointer(workspace.activations[l - 1].pointer)
        }

        /// The stored operand behind packed operand `index` (see `packedShape`).
        @inlinable
        func packedSource(_ index: Int) -> Operand<Scalar> {
            let sizes = workspace.sizes, depth = sizes.count - 1
            if index < depth { return Operand(w(index + 1), stride: sizes[index + 1]) }
            if index < 2 * depth - 1 {
                let l = 2 * depth - 1 - index
                return Operand(w(l + 1), stride: sizes[l + 1], transposed: true)
            }
            let l = index - 2 * depth + 2
            return Operand(delta(l), stride: sizes[l])
        }

        /// Forward, output error and hidden errors for examples `rows` of m. With `prepacked`, each product runs
        /// on these rows on this thread, reading B from the packed buffer (part `part`'s GEMM workspace); without,
        /// `rows` is the whole batch and each product is split over the pool, if any.
        @inlinable
        func forwardAndErrors(rows: Range<Int>, examples m: Int, prepacked: Bool, part: Int,
                              times: inout PhaseTimes, clock: inout UInt64) {
            let sizes = workspace.sizes, depth = sizes.count - 1, c = sizes[depth]
            let i0 = rows.lowerBound
            // C[rows] = start + op(A)[rows] · op(B), then the epilogue; B is packed operand `index`.
            @inline(__always)
            func product<E: TileEpilogue>(
                _ index: Int, n: Int, k: Int, a: Operand<Scalar>, b: Operand<Scalar>,
                c: UnsafeMutablePointer<Scalar>, start: GEMMStart<Scalar>, epilogue: E
            ) where E.Scalar == Scalar {
                if prepacked {
                    let packedB = packed + Self.packedOffset(index, sizes: sizes, examples: m)
                    gemmSingleThread(m: rows.count, n: n, k: k, a: a.offset(row: i0, column: 0), b: b,
                                     c: c + i0 * n, ldc: n, start: start, epilogue: epilogue, rowOffset: i0,
                                     columnOffset: 0, workspace: gemmWorkspaces[part],
                                     prepackedB: UnsafePointer(packedB))
                } else {
                    gemm(m: rows.count, n: n, k: k, a: a.offset(row: i0, column: 0), b: b, c: c + i0 * n, ldc: n,
                         start: start, epilogue: epilogue, workspaces: gemmWorkspaces, pool: pool)
                }
            }
            let zL = workspace.logits.pointer, losses = workspace.losses.pointer

            // Forward: Zˡ = Aˡ⁻¹ Wˡ + bˡ, then Aˡ = σ(Zˡ) in the same pass over each tile.
            for l in 1..<depth {
                product(l - 1, n: sizes[l], k: sizes[l - 1], a: Operand(input(l), stride: sizes[l - 1]),
                        b: Operand(w(l), stride: sizes[l]), c: activation(l), start: .bias(bias(l)),
                        epilogue: ActivationEpilogue<Hidden>())
            }
            product(depth - 1, n: c, k: sizes[depth - 1], a: Operand(input(depth), stride: sizes[depth - 1]),
                    b: Operand(w(depth), stride: c), c: zL, start: .bias(bias(depth)), epilogue: NoEpilogue<Scalar>())
            for i in rows {
                output.activate(zL + i * c, into: activation(depth) + i * c, count: c)
            }
            if records { Self.lap(&times.forward, &clock) }

            // Output error Δᴸ, row by row, and each example's loss.
            for i in rows {
                output.outputError(activation: activation(depth) + i * c, target: y + i * c,
                                   into: delta(depth) + i * c, count: c)
                losses[i] = output.exampleLoss(logits: zL + i * c, activation: activation(depth) + i * c,
                                               target: y + i * c, count: c)
            }
            if records { Self.lap(&times.outputError, &clock) }

            // Hidden errors: Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ), Wˡ⁺¹ read transposed.
            for l in stride(from: depth - 1, through: 1, by: -1) {
                product(2 * depth - 1 - l, n: sizes[l], k: sizes[l + 1],
                        a: Operand(delta(l + 1), stride: sizes[l + 1]),
                        b: Operand(w(l + 1), stride: sizes[l + 1], transposed: true), c: delta(l), start: .zero,
                        epilogue: DerivativeEpilogue<Hidden>(activations: activation(l), stride: sizes[l]))
            }
            if records { Self.lap(&times.hiddenErrors, &clock) }
        }

        /// The whole pass on one thread (each product split over the pool, if any), then the bias sums. The
        /// weight gradients are the engine's, after it.
        @inlinable
        func run(examples m: Int) -> PhaseTimes {
            let sizes = workspace.sizes, depth = sizes.count - 1
            var times = PhaseTimes()
            var clock = records ? MonotonicClock.nanoseconds() : 0
            forwardAndErrors(rows: 0..<m, examples: m, prepacked: false, part: 0, times: &times, clock: &clock)
            let scale = 1 / Scalar(m)
            for l in 1...depth {
                columnSums(rows: m, columns: sizes[l], delta(l), stride: sizes[l], scale: scale,
                           into: gradients[2 * (l - 1) + 1])
            }
            if records { Self.lap(&times.biasGradients, &clock) }
            return times
        }

        /// Thread `part`'s side of the pass run as tasks by `parts` threads at once: claims and runs tasks until
        /// none are left, and returns where its time went (a wait counts towards the phase of the task it
        /// preceded).
        @inlinable
        func runTasks(part: Int, of parts: Int, examples m: Int) -> PhaseTimes {
            let sizes = workspace.sizes, depth = sizes.count - 1
            let mc = GEMMBlocking<Scalar>.mc
            var times = PhaseTimes()
            var clock = records ? MonotonicClock.nanoseconds() : 0
            let scale = 1 / Scalar(m)
            // Phase 1: a share of one K-block of one weight matrix per task.
            var weightBlocks = 0
            for index in 0..<(2 * depth - 1) {
                let (k, n) = Self.packedShape(index, sizes: sizes, examples: m)
                weightBlocks += PrepackedB<Scalar>.blockCount(n: n, k: k)
            }
            let phase2 = weightBlocks * parts
            // Phase 2: the row chunks.
            let chunks = Self.chunkCount(examples: m, parts: parts)
            let phase3 = phase2 + chunks
            // Phase 3: a share of one layer's bias sums per task, then a share of one K-block of one Δˡ.
            var deltaBlocks = 0
            for l in 1...depth { deltaBlocks += PrepackedB<Scalar>.blockCount(n: sizes[l], k: m) }
            let biasTasks = depth * parts
            let phase4 = phase3 + biasTasks + deltaBlocks * parts
            // Phase 4: MC rows of one ∂Wˡ per task.
            var gradientTasks = 0
            for l in 1...depth { gradientTasks += (sizes[l - 1] + mc - 1) / mc }
            let end = phase4 + gradientTasks

            // Packs share `task % parts` of the (task / parts)-th block of the packed operands from `first` on.
            @inline(__always)
            func pack(_ task: Int, first: Int) {
                var block = task / parts
                var index = first
                while true {
                    let (k, n) = Self.packedShape(index, sizes: sizes, examples: m)
                    let count = PrepackedB<Scalar>.blockCount(n: n, k: k)
                    if block < count {
                        PrepackedB<Scalar>.pack(packedSource(index), k: k, n: n, block: block, share: task % parts,
                                                of: parts,
                                                into: packed + Self.packedOffset(index, sizes: sizes, examples: m))
                        return
                    }
                    block -= count
                    index += 1
                }
            }

            while true {
                let task = tasks.claim()
                if task >= end { break }
                if task < phase2 {
                    pack(task, first: 0)
                    if records { Self.lap(&times.forward, &clock) }
                } else if task < phase3 {
                    tasks.wait(untilFinished: phase2)
                    let rows = Self.rows(chunk: task - phase2, examples: m, parts: parts)
                    forwardAndErrors(rows: rows, examples: m, prepacked: true, part: part, times: &times, clock: &clock)
                } else if task < phase3 + biasTasks {
                    tasks.wait(untilFinished: phase3)
                    if records { Self.lap(&times.hiddenErrors, &clock) }  // waiting for the last chunks
                    let l = (task - phase3) / parts + 1, h = sizes[l]
                    let columns = Self.columns(part: (task - phase3) % parts, of: parts, width: h)
                    if !columns.isEmpty {
                        let j = columns.lowerBound
                        columnSums(rows: m, columns: columns.count, delta(l) + j, stride: h, scale: scale,
                                   into: gradients[2 * (l - 1) + 1] + j)
                    }
                    if records { Self.lap(&times.biasGradients, &clock) }
                } else if task < phase4 {
                    tasks.wait(untilFinished: phase3)
                    if records { Self.lap(&times.hiddenErrors, &clock) }
                    pack(task - phase3 - biasTasks, first: 2 * depth - 1)
                    if records { Self.lap(&times.weightGradients, &clock) }
                } else {
                    tasks.wait(untilFinished: phase4)
                    // Task t of layer l: rows t·MC… of ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ.
                    var t = task - phase4, l = 1
                    while t >= (sizes[l - 1] + mc - 1) / mc {
                        t -= (sizes[l - 1] + mc - 1) / mc
                        l += 1
                    }
                    let r0 = t * mc, r1 = min(sizes[l - 1], r0 + mc), n = sizes[l]
                    let packedDelta = packed + Self.packedOffset(2 * depth - 2 + l, sizes: sizes, examples: m)
                    gemmSingleThread(m: r1 - r0, n: n, k: m,
                                     a: Operand(input(l), stride: sizes[l - 1], transposed: true).offset(row: r0, column: 0),
                                     b: Operand(delta(l), stride: n), c: gradients[2 * (l - 1)] + r0 * n, ldc: n,
                                     start: .zero, epilogue: ScaleEpilogue(scale), rowOffset: r0, columnOffset: 0,
                                     workspace: gemmWorkspaces[part], prepackedB: UnsafePointer(packedDelta))
                    if records { Self.lap(&times.weightGradients, &clock) }
                }
                tasks.finish()
            }
            return times
        }

        /// Adds the time since `clock` to `phase` and restarts `clock`.
        @inlinable @inline(__always)
        static func lap(_ phase: inout Double, _ clock: inout UInt64) {
            let now = MonotonicClock.nanoseconds()
            phase += Double(now &- clock) * 1e-9
            clock = now
        }
    }

    /// The job a pool runs for a pass run as tasks: made once per hidden activation and kept by the engine, so a
    /// call only writes its parameters and allocates nothing.
    @usableFromInline
    final class RowPassJob<Hidden: ActivationKernel> where Hidden.Scalar == Scalar {
        /// Set for the length of one call; every part reads it.
        @usableFromInline var pass: RowPass<Hidden>?
        @usableFromInline var examples = 0, parts = 0
        /// The calling thread's (part 0's) phase times.
        @usableFromInline var times = PhaseTimes()
        @usableFromInline var body: ((Int) -> Void)?

        @inlinable init() {}

        @inlinable
        func run(part: Int) {
            let times = pass!.runTasks(part: part, of: parts, examples: examples)
            if part == 0 { self.times = times }
        }
    }
}
