import Backprop

extension StudentCheck {
    /// What the checker has seen of one step so far: the scenarios' reference passes, each call's outcome, and what
    /// each call returned. A failure is read against it: a wrong answer that repeats an earlier one is stale, a
    /// pattern of right and wrong across the scenarios says which ingredient is wrong.
    final class Evidence {
        let step: Step
        let scenarios: [Scenario]
        private var passes: [Int: MatrixForm.Pass<Double>] = [:]
        /// Whether each call so far was right.
        var outcomes: [Call: Bool] = [:]
        /// What each call so far returned (its first answer), in order.
        var returned: [(call: Call, output: Output)] = []

        init(step: Step, scenarios: [Scenario]) {
            self.step = step
            self.scenarios = scenarios
        }

        /// The reference pass of scenario `s`, made once.
        func pass(_ s: Int) -> MatrixForm.Pass<Double> {
            if let known = passes[s] { return known }
            let scenario = scenarios[s]
            let made = MatrixForm.pass(scenario.network, inputs: scenario.batch.inputs, targets: scenario.batch.targets)
            passes[s] = made
            return made
        }

        /// The inputs and the expected output of `call`.
        func inputs(_ call: Call) -> Inputs { StudentCheck.inputs(call, scenarios[call.scenario], pass: pass(call.scenario)) }

        /// The earlier call whose answer `got` repeats though it should differ: a result kept from before (a cache
        /// keyed by the shapes, a stored matrix returned again).
        func stale(_ got: Output, for call: Call) -> Call? {
            let values = flatten(got), expected = flatten(inputs(call).expected)
            return returned.last { earlier, output in
                let before = flatten(output)
                return before.count == values.count && before.isBitwise(values) && !close(before, expected)
            }?.call
        }

        /// Whether the step scenario `s` was given was right on every call (nil: not run).
        func passed(_ s: Int) -> Bool? {
            let mine = outcomes.filter { $0.key.scenario == s }.map(\.value)
            return mine.isEmpty ? nil : mine.allSatisfy { $0 }
        }

        /// Whether `mistake`, made in every call, would give the pattern of right and wrong calls seen: then the
        /// pattern says nothing the mistake's explanation does not.
        func explainsPattern(_ mistake: Mistake) -> Bool {
            outcomes.allSatisfy { call, right in
                guard let made = output(of: call, with: mistake) else { return right }
                return close(flatten(made), flatten(inputs(call).expected)) == right
            }
        }

        /// What `call` returns with `mistake` made (nil where the mistake cannot be made on these inputs).
        func output(of call: Call, with mistake: Mistake) -> Output? {
            let given = inputs(call), m = given.matrices.map(\.value), scenario = scenarios[call.scenario]
            switch call.step {
            case .forward: return mistake.forward(m[0], m[1], given.vector!.value).map(Output.matrix)
            case .outputError: return mistake.outputError(m[0], m[1], layer: scenario.network.output).map(Output.matrix)
            case .hiddenError: return mistake.hiddenError(m[0], m[1], m[2], scenario.network.hidden).map(Output.matrix)
            case .weightGradient: return mistake.weightGradient(m[0], m[1]).map(Output.matrix)
            case .biasGradient: return mistake.biasGradient(m[0]).map(Output.vector)
            case .oneExample, .batchEngine:
                let (x, y) = call.step == .oneExample
                    ? (exampleMatrix(scenario, call.index, targets: false), exampleMatrix(scenario, call.index, targets: true))
                    : (scenario.batch.inputs, scenario.batch.targets)
                let steps = mistake.steps.isEmpty ? [] : mistake.steps.isSuperset(of: [.weightGradient, .biasGradient])
                    ? Set([Step.weightGradient, .biasGradient]) : mistake.steps
                return mistake.gradients(scenario.network, inputs: x, targets: y, in: steps).map(Output.gradients)
            }
        }

