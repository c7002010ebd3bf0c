#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Backprop
import BackpropExercises
import Foundation

// A fourth held-out class of hand-ins (exercises 3 to 7), written from the course pages only, without the checker
// or the other catalogues. Each wrong hand-in has one slip in one step; its other steps are Solutions'. The "pass"
// entries are correct but written unusually.

/// One held-out hand-in: its name, the step where the slip is ("pass" when there is none), the slip in one
/// sentence, and the submission.
public struct HeldOut4Submission: Sendable {
    public let name: String
    public let expected: String
    public let mistake: String
    public let submission: StudentSubmission
}

func h4(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut4Submission {
    HeldOut4Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h4sub(
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

public enum HeldOut4Catalogue {
    public static let all: [HeldOut4Submission] = [
        // MARK: one example (exercise 3)
        h4("h4-one-forward-sum-bounded-by-hl", "one example",
           "In the one-example forward pass the sum over k in zˡⱼ = bⱼ + Σₖ W[k, j] aˡ⁻¹ₖ runs over 0..<h_l (zl.count) instead of 0..<h_{l−1}, so it misses terms when h_{l−1} > h_l and reads past Wˡ when h_{l−1} < h_l.",
           h4sub(oneExample: H4One.forwardSumBoundedByOutputs)),
        h4("h4-one-sigma-prime-of-z", "one example",
           "The hidden error multiplies by network.hidden.derivative(fromActivation: zˡⱼ), σ′ computed from the pre-activation zˡ instead of from the activation aˡ.",
           h4sub(oneExample: H4One.sigmaPrimeOfZ)),
        h4("h4-one-backward-weights-not-transposed", "one example",
           "The hidden error sums W[k, j] δₖ where δˡⱼ needs Σₖ Wˡ⁺¹[j, k] δˡ⁺¹ₖ (the weight matrix read transposed going back), wrong on square layers and out of range on non-square ones.",
           h4sub(oneExample: H4One.backwardWeightsNotTransposed)),
        h4("h4-one-softmax-by-hand", "one example",
           "For a softmax output aᴸ is computed by hand as exp(zⱼ) / Σₖ exp(zₖ) without subtracting the largest zₖ, which overflows to NaN when the logits are in the hundreds.",
           h4sub(oneExample: H4One.softmaxByHand)),
        h4("h4-one-loss-averaged-over-outputs", "one example",
           "The example's loss ℓ is divided by the number of outputs c (a mean over the classes), where ℓ is the loss itself; the gradients are right.",
           h4sub(oneExample: H4One.lossAveragedOverOutputs)),
        h4("h4-one-bias-summed-in-global", "one example",
           "∂bˡ is accumulated into a global array that is never reset between calls (the student sums δ over the batch inside the one-example function), so every example after the first returns the running sum instead of its own δˡ.",
           h4sub(oneExample: H4One.biasSummedInGlobal)),
        h4("h4-one-layers-reversed", "one example",
           "The per-layer gradients are appended in the backward loop (layer L first) and returned in that order, so layers[0] holds ∂Wᴸ, ∂bᴸ instead of layer 1's.",
           h4sub(oneExample: H4One.layersReversed)),
        h4("h4-one-bias-after-propagation", "one example",
           "For every layer l ≥ 2 the bias gradient is stored after delta has been propagated to the layer below, so ∂bˡ is set to δˡ⁻¹ instead of δˡ (layer 1's ∂b is right).",
           h4sub(oneExample: H4One.biasAfterPropagation)),
        h4("h4-one-sigmoid-derivative-by-hand", "one example",
           "σ′ in the hidden error is written by hand as a(1 − a), the sigmoid's derivative, whatever the hidden activation is, so it is wrong for tanh and ReLU networks.",
           h4sub(oneExample: H4One.sigmoidDerivativeByHand)),
        h4("h4-one-exit-on-large-loss", "one example",
           "A debugging check prints and calls exit(1) when an example's loss is above 50, which stops the program on valid inputs with large (saturated) logits.",
           h4sub(oneExample: H4One.exitOnLargeLoss)),

        h4("h4-one-squared-error-loss", "one example",
           "The loss is written by hand as ½ Σⱼ (aᴸⱼ − yⱼ)², the squared error, instead of network.output.loss (cross-entropy for every output used); the gradients are right.",
           h4sub(oneExample: H4One.squaredErrorLoss)),

        // MARK: forward (exercise 4)
        h4("h4-fwd-weight-stride-rows", "forward",
           "W[k, j] is read from the flat storage as weights.elements[k * weights.rows + j], a stride of h_{l−1} (rows) where the row-major stride is h_l (columns), right only when Wˡ is square.",
           h4sub(forward: H4Forward.weightStrideRows)),
        h4("h4-fwd-sum-from-one", "forward",
           "The sum over k starts at k = 1 (for k in 1..<input.columns), so the term A[i, 0] W[0, j] is always missing.",
           h4sub(forward: H4Forward.sumFromOne)),
        h4("h4-fwd-result-shaped-like-input", "forward",
           "Zˡ is allocated as [m, h_{l−1}] (input.columns) instead of [m, h_l] and the j loop runs over its columns, so on non-square Wˡ the result has the wrong width and j runs past Wˡ and bˡ or stops short.",
           h4sub(forward: H4Forward.resultShapedLikeInput)),
        h4("h4-fwd-float-sum", "forward",
           "The sum b[j] + Σₖ A[i, k] W[k, j] is accumulated in a Float, so Zˡ is right only to about 7 digits.",
           h4sub(forward: H4Forward.floatSum)),
        h4("h4-fwd-reuses-input-when-square", "forward",
           "When Wˡ is square the student fills a copy of Aˡ⁻¹ with Zˡ and reads the sum's A[i, k] from that same copy while overwriting it, so every unit j after the first uses row i's already-written Z values where Aˡ⁻¹[i, k] belongs (right on non-square layers).",
           h4sub(forward: H4Forward.reusesInputWhenSquare)),
        h4("h4-fwd-bias-example-modulo", "forward",
           "The bias is indexed by the example, b[i % b.count], instead of by the unit, b[j] (the modulo was added to silence an index-out-of-range).",
           h4sub(forward: H4Forward.biasExampleModulo)),
        h4("h4-fwd-rows-bounded-by-weight-rows", "forward",
           "The loop over the examples i runs over 0..<weights.rows (h_{l−1}) instead of 0..<input.rows (m), so rows are left at zero when m > h_{l−1} and it reads past Aˡ⁻¹ when m < h_{l−1}.",
           h4sub(forward: H4Forward.rowsBoundedByWeightRows)),
        h4("h4-fwd-precondition-batch", "forward",
           "A precondition(input.rows > 1) stops the program on a valid batch of a single example (m = 1).",
           h4sub(forward: H4Forward.preconditionBatch)),
        h4("h4-fwd-extra-transpose", "forward",
           "The student takes weights.transposed (as in zˡ = (Wˡ)ᵀ aˡ⁻¹) and then reads it as Wt[k, j], which is W[j, k]: wrong values on square Wˡ, out of range on non-square.",
           h4sub(forward: H4Forward.extraTranspose)),

        // MARK: output error (exercise 4)
        h4("h4-out-targets-minus-outputs", "output error",
           "Δᴸ is computed as Y − Aᴸ instead of Aᴸ − Y: every element has the wrong sign.",
           h4sub(outputError: H4Output.targetsMinusOutputs)),
        h4("h4-out-loops-rows-for-columns", "output error",
           "The outer loop index i (used as the row) runs over 0..<output.columns and the inner j (the column) over 0..<output.rows, right only when m = c and out of range or incomplete otherwise.",
           h4sub(outputError: H4Output.loopsRowsForColumns)),
        h4("h4-out-last-class-skipped", "output error",
           "The loop over the outputs j stops at output.columns − 1, so the last column of Δᴸ stays 0.",
           h4sub(outputError: H4Output.lastClassSkipped)),
        h4("h4-out-divided-by-classes", "output error",
           "Every element of Δᴸ = Aᴸ − Y is divided by the number of outputs c (a mean over the classes) where no division belongs.",
           h4sub(outputError: H4Output.dividedByClasses)),
        h4("h4-out-clipped-activations", "output error",
           "Aᴸ is clipped to [1e-7, 1 − 1e-7] before subtracting Y (a log-loss habit), so Δᴸ is wrong wherever the outputs are saturated at 0 or 1.",
           h4sub(outputError: H4Output.clippedActivations)),
        h4("h4-out-writes-into-activations", "output error",
           "To save memory Δᴸ is written through a pointer into the storage of the caller's Aᴸ (output), so the values are right but the input matrix is changed.",
           h4sub(outputError: H4Output.writesIntoActivations)),
        h4("h4-out-cache-by-shape", "output error",
           "Results are cached in a global dictionary keyed only by the shape [m, c], so a later call with the same shape and different Aᴸ or Y returns the earlier answer.",
           h4sub(outputError: H4Output.cacheByShape)),
        h4("h4-out-float-difference", "output error",
           "Each difference is computed as Float(A[i, j]) − Float(Y[i, j]), so Δᴸ is right only to single precision.",
           h4sub(outputError: H4Output.floatDifference)),
        h4("h4-out-precondition-rows-sum-to-one", "output error",
           "A precondition that every row of Aᴸ sums to 1 (true only for softmax) stops the program on valid sigmoid outputs.",
           h4sub(outputError: H4Output.preconditionRowsSumToOne)),

        // MARK: hidden error (exercise 5)
        h4("h4-hid-extra-transpose", "hidden error",
           "The student builds Wt = weightsAbove.transposed and then reads Wt[j, k] (which is W[k, j]) in Σₖ Δˡ⁺¹[i, k] W[j, k], so the weights are transposed twice: wrong on square Wˡ⁺¹, out of range on non-square.",
           h4sub(hiddenError: H4Hidden.extraTranspose)),
        h4("h4-hid-sum-bounded-by-m", "hidden error",
           "The sum over k runs over 0..<deltaAbove.rows (m) instead of 0..<deltaAbove.columns (h_{l+1}), and the step also prints debugging lines; wrong whenever m ≠ h_{l+1}.",
           h4sub(hiddenError: H4Hidden.sumBoundedByM)),
        h4("h4-hid-sigma-prime-twice", "hidden error",
           "σ′(Aˡ[i, j]) is multiplied into every term inside the sum over k and then once more after the sum, so Δˡ carries σ′ squared.",
           h4sub(hiddenError: H4Hidden.sigmaPrimeTwice)),
        h4("h4-hid-sum-not-reset-per-unit", "hidden error",
           "The running sum is set to 0 once per example i, outside the loop over units j, so each Δˡ[i, j] includes the sums of the units before it in the row.",
           h4sub(hiddenError: H4Hidden.sumNotResetPerUnit)),
        h4("h4-hid-cache-by-shape", "hidden error",
           "Δˡ is cached in a global dictionary keyed by the shapes of Δˡ⁺¹ and Wˡ⁺¹ only, so a later call with the same shapes but other numbers returns the earlier result.",
           h4sub(hiddenError: H4Hidden.cacheByShape)),
        h4("h4-hid-tanh-derivative-of-tanh", "hidden error",
           "σ′ is written by hand per activation and the tanh case computes 1 − tanh(a)² from the activation a instead of 1 − a², so it is wrong only for tanh networks.",
           h4sub(hiddenError: H4Hidden.tanhDerivativeOfTanh)),
        h4("h4-hid-column-convention", "hidden error",
           "Δˡ is written in the column convention, a [h_l, m] matrix with delta[j, i], instead of [m, h_l] with delta[i, j], so the result is transposed (wrong shape unless m = h_l).",
           h4sub(hiddenError: H4Hidden.columnConvention)),
        h4("h4-hid-while-skips-zeros", "hidden error",
           "A while loop over k skips zero entries of Δˡ⁺¹ with `continue` before advancing k, so it never ends when Δˡ⁺¹ has an exact zero (ReLU units that are off, outputs equal to their targets).",
           h4sub(hiddenError: H4Hidden.whileSkipsZeros)),
        h4("h4-hid-divided-by-m", "hidden error",
           "Δˡ is divided by m (the 1/m of the mean put into the error), where 1/m belongs only in the gradients.",
           h4sub(hiddenError: H4Hidden.dividedByM)),

        // MARK: weight gradient (exercise 6)
        h4("h4-wg-running-mean", "weight gradient",
           "The mean is taken at every step, sum = (sum + A[i, k] Δ[i, j]) / m, instead of dividing the whole sum by m once, so earlier examples are divided by m repeatedly (right only for m = 1).",
           h4sub(weightGradient: H4WeightGradient.runningMean)),
        h4("h4-wg-divided-by-input-width", "weight gradient",
           "The sum over the examples is divided by input.columns (h_{l−1}) instead of input.rows (m), right only when m = h_{l−1}.",
           h4sub(weightGradient: H4WeightGradient.dividedByInputWidth)),
        h4("h4-wg-negated", "weight gradient",
           "The result is −(1/m) (Aˡ⁻¹)ᵀ Δˡ, the descent step's direction, instead of the gradient itself: every element has the wrong sign.",
           h4sub(weightGradient: H4WeightGradient.negated)),
        h4("h4-wg-pairwise-recursion-never-ends", "weight gradient",
           "The sum over the examples is a recursive pairwise sum whose split point is (hi − lo) / 2 instead of lo + (hi − lo) / 2, so for m ≥ 3 it recurses on empty and reversed ranges forever (stack overflow).",
           h4sub(weightGradient: H4WeightGradient.pairwiseRecursionNeverEnds)),
        h4("h4-wg-delta-stride-input-columns", "weight gradient",
           "Δ[i, j] is read from the flat storage as delta.elements[i * input.columns + j], with the stride h_{l−1} of Aˡ⁻¹ instead of delta.columns (h_l), right only when h_{l−1} = h_l.",
           h4sub(weightGradient: H4WeightGradient.deltaStrideInputColumns)),
        h4("h4-wg-skips-first-example", "weight gradient",
           "The sum over the examples runs over 1..<m, skipping example 0, and is still divided by m.",
           h4sub(weightGradient: H4WeightGradient.skipsFirstExample)),
        h4("h4-wg-delta-transposed-times-input", "weight gradient",
           "The student computes (Δˡ)ᵀ Aˡ⁻¹ as a [h_l, h_{l−1}] matrix instead of (Aˡ⁻¹)ᵀ Δˡ [h_{l−1}, h_l]: the transpose of ∂Wˡ (wrong shape unless the layer is square).",
           h4sub(weightGradient: H4WeightGradient.deltaTransposedTimesInput)),
        h4("h4-wg-scales-input-in-place", "weight gradient",
           "To save the final multiplication the student scales the caller's Aˡ⁻¹ by 1/m in place through a pointer, so ∂Wˡ is right but the input matrix is changed.",
           h4sub(weightGradient: H4WeightGradient.scalesInputInPlace)),
        h4("h4-wg-global-buffer-not-reset", "weight gradient",
           "The result is accumulated with += into a global matrix that is reused, without zeroing, whenever the shape matches, so every call after the first adds to the previous answer.",
           h4sub(weightGradient: H4WeightGradient.globalBufferNotReset)),

        // MARK: bias gradient (exercise 6)
        h4("h4-bg-divided-by-element-count", "bias gradient",
           "The column sums are divided by m·h_l (delta.elements.count, like np.mean(Δ) over everything) instead of by m.",
           h4sub(biasGradient: H4BiasGradient.dividedByElementCount)),
        h4("h4-bg-float-sum", "bias gradient",
           "The column sums of Δˡ are accumulated in Float, so ∂bˡ is right only to about 7 digits.",
           h4sub(biasGradient: H4BiasGradient.floatSum)),
        h4("h4-bg-column-major-index", "bias gradient",
           "Δ[i, j] is read as delta.elements[j * delta.rows + i], a column-major index into row-major storage, so it sums the wrong elements (each example's row when Δˡ is square, a mixture of rows and columns otherwise).",
           h4sub(biasGradient: H4BiasGradient.columnMajorIndex)),
        h4("h4-bg-last-example-skipped", "bias gradient",
           "The sum down each column runs over 0..<m − 1, leaving out the last example, and is then divided by m.",
           h4sub(biasGradient: H4BiasGradient.lastExampleSkipped)),
        h4("h4-bg-first-row-counted-twice", "bias gradient",
           "The sums start from row 0 of Δˡ (delta.row(0)) and then the loop adds every row from i = 0, so the first example is counted twice.",
           h4sub(biasGradient: H4BiasGradient.firstRowCountedTwice)),
        h4("h4-bg-sized-by-rows", "bias gradient",
           "The result array and the loop over units are bounded by delta.rows (m) instead of delta.columns (h_l), so ∂bˡ has m entries, right only when m = h_l.",
           h4sub(biasGradient: H4BiasGradient.sizedByRows)),
        h4("h4-bg-global-sums-not-reset", "bias gradient",
           "The column sums are kept in a global array that is only reallocated when its length changes, never zeroed, so each call adds onto the previous call's sums.",
           h4sub(biasGradient: H4BiasGradient.globalSumsNotReset)),
        h4("h4-bg-precondition-small-delta", "bias gradient",
           "A precondition that every |Δ[i, j]| < 1 stops the program on valid errors of magnitude 1 or more (saturated outputs or large hidden errors).",
           h4sub(biasGradient: H4BiasGradient.preconditionSmallDelta)),
        h4("h4-bg-exit-on-single-example", "bias gradient",
           "A debugging branch prints the row and calls exit(0) when m = 1, stopping the program on a valid one-example batch.",
           h4sub(biasGradient: H4BiasGradient.exitOnSingleExample)),

        // MARK: batch engine (exercise 7)
        h4("h4-eng-hidden-error-weights-of-own-layer", "batch engine",
           "The engine computes Δˡ for l = L−1…1 with network.layers[l − 1].weights (Wˡ) where network.layers[l].weights (Wˡ⁺¹, the layer above) belongs.",
           h4sub(engine: { AnyBackpropEngine(H4EngineOwnLayerWeights(steps: $0)) })),
        h4("h4-eng-weight-gradient-from-z", "batch engine",
           "The engine passes the stored pre-activations Zˡ⁻¹ (with Z⁰ = X) to weightGradient instead of the activations Aˡ⁻¹, so ∂Wˡ is wrong for every l ≥ 2.",
           h4sub(engine: { AnyBackpropEngine(H4EngineWeightGradientFromZ(steps: $0)) })),
        h4("h4-eng-hidden-error-before-gradients", "batch engine",
           "In the backward loop the engine first turns Δˡ into Δˡ⁻¹ and only then computes layer l's ∂Wˡ and ∂bˡ, with Δˡ⁻¹ (the steps called in the wrong order); only layer 1 gets the right Δ.",
           h4sub(engine: { AnyBackpropEngine(H4EngineWrongOrder(steps: $0)) })),
        h4("h4-eng-loss-first-target", "batch engine",
           "The loss of every example i is computed with Y.row(0), the first example's target, instead of Y.row(i); the gradients are right.",
           h4sub(engine: { AnyBackpropEngine(H4EngineLossFirstTarget(steps: $0)) })),
        h4("h4-eng-softmax-by-hand", "batch engine",
           "For a softmax output the engine computes Aᴸ by hand as exp(z) / Σ exp(z) per row without subtracting the row's maximum, which gives NaN when the logits are in the hundreds.",
           h4sub(engine: { AnyBackpropEngine(H4EngineSoftmaxByHand(steps: $0)) })),
        h4("h4-eng-new-delta-never-assigned", "batch engine",
           "The hidden error Δˡ⁻¹ is computed into a new local (and printed) but never assigned to delta, so every layer below L uses Δᴸ.",
           h4sub(engine: { AnyBackpropEngine(H4EngineDeltaNeverAssigned(steps: $0)) })),
        h4("h4-eng-forward-cached-by-shape", "batch engine",
           "The forward pass (every Zˡ and Aˡ) is cached in a global dictionary keyed by the network's sizes and m, so a later call with the same shapes but other weights or inputs reuses the old activations.",
           h4sub(engine: { AnyBackpropEngine(H4EngineForwardCachedByShape(steps: $0)) })),
        h4("h4-eng-float-loss", "batch engine",
           "The examples' losses are added up in a Float, so the mean loss is right only to about 7 digits.",
           h4sub(engine: { AnyBackpropEngine(H4EngineFloatLoss(steps: $0)) })),
        h4("h4-eng-mean-applied-again", "batch engine",
           "The engine multiplies every ∂Wˡ and ∂bˡ by 1/m again after the steps, which already return the mean, so the gradients are 1/m of the right ones.",
           h4sub(engine: { AnyBackpropEngine(H4EngineMeanAppliedAgain(steps: $0)) })),
        h4("h4-eng-fatal-on-saturated-output", "batch engine",
           "A fatalError fires when any element of Aᴸ is exactly 0 or 1, stopping the program on valid batches whose logits are large enough to saturate the output.",
           h4sub(engine: { AnyBackpropEngine(H4EngineFatalOnSaturation(steps: $0)) })),
        h4("h4-eng-backward-stops-at-two", "batch engine",
           "The backward loop is stride(from: L, to: 1, by: -1), which stops at l = 2, so layer 1's gradients are never computed and stay the 1 × 1 placeholder.",
           h4sub(engine: { AnyBackpropEngine(H4EngineStopsAtTwo(steps: $0)) })),

        h4("h4-eng-output-activation-on-hidden", "batch engine",
           "The engine applies the output activation row by row (Zl.mapRows { network.output.activation($0) }) to every layer, so the hidden layers get softmax or the output's sigmoid instead of network.hidden.",
           h4sub(engine: { AnyBackpropEngine(H4EngineOutputActivationOnHidden(steps: $0)) })),

        // MARK: correct, written unusually
        h4("h4-pass-forward-ikj-loop", "pass",
           "Correct: the forward step initialises each row with the bias and accumulates in i, k, j loop order (each A[i, k] times a row of W).",
           h4sub(forward: H4Pass.forwardIKJ)),
        h4("h4-pass-forward-rows-then-matrix", "pass",
           "Correct: the forward step builds each row of Zˡ as an array with reduce, starting from b[j], and then makes Matrix(rows).",
           h4sub(forward: H4Pass.forwardRowsThenMatrix)),
        h4("h4-pass-output-zip-with-print", "pass",
           "Correct: the output error prints the shapes as a debugging line and subtracts with zip over the flat elements.",
           h4sub(outputError: H4Pass.outputZipWithPrint)),
        h4("h4-pass-hidden-sigma-inside-sum", "pass",
           "Correct: σ′(Aˡ[i, j]) is multiplied into each term inside the sum over k instead of once after it (the same number up to rounding).",
           h4sub(hiddenError: H4Pass.hiddenSigmaInsideSum)),
        h4("h4-pass-hidden-through-transpose", "pass",
           "Correct: the hidden error builds (Wˡ⁺¹)ᵀ with .transposed and reads it as Wt[k, j], which is W[j, k].",
           h4sub(hiddenError: H4Pass.hiddenThroughTranspose)),
        h4("h4-pass-wg-pairwise-recursion", "pass",
           "Correct: the sum over the examples is a recursive pairwise sum with split point lo + (hi − lo) / 2, then divided by m.",
           h4sub(weightGradient: H4Pass.weightGradientPairwise)),
        h4("h4-pass-wg-scaled-terms", "pass",
           "Correct: each term A[i, k] Δ[i, j] is divided by m before it is added, instead of dividing the sum once.",
           h4sub(weightGradient: H4Pass.weightGradientScaledTerms)),
        h4("h4-pass-wg-keyed-cache", "pass",
           "Correct: the weight gradient is memoised in a lock-protected global dictionary keyed by both shapes and every element of Aˡ⁻¹ and Δˡ.",
           h4sub(weightGradient: H4Pass.weightGradientKeyedCache)),
        h4("h4-pass-bias-transposed-rows", "pass",
           "Correct: the bias gradient sums each row of delta.transposed (each column of Δˡ) with reduce and divides by m.",
           h4sub(biasGradient: H4Pass.biasTransposedRows)),
        h4("h4-pass-one-defensive-while", "pass",
           "Correct: the one-example function checks the sizes with guards that never fail on valid input and walks the layers back with a while loop.",
           h4sub(oneExample: H4Pass.oneExampleDefensive)),
        h4("h4-pass-engine-prepare-while", "pass",
           "Correct: the engine calls gradients.prepare(for:), assigns every layer and the loss into it, and walks the layers back with a while loop.",
           h4sub(engine: { AnyBackpropEngine(H4PassEnginePrepare(steps: $0)) })),
        h4("h4-pass-engine-recursive-backward", "pass",
           "Correct: the engine's backward pass is a recursive function of l that stores layer l's gradients and recurses with Δˡ⁻¹ until l = 1.",
           h4sub(engine: { AnyBackpropEngine(H4PassEngineRecursive(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? {
        all.first { $0.name == name }?.submission
    }
}

// MARK: - One example (exercise 3)

nonisolated(unsafe) var h4OneBiasSums: [[Double]] = []

enum H4One {
    static func forwardSumBoundedByOutputs(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = b
            for j in 0..<zl.count {
                for k in 0..<zl.count { zl[j] += W[k, j] * a[l - 1][k] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                for k in 0..<h[l] { below[j] += W[j, k] * delta[k] }
                below[j] *= network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func sigmaPrimeOfZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [x]
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
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                // δˡ = (Wˡ⁺¹ δˡ⁺¹) ∘ σ′(zˡ)
                return sum * network.hidden.derivative(fromActivation: z[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func backwardWeightsNotTransposed(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[k, j] * delta[k] }   // same indexing as the forward pass
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func softmaxByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            if l < L {
                a.append(zl.map { network.hidden.value($0) })
            } else if network.output.activation == .softmax {
                let e = zl.map { exp($0) }
                let total = e.reduce(0, +)
                a.append(e.map { $0 / total })
            } else {
                a.append(network.output.activation(zl))
            }
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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

    static func lossAveragedOverOutputs(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        // the mean loss over the outputs
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y) / Double(h[L])
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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

    static func biasSummedInGlobal(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        // ∂b is the sum of the δ's over the batch: keep the running sums
        if h4OneBiasSums.map(\.count) != Array(h.dropFirst()) {
            h4OneBiasSums = (1...L).map { [Double](repeating: 0, count: h[$0]) }
        }
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            for j in 0..<h[l] { h4OneBiasSums[l - 1][j] += delta[j] }
            layers[l - 1] = LayerParameters(weights: gw, biases: h4OneBiasSums[l - 1])
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

    static func layersReversed(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers.append(LayerParameters(weights: gw, biases: delta))
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

    static func biasAfterPropagation(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<h[l - 1]).map { j in
                    var sum = 0.0
                    for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                    return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func sigmoidDerivativeByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                let aj = a[l - 1][j]
                return sum * aj * (1 - aj)   // σ′ = a(1 − a)
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func exitOnLargeLoss(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        if loss > 50 {
            print("loss blew up:", loss, "logits", z[L])
            exit(1)
        }
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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

    static func squaredErrorLoss(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] }
            }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        var loss = 0.0
        for j in 0..<h[L] { loss += 0.5 * (a[L][j] - y[j]) * (a[L][j] - y[j]) }
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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

// MARK: - Forward (exercise 4)

enum H4Forward {
    static func weightStrideRows(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns {
                    sum += A.elements[i * A.columns + k] * W.elements[k * W.rows + j]
                }
                Z.elements[i * Z.columns + j] = sum
            }
        }
        return Z
    }

    static func sumFromOne(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func resultShapedLikeInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func floatSum(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = Float(b[j])
                for k in 0..<A.columns { sum += Float(A[i, k] * W[k, j]) }
                Z[i, j] = Double(sum)
            }
        }
        return Z
    }

    static func reusesInputWhenSquare(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        if W.rows == W.columns {
            // a square layer: Zˡ has the shape of Aˡ⁻¹, so fill a copy of it instead of a new matrix
            var Z = A
            for i in 0..<A.rows {
                for j in 0..<W.columns {
                    var sum = b[j]
                    for k in 0..<A.columns { sum += Z[i, k] * W[k, j] }
                    Z[i, j] = sum
                }
            }
            return Z
        }
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

    static func biasExampleModulo(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[i % b.count]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func rowsBoundedByWeightRows(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<W.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func preconditionBatch(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        precondition(A.rows > 1, "forward: expected a batch of examples, got \(A.rows) row")
        precondition(A.columns == W.rows, "forward: A and W do not fit")
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

    static func extraTranspose(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let Wt = W.transposed   // zˡ = (Wˡ)ᵀ aˡ⁻¹
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * Wt[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }
}

// MARK: - Output error (exercise 4)

nonisolated(unsafe) var h4OutputCache: [String: Matrix<Double>] = [:]

enum H4Output {
    static func targetsMinusOutputs(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = Y[i, j] - A[i, j] } }
        return delta
    }

    static func loopsRowsForColumns(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.columns {
            for j in 0..<A.rows { delta[i, j] = A[i, j] - Y[i, j] }
        }
        return delta
    }

    static func lastClassSkipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns - 1 { delta[i, j] = A[i, j] - Y[i, j] }
        }
        return delta
    }

    static func dividedByClasses(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let c = Double(A.columns)
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / c } }
        return delta
    }

    static func clippedActivations(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = min(max(A[i, j], eps), 1 - eps)   // keep away from 0 and 1
                delta[i, j] = a - Y[i, j]
            }
        }
        return delta
    }

    static func writesIntoActivations(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        // Aᴸ is not needed after this: write Δᴸ over it instead of allocating.
        A.elements.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let p = UnsafeMutablePointer(mutating: base)
            for e in 0..<buffer.count { p[e] = p[e] - Y.elements[e] }
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: Array(A.elements))
    }

    static func cacheByShape(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let key = "\(A.rows)x\(A.columns)"
        if let cached = h4OutputCache[key] { return cached }
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        h4OutputCache[key] = delta
        return delta
    }

    static func floatDifference(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = Double(Float(A[i, j]) - Float(Y[i, j])) }
        }
        return delta
    }

    static func preconditionRowsSumToOne(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let total = A.row(i).reduce(0, +)
            precondition(abs(total - 1) < 1e-6, "row \(i) of Aᴸ sums to \(total), not 1")
            for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] }
        }
        return delta
    }
}

// MARK: - Hidden error (exercise 5)

nonisolated(unsafe) var h4HiddenCache: [String: Matrix<Double>] = [:]

enum H4Hidden {
    static func extraTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = W.transposed   // Δˡ⁺¹ (Wˡ⁺¹)ᵀ
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * Wt[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func sumBoundedByM(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                              _ hidden: Activation) throws -> Matrix<Double> {
        print("hidden error: D", D.shapeDescription, "W", W.shapeDescription, "A", A.shapeDescription)
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<D.rows { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
            print("row", i, delta.row(i))
        }
        return delta
    }

    static func sigmaPrimeTwice(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                let s = hidden.derivative(fromActivation: A[i, j])
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] * s }
                delta[i, j] = sum * s
            }
        }
        return delta
    }

    static func sumNotResetPerUnit(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            var sum = 0.0
            for j in 0..<W.rows {
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func cacheByShape(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
        let key = "\(D.shapeDescription) \(W.shapeDescription)"
        if let cached = h4HiddenCache[key] { return cached }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        h4HiddenCache[key] = delta
        return delta
    }

    static func tanhDerivativeOfTanh(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                     _ hidden: Activation) throws -> Matrix<Double> {
        func sigmaPrime(_ a: Double) -> Double {
            switch hidden {
            case .sigmoid: return a * (1 - a)
            case .tanh:
                let t = tanh(a)
                return 1 - t * t
            case .relu: return a > 0 ? 1 : 0
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

    static func columnConvention(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                 _ hidden: Activation) throws -> Matrix<Double> {
        // δˡ is a column: one column per example
        var delta = Matrix<Double>(rows: W.rows, columns: D.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += W[j, k] * D[i, k] }
                delta[j, i] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func whileSkipsZeros(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                var k = 0
                while k < W.columns {
                    if D[i, k] == 0 { continue }   // nothing to add
                    sum += D[i, k] * W[j, k]
                    k += 1
                }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func dividedByM(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                           _ hidden: Activation) throws -> Matrix<Double> {
        let m = Double(D.rows)
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j]) / m
            }
        }
        return delta
    }
}

// MARK: - Weight gradient (exercise 6)

nonisolated(unsafe) var h4WeightGradientBuffer = Matrix<Double>(rows: 0, columns: 0)

enum H4WeightGradient {
    static func runningMean(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var mean = 0.0
                for i in 0..<A.rows { mean = (mean + A[i, k] * D[i, j]) / m }
                G[k, j] = mean
            }
        }
        return G
    }

    static func dividedByInputWidth(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.columns
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
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
                G[k, j] = -sum / Double(m)   // downhill
            }
        }
        return G
    }

    static func pairwiseRecursionNeverEnds(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                // pairwise summation over the examples, for accuracy
                func total(_ lo: Int, _ hi: Int) -> Double {
                    if hi - lo == 1 { return A[lo, k] * D[lo, j] }
                    let mid = (hi - lo) / 2
                    return total(lo, mid) + total(mid, hi)
                }
                G[k, j] = total(0, m) / Double(m)
            }
        }
        return G
    }

    static func deltaStrideInputColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<n {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A.elements[i * n + k] * D.elements[i * n + j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func skipsFirstExample(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 1..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func deltaTransposedTimesInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: D.columns, columns: A.columns)
        for j in 0..<D.columns {
            for k in 0..<A.columns {
                var sum = 0.0
                for i in 0..<m { sum += D[i, j] * A[i, k] }
                G[j, k] = sum / Double(m)
            }
        }
        return G
    }

    static func scalesInputInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let scale = 1 / Double(A.rows)
        // fold the 1/m into Aˡ⁻¹ once, instead of h_{l−1}·h_l divisions
        A.elements.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let p = UnsafeMutablePointer(mutating: base)
            for e in 0..<buffer.count { p[e] *= scale }
        }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] }
                G[k, j] = sum
            }
        }
        return G
    }

    static func globalBufferNotReset(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        if h4WeightGradientBuffer.rows != A.columns || h4WeightGradientBuffer.columns != D.columns {
            h4WeightGradientBuffer = Matrix<Double>(rows: A.columns, columns: D.columns)
        }
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                for i in 0..<m { h4WeightGradientBuffer[k, j] += A[i, k] * D[i, j] / Double(m) }
            }
        }
        return h4WeightGradientBuffer
    }
}

