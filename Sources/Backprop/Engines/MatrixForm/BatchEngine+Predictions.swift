extension BatchEngine {
    /// The network's outputs Aᴸ `[m, c]` for the rows of X `[m, h_0]`: the forward step alone, on the engine's
    /// threads, with the same bits as `computeGradients`' forward step.
    /// - Throws: `BackpropError` if X does not fit the network.
    // Compiled for Double and Float here, for every caller: one that reaches it unspecialized (through
    // `AnyBackpropEngine` or a protocol's witness) would otherwise run the generic kernels many times slower. Not
    // @inlinable: its specializations inline the whole GEMM, and serialized into the module for each caller's copy
    // they made the release module too large for the compiler to read back (over 2^31 bits with the AVX-512 tile).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func outputs(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try specializedOutputs(network, inputs)
    }

    /// Zˡ = Aˡ⁻¹ Wˡ + bˡ, Aˡ = σ(Zˡ) for l = 1…L, into the workspace, with σ = `Hidden`; Aᴸ copied into `outputs`.
    @inlinable
    func forward<Hidden: ActivationKernel>(
        _: Hidden.Type, _ network: Network<Scalar>, _ inputs: Matrix<Scalar>, into outputs: inout Matrix<Scalar>
    ) where Hidden.Scalar == Scalar {
        let workspace = self.workspace!
        workspace.layers.withPointers(parameters: network.layers) { layer in
            inputs.elements.withUnsafeBufferPointer { x in
                let steps = Steps<Hidden>(layer: layer, h: network.sizes, output: network.output, x: x.baseAddress!,
                                          y: x.baseAddress!, logits: workspace.logits.pointer,
                                          losses: workspace.losses.pointer, examples: inputs.rows)
                schedule(steps, examples: inputs.rows).forward()
            }
        }
        let activations = workspace.activations[network.layerCount].pointer
        outputs.elements.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: activations, count: $0.count) }
    }
}
