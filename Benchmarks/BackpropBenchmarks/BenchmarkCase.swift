import Backprop

/// One benchmark case, declared as data: a network shape, a batch size, a precision and a thread count.
public struct BenchmarkCase: Hashable, Sendable, CustomStringConvertible {
    /// [h_0, …, h_L].
    public var sizes: [Int]
    /// m, the examples per gradient call.
    public var examples: Int
    public var precision: Precision
    /// Threads of the batch engine (the loop engine always uses one).
    public var threads: Int
    /// The hidden activation and output pairing (the performance targets use sigmoid, sigmoid + cross-entropy).
    public var hidden: Activation = .sigmoid
    public var output: OutputLayer = .sigmoidCrossEntropy

    public init(sizes: [Int], examples: Int, precision: Precision, threads: Int = 1,
                hidden: Activation = .sigmoid, output: OutputLayer = .sigmoidCrossEntropy) {
        self.sizes = sizes
        self.examples = examples
        self.precision = precision
        self.threads = threads
        self.hidden = hidden
        self.output = output
    }

    /// "784-30-10".
    public var network: String { Network<Double>.describe(sizes) }

    public var description: String { "\(network) m=\(examples) \(precision) \(threads)t" }
}

/// The default suite of `backprop bench`.
public enum DefaultSuite {
    /// Nielsen's MNIST network and a wider two-hidden-layer one.
    public static let networks: [[Int]] = [[784, 30, 10], [784, 256, 128, 10]]
    /// From one example (no batching at all) to a large batch.
    public static let batchSizes = [1, 4, 16, 64, 256, 1024]

    /// Every network × batch size × precision × thread count, network-major.
    public static func cases(networks: [[Int]] = networks, batchSizes: [Int] = batchSizes,
                             precisions: [Precision] = [.double], threads: [Int] = [1],
                             hidden: Activation = .sigmoid, output: OutputLayer = .sigmoidCrossEntropy) -> [BenchmarkCase] {
        networks.flatMap { sizes in
            precisions.flatMap { precision in
                threads.flatMap { t in
                    batchSizes.map {
                        BenchmarkCase(sizes: sizes, examples: $0, precision: precision, threads: t, hidden: hidden, output: output)
                    }
                }
            }
        }
    }
}
