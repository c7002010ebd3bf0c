extension BatchEngine {
    /// The batch's errors Δˡ (l = 1…L), `[m, h_l]`, as this engine computes them: row i is example i's δˡ.
    /// - Throws: `BackpropError` if the batch does not fit the network.
    public func errors(of network: Network<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws -> [Matrix<Scalar>] {
        var gradients = Gradients(zeroFor: network)
        try computeGradients(of: network, inputs: inputs, targets: targets, into: &gradients)
        let workspace = self.workspace!, m = inputs.rows
        return (1...network.layerCount).map { l in
            Matrix(rows: m, columns: network.sizes[l],
                   elements: Array(UnsafeBufferPointer(start: workspace.deltas[l].pointer, count: m * network.sizes[l])))
        }
    }
}
