import Backprop
import Foundation

extension StudentCheck {
    /// Relative tolerance of "within rounding": |got − expected| ≤ tolerance · max |expected| for every element.
    public static let tolerance = 1e-11

    /// The elements of `got` farther from `expected` than `relative` × `scale` (by default the largest |expected|;
    /// a NaN is always farther): the one test of "right" the checker uses, at 1e-11 for a step's answer and 1e-9 for
    /// a mistake's reproduction.
    /// - Precondition: the two have the same count.
    static func wrongIndices(_ got: [Double], _ expected: [Double], relative: Double = tolerance,
                             scale: Double? = nil) -> [Int] {
        let scale = max(scale ?? expected.lazy.map(abs).filter(\.isFinite).max() ?? 0, 1e-300)
        return got.indices.filter { !(abs(got[$0] - expected[$0]) <= relative * scale) }
    }

    /// Whether `got` has `expected`'s count and no element farther than `relative` × the scale.
    static func agree(_ got: [Double], _ expected: [Double], relative: Double = tolerance, scale: Double? = nil) -> Bool {
        got.count == expected.count && wrongIndices(got, expected, relative: relative, scale: scale).isEmpty
    }

    /// Whether `a` equals `b` to 1e-9 of b's scale (a reproduction of a mistake need not be bitwise); a NaN or an
    /// infinity matches only the same at the same place (a mistake that divides 0 by 0 reproduces a NaN).
    static func close(_ a: [Double], _ b: [Double]) -> Bool {
        guard a.count == b.count else { return false }
        let odd = b.indices.filter { !b[$0].isFinite }
        if odd.isEmpty { return agree(a, b, relative: 1e-9) }
        guard odd.allSatisfy({ b[$0].isNaN ? a[$0].isNaN : a[$0] == b[$0] }) else { return false }
        let kept = b.indices.filter { b[$0].isFinite }
        return agree(kept.map { a[$0] }, kept.map { b[$0] }, relative: 1e-9)
    }

    /// The verdict on `step` from its calls' outputs (the child's records), in call order; `crash` describes how
    /// the child stopped, when it did, during the call that has no outputs; `printed` is what the student's code
    /// printed; `rerun` is the records of the same step run again in a fresh process, when the answers changed
    /// between calls (to tell randomness from state).
    public static func verdict(_ step: Step, records: [Record], crash: Crash?, scenarios: [Scenario],
                               printed: [String] = [], rerun: [Record]? = nil) -> StepVerdict {
        var verdict = judge(step, records: records, crash: crash, scenarios: scenarios, rerun: rerun)
        verdict.printedLineCount = printed.count
        verdict.printed = Array(printed.prefix(6))
        return verdict
    }

