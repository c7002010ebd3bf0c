/// Inputs X `[n, h_0]` (already normalised) and targets Y `[n, h_L]`, in the network's precision, and for
/// classification each example's class (the targets' one-hot column), for accuracies.
public struct TrainingSet<Scalar: BackpropScalar>: Sendable {
    public var inputs: Matrix<Scalar>
    public var targets: Matrix<Scalar>
    /// Each example's class, or nil for data without classes (regression).
    public var labels: [Int]?
    /// n, the number of examples.
    public var count: Int { inputs.rows }

    /// A training set from its parts.
    /// - Precondition: one row of `targets` (and one label, if any) per row of `inputs`.
    @inlinable
    public init(inputs: Matrix<Scalar>, targets: Matrix<Scalar>, labels: [Int]? = nil) {
        precondition(targets.rows == inputs.rows && (labels?.count ?? inputs.rows) == inputs.rows,
                     "one target row and one label per example")
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
        return TrainingSet(inputs: inputs, targets: targets, labels: labels.map { Array($0[..<count]) })
    }
}
