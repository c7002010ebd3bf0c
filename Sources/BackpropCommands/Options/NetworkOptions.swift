import Backprop
import Foundation

/// The flags that describe a network, parsed here and nowhere else, for every command that builds or reads one:
///
///     --net 784-30-10      sizes h_0-h_1-…-h_L (bench: repeatable, one network each)
///     --hidden sigmoid     sigmoid | tanh | relu | identity
///     --output softmax     sigmoid | softmax | identity
///     --loss cross-entropy cross-entropy | squared-error (default: squared-error after identity, else cross-entropy)
///     --init nielsen       nielsen | xavier | he
///     --precision double   double | float (bench: or both)
///     --seed 1             the seed of the weights (and, plus one, of the batch)
///     --network FILE.json  a saved network instead of the flags above
///
/// A command says which of them it takes, and its defaults, with a `Form`.
struct NetworkOptions {
    /// The network flags one command takes, and their defaults.
    struct Form {
        /// The default of `--net`, or nil when the command works it out (train: from the data; bench: its suite).
        var defaultNet: String?
        /// What the help says the default of `--net` is, when it is not `defaultNet`.
        var defaultNetHelp = "n-32-c, from the data"
        /// Whether `--net` may be given several times (bench).
        var repeatsNet = false
        var defaultOutput = OutputActivation.softmax
        /// Whether the command takes `--loss`, `--init`, `--seed`, `--network`.
        var takesLoss = true, takesInit = true, takesSeed = true, takesFile = true
        /// The precisions `--precision` accepts (none: the flag is not taken, and the work is in Double).
        var precisions: [Precision] = Precision.allCases
        /// Whether `--precision both` is accepted (bench), and whether it is the default (bench-kernels).
        var allowsBoth = false, defaultsToBoth = false
        /// What `--seed` seeds, for the help.
        var seedHelp = "seed of the weights; the batch uses S + 1 (default 1)"
    }

    /// The networks' sizes: one, or several (bench); empty when `--net` was not given and has no default.
    var sizeList: [[Int]]
    var hidden: Activation
    var output: OutputLayer
    var initialization: Initialization
    /// The precisions to compute in: the file's own when a file is given.
    var precisions: [Precision]
    var seed: UInt64
    /// The file named by `--network`, read once.
    var file: (path: String, contents: NetworkFile)?

    /// The (first) network's sizes.
    var sizes: [Int] { sizeList.first ?? [] }
    /// The precision to compute in.
    var precision: Precision { precisions[0] }

    /// The largest layer size and batch the tool accepts before even estimating memory.
    static let sizeLimit = 10_000_000

    static func specs(_ form: Form) -> [OptionSpec] {
        let net = "default " + (form.defaultNet ?? form.defaultNetHelp)
        var specs = [
            OptionSpec("net", value: "SIZES", help: form.repeatsNet
                       ? "a network's layer sizes, e.g. 784-30-10; repeatable (\(net))"
                       : "layer sizes h_0-h_1-…-h_L, e.g. 784-30-10 (\(net))", repeatable: form.repeatsNet),
            OptionSpec("hidden", value: "σ", help: "hidden activation: sigmoid, tanh, relu, identity (default sigmoid)"),
            OptionSpec("output", value: "σᴸ", help: "output activation: sigmoid, softmax, identity (default \(form.defaultOutput.rawValue)\(form.takesLoss ? "" : ", with cross-entropy; squared error after identity"))"),
        ]
        if form.takesLoss {
            specs.append(OptionSpec("loss", value: "LOSS", help: "cross-entropy or squared-error (default: squared-error after identity, else cross-entropy)"))
        }
        if form.takesInit {
            specs.append(OptionSpec("init", value: "SCHEME", help: "weight initialisation: nielsen, xavier, he (default nielsen)"))
        }
        if !form.precisions.isEmpty {
            let names = form.precisions.map(\.rawValue) + (form.allowsBoth ? ["both"] : [])
            specs.append(OptionSpec("precision", value: "P", help: "\(names.joined(separator: ", ")) (default \(form.defaultsToBoth ? "both" : names[0]))"))
        }
        if form.takesSeed { specs.append(OptionSpec("seed", value: "S", help: form.seedHelp)) }
        if form.takesFile {
            specs.append(OptionSpec("network", value: "FILE", help: "read the network from a backprop-network JSON file instead"))
        }
        return specs
    }

