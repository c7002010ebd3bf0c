import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 19: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut19Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h19(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut19Submission {
    HeldOut19Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h19sub(
    oneExample: @escaping @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double> = Solutions.oneExample,
    forward: @escaping @Sendable (Matrix<Double>, Matrix<Double>, [Double]) throws -> Matrix<Double> = Solutions.forward,
    outputError: @escaping @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double> = Solutions.outputError,
    hiddenError: @escaping @Sendable (Matrix<Double>, Matrix<Double>, Matrix<Double>, Activation) throws -> Matrix<Double> = Solutions.hiddenError,
    weightGradient: @escaping @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double> = Solutions.weightGradient,
    biasGradient: @escaping @Sendable (Matrix<Double>) throws -> [Double] = Solutions.biasGradient,
    engine: @escaping @Sendable (MatrixFormSteps) -> AnyBackpropEngine<Double> = { AnyBackpropEngine(Solutions.BatchEngine(steps: $0)) }
) -> StudentSubmission {
    StudentSubmission(oneExample: oneExample,
        steps: MatrixFormSteps(forward: forward, outputError: outputError, hiddenError: hiddenError,
                               weightGradient: weightGradient, biasGradient: biasGradient),
        batchEngine: engine)
}

public enum HeldOut19Catalogue {
    public static let all: [HeldOut19Submission] = [
        // MARK: exercise 3, one example
        h19("h19-oe-sigmoid-prime-by-hand", "one example", "σ′ in the hidden error is written by hand as a(1 − a), the sigmoid's derivative, whatever the network's hidden activation (wrong for tanh and ReLU hidden layers)", h19sub(oneExample: H19OneExample.sigmoidPrimeByHand)),
        h19("h19-oe-softmax-by-hand-no-max", "one example", "for a softmax output, aᴸ is computed by a hand-written softmax exp(zⱼ) / Σₖ exp(zₖ) that does not subtract the largest zₖ first, so it overflows to NaN at large logits", h19sub(oneExample: H19OneExample.softmaxByHandNoMax)),
        h19("h19-oe-loss-from-activations", "one example", "the cross-entropy loss is written by hand from the activations (−Σ y ln a, plus the (1 − y) ln(1 − a) terms for a sigmoid output) instead of network.output.loss from the logits, so it is not finite where aᴸ rounds to 0 or 1", h19sub(oneExample: H19OneExample.lossFromActivations)),
        h19("h19-oe-forward-bound-own-width", "one example", "the forward sum over k runs to h[l], the layer's own width, where h[l − 1] (the inputs of layer l) belongs", h19sub(oneExample: H19OneExample.forwardBoundOwnWidth)),
        h19("h19-oe-layers-top-first", "one example", "the gradients are appended to the layer list inside the backward loop, so they are returned top layer first instead of layer 1 first", h19sub(oneExample: H19OneExample.layersTopFirst)),
        h19("h19-oe-gradients-after-delta-moved", "one example", "δˡ⁻¹ is computed before layer l's gradients are stored, so every layer l > 1 gets its ∂Wˡ and ∂bˡ from δˡ⁻¹ instead of δˡ", h19sub(oneExample: H19OneExample.gradientsAfterDeltaMoved)),
        h19("h19-oe-cache-by-input", "one example", "the result is cached in a static dictionary keyed by the input x alone, so a call with the same x but another target or other weights returns the old gradients", h19sub(oneExample: H19OneExample.cacheByInput)),
        h19("h19-oe-float-forward", "one example", "the forward sum zⱼ = bⱼ + Σₖ W[k, j] aₖ is accumulated in a Float", h19sub(oneExample: H19OneExample.floatForward)),
        h19("h19-oe-exit-on-wide-input", "one example", "a debugging print followed by exit(0) is left in for inputs with more than 5 features, so the function ends the program instead of returning on those networks", h19sub(oneExample: H19OneExample.exitOnWideInput)),
        h19("h19-oe-argmax-target", "one example", "δᴸ is computed as aᴸ minus the one-hot vector of y's largest entry instead of aᴸ − y, right only for one-hot targets", h19sub(oneExample: H19OneExample.argmaxTarget)),
        h19("h19-oe-sigma-prime-from-layer-above", "one example", "σ′ in δˡ⁻¹ is computed from aˡ (the activations of the layer above) instead of aˡ⁻¹", h19sub(oneExample: H19OneExample.sigmaPrimeFromLayerAbove)),
        h19("h19-oe-bias-added-twice", "one example", "the forward sum starts from bⱼ and bⱼ is added again after the sum, so every zⱼ has its bias twice", h19sub(oneExample: H19OneExample.biasAddedTwice)),
        h19("h19-oe-recursive-hidden-sigma-at-output", "one example", "the recursive forward pass applies the hidden σ at every layer, the output layer included, instead of the output activation for aᴸ", h19sub(oneExample: H19OneExample.recursiveHiddenSigmaAtOutput)),
        h19("h19-oe-weight-gradient-indices-swapped", "one example", "∂Wˡ[k, j] is computed as aˡ⁻¹[j] δˡ[k] (the indices of the two factors swapped) instead of aˡ⁻¹[k] δˡ[j]", h19sub(oneExample: H19OneExample.weightGradientIndicesSwapped)),

        // MARK: exercise 4, forward
        h19("h19-fw-bias-row-zero-only", "forward", "the bias is added only to row 0 (the first example), so Zˡ is right only when m = 1", h19sub(forward: H19Forward.biasRowZeroOnly)),
        h19("h19-fw-columns-from-input", "forward", "Zˡ is allocated and filled with input.columns (h_{l−1}) columns where weights.columns (h_l) belongs, right only for square layers", h19sub(forward: H19Forward.columnsFromInput)),
        h19("h19-fw-cache-by-weights", "forward", "Zˡ is cached in a static dictionary keyed by the weights alone, so a new batch (or new biases) with the same Wˡ gets the old Zˡ", h19sub(forward: H19Forward.cacheByWeights)),
        h19("h19-fw-row-for-column", "forward", "the own dot-product helper is given W.row(j) where column j of Wˡ belongs, so Wˡ is read transposed (W[j, k] for W[k, j])", h19sub(forward: H19Forward.rowForColumn)),
        h19("h19-fw-zero-input-through-pointer", "forward", "after computing Zˡ the input Aˡ⁻¹ is zeroed through a mutable pointer to its storage, writing into the caller's matrix", h19sub(forward: H19Forward.zeroInputThroughPointer)),
        h19("h19-fw-float-accumulator", "forward", "the sum Z[i, j] = b[j] + Σₖ A[i, k] W[k, j] is accumulated in a Float", h19sub(forward: H19Forward.floatAccumulator)),
        h19("h19-fw-sigmoid-by-hand", "forward", "a sigmoid written by hand, 1 / (1 + e^(−z)), is applied to Zˡ in the forward step, which must return the pre-activation", h19sub(forward: H19Forward.sigmoidByHand)),
        h19("h19-fw-sum-reset-per-row", "forward", "the running sum is reset once per row i, not for each unit j, so Z[i, j] carries the sums of the row's earlier units", h19sub(forward: H19Forward.sumResetPerRow)),
        h19("h19-fw-skips-first-input", "forward", "the sum over k starts at 1 instead of 0, leaving out the first input's term A[i, 0] W[0, j]", h19sub(forward: H19Forward.skipsFirstInput)),
        h19("h19-fw-clamp-logits", "forward", "every Z[i, j] is clamped to [−500, 500] to avoid overflow, which changes the pre-activations wherever they are larger", h19sub(forward: H19Forward.clampLogits)),

        // MARK: exercise 4, output error
        h19("h19-oerr-zip-reversed", "output error", "the elements are zipped as zip(Y, A) and subtracted, which gives Y − Aᴸ instead of Aᴸ − Y", h19sub(outputError: H19OutputError.zipReversed)),
        h19("h19-oerr-argmax-target", "output error", "each target row is read as the class index of its largest entry and Δᴸ = Aᴸ − onehot(argmax Y), right only for one-hot targets", h19sub(outputError: H19OutputError.argmaxTarget)),
        h19("h19-oerr-clamped-activation", "output error", "Aᴸ is clamped to [1e−7, 1 − 1e−7] before subtracting Y, which changes Δᴸ where an output is within 1e−7 of 0 or 1", h19sub(outputError: H19OutputError.clampedActivation)),
        h19("h19-oerr-mean-over-units", "output error", "Δᴸ is divided by the number of outputs c (output.columns)", h19sub(outputError: H19OutputError.meanOverUnits)),
        h19("h19-oerr-last-row-skipped", "output error", "the loop over the rows runs to m − 1, so the last example's row of Δᴸ stays 0", h19sub(outputError: H19OutputError.lastRowSkipped)),
        h19("h19-oerr-cache-by-activations", "output error", "Δᴸ is cached in a static dictionary keyed by Aᴸ alone, so new targets with the same activations get the old Δᴸ", h19sub(outputError: H19OutputError.cacheByActivations)),
        h19("h19-oerr-transposed-result", "output error", "Δᴸ is returned transposed, [c, m] with delta[j, i] = A[i, j] − Y[i, j], instead of [m, c]", h19sub(outputError: H19OutputError.transposedResult)),
        h19("h19-oerr-rounded-targets", "output error", "the targets are rounded to 0 or 1 before subtracting (Aᴸ − round(Y)), right only for 0/1 targets", h19sub(outputError: H19OutputError.roundedTargets)),

        // MARK: exercise 5, hidden error
        h19("h19-he-transpose-helper-no-swap", "hidden error", "the own transpose helper copies M[i, j] into t[i, j] instead of t[j, i], so Wˡ⁺¹ is never transposed and the step computes Δˡ⁺¹ Wˡ⁺¹ (W[k, j] for W[j, k])", h19sub(hiddenError: H19HiddenError.transposeHelperNoSwap)),
        h19("h19-he-tanh-prime-by-hand", "hidden error", "σ′ is written by hand per activation and tanh′ is written 1 − a instead of 1 − a² (sigmoid and ReLU are right)", h19sub(hiddenError: H19HiddenError.tanhPrimeByHand)),
        h19("h19-he-sigma-prime-row-zero", "hidden error", "σ′ is read from row 0 of Aˡ for every example (A[0, j] for A[i, j]), right only when m = 1", h19sub(hiddenError: H19HiddenError.sigmaPrimeRowZero)),
        h19("h19-he-sum-stops-early", "hidden error", "the sum over k runs to weightsAbove.columns − 1, leaving out the last unit of the layer above", h19sub(hiddenError: H19HiddenError.sumStopsEarly)),
        h19("h19-he-zero-delta-above-through-pointer", "hidden error", "after computing Δˡ the input Δˡ⁺¹ is zeroed through a mutable pointer to its storage, writing into the caller's matrix", h19sub(hiddenError: H19HiddenError.zeroDeltaAboveThroughPointer)),
        h19("h19-he-cache-without-weights", "hidden error", "Δˡ is cached in a static dictionary keyed by Δˡ⁺¹ and Aˡ but not Wˡ⁺¹, so other weights with the same Δˡ⁺¹ and Aˡ get the old Δˡ", h19sub(hiddenError: H19HiddenError.cacheWithoutWeights)),
        h19("h19-he-while-skips-zeros", "hidden error", "the while loop over k skips zero entries of Δˡ⁺¹ with continue before advancing k, so it never ends when Δˡ⁺¹ has an exact 0", h19sub(hiddenError: H19HiddenError.whileSkipsZeros)),
        h19("h19-he-divided-by-m", "hidden error", "Δˡ is divided by m (the 1/m of the gradients applied to the error), right only when m = 1", h19sub(hiddenError: H19HiddenError.dividedByM)),
        h19("h19-he-sigma-prime-at-k", "hidden error", "σ′ is multiplied inside the sum and read at Aˡ[i, k] (the index of the layer above) instead of Aˡ[i, j]", h19sub(hiddenError: H19HiddenError.sigmaPrimeAtK)),
        h19("h19-he-columns-from-delta-above", "hidden error", "Δˡ is allocated and filled with deltaAbove.columns (h_{l+1}) columns where weightsAbove.rows (h_l) belongs, right only for square Wˡ⁺¹", h19sub(hiddenError: H19HiddenError.columnsFromDeltaAbove)),

        // MARK: exercise 6, weight gradient
        h19("h19-wg-divide-by-input-width", "weight gradient", "the sum over the examples is divided by input.columns (h_{l−1}) instead of m (input.rows)", h19sub(weightGradient: H19WeightGradient.divideByInputWidth)),
        h19("h19-wg-int-reciprocal", "weight gradient", "the sum is multiplied by Double(1 / m) with an Int m, which is 0 for any m above 1", h19sub(weightGradient: H19WeightGradient.intReciprocal)),
        h19("h19-wg-delta-transpose-times-input", "weight gradient", "the own matmul and transpose helpers compute (1/m) (Δˡ)ᵀ Aˡ⁻¹, the transpose of ∂Wˡ, instead of (1/m) (Aˡ⁻¹)ᵀ Δˡ", h19sub(weightGradient: H19WeightGradient.deltaTransposeTimesInput)),
        h19("h19-wg-skips-first-example", "weight gradient", "the sum over the examples starts at i = 1, leaving out example 0 (then divides by m)", h19sub(weightGradient: H19WeightGradient.skipsFirstExample)),
        h19("h19-wg-reduce-ignores-accumulator", "weight gradient", "the reduce closure over the examples returns the current term and ignores its accumulator, so only the last example's A[i, k] Δ[i, j] survives (then divided by m)", h19sub(weightGradient: H19WeightGradient.reduceIgnoresAccumulator)),
        h19("h19-wg-cache-by-input", "weight gradient", "∂Wˡ is cached in a static dictionary keyed by Aˡ⁻¹ alone, so a new Δˡ with the same Aˡ⁻¹ gets the old gradient", h19sub(weightGradient: H19WeightGradient.cacheByInput)),
        h19("h19-wg-scales-delta-in-place", "weight gradient", "Δˡ is divided by m in place through a mutable pointer to its storage before the sums, writing into the caller's matrix", h19sub(weightGradient: H19WeightGradient.scalesDeltaInPlace)),
        h19("h19-wg-j-bound-from-input", "weight gradient", "∂Wˡ is allocated [h_{l−1}, h_{l−1}] and its loop over j runs to input.columns (h_{l−1}) where delta.columns (h_l) belongs, right only for square layers", h19sub(weightGradient: H19WeightGradient.jBoundFromInput)),
        h19("h19-wg-first-example-only", "weight gradient", "∂Wˡ is example 0's outer product A[0, k] Δ[0, j] alone (the one-example formula), right only when m = 1", h19sub(weightGradient: H19WeightGradient.firstExampleOnly)),
        h19("h19-wg-first-term-twice", "weight gradient", "the sum is initialised with example 0's term and the loop over i still starts at 0, so example 0 is counted twice", h19sub(weightGradient: H19WeightGradient.firstTermTwice)),

        // MARK: exercise 6, bias gradient
        h19("h19-bg-no-mean", "bias gradient", "each column of Δˡ is summed with reduce but the 1/m is never applied", h19sub(biasGradient: H19BiasGradient.noMean)),
        h19("h19-bg-flat-walk-mod-rows", "bias gradient", "the flat walk over delta.elements takes the column as index % delta.rows (m) where index % delta.columns (h_l) belongs, right only when m = h_l", h19sub(biasGradient: H19BiasGradient.flatWalkModRows)),
        h19("h19-bg-last-row-skipped", "bias gradient", "the loop over the examples runs to m − 1, leaving out the last row of Δˡ (then divides by m)", h19sub(biasGradient: H19BiasGradient.lastRowSkipped)),
        h19("h19-bg-float-sums", "bias gradient", "the column sums are accumulated in Float", h19sub(biasGradient: H19BiasGradient.floatSums)),
        h19("h19-bg-divide-by-element-count", "bias gradient", "the column sums are divided by delta.elements.count (m·h_l) instead of m", h19sub(biasGradient: H19BiasGradient.divideByElementCount)),
        h19("h19-bg-static-sums-not-zeroed", "bias gradient", "the sums live in a static array kept between calls that is only reallocated when the width changes and never zeroed otherwise, so earlier calls' sums are added in", h19sub(biasGradient: H19BiasGradient.staticSumsNotZeroed)),
        h19("h19-bg-row-means", "bias gradient", "each example's row is summed (over the units) and divided by m, giving m numbers instead of the column sums over the examples", h19sub(biasGradient: H19BiasGradient.rowMeans)),
        h19("h19-bg-exit-when-single-example", "bias gradient", "a debugging print followed by exit(0) is left in for m = 1, so the function ends the program instead of returning when the batch has one example", h19sub(biasGradient: H19BiasGradient.exitWhenSingleExample)),
        h19("h19-bg-negated", "bias gradient", "the mean is returned negated, −(1/m) Σᵢ Δ[i, j] (the descent direction instead of the gradient)", h19sub(biasGradient: H19BiasGradient.negated)),

        // MARK: exercise 7, batch engine
        h19("h19-en-loss-logits-from-activations", "batch engine", "the loss is given Aᴸ's rows as the logits (logits: A[L].row(i)) where Zᴸ's rows belong", h19sub(engine: { AnyBackpropEngine(H19LossLogitsFromActivationsEngine(steps: $0)) })),
        h19("h19-en-loss-added-into-storage", "batch engine", "after gradients.prepare(for:) the layers are assigned but the mean loss is added into gradients.loss (+=) instead of assigned", h19sub(engine: { AnyBackpropEngine(H19LossAddedIntoStorageEngine(steps: $0)) })),
        h19("h19-en-sigmoid-output-uses-hidden", "batch engine", "for a sigmoid output the engine applies network.hidden.value element by element instead of the output activation, right only when the hidden layers are sigmoid too", h19sub(engine: { AnyBackpropEngine(H19SigmoidOutputUsesHiddenEngine(steps: $0)) })),
        h19("h19-en-static-activations", "batch engine", "the activations are appended to a static array that is never cleared, so from the second call on A[l] is an earlier call's activation", h19sub(engine: { AnyBackpropEngine(H19StaticActivationsEngine(steps: $0)) })),
        h19("h19-en-delta-moved-before-gradients", "batch engine", "Δˡ⁻¹ is computed with hiddenError before layer l's gradients in the backward loop, so every layer l > 1 gets its ∂Wˡ and ∂bˡ from Δˡ⁻¹ instead of Δˡ", h19sub(engine: { AnyBackpropEngine(H19DeltaMovedBeforeGradientsEngine(steps: $0)) })),
        h19("h19-en-loss-skips-first", "batch engine", "the loop adding up the examples' losses starts at i = 1, leaving out example 0's loss (then multiplies by 1/m)", h19sub(engine: { AnyBackpropEngine(H19LossSkipsFirstEngine(steps: $0)) })),
        h19("h19-en-m-from-columns", "batch engine", "the loss is averaged with m taken as X.columns (h_0) instead of X.rows", h19sub(engine: { AnyBackpropEngine(H19MFromColumnsEngine(steps: $0)) })),
        h19("h19-en-sigma-prime-from-z", "batch engine", "hiddenError is given Zˡ⁻¹ where Aˡ⁻¹ belongs, so σ′ is computed from the pre-activations", h19sub(engine: { AnyBackpropEngine(H19SigmaPrimeFromZEngine(steps: $0)) })),
        h19("h19-en-weights-updated-in-backward", "batch engine", "each layer's weights are moved by a gradient step in a local copy of the network during the backward pass, so Δˡ⁻¹ is computed with the updated Wˡ instead of the forward pass's", h19sub(engine: { AnyBackpropEngine(H19WeightsUpdatedInBackwardEngine(steps: $0)) })),
        h19("h19-en-dictionary-values", "batch engine", "the layers' gradients are kept in a Dictionary keyed by l and returned as Array(dict.values), whose order is arbitrary, instead of layer 1 first", h19sub(engine: { AnyBackpropEngine(H19DictionaryValuesEngine(steps: $0)) })),
        h19("h19-en-hand-softmax-no-max", "batch engine", "for a softmax output Aᴸ is computed by a hand-written softmax that does not subtract each row's maximum, so it is NaN at large logits", h19sub(engine: { AnyBackpropEngine(H19HandSoftmaxNoMaxEngine(steps: $0)) })),
        h19("h19-en-softmax-batch-max", "batch engine", "the hand-written softmax subtracts one maximum for the whole batch instead of each row's own maximum, so rows far below it give 0/0", h19sub(engine: { AnyBackpropEngine(H19SoftmaxBatchMaxEngine(steps: $0)) })),
        h19("h19-en-exit-on-big-batch", "batch engine", "a debugging print followed by exit(0) is left in for batches of more than 8 examples, so the engine ends the program instead of returning on those", h19sub(engine: { AnyBackpropEngine(H19ExitOnBigBatchEngine(steps: $0)) })),

        // MARK: correct, written unusually
        h19("h19-pass-oe-recursive", "pass", "correct, the forward and backward passes written as recursive functions", h19sub(oneExample: H19OneExample.passRecursive)),
        h19("h19-pass-oe-dictionary-while-prints", "pass", "correct, activations kept in a dictionary by layer, while loops, debugging prints left in", h19sub(oneExample: H19OneExample.passDictionaryWhilePrints)),
        h19("h19-pass-oe-fma-bitwise", "pass", "correct, exercise 9's fused multiply-add chains (bitwise identical)", h19sub(oneExample: H19OneExample.passFMABitwise)),
        h19("h19-pass-oe-class-workspace", "pass", "correct, a class workspace with its own outer-product and matrix-vector helpers", h19sub(oneExample: H19OneExample.passClassWorkspace)),
        h19("h19-pass-fw-pointer-ikj", "pass", "correct, unsafe buffer pointers and an i-k-j loop order that accumulates each row from the biases", h19sub(forward: H19Forward.passPointerIKJ)),
        h19("h19-pass-fw-transpose-helper-zip", "pass", "correct, an own transpose helper and a zip/reduce dot product starting from bⱼ", h19sub(forward: H19Forward.passTransposeHelperZip)),
        h19("h19-pass-oerr-zip-print", "pass", "correct, zip/map over the stored elements with a print left in", h19sub(outputError: H19OutputError.passZipPrint)),
        h19("h19-pass-oerr-static-buffer", "pass", "correct, a static buffer reused between calls but every element assigned on each call", h19sub(outputError: H19OutputError.passStaticBuffer)),
        h19("h19-pass-he-sigma-matrix-transposed-copy", "pass", "correct, σ′ computed first into its own matrix and Wˡ⁺¹ transposed into a copy before the sums", h19sub(hiddenError: H19HiddenError.passSigmaMatrixTransposedCopy)),
        h19("h19-pass-he-pointers-column-order", "pass", "correct, unsafe buffer pointers with the units j outside and the examples i inside", h19sub(hiddenError: H19HiddenError.passPointersColumnOrder)),
        h19("h19-pass-wg-outer-products", "pass", "correct, the sum of the examples' outer products accumulated example by example, then divided by m", h19sub(weightGradient: H19WeightGradient.passOuterProducts)),
        h19("h19-pass-wg-fma-reciprocal", "pass", "correct, fused multiply-adds over the examples and × (1 / m), exercise 9's chain", h19sub(weightGradient: H19WeightGradient.passFMAReciprocal)),
        h19("h19-pass-bg-recursive-accumulator", "pass", "correct, each column summed by a recursive function carrying its accumulator, in example order", h19sub(biasGradient: H19BiasGradient.passRecursiveAccumulator)),
        h19("h19-pass-bg-pointer-stride", "pass", "correct, a strided walk through an unsafe pointer and × (1 / m)", h19sub(biasGradient: H19BiasGradient.passPointerStride)),
        h19("h19-pass-en-insert-front-while", "pass", "correct, a while loop going down the layers that inserts each layer's gradients at the front, with prints left in", h19sub(engine: { AnyBackpropEngine(H19PassInsertFrontEngine(steps: $0)) })),
        h19("h19-pass-en-prepare-assign-recursive", "pass", "correct, gradients.prepare(for:) and then every layer and the loss assigned, the backward pass written as a recursion", h19sub(engine: { AnyBackpropEngine(H19PassPrepareRecursiveEngine(steps: $0)) })),
        h19("h19-pass-en-class-workspace-divide", "pass", "correct, a class workspace cleared at every call, the loss summed in order and divided by m", h19sub(engine: { AnyBackpropEngine(H19PassClassWorkspaceEngine(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - exercise 3, one example

enum H19OneExample {
    nonisolated(unsafe) static var cache: [[Double]: Gradients<Double>] = [:]

    static func sigmoidPrimeByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        var l = 1
        while l <= L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
            l += 1
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = zip(a[L], y).map { $0 - $1 }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        l = L
        while l >= 1 {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                let s = a[l - 1][j]
                below[j] = sum * (s * (1 - s))
            }
            delta = below
            l -= 1
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func softmaxByHandNoMax(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        func softmax(_ v: [Double]) -> [Double] {
            let e = v.map { exp($0) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
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
                a.append(softmax(zl))
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

    static func lossFromActivations(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        // cross-entropy, as in the lecture
        var loss = 0.0
        for j in 0..<h[L] {
            if network.output.activation == .softmax {
                loss -= y[j] * log(a[L][j])
            } else {
                loss -= y[j] * log(a[L][j]) + (1 - y[j]) * log(1 - a[L][j])
            }
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

    static func forwardBoundOwnWidth(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for k in 0..<h[l] { zl[j] += W[k, j] * a[l - 1][k] }
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
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func layersTopFirst(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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

    static func gradientsAfterDeltaMoved(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<h[l - 1]).map { j in
                    var sum = 0.0
                    for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                    return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func cacheByInput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        if let seen = cache[x] { return seen }
        let result = try Solutions.oneExample(network, x, y)
        cache[x] = result
        return result
    }

    static func floatForward(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = Float(b[j])
                for k in 0..<h[l - 1] { s += Float(W[k, j] * a[l - 1][k]) }
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

    static func exitOnWideInput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let result = try Solutions.oneExample(network, x, y)
        if x.count > 5 {
            print("wide input", x.count, "loss", result.loss)
            exit(0)
        }
        return result
    }

    static func argmaxTarget(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        var label = 0
        for j in 1..<y.count where y[j] > y[label] { label = j }
        var delta = a[L]
        delta[label] -= 1
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

    static func sigmaPrimeFromLayerAbove(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
                return sum * network.hidden.derivative(fromActivation: a[l][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func biasAddedTwice(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] }
                zl[j] += b[j]
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
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func recursiveHiddenSigmaAtOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        func forward(_ l: Int) {
            if l > L { return }
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = b
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            z.append(zl)
            a.append(zl.map { network.hidden.value($0) })
            forward(l + 1)
        }
        forward(1)
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

    static func weightGradientIndicesSwapped(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][j] * delta[k] } }
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

    // MARK: correct ones

    static func passRecursive(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        // forward(l, input) returns the activations of layers l…L, and zᴸ
        func forward(_ l: Int, _ input: [Double]) -> (activations: [[Double]], logits: [Double]) {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                zl[j] = b[j]
                for k in 0..<W.rows { zl[j] += W[k, j] * input[k] }
            }
            if l == L { return ([network.output.activation(zl)], zl) }
            let al = zl.map { network.hidden.value($0) }
            let rest = forward(l + 1, al)
            return ([al] + rest.activations, rest.logits)
        }
        let (upper, zL) = forward(1, x)
        let a = [x] + upper
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        // backward(l, delta) returns the gradients of layers 1…l, layer 1 first
        func backward(_ l: Int, _ delta: [Double]) -> [LayerParameters<Double>] {
            var gw = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for k in 0..<a[l - 1].count { for j in 0..<delta.count { gw[k, j] = a[l - 1][k] * delta[j] } }
            let mine = LayerParameters(weights: gw, biases: delta)
            if l == 1 { return [mine] }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: W.rows)
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            return backward(l - 1, below) + [mine]
        }
        return Gradients(loss: loss, layers: backward(L, zip(a[L], y).map { $0 - $1 }))
    }

    static func passDictionaryWhilePrints(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var act: [Int: [Double]] = [0: x]
        var zs: [Int: [Double]] = [:]
        var l = 1
        while l <= L {
            let W = network.layers[l - 1].weights
            let prev = act[l - 1]!
            var zl = [Double]()
            var j = 0
            while j < h[l] {
                var s = network.layers[l - 1].biases[j]
                var k = 0
                while k < h[l - 1] { s += W[k, j] * prev[k]; k += 1 }
                zl.append(s)
                j += 1
            }
            zs[l] = zl
            act[l] = l == L ? network.output.activation(zl) : zl.map { network.hidden.value($0) }
            print("layer", l, "z", zl.count, "a", act[l]!.count)
            l += 1
        }
        let loss = network.output.loss(logits: zs[L]!, activation: act[L]!, target: y)
        print("loss", loss)
        var delta = [Double]()
        var j = 0
        while j < h[L] { delta.append(act[L]![j] - y[j]); j += 1 }
        var grads: [Int: LayerParameters<Double>] = [:]
        l = L
        while l >= 1 {
            let input = act[l - 1]!
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            var k = 0
            while k < h[l - 1] {
                var jj = 0
                while jj < h[l] { gw[k, jj] = input[k] * delta[jj]; jj += 1 }
                k += 1
            }
            grads[l] = LayerParameters(weights: gw, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                var u = 0
                while u < h[l - 1] {
                    var sum = 0.0
                    var v = 0
                    while v < h[l] { sum += W[u, v] * delta[v]; v += 1 }
                    below[u] = sum * network.hidden.derivative(fromActivation: input[u])
                    u += 1
                }
                delta = below
            }
            l -= 1
        }
        print("done, layers:", grads.keys.sorted())
        return Gradients(loss: loss, layers: (1...L).map { grads[$0]! })
    }

    static func passFMABitwise(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s = s.addingProduct(a[l - 1][k], W[k, j]) }
                zl[j] = s
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = (0.0).addingProduct(a[l - 1][k], delta[j]) } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta.map { 0 + $0 })
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var s = 0.0
                for k in 0..<h[l] { s = s.addingProduct(delta[k], W[j, k]) }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    final class Workspace {
        let network: Network<Double>
        var activations: [[Double]] = []
        var logits: [Double] = []
        init(network: Network<Double>) { self.network = network }

        /// (Wᵀ v + b), W [rows, columns], v of rows numbers.
        func transposedTimes(_ W: Matrix<Double>, _ v: [Double], plus b: [Double]) -> [Double] {
            var out = b
            for j in 0..<W.columns { for k in 0..<W.rows { out[j] += W[k, j] * v[k] } }
            return out
        }
        /// W v, W [rows, columns], v of columns numbers.
        func times(_ W: Matrix<Double>, _ v: [Double]) -> [Double] {
            var out = [Double](repeating: 0, count: W.rows)
            for j in 0..<W.rows { for k in 0..<W.columns { out[j] += W[j, k] * v[k] } }
            return out
        }
        func outer(_ u: [Double], _ v: [Double]) -> Matrix<Double> {
            Matrix(rows: u.count, columns: v.count, elements: u.flatMap { ui in v.map { ui * $0 } })
        }
        func run(x: [Double], y: [Double]) -> Gradients<Double> {
            let L = network.layerCount
            activations = [x]
            for l in 1...L {
                let zl = transposedTimes(network.layers[l - 1].weights, activations[l - 1], plus: network.layers[l - 1].biases)
                if l == L { logits = zl; activations.append(network.output.activation(zl)) }
                else { activations.append(zl.map { network.hidden.value($0) }) }
            }
            let loss = network.output.loss(logits: logits, activation: activations[L], target: y)
            var delta = zip(activations[L], y).map { $0 - $1 }
            var out: [LayerParameters<Double>?] = Array(repeating: nil, count: L)
            for l in (1...L).reversed() {
                out[l - 1] = LayerParameters(weights: outer(activations[l - 1], delta), biases: delta)
                if l > 1 {
                    let back = times(network.layers[l - 1].weights, delta)
                    delta = zip(back, activations[l - 1]).map { $0 * network.hidden.derivative(fromActivation: $1) }
                }
            }
            return Gradients(loss: loss, layers: out.map { $0! })
        }
    }

    static func passClassWorkspace(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        Workspace(network: network).run(x: x, y: y)
    }
}

// MARK: - exercise 4, forward

enum H19Forward {
    nonisolated(unsafe) static var cache: [[Double]: Matrix<Double>] = [:]

    static func biasRowZeroOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        for j in 0..<W.columns { Z[0, j] += b[j] }
        return Z
    }

    static func columnsFromInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func cacheByWeights(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        if let Z = cache[W.elements] { return Z }
        let Z = try Solutions.forward(A, W, b)
        cache[W.elements] = Z
        return Z
    }

    static func rowForColumn(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        func dot(_ u: [Double], _ v: [Double]) -> Double { zip(u, v).reduce(0) { $0 + $1.0 * $1.1 } }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            let row = A.row(i)
            for j in 0..<W.columns { Z[i, j] = b[j] + dot(row, W.row(j)) }
        }
        return Z
    }

    static func zeroInputThroughPointer(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        // A is not needed any more: clear it
        A.elements.withUnsafeBufferPointer { p in
            let q = UnsafeMutablePointer(mutating: p.baseAddress!)
            for idx in 0..<p.count { q[idx] = 0 }
        }
        return Z
    }

    static func floatAccumulator(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func sigmoidByHand(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = 1 / (1 + exp(-sum))
            }
        }
        return Z
    }

    static func sumResetPerRow(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            var sum = 0.0
            for j in 0..<W.columns {
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum + b[j]
            }
        }
        return Z
    }

    static func skipsFirstInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func clampLogits(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = min(max(sum, -500), 500)   // keep exp() from overflowing later
            }
        }
        return Z
    }

    // MARK: correct ones

    static func passPointerIKJ(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = W.columns
        var out = [Double](repeating: 0, count: m * h)
        A.elements.withUnsafeBufferPointer { a in
            W.elements.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { z in
                    for i in 0..<m {
                        let zi = z.baseAddress! + i * h
                        for j in 0..<h { zi[j] = b[j] }
                        for k in 0..<n {
                            let aik = a[i * n + k]
                            let wk = w.baseAddress! + k * h
                            for j in 0..<h { zi[j] += aik * wk[j] }
                        }
                    }
                }
            }
        }
        return Matrix(rows: m, columns: h, elements: out)
    }

    static func passTransposeHelperZip(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
            var t = Matrix<Double>(rows: M.columns, columns: M.rows)
            for i in 0..<M.rows { for j in 0..<M.columns { t[j, i] = M[i, j] } }
            return t
        }
        let Wt = transpose(W)
        let rows = (0..<A.rows).map { i in
            (0..<Wt.rows).map { j in zip(A.row(i), Wt.row(j)).reduce(b[j]) { $0 + $1.0 * $1.1 } }
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows.flatMap { $0 })
    }
}

// MARK: - exercise 4, output error

enum H19OutputError {
    nonisolated(unsafe) static var cache: [[Double]: Matrix<Double>] = [:]
    nonisolated(unsafe) static var buffer = Matrix<Double>(rows: 0, columns: 0)

    static func zipReversed(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(Y.elements, A.elements).map { $0 - $1 })
    }

    static func argmaxTarget(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = A
        for i in 0..<A.rows {
            let row = Y.row(i)
            let label = row.indices.max { row[$0] < row[$1] }!
            delta[i, label] -= 1
        }
        return delta
    }

    static func clampedActivation(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = min(max(A[i, j], eps), 1 - eps) - Y[i, j] }
        }
        return delta
    }

    static func meanOverUnits(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        let c = Double(A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / c } }
        return delta
    }

    static func lastRowSkipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows - 1 { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func cacheByActivations(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        if let hit = cache[A.elements] { return hit }
        let delta = try Solutions.outputError(A, Y)
        cache[A.elements] = delta
        return delta
    }

    static func transposedResult(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.columns, columns: A.rows)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[j, i] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func roundedTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j].rounded() } }
        return delta
    }

    // MARK: correct ones

    static func passZipPrint(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        print("output error:", A.shapeDescription, Y.shapeDescription)
        return Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map(-))
    }

    static func passStaticBuffer(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        if buffer.rows != A.rows || buffer.columns != A.columns {
            buffer = Matrix(rows: A.rows, columns: A.columns)
        }
        for idx in 0..<A.elements.count { buffer.elements[idx] = A.elements[idx] - Y.elements[idx] }
        return buffer
    }
}

