import Backprop
import Foundation
import Testing
@testable import BackpropBenchmarks

/// `bench-train`'s rows: what a run that diverges records, in the Swift engines and in the Python peers.
@Suite("bench-train's rows", .serialized)
struct TrainBenchmarkTests {
    /// 40 training and 12 test examples of 4 seeded features, 3 classes.
    static func sets() -> (TrainingSet<Double>, TrainingSet<Double>) {
        var generator = SplitMix64(seed: 11)
        func set(_ count: Int) -> TrainingSet<Double> {
            var inputs = Matrix<Double>(rows: count, columns: 4), targets = Matrix<Double>(rows: count, columns: 3)
            for i in 0..<count {
                for k in 0..<4 { inputs[i, k] = generator.nextNormal() }
                targets[i, i % 3] = 1
            }
            return TrainingSet(inputs: inputs, targets: targets, labels: (0..<count).map { $0 % 3 })
        }
        return (set(40), set(12))
    }

    static let peers = NumPyReference.python() == nil ? [] : ["numpy-loop", "numpy-batch"]

    /// The recipe of the two tests below: 4-6-3, ReLU, softmax + cross-entropy, He init, 2 epochs, mini-batches of
    /// 4, at step size `eta`, trained by both engines and the NumPy peers (when Python and NumPy are installed).
    static func run(eta: Double) throws -> [TrainBenchmark.Row] {
        let (training, test) = sets()
        let network = try Network<Double>(sizes: [4, 6, 3], hidden: .relu, output: .softmaxCrossEntropy,
                                          initialization: .he, seed: 1)
        let configuration = TrainingConfiguration(epochs: 2, batchSize: 4, learningRate: eta)
        let result = try TrainBenchmark.run(network: network, training: training, test: test,
                                            configuration: configuration, batchSizes: [4], peers: peers) { _ in }
        let ran = result.rows.filter { $0.skipped == nil }
        #expect(ran.map(\.tool) == ["loop engine", "batch engine"] + peers)
        return ran
    }

    @Test("a step size that overflows: every tool says the epoch it diverged in, and has no final accuracy")
    func diverged() throws {
        for row in try Self.run(eta: 1e200) {
            #expect(row.divergedInEpoch == 1, "\(row.tool)")
            #expect(row.finalAccuracy == nil && row.epochSeconds.isEmpty, "\(row.tool)")
        }
    }

    @Test("a step size that trains: no tool diverges, and all reach the same accuracy")
    func trains() throws {
        let ran = try Self.run(eta: 0.1)
        #expect(ran.allSatisfy { $0.divergedInEpoch == nil && $0.epochSeconds.count == 2 })
        #expect(Set(ran.compactMap(\.finalAccuracy)).count == 1, "\(ran.map { ($0.tool, $0.finalAccuracy) })")
    }
}
