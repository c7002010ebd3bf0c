/// Summary statistics of repeated timings (seconds per call).
public struct TimingSummary: Equatable, Sendable, Codable {
    public var median: Double
    public var minimum: Double
    public var maximum: Double
    /// The 10th and 90th percentiles (linear interpolation between order statistics).
    public var p10: Double
    public var p90: Double
    /// The number of samples summarised.
    public var samples: Int
    /// The calls timed back to back in each sample.
    public var repetitions: Int

    /// Summarises `values` (at least one).
    /// - Precondition: `values` is not empty.
    public init(_ values: [Double], repetitions: Int) {
        precondition(!values.isEmpty, "no timings to summarise")
        let sorted = values.sorted()
        median = Self.quantile(sorted, 0.5)
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
        p10 = Self.quantile(sorted, 0.1)
        p90 = Self.quantile(sorted, 0.9)
        samples = values.count
        self.repetitions = repetitions
    }

    /// The q-quantile of sorted values, interpolating linearly between neighbours.
    static func quantile(_ sorted: [Double], _ q: Double) -> Double {
        let position = q * Double(sorted.count - 1)
        let below = Int(position.rounded(.down)), above = min(below + 1, sorted.count - 1)
        let fraction = position - Double(below)
        return sorted[below] + (sorted[above] - sorted[below]) * fraction
    }

    /// The relative spread (p90 − p10) / median.
    public var spread: Double { median > 0 ? (p90 - p10) / median : 0 }
}