    /// The judgement of `verdict`, before the student's prints are attached.
    static func judge(_ step: Step, records: [Record], crash: Crash?, scenarios: [Scenario],
                      rerun: [Record]?) -> StepVerdict {
        let evidence = Evidence(step: step, scenarios: scenarios)
        let calls = collapse(records)
        evidence.answers = calls.compactMap { record in record.first.map { (record.call, $0) } }
        evidence.stops = calls.filter { $0.first == nil }.map(\.call)
        var failure: StepVerdict?
        var worstULPs: UInt64 = 0
        var bitwise = true, signOfZeroOnly = true, sawStop = false
        for record in calls {
            let call = record.call, scenario = scenarios[call.scenario]
            let inputs = evidence.inputs(call)
            guard let first = record.first, let second = record.second else {
                // The call started and never finished: the child crashed, was stopped, or ended the program in it.
                // `crash` describes the first such call; the command runs the calls after it in fresh children.
                evidence.outcomes[call] = false
                let described = !sawStop
                sawStop = true
                guard described else { continue }
                if var earlier = failure {
                    // A wrong answer on an earlier scenario is the first thing to fix; the stop confirms it.
                    earlier.diagnosis.append("On \(scenario.name) it then stopped the program\(crash?.location.map { " at \($0)" } ?? "")\(crash?.calledFrom.map { ", called from \($0)" } ?? ""): \(crash.map(stopReason) ?? "it did not finish").")
                    failure = earlier
                } else {
                    var stopped = StepVerdict(step: step, kind: crash?.timedOut == true ? .timedOut : .crashed)
                    stopped.call = call
                    describe(call, scenario, inputs, into: &stopped)
                    if let crash {
                        diagnose(crash, call: call, scenario: scenario, inputs: inputs, into: &stopped)
                        if crash.timedOut, let line = evidence.firstZeros(call) { stopped.diagnosis.append(line) }
                        // One slip that stops where the student's code stopped, and gives its other answers, says
                        // more than a list of usual slips.
                        if let line = slip(call, got: nil, crash: crash, evidence: evidence)
                            ?? exampleSlip(nil, call: call, crash: crash, evidence: evidence), let first = stopped.diagnosis.first {
                            let index = crash.message.flatMap { outsideIndex($0, inputs: inputs, network: step == .oneExample || step == .batchEngine ? scenario.network : nil, guess: false) }
                            stopped.diagnosis = [first] + (index.map { [$0] } ?? []) + [line]
                            stopped.namesSlip = true
                        }
                    }
                    failure = stopped
                }
                continue
            }
            if let changed = record.changed, failure == nil {
                var wrong = StepVerdict(step: step, kind: .wrong)
                describe(call, scenario, inputs, into: &wrong)
                wrong.diagnosis = ["Your \(step.rawValue) wrote into its input\(changed.count == 1 ? "" : "s") \(changed.joined(separator: ", ")) (through a pointer, or by changing the caller's storage): the caller still needs \(changed.count == 1 ? "it as it was" : "them as they were"). Compute into a new matrix, and only read the inputs."]
                failure = wrong
            }
            switch compare(first, second, call: call, scenario: scenario, inputs: inputs, evidence: evidence) {
            case .identical:
                evidence.outcomes[call] = true
            case .withinRounding(let ulps):
                evidence.outcomes[call] = true
                bitwise = false
                if ulps > 0 { signOfZeroOnly = false }
                worstULPs = max(worstULPs, ulps)
            case .failed(var wrong):
                evidence.outcomes[call] = false
                if case .notWritten = first { return wrong }
                if failure == nil {
                    wrong.call = call
                    describe(call, scenario, inputs, into: &wrong)
                    if case .threw(let message) = first { wrong.diagnosis += evidence.keptFromBefore(message, call: call) }
                    failure = wrong
                }
            }
            evidence.returned.append((call, first))
        }
        // The first call made again after all the others: a different answer is state kept between calls, or
        // randomness; a second process tells which.
        let unstable = answersChanged(records)
        if unstable, let cause = instability(calls, rerun: rerun, evidence: evidence) {
            var verdict = failure ?? {
                var wrong = StepVerdict(step: step, kind: .wrong)
                if let first = calls.first { describe(first.call, scenarios[first.call.scenario], evidence.inputs(first.call), into: &wrong) }
                return wrong
            }()
            // The cause says what the rest would only guess at: a state sentence, a comparison of one answer.
            verdict.diagnosis.removeAll { $0.contains("keeps state between calls") || $0.hasPrefix("Compare your code") }
            verdict.diagnosis.removeAll { $0 == cause }
            verdict.diagnosis.insert(cause, at: 0)
            return verdict
        }
        // Every call right in the ordinary run: each pair, a varied call straight after its base call.
        if failure == nil, let paired = pairVerdict(step, records: records, evidence: evidence) { return paired }
        if var found = failure {
            // A batch engine's calls to the steps, read against the pass: the call that went wrong, or that none did.
            let stopped = found.kind == .crashed || found.kind == .timedOut || found.kind == .threw
            if step == .batchEngine, let call = found.call, !found.namesSlip,
               let line = engineTrace(records, call: call, scenario: scenarios[call.scenario], stopped: stopped,
                                      threw: found.kind == .threw && !(found.message ?? "").contains("do not fit") && !(found.message ?? "").contains("differ in shape") && !(found.message ?? "").contains("has no rows")) {
                // An exit is its own place (named above): where else the engine could have stopped is no reading.
                let exited = (found.message ?? "").hasPrefix("exit("), allRight = line.hasPrefix("Every call your engine made")
                if exited && allRight {
                } else if !line.hasPrefix("Every call your engine made to the steps had the right inputs, and it made every call") {
                    // What the engine passed says more than a list of the indices to check.
                    found.diagnosis.removeAll { $0.hasPrefix(indexHint(call, scenarios[call.scenario]).prefix(40)) }
                    // Which quantity a wrong gradient implies is wrong says less than the call that went wrong.
                    found.diagnosis.removeAll { $0.contains(" is wrong, so ") || $0.contains("the error is in propagating") }
                    found.diagnosis.insert(line, at: min(1, found.diagnosis.count))
                } else if stopped {
                    found.diagnosis.append(line)
                }
            }
            switch found.kind {
            case .wrong, .threw: found.diagnosis += evidence.acrossScenarios(found)
            case .crashed, .timedOut:
                found.diagnosis += evidence.acrossScenarios(found) + evidence.keptFromBefore(found.message ?? "", call: found.call!)
            default: break
            }
            return found
        }
        if calls.isEmpty {
            var verdict = StepVerdict(step: step, kind: .crashed)
            verdict.diagnosis = ["The check of this step stopped before its first call."]
            return verdict
        }
        var verdict = StepVerdict(step: step, kind: bitwise ? .identical : .withinRounding)
        if !bitwise {
            verdict.maximumULPs = worstULPs
            if signOfZeroOnly {
                verdict.diagnosis = ["Every bit is the library's except the sign of a zero: your result has −0 where the library's has +0, or the reverse. Harmless: a sum that started from −0, or a product with a negative factor that came out as zero, gives −0; the library's sums start from +0."]
            }
        }
        return verdict
    }

