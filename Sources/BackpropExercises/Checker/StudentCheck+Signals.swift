import Backprop
import Foundation

extension StudentCheck {
    /// How the child process stopped, as the supervisor saw it.
    public struct Crash: Sendable {
        public var timedOut: Bool
        /// The time limit, when it was exceeded.
        public var seconds: Double?
        /// "illegal instruction (a trap)", "segmentation fault", …
        public var signal: String?
        /// The Swift runtime's message: "Fatal error: Index out of range".
        public var message: String?
        /// The student's file and line, from the backtrace: "HiddenError.swift:23", and the student's line that
        /// called it, when the backtrace shows one: "BatchEngine.swift:40".
        public var location: String?
        public var calledFrom: String?
        /// The text of the student's line at `location`, when its file can be read.
        public var sourceLine: String?
        /// A function the backtrace shows calling itself over and over: a recursion without end.
        public var recursion: String?
        /// The status the program ended with when the student's code ended it (`exit(0)`, `exit(1)`) in a call.
        public var exitStatus: Int32?

        public init(timedOut: Bool, seconds: Double? = nil, signal: String? = nil, message: String? = nil,
                    location: String? = nil, calledFrom: String? = nil, recursion: String? = nil,
                    exitStatus: Int32? = nil) {
            self.timedOut = timedOut
            self.seconds = seconds
            self.signal = signal
            self.message = message
            self.location = location
            self.calledFrom = calledFrom
            self.recursion = recursion
            self.exitStatus = exitStatus
        }
    }

    /// A crash or a timeout during `call`, explained with the shapes in play.
    static func diagnose(_ crash: Crash, call: Call, scenario: Scenario, inputs: Inputs, into verdict: inout StepVerdict) {
        verdict.message = crash.message
        verdict.location = crash.location
        verdict.sourceLine = crash.sourceLine
        let shapes = verdict.shapes.joined(separator: ", ")
        if crash.timedOut {
            verdict.diagnosis = [crash.location.map { place in
                "Your \(call.step.rawValue) did not finish within \(scenarioSeconds(crash.seconds)) on \(shapes): when it was stopped it was running \(place), inside a loop that does not end (this line's, or one around it). A while loop ends only if its condition becomes false: check that every pass through it moves its index (or whatever the condition reads) toward the end, on every path through the body (a continue that skips the increment, or an increment under an if that is never true)."
            } ?? "Your \(call.step.rawValue) did not finish within \(scenarioSeconds(crash.seconds)) on \(shapes): an endless loop? (a while loop whose index never advances on some path through its body, such as a continue that skips the increment or an increment under an if that is never true, or a loop over a count that keeps growing)."]
            return
        }
        if let status = crash.exitStatus {
            verdict.message = "exit(\(status))"
            verdict.diagnosis = ["Your \(call.step.rawValue) called exit(\(status)) in the middle of a call (with \(shapes)): that ends the whole program, so the checker got no answer. These inputs are valid, so if the exit ends a check of your own, the check is wrong. Remove the exit; a step ends by returning its result (to stop early on a problem, throw an error)."]
            return
        }
        var where_ = crash.location.map { " at \($0)" } ?? ""
        if let caller = crash.calledFrom { where_ += ", called from \(caller)" }
        if let function = crash.recursion {
            // Steps handed the network recurse over its layers; the matrix steps over rows, columns or a range.
            let progress = [.oneExample, .batchEngine].contains(call.step)
                ? "for layers, l + 1 moves toward L, l − 1 toward 1"
                : "for a range lo..<hi, every call must get a smaller one: a split at mid = (lo + hi) / 2 leaves a range of one element as it was, so that range needs a case of its own"
            verdict.diagnosis = ["Your \(call.step.rawValue) stopped the program\(where_): \(function) calls itself without end, until the stack overflowed (the line where it stopped is only where the stack ran out). A recursion ends only if it has a case that returns without calling itself and every call moves toward that case: check both (\(progress))."]
            return
        }
        var lines = ["Your \(call.step.rawValue) stopped the program\(where_): \(crash.message ?? crash.signal ?? "a trap"), with \(shapes)."]
        let message = crash.message ?? ""
        let handedNetwork = call.step == .oneExample || call.step == .batchEngine
        if let outside = outsideIndex(message, inputs: inputs, network: handedNetwork ? scenario.network : nil) {
            lines.append(outside)
        } else if runtimeIndexMessages.contains(where: message.hasSuffix) || message.contains("has no element") {
            lines.append(indexHint(call, scenario))
        } else if message.contains("nil") {
            lines.append("A force-unwrapped optional was nil (`!`).")
        } else if message.contains("overflow") || message.contains("Division by zero") {
            lines.append("An integer operation overflowed or divided by zero: check the index arithmetic and the sizes you divide by.")
        } else if message.contains("elements cannot fill") {
            lines.append("A Matrix(rows:columns:elements:) was given a number of elements that is not rows × columns.")
        } else if !message.isEmpty, !runtimeMessages.contains(where: message.contains) {
            lines.append("If that message is your own (a fatalError, precondition or assert of yours), its condition is wrong: these inputs are valid, so the step must not stop on them.")
        }
        verdict.diagnosis = lines
    }

