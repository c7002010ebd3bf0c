import Backprop

extension StudentCheck {
    /// The whole pass as an engine (or the one-example step) wires it: which activation each layer gets, what is
    /// stored as Aˡ, whose activations σ′ reads, whose weights the hidden error takes, which target the loss
    /// compares with. The right pass is `PassWiring()`; each variant changes one field, and `wiring` names the one
    /// that gives the student's gradients on every call.
    struct PassWiring {
        /// A hidden layer below the top that also gets the output activation: L − `outputActivationEarly`.
        var outputActivationEarly = 0
        var outputPerElement = false
        /// σ′ of layer l read from A[l + offset] (−1: the layer below).
        var derivativeOffset = 0
        var hiddenWeightsFromTop = false
        var storesPreActivation = false
        /// Every layer's Zˡ kept for the backward pass (and the loss) while σ(Zˡ) is fed forward.
        var keepsPreActivation = false
        var lossTargetFirstRow = false
        /// Every hidden layer gets the output activation.
        var outputActivationEverywhere = false
        /// The hidden error of layer l − 1 takes Wˡ⁻¹, its own weights, where Wˡ belongs.
        var hiddenWeightsOwnLayer = false
        /// Layer l's gradients taken with Δˡ⁻¹, after the error has been propagated (the steps in the wrong order).
        var gradientsAfterPropagation = false
        /// The propagated error never assigned: every layer's gradients use Δᴸ.
        var deltaNeverUpdated = false
        /// The hidden error written into the error array it is still reading (a square layer's).
        var hiddenErrorInPlace = false
        /// Each layer above the first fed the layer below's zˡ⁻¹ where σ(zˡ⁻¹) belongs, while σ(zˡ⁻¹) is what is
        /// kept as aˡ⁻¹ for the backward pass.
        var feedsPreActivation = false
        /// Every layer's ∂W taken with the network's input x (A⁰) where the layer's own input aˡ⁻¹ belongs.
        var weightInputFromX = false
        /// The output activation applied down each column of Zᴸ (across the examples) where it takes each row.
        var outputPerColumn = false
        /// The output error called with its arguments swapped, outputError(Y, Aᴸ).
        var outputErrorSwapped = false
        /// Each layer's ∂b taken from its activations Aˡ where its error Δˡ belongs.
        var biasFromActivations = false
        /// The pass written as one example's loops: a weight matrix taken from another layer is read as far as
        /// the loops reach (W[j, k] for the j and k of this layer's sum), and stops the program where it is smaller.
        var loops = false
        /// The bias added after the activation, aˡ = σ(Wˡᵀ aˡ⁻¹) + bˡ, on every layer.
        var biasAfterActivation = false
        /// The same on the hidden layers only (the output layer's bias inside its activation).
        var biasAfterHiddenActivation = false
        /// The output activation is the element-wise sigmoid whatever the output layer is.
        var outputSigmoid = false
        /// The output layer applies the hidden σ first, then the output activation: aᴸ = σᴸ(σ(zᴸ)).
        var hiddenThenOutput = false
        /// The output activation applied to all of Zᴸ's elements at once (one softmax over the whole batch) where
        /// it takes each example's row.
        var outputWholeMatrix = false
        /// Every activation (x included) kept in Float and read back as a Double.
        var activationsInFloat = false
        /// The hidden layers' activations alone (aˡ, 0 < l < L) kept in Float.
        var hiddenActivationsInFloat = false

