extension BackpropEngine {
    /// The predicted class of each row of X `[m, h_0]`: the index of its largest output (the first, on a tie).
    /// - Throws: `BackpropError` if X does not fit the network.
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

    /// The share of the examples whose predicted class is their label, or nil when the data has no labels.
    /// - Throws: `BackpropError` if the data does not fit the network.
    public func accuracy(of network: Network<Scalar>, on data: TrainingSet<Scalar>) throws -> Double? {
        guard let labels = data.labels else { return nil }
        guard data.count > 0 else { return 0 }
        let predicted = try predictions(of: network, inputs: data.inputs)
        return Double(zip(predicted, labels).filter { $0 == $1 }.count) / Double(data.count)
    }
}
