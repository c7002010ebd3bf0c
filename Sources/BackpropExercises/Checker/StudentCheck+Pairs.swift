import Backprop

extension StudentCheck {
    /// The verdict of a step whose every call was right, but one of whose pairs was not: a call of a scenario that
    /// varies another (`Scenario.base`), made straight after the same call of that one, gave a wrong answer.
    ///
    /// The calls between the two in the ordinary run hide an answer kept by some of the inputs (a cache of one entry
    /// that has moved on); made back to back, the second call meets what the first left. Nil when every pair is right.
    static func pairVerdict(_ step: Step, records: [Record], evidence: Evidence) -> StepVerdict? {
        for record in records where record.pair == true {
            let call = record.call, scenarios = evidence.scenarios
            guard let answer = record.first, let base = scenarios[call.scenario].base else { continue }
            let given = evidence.inputs(call), expected = given.expected
            let (got, want) = (flatten(answer), flatten(expected))
            if case .threw = answer {} else if shapeName(answer) == shapeName(expected), agree(got, want) { continue }
            let before = Call(step: step, scenario: base, index: call.index)
            var verdict = StepVerdict(step: step, kind: .wrong)
            verdict.call = call
            describe(call, scenarios[call.scenario], given, into: &verdict)
            if got.count == want.count, verdict.quantity != nil, step != .oneExample, step != .batchEngine {
                describeDifference(got, want, columns: expected.columns, into: &verdict)
            }
            let made = "Your \(step.rawValue) is wrong on \(callName(call, scenarios)) when that call is made straight after \(callName(before, scenarios)); with other calls between the two, it was right."
            if let previous = record.second, sameBits(answer, previous), !sameBits(answer, expected) {
                verdict.diagnosis = [made + " It is exactly your answer to that call, whose inputs were different: a result kept from before (\(evidence.cacheKey(call, earlier: before))). Compute every answer from the call's own inputs."]
            } else if case .threw(let message) = answer {
                verdict.kind = .threw
                verdict.message = message
                verdict.diagnosis = ["Your \(step.rawValue) threw on \(callName(call, scenarios)) when that call is made straight after \(callName(before, scenarios)) (\(message)); with other calls between the two, it was right. So what it does depends on the call before it: something is kept from before (a cache, a global or static variable). Compute every answer from the call's own inputs."]
            } else {
                verdict.diagnosis = [made + " So the answer depends on the call before it (\(evidence.cacheKey(call, earlier: before))): something is kept from before (a cache, a global or static variable, a buffer reused without zeroing). Compute every answer from the call's own inputs."]
            }
            return verdict
        }
        return nil
    }
}

extension StudentCheck.Output {
    /// The columns of a matrix answer (nil for a vector or gradients): for naming an element [i, j].
    var columns: Int? {
        if case .matrix(let m) = self { return m.columns }
        return nil
    }
}
