extension LoopEngine {
    /// The network's outputs Aᴸ `[m, c]` for the rows of X `[m, h_0]`: the forward pass alone, one example at a time,
    /// with the same bits as `computeGradients`' forward pass.
    /// - Throws: `BackpropError` if X does not fit the network.
    // Compiled for Double and Float here, for every caller: one that reaches it unspecialized (through
    // `AnyBackpropEngine` or a protocol's witness) would otherwise run the generic kernels many times slower. Not
    // @inlinable: its specializations inline the whole GEMM, and serialized into the module for each caller's copy
    // they made the release module too large for the compiler to read back (over 2^31 bits with the AVX-512 tile).
    @_specialize(where Scalar == Double) @_specialize(where Scalar == Float)
    public func outputs(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        try specializedOutputs(network, inputs)
    }

    /// zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ, aˡ = σ(zˡ) for each example, σ = `Hidden`, aᴸ copied into its row of `outputs`.
    @inlinable
    func forward<Hidden: ActivationKernel>(_: Hidden.Type, _ network: Network<Scalar>, _ inputs: Matrix<Scalar>,
                                           into outputs: inout Matrix<Scalar>) where Hidden.Scalar == Scalar {
        let workspace = self.workspace!
        let h = network.sizes, n = h[0], c = h[h.count - 1]
        let zL = workspace.logits.pointer
        workspace.layers.withPointers(parameters: network.layers) { layer in
            inputs.elements.withUnsafeBufferPointer { xs in
                outputs.elements.withUnsafeMutableBufferPointer { out in
                    for example in 0..<inputs.rows {
                        forward(Hidden.self, layer, h, network.output, x: xs.baseAddress! + example * n, logits: zL,
                                into: out.baseAddress! + example * c)
                    }
                }
            }
        }
    }
}
