import Backprop

/// Runs a list of cases: the Swift engines through `BenchmarkHarness`, then (optionally) the NumPy reference on the
/// very same network and batch, case by case, so that both are measured in the same run under the same conditions.
public struct BenchmarkRunner {
    public var harness: BenchmarkHarness
    public var numpy: NumPyReference?

    public init(settings: HarnessSettings, numpy: NumPyReference? = nil) {
        harness = BenchmarkHarness(settings: settings)
        self.numpy = numpy
    }

    /// One case, in its precision.
    public mutating func run(_ benchmarkCase: BenchmarkCase) throws -> CaseResult {
        switch benchmarkCase.precision {
        case "float": try run(benchmarkCase, Float.self)
        default: try run(benchmarkCase, Double.self)
        }
    }

    mutating func run<T: BackpropScalar>(_ benchmarkCase: BenchmarkCase, _: T.Type) throws -> CaseResult {
        var result = try harness.run(benchmarkCase, T.self, engines: BenchmarkHarness.standardEngines(benchmarkCase))
        if var reference = numpy {
            let (network, batch) = try harness.inputs(benchmarkCase, T.self)
            let gradients = try LoopEngine<T>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
            let (measurements, difference) = try reference.measure(
                benchmarkCase, network: network, batch: batch, gradients: gradients, settings: harness.settings)
            result.measurements += measurements
            result.numpyMaximumRelativeDifference = difference
            numpy = reference
        }
        return result
    }
}