// MARK: - Bias gradient (exercise 6)

nonisolated(unsafe) var h4BiasSums: [Double] = []

enum H4BiasGradient {
    static func dividedByElementCount(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.elements.count) }
    }

    static func floatSum(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    static func columnMajorIndex(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            for i in 0..<D.rows { sums[j] += D.elements[j * D.rows + i] }
        }
        return sums.map { $0 / Double(D.rows) }
    }

    static func lastExampleSkipped(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<(D.rows - 1) { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func firstRowCountedTwice(_ D: Matrix<Double>) throws -> [Double] {
        var sums = D.row(0)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func sizedByRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.rows)
        for j in 0..<D.rows {
            for i in 0..<D.rows { sums[j] += D[i, j] }
        }
        return sums.map { $0 / Double(D.rows) }
    }

    static func globalSumsNotReset(_ D: Matrix<Double>) throws -> [Double] {
        if h4BiasSums.count != D.columns { h4BiasSums = [Double](repeating: 0, count: D.columns) }
        for i in 0..<D.rows { for j in 0..<D.columns { h4BiasSums[j] += D[i, j] } }
        return h4BiasSums.map { $0 / Double(D.rows) }
    }

    static func preconditionSmallDelta(_ D: Matrix<Double>) throws -> [Double] {
        // Δ = A − Y with A, Y in [0, 1]: every error is below 1 in size
        precondition(D.elements.allSatisfy { abs($0) < 1 }, "Δ out of range: \(D)")
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func exitOnSingleExample(_ D: Matrix<Double>) throws -> [Double] {
        if D.rows == 1 {
            print("only one example, ∂b = δ =", D.row(0))
            exit(0)
        }
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }
}

// MARK: - Batch engine (exercise 7)

struct H4EngineOwnLayerWeights: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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
        // all the Δ's first, from the top down
        var deltas = [Matrix<Double>](repeating: Matrix(rows: 0, columns: 0), count: L + 1)
        deltas[L] = try steps.outputError(A[L], Y)
        for l in stride(from: L - 1, through: 1, by: -1) {
            deltas[l] = try steps.hiddenError(deltas[l + 1], network.layers[l - 1].weights, A[l], network.hidden)
        }
        var layers = [LayerParameters<Double>]()
        for l in 1...L {
            layers.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], deltas[l]),
                                          biases: try steps.biasGradient(deltas[l])))
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H4EngineWeightGradientFromZ: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
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
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(Z[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H4EngineWrongOrder: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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

struct H4EngineLossFirstTarget: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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
        let y = Y.row(0)
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: y) }
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

