import Backprop

/// How `BenchmarkHarness` measures.
public struct HarnessSettings: Sendable {
    /// Each sample times back-to-back calls until at least this many seconds have passed.
    public var minimumTime: Double = 0.05
    /// Samples per engine (interleaved between the engines); the median is reported.
    public var samples: Int = 7
    /// Seconds of untimed calls per engine first (workspaces allocated, caches and branch predictors warm).
    public var warmUp: Double = 0.02
    /// Untimed calls at the start of every sample, so that no engine's sample pays for the engine before it:
    /// the caches hold this engine's data again, and a thread pool that went to sleep while another engine ran is
    /// awake (a virtual CPU left idle can take milliseconds to run at full speed again).
    public var untimedCallsPerSample: Int = 1
    /// The seed of the network's weights; the batch uses seed + 1.
    public var seed: UInt64 = 1
    /// Whether to also measure the per-phase breakdown.
    public var phases: Bool = false
    /// Whether to time each call of a sample on its own as well and keep them (`CaseResult.callTimes`); the
    /// sample's figure is then the mean of its calls. NumPy's samples are timed inside Python and are not kept.
    public var recordsCallTimes: Bool = false

    public init(minimumTime: Double = 0.05, samples: Int = 7, warmUp: Double = 0.02, seed: UInt64 = 1, phases: Bool = false) {
        self.minimumTime = minimumTime
        self.samples = samples
        self.warmUp = warmUp
        self.seed = seed
        self.phases = phases
    }
}

/// One engine's timing on one case.
public struct EngineMeasurement: Sendable {
    /// "loop", "batch", "batch-1t" (beside a multi-thread batch engine), or "numpy-loop", "numpy-batch".
    public var engine: String
    /// Seconds per gradient call.
    public var timing: TimingSummary
    /// Seconds per call in each phase, when measured.
    public var phases: PhaseTimes?
    /// For a tool timed in another process: the median over its samples of that process's CPU time over the
    /// sample's wall time (about 1.0 on one core), when it reported its CPU time.
    public var cpuPerWall: Double?
    /// How that tool was held to one core, when more than its thread flags did it.
    public var note: String?

    public init(engine: String, timing: TimingSummary, phases: PhaseTimes? = nil, cpuPerWall: Double? = nil,
                note: String? = nil) {
        self.engine = engine
        self.timing = timing
        self.phases = phases
        self.cpuPerWall = cpuPerWall
        self.note = note
    }
}

/// The result of one case: the identity check and each engine's timing.
public struct CaseResult: Sendable {
    public var benchmarkCase: BenchmarkCase
    public var measurements: [EngineMeasurement]
    public var flops: FlopCount
    /// The largest relative difference between NumPy's gradients and the Swift engines', when NumPy ran.
    public var numpyMaximumRelativeDifference: Double?
    /// The share (0…1) of the time the machine's CPUs wanted to run that the host took while the case's samples
    /// ran (`HostCPUTime`); nil where the system does not count it.
    public var hostSteal: Double? = nil
    /// Every timed call of the Swift engines, in the order made, when `HarnessSettings.recordsCallTimes`.
    public var callTimes: [CallTime] = []

    public func measurement(_ engine: String) -> EngineMeasurement? {
        measurements.first { $0.engine == engine }
    }

    /// Examples per second at the median time.
    public func examplesPerSecond(_ engine: String) -> Double? {
        measurement(engine).map { Double(benchmarkCase.examples) / $0.timing.median }
    }

    /// GFLOP/s at the median time (the same operation count for every engine: docs/performance.md).
    public func gigaflops(_ engine: String) -> Double? {
        measurement(engine).map { Double(flops.total) / $0.timing.median / 1e9 }
    }

    /// Median time of the loop form over the batch form: "batch" against "loop", "numpy-batch" against "numpy-loop".
    public func speedup(_ engine: String) -> Double? {
        let base = engine.hasPrefix("numpy") ? "numpy-loop" : "loop"
        guard let me = measurement(engine), let reference = measurement(base) else { return nil }
        return reference.timing.median / me.timing.median
    }

    /// The batch engine's speed with the case's threads over its speed with one, both from the same rotation of
    /// samples (nil for one-thread cases).
    public var threadSpeedup: Double? {
        guard let one = measurement(BenchmarkHarness.oneThreadBatch), let many = measurement("batch") else { return nil }
        return one.timing.median / many.timing.median
    }

    /// Swift over NumPy for the same form: "loop" against "numpy-loop", "batch" against "numpy-batch".
    /// How many times as fast as the peer `peer` ("jax-batch") the Swift `engine` is, in the same rotation.
    public func ratio(_ engine: String, to peer: String) -> Double? {
        guard let me = measurement(engine), let other = measurement(peer) else { return nil }
        return other.timing.median / me.timing.median
    }

