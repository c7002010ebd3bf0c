/// Backpropagation for all m examples at once: the course note's matrix form, examples as rows.
///
///     Zˡ = Aˡ⁻¹ Wˡ + bˡ                [m, h_l] = [m, h_{l−1}] · [h_{l−1}, h_l] + [h_l] (every row)
///     Aˡ = σ(Zˡ)                       A⁰ = X
///     Δᴸ = Aᴸ − Y                      [m, c]   (or (Aᴸ − Y) ∘ σ′(Zᴸ) for sigmoid + squared error)
///     Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ)      [m, h_l] = [m, h_{l+1}] · [h_{l+1}, h_l] ∘ [m, h_l]
///     ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ           [h_{l−1}, h_l] = [h_{l−1}, m] · [m, h_l]
///     ∂bˡ = (1/m) Σᵢ Δˡ[i, :]          the column sums of Δˡ (NumPy's `np.sum(Δ, axis=0)`)
///
/// Each product is one call of the packed GEMM (GEMM.swift), reading transposed operands in place, with the cheap
/// element-wise work fused into it (TileEpilogues.swift): σ after the forward product, ∘ σ′ after the error
/// product, 1/m after the weight-gradient product. Row i of Δˡ is example i's δˡ: the same numbers the loop
/// engine computes, to the last bit (docs/bitwise-identity.md).
///
/// With `threads > 1` a batch of at least `rowSplitMinimumRows` examples per thread becomes a list of tasks that
/// the threads take in turn (`RowPass`): packing the weights, the forward and error pass on chunks of rows, the
/// bias sums by columns, and the weight gradients by rows of each ∂Wˡ; a smaller batch splits every product's
/// output instead (whole tiles of rows or columns) and sums the biases on one thread. No split ever divides a sum,
/// so the gradients are bitwise the same for any thread count. The matrices live in a workspace made on the first
/// call and grown only when a larger batch arrives, so steady-state calls allocate nothing.
///
/// - Complexity: 2m·(2·Σ h_{l−1}h_l + Σ_{l≥2} h_{l−1}h_l) flops in three GEMMs per layer.
public final class BatchEngine<Scalar: BackpropScalar>: BackpropEngine {
    public let name = "batch"
    /// The threads each matrix product may use.
    public let threads: Int
    /// When true, every call records where its time went in `phaseTimes`.
    public var recordsPhases = false
    /// The phase times of the last call, when `recordsPhases` is on.
    public var phaseTimes: PhaseTimes { lastPhaseTimes }
    @usableFromInline var lastPhaseTimes = PhaseTimes()

    @usableFromInline let pool: WorkerPool?
    @usableFromInline let gemmWorkspaces: [GEMMWorkspace<Scalar>]
    @usableFromInline var workspace: Workspace?
    /// The jobs of calls run as tasks, one per hidden activation, made on first use (see `RowPassJob`).
    @usableFromInline var rowPassJobs: [ObjectIdentifier: AnyObject] = [:]
    /// The task numbers of a pass run as tasks by several threads.
    @usableFromInline let rowPassTasks = TaskCounter()

    /// The fewest examples per thread for which a call runs as tasks over row chunks (one fork for the whole call,
    /// `RowPass`); a smaller batch splits each product by its larger side instead. The row chunks pay most where
    /// the products are small (784-30-10: its output and hidden-error products were too small to split at all).
    @inlinable public static var rowSplitMinimumRows: Int { 48 }

    /// A batch engine whose matrix products use `threads` threads (the calling one included).
    /// - Precondition: `threads ≥ 1`.
    public init(threads: Int = 1) {
        precondition(threads >= 1, "a batch engine needs at least one thread")
        self.threads = threads
        pool = threads > 1 ? WorkerPool(threadCount: threads) : nil
        gemmWorkspaces = (0..<threads).map { _ in GEMMWorkspace<Scalar>() }
    }

