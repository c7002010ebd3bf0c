/// Backpropagation one example at a time: the course note's equations for a single column vector, run for each
/// of the m examples, summed, and scaled by 1/m.
///
/// For each example x (a row of X, read in place as the column a⁰ = x):
///
///     zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ            [h_l] = [h_{l−1}, h_l]ᵀ · [h_{l−1}] + [h_l]     l = 1…L
///     aˡ = σ(zˡ)
///     δᴸ = aᴸ − y                    (or (aᴸ − y) ∘ σ′(zᴸ) for sigmoid + squared error)
///     δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′(zˡ)       [h_l] = [h_l, h_{l+1}] · [h_{l+1}] ∘ [h_l]      l = L−1…1
///     ∂Wˡ += aˡ⁻¹ (δˡ)ᵀ               [h_{l−1}, h_l] = [h_{l−1}, 1] · [1, h_l]
///     ∂bˡ += δˡ
///
/// and after the last example ∂Wˡ ← (1/m) ∂Wˡ, ∂bˡ ← (1/m) ∂bˡ, L = (1/m) Σ ℓ. (The sums start from +0 and the
/// 1/m is applied inside the first and last examples' updates of ∂Wˡ, which saves two passes over it: the same
/// operations in the same order.)
///
/// Written to be fast, not a strawman: per example it touches each weight and each gradient once, with SIMD
/// kernels that hold a block of outputs in registers (VectorKernels.swift), and it allocates nothing: its vectors
/// live in a workspace made on the first call and reused while the network's sizes stay the same.
///
/// Bitwise identical to `BatchEngine`: both perform, for every gradient element, the same operations in the same
/// order (docs/bitwise-identity.md).
///
/// - Complexity: per example ≈ 2·Σ h_{l−1}h_l (forward) + 2·Σ_{l≥2} h_{l−1}h_l (errors) + 2·Σ h_{l−1}h_l (∂W)
///   flops, streaming every Wˡ and ∂Wˡ once per example.
public final class LoopEngine<Scalar: BackpropScalar>: BackpropEngine {
    public let name = "loop"
    /// When true, every call records where its time went in `phaseTimes` (costs a clock read per phase and example).
    public var recordsPhases = false
    /// The phase times of the last call, when `recordsPhases` is on.
    public var phaseTimes: PhaseTimes { lastPhaseTimes }
    @usableFromInline var lastPhaseTimes = PhaseTimes()

    @usableFromInline var workspace: Workspace?

    public init() {}

    /// The per-example vectors, sized for one network shape.
    @usableFromInline
    final class Workspace {
        @usableFromInline let sizes: [Int]
        /// aˡ for l = 1…L (hidden ones overwrite zˡ in place), at `offsets[l]`.
        @usableFromInline let activations: AlignedBuffer<Scalar>
        /// δˡ for l = 1…L, at `offsets[l]`.
        @usableFromInline let deltas: AlignedBuffer<Scalar>
        /// zᴸ, kept for the loss.
        @usableFromInline let logits: AlignedBuffer<Scalar>
        @usableFromInline let offsets: [Int]
        @usableFromInline let parameters: UnsafeMutablePointer<UnsafePointer<Scalar>>
        @usableFromInline let gradients: UnsafeMutablePointer<UnsafeMutablePointer<Scalar>>

