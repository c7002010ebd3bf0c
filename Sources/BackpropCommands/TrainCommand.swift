import Backprop
import Foundation

/// `backprop train`: mini-batch SGD on real data with either engine (or both, to compare their time and their
/// final weights bit for bit).
enum TrainCommand: Subcommand {
    static let name = "train"
    static let summary = "train a network with mini-batch SGD on digits, iris, a CSV, MNIST or .npy files"

    static let form = NetworkOptions.Form(
        defaultNet: nil, takesFile: false, seedHelp: "seed of the weights, the split and the shuffles (default 1)")

    static var options: [OptionSpec] {
        DataOptions.specs + NetworkOptions.specs(form) + [
            OptionSpec("engine", value: "E", help: "loop, batch, or both: train with each from the same seed and compare (default batch)"),
            OptionSpec("epochs", value: "N", help: "passes over the training set (default 30)"),
            OptionSpec("batch-size", value: "M", help: "examples per mini-batch (default 10)"),
            OptionSpec("lr", value: "η", help: "learning rate (default 0.1)"),
            OptionSpec("weight-decay", value: "λ", help: "L2 weight decay, as in Nielsen's network2 (default 0: off)"),
            OptionSpec("momentum", value: "μ", help: "momentum (default 0: off)"),
            OptionSpec("threads", value: "N", help: "threads of the batch engine (default 1)"),
            OptionSpec("save", value: "FILE", help: "write the trained network (with its normalisation) as JSON, atomically"),
        ]
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let data = try DataOptions(arguments)
        let options = try NetworkOptions(arguments, form)
        let engineChoice = try arguments.choice("engine", ["loop", "batch", "both"], default: "batch")
        let configuration = TrainingConfiguration(
            epochs: try arguments.integer("epochs", default: 30, in: 1...100_000),
            batchSize: try arguments.integer("batch-size", default: 10, in: 1...1_000_000),
            learningRate: try arguments.number("lr", default: 0.1, in: 0...1_000),
            weightDecay: try arguments.number("weight-decay", default: 0, in: 0...1_000_000),
            momentum: try arguments.number("momentum", default: 0, in: 0...0.999),
            seed: options.seed)
        let threads = try arguments.integer("threads", default: 1, in: 1...256)
        let savePath = arguments.string("save")
        if let savePath { try checkWritable(savePath) }

        let (train, test, description) = try data.split(seed: options.seed)
        let sizes = options.sizeList.isEmpty ? [train.featureCount, 32, train.classCount] : options.sizes
        guard sizes[0] == train.featureCount else {
            throw UsageError("--net \(Network<Double>.describe(sizes)): the data has \(train.featureCount) features, so h_0 must be \(train.featureCount)")
        }
        guard sizes[sizes.count - 1] >= train.classCount else {
            throw UsageError("--net \(Network<Double>.describe(sizes)): the data has \(train.classCount) classes, so h_L must be at least \(train.classCount)")
        }
        try MemoryBudget.ensure(MemoryBudget.estimate(sizes: sizes, examples: train.count + (test?.count ?? 0),
                                                      scalarBytes: options.precision.byteCount, copies: 8, batchCopies: 3),
                                what: "training \(Network<Double>.describe(sizes))")
        // Targets are one-hot over h_L outputs (h_L may exceed the number of classes present).
        let classes = sizes[sizes.count - 1]
        let trainSet = try LabeledData(features: train.features, labels: train.labels, classCount: classes, classNames: train.classNames)
        let testSet = try test.map { try LabeledData(features: $0.features, labels: $0.labels, classCount: classes, classNames: $0.classNames) }
        let run = Run(data: data, description: description, sizes: sizes, options: options,
                      configuration: configuration, engine: engineChoice, threads: threads, savePath: savePath,
                      train: trainSet, test: testSet, normalization: Normalization(standardizing: trainSet),
                      console: context.console)
        return try options.precision.dispatch(run)
    }

    /// One training run, in the precision it is dispatched to.
    struct Run: PrecisionDispatch {
        var data: DataOptions
        var description: String
        var sizes: [Int]
        var options: NetworkOptions
        var configuration: TrainingConfiguration
        var engine: String
        var threads: Int
        var savePath: String?
        var train: LabeledData
        var test: LabeledData?
        var normalization: Normalization
        var console: Console

        func run<T: BackpropScalar>(_: T.Type) throws -> Int32 {
            try TrainCommand.run(T.self, self)
        }
    }