    /// The batch matrices, sized for one network shape and up to `capacity` examples.
    @usableFromInline
    final class Workspace {
        @usableFromInline let sizes: [Int]
        @usableFromInline private(set) var capacity = 0
        /// Aˡ for l = 1…L−1 (Zˡ overwritten in place) and Aᴸ.
        @usableFromInline let activations: [AlignedBuffer<Scalar>]
        /// Δˡ for l = 1…L.
        @usableFromInline let deltas: [AlignedBuffer<Scalar>]
        /// Zᴸ, kept for the loss.
        @usableFromInline let logits = AlignedBuffer<Scalar>()
        /// ℓᵢ, each example's loss, summed in order once all are known.
        @usableFromInline let losses = AlignedBuffer<Scalar>()
        /// The weights and errors packed once per call when several threads share the pass (`RowPass`).
        @usableFromInline let packedOperands = AlignedBuffer<Scalar>()
        @usableFromInline let parameters: UnsafeMutablePointer<UnsafePointer<Scalar>>
        @usableFromInline let gradients: UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>

        @usableFromInline
        init(sizes: [Int]) {
            self.sizes = sizes
            activations = sizes.map { _ in AlignedBuffer<Scalar>() }
            deltas = sizes.map { _ in AlignedBuffer<Scalar>() }
            parameters = .allocate(capacity: 2 * sizes.count)
            gradients = .allocate(capacity: 2 * sizes.count)
        }

        /// Makes room for m examples.
        @usableFromInline
        func reserve(examples m: Int) {
            guard m > capacity else { return }
            for l in 1..<sizes.count {
                activations[l].reserve(m * sizes[l])
                deltas[l].reserve(m * sizes[l])
            }
            logits.reserve(m * sizes[sizes.count - 1])
            losses.reserve(m)
            capacity = m
        }

        deinit {
            parameters.deallocate()
            gradients.deallocate()
        }
    }

    @inlinable
    public func computeGradients(
        of network: Network<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>,
        into gradients: inout Gradients<Scalar>
    ) throws {
        try network.validate(inputs: inputs, targets: targets)
        gradients.prepare(for: network)
        if workspace?.sizes != network.sizes { workspace = Workspace(sizes: network.sizes) }
        workspace!.reserve(examples: inputs.rows)
        switch network.hidden {
        case .sigmoid: run(SigmoidKernel<Scalar>.self, network, inputs, targets, &gradients)
        case .tanh: run(TanhKernel<Scalar>.self, network, inputs, targets, &gradients)
        case .relu: run(ReluKernel<Scalar>.self, network, inputs, targets, &gradients)
        case .identity: run(IdentityKernel<Scalar>.self, network, inputs, targets, &gradients)
        }
    }

