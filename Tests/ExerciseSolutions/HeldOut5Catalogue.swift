#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Backprop
import BackpropExercises
import Foundation

// A fifth held-out class of hand-ins (exercises 3 to 7), written from the course pages only, without the checker
// or the other catalogues. Each wrong hand-in has one slip in one step; its other steps are Solutions'. The "pass"
// entries are correct but written unusually.

/// One held-out hand-in: its name, the step where the slip is ("pass" when there is none), the slip in one
/// sentence, and the submission.
public struct HeldOut5Submission: Sendable {
    public let name: String
    public let expected: String
    public let mistake: String
    public let submission: StudentSubmission
}

func h5(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut5Submission {
    HeldOut5Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h5sub(
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

public enum HeldOut5Catalogue {
    public static let all: [HeldOut5Submission] = oneExample + forward + outputError + hiddenError + weightGradient
        + biasGradient + batchEngine + passing

    public static func named(_ name: String) -> StudentSubmission? {
        all.first { $0.name == name }?.submission
    }

    // MARK: Exercise 3, one example

    static let oneExample: [HeldOut5Submission] = [
        h5("h5-one-bias-after-sigma", "one example",
           "In the forward pass the hidden layers add the bias after the activation, aˡⱼ = σ(Σₖ Wˡ[k, j] aˡ⁻¹ₖ) + bˡⱼ, instead of inside it, aˡⱼ = σ(Σₖ Wˡ[k, j] aˡ⁻¹ₖ + bˡⱼ); the output layer adds its bias correctly.",
           h5sub(oneExample: H5OneExample.biasAfterSigma)),
        h5("h5-one-delta-overwritten-in-place", "one example",
           "The hidden error δˡ is written into the same array that holds δˡ⁺¹ while the sum over k still reads it, so for every unit j ≥ 1 the terms δˡ⁺¹ₖ with k < j are the already-overwritten new values δˡₖ.",
           h5sub(oneExample: H5OneExample.deltaOverwrittenInPlace)),
        h5("h5-one-sigma-prime-of-layer-above", "one example",
           "σ′ in the hidden error is computed from a[l][j], the activation of the layer above (aˡ⁺¹ⱼ), instead of a[l - 1][j] (aˡⱼ, the layer whose error is being computed).",
           h5sub(oneExample: H5OneExample.sigmaPrimeOfLayerAbove)),
        h5("h5-one-hand-written-log-loss", "one example",
           "The loss is computed by hand from the rounded activations aᴸ (−Σⱼ yⱼ log aⱼ for softmax, −Σⱼ [yⱼ log aⱼ + (1 − yⱼ) log(1 − aⱼ)] for sigmoid) instead of by network.output.loss from the logits zᴸ, so it loses precision and becomes NaN or infinite where an output rounds to exactly 0 or 1 (logits in the hundreds).",
           h5sub(oneExample: H5OneExample.handWrittenLogLoss)),
        h5("h5-one-hidden-sum-reads-w-kj", "one example",
           "The hidden error's sum reads Wˡ⁺¹[k, j] where Wˡ⁺¹[j, k] belongs (Wˡ⁺¹ transposed), which is wrong on a square Wˡ⁺¹ and runs past the matrix on a non-square one.",
           h5sub(oneExample: H5OneExample.hiddenSumReadsWkj)),
        h5("h5-one-forward-in-float", "one example",
           "The forward sum zˡⱼ = bⱼ + Σₖ W[k, j] aₖ is accumulated in Float and converted back to Double, so every pre-activation, and with it the loss and every gradient, is right to only about 7 digits.",
           h5sub(oneExample: H5OneExample.forwardInFloat)),
        h5("h5-one-global-activations-never-cleared", "one example",
           "The activations are appended to a global array that is never cleared and read by absolute index (acts[l - 1]), so every call after the first uses the first call's activations (starting with its x) instead of its own.",
           h5sub(oneExample: H5OneExample.globalActivationsNeverCleared)),
        h5("h5-one-guard-before-store", "one example",
           "In the backward loop the `guard l > 1 else { break }` comes before layer l's gradients are stored instead of after, so layer 1's ∂W¹ and ∂b¹ are never computed and stay the 1 × 1 placeholder.",
           h5sub(oneExample: H5OneExample.guardBeforeStore)),
        h5("h5-one-precondition-on-sizes-1", "one example",
           "A defensive precondition checks x.count against network.sizes[1] (h_1) instead of network.sizes[0] (h_0), so it stops the program on every valid network whose first hidden layer is not as wide as its input.",
           h5sub(oneExample: H5OneExample.preconditionOnSizes1)),
    ]

    // MARK: Exercise 4, forward

    static let forward: [HeldOut5Submission] = [
        h5("h5-fwd-z-as-wide-as-input", "forward",
           "Zˡ is allocated as [m, input.columns] (h_{l−1}) instead of [m, weights.columns] (h_l) and the unit loop j runs over those columns, so the result has the wrong width (or reads past Wˡ) wherever h_{l−1} ≠ h_l.",
           h5sub(forward: H5Forward.zAsWideAsInput)),
        h5("h5-fwd-examples-as-columns", "forward",
           "The result is built as Zᵀ, a [h_l, m] matrix with Z[j, i] = bⱼ + Σₖ A[i, k] W[k, j] (examples as columns), instead of Zˡ [m, h_l] with the examples as rows.",
           h5sub(forward: H5Forward.examplesAsColumns)),
        h5("h5-fwd-sum-assigned", "forward",
           "The sum over k assigns (sum = A[i, k] * W[k, j]) instead of adding (+=), so only the last input unit k = h_{l−1} − 1 contributes, plus bⱼ.",
           h5sub(forward: H5Forward.sumAssigned)),
        h5("h5-fwd-float-sum", "forward",
           "The sum bⱼ + Σₖ A[i, k] W[k, j] is accumulated in a Float and converted back to Double, so every element of Zˡ is right to only about 7 digits.",
           h5sub(forward: H5Forward.floatSum)),
        h5("h5-fwd-cache-keyed-on-weights", "forward",
           "A global cache keyed on the weights, the bias and the number of rows (not on the input's values) returns an earlier call's Zˡ when the same layer is called again with a different Aˡ⁻¹ of the same shape.",
           h5sub(forward: H5Forward.cacheKeyedOnWeights)),
        h5("h5-fwd-m1-fast-path-transposed", "forward",
           "A special case for m = 1 (copied from a column-vector formula) reads W[j, k] where W[k, j] belongs; the general loop for m > 1 is right, so only single-example batches are wrong.",
           h5sub(forward: H5Forward.m1FastPathTransposed)),
        h5("h5-fwd-bias-twice", "forward",
           "bⱼ is added twice: the sum over k starts from b[j] and b[j] is added again when the sum is stored into Z[i, j].",
           h5sub(forward: H5Forward.biasTwice)),
        h5("h5-fwd-k-from-one", "forward",
           "The sum over k starts at 1 (for k in 1..<input.columns), so input unit k = 0, the first column of Aˡ⁻¹ times the first row of Wˡ, is left out of every element.",
           h5sub(forward: H5Forward.kFromOne)),
        h5("h5-fwd-precondition-columns", "forward",
           "A defensive precondition demands input.columns == weights.columns (h_{l−1} = h_l) instead of input.columns == weights.rows, so it stops the program on every valid layer whose input and output widths differ.",
           h5sub(forward: H5Forward.preconditionColumns)),
    ]

    // MARK: Exercise 4, output error

    static let outputError: [HeldOut5Submission] = [
        h5("h5-out-transposed-result", "output error",
           "The output error is returned as (Aᴸ − Y)ᵀ, a [c, m] matrix with delta[j, i] = A[i, j] − Y[i, j], instead of Δᴸ [m, c].",
           h5sub(outputError: H5OutputError.transposedResult)),
        h5("h5-out-columns-bounded-by-rows", "output error",
           "The column loop j is bounded by output.rows (m) instead of output.columns (c), so columns j ≥ m stay 0 when m < c (every column but the first at m = 1), and it reads past Aᴸ when m > c.",
           h5sub(outputError: H5OutputError.columnsBoundedByRows)),
        h5("h5-out-divided-by-classes", "output error",
           "Every element of Δᴸ is divided by the number of outputs c (output.columns), a mean over the classes as in a mean-squared loss; Δᴸ = Aᴸ − Y has no such factor.",
           h5sub(outputError: H5OutputError.dividedByClasses)),
        h5("h5-out-softmax-applied-again", "output error",
           "The softmax is applied a second time, Δᴸ = softmax(Aᴸ) − Y row by row, as if Aᴸ were still the logits Zᴸ, instead of Δᴸ = Aᴸ − Y.",
           h5sub(outputError: H5OutputError.softmaxAppliedAgain)),
        h5("h5-out-global-accumulator", "output error",
           "Δᴸ is added (+=) into a global matrix that is only reallocated when the shape changes and never zeroed, so a call after another of the same shape returns the sum of both calls' Aᴸ − Y.",
           h5sub(outputError: H5OutputError.globalAccumulator)),
        h5("h5-out-float-subtraction", "output error",
           "Each element is computed as a Float subtraction, Double(Float(A[i, j]) − Float(Y[i, j])), so Δᴸ is right to only about 7 digits.",
           h5sub(outputError: H5OutputError.floatSubtraction)),
        h5("h5-out-last-row-skipped", "output error",
           "The row loop runs over 0..<output.rows − 1, so the last example's row of Δᴸ stays 0 (and with m = 1 the whole of Δᴸ is 0).",
           h5sub(outputError: H5OutputError.lastRowSkipped)),
        h5("h5-out-clipped", "output error",
           "Every element of Δᴸ is clipped to [−0.5, 0.5] (a gradient clipping added for stability), which changes every element where |Aᴸ[i, j] − Y[i, j]| > 0.5.",
           h5sub(outputError: H5OutputError.clipped)),
    ]

    // MARK: Exercise 5, hidden error

    static let hiddenError: [HeldOut5Submission] = [
        h5("h5-hid-w-kj", "hidden error",
           "The sum reads Wˡ⁺¹[k, j] where Wˡ⁺¹[j, k] belongs (Δˡ⁺¹ Wˡ⁺¹ without the transpose): wrong values on a square Wˡ⁺¹, and past the matrix on a non-square one.",
           h5sub(hiddenError: H5HiddenError.wkj)),
        h5("h5-hid-sigma-prime-inside-sum-at-k", "hidden error",
           "σ′ is applied inside the sum over k at Aˡ[i, k] (the index of the unit above), Σₖ Δˡ⁺¹[i, k] Wˡ⁺¹[j, k] σ′(Aˡ[i, k]), instead of once after the sum at Aˡ[i, j].",
           h5sub(hiddenError: H5HiddenError.sigmaPrimeInsideSumAtK)),
        h5("h5-hid-sigmoid-derivative-by-hand", "hidden error",
           "σ′ is written by hand as a(1 − a), the sigmoid's derivative, whatever the hidden activation, so it is wrong for tanh (1 − a²) and ReLU ([a > 0]) layers.",
           h5sub(hiddenError: H5HiddenError.sigmoidDerivativeByHand)),
        h5("h5-hid-k-bounded-by-rows", "hidden error",
           "The sum over k runs to weightsAbove.rows (h_l) instead of weightsAbove.columns (h_{l+1}), so it misses terms when h_l < h_{l+1} and reads past Δˡ⁺¹ and Wˡ⁺¹ when h_l > h_{l+1}.",
           h5sub(hiddenError: H5HiddenError.kBoundedByRows)),
        h5("h5-hid-width-from-delta-above", "hidden error",
           "Δˡ is allocated [m, deltaAbove.columns] (h_{l+1}) instead of [m, weightsAbove.rows] (h_l) and the unit loop j runs over h_{l+1}, so the result has the layer above's width.",
           h5sub(hiddenError: H5HiddenError.widthFromDeltaAbove)),
        h5("h5-hid-sums-not-reset-per-example", "hidden error",
           "The per-unit sums array is zeroed once per call instead of once per example, so row i's sums also contain the terms of rows 0…i − 1 (only m = 1 is right).",
           h5sub(hiddenError: H5HiddenError.sumsNotResetPerExample)),
        h5("h5-hid-float-sum", "hidden error",
           "The sum Σₖ Δˡ⁺¹[i, k] Wˡ⁺¹[j, k] is accumulated in Float, so every element of Δˡ is right to only about 7 digits.",
           h5sub(hiddenError: H5HiddenError.floatSum)),
        h5("h5-hid-relu-value-for-derivative", "hidden error",
           "σ′ is written by hand per activation and the ReLU case returns max(a, 0), the ReLU itself, instead of its derivative (1 where a > 0, else 0); sigmoid and tanh are right.",
           h5sub(hiddenError: H5HiddenError.reluValueForDerivative)),
        h5("h5-hid-continue-skips-increment", "hidden error",
           "In the while loop over k, `continue` on a zero Δˡ⁺¹[i, k] skips the `k += 1`, so the loop never ends as soon as an error entry of the layer above is exactly 0 (ReLU units that are off, saturated outputs).",
           h5sub(hiddenError: H5HiddenError.continueSkipsIncrement)),
    ]

    // MARK: Exercise 6, weight gradient

    static let weightGradient: [HeldOut5Submission] = [
        h5("h5-wg-divided-by-units", "weight gradient",
           "The sum over the examples is divided by delta.columns (h_l, the units of the layer) instead of m = input.rows, which is right only where h_l = m.",
           h5sub(weightGradient: H5WeightGradient.dividedByUnits)),
        h5("h5-wg-factor-indices-swapped", "weight gradient",
           "The product reads input[i, j] * delta[i, k] (the two factors' column indices swapped) instead of input[i, k] * delta[i, j], which computes (Δˡ)ᵀ Aˡ⁻¹ into ∂Wˡ's slots (its transpose on a square layer, past the matrices on a non-square one).",
           h5sub(weightGradient: H5WeightGradient.factorIndicesSwapped)),
        h5("h5-wg-last-example-skipped", "weight gradient",
           "The sum over the examples runs over 0..<m − 1, leaving out the last example, but is still divided by m (so m = 1 gives all zeros).",
           h5sub(weightGradient: H5WeightGradient.lastExampleSkipped)),
        h5("h5-wg-global-accumulator", "weight gradient",
           "∂Wˡ is accumulated (+=) into a global matrix that is only reset when its shape changes, so a call after another of the same shape returns the sum of both calls' gradients.",
           h5sub(weightGradient: H5WeightGradient.globalAccumulator)),
        h5("h5-wg-float-sum", "weight gradient",
           "The sum over the examples Σᵢ A[i, k] Δ[i, j] is accumulated in Float, so every element of ∂Wˡ is right to only about 7 digits.",
           h5sub(weightGradient: H5WeightGradient.floatSum)),
        h5("h5-wg-divided-by-m-minus-1", "weight gradient",
           "The sum is divided by max(m − 1, 1) (the sample-variance habit) instead of m, which is right only for m = 1 and m = 2.",
           h5sub(weightGradient: H5WeightGradient.dividedByMMinus1)),
        h5("h5-wg-negated", "weight gradient",
           "Every element has its sign flipped, ∂W[k, j] = −(1/m) Σᵢ A[i, k] Δ[i, j]: the descent direction −∂Wˡ is returned instead of the gradient.",
           h5sub(weightGradient: H5WeightGradient.negated)),
        h5("h5-wg-sum-reset-per-row-only", "weight gradient",
           "The running sum is declared inside the loop over k but outside the loop over j, so it is reset once per row of ∂Wˡ only, and every element ∂W[k, j] with j ≥ 1 also contains the sums of columns 0…j − 1.",
           h5sub(weightGradient: H5WeightGradient.sumResetPerRowOnly)),
        h5("h5-wg-float-reciprocal", "weight gradient",
           "The factor 1/m is computed in Float, Double(Float(1) / Float(m)), which is exact only when m is a power of two, so for m = 5, 7, 9 every element is off by about 10⁻⁸ relative.",
           h5sub(weightGradient: H5WeightGradient.floatReciprocal)),
    ]

    // MARK: Exercise 6, bias gradient

    static let biasGradient: [HeldOut5Submission] = [
        h5("h5-bg-row-sums", "bias gradient",
           "∂bˡ is the mean of each example's row (np.sum(Δ, axis=1) / m, a sum over the units), giving m numbers, instead of the sums down each column (axis=0) divided by m.",
           h5sub(biasGradient: H5BiasGradient.rowSums)),
        h5("h5-bg-assigned-not-added", "bias gradient",
           "The sum over the examples assigns (sums[j] = delta[i, j]) instead of adding (+=), so only the last example's row counts, then divided by m.",
           h5sub(biasGradient: H5BiasGradient.assignedNotAdded)),
        h5("h5-bg-no-mean", "bias gradient",
           "The column sums are returned without the 1/m, so ∂bˡ is m times too large (right only for m = 1).",
           h5sub(biasGradient: H5BiasGradient.noMean)),
        h5("h5-bg-divided-inside-loop", "bias gradient",
           "The 1/m is applied inside the loop after every addition, sums[j] = (sums[j] + delta[i, j]) / m, so example i's term ends up divided by m^(m − i) instead of once by m (right only for m = 1).",
           h5sub(biasGradient: H5BiasGradient.dividedInsideLoop)),
        h5("h5-bg-global-sums-never-zeroed", "bias gradient",
           "The column sums live in a global array that is only reallocated when h_l changes and never zeroed, so a call after another of the same width starts from the earlier call's sums.",
           h5sub(biasGradient: H5BiasGradient.globalSumsNeverZeroed)),
        h5("h5-bg-int-reciprocal", "bias gradient",
           "The factor 1/m is computed in Int, Double(1 / delta.rows), which is 0 for every m above 1, so ∂bˡ is all zeros except when m = 1.",
           h5sub(biasGradient: H5BiasGradient.intReciprocal)),
        h5("h5-bg-whole-sum", "bias gradient",
           "np.sum(Δ) without axis=0: every entry of ∂bˡ is the sum of all the elements of Δˡ (over examples and units) divided by m, the same number repeated h_l times.",
           h5sub(biasGradient: H5BiasGradient.wholeSum)),
        h5("h5-bg-count-from-rows", "bias gradient",
           "The sums array is allocated with delta.rows (m) entries instead of delta.columns (h_l), so it runs past the array when h_l > m and returns m numbers (the extra ones 0) when m > h_l.",
           h5sub(biasGradient: H5BiasGradient.countFromRows)),
    ]

    // MARK: Exercise 7, batch engine

    static let batchEngine: [HeldOut5Submission] = [
        h5("h5-eng-loss-logits-from-activations", "batch engine",
           "The loss is given Aᴸ's row as its logits, network.output.loss(logits: A[L].row(i), …), where it takes Zᴸ's row.",
           h5sub(engine: { AnyBackpropEngine(H5Engine.LossLogitsFromActivations(steps: $0)) })),
        h5("h5-eng-hidden-error-before-gradients", "batch engine",
           "In the backward loop Δˡ⁻¹ is computed before layer l's gradients instead of after, so ∂Wˡ and ∂bˡ for every l ≥ 2 are computed from the layer below's error Δˡ⁻¹ instead of Δˡ.",
           h5sub(engine: { AnyBackpropEngine(H5Engine.HiddenErrorBeforeGradients(steps: $0)) })),
        h5("h5-eng-output-activation-one-layer-early", "batch engine",
           "The hidden σ is applied only for l < L − 1, so the last hidden layer L − 1 gets the output activation (softmax or sigmoid, row by row) instead of σ.",
           h5sub(engine: { AnyBackpropEngine(H5Engine.OutputActivationOneLayerEarly(steps: $0)) })),
        h5("h5-eng-z-to-hidden-error", "batch engine",
           "hiddenError is handed Zˡ⁻¹ (the pre-activations) instead of Aˡ⁻¹, so σ′ is computed from z instead of from a = σ(z).",
           h5sub(engine: { AnyBackpropEngine(H5Engine.ZToHiddenError(steps: $0)) })),
        h5("h5-eng-loss-loop-bounded-by-layer-count", "batch engine",
           "The loss loop runs over i in 0..<L (the number of layers) instead of 0..<m, so it adds the losses of the first L examples only (and reads past Zᴸ when m < L) before multiplying by 1/m.",
           h5sub(engine: { AnyBackpropEngine(H5Engine.LossLoopBoundedByL(steps: $0)) })),
        h5("h5-eng-update-during-backward", "batch engine",
           "A gradient-descent step Wˡ ← Wˡ − 0.1 ∂Wˡ is applied to a copy of the network inside the backward loop, and the hidden error then uses that updated Wˡ instead of the forward pass's weights.",
           h5sub(engine: { AnyBackpropEngine(H5Engine.UpdateDuringBackward(steps: $0)) })),
        h5("h5-eng-forward-cached-by-sizes", "batch engine",
           "The forward pass's Aˡ and Zˡ are cached in a global keyed only by network.sizes, so a later call on a network of the same shape reuses the first call's activations whatever its weights or X.",
           h5sub(engine: { AnyBackpropEngine(H5Engine.ForwardCachedBySizes(steps: $0)) })),
        h5("h5-eng-m-from-columns", "batch engine",
           "m is taken from X.columns (h_0) instead of X.rows, so the loss sums over h_0 examples (reading past Zᴸ when h_0 > m, missing examples when h_0 < m) and is scaled by 1/h_0; right only where h_0 = m.",
           h5sub(engine: { AnyBackpropEngine(H5Engine.MFromColumns(steps: $0)) })),
        h5("h5-eng-divergence-exit", "batch engine",
           "A divergence guard prints the loss and calls exit(1) when the mean loss exceeds 100, which a correct computation reaches on valid batches with logits in the hundreds, so the program stops there.",
           h5sub(engine: { AnyBackpropEngine(H5Engine.DivergenceExit(steps: $0)) })),
    ]

    // MARK: Correct, written unusually

    static let passing: [HeldOut5Submission] = [
        h5("h5-pass-one-recursive-backward", "pass",
           "Correct: the one-example backward pass is a recursive function from layer L down to 1 that prepends each layer's gradients.",
           h5sub(oneExample: H5Pass.oneRecursiveBackward)),
        h5("h5-pass-one-transposed-weights-guarded", "pass",
           "Correct: the one-example forward pass reads a transposed copy of Wˡ (Wᵀ[j, k]), with guards on x and y that never fire on valid inputs.",
           h5sub(oneExample: H5Pass.oneTransposedWeightsGuarded)),
        h5("h5-pass-fwd-rows-then-matrix", "pass",
           "Correct: the forward step builds each row of Zˡ as an array (k outer, j inner, starting from bˡ) and makes the matrix with Matrix(rows).",
           h5sub(forward: H5Pass.forwardRowsThenMatrix)),
        h5("h5-pass-fwd-fully-keyed-cache", "pass",
           "Correct: the forward step memoises its result in a lock-protected global cache keyed on every value of Aˡ⁻¹, Wˡ and bˡ (and their shapes).",
           h5sub(forward: H5Pass.forwardFullyKeyedCache)),
        h5("h5-pass-out-zip-elements", "pass",
           "Correct: the output error subtracts the row-major element arrays with zip after a shape check that never fires on valid inputs.",
           h5sub(outputError: H5Pass.outputErrorZipElements)),
        h5("h5-pass-hid-transposed-copy-print", "pass",
           "Correct: the hidden error reads a transposed copy of Wˡ⁺¹ ((Wˡ⁺¹)ᵀ[k, j]) and prints a debug line with the shapes on every call.",
           h5sub(hiddenError: H5Pass.hiddenTransposedCopyPrint)),
        h5("h5-pass-hid-while-row-buffer", "pass",
           "Correct: the hidden error uses while loops, k outer and j inner, accumulating each example's row in a buffer reset for every example before multiplying by σ′.",
           h5sub(hiddenError: H5Pass.hiddenWhileRowBuffer)),
        h5("h5-pass-wg-rank-one-updates", "pass",
           "Correct: the weight gradient adds one outer product aˡ⁻¹ᵢ (δˡᵢ)ᵀ per example (i outer) and multiplies by 1/m at the end.",
           h5sub(weightGradient: H5Pass.weightRankOneUpdates)),
        h5("h5-pass-wg-through-transposes", "pass",
           "Correct: the weight gradient reads transposed copies of Aˡ⁻¹ and Δˡ, with a precondition on the row counts that never fires.",
           h5sub(weightGradient: H5Pass.weightThroughTransposes)),
        h5("h5-pass-bg-reduce", "pass",
           "Correct: the bias gradient is a map over the columns of a reduce over the rows, times 1/Double(m).",
           h5sub(biasGradient: H5Pass.biasReduce)),
        h5("h5-pass-eng-prepare-and-assign", "pass",
           "Correct: the engine calls gradients.prepare(for:) and assigns every layer and the loss in place, walking the layers with (1...L).reversed().",
           h5sub(engine: { AnyBackpropEngine(H5Pass.PrepareAndAssignEngine(steps: $0)) })),
        h5("h5-pass-eng-recursive", "pass",
           "Correct: the engine's forward and backward passes are recursive functions, the backward one inserting each layer's gradients at index 0.",
           h5sub(engine: { AnyBackpropEngine(H5Pass.RecursiveEngine(steps: $0)) })),
    ]
}

// MARK: - Exercise 3 hand-ins

nonisolated(unsafe) var h5OneActs: [[Double]] = []

enum H5OneExample {
    /// The bias added after σ on the hidden layers.
    static func biasAfterSigma(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            if l < L {
                z.append(zl)
                // activation, then shift by the bias
                a.append((0..<h[l]).map { network.hidden.value(zl[$0]) + b[$0] })
            } else {
                for j in 0..<h[l] { zl[j] += b[j] }
                z.append(zl)
                a.append(network.output.activation(zl))
            }
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// δˡ written over δˡ⁺¹ while it is read.
    static func deltaOverwrittenInPlace(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            // reuse the delta array for the layer below (make room if it is wider)
            if delta.count < h[l - 1] { delta += [Double](repeating: 0, count: h[l - 1] - delta.count) }
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                delta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = Array(delta.prefix(h[l - 1]))
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// σ′ from the layer above's activations.
    static func sigmaPrimeOfLayerAbove(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Cross-entropy from the activations, by hand.
    static func handWrittenLogLoss(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        var loss = 0.0
        if network.output.activation == .softmax {
            for j in 0..<h[L] { loss -= y[j] * log(a[L][j]) }
        } else {
            for j in 0..<h[L] { loss -= y[j] * log(a[L][j]) + (1 - y[j]) * log(1 - a[L][j]) }
        }
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Wˡ⁺¹[k, j] in the hidden error.
    static func hiddenSumReadsWkj(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[k, j] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The forward sum in Float.
    static func forwardInFloat(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = Float(b[j])
                for i in 0..<h[l - 1] { s += Float(W[i, j]) * Float(a[l - 1][i]) }
                zl[j] = Double(s)
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Activations kept in a global array that is never cleared.
    static func globalActivationsNeverCleared(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var z = [[Double]()]
        h5OneActs.append(x)
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * h5OneActs[l - 1][i] }
            }
            z.append(zl)
            h5OneActs.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let a = h5OneActs
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The guard that ends the backward loop placed before layer l's gradients are stored.
    static func guardBeforeStore(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            guard l > 1 else { break }
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// A precondition on the wrong size.
    static func preconditionOnSizes1(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        precondition(x.count == h[1], "x must have one number per input unit")
        precondition(y.count == h[L], "y must have one number per output")
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }
}

// MARK: - Exercise 4 hand-ins: forward

nonisolated(unsafe) var h5ForwardCache: [[Double]: Matrix<Double>] = [:]

enum H5Forward {
    static func zAsWideAsInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<Z.rows {
            for j in 0..<Z.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func examplesAsColumns(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        // one column per example, as in the lecture's column vectors
        var Z = Matrix<Double>(rows: W.columns, columns: A.rows)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[j, i] = sum
            }
        }
        return Z
    }

    static func sumAssigned(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<A.columns { sum = A[i, k] * W[k, j] }
                Z[i, j] = sum + b[j]
            }
        }
        return Z
    }

    static func floatSum(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum: Float = Float(b[j])
                for k in 0..<A.columns { sum += Float(A[i, k] * W[k, j]) }
                Z[i, j] = Double(sum)
            }
        }
        return Z
    }

    static func cacheKeyedOnWeights(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        // the same layer is called many times: remember its answer
        let key = W.elements + b + [Double(A.rows)]
        if let cached = h5ForwardCache[key] { return cached }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        h5ForwardCache[key] = Z
        return Z
    }

    static func m1FastPathTransposed(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        if A.rows == 1 {
            // one example: z = Wᵀ x + b
            for j in 0..<W.columns {
                var zj = b[j]
                for k in 0..<A.columns { zj += W[j, k] * A[0, k] }
                Z[0, j] = zj
            }
            return Z
        }
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func biasTwice(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum + b[j]
            }
        }
        return Z
    }

    static func kFromOne(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 1..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func preconditionColumns(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        precondition(A.columns == W.columns, "forward: A and W do not fit")
        precondition(b.count == W.columns, "forward: one bias per unit")
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }
}

// MARK: - Exercise 4 hand-ins: output error

nonisolated(unsafe) var h5OutputBuffer = Matrix<Double>(rows: 0, columns: 0)

enum H5OutputError {
    static func transposedResult(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.columns, columns: A.rows)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[j, i] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func columnsBoundedByRows(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.rows { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func dividedByClasses(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let c = Double(A.columns)
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / c } }
        return delta
    }

    static func softmaxAppliedAgain(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            var largest = A[i, 0]
            for j in 1..<A.columns { largest = max(largest, A[i, j]) }
            var e = [Double](repeating: 0, count: A.columns)
            var total = 0.0
            for j in 0..<A.columns { e[j] = exp(A[i, j] - largest); total += e[j] }
            for j in 0..<A.columns { delta[i, j] = e[j] / total - Y[i, j] }
        }
        return delta
    }

    static func globalAccumulator(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        if h5OutputBuffer.rows != A.rows || h5OutputBuffer.columns != A.columns {
            h5OutputBuffer = Matrix<Double>(rows: A.rows, columns: A.columns)
        }
        for i in 0..<A.rows { for j in 0..<A.columns { h5OutputBuffer[i, j] += A[i, j] - Y[i, j] } }
        return h5OutputBuffer
    }

    static func floatSubtraction(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = Double(Float(A[i, j]) - Float(Y[i, j])) }
        }
        return delta
    }

    static func lastRowSkipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows - 1 { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func clipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                // keep the error in a sane range so training does not blow up
                delta[i, j] = min(0.5, max(-0.5, A[i, j] - Y[i, j]))
            }
        }
        return delta
    }
}