        /// The mean loss and gradients of (X, Y) with this wiring; nil where it cannot be made (shapes).
        func gradients(_ network: Network<Double>, inputs x: Matrix<Double>, targets y: Matrix<Double>) -> Gradients<Double>? {
            let L = network.layerCount
            func stored(_ m: Matrix<Double>) -> Matrix<Double> { activationsInFloat ? m.map { Double(Float($0)) } : m }
            var z = [Matrix<Double>(rows: 0, columns: 0)], a = [stored(x)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let input = feedsPreActivation && l > 1 ? z[l - 1] : a[l - 1]
                guard input.columns == layer.weights.rows else { return nil }
                let after = biasAfterActivation || (biasAfterHiddenActivation && l < L)
                let bias = after ? [Double](repeating: 0, count: layer.biases.count) : layer.biases
                z.append(MatrixForm.forward(input, layer.weights, bias))
                let output = l == L || (outputActivationEarly > 0 && l == L - outputActivationEarly) || outputActivationEverywhere
                if l == L && outputSigmoid {
                    a.append(z[l].map { Activation.sigmoid.value($0) })
                } else if l == L && hiddenThenOutput {
                    a.append(MatrixForm.activations(z[l].map { network.hidden.value($0) }, hidden: nil, output: network.output))
                } else if output && outputWholeMatrix {
                    let all = Matrix(rows: 1, columns: z[l].elements.count, elements: z[l].elements)
                    let applied = MatrixForm.activations(all, hidden: nil, output: network.output)
                    a.append(Matrix(rows: z[l].rows, columns: z[l].columns, elements: applied.elements))
                } else if output && outputPerColumn {
                    a.append(MatrixForm.activations(z[l].transposed, hidden: nil, output: network.output).transposed)
                } else if output && outputPerElement {
                    a.append(z[l].map { network.output.activation([$0])[0] })
                } else if output {
                    a.append(MatrixForm.activations(z[l], hidden: nil, output: network.output))
                } else {
                    a.append(storesPreActivation ? z[l] : MatrixForm.activations(z[l], hidden: network.hidden, output: network.output))
                }
                if after {
                    let b = layer.biases
                    a[l] = Matrix(rows: a[l].rows, columns: a[l].columns,
                                  elements: a[l].elements.enumerated().map { $0.element + b[$0.offset % b.count] })
                }
                a[l] = hiddenActivationsInFloat && l < L ? a[l].map { Double(Float($0)) } : stored(a[l])
            }
            // What the backward pass and the loss read as Aˡ.
            let kept = keepsPreActivation ? [x] + z.dropFirst() : a
            let targets = lossTargetFirstRow
                ? Matrix(rows: y.rows, columns: y.columns, elements: (0..<y.rows).flatMap { _ in y.row(0) }) : y
            var delta = outputErrorSwapped ? MatrixForm.outputError(y, kept[L], layer: network.output)
                : MatrixForm.outputError(kept[L], y, layer: network.output)
            var layers = [LayerParameters<Double>]()
            // Δˡ⁻¹ from Δˡ, as this wiring propagates it; nil where the shapes do not allow it.
            func propagate(_ delta: Matrix<Double>, from l: Int) -> Matrix<Double>? {
                var w = network.layers[hiddenWeightsFromTop ? L - 1 : hiddenWeightsOwnLayer ? l - 2 : l - 1].weights
                let (reach, width) = (kept[l - 1].columns, delta.columns)
                if loops, w.rows != reach || w.columns != width {
                    guard w.rows >= reach, w.columns >= width else { return nil }
                    let whole = w
                    w = Matrix(rows: reach, columns: width, elements: (0..<reach).flatMap { r in (0..<width).map { whole[r, $0] } })
                }
                let source = l - 1 + derivativeOffset
                guard source >= 0, source <= L, w.columns == delta.columns, w.rows == kept[l - 1].columns,
                      kept[source].rows == delta.rows, kept[source].columns == w.rows else { return nil }
                guard hiddenErrorInPlace else { return MatrixForm.hiddenError(delta, w, kept[source], network.hidden) }
                // Written into the array it reads (made longer with zeros where the layer below is wider): unit j's
                // new error replaces δ[j] before the units after it read it.
                var rows: [[Double]] = []
                for i in 0..<delta.rows {
                    var d = delta.row(i) + [Double](repeating: 0, count: max(0, w.rows - w.columns))
                    for j in 0..<w.rows {
                        var sum = 0.0
                        for k in 0..<w.columns { sum += w[j, k] * d[k] }
                        d[j] = sum * network.hidden.derivative(fromActivation: kept[source][i, j])
                    }
                    rows.append(Array(d.prefix(w.rows)))
                }
                return Matrix(rows)
            }
            let top = delta
            for l in stride(from: L, through: 1, by: -1) {
                var used = deltaNeverUpdated ? top : delta
                if gradientsAfterPropagation, l > 1 {
                    guard let below = propagate(delta, from: l) else { return nil }
                    delta = below
                    used = below
                }
                guard used.rows == kept[l - 1].rows else { return nil }
                var input = kept[l - 1]
                if weightInputFromX, l > 1 {
                    // The loops read x[k] for k < h_{l−1}: as far as that, and they stop where x is shorter; the
                    // matrix step takes X whole (and gives ∂W of X's width).
                    if loops, x.columns != input.columns {
                        guard x.columns > input.columns else { return nil }
                        input = Matrix(rows: x.rows, columns: input.columns,
                                       elements: (0..<x.rows).flatMap { r in (0..<input.columns).map { x[r, $0] } })
                    } else {
                        input = x
                    }
                }
                layers.insert(LayerParameters(weights: MatrixForm.weightGradient(input, used),
                                              biases: MatrixForm.biasGradient(biasFromActivations ? kept[l] : used)), at: 0)
                guard l > 1, !gradientsAfterPropagation else { continue }
                guard let below = propagate(delta, from: l) else { return nil }
                if !deltaNeverUpdated { delta = below }
            }
            let loss = MatrixForm.meanLoss(logits: z[L], outputs: kept[L], targets: targets, layer: network.output)
            return Gradients(loss: loss, layers: layers)
        }