    @inlinable
    func run<Hidden: ActivationKernel>(
        _: Hidden.Type, _ network: Network<Scalar>, _ inputs: Matrix<Scalar>, _ targets: Matrix<Scalar>,
        _ gradients: inout Gradients<Scalar>
    ) where Hidden.Scalar == Scalar {
        let workspace = self.workspace!
        let sizes = network.sizes, depth = network.layerCount
        let m = inputs.rows
        let pool = self.pool, gemmWorkspaces = self.gemmWorkspaces
        let record = recordsPhases
        // A batch with enough rows for every thread is split by rows for the whole forward and error pass.
        let rowParts = pool == nil ? 1 : min(threads, m / Self.rowSplitMinimumRows)
        if rowParts > 1 {
            workspace.packedOperands.reserve(RowPass<Hidden>.packedCapacity(sizes: sizes, examples: m))
        }
        var lossSum: Scalar = 0
        let scale = 1 / Scalar(m)

        withParameterPointers(network.layers, table: workspace.parameters) {
            withGradientPointers(&gradients.layers, table: workspace.gradients) {
                let grads = UnsafePointer(workspace.gradients)
                @inline(__always) func gw(_ l: Int) -> UnsafeMutablePointer<Scalar> { grads[2 * (l - 1)] }
                @inline(__always) func a(_ l: Int) -> UnsafeMutablePointer<Scalar> { workspace.activations[l].pointer }
                @inline(__always) func delta(_ l: Int) -> UnsafeMutablePointer<Scalar> { workspace.deltas[l].pointer }

                inputs.elements.withUnsafeBufferPointer { xs in
                    targets.elements.withUnsafeBufferPointer { ys in
                        let x = xs.baseAddress!
                        // Aˡ⁻¹ for layer l: X itself for l = 1.
                        @inline(__always) func input(_ l: Int) -> UnsafePointer<Scalar> {
                            l == 1 ? x : UnsafePointer(a(l - 1))
                        }
                        // Forward, output error, hidden errors and bias gradients: on every thread's rows (and
                        // then columns) at once, or on all the rows with each product split over the threads.
                        let pass = RowPass<Hidden>(
                            workspace: workspace, output: network.output, parameters: workspace.parameters,
                            gradients: grads, x: x,
                            y: ys.baseAddress!, gemmWorkspaces: gemmWorkspaces, pool: pool,
                            packed: workspace.packedOperands.pointer, tasks: rowPassTasks, records: record)
                        var clock = record ? MonotonicClock.nanoseconds() : 0
                        // The losses in example order, as the loop engine adds them. (Returned, not added to
                        // `lossSum` here: a local variable captured by a nested function is boxed on the heap.)
                        @inline(__always) func sumOfLosses() -> Scalar {
                            let losses = workspace.losses.pointer
                            var sum: Scalar = 0
                            for i in 0..<m { sum += losses[i] }
                            return sum
                        }
                        if let pool, rowParts > 1 {
                            // Everything, weight gradients included, as tasks the threads take in turn.
                            let job = rowPassJob(Hidden.self)
                            job.pass = pass
                            job.examples = m
                            job.parts = rowParts
                            rowPassTasks.reset()
                            pool.run(parts: rowParts, job.body!)
                            job.pass = nil
                            lastPhaseTimes = job.times
                            lossSum = sumOfLosses()
                            if record {
                                // What the calling thread waited for the others at the join (they were finishing
                                // their last weight-gradient tasks) counts as weight-gradient time.
                                let now = MonotonicClock.nanoseconds()
                                lastPhaseTimes.weightGradients += Double(now &- clock) * 1e-9 - lastPhaseTimes.total
                            }
                            return
                        }
                        lastPhaseTimes = pass.run(examples: m)
                        lossSum = sumOfLosses()
                        if record { clock = MonotonicClock.nanoseconds() }
                        // The times go straight into the engine (a class): a local captured by `lap` would be
                        // boxed on the heap.
                        @inline(__always) func lap(_ phase: WritableKeyPath<PhaseTimes, Double>) {
                            guard record else { return }
                            let now = MonotonicClock.nanoseconds()
                            self.lastPhaseTimes[keyPath: phase] += Double(now &- clock) * 1e-9
                            clock = now
                        }

                        // ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ, Aˡ⁻¹ read transposed in place.
                        for l in 1...depth {
                            gemm(m: sizes[l - 1], n: sizes[l], k: m,
                                 a: Operand(input(l), stride: sizes[l - 1], transposed: true),
                                 b: Operand(delta(l), stride: sizes[l]),
                                 c: gw(l), ldc: sizes[l], start: .zero, epilogue: ScaleEpilogue(scale),
                                 workspaces: gemmWorkspaces, pool: pool)
                        }
                        lap(\.weightGradients)
                    }
                }
            }
        }
        gradients.loss = lossSum * scale
    }

    /// The job of a call run as tasks for `Hidden`, made (with its closure) the first time.
    @inlinable
    func rowPassJob<Hidden: ActivationKernel>(_: Hidden.Type) -> RowPassJob<Hidden> where Hidden.Scalar == Scalar {
        if let job = rowPassJobs[ObjectIdentifier(Hidden.self)] {
            return unsafeDowncast(job, to: RowPassJob<Hidden>.self)
        }
        let job = RowPassJob<Hidden>()
        job.body = { [unowned job] part in job.run(part: part) }
        rowPassJobs[ObjectIdentifier(Hidden.self)] = job
        return job
    }
}
