import Backprop

extension StudentCheck {
    /// The right answer of a matrix step on `matrices` (and the forward step's bias), by the library's matrix form.
    static func reference(_ step: Step, _ matrices: [Matrix<Double>], bias: [Double]?, network: Network<Double>) -> Output? {
        let m = matrices
        switch step {
        case .forward:
            guard let bias, m.count == 2, m[0].columns == m[1].rows, bias.count == m[1].columns else { return nil }
            return .matrix(MatrixForm.forward(m[0], m[1], bias))
        case .outputError:
            guard m.count == 2, m[0].rows == m[1].rows, m[0].columns == m[1].columns else { return nil }
            return .matrix(MatrixForm.outputError(m[0], m[1], layer: network.output))
        case .hiddenError:
            guard m.count == 3, m[0].columns == m[1].columns, m[2].rows == m[0].rows, m[2].columns == m[1].rows else { return nil }
            return .matrix(MatrixForm.hiddenError(m[0], m[1], m[2], network.hidden))
        case .weightGradient:
            guard m.count == 2, m[0].rows == m[1].rows, m[0].rows > 0 else { return nil }
            return .matrix(MatrixForm.weightGradient(m[0], m[1]))
        case .biasGradient:
            guard m.count == 1, m[0].rows > 0 else { return nil }
            return .vector(MatrixForm.biasGradient(m[0]))
        case .oneExample, .batchEngine:
            return nil
        }
    }

    /// The gradients of an engine that reuses the forward pass of an earlier call (its activations and logits,
    /// made with that call's weights from that call's inputs, `earlierInputs`: the same X, or one of the same
    /// shape) and runs the backward pass with this call's weights and targets.
    static func staleForward(_ network: Network<Double>, earlier: Network<Double>, inputs x: Matrix<Double>,
                             targets y: Matrix<Double>, earlierInputs: Matrix<Double>? = nil) -> Gradients<Double> {
        let old = MatrixForm.pass(earlier, inputs: earlierInputs ?? x, targets: y), L = network.layerCount
        var delta = MatrixForm.outputError(old.a[L], y, layer: network.output)
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            layers.insert(LayerParameters(weights: MatrixForm.weightGradient(old.a[l - 1], delta),
                                          biases: MatrixForm.biasGradient(delta)), at: 0)
            if l > 1 { delta = MatrixForm.hiddenError(delta, network.layers[l - 1].weights, old.a[l - 1], network.hidden) }
        }
        let loss = MatrixForm.meanLoss(logits: old.z[L], outputs: old.a[L], targets: y, layer: network.output)
        return Gradients(loss: loss, layers: layers)
    }
}

extension StudentCheck.Evidence {
    /// A wrong answer that is exactly the right formula with one input taken from an earlier call of the step
    /// (of the same shape, with other values): something made from that input was kept from the earlier call (a
    /// transpose, σ′ of it, the input itself, in a cache or a stored matrix looked up by its shape). For the
    /// engine, the forward pass of an earlier call on the same X, reused with this call's weights. Nil when no
    /// earlier call's input gives the answer.
    func keptInput(_ got: StudentCheck.Output, for call: StudentCheck.Call) -> String? {
        let values = StudentCheck.flatten(got), now = inputs(call)
        guard !values.isEmpty, values.allSatisfy(\.isFinite), !StudentCheck.close(values, StudentCheck.flatten(now.expected))
        else { return nil }
        let network = scenarios[call.scenario].network
        for (earlier, _) in returned.reversed() where earlier != call {
            let then = inputs(earlier)
            let when = StudentCheck.callName(earlier, scenarios)
            if call.step == .batchEngine {
                let old = scenarios[earlier.scenario].network
                let (x, before) = (now.matrices[0].value, then.matrices[0].value)
                guard x.rows == before.rows, x.columns == before.columns, old.sizes == network.sizes,
                      case .gradients(let g) = got else { continue }
                let sameX = x.isBitwise(before)
                let made = StudentCheck.staleForward(network, earlier: old, inputs: x, targets: now.matrices[1].value,
                                                     earlierInputs: before)
                if g.isClose(to: made), !made.isClose(to: MatrixForm.pass(network, inputs: x, targets: now.matrices[1].value).gradients) {
                    return sameX
                        ? "Your loss and gradients are exactly what the pass gives with the activations and logits of \(when), which had the same X and other weights: the forward pass was kept from before (a cache looked up by X, or by the shapes) and reused with this call's weights. The forward pass depends on the weights too: run it on every call."
                        : "Your loss and gradients are exactly what the pass gives with the activations and logits of \(when), an earlier call whose network and batch had the same shapes and other values: the forward pass was kept from before (a cache looked up by the shapes, or a stored pass returned whatever the inputs) and reused with this call's weights and targets. The forward pass depends on X and the weights: run it on every call."
                }
                continue
            }
            if call.step == .oneExample {
                let (scenario, before) = (scenarios[call.scenario], scenarios[earlier.scenario])
                let x = StudentCheck.exampleMatrix(scenario, call.index, targets: false)
                let y = StudentCheck.exampleMatrix(scenario, call.index, targets: true)
                guard x.isBitwise(StudentCheck.exampleMatrix(before, earlier.index, targets: false)),
                      before.network.sizes == network.sizes, case .gradients(let g) = got else { continue }
                let made = StudentCheck.staleForward(network, earlier: before.network, inputs: x, targets: y)
                if g.isClose(to: made), !made.isClose(to: MatrixForm.pass(network, inputs: x, targets: y).gradients) {
                    return "Your loss and gradients are exactly what the pass gives with the activations and logits of \(when), which had the same x and other weights: the forward pass was kept from before (a cache looked up by x, or by the shapes) and reused with this call's weights. The forward pass depends on the weights too: run it on every call."
                }
                continue
            }
            for p in now.matrices.indices where p < then.matrices.count {
                let (a, b) = (now.matrices[p].value, then.matrices[p].value)
                guard a.rows == b.rows, a.columns == b.columns, !a.isBitwise(b) else { continue }
                var m = now.matrices.map(\.value)
                m[p] = b
                guard let made = StudentCheck.reference(call.step, m, bias: now.vector?.value, network: network),
                      StudentCheck.close(values, StudentCheck.flatten(made)) else { continue }
                let name = now.matrices[p].name, theirs = then.matrices[p].name
                return "Your answer is exactly what the right formula gives with \(theirs) of \(when) (an earlier call, with the same shapes) in place of this call's \(name): something made from this input (the input itself, its transpose, or σ′ of it) was kept from before, in a cache or a stored matrix looked up by its shape or by the other inputs. Compute it from this call's \(name) every time."
            }
        }
        return nil
    }
}
