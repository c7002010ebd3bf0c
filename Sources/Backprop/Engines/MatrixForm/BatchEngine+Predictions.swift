extension BatchEngine {
    /// The network's outputs aᴸ for every row of `inputs` (the forward pass only), `[m, c]`.
    @inlinable
    public func outputs(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let targets = Matrix<Scalar>(rows: inputs.rows, columns: network.outputCount)
        var gradients = Gradients(zeroFor: network)
        // The full call computes more than the outputs, but reuses one tested path; evaluation is not a hot loop.
        try computeGradients(of: network, inputs: inputs, targets: targets, into: &gradients)
        guard let workspace else { return targets }
        let c = network.outputCount
        let activations = workspace.activations[network.layerCount].pointer
        return Matrix(rows: inputs.rows, columns: c, elements: Array(UnsafeBufferPointer(start: activations, count: inputs.rows * c)))
    }

    /// The predicted class of each row: the index of the largest output.
    @inlinable
    public func predictions(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> [Int] {
        let outputs = try self.outputs(of: network, inputs: inputs)
        let c = outputs.columns
        return (0..<outputs.rows).map { i in
            var best = 0
            for j in 1..<c where outputs.elements[i * c + j] > outputs.elements[i * c + best] { best = j }
            return best
        }
    }

    /// The share of examples whose predicted class is their label.
    @inlinable
    public func accuracy(of network: Network<Scalar>, on data: TrainingSet<Scalar>) throws -> Double {
        let predicted = try predictions(of: network, inputs: data.inputs)
        return Double(zip(predicted, data.labels).filter { $0 == $1 }.count) / Double(data.count)
    }
}
