import Backprop

/// Runs a list of cases through `BenchmarkHarness`, optionally with the NumPy reference on the very same network and
/// batch, its samples interleaved with the Swift engines' (same run, same machine conditions).
public struct BenchmarkRunner {
    public var harness: BenchmarkHarness
    public var numpy: NumPyReference?

    public init(settings: HarnessSettings, numpy: NumPyReference? = nil, factory: any EngineFactory = LibraryEngines()) {
        harness = BenchmarkHarness(settings: settings, factory: factory)
        self.numpy = numpy
    }

    /// One case, in its precision.
    public mutating func run(_ benchmarkCase: BenchmarkCase) throws -> CaseResult {
        let (result, runner) = try benchmarkCase.precision.dispatch(Dispatched(runner: self, benchmarkCase: benchmarkCase))
        self = runner
        return result
    }

    /// A case dispatched to its precision: the result, and the runner after it.
    struct Dispatched: PrecisionDispatch {
        var runner: BenchmarkRunner
        var benchmarkCase: BenchmarkCase
        func run<T: BackpropScalar>(_: T.Type) throws -> (CaseResult, BenchmarkRunner) {
            var runner = runner
            let result = try runner.run(benchmarkCase, T.self)
            return (result, runner)
        }
    }

    mutating func run<T: BackpropScalar>(_ benchmarkCase: BenchmarkCase, _: T.Type) throws -> CaseResult {
        let numpy = self.numpy, settings = harness.settings
        return try harness.run(benchmarkCase, T.self, engines: harness.standardEngines(benchmarkCase)) {
            network, batch, gradients in
            guard let numpy else { return ([], nil) }
            let (timers, difference, _) = try numpy.prepare(benchmarkCase, network: network, batch: batch,
                                                            gradients: gradients, settings: settings)
            return (timers, difference)
        }
    }
}
