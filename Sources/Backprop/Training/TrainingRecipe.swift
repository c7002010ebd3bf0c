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
    /// The published test accuracy, and where it was published.
    public var published: Double
    public var source: String

    public var configuration: TrainingConfiguration {
        TrainingConfiguration(epochs: epochs, batchSize: batchSize, learningRate: learningRate, weightDecay: weightDecay)
    }

    /// The recipes, by name.
    public static let all: [TrainingRecipe] = [
        TrainingRecipe(name: "nielsen-ch1", data: "mnist", sizes: [784, 30, 10], hidden: .sigmoid,
                       output: .sigmoidSquaredError, initialization: .large, epochs: 30, batchSize: 10,
                       learningRate: 3.0, scaling: .unit, published: 0.9542,
                       source: "Nielsen, Neural Networks and Deep Learning, ch. 1: 95.42% at its peak (epoch 28)"),
        TrainingRecipe(name: "nielsen-ch1-100", data: "mnist", sizes: [784, 100, 10], hidden: .sigmoid,
                       output: .sigmoidSquaredError, initialization: .large, epochs: 30, batchSize: 10,
                       learningRate: 3.0, scaling: .unit, published: 0.9659,
                       source: "Nielsen, ch. 1: 96.59% with 100 hidden neurons"),
        TrainingRecipe(name: "nielsen-ch3", data: "mnist", sizes: [784, 30, 10], hidden: .sigmoid,
                       output: .sigmoidCrossEntropy, initialization: .large, epochs: 30, batchSize: 10,
                       learningRate: 0.5, scaling: .unit, published: 0.9549,
                       source: "Nielsen, ch. 3 (the cross-entropy cost): 95.49%"),
        TrainingRecipe(name: "nielsen-ch3-100", data: "mnist", sizes: [784, 100, 10], hidden: .sigmoid,
                       output: .sigmoidCrossEntropy, initialization: .large, epochs: 30, batchSize: 10,
                       learningRate: 0.5, scaling: .unit, published: 0.9682,
                       source: "Nielsen, ch. 3: 96.82% with 100 hidden neurons"),
        TrainingRecipe(name: "nielsen-ch3-l2", data: "mnist", sizes: [784, 100, 10], hidden: .sigmoid,
                       output: .sigmoidCrossEntropy, initialization: .large, epochs: 30, batchSize: 10,
                       learningRate: 0.5, weightDecay: 5.0, scaling: .unit, published: 0.9792,
                       source: "Nielsen, ch. 3 (L2 regularisation, λ = 5.0): 97.92% on the validation images"),
        TrainingRecipe(name: "fashion-mlp", data: "fashion-mnist", sizes: [784, 100, 10], hidden: .relu,
                       output: .softmaxCrossEntropy, initialization: .he, epochs: 5, batchSize: 32,
                       learningRate: 0.05, scaling: .standardize, published: 0.871,
                       source: "Xiao, Rasul and Vollgraf, Fashion-MNIST (arXiv:1708.07747), Table 3: MLPClassifier, relu, [100]: 87.1%"),
    ]

    /// The recipe named `name`.
    public static func named(_ name: String) -> TrainingRecipe? { all.first { $0.name == name } }
}

/// How `train` scales its inputs: each feature standardised with the training set's mean and deviation, or, for
/// images, each pixel divided by 255 into [0, 1]. Either way the scaling is saved with the trained network.
public enum InputScaling: String, CaseIterable, Codable, Sendable {
    case standardize
    case unit
}
