import Foundation
import Testing
@testable import Backprop
@testable import BackpropCommands
import TestSupport

/// The image data sets as people download them, through the command: recipes, the search for the files, and
/// `bench-train`, on small generated sets in the four-file layout (the real ones are run by .ci/run).
@Suite("Real data through the command", .serialized)
struct RealDataCommandTests {
    /// A folder of generated images: 150 training and 50 test, 28×28, ten classes, gzip-compressed (few, because
    /// the tests run a debug build).
    static let folder: URL = {
        let url = try! temporaryDirectory()
        try! ImageSetFixture.write(to: url, train: 150, test: 50, compressed: true)
        return url
    }()

    @Test("every recipe trains on its data set, scores its published set and prints the published figure beside ours",
          arguments: TrainingRecipe.all.map(\.name))
    func recipe(_ name: String) throws {
        let recipe = try #require(TrainingRecipe.named(name))
        // 100 of the 150 training images train, as 50,000 of MNIST's 60,000 do in Nielsen's recipes.
        let result = runCommand(["train", "--recipe", name, "--data", "\(recipe.data):\(Self.folder.path)", "--epochs", "2",
                                 "--train-examples", "100"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("recipe \(name): \(recipe.source)"))
        #expect(result.out.contains("network: \(Network<Double>.describe(recipe.sizes)), \(recipe.hidden.rawValue) → \(recipe.output.name), \(recipe.initialization.rawValue) init"))
        #expect(result.out.contains("mini-batches of \(recipe.batchSize), η = \(recipe.learningRate)"))
        #expect(result.out.contains(String(format: "published %.2f%%", 100 * recipe.published)))
        #expect(result.out.contains(recipe.evaluation == .test ? "100 training examples, 50 test examples)"
                                    : "100 training examples, 50 validation examples: training images 100…149)"), "\(result.out)")
        // Every recipe lowers the loss; those with cross-entropy also learn the easy generated classes in two
        // epochs (chance is 10%). Quadratic cost on saturated sigmoids (chapter 1) starts too slowly for that.
        let losses = result.out.split(separator: "\n").compactMap { line -> Double? in
            let fields = line.split(separator: " ")
            return fields.count >= 6 && Int(fields[0]) != nil ? Double(fields[1]) : nil
        }
        #expect(losses.count == 2 && losses[1] < losses[0], "\(result.out)")
        if recipe.output != .sigmoidSquaredError {
            let line = try #require(result.out.split(separator: "\n").last { $0.hasPrefix("\(recipe.evaluation.rawValue) accuracy") })
            let accuracy = try #require(Double(line.split(separator: " ")[2].dropLast()))
            #expect(accuracy > 40, "\(line)")
        }
    }

    @Test("Nielsen's recipes split MNIST as his book does: the first 50,000 training images train")
    func nielsenSplit() throws {
        for recipe in TrainingRecipe.all where recipe.name.hasPrefix("nielsen") {
            #expect(recipe.trainExamples == 50_000, "\(recipe.name)")
            #expect(recipe.evaluation == (recipe.name == "nielsen-ch3-l2" ? .validation : .test), "\(recipe.name)")
        }
        // On the 150 generated images its 50,000 leave no validation examples: one line, exit 1.
        let result = runCommand(["train", "--recipe", "nielsen-ch3-l2", "--data", "mnist:\(Self.folder.path)", "--epochs", "1"])
        #expect(result.code != 0)
        #expect(result.err.contains("--evaluate-on validation: the validation examples are the training examples after the first 50000 (--train-examples), and there are only 150"), "\(result.err)")
    }

    @Test("a flag given with a recipe overrides that one setting")
    func recipeOverride() {
        let result = runCommand(["train", "--recipe", "fashion-mlp", "--data", "fashion-mnist:\(Self.folder.path)",
                                 "--epochs", "1", "--net", "784-20-10", "--lr", "0.01", "--scaling", "unit"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("network: 784-20-10, relu → softmax") && result.out.contains("η = 0.01"))
        #expect(result.out.contains("mini-batches of 32") && result.out.contains("1 epochs"))
        #expect(result.out.contains("÷ 255"), "\(result.out)")
    }

    @Test("the data set is found through $BACKPROP_DATA, and a missing one is one line with the way to get it")
    func discovery() throws {
        let root = try temporaryDirectory()
        try FileManager.default.createSymbolicLink(at: root.appendingPathComponent("mnist"), withDestinationURL: Self.folder)
        let found = try runProcess(["train", "--data", "mnist", "--epochs", "1"], environment: ["BACKPROP_DATA": root.path])
        #expect(found.code == 0, "\(found.err)")
        #expect(found.out.contains("150 training examples"))

        let empty = try temporaryDirectory()
        let missing = try runProcess(["train", "--data", "mnist", "--epochs", "1"],
                                     environment: ["BACKPROP_DATA": empty.path, "HOME": empty.path, "XDG_CACHE_HOME": ""])
        #expect(missing.code == 1 && !missing.signaled)
        #expect(missing.err.split(separator: "\n").count == 1, "\(missing.err)")
        #expect(missing.err.contains("--data mnist: the data set is not in \(empty.path)/mnist"))
        #expect(missing.err.contains("https://ossci-datasets.s3.amazonaws.com/mnist/"))
    }

    @Test("bench-train: both engines at each mini-batch size, the same accuracy, plain CSV")
    func benchTrain() throws {
        let result = runCommand(["bench-train", "--data", "fashion-mnist:\(Self.folder.path)", "--batch-size", "10,100",
                                 "--epochs", "2", "--train-examples", "100", "--format", "csv"])
        #expect(result.code == 0, "\(result.err)")
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines.first == "batch_size,tool,seconds_per_epoch,min_seconds,max_seconds,test_accuracy,seconds_to_target,target,diverged_in_epoch,skipped,cpu_per_wall")
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        #expect(rows.map { "\($0[0]) \($0[1])" } == ["10 loop engine", "10 batch engine", "100 loop engine", "100 batch engine"])
        // The two engines compute the same numbers: the same accuracy after the same epochs.
        #expect(rows[0][5] == rows[1][5] && rows[2][5] == rows[3][5])
        #expect(rows.allSatisfy { (Double($0[2]) ?? 0) > 0 && $0[8].isEmpty && $0[9].isEmpty })
    }

    @Test("each benchmark takes only its own options; the old spellings map to the new commands", arguments: [
        (["bench-train", "--data", "digits", "--net", "64-10"], "backprop bench-train: unknown option '--net'"),
        (["bench", "--recipe", "fashion-mlp"], "backprop bench: unknown option '--recipe'"),
        (["bench-kernels", "--batch", "4"], "backprop bench-kernels: unknown option '--batch'"),
        (["bench", "--kernels", "--batch", "4"], "backprop bench-kernels: unknown option '--batch'"),
        (["bench", "--train", "digits", "--recipe", "nope"], "backprop bench-train: --recipe: 'nope' is not one of nielsen-ch1"),
        (["bench-train", "--data", "iris"], "--data iris: 4 features and 3 classes do not fit the recipe's 784-100-10"),
        (["check", "--engine", "student", "--threads", "2"], "backprop exercises: unknown option '--threads'"),
        (["check", "--exercise", "3"], "backprop check: unknown option '--exercise'"),
        (["train", "--recipe", "nielsen-ch9"], "--recipe: 'nielsen-ch9' is not one of"),
        (["train", "--data", "digits", "--scaling", "unit"], "--scaling unit"),
    ])
    func usage(_ arguments: [String], _ message: String) {
        let result = runCommand(arguments)
        #expect(result.code == 2, "\(result.err)")
        #expect(result.err.contains(message), "\(result.err)")
        #expect(result.err.split(separator: "\n").count == 1)
    }
}