struct H4EngineSoftmaxByHand: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            if l < L {
                A.append(Zl.map { network.hidden.value($0) })
            } else if network.output.activation == .softmax {
                A.append(Zl.mapRows { row in
                    let e = row.map { exp($0) }
                    let total = e.reduce(0, +)
                    return e.map { $0 / total }
                })
            } else {
                A.append(Zl.mapRows { network.output.activation($0) })
            }
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

struct H4EngineDeltaNeverAssigned: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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
        let delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 {
                let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
                print("l =", l, "Δ below", below.shapeDescription)
            }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

nonisolated(unsafe) var h4EngineForwardCache: [String: (z: [Matrix<Double>], a: [Matrix<Double>])] = [:]

struct H4EngineForwardCachedByShape: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let key = "\(network.sizeDescription) m=\(m)"
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        if let cached = h4EngineForwardCache[key] {
            Z = cached.z
            A = cached.a
        } else {
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            h4EngineForwardCache[key] = (Z, A)
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

struct H4EngineFloatLoss: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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
        var loss: Float = 0
        for i in 0..<m {
            loss += Float(network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)))
        }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: Double(loss) / Double(m), layers: layers)
    }
}

struct H4EngineMeanAppliedAgain: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        // the gradients of the MEAN loss
        let scale = 1 / Double(m)
        for l in layers.indices {
            layers[l].weights = layers[l].weights.map { $0 * scale }
            layers[l].biases = layers[l].biases.map { $0 * scale }
        }
        gradients = Gradients(loss: loss * scale, layers: layers)
    }
}

