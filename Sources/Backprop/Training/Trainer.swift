/// Mini-batch stochastic gradient descent, as the course does it, with either engine.
///
/// Each epoch shuffles the training examples with the project's `SplitMix64` (seeded), cuts them into mini-batches
/// of `batchSize` (the last one may be smaller), and for each mini-batch asks the engine for the MEAN gradient g and
/// updates every parameter:
///
///     plain SGD            w ← w − η g
///     with L2 decay λ      w ← (1 − ηλ/n) w − η g          (weights only; n = training examples, Nielsen's network2)
///     with momentum μ      v ← μ v − η (g + (λ/n) w),  w ← w + v
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
        /// Accuracy on the training set and on the test set after the epoch.
        public var trainAccuracy: Double
        public var testAccuracy: Double?
        /// Seconds spent computing gradients and updating (evaluation excluded).
        public var seconds: Double

        @inlinable
        public init(number: Int, meanLoss: Double, trainAccuracy: Double, testAccuracy: Double?, seconds: Double) {
            self.number = number
            self.meanLoss = meanLoss
            self.trainAccuracy = trainAccuracy
            self.testAccuracy = testAccuracy
            self.seconds = seconds
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

    /// Trains `network` on `training` (and reports accuracy on `test` after each epoch).
    /// - Throws: `BackpropError` if the data does not fit the network.
    @inlinable
    public func train(
        _ network: Network<Scalar>, engine: AnyBackpropEngine<Scalar>, training: TrainingSet<Scalar>,
        test: TrainingSet<Scalar>?, onEpoch: (Epoch) -> Void = { _ in }, onProgress: (Double) -> Void = { _ in }
    ) throws -> Outcome {
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
        var velocities: [LayerParameters<Scalar>] = network.layers.map { LayerParameters(inputs: $0.inputCount, outputs: $0.outputCount) }
        // Mini-batch buffers: one for full batches, one for the smaller last batch.
        var batchInputs = Matrix<Scalar>(rows: size, columns: features), batchTargets = Matrix<Scalar>(rows: size, columns: classes)
        let remainder = n % size
        var lastInputs = Matrix<Scalar>(rows: remainder, columns: features), lastTargets = Matrix<Scalar>(rows: remainder, columns: classes)
        let evaluator = BatchEngine<Scalar>()
        let eta = Scalar(config.learningRate), mu = Scalar(config.momentum)
        let decayRate = Scalar(config.weightDecay / Double(n))
        let decay = 1 - eta * decayRate
        var epochs: [Epoch] = []
        var totalSeconds = 0.0

        for epoch in 1...max(config.epochs, 1) where config.epochs > 0 {
            generator.shuffle(&order)
            let start = MonotonicClock.nanoseconds()
            var lossSum = 0.0
            var first = 0
            while first < n {
                let count = min(size, n - first)
                let full = count == size
                // Gather the mini-batch's rows.
                func fill(_ inputs: inout Matrix<Scalar>, _ targets: inout Matrix<Scalar>) {
                    for row in 0..<count {
                        let index = order[first + row]
                        for j in 0..<features { inputs.elements[row * features + j] = training.inputs.elements[index * features + j] }
                        for j in 0..<classes { targets.elements[row * classes + j] = training.targets.elements[index * classes + j] }
                    }
                }
                if full {
                    fill(&batchInputs, &batchTargets)
                    try engine.computeGradients(of: current, inputs: batchInputs, targets: batchTargets, into: &gradients)
                } else {
                    fill(&lastInputs, &lastTargets)
                    try engine.computeGradients(of: current, inputs: lastInputs, targets: lastTargets, into: &gradients)
                }
                guard gradients.loss.isFinite else {
                    totalSeconds += MonotonicClock.seconds(since: start)
                    return Outcome(network: lastGood, epochs: epochs, divergedInEpoch: epoch, seconds: totalSeconds)
                }
                lossSum += Double(gradients.loss) * Double(count)
                for l in current.layers.indices {
                    Self.update(&current.layers[l], &velocities[l], gradients.layers[l], eta: eta, mu: mu,
                                decay: decay, decayRate: decayRate, momentum: config.momentum != 0)
                }
                first += count
                onProgress((Double(epoch - 1) + Double(first) / Double(n)) / Double(config.epochs))
            }
            let seconds = MonotonicClock.seconds(since: start)
            totalSeconds += seconds
            guard current.layers.allSatisfy({ $0.weights.isFinite && $0.biases.allSatisfy(\.isFinite) }) else {
                return Outcome(network: lastGood, epochs: epochs, divergedInEpoch: epoch, seconds: totalSeconds)
            }
            lastGood = current
            let report = Epoch(
                number: epoch, meanLoss: lossSum / Double(n),
                trainAccuracy: try evaluator.accuracy(of: current, on: training),
                testAccuracy: try test.map { try evaluator.accuracy(of: current, on: $0) }, seconds: seconds)
            epochs.append(report)
            onEpoch(report)
        }
        return Outcome(network: current, epochs: epochs, divergedInEpoch: nil, seconds: totalSeconds)
    }

    /// One parameter update (see the type's documentation for the rules).
    @inlinable
    static func update(
        _ layer: inout LayerParameters<Scalar>, _ velocity: inout LayerParameters<Scalar>, _ gradient: LayerParameters<Scalar>,
        eta: Scalar, mu: Scalar, decay: Scalar, decayRate: Scalar, momentum: Bool
    ) {
        let count = layer.weights.elements.count
        layer.weights.elements.withUnsafeMutableBufferPointer { w in
            gradient.weights.elements.withUnsafeBufferPointer { g in
                if momentum {
                    velocity.weights.elements.withUnsafeMutableBufferPointer { v in
                        for i in 0..<count {
                            v[i] = (mu * v[i]).addingProduct(-eta, g[i].addingProduct(decayRate, w[i]))
                            w[i] += v[i]
                        }
                    }
                } else {
                    for i in 0..<count { w[i] = (decay * w[i]).addingProduct(-eta, g[i]) }
                }
            }
        }
        for j in layer.biases.indices {
            if momentum {
                velocity.biases[j] = (mu * velocity.biases[j]).addingProduct(-eta, gradient.biases[j])
                layer.biases[j] += velocity.biases[j]
            } else {
                layer.biases[j] = layer.biases[j].addingProduct(-eta, gradient.biases[j])
            }
        }
    }
}
