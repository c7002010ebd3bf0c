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

/// How to train.
public struct TrainingConfiguration: Codable, Equatable, Sendable {
    public var epochs: Int
    public var batchSize: Int
    /// η.
    public var learningRate: Double
    /// λ of L2 weight decay (0: off).
    public var weightDecay: Double
    /// μ of momentum (0: off).
    public var momentum: Double
    /// The seed of the shuffles.
    public var seed: UInt64

    public init(epochs: Int = 30, batchSize: Int = 10, learningRate: Double = 0.1, weightDecay: Double = 0,
                momentum: Double = 0, seed: UInt64 = 1) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.learningRate = learningRate
        self.weightDecay = weightDecay
        self.momentum = momentum
        self.seed = seed
    }
}

/// Inputs (already normalised), one-hot targets and labels, in the network's precision.
public struct TrainingSet<Scalar: BackpropScalar>: Sendable {
    public var inputs: Matrix<Scalar>
    public var targets: Matrix<Scalar>
    public var labels: [Int]
    public var count: Int { labels.count }

    @inlinable
    public init(_ data: LabeledData, normalization: Normalization) {
        inputs = normalization.apply(data.features)
        targets = data.oneHot()
        labels = data.labels
    }
}

extension BatchEngine {
    /// The network's outputs aᴸ for every row of `inputs` (the forward pass only), `[m, c]`.
    @inlinable
    public func outputs(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> Matrix<Scalar> {
        let targets = Matrix<Scalar>(rows: inputs.rows, columns: network.outputCount)
        var gradients = Gradients(zeroFor: network)
        // The full call computes more than the outputs, but reuses one tested path; evaluation is not a hot loop.
        try computeGradients(of: network, inputs: inputs, targets: targets, into: &gradients)
        guard let workspace else { return targets }
        let c = network.outputCount
        let activations = workspace.activations[network.layerCount].pointer
        return Matrix(rows: inputs.rows, columns: c, elements: Array(UnsafeBufferPointer(start: activations, count: inputs.rows * c)))
    }

    /// The predicted class of each row: the index of the largest output.
    @inlinable
    public func predictions(of network: Network<Scalar>, inputs: Matrix<Scalar>) throws -> [Int] {
        let outputs = try self.outputs(of: network, inputs: inputs)
        let c = outputs.columns
        return (0..<outputs.rows).map { i in
            var best = 0
            for j in 1..<c where outputs.elements[i * c + j] > outputs.elements[i * c + best] { best = j }
            return best
        }
    }

    /// The share of examples whose predicted class is their label.
    @inlinable
    public func accuracy(of network: Network<Scalar>, on data: TrainingSet<Scalar>) throws -> Double {
        let predicted = try predictions(of: network, inputs: data.inputs)
        return Double(zip(predicted, data.labels).filter { $0 == $1 }.count) / Double(data.count)
    }
}

extension Network {
    /// A 64-bit FNV-1a hash of every parameter's bits, layer by layer: equal checksums, equal weights (with
    /// overwhelming probability), on any platform.
    public var checksum: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: Scalar) {
            var bits = UInt64(value.bits)
            for _ in 0..<MemoryLayout<Scalar>.size {
                hash = (hash ^ (bits & 0xFF)) &* 0x100_0000_01b3
                bits >>= 8
            }
        }
        for layer in layers {
            for w in layer.weights.elements { mix(w) }
            for b in layer.biases { mix(b) }
        }
        return hash
    }
}
