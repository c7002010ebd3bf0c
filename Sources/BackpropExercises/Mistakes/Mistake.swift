import Backprop

/// The mistakes students make in backpropagation that the checker recognises by making them itself: each is the
/// library's readable matrix form (`MatrixForm`) with one thing done wrong, made around its functions
/// (Mistake+Steps.swift) or in how they are composed (Mistake+Pass.swift), never by editing them.
///
/// A step's wrong output is compared with each of its step's mistakes made on the same inputs; a whole engine's or a
/// one-example gradient with each mistake made in a whole pass.
public enum Mistake: String, CaseIterable, Sendable {
    // The forward step.
    case missingBias, transposedWeights, biasIndexedByExample, biasInsideSum
    // The output error.
    case extraDerivativeAtOutput, outputActivationAppliedTwice
    // The hidden error.
    case untransposedWeights, missingDerivative, derivativeOfActivation, derivativeFromPreActivation
    case activationForDerivative, valueForDerivative, sigmoidDerivativeAlways, derivativeTransposed
    // The weight and bias gradients.
    case missingMean, meanOverMMinusOne, biasSummedOverUnits, lastExampleOnly, firstExampleOnly, oneExampleFormula
    case sumsMultiplied
    case activationInsteadOfInput
    // Any sum.
    case sumSkipsFirst, sumSkipsLast, sumNotReset
    // The composition of the steps.
    case weightsUpdatedDuringBackprop, hiddenActivationAtOutput, derivativeOfLayerAbove, forwardFromInputs
    case lossFromActivations, lastLossOnly

    /// The steps whose code can make it (a sum's mistake: every step with a sum).
    public var steps: Set<StudentCheck.Step> {
        switch self {
        case .missingBias, .transposedWeights, .biasIndexedByExample, .biasInsideSum: [.forward]
        case .extraDerivativeAtOutput, .outputActivationAppliedTwice: [.outputError]
        case .untransposedWeights, .missingDerivative, .derivativeOfActivation, .activationForDerivative,
             .valueForDerivative, .sigmoidDerivativeAlways, .derivativeTransposed: [.hiddenError]
        case .missingMean, .meanOverMMinusOne, .lastExampleOnly, .firstExampleOnly, .oneExampleFormula:
            [.weightGradient, .biasGradient]
        case .biasSummedOverUnits: [.biasGradient]
        case .sumsMultiplied: [.weightGradient]
        case .sumSkipsFirst, .sumSkipsLast, .sumNotReset: [.forward, .hiddenError, .weightGradient, .biasGradient]
        // Only where the step is handed more than its equation needs: a whole pass.
        case .derivativeFromPreActivation, .activationInsteadOfInput, .weightsUpdatedDuringBackprop,
             .hiddenActivationAtOutput, .derivativeOfLayerAbove, .forwardFromInputs, .lossFromActivations,
             .lastLossOnly: []
        }
    }

    /// A slip in a sum that any step's sum can make (a bound, a start, a reset): its words cannot say which sum.
    public var isAnySum: Bool { [.sumSkipsFirst, .sumSkipsLast, .sumNotReset].contains(self) }