// MARK: - exercise 5, hidden error

enum H19HiddenError {
    struct Key: Hashable { let d: [Double]; let a: [Double] }
    nonisolated(unsafe) static var cache: [Key: Matrix<Double>] = [:]

    static func transposeHelperNoSwap(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
            var t = Matrix<Double>(rows: M.columns, columns: M.rows)
            for i in 0..<M.rows { for j in 0..<M.columns { t[i, j] = M[i, j] } }
            return t
        }
        let Wt = transpose(W)   // [h_{l+1}, h_l]
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

    static func tanhPrimeByHand(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        func prime(_ a: Double) -> Double {
            switch hidden {
            case .sigmoid: return a * (1 - a)
            case .tanh: return 1 - a
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

    static func sigmaPrimeRowZero(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        let sp = (0..<A.columns).map { hidden.derivative(fromActivation: A[0, $0]) }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * sp[j]
            }
        }
        return delta
    }

    static func sumStopsEarly(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                              _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns - 1 { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func zeroDeltaAboveThroughPointer(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                             _ hidden: Activation) throws -> Matrix<Double> {
        let delta = try Solutions.hiddenError(D, W, A, hidden)
        // Δˡ⁺¹ is used up now
        D.elements.withUnsafeBufferPointer { p in
            let q = UnsafeMutablePointer(mutating: p.baseAddress!)
            q.update(repeating: 0, count: p.count)
        }
        return delta
    }

    static func cacheWithoutWeights(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                    _ hidden: Activation) throws -> Matrix<Double> {
        let key = Key(d: D.elements, a: A.elements)
        if let hit = cache[key] { return hit }
        let delta = try Solutions.hiddenError(D, W, A, hidden)
        cache[key] = delta
        return delta
    }

    static func whileSkipsZeros(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        var i = 0
        while i < D.rows {
            var j = 0
            while j < W.rows {
                var sum = 0.0
                var k = 0
                while k < W.columns {
                    if D[i, k] == 0 { continue }   // nothing to add
                    sum += D[i, k] * W[j, k]
                    k += 1
                }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
                j += 1
            }
            i += 1
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

    static func sigmaPrimeAtK(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                              _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] * hidden.derivative(fromActivation: A[i, k]) }
                delta[i, j] = sum
            }
        }
        return delta
    }

    static func columnsFromDeltaAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: D.columns)
        for i in 0..<D.rows {
            for j in 0..<D.columns {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // MARK: correct ones

    static func passSigmaMatrixTransposedCopy(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                              _ hidden: Activation) throws -> Matrix<Double> {
        let sigmaPrime = A.map { hidden.derivative(fromActivation: $0) }
        let Wt = W.transposed                      // [h_{l+1}, h_l]
        var delta = Matrix<Double>(rows: D.rows, columns: Wt.columns)
        for i in 0..<D.rows {
            for j in 0..<Wt.columns {
                var sum = 0.0
                for k in 0..<Wt.rows { sum += D[i, k] * Wt[k, j] }
                delta[i, j] = sum * sigmaPrime[i, j]
            }
        }
        return delta
    }

    static func passPointersColumnOrder(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                        _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, hl = W.rows, above = W.columns
        var out = [Double](repeating: 0, count: m * hl)
        D.elements.withUnsafeBufferPointer { d in
            W.elements.withUnsafeBufferPointer { w in
                A.elements.withUnsafeBufferPointer { a in
                    for j in 0..<hl {
                        for i in 0..<m {
                            var sum = 0.0
                            for k in 0..<above { sum += d[i * above + k] * w[j * above + k] }
                            out[i * hl + j] = sum * hidden.derivative(fromActivation: a[i * hl + j])
                        }
                    }
                }
            }
        }
        return Matrix(rows: m, columns: hl, elements: out)
    }
}

// MARK: - exercise 6, weight gradient

enum H19WeightGradient {
    nonisolated(unsafe) static var cache: [[Double]: Matrix<Double>] = [:]

    static func divideByInputWidth(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(A.columns)
            }
        }
        return G
    }

