import Backprop
import BackpropExercises
import Foundation

/// Held-out catalogue 9: a class's hand-ins, written from the course pages only (the exercises, the notation and
/// the reference solutions), without looking at how the checker works. Every wrong hand-in has exactly one slip,
/// in one step; all its other steps are `Solutions`'. The "pass" hand-ins are correct but written unusually.
public struct HeldOut9Submission: Sendable {
    public let name: String
    /// The step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient",
    /// "bias gradient", "batch engine"), or "pass".
    public let expected: String
    /// The slip in one sentence, as a TA would describe it.
    public let mistake: String
    public let submission: StudentSubmission
}

func h9(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut9Submission {
    HeldOut9Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h9sub(
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

public enum HeldOut9Catalogue {
    public static let all: [HeldOut9Submission] = [
        // MARK: one example (exercise 3)
        h9("h9-oe-loss-by-hand-from-a", "one example",
           "The loss is written by hand from the activations (−Σ y log a, plus the (1 − y) log(1 − a) terms for a sigmoid output) instead of network.output.loss from the logits zᴸ, so it is inf/NaN where aᴸ rounds to exactly 0 or 1 at logits of ±800.",
           h9sub(oneExample: H9OneExample.lossByHandFromActivations)),
        h9("h9-oe-delta-in-place", "one example",
           "δˡ⁻¹ is computed in place in the array that still holds δˡ, so every unit after the first sums over errors that have already been overwritten with the layer below's values.",
           h9sub(oneExample: H9OneExample.deltaInPlace)),
        h9("h9-oe-sigma-prime-layer-above", "one example",
           "σ′ in δˡ⁻¹ is taken from the layer's own activation aˡ (a[l][j]) instead of its input aˡ⁻¹ (a[l - 1][j]); where aˡ is shorter than aˡ⁻¹ the index runs past it.",
           h9sub(oneExample: H9OneExample.sigmaPrimeFromLayerAbove)),
        h9("h9-oe-nielsen-dw", "one example",
           "∂Wˡ is built in Nielsen's output × input convention, δ aᵀ of shape [h_l, h_{l−1}], instead of aˡ⁻¹ (δˡ)ᵀ of shape [h_{l−1}, h_l]: transposed on square layers, the wrong shape otherwise.",
           h9sub(oneExample: H9OneExample.nielsenWeightGradient)),
        h9("h9-oe-bias-after-delta-moved", "one example",
           "∂bˡ is stored after δ has already been moved down to the layer below, so every layer above the first gets δˡ⁻¹ as its bias gradient instead of its own δˡ.",
           h9sub(oneExample: H9OneExample.biasAfterDeltaMoved)),
        h9("h9-oe-weights-index-off-by-one", "one example",
           "The hidden error takes network.layers[l] (a 1-based/0-based mix-up) where layers[l − 1] holds Wˡ, which runs past the layers array at the top layer.",
           h9sub(oneExample: H9OneExample.weightsIndexOffByOne)),
        h9("h9-oe-cache-by-x", "one example",
           "The forward pass is cached by the input x alone, so when the same x comes back with other weights and biases the old activations and loss are reused.",
           h9sub(oneExample: H9OneExample.forwardCachedByX)),
        h9("h9-oe-tanh-prime-hardcoded", "one example",
           "σ′ is hard-coded as the tanh derivative 1 − a² instead of network.hidden.derivative(fromActivation:), so δ is wrong for sigmoid and ReLU hidden layers.",
           h9sub(oneExample: H9OneExample.tanhPrimeHardcoded)),
        h9("h9-oe-loss-mean-over-outputs", "one example",
           "The loss is divided by the number of outputs c (PyTorch's mean over the classes); one example's ℓ is the plain sum the library's loss returns.",
           h9sub(oneExample: H9OneExample.lossMeanOverOutputs)),
        h9("h9-oe-while-j-never-advances", "one example",
           "The hidden-error loop over the units j is a while loop whose j += 1 was forgotten, so it never ends.",
           h9sub(oneExample: H9OneExample.whileNeverAdvances)),

        // MARK: forward (exercise 4)
        h9("h9-fw-bias-row-zero-only", "forward",
           "The bias is added to the first example's row only (as if bᵀ were one extra row) instead of to every row of Aˡ⁻¹ Wˡ.",
           h9sub(forward: H9Forward.biasOnFirstRowOnly)),
        h9("h9-fw-float-sum", "forward",
           "The sum over k is accumulated in Float and converted back to Double, losing about half the digits.",
           h9sub(forward: H9Forward.floatSum)),
        h9("h9-fw-input-transposed", "forward",
           "Aˡ⁻¹ is read transposed (A[k, i] where A[i, k] belongs); on a square batch the numbers are wrong, otherwise the index runs past Aˡ⁻¹.",
           h9sub(forward: H9Forward.inputTransposed)),
        h9("h9-fw-bias-subtracted", "forward",
           "The bias is subtracted (a perceptron threshold, Σ − θ) instead of added: the sum starts from −b[j].",
           h9sub(forward: H9Forward.biasSubtracted)),
        h9("h9-fw-k-from-one", "forward",
           "The sum over k starts at 1 (MATLAB habit), so the first input unit's term A[i, 0] W[0, j] is left out.",
           h9sub(forward: H9Forward.kFromOne)),
        h9("h9-fw-cache-by-weights", "forward",
           "The result is cached by the weights alone, so another batch through the same Wˡ gets the old Zˡ back.",
           h9sub(forward: H9Forward.cachedByWeights)),
        h9("h9-fw-z-shaped-like-input", "forward",
           "Zˡ is allocated with the input's shape [m, h_{l−1}] and j runs over input.columns instead of weights.columns (h_l): right only on square layers; otherwise the index runs past bˡ and Wˡ, or Zˡ comes back with too few columns.",
           h9sub(forward: H9Forward.zShapedLikeInput)),
        h9("h9-fw-sum-overwritten", "forward",
           "Inside the sum over k the running sum is assigned (sum = b[j] + A[i, k] W[k, j]) instead of added to, so only the last k counts.",
           h9sub(forward: H9Forward.sumOverwritten)),
        h9("h9-fw-early-return", "forward",
           "The return Z sits inside the loop over the examples, so only row 0 is computed and the other rows stay 0.",
           h9sub(forward: H9Forward.earlyReturn)),
        h9("h9-fw-skip-zero-hangs", "forward",
           "A 'skip zero inputs' optimisation continues before k += 1, so the while loop over k never advances past an input that is exactly 0 (a ReLU unit that is off) and hangs.",
           h9sub(forward: H9Forward.skipZeroInputsHangs)),
        h9("h9-fw-unrolled-by-two", "forward",
           "The sum over k is hand-unrolled by two with the test k != input.columns, so for an odd h_{l−1} it reads one element past the end of the row.",
           h9sub(forward: H9Forward.unrolledByTwo)),

        // MARK: output error (exercise 4)
        h9("h9-oerr-exit-single-example", "output error",
           "A debugging print followed by exit(0) for a batch of one example was left in, so the program stops when m = 1.",
           h9sub(outputError: H9OutputError.exitOnSingleExample)),
        h9("h9-oerr-softmax-again", "output error",
           "The output Aᴸ is put through a softmax again (as if it were the logits) before Y is subtracted.",
           h9sub(outputError: H9OutputError.softmaxAgain)),
        h9("h9-oerr-labels-as-indices", "output error",
           "Y is read as a column of class indices (Y[i, 0]) instead of one-hot rows, so 1 is subtracted in the wrong column.",
           h9sub(outputError: H9OutputError.labelsAsIndices)),
        h9("h9-oerr-clipped-outputs", "output error",
           "Aᴸ is clipped to [1e−7, 1 − 1e−7] before Y is subtracted (a Keras epsilon), so Δᴸ is off where the outputs saturate.",
           h9sub(outputError: H9OutputError.clippedOutputs)),
        h9("h9-oerr-bounds-swapped", "output error",
           "The loop bounds are swapped (i over the columns, j over the rows): right only when m = c, otherwise the index runs past Aᴸ.",
           h9sub(outputError: H9OutputError.boundsSwapped)),
        h9("h9-oerr-factor-two", "output error",
           "Δᴸ = 2(Aᴸ − Y), the derivative of a squared error without the ½; with cross-entropy there is no factor 2.",
           h9sub(outputError: H9OutputError.factorTwo)),
        h9("h9-oerr-cache-by-targets", "output error",
           "The result is cached by the targets Y alone, so new outputs Aᴸ with the same targets get the old Δᴸ back.",
           h9sub(outputError: H9OutputError.cachedByTargets)),
        h9("h9-oerr-float", "output error",
           "The subtraction is done in Float (both operands rounded to Float), so Δᴸ keeps only about 7 digits.",
           h9sub(outputError: H9OutputError.inFloat)),
        h9("h9-oerr-last-row-missing", "output error",
           "The loop over the examples runs to m − 1 (0..<rows − 1), so the last example's row of Δᴸ stays 0.",
           h9sub(outputError: H9OutputError.lastRowMissing)),
        h9("h9-oerr-writes-into-targets", "output error",
           "Δᴸ is computed in place in the targets' storage through a pointer, overwriting the caller's Y.",
           h9sub(outputError: H9OutputError.writesIntoTargets)),

        // MARK: hidden error (exercise 5)
        h9("h9-he-sigma-prime-of-sum", "hidden error",
           "σ′ is evaluated at the back-propagated sum Σₖ Δ[i, k] W[j, k] instead of at the activation Aˡ[i, j].",
           h9sub(hiddenError: H9HiddenError.sigmaPrimeOfSum)),
        h9("h9-he-sigmoid-prime-hardcoded", "hidden error",
           "σ′ is written by hand as the sigmoid's a(1 − a) whatever the hidden activation, so tanh and ReLU layers get the wrong derivative.",
           h9sub(hiddenError: H9HiddenError.sigmoidPrimeHardcoded)),
        h9("h9-he-divided-by-m", "hidden error",
           "Δˡ is divided by m; the 1/m belongs to the gradients only, not to the errors.",
           h9sub(hiddenError: H9HiddenError.dividedByM)),
        h9("h9-he-sign-flipped", "hidden error",
           "The back-propagated sum subtracts each term (sum -= Δ[i, k] W[j, k]), so every Δˡ has the wrong sign.",
           h9sub(hiddenError: H9HiddenError.signFlipped)),
        h9("h9-he-zeroes-delta-above", "hidden error",
           "After use, Δˡ⁺¹ is zeroed through a pointer 'to free it', which writes into the caller's input.",
           h9sub(hiddenError: H9HiddenError.zeroesDeltaAbove)),
        h9("h9-he-shaped-like-delta-above", "hidden error",
           "Δˡ is allocated with Δˡ⁺¹'s shape [m, h_{l+1}] and j runs over h_{l+1} (weightsAbove.columns) instead of h_l (weightsAbove.rows).",
           h9sub(hiddenError: H9HiddenError.shapedLikeDeltaAbove)),
        h9("h9-he-skip-dead-units-hangs", "hidden error",
           "A 'skip dead units' shortcut continues before j += 1, so the while loop over j never advances past a unit whose σ′ is 0 (a ReLU that is off) and hangs.",
           h9sub(hiddenError: H9HiddenError.skipDeadUnitsHangs)),
        h9("h9-he-cache-without-delta", "hidden error",
           "The result is cached by Wˡ⁺¹ and Aˡ only, not by Δˡ⁺¹, so new errors with the same weights and activations get the old Δˡ back.",
           h9sub(hiddenError: H9HiddenError.cachedWithoutDelta)),
        h9("h9-he-first-example-errors", "hidden error",
           "The sum reads Δˡ⁺¹[0, k] (the first example's errors) instead of Δˡ⁺¹[i, k] for every example i.",
           h9sub(hiddenError: H9HiddenError.firstExampleErrors)),
        h9("h9-he-leaky-relu", "hidden error",
           "For ReLU the derivative is hand-coded as a leaky ReLU's (0.01 where the unit is off) instead of 0.",
           h9sub(hiddenError: H9HiddenError.leakyRelu)),

        // MARK: weight gradient (exercise 6)
        h9("h9-wg-learning-rate", "weight gradient",
           "The gradient is multiplied by a learning rate η = 0.1 copied from the update rule; the step returns ∂Wˡ itself.",
           h9sub(weightGradient: H9WeightGradient.learningRateInside)),
        h9("h9-wg-integer-one-over-m", "weight gradient",
           "The mean uses Double(1 / m) with an Int m, which is integer division: 0 for any m above 1.",
           h9sub(weightGradient: H9WeightGradient.integerOneOverM)),
        h9("h9-wg-divided-by-features", "weight gradient",
           "The sum is divided by input.columns (h_{l−1}) instead of m (input.rows).",
           h9sub(weightGradient: H9WeightGradient.dividedByFeatures)),
        h9("h9-wg-sign-flipped", "weight gradient",
           "The gradient is returned negated (−(1/m) (Aˡ⁻¹)ᵀ Δˡ, the descent direction) instead of ∂Wˡ.",
           h9sub(weightGradient: H9WeightGradient.signFlipped)),
        h9("h9-wg-cache-by-input", "weight gradient",
           "The result is cached by the input Aˡ⁻¹ alone, so a new Δˡ with the same activations gets the old ∂Wˡ back.",
           h9sub(weightGradient: H9WeightGradient.cachedByInput)),
        h9("h9-wg-scales-delta-in-place", "weight gradient",
           "Δˡ is scaled by 1/m in place through a pointer before the sum, which writes into the caller's Δˡ.",
           h9sub(weightGradient: H9WeightGradient.scalesDeltaInPlace)),
        h9("h9-wg-k-bound-from-delta", "weight gradient",
           "The loop over k runs to delta.columns (h_l) instead of input.columns (h_{l−1}), so rows of ∂Wˡ are left 0 (or the index runs past Aˡ⁻¹).",
           h9sub(weightGradient: H9WeightGradient.kBoundFromDelta)),
        h9("h9-wg-one-based-examples", "weight gradient",
           "The sum over the examples runs 1...m (MATLAB indexing): it skips example 0 and reads past the last row.",
           h9sub(weightGradient: H9WeightGradient.oneBasedExamples)),
        h9("h9-wg-m-minus-one", "weight gradient",
           "The sum is divided by m − 1 (Bessel's correction) instead of m, which divides by 0 (inf/NaN) when m = 1.",
           h9sub(weightGradient: H9WeightGradient.mMinusOne)),
        h9("h9-wg-bias-row-appended", "weight gradient",
           "An extra row for the bias ('column of ones' trick) is appended, so ∂Wˡ has shape [h_{l−1} + 1, h_l] instead of Wˡ's.",
           h9sub(weightGradient: H9WeightGradient.biasRowAppended)),

        // MARK: bias gradient (exercise 6)
        h9("h9-bg-first-column-only", "bias gradient",
           "Every ∂b[j] sums column 0 of Δˡ (D[i, 0]) instead of its own column j.",
           h9sub(biasGradient: H9BiasGradient.firstColumnOnly)),
        h9("h9-bg-divided-by-count", "bias gradient",
           "The column sums are divided by the number of elements m·h_l (np.mean(Δ) over everything) instead of m.",
           h9sub(biasGradient: H9BiasGradient.dividedByElementCount)),
        h9("h9-bg-running-mean-by-i", "bias gradient",
           "A running mean mean += (x − mean) / i divides by the 0-based index i instead of i + 1, which divides by 0 at the first example (inf/NaN).",
           h9sub(biasGradient: H9BiasGradient.runningMeanByI)),
        h9("h9-bg-buffer-not-reset", "bias gradient",
           "The sums live in a buffer kept between calls that is zeroed only when h_l changes, so each call adds onto the previous call's sums.",
           h9sub(biasGradient: H9BiasGradient.bufferNotReset)),
        h9("h9-bg-assigned-not-added", "bias gradient",
           "The sum over the examples assigns (sums[j] = D[i, j]) instead of adding, so only the last example counts (then divided by m).",
           h9sub(biasGradient: H9BiasGradient.assignedNotAdded)),
        h9("h9-bg-exit-single-example", "bias gradient",
           "A guard that prints 'need a batch' and calls exit(1) when m = 1 was left in; a batch of one example is valid.",
           h9sub(biasGradient: H9BiasGradient.exitOnSingleExample)),
        h9("h9-bg-sized-by-m", "bias gradient",
           "The sums array is sized by m (delta.rows) instead of h_l (delta.columns): the wrong length, or an index past its end when h_l > m.",
           h9sub(biasGradient: H9BiasGradient.sizedByM)),
        h9("h9-bg-recursion-stops-early", "bias gradient",
           "The recursive column sum's base case is i == m − 1 instead of i == m, so the last example is never added.",
           h9sub(biasGradient: H9BiasGradient.recursionStopsEarly)),
        h9("h9-bg-times-m", "bias gradient",
           "The column sums are multiplied by m instead of divided by m.",
           h9sub(biasGradient: H9BiasGradient.timesM)),
        h9("h9-bg-row-means", "bias gradient",
           "The mean is taken along each row (over the units, np.mean(Δ, axis=1)) and indexed by j, instead of down each column over the examples.",
           h9sub(biasGradient: H9BiasGradient.rowMeans)),

        // MARK: batch engine (exercise 7)
        h9("h9-eng-recursion-no-base-case", "batch engine",
           "The backward pass recurses over the layers without a base case at l = 1, so it goes on to l = 0 and reads past the arrays.",
           h9sub(engine: { AnyBackpropEngine(H9Engines.RecursionWithoutBase(steps: $0)) })),
        h9("h9-eng-softmax-down-columns", "batch engine",
           "The output activation is applied to the columns of Zᴸ (over the examples, axis 0, via transposes) instead of to each row.",
           h9sub(engine: { AnyBackpropEngine(H9Engines.OutputDownColumns(steps: $0)) })),
        h9("h9-eng-activations-cached-by-x", "batch engine",
           "The forward activations are cached by X alone, so the same batch through other weights reuses the old activations.",
           h9sub(engine: { AnyBackpropEngine(H9Engines.ActivationsCachedByX(steps: $0)) })),
        h9("h9-eng-logsumexp-overflow", "batch engine",
           "For a softmax output the loss is written by hand as log Σ e^z − Σ y z without subtracting the row's maximum, so it overflows to inf at logits of ±800.",
           h9sub(engine: { AnyBackpropEngine(H9Engines.LogSumExpOverflow(steps: $0)) })),
        h9("h9-eng-integer-mean-loss", "batch engine",
           "The loss is scaled by Double(1 / m) with an Int m: integer division, so the mean loss is 0 for any m above 1.",
           h9sub(engine: { AnyBackpropEngine(H9Engines.IntegerMeanLoss(steps: $0)) })),
        h9("h9-eng-loss-over-columns", "batch engine",
           "The loss is averaged over Y.columns (c) instead of the number of examples m (X.rows).",
           h9sub(engine: { AnyBackpropEngine(H9Engines.LossOverColumns(steps: $0)) })),
        h9("h9-eng-shuffles-x-only", "batch engine",
           "The engine shuffles the rows of X at the start without shuffling Y the same way, so inputs and targets no longer match (and every call differs).",
           h9sub(engine: { AnyBackpropEngine(H9Engines.ShufflesInputsOnly(steps: $0)) })),
        h9("h9-eng-loss-never-stored", "batch engine",
           "After gradients.prepare(for:) it assigns every layer but never gradients.loss, so the loss is whatever the caller's storage held.",
           h9sub(engine: { AnyBackpropEngine(H9Engines.LossNeverStored(steps: $0)) })),
        h9("h9-eng-while-stuck-at-layer-one", "batch engine",
           "The backward while loop decrements l only inside if l > 1, so at layer 1 it never ends.",
           h9sub(engine: { AnyBackpropEngine(H9Engines.StuckAtLayerOne(steps: $0)) })),
        h9("h9-eng-hidden-error-given-z", "batch engine",
           "The hidden error is given Zˡ⁻¹ where the activations Aˡ⁻¹ belong, so σ′ is computed from the pre-activations.",
           h9sub(engine: { AnyBackpropEngine(H9Engines.HiddenErrorGivenZ(steps: $0)) })),

        // MARK: correct, written unusually
        h9("h9-pass-oe-recursive-layers", "pass",
           "Correct: the forward and backward passes are written as recursions over the layers, with the same sums in the same order.",
           h9sub(oneExample: H9OneExample.recursiveLayers)),
        h9("h9-pass-oe-batch-steps-m1", "pass",
           "Correct: one example is run through the batch steps as a batch of m = 1 (1-row matrices).",
           h9sub(oneExample: H9OneExample.viaBatchStepsWithOneRow)),
        h9("h9-pass-fw-unit-outer-loop", "pass",
           "Correct: the loops run over the units j outside and the examples i inside; each sum still starts at b[j] and runs k in order.",
           h9sub(forward: H9Forward.unitOuterLoop)),
        h9("h9-pass-fw-row-arrays", "pass",
           "Correct: Zˡ is built from rowArrays and maps, with the same sum per element, then flattened into a Matrix.",
           h9sub(forward: H9Forward.fromRowArrays)),
        h9("h9-pass-fw-fused", "pass",
           "Correct: each element is a chain of fused multiply-adds started from b[j] (exercise 9's contract).",
           h9sub(forward: H9Forward.fused)),
        h9("h9-pass-oerr-copy-and-subtract", "pass",
           "Correct: Aᴸ is copied (value semantics) and Y subtracted from the copy's elements in place.",
           h9sub(outputError: H9OutputError.copyAndSubtract)),
        h9("h9-pass-he-reduce-dot", "pass",
           "Correct: the sum over k is a reduce from 0 over zip(Δ.row(i), W.row(j)), in k order, then times σ′.",
           h9sub(hiddenError: H9HiddenError.reduceDot)),
        h9("h9-pass-he-explicit-transpose", "pass",
           "Correct: (Wˡ⁺¹)ᵀ is made explicitly with .transposed and read as Wt[k, j], with the same sum order.",
           h9sub(hiddenError: H9HiddenError.explicitTranspose)),
        h9("h9-pass-wg-debug-print", "pass",
           "Correct: the solution's loops with a debugging print of the shapes left in.",
           h9sub(weightGradient: H9WeightGradient.withDebugPrint)),
        h9("h9-pass-wg-unit-outer-loop", "pass",
           "Correct: the loops over j and k are swapped (j outside); each element's sum over the examples keeps its order.",
           h9sub(weightGradient: H9WeightGradient.unitOuterLoop)),
        h9("h9-pass-bg-full-value-cache", "pass",
           "Correct: a cache keyed on the shape and every element's bit pattern of Δˡ, so it only ever returns the answer for identical inputs.",
           h9sub(biasGradient: H9BiasGradient.fullValueCache)),
        h9("h9-pass-bg-column-by-column", "pass",
           "Correct: the sums are taken one column at a time (j outside, i inside), each from 0 in example order.",
           h9sub(biasGradient: H9BiasGradient.columnByColumn)),
        h9("h9-pass-eng-prepare-and-assign", "pass",
           "Correct: the engine calls gradients.prepare(for:) and then assigns every layer and the loss, as the exercise allows.",
           h9sub(engine: { AnyBackpropEngine(H9Engines.PrepareAndAssign(steps: $0)) })),
        h9("h9-pass-eng-running-activation", "pass",
           "Correct: the engine keeps the activations with append/last, prints the shapes while debugging, and builds the gradients with insert(at: 0).",
           h9sub(engine: { AnyBackpropEngine(H9Engines.RunningActivation(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

/// A lock around a student's cache or buffer (the checker may call a step from more than one thread).
private final class H9Box<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func access<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

// MARK: - Exercise 3: one example

private enum H9OneExample {
    static func lossByHandFromActivations(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        // cross-entropy, straight from the note
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

    static func deltaInPlace(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            // reuse δ's array for the layer below (no new allocation), grown if the layer below is wider
            var d = delta + [Double](repeating: 0, count: max(0, h[l - 1] - h[l]))
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * d[k] }
                d[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = Array(d.prefix(h[l - 1]))
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

    static func nielsenWeightGradient(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            // ∂W = δ aᵀ (Nielsen, eq. BP4)
            var gw = Matrix<Double>(rows: h[l], columns: h[l - 1])
            for j in 0..<h[l] { for i in 0..<h[l - 1] { gw[j, i] = delta[j] * a[l - 1][i] } }
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

    static func biasAfterDeltaMoved(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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

    static func weightsIndexOffByOne(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            let W = network.layers[l].weights   // Wˡ
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// x → (every aˡ, zᴸ): the forward pass is the expensive part, so it is kept.
    private static let forwardCache = H9Box<[[Double]: ([[Double]], [Double])]>([:])

    static func forwardCachedByX(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, zL) = forwardCache.access { cache -> ([[Double]], [Double]) in
            if let hit = cache[x] { return hit }
            var a = [x], zL = [Double]()
            for l in 1...L {
                let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
                var zl = [Double](repeating: 0, count: h[l])
                for j in 0..<h[l] {
                    zl[j] = b[j]
                    for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
                }
                if l == L { zL = zl }
                a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
            }
            cache[x] = (a, zL)
            return (a, zL)
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
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

    static func tanhPrimeHardcoded(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
                let aj = a[l - 1][j]
                return sum * (1 - aj * aj)
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func lossMeanOverOutputs(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y) / Double(h[L])
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

    static func whileNeverAdvances(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            var below = [Double](repeating: 0, count: h[l - 1])
            var j = 0
            while j < h[l - 1] {
                var sum = 0.0
                var k = 0
                while k < h[l] {
                    sum += W[j, k] * delta[k]
                    k += 1
                }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func recursiveLayers(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        // forward(l): a⁰ … aˡ and zˡ
        func forward(_ l: Int) -> (a: [[Double]], z: [Double]) {
            if l == 0 { return ([x], []) }
            let below = forward(l - 1)
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * below.a[l - 1][i] }
            }
            let al = l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl)
            return (below.a + [al], zl)
        }
        let (a, zL) = forward(L)
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        // backward(l, δˡ): the gradients of layers 1…l, layer 1 first
        func backward(_ l: Int, _ delta: [Double]) -> [LayerParameters<Double>] {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            let mine = LayerParameters(weights: gw, biases: delta)
            if l == 1 { return [mine] }
            let W = network.layers[l - 1].weights
            let below = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            return backward(l - 1, below) + [mine]
        }
        return Gradients(loss: loss, layers: backward(L, (0..<h[L]).map { a[L][$0] - y[$0] }))
    }

    static func viaBatchStepsWithOneRow(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        // one example = a batch of one row, through my exercise 4–6 steps
        var A = [Matrix([x])]
        var zL = [Double]()
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try Solutions.forward(A[l - 1], layer.weights, layer.biases)
            if l == L { zL = Zl.row(0) }
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        let loss = network.output.loss(logits: zL, activation: A[L].row(0), target: y)
        var delta = try Solutions.outputError(A[L], Matrix([y]))
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try Solutions.weightGradient(A[l - 1], delta),
                                            biases: try Solutions.biasGradient(delta))
            if l > 1 { delta = try Solutions.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        return Gradients(loss: loss, layers: layers)
    }
}

// MARK: - Exercise 4: forward

private enum H9Forward {
    static func biasOnFirstRowOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = i == 0 ? b[j] : 0.0   // bᵀ is one row: add it once
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

    static func inputTransposed(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[k, i] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func biasSubtracted(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = -b[j]   // z = Σ w a − θ
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
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

    private static let cache = H9Box<[[Double]: Matrix<Double>]>([:])

    static func cachedByWeights(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        if let hit = cache.access({ $0[W.elements] }) { return hit }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        cache.access { $0[W.elements] = Z }
        return Z
    }

    static func zShapedLikeInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func sumOverwritten(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum = b[j] + A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func earlyReturn(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
            return Z
        }
        return Z
    }

    static func skipZeroInputsHangs(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                var k = 0
                while k < A.columns {
                    if A[i, k] == 0 { continue }   // a unit that is off adds nothing: skip it
                    sum += A[i, k] * W[k, j]
                    k += 1
                }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func unrolledByTwo(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                var k = 0
                while k != A.columns {   // two terms per trip, for speed
                    sum += A[i, k] * W[k, j]
                    sum += A[i, k + 1] * W[k + 1, j]
                    k += 2
                }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func unitOuterLoop(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for j in 0..<W.columns {
            for i in 0..<A.rows {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func fromRowArrays(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let rows = A.rowArrays.map { a in
            (0..<W.columns).map { j in
                var sum = b[j]
                for k in a.indices { sum += a[k] * W[k, j] }
                return sum
            }
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows.flatMap { $0 })
    }

    static func fused(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var z = b[j]
                for k in 0..<A.columns { z = z.addingProduct(A[i, k], W[k, j]) }
                Z[i, j] = z
            }
        }
        return Z
    }
}

// MARK: - Exercise 4: output error

private enum H9OutputError {
    static func exitOnSingleExample(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        if A.rows == 1 {
            print("one example:", A.row(0), Y.row(0))
            exit(0)
        }
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func softmaxAgain(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let row = A.row(i)
            let largest = row.max() ?? 0
            let e = row.map { exp($0 - largest) }
            let s = e.reduce(0, +)
            for j in 0..<A.columns { delta[i, j] = e[j] / s - Y[i, j] }
        }
        return delta
    }

    static func labelsAsIndices(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let label = Int(Y[i, 0])
            for j in 0..<A.columns { delta[i, j] = A[i, j] - (j == label ? 1 : 0) }
        }
        return delta
    }

    static func clippedOutputs(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = min(max(A[i, j], eps), 1 - eps) - Y[i, j] }
        }
        return delta
    }

    static func boundsSwapped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.columns { for j in 0..<A.rows { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func factorTwo(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = 2 * (A[i, j] - Y[i, j]) } }
        return delta
    }

    private static let cache = H9Box<[[Double]: Matrix<Double>]>([:])

    static func cachedByTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        if let hit = cache.access({ $0[Y.elements] }) { return hit }
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        cache.access { $0[Y.elements] = delta }
        return delta
    }

    static func inFloat(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = Double(Float(A[i, j]) - Float(Y[i, j])) } }
        return delta
    }

    static func lastRowMissing(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows - 1 { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func writesIntoTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        // Y is not needed any more: compute Δ in its memory instead of allocating
        Y.elements.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            let q = UnsafeMutablePointer(mutating: base)
            for n in 0..<p.count { q[n] = A.elements[n] - q[n] }
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: Y.elements)
    }

    static func copyAndSubtract(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = A   // a copy: A is a value
        for n in delta.elements.indices { delta.elements[n] -= Y.elements[n] }
        return delta
    }
}

// MARK: - Exercise 5: hidden error

private enum H9HiddenError {
    static func sigmaPrimeOfSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func sigmoidPrimeHardcoded(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * (A[i, j] * (1 - A[i, j]))
            }
        }
        return delta
    }

    static func dividedByM(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func signFlipped(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum -= D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func zeroesDeltaAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        // Δˡ⁺¹ is used up: clear it so nothing stale hangs around
        D.elements.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            UnsafeMutablePointer(mutating: base).update(repeating: 0, count: p.count)
        }
        return delta
    }

    static func shapedLikeDeltaAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: D.columns)
        for i in 0..<D.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func skipDeadUnitsHangs(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            var j = 0
            while j < W.rows {
                let slope = hidden.derivative(fromActivation: A[i, j])
                if slope == 0 { continue }   // a dead unit: its error stays 0
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * slope
                j += 1
            }
        }
        return delta
    }

    private static let cache = H9Box<[[Double]: Matrix<Double>]>([:])

    static func cachedWithoutDelta(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let key = W.elements + A.elements
        if let hit = cache.access({ $0[key] }) { return hit }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        cache.access { $0[key] = delta }
        return delta
    }

    static func firstExampleErrors(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[0, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func leakyRelu(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                // no dead neurons: a small slope where ReLU is off
                let slope = hidden == .relu ? (A[i, j] > 0 ? 1.0 : 0.01) : hidden.derivative(fromActivation: A[i, j])
                delta[i, j] = sum * slope
            }
        }
        return delta
    }

    static func reduceDot(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            let errors = D.row(i)
            for j in 0..<W.rows {
                let sum = zip(errors, W.row(j)).reduce(0.0) { $0 + $1.0 * $1.1 }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func explicitTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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
}

// MARK: - Exercise 6: weight gradient

private enum H9WeightGradient {
    static func learningRateInside(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, eta = 0.1
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = eta * (sum / Double(m))
            }
        }
        return G
    }

    static func integerOneOverM(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func dividedByFeatures(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(A.columns)
            }
        }
        return G
    }

    static func signFlipped(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    private static let cache = H9Box<[[Double]: Matrix<Double>]>([:])

    static func cachedByInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        if let hit = cache.access({ $0[A.elements] }) { return hit }
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        cache.access { $0[A.elements] = G }
        return G
    }

    static func scalesDeltaInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        // fold the 1/m into Δ once, instead of once per element of ∂W
        D.elements.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            let q = UnsafeMutablePointer(mutating: base)
            for n in 0..<p.count { q[n] /= Double(m) }
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

    static func kBoundFromDelta(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func oneBasedExamples(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 1...m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func mMinusOne(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m - 1)   // unbiased mean
            }
        }
        return G
    }

    static func biasRowAppended(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        // X with a column of ones: the last row of ∂W is the bias's gradient
        var G = Matrix<Double>(rows: A.columns + 1, columns: D.columns)
        for k in 0...A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += (k < A.columns ? A[i, k] : 1) * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func withDebugPrint(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        print("weightGradient: A", A.shapeDescription, "delta", D.shapeDescription)
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

    static func unitOuterLoop(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for j in 0..<D.columns {
            for k in 0..<A.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }
}

// MARK: - Exercise 6: bias gradient

private enum H9BiasGradient {
    static func firstColumnOnly(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, 0] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func dividedByElementCount(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.elements.count) }
    }

    static func runningMeanByI(_ D: Matrix<Double>) throws -> [Double] {
        var mean = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows {
            for j in 0..<D.columns { mean[j] += (D[i, j] - mean[j]) / Double(i) }   // Welford
        }
        return mean
    }

    private static let buffer = H9Box<[Double]>([])

    static func bufferNotReset(_ D: Matrix<Double>) throws -> [Double] {
        buffer.access { sums in
            if sums.count != D.columns { sums = [Double](repeating: 0, count: D.columns) }
            for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
            return sums.map { $0 / Double(D.rows) }
        }
    }

    static func assignedNotAdded(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] = D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func exitOnSingleExample(_ D: Matrix<Double>) throws -> [Double] {
        guard D.rows > 1 else {
            print("biasGradient: need a batch, got", D.shapeDescription)
            exit(1)
        }
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func sizedByM(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.rows)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func recursionStopsEarly(_ D: Matrix<Double>) throws -> [Double] {
        func columnSum(_ j: Int, from i: Int, _ acc: Double) -> Double {
            if i == D.rows - 1 { return acc }
            return columnSum(j, from: i + 1, acc + D[i, j])
        }
        return (0..<D.columns).map { columnSum($0, from: 0, 0) / Double(D.rows) }
    }

    static func timesM(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 * Double(D.rows) }
    }

    static func rowMeans(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in D.row(j).reduce(0, +) / Double(D.columns) }
    }

    private static let cache = H9Box<[[UInt64]: [Double]]>([:])

    static func fullValueCache(_ D: Matrix<Double>) throws -> [Double] {
        let key = [UInt64(D.rows), UInt64(D.columns)] + D.elements.map(\.bitPattern)
        if let hit = cache.access({ $0[key] }) { return hit }
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        let result = sums.map { $0 / Double(D.rows) }
        cache.access { $0[key] = result }
        return result
    }

    static func columnByColumn(_ D: Matrix<Double>) throws -> [Double] {
        var result = [Double]()
        for j in 0..<D.columns {
            var sum = 0.0
            for i in 0..<D.rows { sum += D[i, j] }
            result.append(sum / Double(D.rows))
        }
        return result
    }
}

// MARK: - Exercise 7: batch engine

private enum H9Engines {
    struct RecursionWithoutBase: BackpropEngine {
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
                let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
                try backward(l - 1, below)
            }
            try backward(L, try steps.outputError(A[L], Y))
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct OutputDownColumns: BackpropEngine {
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
                // softmax over axis 0
                A.append(l < L ? Zl.map { network.hidden.value($0) }
                               : Zl.transposed.mapRows { network.output.activation($0) }.transposed)
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

    /// X → (every Aˡ, every Zˡ) from earlier calls.
    private static let forwardCache = H9Box<[[Double]: ([Matrix<Double>], [Matrix<Double>])]>([:])

    struct ActivationsCachedByX: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            if let hit = H9Engines.forwardCache.access({ $0[X.elements] }) {
                (A, Z) = hit
            } else {
                for l in 1...L {
                    let layer = network.layers[l - 1]
                    let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                    Z.append(Zl)
                    A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
                }
                let computed = (A, Z)
                H9Engines.forwardCache.access { $0[X.elements] = computed }
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

    struct LogSumExpOverflow: BackpropEngine {
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
            for i in 0..<m {
                if network.output.activation == .softmax {
                    // ℓ = log Σₖ e^{zₖ} − Σⱼ yⱼ zⱼ, straight from the logits
                    let z = Z[L].row(i), y = Y.row(i)
                    let logSum = log(z.map { exp($0) }.reduce(0, +))
                    var li = 0.0
                    for j in z.indices { li += y[j] * (logSum - z[j]) }
                    loss += li
                } else {
                    loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i))
                }
            }
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

    struct IntegerMeanLoss: BackpropEngine {
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
            gradients = Gradients(loss: loss * Double(1 / m), layers: layers)
        }
    }

    struct LossOverColumns: BackpropEngine {
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
            gradients = Gradients(loss: loss * (1 / Double(Y.columns)), layers: layers)
        }
    }

    struct ShufflesInputsOnly: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            // shuffle the batch first, as in the training loop
            var rows = X.rowArrays
            rows.shuffle()
            var A = [Matrix(rows: m, columns: X.columns, elements: rows.flatMap { $0 })]
            var Z = [Matrix<Double>(rows: 0, columns: 0)]
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

    struct LossNeverStored: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            gradients.prepare(for: network)
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            loss *= 1 / Double(m)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                gradients.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                          biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
        }
    }

    struct StuckAtLayerOne: BackpropEngine {
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
            var l = L
            while l >= 1 {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 {
                    delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
                    l -= 1
                }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct HiddenErrorGivenZ: BackpropEngine {
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
                // δˡ⁻¹ = (δˡ Wˡᵀ) ∘ σ′(Zˡ⁻¹)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, Z[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct PrepareAndAssign: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            gradients.prepare(for: network)
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            gradients.loss = loss * (1 / Double(m))
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
                gradients.layers[l - 1].biases = try steps.biasGradient(delta)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
        }
    }

    struct RunningActivation: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X]
            var ZL = X
            for layer in network.layers {
                let Zl = try steps.forward(A.last!, layer.weights, layer.biases)
                if A.count == L {
                    ZL = Zl
                    A.append(Zl.mapRows { network.output.activation($0) })
                } else {
                    A.append(Zl.map { network.hidden.value($0) })
                }
                print("forward: A", A.count - 1, A.last!.shapeDescription)
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>]()
            var delta = try steps.outputError(A[L], Y)
            for l in (1...L).reversed() {
                layers.insert(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                              biases: try steps.biasGradient(delta)), at: 0)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }
}
