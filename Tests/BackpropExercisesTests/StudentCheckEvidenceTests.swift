import ExerciseSolutions
import Foundation
import Testing
@testable import Backprop
import BackpropExercises

/// A slip made with the solution's steps, for the readings that follow from the numbers alone.
struct Slip: CustomTestStringConvertible, Sendable {
    var name: String
    var step: StudentCheck.Step
    var submission: StudentSubmission
    /// Words the diagnosis must contain.
    var words: [String]
    var testDescription: String { name }
}

/// Element by element: `f(i, j)` into a matrix of `rows` × `columns`.
func matrix(_ rows: Int, _ columns: Int, _ f: (Int, Int) -> Double) -> Matrix<Double> {
    Matrix((0..<rows).map { i in (0..<columns).map { j in f(i, j) } })
}

/// The back-propagated sum s = Δˡ⁺¹ (Wˡ⁺¹)ᵀ.
func backSum(_ D: Matrix<Double>, _ W: Matrix<Double>) -> Matrix<Double> {
    matrix(D.rows, W.rows) { i, j in (0..<W.columns).reduce(0) { $0 + D[i, $1] * W[j, $1] } }
}

func with(_ change: (inout MatrixFormSteps) -> Void) -> StudentSubmission {
    var submission = Solutions.submission
    change(&submission.steps)
    return submission
}

/// Answers kept by a key (a student's cache keyed by some of a step's inputs).
final class ValueCache: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: [[Double]: Matrix<Double>] = [:]
    func answer(for key: [Double], _ make: () throws -> Matrix<Double>) rethrows -> Matrix<Double> {
        if let known = lock.withLock({ kept[key] }) { return known }
        let made = try make()
        lock.withLock { kept[key] = made }
        return made
    }
}

/// The last answer and its key alone (a student's cache of one entry, keyed by some of a step's inputs): calls
/// between two with the same key move it on, so only a call straight after one with the same key meets it.
final class LastAnswer: @unchecked Sendable {
    private let lock = NSLock()
    private var kept: (key: [Double], answer: Matrix<Double>)?
    func answer(for key: [Double], _ make: () throws -> Matrix<Double>) rethrows -> Matrix<Double> {
        if let kept = lock.withLock({ kept }), kept.key == key { return kept.answer }
        let made = try make()
        lock.withLock { kept = (key, made) }
        return made
    }
}

/// The first value a process saw, kept for every later call: the state a student's global variable keeps.
final class FirstSeen: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Int?
    func value(_ now: Int) -> Int { lock.withLock { if first == nil { first = now }; return first! } }
    func reset() { lock.withLock { first = nil } }
}