        /// What the pattern of right and wrong scenarios says, where the named mistake (if any) does not already
        /// say it: right for one example and wrong for several; right for some hidden activations only.
        func acrossScenarios(_ verdict: StepVerdict) -> [String] {
            if let name = verdict.mistake, let mistake = Mistake(rawValue: name), explainsPattern(mistake) { return [] }
            var lines: [String] = []
            // The same network with m examples and with one: right with one and wrong with several is a sum over the
            // examples that is not one.
            let pairs = scenarios.indices.compactMap { one -> (Int, Int)? in
                guard scenarios[one].examples == 1,
                      let many = scenarios.indices.first(where: {
                          scenarios[$0].network == scenarios[one].network && scenarios[$0].examples > 1
                      })
                else { return nil }
                return (many, one)
            }
            if step != .forward, !verdict.explainsExampleCount,
               pairs.contains(where: { passed($0.0) == false && passed($0.1) == true }) {
                lines.append("It is right for a batch of one example and wrong for several of the same network: the sum over the examples (the rows) is not a plain sum of every row, or rows are mixed with one another.")
            }
            // Right exactly where every matrix is square: one dimension's size or index used for the other. This
            // is checked before the activations, because the square network has an activation of its own too.
            let rightScenarios = scenarios.indices.filter { passed($0) == true }
            let wrongScenarios = scenarios.indices.filter { passed($0) == false }
            func square(_ s: Int) -> Bool { Set(scenarios[s].network.sizes).count == 1 }
            if !rightScenarios.isEmpty, !wrongScenarios.isEmpty, rightScenarios.allSatisfy(square),
               !wrongScenarios.contains(where: square) {
                let names = rightScenarios.map { scenarios[$0].network.sizeDescription }
                lines.append("It is right only for \(Array(Set(names)).sorted().joined(separator: " and ")), whose weight matrices are all square (h_{l−1} = h_l), and wrong for the others: a size or an index of one dimension used for the other (rows for columns, h_{l+1} for h_l), which square matrices hide.")
            } else if [.oneExample, .hiddenError, .batchEngine].contains(step), verdict.kind == .wrong {
                // Right for one hidden activation and wrong for the others: a formula of that activation's.
                let right = Set(rightScenarios.map { scenarios[$0].network.hidden })
                let wrong = Set(wrongScenarios.map { scenarios[$0].network.hidden })
                if right == [.relu], !wrong.isEmpty, !wrong.contains(.relu) {
                    lines.append("It is right for the relu network and wrong for \(wrong.map(\.rawValue).sorted().joined(separator: " and ")). ReLU′ is 0 or 1, and ReLU leaves a positive input as it is, so many wrong forms of σ′ agree with it there, for example a 0-or-1 factor written by hand, σ′ taken of zˡ or of σ(aˡ) instead of aˡ, or σ′ multiplied in more than once (for ReLU, σ′ · σ′ = σ′). Multiply once by network.hidden.derivative(fromActivation: Aˡ[i, j]).")
                } else if !right.isEmpty, !wrong.isEmpty, right.isDisjoint(with: wrong) {
                    lines.append("It is right for the \(right.map(\.rawValue).sorted().joined(separator: " and ")) network\(right.count == 1 ? "" : "s") and wrong for \(wrong.map(\.rawValue).sorted().joined(separator: " and ")): look for a formula that holds for one activation only where the general one belongs (σ′ = network.hidden.derivative(fromActivation: a), σ = network.hidden.value(z)).")
                }
            }
            // Right for the networks of one depth only: a number of layers written into the code.
            let rightDepths = Set(scenarios.indices.filter { passed($0) == true }.map { scenarios[$0].network.layerCount })
            let wrongDepths = Set(scenarios.indices.filter { passed($0) == false }.map { scenarios[$0].network.layerCount })
            if step == .oneExample || step == .batchEngine,
               rightDepths.count == 1, !wrongDepths.isEmpty, rightDepths.isDisjoint(with: wrongDepths) {
                lines.append("It is right for the networks of \(rightDepths.first!) layers and not for \(wrongDepths.sorted().map(String.init).joined(separator: " or ")): a number of layers written into the code? Loop over l in 1...network.layerCount.")
            }
            // Wrong only where the logits are in the hundreds: an exponential or a logarithm that overflows.
            let large = scenarios.indices.filter { scenarios[$0].largeLogits }
            let ordinary = scenarios.indices.filter { !large.contains($0) }
            let saidAlready = verdict.maximumDifference.map { !$0.isFinite } ?? false
            if !saidAlready, !large.isEmpty, large.contains(where: { passed($0) == false }),
               ordinary.allSatisfy({ passed($0) != false }) {
                lines.append("It is right everywhere but where the logits are in the hundreds: e^z overflows to infinity for z above 709 (and e^z for z below −745 is 0, whose logarithm is −infinity). Subtract each row's maximum before the exponential (network.output.activation does), and take the loss from the logits (network.output.loss does).")
            }
            return lines
        }

        /// For a failure whose message names shapes: a number of rows that is an earlier call's number of examples
        /// and not this call's is something kept from before.
        func keptFromBefore(_ message: String, call: Call) -> [String] {
            // Only an engine is handed the batch whose rows an earlier call's matrices would have.
            guard step == .batchEngine else { return [] }
            let m = scenarios[call.scenario].examples
            let earlier = Set(returned.map { scenarios[$0.call.scenario].examples }).subtracting([m])
            let rows = message.matches(of: /\[(\d+), \d+\]/).compactMap { Int($0.1) }
            guard let stale = rows.first(where: { earlier.contains($0) }) else { return [] }
            return ["A matrix in that message has \(stale) rows, the examples of an earlier call, where this call has \(m): something is kept from before (a global or static array that keeps the earlier call's matrices). Start every call from scratch."]
        }
    }

}

extension StudentCheck {
    /// Example `row` of the scenario's batch as a one-row matrix.
    static func exampleMatrix(_ scenario: Scenario, _ row: Int, targets: Bool) -> Matrix<Double> {
        let values = targets ? scenario.batch.targets.row(row) : scenario.batch.inputs.row(row)
        return Matrix(rows: 1, columns: values.count, elements: values)
    }
}
