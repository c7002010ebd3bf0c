import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 13: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut13Submission: Sendable {
    public let name: String
    /// The step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient",
    /// "bias gradient", "batch engine"), or "pass".
    public let expected: String
    /// The slip in one sentence, as a TA would describe it.
    public let mistake: String
    public let submission: StudentSubmission
}

func h13(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut13Submission {
    HeldOut13Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h13sub(
    oneExample: @escaping @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double> = Solutions.oneExample,
    forward: @escaping @Sendable (Matrix<Double>, Matrix<Double>, [Double]) throws -> Matrix<Double> = Solutions.forward,
    outputError: @escaping @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double> = Solutions.outputError,
    hiddenError: @escaping @Sendable (Matrix<Double>, Matrix<Double>, Matrix<Double>, Activation) throws -> Matrix<Double> = Solutions.hiddenError,
    weightGradient: @escaping @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double> = Solutions.weightGradient,
    biasGradient: @escaping @Sendable (Matrix<Double>) throws -> [Double] = Solutions.biasGradient,
    engine: @escaping @Sendable (MatrixFormSteps) -> AnyBackpropEngine<Double> = { AnyBackpropEngine(Solutions.BatchEngine(steps: $0)) }
) -> StudentSubmission {
    StudentSubmission(
        oneExample: oneExample,
        steps: MatrixFormSteps(forward: forward, outputError: outputError, hiddenError: hiddenError,
                               weightGradient: weightGradient, biasGradient: biasGradient),
        batchEngine: engine)
}

/// A student's batch engine: StudentBatchEngine of Sources/StudentWork/BatchEngine.swift, with the body of its
/// `computeGradients` given as a function (each body in `H13Engine` is one student's).
struct H13StudentEngine: BackpropEngine {
    typealias Body = @Sendable (MatrixFormSteps, Network<Double>, Matrix<Double>, Matrix<Double>, inout Gradients<Double>) throws -> Void
    let name = "student"
    let steps: MatrixFormSteps
    let body: Body

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        try body(steps, network, X, Y, &gradients)
    }
}

func h13engine(_ body: @escaping H13StudentEngine.Body) -> @Sendable (MatrixFormSteps) -> AnyBackpropEngine<Double> {
    { steps in AnyBackpropEngine(H13StudentEngine(steps: steps, body: body)) }
}

/// Shared mutable state a student keeps between calls (a cache, a running total), behind a lock so that it compiles
/// under Swift 6's strict concurrency.
final class H13Box<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func with<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

public enum HeldOut13Catalogue {
    public static let all: [HeldOut13Submission] = [
        // MARK: exercise 3, one example
        h13("h13-one-tanh-prime-retanh", "one example",
            "The hand-written σ′ helper returns 1 − tanh(a)·tanh(a) for a tanh network, applying tanh again to the activation a = tanh(z) instead of 1 − a², so every hidden δ of a tanh network is wrong (sigmoid and ReLU are right).",
            h13sub(oneExample: H13OneExample.tanhPrimeRetanh)),
        h13("h13-one-softmax-shift-first", "one example",
            "The softmax is written by hand and shifts the logits by zᴸ[0] instead of their maximum, so exp overflows to ∞ (and aᴸ becomes NaN) when another logit is hundreds above the first.",
            h13sub(oneExample: H13OneExample.softmaxShiftFirst)),
        h13("h13-one-sigmoid-exp-ratio", "one example",
            "The sigmoid output is written by hand as exp(z) / (1 + exp(z)), which is ∞/∞ = NaN for logits above ~710, so aᴸ and δᴸ are NaN where the logits are in the hundreds.",
            h13sub(oneExample: H13OneExample.sigmoidExpRatio)),
        h13("h13-one-loss-per-output", "one example",
            "The loss line divides network.output.loss(…) by y.count (c), averaging over the outputs, so ℓ is c times too small; the gradients are right.",
            h13sub(oneExample: H13OneExample.lossPerOutput)),
        h13("h13-one-gw-from-z", "one example",
            "∂Wˡ[k, j] is built from z[l − 1][k] (the pre-activation of the layer below, with z[0] = x) instead of a[l − 1][k], so every layer above the first gets zˡ⁻¹ (δˡ)ᵀ instead of aˡ⁻¹ (δˡ)ᵀ.",
            h13sub(oneExample: H13OneExample.weightGradientFromZ)),
        h13("h13-one-bias-after-update", "one example",
            "In the backward loop delta is replaced by δˡ⁻¹ before LayerParameters(weights: gW, biases: delta) is stored, so every layer above the first gets the next layer's δ as its bias gradient (and a bias array of the wrong length where h_{l−1} ≠ h_l).",
            h13sub(oneExample: H13OneExample.biasAfterUpdate)),
        h13("h13-one-output-of-sigma", "one example",
            "Every layer's a is σ(z) first, and then the output layer is overwritten with network.output.activation(a[L]), the output activation of σ(zᴸ) instead of zᴸ, so aᴸ and δᴸ are wrong (the loss, given z[L], is right).",
            h13sub(oneExample: H13OneExample.outputOfSigma)),
        h13("h13-one-float-forward", "one example",
            "The forward sum zⱼ = bⱼ + Σₖ W[k, j] aₖ is accumulated in a Float (var s = Float(b[j])), so every zˡ, and all that follows, is only good to single precision.",
            h13sub(oneExample: H13OneExample.floatForward)),
        h13("h13-one-argmax-target", "one example",
            "δᴸ is aᴸ minus the one-hot vector of argmax(y) instead of aᴸ − y, right for one-hot targets but wrong for multi-label or soft targets of a sigmoid output.",
            h13sub(oneExample: H13OneExample.argmaxTarget)),
        h13("h13-one-recursion-base-case", "one example",
            "The recursive backward helper returns at l == 1 before storing anything, so layer 1's gradients are never filled in and stay the 1 × 1 placeholder.",
            h13sub(oneExample: H13OneExample.recursionBaseCase)),
        h13("h13-one-forward-cache-by-x", "one example",
            "The forward pass is memoised in a global dictionary keyed by x alone, so a later call with the same x and other weights reuses the old activations and logits.",
            h13sub(oneExample: H13OneExample.forwardCacheByX)),
        h13("h13-one-one-hot-precondition", "one example",
            "A precondition that y sums to 1 with every entry 0 or 1 stops the program on valid multi-label or soft targets of a sigmoid output.",
            h13sub(oneExample: H13OneExample.oneHotPrecondition)),

        // MARK: exercise 4, forward
        h13("h13-fwd-k-bound-rows", "forward",
            "The sum over k runs to input.rows (m) instead of input.columns (h_{l−1}), right only when m = h_{l−1}, and runs past or stops short otherwise.",
            h13sub(forward: H13Forward.kBoundRows)),
        h13("h13-fwd-z-columns-from-rows", "forward",
            "Z is allocated as Matrix(rows: m, columns: weights.rows) and j runs over Z.columns, so Zˡ has h_{l−1} columns instead of h_l (reading W past its last column when h_{l−1} > h_l).",
            h13sub(forward: H13Forward.zColumnsFromRows)),
        h13("h13-fwd-float-sum", "forward",
            "The running sum is a Float (var sum = Float(bias[j]), sum += Float(A[i, k] * W[k, j])), so Zˡ is only good to single precision.",
            h13sub(forward: H13Forward.floatSum)),
        h13("h13-fwd-double-transpose", "forward",
            "The student takes Wt = weights.transposed (because the one-example formula has (Wˡ)ᵀ) and then reads Wt[k, j], which is W[j, k]: Zˡ = Aˡ⁻¹ (Wˡ)ᵀ + bˡ.",
            h13sub(forward: H13Forward.doubleTranspose)),
        h13("h13-fwd-first-term-twice", "forward",
            "The sum is started at bias[j] + input[i, 0] * weights[0, j] and the loop over k still starts at 0, so the k = 0 term is counted twice.",
            h13sub(forward: H13Forward.firstTermTwice)),
        h13("h13-fwd-stride-rows", "forward",
            "Aˡ⁻¹[i, k] is read as input.elements[i * input.rows + k] (stride rows instead of columns), right only where Aˡ⁻¹ is square.",
            h13sub(forward: H13Forward.strideRows)),
        h13("h13-fwd-single-example-fast-path", "forward",
            "A fast path for m == 1 reads the weight as weights.elements[j * weights.rows + k] (column-major, i.e. W[j, k] on a square W), so a batch of one example gets the wrong Zˡ; larger batches are right.",
            h13sub(forward: H13Forward.singleExampleFastPath)),
        h13("h13-fwd-return-in-loop", "forward",
            "`return Z` sits inside the loop over the examples (a misplaced brace), so only row 0 of Zˡ is computed and the other rows are 0.",
            h13sub(forward: H13Forward.returnInLoop)),
        h13("h13-fwd-cache-by-bias", "forward",
            "Results are cached in a global dictionary keyed by the bias array (taken as the layer's identity), so a call with the same bˡ and another Aˡ⁻¹ or Wˡ returns the old Zˡ.",
            h13sub(forward: H13Forward.cacheByBias)),
        h13("h13-fwd-broadcast-bound", "forward",
            "The bias is broadcast in a second loop whose j runs to Z.rows (copied from the i loop) instead of Z.columns, so the bias reaches only the first m columns (and the loop runs past Z when m > h_l).",
            h13sub(forward: H13Forward.broadcastBound)),
        h13("h13-fwd-clamp-logits", "forward",
            "Each Zˡ[i, j] is clamped to [−500, 500] \"to keep exp from overflowing\", which changes the pre-activations wherever they exceed 500 in size.",
            h13sub(forward: H13Forward.clampLogits)),

        // MARK: exercise 4, output error
        h13("h13-out-rows-bound-columns", "output error",
            "The loop over the examples runs to output.columns (c) instead of output.rows (m), so rows beyond c are left 0, and it runs past Aᴸ when c > m.",
            h13sub(outputError: H13OutputError.rowsBoundColumns)),
        h13("h13-out-clamp-targets", "output error",
            "Y is clamped to [1e−7, 1 − 1e−7] (copied from the student's log-loss) before the subtraction, so every element is off by 1e−7.",
            h13sub(outputError: H13OutputError.clampTargets)),
        h13("h13-out-float", "output error",
            "The subtraction is done in Float, Double(Float(A[i, j]) − Float(Y[i, j])), so Δᴸ is rounded to single precision.",
            h13sub(outputError: H13OutputError.floatSubtraction)),
        h13("h13-out-sigmoid-guess", "output error",
            "When a row of Aᴸ does not sum to 1 the student guesses a sigmoid output and multiplies by Aᴸ(1 − Aᴸ), an extra σ′ that cross-entropy cancels; softmax outputs are right.",
            h13sub(outputError: H13OutputError.sigmoidGuess)),
        h13("h13-out-divide-classes", "output error",
            "Δᴸ[i, j] is divided by output.columns (c), \"averaging over the classes\", so Δᴸ is c times too small.",
            h13sub(outputError: H13OutputError.divideClasses)),
        h13("h13-out-targets-transposed", "output error",
            "The target is read as targets[j, i] instead of targets[i, j], Aᴸ − Yᵀ, which only has the right shape when m = c.",
            h13sub(outputError: H13OutputError.targetsTransposed)),
        h13("h13-out-cache-by-output", "output error",
            "Δᴸ is cached in a global dictionary keyed by Aᴸ's elements alone, so the same outputs with other targets get the old Δᴸ.",
            h13sub(outputError: H13OutputError.cacheByOutput)),
        h13("h13-out-twice", "output error",
            "Δᴸ is 2(Aᴸ − Y), the derivative of the squared error without its ½, instead of Aᴸ − Y.",
            h13sub(outputError: H13OutputError.twice)),
        h13("h13-out-dl-da", "output error",
            "Δᴸ is (A − Y) / (A(1 − A)), the derivative of the cross-entropy with respect to aᴸ instead of zᴸ (the σ′ that cancels is divided out), and is ±∞ or NaN where A is 0 or 1.",
            h13sub(outputError: H13OutputError.derivativeByActivation)),
        h13("h13-out-column-for-one", "output error",
            "For m == 1 the student returns δᴸ as a column, Matrix(rows: c, columns: 1), the one-example shape, instead of a [1, c] row.",
            h13sub(outputError: H13OutputError.columnForOne)),
        h13("h13-out-skip-first-column", "output error",
            "The loop over the outputs is `for j in 1..<output.columns`, so column 0 of Δᴸ is left 0.",
            h13sub(outputError: H13OutputError.skipFirstColumn)),

        // MARK: exercise 5, hidden error
        h13("h13-hid-k-bound-m", "hidden error",
            "The sum over k runs to deltaAbove.rows (m) instead of weightsAbove.columns (h_{l+1}), right only when m = h_{l+1}.",
            h13sub(hiddenError: H13HiddenError.kBoundM)),
        h13("h13-hid-derivative-of-sum", "hidden error",
            "σ′ is taken as hidden.derivative(fromActivation: sum), of the back-propagated sum instead of the activation Aˡ[i, j].",
            h13sub(hiddenError: H13HiddenError.derivativeOfSum)),
        h13("h13-hid-prime-inside-sum-k", "hidden error",
            "σ′ is multiplied into each term of the sum and read at activations[i, k] (the index of the sum) instead of once, after the sum, at activations[i, j].",
            h13sub(hiddenError: H13HiddenError.primeInsideSumAtK)),
        h13("h13-hid-relu-prime-is-relu", "hidden error",
            "For a ReLU network σ′ is special-cased as a > 0 ? a : 0 (ReLU itself) instead of a > 0 ? 1 : 0; sigmoid and tanh use hidden.derivative and are right.",
            h13sub(hiddenError: H13HiddenError.reluPrimeIsRelu)),
        h13("h13-hid-sigmoid-prime-always", "hidden error",
            "σ′ is written as a(1 − a) for every activation, right for the sigmoid and wrong for tanh and ReLU.",
            h13sub(hiddenError: H13HiddenError.sigmoidPrimeAlways)),
        h13("h13-hid-columns-above", "hidden error",
            "Δˡ is allocated with weightsAbove.columns (h_{l+1}) columns instead of weightsAbove.rows (h_l), so it has the wrong shape (and j runs past it when h_l > h_{l+1}).",
            h13sub(hiddenError: H13HiddenError.columnsAbove)),
        h13("h13-hid-transposed-result", "hidden error",
            "The result is built as Matrix(rows: h_l, columns: m) with delta[j, i] = …, so the step returns (Δˡ)ᵀ.",
            h13sub(hiddenError: H13HiddenError.transposedResult)),
        h13("h13-hid-cached-transpose", "hidden error",
            "(Wˡ⁺¹)ᵀ is cached in a global dictionary keyed by the shape, so a later call with other weights of the same shape multiplies by the first call's weights.",
            h13sub(hiddenError: H13HiddenError.cachedTranspose)),
        h13("h13-hid-dead-unit-while", "hidden error",
            "A while loop over the units `continue`s on a dead unit (Aˡ[i, j] == 0) before `j += 1`, so it never ends as soon as a ReLU unit is off.",
            h13sub(hiddenError: H13HiddenError.deadUnitWhile)),
        h13("h13-hid-break-on-zero", "hidden error",
            "The sum over k `break`s at the first Δˡ⁺¹[i, k] == 0 (meant as a `continue` to skip zero terms), dropping every later term of the sum.",
            h13sub(hiddenError: H13HiddenError.breakOnZero)),
        h13("h13-hid-sum-starts-at-delta", "hidden error",
            "The sum is started at deltaAbove[i, j] (copied from the forward step, whose sum starts at the bias) instead of 0.",
            h13sub(hiddenError: H13HiddenError.sumStartsAtDelta)),

        // MARK: exercise 6, weight gradient
        h13("h13-gw-divide-columns", "weight gradient",
            "The sum over the examples is divided by delta.columns (h_l) instead of input.rows (m).",
            h13sub(weightGradient: H13WeightGradient.divideColumns)),
        h13("h13-gw-k-bound-delta-columns", "weight gradient",
            "The loop over k runs to delta.columns (h_l) instead of input.columns (h_{l−1}), so rows of ∂Wˡ are left 0 when h_{l−1} > h_l and the loop runs past Aˡ⁻¹ when h_{l−1} < h_l.",
            h13sub(weightGradient: H13WeightGradient.kBoundDeltaColumns)),
        h13("h13-gw-lazy-global-m", "weight gradient",
            "1/m is computed once, on the first call, into a global and reused, so every later call with another m scales by the first batch's 1/m.",
            h13sub(weightGradient: H13WeightGradient.lazyGlobalM)),
        h13("h13-gw-skip-last-example", "weight gradient",
            "The sum over the examples runs `for i in 0..<m - 1`, leaving out the last example (and everything when m = 1), though it still divides by m.",
            h13sub(weightGradient: H13WeightGradient.skipLastExample)),
        h13("h13-gw-reduce-k-for-j", "weight gradient",
            "In the reduce over the examples the Δ factor is delta[i, k] instead of delta[i, j] (copy-paste of the input's index), so ∂W[k, j] = (1/m) Σᵢ A[i, k] Δ[i, k].",
            h13sub(weightGradient: H13WeightGradient.reduceKForJ)),
        h13("h13-gw-precondition-batch", "weight gradient",
            "A precondition(m > 1, \"need a batch\") stops the program on a valid batch of one example.",
            h13sub(weightGradient: H13WeightGradient.preconditionBatch)),
        h13("h13-gw-scale-delta-in-place", "weight gradient",
            "Δˡ is scaled by 1/m in place through a pointer into the caller's storage before the sums, so the gradient is right but the caller's Δˡ (which the bias gradient and the hidden error still need) is changed.",
            h13sub(weightGradient: H13WeightGradient.scaleDeltaInPlace)),
        h13("h13-gw-kahan-typo", "weight gradient",
            "The Kahan-summation helper updates the compensation as c = (t − sum) + y instead of (t − sum) − y, so each term after the first is corrected by about twice the previous one.",
            h13sub(weightGradient: H13WeightGradient.kahanTypo)),
        h13("h13-gw-element-stride", "weight gradient",
            "The result's elements are written at elements[j * input.columns + k] (column-major) and then read as a row-major [h_{l−1}, h_l] matrix, so ∂Wˡ comes out transposed on a square layer and scrambled otherwise.",
            h13sub(weightGradient: H13WeightGradient.elementStride)),
        h13("h13-gw-float-division", "weight gradient",
            "The mean is taken in Float, Double(Float(sum) / Float(m)), so ∂Wˡ is rounded to single precision.",
            h13sub(weightGradient: H13WeightGradient.floatDivision)),
        h13("h13-gw-example-bound-columns", "weight gradient",
            "The loop over the examples runs to input.columns (h_{l−1}) instead of input.rows (m), right only when m = h_{l−1}.",
            h13sub(weightGradient: H13WeightGradient.exampleBoundColumns)),

        // MARK: exercise 6, bias gradient
        h13("h13-gb-squared", "bias gradient",
            "The column sum adds delta[i, j] * delta[i, j] (copied from the weight gradient's product) instead of delta[i, j].",
            h13sub(biasGradient: H13BiasGradient.squared)),
        h13("h13-gb-column-major", "bias gradient",
            "Δ[i, j] is read as delta.elements[i + j * delta.rows] (column-major) instead of [i * delta.columns + j], right only where Δˡ is square (and then it sums the rows).",
            h13sub(biasGradient: H13BiasGradient.columnMajor)),
        h13("h13-gb-float-division", "bias gradient",
            "The mean is taken in Float, Double(Float(sum) / Float(m)), so ∂bˡ is rounded to single precision.",
            h13sub(biasGradient: H13BiasGradient.floatDivision)),
        h13("h13-gb-row-zero-twice", "bias gradient",
            "The sums start from delta.row(0) and the loop over the examples still starts at i = 0, so example 0 is counted twice.",
            h13sub(biasGradient: H13BiasGradient.rowZeroTwice)),
        h13("h13-gb-running-mean-i", "bias gradient",
            "The running mean mean[j] += (Δ[i, j] − mean[j]) / Double(i) divides by i instead of i + 1, so the first step divides by 0 and the result is ±∞ or NaN.",
            h13sub(biasGradient: H13BiasGradient.runningMeanI)),
        h13("h13-gb-negated", "bias gradient",
            "The result is −(1/m) Σᵢ Δ[i, j] (\"the gradient points downhill\"), every element with the wrong sign.",
            h13sub(biasGradient: H13BiasGradient.negated)),
        h13("h13-gb-inner-bound-rows", "bias gradient",
            "The inner loop over the units runs to delta.rows (m) instead of delta.columns (h_l), so columns beyond m are left 0 and the loop runs past Δˡ when m > h_l.",
            h13sub(biasGradient: H13BiasGradient.innerBoundRows)),
        h13("h13-gb-cache-by-shape", "bias gradient",
            "∂bˡ is cached in a global dictionary keyed by Δˡ's shape, so a later Δˡ of the same shape gets the first call's answer.",
            h13sub(biasGradient: H13BiasGradient.cacheByShape)),
        h13("h13-gb-divide-all-elements", "bias gradient",
            "The column sums are divided by delta.elements.count (m·h_l) instead of m.",
            h13sub(biasGradient: H13BiasGradient.divideAllElements)),
        h13("h13-gb-row-for-column", "bias gradient",
            "Column j is taken as delta.row(j) (misreading row(_:) as a column), so ∂b[j] is the mean of example j's errors over the units, and row(j) runs past Δˡ when h_l > m.",
            h13sub(biasGradient: H13BiasGradient.rowForColumn)),
        h13("h13-gb-fatal-on-zero", "bias gradient",
            "A sanity check fatalError(\"dead unit?\") stops the program whenever a column of Δˡ sums to exactly 0, which a valid batch gives (a ReLU unit off for every example, saturated outputs).",
            h13sub(biasGradient: H13BiasGradient.fatalOnZero)),

        // MARK: exercise 7, batch engine
        h13("h13-eng-loss-flattened", "batch engine",
            "The loss is one call of network.output.loss on Zᴸ.elements, Aᴸ.elements and Y.elements (the whole batch as one row) times 1/m, which for a softmax takes one log-sum-exp over all m·c logits instead of one per example.",
            h13sub(engine: h13engine(H13Engine.lossFlattened))),
        h13("h13-eng-hidden-gets-z", "batch engine",
            "The hidden error is given Z[l − 1], the pre-activations of the layer below, where the activations A[l − 1] belong, so σ′ is computed from Zˡ⁻¹.",
            h13sub(engine: h13engine(H13Engine.hiddenGetsZ))),
        h13("h13-eng-weights-pretransposed", "batch engine",
            "The engine hands the hidden error network.layers[l − 1].weights.transposed (because the equation has (Wˡ)ᵀ) although the step transposes it itself.",
            h13sub(engine: h13engine(H13Engine.weightsPretransposed))),
        h13("h13-eng-m-from-columns", "batch engine",
            "m is taken as X.columns (h_0) instead of X.rows, so the mean loss is the sum of the losses times 1/h_0.",
            h13sub(engine: h13engine(H13Engine.mFromColumns))),
        h13("h13-eng-loss-never-stored", "batch engine",
            "The engine prepares `gradients` and assigns every layer, but never assigns gradients.loss, so the loss is whatever the caller's storage held.",
            h13sub(engine: h13engine(H13Engine.lossNeverStored))),
        h13("h13-eng-last-hidden-output-activation", "batch engine",
            "The activation test is `l < L - 1` instead of `l < L`, so the last hidden layer gets the output activation (softmax or sigmoid) instead of σ.",
            h13sub(engine: h13engine(H13Engine.lastHiddenOutputActivation))),
        h13("h13-eng-loss-divided-by-layers", "batch engine",
            "The summed loss is multiplied by 1 / Double(L) (the number of layers) instead of 1 / Double(m).",
            h13sub(engine: h13engine(H13Engine.lossDividedByLayers))),
        h13("h13-eng-loss-first-target", "batch engine",
            "The loss of every example is taken against Y.row(0), the first example's target, instead of Y.row(i).",
            h13sub(engine: h13engine(H13Engine.lossFirstTarget))),
        h13("h13-eng-guard-two", "batch engine",
            "The hidden error is computed only `if l > 2`, so Δ¹ is never made and layer 1's gradients are computed from Δ².",
            h13sub(engine: h13engine(H13Engine.guardTwo))),
        h13("h13-eng-activation-cache", "batch engine",
            "The forward pass is memoised in a global dictionary keyed by X alone, so a call with the same X and other weights reuses the old activations and loss.",
            h13sub(engine: h13engine(H13Engine.activationCache))),
        h13("h13-eng-sigmoid-ce-by-hand", "batch engine",
            "For a sigmoid output the loss is written by hand as −Σ [y ln a + (1 − y) ln(1 − a)] from Aᴸ, which loses precision near a = 1 and is NaN where a rounds to 0 or 1 (logits in the hundreds); the softmax uses the library's loss.",
            h13sub(engine: h13engine(H13Engine.sigmoidCrossEntropyByHand))),
        h13("h13-eng-output-activation-everywhere", "batch engine",
            "Every layer is activated with Zˡ.mapRows { network.output.activation($0) }, the output activation on the hidden layers too instead of σ.",
            h13sub(engine: h13engine(H13Engine.outputActivationEverywhere))),
        h13("h13-eng-loss-running-total", "batch engine",
            "The loss is added into a global running total (kept for printing) that is never reset, so every call after the first returns the mean loss plus all earlier ones.",
            h13sub(engine: h13engine(H13Engine.lossRunningTotal))),

        // MARK: correct, written unusually
        h13("h13-pass-one-functional", "pass",
            "Correct: the one-example pass written with map/reduce and zip, the layers built backwards and reversed at the end.",
            h13sub(oneExample: H13OneExample.passFunctional)),
        h13("h13-pass-one-recursive", "pass",
            "Correct: a recursive helper that goes forward one layer per call and returns δ on the way back.",
            h13sub(oneExample: H13OneExample.passRecursive)),
        h13("h13-pass-one-library-error", "pass",
            "Correct: δᴸ from network.output.outputError(activation:target:), the layers inserted at index 0, and a debug print of the loss.",
            h13sub(oneExample: H13OneExample.passLibraryError)),
        h13("h13-pass-fwd-ikj", "pass",
            "Correct: Z starts as the bias in every row and the loops run i, k, j, adding A[i, k] W[k, j] into Z[i, j].",
            h13sub(forward: H13Forward.passIKJ)),
        h13("h13-pass-fwd-transposed-rows", "pass",
            "Correct: dot products of the rows of Aˡ⁻¹ with the rows of (Wˡ)ᵀ, and a debug print of the shapes.",
            h13sub(forward: H13Forward.passTransposedRows)),
        h13("h13-pass-out-zip", "pass",
            "Correct: Δᴸ built from zip(output.elements, targets.elements).map(−).",
            h13sub(outputError: H13OutputError.passZip)),
        h13("h13-pass-out-validating", "pass",
            "Correct: the shapes are checked with a thrown error, then Δᴸ is computed into a copy of Y.",
            h13sub(outputError: H13OutputError.passValidating)),
        h13("h13-pass-hid-own-derivative", "pass",
            "Correct: σ′ written by hand in a switch (a(1 − a), 1 − a², [a > 0], 1) for every activation.",
            h13sub(hiddenError: H13HiddenError.passOwnDerivative)),
        h13("h13-pass-hid-transposed-copy", "pass",
            "Correct: (Wˡ⁺¹)ᵀ computed once with .transposed, each Δˡ row a product of Δˡ⁺¹'s row with it, then ∘ σ′.",
            h13sub(hiddenError: H13HiddenError.passTransposedCopy)),
        h13("h13-pass-gw-outer-products", "pass",
            "Correct: the m outer products aˡ⁻¹ᵢ (δˡᵢ)ᵀ added into ∂Wˡ with the example loop outermost, divided by m at the end.",
            h13sub(weightGradient: H13WeightGradient.passOuterProducts)),
        h13("h13-pass-gw-matmul-helper", "pass",
            "Correct: a matmul helper applied to input.transposed and Δˡ, then scaled by 1 / Double(m).",
            h13sub(weightGradient: H13WeightGradient.passMatmulHelper)),
        h13("h13-pass-gb-reduce", "pass",
            "Correct: each column summed with reduce over the examples and multiplied by 1 / Double(m).",
            h13sub(biasGradient: H13BiasGradient.passReduce)),
        h13("h13-pass-gb-single-example", "pass",
            "Correct: a shortcut returning delta.row(0) for m == 1, column-by-column sums divided by m otherwise.",
            h13sub(biasGradient: H13BiasGradient.passSingleExample)),
        h13("h13-pass-eng-prepare", "pass",
            "Correct: gradients.prepare(for:), then every layer's weights, biases and the loss assigned in place.",
            h13sub(engine: h13engine(H13Engine.passPrepare))),
        h13("h13-pass-eng-recursive", "pass",
            "Correct: a recursive helper that runs forward one layer per call and does the layer's backward step on the way out.",
            h13sub(engine: h13engine(H13Engine.passRecursive))),
        h13("h13-pass-eng-debug-print", "pass",
            "Correct: prints every shape on the way back and builds the layers with insert(at: 0).",
            h13sub(engine: h13engine(H13Engine.passDebugPrint))),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - Exercise 3: one example

let h13ForwardByX = H13Box<[[Double]: (a: [[Double]], zL: [Double])]>([:])

enum H13OneExample {
    static func tanhPrimeRetanh(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                z[j] = s
            }
            if l == L {
                zL = z
                a.append(network.output.activation(z))
            } else {
                a.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        func sigmaPrime(_ v: Double) -> Double {
            switch network.hidden {
            case .sigmoid: return v * (1 - v)
            case .tanh: return 1 - tanh(v) * tanh(v)
            case .relu: return v > 0 ? 1 : 0
            case .identity: return 1
            }
        }
        var delta = [Double](repeating: 0, count: h[L])
        for j in 0..<h[L] { delta[j] = a[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var l = L
        while l >= 1 {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: gW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    below[j] = s * sigmaPrime(a[l - 1][j])
                }
                delta = below
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func softmaxShiftFirst(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        func outputActivation(_ z: [Double]) -> [Double] {
            guard network.output.activation == .softmax else { return network.output.activation(z) }
            let shift = z[0]  // for stability
            let e = z.map { exp($0 - shift) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
        var a = [x]
        var zs: [[Double]] = [[]]
        for l in 1...L {
            let layer = network.layers[l - 1]
            var z = layer.biases
            for j in 0..<h[l] {
                for k in 0..<h[l - 1] { z[j] += layer.weights[k, j] * a[l - 1][k] }
            }
            zs.append(z)
            a.append(l == L ? outputActivation(z) : z.map { network.hidden.value($0) })
        }
        let loss = network.output.loss(logits: zs[L], activation: a[L], target: y)
        var delta = zip(a[L], y).map { $0 - $1 }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var next = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                next[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = next
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func sigmoidExpRatio(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x]
        var zLast = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l < L {
                a.append(z.map { network.hidden.value($0) })
            } else {
                zLast = z
                if network.output.activation == .sigmoid {
                    a.append(z.map { exp($0) / (1 + exp($0)) })
                } else {
                    a.append(network.output.activation(z))
                }
            }
        }
        let loss = network.output.loss(logits: zLast, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<h[l - 1]).map { j in
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func lossPerOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                zl[j] = s
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        // the loss per output, so that it does not depend on the number of classes
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y) / Double(y.count)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func weightGradientFromZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x]
        var z = [x]  // z[0] is the input too
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                zl[j] = s
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = z[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func biasAfterUpdate(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func outputOfSigma(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x]
        var zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                zl[j] = s
            }
            a.append(zl.map { network.hidden.value($0) })
            if l == L { zL = zl }
        }
        a[L] = network.output.activation(a[L])  // the output layer has its own activation
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func floatForward(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = Float(b[j])
                for k in 0..<h[l - 1] { s += Float(W[k, j]) * Float(a[l - 1][k]) }
                zl[j] = Double(s)
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func argmaxTarget(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                zl[j] = s
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        // the class of this example
        var label = 0
        for j in 1..<y.count where y[j] > y[label] { label = j }
        var delta = a[L]
        delta[label] -= 1
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func recursionBaseCase(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                zl[j] = s
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        func backward(_ l: Int, _ delta: [Double]) {
            if l == 1 { return }  // no layer below the first
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            backward(l - 1, below)
        }
        backward(L, (0..<h[L]).map { a[L][$0] - y[$0] })
        return Gradients(loss: loss, layers: layers)
    }

    static func forwardCacheByX(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]]
        var zL: [Double]
        if let seen = h13ForwardByX.with({ $0[x] }) {
            (a, zL) = (seen.a, seen.zL)
        } else {
            a = [x]
            zL = []
            for l in 1...L {
                let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
                var zl = [Double](repeating: 0, count: h[l])
                for j in 0..<h[l] {
                    var s = b[j]
                    for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                    zl[j] = s
                }
                if l == L { zL = zl }
                a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
            }
            let result = (a: a, zL: zL)
            h13ForwardByX.with { $0[x] = result }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func oneHotPrecondition(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        precondition(y.reduce(0, +) == 1 && y.allSatisfy { $0 == 0 || $0 == 1 }, "y must be one-hot")
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                zl[j] = s
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Correct ones.

    static func passFunctional(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var acts = [x]
        var logits: [Double] = []
        for (index, layer) in network.layers.enumerated() {
            let prev = acts[acts.count - 1]
            let z = (0..<layer.weights.columns).map { j in
                (0..<prev.count).reduce(layer.biases[j]) { sum, k in sum + layer.weights[k, j] * prev[k] }
            }
            if index == L - 1 {
                logits = z
                acts.append(network.output.activation(z))
            } else {
                acts.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: logits, activation: acts[L], target: y)
        var delta = zip(acts[L], y).map { $0 - $1 }
        var reversedLayers: [LayerParameters<Double>] = []
        for l in (1...L).reversed() {
            let input = acts[l - 1]
            let gW = Matrix(input.map { ak in delta.map { dj in ak * dj } })
            reversedLayers.append(LayerParameters(weights: gW, biases: delta))
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = input.indices.map { j in
                    let back = delta.indices.reduce(0.0) { sum, k in sum + W[j, k] * delta[k] }
                    return back * network.hidden.derivative(fromActivation: input[j])
                }
            }
        }
        return Gradients(loss: loss, layers: Array(reversedLayers.reversed()))
    }

    static func passRecursive(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var loss = 0.0
        // Goes forward from layer l with its input aˡ⁻¹, and returns δˡ on the way back.
        func pass(_ l: Int, _ input: [Double]) -> [Double] {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<W.rows { s += W[k, j] * input[k] }
                z[j] = s
            }
            var delta: [Double]
            if l == L {
                let out = network.output.activation(z)
                loss = network.output.loss(logits: z, activation: out, target: y)
                delta = (0..<out.count).map { out[$0] - y[$0] }
            } else {
                let act = z.map { network.hidden.value($0) }
                let above = pass(l + 1, act)
                let Wa = network.layers[l].weights
                delta = [Double](repeating: 0, count: act.count)
                for j in 0..<act.count {
                    var s = 0.0
                    for k in 0..<above.count { s += Wa[j, k] * above[k] }
                    delta[j] = s * network.hidden.derivative(fromActivation: act[j])
                }
            }
            var gW = Matrix<Double>(rows: W.rows, columns: W.columns)
            for k in 0..<W.rows { for j in 0..<W.columns { gW[k, j] = input[k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gW, biases: delta)
            return delta
        }
        _ = pass(1, x)
        return Gradients(loss: loss, layers: layers)
    }

    static func passLibraryError(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                zl[j] = s
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        print("loss", loss)
        var delta = network.output.outputError(activation: a[L], target: y)
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gW[k, j] = a[l - 1][k] * delta[j] } }
            layers.insert(LayerParameters(weights: gW, biases: delta), at: 0)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }
}

// MARK: - Exercise 4: forward

let h13ForwardByBias = H13Box<[[Double]: Matrix<Double>]>([:])

enum H13Forward {
    static func kBoundRows(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.rows { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func zColumnsFromRows(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows
        var Z = Matrix<Double>(rows: m, columns: weights.rows)
        for i in 0..<Z.rows {
            for j in 0..<Z.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func floatSum(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = Float(bias[j])
                for k in 0..<input.columns { sum += Float(input[i, k] * weights[k, j]) }
                Z[i, j] = Double(sum)
            }
        }
        return Z
    }

    static func doubleTranspose(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let Wt = weights.transposed  // zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * Wt[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func firstTermTwice(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j] + input[i, 0] * weights[0, j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func strideRows(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = input.columns, h = weights.columns
        var out = [Double](repeating: 0, count: m * h)
        for i in 0..<m {
            for j in 0..<h {
                var sum = bias[j]
                for k in 0..<n { sum += input.elements[i * input.rows + k] * weights.elements[k * h + j] }
                out[i * h + j] = sum
            }
        }
        return Matrix(rows: m, columns: h, elements: out)
    }

    static func singleExampleFastPath(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        if input.rows == 1 {
            // one example: z = Wᵀ a + b, straight on the arrays
            let a = input.elements
            var z = bias
            for j in 0..<weights.columns {
                for k in 0..<weights.rows { z[j] += weights.elements[j * weights.rows + k] * a[k] }
            }
            return Matrix(rows: 1, columns: z.count, elements: z)
        }
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func returnInLoop(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns {
                    sum += input[i, k] * weights[k, j]
                }
                Z[i, j] = sum
            }
            return Z
        }
        return Z
    }

    static func cacheByBias(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        if let known = h13ForwardByBias.with({ $0[bias] }) { return known }
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        let result = Z
        h13ForwardByBias.with { $0[bias] = result }
        return Z
    }

    static func broadcastBound(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = 0.0
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        // + 1ₘ bᵀ
        for i in 0..<Z.rows {
            for j in 0..<Z.rows { Z[i, j] += bias[j] }
        }
        return Z
    }

    static func clampLogits(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = min(max(sum, -500), 500)  // keep exp from overflowing later
            }
        }
        return Z
    }

    // Correct ones.

    static func passIKJ(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = input.columns, h = weights.columns
        var Z = Matrix<Double>(rows: m, columns: h)
        for i in 0..<m {
            for j in 0..<h { Z[i, j] = bias[j] }
            for k in 0..<n {
                let aik = input[i, k]
                for j in 0..<h { Z[i, j] += aik * weights[k, j] }
            }
        }
        return Z
    }

    static func passTransposedRows(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let Wt = weights.transposed  // row j: the weights into unit j
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            let x = input.row(i)
            for j in 0..<Wt.rows {
                let w = Wt.row(j)
                var s = bias[j]
                for k in 0..<x.count { s += x[k] * w[k] }
                Z[i, j] = s
            }
        }
        print("forward:", input.shapeDescription, "·", weights.shapeDescription, "->", Z.shapeDescription)
        return Z
    }
}

// MARK: - Exercise 4: output error

let h13OutputByA = H13Box<[[Double]: Matrix<Double>]>([:])

enum H13OutputError {
    static func rowsBoundColumns(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.columns {
            for j in 0..<output.columns { delta[i, j] = output[i, j] - targets[i, j] }
        }
        return delta
    }

    static func clampTargets(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns {
                let y = min(max(targets[i, j], eps), 1 - eps)
                delta[i, j] = output[i, j] - y
            }
        }
        return delta
    }

    static func floatSubtraction(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns { delta[i, j] = Double(Float(output[i, j]) - Float(targets[i, j])) }
        }
        return delta
    }

    static func sigmoidGuess(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            let rowSum = output.row(i).reduce(0, +)
            let isSoftmax = abs(rowSum - 1) < 1e-9
            for j in 0..<output.columns {
                let a = output[i, j]
                delta[i, j] = isSoftmax ? a - targets[i, j] : (a - targets[i, j]) * a * (1 - a)
            }
        }
        return delta
    }

    static func divideClasses(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        let c = Double(output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns { delta[i, j] = (output[i, j] - targets[i, j]) / c }
        }
        return delta
    }

    static func targetsTransposed(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns { delta[i, j] = output[i, j] - targets[j, i] }
        }
        return delta
    }

    static func cacheByOutput(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        if let known = h13OutputByA.with({ $0[output.elements] }) { return known }
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns { delta[i, j] = output[i, j] - targets[i, j] }
        }
        let result = delta
        h13OutputByA.with { $0[output.elements] = result }
        return delta
    }

    static func twice(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns { delta[i, j] = 2 * (output[i, j] - targets[i, j]) }
        }
        return delta
    }

    static func derivativeByActivation(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns {
                let a = output[i, j], y = targets[i, j]
                delta[i, j] = (a - y) / (a * (1 - a))  // d/da of −[y ln a + (1 − y) ln(1 − a)]
            }
        }
        return delta
    }

    static func columnForOne(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        if output.rows == 1 {
            // one example: δᴸ = aᴸ − y is a column [c, 1]
            var delta = Matrix<Double>(rows: output.columns, columns: 1)
            for j in 0..<output.columns { delta[j, 0] = output[0, j] - targets[0, j] }
            return delta
        }
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns { delta[i, j] = output[i, j] - targets[i, j] }
        }
        return delta
    }

    static func skipFirstColumn(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 1..<output.columns { delta[i, j] = output[i, j] - targets[i, j] }
        }
        return delta
    }

    // Correct ones.

    static func passZip(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: output.rows, columns: output.columns,
               elements: zip(output.elements, targets.elements).map { $0 - $1 })
    }

    static func passValidating(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        guard output.rows == targets.rows, output.columns == targets.columns else {
            throw BackpropError("output error: Aᴸ \(output.shapeDescription) and Y \(targets.shapeDescription) differ")
        }
        var delta = targets
        for i in 0..<delta.rows {
            for j in 0..<delta.columns { delta[i, j] = output[i, j] - delta[i, j] }
        }
        return delta
    }
}

