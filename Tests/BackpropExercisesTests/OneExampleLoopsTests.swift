import ExerciseSolutions
import Foundation
import Testing
import Backprop
@testable import BackpropExercises

/// One equation of the one-example step, for naming the parameterized tests.
struct ExampleStage: CustomTestStringConvertible, Sendable {
    var step: StudentCheck.Step
    var testDescription: String { StudentCheck.exampleStages.first { $0.step == step }!.equation }
}

@Suite("The one-example step's own loops, and the one slip that gives a student's gradients")
struct OneExampleLoopsTests {
    static let stages = StudentCheck.exampleStages.map { ExampleStage(step: $0.step) }

    /// Evidence of the one-example step as a student who makes `slip` in `stage` would leave it, and the first call
    /// whose answer is wrong (or stopped).
    static func evidence(stage: StudentCheck.Step, slip: StudentCheck.LoopNest.Slip)
        -> (StudentCheck.Evidence, StudentCheck.Call, StudentCheck.LoopPassOutcome)? {
        let scenarios = StudentCheck.scenarios()
        let evidence = StudentCheck.Evidence(step: .oneExample, scenarios: scenarios)
        var first: (StudentCheck.Call, StudentCheck.LoopPassOutcome)?
        for call in StudentCheck.calls(.oneExample, scenarios: scenarios) {
            let scenario = scenarios[call.scenario]
            let x = StudentCheck.exampleMatrix(scenario, call.index, targets: false)
            let y = StudentCheck.exampleMatrix(scenario, call.index, targets: true)
            let outcome = StudentCheck.loopPass(scenario.network, x: x, y: y, stage: stage, slip: slip)
            let right = MatrixForm.pass(scenario.network, inputs: x, targets: y).gradients
            switch outcome {
            case .gradients(let made):
                evidence.answers.append((call, .gradients(made)))
                if first == nil, !made.isClose(to: right) { first = (call, outcome) }
            case .stopped:
                evidence.stops.append(call)
                if first == nil { first = (call, outcome) }
            case .unmade:
                return nil
            }
        }
        return first.map { (evidence, $0.0, $0.1) }
    }

    @Test("the right loops give the reference gradients on every call")
    func rightLoops() throws {
        let scenarios = StudentCheck.scenarios()
        let none = StudentCheck.LoopNest.Slip(group: "none", apply: { _ in }, describe: { _ in "" })
        for stage in StudentCheck.exampleStages.map(\.step) {
            for call in StudentCheck.calls(.oneExample, scenarios: scenarios) {
                let scenario = scenarios[call.scenario]
                let x = StudentCheck.exampleMatrix(scenario, call.index, targets: false)
                let y = StudentCheck.exampleMatrix(scenario, call.index, targets: true)
                guard case .gradients(let made) = StudentCheck.loopPass(scenario.network, x: x, y: y, stage: stage, slip: none) else {
                    Issue.record("\(stage) \(call): the right loops did not run")
                    continue
                }
                #expect(made.isClose(to: MatrixForm.pass(scenario.network, inputs: x, targets: y).gradients), "\(stage) \(call)")
            }
        }
    }

    @Test("a slip made in every layer is named by its own words, or by none when another gives the same answers",
          arguments: stages)
    func everySlipNamedOrNone(_ stage: ExampleStage) throws {
        let scenarios = StudentCheck.scenarios()
        let scenario = scenarios[2]
        let pass = MatrixForm.pass(scenario.network, inputs: StudentCheck.exampleMatrix(scenario, 0, targets: false),
                                   targets: StudentCheck.exampleMatrix(scenario, 0, targets: true))
        let L = scenario.network.layerCount, w = scenario.network.layers[L - 1].weights
        let nest: StudentCheck.LoopNest? = switch stage.step {
        case .forward: StudentCheck.exampleNest(.forward, network: scenario.network, operands: [pass.a[L - 1], w],
                                                bias: scenario.network.layers[L - 1].biases, rows: 1, columns: w.columns)
        case .outputError: StudentCheck.exampleNest(.outputError, network: scenario.network,
                                                    operands: [pass.a[L], pass.a[L]], rows: 1, columns: w.columns)
        case .weightGradient: StudentCheck.exampleNest(.weightGradient, network: scenario.network,
                                                       operands: [pass.a[L - 1], pass.deltas[L]], rows: w.rows, columns: w.columns)
        case .biasGradient: StudentCheck.exampleNest(.biasGradient, network: scenario.network, operands: [pass.deltas[L]],
                                                     rows: 1, columns: w.columns)
        default: StudentCheck.exampleNest(.hiddenError, network: scenario.network,
                                          operands: [pass.deltas[L], w, pass.a[L - 1]], rows: 1, columns: w.rows)
        }
        let base = try #require(nest)
        let slips = base.slips
        #expect(slips.count >= 5)
        var named = 0, tried = 0
        for slip in slips {
            guard let (evidence, call, outcome) = Self.evidence(stage: stage.step, slip: slip) else { continue }
            tried += 1
            let got: Gradients<Double>? = if case .gradients(let g) = outcome { g } else { nil }
            let crash: StudentCheck.Crash? = switch outcome {
            case .stopped(.matrix(let rows, let columns, let row, let column, let write)):
                StudentCheck.Crash(timedOut: false, message: "Matrix [\(rows), \(columns)] has no element [\(row), \(column)]\(write ? " to store into" : "")")
            case .stopped(.array): StudentCheck.Crash(timedOut: false, message: "Fatal error: Index out of range")
            default: nil
            }
            guard let said = StudentCheck.exampleSlip(got, call: call, crash: crash, evidence: evidence) else { continue }
            // What it names, named on the failing call's own nest (its sizes are in the words).
            let own = slip.describe(base).prefix(30)
            #expect(said.contains(own), "\(stage.testDescription): made \(slip.describe(base)), told \(said)")
            named += 1
        }
        #expect(tried > 0 && named * 2 >= tried, "\(stage.testDescription): named \(named) of \(tried)")
    }

