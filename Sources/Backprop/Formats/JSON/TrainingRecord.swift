/// How a saved network was trained: enough to rebuild its test split.
public struct TrainingRecord: Codable, Equatable, Sendable {
    /// The `--data` argument ("digits", "iris", "csv:…", …).
    public var data: String
    /// The share of the data held out for testing, and the seed of the split.
    public var testFraction: Double
    public var seed: UInt64
    public var epochs: Int
    public var testAccuracy: Double?

    public init(data: String, testFraction: Double, seed: UInt64, epochs: Int, testAccuracy: Double?) {
        self.data = data
        self.testFraction = testFraction
        self.seed = seed
        self.epochs = epochs
        self.testAccuracy = testAccuracy
    }

    enum CodingKeys: String, CodingKey {
        case data, testFraction = "test_fraction", seed, epochs, testAccuracy = "test_accuracy"
    }
}
