import Backprop
import Foundation

extension StudentCheck {
    /// The calls a student's batch engine makes to the five steps, each argument named by the matrix of the
    /// reference pass it is: `forward(A⁰, W¹, b¹)`, `hiddenError(Δ³, W³, A², relu)`. The engine is checked with
    /// the library's steps, so every matrix it computes with them is bitwise the pass's; an argument that is none
    /// of them (a matrix the engine made itself) is named by its shape.
    ///
    /// The child records the trace while the engine runs (`Tracer`, one line per step call, so that the calls made
    /// before a crash are known); the parent reads it against the pass (`engineTrace`): the first call whose
    /// arguments do not belong together, the calls never made, or, when every call was right, that the fault is in
    /// the engine's own code between the calls.
    struct EngineCall: Equatable {
        var step: String
        /// One token per argument: "A0", "Z2", "D3", "W2", "b1", "X", "Y", "T:W2" (a transpose), "?5x3" (none of
        /// the pass's), and the hidden error's activation "act:relu".
        var arguments: [String]
    }

    /// The child's side: the reference steps, each of which reports its call before it runs.
    final class Tracer: @unchecked Sendable {
        private let lock = NSLock()
        private var named: [(token: String, value: Matrix<Double>)] = []
        private var biases: [(token: String, value: [Double])] = []
        private let report: ([String]) -> Void
        private var active = true

        init(pass: MatrixForm.Pass<Double>, network: Network<Double>, targets: Matrix<Double>,
             report: @escaping ([String]) -> Void) {
            self.report = report
            let L = network.layerCount
            // Activations before pre-activations: a ReLU layer whose units are all on has Aˡ = Zˡ.
            named = [("A0", pass.a[0]), ("Y", targets)]
            for l in 1...L {
                named += [("A\(l)", pass.a[l]), ("D\(l)", pass.deltas[l]), ("Z\(l)", pass.z[l]),
                          ("W\(l)", network.layers[l - 1].weights)]
                biases.append(("b\(l)", network.layers[l - 1].biases))
            }
        }

        /// Stops recording (the engine's second run, into the same storage, is not traced).
        func stop() { lock.withLock { active = false } }

        func token(_ m: Matrix<Double>) -> String {
            func find(_ x: Matrix<Double>) -> String? {
                named.first { $0.value.isBitwise(x) }?.token
                    ?? named.first { $0.value.rows == x.rows && $0.value.columns == x.columns && StudentCheck.close(x.elements, $0.value.elements) }?.token
            }
            if let token = find(m) { return token }
            if m.rows != m.columns || m.rows > 1, let token = find(m.transposed) { return "T:" + token }
            return "?\(m.rows)x\(m.columns)"
        }

        func token(_ v: [Double]) -> String {
            biases.first { $0.value.isBitwise(v) }?.token ?? "?\(v.count)"
        }

        private func record(_ step: String, _ arguments: [String]) {
            let on = lock.withLock { active }
            if on { report([step] + arguments) }
        }

        func steps(_ base: MatrixFormSteps) -> MatrixFormSteps {
            MatrixFormSteps(
                forward: { [self] a, w, b in
                    record("forward", [token(a), token(w), token(b)])
                    return try base.forward(a, w, b)
                },
                outputError: { [self] a, y in
                    record("outputError", [token(a), token(y)])
                    return try base.outputError(a, y)
                },
                hiddenError: { [self] d, w, a, activation in
                    record("hiddenError", [token(d), token(w), token(a), "act:" + activation.rawValue])
                    return try base.hiddenError(d, w, a, activation)
                },
                weightGradient: { [self] a, d in
                    record("weightGradient", [token(a), token(d)])
                    return try base.weightGradient(a, d)
                },
                biasGradient: { [self] d in
                    record("biasGradient", [token(d)])
                    return try base.biasGradient(d)
                })
        }
    }

    /// The step calls the child recorded during `call`'s first run.
    static func traced(_ records: [Record], call: Call) -> [EngineCall] {
        var current: Call?, calls: [EngineCall] = []
        for record in records where record.replay != true && record.pair != true {
            if let trace = record.trace {
                if current == call, let step = trace.first { calls.append(EngineCall(step: step, arguments: Array(trace.dropFirst()))) }
            } else if record.first == nil {
                current = record.call
                if record.call == call { calls = [] }
            } else if current == call {
                break
            }
        }
        return calls
    }