    /// The Swift runtime's words for an index out of range (a student's own message may say "out of range" too).
    static let runtimeIndexMessages = ["Index out of range", "Array index is out of range", "Range out of bounds",
                                       "String index is out of bounds"]

    /// Messages of the Swift runtime and of the library, as opposed to a student's own fatalError or precondition.
    static let runtimeMessages = ["Index out of range", "index is out of range", "Range out of bounds", "has no element", "nil", "overflow", "Division by zero", "elements cannot fill",
                                  "lowerBound", "upperBound", "Range requires", "Not enough bits", "Negative count",
                                  "Can't construct", "cannot be", "Double value cannot", "Float value cannot"]

    /// For a `Matrix` index outside its matrix ("Matrix [5, 3] has no element [2, 4]: …"), which of the call's
    /// matrices has that shape (the inputs by name, the result by what it is) and which index ran past which bound.
    /// With `guess` false, only which index ran past which bound, without the usual causes.
    static func outsideIndex(_ message: String, inputs: Inputs, network: Network<Double>? = nil, guess: Bool = true) -> String? {
        let numbers = message.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        guard message.contains("has no element"), numbers.count >= 4 else { return nil }
        let (rows, columns, i, j) = (numbers[0], numbers[1], numbers[2], numbers[3])
        var names = inputs.matrices.filter { $0.value.rows == rows && $0.value.columns == columns }.map(\.name)
        // A step handed the whole network (the one-example step, the engine) reads its weight matrices too.
        if let network, !message.contains("to store into") {
            names += network.layers.indices.filter { network.layers[$0].weights.rows == rows && network.layers[$0].weights.columns == columns }
                .map { "W\(sup($0 + 1)) (network.layers[\($0)].weights)" }
        }
        if !names.isEmpty {
            // A matrix of the student's own can have an input's shape (a result made with it).
            names.append("a matrix of yours made with that shape")
        }
        var which = names.isEmpty ? "a matrix of your own" : names.joined(separator: " or ")
        if message.contains("to store into") {
            which = "the matrix your code was storing into (one of yours, made with this shape)"
        }
        var bounds: [String] = []
        if i >= rows || i < 0 { bounds.append("its row index \(i) runs past its \(rows) rows (0..<\(rows))") }
        if j >= columns || j < 0 { bounds.append("its column index \(j) runs past its \(columns) columns (0..<\(columns))") }
        let onePast = (i == rows && j < columns) || (j == columns && i < rows)
        let fact = "The index [\(i), \(j)] is outside \(which) [\(rows), \(columns)]: \(bounds.joined(separator: ", and "))."
        // A write into a matrix of one's own that the index fits once its rows and columns are swapped: the matrix
        // was made with the wrong shape (an input's, or the result's transposed), not filled by a wrong loop.
        if message.contains("to store into"), rows != columns, i >= 0, j >= 0, i < columns, j < rows {
            let result: String
            if case .matrix(let e) = inputs.expected, e.rows == columns, e.columns == rows {
                result = ", the shape your result must have, [\(e.rows), \(e.columns)]"
            } else {
                result = ""
            }
            return fact + " The index fits a [\(columns), \(rows)] matrix\(result): the matrix it stores into was made with its rows and columns swapped (Matrix(rows: …, columns: …) given the other count first, or an input's shape copied where its transpose belongs); the loops that fill it are the ones to keep."
        }
        guard guess else { return fact }
        return fact + (onePast
            ? " It is one past the last: a closed range 0...n where 0..<n belongs, a loop over another, larger size, or an index advanced in the wrong loop (with while loops, its += 1 inside the loop over another index)?"
            : " A loop over the wrong size, or the two indices swapped?")
    }

