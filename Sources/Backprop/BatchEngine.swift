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
/// With `threads > 1` each product's output is split between threads (whole tiles of rows or columns, never the
/// sum), so the gradients are bitwise the same for any thread count. The matrices live in a workspace made on the
/// first call and grown only when a larger batch arrives, so steady-state calls allocate nothing.
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
        let sizes = network.sizes, depth = network.layerCount, output = network.output
        let m = inputs.rows, c = sizes[depth]
        let pool = self.pool, gemmWorkspaces = self.gemmWorkspaces
        let record = recordsPhases
        // The times go straight into the engine (a class): a local captured by `lap` would be boxed on the heap.
        lastPhaseTimes = PhaseTimes()
        var lossSum: Scalar = 0
        let scale = 1 / Scalar(m)

        withParameterPointers(network.layers, table: workspace.parameters) {
            withGradientPointers(&gradients.layers, table: workspace.gradients) {
                let params = UnsafePointer(workspace.parameters), grads = UnsafePointer(workspace.gradients)
                @inline(__always) func w(_ l: Int) -> UnsafePointer<Scalar> { params[2 * (l - 1)] }
                @inline(__always) func b(_ l: Int) -> UnsafePointer<Scalar> { params[2 * (l - 1) + 1] }
                @inline(__always) func gw(_ l: Int) -> UnsafeMutablePointer<Scalar> { grads[2 * (l - 1)] }
                @inline(__always) func gb(_ l: Int) -> UnsafeMutablePointer<Scalar> { grads[2 * (l - 1) + 1] }
                @inline(__always) func a(_ l: Int) -> UnsafeMutablePointer<Scalar> { workspace.activations[l].pointer }
                @inline(__always) func delta(_ l: Int) -> UnsafeMutablePointer<Scalar> { workspace.deltas[l].pointer }
                let zL = workspace.logits.pointer

                inputs.elements.withUnsafeBufferPointer { xs in
                    targets.elements.withUnsafeBufferPointer { ys in
                        let x = xs.baseAddress!, y = ys.baseAddress!
                        // Aˡ⁻¹ for layer l: X itself for l = 1.
                        @inline(__always) func input(_ l: Int) -> UnsafePointer<Scalar> {
                            l == 1 ? x : UnsafePointer(a(l - 1))
                        }
                        var clock = record ? MonotonicClock.nanoseconds() : 0
                        @inline(__always) func lap(_ phase: WritableKeyPath<PhaseTimes, Double>) {
                            guard record else { return }
                            let now = MonotonicClock.nanoseconds()
                            self.lastPhaseTimes[keyPath: phase] += Double(now &- clock) * 1e-9
                            clock = now
                        }

                        // Forward: Zˡ = Aˡ⁻¹ Wˡ + bˡ, then Aˡ = σ(Zˡ) in the same pass over each tile.
                        for l in 1..<depth {
                            gemm(m: m, n: sizes[l], k: sizes[l - 1],
                                 a: Operand(input(l), stride: sizes[l - 1]), b: Operand(w(l), stride: sizes[l]),
                                 c: a(l), ldc: sizes[l], start: .bias(b(l)), epilogue: ActivationEpilogue<Hidden>(),
                                 workspaces: gemmWorkspaces, pool: pool)
                        }
                        gemm(m: m, n: c, k: sizes[depth - 1],
                             a: Operand(input(depth), stride: sizes[depth - 1]), b: Operand(w(depth), stride: c),
                             c: zL, ldc: c, start: .bias(b(depth)), epilogue: NoEpilogue<Scalar>(),
                             workspaces: gemmWorkspaces, pool: pool)
                        for i in 0..<m {
                            output.activate(zL + i * c, into: a(depth) + i * c, count: c)
                        }
                        lap(\.forward)

                        // Output error Δᴸ, row by row, and the loss summed over examples in order.
                        for i in 0..<m {
                            output.outputError(activation: a(depth) + i * c, target: y + i * c,
                                               into: delta(depth) + i * c, count: c)
                            lossSum += output.exampleLoss(logits: zL + i * c, activation: a(depth) + i * c,
                                                          target: y + i * c, count: c)
                        }
                        lap(\.outputError)

                        // Hidden errors: Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ), Wˡ⁺¹ read transposed in place.
                        for l in stride(from: depth - 1, through: 1, by: -1) {
                            gemm(m: m, n: sizes[l], k: sizes[l + 1],
                                 a: Operand(delta(l + 1), stride: sizes[l + 1]),
                                 b: Operand(w(l + 1), stride: sizes[l + 1], transposed: true),
                                 c: delta(l), ldc: sizes[l], start: .zero,
                                 epilogue: DerivativeEpilogue<Hidden>(activations: a(l), stride: sizes[l]),
                                 workspaces: gemmWorkspaces, pool: pool)
                        }
                        lap(\.hiddenErrors)

                        // ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ, Aˡ⁻¹ read transposed in place.
                        for l in 1...depth {
                            gemm(m: sizes[l - 1], n: sizes[l], k: m,
                                 a: Operand(input(l), stride: sizes[l - 1], transposed: true),
                                 b: Operand(delta(l), stride: sizes[l]),
                                 c: gw(l), ldc: sizes[l], start: .zero, epilogue: ScaleEpilogue(scale),
                                 workspaces: gemmWorkspaces, pool: pool)
                        }
                        lap(\.weightGradients)

                        // ∂bˡ = (1/m) Σᵢ Δˡ[i, :]: the column sums, row after row, then 1/m.
                        for l in 1...depth {
                            let h = sizes[l], sum = gb(l)
                            sum.update(repeating: 0, count: h)
                            for i in 0..<m {
                                mapVectors(h, sum, delta(l) + i * h, sum) { $0 + $1 }
                            }
                            mapVectors(h, sum, sum) { $0 * scale }
                        }
                        lap(\.biasGradients)
                    }
                }
            }
        }
        gradients.loss = lossSum * scale
    }
}