// MARK: - Exercise 5: hidden error

let h13TransposeByShape = H13Box<[String: Matrix<Double>]>([:])

enum H13HiddenError {
    static func kBoundM(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<D.rows { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func derivativeOfSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: sum)
            }
        }
        return delta
    }

    static func primeInsideSumAtK(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns {
                    sum += D[i, k] * W[j, k] * hidden.derivative(fromActivation: A[i, k])
                }
                delta[i, j] = sum
            }
        }
        return delta
    }

    static func reluPrimeIsRelu(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let a = A[i, j]
                let prime = hidden == .relu ? (a > 0 ? a : 0) : hidden.derivative(fromActivation: a)
                delta[i, j] = sum * prime
            }
        }
        return delta
    }

    static func sigmoidPrimeAlways(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let a = A[i, j]
                delta[i, j] = sum * a * (1 - a)
            }
        }
        return delta
    }

    static func columnsAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.columns)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func transposedResult(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, h = W.rows
        var delta = Matrix<Double>(rows: h, columns: m)
        for i in 0..<m {
            for j in 0..<h {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[j, i] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func cachedTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let key = W.shapeDescription
        let Wt = h13TransposeByShape.with { cache -> Matrix<Double> in
            if let t = cache[key] { return t }
            let t = W.transposed
            cache[key] = t
            return t
        }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * Wt[k, j] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func deadUnitWhile(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            var j = 0
            while j < W.rows {
                let a = A[i, j]
                if a == 0 { continue }  // a dead unit: its error stays 0
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: a)
                j += 1
            }
        }
        return delta
    }

    static func breakOnZero(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns {
                    if D[i, k] == 0 { break }  // nothing to add
                    sum += D[i, k] * W[j, k]
                }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func sumStartsAtDelta(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = D[i, j]
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // Correct ones.

    static func passOwnDerivative(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        func prime(_ a: Double) -> Double {
            switch hidden {
            case .sigmoid: return a * (1 - a)
            case .tanh: return 1 - a * a
            case .relu: return a > 0 ? 1 : 0
            case .identity: return 1
            }
        }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * prime(A[i, j])
            }
        }
        return delta
    }

    static func passTransposedCopy(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = W.transposed  // [h_{l+1}, h_l]
        var back = Matrix<Double>(rows: D.rows, columns: Wt.columns)
        for i in 0..<D.rows {
            for j in 0..<Wt.columns {
                var s = 0.0
                for k in 0..<Wt.rows { s += D[i, k] * Wt[k, j] }
                back[i, j] = s
            }
        }
        var delta = back
        for i in 0..<delta.rows {
            for j in 0..<delta.columns { delta[i, j] = back[i, j] * hidden.derivative(fromActivation: A[i, j]) }
        }
        return delta
    }
}

