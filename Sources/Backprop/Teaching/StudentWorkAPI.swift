/// The matrix form as a student writes it for the exercises: one function per equation, on `Matrix<Double>`
/// values, examples as rows. `backprop check --engine student` feeds each step the reference inputs and compares its
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

/// Everything a student writes for the exercises, as the checker calls it:
///
/// - `oneExample`: the one-example equations (exercise 3): for one example x (h_0 numbers) and its target y (c
///   numbers), the loss ℓ and every ∂Wˡ = aˡ⁻¹ (δˡ)ᵀ, ∂bˡ = δˡ, as a `Gradients` (whose `loss` is ℓ);
/// - `steps`: the five steps of the matrix form (exercises 4 to 6);
/// - `batchEngine`: the engine that composes those steps into the mean loss and its gradients (exercise 7). It is
///   given the steps to call: the checker checks it with the reference steps (`ReferenceSteps.checked`), so that
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

/// What an exercise's function throws until the student writes it: the checker reports it as "not written yet"
/// and names the exercise to start with.
public struct NotWrittenYet: Error, Sendable, CustomStringConvertible {
    /// The exercise's number (docs/exercises/).
    public var exercise: Int
    /// The step, as the checker names it: "forward", "hidden error", …
    public var step: String

    public init(exercise: Int, step: String) {
        self.exercise = exercise
        self.step = step
    }

    public var description: String { "\(step) is not written yet (exercise \(exercise))" }
}

/// The mean over the examples of a one-example gradient: an engine from `StudentSubmission.oneExample`, the loop
/// of the per-example form (Σ over the examples, then × 1/m).
public struct PerExampleEngine: BackpropEngine {
    public let name = "student (one example at a time)"
    public let oneExample: @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double>

    public init(_ oneExample: @escaping @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double>) {
        self.oneExample = oneExample
    }

    public func computeGradients(of network: Network<Double>, inputs: Matrix<Double>, targets: Matrix<Double>,
                                 into gradients: inout Gradients<Double>) throws {
        try network.validate(inputs: inputs, targets: targets)
        var sum = Gradients<Double>(zeroFor: network)
        for i in 0..<inputs.rows {
            let one = try oneExample(network, inputs.row(i), targets.row(i))
            guard one.hasShapes(of: network) else {
                throw BackpropError("the one-example gradients do not have the network's shapes")
            }
            sum.loss += one.loss
            for l in sum.layers.indices {
                for k in sum.layers[l].weights.elements.indices { sum.layers[l].weights.elements[k] += one.layers[l].weights.elements[k] }
                for j in sum.layers[l].biases.indices { sum.layers[l].biases[j] += one.layers[l].biases[j] }
            }
        }
        let scale = 1 / Double(inputs.rows)
        sum.loss *= scale
        for l in sum.layers.indices {
            sum.layers[l].weights.elements = sum.layers[l].weights.elements.map { $0 * scale }
            sum.layers[l].biases = sum.layers[l].biases.map { $0 * scale }
        }
        gradients = sum
    }
}