@Suite("What the checker reads in wrong numbers")
struct StudentCheckEvidenceTests {
    static let slips: [Slip] = [
        Slip(name: "an output error kept only at the target class", step: .outputError,
             submission: with { $0.outputError = { A, Y in matrix(A.rows, A.columns) { i, j in Y[i, j] * (A[i, j] - Y[i, j]) } } },
             words: ["is Y ∘ (Aᴸ − Y)", "the right one is Aᴸ − Y"]),
        Slip(name: "an output error that is ∂ℓ/∂a, not ∂ℓ/∂z", step: .outputError,
             submission: with { $0.outputError = { A, Y in matrix(A.rows, A.columns) { i, j in -Y[i, j] / A[i, j] } } },
             words: ["is −Y / Aᴸ"]),
        Slip(name: "σ′ added where it multiplies", step: .hiddenError,
             submission: with { $0.hiddenError = { D, W, A, hidden in
                 let s = backSum(D, W)
                 return matrix(s.rows, s.columns) { i, j in s[i, j] + hidden.derivative(fromActivation: A[i, j]) }
             } },
             words: ["is s + σ′(A", "s = Δ", "the sum that flows back"]),
        Slip(name: "σ′ taken of the sum", step: .hiddenError,
             submission: with { $0.hiddenError = { D, W, _, hidden in
                 let s = backSum(D, W)
                 return matrix(s.rows, s.columns) { i, j in s[i, j] * hidden.derivative(fromActivation: s[i, j]) }
             } },
             words: ["is s ∘ σ′(s)"]),
        Slip(name: "σ′ applied twice (right for ReLU alone)", step: .hiddenError,
             submission: with { $0.hiddenError = { D, W, A, hidden in
                 let s = backSum(D, W)
                 return matrix(s.rows, s.columns) { i, j in
                     let d = hidden.derivative(fromActivation: A[i, j])
                     return s[i, j] * d * d
                 }
             } },
             words: ["is σ′(A", "right for the relu hidden layers only"]),
        Slip(name: "a forward sum not reset for each unit", step: .forward,
             submission: with { $0.forward = { A, W, b in
                 var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
                 for i in 0..<A.rows {
                     var s = 0.0
                     for j in 0..<W.columns {
                         s += b[j]
                         for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                         Z[i, j] = s
                     }
                 }
                 return Z
             } },
             words: ["with one slip", "not started afresh for each j: it carries over from one element to the next along the row"]),
        Slip(name: "a weight gradient whose rows stop at m", step: .weightGradient,
             submission: with { $0.weightGradient = { A, D in
                 var G = Matrix<Double>(rows: A.columns, columns: D.columns)
                 for k in 0..<min(A.rows, A.columns) {
                     for j in 0..<D.columns { G[k, j] = (0..<A.rows).reduce(0) { $0 + A[$1, k] * D[$1, j] } / Double(A.rows) }
                 }
                 return G
             } },
             words: ["are 0, never written", "stops at 1"]),
        Slip(name: "the means of the two factors multiplied", step: .weightGradient,
             submission: with { $0.weightGradient = { A, D in
                 let m = Double(A.rows)
                 return matrix(A.columns, D.columns) { k, j in
                     ((0..<A.rows).reduce(0) { $0 + A[$1, k] } / m) * ((0..<D.rows).reduce(0) { $0 + D[$1, j] } / m)
                 }
             } },
             words: ["with a factor of 1/m besides", "summed over the examples first and the sums multiplied"]),
        Slip(name: "a hidden error as wide as the layer above (right only where it is square)", step: .hiddenError,
             submission: with { $0.hiddenError = { D, W, A, hidden in
                 matrix(D.rows, W.columns) { i, j in
                     (0..<W.columns).reduce(0) { $0 + D[i, $1] * W[j % W.rows, $1] } * hidden.derivative(fromActivation: A[i, j % A.columns])
                 }
             } },
             words: ["is [7, 3] but it must be [7, 5]", "the loop over j runs over them"]),
        Slip(name: "a loss that is infinite where it is large, every gradient right", step: .oneExample,
             submission: {
                 var submission = Solutions.submission
                 submission.oneExample = { network, x, y in
                     var g = try Solutions.oneExample(network, x, y)
                     if g.loss > 100 { g.loss = .infinity }
                     return g
                 }
                 return submission
             }(),
             words: ["Only your loss is not a finite number", "network.output.loss"]),
        Slip(name: "a weight gradient cached by the values of its input alone (not of Δ)", step: .weightGradient,
             submission: {
                 let cache = ValueCache()
                 return with { $0.weightGradient = { A, D in
                     try cache.answer(for: A.elements) { try Solutions.weightGradient(A, D) }
                 } }
             }(),
             words: ["kept from before"]),
        Slip(name: "an output error that keeps its last answer, looked up by Aᴸ alone", step: .outputError,
             submission: {
                 let cache = LastAnswer()
                 return with { $0.outputError = { A, Y in try cache.answer(for: A.elements) { try Solutions.outputError(A, Y) } } }
             }(),
             words: ["when that call is made straight after the batch of", "a cache whose key leaves out Y (looked up by A³"]),
        Slip(name: "a weight gradient that keeps its last answer, looked up by Δˡ alone", step: .weightGradient,
             submission: {
                 let cache = LastAnswer()
                 return with { $0.weightGradient = { A, D in try cache.answer(for: D.elements) { try Solutions.weightGradient(A, D) } } }
             }(),
             words: ["when that call is made straight after layer 2 of", "a cache whose key leaves out A¹"]),
        Slip(name: "weight decay added to one example's ∂Wˡ", step: .oneExample,
             submission: {
                 var submission = Solutions.submission
                 submission.oneExample = { network, x, y in
                     var g = try Solutions.oneExample(network, x, y)
                     for l in g.layers.indices {
                         let w = network.layers[l].weights
                         g.layers[l].weights = Matrix(rows: w.rows, columns: w.columns,
                                                      elements: zip(g.layers[l].weights.elements, w.elements).map { $0 + 0.01 * $1 })
                     }
                     return g
                 }
                 return submission
             }(),
             words: ["a weight decay (L2 penalty) λ Wˡ with λ = 0.01"]),
        Slip(name: "a bias gradient averaged along each row (over the units)", step: .biasGradient,
             submission: with { $0.biasGradient = { D in (0..<D.rows).map { i in D.row(i).reduce(0, +) / Double(D.columns) } } },
             words: ["has the right shape here only because these sizes coincide", "not over the units of a row"]),
        Slip(name: "1/m computed in integers (right for m = 1 alone)", step: .weightGradient,
             submission: with { $0.weightGradient = { A, D in
                 let m = A.rows
                 return matrix(A.columns, D.columns) { k, j in (0..<m).reduce(0) { $0 + A[$1, k] * D[$1, j] } * Double(1 / m) }
             } },
             words: ["computed in integers", "right on the batch of one (m = 1)"]),
        Slip(name: "an output error with Aᴸ clipped into [1e-7, 1 − 1e-7]", step: .outputError,
             submission: with { $0.outputError = { A, Y in
                 matrix(A.rows, A.columns) { i, j in min(max(A[i, j], 1e-7), 1 - 1e-7) - Y[i, j] }
             } },
             words: ["each is off by the same 1e-07", "clipped into [1e-07, 1 − 1e-07]"]),
        Slip(name: "one example's gradients divided by x.count", step: .oneExample,
             submission: {
                 var submission = Solutions.submission
                 submission.oneExample = { network, x, y in
                     var g = try Solutions.oneExample(network, x, y)
                     for l in g.layers.indices {
                         g.layers[l].weights = g.layers[l].weights.map { $0 / Double(x.count) }
                         g.layers[l].biases = g.layers[l].biases.map { $0 / Double(x.count) }
                     }
                     return g
                 }
                 return submission
             }(),
             words: ["divided by x.count", "with no mean and no other factor"]),
    ]