        /// Every one-field variant, with what it is in words (`a` is "a" for one example, "A" for the batch).
        static func variants(_ a: String) -> [(wiring: PassWiring, text: String)] {
            [
                (PassWiring(outputActivationEarly: 1), "the last hidden layer, L − 1, also gets the output activation (network.output.activation) where σ = network.hidden belongs: the test that picks the output layer is one layer early (l < L − 1 for l < L, or l == L − 1 for l == L)"),
                (PassWiring(outputPerElement: true), "the output activation is applied to each logit on its own, network.output.activation([z]) per element, where it takes each example's whole row zᴸ (a softmax of one number is 1)"),
                (PassWiring(derivativeOffset: -1), "σ′ of layer l is taken from the layer below's activations \(a)ˡ⁻¹ where layer l's own \(a)ˡ belongs"),
                (PassWiring(hiddenWeightsFromTop: true), "every hidden error takes the top layer's weights Wᴸ where the weights of the layer just above, Wˡ⁺¹, belong"),
                (PassWiring(storesPreActivation: true), "in the forward pass the hidden layers keep zˡ where \(a)ˡ = σ(zˡ) belongs (σ is never applied to them), so the next layer's input and σ′ are computed from zˡ"),
                (PassWiring(keepsPreActivation: true), "σ(zˡ) is fed to the next layer but zˡ is what is kept as \(a)ˡ, so the backward pass reads pre-activations wherever it needs \(a)ˡ (the output error \(a)ᴸ − Y, ∂Wˡ from the layer below's z, σ′ from zˡ)"),
                (PassWiring(outputActivationEverywhere: true), "every hidden layer gets the output activation (network.output.activation) where σ = network.hidden belongs: only the last layer takes the output activation"),
                (PassWiring(hiddenWeightsOwnLayer: true), "the hidden error of layer l − 1 takes layer l − 1's own weights Wˡ⁻¹ where the weights of the layer above it, Wˡ (network.layers[l − 1]), belong"),
                (PassWiring(gradientsAfterPropagation: true), "layer l's ∂W and ∂b are taken after the error has been propagated, from Δˡ⁻¹, where they need Δˡ: compute the layer's gradients first, then the hidden error for the layer below"),
                (PassWiring(deltaNeverUpdated: true), "the hidden error is computed but never stored back into the Δ the loop carries, so every layer's gradients use Δᴸ"),
                (PassWiring(hiddenErrorInPlace: true), "the hidden error is written into the same array it is still reading: δ[j] is replaced while the units after j still need the old δ[j] in their sums (write the new error into a new array)"),
                (PassWiring(biasAfterActivation: true), "the bias is added after the activation, \(a)ˡ = σ(zˡ) + bˡ with zˡ = (Wˡ)ᵀ \(a)ˡ⁻¹, where it belongs inside it: \(a)ˡ = σ((Wˡ)ᵀ \(a)ˡ⁻¹ + bˡ)"),
                (PassWiring(feedsPreActivation: true), "each layer above the first is fed the layer below's z where \(a) = σ(z) belongs: the forward pass passes zˡ⁻¹ on (σ is computed and kept, but not fed forward)"),
                (PassWiring(weightInputFromX: true), "every layer's ∂W is taken with the network's input \(a == "a" ? "x" : "X") (\(a)⁰) where the layer's own input \(a)ˡ⁻¹ belongs: only layer 1's input is \(a == "a" ? "x" : "X")"),
                (PassWiring(outputPerColumn: true), "the output activation is applied down each column of Zᴸ, across the examples, where it takes each example's row (network.output.activation(Zᴸ.row(i)) for each i)"),
                (PassWiring(outputWholeMatrix: true), "the output activation is applied to all of the logits Zᴸ at once, one softmax over the whole batch (every example's exponentials divided by one sum), where each example's row is normalised on its own: network.output.activation(Zᴸ.row(i)) for each i (the same for a batch of one example)"),
                (PassWiring(outputErrorSwapped: true), a == "a" ? "the output error is y − aᴸ where δᴸ = aᴸ − y belongs (the subtraction the wrong way round)"
                    : "the output error is called with its arguments swapped, outputError(Y, Aᴸ), which gives Y − Aᴸ where Aᴸ − Y belongs"),
                (PassWiring(biasFromActivations: true), "each layer's ∂b is taken from its activations \(a)ˡ where its error \(a == "a" ? "δ" : "Δ")ˡ belongs"),
                (PassWiring(biasAfterHiddenActivation: true), "in the hidden layers the bias is added after the activation, \(a)ˡ = σ(zˡ) + bˡ with zˡ = (Wˡ)ᵀ \(a)ˡ⁻¹, where it belongs inside it: \(a)ˡ = σ((Wˡ)ᵀ \(a)ˡ⁻¹ + bˡ) (the output layer has it right)"),
                (PassWiring(hiddenThenOutput: true), "the output layer applies σ = network.hidden first and then the output activation, \(a)ᴸ = σᴸ(σ(zᴸ)), where the output activation takes zᴸ itself: the last layer gets no hidden σ"),
                (PassWiring(outputSigmoid: true), "the output layer's activation is the sigmoid, 1/(1 + e^(−z)) element by element, whatever the network's output layer is: use network.output.activation(zᴸ) (a softmax for a softmax output)"),
                (PassWiring(activationsInFloat: true), "the activations \(a)ˡ (\(a == "a" ? "x" : "X") included) are kept in Float, so every gradient carries Float rounding (about 7 digits): keep them in Double"),
                (PassWiring(hiddenActivationsInFloat: true), "the hidden activations \(a)ˡ (0 < l < L) are kept in Float, so every gradient carries Float rounding (about 7 digits): keep them in Double"),
                (PassWiring(lossTargetFirstRow: true), "every example's loss is computed against the first example's target (Y's row 0) where its own row of Y belongs"),
            ]
        }
    }