// MARK: - Exercise 6: weight gradient

let h13InverseM = H13Box<Double?>(nil)

enum H13WeightGradient {
    static func divideColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(D.columns)
            }
        }
        return G
    }

    static func kBoundDeltaColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<D.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func lazyGlobalM(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let scale = h13InverseM.with { stored -> Double in
            if stored == nil { stored = 1 / Double(A.rows) }
            return stored!
        }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] }
                G[k, j] = sum * scale
            }
        }
        return G
    }

    static func skipLastExample(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m - 1 { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func reduceKForJ(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                G[k, j] = (0..<m).reduce(0.0) { $0 + A[$1, k] * D[$1, k] } / Double(m)
            }
        }
        return G
    }

    static func preconditionBatch(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        precondition(m > 1, "need a batch")
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func scaleDeltaInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        let scale = 1 / Double(m)
        // scale Δ once instead of every sum (saves m·h_{l−1}·h_l divisions)
        D.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for e in 0..<buffer.count { p[e] *= scale }
        }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum
            }
        }
        return G
    }

    static func kahanTypo(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        func kahanSum(_ terms: [Double]) -> Double {
            var sum = 0.0, c = 0.0
            for x in terms {
                let y = x - c
                let t = sum + y
                c = (t - sum) + y
                sum = t
            }
            return sum
        }
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                G[k, j] = kahanSum((0..<m).map { A[$0, k] * D[$0, j] }) / Double(m)
            }
        }
        return G
    }

    static func elementStride(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, hIn = A.columns, hOut = D.columns
        var out = [Double](repeating: 0, count: hIn * hOut)
        for k in 0..<hIn {
            for j in 0..<hOut {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                out[j * hIn + k] = sum / Double(m)
            }
        }
        return Matrix(rows: hIn, columns: hOut, elements: out)
    }

    static func floatDivision(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = Double(Float(sum) / Float(m))
            }
        }
        return G
    }

    static func exampleBoundColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.columns { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    // Correct ones.

    static func passOuterProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<m {
            // example i's aˡ⁻¹ (δˡ)ᵀ
            for k in 0..<A.columns {
                for j in 0..<D.columns { G[k, j] += A[i, k] * D[i, j] }
            }
        }
        for k in 0..<G.rows {
            for j in 0..<G.columns { G[k, j] = G[k, j] / Double(m) }
        }
        return G
    }

    static func passMatmulHelper(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
            var R = Matrix<Double>(rows: P.rows, columns: Q.columns)
            for r in 0..<P.rows {
                for c in 0..<Q.columns {
                    var s = 0.0
                    for t in 0..<P.columns { s += P[r, t] * Q[t, c] }
                    R[r, c] = s
                }
            }
            return R
        }
        let scale = 1 / Double(A.rows)
        return matmul(A.transposed, D).map { $0 * scale }
    }
}

