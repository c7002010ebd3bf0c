import Backprop
import BackpropExercises

/// EXERCISE 3 (docs/exercises/03-one-example.md): backpropagation for ONE example, with column vectors, as the
/// course derives it. Check it with `swift run backprop exercises`.
///
/// `x` has h_0 numbers and `y` has c = h_L (one-hot); `network.layers[l - 1]` holds Wˡ (`weights`, a
/// `Matrix<Double>` of shape [h_{l−1}, h_l], element W[i, j]) and bˡ (`biases`, h_l numbers). Compute
///
///     forward      zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ, that is zⱼ = bⱼ + Σᵢ W[i, j] aᵢ, for l = 1…L, with a⁰ = x;
///                  aˡ = σ(zˡ) for the hidden layers, one number at a time (`zl.map { network.hidden.value($0) }`), aᴸ = `network.output.activation(zᴸ)`
///     loss         ℓ = `network.output.loss(logits: zᴸ, activation: aᴸ, target: y)`
///     output error δᴸ = aᴸ − y
///     hidden error δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′(zˡ), that is δˡⱼ = (Σₖ Wˡ⁺¹[j, k] δˡ⁺¹ₖ) · `network.hidden.derivative(fromActivation: aˡⱼ)`
///     gradients    ∂Wˡ = aˡ⁻¹ (δˡ)ᵀ, that is ∂W[i, j] = aᵢ δⱼ (a Matrix of Wˡ's shape); ∂bˡ = δˡ
///
/// and return `Gradients(loss: ℓ, layers: [LayerParameters(weights: ∂W¹, biases: ∂b¹), …, (∂Wᴸ, ∂bᴸ)])`.
/// (The checker averages your one-example gradients over a batch itself: the per-example engine.)
public func oneExampleGradients(network: Network<Double>, x: [Double], y: [Double]) throws -> Gradients<Double> {
    throw NotWrittenYet(exercise: 3, step: "one example")
}
