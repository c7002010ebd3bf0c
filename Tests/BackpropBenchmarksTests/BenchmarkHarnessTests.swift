import Testing
@testable import Backprop
@testable import BackpropBenchmarks

/// An engine that is wrong by one ULP in one entry: the harness must refuse to time it.
struct OneULPOffEngine: BackpropEngine {
    let name = "off-by-one-ulp"
    func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        try BatchEngine<Double>().computeGradients(of: network, inputs: inputs, targets: targets, into: &gradients)
        gradients.layers[1].biases[0] = gradients.layers[1].biases[0].nextDown
    }
}

/// A loop engine that counts its calls (a class, so that the count survives the harness's copies).
final class CountingEngine: BackpropEngine {
    let name = "counting"
    private(set) var calls = 0
    func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        calls += 1
        try LoopEngine<Double>().computeGradients(of: network, inputs: inputs, targets: targets, into: &gradients)
    }
}

@Suite("Benchmark harness")
struct BenchmarkHarnessTests {
    let quick = HarnessSettings(minimumTime: 0.001, samples: 3, warmUp: 0.001)

    @Test("refuses to time a case whose engines are not bitwise identical")
    func refusesDisagreement() {
        var harness = BenchmarkHarness(settings: quick)
        let benchmarkCase = BenchmarkCase(sizes: [5, 4, 3], examples: 6, precision: .double)
        #expect {
            _ = try harness.run(benchmarkCase, Double.self,
                                engines: [AnyBackpropEngine(LoopEngine<Double>()), AnyBackpropEngine(OneULPOffEngine())])
        } throws: { error in
            let message = (error as? BenchmarkRefusal)?.message ?? ""
            return message.contains("refusing to time 5-4-3 m=6") && message.contains("layer 2") && message.contains("1 ULP")
        }
    }

    @Test("times the engines, interleaved, with the requested samples and a summary")
    func measures() throws {
        var harness = BenchmarkHarness(settings: HarnessSettings(minimumTime: 0.001, samples: 5, warmUp: 0.001, phases: true))
        let result = try harness.run(BenchmarkCase(sizes: [8, 6, 3], examples: 16, precision: .float))
        #expect(result.measurements.map(\.engine) == ["loop", "batch"])
        for measurement in result.measurements {
            #expect(measurement.timing.samples == 5 && measurement.timing.repetitions >= 1)
            #expect(measurement.timing.minimum <= measurement.timing.median && measurement.timing.median <= measurement.timing.maximum)
            #expect(measurement.phases.map { $0.total > 0 } == true)
        }
        #expect(result.speedup("loop") == 1)
        #expect(result.examplesPerSecond("batch")! > 0)
        #expect(harness.checksum.isFinite && harness.checksum != 0)
        #expect(result.threadSpeedup == nil)
        // The host's share, when the samples spanned a clock tick (10 ms of two CPUs' time), is a share.
        #expect(result.hostSteal.map { (0...1).contains($0) } ?? true)
    }

    @Test("every sample starts with the requested untimed calls", arguments: [0, 1, 3])
    func untimedCalls(_ untimed: Int) throws {
        // No warm-up time and no minimum time: one warm-up call and one timed call per sample, so the count is exact.
        var settings = HarnessSettings(minimumTime: 0, samples: 4, warmUp: 0)
        settings.untimedCallsPerSample = untimed
        var harness = BenchmarkHarness(settings: settings)
        let counting = CountingEngine()
        let result = try harness.run(BenchmarkCase(sizes: [5, 4, 3], examples: 6, precision: .double), Double.self,
                                     engines: [AnyBackpropEngine(LoopEngine<Double>()), AnyBackpropEngine(counting)])
        #expect(try #require(result.measurement("counting")).timing.repetitions == 1)
        // The identity check, the warm-up, then per sample the untimed calls and the timed one.
        #expect(counting.calls == 1 + 1 + 4 * (untimed + 1))
    }

    @Test("a multi-thread case also times a one-thread batch engine in the same rotation")
    func threadGain() throws {
        var harness = BenchmarkHarness(settings: quick)
        let result = try harness.run(BenchmarkCase(sizes: [40, 24, 5], examples: 64, precision: .double, threads: 2))
        #expect(result.measurements.map(\.engine) == ["loop", "batch", BenchmarkHarness.oneThreadBatch])
        let one = try #require(result.measurement(BenchmarkHarness.oneThreadBatch)).timing.median
        let two = try #require(result.measurement("batch")).timing.median
        #expect(result.threadSpeedup == one / two)

        // The records say which engine had how many threads, and the chart draws no series for the extra engine.
        let report = BenchmarkReport(machine: MachineInfo.current(), peak: PeakRates(double: 1, float: 2, source: "given"),
                                     settings: quick, cases: [result])
        #expect(report.results.map(\.engine) == ["loop", "batch", "batch-1t"])
        #expect(report.results.map(\.threads) == [1, 2, 1])
        let chart = SpeedupChart(records: report.results, subtitle: "test")
        let figure = chart.figure()
        let speedups = try #require(figure.rows.first?.first)
        #expect(speedups.series.map(\.label) == ["double, 2 threads"])
        #expect(speedups.series[0].points.map(\.x) == [64])
        let rates = try #require(figure.rows.last?.first)
        #expect(rates.series.map(\.label) == ["loop engine", "batch engine, 2 threads"])
        #expect(BenchmarkTable.main([result], peak: report.peak).contains("vs 1 thread"))
    }
}
