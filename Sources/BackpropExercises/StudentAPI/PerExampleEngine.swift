import Backprop

/// The mean over the examples of a one-example gradient: an engine from `StudentSubmission.oneExample`, the loop
/// of the per-example form (Σ over the examples, then × 1/m).
public struct PerExampleEngine: BackpropEngine {
    public let name = "student (one example at a time)"
    public let oneExample: @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double>

    public init(_ oneExample: @escaping @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double>) {
        self.oneExample = oneExample
    }

    public func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                                 into gradients: inout Gradients<Double>) throws {
        try network.validate(inputs: inputs, targets: targets)
        var sum = Gradients<Double>(zeroFor: network)
        for i in 0..<inputs.rows {
            let one = try oneExample(network, inputs.row(i), targets.row(i))
            guard one.hasShapes(of: network) else {
                throw BackpropError("the one-example gradients do not have the network's shapes")
            }
            sum.loss += one.loss
            for l in sum.layers.indices {
                for k in sum.layers[l].weights.elements.indices { sum.layers[l].weights.elements[k] += one.layers[l].weights.elements[k] }
                for j in sum.layers[l].biases.indices { sum.layers[l].biases[j] += one.layers[l].biases[j] }
            }
        }
        let scale = 1 / Double(inputs.rows)
        sum.loss *= scale
        for l in sum.layers.indices {
            sum.layers[l].weights.elements = sum.layers[l].weights.elements.map { $0 * scale }
            sum.layers[l].biases = sum.layers[l].biases.map { $0 * scale }
        }
        gradients = sum
    }
}
