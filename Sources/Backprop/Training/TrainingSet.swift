/// Inputs (already normalised), one-hot targets and labels, in the network's precision.
public struct TrainingSet<Scalar: BackpropScalar>: Sendable {
    public var inputs: Matrix<Scalar>
    public var targets: Matrix<Scalar>
    public var labels: [Int]
    public var count: Int { labels.count }

    @inlinable
    public init(_ data: LabeledData, normalization: Normalization) {
        inputs = normalization.apply(data.features)
        targets = data.oneHot()
        labels = data.labels
    }
}