    /// What the checker tells the student, in a sentence or two, in the batch's notation (Aˡ, Δˡ: one example's aˡ,
    /// δˡ are their rows).
    public var explanation: String {
        switch self {
        case .missingBias:
            "the bias is missing: Zˡ = Aˡ⁻¹ Wˡ + bˡ adds bⱼ to every row's column j (for one example, zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ)."
        case .transposedWeights:
            "Wˡ was read transposed: with the note's Wˡ of shape (h_{l−1} × h_l), Zˡ[i, j] = bⱼ + Σₖ Aˡ⁻¹[i, k] Wˡ[k, j]. A square Wˡ hid the mistake from the shapes."
        case .biasIndexedByExample:
            "the bias was indexed by the example (b[i]) instead of by the unit (b[j]): Z[i, j] takes bⱼ, the bias of unit j, in every row; b[i] gives each row one number in every column."
        case .biasInsideSum:
            "the bias was added inside the sum over k, once per term: add bⱼ once, before (or after) the sum."
        case .extraDerivativeAtOutput:
            "Δᴸ was multiplied by σ′(Zᴸ). With cross-entropy (a sigmoid or softmax output) that factor cancels: Δᴸ = Aᴸ − Y exactly. Only squared error keeps it."
        case .outputActivationAppliedTwice:
            "the output activation was applied to Aᴸ again: Aᴸ already is σᴸ(Zᴸ), so Δᴸ = Aᴸ − Y as it is."
        case .untransposedWeights:
            "the hidden error used Δˡ⁺¹ Wˡ⁺¹ (W[k, j] for W[j, k]): with Wˡ⁺¹ of shape (h_l × h_{l+1}) the error flows back as Δˡ⁺¹ (Wˡ⁺¹)ᵀ, Σₖ Δˡ⁺¹[i, k] Wˡ⁺¹[j, k] (for one example, Wˡ⁺¹ δˡ⁺¹). A square Wˡ⁺¹ hid the mistake from the shapes."
        case .missingDerivative:
            "the ∘ σ′(Zˡ) is missing, or is a factor that is 1 at every element here (as a hand-written ReLU′ is wherever the activation is positive): after Δˡ⁺¹ (Wˡ⁺¹)ᵀ, multiply each element by network.hidden.derivative(fromActivation: Aˡ[i, j])."
        case .derivativeOfActivation:
            "σ′ was applied to σ(Aˡ): derivative(fromActivation:) takes the activation a = σ(z) itself, so pass Aˡ[i, j], not σ of it."
        case .derivativeFromPreActivation:
            "σ′ was computed from zˡ: derivative(fromActivation:) takes the activation aˡ = σ(zˡ) (for the sigmoid a(1 − a)), not zˡ."
        case .activationForDerivative:
            "the error was multiplied by the activation Aˡ[i, j] instead of σ′ computed from it (hidden.derivative(fromActivation:), with the step's own `hidden`; network.hidden in the one-example step and the engine)."
        case .valueForDerivative:
            "the error was multiplied by σ (hidden.value) where σ′ belongs: use hidden.derivative(fromActivation: Aˡ[i, j]) (the step's own `hidden`; network.hidden in the one-example step and the engine)."
        case .sigmoidDerivativeAlways:
            "σ′ was written as a(1 − a), the sigmoid's derivative, whatever the activation: use hidden.derivative(fromActivation: Aˡ[i, j]) (the step's own `hidden`; network.hidden in the one-example step and the engine), which knows tanh and relu too."
        case .missingMean:
            "the 1/m is missing: the gradients are of the MEAN loss, so the sum over the m examples is multiplied by 1/m."
        case .meanOverMMinusOne:
            "the mean was taken over m − 1: the sum over the m examples is multiplied by 1/m."
        case .biasSummedOverUnits:
            "∂bˡ summed each example's row (over the units). The bias gradient sums DOWN each column, over the examples (for each j, Σᵢ Δ[i, j]), then 1/m."
        case .lastExampleOnly:
            "only the last example counts: the sum over the examples overwrites (=) where it should add (+=), or a reduce's closure returns the term and drops the running sum."
        case .firstExampleOnly:
            "only the first example (row 0) was summed: the sum runs over every row i = 0…m−1."
        case .derivativeTransposed:
            "σ′ was read at [j, i] where [i, j] belongs: Aˡ[i, j] is example i's unit j, the element the error Δˡ[i, j] is multiplied with. A square Aˡ hid the mistake from the shapes."
        case .oneExampleFormula:
            "the one-example formula was used for the batch: ∂Wˡ = aˡ⁻¹ (δˡ)ᵀ and ∂bˡ = δˡ hold for ONE example; for m examples it is the mean of every example's, (1/m) Σᵢ over the rows, not the first row."
        case .derivativeOfLayerAbove:
            "σ′ was taken from the activations of the layer above: Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ) uses layer l's own activations Aˡ (for the hidden error of layer l, the input of layer l + 1)."
        case .forwardFromInputs:
            "every layer was fed the inputs X: layer l's input is the activation of the layer below, Aˡ⁻¹ (A⁰ = X only for the first layer)."
        case .lastLossOnly:
            "only the last example's loss counts: the sum of the examples' ℓ overwrites (=) where it should add (+=), before the mean."
        case .lossFromActivations:
            "the loss was given the activations aᴸ where it takes the logits zᴸ: network.output.loss(logits: zᴸ, activation: aᴸ, target: y) computes the cross-entropy from the logits."
        case .sumsMultiplied:
            "each factor was summed over the examples first and the sums multiplied: ∂W[k, j] = (1/m) Σᵢ A[i, k] Δ[i, j] multiplies each example's pair, then sums the products."
        case .hiddenActivationAtOutput:
            "the output layer used the hidden layers' σ: aᴸ = σᴸ(zᴸ) is the output layer's own activation (network.output.activation(z): softmax or sigmoid); network.hidden.value is for the layers below it."
        case .activationInsteadOfInput:
            "∂Wˡ used the layer's own activation Aˡ. It needs the layer's INPUT: ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ (for one example aˡ⁻¹ (δˡ)ᵀ), with A⁰ = X. A square layer hid the mistake from the shapes."
        case .sumSkipsFirst:
            "the sum misses its first term: a loop starting at 1 where it should start at 0."
        case .sumSkipsLast:
            "the sum misses its last term: a loop bound one short (..< n − 1, or ...n − 2), or the bound of another dimension that happens to be one less here (W.columns for W.rows)."
        case .sumNotReset:
            "the running sum is never reset: it carries over from one element to the next. Start it again (from 0, or the bias) for every element."
        case .weightsUpdatedDuringBackprop:
            "the top layer's gradients are right but the layers below are off as if Wˡ⁺¹ had already moved: compute every δ with the weights of the forward pass, and update only after the backward pass."
        }
    }
}
