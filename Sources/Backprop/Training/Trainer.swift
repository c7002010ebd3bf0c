/// Mini-batch stochastic gradient descent, as the course does it, with either engine.
///
/// Each epoch shuffles the training examples with the project's `SplitMix64` (seeded), cuts them into mini-batches
/// of `batchSize` (the last one may be smaller), and for each mini-batch asks the engine for the MEAN gradient g and
/// takes one `SGD` step (η, L2 decay λ/N for N training examples as Nielsen's network2 writes it, momentum μ).
///
/// The update is the same code whatever the engine, and the engines' gradients are bitwise identical, so training
/// with the loop engine and with the batch engine from the same seed ends in the same bits.
public struct Trainer<Scalar: BackpropScalar>: Sendable {
    public var configuration: TrainingConfiguration

    public init(configuration: TrainingConfiguration) {
        self.configuration = configuration
    }

    /// What one epoch did.
    public struct Epoch: Equatable, Sendable {
        /// 1-based.
        public var number: Int
        /// The mean training loss over the epoch's mini-batches (weighted by their sizes).
        public var meanLoss: Double
        /// Accuracy after the epoch on the training set (on `Trainer.trainingSample` of its examples, fixed for the
        /// whole run, when it has more) and on the test set; nil for data without labels.
        public var trainAccuracy: Double?
        public var testAccuracy: Double?
        /// Seconds spent on the epoch's mini-batches: gathering each, its gradients, the update.
        public var seconds: Double
        /// Seconds spent measuring the two accuracies (forward passes only).
        public var evaluationSeconds: Double

        @inlinable
        public init(number: Int, meanLoss: Double, trainAccuracy: Double?, testAccuracy: Double?, seconds: Double,
                    evaluationSeconds: Double = 0) {
            self.number = number
            self.meanLoss = meanLoss
            self.trainAccuracy = trainAccuracy
            self.testAccuracy = testAccuracy
            self.seconds = seconds
            self.evaluationSeconds = evaluationSeconds
        }
    }

    /// The end of training.
    public struct Outcome: Sendable {
        /// The trained network (the last finite one, if training diverged).
        public var network: Network<Scalar>
        public var epochs: [Epoch]
        /// The 1-based epoch in which the loss became NaN or infinite, if it did.
        public var divergedInEpoch: Int?
        /// Seconds spent in gradients and updates over all epochs.
        public var seconds: Double

        @inlinable
        public init(network: Network<Scalar>, epochs: [Epoch], divergedInEpoch: Int?, seconds: Double) {
            self.network = network
            self.epochs = epochs
            self.divergedInEpoch = divergedInEpoch
            self.seconds = seconds
        }
    }

    /// The training examples whose accuracy is measured after each epoch, at most: a seeded sample of that many, when
    /// the training set has more, keeps the evaluation a small share of an epoch.
    public static var trainingSample: Int { 2_000 }

    /// Trains `network` on `training` with `engine` (and reports accuracy on `test` after each epoch, when the data
    /// has labels). The accuracies are measured with forward passes only, by `evaluator` (a one-thread batch engine
    /// by default).
    /// - Throws: `BackpropError` if the data does not fit the network.
    @inlinable
    public func train<Engine: BackpropEngine, Evaluator: BackpropEngine>(
        _ network: Network<Scalar>, engine: Engine, training: TrainingSet<Scalar>, test: TrainingSet<Scalar>?,
        evaluator: Evaluator, onEpoch: (Epoch) -> Void = { _ in }, onProgress: (Double) -> Void = { _ in }
    ) throws -> Outcome where Engine.Scalar == Scalar, Evaluator.Scalar == Scalar {
        try network.validate(inputs: training.inputs, targets: training.targets)
        if let test { try network.validate(inputs: test.inputs, targets: test.targets) }
        let config = configuration
        let n = training.count, features = network.inputCount, classes = network.outputCount
        let size = min(config.batchSize, n)
        var current = network
        var lastGood = network
        var generator = SplitMix64(seed: config.seed)
        var order = Array(0..<n)
        var gradients = Gradients(zeroFor: network)
        var sgd = SGD<Scalar>(learningRate: Scalar(config.learningRate),
                              weightDecay: Scalar(config.weightDecay / Double(n)), momentum: Scalar(config.momentum))
        // Mini-batch buffers: one for full batches, one for the smaller last batch.
        var batchInputs = Matrix<Scalar>(rows: size, columns: features), batchTargets = Matrix<Scalar>(rows: size, columns: classes)
        let remainder = n % size
        var lastInputs = Matrix<Scalar>(rows: remainder, columns: features), lastTargets = Matrix<Scalar>(rows: remainder, columns: classes)
        let sample = Self.sample(training, seed: config.seed)
        var epochs: [Epoch] = []
        var totalSeconds = 0.0

        for epoch in stride(from: 1, through: config.epochs, by: 1) {
            generator.shuffle(&order)
            let start = MonotonicClock.nanoseconds()
            var lossSum = 0.0
            var first = 0
            while first < n {
                let count = min(size, n - first)
                let full = count == size
                // Gather the mini-batch's rows.
                if full {
                    Self.gather(training, order[first..<first + count], into: &batchInputs, &batchTargets)
                    try engine.computeGradients(of: current, inputs: batchInputs, targets: batchTargets, into: &gradients)
                } else {
                    Self.gather(training, order[first..<first + count], into: &lastInputs, &lastTargets)
                    try engine.computeGradients(of: current, inputs: lastInputs, targets: lastTargets, into: &gradients)
                }
                guard gradients.loss.isFinite else {
                    totalSeconds += MonotonicClock.seconds(since: start)
                    return Outcome(network: lastGood, epochs: epochs, divergedInEpoch: epoch, seconds: totalSeconds)
                }
                lossSum += Double(gradients.loss) * Double(count)
                sgd.step(&current, along: gradients)
                first += count
                onProgress((Double(epoch - 1) + Double(first) / Double(n)) / Double(config.epochs))
            }
            let seconds = MonotonicClock.seconds(since: start)
            totalSeconds += seconds
            guard current.layers.allSatisfy({ $0.weights.isFinite && $0.biases.allSatisfy(\.isFinite) }) else {
                return Outcome(network: lastGood, epochs: epochs, divergedInEpoch: epoch, seconds: totalSeconds)
            }
            lastGood = current
            let evaluation = MonotonicClock.nanoseconds()
            let trainAccuracy = try evaluator.accuracy(of: current, on: sample)
            let testAccuracy = try test.flatMap { try evaluator.accuracy(of: current, on: $0) }
            let report = Epoch(number: epoch, meanLoss: lossSum / Double(n), trainAccuracy: trainAccuracy,
                               testAccuracy: testAccuracy, seconds: seconds,
                               evaluationSeconds: MonotonicClock.seconds(since: evaluation))
            epochs.append(report)
            onEpoch(report)
        }
        return Outcome(network: current, epochs: epochs, divergedInEpoch: nil, seconds: totalSeconds)
    }

