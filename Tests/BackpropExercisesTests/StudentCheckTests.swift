import ExerciseSolutions
import Foundation
import Testing
@testable import Backprop
import TestSupport
import BackpropExercises

/// A student's engine in the batch form, written with the library's matrix products, that can make each mistake of
/// a whole engine on purpose (and, with `reverseExamples`, be correct but sum the examples in another order).
struct MistakenEngine: BackpropEngine {
    var mistake: Mistake?
    var reverseExamples = false
    var name: String { mistake.map { "student making \($0.rawValue)" } ?? "student summing backwards" }

    func computeGradients(of network: Network<Double>, inputs x: Matrix<Double>, targets y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let product = MatrixMultiplier<Double>()
        let depth = network.layerCount, m = x.rows
        var inputs = x, targets = y
        if reverseExamples {
            inputs = Matrix((0..<m).reversed().map { x.row($0) })
            targets = Matrix((0..<m).reversed().map { y.row($0) })
        }
        // Forward: Z = A W (+ b), A = σ(Z).
        var a = [inputs], z = [inputs]
        for l in 1...depth {
            var zl = product.product(a[l - 1], network.layers[l - 1].weights)
            if mistake != .missingBias {
                for i in 0..<m { for j in 0..<zl.columns { zl[i, j] += network.layers[l - 1].biases[j] } }
            }
            z.append(zl)
            var al = zl
            for i in 0..<m {
                let row = l < depth ? zl.row(i).map { network.hidden.value($0) } : network.output.activation(zl.row(i))
                for j in 0..<zl.columns { al[i, j] = row[j] }
            }
            a.append(al)
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: z[depth].row(i), activation: a[depth].row(i), target: targets.row(i)) }
        // Δᴸ.
        var delta = Matrix<Double>(rows: m, columns: network.outputCount)
        for i in 0..<m {
            for j in 0..<delta.columns {
                var d = a[depth][i, j] - targets[i, j]
                if mistake == .extraDerivativeAtOutput { d *= a[depth][i, j] * (1 - a[depth][i, j]) }
                delta[i, j] = d
            }
        }
        func sigmaPrime(_ l: Int, _ i: Int, _ j: Int) -> Double {
            switch mistake {
            case .derivativeOfActivation: network.hidden.derivative(fromActivation: network.hidden.value(a[l][i, j]))
            case .derivativeFromPreActivation: network.hidden.derivative(fromActivation: z[l][i, j])
            default: network.hidden.derivative(fromActivation: a[l][i, j])
            }
        }
        var weights = network.layers.map(\.weights)
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: depth, through: 1, by: -1) {
            // The shape-dependent mistakes go unnoticed (by the compiler, by a crash) only on square layers.
            let square = network.sizes[l - 1] == network.sizes[l]
            let input = mistake == .activationInsteadOfInput && square ? a[l] : a[l - 1]
            var dW = product.product(input, transposed: true, delta)
            if mistake != .missingMean { dW.elements = dW.elements.map { $0 / Double(m) } }
            var db: [Double]
            if mistake == .biasSummedOverUnits {
                db = (0..<m).map { delta.row($0).reduce(0, +) / Double(m) }
            } else {
                db = (0..<delta.columns).map { j in (0..<m).reduce(0.0) { $0 + delta[$1, j] } }
                if mistake != .missingMean { db = db.map { $0 / Double(m) } }
            }
            var parameters = LayerParameters(weights: dW, biases: Array(repeating: 0, count: dW.columns))
            parameters.biases = db
            layers.insert(parameters, at: 0)
            guard l > 1 else { break }
            if mistake == .weightsUpdatedDuringBackprop {
                for index in weights[l - 1].elements.indices { weights[l - 1].elements[index] -= 0.7 * dW.elements[index] }
            }
            let back = mistake == .untransposedWeights && square
                ? product.product(delta, weights[l - 1])                    // Δ Wˡ: the mistake (fits a square layer)
                : product.product(delta, transposed: false, weights[l - 1], transposed: true)  // Δ (Wˡ)ᵀ
            delta = back
            for i in 0..<m { for j in 0..<delta.columns { delta[i, j] *= sigmaPrime(l - 1, i, j) } }
        }
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}

