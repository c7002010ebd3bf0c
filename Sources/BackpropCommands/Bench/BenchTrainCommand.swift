import Backprop
import CommandSupport
import BackpropBenchmarks
import Foundation

/// `backprop bench-train` (formerly `bench-train DATA`): a recipe trained at several mini-batch sizes by both
/// engines and, with `--compare`, by NumPy (per-example loop and matrix form), scikit-learn and JAX, each on one
/// thread, from the same weights on the same mini-batches (`TrainBenchmark`).
enum BenchTrainCommand: Subcommand {
    static let name = "bench-train"
    static let summary = "time training: a recipe at several mini-batch sizes, both engines, and the Python peers"

    static var options: [OptionSpec] {
        [OptionSpec("data", value: "DATA", help: "the data, as train's --data: fashion-mnist, mnist, digits, a file … (default the recipe's)"),
         OptionSpec("recipe", value: "NAME", help: "the recipe (default fashion-mlp)"),
         OptionSpec("batch-size", value: "LIST", help: "mini-batch sizes, comma-separated (default 1,10,32,100,1000)", repeatable: true),
         OptionSpec("epochs", value: "N", help: "epochs per run (default the recipe's)"),
         OptionSpec("train-examples", value: "N", help: "train on the first N training examples only (default all)"),
         OptionSpec("target-accuracy", value: "A", help: "the test accuracy whose time to reach is reported, 0…1 (default 0.85)"),
         OptionSpec("test-fraction", value: "F", help: "for data without a test set: the share held out (default 0.2)"),
         OptionSpec("precision", value: "P", help: "double, float (default double)"),
         OptionSpec("seed", value: "S", help: "seed of the weights and of the shuffles (default 1)"),
         OptionSpec("format", value: "F", help: "table, csv or json (default table); data goes to standard output"),
         OptionSpec("svg", value: "FILE", help: "also write a chart of seconds per epoch against the mini-batch size"),
         OptionSpec("compare", value: "LIST", help: "also train the Python peers: numpy, jax, sklearn or all, comma-separated")]
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let console = context.console
        let name = arguments.string("recipe") ?? "fashion-mlp"
        guard let recipe = TrainingRecipe.named(name) else {
            throw UsageError("--recipe: '\(name)' is not one of \(TrainingRecipe.all.map(\.name).joined(separator: ", "))")
        }
        let data = try DataOptions(arguments, defaultSource: recipe.data)
        let precision = try Precision(rawValue: arguments.choice("precision", ["double", "float"], default: "double"))!
        let batchSizes = try arguments.integerList("batch-size", default: [1, 10, 32, 100, 1000], in: 1...1_000_000)
        var configuration = recipe.configuration
        configuration.epochs = try arguments.integer("epochs", default: recipe.epochs, in: 1...1000)
        configuration.seed = try arguments.seed(default: 1)
        let limit = try arguments.string("train-examples").map { _ in try arguments.integer("train-examples", default: 0, in: 1...10_000_000) }
        let target = try arguments.number("target-accuracy", default: 0.85, in: 0...1)
        let format = try arguments.choice("format", ["table", "csv", "json"], default: "table")
        let peers = try comparePeers(arguments)
        let svgPath = arguments.string("svg")
        if let svgPath { try AtomicFile.ensureWritable(svgPath) }

        let training = try TrainingData(data, seed: configuration.seed, scaling: recipe.scaling)
        guard training.featureCount == recipe.sizes[0], training.classCount <= recipe.sizes[recipe.sizes.count - 1] else {
            throw UsageError("--data \(data.source): \(training.featureCount) features and \(training.classCount) classes do not fit the recipe's \(Network<Double>.describe(recipe.sizes))")
        }
        let run = Run(recipe: recipe, training: training, configuration: configuration, batchSizes: batchSizes,
                      limit: limit, peers: peers, target: target, format: format, svgPath: svgPath, source: data.source,
                      console: console)
        return try precision.dispatch(run)
    }

    /// The tools `--compare` names: numpy (its loop and its matrix form), sklearn, jax, or all.
    static func comparePeers(_ arguments: ParsedArguments) throws -> [String] {
        guard let text = arguments.string("compare") else { return [] }
        var peers: [String] = []
        for word in text.split(separator: ",").map(String.init) {
            switch word {
            case "numpy": peers += ["numpy-loop", "numpy-batch"]
            case "sklearn", "jax": peers.append(word)
            case "all": peers += TrainBenchmark.peers
            default: throw UsageError("--compare: '\(word)' is not numpy, sklearn, jax or all")
            }
        }
        return TrainBenchmark.peers.filter(peers.contains)
    }

    struct Run: PrecisionDispatch {
        var recipe: TrainingRecipe
        var training: TrainingData
        var configuration: TrainingConfiguration
        var batchSizes: [Int]
        var limit: Int?
        var peers: [String]
        var target: Double
        var format: String
        var svgPath: String?
        var source: String
        var console: Console

