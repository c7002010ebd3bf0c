import Backprop
import BackpropExercises

/// EXERCISE 5 (docs/exercises/05-hidden-error.md): the step that makes backpropagation go back, the error of one
/// layer from the error of the layer above, for the whole batch at once. Check it with
/// `swift run backprop exercises`.
///
///     Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ)      [m, h_l] = [m, h_{l+1}] · [h_{l+1}, h_l] ∘ [m, h_l]
///
/// `deltaAbove` is Δˡ⁺¹, `weightsAbove` is Wˡ⁺¹ ([h_l, h_{l+1}], as the note stores it), `activations` is Aˡ.
/// Element by element: Δ[i, j] = (Σₖ Δˡ⁺¹[i, k] W[j, k]) · σ′, with σ′ = `hidden.derivative(fromActivation: A[i, j])`
/// (σ′(z) computed from a = σ(z)). Row i is example i's δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′(zˡ), written as a row.
public func hiddenError(deltaAbove: Matrix<Double>, weightsAbove: Matrix<Double>, activations: Matrix<Double>,
                        hidden: Activation) throws -> Matrix<Double> {
    throw NotWrittenYet(exercise: 5, step: "hidden error")
}
