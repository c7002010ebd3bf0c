import Backprop
import Foundation

/// The data `train` fits, read once: a table of examples (standardised with the training set's mean and
/// deviation), or an image set's official training and test images (pixels ÷ 255), and how to make the training and
/// test sets in the network's precision.
struct TrainingData {
    enum Examples {
        case table(train: LabeledData, test: LabeledData?)
        case images(train: ImageSet, test: ImageSet)
    }

    var examples: Examples
    /// What the second set of `examples` is: the test set, or validation examples kept from the training set.
    var evaluation: EvaluationSet
    /// "fashion-mnist (60000 training examples, 10000 test examples)".
    var description: String
    var normalization: Normalization
    /// Seconds spent reading (and inflating) the files and working out the scaling.
    var loadSeconds: Double

    /// Reads `data`, splitting a table with `seed`, keeps the first `trainExamples` training examples for training
    /// (all when nil), scores the test set or, for `.validation`, the training examples after those, and works out
    /// the scaling of the inputs from the examples that train.
    /// - Throws: `UsageError` for unit scaling of data that is not images, or a validation set with no examples.
    init(_ data: DataOptions, seed: UInt64, scaling: InputScaling, trainExamples: Int? = nil,
         evaluation: EvaluationSet = .test) throws {
        let start = MonotonicClock.nanoseconds()
        self.evaluation = evaluation
        switch try data.load() {
        case .images(let all, var test):
            let kept = try Self.kept(trainExamples, of: all.count, evaluation: evaluation)
            let train = all.images(0..<kept)
            if evaluation == .validation { test = all.images(kept..<all.count) }
            examples = .images(train: train, test: test)
            description = "\(data.source) (\(train.count) training examples, \(test.count) \(evaluation.rawValue) examples"
                + (evaluation == .validation ? ": training images \(kept)…\(all.count - 1))" : ")")
            normalization = scaling == .unit ? ImageSet.unitScaling(pixels: train.pixelsPerImage) : train.standardization()
        case .table(let all):
            guard scaling == .standardize else {
                throw UsageError("--scaling unit: \(data.source) is not an image set; only mnist and fashion-mnist scale pixels to [0, 1]")
            }
            var (train, test): (LabeledData, LabeledData?) = (all, nil)
            if data.testFraction > 0 {
                guard all.count >= 2 else { throw BackpropError("\(data.source) has \(all.count) example; a test split needs at least 2") }
                (train, test) = all.split(testFraction: data.testFraction, seed: seed)
            }
            let kept = try Self.kept(trainExamples, of: train.count, evaluation: evaluation)
            if evaluation == .validation { test = train.subset(Array(kept..<train.count)) }
            train = train.subset(Array(0..<kept))
            examples = .table(train: train, test: test)
            description = "\(data.source) (\(all.count) examples: \(train.count) train / "
                + (test.map { "\($0.count) \(evaluation.rawValue)" } ?? "no test split")
                + (data.testFraction > 0 ? ", split seed \(seed))" : ")")
            if case .table(let train, _) = examples { normalization = Normalization(standardizing: train) } else { normalization = .identity(0) }
        }
        loadSeconds = MonotonicClock.seconds(since: start)
    }

    /// How many of `count` training examples train: `trainExamples` (all when nil), leaving at least one for a
    /// validation set.
    static func kept(_ trainExamples: Int?, of count: Int, evaluation: EvaluationSet) throws -> Int {
        let kept = min(trainExamples ?? count, count)
        if evaluation == .validation && kept >= count {
            throw UsageError("--evaluate-on validation: the validation examples are the training examples after the first \(trainExamples ?? count) (--train-examples), and there are only \(count)")
        }
        return kept
    }

    var featureCount: Int {
        switch examples {
        case .table(let train, _): train.featureCount
        case .images(let train, _): train.pixelsPerImage
        }
    }

    var classCount: Int {
        switch examples {
        case .table(let train, let test): max(train.classCount, test?.classCount ?? 0)
        case .images(let train, let test): max(train.classCount, test.classCount)
        }
    }

    var counts: (train: Int, test: Int) {
        switch examples {
        case .table(let train, let test): (train.count, test?.count ?? 0)
        case .images(let train, let test): (train.count, test.count)
        }
    }

    /// How the inputs are scaled, for the output.
    var scaling: String {
        normalization.scale.allSatisfy { $0 == 255 } && normalization.mean.allSatisfy { $0 == 0 }
            ? "pixels scaled to [0, 1] (÷ 255)" : "inputs standardised with the training set's mean and deviation"
    }

    /// The training and test sets in precision T, with one-hot targets over `classes` outputs.
    func sets<T: BackpropScalar>(_: T.Type, classes: Int) throws -> (train: TrainingSet<T>, test: TrainingSet<T>?) {
        switch examples {
        case .images(let train, let test):
            return (TrainingSet(images: train, normalization: normalization, classes: classes),
                    TrainingSet(images: test, normalization: normalization, classes: classes))
        case .table(let train, let test):
            func widen(_ data: LabeledData) throws -> LabeledData {
                try LabeledData(features: data.features, labels: data.labels, classCount: classes, classNames: data.classNames)
            }
            return (TrainingSet(try widen(train), normalization: normalization),
                    try test.map { TrainingSet(try widen($0), normalization: normalization) })
        }
    }
}
