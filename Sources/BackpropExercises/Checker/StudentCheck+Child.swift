import Backprop

/// The child process's side of the check: it runs the student's code, one call at a time, and reports what each
/// returned. Nothing here judges; the parent does (StudentCheck+Diagnosis.swift).
extension StudentCheck {
    /// Runs `call` of `submission`: the step on the call's inputs, twice, so that state kept between calls shows
    /// (the engine twice into the same storage). Each call gets its own copies of its inputs, so that a step that
    /// writes into them harms only itself; the names of those it changed are returned.
    public static func run(_ call: Call, _ submission: StudentSubmission, scenario: Scenario,
                           pass: MatrixForm.Pass<Double>, report: ((Record) -> Void)? = nil)
        -> (first: Output, second: Output, changed: [String]) {
        let given = inputs(call, scenario, pass: pass)
        var changed: [String] = []
        func note(_ name: String, _ isChanged: Bool) {
            if isChanged && !changed.contains(name) { changed.append(name) }
        }
        // The engine is handed storage of the network's shapes holding a loss no pass gives, so that a loss never
        // stored shows as that number.
        var storage = Gradients<Double>(zeroFor: scenario.network)
        storage.loss = handedLoss
        // The engine's calls to the steps, reported as they are made (the first run's only).
        let tracer = call.step == .batchEngine ? report.map { report in
            Tracer(pass: pass, network: scenario.network, targets: scenario.batch.targets) { report(Record(call: call, trace: $0)) }
        } : nil
        let engine = call.step == .batchEngine ? submission.batchEngine(tracer?.steps(.reference) ?? .reference) : nil
        func once() -> Output {
            let network = scenario.network.freshCopy
            let m = given.matrices.map(\.value.freshCopy)
            let v = given.vector.map { $0.value.map { $0 } }
            let steps = submission.steps
            let output = attempt { () throws -> Output in
                switch call.step {
                case .oneExample: return .gradients(try submission.oneExample(network, m[0].elements, m[1].elements))
                case .forward: return .matrix(try steps.forward(m[0], m[1], v!))
                case .outputError: return .matrix(try steps.outputError(m[0], m[1]))
                case .hiddenError: return .matrix(try steps.hiddenError(m[0], m[1], m[2], network.hidden))
                case .weightGradient: return .matrix(try steps.weightGradient(m[0], m[1]))
                case .biasGradient: return .vector(try steps.biasGradient(m[0]))
                case .batchEngine:
                    // The engine is checked with the reference steps: its own composition, not the steps it calls.
                    try engine!.computeGradients(of: network, inputs: m[0], targets: m[1], into: &storage)
                    return .gradients(storage)
                }
            }
            for (index, (name, value)) in given.matrices.enumerated() { note(name, !m[index].isBitwise(value)) }
            if let given = given.vector, let v { note(given.name, !v.isBitwise(given.value)) }
            if call.step == .oneExample || call.step == .batchEngine {
                note("the network's parameters", !network.layers.indices.allSatisfy {
                    network.layers[$0].weights.isBitwise(scenario.network.layers[$0].weights)
                        && network.layers[$0].biases.isBitwise(scenario.network.layers[$0].biases)
                })
            }
            return output
        }
        let first = once()
        tracer?.stop()
        let second = once()
        return (first, second, changed)
    }

    /// The loss of the gradients the engine is handed before its first call.
    public static let handedLoss = 1234.5

    /// The output of `body`, or what it threw.
    static func attempt(_ body: () throws -> Output) -> Output {
        do { return try body() } catch let error as NotWrittenYet {
            return .notWritten(exercise: error.exercise)
        } catch {
            return .threw(String(describing: error))
        }
    }