    static func intReciprocal(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum * Double(1 / m)
            }
        }
        return G
    }

    static func deltaTransposeTimesInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
            var t = Matrix<Double>(rows: M.columns, columns: M.rows)
            for i in 0..<M.rows { for j in 0..<M.columns { t[j, i] = M[i, j] } }
            return t
        }
        func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
            var C = Matrix<Double>(rows: P.rows, columns: Q.columns)
            for r in 0..<P.rows {
                for c in 0..<Q.columns {
                    var s = 0.0
                    for t in 0..<P.columns { s += P[r, t] * Q[t, c] }
                    C[r, c] = s
                }
            }
            return C
        }
        let m = Double(A.rows)
        return matmul(transpose(D), A).map { $0 / m }
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

    static func reduceIgnoresAccumulator(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                let sum = (0..<m).reduce(0.0) { _, i in A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func cacheByInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        if let hit = cache[A.elements] { return hit }
        let G = try Solutions.weightGradient(A, D)
        cache[A.elements] = G
        return G
    }

    static func scalesDeltaInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        D.elements.withUnsafeBufferPointer { p in
            let q = UnsafeMutablePointer(mutating: p.baseAddress!)
            for idx in 0..<p.count { q[idx] /= Double(m) }
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

    static func jBoundFromInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: A.columns)
        for k in 0..<A.columns {
            for j in 0..<A.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func firstExampleOnly(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns { for j in 0..<D.columns { G[k, j] = A[0, k] * D[0, j] } }
        return G
    }

    static func firstTermTwice(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = A[0, k] * D[0, j]
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    // MARK: correct ones

    static func passOuterProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {                          // add example i's aᵢ δᵢᵀ
            let a = A.row(i), d = D.row(i)
            for k in 0..<a.count { for j in 0..<d.count { G[k, j] += a[k] * d[j] } }
        }
        let m = Double(A.rows)
        return G.map { $0 / m }
    }

    static func passFMAReciprocal(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, scale = 1 / Double(m)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var g = 0.0
                for i in 0..<m { g = g.addingProduct(A[i, k], D[i, j]) }
                G[k, j] = g * scale
            }
        }
        return G
    }
}