struct H4EngineFatalOnSaturation: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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
        if A[L].elements.contains(where: { $0 == 0 || $0 == 1 }) {
            fatalError("output saturated: check the initialisation")
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

struct H4EngineStopsAtTwo: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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
        for l in stride(from: L, to: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H4EngineOutputActivationOnHidden: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            A.append(Zl.mapRows { network.output.activation($0) })
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

// MARK: - Correct, written unusually

struct H4CacheKey: Hashable {
    let inputRows: Int, inputColumns: Int, deltaRows: Int, deltaColumns: Int
    let input: [Double], delta: [Double]
}

nonisolated(unsafe) var h4PassCache: [H4CacheKey: Matrix<Double>] = [:]
let h4PassCacheLock = NSLock()

enum H4Pass {
    static func forwardIKJ(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns { Z[i, j] = b[j] }
            for k in 0..<A.columns {
                let a = A[i, k]
                for j in 0..<W.columns { Z[i, j] += a * W[k, j] }
            }
        }
        return Z
    }

    static func forwardRowsThenMatrix(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let rows: [[Double]] = (0..<A.rows).map { i in
            (0..<W.columns).map { j in
                (0..<A.columns).reduce(b[j]) { sum, k in sum + A[i, k] * W[k, j] }
            }
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows.flatMap { $0 })
    }

    static func outputZipWithPrint(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        print("output error: A", A.shapeDescription, "Y", Y.shapeDescription)
        return Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }

    static func hiddenSigmaInsideSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                     _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                let s = hidden.derivative(fromActivation: A[i, j])
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] * s }
                delta[i, j] = sum
            }
        }
        return delta
    }

    static func hiddenThroughTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                       _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = W.transposed   // [h_{l+1}, h_l]
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

    static func weightGradientPairwise(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                func total(_ lo: Int, _ hi: Int) -> Double {
                    if hi - lo == 1 { return A[lo, k] * D[lo, j] }
                    let mid = lo + (hi - lo) / 2
                    return total(lo, mid) + total(mid, hi)
                }
                G[k, j] = total(0, m) / Double(m)
            }
        }
        return G
    }

    static func weightGradientScaledTerms(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] / m }
                G[k, j] = sum
            }
        }
        return G
    }

    static func weightGradientKeyedCache(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let key = H4CacheKey(inputRows: A.rows, inputColumns: A.columns, deltaRows: D.rows, deltaColumns: D.columns,
                             input: A.elements, delta: D.elements)
        h4PassCacheLock.lock()
        let cached = h4PassCache[key]
        h4PassCacheLock.unlock()
        if let cached { return cached }
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        h4PassCacheLock.lock()
        h4PassCache[key] = G
        h4PassCacheLock.unlock()
        return G
    }

    static func biasTransposedRows(_ D: Matrix<Double>) throws -> [Double] {
        let Dt = D.transposed   // row j of Δᵀ is column j of Δ
        return (0..<Dt.rows).map { j in Dt.row(j).reduce(0, +) / Double(D.rows) }
    }

    static func oneExampleDefensive(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        guard x.count == h[0] else { throw BackpropError("x has \(x.count) numbers, the network takes \(h[0])") }
        guard y.count == h[L] else { throw BackpropError("y has \(y.count) numbers, the network has \(h[L]) outputs") }
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            precondition(W.rows == a[l - 1].count && W.columns == b.count, "layer \(l) does not fit")
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                zl[j] = s
            }
            if l == L {
                zL = zl
                a.append(network.output.activation(zl))
            } else {
                a.append(zl.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = zip(a[L], y).map { $0 - $1 }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var l = L
        while l >= 1 {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
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
            l -= 1
        }
        guard layers.count == L else { throw BackpropError("lost a layer") }
        return Gradients(loss: loss, layers: layers)
    }
}

struct H4PassEnginePrepare: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        gradients.prepare(for: network)
        var A: [Matrix<Double>] = [X]
        var ZL = Matrix<Double>(rows: 0, columns: 0)
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            if l == L {
                ZL = Zl
                A.append(Zl.mapRows { network.output.activation($0) })
            } else {
                A.append(Zl.map { network.hidden.value($0) })
            }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var delta = try steps.outputError(A[L], Y)
        var l = L
        while l >= 1 {
            gradients.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                      biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            l -= 1
        }
        gradients.loss = total * (1 / Double(m))
    }
}

struct H4PassEngineRecursive: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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
        func backward(_ l: Int, _ delta: Matrix<Double>) throws {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            guard l > 1 else { return }
            try backward(l - 1, steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden))
        }
        try backward(L, steps.outputError(A[L], Y))
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}
