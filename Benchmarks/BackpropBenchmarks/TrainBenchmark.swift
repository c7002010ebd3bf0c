import Backprop
import Foundation

/// `backprop bench-train`: one recipe trained at several mini-batch sizes, by the Swift engines and, on request,
/// by the tools a student would otherwise use (Benchmarks/python/train_peers.py: a NumPy per-example loop as in
/// Nielsen's network.py, NumPy's matrix form, scikit-learn's MLPClassifier, JAX), each on one thread, from the same
/// initial weights, on the same mini-batches, in the same run.
///
/// Each row is one tool at one mini-batch size: its seconds per epoch (the median over the epochs, with the fastest
/// and the slowest), the test accuracy after the epochs, and the training time until the test accuracy first reached
/// the target. Larger mini-batches make each epoch faster (more work per weight loaded: hardware efficiency) but take
/// fewer steps per epoch (statistical efficiency): the time to an accuracy is what a user waits for.
public struct TrainBenchmark {
    public struct Row: Codable, Sendable {
        public var batchSize: Int
        public var tool: String
        /// Seconds of each epoch, and the test accuracy after it.
        public var epochSeconds: [Double]
        public var testAccuracies: [Double]
        /// Why the tool did not run, if it did not.
        public var skipped: String?
        /// The 1-based epoch in which the loss (or a weight) stopped being finite, if it did; `epochSeconds` and
        /// `testAccuracies` then hold the epochs before it.
        public var divergedInEpoch: Int?
        /// For a peer: its process's CPU time (all its threads) in each timed epoch, beside `epochSeconds`.
        public var epochCPUSeconds: [Double]?
        /// For a peer held to one core by more than its thread flags: how ("pinned to CPU 0 …").
        public var note: String?

        enum CodingKeys: String, CodingKey {
            case batchSize = "batch_size", tool, epochSeconds = "epoch_seconds", testAccuracies = "test_accuracies", skipped
            case divergedInEpoch = "diverged_in_epoch", epochCPUSeconds = "epoch_cpu_seconds", note
        }

        public init(batchSize: Int, tool: String, epochSeconds: [Double], testAccuracies: [Double], skipped: String? = nil,
                    divergedInEpoch: Int? = nil, epochCPUSeconds: [Double]? = nil, note: String? = nil) {
            self.batchSize = batchSize
            self.tool = tool
            self.epochSeconds = epochSeconds
            self.testAccuracies = testAccuracies
            self.skipped = skipped
            self.divergedInEpoch = divergedInEpoch
            self.epochCPUSeconds = epochCPUSeconds
            self.note = note
        }

        public var secondsPerEpoch: Double? { epochSeconds.isEmpty ? nil : TimingSummary(epochSeconds, repetitions: 1).median }
        /// The peer's CPU time over its wall time, all timed epochs together (about 1.0 on one core); nil for the
        /// Swift engines, which run in this process.
        public var cpuPerWall: Double? {
            guard let cpu = epochCPUSeconds, cpu.count == epochSeconds.count, !cpu.isEmpty else { return nil }
            let wall = epochSeconds.reduce(0, +)
            return wall > 0 ? cpu.reduce(0, +) / wall : nil
        }
        /// The test accuracy after the last epoch; nil when training diverged.
        public var finalAccuracy: Double? { divergedInEpoch == nil ? testAccuracies.last : nil }

        /// Seconds of training until the test accuracy first reached `target`, nil if it never did.
        public func timeTo(_ target: Double) -> Double? {
            var clock = 0.0
            for (seconds, accuracy) in zip(epochSeconds, testAccuracies) {
                clock += seconds
                if accuracy >= target { return clock }
            }
            return nil
        }
    }

    /// The tools that can take part, in the order of the table.
    public static let peers = ["numpy-loop", "numpy-batch", "sklearn", "jax"]

    public var rows: [Row] = []

    public init() {}

