import Backprop
import BackpropExercises

/// EXERCISE 4 (docs/exercises/04-forward-and-output-error.md): the forward step of one layer, for all m examples
/// at once (examples are rows). Check it with `swift run backprop exercises`.
///
///     Zˡ = Aˡ⁻¹ Wˡ + bˡ      [m, h_l] = [m, h_{l−1}] · [h_{l−1}, h_l] + [h_l] (bˡ added to every row)
///
/// `input` is Aˡ⁻¹ (row i is example i's aˡ⁻¹), `weights` is Wˡ, `bias` is bˡ. Return Zˡ as a new
/// `Matrix(rows: m, columns: h_l)`, element Z[i, j] = b[j] + Σₖ A[i, k] W[k, j]. (The engine applies σ to it.)
public func forward(input: Matrix<Double>, weights: Matrix<Double>, bias: [Double]) throws -> Matrix<Double> {
    throw NotWrittenYet(exercise: 4, step: "forward")
}

/// EXERCISE 4: the output error of the batch, for the output layers of the course (sigmoid or softmax with
/// cross-entropy), where the derivative of the loss and of the activation cancel:
///
///     Δᴸ = Aᴸ − Y            [m, c]
///
/// `output` is Aᴸ, `targets` is Y (one-hot rows). Return a new `Matrix` of the same shape.
public func outputError(output: Matrix<Double>, targets: Matrix<Double>) throws -> Matrix<Double> {
    throw NotWrittenYet(exercise: 4, step: "output error")
}