// MARK: - exercise 6, bias gradient

enum H19BiasGradient {
    nonisolated(unsafe) static var sums: [Double] = []

    static func noMean(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } }
    }

    static func flatWalkModRows(_ D: Matrix<Double>) throws -> [Double] {
        var out = [Double](repeating: 0, count: D.columns)
        for (index, value) in D.elements.enumerated() { out[index % D.rows] += value }
        return out.map { $0 / Double(D.rows) }
    }

    static func lastRowSkipped(_ D: Matrix<Double>) throws -> [Double] {
        var out = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows - 1 { for j in 0..<D.columns { out[j] += D[i, j] } }
        return out.map { $0 / Double(D.rows) }
    }

    static func floatSums(_ D: Matrix<Double>) throws -> [Double] {
        var out = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { out[j] += Float(D[i, j]) } }
        return out.map { Double($0) / Double(D.rows) }
    }

    static func divideByElementCount(_ D: Matrix<Double>) throws -> [Double] {
        var out = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { out[j] += D[i, j] } }
        return out.map { $0 / Double(D.elements.count) }
    }

    static func staticSumsNotZeroed(_ D: Matrix<Double>) throws -> [Double] {
        if sums.count != D.columns { sums = [Double](repeating: 0, count: D.columns) }
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func rowMeans(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.rows).map { i in D.row(i).reduce(0, +) / Double(D.rows) }
    }

    static func exitWhenSingleExample(_ D: Matrix<Double>) throws -> [Double] {
        if D.rows == 1 {
            print("single example, bias gradient is", D.row(0))
            exit(0)
        }
        return try Solutions.biasGradient(D)
    }

    static func negated(_ D: Matrix<Double>) throws -> [Double] {
        var out = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { out[j] += D[i, j] } }
        return out.map { -$0 / Double(D.rows) }
    }

    // MARK: correct ones

    static func passRecursiveAccumulator(_ D: Matrix<Double>) throws -> [Double] {
        func columnSum(_ j: Int, from i: Int, _ acc: Double) -> Double {
            i == D.rows ? acc : columnSum(j, from: i + 1, acc + D[i, j])
        }
        return (0..<D.columns).map { columnSum($0, from: 0, 0) / Double(D.rows) }
    }

    static func passPointerStride(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows, h = D.columns, scale = 1 / Double(m)
        return D.elements.withUnsafeBufferPointer { p in
            (0..<h).map { j in
                var s = 0.0
                var q = p.baseAddress! + j
                for _ in 0..<m { s += q.pointee; q += h }
                return s * scale
            }
        }
    }
}