    public func ratioToNumPy(_ engine: String) -> Double? {
        guard !engine.hasPrefix("numpy"), let me = measurement(engine),
              let numpy = measurement("numpy-" + engine) else { return nil }
        return numpy.timing.median / me.timing.median
    }
}

/// Why a case was not timed.
public struct BenchmarkRefusal: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

/// Times engines on benchmark cases, honestly:
///
/// 1. builds the case's seeded network and batch, runs every engine once, and REFUSES to time the case unless
///    all gradients are bitwise identical to the first engine's;
/// 2. warms each engine up (its workspace is allocated, caches are warm);
/// 3. takes `samples` samples per engine, interleaved (A B C C B A A B C …) so that drift in the machine's speed hits
///    every engine alike (NumPy's forms, when compared, take part in the same rotation); a sample makes
///    `untimedCallsPerSample` untimed calls, then times back-to-back calls for at least `minimumTime` on the
///    monotonic clock;
/// 4. keeps every result alive (each call's loss goes into a checksum), so no work can be optimised away;
/// 5. reports the median, the extremes and the 10th/90th percentiles of seconds per call, and the share of the
///    time the machine's CPUs wanted to run that the host took while the samples ran (a shared host's "steal",
///    `HostCPUTime`).
public struct BenchmarkHarness: Sendable {
    public var settings: HarnessSettings
    /// The engines timed (the library's, unless a test substitutes faulty ones).
    public var factory: any EngineFactory
    /// Sum of every timed call's loss; exposed so the compiler must compute it.
    public private(set) var checksum = 0.0

    public init(settings: HarnessSettings = HarnessSettings(), factory: any EngineFactory = LibraryEngines()) {
        self.settings = settings
        self.factory = factory
    }

    /// The engines of a case: the loop engine and the batch engine with the case's threads; with more than one
    /// thread, also a one-thread batch engine ("batch-1t"), so that the gain from threads is measured in the same
    /// rotation of samples rather than between cases timed minutes apart.
    public func standardEngines<T: BackpropScalar>(_ benchmarkCase: BenchmarkCase) -> [AnyBackpropEngine<T>] {
        let pool = WorkerPool.forThreads(benchmarkCase.threads)
        let (loop, batch) = factory.engines(T.self, pool: pool)
        var engines = [loop, batch]
        if benchmarkCase.threads > 1 {
            engines.append(AnyBackpropEngine(factory.engines(T.self, pool: nil).batch, name: Self.oneThreadBatch))
        }
        return engines
    }

    /// The name of the one-thread batch engine timed beside a multi-thread one.
    public static let oneThreadBatch = "batch-1t"

    /// The case's network and batch.
    public func inputs<T: BackpropScalar>(_ benchmarkCase: BenchmarkCase, _: T.Type) throws -> (Network<T>, Batch<T>) {
        let network = try Network<T>(sizes: benchmarkCase.sizes, hidden: benchmarkCase.hidden,
                                     output: benchmarkCase.output, seed: settings.seed)
        return (network, Batch.synthetic(for: network, examples: benchmarkCase.examples, seed: settings.seed &+ 1))
    }

