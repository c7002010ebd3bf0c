import Backprop

extension MatrixFormSteps {
    /// The five steps of the library's readable matrix form (`MatrixForm`) as the `MatrixFormSteps` a student's engine is given when the checker checks the
    /// engine on its own (exercise 7): the engine's composition is then checked with steps known to be right, so a
    /// wrong step is never blamed on the engine. Each call first checks that its arguments' shapes fit, and throws
    /// one line naming the step and the shapes when they do not (the engine passed the wrong matrix), instead of
    /// trapping on an index.
    ///
    ///     forward          Aˡ⁻¹ [m, h_{l−1}], Wˡ [h_{l−1}, h_l], bˡ [h_l]
    ///     output error     Aᴸ [m, c], Y [m, c]
    ///     hidden error     Δˡ⁺¹ [m, h_{l+1}], Wˡ⁺¹ [h_l, h_{l+1}], Aˡ [m, h_l]
    ///     weight gradient  Aˡ⁻¹ [m, h_{l−1}], Δˡ [m, h_l]
    ///     bias gradient    Δˡ [m, h_l], m ≥ 1
    public static let reference = MatrixFormSteps(
        forward: { input, weights, bias in
            try fit(input.columns == weights.rows && bias.count == weights.columns,
                    "forward: Aˡ⁻¹ \(shape(input)) · Wˡ \(shape(weights)) + bˡ [\(bias.count)] do not fit; Zˡ = Aˡ⁻¹ Wˡ + bˡ needs Aˡ⁻¹ [m, h_{l−1}], Wˡ [h_{l−1}, h_l], bˡ [h_l]")
            return MatrixForm.forward(input, weights, bias)
        },
        outputError: { output, targets in
            try fit(output.rows == targets.rows && output.columns == targets.columns,
                    "output error: Aᴸ \(shape(output)) and Y \(shape(targets)) differ in shape; Δᴸ = Aᴸ − Y needs both [m, c]")
            return MatrixForm.outputError(output, targets)
        },
        hiddenError: { deltaAbove, weightsAbove, activations, hidden in
            try fit(deltaAbove.columns == weightsAbove.columns && activations.rows == deltaAbove.rows
                        && activations.columns == weightsAbove.rows,
                    "hidden error: Δˡ⁺¹ \(shape(deltaAbove)), Wˡ⁺¹ \(shape(weightsAbove)), Aˡ \(shape(activations)) do not fit; Δˡ = (Δˡ⁺¹ (Wˡ⁺¹)ᵀ) ∘ σ′(Zˡ) needs Δˡ⁺¹ [m, h_{l+1}], Wˡ⁺¹ [h_l, h_{l+1}], Aˡ [m, h_l]")
            return MatrixForm.hiddenError(deltaAbove, weightsAbove, activations, hidden)
        },
        weightGradient: { input, delta in
            try fit(input.rows == delta.rows && input.rows > 0,
                    "weight gradient: Aˡ⁻¹ \(shape(input)) and Δˡ \(shape(delta)) do not fit; ∂Wˡ = (1/m) (Aˡ⁻¹)ᵀ Δˡ needs Aˡ⁻¹ [m, h_{l−1}] and Δˡ [m, h_l], m ≥ 1")
            return MatrixForm.weightGradient(input, delta)
        },
        biasGradient: { delta in
            try fit(delta.rows > 0, "bias gradient: Δˡ \(shape(delta)) has no rows; ∂bˡ = (1/m) Σᵢ Δˡ[i, :] needs m ≥ 1")
            return MatrixForm.biasGradient(delta)
        }
    )

    private static func shape(_ matrix: Matrix<Double>) -> String { "[\(matrix.rows), \(matrix.columns)]" }

    private static func fit(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        guard condition else { throw BackpropError(message()) }
    }
}