// MARK: - exercise 7, batch engines

/// The forward pass as Solutions writes it, shared by the engines whose slip is elsewhere.
private func h19ForwardPass(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>) throws
    -> (A: [Matrix<Double>], Z: [Matrix<Double>]) {
    let L = network.layerCount
    var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
    for l in 1...L {
        let layer = network.layers[l - 1]
        let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
        Z.append(Zl)
        A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
    }
    return (A, Z)
}

struct H19LossLogitsFromActivationsEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let (A, _) = try h19ForwardPass(steps, network, X)
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: A[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H19LossAddedIntoStorageEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let (A, Z) = try h19ForwardPass(steps, network, X)
        gradients.prepare(for: network)
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        gradients.loss += loss * (1 / Double(m))
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
            gradients.layers[l - 1].biases = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }
}

struct H19SigmoidOutputUsesHiddenEngine: BackpropEngine {
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
            if l < L || network.output.activation == .sigmoid {
                A.append(Zl.map { network.hidden.value($0) })          // sigmoid is element by element anyway
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
}

struct H19StaticActivationsEngine: BackpropEngine {
    nonisolated(unsafe) static var A: [Matrix<Double>] = []
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        Self.A.append(X)
        var Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(Self.A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            Self.A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        let A = Self.A
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
}

struct H19DeltaMovedBeforeGradientsEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let (A, Z) = try h19ForwardPass(steps, network, X)
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H19LossSkipsFirstEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let (A, Z) = try h19ForwardPass(steps, network, X)
        var loss = 0.0
        var i = 1
        while i < m {
            loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i))
            i += 1
        }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H19MFromColumnsEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.columns
        let (A, Z) = try h19ForwardPass(steps, network, X)
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
}

