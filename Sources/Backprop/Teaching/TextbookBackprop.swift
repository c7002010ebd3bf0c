/// The course note's equations for a batch, written as plainly as possible in Double (loops over examples, units
/// and inputs, layer by layer), with a switch for each classic mistake. `StudentCheck` runs it to recognise a
/// student's mistake by reproducing it; it shares no code with the engines except the definitions of σ and of the
/// loss.
struct TextbookBackprop {
    let network: Network<Double>
    let inputs: Matrix<Double>
    let targets: Matrix<Double>

    /// The loss and gradients with `mistake` made, if any; `learningRate` is the η of
    /// `.weightsUpdatedDuringBackprop` (each Wˡ moved by its batch gradient before Δˡ⁻¹ is computed with it).
    func gradients(with mistake: ClassicMistake? = nil, learningRate: Double = 0) -> Gradients<Double> {
        let sizes = network.sizes, depth = network.layerCount, m = inputs.rows, c = network.outputCount
        let hidden = network.hidden, output = network.output
        // Forward: z[l][r][j], a[l][r][j] for every example r; a[0] = X.
        var a: [[[Double]]] = [(0..<m).map { inputs.row($0) }]
        var z: [[[Double]]] = [[]]
        for l in 1...depth {
            let layer = network.layers[l - 1]
            var zl: [[Double]] = [], al: [[Double]] = []
            for r in 0..<m {
                var row = [Double](repeating: 0, count: sizes[l])
                for j in 0..<sizes[l] {
                    var sum = mistake == .missingBias ? 0 : layer.biases[j]
                    for i in 0..<sizes[l - 1] { sum += layer.weights[i, j] * a[l - 1][r][i] }
                    row[j] = sum
                }
                var activation = [Double](repeating: 0, count: sizes[l])
                if l < depth {
                    activation = row.map { hidden.value($0) }
                } else {
                    row.withUnsafeBufferPointer { zp in
                        activation.withUnsafeMutableBufferPointer { ap in output.activate(zp.baseAddress!, into: ap.baseAddress!, count: c) }
                    }
                }
                zl.append(row)
                al.append(activation)
            }
            z.append(zl)
            a.append(al)
        }
        var loss = 0.0
        for r in 0..<m {
            let y = targets.row(r)
            loss += z[depth][r].withUnsafeBufferPointer { zp in
                a[depth][r].withUnsafeBufferPointer { ap in
                    y.withUnsafeBufferPointer { yp in
                        output.exampleLoss(logits: zp.baseAddress!, activation: ap.baseAddress!, target: yp.baseAddress!, count: c)
                    }
                }
            }
        }
        // σ′ at (l, r, j) as each mistake computes it.
        func derivative(_ activation: Activation, _ l: Int, _ r: Int, _ j: Int) -> Double {
            switch mistake {
            case .derivativeOfActivation: activation.derivative(fromActivation: activation.value(a[l][r][j]))
            case .derivativeFromPreActivation: activation.derivative(fromActivation: z[l][r][j])
            default: activation.derivative(fromActivation: a[l][r][j])
            }
        }
        // Backward, layer by layer over the whole batch.
        let scale = mistake == .missingMeanScale ? 1.0 : 1.0 / Double(m)
        var delta: [[Double]] = (0..<m).map { r in
            (0..<c).map { j in
                let error = a[depth][r][j] - targets[r, j]
                let squared = output == .sigmoidSquaredError
                let extra = mistake == .extraDerivativeAtOutput && output.loss == .crossEntropy
                return squared || extra ? error * derivative(.sigmoid, depth, r, j) : error
            }
        }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: depth)
        for l in stride(from: depth, through: 1, by: -1) {
            let input = mistake == .activationInsteadOfInput && sizes[l - 1] == sizes[l] ? a[l] : a[l - 1]
            var weightGradient = Matrix<Double>(rows: sizes[l - 1], columns: sizes[l])
            for i in 0..<sizes[l - 1] {
                for j in 0..<sizes[l] {
                    var sum = 0.0
                    for r in 0..<m { sum += input[r][i] * delta[r][j] }
                    weightGradient[i, j] = sum * scale
                }
            }
            var biasGradient = (0..<sizes[l]).map { j in (0..<m).reduce(0.0) { $0 + delta[$1][j] } * scale }
            if mistake == .biasSummedOverWrongAxis {
                // Each example's δ summed over its units: one number per example.
                biasGradient = (0..<m).map { r in delta[r].reduce(0, +) * scale }
            }
            var parameters = LayerParameters(weights: weightGradient, biases: [Double](repeating: 0, count: sizes[l]))
            parameters.biases = biasGradient  // for the wrong-axis mistake: m numbers, and the wrong shape is the signature
            layers[l - 1] = parameters
            guard l > 1 else { break }
            var weights = network.layers[l - 1].weights
            if mistake == .weightsUpdatedDuringBackprop {
                for index in weights.elements.indices { weights.elements[index] -= learningRate * weightGradient.elements[index] }
            }
            delta = (0..<m).map { r in
                (0..<sizes[l - 1]).map { j in
                    var sum = 0.0
                    for k in 0..<sizes[l] {
                        let w = mistake == .untransposedWeights && sizes[l - 1] == sizes[l] ? weights[k, j] : weights[j, k]
                        sum += w * delta[r][k]
                    }
                    return sum * derivative(hidden, l - 1, r, j)
                }
            }
        }
        return Gradients(loss: loss / Double(m), layers: layers)
    }
}
