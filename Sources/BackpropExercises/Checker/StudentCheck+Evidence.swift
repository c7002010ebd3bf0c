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
        /// What every call of the step returned, those after the failing one too (a call that stopped is not in it).
        var answers: [(call: Call, output: Output)] = []
        /// The calls of the step that stopped the program (a trap, an exit) before they returned.
        var stops: [Call] = []

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
                return before.count == values.count && before.isBitwise(values)
                    && (values.count != expected.count || !close(before, expected))
            }?.call
        }

        /// What an earlier call whose answer `call` returned again had in common with `call`: the inputs with the
        /// same values (what a cache was looked up by) and those that differ, as the words that finish "a result
        /// kept from before (…)".
        func cacheKey(_ call: Call, earlier: Call) -> String {
            let now = inputs(call), then = inputs(earlier)
            var same: [String] = [], differ: [String] = []
            func sort(_ name: String, _ equal: Bool) { if equal { same.append(name) } else { differ.append(name) } }
            for (a, b) in zip(now.matrices, then.matrices) {
                sort(a.name, a.value.rows == b.value.rows && a.value.columns == b.value.columns && a.value.elements == b.value.elements)
            }
            if let a = now.vector, let b = then.vector { sort(a.name, a.value == b.value) }
            if call.step == .oneExample || call.step == .batchEngine {
                let (n, e) = (scenarios[call.scenario].network, scenarios[earlier.scenario].network)
                sort("network (its weights and activations)", n.hidden == e.hidden && n.output == e.output
                     && n.layers.count == e.layers.count
                     && zip(n.layers, e.layers).allSatisfy { $0.weights.elements == $1.weights.elements && $0.biases == $1.biases })
            }
            func list(_ names: [String]) -> String {
                names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
            }
            if !same.isEmpty, !differ.isEmpty {
                return "that call had the same \(list(same)) as this one and another \(list(differ)): a cache whose key leaves out \(list(differ)) (looked up by \(list(same)), or by part of \(same.count == 1 ? "it" : "them")), where the answer depends on \(list(differ)) too"
            }
            let shapes = zip(now.matrices, then.matrices).allSatisfy { $0.value.rows == $1.value.rows && $0.value.columns == $1.value.columns }
            return shapes ? "its inputs had the same shapes and other values: a cache looked up by the shapes, or a stored matrix returned whatever the inputs"
                : "a stored result returned whatever the inputs"
        }

        /// What sets a call that never finished apart from every call before it that did, when it is exact 0s in
        /// an input (ReLU units that are off give them): a loop that stops advancing when it meets a 0.
        func firstZeros(_ call: Call) -> String? {
            let mine = inputs(call).matrices
            let finished = answers.map(\.call).filter { $0 != call }
            guard !finished.isEmpty else { return nil }
            for (index, input) in mine.enumerated() {
                let zeros = input.value.elements.filter { $0 == 0 }.count
                guard zeros > 0, finished.allSatisfy({ other in
                    let theirs = inputs(other).matrices
                    return index < theirs.count && !theirs[index].value.elements.contains(0)
                }) else { continue }
                return "This call's \(input.name) holds \(zeros) exact 0\(zeros == 1 ? "" : "s")\(step == .oneExample ? "" : " (units whose ReLU is off give them)"), and none of the \(finished.count) calls before it that finished had a 0 there: look for a loop that stops moving when it meets a 0 (a `continue` taken before the index's `+= 1`, or the `+= 1` inside an `if` on the value)."
            }
            return nil
        }

        /// " Your other calls … are right: …", when a reading of this call alone is contradicted by other calls that
        /// returned the right answer (a path of the code taken on some calls only); "" when there are none.
        func branchNote(_ call: Call) -> String {
            let others = answers.filter { $0.call != call }
            let right = others.filter { other, answer in
                let mine = flatten(answer), theirs = flatten(inputs(other).expected)
                return mine.count == theirs.count && close(mine, theirs)
            }
            guard !right.isEmpty else { return "" }
            let wrong = others.filter { o in !right.contains { $0.call == o.call } }.map(\.call) + [call]
            let one = wrong.allSatisfy { scenarios[$0.scenario].examples == 1 }
            return " Your answers on \(right.count) other call\(right.count == 1 ? "" : "s") are right\(one ? ", and every wrong one has a batch of one example (m = 1)" : ""): the code that does this runs on some calls only (an if, or a special case\(one ? " for one example" : "")); look there."
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

        /// Whether `mistake`, made in every call, gives the student's answer on every call that returned one.
        func reproducesAnswers(_ mistake: Mistake) -> Bool {
            answers.allSatisfy { call, answer in
                // Where the mistake cannot be made on a call's inputs, that call says nothing about it.
                guard let made = output(of: call, with: mistake) else { return true }
                let (mine, theirs) = (flatten(answer), flatten(made))
                // An answer of another size is compared by its shape, reported apart.
                return mine.count != theirs.count || close(mine, theirs)
            }
        }

        /// Whether on some call that returned an answer `mistake` makes one of another size than the student's, so
        /// that the answer there neither confirms nor refutes it (where it cannot be made at all, it makes no
        /// difference there, and the call is no evidence against it).
        func untested(_ mistake: Mistake) -> Bool {
            answers.contains { call, answer in
                // Made as an answer of another size than the student's, it is compared with nothing there.
                guard let made = output(of: call, with: mistake) else { return false }
                return flatten(made).count != flatten(answer).count
            }
        }

        /// Whether on some call that returned a wrong answer `mistake` cannot be made at all (a product of sizes
        /// that do not match): the student's code went wrong where the mistake's would have stopped, so the mistake
        /// is at most one reading of the calls where it can be made. (A mistake that makes no difference on a call,
        /// such as one over the examples when m = 1, is not made there either; the student's answer there is right.)
        func unmade(_ mistake: Mistake) -> Bool {
            answers.contains { call, answer in
                guard output(of: call, with: mistake) == nil else { return false }
                let (mine, right) = (flatten(answer), flatten(inputs(call).expected))
                return mine.count != right.count || !close(mine, right)
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
        /// say it. A pattern is read as one property of the scenarios (the hidden activation, the output layer, the
        /// depth, square weights, logits in the hundreds) only when every scenario ran and that property, and no
        /// other, separates the right ones from the wrong ones; the same network with one example and with several
        /// is compared on its own.
        func acrossScenarios(_ verdict: StepVerdict) -> [String] {
            if let name = verdict.mistake, let mistake = Mistake(rawValue: name), explainsPattern(mistake) { return [] }
            if verdict.namesSlip { return [] }
            var lines: [String] = []
            let outcome = scenarios.indices.map { passed($0) }
            let right = scenarios.indices.filter { outcome[$0] == true }
            let wrong = scenarios.indices.filter { outcome[$0] == false }
            func names(_ indices: [Int]) -> String {
                Array(Set(indices.map { scenarios[$0].network.sizeDescription })).sorted().joined(separator: " and ")
            }
            // The same network with one example and with several.
            let pairs = scenarios.indices.compactMap { one -> (Int, Int)? in
                guard scenarios[one].examples == 1,
                      let many = scenarios.indices.first(where: {
                          scenarios[$0].network == scenarios[one].network && scenarios[$0].examples > 1
                      })
                else { return nil }
                return (many, one)
            }
            if step != .forward, !verdict.explainsExampleCount,
               let (many, _) = pairs.first(where: { outcome[$0.0] == false && outcome[$0.1] == true }) {
                let sums = [Step.weightGradient, .biasGradient, .batchEngine].contains(step)
                lines.append("It is right for a batch of one example and wrong for the same network with m = \(scenarios[many].examples): something in it depends on the number of examples" + (sums
                    ? " (the sum over the examples, the rows, is not a plain sum of every row, or the mean is not 1/m of it\(step == .batchEngine ? "; or something done to the whole batch at once that belongs to each example's row alone" : ""))."
                    : "."))
            }
            guard !right.isEmpty, !wrong.isEmpty else { return lines }

            // Square weights: read even when a scenario stopped the run, since the first network that is not square
            // is often where a wrong index runs past its matrix.
            func square(_ s: Int) -> Bool { Set(scenarios[s].network.sizes).count == 1 }
            let ran = scenarios.indices.filter { outcome[$0] != nil }
            if right.allSatisfy(square), !wrong.contains(where: square), ran.filter(square) == right {
                lines.append("It is right only for \(names(right)), whose weight matrices are all square (h_{l−1} = h_l), and wrong for \(names(wrong)): something in your code holds only for square matrices (a size or an index of one dimension used for the other, rows for columns or h_{l+1} for h_l, or a check that assumes it).")
                return lines
            }
            guard outcome.allSatisfy({ $0 != nil }) else { return lines }

            // One property, and only one, that separates the right scenarios from the wrong ones.
            let properties: [(name: String, value: (Int) -> String, steps: Set<Step>)] = [
                ("hidden", { self.scenarios[$0].network.hidden.rawValue }, [.oneExample, .hiddenError, .batchEngine]),
                ("output", { self.scenarios[$0].network.output.activation.rawValue }, [.oneExample, .outputError, .batchEngine]),
                ("depth", { String(self.scenarios[$0].network.layerCount) }, [.oneExample, .batchEngine]),
                ("logits", { self.scenarios[$0].largeLogits ? "large" : "ordinary" }, Set(Step.allCases)),
                ("targets", { StudentCheck.oneHot(self.scenarios[$0].batch.targets) ? "one-hot" : "other" },
                 [.oneExample, .outputError, .batchEngine]),
            ]
            let separating = properties.filter { property in
                Set(right.map(property.value)).isDisjoint(with: Set(wrong.map(property.value)))
            }
            guard separating.count == 1, let property = separating.first, property.steps.contains(step) else { return lines }
            func values(_ indices: [Int]) -> [String] { Array(Set(indices.map(property.value))).sorted() }
            let (yes, no) = (values(right).joined(separator: " and "), values(wrong).joined(separator: " and "))
            let stops = verdict.kind == .crashed || verdict.kind == .timedOut
            // The hidden error is handed the activation as its `hidden` parameter; the other steps read the network's.
            let hidden = step == .hiddenError ? "hidden" : "network.hidden"
            switch property.name {
            case "hidden" where stops, "output" where stops:
                // A stop that depends on the activation is code that runs for one activation only, not a formula.
                let layers = property.name == "hidden" ? "hidden layers" : "output layer"
                lines.append("It runs to the end where the \(layers) \(property.name == "hidden" ? "are" : "is") \(yes) and stops where \(property.name == "hidden" ? "they are" : "it is") \(no): look for code that runs for one activation only (an if or a switch on \(property.name == "hidden" ? "network.hidden or on the `hidden` parameter" : "the output layer")).")
            case "hidden" where values(right) == ["relu"]:
                lines.append("It is right for the relu hidden layers only, and wrong for \(no): a σ or σ′ that is ReLU's where \(hidden)'s belongs? For ReLU, max(0, z), a σ′ of 0 or 1, σ′ taken of zˡ or of σ(aˡ), and σ′ multiplied in twice all give the right numbers; for the others they do not. Use \(step == .hiddenError ? "" : "σ = \(hidden).value(z) and ")σ′ = \(hidden).derivative(fromActivation: a), once.")
            case "hidden":
                lines.append("It is right for the \(yes) hidden layers and wrong for the \(no) ones: look for \(step == .hiddenError ? "a σ′" : "a σ or σ′") written for one activation where \(hidden)'s belongs (\(step == .hiddenError ? "" : "σ = \(hidden).value(z), ")σ′ = \(hidden).derivative(fromActivation: a)).")
            case "output" where step == .outputError:
                // The step is handed Aᴸ and Y alone: what differs between the output layers is the rows it gets.
                lines.append("It is right where the output layer is \(yes) and wrong where it is \(no). Your output error is not told which output layer it has; only its inputs differ: a softmax's rows of Aᴸ each sum to 1 and its targets here are one-hot, while a sigmoid's outputs are independent and its targets may have several 1s, fractions, or none. Look for code that holds for one kind of row only: Δᴸ = Aᴸ − Y element by element, for every output layer.")
            case "output":
                lines.append("It is right where the output layer is \(yes) and wrong where it is \(no): look for something written for one output layer where network.output's belongs (network.output.activation, network.output.outputError, network.output.loss).")
            case "targets" where values(right) == ["one-hot"]:
                lines.append("It is right wherever every target row is one-hot (one 1, the rest 0), and wrong on \(wrong.map { self.scenarios[$0].name }.joined(separator: "; ")), whose targets have rows with two 1s, fractions, and a row of 0s (valid targets for a sigmoid output, each output its own yes or no): look for what your code does differently when a target row is not one-hot (a branch on the row, its sum or its largest entry, a class label read from it, a rounding or a rescaling of it). Δᴸ = Aᴸ − Y holds for every target row.")
            case "depth":
                lines.append("It is right for the networks of \(yes) layers and wrong for those of \(no): a number of layers written into the code? Loop over l in 1...network.layerCount.")
            default:
                let saidAlready = verdict.maximumDifference.map { !$0.isFinite } ?? false
                var line = "It is right everywhere but on \(names(wrong)) with logits in the hundreds, where values are large and the outputs saturate (some Aᴸ are exactly 0 or 1)."
                // A program stopped by a check of the student's own is no overflow: the check is what to look at.
                let stopped = verdict.kind == .crashed || verdict.kind == .timedOut
                if !saidAlready, !stopped, [.oneExample, .batchEngine].contains(step) {
                    line += " There e^z overflows to infinity for z above 709 (and e^z for z below −745 is 0, whose logarithm is −infinity): subtract each row's maximum before the exponential (network.output.activation does), and take the loss from the logits (network.output.loss does)."
                } else {
                    line += " Look for what your code does differently with large values, or at 0 and 1 (a clip, a guard, a check of your own, a logarithm, a division)."
                }
                lines.append(line)
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