    /// Whether a step's answers changed from one call to the next on the same inputs (the second call, or the first
    /// call made again at the end): the command then runs the step again in a fresh process.
    public static func answersChanged(_ records: [Record]) -> Bool {
        let calls = collapse(records)
        let replay = records.first { $0.replay == true }
        let replayDiffers = replay.map { again in
            calls.first.map { $0.call == again.call && !sameBits($0.first, again.first) } ?? false
        } ?? false
        return replayDiffers || calls.contains { $0.first != nil && !sameBits($0.first, $0.second) }
    }

    /// A call's line before it starts and its line when done become one record; a call with only the first line is
    /// the one the child stopped in. The replay of the first call and the pairs are left out.
    public static func collapse(_ records: [Record]) -> [Record] {
        var calls: [Record] = []
        for record in records where record.replay != true && record.pair != true && record.trace == nil {
            if record.first == nil {
                calls.append(record)
            } else if let last = calls.last, last.call == record.call, last.first == nil {
                calls[calls.count - 1] = record
            } else {
                calls.append(record)
            }
        }
        return calls
    }

    /// Whether two answers are the same bits (NaN equals NaN here: a step that returns NaN twice is not unstable).
    static func sameBits(_ a: Output?, _ b: Output?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        switch (a, b) {
        case (.matrix(let x), .matrix(let y)): return x.isBitwise(y)
        case (.vector(let x), .vector(let y)): return x.isBitwise(y)
        case (.gradients(let x), .gradients(let y)):
            return x.loss.bitPattern == y.loss.bitPattern && x.layers.count == y.layers.count
                && zip(x.layers, y.layers).allSatisfy { $0.weights.isBitwise($1.weights) && $0.biases.isBitwise($1.biases) }
        default: return a == b
        }
    }

