/// Backpropagation for all m examples at once: the course note's matrix form, examples as rows. The same
/// operations as `MatrixForm` (MatrixForm.swift, the equations as plain code), fused and threaded.
///
///     Zˡ = Aˡ⁻¹ Wˡ + bˡ                [m, h_l] = [m, h_{l−1}] · [h_{l−1}, h_l] + [h_l] (every row)
///     Aˡ = σ(Zˡ)                       A⁰ = X
///     Δᴸ = Aᴸ − Y                      [m, c]   (or (Aᴸ − Y) ∘ σ′(Zᴸ) for sigmoid + squared error)
///     Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ)      [m, h_l] = [m, h_{l+1}] · [h_{l+1}, h_l] ∘ [m, h_l]
///     ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ           [h_{l−1}, h_l] = [h_{l−1}, m] · [m, h_l]
///     ∂bˡ = (1/m) Σᵢ Δˡ[i, :]          the column sums of Δˡ (NumPy's `np.sum(Δ, axis=0)`)
///
/// Each step is written once, in `Steps` (BatchEngine+Steps.swift): every product is one call of the packed GEMM
/// (Kernels/GEMM/), which reads transposed operands in place and fuses the element-wise work into its tiles. Row i
/// of Δˡ is example i's δˡ: the same numbers the loop engine computes, to the last bit (docs/bitwise-identity.md).
/// With `threads > 1`, `Schedule` (BatchEngine+Schedule.swift) shares each step between the threads without
/// changing any element's operations, so the gradients are the same for any thread count. The matrices live in a
/// workspace made on the first call and grown only when a larger batch arrives: steady-state calls allocate nothing.
///
/// - Complexity: 2m·(2·Σ h_{l−1}h_l + Σ_{l≥2} h_{l−1}h_l) flops in three GEMMs per layer.
public final class BatchEngine<Scalar: BackpropScalar>: BackpropEngine, KernelSpecialized {
    public let name = "batch"
    /// The threads each call may use (the calling one included).
    public let threads: Int
    /// When true, every call records where its time went in `phaseTimes`.
    public var recordsPhases = false
    /// The phase times of the last call, when `recordsPhases` is on.
    public var phaseTimes: PhaseTimes { lastPhaseTimes }
    @usableFromInline var lastPhaseTimes = PhaseTimes()

    @usableFromInline let pool: WorkerPool?
    @usableFromInline let gemmWorkspaces: [GEMMWorkspace<Scalar>]
    @usableFromInline var workspace: Workspace?
    /// The jobs of calls run as tasks, one per hidden activation, made on first use (`stepJob`).
    @usableFromInline var stepJobs: [ObjectIdentifier: AnyObject] = [:]
    /// The task numbers of a step run as tasks.
    @usableFromInline let taskCounter = TaskCounter()

    /// A batch engine that runs on `pool`'s threads (the calling one included), or on the calling thread alone.
    /// Engines may share a pool, as long as no two of them are called at the same time.
    public init(pool: WorkerPool?) {
        threads = pool?.threadCount ?? 1
        self.pool = pool
        gemmWorkspaces = GEMMWorkspace.perThread(of: pool)
    }

    /// A batch engine with a pool of its own of `threads` threads (the calling one included).
    /// - Precondition: `threads ≥ 1`.
    public convenience init(threads: Int = 1) {
        self.init(pool: WorkerPool.forThreads(threads))
    }

    // Compiled for Double and Float here, for every caller: one that reaches it unspecialized (through
    // `AnyBackpropEngine` or a protocol's witness) would otherwise run the generic kernels many times slower. Not
    // @inlinable: its specializations inline the whole GEMM, and serialized into the module for each caller's copy
    // they made the release module too large for the compiler to read back (over 2^31 bits with the AVX-512 tile).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func computeGradients(
        of network: Network<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>,
        into gradients: inout Gradients<Scalar>
    ) throws {
        try specializedGradients(network, inputs, targets, &gradients)
    }

    @inlinable
    func prepareWorkspace(for network: Network<Scalar>, examples: Int) {
        if workspace?.sizes != network.sizes { workspace = Workspace(sizes: network.sizes) }
        workspace!.reserve(examples: examples, packed: parts(examples: examples) > 1)
    }

    /// The matrix form, with σ = `Hidden`: the five steps in the note's order, each on all m examples.
    @inlinable
    func run<Hidden: ActivationKernel>(
        _: Hidden.Type, _ network: Network<Scalar>, _ inputs: Matrix<Scalar>, _ targets: Matrix<Scalar>,
        _ gradients: inout Gradients<Scalar>
    ) where Hidden.Scalar == Scalar {
        let workspace = self.workspace!
        let m = inputs.rows
        var clock = PhaseClock(isOn: recordsPhases)
        let loss = workspace.layers.withPointers(parameters: network.layers, gradients: &gradients.layers) { layer in
            inputs.elements.withUnsafeBufferPointer { x in
                targets.elements.withUnsafeBufferPointer { y in
                    let steps = Steps<Hidden>(layer: layer, h: network.sizes, output: network.output,
                                              x: x.baseAddress!, y: y.baseAddress!, logits: workspace.logits.pointer,
                                              losses: workspace.losses.pointer, examples: m)
                    let schedule = schedule(steps, examples: m)

                    schedule.forward()            // Zˡ = Aˡ⁻¹ Wˡ + bˡ, Aˡ = σ(Zˡ)       l = 1…L
                    clock.lap(.forward)
                    schedule.outputError()        // Δᴸ = Aᴸ − Y, and each ℓᵢ
                    clock.lap(.outputError)
                    schedule.hiddenErrors()       // Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ)     l = L−1…1
                    clock.lap(.hiddenErrors)
                    schedule.weightGradients()    // ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ            l = 1…L
                    clock.lap(.weightGradients)
                    schedule.biasGradients()      // ∂bˡ = (1/m) Σᵢ Δˡ[i, :]            l = 1…L
                    clock.lap(.biasGradients)
                    return steps.meanLoss()       // 𝓛 = (1/m) Σᵢ ℓᵢ
                }
            }
        }
        gradients.loss = loss
        lastPhaseTimes = clock.times
    }

    /// The threads that share a call on m examples as tasks: 1 (each product split instead) below
    /// `rowSplitMinimumRows` examples per thread.
    @inlinable
    func parts(examples m: Int) -> Int {
        pool == nil ? 1 : min(threads, m / Self.rowSplitMinimumRows)
    }

    /// How this call's steps are shared between the threads (`Schedule`).
    @inlinable
    func schedule<Hidden: ActivationKernel>(_ steps: Steps<Hidden>, examples m: Int) -> Schedule<Hidden>
    where Hidden.Scalar == Scalar {
        let whole = Products(workspaces: gemmWorkspaces, pool: pool)
        let parts = parts(examples: m)
        guard parts > 1 else { return Schedule(steps: steps, whole: whole, job: nil, pool: pool) }
        let job = stepJob(Hidden.self)
        job.tasks = Tasks(steps: steps,
                          packed: PackedOperands(base: workspace!.packedOperands.pointer, h: steps.h, examples: m),
                          workspaces: gemmWorkspaces, counter: taskCounter, parts: parts)
        return Schedule(steps: steps, whole: whole, job: job, pool: pool)
    }
}

extension BatchEngine: RecordsPhases {}
