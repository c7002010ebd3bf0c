/// The course note's equations for ONE example, with column vectors, written as plainly as the note writes them;
/// then the mean over m examples, one example at a time.
///
///     zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ        [h_l] = [h_l, h_{l−1}] · [h_{l−1}] + [h_l]     a⁰ = x         `forward`
///     aˡ = σ(zˡ)                  the output layer's own σᴸ for l = L
///     δᴸ = aᴸ − y                 [c]                                                         `errors`
///     δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′(zˡ)    [h_l] = [h_l, h_{l+1}] · [h_{l+1}] ∘ [h_l]
///     ∂Wˡ += aˡ⁻¹ (δˡ)ᵀ           [h_{l−1}, h_l] = [h_{l−1}, 1] · [1, h_l]                     `gradients`
///     ∂bˡ += δˡ                   and after the last example, both × (1/m)
///
/// Each sum runs in index order, each term one fused multiply-add (`addingProduct`), and each sum over the examples
/// starts from +0: the same operations, in the same order, as `MatrixForm` performs on all m rows at once, so the
/// two give the same bits (docs/bitwise-identity.md). This is the specification of `LoopEngine`, which performs
/// these operations with SIMD kernels and no allocation.
///
/// - Complexity: per example about 2·Σ h_{l−1}h_l (forward) + 2·Σ_{l≥2} h_{l−1}h_l (errors) + 2·Σ h_{l−1}h_l (∂W).
public enum OneExample {
    /// zˡ and aˡ for l = 1…L (index 0 of `z` is empty, of `a` is x).
    /// - Precondition: `x` has h_0 numbers.
    public static func forward<T>(_ network: Network<T>, _ x: [T]) -> (z: [[T]], a: [[T]]) {
        let L = network.layerCount
        var z: [[T]] = [[]], a = [x]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            z.append((0..<W.columns).map { j in
                var sum = b[j]
                for k in 0..<W.rows { sum = sum.addingProduct(a[l - 1][k], W[k, j]) }
                return sum
            })
            a.append(l < L ? z[l].map { network.hidden.value($0) } : network.output.activation(z[l]))
        }
        return (z, a)
    }

    /// δˡ for l = 1…L (index 0 empty), from the activations of `forward` and the target y (c numbers).
    public static func errors<T>(_ network: Network<T>, activations a: [[T]], target y: [T]) -> [[T]] {
        let L = network.layerCount
        var delta = [[T]](repeating: [], count: L + 1)
        delta[L] = network.output.outputError(activation: a[L], target: y)
        for l in stride(from: L - 1, through: 1, by: -1) {
            let W = network.layers[l].weights  // Wˡ⁺¹ [h_l, h_{l+1}]
            delta[l] = (0..<W.rows).map { j in
                var sum: T = 0
                for k in 0..<W.columns { sum = sum.addingProduct(W[j, k], delta[l + 1][k]) }
                return sum * network.hidden.derivative(fromActivation: a[l][j])
            }
        }
        return delta
    }

    /// The mean loss and gradients over the rows of X `[m, h_0]` and Y `[m, c]`, one example at a time:
    /// ∂Wˡ += aˡ⁻¹ (δˡ)ᵀ and ∂bˡ += δˡ for each, from +0, then × (1/m). With m = 1 they are one example's ℓ, ∂Wˡ, ∂bˡ.
    /// - Precondition: the batch fits the network (`Network.validate(inputs:targets:)`).
    public static func gradients<T>(of network: Network<T>, inputs: Matrix<T>, targets: Matrix<T>) -> Gradients<T> {
        var sums = Gradients(zeroFor: network)
        for i in 0..<inputs.rows {
            let (z, a) = forward(network, inputs.row(i))
            let delta = errors(network, activations: a, target: targets.row(i))
            sums.loss += network.output.loss(logits: z[network.layerCount], activation: a[network.layerCount],
                                             target: targets.row(i))
            for l in 1...network.layerCount {
                for k in 0..<a[l - 1].count {
                    for j in 0..<delta[l].count {
                        sums.layers[l - 1].weights[k, j] = sums.layers[l - 1].weights[k, j].addingProduct(a[l - 1][k], delta[l][j])
                    }
                }
                for j in 0..<delta[l].count { sums.layers[l - 1].biases[j] += delta[l][j] }
            }
        }
        let scale = 1 / T(inputs.rows)
        sums.loss *= scale
        for l in sums.layers.indices {
            sums.layers[l].weights.elements = sums.layers[l].weights.elements.map { $0 * scale }
            sums.layers[l].biases = sums.layers[l].biases.map { $0 * scale }
        }
        return sums
    }
}
