/// A fully connected network: its shape, its activations and loss, and its parameters.
///
/// Layers are numbered as in the course note, l = 1…L. Layer l has h_l units; h_0 = n input features and
/// h_L = c outputs. `sizes` is [h_0, h_1, …, h_L]; `layers[l − 1]` holds Wˡ `[h_{l−1}, h_l]` and bˡ (h_l).
///
///     Zˡ = Aˡ⁻¹ Wˡ + bˡ    [m, h_{l−1}] · [h_{l−1}, h_l] → [m, h_l]
///     Aˡ = σ(Zˡ)           hidden layers (l < L): `hidden`
///     Aᴸ = σᴸ(Zᴸ)          output layer: `output.activation`, paired with `output.loss`
///
/// A value of this type always holds together: the initialisers check sizes, the output pairing and every
/// parameter shape, and throw a `BackpropError` naming what is wrong.
public struct Network<Scalar: BackpropScalar>: Equatable, Sendable {
    /// [h_0, h_1, …, h_L]: inputs, hidden widths, outputs.
    public let sizes: [Int]
    /// σ of every hidden layer.
    public let hidden: Activation
    /// The output activation and its loss.
    public let output: OutputLayer
    /// `layers[l − 1]` is layer l: Wˡ `[h_{l−1}, h_l]` and bˡ.
    public var layers: [LayerParameters<Scalar>]

    /// A network with the given parameters.
    /// - Throws: `BackpropError` if the sizes are not at least two positive numbers, softmax has fewer than two
    ///   outputs, or a layer's shapes disagree with `sizes`.
    public init(sizes: [Int], hidden: Activation, output: OutputLayer, layers: [LayerParameters<Scalar>]) throws {
        try Self.validate(sizes: sizes, output: output)
        guard layers.count == sizes.count - 1 else {
            throw BackpropError("\(layers.count) layers given for sizes \(Self.describe(sizes)), which need \(sizes.count - 1)")
        }
        for (index, layer) in layers.enumerated() {
            let l = index + 1
            guard layer.weights.rows == sizes[l - 1], layer.weights.columns == sizes[l] else {
                throw BackpropError("W\(l) is \(layer.weights.shapeDescription) but sizes \(Self.describe(sizes)) need [\(sizes[l - 1]), \(sizes[l])]")
            }
            guard layer.weights.isFinite, layer.biases.allSatisfy(\.isFinite) else {
                throw BackpropError("layer \(l) has a NaN or infinite parameter")
            }
        }
        self.sizes = sizes
        self.hidden = hidden
        self.output = output
        self.layers = layers
    }

    /// A network with every parameter zero.
    public init(sizes: [Int], hidden: Activation, output: OutputLayer) throws {
        try Self.validate(sizes: sizes, output: output)
        try self.init(sizes: sizes, hidden: hidden, output: output,
                      layers: (1..<sizes.count).map { LayerParameters(inputs: sizes[$0 - 1], outputs: sizes[$0]) })
    }

    /// Checks the sizes and the output pairing alone (before any parameter is allocated).
    public static func validate(sizes: [Int], output: OutputLayer) throws {
        guard sizes.count >= 2 else {
            throw BackpropError("a network needs at least an input size and an output size, got \(describe(sizes))")
        }
        if let bad = sizes.firstIndex(where: { $0 < 1 }) {
            throw BackpropError("layer size h_\(bad) is \(sizes[bad]); every size must be at least 1")
        }
        if output.activation == .softmax && sizes[sizes.count - 1] < 2 {
            throw BackpropError("a softmax output needs at least 2 classes, got \(sizes[sizes.count - 1])")
        }
    }

    /// "784-30-10".
    public static func describe(_ sizes: [Int]) -> String {
        sizes.map(String.init).joined(separator: "-")
    }

    /// L, the number of layers with parameters.
    public var layerCount: Int { sizes.count - 1 }
    /// n = h_0.
    public var inputCount: Int { sizes[0] }
    /// c = h_L.
    public var outputCount: Int { sizes[sizes.count - 1] }
    /// The number of weights and biases: Σ_l (h_{l−1} + 1) h_l.
    public var parameterCount: Int { (1..<sizes.count).reduce(0) { $0 + (sizes[$1 - 1] + 1) * sizes[$1] } }
    /// "784-30-10".
    public var sizeDescription: String { Self.describe(sizes) }

    /// The same network in another precision (every parameter rounded once).
    /// - Throws: `BackpropError` if a parameter overflows the other precision (a Double above 3.4e38 as Float).
    public func converted<Other: BackpropScalar>(to _: Other.Type = Other.self) throws -> Network<Other> {
        try Network<Other>(sizes: sizes, hidden: hidden, output: output,
                            layers: layers.map { $0.converted(to: Other.self) })
    }

    /// Checks that inputs fit this network: X `[m, h_0]`, any m ≥ 0.
    /// - Throws: `BackpropError` naming the mismatch.
    public func validate(inputs: Matrix<Scalar>) throws {
        guard inputs.columns == inputCount else {
            throw BackpropError("X is \(inputs.shapeDescription) but the network takes \(inputCount) inputs (h_0)")
        }
    }

    /// Checks that a batch fits this network: X `[m, h_0]`, Y `[m, h_L]`, m ≥ 1.
    /// - Throws: `BackpropError` naming the mismatch.
    public func validate(inputs: Matrix<Scalar>, targets: Matrix<Scalar>) throws {
        guard inputs.rows >= 1 else { throw BackpropError("the batch is empty (m = 0)") }
        guard inputs.columns == inputCount else {
            throw BackpropError("X is \(inputs.shapeDescription) but the network takes \(inputCount) inputs (h_0)")
        }
        guard targets.rows == inputs.rows else {
            throw BackpropError("Y has \(targets.rows) rows but X has \(inputs.rows): one target row per example")
        }
        guard targets.columns == outputCount else {
            throw BackpropError("Y is \(targets.shapeDescription) but the network has \(outputCount) outputs (h_L)")
        }
    }
}