    /// Runs every call of `step` on `scenarios` (in the child process), writing a line before each call and one
    /// after it to `report` (a file descriptor the parent reads), so that if the student's code stops the process,
    /// the parent knows which call it was in; then, with `replay`, the first call again after all the others, and
    /// each call of a scenario with a `base` made again straight after the same call of its base (a pair).
    /// With `only`, that call alone (and no replay): a fresh process's answer to it, with no calls before it. With
    /// `after`, the calls after that one (and no replay): the rest of the step, once the call `after` stopped a child.
    public static func runChild(_ step: Step, _ submission: StudentSubmission, scenarios: [Scenario] = scenarios(),
                                replay: Bool = true, only: Call? = nil, after: Call? = nil, report: (String) -> Void) {
        withoutActuallyEscaping(report) { report in
            runChild(step, submission, scenarios: scenarios, replay: replay, only: only, after: after) { report(encode($0)) }
        }
    }

    /// `runChild`, each record handed to `line` (which may keep it: the engine's tracer reports from its steps).
    private static func runChild(_ step: Step, _ submission: StudentSubmission, scenarios: [Scenario], replay: Bool,
                                 only: Call?, after: Call?, line: @escaping (Record) -> Void) {
        var passes: [Int: MatrixForm.Pass<Double>] = [:]
        var all = only.map { [$0] } ?? calls(step, scenarios: scenarios)
        if let after, let index = all.firstIndex(of: after) { all = Array(all[(index + 1)...]) }
        for call in all {
            let scenario = scenarios[call.scenario]
            let pass = passes[call.scenario] ?? MatrixForm.pass(scenario.network, inputs: scenario.batch.inputs,
                                                                targets: scenario.batch.targets)
            passes[call.scenario] = pass
            line(Record(call: call))
            let (first, second, changed) = run(call, submission, scenario: scenario, pass: pass, report: line)
            line(Record(call: call, first: first, second: second, changed: changed.isEmpty ? nil : changed))
            if case .notWritten = first { return }
        }
        if replay, only == nil, after == nil, let call = all.first, let pass = passes[call.scenario] {
            let (again, _, _) = run(call, submission, scenario: scenarios[call.scenario], pass: pass)
            line(Record(call: call, first: again, second: again, replay: true))
        }
        guard replay, only == nil, after == nil else { return }
        // Each call of a scenario that varies another, made again straight after the same call of that one: an answer
        // kept by the inputs the two share (a cache of one entry) shows here, where the calls between them hide it.
        for call in all {
            let scenario = scenarios[call.scenario]
            guard let base = scenario.base, base < scenarios.count, let pass = passes[call.scenario],
                  let basePass = passes[base],
                  // A mixed scenario varies a matrix step's inputs only; the other steps' calls are its base's.
                  scenario.mixed == nil || ![.oneExample, .batchEngine].contains(call.step) else { continue }
            let before = Call(step: call.step, scenario: base, index: call.index)
            let (answerBefore, _, _) = run(before, submission, scenario: scenarios[base], pass: basePass)
            let (answer, _, _) = run(call, submission, scenario: scenario, pass: pass)
            line(Record(call: call, first: answer, second: answerBefore, pair: true))
        }
    }
}

extension Matrix where Scalar == Double {
    /// A copy with storage of its own (a plain copy would share the array until one is written to through Swift,
    /// and a student's write through an unsafe pointer would reach both).
    var freshCopy: Matrix<Double> { Matrix(rows: rows, columns: columns, elements: elements.map { $0 }) }

    /// Whether `other` has the same shape and the same bits in every element.
    func isBitwise(_ other: Matrix<Double>) -> Bool {
        rows == other.rows && columns == other.columns && elements.isBitwise(other.elements)
    }
}

extension Array where Element == Double {
    /// Whether `other` has the same length and the same bits in every element.
    func isBitwise(_ other: [Double]) -> Bool {
        count == other.count && zip(self, other).allSatisfy { $0.bitPattern == $1.bitPattern }
    }
}

extension Network where Scalar == Double {
    /// A copy whose parameters have storage of their own.
    var freshCopy: Network<Double> {
        var copy = self
        for l in copy.layers.indices {
            copy.layers[l].weights = copy.layers[l].weights.freshCopy
            copy.layers[l].biases = copy.layers[l].biases.map { $0 }
        }
        return copy
    }
}
