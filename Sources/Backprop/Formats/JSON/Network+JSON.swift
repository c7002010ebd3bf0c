import Foundation

extension Network {
    /// The network as a JSON document (pretty-printed, keys in a fixed order), with an optional normalisation and
    /// training record.
    public func jsonData(normalization: Normalization? = nil, training: TrainingRecord? = nil) throws -> Data {
        var document = NetworkDocument(self)
        document.normalization = normalization
        document.training = training
        return try JSONCoding.encode(document)
    }

    /// Reads a network written by `jsonData()` (or by hand, or by NumPy) in this precision.
    /// - Throws: `BackpropError` if the JSON is malformed, the document is inconsistent, or it names the other
    ///   precision.
    public init(jsonData data: Data) throws {
        switch try AnyNetwork(jsonData: data) {
        case .double(let network as Network<Scalar>): self = network
        case .float(let network as Network<Scalar>): self = network
        case let other:
            throw BackpropError("the file holds a \(other.precision.rawValue) network; expected \(Scalar.precision.rawValue)")
        }
    }
}

/// A network file as read, once: the network in the precision the file names, and what was saved with it.
public struct NetworkFile: Sendable {
    public var network: AnyNetwork
    /// The input normalisation `train --save` stores with a trained network.
    public var normalization: Normalization?
    /// How the network was trained, when `train --save` wrote it.
    public var training: TrainingRecord?

    /// Reads a network file in whichever precision its `"precision"` names.
    /// - Throws: `BackpropError` if the JSON is malformed or the document is inconsistent.
    public init(jsonData data: Data) throws {
        try JSONSyntax.validate(Array(data))
        // Every number is read as a Double first, so that a value out of Float's range is reported as such.
        let wide = try JSONCoding.decode(NetworkDocument<Double>.self, from: data)
        normalization = wide.normalization
        training = wide.training
        switch wide.precision {
        case Precision.double.rawValue:
            network = .double(try wide.network())
        case Precision.float.rawValue:
            try checkFloatRange(wide)
            // Read again as Float, so that each number is rounded once, from its decimal text.
            network = .float(try JSONCoding.decode(NetworkDocument<Float>.self, from: data).network())
        default:
            throw BackpropError("\"precision\" is \"\(wide.precision)\"; expected \"double\" or \"float\"")
        }
    }
}

extension AnyNetwork {
    /// Reads a network in whichever precision its `"precision"` names.
    public init(jsonData data: Data) throws {
        self = try NetworkFile(jsonData: data).network
    }
}

private func checkFloatRange(_ document: NetworkDocument<Double>) throws {
    for (l, layer) in document.layers.enumerated() {
        for (i, row) in layer.weights.enumerated() {
            if let j = row.firstIndex(where: { abs($0) > Double(Float.greatestFiniteMagnitude) }) {
                throw BackpropError("layers[\(l)].weights[\(i)][\(j)] = \(row[j]) is out of range for float")
            }
        }
        if let j = layer.biases.firstIndex(where: { abs($0) > Double(Float.greatestFiniteMagnitude) }) {
            throw BackpropError("layers[\(l)].biases[\(j)] = \(layer.biases[j]) is out of range for float")
        }
    }
}
