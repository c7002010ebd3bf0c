import Testing
@testable import Backprop
@testable import BackpropBenchmarks

@Suite("Call-time log")
struct CallTimeLogTests {
    @Test("one CSV line per call, each with its case's thread count")
    func csv() {
        var result = CaseResult(benchmarkCase: BenchmarkCase(sizes: [5, 4, 3], examples: 8, precision: .float, threads: 2),
                                measurements: [], flops: FlopCount(BenchmarkCase(sizes: [5, 4, 3], examples: 8, precision: .float)))
        result.callTimes = [
            CallTime(engine: "loop", sample: 0, call: 0, seconds: 0.25),
            CallTime(engine: "batch", sample: 0, call: 1, seconds: 1.5e-5),
            CallTime(engine: "batch-1t", sample: 1, call: 0, seconds: 3e-5),
        ]
        let lines = CallTimeLog.csv([result]).split(separator: "\n")
        #expect(lines == [
            "network,precision,batch,case_threads,engine,sample,call,seconds",
            "5-4-3,float,8,2,loop,0,0,0.25",
            "5-4-3,float,8,2,batch,0,1,1.5e-05",
            "5-4-3,float,8,2,batch-1t,1,0,3e-05",
        ])
    }

    @Test("the harness keeps every timed call, and each sample's figure is the mean of its calls")
    func harnessRecordsCalls() throws {
        var settings = HarnessSettings(minimumTime: 0.0005, samples: 3, warmUp: 0.001)
        settings.recordsCallTimes = true
        var harness = BenchmarkHarness(settings: settings)
        let result = try harness.run(BenchmarkCase(sizes: [12, 8, 3], examples: 16, precision: .double, threads: 2))
        for measurement in result.measurements {
            let calls = result.callTimes.filter { $0.engine == measurement.engine }
            #expect(calls.count == 3 * measurement.timing.repetitions, "\(measurement.engine)")
            let means = (0..<3).map { sample in
                let own = calls.filter { $0.sample == sample }
                #expect(own.map(\.call) == Array(0..<measurement.timing.repetitions))
                return own.map(\.seconds).reduce(0, +) / Double(own.count)
            }
            #expect(TimingSummary(means, repetitions: measurement.timing.repetitions) == measurement.timing)
        }
        // The calls are kept in the order made: the samples rotate through the engines.
        #expect(result.callTimes.first?.engine == "loop" && result.callTimes.last?.sample == 2)
    }

    @Test("without the setting nothing is kept")
    func offByDefault() throws {
        var harness = BenchmarkHarness(settings: HarnessSettings(minimumTime: 0.0005, samples: 2, warmUp: 0.001))
        let result = try harness.run(BenchmarkCase(sizes: [5, 4, 3], examples: 4, precision: .double))
        #expect(result.callTimes.isEmpty)
    }
}