// MARK: - Exercise 5 hand-ins

enum H5HiddenError {
    static func wkj(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                              _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[k, j] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func sigmaPrimeInsideSumAtK(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                                 _ hidden: Activation) throws -> Matrix<Double> {
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

    static func sigmoidDerivativeByHand(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                                  _ hidden: Activation) throws -> Matrix<Double> {
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

    static func kBoundedByRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                         _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.rows { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func widthFromDeltaAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                              _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: D.columns)
        for i in 0..<delta.rows {
            for j in 0..<delta.columns {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func sumsNotResetPerExample(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                                 _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        var sums = [Double](repeating: 0, count: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                for k in 0..<W.columns { sums[j] += D[i, k] * W[j, k] }
                delta[i, j] = sums[j] * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func floatSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum: Float = 0
                for k in 0..<W.columns { sum += Float(D[i, k]) * Float(W[j, k]) }
                delta[i, j] = Double(sum) * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func reluValueForDerivative(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                                 _ hidden: Activation) throws -> Matrix<Double> {
        func sigmaPrime(_ a: Double) -> Double {
            switch hidden {
            case .sigmoid: return a * (1 - a)
            case .tanh: return 1 - a * a
            case .relu: return max(a, 0)
            case .identity: return 1
            }
        }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * sigmaPrime(A[i, j])
            }
        }
        return delta
    }

    static func continueSkipsIncrement(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                                 _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                var k = 0
                while k < W.columns {
                    if D[i, k] == 0 { continue }  // no error to send back from this unit
                    sum += D[i, k] * W[j, k]
                    k += 1
                }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }
}

// MARK: - Exercise 6 hand-ins: weight gradient

nonisolated(unsafe) var h5WeightAccumulator = Matrix<Double>(rows: 0, columns: 0)

enum H5WeightGradient {
    static func dividedByUnits(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let n = D.columns
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(n)
            }
        }
        return G
    }

    static func factorIndicesSwapped(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, j] * D[i, k] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func lastExampleSkipped(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func globalAccumulator(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        if h5WeightAccumulator.rows != A.columns || h5WeightAccumulator.columns != D.columns {
            h5WeightAccumulator = Matrix<Double>(rows: A.columns, columns: D.columns)
        }
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                h5WeightAccumulator[k, j] += sum / Double(m)
            }
        }
        return h5WeightAccumulator
    }

    static func floatSum(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum: Float = 0
                for i in 0..<m { sum += Float(A[i, k]) * Float(D[i, j]) }
                G[k, j] = Double(sum) / Double(m)
            }
        }
        return G
    }