    init(_ arguments: ParsedArguments, _ form: Form) throws {
        if form.takesFile, let path = arguments.string("network") {
            for flag in ["net", "hidden", "output", "loss", "init"] where arguments.has(flag) {
                throw UsageError("--\(flag) cannot be combined with --network (the file describes the network)")
            }
            file = (path, try Self.read(path))
        }
        let nets = arguments.all("net")
        sizeList = try (nets.isEmpty ? (form.defaultNet.map { [$0] } ?? []) : nets).map(Self.sizes)
        hidden = try Activation(rawValue: arguments.choice("hidden", Activation.allCases.map(\.rawValue), default: "sigmoid"))!
        let activation = try OutputActivation(rawValue: arguments.choice(
            "output", OutputActivation.allCases.map(\.rawValue), default: form.defaultOutput.rawValue))!
        let defaultLoss = activation == .identity ? Loss.squaredError : .crossEntropy
        let loss = try Loss(rawValue: arguments.choice("loss", Loss.allCases.map(\.rawValue), default: defaultLoss.rawValue))!
        do {
            output = try OutputLayer(activation: activation, loss: loss)
        } catch let error as BackpropError {
            throw UsageError("--output \(activation.rawValue) --loss \(loss.rawValue): \(error.message)")
        }
        initialization = try Initialization(rawValue: arguments.choice(
            "init", Initialization.allCases.map(\.rawValue), default: Initialization.nielsen.rawValue))!
        let names = form.precisions.map(\.rawValue) + (form.allowsBoth ? ["both"] : [])
        let chosen = names.isEmpty ? Precision.double.rawValue
            : try arguments.choice("precision", names, default: form.defaultsToBoth ? "both" : names[0])
        precisions = chosen == "both" ? form.precisions : [Precision(rawValue: chosen)!]
        seed = try arguments.seed(default: 1)
        if let file {
            let own = file.contents.network.precision
            if arguments.has("precision") && precisions != [own] {
                throw UsageError("--precision \(chosen) conflicts with '\(file.path)', which holds a \(own.rawValue) network")
            }
            precisions = [own]
            sizeList = [file.contents.network.sizes]
        } else {
            for sizes in sizeList {
                do {
                    try Network<Double>.validate(sizes: sizes, output: output)
                } catch let error as BackpropError {
                    throw UsageError("--net \(Network<Double>.describe(sizes)): \(error.message)")
                }
            }
        }
    }

    /// The network file at `path`, read once; an error names the file.
    static func read(_ path: String) throws -> NetworkFile {
        let bytes = Data(try DataFile.read(path))
        do {
            return try NetworkFile(jsonData: bytes)
        } catch let error as BackpropError {
            throw error.prefixed("\(path): ")
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

    /// The network: the file's, or built from the flags and the seed with `sizes` (the first `--net` by default).
    /// - Precondition: with a file, T is the file's precision.
    func network<T: BackpropScalar>(_: T.Type, sizes: [Int]? = nil) throws -> Network<T> {
        if let file {
            switch file.contents.network {
            case .double(let network as Network<T>): return network
            case .float(let network as Network<T>): return network
            default: preconditionFailure("the file's network is read in its own precision")
            }
        }
        return try Network<T>(sizes: sizes ?? self.sizes, hidden: hidden, output: output,
                              initialization: initialization, seed: seed)
    }

    /// "784-30-10, sigmoid → softmax + cross-entropy, nielsen init, seed 1".
    func describe<T: BackpropScalar>(_ network: Network<T>) -> String {
        let origin = file.map { "from \($0.path)" } ?? "\(initialization.rawValue) init, seed \(seed)"
        return "\(network.sizeDescription), \(network.hidden.rawValue) → \(network.output.name), \(origin)"
    }
}
