/// A batch of m examples: inputs X `[m, n]` and targets Y `[m, c]`, one example per row.
public struct Batch<Scalar: BackpropScalar>: Equatable, Sendable {
    /// X, `[m, h_0]`.
    public var inputs: Matrix<Scalar>
    /// Y, `[m, h_L]`: one-hot rows for classification, real values for regression.
    public var targets: Matrix<Scalar>

    public init(inputs: Matrix<Scalar>, targets: Matrix<Scalar>) {
        self.inputs = inputs
        self.targets = targets
    }

    /// m.
    public var count: Int { inputs.rows }

    /// A seeded random batch that fits `network`: inputs uniform in [−1, 1); targets one-hot for a softmax or
    /// sigmoid cross-entropy output, uniform in [0, 1) for sigmoid with squared error, standard normal for an
    /// identity output. The same seed gives the same batch on every platform.
    public static func synthetic(for network: Network<Scalar>, examples m: Int, seed: UInt64) -> Batch {
        var generator = SplitMix64(seed: seed)
        let n = network.inputCount, c = network.outputCount
        var inputs = Matrix<Scalar>(rows: m, columns: n)
        for index in inputs.elements.indices {
            inputs.elements[index] = Scalar(generator.nextUniform(in: -1, 1))
        }
        var targets = Matrix<Scalar>(rows: m, columns: c)
        switch (network.output.activation, network.output.loss) {
        case (_, .crossEntropy):
            for i in 0..<m { targets[i, generator.nextInt(below: c)] = 1 }
        case (.sigmoid, .squaredError):
            for index in targets.elements.indices { targets.elements[index] = Scalar(generator.nextUniform()) }
        default:
            for index in targets.elements.indices { targets.elements[index] = Scalar(generator.nextNormal()) }
        }
        return Batch(inputs: inputs, targets: targets)
    }

    /// The batch in another precision.
    public func converted<Other: BackpropScalar>(to _: Other.Type = Other.self) -> Batch<Other> {
        Batch<Other>(inputs: inputs.converted(), targets: targets.converted())
    }
}
