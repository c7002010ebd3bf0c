import Testing
@testable import Backprop

/// A student's engine in the batch form, written with the library's matrix products, that can make each classic
/// mistake on purpose (and, with `reverseExamples`, be correct but sum the examples in another order).
struct MistakenEngine: BackpropEngine {
    var mistake: ClassicMistake?
    var reverseExamples = false
    var name: String { mistake.map { "student making \($0.rawValue)" } ?? "student summing backwards" }

    func computeGradients(of network: Network<Double>, inputs x: Matrix<Double>, targets y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let product = MatrixMultiplier<Double>()
        let depth = network.layerCount, m = x.rows
        var inputs = x, targets = y
        if reverseExamples {
            inputs = Matrix((0..<m).reversed().map { x.row($0) })
            targets = Matrix((0..<m).reversed().map { y.row($0) })
        }
        // Forward: Z = A W (+ b), A = σ(Z).
        var a = [inputs], z = [inputs]
        for l in 1...depth {
            var zl = product.product(a[l - 1], network.layers[l - 1].weights)
            if mistake != .missingBias {
                for i in 0..<m { for j in 0..<zl.columns { zl[i, j] += network.layers[l - 1].biases[j] } }
            }
            z.append(zl)
            var al = zl
            for i in 0..<m {
                let row = l < depth ? zl.row(i).map { network.hidden.value($0) } : network.output.activation(zl.row(i))
                for j in 0..<zl.columns { al[i, j] = row[j] }
            }
            a.append(al)
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: z[depth].row(i), activation: a[depth].row(i), target: targets.row(i)) }
        // Δᴸ.
        var delta = Matrix<Double>(rows: m, columns: network.outputCount)
        for i in 0..<m {
            for j in 0..<delta.columns {
                var d = a[depth][i, j] - targets[i, j]
                if mistake == .extraDerivativeAtOutput { d *= a[depth][i, j] * (1 - a[depth][i, j]) }
                delta[i, j] = d
            }
        }
        func sigmaPrime(_ l: Int, _ i: Int, _ j: Int) -> Double {
            switch mistake {
            case .derivativeOfActivation: network.hidden.derivative(fromActivation: network.hidden.value(a[l][i, j]))
            case .derivativeFromPreActivation: network.hidden.derivative(fromActivation: z[l][i, j])
            default: network.hidden.derivative(fromActivation: a[l][i, j])
            }
        }
        var weights = network.layers.map(\.weights)
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: depth, through: 1, by: -1) {
            // The shape-dependent mistakes go unnoticed (by the compiler, by a crash) only on square layers.
            let square = network.sizes[l - 1] == network.sizes[l]
            let input = mistake == .activationInsteadOfInput && square ? a[l] : a[l - 1]
            var dW = product.product(input, transposed: true, delta)
            if mistake != .missingMeanScale { dW.elements = dW.elements.map { $0 / Double(m) } }
            var db: [Double]
            if mistake == .biasSummedOverWrongAxis {
                db = (0..<m).map { delta.row($0).reduce(0, +) / Double(m) }
            } else {
                db = (0..<delta.columns).map { j in (0..<m).reduce(0.0) { $0 + delta[$1, j] } }
                if mistake != .missingMeanScale { db = db.map { $0 / Double(m) } }
            }
            var parameters = LayerParameters(weights: dW, biases: Array(repeating: 0, count: dW.columns))
            parameters.biases = db
            layers.insert(parameters, at: 0)
            guard l > 1 else { break }
            if mistake == .weightsUpdatedDuringBackprop {
                for index in weights[l - 1].elements.indices { weights[l - 1].elements[index] -= 0.7 * dW.elements[index] }
            }
            let back = mistake == .untransposedWeights && square
                ? product.product(delta, weights[l - 1])                    // Δ Wˡ: the mistake (fits a square layer)
                : product.product(delta, transposed: false, weights[l - 1], transposed: true)  // Δ (Wˡ)ᵀ
            delta = back
            for i in 0..<m { for j in 0..<delta.columns { delta[i, j] *= sigmaPrime(l - 1, i, j) } }
        }
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}

@Suite("The student-engine checker")
struct EngineCheckerTests {
    @Test("each classic mistake is rejected and diagnosed", arguments: ClassicMistake.allCases)
    func diagnoses(_ mistake: ClassicMistake) {
        let report = EngineChecker().check(AnyBackpropEngine(MistakenEngine(mistake: mistake)))
        #expect(report.verdict == .wrong, "\(report.lines.joined(separator: "\n"))")
        #expect(report.mistake == mistake, "\(report.lines.joined(separator: "\n"))")
        #expect(report.lines.contains { $0.contains("first wrong quantity") || $0.contains("numbers but b") })
        #expect(report.lines.joined(separator: " ").split(separator: " ").joined(separator: " ")
            .contains("likely mistake: \(mistake.explanation)"))
        #expect(report.lines.allSatisfy { $0.count <= 80 || $0.hasPrefix("    [") })
    }

    @Test("a correct engine that sums the examples in another order passes, with the ULP note")
    func reordered() {
        let report = EngineChecker().check(AnyBackpropEngine(MistakenEngine(mistake: nil, reverseExamples: true)))
        guard case .withinRounding(let ulps) = report.verdict else {
            Issue.record("expected a pass within rounding: \(report.lines.joined(separator: "\n"))")
            return
        }
        #expect(ulps > 0 && report.passed)
        #expect(report.lines.last { $0.hasPrefix("PASS") }?.contains("correct to rounding") == true)
    }

    @Test("the library's engines are identical to the last bit")
    func libraryEngines() {
        #expect(EngineChecker().check(AnyBackpropEngine(BatchEngine<Double>())).verdict == .identical)
    }

    @Test("an engine that throws is reported, not crashed on")
    func throwing() {
        struct Unfinished: BackpropEngine {
            let name = "unfinished"
            func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                                  into gradients: inout Gradients<Double>) throws {
                throw BackpropError("the hidden-error step is not written yet")
            }
        }
        let report = EngineChecker().check(AnyBackpropEngine(Unfinished()))
        #expect(report.verdict == .failed && report.lines.contains { $0.contains("not written yet") })
    }

    @Test("a transposed ∂W is named as such")
    func transposedShape() {
        struct Transposing: BackpropEngine {
            let name = "transposing"
            func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                                  into gradients: inout Gradients<Double>) throws {
                try LoopEngine<Double>().computeGradients(of: network, inputs: inputs, targets: targets, into: &gradients)
                gradients.layers[0].weights = gradients.layers[0].weights.transposed
            }
        }
        let report = EngineChecker().check(AnyBackpropEngine(Transposing()))
        #expect(report.verdict == .wrong && report.lines.contains { $0.contains("∂W1 is [5, 6] but W1 is [6, 5]: transposed") })
    }
}