/// Runs `step` of `submission` as the child process would, in this process (the submissions here never trap), and
/// returns the checker's verdict.
func studentVerdict(_ submission: StudentSubmission, _ step: StudentCheck.Step) -> StepVerdict {
    var lines: [String] = []
    StudentCheck.runChild(step, submission) { lines.append($0) }
    let records = lines.compactMap { try? JSONDecoder().decode(StudentCheck.Record.self, from: Data($0.utf8)) }
    #expect(records.count == lines.count, "every report line decodes")
    return StudentCheck.verdict(step, records: records, crash: nil, scenarios: StudentCheck.scenarios())
}

/// The solution's steps, with the engine `make` makes as the composed engine.
func submission(engine make: @escaping @Sendable () -> AnyBackpropEngine<Double>) -> StudentSubmission {
    var submission = Solutions.submission
    submission.batchEngine = { _ in make() }
    return submission
}

@Suite("The student checker")
struct StudentCheckTests {
    @Test("the reference steps, composed, give the library's gradients to the last bit",
          arguments: [[4, 4, 4, 4], [6, 5, 3], [5, 7, 6, 3], [3, 9, 1]], [Activation.sigmoid, .tanh, .relu])
    func referenceIsTheLibrary(_ sizes: [Int], _ hidden: Activation) throws {
        let output: OutputLayer = sizes.last! == 1 ? .sigmoidCrossEntropy : .softmaxCrossEntropy
        let network = try Network<Double>(sizes: sizes, hidden: hidden, output: output, initialization: .xavier, seed: 5)
        let batch = Batch.synthetic(for: network, examples: 7, seed: 6)
        let engine = Solutions.BatchEngine(steps: .reference)
        expectIdentical(try engine.gradients(of: network, inputs: batch.inputs, targets: batch.targets),
                        try LoopEngine<Double>().gradients(of: network, inputs: batch.inputs, targets: batch.targets),
                        "reference steps vs loop engine")
    }

    @Test("every step of the solution passes; the bitwise solution is identical", arguments: StudentCheck.Step.allCases)
    func solutions(_ step: StudentCheck.Step) {
        #expect(studentVerdict(Solutions.submission, step).kind.passed)
        let bitwise = studentVerdict(Bitwise.submission(), step)
        #expect(bitwise.kind == .identical, "\(bitwise.diagnosis)")
    }

    @Test("the steps not written yet name their exercise")
    func notWritten() {
        var submission = Solutions.submission
        submission.steps.hiddenError = { _, _, _, _ in throw NotWrittenYet(exercise: 5, step: "hidden error") }
        let verdict = studentVerdict(submission, .hiddenError)
        #expect(verdict.kind == .notWritten && verdict.diagnosis.joined().contains("exercise 5"))
    }

    /// The mistakes a whole engine can make that `MistakenEngine` makes.
    static let wholeEngineMistakes: [Mistake] = [
        .missingMean, .biasSummedOverUnits, .derivativeOfActivation, .derivativeFromPreActivation,
        .extraDerivativeAtOutput, .untransposedWeights, .activationInsteadOfInput, .missingBias,
        .weightsUpdatedDuringBackprop,
    ]