        func run<T: BackpropScalar>(_: T.Type) throws -> Int32 {
            let network = try Network<T>(sizes: recipe.sizes, hidden: recipe.hidden, output: recipe.output,
                                         initialization: recipe.initialization, seed: configuration.seed)
            var (train, test) = try training.sets(T.self, classes: recipe.sizes[recipe.sizes.count - 1])
            if let limit { train = train.prefix(limit) }
            guard let test else { throw UsageError("--data \(source): the data has no test set; give it a --test-fraction") }
            let header = "bench-train: \(source) (\(train.count) training, \(test.count) test examples), recipe \(recipe.name): \(network.sizeDescription), \(network.hidden.rawValue) → \(network.output.name), \(recipe.initialization.rawValue) init, η = \(configuration.learningRate), \(configuration.epochs) epoch\(configuration.epochs == 1 ? "" : "s"), \(T.precision.rawValue); every tool on one thread, from the same weights, on the same mini-batches"
            console.note(MachineInfo.current().summary)
            let result = try TrainBenchmark.run(network: network, training: train, test: test, configuration: configuration,
                                                batchSizes: batchSizes, peers: peers) { console.progress($0) }
            console.endProgress()
            switch format {
            case "csv":
                console.note(header)
                console.write(BenchTrainCommand.csv(result, target: target))
            case "json":
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
                console.write(String(decoding: try encoder.encode(result.rows), as: UTF8.self) + "\n")
            default:
                console.line(header)
                console.line()
                console.line(BenchTrainCommand.table(result, target: target))
                for row in result.rows where row.skipped != nil && row.batchSize == batchSizes[0] {
                    console.line("\(row.tool) skipped: \(row.skipped!)")
                }
                if result.rows.contains(where: { $0.cpuPerWall != nil }) {
                    console.line("CPU/wall = a peer's process CPU time (all its threads) over its epochs' wall time: about 1.00 on one core.")
                }
                for row in result.rows where row.note != nil && row.batchSize == batchSizes[0] {
                    console.line("\(row.tool): \(row.note!).")
                }
            }
            if let path = svgPath {
                try AtomicFile.write(Data(TrainBenchmarkChart(benchmark: result, target: target, title: "\(network.sizeDescription) on \(source), \(T.precision.rawValue), \(configuration.epochs) epochs, one thread each").svg().utf8), to: path)
                console.note("wrote \(path)")
            }
            return 0
        }
    }

    /// The table: one row per mini-batch size and tool.
    static func table(_ result: TrainBenchmark, target: Double) -> String {
        var table = TextTable(["mini-batch", "tool", "s/epoch", "(min–max)", "CPU/wall", "test acc", String(format: "time to %g%%", 100 * target), "vs NumPy batch"],
                              rightAligned: [0, 2, 3, 4, 5, 6, 7])
        for row in result.rows where row.skipped == nil {
            let numpy = result.rows.first { $0.batchSize == row.batchSize && $0.tool == "numpy-batch" }?.secondsPerEpoch
            table.add([String(row.batchSize), row.tool,
                       row.secondsPerEpoch.map { String(format: "%.3f", $0) } ?? "-",
                       row.epochSeconds.isEmpty ? "" : String(format: "(%.3f–%.3f)", row.epochSeconds.min()!, row.epochSeconds.max()!),
                       row.cpuPerWall.map { String(format: "%.2f", $0) } ?? "-",
                       row.divergedInEpoch.map { "diverged (epoch \($0))" }
                           ?? row.finalAccuracy.map { String(format: "%.2f%%", 100 * $0) } ?? "-",
                       row.timeTo(target).map { String(format: "%.2f s", $0) } ?? "-",
                       numpy.flatMap { n in row.secondsPerEpoch.map { String(format: "%.2f×", n / $0) } } ?? "-"])
        }
        return table.render()
    }

    /// Plain CSV: the header first, one row per mini-batch size and tool.
    static func csv(_ result: TrainBenchmark, target: Double) -> String {
        var lines = ["batch_size,tool,seconds_per_epoch,min_seconds,max_seconds,test_accuracy,seconds_to_target,target,diverged_in_epoch,skipped,cpu_per_wall"]
        for row in result.rows {
            let fields: [String] = [
                String(row.batchSize), row.tool, row.secondsPerEpoch.map { String(format: "%.6g", $0) } ?? "",
                row.epochSeconds.min().map { String(format: "%.6g", $0) } ?? "", row.epochSeconds.max().map { String(format: "%.6g", $0) } ?? "",
                row.finalAccuracy.map { String(format: "%.6g", $0) } ?? "", row.timeTo(target).map { String(format: "%.6g", $0) } ?? "",
                String(target), row.divergedInEpoch.map(String.init) ?? "", row.skipped.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"" } ?? "",
                row.cpuPerWall.map { String(format: "%.3f", $0) } ?? "",
            ]
            lines.append(fields.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
