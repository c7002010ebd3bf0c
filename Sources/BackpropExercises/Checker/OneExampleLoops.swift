import Backprop

extension StudentCheck {
    /// The equations the one-example step writes as loops of its own, in the order the pass meets them:
    /// zˡ[j] = bˡ[j] + Σₖ Wˡ[k, j] aˡ⁻¹[k]; δᴸ[j] = aᴸ[j] − y[j]; ∂Wˡ[k, j] = aˡ⁻¹[k] δˡ[j]; ∂bˡ[j] = δˡ[j];
    /// δˡ[j] = (Σₖ Wˡ⁺¹[j, k] δˡ⁺¹[k]) σ′(aˡ[j]).
    static let exampleStages: [(step: Step, equation: String)] = [
        (.forward, "zˡ[j] = bˡ[j] + Σₖ Wˡ[k, j] aˡ⁻¹[k]"),
        (.outputError, "δᴸ[j] = aᴸ[j] − y[j]"),
        (.weightGradient, "∂Wˡ[k, j] = aˡ⁻¹[k] δˡ[j]"),
        (.biasGradient, "∂bˡ[j] = δˡ[j]"),
        (.hiddenError, "δˡ[j] = (Σₖ Wˡ⁺¹[j, k] δˡ⁺¹[k]) σ′(aˡ[j])"),
    ]

    /// The loop nest of one equation of the one-example step, on one layer's vectors (one-row matrices), with the
    /// names the one-example code uses; nil for a step that is not one equation.
    static func exampleNest(_ step: Step, network: Network<Double>, operands: [Matrix<Double>], bias: [Double]? = nil,
                            rows: Int, columns: Int) -> LoopNest? {
        let expected: Output = step == .biasGradient ? .vector([Double](repeating: 0, count: columns))
            : .matrix(Matrix(rows: rows, columns: columns))
        let inputs = Inputs(matrices: operands.map { ("", $0) }, vector: bias.map { ("b", $0) }, expected: expected)
        guard var nest = LoopNest(step, network: network, inputs: inputs) else { return nil }
        nest.perExample = true
        nest.names = switch step {
        case .forward: ["aˡ⁻¹", "Wˡ", "bˡ"]
        case .outputError: ["aᴸ", "y"]
        case .hiddenError: ["δˡ⁺¹", "Wˡ⁺¹", "aˡ"]
        case .weightGradient: ["aˡ⁻¹", "δˡ"]
        default: ["δˡ"]
        }
        return nest
    }

    /// What the one-example pass gives with one slip made in one equation, at every layer.
    enum LoopPassOutcome {
        case gradients(Gradients<Double>)
        case stopped(LoopNest.Stop)
        /// The slip cannot be made on this network.
        case unmade
    }

    /// Which layers a slip is made in: every one, the output layer's alone, or the hidden layers' alone.
    enum SlipLayers: CaseIterable {
        case every, outputOnly, hiddenOnly

        func contains(_ l: Int, of L: Int) -> Bool {
            switch self {
            case .every: true
            case .outputOnly: l == L
            case .hiddenOnly: l < L
            }
        }

        var words: String {
            switch self {
            case .every: ""
            case .outputOnly: " (in the output layer L only; the hidden layers are right)"
            case .hiddenOnly: " (in the hidden layers only; the output layer L is right)"
            }
        }
    }

