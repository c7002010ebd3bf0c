import Backprop
import CommandSupport
import BackpropBenchmarks
import Foundation

/// `backprop train`: mini-batch SGD on real data with either engine (or both, to compare their time and their
/// final weights bit for bit).
enum TrainCommand: Subcommand {
    static let name = "train"
    static let summary = "train a network with mini-batch SGD on digits, iris, MNIST, Fashion-MNIST, a CSV or .npy files"

    static let form = NetworkOptions.Form(
        defaultNet: nil, takesFile: false, seedHelp: "seed of the weights, the split and the shuffles (default 1)")

    static var options: [OptionSpec] {
        DataOptions.specs + NetworkOptions.specs(form) + [
            OptionSpec("recipe", value: "NAME", help: "the settings of a published run: \(TrainingRecipe.all.map(\.name).joined(separator: ", ")); other flags override them"),
            OptionSpec("engine", value: "E", help: "loop, batch, or both: train with each from the same seed and compare (default batch)"),
            OptionSpec("epochs", value: "N", help: "passes over the training set (default 30)"),
            OptionSpec("batch-size", value: "M", help: "examples per mini-batch (default 10)"),
            OptionSpec("lr", value: "η", help: "learning rate (default 0.1)"),
            OptionSpec("weight-decay", value: "λ", help: "L2 weight decay, as in Nielsen's network2 (default 0: off)"),
            OptionSpec("momentum", value: "μ", help: "momentum (default 0: off)"),
            ThreadsOption.spec,
            OptionSpec("save", value: "FILE", help: "write the trained network (with its normalisation) as JSON, atomically"),
            OptionSpec("train-examples", value: "N", help: "train on the first N training examples only (default all, or the recipe's)"),
            OptionSpec("evaluate-on", value: "SET", help: "test, or validation: the training examples after the first --train-examples (default test, or the recipe's)"),
            OptionSpec("scaling", value: "S", help: "standardize (each input by the training set's mean and deviation) or unit (pixels ÷ 255; image sets only) (default standardize, or the recipe's)"),
            OptionSpec("svg", value: "FILE", help: "also draw the loss and the test accuracy against epochs and against seconds"),
        ]
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let started = MonotonicClock.nanoseconds()
        var recipe: TrainingRecipe?
        if let name = arguments.string("recipe") {
            guard let found = TrainingRecipe.named(name) else {
                throw UsageError("--recipe: '\(name)' is not one of \(TrainingRecipe.all.map(\.name).joined(separator: ", "))")
            }
            recipe = found
        }
        let data = try DataOptions(arguments, defaultSource: recipe?.data ?? "digits")
        var options = try NetworkOptions(arguments, form)
        if let recipe {
            // The recipe's network, where no flag says otherwise.
            if !arguments.has("net") { options.sizeList = [recipe.sizes] }
            if !arguments.has("hidden") { options.hidden = recipe.hidden }
            if !arguments.has("output") && !arguments.has("loss") { options.output = recipe.output }
            if !arguments.has("init") { options.initialization = recipe.initialization }
        }
        let engineChoice = try arguments.choice("engine", ["loop", "batch", "both"], default: "batch")
        let configuration = TrainingConfiguration(
            epochs: try arguments.integer("epochs", default: recipe?.epochs ?? 30, in: 1...100_000),
            batchSize: try arguments.integer("batch-size", default: recipe?.batchSize ?? 10, in: 1...1_000_000),
            learningRate: try arguments.number("lr", default: recipe?.learningRate ?? 0.1, in: 0...1_000),
            weightDecay: try arguments.number("weight-decay", default: recipe?.weightDecay ?? 0, in: 0...1_000_000),
            momentum: try arguments.number("momentum", default: 0, in: 0...0.999),
            seed: options.seed)
        let threads = try ThreadsOption.parse(arguments)
        let savePath = arguments.string("save")
        if let savePath { try checkWritable(savePath) }
        let svgPath = arguments.string("svg")
        if let svgPath { try AtomicFile.ensureWritable(svgPath) }

        let scaling = try InputScaling(rawValue: arguments.choice("scaling", InputScaling.allCases.map(\.rawValue),
                                                                  default: recipe?.scaling.rawValue ?? "standardize"))!
        let trainExamples = try arguments.has("train-examples")
            ? arguments.integer("train-examples", default: 0, in: 1...100_000_000) : recipe?.trainExamples
        let evaluation = try EvaluationSet(rawValue: arguments.choice("evaluate-on", EvaluationSet.allCases.map(\.rawValue),
                                                                      default: recipe?.evaluation.rawValue ?? "test"))!
        let training = try TrainingData(data, seed: options.seed, scaling: scaling, trainExamples: trainExamples,
                                        evaluation: evaluation)
        let features = training.featureCount, classCount = training.classCount
        let sizes = options.sizeList.isEmpty ? [features, 32, classCount] : options.sizes
        guard sizes[0] == features else {
            throw UsageError("--net \(Network<Double>.describe(sizes)): the data has \(features) features, so h_0 must be \(features)")
        }
        guard sizes[sizes.count - 1] >= classCount else {
            throw UsageError("--net \(Network<Double>.describe(sizes)): the data has \(classCount) classes, so h_L must be at least \(classCount)")
        }
        do {
            try Network<Double>.validate(sizes: sizes, output: options.output)
        } catch let error as BackpropError {
            throw UsageError("--net \(Network<Double>.describe(sizes)): \(error.message)")
        }
        let (trainCount, testCount) = training.counts
        try MemoryBudget.ensure(MemoryBudget.estimate(sizes: sizes, examples: trainCount + testCount,
                                                      scalarBytes: options.precision.byteCount, copies: 8, batchCopies: 3),
                                what: "training \(Network<Double>.describe(sizes))")
        let run = Run(data: data, training: training, recipe: recipe, sizes: sizes, options: options,
                      configuration: configuration, engine: engineChoice, threads: threads, savePath: savePath,
                      svgPath: svgPath, started: started, console: context.console, factory: context.engines.factory)
        return try options.precision.dispatch(run)
    }