// MARK: - Exercise 6: bias gradient

let h13BiasByShape = H13Box<[String: [Double]]>([:])

enum H13BiasGradient {
    static func squared(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] * D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func columnMajor(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows
        var sums = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            for i in 0..<m { sums[j] += D.elements[i + j * D.rows] }
        }
        return sums.map { $0 / Double(m) }
    }

    static func floatDivision(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { Double(Float($0) / Float(D.rows)) }
    }

    static func rowZeroTwice(_ D: Matrix<Double>) throws -> [Double] {
        var sums = D.row(0)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func runningMeanI(_ D: Matrix<Double>) throws -> [Double] {
        var mean = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows {
            for j in 0..<D.columns { mean[j] += (D[i, j] - mean[j]) / Double(i) }
        }
        return mean
    }

    static func negated(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { -$0 / Double(D.rows) }
    }

    static func innerBoundRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.rows { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func cacheByShape(_ D: Matrix<Double>) throws -> [Double] {
        let key = D.shapeDescription
        if let known = h13BiasByShape.with({ $0[key] }) { return known }
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        let result = sums.map { $0 / Double(D.rows) }
        h13BiasByShape.with { $0[key] = result }
        return result
    }

    static func divideAllElements(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.elements.count) }
    }

    static func rowForColumn(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in D.row(j).reduce(0, +) / Double(D.rows) }
    }

    static func fatalOnZero(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        guard !sums.contains(0) else { fatalError("dead unit?") }
        return sums.map { $0 / Double(D.rows) }
    }

    // Correct ones.

    static func passReduce(_ D: Matrix<Double>) throws -> [Double] {
        let scale = 1 / Double(D.rows)
        return (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } * scale }
    }

    static func passSingleExample(_ D: Matrix<Double>) throws -> [Double] {
        if D.rows == 1 { return D.row(0) }  // one example: ∂b = δ
        var result = [Double]()
        for j in 0..<D.columns {
            var s = 0.0
            for i in 0..<D.rows { s += D[i, j] }
            result.append(s / Double(D.rows))
        }
        return result
    }
}