    static func scenarioSeconds(_ seconds: Double?) -> String {
        seconds.map { String(format: "%g s", $0) } ?? "the time limit"
    }

    /// The likely mistake behind an index out of range in `call`'s step, from the shapes of its operands.
    static func indexHint(_ call: Call, _ scenario: Scenario) -> String {
        let h = scenario.network.sizes, m = scenario.examples, l = call.index
        switch call.step {
        case .forward:
            return "W\(sup(l)) is [h_{l−1}, h_l] = [\(h[l - 1]), \(h[l])]: Zˡ[i, j] = b[j] + Σₖ A[i, k] W[k, j] with k < \(h[l - 1]) (the inputs) and j < \(h[l]) (the units). An index built for the other dimension runs past when the layer is not square: j up to A.columns (h_{l−1}) where Zˡ and b have h_l columns, W[j, k] for W[k, j], or a flat index into W.elements that steps by W.rows where each row is W.columns long (a Matrix is stored row after row)."
        case .outputError:
            return "Aᴸ and Y are both [m, c] = [\(m), \(h[h.count - 1])]: index them [i, j] with i < \(m) and j < \(h[h.count - 1])."
        case .hiddenError:
            return "W\(sup(l + 1)) is [h_l, h_{l+1}] = [\(h[l]), \(h[l + 1])]: Δˡ[i, j] = Σₖ Δˡ⁺¹[i, k] W[j, k] with j < \(h[l]) and k < \(h[l + 1]). The usual slip is W[k, j] for W[j, k], the transpose of what the note writes (Wˡ⁺¹ δˡ⁺¹ for one example), which runs past W when it is not square."
        case .weightGradient:
            return "∂W\(sup(l)) is [h_{l−1}, h_l] = [\(h[l - 1]), \(h[l])], a sum over the m = \(m) rows: ∂W[k, j] = (1/m) Σᵢ A[i, k] Δ[i, j], with A [\(m), \(h[l - 1])] and Δ [\(m), \(h[l])]. An index runs past a matrix when it was built for another dimension: ∂W[j, k] for ∂W[k, j], a loop over the wrong size, or a flat index (row · columns + column) made with the other dimension, in the step or in a helper it calls (a transpose or a product of your own)."
        case .biasGradient:
            return "∂b\(sup(l)) has h_l = \(h[l]) numbers (delta.columns), one per unit, each the sum down a column of Δ [\(m), \(h[l])]: a size or an index taken from the examples (delta.rows, m = \(m)) where the units belong runs past it or leaves it short."
        case .oneExample:
            let sizes = "For one example, aˡ⁻¹ has h_{l−1} numbers, δˡ has h_l, and Wˡ is [h_{l−1}, h_l] (sizes \(h.map(String.init).joined(separator: "-"))): zⱼ = bⱼ + Σₖ W[k, j] aₖ and (Wˡ⁺¹ δˡ⁺¹)ⱼ = Σₖ W[j, k] δₖ."
            // Every layer the same width: no index into a layer's vectors or W ran past for being transposed.
            if Set(h).count == 1 {
                return sizes + " Every layer here has \(h[0]) units, so no transposed index ran past a vector or a W: an index over the layers did. There are L = \(h.count - 1) layers, network.layers[0..<L] (layer l is network.layers[l − 1]), and the activations a[0...L] (a[0] = x): check each layer index against these."
            }
            return sizes + " A transposed index runs past a layer that is not square; an index over the layers runs past network.layers (0..<L) or the activations (0...L)."
        case .batchEngine:
            return "An index in your engine ran past its array or matrix. Check each index against what it counts: the examples are X.rows (m), the layers 1...network.layerCount; layer l's input is A[l − 1], its weights network.layers[l − 1], and the hidden error of layer l needs the weights above it, network.layers[l]."
        }
    }