        @usableFromInline
        init(sizes: [Int]) {
            self.sizes = sizes
            var offsets = [0, 0]
            for l in 1..<sizes.count { offsets.append(offsets[l] + sizes[l]) }
            self.offsets = offsets
            activations = AlignedBuffer(capacity: offsets[sizes.count])
            deltas = AlignedBuffer(capacity: offsets[sizes.count])
            logits = AlignedBuffer(capacity: sizes[sizes.count - 1])
            parameters = .allocate(capacity: 2 * sizes.count)
            gradients = .allocate(capacity: 2 * sizes.count)
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
        let m = inputs.rows, n = sizes[0], c = sizes[depth]
        let act = workspace.activations.pointer, del = workspace.deltas.pointer, zL = workspace.logits.pointer
        let offsets = workspace.offsets
        let record = recordsPhases
        // The times go straight into the engine (a class): a local captured by `lap` would be boxed on the heap.
        lastPhaseTimes = PhaseTimes()
        var lossSum: Scalar = 0

        withParameterPointers(network.layers, table: workspace.parameters) {
            withGradientPointers(&gradients.layers, table: workspace.gradients) {
                let params = UnsafePointer(workspace.parameters), grads = UnsafePointer(workspace.gradients)
                @inline(__always) func w(_ l: Int) -> UnsafePointer<Scalar> { params[2 * (l - 1)] }
                @inline(__always) func b(_ l: Int) -> UnsafePointer<Scalar> { params[2 * (l - 1) + 1] }
                @inline(__always) func gw(_ l: Int) -> UnsafeMutablePointer<Scalar> { grads[2 * (l - 1)] }
                @inline(__always) func gb(_ l: Int) -> UnsafeMutablePointer<Scalar> { grads[2 * (l - 1) + 1] }
                @inline(__always) func a(_ l: Int) -> UnsafeMutablePointer<Scalar> { act + offsets[l] }
                @inline(__always) func delta(_ l: Int) -> UnsafeMutablePointer<Scalar> { del + offsets[l] }

                // The sums over examples start from +0: ∂b here, ∂W inside the first example's rank-one update.
                let scale = 1 / Scalar(m)
                for l in 1...depth { gb(l).update(repeating: 0, count: sizes[l]) }
                inputs.elements.withUnsafeBufferPointer { xs in
                    targets.elements.withUnsafeBufferPointer { ys in
                        for example in 0..<m {
                            let x = xs.baseAddress! + example * n, y = ys.baseAddress! + example * c
                            // aˡ⁻¹ for layer l: the example itself for l = 1.
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

                            // Forward: zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ, aˡ = σ(zˡ).
                            for l in 1..<depth {
                                affineForward(k: sizes[l - 1], n: sizes[l], x: input(l), w: w(l), bias: b(l), z: a(l))
                                mapVectors(sizes[l], a(l), a(l)) { Hidden.value($0) }
                            }
                            affineForward(k: sizes[depth - 1], n: c, x: input(depth), w: w(depth), bias: b(depth), z: zL)
                            output.activate(zL, into: a(depth), count: c)
                            lap(\.forward)

                            // Output error δᴸ and this example's loss.
                            output.outputError(activation: a(depth), target: y, into: delta(depth), count: c)
                            lossSum += output.exampleLoss(logits: zL, activation: a(depth), target: y, count: c)
                            lap(\.outputError)

                            // Hidden errors: δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′(zˡ), σ′ from aˡ.
                            for l in stride(from: depth - 1, through: 1, by: -1) {
                                transposedProduct(rows: sizes[l], n: sizes[l + 1], w: w(l + 1), delta: delta(l + 1),
                                                  s: delta(l))
                                mapVectors(sizes[l], delta(l), a(l), delta(l)) { s, a in s * Hidden.derivative(a) }
                            }
                            lap(\.hiddenErrors)

                            // ∂Wˡ += aˡ⁻¹ (δˡ)ᵀ: from +0 for the first example, then × 1/m after the last one,
                            // in the same pass over ∂Wˡ.
                            for l in 1...depth {
                                rankOneUpdate(k: sizes[l - 1], n: sizes[l], a: input(l), delta: delta(l), g: gw(l),
                                              first: example == 0, scale: example == m - 1 ? scale : nil)
                            }
                            lap(\.weightGradients)

                            // ∂bˡ += δˡ.
                            for l in 1...depth {
                                mapVectors(sizes[l], gb(l), delta(l), gb(l)) { $0 + $1 }
                            }
                            lap(\.biasGradients)
                        }
                    }
                }

                // The mean: one multiplication by 1/m per element, as the batch engine does (for ∂W it happened
                // in the last example's update).
                let biasClock = record ? MonotonicClock.nanoseconds() : 0
                for l in 1...depth {
                    mapVectors(sizes[l], gb(l), gb(l)) { $0 * scale }
                }
                if record { self.lastPhaseTimes.biasGradients += MonotonicClock.seconds(since: biasClock) }
            }
        }
        gradients.loss = lossSum * (1 / Scalar(m))
    }
}
