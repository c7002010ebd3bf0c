import Backprop

/// Everything a student writes for the exercises, as the checker calls it:
///
/// - `oneExample`: the one-example equations (exercise 3): for one example x (h_0 numbers) and its target y (c
///   numbers), the loss ℓ and every ∂Wˡ = aˡ⁻¹ (δˡ)ᵀ, ∂bˡ = δˡ, as a `Gradients` (whose `loss` is ℓ);
/// - `steps`: the five steps of the matrix form (exercises 4 to 6);
/// - `batchEngine`: the engine that composes those steps into the mean loss and its gradients (exercise 7). It is
///   given the steps to call: the checker checks it with the reference steps (`MatrixFormSteps.reference`), so that
///   only its composition is judged, and runs it with the student's own steps for the final end-to-end table.
public struct StudentSubmission: Sendable {
    public var oneExample: @Sendable (_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double>
    public var steps: MatrixFormSteps
    public var batchEngine: @Sendable (_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double>

    public init(
        oneExample: @escaping @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double>,
        steps: MatrixFormSteps,
        batchEngine: @escaping @Sendable (MatrixFormSteps) -> AnyBackpropEngine<Double>
    ) {
        self.oneExample = oneExample
        self.steps = steps
        self.batchEngine = batchEngine
    }
}