    /// Solutions.oneExample with one slip: the forward sum over k runs to h[l], the layer's own width, where
    /// h[l − 1] belongs.
    static func forwardSumToOwnWidth(_ network: Network<Double>, _ x: [Double], _ y: [Double]) -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for k in 0..<h[l] { zl[j] += W[k, j] * a[l - 1][k] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    @Test("a student's one-example step whose forward sum runs to the layer's own width is named")
    func forwardSumToOwnWidthNamed() throws {
        let scenarios = StudentCheck.scenarios()
        let evidence = StudentCheck.Evidence(step: .oneExample, scenarios: scenarios)
        var failing: (StudentCheck.Call, Gradients<Double>)?
        for call in StudentCheck.calls(.oneExample, scenarios: scenarios) {
            let network = scenarios[call.scenario].network, h = network.sizes
            // Where a layer is wider than its input the student's loop runs past aˡ⁻¹ and stops the program: that
            // call is a stop (it is not run here, in the test's own process).
            guard (1...network.layerCount).allSatisfy({ h[$0] <= h[$0 - 1] }) else {
                evidence.stops.append(call)
                continue
            }
            let batch = scenarios[call.scenario].batch
            let x = batch.inputs.row(call.index), y = batch.targets.row(call.index)
            let made = Self.forwardSumToOwnWidth(network, x, y)
            evidence.answers.append((call, .gradients(made)))
            if failing == nil, !made.isClose(to: try Solutions.oneExample(network, x, y)) { failing = (call, made) }
        }
        let (call, got) = try #require(failing)
        let said = try #require(StudentCheck.exampleSlip(got, call: call, crash: nil, evidence: evidence))
        #expect(said.contains("zˡ[j] = bˡ[j] + Σₖ Wˡ[k, j] aˡ⁻¹[k]: the sum over k runs to Wˡ.columns or bˡ.count"), "\(said)")
    }

    @Test("each hand-written loss slip is named from a one-example step or an engine whose gradients are right")
    func lossSlipsNamed() throws {
        let scenarios = StudentCheck.scenarios()
        for layer in Set(scenarios.map(\.network.output)).sorted(by: { $0.name < $1.name }) {
            for slip in StudentCheck.lossSlips(layer) {
                var failing: (StudentCheck.Call, Gradients<Double>)?
                // A slip in each example's loss is made by the one-example step; one in the mean over the examples,
                // by an engine.
                let step: StudentCheck.Step = slip.batch == nil && slip.whole == nil ? .oneExample : .batchEngine
                let evidence = StudentCheck.Evidence(step: step, scenarios: scenarios)
                for call in StudentCheck.calls(step, scenarios: scenarios) where scenarios[call.scenario].network.output == layer {
                    let scenario = scenarios[call.scenario]
                    let x = step == .oneExample ? StudentCheck.exampleMatrix(scenario, call.index, targets: false) : scenario.batch.inputs
                    let y = step == .oneExample ? StudentCheck.exampleMatrix(scenario, call.index, targets: true) : scenario.batch.targets
                    let pass = MatrixForm.pass(scenario.network, inputs: x, targets: y), L = scenario.network.layerCount
                    var made = pass.gradients
                    let losses = (0..<x.rows).map { slip.loss(pass.z[L].row($0), pass.a[L].row($0), y.row($0)) }
                    made.loss = slip.batch.map { $0(losses.reduce(0, +), x.rows, y.columns, x.columns, L) }
                        ?? slip.whole.map { $0(pass.z[L], pass.a[L], y) } ?? losses[0]
                    if slip.inFloat { made.loss = Double(Float(made.loss)) }
                    evidence.answers.append((call, .gradients(made)))
                    let right = pass.gradients.loss
                    if failing == nil, !(abs(made.loss - right) <= 1e-9 * abs(right)) { failing = (call, made) }
                }
                guard let (call, got) = failing else { continue }
                let said = StudentCheck.lossSlip(got, call: call, evidence: evidence)
                // A loss that is not finite is matched by every slip that is not finite there: none is named.
                guard got.loss.isFinite else {
                    #expect(said == nil, "\(layer.name): \(slip.text) named from a loss of \(got.loss)")
                    continue
                }
                #expect(said?.contains(slip.text) == true, "\(layer.name): \(slip.text) told \(said ?? "nothing")")
            }
        }
    }
}
