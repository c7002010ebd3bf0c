import ExerciseSolutions
import Foundation
import Testing
import Backprop
@testable import BackpropExercises

/// A slip in a step's loops, written as a student writes it, and the words that must name it.
struct LoopSlip: CustomTestStringConvertible, Sendable {
    var name: String
    var step: StudentCheck.Step
    var submission: StudentSubmission
    var words: [String]
    var testDescription: String { name }
}

@Suite("A step's equation as loops, and the one slip that gives a student's numbers")
struct LoopNestTests {
    static let matrixSteps: [StudentCheck.Step] = [.forward, .outputError, .hiddenError, .weightGradient, .biasGradient]

    @Test("the loop nest of each matrix step gives the reference answer on every call", arguments: matrixSteps)
    func nestIsTheEquation(_ step: StudentCheck.Step) throws {
        let scenarios = StudentCheck.scenarios()
        for call in StudentCheck.calls(step, scenarios: scenarios) {
            let scenario = scenarios[call.scenario]
            let pass = MatrixForm.pass(scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
            let inputs = StudentCheck.inputs(call, scenario, pass: pass)
            let nest = try #require(StudentCheck.LoopNest(call, scenario: scenario, inputs: inputs))
            guard case .values(let values) = nest.run() else {
                Issue.record("\(call): the right nest stopped")
                continue
            }
            #expect(StudentCheck.close(values, StudentCheck.flatten(inputs.expected)), "\(call)")
        }
    }

    @Test("every slip changes the answer on some call, and the right nest is not among them", arguments: matrixSteps)
    func everySlipChangesSomething(_ step: StudentCheck.Step) throws {
        let scenarios = StudentCheck.scenarios()
        let calls = StudentCheck.calls(step, scenarios: scenarios)
        let nests = try calls.map { call in
            let scenario = scenarios[call.scenario]
            let pass = MatrixForm.pass(scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
            return try #require(StudentCheck.LoopNest(call, scenario: scenario, inputs: StudentCheck.inputs(call, scenario, pass: pass)))
        }
        let slips = nests[0].slips
        #expect(slips.count >= 10)
        for slip in slips {
            let changes = nests.contains { nest in
                var mine = nest
                slip.apply(&mine)
                guard case .values(let right) = nest.run() else { return true }
                guard case .values(let values) = mine.run() else { return true }
                return !StudentCheck.close(values, right)
            }
            #expect(changes, "\(step.rawValue): \(slip.describe(nests[0])) changes nothing")
        }
    }

    static let slips: [LoopSlip] = [
        LoopSlip(name: "a hidden error whose per-unit sums carry over from one example to the next", step: .hiddenError,
                 submission: with { $0.hiddenError = { D, W, A, hidden in
                     var out = Matrix<Double>(rows: D.rows, columns: W.rows)
                     var sums = [Double](repeating: 0, count: W.rows)
                     for i in 0..<D.rows {
                         for j in 0..<W.rows {
                             for k in 0..<W.columns { sums[j] += D[i, k] * W[j, k] }
                             out[i, j] = sums[j] * hidden.derivative(fromActivation: A[i, j])
                         }
                     }
                     return out
                 } },
                 words: ["each j's sum carries over from one row to the next"]),
        LoopSlip(name: "a hidden error with σ′ multiplied in on every step of the sum", step: .hiddenError,
                 submission: with { $0.hiddenError = { D, W, A, hidden in
                     var out = Matrix<Double>(rows: D.rows, columns: W.rows)
                     for i in 0..<D.rows {
                         for j in 0..<W.rows {
                             var sum = 0.0
                             for k in 0..<W.columns { sum = (sum + D[i, k] * W[j, k]) * hidden.derivative(fromActivation: A[i, j]) }
                             out[i, j] = sum
                         }
                     }
                     return out
                 } },
                 words: ["multiplied by σ′(activations[i, j]) on every step of the loop over k"]),
        LoopSlip(name: "a hidden error that reads the error above at the unit's own index", step: .hiddenError,
                 submission: with { $0.hiddenError = { D, W, A, hidden in
                     var out = Matrix<Double>(rows: D.rows, columns: W.rows)
                     for i in 0..<D.rows {
                         for j in 0..<W.rows {
                             var sum = 0.0
                             for k in 0..<W.columns { sum += D[i, min(j, D.columns - 1)] * W[j, k] }
                             out[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
                         }
                     }
                     return out
                 } },
                 // min(…) keeps it from stopping: a different slip from deltaAbove[i, j], so no slip is named.
                 words: []),
        LoopSlip(name: "a weight gradient written column by column into its elements", step: .weightGradient,
                 submission: with { $0.weightGradient = { A, D in
                     var elements = [Double](repeating: 0, count: A.columns * D.columns)
                     for k in 0..<A.columns {
                         for j in 0..<D.columns {
                             var sum = 0.0
                             for i in 0..<A.rows { sum += A[i, k] * D[i, j] }
                             elements[j * A.columns + k] = sum / Double(A.rows)
                         }
                     }
                     return Matrix(rows: A.columns, columns: D.columns, elements: elements)
                 } },
                 words: ["written column by column: result[k, j] sits at elements[j * rows + k]"]),
        LoopSlip(name: "a bias gradient divided by m on every step", step: .biasGradient,
                 submission: with { $0.biasGradient = { D in
                     (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { ($0 + D[$1, j]) / Double(D.rows) } }
                 } },
                 words: ["divided by m (delta.rows) on every step of the loop over i"]),
        LoopSlip(name: "a forward step with the bias added to the first example only", step: .forward,
                 submission: with { $0.forward = { A, W, b in
                     var Z = try Solutions.forward(A, W, [Double](repeating: 0, count: b.count))
                     for j in 0..<W.columns { Z[0, j] += b[j] }
                     return Z
                 } },
                 words: ["added in row 0 only"]),
    ]

    @Test("a slip in the loops is named when it alone gives the student's numbers on every call", arguments: slips)
    func slipNamed(_ slip: LoopSlip) {
        let verdict = studentVerdict(slip.submission, slip.step)
        #expect(!verdict.kind.passed)
        let said = verdict.diagnosis.joined(separator: " ")
        if slip.words.isEmpty {
            #expect(!said.contains("with one slip"), "\(slip.name): \(said)")
        }
        for words in slip.words { #expect(said.contains(words), "\(slip.name): \(said)") }
    }

    @Test("a student's stop is matched to the slip that stops at the same index and gives the other answers")
    func stopMatched() throws {
        let scenarios = StudentCheck.scenarios()
        let calls = StudentCheck.calls(.forward, scenarios: scenarios)
        let evidence = StudentCheck.Evidence(step: .forward, scenarios: scenarios)
        func nest(_ call: StudentCheck.Call) throws -> StudentCheck.LoopNest {
            try #require(StudentCheck.LoopNest(call, scenario: scenarios[call.scenario], inputs: evidence.inputs(call)))
        }
        // A student whose loop over the examples runs to input.columns: answers where m ≥ h_{l−1}, stops elsewhere.
        let slip = try #require(try nest(calls[0]).slips.first { $0.group.hasPrefix("the loop over i bound input.columns") })
        var stop: (StudentCheck.Call, StudentCheck.LoopNest.Stop)?
        for call in calls {
            var mine = try nest(call)
            slip.apply(&mine)
            switch mine.run() {
            case .values(let values):
                let expected = evidence.inputs(call).expected
                guard case .matrix(let e) = expected else { continue }
                evidence.answers.append((call, .matrix(Matrix(rows: e.rows, columns: e.columns, elements: values))))
            case .stopped(let where_):
                evidence.stops.append(call)
                if stop == nil { stop = (call, where_) }
            }
        }
        let (call, where_) = try #require(stop)
        guard case .matrix(let rows, let columns, let row, let column, let write) = where_ else {
            Issue.record("the first stop is not a matrix index: \(where_)")
            return
        }
        let crash = StudentCheck.Crash(timedOut: false, message: "Matrix [\(rows), \(columns)] has no element [\(row), \(column)]\(write ? " to store into" : ""): rows 0..<\(rows), columns 0..<\(columns)")
        let said = try #require(StudentCheck.slip(call, got: nil, crash: crash, evidence: evidence))
        #expect(said.contains("stops at that same index"), "\(said)")
        #expect(said.contains("the loop over i runs to input.columns or weights.rows"), "\(said)")
        // A message of the student's own names no slip.
        #expect(StudentCheck.slip(call, got: nil, crash: StudentCheck.Crash(timedOut: false, message: "m must be even"),
                                  evidence: evidence) == nil)
    }

    @Test("each one-change wiring of the whole pass is named from an engine that makes it on every call",
          arguments: StudentCheck.PassWiring.variants("A").indices)
    func wiringNamed(_ index: Int) throws {
        let (wiring, text) = StudentCheck.PassWiring.variants("A")[index]
        let scenarios = StudentCheck.scenarios()
        let evidence = StudentCheck.Evidence(step: .batchEngine, scenarios: scenarios)
        var wrong: (StudentCheck.Call, Gradients<Double>)?
        for call in StudentCheck.calls(.batchEngine, scenarios: scenarios) {
            let scenario = scenarios[call.scenario]
            guard let made = wiring.gradients(scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
            else { continue }
            evidence.answers.append((call, .gradients(made)))
            let right = MatrixForm.pass(scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
            if wrong == nil, !made.isClose(to: right.gradients) { wrong = (call, made) }
        }
        let (call, got) = try #require(wrong, "the variant changes nothing on any scenario")
        let said = try #require(StudentCheck.wiring(got, call: call, evidence: evidence))
        #expect(said.contains(text), "\(said)")
    }
}

@Suite("State kept between calls, read from a call made twice")
struct AccumulatedStateTests {
    @Test("a second answer that is the first plus the right one is a result added into storage kept between calls")
    func accumulated() {
        let right = matrix(3, 2) { i, j in Double(i) - 0.5 * Double(j) + 0.25 }
        let twice = right.map { 2 * $0 }
        let said = StudentCheck.accumulated(.matrix(right), .matrix(twice), expected: .matrix(right))
        #expect(said?.contains("exactly your first answer plus the right one") == true)
        // From a wrong first answer too: whatever the first call left, the second adds the right one onto it.
        let left = right.map { $0 + 1 }
        let after = Matrix(rows: 3, columns: 2, elements: zip(left.elements, right.elements).map { $0 + $1 })
        #expect(StudentCheck.accumulated(.matrix(left), .matrix(after), expected: .matrix(right)) != nil)
        // Any other change is not this reading.
        var changed = right
        changed[1, 1] += 0.5
        #expect(StudentCheck.accumulated(.matrix(right), .matrix(changed), expected: .matrix(right)) == nil)
        // An engine that adds into the gradients it is handed is told so.
        let engine = StudentCheck.accumulated(.matrix(right), .matrix(twice), expected: .matrix(right), step: .batchEngine)
        #expect(engine?.contains("+=") == true && engine?.contains("prepare(for:)") == true)
    }

    @Test("a second answer that is the right one plus k times the first is a momentum kept between calls")
    func momentum() {
        let right = matrix(3, 2) { i, j in Double(i) - 0.5 * Double(j) + 0.25 }
        let earlier = matrix(3, 2) { i, j in 0.1 * Double(i * j) - 0.3 }
        let first = Matrix(rows: 3, columns: 2, elements: zip(right.elements, earlier.elements).map { $0 + 0.9 * $1 })
        let second = Matrix(rows: 3, columns: 2, elements: zip(right.elements, first.elements).map { $0 + 0.9 * $1 })
        let said = StudentCheck.accumulated(.matrix(first), .matrix(second), expected: .matrix(right))
        #expect(said?.contains("the right one plus 0.9 times your first answer") == true, "\(said ?? "nil")")
    }
}