    /// Checks identity, then times `engines` on `benchmarkCase` (in its precision T).
    /// - Throws: `BenchmarkRefusal` if an engine's gradients are not bitwise identical to the first engine's.
    public mutating func run<T: BackpropScalar>(
        _ benchmarkCase: BenchmarkCase, _: T.Type, engines: [AnyBackpropEngine<T>],
        external: (Network<T>, Batch<T>, Gradients<T>) throws -> (timers: [ExternalTimer], difference: Double?) = { _, _, _ in ([], nil) }
    ) throws -> CaseResult {
        let (network, batch) = try inputs(benchmarkCase, T.self)
        let reference = try engines[0].gradients(of: network, inputs: batch.inputs, targets: batch.targets)
        for engine in engines.dropFirst() {
            let other = try engine.gradients(of: network, inputs: batch.inputs, targets: batch.targets)
            let difference = GradientsDifference(other, reference)
            guard difference.isIdentical else {
                let where_ = difference.layers.enumerated().first { !$0.element.weights.isIdentical || !$0.element.biases.isIdentical }
                    .map { "layer \($0.offset + 1)" } ?? "the loss"
                throw BenchmarkRefusal(message: "refusing to time \(benchmarkCase): \(engine.name) and \(engines[0].name) are not bitwise identical (first difference in \(where_), up to \(difference.maximumULPs) ULP)")
            }
        }

        var gradients = engines.map { _ in Gradients(zeroFor: network) }
        var sink = 0.0
        func call(_ index: Int) throws {
            try engines[index].computeGradients(of: network, inputs: batch.inputs, targets: batch.targets,
                                                into: &gradients[index])
            sink += Double(gradients[index].loss)
        }

        // Warm-up, which also sizes each sample: enough calls for the minimum time.
        var repetitions = [Int](repeating: 1, count: engines.count)
        for index in engines.indices {
            var calls = 0
            let start = MonotonicClock.nanoseconds()
            repeat {
                try call(index)
                calls += 1
            } while MonotonicClock.seconds(since: start) < settings.warmUp
            let perCall = MonotonicClock.seconds(since: start) / Double(calls)
            repetitions[index] = max(1, Int((settings.minimumTime / perCall).rounded(.up)))
        }

        // Timers from outside (NumPy), prepared on the same network and batch, take part in the rotation.
        let (timers, difference) = try external(network, batch, reference)
        let participants = engines.count + timers.count
        var times = [[Double]](repeating: [], count: participants)
        var externalRepetitions = [Int](repeating: 1, count: timers.count)
        var externalCPUShares = [[Double]](repeating: [], count: timers.count)
        var callTimes: [CallTime] = []
        let cpuBefore = HostCPUTime.now()
        for round in 0..<settings.samples {
            let order = round % 2 == 0 ? Array(0..<participants) : Array((0..<participants).reversed())
            for index in order {
                if index < engines.count {
                    for _ in 0..<settings.untimedCallsPerSample { try call(index) }
                    if settings.recordsCallTimes {
                        var total = 0.0
                        for number in 0..<repetitions[index] {
                            let start = MonotonicClock.nanoseconds()
                            try call(index)
                            let seconds = MonotonicClock.seconds(since: start)
                            total += seconds
                            callTimes.append(CallTime(engine: engines[index].name, sample: round, call: number,
                                                      seconds: seconds))
                        }
                        times[index].append(total / Double(repetitions[index]))
                    } else {
                        let start = MonotonicClock.nanoseconds()
                        for _ in 0..<repetitions[index] { try call(index) }
                        times[index].append(MonotonicClock.seconds(since: start) / Double(repetitions[index]))
                    }
                } else {
                    let (seconds, calls, cpuSeconds) = try timers[index - engines.count].sample()
                    times[index].append(seconds)
                    externalRepetitions[index - engines.count] = calls
                    if let cpuSeconds, seconds > 0 { externalCPUShares[index - engines.count].append(cpuSeconds / seconds) }
                }
            }
        }

        let cpuAfter = HostCPUTime.now()
        var measurements: [EngineMeasurement] = []
        for index in engines.indices {
            var phases: PhaseTimes?
            if settings.phases, let recorder = engines[index].recorder {
                recorder.recordsPhases = true
                var total = PhaseTimes()
                for _ in 0..<repetitions[index] {
                    try call(index)
                    total = total + recorder.phaseTimes
                }
                recorder.recordsPhases = false
                phases = total.scaled(by: 1 / Double(repetitions[index]))
            }
            measurements.append(EngineMeasurement(engine: engines[index].name,
                                                  timing: TimingSummary(times[index], repetitions: repetitions[index]),
                                                  phases: phases))
        }
        for (offset, timer) in timers.enumerated() {
            let shares = externalCPUShares[offset]
            measurements.append(EngineMeasurement(
                engine: timer.name, timing: TimingSummary(times[engines.count + offset], repetitions: externalRepetitions[offset]),
                cpuPerWall: shares.isEmpty ? nil : TimingSummary(shares, repetitions: 1).median, note: timer.note))
        }
        checksum += sink
        var steal: Double?
        if let cpuBefore, let cpuAfter { steal = cpuAfter.stolenShare(since: cpuBefore) }
        return CaseResult(benchmarkCase: benchmarkCase, measurements: measurements,
                          flops: FlopCount(benchmarkCase), numpyMaximumRelativeDifference: difference,
                          hostSteal: steal, callTimes: callTimes)
    }

    /// Runs a case with the library's engines, in the case's precision.
    public mutating func run(_ benchmarkCase: BenchmarkCase) throws -> CaseResult {
        let (result, harness) = try benchmarkCase.precision.dispatch(StandardRun(harness: self, benchmarkCase: benchmarkCase))
        self = harness
        return result
    }
}

/// A case run with the library's engines, dispatched to its precision: the result, and the harness after it.
struct StandardRun: PrecisionDispatch {
    var harness: BenchmarkHarness
    var benchmarkCase: BenchmarkCase

    func run<T: BackpropScalar>(_: T.Type) throws -> (CaseResult, BenchmarkHarness) {
        var harness = harness
        let result = try harness.run(benchmarkCase, T.self, engines: harness.standardEngines(benchmarkCase))
        return (result, harness)
    }
}

extension PhaseTimes {
    /// Every phase multiplied by `factor`.
    func scaled(by factor: Double) -> PhaseTimes {
        var result = self
        for phase in Phase.allCases { result[phase] *= factor }
        return result
    }
}