    /// The one wiring variant that gives the student's gradients on this call and on every other call of the step
    /// that returned gradients, in words; nil when none or more than one does.
    static func wiring(_ got: Gradients<Double>, call: Call, evidence: Evidence) -> String? {
        func batch(_ call: Call) -> (Network<Double>, Matrix<Double>, Matrix<Double>) {
            let scenario = evidence.scenarios[call.scenario]
            return call.step == .oneExample
                ? (scenario.network, exampleMatrix(scenario, call.index, targets: false), exampleMatrix(scenario, call.index, targets: true))
                : (scenario.network, scenario.batch.inputs, scenario.batch.targets)
        }
        let others = evidence.answers.filter { $0.call != call }.compactMap { other, output -> (Call, Gradients<Double>)? in
            if case .gradients(let g) = output { return (other, g) } else { return nil }
        }
        let (network, x, y) = batch(call)
        let right = MatrixForm.pass(network, inputs: x, targets: y).gradients
        // One example has one row: the output activation down its columns is the activation of each logit alone.
        let found = PassWiring.variants(call.step == .oneExample ? "a" : "A")
            .filter { !(call.step == .oneExample && $0.wiring.outputPerColumn) }.map { variant in
            var wiring = variant.wiring
            wiring.loops = call.step == .oneExample
            return (wiring: wiring, text: variant.1)
        }.filter { wiring, _ in
            guard let made = wiring.gradients(network, inputs: x, targets: y), !made.isClose(to: right),
                  got.isClose(to: made) else { return false }
            return others.allSatisfy { other, answer in
                let (n, x, y) = batch(other)
                guard let theirs = wiring.gradients(n, inputs: x, targets: y) else { return false }
                return answer.isClose(to: theirs)
            }
        }
        guard found.count == 1, !others.isEmpty else { return nil }
        return "Your loss and gradients are exactly what the pass gives with one change in how it is put together: \(found[0].1). It also gives your answers on \(otherCalls(others.count)) of this step."
    }
}
