import Testing
@testable import Backprop

@Suite("Training with either engine")
struct TrainerTests {
    /// A small synthetic classification problem (two interleaved classes in 5 dimensions).
    static func problem(seed: UInt64) -> (LabeledData, LabeledData) {
        var g = SplitMix64(seed: seed)
        var features: [Double] = [], labels: [Int] = []
        for _ in 0..<120 {
            let label = g.nextInt(below: 3)
            for j in 0..<5 { features.append(g.nextNormal() + (j == label ? 2 : 0)) }
            labels.append(label)
        }
        let data = try! LabeledData(features: Matrix(rows: 120, columns: 5, elements: features), labels: labels)
        return data.split(testFraction: 0.25, seed: seed)
    }

    struct Setting: Sendable, CustomTestStringConvertible {
        var precision: Precision
        var configuration: TrainingConfiguration
        var testDescription: String {
            "\(precision.rawValue), batch \(configuration.batchSize), λ \(configuration.weightDecay), μ \(configuration.momentum)"
        }
    }

    static let settings: [Setting] = [
        Setting(precision: .double, configuration: TrainingConfiguration(epochs: 4, batchSize: 7, learningRate: 0.2)),
        Setting(precision: .float, configuration: TrainingConfiguration(epochs: 4, batchSize: 7, learningRate: 0.2)),
        Setting(precision: .double, configuration: TrainingConfiguration(epochs: 3, batchSize: 16, learningRate: 0.1, weightDecay: 5, momentum: 0.9)),
        Setting(precision: .float, configuration: TrainingConfiguration(epochs: 3, batchSize: 1, learningRate: 0.05, weightDecay: 1, momentum: 0.5)),
    ]

    @Test("loop and batch engines end with bitwise identical weights", arguments: settings)
    func identicalWeights(_ setting: Setting) throws {
        switch setting.precision {
        case .double: try identicalWeights(Double.self, setting.configuration)
        case .float: try identicalWeights(Float.self, setting.configuration)
        }
    }

    func identicalWeights<T: BackpropScalar>(_: T.Type, _ configuration: TrainingConfiguration) throws {
        let (train, test) = Self.problem(seed: 3)
        let normalization = Normalization(standardizing: train)
        let trainSet = TrainingSet<T>(train, normalization: normalization), testSet = TrainingSet<T>(test, normalization: normalization)
        let network = try Network<T>(sizes: [5, 9, 3], hidden: .tanh, output: .softmaxCrossEntropy, seed: 8)
        let trainer = Trainer<T>(configuration: configuration)
        let loop = try trainer.train(network, engine: AnyBackpropEngine(LoopEngine<T>()), training: trainSet, test: testSet)
        let batch = try trainer.train(network, engine: AnyBackpropEngine(BatchEngine<T>()), training: trainSet, test: testSet)
        #expect(loop.network == batch.network)
        #expect(loop.network.checksum == batch.network.checksum)
        #expect(loop.network != network)
        #expect(loop.epochs.map(\.meanLoss) == batch.epochs.map(\.meanLoss))
        #expect(loop.epochs.count == configuration.epochs && loop.divergedInEpoch == nil)
    }

    @Test("training lowers the loss and learns the problem")
    func learns() throws {
        let (train, test) = Self.problem(seed: 4)
        let normalization = Normalization(standardizing: train)
        let outcome = try Trainer<Double>(configuration: TrainingConfiguration(epochs: 20, batchSize: 10, learningRate: 0.5))
            .train(try Network(sizes: [5, 12, 3], hidden: .sigmoid, output: .softmaxCrossEntropy, seed: 1),
                   engine: AnyBackpropEngine(BatchEngine<Double>()), training: TrainingSet(train, normalization: normalization),
                   test: TrainingSet(test, normalization: normalization))
        #expect(outcome.epochs.last!.meanLoss < outcome.epochs.first!.meanLoss / 2)
        #expect(outcome.epochs.last!.testAccuracy! > 0.8)
    }

    @Test("a diverging run stops at the epoch it diverges and keeps the last finite weights")
    func divergence() throws {
        let (train, _) = Self.problem(seed: 5)
        let set = TrainingSet<Double>(train, normalization: .identity(5))
        let network = try Network<Double>(sizes: [5, 4, 3], hidden: .identity, output: .identitySquaredError, seed: 1)
        let outcome = try Trainer<Double>(configuration: TrainingConfiguration(epochs: 50, batchSize: 4, learningRate: 1e6))
            .train(network, engine: AnyBackpropEngine(BatchEngine<Double>()), training: set, test: nil)
        let epoch = try #require(outcome.divergedInEpoch)
        #expect(outcome.epochs.count == epoch - 1)
        #expect(outcome.network.layers.allSatisfy { $0.weights.isFinite && $0.biases.allSatisfy(\.isFinite) })
    }
}
