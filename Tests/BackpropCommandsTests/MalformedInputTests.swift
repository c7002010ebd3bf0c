import Foundation
import Testing
@testable import Backprop
import TestSupport

/// A malformed input: files to write in a scratch directory, the command (with `{dir}` for that directory), the
/// exit code (2: usage, 1: data) and a part of the one-line message that names the problem.
struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var files: [String: [UInt8]] = [:]
    var arguments: [String]
    var code: Int32
    var message: String
    var testDescription: String { name }
}

private func text(_ string: String) -> [UInt8] { Array(string.utf8) }
private let network = #"{"format": "backprop-network", "version": 1, "precision": "double", "sizes": [3, 2], "hidden": "sigmoid", "output": "softmax", "loss": "cross-entropy", "layers": [{"weights": [[1, 2], [3, 4], [5, 6]], "biases": [0, 1]}]}"#
private func networkWith(_ from: String, _ to: String) -> [UInt8] { text(network.replacingOccurrences(of: from, with: to)) }
private func idx(_ magic: [UInt8], _ dimensions: [UInt32], _ data: [UInt8]) -> [UInt8] {
    magic + dimensions.flatMap { [UInt8($0 >> 24), UInt8($0 >> 16 & 0xFF), UInt8($0 >> 8 & 0xFF), UInt8($0 & 0xFF)] } + data
}
private let goodImages = idx([0, 0, 8, 3], [4, 2, 2], [UInt8](repeating: 7, count: 16))
private let goodLabels = idx([0, 0, 8, 1], [4], [0, 1, 0, 1])
private func mnist(images: [UInt8] = goodImages, labels: [UInt8] = goodLabels) -> [String: [UInt8]] {
    ["m/train-images-idx3-ubyte": images, "m/train-labels-idx1-ubyte": labels,
     "m/t10k-images-idx3-ubyte": goodImages, "m/t10k-labels-idx1-ubyte": goodLabels]
}
private let goodX = NPYWriter.encode([1, 2, 3, 4, 5, 6], shape: [3, 2], dtype: .float64)
private let goodY = NPYWriter.encode([0, 1, 0], shape: [3], dtype: .int64)
private func npyCase(_ name: String, x: [UInt8] = goodX, y: [UInt8] = goodY, message: String) -> MalformedCase {
    MalformedCase(name: "npy: " + name, files: ["x.npy": x, "y.npy": y],
                  arguments: ["train", "--data", "npy:{dir}/x.npy,{dir}/y.npy", "--epochs", "1"], code: 1, message: message)
}
private func csvCase(_ name: String, _ content: String, message: String, extra: [String] = []) -> MalformedCase {
    MalformedCase(name: "csv: " + name, files: ["d.csv": text(content)],
                  arguments: ["train", "--data", "csv:{dir}/d.csv", "--epochs", "1"] + extra, code: 1, message: message)
}
private func jsonCase(_ name: String, _ bytes: [UInt8], message: String) -> MalformedCase {
    MalformedCase(name: "json: " + name, files: ["n.json": bytes], arguments: ["check", "--network", "{dir}/n.json"], code: 1, message: message)
}