    /// Trains `network` on `training` with `configuration` at each mini-batch size, with the loop and the batch
    /// engines and then with each of `peers`, and records every run; `progress` says what runs. (Inlinable, so that
    /// the engines run specialised for T, not as generic code.)
    @inlinable
    public static func run<T: BackpropScalar>(
        network: Network<T>, training: TrainingSet<T>, test: TrainingSet<T>, configuration: TrainingConfiguration,
        batchSizes: [Int], peers: [String], progress: (String) -> Void
    ) throws -> TrainBenchmark {
        var benchmark = TrainBenchmark()
        let evaluator = BatchEngine<T>()
        var exported: PeerData?
        defer { exported?.remove() }
        for batchSize in batchSizes {
            var config = configuration
            config.batchSize = batchSize
            var finals: [Network<T>] = []
            for engine in [AnyBackpropEngine(LoopEngine<T>()), AnyBackpropEngine(BatchEngine<T>())] {
                progress("mini-batch \(batchSize): \(engine.name) engine")
                let outcome = try Trainer<T>(configuration: config).train(network, engine: engine, training: training,
                                                                          test: test, evaluator: evaluator)
                finals.append(outcome.network)
                benchmark.rows.append(Row(batchSize: batchSize, tool: "\(engine.name) engine",
                                          epochSeconds: outcome.epochs.map(\.seconds),
                                          testAccuracies: outcome.epochs.compactMap(\.testAccuracy),
                                          divergedInEpoch: outcome.divergedInEpoch))
            }
            guard finals[0] == finals[1] else {
                throw BackpropError("the loop and batch engines trained to different weights at mini-batch \(batchSize)")
            }
            for peer in peers {
                progress("mini-batch \(batchSize): \(peer)")
                if configuration.weightDecay != 0 || configuration.momentum != 0 {
                    benchmark.rows.append(Row(batchSize: batchSize, tool: peer, epochSeconds: [], testAccuracies: [],
                                              skipped: "the peers train plain SGD: no weight decay, no momentum"))
                    continue
                }
                if exported == nil {
                    exported = try PeerData(network: network, training: training, test: test, configuration: config)
                }
                benchmark.rows.append(try exported!.run(peer, batchSize: batchSize))
            }
        }
        return benchmark
    }
}

/// The recipe, the data, the initial weights and the order of the examples, written once for the peers
/// (train_peers.py's directory layout), and how to run one.
@usableFromInline
struct PeerData {
    let directory: URL
    let network: [Int]
    let configuration: TrainingConfiguration
    let hidden: Activation, output: OutputLayer, precision: Precision

    @usableFromInline
    init<T: BackpropScalar>(network: Network<T>, training: TrainingSet<T>, test: TrainingSet<T>,
                            configuration: TrainingConfiguration) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("backprop-peers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.network = network.sizes
        self.configuration = configuration
        hidden = network.hidden
        output = network.output
        precision = T.precision
        func write(_ data: Data, _ name: String) throws { try data.write(to: directory.appendingPathComponent(name)) }
        try write(NPYWriter.encode(training.inputs.elements, shape: [training.count, training.inputs.columns]), "train_x.npy")
        guard let trainingLabels = training.labels, let testLabels = test.labels else {
            throw BackpropError("the Python peers train classifiers: the data needs labels")
        }
        try write(NPYWriter.encode(integers: trainingLabels, shape: [training.count]), "train_y.npy")
        try write(NPYWriter.encode(test.inputs.elements, shape: [test.count, test.inputs.columns]), "test_x.npy")
        try write(NPYWriter.encode(integers: testLabels, shape: [test.count]), "test_y.npy")
        for (index, layer) in network.layers.enumerated() {
            try write(NPYWriter.encode(layer.weights.elements, shape: [layer.weights.rows, layer.weights.columns]), "w\(index + 1).npy")
            try write(NPYWriter.encode(layer.biases, shape: [layer.biases.count]), "b\(index + 1).npy")
        }
        let orders = Trainer<T>.orders(examples: training.count, epochs: configuration.epochs, seed: configuration.seed)
        try write(NPYWriter.encode(integers: orders.flatMap { $0 }, shape: [configuration.epochs, training.count]), "order.npy")
    }

