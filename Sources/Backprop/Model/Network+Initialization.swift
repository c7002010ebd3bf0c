/// How a new network's parameters are drawn. Every scheme draws from the project's `SplitMix64`, layer by layer
/// (l = 1…L), the weights of a layer row by row and then its biases, so a seed fixes every parameter on every
/// platform.
public enum Initialization: String, CaseIterable, Codable, Sendable {
    /// Nielsen's `default_weight_initializer` (network2.py): Wˡᵢⱼ ~ N(0, 1/h_{l−1}), bˡⱼ ~ N(0, 1).
    case nielsen
    /// Nielsen's chapter 1 network.py (and network2.py's `large_weight_initializer`): Wˡᵢⱼ ~ N(0, 1), bˡⱼ ~ N(0, 1).
    case large
    /// Glorot and Bengio (2010), normal form: Wˡᵢⱼ ~ N(0, 2/(h_{l−1} + h_l)), bˡ = 0.
    case xavier
    /// He et al. (2015), for relu: Wˡᵢⱼ ~ N(0, 2/h_{l−1}), bˡ = 0.
    case he

    /// The standard deviation of layer l's weights, given h_{l−1} (fan-in) and h_l (fan-out).
    public func weightStandardDeviation(fanIn: Int, fanOut: Int) -> Double {
        switch self {
        case .nielsen: (1 / Double(fanIn)).squareRoot()
        case .large: 1
        case .xavier: (2 / Double(fanIn + fanOut)).squareRoot()
        case .he: (2 / Double(fanIn)).squareRoot()
        }
    }
}

extension Network {
    /// A network with parameters drawn by `initialization` from `SplitMix64(seed: seed)`.
    /// - Throws: `BackpropError` if the sizes or the output pairing are invalid.
    public init(sizes: [Int], hidden: Activation, output: OutputLayer,
                initialization: Initialization = .nielsen, seed: UInt64) throws {
        var generator = SplitMix64(seed: seed)
        try self.init(sizes: sizes, hidden: hidden, output: output, initialization: initialization,
                      using: &generator)
    }

    /// A network with parameters drawn by `initialization` from `generator`.
    public init(sizes: [Int], hidden: Activation, output: OutputLayer,
                initialization: Initialization = .nielsen, using generator: inout SplitMix64) throws {
        try Self.validate(sizes: sizes, output: output)
        var layers: [LayerParameters<Scalar>] = []
        for l in 1..<sizes.count {
            let (fanIn, fanOut) = (sizes[l - 1], sizes[l])
            let deviation = initialization.weightStandardDeviation(fanIn: fanIn, fanOut: fanOut)
            var weights = Matrix<Scalar>(rows: fanIn, columns: fanOut)
            for index in weights.elements.indices {
                weights.elements[index] = Scalar(generator.nextNormal() * deviation)
            }
            var biases = [Scalar](repeating: 0, count: fanOut)
            if initialization == .nielsen || initialization == .large {
                for j in biases.indices { biases[j] = Scalar(generator.nextNormal()) }
            }
            layers.append(LayerParameters(weights: weights, biases: biases))
        }
        try self.init(sizes: sizes, hidden: hidden, output: output, layers: layers)
    }
}