    static func dividedByMMinus1(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(max(m - 1, 1))
            }
        }
        return G
    }

    static func negated(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = -sum / Double(m)  // we go downhill
            }
        }
        return G
    }

    static func sumResetPerRowOnly(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            var sum = 0.0
            for j in 0..<D.columns {
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func floatReciprocal(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        let scale = Double(Float(1) / Float(m))
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum * scale
            }
        }
        return G
    }
}

// MARK: - Exercise 6 hand-ins: bias gradient

nonisolated(unsafe) var h5BiasSums: [Double] = []

enum H5BiasGradient {
    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.rows).map { i in D.row(i).reduce(0, +) / Double(D.rows) }
    }

    static func assignedNotAdded(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] = D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func noMean(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    static func dividedInsideLoop(_ D: Matrix<Double>) throws -> [Double] {
        let m = Double(D.rows)
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] = (sums[j] + D[i, j]) / m } }
        return sums
    }

    static func globalSumsNeverZeroed(_ D: Matrix<Double>) throws -> [Double] {
        if h5BiasSums.count != D.columns { h5BiasSums = [Double](repeating: 0, count: D.columns) }
        for i in 0..<D.rows { for j in 0..<D.columns { h5BiasSums[j] += D[i, j] } }
        return h5BiasSums.map { $0 / Double(D.rows) }
    }

    static func intReciprocal(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        let scale = Double(1 / D.rows)
        return sums.map { $0 * scale }
    }

    static func wholeSum(_ D: Matrix<Double>) throws -> [Double] {
        let total = D.elements.reduce(0, +)
        return [Double](repeating: total / Double(D.rows), count: D.columns)
    }

    static func countFromRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.rows)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }
}

