/// The file `backprop check --export` writes: a network, the batch it was checked on, and each engine's loss and
/// gradients, so that any other tool (NumPy, PyTorch) can recompute and compare them (docs/file-formats.md).
///
///     {"format": "backprop-check", "version": 1,
///      "network": { …a backprop-network document… },
///      "inputs": [[…m rows of h_0…]], "targets": [[…m rows of h_L…]],
///      "engines": [{"name": "loop", "loss": 0.52, "layers": [{"weights": [[…]], "biases": […]}, …]}, …]}
public struct CheckDocument<Scalar: BackpropScalar>: Codable, Sendable {
    public var format = "backprop-check"
    public var version = 1
    public var network: NetworkDocument<Scalar>
    public var inputs: [[Scalar]]
    public var targets: [[Scalar]]
    public var engines: [EngineResult]

    /// One engine's result: ∂𝓛/∂Wˡ as h_{l−1} rows of h_l numbers and ∂𝓛/∂bˡ, for l = 1…L.
    public struct EngineResult: Codable, Sendable {
        public var name: String
        public var loss: Scalar
        public var layers: [NetworkDocument<Scalar>.Layer]

        public init(name: String, gradients: Gradients<Scalar>) {
            self.name = name
            loss = gradients.loss
            layers = gradients.layers.map { .init(weights: $0.weights.rowArrays, biases: $0.biases) }
        }
    }

    public init(network: Network<Scalar>, batch: Batch<Scalar>, results: [(name: String, gradients: Gradients<Scalar>)]) {
        self.network = NetworkDocument(network)
        inputs = batch.inputs.rowArrays
        targets = batch.targets.rowArrays
        engines = results.map { EngineResult(name: $0.name, gradients: $0.gradients) }
    }
}
