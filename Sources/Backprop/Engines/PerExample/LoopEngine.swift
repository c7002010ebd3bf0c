/// Backpropagation one example at a time: the course note's equations for a single column vector, run for each
/// of the m examples, summed, and scaled by 1/m. The same operations as `OneExample` (OneExample.swift, the
/// equations as plain code), vectorised and without allocation.
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
/// and after the last example ∂Wˡ ← (1/m) ∂Wˡ, ∂bˡ ← (1/m) ∂bˡ, 𝓛 = (1/m) Σ ℓ. (The sums start from +0 and the
/// 1/m is applied inside the first and last examples' updates of ∂Wˡ, which saves two passes over it: the same
/// operations in the same order.)
///
/// Written to be fast, not a strawman: per example it touches each weight and each gradient once, with SIMD
/// kernels that hold a block of outputs in registers (Kernels/MatrixVector/), and it allocates nothing: its
/// vectors live in a workspace made on the first call and reused while the network's sizes stay the same.
///
/// Bitwise identical to `BatchEngine`: both perform, for every gradient element, the same operations in the same
/// order (docs/bitwise-identity.md).
///
/// - Complexity: per example ≈ 2·Σ h_{l−1}h_l (forward) + 2·Σ_{l≥2} h_{l−1}h_l (errors) + 2·Σ h_{l−1}h_l (∂W)
///   flops, streaming every Wˡ and ∂Wˡ once per example.
public final class LoopEngine<Scalar: BackpropScalar>: BackpropEngine, KernelSpecialized {
    public let name = "loop"
    /// When true, every call records where its time went in `phaseTimes` (costs a clock read per phase and example).
    public var recordsPhases = false
    /// The phase times of the last call, when `recordsPhases` is on.
    public var phaseTimes: PhaseTimes { lastPhaseTimes }
    @usableFromInline var lastPhaseTimes = PhaseTimes()

    @usableFromInline var workspace: Workspace?

    public init() {}

    /// The per-example vectors aˡ and δˡ (l = 1…L), sized for one network shape, and the table of the layers'
    /// pointers.
    @usableFromInline
    final class Workspace {
        @usableFromInline let sizes: [Int]
        /// aˡ for l = 1…L, one after another (hidden ones overwrite zˡ in place).
        @usableFromInline let activations: AlignedBuffer<Scalar>
        /// δˡ for l = 1…L, one after another.
        @usableFromInline let deltas: AlignedBuffer<Scalar>
        /// zᴸ, kept for the loss.
        @usableFromInline let logits: AlignedBuffer<Scalar>
        @usableFromInline let layers: LayerTable<Scalar>

        @usableFromInline
        init(sizes: [Int]) {
            self.sizes = sizes
            let units = sizes.dropFirst().reduce(0, +)
            activations = AlignedBuffer(capacity: units)
            deltas = AlignedBuffer(capacity: units)
            logits = AlignedBuffer(capacity: sizes[sizes.count - 1])
            layers = LayerTable(depth: sizes.count - 1)
            var offset = 0
            for l in 1..<sizes.count {
                layers.setWorkspace(l, activations: activations.pointer + offset, errors: deltas.pointer + offset)
                offset += sizes[l]
            }
        }
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
    }