    /// What the trace of `call` says about the engine, given how the call ended: the first step call whose
    /// arguments do not belong together (the layer told by most of them), the calls never made, or, when every
    /// call was right, that the fault is in the engine's own code. Nil without a trace.
    static func engineTrace(_ records: [Record], call: Call, scenario: Scenario, stopped: Bool, threw: Bool = false) -> String? {
        let trace = traced(records, call: call)
        let network = scenario.network, L = network.layerCount
        guard call.step == .batchEngine, L >= 1 else { return nil }
        func show(_ token: String) -> String {
            if token.hasPrefix("T:") { return "(\(show(String(token.dropFirst(2)))))ᵀ" }
            if token.hasPrefix("?") {
                let size = token.dropFirst().split(separator: "x").map(String.init)
                return size.count == 2 ? "a [\(size[0]), \(size[1])] matrix that is none of the pass's" : "a [\(size[0])] array that is none of the biases"
            }
            if token.hasPrefix("act:") { return String(token.dropFirst(4)) }
            guard let kind = token.first, let l = Int(token.dropFirst()) else { return token }
            let name = kind == "D" ? "Δ" : String(kind)
            return name + sup(l) + (token == "A0" ? " (X)" : "")
        }
        // The arguments the call for layer l takes.
        func expected(_ step: String, _ l: Int) -> [String]? {
            switch step {
            case "forward": return (1...L).contains(l) ? ["A\(l - 1)", "W\(l)", "b\(l)"] : nil
            case "outputError": return ["A\(L)", "Y"]
            case "hiddenError": return (1..<L).contains(l) ? ["D\(l + 1)", "W\(l + 1)", "A\(l)", "act:" + network.hidden.rawValue] : nil
            case "weightGradient": return (1...L).contains(l) ? ["A\(l - 1)", "D\(l)"] : nil
            case "biasGradient": return (1...L).contains(l) ? ["D\(l)"] : nil
            default: return nil
            }
        }
        // The layer each argument says the call is for; the deciding argument (Δ, or the weights) breaks a tie.
        func layer(_ c: EngineCall) -> Int {
            func n(_ t: String) -> Int? { t.first.flatMap { "ADZWb".contains($0) ? Int(t.dropFirst()) : nil } }
            var votes: [(Int, Int)] = []   // (layer, weight)
            for (i, t) in c.arguments.enumerated() {
                guard let k = n(t) else { continue }
                let kind = t.first!
                let l: Int? = switch c.step {
                case "forward": kind == "A" || kind == "Z" ? k + 1 : k
                case "hiddenError": kind == "A" || kind == "Z" ? k : k - 1
                case "weightGradient": i == 0 ? k + 1 : k
                default: k
                }
                let decides = (c.step == "forward" && i == 1) || (c.step != "forward" && kind == "D")
                if let l { votes.append((l, decides ? 3 : 2)) }
            }
            let tally = Dictionary(votes.map { ($0.0, $0.1) }, uniquingKeysWith: +)
            return tally.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }?.key ?? 0
        }
        // The layers a two-argument call's arguments point to, when they point to two (no majority to go by).
        func split(_ c: EngineCall) -> [(argument: String, layer: Int)]? {
            guard c.step == "weightGradient", c.arguments.count == 2,
                  let a = Int(c.arguments[0].dropFirst()), c.arguments[0].first == "A",
                  let d = Int(c.arguments[1].dropFirst()), c.arguments[1].first == "D", a + 1 != d else { return nil }
            return [(c.arguments[0], a + 1), (c.arguments[1], d)]
        }
        let names = ["forward": "forward", "outputError": "outputError", "hiddenError": "hiddenError",
                     "weightGradient": "weightGradient", "biasGradient": "biasGradient"]
        func shown(_ c: EngineCall) -> String { "\(names[c.step] ?? c.step)(\(c.arguments.map(show).joined(separator: ", ")))" }
        func ordinal(_ n: Int) -> String { n == 1 ? "1st" : n == 2 ? "2nd" : n == 3 ? "3rd" : "\(n)th" }

