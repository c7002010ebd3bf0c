import Backprop

/// The matrix form as a student writes it for the exercises: one function per equation, on `Matrix<Double>`
/// values, examples as rows. `backprop exercises` feeds each step the reference inputs and compares its
/// output with the reference output, so that a mistake in one step is never blamed on another (`StudentCheck`).
///
///     forward          Zˡ = Aˡ⁻¹ Wˡ + bˡ                [m, h_l] = [m, h_{l−1}] · [h_{l−1}, h_l] + [h_l] (every row)
///     output error     Δᴸ = Aᴸ − Y                      [m, c]
///     hidden error     Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ)      [m, h_l] = [m, h_{l+1}] · [h_{l+1}, h_l] ∘ [m, h_l]
///     weight gradient  ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ           [h_{l−1}, h_l] = [h_{l−1}, m] · [m, h_l]
///     bias gradient    ∂bˡ = (1/m) Σᵢ Δˡ[i, :]           [h_l]
///
/// σ′ is computed from the activations: `hidden.derivative(fromActivation: A[i, j])` is σ′(Zˡ[i, j]).
public struct MatrixFormSteps: Sendable {
    /// Zˡ = Aˡ⁻¹ Wˡ + bˡ: `input` Aˡ⁻¹ `[m, h_{l−1}]`, `weights` Wˡ `[h_{l−1}, h_l]`, `bias` bˡ (h_l numbers) → Zˡ `[m, h_l]`.
    public var forward: @Sendable (_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double>
    /// Δᴸ = Aᴸ − Y: `output` Aᴸ `[m, c]`, `targets` Y `[m, c]` → Δᴸ `[m, c]`.
    public var outputError: @Sendable (_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double>
    /// Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ): `deltaAbove` Δˡ⁺¹ `[m, h_{l+1}]`, `weightsAbove` Wˡ⁺¹ `[h_l, h_{l+1}]`,
    /// `activations` Aˡ `[m, h_l]`, `hidden` σ → Δˡ `[m, h_l]`.
    public var hiddenError: @Sendable (_ deltaAbove: Matrix<Double>, _ weightsAbove: Matrix<Double>,
                                       _ activations: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double>
    /// ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ: `input` Aˡ⁻¹ `[m, h_{l−1}]`, `delta` Δˡ `[m, h_l]` → ∂Wˡ `[h_{l−1}, h_l]`.
    public var weightGradient: @Sendable (_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double>
    /// ∂bˡ = (1/m) Σᵢ Δˡ[i, :]: `delta` Δˡ `[m, h_l]` → ∂bˡ (h_l numbers).
    public var biasGradient: @Sendable (_ delta: Matrix<Double>) throws -> [Double]

    public init(
        forward: @escaping @Sendable (Matrix<Double>, Matrix<Double>, [Double]) throws -> Matrix<Double>,
        outputError: @escaping @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double>,
        hiddenError: @escaping @Sendable (Matrix<Double>, Matrix<Double>, Matrix<Double>, Activation) throws -> Matrix<Double>,
        weightGradient: @escaping @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double>,
        biasGradient: @escaping @Sendable (Matrix<Double>) throws -> [Double]
    ) {
        self.forward = forward
        self.outputError = outputError
        self.hiddenError = hiddenError
        self.weightGradient = weightGradient
        self.biasGradient = biasGradient
    }
}
