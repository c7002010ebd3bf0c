/// Input normalisation learned from training data: x′ⱼ = (xⱼ − meanⱼ) / scaleⱼ, saved with a trained network so
/// that evaluation scales new data the same way.
public struct Normalization: Codable, Equatable, Sendable {
    public var mean: [Double]
    public var scale: [Double]

    /// Standardisation (z-scores) from `data`'s features; a constant feature gets scale 1 (it becomes 0).
    public init(standardizing data: LabeledData) {
        let (m, n) = (data.count, data.featureCount)
        var mean = [Double](repeating: 0, count: n), variance = [Double](repeating: 0, count: n)
        for i in 0..<m { for j in 0..<n { mean[j] += data.features.elements[i * n + j] } }
        for j in 0..<n { mean[j] /= Double(m) }
        for i in 0..<m {
            for j in 0..<n {
                let d = data.features.elements[i * n + j] - mean[j]
                variance[j] += d * d
            }
        }
        self.mean = mean
        scale = variance.map { $0 > 0 ? ($0 / Double(m)).squareRoot() : 1 }
    }

    public init(mean: [Double], scale: [Double]) {
        self.mean = mean
        self.scale = scale
    }

    /// The identity (no scaling) for n features.
    public static func identity(_ n: Int) -> Normalization {
        Normalization(mean: [Double](repeating: 0, count: n), scale: [Double](repeating: 1, count: n))
    }

    /// `features` normalised, in precision T.
    /// - Precondition: the feature count matches.
    @inlinable
    public func apply<T: BackpropScalar>(_ features: Matrix<Double>, as _: T.Type = T.self) -> Matrix<T> {
        precondition(features.columns == mean.count, "normalisation for \(mean.count) features applied to \(features.columns)")
        var result = Matrix<T>(rows: features.rows, columns: features.columns)
        let n = features.columns
        for i in 0..<features.rows {
            for j in 0..<n {
                result.elements[i * n + j] = T((features.elements[i * n + j] - mean[j]) / scale[j])
            }
        }
        return result
    }
}
