import Backprop
import Foundation

/// `backprop evaluate`: a saved network's accuracy and confusion matrix on data (by default the test split it was
/// trained with, when the file records it).
enum EvaluateCommand: Subcommand {
    static let name = "evaluate"
    static let summary = "accuracy and confusion matrix of a saved network on data"

    static var options: [OptionSpec] {
        [OptionSpec("network", value: "FILE", help: "a backprop-network JSON file (required), e.g. from train --save")]
            + DataOptions.specs
            + [OptionSpec("seed", value: "S", help: "seed of the test split (default: the one the file records, else 1)"),
               OptionSpec("all", help: "evaluate on every example, not only the test split")]
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let console = context.console
        guard let path = arguments.string("network") else { throw UsageError("--network FILE is required") }
        let file = try NetworkOptions.read(path)
        let record = file.training
        let data = try DataOptions(arguments, defaultSource: record?.data ?? "digits")
        var seed = try arguments.seed(default: record?.seed ?? 1)
        var options = data
        if let record, record.data == data.source, !arguments.has("test-fraction") {
            options.testFraction = record.testFraction
            if !arguments.has("seed") { seed = record.seed }
        }
        if arguments.flag("all") { options.testFraction = 0 }
        let (train, test, description) = try options.split(seed: seed)
        let evaluated = test ?? train
        switch file.network {
        case .double(let net): return try run(net, evaluated, file.normalization, description, test == nil, console)
        case .float(let net): return try run(net, evaluated, file.normalization, description, test == nil, console)
        }
    }

    static func run<T: BackpropScalar>(
        _ network: Network<T>, _ data: LabeledData, _ normalization: Normalization?, _ description: String, _ all: Bool,
        _ console: Console
    ) throws -> Int32 {
        guard data.featureCount == network.inputCount else {
            throw BackpropError("the data has \(data.featureCount) features but the network takes \(network.inputCount) inputs")
        }
        guard data.classCount <= network.outputCount else {
            throw BackpropError("the data has \(data.classCount) classes but the network has \(network.outputCount) outputs")
        }
        let set = try LabeledData(features: data.features, labels: data.labels, classCount: network.outputCount)
        let scaling = normalization ?? .identity(data.featureCount)
        let inputs: Matrix<T> = scaling.apply(set.features)
        let predicted = try BatchEngine<T>().predictions(of: network, inputs: inputs)
        let correct = zip(predicted, set.labels).filter { $0 == $1 }.count
        console.line("evaluate: \(network.sizeDescription) on \(description), \(all ? "every example" : "the test split")")
        if normalization == nil { console.note("backprop evaluate: the file has no normalisation; inputs are used as they are") }
        console.line(String(format: "accuracy %.2f%% (%d/%d)", 100 * Double(correct) / Double(set.count), correct, set.count))
        console.line()
        let c = data.classCount
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: network.outputCount), count: c)
        for (truth, guess) in zip(set.labels, predicted) { matrix[truth][guess] += 1 }
        let names = data.classNames ?? (0..<c).map(String.init)
        let width = max(5, (names.map(\.count).max() ?? 1), String(set.count).count)
        func pad(_ text: String) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        console.line("confusion matrix (rows: true class, columns: predicted)")
        console.line(pad("") + " " + (0..<network.outputCount).map { pad($0 < names.count ? names[$0] : String($0)) }.joined(separator: " "))
        for (row, counts) in matrix.enumerated() {
            console.line(pad(names[row]) + " " + counts.map { pad(String($0)) }.joined(separator: " "))
        }
        return 0
    }
}