    @Test("a wrong answer is read from its numbers", arguments: slips)
    func readings(_ slip: Slip) {
        let verdict = studentVerdict(slip.submission, slip.step)
        #expect(!verdict.kind.passed)
        let said = verdict.diagnosis.joined(separator: " ")
        for words in slip.words { #expect(said.contains(words), "\(slip.name): \(said)") }
    }

    @Test("a call that is right alone and wrong after others is state, told by a run of that call alone")
    func stateTold() throws {
        let seen = FirstSeen()
        let submission = with { steps in
            steps.biasGradient = { D in
                // The m of the first call, kept in a global: right for every call with that m, and for any call
                // made first.
                let m = Double(seen.value(D.rows))
                return (0..<D.columns).map { j in (0..<D.rows).reduce(0) { $0 + D[$1, j] } / m }
            }
        }
        let verdict = studentVerdict(submission, .biasGradient)
        let call = try #require(verdict.call)
        #expect(call != StudentCheck.calls(.biasGradient, scenarios: StudentCheck.scenarios()).first)
        // The command runs that call alone in a fresh process; here, a fresh global.
        seen.reset()
        var lines: [String] = []
        StudentCheck.runChild(.biasGradient, submission, only: call) { lines.append($0) }
        let records = lines.compactMap { try? JSONDecoder().decode(StudentCheck.Record.self, from: Data($0.utf8)) }
        let told = StudentCheck.isolate(verdict, records: records, scenarios: StudentCheck.scenarios())
        #expect(told.diagnosis.first?.contains("Run alone in a fresh process") == true, "\(told.diagnosis)")
        #expect(told.diagnosis.first?.contains("keeps state between calls") == true)

        // A formula that is wrong alone too is left as it was.
        let wrong = with { $0.biasGradient = { D in try Solutions.biasGradient(D).map { $0 * 2 } } }
        let plain = studentVerdict(wrong, .biasGradient)
        var alone: [String] = []
        StudentCheck.runChild(.biasGradient, wrong, only: plain.call) { alone.append($0) }
        let again = alone.compactMap { try? JSONDecoder().decode(StudentCheck.Record.self, from: Data($0.utf8)) }
        #expect(StudentCheck.isolate(plain, records: again, scenarios: StudentCheck.scenarios()).diagnosis == plain.diagnosis)
    }
}
