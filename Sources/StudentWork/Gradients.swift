import Backprop
import BackpropExercises

/// EXERCISE 6 (docs/exercises/06-gradients.md): the weight gradient of one layer, the MEAN over the m examples of
/// each example's aˡ⁻¹ (δˡ)ᵀ. Check it with `swift run backprop exercises`.
///
///     ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ      [h_{l−1}, h_l] = [h_{l−1}, m] · [m, h_l]
///
/// `input` is Aˡ⁻¹ [m, h_{l−1}], `delta` is Δˡ [m, h_l]. Element by element: ∂W[k, j] = (1/m) Σᵢ A[i, k] Δ[i, j].
public func weightGradient(input: Matrix<Double>, delta: Matrix<Double>) throws -> Matrix<Double> {
    throw NotWrittenYet(exercise: 6, step: "weight gradient")
}

/// EXERCISE 6: the bias gradient of one layer, the mean of the examples' δˡ: the sums DOWN each column of Δˡ
/// (NumPy's `np.sum(Δ, axis=0)`), times 1/m.
///
///     ∂bˡ = (1/m) Σᵢ Δˡ[i, :]     [h_l]
public func biasGradient(delta: Matrix<Double>) throws -> [Double] {
    throw NotWrittenYet(exercise: 6, step: "bias gradient")
}
