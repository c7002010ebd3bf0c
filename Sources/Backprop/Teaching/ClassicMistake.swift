/// The mistakes students make most often when they derive backpropagation, each of which `StudentCheck` can
/// recognise from an engine's output (docs/exercises/).
public enum ClassicMistake: String, CaseIterable, Sendable {
    /// The gradients are sums over the batch, not means: the 1/m is missing.
    case missingMeanScale
    /// ∂bˡ sums each example's δ over the units (a row) instead of over the examples (a column).
    case biasSummedOverWrongAxis
    /// σ′ is evaluated at aˡ (σ′(aˡ) = σ(aˡ)(1 − σ(aˡ))) where the formula needs σ′(zˡ).
    case derivativeOfActivation
    /// The from-a form of σ′ is fed zˡ (zˡ(1 − zˡ)) where it needs aˡ.
    case derivativeFromPreActivation
    /// δᴸ = (aᴸ − y) ∘ σ′(zᴸ) at a cross-entropy output, where the σ′ cancels and δᴸ = aᴸ − y.
    case extraDerivativeAtOutput
    /// δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ∘ σ′ instead of (Wˡ⁺¹ δˡ⁺¹) ∘ σ′ (only possible when Wˡ⁺¹ is square).
    case untransposedWeights
    /// ∂Wˡ = aˡ (δˡ)ᵀ instead of aˡ⁻¹ (δˡ)ᵀ (only possible when h_{l−1} = h_l).
    case activationInsteadOfInput
    /// The forward pass leaves out the bias: zˡ = (Wˡ)ᵀ aˡ⁻¹.
    case missingBias
    /// Each layer's weights are updated (Wˡ ← Wˡ − η ∂Wˡ) before its error is propagated further down.
    case weightsUpdatedDuringBackprop

    /// What the checker tells the student, in one or two sentences.
    public var explanation: String {
        switch self {
        case .missingMeanScale:
            "Every gradient is m times too large: the engine returns the SUM over the batch. Multiply by 1/m (the note's ∂L/∂W = (1/m) Aᵀ Δ): the loss is the mean."
        case .biasSummedOverWrongAxis:
            "∂b sums δ along each example's row (over the units). The bias gradient sums DOWN each column, over the examples: np.sum(Δ, axis=0), then 1/m."
        case .derivativeOfActivation:
            "σ′ was applied to aˡ: σ′(aˡ) = σ(aˡ)(1 − σ(aˡ)) squashes twice. The formula needs σ′(zˡ), which for the sigmoid is aˡ(1 − aˡ): use a, but not σ(a)."
        case .derivativeFromPreActivation:
            "σ′ was computed as zˡ(1 − zˡ): that is the sigmoid's derivative written in terms of its OUTPUT, so it needs aˡ = σ(zˡ), not zˡ."
        case .extraDerivativeAtOutput:
            "δᴸ was multiplied by σ′(zᴸ). With cross-entropy (sigmoid or softmax output) that factor cancels: δᴸ = aᴸ − y exactly. Only squared error keeps it."
        case .untransposedWeights:
            "The hidden error used (Wˡ⁺¹)ᵀ δˡ⁺¹. With the note's Wˡ of shape (h_{l−1} × h_l), the error flows back as Wˡ⁺¹ δˡ⁺¹ (and Δˡ⁺¹ (Wˡ⁺¹)ᵀ for a batch); a square layer hid the shape mismatch."
        case .activationInsteadOfInput:
            "∂Wˡ used the layer's own activation aˡ. It needs the layer's INPUT: ∂Wˡ = aˡ⁻¹ (δˡ)ᵀ, with a⁰ = x (a square layer hid the shape mismatch)."
        case .missingBias:
            "The forward pass left out the bias: zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ. Without it every activation, and so every gradient, is off."
        case .weightsUpdatedDuringBackprop:
            "The top layer's gradients are right but the layers below are off as if Wˡ⁺¹ had already moved: compute every δ with the weights of the forward pass, and update only after the backward pass."
        }
    }
}