    static func run<T: BackpropScalar>(_: T.Type, _ settings: Run) throws -> Int32 {
        let console = settings.console, train = settings.train, test = settings.test
        let normalization = settings.normalization
        let network = try settings.options.network(T.self, sizes: settings.sizes)
        let trainSet = TrainingSet<T>(train, normalization: normalization)
        let testSet = test.map { TrainingSet<T>($0, normalization: normalization) }
        let config = settings.configuration
        console.line("train: \(settings.description)")
        console.line("network: \(network.sizeDescription), \(network.hidden.rawValue) → \(network.output.name), \(settings.options.initialization.rawValue) init, seed \(settings.options.seed), \(T.precision.rawValue); inputs standardised with the training set's mean and deviation")
        var rule = "SGD: \(config.epochs) epochs, mini-batches of \(config.batchSize), η = \(config.learningRate)"
        if config.weightDecay > 0 { rule += ", L2 λ = \(config.weightDecay)" }
        if config.momentum > 0 { rule += ", momentum μ = \(config.momentum)" }
        console.line(rule)

        let engines: [AnyBackpropEngine<T>] = switch settings.engine {
        case "loop": [AnyBackpropEngine(LoopEngine<T>())]
        case "both": [AnyBackpropEngine(LoopEngine<T>()), AnyBackpropEngine(BatchEngine<T>(threads: settings.threads))]
        default: [AnyBackpropEngine(BatchEngine<T>(threads: settings.threads))]
        }
        var outcomes: [Trainer<T>.Outcome] = []
        for engine in engines {
            console.line()
            console.line("\(engine.name) engine")
            console.line("epoch  mean loss  train acc  test acc  seconds")
            let outcome = try Trainer<T>(configuration: config).train(
                network, engine: engine, training: trainSet, test: testSet,
                onEpoch: { epoch in
                    console.endProgress()
                    let testText = epoch.testAccuracy.map { String(format: "%7.2f%%", 100 * $0) } ?? "       -"
                    console.line(String(format: "%5d  %9.5f  %8.2f%%  %@  %7.3f", epoch.number, epoch.meanLoss,
                                        100 * epoch.trainAccuracy, testText, epoch.seconds))
                },
                onProgress: { fraction in
                    let width = 30, filled = Int(fraction * Double(width))
                    console.progress("[" + String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled) + String(format: "] %3.0f%%", 100 * fraction))
                })
            console.endProgress()
            if let epoch = outcome.divergedInEpoch {
                let kept = epoch == 1 ? "the initial weights" : "the weights from the end of epoch \(epoch - 1)"
                console.note("backprop train: training diverged in epoch \(epoch) (the loss became NaN or infinite): stopped, keeping \(kept)")
            }
            outcomes.append(outcome)
        }

        console.line()
        if outcomes.count == 2 {
            let (loop, batch) = (outcomes[0], outcomes[1])
            let identical = loop.network.layers.indices.allSatisfy {
                ElementwiseDifference(loop.network.layers[$0].weights.elements, batch.network.layers[$0].weights.elements).isIdentical
                    && ElementwiseDifference(loop.network.layers[$0].biases, batch.network.layers[$0].biases).isIdentical
            }
            console.line(String(format: "loop engine %.3f s, batch engine %.3f s: the batch engine trained %.2f× faster; final weights bitwise identical: %@",
                                loop.seconds, batch.seconds, loop.seconds / max(batch.seconds, 1e-9), identical ? "yes" : "NO"))
        }
        let final = outcomes[outcomes.count - 1]
        let evaluator = BatchEngine<T>()
        var testAccuracy: Double?
        if let testSet {
            let predicted = try evaluator.predictions(of: final.network, inputs: testSet.inputs)
            let correct = zip(predicted, testSet.labels).filter { $0 == $1 }.count
            testAccuracy = Double(correct) / Double(testSet.count)
            console.line(String(format: "test accuracy %.2f%% (%d/%d); weights checksum %016llx", 100 * testAccuracy!, correct, testSet.count, final.network.checksum))
        } else {
            console.line(String(format: "train accuracy %.2f%%; weights checksum %016llx", 100 * (final.epochs.last?.trainAccuracy ?? 0), final.network.checksum))
        }
        if let path = settings.savePath {
            let record = TrainingRecord(data: settings.data.source, testFraction: settings.data.testFraction, seed: settings.options.seed,
                                        epochs: final.epochs.count, testAccuracy: testAccuracy)
            try AtomicFile.write(try final.network.jsonData(normalization: normalization, training: record), to: path)
            console.note("wrote \(path)")
        }
        return outcomes.contains { $0.divergedInEpoch != nil } ? 1 : 0
    }

    /// Fails early (before training) if `path` cannot be written.
    static func checkWritable(_ path: String) throws {
        let directory = (path as NSString).deletingLastPathComponent
        let folder = directory.isEmpty ? "." : directory
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw UsageError("--save \(path): the directory '\(folder)' does not exist")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw UsageError("--save \(path): the directory '\(folder)' is not writable")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw UsageError("--save \(path): it is a directory")
        }
    }
}
