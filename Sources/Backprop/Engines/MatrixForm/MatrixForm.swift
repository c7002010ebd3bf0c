/// The course note's matrix form, written as plainly as the equations: examples are rows, one function per step.
///
///     Zˡ = Aˡ⁻¹ Wˡ + 1ₘ (bˡ)ᵀ     [m, h_l] = [m, h_{l−1}] · [h_{l−1}, h_l] + bˡ in every row      `forward`
///     Aˡ = σ(Zˡ)                  A⁰ = X; the output layer's own σᴸ for l = L                  `activations`
///     Δᴸ = Aᴸ − Y                 [m, c]                                                       `outputError`
///     Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ) [m, h_l] = [m, h_{l+1}] · [h_{l+1}, h_l] ∘ [m, h_l]          `hiddenError`
///     ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ      [h_{l−1}, h_l] = [h_{l−1}, m] · [m, h_l]                      `weightGradient`
///     ∂bˡ = (1/m) (Δˡ)ᵀ 1ₘ        [h_l], the column sums of Δˡ                                 `biasGradient`
///
/// Every element is one sum computed in index order, each term one fused multiply-add (`addingProduct`), then one
/// multiplication: the bitwise contract (docs/bitwise-identity.md). This is the specification of `BatchEngine`,
/// which performs these same operations fused into GEMM tiles and shared between threads, and of `LoopEngine`,
/// which performs them one example at a time (`OneExample`); the tests hold all four to the same bits.
///
/// - Complexity: about 2m·(2·Σ h_{l−1}h_l + Σ_{l≥2} h_{l−1}h_l) flops, as the engines; no blocking, no threads.
public enum MatrixForm {
    /// Zˡ = Aˡ⁻¹ Wˡ + 1ₘ (bˡ)ᵀ: Z[i, j] = b[j], then + A[i, k] W[k, j] for k = 0, 1, … in order.
    /// - Precondition: `input` Aˡ⁻¹ `[m, h_{l−1}]`, `weights` Wˡ `[h_{l−1}, h_l]`, `bias` bˡ `[h_l]`; returns `[m, h_l]`.
    public static func forward<T>(_ input: Matrix<T>, _ weights: Matrix<T>, _ bias: [T]) -> Matrix<T> {
        precondition(input.columns == weights.rows && bias.count == weights.columns, "Zˡ = Aˡ⁻¹ Wˡ + bˡ: shapes")
        var z = Matrix<T>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum = sum.addingProduct(input[i, k], weights[k, j]) }
                z[i, j] = sum
            }
        }
        return z
    }

    /// Aˡ = σ(Zˡ), element by element for a hidden layer, row by row for the output layer (a softmax needs the
    /// whole row). - Precondition: `z` is `[m, h_l]`; returns `[m, h_l]`.
    public static func activations<T>(_ z: Matrix<T>, hidden: Activation?, output: OutputLayer) -> Matrix<T> {
        guard let hidden else { return Matrix(z.rowArrays.map { output.activation($0) }) }
        return Matrix(rows: z.rows, columns: z.columns, elements: z.elements.map { hidden.value($0) })
    }

    /// Δᴸ = Aᴸ − Y for a cross-entropy output (or identity with squared error); (Aᴸ − Y) ∘ σ′ for a sigmoid with
    /// squared error (`OutputLayer.errorRule`). - Precondition: `output` Aᴸ and `targets` Y are `[m, c]`.
    public static func outputError<T>(_ output: Matrix<T>, _ targets: Matrix<T>,
                                      layer: OutputLayer = .softmaxCrossEntropy) -> Matrix<T> {
        precondition(output.rows == targets.rows && output.columns == targets.columns, "Δᴸ = Aᴸ − Y: shapes")
        return Matrix((0..<output.rows).map { layer.outputError(activation: output.row($0), target: targets.row($0)) })
    }

    /// Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ): Δ[i, j] = (Σₖ Δˡ⁺¹[i, k] Wˡ⁺¹[j, k], from +0 in k order) × σ′, with σ′
    /// computed from the activation Aˡ[i, j] (σ′(z) = a(1 − a) for the sigmoid, 1 − a² for tanh, [a > 0] for ReLU).
    /// - Precondition: `deltaAbove` `[m, h_{l+1}]`, `weightsAbove` `[h_l, h_{l+1}]`, `activations` `[m, h_l]`.
    public static func hiddenError<T>(_ deltaAbove: Matrix<T>, _ weightsAbove: Matrix<T>, _ activations: Matrix<T>,
                                      _ hidden: Activation) -> Matrix<T> {
        precondition(deltaAbove.columns == weightsAbove.columns && activations.columns == weightsAbove.rows
                     && activations.rows == deltaAbove.rows, "Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ): shapes")
        var delta = Matrix<T>(rows: deltaAbove.rows, columns: weightsAbove.rows)
        for i in 0..<deltaAbove.rows {
            for j in 0..<weightsAbove.rows {
                var sum: T = 0
                for k in 0..<deltaAbove.columns { sum = sum.addingProduct(deltaAbove[i, k], weightsAbove[j, k]) }
                delta[i, j] = sum * hidden.derivative(fromActivation: activations[i, j])
            }
        }
        return delta
    }

    /// ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ: ∂W[k, j] = (Σᵢ Aˡ⁻¹[i, k] Δˡ[i, j], from +0 over the examples i in order) × (1/m).
    /// - Precondition: `input` Aˡ⁻¹ `[m, h_{l−1}]`, `delta` Δˡ `[m, h_l]`; returns `[h_{l−1}, h_l]`.
    public static func weightGradient<T>(_ input: Matrix<T>, _ delta: Matrix<T>) -> Matrix<T> {
        precondition(input.rows == delta.rows && input.rows > 0, "∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ: shapes")
        let scale = 1 / T(input.rows)
        var gradient = Matrix<T>(rows: input.columns, columns: delta.columns)
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum: T = 0
                for i in 0..<input.rows { sum = sum.addingProduct(input[i, k], delta[i, j]) }
                gradient[k, j] = sum * scale
            }
        }
        return gradient
    }

    /// ∂bˡ = (1/m) (Δˡ)ᵀ 1ₘ: ∂b[j] = (Σᵢ Δˡ[i, j], from +0 down the rows in order) × (1/m), NumPy's
    /// `Δ.sum(axis=0) / m`. - Precondition: `delta` is `[m, h_l]`, m ≥ 1; returns `[h_l]`.
    public static func biasGradient<T>(_ delta: Matrix<T>) -> [T] {
        precondition(delta.rows > 0, "∂bˡ needs at least one example")
        let scale = 1 / T(delta.rows)
        return (0..<delta.columns).map { j in
            var sum: T = 0
            for i in 0..<delta.rows { sum += delta[i, j] }
            return sum * scale
        }
    }

    /// Everything one batch computes on its way: index l of each array is layer l (A⁰ = X; `z[0]` and `deltas[0]`
    /// are empty), and the mean loss with its gradients.
    public struct Pass<T: BackpropScalar>: Sendable {
        public var z: [Matrix<T>]
        public var a: [Matrix<T>]
        public var deltas: [Matrix<T>]
        public var gradients: Gradients<T>
    }

    /// The five steps in the note's order on the batch (X `[m, h_0]`, Y `[m, c]`), and 𝓛 = (1/m) Σᵢ ℓᵢ.
    /// - Precondition: the batch fits the network (`Network.validate(inputs:targets:)`).
    public static func pass<T>(_ network: Network<T>, inputs: Matrix<T>, targets: Matrix<T>) -> Pass<T> {
        let L = network.layerCount
        var z = [Matrix<T>(rows: 0, columns: 0)], a = [inputs]
        for l in 1...L {
            z.append(forward(a[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases))
            a.append(activations(z[l], hidden: l < L ? network.hidden : nil, output: network.output))
        }
        var deltas = [Matrix<T>](repeating: Matrix(rows: 0, columns: 0), count: L + 1)
        deltas[L] = outputError(a[L], targets, layer: network.output)
        for l in stride(from: L - 1, through: 1, by: -1) {
            deltas[l] = hiddenError(deltas[l + 1], network.layers[l].weights, a[l], network.hidden)
        }
        let layers = (1...L).map { l in
            LayerParameters(weights: weightGradient(a[l - 1], deltas[l]), biases: biasGradient(deltas[l]))
        }
        let loss = meanLoss(logits: z[L], outputs: a[L], targets: targets, layer: network.output)
        return Pass(z: z, a: a, deltas: deltas, gradients: Gradients(loss: loss, layers: layers))
    }

    /// 𝓛 = (1/m) Σᵢ ℓᵢ, the examples' losses added in order from +0, then × (1/m).
    public static func meanLoss<T>(logits: Matrix<T>, outputs: Matrix<T>, targets: Matrix<T>, layer: OutputLayer) -> T {
        var sum: T = 0
        for i in 0..<logits.rows {
            sum += layer.loss(logits: logits.row(i), activation: outputs.row(i), target: targets.row(i))
        }
        return sum * (1 / T(logits.rows))
    }
}
