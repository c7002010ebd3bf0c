/// A data set for classification: one example per row of `features` and a class label per example.
public struct LabeledData: Equatable, Sendable {
    /// `[m, n]`: one example per row.
    public var features: Matrix<Double>
    /// m labels, each in 0..<classCount.
    public var labels: [Int]
    /// The number of classes (c, the network's output size).
    public var classCount: Int
    /// Class names, when the source has them (Iris: setosa, versicolor, virginica).
    public var classNames: [String]?

    /// A data set; checks that there is one label per row, each in range, and that every feature is finite.
    /// - Throws: `BackpropError` naming the first bad row.
    public init(features: Matrix<Double>, labels: [Int], classCount: Int? = nil, classNames: [String]? = nil) throws {
        guard features.rows == labels.count else {
            throw BackpropError("\(features.rows) examples but \(labels.count) labels")
        }
        guard features.rows >= 1 else { throw BackpropError("the data set has no examples") }
        guard features.columns >= 1 else { throw BackpropError("the examples have no features") }
        if let bad = features.elements.firstIndex(where: { !$0.isFinite }) {
            throw BackpropError("example \(bad / features.columns), feature \(bad % features.columns) is \(features.elements[bad]); every feature must be finite")
        }
        let count = classCount ?? ((labels.max() ?? 0) + 1)
        if let bad = labels.firstIndex(where: { $0 < 0 || $0 >= count }) {
            throw BackpropError("label \(labels[bad]) of example \(bad) is out of range 0…\(count - 1)")
        }
        guard count >= 2 else { throw BackpropError("a classification needs at least 2 classes, the labels have \(count)") }
        self.features = features
        self.labels = labels
        self.classCount = count
        self.classNames = classNames
    }

    /// m.
    public var count: Int { labels.count }
    /// n.
    public var featureCount: Int { features.columns }

    /// The examples at `indices`, in that order.
    public func subset(_ indices: [Int]) -> LabeledData {
        var features = Matrix<Double>(rows: indices.count, columns: featureCount)
        for (row, index) in indices.enumerated() {
            for j in 0..<featureCount { features.elements[row * featureCount + j] = self.features.elements[index * featureCount + j] }
        }
        // Every row, label and count is taken from a valid data set, so the checks cannot fail.
        return try! LabeledData(features: features, labels: indices.map { labels[$0] }, classCount: classCount,
                                classNames: classNames)
    }

    /// A seeded split: `testFraction` of the examples (at least one, at most all but one) for testing, the rest for
    /// training, after a Fisher–Yates shuffle by `SplitMix64(seed:)`.
    public func split(testFraction: Double, seed: UInt64) -> (train: LabeledData, test: LabeledData) {
        var order = Array(0..<count)
        var generator = SplitMix64(seed: seed)
        generator.shuffle(&order)
        let testCount = min(max(1, Int((Double(count) * testFraction).rounded())), count - 1)
        return (subset(Array(order[testCount...])), subset(Array(order[..<testCount])))
    }

    /// The labels as one-hot rows, `[m, classCount]`.
    @inlinable
    public func oneHot<T: BackpropScalar>(_: T.Type = T.self) -> Matrix<T> {
        var targets = Matrix<T>(rows: count, columns: classCount)
        for (i, label) in labels.enumerated() { targets.elements[i * classCount + label] = 1 }
        return targets
    }
}
