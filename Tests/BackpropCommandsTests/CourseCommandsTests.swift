import Testing
@testable import Backprop
@testable import BackpropCommands

@Suite("Classroom commands: shapes, explain, check --engine student", .serialized)
struct CourseCommandsTests {
    @Test("shapes lists every quantity for one example and for m, in 80 columns")
    func shapes() {
        let result = runCommand(["shapes", "--net", "784-30-10", "--batch", "64"])
        #expect(result.code == 0)
        for expected in ["x, X      [784, 1]     [64, 784]", "W¹        [784, 30]    [784, 30]", "δ², Δ²    [10, 1]      [64, 10]",
                         "∂W¹ = (1/m)(A⁰)ᵀ Δ¹   [784, 64]·[64, 30]", "Δ¹ = (Δ² (W²)ᵀ) ∘ σ′   [64, 10]·[10, 30]"] {
            #expect(result.out.contains(expected), "missing: \(expected)")
        }
        #expect(result.out.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("explain matches every row of Δ to its example's δ and shows identical gradients", arguments: [
        ["--net", "2-3-2", "--batch", "3", "--seed", "1"], ["--net", "5-5-5-5", "--batch", "6", "--output", "sigmoid"],
        ["--net", "3-4-1", "--output", "identity", "--hidden", "relu"],
    ])
    func explain(_ flags: [String]) {
        let result = runCommand(["explain"] + flags)
        #expect(result.code == 0, "\(result.err)")
        #expect(result.out.contains("≡ example 0's δ") && !result.out.contains("≠"))
        #expect(result.out.contains("Every row of Δˡ is its example's δˡ"))
        #expect(result.out.split(separator: "\n").allSatisfy { $0.count <= 80 })
    }

    @Test("explain refuses layers too wide to print")
    func explainTooWide() {
        let result = runCommand(["explain", "--net", "784-30-10"])
        #expect(result.code == 2 && result.err.contains("keep every layer at 5 units or fewer"))
    }

    @Test("check --engine student passes the shipped engine, within rounding")
    func studentEngine() {
        let result = runCommand(["check", "--engine", "student", "--net", "6-5-4", "--batch", "4"])
        #expect(result.code == 0, "\(result.out)\(result.err)")
        #expect(result.out.contains("PASS: correct to rounding"))
        #expect(result.out.contains("loop vs student"))
    }

    @Test("check --engine student names a classic mistake and exits 1")
    func studentMistake() {
        var engines = CommandEngines.library
        engines.student = { AnyBackpropEngine(MistakeForTheCommand()) }
        let result = runCommand(["check", "--engine", "student", "--net", "6-5-4"], engines: engines)
        #expect(result.code == 1)
        #expect(result.out.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
            .contains("likely mistake: \(ClassicMistake.missingMeanScale.explanation)"))
    }
}

/// A student engine that forgets the 1/m (the library's batch engine's result times m).
struct MistakeForTheCommand: BackpropEngine {
    let name = "student"
    func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        try BatchEngine<Double>().computeGradients(of: network, inputs: inputs, targets: targets, into: &gradients)
        let m = Double(inputs.rows)
        for l in gradients.layers.indices {
            gradients.layers[l].weights.elements = gradients.layers[l].weights.elements.map { $0 * m }
            gradients.layers[l].biases = gradients.layers[l].biases.map { $0 * m }
        }
    }
}
