import Backprop
import Foundation

/// The flags that describe a network, shared by `check`, `bench`, `shapes`, `explain` and `train`:
///
///     --net 784-30-10      sizes h_0-h_1-…-h_L
///     --hidden sigmoid     sigmoid | tanh | relu | identity
///     --output softmax     sigmoid | softmax | identity
///     --loss cross-entropy cross-entropy | squared-error (default: squared-error after identity, else cross-entropy)
///     --init nielsen       nielsen | xavier | he
///     --precision double   double | float
///     --seed 1             the seed of the weights (and, plus one, of the batch)
///     --network FILE.json  a saved network instead of the flags above
struct NetworkOptions {
    var sizes: [Int]
    var hidden: Activation
    var output: OutputLayer
    var initialization: Initialization
    var precision: String
    var seed: UInt64
    var file: String?

    static func specs(defaultNet: String, precisions: [String] = ["double", "float"]) -> [OptionSpec] {
        [
            OptionSpec("net", value: "SIZES", help: "layer sizes h_0-h_1-…-h_L, e.g. 784-30-10 (default \(defaultNet))"),
            OptionSpec("hidden", value: "σ", help: "hidden activation: sigmoid, tanh, relu, identity (default sigmoid)"),
            OptionSpec("output", value: "σᴸ", help: "output activation: sigmoid, softmax, identity (default softmax)"),
            OptionSpec("loss", value: "LOSS", help: "cross-entropy or squared-error (default: squared-error after identity, else cross-entropy)"),
            OptionSpec("init", value: "SCHEME", help: "weight initialisation: nielsen, xavier, he (default nielsen)"),
            OptionSpec("precision", value: "P", help: "\(precisions.joined(separator: " or ")) (default \(precisions[0]))"),
            OptionSpec("seed", value: "S", help: "seed of the weights; the batch uses S + 1 (default 1)"),
            OptionSpec("network", value: "FILE", help: "read the network from a backprop-network JSON file instead"),
        ]
    }

    /// The largest layer size and batch the tool accepts before even estimating memory.
    static let sizeLimit = 10_000_000

    init(_ arguments: ParsedArguments, defaultNet: String, precisions: [String] = ["double", "float"]) throws {
        file = arguments.string("network")
        if file != nil {
            for flag in ["net", "hidden", "output", "loss", "init"] where arguments.has(flag) {
                throw UsageError("--\(flag) cannot be combined with --network (the file describes the network)")
            }
        }
        sizes = try Self.sizes(arguments.string("net") ?? defaultNet)
        hidden = try Activation(rawValue: arguments.choice("hidden", Activation.allCases.map(\.rawValue), default: "sigmoid"))!
        let outputName = try arguments.choice("output", OutputActivation.allCases.map(\.rawValue), default: "softmax")
        let activation = OutputActivation(rawValue: outputName)!
        let defaultLoss = activation == .identity ? Loss.squaredError : .crossEntropy
        let loss = try Loss(rawValue: arguments.choice("loss", Loss.allCases.map(\.rawValue), default: defaultLoss.rawValue))!
        do {
            output = try OutputLayer(activation: activation, loss: loss)
        } catch let error as BackpropError {
            throw UsageError("--output \(activation.rawValue) --loss \(loss.rawValue): \(error.message)")
        }
        initialization = try Initialization(rawValue: arguments.choice("init", Initialization.allCases.map(\.rawValue), default: "nielsen"))!
        precision = try arguments.choice("precision", precisions, default: precisions[0])
        seed = try arguments.seed(default: 1)
        if file == nil {
            do {
                try Network<Double>.validate(sizes: sizes, output: output)
            } catch let error as BackpropError {
                throw UsageError("--net \(arguments.string("net") ?? defaultNet): \(error.message)")
            }
        }
    }

    /// "784-30-10" → [784, 30, 10].
    static func sizes(_ text: String) throws -> [Int] {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 2 else {
            throw UsageError("--net: '\(text)' has one size; a network needs at least an input and an output size, like 784-30-10")
        }
        return try parts.map { part in
            guard let size = Int(part), size >= 1 else {
                throw UsageError("--net: '\(part)' in '\(text)' is not a positive integer")
            }
            guard size <= sizeLimit else {
                throw UsageError("--net: layer size \(size) is larger than this tool's limit of \(sizeLimit)")
            }
            return size
        }
    }

    /// The network: from the file, or built from the flags and the seed.
    func network<T: BackpropScalar>(_: T.Type) throws -> Network<T> {
        if let file {
            return try Network<T>(jsonData: try AtomicFile.read(file))
        }
        return try Network<T>(sizes: sizes, hidden: hidden, output: output, initialization: initialization, seed: seed)
    }

    /// The precision to compute in: the file's own when a file is given (a conflicting --precision is an error).
    func resolvedPrecision(_ arguments: ParsedArguments) throws -> String {
        guard let file else { return precision }
        let network = try AnyNetwork(jsonData: try AtomicFile.read(file))
        if arguments.has("precision") && network.precisionName != precision {
            throw UsageError("--precision \(precision) conflicts with '\(file)', which holds a \(network.precisionName) network")
        }
        return network.precisionName
    }

    /// "784-30-10, sigmoid → softmax + cross-entropy, nielsen init, seed 1".
    func describe<T: BackpropScalar>(_ network: Network<T>) -> String {
        let origin = file.map { "from \($0)" } ?? "\(initialization.rawValue) init, seed \(seed)"
        return "\(network.sizeDescription), \(network.hidden.rawValue) → \(network.output.name), \(origin)"
    }
}

/// Refuses work that would not fit in memory, before allocating any of it.
enum MemoryBudget {
    /// The memory the kernel says is available (MemAvailable in /proc/meminfo), or nil where unknown.
    static func availableBytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let fields = line.split(separator: " ")
            if fields.count >= 2, let kilobytes = Int(fields[1]) { return kilobytes * 1024 }
        }
        return nil
    }

    /// Bytes to hold `copies` sets of parameters and `batchCopies` sets of per-example activations for m examples.
    static func estimate(sizes: [Int], examples m: Int, scalarBytes: Int, copies: Int, batchCopies: Int) -> Int {
        var parameters = 0, units = 0
        for l in 1..<sizes.count {
            let (weights, overflow) = sizes[l - 1].multipliedReportingOverflow(by: sizes[l])
            if overflow { return .max }
            parameters = parameters.addingSaturating(weights + sizes[l])
            units = units.addingSaturating(sizes[l])
        }
        let activations = (units.addingSaturating(sizes[0])).multipliedSaturating(by: m)
        return parameters.multipliedSaturating(by: copies)
            .addingSaturating(activations.multipliedSaturating(by: batchCopies))
            .multipliedSaturating(by: scalarBytes)
    }

    /// Throws a usage error with the estimate if it exceeds the available memory.
    static func ensure(_ bytes: Int, what: String) throws {
        guard let available = availableBytes(), bytes > available else { return }
        throw UsageError("\(what) needs about \(format(bytes)) of memory but only \(format(available)) is available; choose smaller sizes")
    }

    static func format(_ bytes: Int) -> String {
        if bytes == .max { return "more than 9 EB" }
        let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}

extension Int {
    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
    func multipliedSaturating(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