    /// The equations above for every example, with σ = `Hidden`.
    @inlinable
    func run<Hidden: ActivationKernel>(
        _: Hidden.Type, _ network: Network<Scalar>, _ inputs: Matrix<Scalar>, _ targets: Matrix<Scalar>,
        _ gradients: inout Gradients<Scalar>
    ) where Hidden.Scalar == Scalar {
        let workspace = self.workspace!
        let h = network.sizes, L = network.layerCount, output = network.output
        let m = inputs.rows, n = h[0], c = h[L]
        let zL = workspace.logits.pointer
        let scale = 1 / Scalar(m)
        var clock = PhaseClock(isOn: recordsPhases)
        var lossSum: Scalar = 0

        workspace.layers.withPointers(parameters: network.layers, gradients: &gradients.layers) { layer in
            // The sums over examples start from +0: ∂b here, ∂W inside the first example's rank-one update.
            for l in 1...L { layer.gb(l).update(repeating: 0, count: h[l]) }
            inputs.elements.withUnsafeBufferPointer { xs in
                targets.elements.withUnsafeBufferPointer { ys in
                    for example in 0..<m {
                        let x = xs.baseAddress! + example * n, y = ys.baseAddress! + example * c

                        // Forward: zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ, aˡ = σ(zˡ), with a⁰ = x; the output layer's own σᴸ.
                        forward(Hidden.self, layer, h, output, x: x, logits: zL, into: layer.a(L))
                        clock.lap(.forward)

                        // Output error: δᴸ = aᴸ − y, and this example's loss ℓ.
                        output.outputError(activation: layer.a(L), target: y, into: layer.delta(L), count: c)
                        lossSum += output.exampleLoss(logits: zL, activation: layer.a(L), target: y, count: c)
                        clock.lap(.outputError)

                        // Hidden errors: δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′(zˡ), σ′ computed from aˡ.
                        for l in stride(from: L - 1, through: 1, by: -1) {
                            transposedProduct(rows: h[l], n: h[l + 1], w: layer.w(l + 1), delta: layer.delta(l + 1),
                                              s: layer.delta(l))
                            mapVectors(h[l], layer.delta(l), layer.a(l), layer.delta(l)) { s, a in s * Hidden.derivative(a) }
                        }
                        clock.lap(.hiddenErrors)

                        // Weight gradients: ∂Wˡ += aˡ⁻¹ (δˡ)ᵀ, from +0 at the first example and × 1/m after the last.
                        for l in 1...L {
                            rankOneUpdate(k: h[l - 1], n: h[l], a: layer.input(l, x: x), delta: layer.delta(l),
                                          g: layer.gw(l), first: example == 0, scale: example == m - 1 ? scale : nil)
                        }
                        clock.lap(.weightGradients)

                        // Bias gradients: ∂bˡ += δˡ.
                        for l in 1...L { mapVectors(h[l], layer.gb(l), layer.delta(l), layer.gb(l)) { $0 + $1 } }
                        clock.lap(.biasGradients)
                    }
                }
            }
            // The mean: ∂bˡ × 1/m, one multiplication per element as the batch engine does (∂W had it in the last
            // example's update).
            for l in 1...L { mapVectors(h[l], layer.gb(l), layer.gb(l)) { $0 * scale } }
            clock.lap(.biasGradients)
        }
        gradients.loss = lossSum * scale
        lastPhaseTimes = clock.times
    }

    /// One example's forward pass: zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ and aˡ = σ(zˡ) (σ = `Hidden`) for l = 1…L−1 into the
    /// workspace, a⁰ = x; then zᴸ into `logits` and the output layer's aᴸ = σᴸ(zᴸ) into `activation` (c numbers).
    @inlinable @inline(__always)
    func forward<Hidden: ActivationKernel>(
        _: Hidden.Type, _ layer: LayerPointers<Scalar>, _ h: [Int], _ output: OutputLayer, x: UnsafePointer<Scalar>,
        logits: UnsafeMutablePointer<Scalar>, into activation: UnsafeMutablePointer<Scalar>
    ) where Hidden.Scalar == Scalar {
        let L = h.count - 1
        for l in 1..<L {
            affineForward(k: h[l - 1], n: h[l], x: layer.input(l, x: x), w: layer.w(l), bias: layer.b(l), z: layer.a(l))
            mapVectors(h[l], layer.a(l), layer.a(l)) { Hidden.value($0) }
        }
        affineForward(k: h[L - 1], n: h[L], x: layer.input(L, x: x), w: layer.w(L), bias: layer.b(L), z: logits)
        output.activate(logits, into: activation, count: h[L])
    }
}

extension LoopEngine: RecordsPhases {}