        for (n, c) in trace.enumerated() {
            let l = c.step == "outputError" ? L : layer(c)
            guard let right = expected(c.step, l) else {
                return "The \(ordinal(n + 1)) call your engine made to the steps, \(shown(c)), fits no layer of this \(L)-layer network (layers 1...\(L); the hidden errors are for layers 1...\(L - 1), each taking the layer above's Δ and weights): check the bounds of your layer loop."
            }
            guard right != c.arguments else { continue }
            // An error argument whose hidden-error call was never made: the engine kept the Δ it had. Read for
            // the layer each argument points to.
            let readings = [l] + (split(c)?.map(\.layer) ?? [])
            for candidate in readings {
                guard let wanted = expected(c.step, candidate),
                      let missed = zip(c.arguments, wanted).first(where: { $0 != $1 && $1.first == "D" }),
                      zip(c.arguments, wanted).filter({ $0 != $1 }).count == 1,
                      let k = Int(missed.1.dropFirst()), k < L, let producer = expected("hiddenError", k),
                      !trace.contains(EngineCall(step: "hiddenError", arguments: producer)) else { continue }
                let call = EngineCall(step: "hiddenError", arguments: producer)
                let what = c.step == "weightGradient" ? "∂W" : c.step == "biasGradient" ? "∂b" : c.step
                return "The \(ordinal(n + 1)) call your engine made to the steps, \(shown(c)), is \(what) of layer \(k) (told by its other arguments) and takes \(show(missed.1)), but your engine never called \(shown(call)), which makes \(show(missed.1)): it passed on \(show(missed.0)), the Δ it already had. A condition or a loop bound skips that hidden-error call (it is needed for every layer below the top, l = \(L - 1) down to 1)."
            }
            if let parts = split(c) {
                let said = parts.map { part in
                    guard let takes = expected(c.step, part.layer) else {
                        // An index past the network: Aᴸ is the output, the input of no layer.
                        return "\(show(part.argument)) is the input of no layer's ∂W (the network has \(L) layers; ∂W of layer l takes Aˡ⁻¹, and Aᴸ = A\(sup(L)) is its output)"
                    }
                    return "\(show(part.argument)) is layer \(part.layer)'s (∂W of layer \(part.layer) takes \(takes.map(show).joined(separator: ", ")))"
                }
                return "The \(ordinal(n + 1)) call your engine made to the steps, \(shown(c)), mixes two layers: \(said.joined(separator: ", and ")). One of the two is picked by a wrong index: a list kept in one order and read in the other (errors appended from the top layer down, read as if from the bottom up), or an index off by some layers."
            }
            let wrong = zip(c.arguments, right).filter { $0 != $1 }.map { "\(show($0.0)) where \(show($0.1)) belongs" }
            let what = c.step == "outputError" ? "the output error" : c.step == "forward" ? "the forward step of layer \(l)"
                : c.step == "hiddenError" ? "the hidden error of layer \(l)" : c.step == "weightGradient" ? "∂W of layer \(l)" : "∂b of layer \(l)"
            // A matrix that is none of the pass's was computed wrongly by the engine itself; another of the pass's
            // was picked by a wrong index or name.
            let computed = zip(c.arguments, right).contains { $0 != $1 && ($0.hasPrefix("?") || $0.hasPrefix("T:")) }
            let look = computed ? "Your engine computed that argument itself and got it wrong: look at where it computes \(zip(c.arguments, right).first { $0 != $1 }.map { show($0.1) } ?? "it") before this call."
                : "Look at the line of your engine that makes this call, and the index it picks that argument by."
            return "The \(ordinal(n + 1)) call your engine made to the steps, \(shown(c)), is \(what) (told by its other arguments); it takes \(right.map(show).joined(separator: ", ")), and it was given \(wrong.joined(separator: ", ")). \(look)"
        }
        // Every call made was right: which were never made.
        var needed: [EngineCall] = (1...L).map { EngineCall(step: "forward", arguments: expected("forward", $0)!) }
            + [EngineCall(step: "outputError", arguments: expected("outputError", L)!)]
        for l in stride(from: L, through: 1, by: -1) {
            needed += [EngineCall(step: "weightGradient", arguments: expected("weightGradient", l)!),
                       EngineCall(step: "biasGradient", arguments: expected("biasGradient", l)!)]
            if l > 1 { needed.append(EngineCall(step: "hiddenError", arguments: expected("hiddenError", l - 1)!)) }
        }
        let missing = needed.filter { !trace.contains($0) }
        if threw {
            // An error thrown by the engine's own code (the steps throw only on shapes that do not fit, named above).
            let made = trace.isEmpty ? "Your engine threw before its first call to the steps"
                : "Every call your engine made to the steps before it threw had the right inputs (the last: \(shown(trace.last!)))"
            return "\(made): the error is your engine's own. These inputs are valid (X \(scenario.batch.inputs.shapeDescription), Y \(scenario.batch.targets.shapeDescription)\(scenario.examples == 1 ? "; a batch of one example is a batch" : "")): if it comes from a check of your own, the check is wrong."
        }
        if stopped {
            let made = trace.isEmpty ? "Your engine stopped before its first call to the steps"
                : "Every call your engine made to the steps before it stopped had the right inputs (the last: \(shown(trace.last!)))"
            let next = missing.prefix(2).map(shown).joined(separator: ", then ")
            // The bottom layer's gradients the last thing made: a backward loop that goes on to l = 0 is the first
            // place to look.
            let bottomLast = trace.last.map { ["weightGradient", "biasGradient"].contains($0.step) && $0.arguments.contains("D1") } ?? false
            let past = bottomLast ? "a backward loop that goes on past layer 1 to l = 0 (where A[l − 1], network.layers[l − 1] and gradients.layers[l − 1] are at index −1; stride(from: L, through: 1, by: −1) stops at 1), " : ""
            return missing.isEmpty ? "\(made), and it had made every call the pass needs: the stop is in your engine's own code after them: \(past)the loss, or where it stores the gradients (∂Wˡ and ∂bˡ go in gradients.layers[l − 1])."
                : "\(made); the pass still needed \(next)\(missing.count > 2 ? ", …" : ""). So the stop is in your engine's own code on the way to that call: the index that picks its inputs (layer l's weights are network.layers[l − 1], its input A[l − 1], the errors Δ[l + 1] above it)."
        }
        // A step called as often as the pass needs it, or more, but not with every layer's matrix: some call took
        // another layer's (the same Δ twice, one never), which a count of the calls alone would miss.
        for step in ["biasGradient", "weightGradient", "hiddenError", "forward"] where missing.contains(where: { $0.step == step }) {
            let made = trace.filter { $0.step == step }, wanted = needed.filter { $0.step == step }
            guard !made.isEmpty, made.count >= wanted.count else { continue }
            let madeLayers = made.map(layer), wantedLayers = wanted.map { layer($0) }
            func list(_ calls: [EngineCall]) -> String { calls.map(shown).joined(separator: ", ") }
            let absent = missing.filter { $0.step == step }
            // Each call one layer below its own (the bottom one kept): the Δ had moved on before the call.
            let movedOn = step == "biasGradient" && made.count == wanted.count
                && madeLayers == wantedLayers.map { max($0 - 1, 1) }
            let why = movedOn
                ? " The calls for layers \(L) down to 2 each took the Δ of the layer below their own (layer 1's took its own: no hidden error is made below it): Δ had already moved on when \(step) was called (the hidden error called before it in the backward loop). Make layer l's \(step) call while Δ is still Δˡ."
                : " A call picked another layer's matrix: look at the index each call takes its input by, and at the order of the calls in your backward loop."
            return "Your engine made \(made.count) calls to \(step), \(list(made)), where the pass makes \(list(wanted)): it never called \(list(absent)).\(why)"
        }
        if !missing.isEmpty {
            let never = "Every call your engine made to the steps had the right inputs, but it never called \(missing.prefix(3).map(shown).joined(separator: ", "))\(missing.count > 3 ? " (and \(missing.count - 3) more)" : "")"
            // One step never called at all, on any layer: the call is missing, not a bound.
            let steps = Set(missing.map(\.step))
            if steps.count == 1, let step = steps.first, !trace.contains(where: { $0.step == step }) {
                return never + ": \(step) is never called for any layer, so what it computes is never in your gradients. Call it for every layer and store its result."
            }
            return never + ": a layer loop that stops early or starts late, or a call left out?"
        }
        return "Every call your engine made to the steps had the right inputs, and it made every call the pass needs: what is wrong is your engine's own code between them (the activations it computes, the loss, or where it stores each layer's ∂W and ∂b: layer l's go in gradients.layers[l − 1])."
    }
}
