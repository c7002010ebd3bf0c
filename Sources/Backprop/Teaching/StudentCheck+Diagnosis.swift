import Foundation

extension StudentCheck {
    /// Relative tolerance of "within rounding": max |got − expected| ≤ tolerance · max |expected| over an array.
    public static let tolerance = 1e-11

    /// The verdict on `step` from its calls' outputs (the child's records), in call order; `crash` describes how
    /// the child stopped, when it did, during the call that has no outputs.
    public static func verdict(_ step: Step, records: [Record], crash: Crash?, scenarios: [Scenario]) -> StepVerdict {
        var passes: [Int: ReferenceSteps.Pass] = [:]
        func pass(_ s: Int) -> ReferenceSteps.Pass {
            if let known = passes[s] { return known }
            let scenario = scenarios[s]
            let made = ReferenceSteps.pass(scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
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
        for record in records {
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
        if let (call, found) = failure {
            var verdict = found
            // Read across the scenarios: right for one example and wrong for several is a sum that is not one.
            let single = scenarios.indices.filter { scenarios[$0].examples == 1 }
            let rightAtOne = outcomes.contains { single.contains($0.key.scenario) && $0.value }
            let wrongAtOne = outcomes.contains { single.contains($0.key.scenario) && !$0.value }
            let explainedByM = verdict.diagnosis.contains { $0.contains("1/m") || $0.contains("m = ") }
            if verdict.kind == .wrong, rightAtOne, !wrongAtOne, !explainedByM, scenarios[call.scenario].examples > 1,
               step != .oneExample, step != .forward {
                verdict.diagnosis.append("It is right for a batch of one example and wrong for several: the sum over the examples (the rows) is not a plain sum of every row, or rows are mixed with one another.")
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
            verdict.diagnosis = ["Called a second time on the same inputs\(step == .batchEngine ? ", into the same storage," : ""), it gave a different answer: your \(step.rawValue) keeps state between calls (a `static var`, a buffer reused without zeroing, or += into the caller's gradients). Start every sum from zero."]
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
