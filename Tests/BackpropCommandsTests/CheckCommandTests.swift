import Foundation
import Testing
@testable import Backprop
import TestSupport
@testable import BackpropCommands
import BackpropBenchmarks

/// A test-only engine that is wrong on purpose: the batch engine's result with one entry nudged by one ULP.
struct FaultyEngine<Scalar: BackpropScalar>: BackpropEngine {
    let name = "faulty"
    var perMille = false
    func computeGradients(of network: Network<Scalar>, inputs: Matrix<Scalar>, targets: Matrix<Scalar>,
                          into gradients: inout Gradients<Scalar>) throws {
        try BatchEngine<Scalar>().computeGradients(of: network, inputs: inputs, targets: targets, into: &gradients)
        let g = gradients.layers[0].weights.elements[5]
        gradients.layers[0].weights.elements[5] = perMille ? g * 1.001 + 1e-3 : g.nextUp
    }
}

/// The library's loop engine beside a batch engine one ULP off in one element of ∂W¹, in either precision; or, with
/// `perMille`, off by a thousandth there (enough to survive an SGD step's rounding).
struct FaultyEngines: EngineFactory {
    var perMille = false

    func engines<T: BackpropScalar>(_: T.Type, pool: WorkerPool?) -> (loop: AnyBackpropEngine<T>, batch: AnyBackpropEngine<T>) {
        (AnyBackpropEngine(LoopEngine<T>()), AnyBackpropEngine(FaultyEngine<T>(perMille: perMille)))
    }
}

extension CommandEngines {
    /// The library's engines with the batch engine one ULP off (`FaultyEngines`).
    static var faulty: CommandEngines { CommandEngines(factory: FaultyEngines(), student: CommandEngines.library.student) }
    /// The library's engines with the batch engine a thousandth off in one element.
    static var faultyPerMille: CommandEngines {
        CommandEngines(factory: FaultyEngines(perMille: true), student: CommandEngines.library.student)
    }
}

@Suite("backprop check", .serialized)
struct CheckCommandTests {
    @Test("a small network passes: both engines identical and within 1e-7 of finite differences")
    func passes() {
        let result = runCommand(["check", "--net", "5-7-3", "--batch", "9", "--fd-samples", "0"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("PASS"))
        #expect(result.out.components(separatedBy: "bitwise identical").count - 1 == 6)  // loss, 4 gradients, verdict
        #expect(result.err.isEmpty)
    }

    @Test("float, relu, other pairings and two threads pass too", arguments: [
        ["--precision", "float", "--net", "6-5-4"],
        ["--hidden", "relu", "--output", "sigmoid", "--net", "4-8-8-2"],
        ["--hidden", "tanh", "--output", "identity", "--net", "3-5-2", "--threads", "2"],
        ["--output", "sigmoid", "--loss", "squared-error", "--net", "3-4-2", "--init", "he"],
    ])
    func variants(_ flags: [String]) {
        let result = runCommand(["check", "--batch", "5"] + flags)
        #expect(result.code == 0, "\(result.out)\(result.err)")
    }

    @Test("an engine that is one ULP off makes the check fail with exit 1, naming the first difference",
          arguments: ["double", "float"])
    func faultInjected(_ precision: String) {
        let result = runCommand(["check", "--net", "4-6-3", "--batch", "5", "--precision", precision], engines: .faulty)
        #expect(result.code == 1)
        #expect(result.out.contains("FAIL: the engines' gradients are not bitwise identical"))
        #expect(result.out.contains("1/24 differ, ≤ 1 ULP") && result.out.contains("first at [0, 5]"))
    }

    @Test("check prints what backpropagation saves: its time against four forward passes per parameter")
    func cost() {
        let result = runCommand(["check", "--net", "784-30-10", "--batch", "4", "--fd-samples", "2"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("cost of the gradients of all 23,860 parameters:"))
        #expect(result.out.contains("times one forward pass") && result.out.contains("95,440 in all"), "\(result.out)")
    }

    @Test("--export writes the network, the batch and both engines' gradients")
    func export() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("check.json").path
        let result = runCommand(["check", "--net", "3-4-2", "--batch", "2", "--export", path])
        #expect(result.code == 0)
        let document = try JSONDecoder().decode(CheckDocument<Double>.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(document.engines.map(\.name) == ["loop", "batch"])
        #expect(document.inputs.count == 2 && document.inputs[0].count == 3)
        #expect(document.engines[0].layers[1].weights.count == 4)
        #expect(try document.network.network().sizes == [3, 4, 2])
    }

    @Test("a saved network is checked in its own precision")
    func networkFile() throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("net.json").path
        let network = try Network<Float>(sizes: [3, 5, 2], hidden: .tanh, output: .sigmoidCrossEntropy, seed: 4)
        try network.jsonData().write(to: URL(fileURLWithPath: path))
        let result = runCommand(["check", "--network", path, "--batch", "4"])
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("float precision") && result.out.contains("from \(path)"))
        #expect(runCommand(["check", "--network", path, "--precision", "double"]).code == 2)
        #expect(runCommand(["check", "--network", path, "--net", "3-3"]).code == 2)
    }