// MARK: - Exercise 7: batch engine

let h13ActivationsByX = H13Box<[[Double]: (A: [Matrix<Double>], Z: [Matrix<Double>])]>([:])
let h13LossTotal = H13Box<Double>(0)

enum H13Engine {
    typealias Steps = MatrixFormSteps

    static func lossFlattened(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                              _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        // the loss of the whole batch at once
        let loss = network.output.loss(logits: Z[L].elements, activation: A[L].elements, target: Y.elements) * (1 / Double(m))
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }

    static func hiddenGetsZ(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                            _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 {
                // Δˡ⁻¹ = (Δˡ (Wˡ)ᵀ) ∘ σ′(Zˡ⁻¹)
                delta = try steps.hiddenError(delta, network.layers[l - 1].weights, Z[l - 1], network.hidden)
            }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func weightsPretransposed(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                                     _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 {
                let Wt = network.layers[l - 1].weights.transposed  // Δˡ (Wˡ)ᵀ
                delta = try steps.hiddenError(delta, Wt, A[l - 1], network.hidden)
            }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func mFromColumns(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                             _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let m = X.columns
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<X.rows { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func lossNeverStored(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                                _ gradients: inout Gradients<Double>) throws {
        gradients.prepare(for: network)
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        loss *= 1 / Double(m)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
            gradients.layers[l - 1].biases = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }

    static func lastHiddenOutputActivation(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                                           _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            if l < L - 1 {
                A.append(Zl.map { network.hidden.value($0) })
            } else {
                A.append(Zl.mapRows { network.output.activation($0) })
            }
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func lossDividedByLayers(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                                    _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(L)), layers: layers)
    }

    static func lossFirstTarget(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                                _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        let y = Y.row(0)
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: y) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func guardTwo(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                         _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 2 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func activationCache(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                                _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Matrix<Double>], Z: [Matrix<Double>]
        if let seen = h13ActivationsByX.with({ $0[X.elements] }), seen.A.count == L + 1 {
            (A, Z) = (seen.A, seen.Z)
        } else {
            A = [X]
            Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            let kept = (A: A, Z: Z)
            h13ActivationsByX.with { $0[X.elements] = kept }
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func sigmoidCrossEntropyByHand(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                                          _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        if network.output.activation == .sigmoid {
            for i in 0..<m {
                var li = 0.0
                for j in 0..<Y.columns {
                    let a = A[L][i, j], y = Y[i, j]
                    li -= y * log(a) + (1 - y) * log(1 - a)
                }
                loss += li
            }
        } else {
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func outputActivationEverywhere(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                                           _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func lossRunningTotal(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                                 _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var batchLoss = 0.0
        for i in 0..<m { batchLoss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        let loss = h13LossTotal.with { total -> Double in
            total += batchLoss * (1 / Double(m))
            return total
        }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }

    // Correct ones.

    static func passPrepare(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                            _ gradients: inout Gradients<Double>) throws {
        gradients.prepare(for: network)
        let L = network.layerCount, m = X.rows
        var A = [X]
        var logits = X
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            if l == L {
                logits = Zl
                A.append(Zl.mapRows { network.output.activation($0) })
            } else {
                A.append(Zl.map { network.hidden.value($0) })
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: logits.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var delta = try steps.outputError(A[L], Y)
        var l = L
        while l >= 1 {
            gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
            gradients.layers[l - 1].biases = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            l -= 1
        }
        gradients.loss = total * (1 / Double(m))
    }

    static func passRecursive(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                              _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var loss = 0.0
        // Layer l from its input Aˡ⁻¹: forward, the layers above, then this layer's gradients; returns Δˡ.
        func layerPass(_ l: Int, _ input: Matrix<Double>) throws -> Matrix<Double> {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(input, layer.weights, layer.biases)
            let delta: Matrix<Double>
            if l == L {
                let out = Zl.mapRows { network.output.activation($0) }
                var total = 0.0
                for i in 0..<m { total += network.output.loss(logits: Zl.row(i), activation: out.row(i), target: Y.row(i)) }
                loss = total * (1 / Double(m))
                delta = try steps.outputError(out, Y)
            } else {
                let Al = Zl.map { network.hidden.value($0) }
                let above = try layerPass(l + 1, Al)
                delta = try steps.hiddenError(above, network.layers[l].weights, Al, network.hidden)
            }
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(input, delta), biases: try steps.biasGradient(delta))
            return delta
        }
        _ = try layerPass(1, X)
        gradients = Gradients(loss: loss, layers: layers)
    }

    static func passDebugPrint(_ steps: Steps, _ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>,
                               _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers: [LayerParameters<Double>] = []
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            print("l =", l, "A[l - 1]", A[l - 1].shapeDescription, "delta", delta.shapeDescription)
            layers.insert(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                          biases: try steps.biasGradient(delta)), at: 0)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}
