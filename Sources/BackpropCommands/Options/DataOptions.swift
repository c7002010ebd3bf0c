import Backprop
import BackpropDatasets
import Foundation

/// The `--data` flag of `train` and `evaluate`:
///
///     --data digits | iris                 the data sets shipped with the project
///     --data mnist[:DIR]                   MNIST's four IDX files (gzip or not), found or in DIR (NamedDataset)
///     --data fashion-mnist[:DIR]           Fashion-MNIST's, likewise (Debian: apt-get install dataset-fashion-mnist)
///     --data csv:FILE                      features and an integer label per line (--label-column, --header)
///     --data npy:FEATURES.npy,LABELS.npy   NumPy arrays [m, n] (float32, float64, uint8) and [m] labels
///     --test-fraction F                    the seeded share held out for testing (the image sets have their own)
///
/// Every file may be gzip-compressed, and `FILE.gz` is read when `FILE` is missing.
struct DataOptions {
    var source: String
    var labelColumn: Int
    var header: Bool
    var testFraction: Double

    static let specs: [OptionSpec] = [
        OptionSpec("data", value: "SOURCE", help: "digits, iris, mnist[:DIR], fashion-mnist[:DIR], csv:FILE or npy:FEATURES.npy,LABELS.npy (default digits)"),
        OptionSpec("label-column", value: "N", help: "with csv: the label's column, 0-based; negative counts from the end (default -1)"),
        OptionSpec("header", help: "with csv: the first line is a header"),
        OptionSpec("test-fraction", value: "F", help: "share of the examples held out for testing, seeded (default 0.2; the image sets have their own test set)"),
    ]

    /// The part before the colon: "csv", "mnist", …
    var kind: String { source.split(separator: ":", maxSplits: 1).first.map(String.init) ?? source }
    /// The part after the colon, if any.
    var path: String? {
        let parts = source.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count > 1 ? String(parts[1]) : nil
    }

    init(_ arguments: ParsedArguments, defaultSource: String = "digits") throws {
        source = arguments.string("data") ?? defaultSource
        labelColumn = try arguments.integer("label-column", default: -1, in: -1_000_000...1_000_000)
        header = arguments.flag("header")
        testFraction = try arguments.number("test-fraction", default: 0.2, in: 0...0.9)
        if (arguments.has("label-column") || header) && kind != "csv" {
            throw UsageError("--label-column and --header apply to --data csv:FILE only")
        }
        self = try Self.validated(self)
    }

    /// The options, once the source is known to name data.
    static func validated(_ options: DataOptions) throws -> DataOptions {
        let named = NamedDataset(rawValue: options.kind) != nil
        guard BuiltInDataset(rawValue: options.source) != nil || named
                || ["csv", "npy"].contains(options.kind) && options.path != nil else {
            throw UsageError("--data: '\(options.source)' is not digits, iris, mnist[:DIR], fashion-mnist[:DIR], csv:FILE or npy:FEATURES.npy,LABELS.npy")
        }
        if let path = options.path, path.isEmpty { throw UsageError("--data \(options.kind): needs a path after the colon") }
        return options
    }

    /// What a source holds: a table of examples (split later), or an image set's official training and test sets.
    enum Loaded {
        case table(LabeledData)
        case images(train: ImageSet, test: ImageSet)
    }

    /// Reads the source.
    func load() throws -> Loaded {
        if let builtIn = BuiltInDataset(rawValue: source) { return .table(try builtIn.load()) }
        if let named = NamedDataset(rawValue: kind) {
            let (train, test) = try NamedDataset.load(from: try named.locate(path))
            return .images(train: train, test: test)
        }
        let path = self.path!
        switch kind {
        case "csv":
            let bytes = try DataFile.read(path)
            guard let text = String(validating: bytes, as: UTF8.self) else { throw BackpropError("\(path): not UTF-8 text") }
            do {
                return .table(try CSVReader(labelColumn: labelColumn, header: header).read(text))
            } catch let error as BackpropError {
                throw error.prefixed("\(path): ")
            }
        default:
            let files = path.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard files.count == 2, !files[0].isEmpty, !files[1].isEmpty else {
                throw UsageError("--data npy: expected two files, FEATURES.npy,LABELS.npy")
            }
            return .table(try NPYReader.read(features: try DataFile.read(files[0]), labels: try DataFile.read(files[1]),
                                             featuresName: files[0], labelsName: files[1]))
        }
    }

    /// The (training, test) split as data sets of Double features: an image set's own, or a seeded split.
    func split(seed: UInt64) throws -> (train: LabeledData, test: LabeledData?, description: String) {
        switch try load() {
        case .images(let train, let test):
            let classes = max(train.classCount, test.classCount)
            return (try train.labeledData(classCount: classes), try test.labeledData(classCount: classes),
                    "\(source) (\(train.count) training examples, \(test.count) test examples)")
        case .table(let all):
            guard testFraction > 0 else { return (all, nil, "\(source) (\(all.count) examples, no test split)") }
            guard all.count >= 2 else { throw BackpropError("\(source) has \(all.count) example; a test split needs at least 2") }
            let (train, held) = all.split(testFraction: testFraction, seed: seed)
            return (train, held, "\(source) (\(all.count) examples: \(train.count) train / \(held.count) test, split seed \(seed))")
        }
    }
}
