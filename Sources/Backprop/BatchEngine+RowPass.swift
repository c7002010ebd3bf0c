extension BatchEngine {
    /// The part of backpropagation that works row by row: the forward pass, the output error and the hidden
    /// errors, for examples `rows` of the batch; then the bias gradients, for columns `columns` of every layer.
    ///
    ///     Zˡ[rows] = Aˡ⁻¹[rows] Wˡ + bˡ, Aˡ = σ(Zˡ)          [r, h_l] = [r, h_{l−1}] · [h_{l−1}, h_l] + [h_l]
    ///     Δᴸ[rows] = Aᴸ[rows] − Y[rows], ℓᵢ for i in rows   [r, c]
    ///     Δˡ[rows] = (Δˡ⁺¹[rows] (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ[rows])     [r, h_l] = [r, h_{l+1}] · [h_{l+1}, h_l]
    ///     ∂bˡ[columns] = (1/m) Σᵢ Δˡ[i, columns]            [h_l share] from [m, h_l]
    ///
    /// Row i of every one of these matrices depends on row i of X and Y and on the parameters only. So with
    /// threads, a large batch is split once, by rows, for this whole pass: each thread runs it on its own run of
    /// equal share of the rows, with no join between the products (one fork for 2L − 1 products instead of
    /// one per product). The threads still pack each Wˡ together (`SharedPackedB`), each packing a share of the
    /// slivers and waiting for the others once per K-block. The weight gradients (Aˡ⁻¹)ᵀ Δˡ sum over all rows, so
    /// they come after the pass, each product split over the threads by its own output. The bias gradients sum
    /// over all rows too, but they are cheap and their Δˡ was just written: so the parts wait for each other once
    /// at the end of the pass and then each sums its own share of every layer's columns, while Δˡ is still in
    /// cache (`columnSums`).
    ///
    /// Which rows a thread computes changes nothing in any element's operations (the micro-kernel's chain for
    /// C[i, j] runs over K in order whatever tile holds it), so the pass gives the same bits for any split.
    /// The losses ℓᵢ go into `losses[i]` and are summed in order afterwards, as the loop engine sums them. Each
    /// bias element's chain runs down all m rows in order whichever part sums its column.
    @usableFromInline
    struct RowPass<Hidden: ActivationKernel> where Hidden.Scalar == Scalar {
        @usableFromInline let workspace: Workspace
        @usableFromInline let output: OutputLayer
        @usableFromInline let parameters: UnsafePointer<UnsafePointer<Scalar>>
        /// The gradient table (∂W¹, ∂b¹, ∂W², …): the pass writes the ∂bˡ.
        @usableFromInline let gradients: UnsafePointer<UnsafeMutablePointer<Scalar>>
        @usableFromInline let x: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>
        @usableFromInline let gemmWorkspaces: [GEMMWorkspace<Scalar>]
        /// The pool each product is split over when one thread runs the whole pass (a small batch).
        @usableFromInline let pool: WorkerPool?
        /// The packed-B buffer (two blocks of `sharedBlockCapacity`) and barrier of a pass split by rows.
        @usableFromInline let sharedB: UnsafeMutablePointer<Scalar>, sharedBlockCapacity: Int
        @usableFromInline let barrier: SpinBarrier
        @usableFromInline let records: Bool

        @inlinable
        init(workspace: Workspace, output: OutputLayer, parameters: UnsafePointer<UnsafePointer<Scalar>>,
             gradients: UnsafePointer<UnsafeMutablePointer<Scalar>>, x: UnsafePointer<Scalar>, y: UnsafePointer<Scalar>, gemmWorkspaces: [GEMMWorkspace<Scalar>],
             pool: WorkerPool?, sharedB: UnsafeMutablePointer<Scalar>, sharedBlockCapacity: Int,
             barrier: SpinBarrier, records: Bool) {
            self.workspace = workspace
            self.output = output
            self.parameters = parameters
            self.gradients = gradients
            self.x = x
            self.y = y
            self.gemmWorkspaces = gemmWorkspaces
            self.pool = pool
            self.sharedB = sharedB
            self.sharedBlockCapacity = sharedBlockCapacity
            self.barrier = barrier
            self.records = records
        }

        /// The rows of part `part` of `parts`: equal shares, to a row. (Whole register tiles would not be fairer:
        /// each part's last tile is ragged either way, and 256 rows would split 126 + 130, not 128 + 128.)
        @inlinable
        static func rows(part: Int, of parts: Int, examples m: Int) -> Range<Int> {
            m * part / parts..<m * (part + 1) / parts
        }

        /// The columns of part `part` of `parts` of a layer of `width` units, for the bias sums: equal shares cut at
        /// whole vectors, so that only the last part's last vector can be partial (10 Doubles: 0..<4 and 4..<10).
        @inlinable
        static func columns(part: Int, of parts: Int, width: Int) -> Range<Int> {
            let lanes = Scalar.Vector.scalarCount
            @inline(__always) func cut(_ p: Int) -> Int { p == parts ? width : width * p / parts / lanes * lanes }
            return cut(part)..<cut(part + 1)
        }

        /// The scalars of one shared packed block big enough for every product of the pass on `sizes`.
        @inlinable
        static func sharedBlockCapacity(sizes: [Int]) -> Int {
            var capacity = 0
            for l in 1..<sizes.count {
                capacity = max(capacity, GEMMBlocking<Scalar>.packedBlockCapacity(n: sizes[l], k: sizes[l - 1]))
                if l + 1 < sizes.count {
                    capacity = max(capacity, GEMMBlocking<Scalar>.packedBlockCapacity(n: sizes[l], k: sizes[l + 1]))
                }
            }
            return capacity
        }

        /// Runs the pass on part `part` of `parts` of the m examples, and returns where its time went (forward,
        /// output error, hidden errors, bias gradients) when `records` is on.
        ///
        /// - Precondition: with `parts > 1`, every part runs at the same time (they meet at the shared packing's
        ///   barrier) and holds more than two rows: a part of one or two rows would take the matrix–vector path,
        ///   which packs nothing, and never reach the barrier the others wait at. (The engine gives each part at
        ///   least `rowSplitMinimumRows`.)
        @inlinable
        func run(part: Int, of parts: Int, examples m: Int) -> PhaseTimes {
            let sizes = workspace.sizes, depth = sizes.count - 1, c = sizes[depth]
            let rows = Self.rows(part: part, of: parts, examples: m)
            precondition(parts == 1 || rows.count > 2, "a row-split part of \(rows.count) rows would never reach the barrier")
            let i0 = rows.lowerBound
            var times = PhaseTimes()
            var clock = records ? MonotonicClock.nanoseconds() : 0
            // The shared packing's block index, carried from product to product (see `SharedPackedB`).
            var block = 0

            // C[rows] = start + op(A)[rows] · op(B), then the epilogue. (`block` is passed, not captured: a
            // captured variable would be boxed on the heap.)
            @inline(__always)
            func product<E: TileEpilogue>(
                _ block: inout Int, n: Int, k: Int, a: Operand<Scalar>, b: Operand<Scalar>,
                c: UnsafeMutablePointer<Scalar>, start: GEMMStart<Scalar>, epilogue: E
            ) where E.Scalar == Scalar {
                if parts == 1 {
                    gemm(m: m, n: n, k: k, a: a, b: b, c: c, ldc: n, start: start, epilogue: epilogue,
                         workspaces: gemmWorkspaces, pool: pool)
                    return
                }
                // The parts share the packing of B when it has more than a few rows to pack.
                var shared: SharedPackedB<Scalar>?
                if k > 8 {
                    shared = SharedPackedB(buffer: sharedB, blockCapacity: sharedBlockCapacity, part: part,
                                           parts: parts, barrier: barrier, firstBlock: block)
                    block += GEMMBlocking<Scalar>.packedBlockCount(n: n, k: k)
                }
                gemmSingleThread(m: rows.count, n: n, k: k, a: a.offset(row: i0, column: 0), b: b, c: c + i0 * n,
                                 ldc: n, start: start, epilogue: epilogue, rowOffset: i0, columnOffset: 0,
                                 workspace: gemmWorkspaces[part], sharedB: shared)
            }
            @inline(__always) func w(_ l: Int) -> UnsafePointer<Scalar> { parameters[2 * (l - 1)] }
            @inline(__always) func bias(_ l: Int) -> UnsafePointer<Scalar> { parameters[2 * (l - 1) + 1] }
            @inline(__always) func activation(_ l: Int) -> UnsafeMutablePointer<Scalar> {
                workspace.activations[l].pointer
            }
            @inline(__always) func delta(_ l: Int) -> UnsafeMutablePointer<Scalar> { workspace.deltas[l].pointer }
            // Aˡ⁻¹ for layer l: X itself for l = 1.
            @inline(__always) func input(_ l: Int) -> UnsafePointer<Scalar> {
                l == 1 ? x : UnsafePointer(workspace.activations[l - 1].pointer)
            }
            let zL = workspace.logits.pointer, losses = workspace.losses.pointer

            // Forward: Zˡ = Aˡ⁻¹ Wˡ + bˡ, then Aˡ = σ(Zˡ) in the same pass over each tile.
            for l in 1..<depth {
                product(&block, n: sizes[l], k: sizes[l - 1], a: Operand(input(l), stride: sizes[l - 1]),
                        b: Operand(w(l), stride: sizes[l]), c: activation(l), start: .bias(bias(l)),
                        epilogue: ActivationEpilogue<Hidden>())
            }
            product(&block, n: c, k: sizes[depth - 1], a: Operand(input(depth), stride: sizes[depth - 1]),
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

            // Hidden errors: Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ), Wˡ⁺¹ read transposed in place.
            for l in stride(from: depth - 1, through: 1, by: -1) {
                product(&block, n: sizes[l], k: sizes[l + 1], a: Operand(delta(l + 1), stride: sizes[l + 1]),
                        b: Operand(w(l + 1), stride: sizes[l + 1], transposed: true), c: delta(l), start: .zero,
                        epilogue: DerivativeEpilogue<Hidden>(activations: activation(l), stride: sizes[l]))
            }
            // Bias gradients: ∂bˡ = (1/m) Σᵢ Δˡ[i, :] needs every part's rows of Δˡ, so the parts meet first (the
            // wait counts as hidden-error time), then each sums its share of the columns down all m rows.
            if parts > 1 { barrier.wait(parties: parts) }
            if records { Self.lap(&times.hiddenErrors, &clock) }
            let scale = 1 / Scalar(m)
            for l in 1...depth {
                let h = sizes[l], columns = Self.columns(part: part, of: parts, width: h)
                guard !columns.isEmpty else { continue }
                let j = columns.lowerBound
                columnSums(rows: m, columns: columns.count, delta(l) + j, stride: h, scale: scale,
                           into: gradients[2 * (l - 1) + 1] + j)
            }
            if records { Self.lap(&times.biasGradients, &clock) }
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

    /// The job a pool runs for a row-split pass: made once per hidden activation and kept by the engine, so a
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
            let times = pass!.run(part: part, of: parts, examples: examples)
            if part == 0 { self.times = times }
        }
    }
}