// MARK: - Exercise 7 hand-ins

nonisolated(unsafe) var h5EngineForwardCache: [[Int]: (A: [Matrix<Double>], Z: [Matrix<Double>])] = [:]

enum H5Engine {
    struct LossLogitsFromActivations: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: A[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct HiddenErrorBeforeGradients: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct OutputActivationOneLayerEarly: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L - 1 ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct ZToHiddenError: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                // Δˡ⁻¹ = (Δˡ (Wˡ)ᵀ) ∘ σ′(Zˡ⁻¹)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, Z[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct LossLoopBoundedByL: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<L { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct UpdateDuringBackward: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            let eta = 0.1
            var net = network
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = net.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { net.hidden.value($0) } : Zl.mapRows { net.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += net.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                let gW = try steps.weightGradient(A[l - 1], delta)
                let gb = try steps.biasGradient(delta)
                layers[l - 1] = LayerParameters(weights: gW, biases: gb)
                // take the step right away
                var W = net.layers[l - 1].weights
                for e in W.elements.indices { W.elements[e] -= eta * gW.elements[e] }
                net.layers[l - 1] = LayerParameters(weights: W, biases: zip(net.layers[l - 1].biases, gb).map { $0 - eta * $1 })
                if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], net.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct ForwardCachedBySizes: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            if let cached = h5EngineForwardCache[network.sizes] {
                A = cached.A
                Z = cached.Z
            } else {
                for l in 1...L {
                    let layer = network.layers[l - 1]
                    let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                    Z.append(Zl)
                    A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
                }
                h5EngineForwardCache[network.sizes] = (A: A, Z: Z)
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct MFromColumns: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.columns
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct DivergenceExit: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            let meanLoss = loss * (1 / Double(m))
            if meanLoss > 100 {
                print("loss \(meanLoss): diverged, stopping")
                exit(1)
            }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: meanLoss, layers: layers)
        }
    }
}