    /// Why the answers changed from one call to the next, when another process tells: randomness (a fresh process
    /// gives another first answer) or state kept between calls (it gives the same).
    static func instability(_ calls: [Record], rerun: [Record]?, evidence: Evidence? = nil) -> String? {
        guard let first = calls.first?.first else { return nil }
        let again = rerun.flatMap { collapse($0).first { $0.call == calls.first?.call }?.first }
        if let again, !sameBits(again, first) {
            return "Called on the same inputs in a fresh run, your code gave a different answer: it uses random numbers (Double.random, shuffled, a random initialisation), or it reads a Dictionary or a Set in the order it keeps them (.keys, .values, a for-in over one), an order Swift changes from run to run. A step computes the same answer from the same inputs every time."
        }
        if let record = calls.first, let second = record.second, let evidence,
           let line = accumulated(first, second, expected: evidence.inputs(record.call).expected, step: record.call.step) {
            return line
        }
        return "Made again, on the same inputs, a call gave a different answer, and a fresh run repeats the first answer: your code keeps state between calls (a global or static variable, a cache, an array that keeps growing, a buffer reused without zeroing"
            + (calls.first?.call.step == .batchEngine ? ", or a sum into the gradients your engine is handed, which hold the previous call's values: assign them" : "")
            + "), or it reads a Dictionary or a Set in the order it keeps them (.keys, .values, a for-in over one), which can differ from one dictionary to the next. Start every call from scratch, and put each result at its own index."
    }