    /// Checks the output's shape against the expected one; on a mismatch, says what it is and returns false.
    static func shapeProblem(_ got: Output, _ expected: Output, call: Call, scenario: Scenario, inputs: Inputs? = nil,
                             evidence: Evidence? = nil, into verdict: inout StepVerdict) -> Bool {
        verdict.expectedShape = shapeName(expected)
        verdict.gotShape = shapeName(got)
        let m = scenario.examples, h = scenario.network.sizes, l = call.index
        switch (got, expected) {
        case (.matrix(let g), .matrix(let e)):
            if g.rows == e.rows && g.columns == e.columns { return true }
            if g.rows == e.columns && g.columns == e.rows {
                verdict.diagnosis = ["Your \(quantityName(call)) is \(g.shapeDescription), the transpose of \(e.shapeDescription). " + transposeHint(call, transposed: true)]
            } else {
                var difference = ""
                if g.columns == e.columns, abs(g.rows - e.rows) == 1 { difference = " It has one row too \(g.rows > e.rows ? "many" : "few")." }
                if g.rows == e.rows, abs(g.columns - e.columns) == 1 { difference = " It has one column too \(g.columns > e.columns ? "many" : "few")." }
                verdict.diagnosis = ["Your \(quantityName(call)) is \(g.shapeDescription) but it must be \(e.shapeDescription).\(difference) " + transposeHint(call, transposed: false)]
                if let earlier = evidence?.stale(got, for: call) {
                    verdict.diagnosis = ["Your \(quantityName(call)) is \(g.shapeDescription) where it must be \(e.shapeDescription), and it is exactly the answer you returned for \(callName(earlier, evidence!.scenarios)), whose inputs were different: a result kept from before (\(evidence!.cacheKey(call, earlier: earlier))). Compute every answer from the call's own inputs."]
                }
            }
            return false
        case (.vector(let g), .vector(let e)):
            if g.count == e.count { return true }
            let delta = inputs?.matrices.first?.value
            let overUnits = delta.flatMap { Mistake.biasSummedOverUnits.biasGradient($0) }.map { close(g, $0) } ?? false
            if call.step == .biasGradient && g.count == m && overUnits {
                verdict.diagnosis = ["Your ∂b\(sup(l)) has \(g.count) numbers, one per example, but b\(sup(l)) has \(e.count), one per unit: it summed each example's row (over the units). " + Mistake.biasSummedOverUnits.explanation]
            } else if call.step == .biasGradient && g.count == m {
                verdict.diagnosis = ["Your ∂b\(sup(l)) has \(g.count) numbers, as many as the examples (delta.rows, m = \(m)), but b\(sup(l)) has \(e.count), one per unit (delta.columns, h_l): the size of the result, or the loop that fills it, is taken from delta.rows where delta.columns belongs."]
            } else {
                verdict.diagnosis = ["Your ∂b\(sup(l)) has \(g.count) numbers but b\(sup(l)) has \(e.count) (h_l, one per unit)."]
            }
            return false
        case (.gradients(let g), .gradients(let e)):
            guard g.layers.count == e.layers.count else {
                verdict.diagnosis = ["Your gradients have \(g.layers.count) layers; the network has \(e.layers.count) (one ∂W and one ∂b per layer)."]
                return false
            }
            for index in stride(from: e.layers.count - 1, through: 0, by: -1) {
                let (gl, el) = (g.layers[index], e.layers[index]), layer = index + 1
                if gl.weights.rows != el.weights.rows || gl.weights.columns != el.weights.columns {
                    verdict.quantity = "∂W\(sup(layer))"
                    (verdict.expectedShape, verdict.gotShape) = (el.weights.shapeDescription, gl.weights.shapeDescription)
                    var text = "Your ∂W\(sup(layer)) is \(gl.weights.shapeDescription) but W\(sup(layer)) is \(el.weights.shapeDescription)."
                    if gl.weights.rows * gl.weights.columns == 1 && gl.weights.elements == [0] {
                        text = "Your layer \(layer) was never filled in: its ∂W is the 1 × 1 placeholder. The backward loop leaves before it stores layer \(layer)'s gradients: a loop that ends too early (stride(from: L, to: 1, by: -1) ends at 2; through: 1 includes layer 1), or a guard, break or return placed before layer \(layer)'s gradients are stored."
                    } else if gl.weights.rows == el.weights.columns && gl.weights.columns == el.weights.rows {
                        text += " It is transposed: the note's Wˡ is input × output, so ∂Wˡ = aˡ⁻¹ (δˡ)ᵀ is [h_{l−1}, h_l]."
                    } else if gl.weights.rows == h[layer] && gl.weights.columns == el.weights.columns {
                        text += " Its rows count the layer's own units: " + Mistake.activationInsteadOfInput.explanation
                    }
                    verdict.diagnosis = [text]
                    return false
                }
                if gl.biases.count != el.biases.count {
                    verdict.quantity = "∂b\(sup(layer))"
                    (verdict.expectedShape, verdict.gotShape) = ("[\(el.biases.count)]", "[\(gl.biases.count)]")
                    verdict.diagnosis = [gl.biases.count == m && call.step == .batchEngine
                        ? "Your ∂b\(sup(layer)) has \(gl.biases.count) numbers, one per example, but b\(sup(layer)) has \(el.biases.count), one per unit. " + Mistake.biasSummedOverUnits.explanation
                        : "Your ∂b\(sup(layer)) has \(gl.biases.count) numbers but b\(sup(layer)) has \(el.biases.count)."]
                    return false
                }
            }
            return true
        default:
            verdict.diagnosis = ["Your \(call.step.rawValue) returned \(shapeName(got)) where \(shapeName(expected)) belongs."]
            return false
        }
    }

