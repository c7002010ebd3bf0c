/// How to train.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    public var epochs: Int
    public var batchSize: Int
    /// η.
    public var learningRate: Double
    /// λ of L2 weight decay (0: off).
    public var weightDecay: Double
    /// μ of momentum (0: off).
    public var momentum: Double
    /// The seed of the shuffles.
    public var seed: UInt64

    public init(epochs: Int = 30, batchSize: Int = 10, learningRate: Double = 0.1, weightDecay: Double = 0,
                momentum: Double = 0, seed: UInt64 = 1) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.seed = seed
    }
}
