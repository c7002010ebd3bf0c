import Backprop
import BackpropExercises
@testable import BackpropExercises
import ExerciseSolutions
import Foundation
import Testing

/// Solutions' engine with its backward loop stopping one layer short: layer 1's gradients are never computed.
struct StopsShortEngine: BackpropEngine {
    let name = "stops-short"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            Z.append(try steps.forward(A[l - 1], layer.weights, layer.biases))
            A.append(l < L ? Z[l].map { network.hidden.value($0) } : Z[l].mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, to: 1, by: -1) {   // the slip: `to: 1` where `through: 1` belongs
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
        }
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}

@Suite("A batch engine's calls to the steps, read against the pass")
struct EngineTraceTests {
    /// The records of one engine call whose trace is `calls`, as the child reports them; nothing after: it stopped.
    func records(_ call: StudentCheck.Call, _ calls: [[String]]) -> [StudentCheck.Record] {
        [StudentCheck.Record(call: call)] + calls.map { StudentCheck.Record(call: call, trace: $0) }
    }

    @Test("a stop after right calls names the call the pass still needed")
    func stopAfterRightCalls() throws {
        let scenarios = StudentCheck.scenarios()
        let call = try #require(StudentCheck.calls(.batchEngine, scenarios: scenarios).first)
        let network = scenarios[call.scenario].network, L = network.layerCount
        try #require(L >= 2)
        let made = (1...L).map { ["forward", "A\($0 - 1)", "W\($0)", "b\($0)"] } + [["outputError", "A\(L)", "Y"],
                    ["weightGradient", "A\(L - 1)", "D\(L)"], ["biasGradient", "D\(L)"]]
        let said = try #require(StudentCheck.engineTrace(records(call, made), call: call, scenario: scenarios[call.scenario], stopped: true))
        #expect(said.contains("before it stopped had the right inputs"), "\(said)")
        #expect(said.contains("hiddenError(Δ\(StudentCheck.sup(L)), W\(StudentCheck.sup(L)), A\(StudentCheck.sup(L - 1))"), "\(said)")
    }

    @Test("a call whose two arguments belong to two layers is named as such, with what each layer's call takes")
    func wrongArgument() throws {
        let scenarios = StudentCheck.scenarios()
        let call = try #require(StudentCheck.calls(.batchEngine, scenarios: scenarios).first)
        let L = scenarios[call.scenario].network.layerCount
        let made = (1...L).map { ["forward", "A\($0 - 1)", "W\($0)", "b\($0)"] } + [["outputError", "A\(L)", "Y"],
                    ["weightGradient", "A\(L)", "D\(L)"]]
        let said = try #require(StudentCheck.engineTrace(records(call, made), call: call, scenario: scenarios[call.scenario], stopped: false))
        // Two arguments of two layers: which of them is wrong is not known, and it is not said.
        #expect(said.contains("mixes two layers") && said.contains("Δ\(StudentCheck.sup(L)) is layer \(L)'s"), "\(said)")
    }

    @Test("a pre-activation where the activation belongs is named by its symbol")
    func preActivation() throws {
        let scenarios = StudentCheck.scenarios()
        let call = try #require(StudentCheck.calls(.batchEngine, scenarios: scenarios).first)
        let made = [["forward", "A0", "W1", "b1"], ["forward", "Z1", "W2", "b2"]]
        let said = try #require(StudentCheck.engineTrace(records(call, made), call: call, scenario: scenarios[call.scenario], stopped: true))
        #expect(said.contains("the forward step of layer 2") && said.contains("given Z¹ where A¹ belongs"), "\(said)")
    }

    @Test("an engine whose backward loop stops one layer short is told which calls it never made, from a real run")
    func neverCalled() throws {
        var stopsShort = Solutions.submission
        stopsShort.batchEngine = { AnyBackpropEngine(StopsShortEngine(steps: $0)) }
        let verdict = studentVerdict(stopsShort, .batchEngine)
        #expect(!verdict.kind.passed)
        let said = verdict.diagnosis.joined(separator: "\n")
        #expect(said.contains("never called weightGradient(A⁰ (X), Δ¹)"), "\(said)")
    }
}