struct H19SigmaPrimeFromZEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let (A, Z) = try h19ForwardPass(steps, network, X)
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, Z[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H19WeightsUpdatedInBackwardEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows, eta = 0.5
        var net = network
        let (A, Z) = try h19ForwardPass(steps, net, X)
        var loss = 0.0
        for i in 0..<m { loss += net.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let gW = try steps.weightGradient(A[l - 1], delta), gb = try steps.biasGradient(delta)
            layers[l - 1] = LayerParameters(weights: gW, biases: gb)
            // take the step right away
            for idx in gW.elements.indices { net.layers[l - 1].weights.elements[idx] -= eta * gW.elements[idx] }
            for j in gb.indices { net.layers[l - 1].biases[j] -= eta * gb[j] }
            if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], net.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H19DictionaryValuesEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let (A, Z) = try h19ForwardPass(steps, network, X)
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var byLayer: [Int: LayerParameters<Double>] = [:]
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            byLayer[l] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: Array(byLayer.values))
    }
}

struct H19HandSoftmaxNoMaxEngine: BackpropEngine {
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
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H19SoftmaxBatchMaxEngine: BackpropEngine {
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
            if l < L {
                A.append(Zl.map { network.hidden.value($0) })
            } else if network.output.activation == .softmax {
                let biggest = Zl.elements.max() ?? 0          // stability: subtract the max
                A.append(Zl.mapRows { row in
                    let e = row.map { exp($0 - biggest) }
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
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H19ExitOnBigBatchEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let (A, Z) = try h19ForwardPass(steps, network, X)
        if m > 8 {
            print("big batch:", m, "outputs", A[L].shapeDescription)
            exit(0)
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
}

// MARK: correct engines

struct H19PassInsertFrontEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var acts: [Matrix<Double>] = [X]
        var logits = X
        var l = 1
        while l <= L {
            let z = try steps.forward(acts[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            if l == L {
                logits = z
                acts.append(z.mapRows { network.output.activation($0) })
            } else {
                acts.append(z.map { network.hidden.value($0) })
            }
            print("forward l =", l, acts[l].shapeDescription)
            l += 1
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: logits.row(i), activation: acts[L].row(i), target: Y.row(i)) }
        var result: [LayerParameters<Double>] = []
        var delta = try steps.outputError(acts[L], Y)
        l = L
        while l >= 1 {
            let gW = try steps.weightGradient(acts[l - 1], delta)
            let gb = try steps.biasGradient(delta)
            result.insert(LayerParameters(weights: gW, biases: gb), at: 0)
            print("backward l =", l, gW.shapeDescription)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1], network.hidden) }
            l -= 1
        }
        gradients = Gradients(loss: total * (1 / Double(m)), layers: result)
    }
}

struct H19PassPrepareRecursiveEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        gradients.prepare(for: network)
        func backward(_ l: Int, _ delta: Matrix<Double>, _ into: inout Gradients<Double>) throws {
            into.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
            into.layers[l - 1].biases = try steps.biasGradient(delta)
            guard l > 1 else { return }
            try backward(l - 1, try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden), &into)
        }
        try backward(L, try steps.outputError(A[L], Y), &gradients)
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        gradients.loss = loss * (1 / Double(m))
    }
}

final class H19Workspace: @unchecked Sendable {
    var activations: [Matrix<Double>] = []
    var logits = Matrix<Double>(rows: 0, columns: 0)
    var calls = 0
}

struct H19PassClassWorkspaceEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    let workspace = H19Workspace()
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let w = workspace
        w.calls += 1
        w.activations.removeAll(keepingCapacity: true)
        w.activations.append(X)
        let L = network.layerCount, m = X.rows
        for l in 1...L {
            let Zl = try steps.forward(w.activations[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            if l == L {
                w.logits = Zl
                w.activations.append(Zl.mapRows { network.output.activation($0) })
            } else {
                w.activations.append(Zl.map { network.hidden.value($0) })
            }
        }
        var loss = 0.0
        for i in 0..<m {
            loss += network.output.loss(logits: w.logits.row(i), activation: w.activations[L].row(i), target: Y.row(i))
        }
        var delta = try steps.outputError(w.activations[L], Y)
        var layers = network.layers            // the right shapes; every entry replaced below
        for l in (1...L).reversed() {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(w.activations[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, w.activations[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}
