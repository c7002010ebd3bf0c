extension LoopEngine {
    /// One example's errors δˡ (l = 1…L), as this engine computes them on its way to the gradients: the column
    /// vectors of the note's one-example equations. `errors[l − 1]` is δˡ (h_l numbers).
    /// - Throws: `BackpropError` if the example does not fit the network.
    public func errors(of network: Network<Scalar>, example x: [Scalar], target y: [Scalar]) throws -> [[Scalar]] {
        var gradients = Gradients(zeroFor: network)
        try computeGradients(of: network, inputs: Matrix(rows: 1, columns: x.count, elements: x),
                             targets: Matrix(rows: 1, columns: y.count, elements: y), into: &gradients)
        let workspace = self.workspace!
        return (1...network.layerCount).map { l in
            Array(UnsafeBufferPointer(start: workspace.deltas.pointer + workspace.offsets[l], count: network.sizes[l]))
        }
    }
}