    /// What the step's result's shape is, in words of what its rows and columns count.
    static func shapeReason(_ step: Step) -> String {
        switch step {
        case .biasGradient: "∂bˡ has one number per unit of the layer, h_l: the mean over the examples (down each column of Δˡ, over its m rows), not over the units of a row."
        case .weightGradient: "∂Wˡ has the shape of Wˡ, [h_{l−1}, h_l]: (Aˡ⁻¹)ᵀ Δˡ sums over the m examples."
        case .forward: "Zˡ has one row per example and one column per unit: [m, h_l]."
        case .outputError: "Δᴸ has the shape of Aᴸ and Y: [m, c]."
        case .hiddenError: "Δˡ has one row per example and one column per unit of layer l: [m, h_l]."
        default: ""
        }
    }

    /// What the step's result's shape is, and why; with `transposed`, which product gives its transpose.
    static func transposeHint(_ call: Call, transposed: Bool = true) -> String {
        switch call.step {
        case .forward: "Zˡ = Aˡ⁻¹ Wˡ + bˡ has one row per example and one column per unit: [m, h_{l−1}] · [h_{l−1}, h_l]."
        case .outputError: "Δᴸ has the shape of Aᴸ and Y: [m, c]."
        case .hiddenError: "Δˡ has one row per example and one column per unit of layer l: [m, h_{l+1}] · [h_{l+1}, h_l]."
        case .weightGradient: "∂Wˡ has the shape of Wˡ, [h_{l−1}, h_l]: (Aˡ⁻¹)ᵀ Δˡ is [h_{l−1}, m] · [m, h_l]" + (transposed ? ", not (Δˡ)ᵀ Aˡ⁻¹." : ".")
        default: ""
        }
    }