    /// The one-example pass on (x, y), one-row matrices, with `slip` made in `stage` at the layers `layers` names.
    static func loopPass(_ network: Network<Double>, x: Matrix<Double>, y: Matrix<Double>, stage: Step,
                         slip: LoopNest.Slip, layers: SlipLayers = .every, order: LoopNest.Order = .rowsFirst) -> LoopPassOutcome {
        struct Stopped: Error { let stop: LoopNest.Stop? }
        let L = network.layerCount
        func run(_ step: Step, _ operands: [Matrix<Double>], bias: [Double]? = nil, rows: Int, columns: Int, layer: Int,
                 right: () -> [Double]) throws(Stopped) -> [Double] {
            guard step == stage, layers.contains(layer, of: L) else { return right() }
            guard var nest = exampleNest(step, network: network, operands: operands, bias: bias, rows: rows, columns: columns)
            else { throw Stopped(stop: nil) }
            slip.apply(&nest)
            switch nest.run(order) {
            // A slip that makes a result of another size cannot be carried through the pass.
            case .values(let values): guard values.count == rows * columns else { throw Stopped(stop: nil) }
                return values
            case .stopped(let stop): throw Stopped(stop: stop)
            }
        }
        do throws(Stopped) {
            var z = [Matrix<Double>(rows: 0, columns: 0)], a = [x]
            for l in 1...L {
                let (w, b) = (network.layers[l - 1].weights, network.layers[l - 1].biases)
                let values = try run(.forward, [a[l - 1], w], bias: b, rows: 1, columns: w.columns, layer: l) {
                    MatrixForm.forward(a[l - 1], w, b).elements
                }
                z.append(Matrix(rows: 1, columns: w.columns, elements: values))
                a.append(MatrixForm.activations(z[l], hidden: l < L ? network.hidden : nil, output: network.output))
            }
            let c = a[L].columns
            var delta = Matrix(rows: 1, columns: c, elements: try run(.outputError, [a[L], y], rows: 1, columns: c, layer: L) {
                MatrixForm.outputError(a[L], y, layer: network.output).elements
            })
            var layers = [LayerParameters<Double>]()
            for l in stride(from: L, through: 1, by: -1) {
                let (input, d) = (a[l - 1], delta)
                let gw = try run(.weightGradient, [input, d], rows: input.columns, columns: d.columns, layer: l) {
                    MatrixForm.weightGradient(input, d).elements
                }
                let gb = try run(.biasGradient, [d], rows: 1, columns: d.columns, layer: l) { MatrixForm.biasGradient(d) }
                var layer = LayerParameters<Double>(inputs: input.columns, outputs: d.columns)
                layer.weights = Matrix(rows: input.columns, columns: d.columns, elements: gw)
                layer.biases = gb
                layers.insert(layer, at: 0)
                guard l > 1 else { break }
                let w = network.layers[l - 1].weights
                delta = Matrix(rows: 1, columns: w.rows, elements: try run(.hiddenError, [d, w, a[l - 1]], rows: 1, columns: w.rows, layer: l - 1) {
                    MatrixForm.hiddenError(d, w, a[l - 1], network.hidden).elements
                })
            }
            let loss = MatrixForm.meanLoss(logits: z[L], outputs: a[L], targets: y, layer: network.output)
            return .gradients(Gradients(loss: loss, layers: layers))
        } catch {
            return error.stop.map(LoopPassOutcome.stopped) ?? .unmade
        }
    }

    /// Where a crash stopped, as a loop nest would: a `Matrix` subscript outside its matrix (its shape and index),
    /// or an array index out of range; nil for any other stop.
    static func loopStop(_ crash: Crash?) -> LoopNest.Stop? {
        guard let crash, crash.exitStatus == nil, !crash.timedOut, crash.recursion == nil, let message = crash.message
        else { return nil }
        if message.contains("has no element") {
            let n = message.split(whereSeparator: { !$0.isNumber }).compactMap { Int($0) }
            return n.count >= 4 ? .matrix(rows: n[0], columns: n[1], row: n[2], column: n[3], write: message.contains("to store into")) : nil
        }
        return message.contains("Index out of range") ? .array : nil
    }

