extension LoopEngine {
    /// One example's errors δˡ (l = 1…L), as this engine computes them on its way to the gradients: the column
    /// vectors of the note's one-example equations. `errors[l − 1]` is δˡ (h_l numbers).
    /// - Throws: `BackpropError` if the example does not fit the network.
    public func errors(of network: Network<Scalar>, example x: [Scalar], target y: [Scalar]) throws -> [[Scalar]] {
        var gradients = Gradients(zeroFor: network)
        try computeGradients(of: network, inputs: Matrix(rows: 1, columns: x.count, elements: x),
                             targets: Matrix(rows: 1, columns: y.count, elements: y), into: &gradients)
        let deltas = workspace!.deltas.pointer
        var offset = 0
        return network.sizes.dropFirst().map { units in
            defer { offset += units }
            return Array(UnsafeBufferPointer(start: deltas + offset, count: units))
        }
    }
}