    /// Wrong values of the right shape: where, how much, and what the evidence says, most specific first: an
    /// answer kept from an earlier call, an input returned as it was, a known mistake reproduced, a transpose, then
    /// the relations between the wrong and the right elements.
    static func diagnoseValues(_ output: Output, call: Call, scenario: Scenario, inputs: Inputs, evidence: Evidence,
                               into verdict: inout StepVerdict) {
        if case .gradients(let got) = output, case .gradients(let expected) = inputs.expected {
            diagnoseGradients(got, expected, call: call, scenario: scenario, evidence: evidence, into: &verdict)
            return
        }
        let (got, expected) = (flatten(output), flatten(inputs.expected))
        let columns: Int? = if case .matrix(let e) = inputs.expected { e.columns } else { nil }
        describeDifference(got, expected, columns: columns, into: &verdict)
        var lines: [String] = []
        if let earlier = evidence.stale(output, for: call) {
            lines.append("Your answer is exactly the one you returned for \(callName(earlier, evidence.scenarios)), whose inputs were different: a result kept from before (\(evidence.cacheKey(call, earlier: earlier))). Compute every answer from the call's own inputs.")
        } else if let line = evidence.keptInput(output, for: call) {
            lines.append(line)
        } else if let line = reluZero(got, expected, call: call, scenario: scenario, inputs: inputs) {
            lines.append(line)
        } else if let name = returnedInput(output, inputs: inputs) {
            lines.append("Your \(call.step.rawValue) returned its input \(name) unchanged: compute the result into a new matrix and return that.")
        } else if let (mistake, factor) = reproduced(output, call: call, scenario: scenario, inputs: inputs),
                  // A known mistake read off this call alone gives way to one slip that gives every call's answer.
                  // and one that the other calls' answers refute is no reading at all.
                  factor == nil
                      ? evidence.reproducesAnswers(mistake)
                        // A mistake that makes an answer of another size on some calls, or none at all where the
                        // student's code returned one, is not tested there: one slip that gives every call's answer
                        // says more.
                        // A sum's mistake (it could be any step's sum) gives way in the same way: the slip
                        // names this step's sum and nothing else.
                        && !((evidence.untested(mistake) || evidence.unmade(mistake) || mistake.isAnySum)
                             && slip(call, got: output, crash: nil, evidence: evidence) != nil)
                      : slip(call, got: output, crash: nil, evidence: evidence) == nil {
            verdict.mistake = mistake.rawValue
            lines.append(factor.map { "Likely mistake, with a factor of \($0) besides (your values are \($0) times what it gives): " }
                         ?? "Likely mistake: ")
            lines[lines.count - 1] += mistake.explanation
        } else if let other = evidence.answers.first(where: { $0.call != call
                      && flatten($0.output).count != flatten(evidence.inputs($0.call).expected).count }) {
            // Right-shaped here, wrong-shaped on another call: the shape there says more than the values here.
            let theirs = evidence.inputs(other.call).expected
            var transposed = false
            if case .matrix(let g) = other.output, case .matrix(let e) = theirs, g.rows == e.columns, g.columns == e.rows { transposed = true }
            lines.append("Your \(quantityName(call)) has the right shape here only because these sizes coincide: on \(callName(other.call, evidence.scenarios)) it is \(shapeName(other.output))\(transposed ? ", the transpose of" : " where it must be") \(shapeName(theirs)). " + (transposed ? transposeHint(call) : shapeReason(call.step)))
        } else if let line = slip(call, got: output, crash: nil, evidence: evidence) {
            // Before a reading of this call alone (an input read another way, the transpose of a square result):
            // one slip that gives every call's answer, and stops where the code stopped, says which loop.
            lines.append(line)
            verdict.namesSlip = true
        } else if let line = flatWalk(got, call: call, evidence: evidence) {
            lines.append(line)
            verdict.namesSlip = true
        } else if let line = rereadInput(output, call: call, scenario: scenario, inputs: inputs) {
            lines.append(line + evidence.branchNote(call))
        } else if case .matrix(let g) = output, case .matrix(let e) = inputs.expected, g.rows == g.columns,
                  close(g.elements, e.transposed.elements) {
            lines.append("Your \(quantityName(call)) is the transpose of the right one (the shapes could not tell: it is square). " + transposeHint(call))
        } else {
            var found = relations(got, expected, call: call, scenario: scenario, inputs: inputs, columns: columns)
            // A formula the numbers fit says more than which rows or columns are wrong.
            if found.allSatisfy({ $0.hasPrefix("Only ") || $0.hasPrefix("Every wrong element of yours is exactly 0") || $0.contains(", never written, and the others are right: the loop over the") }),
               let line = fingerprint(got, expected, call: call, scenario: scenario, inputs: inputs, columns: columns,
                                      evidence: evidence) {
                found = [line]
            }
            if found.first?.hasPrefix("Every element of your result is 0") == true, let line = integerMean(call, evidence: evidence) {
                found = [line]
                verdict.namesSlip = true
            }
            verdict.explainsExampleCount = found.contains { mDependent($0) }
            lines += found
        }
        if lines.isEmpty {
            lines.append("Compare your code with the equation, \(call.step.equation), on the first wrong element" + (firstElementInputs(verdict.firstIndex, call: call, inputs: inputs).map { ": \($0)" } ?? "."))
        }
        verdict.diagnosis = lines
    }

    /// A mean step whose answers are all 0 wherever m > 1 and right where m = 1: 1/m computed in integers, which
    /// is 0 for every m above 1 and 1 for m = 1. Nil unless every answer says so and a batch of one is among them.
    static func integerMean(_ call: Call, evidence: Evidence) -> String? {
        guard call.step == .weightGradient || call.step == .biasGradient else { return nil }
        var sawOne = false
        for (other, output) in evidence.answers {
            let expected = flatten(evidence.inputs(other).expected), got = flatten(output)
            guard got.count == expected.count else { return nil }
            if evidence.scenarios[other.scenario].examples == 1 {
                guard close(got, expected) else { return nil }
                sawOne = true
            } else if !got.allSatisfy({ $0 == 0 }) || !expected.contains(where: { $0 != 0 }) {
                return nil
            }
        }
        guard sawOne else { return nil }
        return "Every element of your result is 0 on every batch of more than one example, and right on the batch of one (m = 1): the mean's 1/m is computed in integers, 1 / m with an Int m, which is 0 for every m above 1 and 1 for m = 1. Write 1.0 / Double(m)."
    }