    /// `train(_:engine:training:test:evaluator:onEpoch:onProgress:)` with a one-thread batch engine as the evaluator.
    @inlinable
    public func train<Engine: BackpropEngine>(
        _ network: Network<Scalar>, engine: Engine, training: TrainingSet<Scalar>, test: TrainingSet<Scalar>?,
        onEpoch: (Epoch) -> Void = { _ in }, onProgress: (Double) -> Void = { _ in }
    ) throws -> Outcome where Engine.Scalar == Scalar {
        try train(network, engine: engine, training: training, test: test, evaluator: BatchEngine<Scalar>(),
                  onEpoch: onEpoch, onProgress: onProgress)
    }

    /// The order of the n training examples in each of the first `epochs` epochs, as `train` visits them: the
    /// previous epoch's order shuffled again by the seeded generator (for other tools to train on the same
    /// mini-batches).
    public static func orders(examples n: Int, epochs: Int, seed: UInt64) -> [[Int]] {
        var generator = SplitMix64(seed: seed)
        var order = Array(0..<n)
        return (0..<epochs).map { _ in
            generator.shuffle(&order)
            return order
        }
    }

    /// The training examples measured after each epoch: all of them, or a seeded sample of `trainingSample`.
    @inlinable
    static func sample(_ training: TrainingSet<Scalar>, seed: UInt64) -> TrainingSet<Scalar> {
        guard training.count > trainingSample else { return training }
        var order = Array(0..<training.count)
        var generator = SplitMix64(seed: seed &+ 0x5A)
        generator.shuffle(&order)
        let chosen = order[..<trainingSample].sorted()
        var inputs = Matrix<Scalar>(rows: chosen.count, columns: training.inputs.columns)
        var targets = Matrix<Scalar>(rows: chosen.count, columns: training.targets.columns)
        gather(training, chosen[...], into: &inputs, &targets)
        return TrainingSet(inputs: inputs, targets: targets, labels: training.labels.map { labels in chosen.map { labels[$0] } })
    }

    /// Copies the rows `rows` of the training set's inputs and targets into `inputs` and `targets`, in order.
    /// - Precondition: `inputs` and `targets` have `rows.count` rows of the training set's widths.
    @inlinable
    static func gather(_ training: TrainingSet<Scalar>, _ rows: ArraySlice<Int>, into inputs: inout Matrix<Scalar>,
                       _ targets: inout Matrix<Scalar>) {
        let n = training.inputs.columns, c = training.targets.columns
        training.inputs.elements.withUnsafeBufferPointer { x in
            inputs.elements.withUnsafeMutableBufferPointer { out in
                for (row, index) in rows.enumerated() {
                    (out.baseAddress! + row * n).update(from: x.baseAddress! + index * n, count: n)
                }
            }
        }
        training.targets.elements.withUnsafeBufferPointer { y in
            targets.elements.withUnsafeMutableBufferPointer { out in
                for (row, index) in rows.enumerated() {
                    (out.baseAddress! + row * c).update(from: y.baseAddress! + index * c, count: c)
                }
            }
        }
    }
}