    struct BadInput: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        var code: Int32
        var message: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let badInputs: [BadInput] = [
        BadInput(arguments: ["--hidden", "swish"], code: 2, message: "--hidden: 'swish' is not one of sigmoid, tanh, relu, identity"),
        BadInput(arguments: ["--net", "784"], code: 2, message: "--net: '784' has one size"),
        BadInput(arguments: ["--batch", "0"], code: 2, message: "--batch: expected a positive integer, got '0'"),
        BadInput(arguments: ["--batch", "many"], code: 2, message: "--batch: expected an integer, got 'many'"),
        BadInput(arguments: ["--net", "5-0-3"], code: 2, message: "'0' in '5-0-3' is not a positive integer"),
        BadInput(arguments: ["--output", "softmax", "--loss", "squared-error"], code: 2, message: "not supported"),
        BadInput(arguments: ["--net", "3-1", "--output", "softmax"], code: 2, message: "softmax output needs at least 2 classes"),
        BadInput(arguments: ["--bach", "3"], code: 2, message: "unknown option '--bach' (did you mean --batch?)"),
        BadInput(arguments: ["--batch"], code: 2, message: "--batch needs a value"),
        BadInput(arguments: ["stray"], code: 2, message: "unexpected argument 'stray'"),
        BadInput(arguments: ["--network", "/no/such/file.json"], code: 1, message: "cannot read '/no/such/file.json': no such file"),
        BadInput(arguments: ["--net", "99999-99999-99999", "--batch", "9999999"], code: 2, message: "of memory but only"),
    ]

    @Test("bad input: one line, exit 2 for usage and 1 for data, no crash", arguments: badInputs)
    func badInput(_ bad: BadInput) throws {
        let result = try runProcess(["check"] + bad.arguments)
        #expect(!result.signaled)
        #expect(result.code == bad.code)
        #expect(result.err.contains(bad.message), "stderr: \(result.err)")
        #expect(result.err.split(separator: "\n").count == 1 && result.out.isEmpty)
    }

    @Test("malformed and inconsistent network files are data errors (exit 1)", arguments: [
        ("{\"format\": \"backprop-network\"", "unexpected end of file"),
        ("{\"format\": \"backprop-network\", \"version\": 1, \"precision\": \"double\", \"sizes\": [2, 2], \"hidden\": \"relu\", \"output\": \"softmax\", \"loss\": \"cross-entropy\", \"layers\": [{\"weights\": [[1, 2]], \"biases\": [0, 0]}]}", "layers[0].weights has 1 rows; W1 needs h_0 = 2"),
    ])
    func malformedFiles(_ text: String, _ message: String) throws {
        let directory = try temporaryDirectory()
        let path = directory.appendingPathComponent("bad.json").path
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let result = try runProcess(["check", "--network", path])
        #expect(!result.signaled && result.code == 1)
        #expect(result.err.contains("backprop check: line") || result.err.contains(message), "\(result.err)")
        #expect(result.err.contains(message))
    }

    @Test("help and unknown commands")
    func help() {
        #expect(runCommand(["help"]).out.contains("check"))
        #expect(runCommand(["check", "--help"]).out.contains("--fd-samples"))
        let unknown = runCommand(["chek"])
        #expect(unknown.code == 2 && unknown.err.contains("did you mean 'check'?"))
        #expect(runCommand([]).code == 2)
    }
}