    /// Whether a relation's line names a factor that is 1 when m = 1 (m, 1/m, m/(m − 1), a 1/m computed in integers,
    /// a sum instead of a mean): such a line already says why one example is right and several are not.
    static func mDependent(_ line: String) -> Bool {
        ["times the right one: the 1/m", "of the right one: the 1/m", "m = ", "1/m = ", "m/(m − 1)", "1 / m with an Int m",
         "SUM of the examples"].contains { line.contains($0) } && !line.hasPrefix("Every element is off by")
    }

    /// "layer 2 of 5-5-5-5, sigmoid → softmax + cross-entropy, m = 5": where a call ran.
    static func callName(_ call: Call, _ scenarios: [Scenario]) -> String {
        let what = switch call.step {
        case .oneExample: "example \(call.index)"
        case .outputError, .batchEngine: "the batch"
        default: "layer \(call.index)"
        }
        return "\(what) of \(scenarios[call.scenario].name)"
    }

    /// The largest difference, the first differing element and a few entries: the first wrong element (the one the
    /// advice points to) and the two largest differences.
    static func describeDifference(_ got: [Double], _ expected: [Double], columns: Int?, into verdict: inout StepVerdict) {
        func place(_ i: Int) -> String { columns.map { "[\(i / $0), \(i % $0)]" } ?? "[\(i)]" }
        let wrong = wrongIndices(got, expected)
        let differences = wrong.map { abs(got[$0] - expected[$0]) }
        // A NaN anywhere is said as NaN (not as infinity): it is what the student will find when printing.
        verdict.maximumDifference = differences.contains { $0.isNaN } ? .nan
            : differences.contains { $0.isInfinite } ? .infinity : differences.max()
        verdict.firstIndex = wrong.first.map(place)
        let largest = wrong.sorted { abs(got[$0] - expected[$0]) > abs(got[$1] - expected[$1]) }
        let worst = Array(Set(wrong.prefix(1) + largest.filter { $0 != wrong.first }.prefix(2))).sorted()
        verdict.samples = worst.map { "\(place($0))  expected \(number(expected[$0]))  got \(number(got[$0]))" }
    }

    static func number(_ x: Double) -> String { x == 0 ? "0" : String(describing: x) }

    /// The numbers that go into the first wrong element, from the call's inputs, so that it can be worked by hand.
    static func firstElementInputs(_ index: String?, call: Call, inputs: Inputs) -> String? {
        let parts = (index ?? "").split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
        func row(_ m: Matrix<Double>, _ i: Int) -> String { "[" + m.row(i).map(number).joined(separator: ", ") + "]" }
        func column(_ m: Matrix<Double>, _ j: Int) -> String { "[" + (0..<m.rows).map { number(m[$0, j]) }.joined(separator: ", ") + "]" }
        let m = inputs.matrices.map(\.value)
        switch (call.step, parts.count) {
        case (.forward, 2):
            let (i, j) = (parts[0], parts[1])
            return "Z[\(i), \(j)] = b[\(j)] + Σₖ A[\(i), k] W[k, \(j)] with b[\(j)] = \(number(inputs.vector!.value[j])), row \(i) of A = \(row(m[0], i)), column \(j) of W = \(column(m[1], j))"
        case (.hiddenError, 2):
            let (i, j) = (parts[0], parts[1])
            return "Δ[\(i), \(j)] = (Σₖ Δ⁺[\(i), k] W[\(j), k]) · σ′ with A[\(i), \(j)] = \(number(m[2][i, j])), row \(i) of Δ⁺ = \(row(m[0], i)), row \(j) of W = \(row(m[1], j))"
        case (.weightGradient, 2):
            let (k, j) = (parts[0], parts[1])
            return "∂W[\(k), \(j)] = (1/m) Σᵢ A[i, \(k)] Δ[i, \(j)] with column \(k) of A = \(column(m[0], k)), column \(j) of Δ = \(column(m[1], j))"
        case (.biasGradient, 1):
            return "∂b[\(parts[0])] = (1/m) Σᵢ Δ[i, \(parts[0])] with column \(parts[0]) of Δ = \(column(m[0], parts[0]))"
        case (.outputError, 2):
            let (i, j) = (parts[0], parts[1])
            return "Δ[\(i), \(j)] = A[\(i), \(j)] − Y[\(i), \(j)] = \(number(m[0][i, j])) − \(number(m[1][i, j]))"
        default:
            return nil
        }
    }