// MARK: - Correct, written unusually

struct H5ForwardKey: Hashable {
    let inputRows: Int, inputColumns: Int, weightRows: Int, weightColumns: Int
    let input: [Double], weights: [Double], bias: [Double]
}

nonisolated(unsafe) var h5PassForwardCache: [H5ForwardKey: Matrix<Double>] = [:]
let h5PassForwardLock = NSLock()

enum H5Pass {
    static func oneRecursiveBackward(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)

        func backward(_ l: Int, _ delta: [Double], _ above: [LayerParameters<Double>]) -> [LayerParameters<Double>] {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            let done = [LayerParameters(weights: gw, biases: delta)] + above
            if l == 1 { return done }
            let W = network.layers[l - 1].weights
            let below = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            return backward(l - 1, below, done)
        }

        let deltaL = (0..<h[L]).map { a[L][$0] - y[$0] }
        return Gradients(loss: loss, layers: backward(L, deltaL, []))
    }

    static func oneTransposedWeightsGuarded(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        guard x.count == network.inputCount else { throw BackpropError("x has \(x.count) numbers, the network \(network.inputCount) inputs") }
        guard y.count == network.outputCount else { throw BackpropError("y has \(y.count) numbers, the network \(network.outputCount) outputs") }
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let Wt = network.layers[l - 1].weights.transposed  // [h_l, h_{l−1}]: z = Wᵀ a + b reads row j of Wᵀ
            let b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += Wt[j, i] * a[l - 1][i] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func forwardRowsThenMatrix(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var rows: [[Double]] = []
        for i in 0..<A.rows {
            var row = b
            for k in 0..<A.columns {
                let a = A[i, k]
                for j in 0..<W.columns { row[j] += a * W[k, j] }
            }
            rows.append(row)
        }
        return A.rows == 0 ? Matrix<Double>(rows: 0, columns: W.columns) : Matrix(rows)
    }

    static func forwardFullyKeyedCache(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = H5ForwardKey(inputRows: A.rows, inputColumns: A.columns, weightRows: W.rows, weightColumns: W.columns,
                               input: A.elements, weights: W.elements, bias: b)
        h5PassForwardLock.lock()
        let hit = h5PassForwardCache[key]
        h5PassForwardLock.unlock()
        if let hit { return hit }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        h5PassForwardLock.lock()
        h5PassForwardCache[key] = Z
        h5PassForwardLock.unlock()
        return Z
    }

    static func outputErrorZipElements(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        guard A.rows == Y.rows, A.columns == Y.columns else {
            throw BackpropError("output error: Aᴸ \(A.shapeDescription) and Y \(Y.shapeDescription) differ in shape")
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }

    static func hiddenTransposedCopyPrint(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                                    _ hidden: Activation) throws -> Matrix<Double> {
        print("hiddenError: Δ above \(D.shapeDescription), W above \(W.shapeDescription), A \(A.shapeDescription)")
        let Wt = W.transposed  // [h_{l+1}, h_l]
        var delta = Matrix<Double>(rows: D.rows, columns: Wt.columns)
        for i in 0..<D.rows {
            for j in 0..<Wt.columns {
                var sum = 0.0
                for k in 0..<Wt.rows { sum += D[i, k] * Wt[k, j] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func hiddenWhileRowBuffer(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                               _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, units = W.rows, above = W.columns
        var delta = Matrix<Double>(rows: m, columns: units)
        var i = 0
        while i < m {
            var row = [Double](repeating: 0, count: units)
            var k = 0
            while k < above {
                let d = D[i, k]
                var j = 0
                while j < units {
                    row[j] += d * W[j, k]
                    j += 1
                }
                k += 1
            }
            var j = 0
            while j < units {
                delta[i, j] = row[j] * hidden.derivative(fromActivation: A[i, j])
                j += 1
            }
            i += 1
        }
        return delta
    }

    static func weightRankOneUpdates(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<m {
            for k in 0..<A.columns {
                let a = A[i, k]
                for j in 0..<D.columns { G[k, j] += a * D[i, j] }
            }
        }
        let scale = 1 / Double(m)
        return G.map { $0 * scale }
    }

    static func weightThroughTransposes(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        precondition(A.rows == D.rows, "Aˡ⁻¹ and Δˡ need one row per example each")
        let At = A.transposed, Dt = D.transposed  // [h_{l−1}, m] and [h_l, m]
        let m = At.columns
        var G = Matrix<Double>(rows: At.rows, columns: Dt.rows)
        for k in 0..<At.rows {
            for j in 0..<Dt.rows {
                var sum = 0.0
                for i in 0..<m { sum += At[k, i] * Dt[j, i] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func biasReduce(_ D: Matrix<Double>) throws -> [Double] {
        let scale = 1 / Double(D.rows)
        return (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } * scale }
    }

    struct PrepareAndAssignEngine: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            gradients.prepare(for: network)
            let L = network.layerCount, m = X.rows
            var A: [Matrix<Double>] = [X]
            var logits = X
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                if l < L {
                    A.append(Zl.map { network.hidden.value($0) })
                } else {
                    logits = Zl
                    A.append(Zl.mapRows { network.output.activation($0) })
                }
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: logits.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var delta = try steps.outputError(A[L], Y)
            for l in (1...L).reversed() {
                gradients.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                          biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients.loss = loss * (1 / Double(m))
        }
    }

    struct RecursiveEngine: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        /// Aˡ for l = from…L, appended to `A` (which holds A⁰…Aˡ⁻¹), and Zᴸ.
        func forwardPass(_ network: Network<Double>, from l: Int, _ A: [Matrix<Double>]) throws -> (A: [Matrix<Double>], ZL: Matrix<Double>) {
            let L = network.layerCount
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            if l == L { return (A + [Zl.mapRows { network.output.activation($0) }], Zl) }
            return try forwardPass(network, from: l + 1, A + [Zl.map { network.hidden.value($0) }])
        }

        func backwardPass(_ network: Network<Double>, _ l: Int, _ delta: Matrix<Double>, _ A: [Matrix<Double>],
                          _ done: [LayerParameters<Double>]) throws -> [LayerParameters<Double>] {
            var layers = done
            layers.insert(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                          biases: try steps.biasGradient(delta)), at: 0)
            if l == 1 { return layers }
            let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            return try backwardPass(network, l - 1, below, A, layers)
        }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            let (A, ZL) = try forwardPass(network, from: 1, [X])
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            let layers = try backwardPass(network, L, try steps.outputError(A[L], Y), A, [])
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }
}