    /// The one slip in the one-example step's own loops (`exampleStages`) that gives the student's gradients on
    /// this call and on every other call that returned, and stops on the calls where the student's code stopped
    /// (at the same index, for this call's crash). Nil when none fits, or more than two do.
    static func exampleSlip(_ got: Gradients<Double>?, call: Call, crash: Crash?, evidence: Evidence) -> String? {
        guard call.step == .oneExample else { return nil }
        let stop = loopStop(crash)
        guard got != nil || stop != nil else { return nil }
        func example(_ call: Call) -> (Network<Double>, Matrix<Double>, Matrix<Double>) {
            let scenario = evidence.scenarios[call.scenario]
            return (scenario.network, exampleMatrix(scenario, call.index, targets: false),
                    exampleMatrix(scenario, call.index, targets: true))
        }
        let others = evidence.answers.filter { $0.call != call }.compactMap { other, output -> (Call, Gradients<Double>)? in
            if case .gradients(let g) = output { return (other, g) } else { return nil }
        }
        let stopped = evidence.stops.filter { $0 != call }
        let (network, x, y) = example(call)
        let pass = MatrixForm.pass(network, inputs: x, targets: y), right = pass.gradients
        let L = network.layerCount
        var found: [String] = []
        for (stage, equation) in exampleStages {
            // The nest the slips are listed on and named by: the top layer's (the hidden error's: the one below it).
            let l = stage == .hiddenError ? L - 1 : L
            guard l >= 1 else { continue }
            let w = network.layers[l - 1].weights
            let base: LoopNest? = switch stage {
            case .forward: exampleNest(stage, network: network, operands: [pass.a[l - 1], w], bias: network.layers[l - 1].biases,
                                       rows: 1, columns: w.columns)
            case .outputError: exampleNest(stage, network: network, operands: [pass.a[L], y], rows: 1, columns: y.columns)
            case .weightGradient: exampleNest(stage, network: network, operands: [pass.a[l - 1], pass.deltas[l]],
                                              rows: w.rows, columns: w.columns)
            case .biasGradient: exampleNest(stage, network: network, operands: [pass.deltas[l]], rows: 1, columns: w.columns)
            default: exampleNest(stage, network: network, operands: [pass.deltas[l + 1], network.layers[l].weights, pass.a[l]],
                                 rows: 1, columns: w.columns)
            }
            guard let base else { continue }
            // A slip in one kind of layer only, where the layers differ (the output layer's own code).
            let layerSets: [SlipLayers] = [.forward, .weightGradient, .biasGradient].contains(stage) && L > 1 ? SlipLayers.allCases : [.every]
            for layers in layerSets {
                for slip in base.slips {
                    if let got {
                        guard case .gradients(let made) = loopPass(network, x: x, y: y, stage: stage, slip: slip, layers: layers),
                              made.isClose(to: got), !made.isClose(to: right) else { continue }
                    } else {
                        // The bias read after the sum is the matrix steps' order (a product made first); here the
                        // loops read bᵢ first, and a later bias read would let a forward slip fit any stop in W.
                        let stops = LoopNest.Order.allCases.filter { $0 != .biasLast }.compactMap { order -> LoopNest.Stop? in
                            if case .stopped(let at) = loopPass(network, x: x, y: y, stage: stage, slip: slip, layers: layers, order: order) { return at }
                            return nil
                        }
                        guard let stop, stops.contains(where: { $0.fits(stop) }) else { continue }
                    }
                    let fits = others.allSatisfy { other, answer in
                        let (n, x, y) = example(other)
                        guard case .gradients(let theirs) = loopPass(n, x: x, y: y, stage: stage, slip: slip, layers: layers) else { return false }
                        return theirs.isClose(to: answer)
                    } && stopped.allSatisfy { other in
                        let (n, x, y) = example(other)
                        if case .stopped = loopPass(n, x: x, y: y, stage: stage, slip: slip, layers: layers) { return true } else { return false }
                    }
                    if fits { found.append("in \(equation)\(layers.words): \(slip.describe(base))") }
                }
                // A slip made in every layer says all there is; the same slip in one kind of layer is no reading.
                if !found.isEmpty { break }
            }
        }
        guard !found.isEmpty, found.count <= 2, !others.isEmpty || stop != nil else { return nil }
        let what = found.count == 1 ? found[0] : "either \(found[0]); or \(found[1])"
        let checked = others.isEmpty ? "" : " It also gives your answers on \(otherCalls(others.count))\(stopped.isEmpty ? "" : ", and stops where yours stopped")."
        if got != nil {
            return "Your loss and gradients are exactly what the one-example step gives with one slip in its own loops, \(what).\(checked)"
        }
        return "The one-example step stops at that same place with one slip in its own loops, \(what).\(checked)"
    }
}

