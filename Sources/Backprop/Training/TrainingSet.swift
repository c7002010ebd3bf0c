/// Inputs (already normalised), one-hot targets and labels, in the network's precision.
public struct TrainingSet<Scalar: BackpropScalar>: Sendable {
    public var inputs: Matrix<Scalar>
    public var targets: Matrix<Scalar>
    public var labels: [Int]
    public var count: Int { labels.count }

    /// A training set from its parts.
    /// - Precondition: one row of `inputs` and of `targets` per label.
    @inlinable
    public init(inputs: Matrix<Scalar>, targets: Matrix<Scalar>, labels: [Int]) {
        precondition(inputs.rows == labels.count && targets.rows == labels.count, "one row per label")
        self.inputs = inputs
        self.targets = targets
        self.labels = labels
    }

    /// The data set normalised by `normalization`, in precision `Scalar`, with one-hot targets.
    @inlinable
    public init(_ data: LabeledData, normalization: Normalization) {
        inputs = normalization.apply(data.features)
        targets = data.oneHot()
        labels = data.labels
    }

    /// The first `count` examples.
    @inlinable
    public func prefix(_ count: Int) -> TrainingSet {
        guard count < self.count else { return self }
        var inputs = Matrix<Scalar>(rows: count, columns: self.inputs.columns)
        var targets = Matrix<Scalar>(rows: count, columns: self.targets.columns)
        Trainer<Scalar>.gather(self, Array(0..<count)[...], into: &inputs, &targets)
        return TrainingSet(inputs: inputs, targets: targets, labels: Array(labels[..<count]))
    }
}