    @Test("each mistake of a whole engine is recognised", arguments: wholeEngineMistakes)
    func engineMistakes(_ mistake: Mistake) {
        let verdict = studentVerdict(submission(engine: { AnyBackpropEngine(MistakenEngine(mistake: mistake)) }), .batchEngine)
        #expect(verdict.kind == .wrong, "\(verdict.diagnosis)")
        let said = verdict.diagnosis.joined(separator: " ")
        #expect(said.contains(mistake.explanation) || (mistake == .biasSummedOverUnits && said.contains("over the units")),
                "\(mistake): \(said)")
    }

    @Test("a correct engine that sums the examples in another order passes, with its ULPs")
    func reordered() {
        let verdict = studentVerdict(submission(engine: { AnyBackpropEngine(MistakenEngine(mistake: nil, reverseExamples: true)) }), .batchEngine)
        #expect(verdict.kind == .withinRounding && (verdict.maximumULPs ?? 0) > 0, "\(verdict.diagnosis)")
    }

    @Test("the library's engine as the student's is identical to the last bit")
    func libraryEngine() {
        #expect(studentVerdict(submission(engine: { AnyBackpropEngine(BatchEngine<Double>()) }), .batchEngine).kind == .identical)
    }

    @Test("an engine that throws is reported with its message")
    func throwing() {
        struct Unfinished: BackpropEngine, Sendable {
            let name = "unfinished"
            func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                                  into gradients: inout Gradients<Double>) throws {
                throw BackpropError("something went wrong")
            }
        }
        let verdict = studentVerdict(submission(engine: { AnyBackpropEngine(Unfinished()) }), .batchEngine)
        #expect(verdict.kind == .threw && verdict.message == "something went wrong")
    }

    @Test("a transposed ∂W is named as such")
    func transposedShape() {
        struct Transposing: BackpropEngine, Sendable {
            let name = "transposing"
            func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                                  into gradients: inout Gradients<Double>) throws {
                try LoopEngine<Double>().computeGradients(of: network, inputs: inputs, targets: targets, into: &gradients)
                gradients.layers[0].weights = gradients.layers[0].weights.transposed
            }
        }
        let verdict = studentVerdict(submission(engine: { AnyBackpropEngine(Transposing()) }), .batchEngine)
        // On the square first scenario the shapes cannot tell: the values are read as a transpose.
        #expect(verdict.kind == .wrong && verdict.diagnosis.joined().contains("transpose of the right one"), "\(verdict.diagnosis)")
    }

    @Test("every wrong submission that does not trap is rejected at its step, the others pass it",
          arguments: WrongSubmissions.all.filter { !$0.traps })
    func catalogue(_ wrong: WrongSubmission) {
        // The engine runs only on right steps, as the command runs it: with a wrong step it may trap on its shapes.
        for step in StudentCheck.Step.allCases where step != .batchEngine || wrong.step == .batchEngine {
            let verdict = studentVerdict(wrong.submission, step)
            if step == wrong.step {
                #expect(!verdict.kind.passed, "\(wrong.name): \(step.rawValue) passed")
                if let words = wrong.diagnosis {
                    #expect(verdict.diagnosis.joined(separator: " ").lowercased().contains(words.lowercased()),
                            "\(wrong.name): \(verdict.diagnosis)")
                }
            } else if step != .batchEngine {
                #expect(verdict.kind.passed, "\(wrong.name): \(step.rawValue) \(verdict.kind) \(verdict.diagnosis)")
            }
        }
    }
}

@Suite("The scenarios: each built to expose a kind of slip")
struct ScenarioTests {
    @Test("one scenario's batch has rows whose largest logits are more than 745 apart, finite for the reference")
    func rowsOfDifferentScale() throws {
        let scenarios = StudentCheck.scenarios()
        let spread = scenarios.map { scenario -> Double in
            let z = MatrixForm.pass(scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
                .z[scenario.network.layerCount]
            let tops = (0..<z.rows).map { z.row($0).max()! }
            return tops.max()! - tops.min()!
        }
        // Shifted by the batch's largest logit, some row's exponentials are all e^(−746) or less: 0, and 0/0.
        let wide = try #require(spread.firstIndex { $0 > 746 })
        let scenario = scenarios[wide]
        let pass = MatrixForm.pass(scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
        #expect(pass.gradients.loss.isFinite)
        #expect(pass.gradients.layers.allSatisfy { $0.weights.elements.allSatisfy(\.isFinite) && $0.biases.allSatisfy(\.isFinite) })
    }

    @Test("scenarios 10 and 11 change one input of scenario 1 at a time: the targets, then the weights")
    func oneInputAtATime() {
        let s = StudentCheck.scenarios()
        #expect(s[9].batch.inputs.elements == s[0].batch.inputs.elements)
        #expect(zip(s[9].batch.targets.elements, s[0].batch.targets.elements).contains { $0 != $1 })
        for row in 0..<s[0].examples { #expect(s[9].batch.targets.row(row) != s[0].batch.targets.row(row)) }
        #expect(s[10].batch.inputs.elements == s[0].batch.inputs.elements)
        #expect(s[10].batch.targets.elements == s[0].batch.targets.elements)
        #expect(zip(s[10].network.layers, s[0].network.layers).allSatisfy { $0.weights.elements != $1.weights.elements })
    }
}
