/// A training run as a book or a paper published it: the data, the network, the rule, and the figure reported, so
/// that `backprop train --recipe NAME` reproduces it and the docs can put our result beside it
/// (docs/training.md). Flags given with a recipe override its settings.
public struct TrainingRecipe: Sendable {
    public var name: String
    /// The `--data` source the recipe trains on.
    public var data: String
    public var sizes: [Int]
    public var hidden: Activation
    public var output: OutputLayer
    public var initialization: Initialization
    public var epochs: Int
    public var batchSize: Int
    public var learningRate: Double
    public var weightDecay: Double = 0
    /// How the inputs are scaled: to [0, 1] (÷ 255, Nielsen's) or standardised (the Fashion-MNIST benchmark's).
    public var scaling: InputScaling
    /// How many of the training set's examples train (the first ones; nil: all of them), as the publication split
    /// them: Nielsen trains on MNIST's first 50,000 training images and keeps the last 10,000 for validation.
    public var trainExamples: Int? = nil
    /// The examples the published accuracy was measured on.
    public var evaluation: EvaluationSet = .test
    /// The published accuracy, on `evaluation`, and where it was published.
    public var published: Double
    public var source: String

    public var configuration: TrainingConfiguration {
        TrainingConfiguration(epochs: epochs, batchSize: batchSize, learningRate: learningRate, weightDecay: weightDecay)
    }

    /// The recipes, by name.
    public static let all: [TrainingRecipe] = [
        nielsen("nielsen-ch1", hidden: 30, output: .sigmoidSquaredError, eta: 3.0, published: 0.9542,
                source: "Nielsen, Neural Networks and Deep Learning, ch. 1: 95.42% at its peak (epoch 28)"),
        nielsen("nielsen-ch1-100", hidden: 100, output: .sigmoidSquaredError, eta: 3.0, published: 0.9659,
                source: "Nielsen, ch. 1: 96.59% with 100 hidden neurons"),
        nielsen("nielsen-ch3", hidden: 30, output: .sigmoidCrossEntropy, eta: 0.5, published: 0.9549,
                source: "Nielsen, ch. 3 (the cross-entropy cost): 95.49%"),
        nielsen("nielsen-ch3-100", hidden: 100, output: .sigmoidCrossEntropy, eta: 0.5, published: 0.9682,
                source: "Nielsen, ch. 3: 96.82% with 100 hidden neurons"),
        nielsen("nielsen-ch3-l2", hidden: 100, output: .sigmoidCrossEntropy, eta: 0.5, lambda: 5.0, published: 0.9792,
                on: .validation, source: "Nielsen, ch. 3 (L2 regularisation, λ = 5.0): 97.92% on the validation images"),
        TrainingRecipe(name: "fashion-mlp", data: "fashion-mnist", sizes: [784, 100, 10], hidden: .relu,
                       output: .softmaxCrossEntropy, initialization: .he, epochs: 5, batchSize: 32,
                       learningRate: 0.05, scaling: .standardize, published: 0.871,
                       source: "Xiao, Rasul and Vollgraf, Fashion-MNIST (arXiv:1708.07747), Table 3: MLPClassifier, relu, [100]: 87.1%"),
    ]

    /// A run of Nielsen's book: MNIST's first 50,000 training images (his `mnist.pkl.gz` keeps the last 10,000 as
    /// validation images), 784-h-10 sigmoid neurons, weights N(0, 1) (his `large_weight_initializer`), pixels ÷ 255,
    /// mini-batches of 10, 30 epochs; L2 decay λ/n with n = 50,000.
    static func nielsen(_ name: String, hidden: Int, output: OutputLayer, eta: Double, lambda: Double = 0,
                        published: Double, on evaluation: EvaluationSet = .test, source: String) -> TrainingRecipe {
        TrainingRecipe(name: name, data: "mnist", sizes: [784, hidden, 10], hidden: .sigmoid, output: output,
                       initialization: .large, epochs: 30, batchSize: 10, learningRate: eta, weightDecay: lambda,
                       scaling: .unit, trainExamples: 50_000, evaluation: evaluation, published: published,
                       source: source)
    }

    /// The recipe named `name`.
    public static func named(_ name: String) -> TrainingRecipe? { all.first { $0.name == name } }
}

/// The examples a trained network is scored on: the test set, or the validation examples (the training set's
/// examples after the ones that trained).
public enum EvaluationSet: String, CaseIterable, Codable, Sendable {
    case test
    case validation
}

/// How `train` scales its inputs: each feature standardised with the training set's mean and deviation, or, for
/// images, each pixel divided by 255 into [0, 1]. Either way the scaling is saved with the trained network.
public enum InputScaling: String, CaseIterable, Codable, Sendable {
    case standardize
    case unit
}
