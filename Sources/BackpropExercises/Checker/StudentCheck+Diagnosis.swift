import Backprop
import Foundation

extension StudentCheck {
    /// Relative tolerance of "within rounding": max |got − expected| ≤ tolerance · max |expected| over an array.
    public static let tolerance = 1e-11

    /// The verdict on `step` from its calls' outputs (the child's records), in call order; `crash` describes how
    /// the child stopped, when it did, during the call that has no outputs.
    public static func verdict(_ step: Step, records: [Record], crash: Crash?, scenarios: [Scenario]) -> StepVerdict {
        var passes: [Int: MatrixForm.Pass<Double>] = [:]
        func pass(_ s: Int) -> MatrixForm.Pass<Double> {
            if let known = passes[s] { return known }
            let scenario = scenarios[s]
            let made = MatrixForm.pass(scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
            passes[s] = made
            return made
        }
        var worstULPs: UInt64 = 0
        var bitwise = true
        // Each call's outcome, kept so that a failure can be read against the other scenarios (right at m = 1?).
        var outcomes: [Call: Bool] = [:]
        var failure: (call: Call, verdict: StepVerdict)?
        // A call's line before it starts and its line when done become one record; a call with only the first
        // line is the one the child stopped in.
        var calls: [Record] = []
        let replay = records.first { $0.replay == true }
        for record in records where record.replay != true {
            if record.first == nil {
                calls.append(record)
            } else if let last = calls.last, last.call == record.call, last.first == nil {
                calls[calls.count - 1] = record
            } else {
                calls.append(record)
            }
        }
        for record in calls {
            let call = record.call, scenario = scenarios[call.scenario]
            let inputs = self.inputs(call, scenario, pass: pass(call.scenario))
            guard let first = record.first, let second = record.second else {
                // The call started and never finished: the child crashed or was stopped in it.
                var verdict = StepVerdict(step: step, kind: crash?.timedOut == true ? .timedOut : .crashed)
                describe(call, scenario, inputs, into: &verdict)
                if let crash { diagnose(crash, call: call, scenario: scenario, inputs: inputs, into: &verdict) }
                // A wrong answer on an earlier scenario is the first thing to fix; the crash confirms it.
                if var (_, earlier) = failure {
                    earlier.diagnosis.append("On \(scenario.name) it then stopped the program\(crash?.location.map { " at \($0)" } ?? ""): \(crash?.message ?? crash?.signal ?? "it did not finish").")
                    return earlier
                }
                return verdict
            }
            switch compare(first, second, call: call, scenario: scenario, inputs: inputs) {
            case .identical:
                outcomes[call] = true
            case .withinRounding(let ulps):
                outcomes[call] = true
                bitwise = false
                worstULPs = max(worstULPs, ulps)
            case .failed(var verdict):
                outcomes[call] = false
                if case .notWritten = first { return verdict }
                if failure == nil {
                    describe(call, scenario, inputs, into: &verdict)
                    failure = (call, verdict)
                }
            }
        }
        // The first call made again after all the others: a different answer is state kept between calls.
        let stateful = replay.map { again in calls.first.map { $0.call == again.call && $0.first != again.first } ?? false } ?? false
        let stateSentence = "Made again after the other calls, the first call gave a different answer: your \(step.rawValue) keeps state between calls (a global or static variable, a cache, an array that keeps growing). Start every call from scratch."
        if stateful && failure == nil {
            var verdict = StepVerdict(step: step, kind: .wrong)
            if let first = calls.first { describe(first.call, scenarios[first.call.scenario], inputs(first.call, scenarios[first.call.scenario], pass: pass(first.call.scenario)), into: &verdict) }
            verdict.diagnosis = [stateSentence]
            return verdict
        }
        if let (_, found) = failure {
            var verdict = found
            if stateful { verdict.diagnosis.insert(stateSentence, at: 0) }
            guard verdict.kind == .wrong, verdict.diagnosis.allSatisfy({ !$0.hasPrefix("Likely mistake") }) else { return verdict }
            // Read across the scenarios, which differ in one thing at a time.
            func passed(_ s: Int) -> Bool? {
                let mine = outcomes.filter { $0.key.scenario == s }.map(\.value)
                return mine.isEmpty ? nil : mine.allSatisfy { $0 }
            }
            // The same network with m examples and with one: right with one and wrong with several is a sum over
            // the examples that is not one.
            let explainedByM = verdict.diagnosis.contains { $0.contains("1/m") || $0.contains("m = ") }
            let pairs = scenarios.indices.compactMap { one -> (Int, Int)? in
                guard scenarios[one].examples == 1,
                      let many = scenarios.indices.first(where: { scenarios[$0].network == scenarios[one].network && scenarios[$0].examples > 1 })
                else { return nil }
                return (many, one)
            }
            if !explainedByM, step != .oneExample, step != .forward,
               pairs.contains(where: { passed($0.0) == false && passed($0.1) == true }) {
                verdict.diagnosis.append("It is right for a batch of one example and wrong for several of the same network: the sum over the examples (the rows) is not a plain sum of every row, or rows are mixed with one another.")
            }
            // Right for one hidden activation and wrong for the others: a formula of that activation's.
            if [.oneExample, .hiddenError, .batchEngine].contains(step) {
                let right = Set(scenarios.indices.filter { passed($0) == true }.map { scenarios[$0].network.hidden })
                let wrong = Set(scenarios.indices.filter { passed($0) == false }.map { scenarios[$0].network.hidden })
                if !right.isEmpty, right.isDisjoint(with: wrong) {
                    verdict.diagnosis.append("It is right for the \(right.map(\.rawValue).sorted().joined(separator: " and ")) network\(right.count == 1 ? "" : "s") and wrong for \(wrong.map(\.rawValue).sorted().joined(separator: " and ")): a formula of one activation's where the general one belongs (σ′ = network.hidden.derivative(fromActivation: a), σ = network.hidden.value(z)).")
                }
            }
            return verdict
        }
        if calls.isEmpty {
            var verdict = StepVerdict(step: step, kind: .crashed)
            verdict.diagnosis = ["The check of this step stopped before its first call."]
            return verdict
        }
        var verdict = StepVerdict(step: step, kind: bitwise ? .identical : .withinRounding)
        if !bitwise { verdict.maximumULPs = worstULPs }
        return verdict
    }

    enum Comparison {
        case identical, withinRounding(UInt64), failed(StepVerdict)
    }

    /// The outcome of one call: its first output against the expected one, and its second against its first.
    static func compare(_ first: Output, _ second: Output, call: Call, scenario: Scenario, inputs: Inputs) -> Comparison {
        let step = call.step
        switch first {
        case .notWritten(let exercise):
            var verdict = StepVerdict(step: step, kind: .notWritten)
            verdict.diagnosis = ["\(step.rawValue) is not written yet: start with exercise \(exercise) (\(step.file))."]
            return .failed(verdict)
        case .threw(let message):
            var verdict = StepVerdict(step: step, kind: .threw)
            verdict.message = message
            verdict.diagnosis = ["Your \(step.rawValue) threw an error: \(message)"]
            return .failed(verdict)
        default: break
        }
        var verdict = StepVerdict(step: step, kind: .wrong)
        guard shapeProblem(first, inputs.expected, call: call, scenario: scenario, into: &verdict) else {
            return .failed(verdict)
        }
        let (got, expected) = (flatten(first), flatten(inputs.expected))
        let difference = ElementwiseDifference(got, expected)
        let scale = expected.map(abs).filter(\.isFinite).max() ?? 0
        let withinRounding = zip(got, expected).allSatisfy { abs($0 - $1) <= tolerance * max(scale, 1e-300) }
        if !withinRounding {
            diagnoseValues(first, call: call, scenario: scenario, inputs: inputs, into: &verdict)
            return .failed(verdict)
        }
        if first != second {
            verdict.diagnosis = ["Called a second time on the same inputs\(step == .batchEngine ? ", into the same storage" : ""), it gave a different answer: your \(step.rawValue) keeps state between calls (a `static var`, a buffer reused without zeroing, or += into the caller's gradients). Start every sum from zero."]
            return .failed(verdict)
        }
        return difference.isIdentical ? .identical : .withinRounding(difference.maximumULPs)
    }

    /// The output's numbers in a fixed order: the loss first, then each layer's ∂W and ∂b.
    static func flatten(_ output: Output) -> [Double] {
        switch output {
        case .matrix(let m): m.elements
        case .vector(let v): v
        case .gradients(let g): [g.loss] + g.layers.flatMap { $0.weights.elements + $0.biases }
        case .notWritten, .threw: []
        }
    }

    /// The step's inputs and where it ran, for the report.
    static func describe(_ call: Call, _ scenario: Scenario, _ inputs: Inputs, into verdict: inout StepVerdict) {
        verdict.scenario = scenario.name
        verdict.shapes = inputs.matrices.map { name, value in
            call.step == .oneExample ? "\(name) [\(value.rows)]" : "\(name) \(value.shapeDescription)"
        } + (inputs.vector.map { ["\($0.name) [\($0.value.count)]"] } ?? [])
        if verdict.quantity == nil { verdict.quantity = quantityName(call) }
        if verdict.expectedShape == nil { verdict.expectedShape = shapeName(inputs.expected) }
    }

    /// "Z²", "Δ¹", "∂W³", "∂b¹", "Δᴸ".
    static func quantityName(_ call: Call) -> String {
        let l = sup(call.index)
        return switch call.step {
        case .oneExample: "example \(call.index)'s gradients"
        case .forward: "Z\(l)"
        case .outputError: "Δᴸ"
        case .hiddenError: "Δ\(l)"
        case .weightGradient: "∂W\(l)"
        case .biasGradient: "∂b\(l)"
        case .batchEngine: "the gradients"
        }
    }

    static func shapeName(_ output: Output) -> String {
        switch output {
        case .matrix(let m): m.shapeDescription
        case .vector(let v): "[\(v.count)]"
        case .gradients(let g): "\(g.layers.count) layers: " + g.layers.map { "∂W \($0.weights.shapeDescription), ∂b [\($0.biases.count)]" }.joined(separator: "; ")
        case .notWritten, .threw: "-"
        }
    }
}