    /// The step's known mistake that reproduces `output`, if any: each of the step's mistakes made on the call's
    /// own inputs (Mistake+Steps.swift), in the catalogue's order.
    /// When none does exactly, one that does up to a factor of m or 1/m (a mean taken once too often or too few
    /// times on top of it), with that factor.
    static func reproduced(_ output: Output, call: Call, scenario: Scenario, inputs: Inputs) -> (Mistake, factor: String?)? {
        let got = flatten(output), m = inputs.matrices.map(\.value)
        func variant(_ mistake: Mistake) -> [Double]? {
            switch call.step {
            case .forward: mistake.forward(m[0], m[1], inputs.vector!.value)?.elements
            case .outputError: mistake.outputError(m[0], m[1], layer: scenario.network.output)?.elements
            case .hiddenError: mistake.hiddenError(m[0], m[1], m[2], scenario.network.hidden)?.elements
            case .weightGradient: mistake.weightGradient(m[0], m[1])?.elements
            case .biasGradient: mistake.biasGradient(m[0])
            case .oneExample, .batchEngine: nil
            }
        }
        let expected = flatten(inputs.expected)
        let examples = Double(scenario.examples)
        let factors: [(String?, Double)] = [(nil, 1)] + (examples > 1 ? [("1/m", 1 / examples), ("m", examples)] : [])
        for (name, factor) in factors {
            // A mistake that changes nothing in this call cannot be told apart from the right answer.
            let found = Mistake.allCases.first { mistake in
                guard mistake.steps.contains(call.step), let made = variant(mistake), made.count == got.count,
                      !close(made, expected) else { return false }
                return close(got, made.map { $0 * factor })
            }
            if let found { return (found, name) }
        }
        return nil
    }

    /// The right step run with one input read in another layout, when that is what the student's numbers are: an
    /// input read column by column (a flat index with the other dimension's stride), or a square input read
    /// transposed. Tries each input of the five matrix steps.
    static func rereadInput(_ output: Output, call: Call, scenario: Scenario, inputs: Inputs) -> String? {
        let got = flatten(output), expected = flatten(inputs.expected), steps = MatrixFormSteps.reference
        let matrices = inputs.matrices.map(\.value)
        func run(_ m: [Matrix<Double>]) -> [Double]? {
            switch call.step {
            case .forward: (try? steps.forward(m[0], m[1], inputs.vector!.value))?.elements
            case .outputError: (try? steps.outputError(m[0], m[1]))?.elements
            case .hiddenError: (try? steps.hiddenError(m[0], m[1], m[2], scenario.network.hidden))?.elements
            case .weightGradient: (try? steps.weightGradient(m[0], m[1]))?.elements
            case .biasGradient: try? steps.biasGradient(m[0])
            case .oneExample, .batchEngine: nil
            }
        }
        for (index, input) in inputs.matrices.enumerated() where input.value.rows > 1 && input.value.columns > 1 {
            let x = input.value
            // Column by column: element [i, k] taken from elements[k · rows + i].
            let byColumns = Matrix(rows: x.rows, columns: x.columns,
                                   elements: (0..<x.rows * x.columns).map { x.elements[($0 % x.columns) * x.rows + $0 / x.columns] })
            // A square input read column by column is its transpose: which of the two the code does, the numbers
            // cannot tell.
            let variants: [(Matrix<Double>, String)] = x.rows == x.columns
                ? [(x.transposed, "read transposed: \(input.name)[k, i] where \(input.name)[i, k] belongs (an index pair swapped, a row of \(input.name) taken where a column belongs, or a flat index elements[k * rows + i], column by column; a square \(input.name) hid it from the shapes)")]
                : [(byColumns, "read column by column: \(input.name)[i, k] taken from elements[k * rows + i], where a Matrix is stored row after row (\(input.name)[i, k] is elements[i * columns + k], or just \(input.name)[i, k])")]
            for (variant, how) in variants {
                var changed = matrices
                changed[index] = variant
                if let values = run(changed), values.count == got.count, !close(values, expected), close(got, values) {
                    return "Your \(quantityName(call)) is exactly what the right formula gives with \(input.name) \(how)."
                }
            }
        }
        return nil
    }

    /// The input the step returned unchanged, if it did.
    static func returnedInput(_ output: Output, inputs: Inputs) -> String? {
        guard case .matrix(let got) = output else { return nil }
        return inputs.matrices.first { $0.value.rows == got.rows && $0.value.columns == got.columns && close(got.elements, $0.value.elements) }?.name
    }
}