extension StudentCheck {
    /// Every gradient of the one-example step the same multiple k of the right one, with the loss right: a factor
    /// applied to ∂Wˡ and ∂bˡ, named by the size it is on every call (x.count, y.count, L) or as a constant when it
    /// is the same number everywhere; nil when the calls disagree or no call but this one says.
    static func exampleFactor(_ got: Gradients<Double>, call: Call, evidence: Evidence) -> String? {
        // The factor of one call's gradients: nil when the loss is wrong or the gradients are no multiple, .some(nil)
        // when every right gradient is 0 and so is every one of yours (any factor fits).
        func factor(_ got: Gradients<Double>, _ call: Call) -> Double?? {
            let scenario = evidence.scenarios[call.scenario]
            let right = MatrixForm.pass(scenario.network, inputs: exampleMatrix(scenario, call.index, targets: false),
                                        targets: exampleMatrix(scenario, call.index, targets: true)).gradients
            let (mine, theirs) = (got.layers.flatMap { $0.weights.elements + $0.biases },
                                  right.layers.flatMap { $0.weights.elements + $0.biases })
            guard mine.count == theirs.count, abs(got.loss - right.loss) <= 1e-9 * abs(right.loss) else { return nil }
            if theirs.allSatisfy({ $0 == 0 }) { return mine.allSatisfy { $0 == 0 } ? .some(nil) : nil }
            guard let top = theirs.indices.max(by: { abs(theirs[$0]) < abs(theirs[$1]) }), theirs[top] != 0 else { return nil }
            let k = mine[top] / theirs[top]
            let scale = mine.map(abs).max() ?? 0
            guard k.isFinite, k != 0, abs(k - 1) > 1e-9,
                  zip(mine, theirs).allSatisfy({ abs($0 - k * $1) <= 1e-9 * scale }) else { return nil }
            return k
        }
        guard let k = factor(got, call) ?? nil else { return nil }
        // Each other call and its factor (nil: any factor fits it).
        var others: [(Call, Double?)] = []
        for (other, output) in evidence.answers where other != call {
            guard case .gradients(let g) = output else { continue }
            guard let k = factor(g, other) else { return nil }
            others.append((other, k))
        }
        guard !others.isEmpty else { return nil }
        func near(_ a: Double, _ b: Double) -> Bool { abs(a - b) <= 1e-9 * abs(b) }
        func plain(_ x: Double) -> String { near(x, x.rounded()) ? String(Int(x.rounded())) : number(x) }
        let sizes: [(name: String, value: (Network<Double>) -> Int)] = [
            ("x.count (h₀, the network's inputs)", { $0.sizes[0] }),
            ("y.count (c, the network's outputs)", { $0.sizes[$0.sizes.count - 1] }),
            ("L (the number of layers)", { $0.layerCount }),
        ]
        let fits = sizes.compactMap { size -> (String, Bool)? in
            func divides(_ call: Call, _ k: Double) -> Bool? {
                let n = Double(size.value(evidence.scenarios[call.scenario].network))
                return near(k, 1 / n) ? true : near(k, n) ? false : nil
            }
            guard let divided = divides(call, k),
                  others.allSatisfy({ other, k in k.map { divides(other, $0) == divided } ?? true }) else { return nil }
            return (size.name, divided)
        }
        let checked = "on this call and on \(otherCalls(others.count))"
        let right = "∂Wˡ = aˡ⁻¹ (δˡ)ᵀ and ∂bˡ = δˡ, with no mean and no other factor (one example has nothing to average over)"
        if fits.count == 1 {
            let (name, divided) = fits[0]
            return "Every gradient is exactly \(divided ? "1/\(plain(1 / k)) of" : "\(plain(k)) times") the right one \(checked), and the loss is right: your ∂Wˡ and ∂bˡ are \(divided ? "divided" : "multiplied") by \(name). \(right.prefix(1).uppercased() + right.dropFirst())."
        }
        if fits.isEmpty, near(k, -1), others.allSatisfy({ other, theirs in theirs.map { near($0, k) } ?? true }) {
            return "Every gradient has the wrong sign, exactly −1 times the right one \(checked), and the loss is right: δᴸ is y − aᴸ where it is aᴸ − y, or a minus sign too many in ∂Wˡ or ∂bˡ."
        }
        if fits.isEmpty, others.allSatisfy({ other, theirs in theirs.map { near($0, k) } ?? true }) {
            return "Every gradient is exactly \(plain(k)) times the right one \(checked), and the loss is right: a constant factor multiplies your ∂Wˡ and ∂bˡ (a learning rate, a ½ or a 2 left in?). \(right.prefix(1).uppercased() + right.dropFirst())."
        }
        return nil
    }
}
