import Foundation
import Testing
@testable import Backprop
import TestSupport
@testable import BackpropCommands

@Suite("backprop train and evaluate", .serialized)
struct TrainCommandTests {
    @Test("--engine both trains twice from one seed: identical weights, the speedup printed")
    func bothEngines() {
        let result = runCommand(["train", "--data", "iris", "--epochs", "3", "--engine", "both", "--net", "4-6-3"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("loop engine\n") && result.out.contains("batch engine\n"))
        #expect(result.out.contains("final weights bitwise identical: yes"))
        #expect(result.out.contains("test accuracy") && result.out.contains("weights checksum"))
    }

    @Test("--engine both with engines that differ says NO, and exits 1", arguments: ["double", "float"])
    func bothEnginesDiffer(_ precision: String) {
        let result = runCommand(["train", "--data", "iris", "--epochs", "2", "--engine", "both", "--net", "4-6-3",
                                 "--precision", precision], engines: .faultyPerMille)
        #expect(result.code == 1)
        #expect(result.out.contains("final weights bitwise identical: NO"))
        #expect(result.err.contains("the two engines' final weights differ"))
    }

    @Test("a CSV that starts with a byte-order mark trains, plain and gzipped", arguments: [false, true])
    func byteOrderMark(_ compressed: Bool) throws {
        let rows = (0..<40).map { i in "\(Double(i % 7) / 7),\(Double(i % 5) / 5),\(i % 2)" }
        let bytes = Array(("\u{FEFF}" + rows.joined(separator: "\n") + "\n").utf8)
        let path = try temporaryDirectory().appendingPathComponent(compressed ? "bom.csv.gz" : "bom.csv").path
        try Data(compressed ? GzipFixture.stored(bytes) : bytes).write(to: URL(fileURLWithPath: path))
        let result = runCommand(["train", "--data", "csv:\(path)", "--epochs", "1", "--net", "2-3-2"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("test accuracy"))
    }

    @Test("save, then evaluate on the recorded test split: the same accuracy")
    func saveAndEvaluate() throws {
        let path = try temporaryDirectory().appendingPathComponent("digits.json").path
        let trained = runCommand(["train", "--data", "digits", "--epochs", "2", "--save", path])
        #expect(trained.code == 0, "\(trained.err)")
        let accuracy = try #require(trained.out.split(separator: "\n").last { $0.hasPrefix("test accuracy") })
            .split(separator: " ")[2]
        let evaluated = runCommand(["evaluate", "--network", path])
        #expect(evaluated.code == 0, "\(evaluated.err)")
        #expect(evaluated.out.contains("accuracy \(accuracy)"), "\(evaluated.out)")
        #expect(evaluated.out.contains("confusion matrix") && evaluated.out.contains("the test split"))
        let file = try String(contentsOfFile: path, encoding: .utf8)
        #expect(file.contains("\"normalization\"") && file.contains("\"test_fraction\""))
    }

    @Test("CSV, MNIST IDX and .npy files written by the test train end to end")
    func loaders() throws {
        let directory = try temporaryDirectory()
        // CSV: two separable classes.
        var csv = "f1,f2,label\n"
        for i in 0..<40 { csv += "\(Double(i % 2) * 3 + Double(i % 7) / 10),\(Double(i % 5) / 5),\(i % 2)\n" }
        let csvPath = directory.appendingPathComponent("data.csv").path
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
        let fromCSV = runCommand(["train", "--data", "csv:\(csvPath)", "--header", "--epochs", "2", "--net", "2-4-2"])
        #expect(fromCSV.code == 0, "\(fromCSV.err)")
        // MNIST IDX: the four standard files, tiny.
        let mnist = directory.appendingPathComponent("mnist")
        try FileManager.default.createDirectory(at: mnist, withIntermediateDirectories: true)
        func idx(_ count: Int, images: Bool) -> Data {
            var bytes: [UInt8] = images ? [0, 0, 8, 3, 0, 0, 0, UInt8(count), 0, 0, 0, 2, 0, 0, 0, 2] : [0, 0, 8, 1, 0, 0, 0, UInt8(count)]
            for i in 0..<count { bytes += images ? [UInt8(i % 2 * 200), 10, UInt8(i * 3 % 256), 40] : [UInt8(i % 2)] }
            return Data(bytes)
        }
        try idx(20, images: true).write(to: mnist.appendingPathComponent("train-images-idx3-ubyte"))
        try idx(20, images: false).write(to: mnist.appendingPathComponent("train-labels-idx1-ubyte"))
        try idx(6, images: true).write(to: mnist.appendingPathComponent("t10k-images-idx3-ubyte"))
        try idx(6, images: false).write(to: mnist.appendingPathComponent("t10k-labels-idx1-ubyte"))
        let fromIDX = runCommand(["train", "--data", "mnist:\(mnist.path)", "--epochs", "2"])
        #expect(fromIDX.code == 0, "\(fromIDX.err)")
        #expect(fromIDX.out.contains("20 training examples, 6 test examples") && fromIDX.out.contains("4-32-2"))
        // .npy: float32 features and uint8 labels.
        let features = NPYWriter.encode((0..<30).map { Double($0 % 4) }, shape: [10, 3], dtype: .float32)
        let labels = NPYWriter.encode((0..<10).map { Double($0 % 2) }, shape: [10], dtype: .uint8)
        let x = directory.appendingPathComponent("x.npy"), y = directory.appendingPathComponent("y.npy")
        try Data(features).write(to: x)
        try Data(labels).write(to: y)
        let fromNPY = runCommand(["train", "--data", "npy:\(x.path),\(y.path)", "--epochs", "2"])
        #expect(fromNPY.code == 0, "\(fromNPY.err)")
    }

    @Test("a diverging run names the epoch, exits 1 and saves only finite weights")
    func divergence() throws {
        let path = try temporaryDirectory().appendingPathComponent("diverged.json").path
        let result = runCommand(["train", "--data", "iris", "--net", "4-5-3", "--hidden", "identity", "--output", "identity",
                                 "--lr", "50", "--epochs", "20", "--save", path])
        #expect(result.code == 1)
        #expect(result.err.contains("training diverged in epoch"))
        let network = try Network<Double>(jsonData: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(network.layers.allSatisfy { $0.weights.isFinite })
    }

    @Test("usage errors", arguments: [
        (["train", "--data", "cifar"], "--data: 'cifar' is not digits, iris"),
        (["train", "--net", "10-5-10"], "the data has 64 features, so h_0 must be 64"),
        (["train", "--net", "64-5-3"], "the data has 10 classes, so h_L must be at least 10"),
        (["train", "--save", "/no/such/dir/net.json"], "--save /no/such/dir/net.json: the directory '/no/such/dir' does not exist"),
        (["train", "--engine", "gpu"], "--engine: 'gpu' is not one of loop, batch, both"),
        (["train", "--lr", "-1"], "--lr: -1 is out of range"),
        (["train", "--header"], "--label-column and --header apply to --data csv:FILE only"),
        (["evaluate"], "--network FILE is required"),
    ])
    func usage(_ arguments: [String], _ message: String) {
        let result = runCommand(arguments)
        #expect(result.code == 2)
        #expect(result.err.contains(message), "\(result.err)")
    }
}