    @usableFromInline
    func remove() { try? FileManager.default.removeItem(at: directory) }

    /// The script: Benchmarks/python/train_peers.py beside the sources, or under the working directory.
    static func script(filePath: String = #filePath) -> String {
        let beside = URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("python/train_peers.py").path
        if FileManager.default.fileExists(atPath: beside) { return beside }
        return FileManager.default.currentDirectoryPath + "/Benchmarks/python/train_peers.py"
    }

    /// Runs `peer` at `batchSize` and reads its epochs; a peer that cannot run is a row that says why.
    @usableFromInline
    func run(_ peer: String, batchSize: Int) throws -> TrainBenchmark.Row {
        let recipe: [String: Any] = [
            "sizes": network, "hidden": hidden.rawValue, "output": output.activation.rawValue,
            "loss": output.loss.rawValue, "learning_rate": configuration.learningRate, "batch_size": batchSize,
            "epochs": configuration.epochs, "precision": precision == .float ? "float32" : "float64",
        ]
        try JSONSerialization.data(withJSONObject: recipe).write(to: directory.appendingPathComponent("recipe.json"))
        func skipped(_ why: String) -> TrainBenchmark.Row {
            TrainBenchmark.Row(batchSize: batchSize, tool: peer, epochSeconds: [], testAccuracies: [], skipped: why)
        }
        let script = Self.script()
        guard FileManager.default.fileExists(atPath: script) else { return skipped("\(script) not found") }
        guard let python = NumPyReference.python() else { return skipped("python3 is not on the PATH") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [script, directory.path, "--peer", peer]
        process.environment = NumPyReference.environment(threads: 1)
        let out = directory.appendingPathComponent("out-\(peer).txt"), err = directory.appendingPathComponent("err-\(peer).txt")
        _ = FileManager.default.createFile(atPath: out.path, contents: nil)
        _ = FileManager.default.createFile(atPath: err.path, contents: nil)
        let outFile = try FileHandle(forWritingTo: out), errFile = try FileHandle(forWritingTo: err)
        process.standardOutput = outFile
        process.standardError = errFile
        // Waiting without spinning: Foundation's waitUntilExit turns a run loop, which would take a core from the
        // peer being timed.
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        try process.run()
        done.wait()
        try? outFile.close()
        try? errFile.close()
        var row = TrainBenchmark.Row(batchSize: batchSize, tool: peer, epochSeconds: [], testAccuracies: [])
        let lines = (try? String(contentsOf: out, encoding: .utf8)) ?? ""
        for line in lines.split(separator: "\n") {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else { continue }
            if let reason = object["skipped"] as? String { return skipped(reason) }
            if let seconds = object["seconds"] as? Double, let epoch = object["epoch"] as? Int {
                // A null loss: training diverged in this epoch (the script stops there).
                guard object["loss"] is Double else {
                    row.divergedInEpoch = epoch
                    break
                }
                row.epochSeconds.append(seconds)
                row.testAccuracies.append(object["test_accuracy"] as? Double ?? 0)
                if let cpu = object["cpu_seconds"] as? Double { row.epochCPUSeconds = (row.epochCPUSeconds ?? []) + [cpu] }
            }
            if object["done"] as? Bool == true, let pinned = object["pinned"] as? String { row.note = pinned }
        }
        if process.terminationStatus != 0 || (row.epochSeconds.isEmpty && row.divergedInEpoch == nil) {
            let reason = ((try? String(contentsOf: err, encoding: .utf8)) ?? "").split(separator: "\n").last.map(String.init)
            return skipped("it failed: " + (reason ?? "exit status \(process.terminationStatus)"))
        }
        return row
    }
}
