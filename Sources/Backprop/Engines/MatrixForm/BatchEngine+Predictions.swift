extension BatchEngine {
    /// The network's outputs Aᴸ for every row of `inputs`: the forward step alone, `[m, c]`.
    /// - Throws: `BackpropError` if the inputs do not fit the network.
    @inlinable
    public func outputs(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        guard inputs.columns == network.inputCount else {
            throw BackpropError("the inputs have \(inputs.columns) columns but the network takes \(network.inputCount)")
        }
        let m = inputs.rows, c = network.outputCount
        guard m > 0 else { return Matrix(rows: 0, columns: c) }
        if workspace?.sizes != network.sizes { workspace = Workspace(sizes: network.sizes) }
        workspace!.reserve(examples: m, packed: parts(examples: m) > 1)
        switch network.hidden {
        case .sigmoid: forward(SigmoidKernel<Scalar>.self, network, inputs)
        case .tanh: forward(TanhKernel<Scalar>.self, network, inputs)
        case .relu: forward(ReluKernel<Scalar>.self, network, inputs)
        case .identity: forward(IdentityKernel<Scalar>.self, network, inputs)
        }
        let activations = workspace!.activations[network.layerCount].pointer
        return Matrix(rows: m, columns: c, elements: Array(UnsafeBufferPointer(start: activations, count: m * c)))
    }

    /// Zˡ = Aˡ⁻¹ Wˡ + bˡ, Aˡ = σ(Zˡ) for l = 1…L, into the workspace, with σ = `Hidden`.
    @inlinable
    func forward<Hidden: ActivationKernel>(_: Hidden.Type, _ network: Network<Scalar>, _ inputs: Matrix<Scalar>)
    where Hidden.Scalar == Scalar {
        let workspace = self.workspace!
        // The table binds gradient storage too; the forward step writes none of it.
        var unused = network.layers
        workspace.layers.withPointers(parameters: network.layers, gradients: &unused) { layer in
            inputs.elements.withUnsafeBufferPointer { x in
                let steps = Steps<Hidden>(layer: layer, h: network.sizes, output: network.output, x: x.baseAddress!,
                                          y: x.baseAddress!, logits: workspace.logits.pointer,
                                          losses: workspace.losses.pointer, examples: inputs.rows)
                schedule(steps, examples: inputs.rows).forward()
            }
        }
    }

    /// The predicted class of each row: the index of the largest output.
    @inlinable
    public func predictions(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> [Int] {
        let outputs = try self.outputs(of: network, inputs: inputs)
        let c = outputs.columns
        return outputs.elements.withUnsafeBufferPointer { a in
            (0..<outputs.rows).map { i in
                var best = 0
                for j in 1..<c where a[i * c + j] > a[i * c + best] { best = j }
                return best
            }
        }
    }

    /// The share of examples whose predicted class is their label.
    @inlinable
    public func accuracy(of network: Network<Scalar>, on data: TrainingSet<Scalar>) throws -> Double {
        let predicted = try predictions(of: network, inputs: data.inputs)
        return Double(zip(predicted, data.labels).filter { $0 == $1 }.count) / Double(data.count)
    }
}