    /// One training run, in the precision it is dispatched to.
    struct Run: PrecisionDispatch {
        var data: DataOptions
        var training: TrainingData
        var recipe: TrainingRecipe?
        var sizes: [Int]
        var options: NetworkOptions
        var configuration: TrainingConfiguration
        var engine: String
        var threads: Int
        var savePath: String?
        var svgPath: String?
        /// When the command started, for the whole run's wall time.
        var started: UInt64
        var console: Console
        var factory: any EngineFactory

        func run<T: BackpropScalar>(_: T.Type) throws -> Int32 {
            try TrainCommand.run(T.self, self)
        }
    }

    static func run<T: BackpropScalar>(_: T.Type, _ settings: Run) throws -> Int32 {
        let console = settings.console, config = settings.configuration
        let network = try settings.options.network(T.self, sizes: settings.sizes)
        let converting = MonotonicClock.nanoseconds()
        let (trainSet, testSet) = try settings.training.sets(T.self, classes: settings.sizes[settings.sizes.count - 1])
        let loadSeconds = settings.training.loadSeconds + MonotonicClock.seconds(since: converting)
        console.line("train: \(settings.training.description); \(settings.training.scaling); loaded in \(String(format: "%.2f", loadSeconds)) s")
        if let recipe = settings.recipe { console.line("recipe \(recipe.name): \(recipe.source)") }
        console.line("network: \(network.sizeDescription), \(network.hidden.rawValue) → \(network.output.name), \(settings.options.initialization.rawValue) init, seed \(settings.options.seed), \(T.precision.rawValue)")
        var rule = "SGD: \(config.epochs) epochs, mini-batches of \(config.batchSize), η = \(config.learningRate)"
        if config.weightDecay > 0 { rule += ", L2 λ = \(config.weightDecay)" }
        if config.momentum > 0 { rule += ", momentum μ = \(config.momentum)" }
        console.line(rule)
        if trainSet.count > Trainer<T>.trainingSample {
            console.line("train acc: on a fixed sample of \(Trainer<T>.trainingSample) of the \(trainSet.count) training examples")
        }

        // One pool of threads for the training engine and the evaluator.
        let pool = ThreadsOption.pool(settings.threads)
        let (loop, batch) = settings.factory.engines(T.self, pool: pool)
        let engines: [AnyBackpropEngine<T>] = switch settings.engine {
        case "loop": [loop]
        case "both": [loop, batch]
        default: [batch]
        }
        let evaluator = BatchEngine<T>(pool: pool)
        var outcomes: [(name: String, outcome: Trainer<T>.Outcome)] = []
        for engine in engines {
            console.line()
            console.line("\(engine.name) engine")
            console.line("epoch  mean loss  train acc  \(settings.training.evaluation == .test ? "test acc" : "val. acc")  seconds  eval s")
            let outcome = try Trainer<T>(configuration: config).train(
                network, engine: engine, training: trainSet, test: testSet, evaluator: evaluator,
                onEpoch: { epoch in
                    console.endProgress()
                    let testText = epoch.testAccuracy.map { String(format: "%7.2f%%", 100 * $0) } ?? "       -"
                    let trainText = epoch.trainAccuracy.map { String(format: "%8.2f%%", 100 * $0) } ?? "        -"
                    console.line(String(format: "%5d  %9.5f  %@  %@  %7.3f  %6.3f", epoch.number, epoch.meanLoss,
                                        trainText, testText, epoch.seconds, epoch.evaluationSeconds))
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
            outcomes.append((engine.name, outcome))
        }

        console.line()
        var differ = false
        if outcomes.count == 2 {
            let (loop, batch) = (outcomes[0].outcome, outcomes[1].outcome)
            let identical = loop.network.layers.indices.allSatisfy {
                ElementwiseDifference(loop.network.layers[$0].weights.elements, batch.network.layers[$0].weights.elements).isIdentical
                    && ElementwiseDifference(loop.network.layers[$0].biases, batch.network.layers[$0].biases).isIdentical
            }
            console.line(String(format: "loop engine %.3f s, batch engine %.3f s: the batch engine trained %.2f× faster; final weights bitwise identical: %@",
                                loop.seconds, batch.seconds, loop.seconds / max(batch.seconds, 1e-9), identical ? "yes" : "NO"))
            if !identical {
                differ = true
                console.note("backprop train: the two engines' final weights differ: the bitwise contract is broken (docs/bitwise-identity.md)")
            }
        }
        let final = outcomes[outcomes.count - 1].outcome
        var testAccuracy: Double?
        if let testSet {
            // The last epoch measured it on these weights (a diverged run kept the weights of the epoch before).
            let accuracy = try final.epochs.last?.testAccuracy ?? evaluator.accuracy(of: final.network, on: testSet) ?? 0
            if settings.training.evaluation == .test { testAccuracy = accuracy }
            let correct = Int((accuracy * Double(testSet.count)).rounded())
            var line = "\(settings.training.evaluation.rawValue) accuracy "
                + String(format: "%.2f%% (%d/%d); weights checksum %016llx", 100 * accuracy, correct, testSet.count, final.network.checksum)
            if let recipe = settings.recipe { line += String(format: "; published %.2f%%", 100 * recipe.published) }
            console.line(line)
        } else {
            console.line(String(format: "train accuracy %.2f%%; weights checksum %016llx", 100 * (final.epochs.last?.trainAccuracy ?? 0), final.network.checksum))
        }
        let training = outcomes.map { $0.outcome.seconds }.reduce(0, +)
        let evaluation = outcomes.flatMap { $0.outcome.epochs }.map(\.evaluationSeconds).reduce(0, +)
        var timing = String(format: "time: loading %.2f s, training %.2f s, evaluation %.2f s, all %.2f s",
                            loadSeconds, training, evaluation, MonotonicClock.seconds(since: settings.started))
        if let peak = ProcessMemory.peakResidentBytes() { timing += String(format: "; peak memory %.0f MB", Double(peak) / 1_048_576) }
        console.line(timing)
        if let path = settings.savePath {
            let record = TrainingRecord(data: settings.data.source, testFraction: settings.data.testFraction, seed: settings.options.seed,
                                        epochs: final.epochs.count, testAccuracy: testAccuracy)
            try AtomicFile.write(try final.network.jsonData(normalization: settings.training.normalization, training: record), to: path)
            console.note("wrote \(path)")
        }
        if let path = settings.svgPath {
            let runs = outcomes.map { TrainingChart.Run(engine: $0.name, epochs: $0.outcome.epochs) }
            let title = "\(network.sizeDescription) on \(settings.data.source), \(T.precision.rawValue), mini-batches of \(config.batchSize), η = \(config.learningRate)"
            try AtomicFile.write(Data(TrainingChart(runs: runs, title: title).svg().utf8), to: path)
            console.note("wrote \(path)")
        }
        return differ || outcomes.contains { $0.outcome.divergedInEpoch != nil } ? 1 : 0
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
