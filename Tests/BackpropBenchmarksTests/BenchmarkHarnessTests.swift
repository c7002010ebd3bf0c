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

@Suite("Benchmark harness")
struct BenchmarkHarnessTests {
    let quick = HarnessSettings(minimumTime: 0.001, samples: 3, warmUp: 0.001)

    @Test("refuses to time a case whose engines are not bitwise identical")
    func refusesDisagreement() {
        var harness = BenchmarkHarness(settings: quick)
        let benchmarkCase = BenchmarkCase(sizes: [5, 4, 3], examples: 6, precision: "double")
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
        let result = try harness.run(BenchmarkCase(sizes: [8, 6, 3], examples: 16, precision: "float"))
        #expect(result.identical)
        #expect(result.measurements.map(\.engine) == ["loop", "batch"])
        for measurement in result.measurements {
            #expect(measurement.timing.samples == 5 && measurement.timing.repetitions >= 1)
            #expect(measurement.timing.minimum <= measurement.timing.median && measurement.timing.median <= measurement.timing.maximum)
            #expect(measurement.phases.map { $0.total > 0 } == true)
        }
        #expect(result.speedup("loop") == 1)
        #expect(result.examplesPerSecond("batch")! > 0)
        #expect(harness.checksum.isFinite && harness.checksum != 0)
    }

    @Test("the flop count matches a hand count for 2-3-2")
    func flopCount() {
        // Forward 2·(2·3 + 3·2) = 24; output error 2 (a − y); hidden errors 2·(3·2) + 3·(1 + 2) = 21;
        // weight gradients 2·12 + 12 = 36; bias gradients (3 + 2) + (3 + 2) = 10. Total 93 for one example.
        let one = FlopCount(sizes: [2, 3, 2], examples: 1, hidden: .sigmoid, output: .softmaxCrossEntropy)
        #expect([one.forward, one.outputError, one.hiddenErrors, one.weightGradients, one.biasGradients] == [24, 2, 21, 36, 10])
        #expect(one.total == 93)
        // Three examples: the per-example terms triple, the per-batch 1/m scalings (12 + 5) do not.
        #expect(FlopCount(sizes: [2, 3, 2], examples: 3, hidden: .sigmoid, output: .softmaxCrossEntropy).total == 3 * (93 - 17) + 17)
        // relu's σ′ costs no flops; sigmoid + squared error's δᴸ costs 4 per output.
        let relu = FlopCount(sizes: [2, 3, 2], examples: 1, hidden: .relu, output: .sigmoidSquaredError)
        #expect(relu.hiddenErrors == 12 + 3 && relu.outputError == 8)
    }

    @Test("timing summaries: median and linearly interpolated percentiles")
    func statistics() {
        let summary = TimingSummary([5, 1, 4, 2, 3], repetitions: 10)
        #expect(summary.median == 3 && summary.minimum == 1 && summary.maximum == 5)
        #expect(abs(summary.p10 - 1.4) < 1e-12 && abs(summary.p90 - 4.6) < 1e-12)
        #expect(TimingSummary([2, 4], repetitions: 1).median == 3)
    }
}