    /// `verdict` with what a fresh process says about its failing call run alone (`records`): when alone it gives the
    /// right answer, the failure is state kept from the calls before it, and that is the diagnosis.
    public static func isolate(_ verdict: StepVerdict, records: [Record], scenarios: [Scenario]) -> StepVerdict {
        guard let call = verdict.call, let alone = collapse(records).first(where: { $0.call == call })?.first,
              // A diagnosis that already names what was kept (an earlier answer, an earlier batch's rows) says more.
              !verdict.diagnosis.contains(where: { $0.contains("kept from before") || $0.contains("keeps state") })
        else { return verdict }
        let scenario = scenarios[call.scenario]
        let pass = MatrixForm.pass(scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
        let expected = inputs(call, scenario, pass: pass).expected
        return agree(flatten(alone), flatten(expected)) && shapeName(alone) == shapeName(expected)
            ? stateful(verdict, call: call, scenarios: scenarios) : verdict
    }

    /// The verdict of a call that is right alone and wrong after the others.
    static func stateful(_ verdict: StepVerdict, call: Call, scenarios: [Scenario]) -> StepVerdict {
        var verdict = verdict
        verdict.mistake = nil
        // An exit that a fresh process does not make: the exit itself depends on what earlier calls left.
        if verdict.kind == .crashed, let exit = verdict.message, exit.hasPrefix("exit(") {
            verdict.diagnosis = ["Your \(call.step.rawValue) called \(exit) on \(callName(call, scenarios)), after the calls before it; run alone in a fresh process, the same call returns the right answer. So the exit depends on something kept between calls (a count of calls, a static flag), and it ends the whole program, so the checker got no answer. Remove the exit; a step ends by returning its result."]
            return verdict
        }
        verdict.diagnosis = ["Run alone in a fresh process, your \(call.step.rawValue) gives the right answer for \(callName(call, scenarios)); after the calls before it, it does not. Your code keeps state between calls (a global or static variable, an array that keeps growing, a buffer reused without zeroing"
            + (call.step == .batchEngine ? ", or a sum into the gradients your engine is handed, which hold the previous call's values: assign them" : "")
            + "). Start every call from scratch."]
        return verdict
    }

    /// The same call made twice, whose second answer is the right one plus a constant multiple k of its first: each
    /// call adds its result onto what the call before it left in storage kept between calls (k = 1), or adds k times
    /// the previous answer (a momentum or a running average). Nil for any other change.
    static func accumulated(_ first: Output, _ second: Output, expected: Output, step: Step? = nil) -> String? {
        // The loss alone growing by the right loss from one call to the next: a running total never reset.
        if case .gradients(let f) = first, case .gradients(let g) = second, case .gradients(let e) = expected,
           f.layers.count == g.layers.count, zip(f.layers, g.layers).allSatisfy({ $0.weights.isBitwise($1.weights) && $0.biases.isBitwise($1.biases) }),
           e.loss != 0, abs(g.loss - f.loss - e.loss) <= 1e-9 * max(abs(g.loss), abs(e.loss)) {
            return "Made a second time on the same inputs, your gradients are the same and your loss is your first loss plus the right one: the loss is a running total kept between calls (a global or static sum never set back to zero\(step == .batchEngine ? ", or += into the loss of the gradients your engine is handed" : "")). Start the loss from 0 on every call."
        }
        let (a, b, e) = (flatten(first), flatten(second), flatten(expected))
        guard a.count == b.count, a.count == e.count, e.contains(where: { $0 != 0 }),
              let top = a.indices.max(by: { abs(a[$0]) < abs(a[$1]) }), a[top] != 0 else { return nil }
        let k = (b[top] - e[top]) / a[top]
        guard k.isFinite, k != 0, close(b, zip(a, e).map { k * $0 + $1 }) else { return nil }
        let engine = step == .batchEngine
            ? ", or a sum (+=) into the gradients your engine is handed, which after prepare(for:) still hold the previous call's values: assign them" : ""
        if abs(k - 1) <= 1e-9 {
            return "Made a second time on the same inputs, your answer is exactly your first answer plus the right one: each call adds its result onto what the call before it left (a result matrix or array kept between calls, a global or static, and never set back to zero\(engine)). Start every call from zeros."
        }
        let shown = String(format: "%.6g", k)
        return "Made a second time on the same inputs, your answer is exactly the right one plus \(shown) times your first answer: each call adds \(shown) × the answer before it (a momentum or a running average kept between calls, in a global or static). A gradient is computed from the call's own inputs alone; a momentum belongs to the optimiser that uses it."
    }

    /// Why the program stopped, in a few words.
    static func stopReason(_ crash: Crash) -> String {
        if let status = crash.exitStatus { return "exit(\(status)) was called" }
        return crash.message ?? crash.signal ?? "it did not finish"
    }

    enum Comparison {
        case identical, withinRounding(UInt64), failed(StepVerdict)
    }

    /// The outcome of one call: its first output against the expected one, and its second against its first.
    static func compare(_ first: Output, _ second: Output, call: Call, scenario: Scenario, inputs: Inputs,
                        evidence: Evidence) -> Comparison {
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
        guard shapeProblem(first, inputs.expected, call: call, scenario: scenario, inputs: inputs, evidence: evidence, into: &verdict) else {
            // A result of another size that one slip in the step's loops gives (its size and the loop that fills
            // it taken from another input, say), on this call and every other: that slip is the cause.
            var transposed = false
            if case .matrix(let g) = first, case .matrix(let e) = inputs.expected, g.rows == e.columns, g.columns == e.rows {
                transposed = true
            }
            if !transposed, evidence.stale(first, for: call) == nil,
               let line = slip(call, got: first, crash: nil, evidence: evidence) {
                verdict.diagnosis = [verdict.diagnosis.first.map { $0.components(separatedBy: ". ").first.map { $0 + "." } ?? $0 } ?? "", line]
                verdict.namesSlip = true
            }
            return .failed(verdict)
        }
        let (got, expected) = (flatten(first), flatten(inputs.expected))
        if !agree(got, expected) {
            diagnoseValues(first, call: call, scenario: scenario, inputs: inputs, evidence: evidence, into: &verdict)
            return .failed(verdict)
        }
        if !sameBits(first, second) {
            if let line = accumulated(first, second, expected: inputs.expected, step: step) {
                verdict.diagnosis = [line]
                verdict.namesSlip = true
                return .failed(verdict)
            }
            verdict.diagnosis = ["Called a second time on the same inputs\(step == .batchEngine ? ", into the same storage" : ""), it gave a different answer: your \(step.rawValue) keeps state between calls (a `static var`, a buffer reused without zeroing, or += into the caller's gradients). Start every sum from zero."]
            return .failed(verdict)
        }
        let difference = ElementwiseDifference(got, expected)
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
