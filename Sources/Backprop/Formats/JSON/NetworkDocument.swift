import Foundation

/// The JSON file format of a network: its description and its parameters (docs/file-formats.md).
///
///     {
///       "format": "backprop-network", "version": 1, "precision": "double",
///       "sizes": [2, 3, 2], "hidden": "sigmoid", "output": "softmax", "loss": "cross-entropy",
///       "layers": [
///         {"weights": [[0.1, 0.2, 0.3], [0.4, 0.5, 0.6]], "biases": [0.1, 0.2, 0.3]},
///         {"weights": [[0.7, 0.8], [0.9, 1.0], [1.1, 1.2]], "biases": [0.4, 0.5]}
///       ]
///     }
///
/// `layers[l − 1].weights` is Wˡ as a list of h_{l−1} rows of h_l numbers, so `np.array(layer["weights"])` has
/// NumPy's shape (h_{l−1}, h_l) and `x @ W + b` is the note's forward pass. Numbers are written in the network's
/// precision with the shortest text that reads back to the same bits, so a file round-trips exactly.
/// Reading is strict: unknown or duplicate keys, missing keys, wrong shapes and out-of-range values are errors
/// that name the place (a JSON path such as `layers[1].weights[0][2]`).
public struct NetworkDocument<Scalar: BackpropScalar>: Codable, Equatable, Sendable {
    public static var formatName: String { "backprop-network" }
    public static var currentVersion: Int { 1 }

    public var format: String
    public var version: Int
    public var precision: String
    public var sizes: [Int]
    public var hidden: String
    public var output: String
    public var loss: String
    public var layers: [Layer]
    /// Optional: the input normalisation a trained network expects (x′ⱼ = (xⱼ − meanⱼ) / scaleⱼ).
    public var normalization: Normalization?
    /// Optional: how the network was trained (data, split, seed), so `backprop evaluate` can use the same test split.
    public var training: TrainingRecord?

    public struct Layer: Codable, Equatable, Sendable {
        public var weights: [[Scalar]]
        public var biases: [Scalar]

        enum CodingKeys: String, CodingKey, CaseIterable { case weights, biases }

        public init(weights: [[Scalar]], biases: [Scalar]) {
            self.weights = weights
            self.biases = biases
        }

        public init(from decoder: any Decoder) throws {
            try rejectUnknownKeys(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
            let container = try decoder.container(keyedBy: CodingKeys.self)
            weights = try container.decode([[Scalar]].self, forKey: .weights)
            biases = try container.decode([Scalar].self, forKey: .biases)
        }
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case format, version, precision, sizes, hidden, output, loss, layers, normalization, training
    }

    /// The document of `network`.
    public init(_ network: Network<Scalar>) {
        format = Self.formatName
        version = Self.currentVersion
        precision = Scalar.precision.rawValue
        sizes = network.sizes
        hidden = network.hidden.rawValue
        output = network.output.activation.rawValue
        loss = network.output.loss.rawValue
        layers = network.layers.map { Layer(weights: $0.weights.rowArrays, biases: $0.biases) }
        normalization = nil
        training = nil
    }

    public init(from decoder: any Decoder) throws {
        try rejectUnknownKeys(decoder, allowed: CodingKeys.allCases.map(\.rawValue))
        let container = try decoder.container(keyedBy: CodingKeys.self)
        format = try container.decode(String.self, forKey: .format)
        version = try container.decode(Int.self, forKey: .version)
        precision = try container.decode(String.self, forKey: .precision)
        sizes = try container.decode([Int].self, forKey: .sizes)
        hidden = try container.decode(String.self, forKey: .hidden)
        output = try container.decode(String.self, forKey: .output)
        loss = try container.decode(String.self, forKey: .loss)
        layers = try container.decode([Layer].self, forKey: .layers)
        normalization = try container.decodeIfPresent(Normalization.self, forKey: .normalization)
        training = try container.decodeIfPresent(TrainingRecord.self, forKey: .training)
        if let normalization, normalization.mean.count != sizes.first ?? 0 || normalization.scale.count != sizes.first ?? 0 {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "",
                underlyingError: BackpropError("\"normalization\" has \(normalization.mean.count) means and \(normalization.scale.count) scales; the network has \(sizes.first ?? 0) inputs")))
        }
        if let normalization, let bad = normalization.scale.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: decoder.codingPath, debugDescription: "",
                underlyingError: BackpropError("normalization.scale[\(bad)] is \(normalization.scale[bad]); scales must be positive")))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(format, forKey: .format)
        try container.encode(version, forKey: .version)
        try container.encode(precision, forKey: .precision)
        try container.encode(sizes, forKey: .sizes)
        try container.encode(hidden, forKey: .hidden)
        try container.encode(output, forKey: .output)
        try container.encode(loss, forKey: .loss)
        try container.encode(layers, forKey: .layers)
        try container.encodeIfPresent(normalization, forKey: .normalization)
        try container.encodeIfPresent(training, forKey: .training)
    }

    /// The network this document describes.
    /// - Throws: `BackpropError` naming the first inconsistency (unknown names, ragged or mis-shaped matrices).
    public func network() throws -> Network<Scalar> {
        guard format == Self.formatName else {
            throw BackpropError("\"format\" is \"\(format)\"; expected \"\(Self.formatName)\"")
        }
        guard version == Self.currentVersion else {
            throw BackpropError("\"version\" is \(version); this program reads version \(Self.currentVersion)")
        }
        guard let hiddenActivation = Activation(rawValue: hidden) else {
            throw BackpropError("\"hidden\" is \"\(hidden)\"; expected one of \(Activation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let outputActivation = OutputActivation(rawValue: output) else {
            throw BackpropError("\"output\" is \"\(output)\"; expected one of \(OutputActivation.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let lossFunction = Loss(rawValue: loss) else {
            throw BackpropError("\"loss\" is \"\(loss)\"; expected one of \(Loss.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let outputLayer = try OutputLayer(activation: outputActivation, loss: lossFunction)
        try Network<Scalar>.validate(sizes: sizes, output: outputLayer)
        guard layers.count == sizes.count - 1 else {
            throw BackpropError("\"layers\" has \(layers.count) entries but \"sizes\" \(Network<Scalar>.describe(sizes)) needs \(sizes.count - 1)")
        }
        var parameters: [LayerParameters<Scalar>] = []
        for (index, layer) in layers.enumerated() {
            let (rows, columns) = (sizes[index], sizes[index + 1])
            guard layer.weights.count == rows else {
                throw BackpropError("layers[\(index)].weights has \(layer.weights.count) rows; W\(index + 1) needs h_\(index) = \(rows)")
            }
            if let bad = layer.weights.firstIndex(where: { $0.count != columns }) {
                throw BackpropError("layers[\(index)].weights[\(bad)] has \(layer.weights[bad].count) numbers; W\(index + 1) needs h_\(index + 1) = \(columns) per row")
            }
            guard layer.biases.count == columns else {
                throw BackpropError("layers[\(index)].biases has \(layer.biases.count) numbers; b\(index + 1) needs h_\(index + 1) = \(columns)")
            }
            parameters.append(LayerParameters(weights: Matrix(layer.weights), biases: layer.biases))
        }
        return try Network(sizes: sizes, hidden: hiddenActivation, output: outputLayer, layers: parameters)
    }
}
