import Backprop
import BackpropExercises

/// EXERCISE 7 (docs/exercises/07-batch-engine.md): the batch engine, composed of the steps of exercises 4 to 6.
/// Check it with `swift run backprop exercises`.
///
/// Call the steps through `steps` (`steps.forward(A, W, b)`, `steps.outputError(A, Y)`,
/// `steps.hiddenError(Δ, W, A, network.hidden)`, `steps.weightGradient(A, Δ)`, `steps.biasGradient(Δ)`), so that
/// the checker can run your engine with steps it knows are right. For a network of L layers
/// (`network.layerCount`; `network.layers[l - 1]` holds Wˡ and bˡ):
///
///     forward      A⁰ = X; for l = 1…L: Zˡ = forward(Aˡ⁻¹, Wˡ, bˡ);
///                  Aˡ = Zˡ.map { network.hidden.value($0) } for l < L, Aᴸ = Zᴸ.mapRows { network.output.activation($0) }
///     loss         𝓛 = (1/m) Σᵢ network.output.loss(logits: Zᴸ.row(i), activation: Aᴸ.row(i), target: Y.row(i))
///     backward     Δᴸ = outputError(Aᴸ, Y); for l = L…1: ∂Wˡ = weightGradient(Aˡ⁻¹, Δˡ), ∂bˡ = biasGradient(Δˡ),
///                  and for l > 1: Δˡ⁻¹ = hiddenError(Δˡ, Wˡ, Aˡ⁻¹, network.hidden)
///
/// and set `gradients = Gradients(loss: L, layers: [LayerParameters(weights: ∂W¹, biases: ∂b¹), …])`.
public struct StudentBatchEngine: BackpropEngine {
    public let name = "student"
    public let steps: MatrixFormSteps

    public init(steps: MatrixFormSteps) {
        self.steps = steps
    }

    public func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                                 into gradients: inout Gradients<Double>) throws {
        throw NotWrittenYet(exercise: 7, step: "batch engine")
    }
}
