import Backprop
import BackpropDatasets
import Foundation

/// The `--data` flag of `train` and `evaluate`:
///
///     --data digits | iris                 the data sets shipped with the project
///     --data csv:FILE                      features and an integer label per line (--label-column, --header)
///     --data mnist:DIR                     the four uncompressed MNIST IDX files in DIR (train and t10k)
///     --data npy:FEATURES.npy,LABELS.npy   NumPy arrays [m, n] (float32, float64, uint8) and [m] labels
///     --test-fraction F                    the seeded share held out for testing (MNIST has its own test set)
struct DataOptions {
    var source: String
    var labelColumn: Int
    var header: Bool
    var testFraction: Double

    static let specs: [OptionSpec] = [
        OptionSpec("data", value: "SOURCE", help: "digits, iris, csv:FILE, mnist:DIR or npy:FEATURES.npy,LABELS.npy (default digits)"),
        OptionSpec("label-column", value: "N", help: "with csv: the label's column, 0-based; negative counts from the end (default -1)"),
        OptionSpec("header", help: "with csv: the first line is a header"),
        OptionSpec("test-fraction", value: "F", help: "share of the examples held out for testing, seeded (default 0.2)"),
    ]

    init(_ arguments: ParsedArguments, defaultSource: String = "digits") throws {
        source = arguments.string("data") ?? defaultSource
        labelColumn = try arguments.integer("label-column", default: -1, in: -1_000_000...1_000_000)
        header = arguments.flag("header")
        testFraction = try arguments.number("test-fraction", default: 0.2, in: 0...0.9)
        let kind = source.split(separator: ":", maxSplits: 1).first.map(String.init) ?? source
        if (arguments.has("label-column") || header) && kind != "csv" {
            throw UsageError("--label-column and --header apply to --data csv:FILE only")
        }
        guard BuiltInDataset(rawValue: source) != nil || ["csv", "mnist", "npy"].contains(kind) && source.contains(":") else {
            throw UsageError("--data: '\(source)' is not digits, iris, csv:FILE, mnist:DIR or npy:FEATURES.npy,LABELS.npy")
        }
    }

    /// All the examples of a single-file source, or MNIST's (training, test) pair.
    func load() throws -> (all: LabeledData, test: LabeledData?) {
        if let builtIn = BuiltInDataset(rawValue: source) { return (try builtIn.load(), nil) }
        let parts = source.split(separator: ":", maxSplits: 1).map(String.init)
        let (kind, path) = (parts[0], parts.count > 1 ? parts[1] : "")
        guard !path.isEmpty else { throw UsageError("--data \(kind): needs a path after the colon") }
        switch kind {
        case "csv":
            let bytes = try AtomicFile.read(path)
            guard let text = String(data: bytes, encoding: .utf8) else {
                throw BackpropError("\(path): not UTF-8 text")
            }
            do {
                return (try CSVReader(labelColumn: labelColumn, header: header).read(text), nil)
            } catch let error as BackpropError {
                throw error.prefixed("\(path): ")
            }
        case "mnist":
            func file(_ name: String) throws -> [UInt8] {
                let full = (path as NSString).appendingPathComponent(name)
                if !FileManager.default.fileExists(atPath: full) && FileManager.default.fileExists(atPath: full + ".gz") {
                    throw BackpropError("\(full).gz is compressed; decompress it first (gunzip \(full).gz)")
                }
                return Array(try AtomicFile.read(full))
            }
            let train = try IDXReader.read(images: try file("train-images-idx3-ubyte"), labels: try file("train-labels-idx1-ubyte"),
                                           imagesName: "train-images-idx3-ubyte", labelsName: "train-labels-idx1-ubyte")
            let test = try IDXReader.read(images: try file("t10k-images-idx3-ubyte"), labels: try file("t10k-labels-idx1-ubyte"),
                                          imagesName: "t10k-images-idx3-ubyte", labelsName: "t10k-labels-idx1-ubyte")
            guard train.featureCount == test.featureCount else {
                throw BackpropError("the training images have \(train.featureCount) pixels but the test images \(test.featureCount)")
            }
            let classes = max(train.classCount, test.classCount)
            return (try LabeledData(features: train.features, labels: train.labels, classCount: classes),
                    try LabeledData(features: test.features, labels: test.labels, classCount: classes))
        case "npy":
            let files = path.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            guard files.count == 2, !files[0].isEmpty, !files[1].isEmpty else {
                throw UsageError("--data npy: expected two files, FEATURES.npy,LABELS.npy")
            }
            return (try NPYReader.read(features: Array(try AtomicFile.read(files[0])), labels: Array(try AtomicFile.read(files[1])),
                                       featuresName: files[0], labelsName: files[1]), nil)
        default:
            throw UsageError("--data: unknown source '\(kind)'")
        }
    }

    /// The (training, test) split: MNIST's own, or a seeded split of the examples.
    func split(seed: UInt64) throws -> (train: LabeledData, test: LabeledData?, description: String) {
        let (all, test) = try load()
        if let test {
            return (all, test, "\(source) (\(all.count) training examples, \(test.count) test examples)")
        }
        guard testFraction > 0 else { return (all, nil, "\(source) (\(all.count) examples, no test split)") }
        guard all.count >= 2 else { throw BackpropError("\(source) has \(all.count) example; a test split needs at least 2") }
        let (train, held) = all.split(testFraction: testFraction, seed: seed)
        return (train, held, "\(source) (\(all.count) examples: \(train.count) train / \(held.count) test, split seed \(seed))")
    }
}