@Suite("Malformed input: one line, the right exit code, never a crash")
struct MalformedInputTests {
    static let cases: [MalformedCase] = [
        jsonCase("empty file", [], message: "line 1, column 1: the file is empty"),
        jsonCase("truncated", Array(text(network).prefix(40)), message: "unexpected end of file"),
        jsonCase("binary garbage", [0xFF, 0x00, 0x13], message: "line 1, column 1: unexpected byte 0xFF"),
        jsonCase("wrong format name", networkWith("backprop-network", "keras-h5"), message: "\"format\" is \"keras-h5\""),
        jsonCase("duplicate key", networkWith(#""version": 1"#, #""version": 1, "version": 1"#), message: "duplicate key \"version\""),
        jsonCase("missing key", networkWith(#""loss": "cross-entropy", "#, ""), message: "missing key \"loss\""),
        jsonCase("unknown key", networkWith(#""hidden""#, #""activation""#), message: "unknown key \"activation\""),
        jsonCase("a string for a number", networkWith("[1, 2]", "[1, \"2\"]"), message: "layers[0].weights[0][1]: expected a number"),
        jsonCase("ragged weights", networkWith("[3, 4]", "[3]"), message: "layers[0].weights[1] has 1 numbers"),
        jsonCase("negative size", networkWith("[3, 2]", "[-3, 2]"), message: "h_0 is -3"),
        jsonCase("huge size", networkWith("[3, 2]", "[3, 99999999999]"), message: "layers[0].weights[0] has 2 numbers"),
        jsonCase("number overflow", networkWith("[5, 6]", "[5, 1e400]"), message: "the number 1e400 is too large for a Double"),
        jsonCase("too few layers", networkWith("[3, 2]", "[3, 4, 2]"), message: "\"layers\" has 1 entries"),
        jsonCase("float out of range", text(network.replacingOccurrences(of: "double", with: "float").replacingOccurrences(of: "[5, 6]", with: "[5, 1e300]")), message: "layers[0].weights[2][1] = 1e+300 is out of range for float"),
        jsonCase("deep nesting", text(String(repeating: "[", count: 500)), message: "nested deeper than 64 levels"),
        jsonCase("normalisation of the wrong size", networkWith(#""layers""#, #""normalization": {"mean": [0], "scale": [1]}, "layers""#), message: "\"normalization\" has 1 means"),

        csvCase("empty", "", message: "no examples"),
        csvCase("only a header", "a,b,label\n", message: "no examples", extra: ["--header"]),
        csvCase("ragged rows", "1,2,0\n3,1\n", message: "line 2: 2 fields, but earlier lines have 3"),
        csvCase("not a number", "1,abc,0\n2,3,1\n", message: "line 1, column 2: 'abc' is not a number"),
        csvCase("NaN", "1,2,0\nnan,3,1\n", message: "line 2, column 1: 'nan' is not a finite number"),
        csvCase("infinity", "1,2,0\n-inf,3,1\n", message: "line 2, column 1: '-inf' is not a finite number"),
        csvCase("negative label", "1,2,0\n3,4,-2\n", message: "line 2, column 3: label '-2' is not a non-negative integer"),
        csvCase("fractional label", "1,2,0.5\n3,4,1\n", message: "line 1, column 3: label '0.5'"),
        csvCase("a single class", "1,2,0\n3,4,0\n", message: "at least 2 classes"),
        csvCase("no such label column", "1,2,0\n3,4,1\n", message: "line 1: there is no column 9", extra: ["--label-column", "9"]),
        MalformedCase(name: "csv: missing file", arguments: ["train", "--data", "csv:{dir}/none.csv"], code: 1, message: "cannot read '"),
        MalformedCase(name: "csv: a directory", files: ["sub/x": [1]], arguments: ["train", "--data", "csv:{dir}/sub"], code: 1, message: "it is a directory"),

        MalformedCase(name: "idx: missing files", arguments: ["train", "--data", "mnist:{dir}"], code: 1, message: "train-images-idx3-ubyte': no such file"),
        MalformedCase(name: "idx: wrong magic", files: mnist(images: [1] + Array(goodImages.dropFirst())), arguments: ["train", "--data", "mnist:{dir}/m"], code: 1, message: "byte 0: magic number starts 01 00"),
        MalformedCase(name: "idx: header larger than the file", files: mnist(images: idx([0, 0, 8, 3], [60000, 28, 28], [1, 2])), arguments: ["train", "--data", "mnist:{dir}/m"], code: 1, message: "the header says 60000×28×28 = 47040000 bytes of data but the file has 2"),
        MalformedCase(name: "idx: wrong number of dimensions", files: mnist(images: idx([0, 0, 8, 2], [4, 4], [UInt8](repeating: 0, count: 16))), arguments: ["train", "--data", "mnist:{dir}/m"], code: 1, message: "byte 3: 2 dimensions, expected 3"),
        MalformedCase(name: "idx: counts disagree", files: mnist(labels: idx([0, 0, 8, 1], [3], [0, 1, 0])), arguments: ["train", "--data", "mnist:{dir}/m"], code: 1, message: "has 4 images but train-labels-idx1-ubyte has 3 labels"),
        MalformedCase(name: "idx: gzip cut short", files: ["g/train-images-idx3-ubyte.gz": [0x1F, 0x8B]], arguments: ["train", "--data", "mnist:{dir}/g"], code: 1, message: "train-images-idx3-ubyte.gz: the gzip stream is truncated: it ends after 2 bytes"),
        MalformedCase(name: "idx: gzip corrupt", files: ["g/train-images-idx3-ubyte.gz": [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255, 0x07, 0, 0]], arguments: ["train", "--data", "fashion-mnist:{dir}/g"], code: 1, message: "train-images-idx3-ubyte.gz: not a valid gzip stream at byte 11: invalid block type"),
        MalformedCase(name: "idx: no data set in the folder", arguments: ["train", "--data", "fashion-mnist:{dir}"], code: 1, message: "train-images-idx3-ubyte"),
        MalformedCase(name: "idx: empty", files: mnist(images: []), arguments: ["train", "--data", "mnist:{dir}/m"], code: 1, message: "0 bytes is too short for an IDX header"),

        npyCase("wrong magic", x: [0x50, 0x4B, 3, 4, 0, 0, 0, 0, 0, 0], message: "byte 0: expected the magic \\x93NUMPY"),
        // '<f8' made '>f8' (the only 0x3C byte is in the header: 1.0 is 00…F0 3F).
        npyCase("big-endian", x: NPYWriter.encode([1], shape: [1, 1], dtype: .float64).map { $0 == 0x3C ? 0x3E : $0 }, message: "dtype >f8 is not supported"),
        npyCase("header past the end", x: [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59, 1, 0, 0xFF, 0xFF], message: "the header length 65535 runs past the end"),
        npyCase("truncated data", x: Array(goodX.dropLast(8)), message: "needs 48 bytes of data but the file has 40"),
        npyCase("three dimensions", x: NPYWriter.encode([1, 2, 3, 4, 5, 6, 7, 8], shape: [2, 2, 2], dtype: .float64), message: "expected 2 dimensions"),
        npyCase("NaN feature", x: NPYWriter.encode([1, 2, .nan, 4, 5, 6], shape: [3, 2], dtype: .float64), message: "element 2 (row 1, column 0) is nan"),
        npyCase("label count", y: NPYWriter.encode([0, 1], shape: [2], dtype: .int64), message: "has 3 examples but"),
        npyCase("fractional label", y: NPYWriter.encode([0, 0.5, 1], shape: [3], dtype: .float64), message: "labels must be non-negative whole numbers"),
        npyCase("empty file", x: [], message: "byte 0: expected the magic"),

        MalformedCase(name: "flag: --net with one size", arguments: ["check", "--net", "784"], code: 2, message: "--net: '784' has one size"),
        MalformedCase(name: "flag: --batch 0", arguments: ["check", "--batch", "0"], code: 2, message: "--batch: expected a positive integer, got '0'"),
        MalformedCase(name: "flag: --batch list", arguments: ["bench", "--batch", "1,x"], code: 2, message: "--batch: expected an integer, got 'x'"),
        MalformedCase(name: "flag: --epochs 0", arguments: ["train", "--epochs", "0"], code: 2, message: "--epochs: expected a positive integer"),
        MalformedCase(name: "flag: --lr nan", arguments: ["train", "--lr", "nan"], code: 2, message: "--lr: expected a number, got 'nan'"),
        MalformedCase(name: "flag: --threads 0", arguments: ["bench", "--threads", "0"], code: 2, message: "--threads: expected a positive integer"),
        MalformedCase(name: "flag: --seed -1", arguments: ["check", "--seed", "-1"], code: 2, message: "--seed: expected a non-negative integer seed"),
        MalformedCase(name: "flag: one npy file", arguments: ["train", "--data", "npy:{dir}/x.npy"], code: 2, message: "expected two files"),
        MalformedCase(name: "flag: empty mnist path", arguments: ["train", "--data", "mnist:"], code: 2, message: "needs a path after the colon"),
        MalformedCase(name: "flag: unknown data set", arguments: ["train", "--data", "cifar10"], code: 2, message: "--data: 'cifar10' is not"),
        MalformedCase(name: "flag: unknown command", arguments: ["trian"], code: 2, message: "unknown command 'trian' (did you mean 'train'?)"),
        MalformedCase(name: "flag: unknown activation", arguments: ["check", "--hidden", "gelu"], code: 2, message: "--hidden: 'gelu' is not one of"),
        MalformedCase(name: "flag: huge network", arguments: ["check", "--net", "9999999-9999999", "--batch", "9"], code: 2, message: "of memory but only"),
        MalformedCase(name: "data: network and data disagree", files: ["n.json": text(network)], arguments: ["evaluate", "--network", "{dir}/n.json", "--data", "digits"], code: 1, message: "the data has 64 features but the network takes 3 inputs"),
    ]

    @Test("a one-line message naming the problem, exit 2 for usage and 1 for data, no crash", arguments: cases)
    func malformed(_ bad: MalformedCase) throws {
        let directory = try temporaryDirectory()
        for (path, bytes) in bad.files {
            let url = directory.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(bytes).write(to: url)
        }
        let arguments = bad.arguments.map { $0.replacingOccurrences(of: "{dir}", with: directory.path) }
        let result = try runProcess(arguments)
        #expect(!result.signaled, "crashed: \(result.err)")
        #expect(result.code == bad.code, "exit \(result.code): \(result.err)")
        #expect(result.err.contains(bad.message), "stderr: \(result.err)")
        #expect(result.err.split(separator: "\n").count == 1, "not one line: \(result.err)")
    }

    @Test("the corpus covers every format and the flags with at least 40 cases")
    func size() {
        #expect(Self.cases.count >= 40)
        for prefix in ["json:", "csv:", "idx:", "npy:", "flag:"] {
            #expect(Self.cases.filter { $0.name.hasPrefix(prefix) }.count >= 5, "\(prefix)")
        }
    }
}
