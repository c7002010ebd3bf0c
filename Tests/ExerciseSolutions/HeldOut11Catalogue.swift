import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 11: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut11Submission: Sendable {
    public let name: String
    /// The step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient",
    /// "bias gradient", "batch engine"), or "pass".
    public let expected: String
    /// The slip in one sentence, as a TA would describe it.
    public let mistake: String
    public let submission: StudentSubmission
}

func h11(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut11Submission {
    HeldOut11Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h11sub(
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

public enum HeldOut11Catalogue {
    public static let all: [HeldOut11Submission] = [
        // MARK: one example (exercise 3)
        h11("h11-oe-sigmoid-output-by-hand", "one example",
            "aᴸ is computed as zL.map { 1 / (1 + exp(-$0)) } for every network, so a softmax output gets element-wise sigmoids instead of the softmax of zᴸ.",
            h11sub(oneExample: H11OneExample.sigmoidOutputByHand)),
        h11("h11-oe-categorical-loss-by-hand", "one example",
            "ℓ is written by hand as −Σⱼ yⱼ log aⱼ from aᴸ for every output: it drops the (1 − yⱼ) log(1 − aⱼ) terms of the sigmoid cross-entropy, and is log 0 = −∞ where aᴸ rounds to 0 at logits of ±800.",
            h11sub(oneExample: H11OneExample.categoricalLossByHand)),
        h11("h11-oe-bias-added-twice", "one example",
            "the forward sum starts from zl[j] = b[j] and then adds b[j] again after the loop over k, so zˡⱼ = 2bⱼ + Σₖ W[k, j] aₖ.",
            h11sub(oneExample: H11OneExample.biasAddedTwice)),
        h11("h11-oe-sigma-prime-from-layer-above", "one example",
            "δˡ⁻¹ⱼ multiplies by derivative(fromActivation: a[l][j]), the activation of the layer above, where a[l - 1][j] belongs (on 6-5-3 the index runs past a²).",
            h11sub(oneExample: H11OneExample.sigmaPrimeFromLayerAbove)),
        h11("h11-oe-output-activation-on-hidden", "one example",
            "every layer, hidden ones included, is activated with network.output.activation(zl), so the hidden layers get the softmax (or the sigmoid) where network.hidden.value belongs.",
            h11sub(oneExample: H11OneExample.outputActivationOnHidden)),
        h11("h11-oe-backward-stops-at-layer-2", "one example",
            "the backward loop is stride(from: L, to: 1, by: -1), so layer 1's gradients are never computed and stay the 1 × 1 placeholder.",
            h11sub(oneExample: H11OneExample.backwardStopsAtLayer2)),
        h11("h11-oe-target-as-class-index", "one example",
            "δᴸ is computed as aᴸ with 1 subtracted at index Int(y[0]), treating the one-hot y as if y[0] were the class label, instead of aᴸ − y.",
            h11sub(oneExample: H11OneExample.targetAsClassIndex)),
        h11("h11-oe-float-activations", "one example",
            "the activations aˡ are stored as [[Float]] (x converted to Float too) and converted back to Double for every product, so every gradient carries Float rounding.",
            h11sub(oneExample: H11OneExample.floatActivations)),
        h11("h11-oe-cache-by-x", "one example",
            "the gradients are memoised in a global dictionary keyed by x alone, so a later call with the same x but other weights or another target returns the old gradients.",
            h11sub(oneExample: H11OneExample.cacheByX)),
        h11("h11-oe-bias-gradient-after-delta-moved", "one example",
            "layers[l - 1] is stored after delta has already been replaced by δˡ⁻¹, so ∂bˡ = δˡ⁻¹ (and a crash on non-square layers, where the counts differ) while ∂Wˡ used δˡ.",
            h11sub(oneExample: H11OneExample.biasGradientAfterDeltaMoved)),
        h11("h11-oe-hidden-running-sum-not-reset", "one example",
            "in the hidden error `var sum = 0.0` is declared once before the loop over j, so δˡ⁻¹ⱼ uses the running sum of all the units before j as well.",
            h11sub(oneExample: H11OneExample.hiddenRunningSumNotReset)),
        h11("h11-oe-sigmoid-derivative-by-hand", "one example",
            "σ′ is written as a * (1 - a) whatever network.hidden is, which is right only for sigmoid hidden layers (tanh needs 1 − a², ReLU [a > 0]).",
            h11sub(oneExample: H11OneExample.sigmoidDerivativeByHand)),

        // MARK: forward (exercise 4)
        h11("h11-fw-break-on-zero-input", "forward",
            "the sum over k skips zero inputs with `if A[i, k] == 0 { break }` instead of continue, so after the first unit whose ReLU is off every later term of the row is dropped.",
            h11sub(forward: H11Forward.breakOnZeroInput)),
        h11("h11-fw-result-shaped-like-input", "forward",
            "Z is allocated as Matrix(rows: A.rows, columns: A.columns), the input's width h_{l−1}, where W.columns (h_l) belongs.",
            h11sub(forward: H11Forward.resultShapedLikeInput)),
        h11("h11-fw-first-example-skipped", "forward",
            "the loop over the examples is `for i in 1..<A.rows`, so row 0 of Zˡ is left at zero.",
            h11sub(forward: H11Forward.firstExampleSkipped)),
        h11("h11-fw-sigmoid-applied", "forward",
            "the step returns 1 / (1 + exp(-sum)), the sigmoid of the pre-activation, where Zˡ itself belongs (the engine applies σ).",
            h11sub(forward: H11Forward.sigmoidApplied)),
        h11("h11-fw-float-sum", "forward",
            "the sum over k is accumulated in Float (Float(b[j]) + Float(A) * Float(W)) and converted back to Double.",
            h11sub(forward: H11Forward.floatSum)),
        h11("h11-fw-transpose-cached-by-shape", "forward",
            "Wᵀ is kept in a global and recomputed only when W's shape changes, so a layer (or call) with weights of the same shape reuses an earlier layer's weights.",
            h11sub(forward: H11Forward.transposeCachedByShape)),
        h11("h11-fw-bias-on-first-row-only", "forward",
            "the bias is added in a separate loop as Z.elements[j] += b[j], which is row 0 of the row-major storage, so only the first example gets bˡ.",
            h11sub(forward: H11Forward.biasOnFirstRowOnly)),
        h11("h11-fw-sum-starts-at-k1", "forward",
            "the sum over k is `for k in 1..<A.columns`, dropping the term A[i, 0] W[0, j].",
            h11sub(forward: H11Forward.sumStartsAtK1)),
        h11("h11-fw-weight-row-by-example", "forward",
            "the term is A[i, k] * W[i, j], the weight row indexed by the example i where the input unit k belongs.",
            h11sub(forward: H11Forward.weightRowByExample)),
        h11("h11-fw-bias-inside-sum", "forward",
            "sum += A[i, k] * W[k, j] + b[j] inside the loop over k adds bⱼ once per term, h_{l−1} times.",
            h11sub(forward: H11Forward.biasInsideSum)),

        // MARK: output error (exercise 4)
        h11("h11-out-clipped", "output error",
            "Aᴸ is clipped to [1e-7, 1 − 1e-7] before the subtraction (a log-loss habit), so Δᴸ is off wherever an output is saturated.",
            h11sub(outputError: H11OutputError.clipped)),
        h11("h11-out-loop-bounds-swapped", "output error",
            "the loops are `for i in 0..<A.columns { for j in 0..<A.rows { … } }`, the bounds swapped, so a non-square Aᴸ is indexed past its columns (or only partly filled).",
            h11sub(outputError: H11OutputError.loopBoundsSwapped)),
        h11("h11-out-target-transposed", "output error",
            "Δ[i, j] = A[i, j] − Y[j, i]: the target is read transposed.",
            h11sub(outputError: H11OutputError.targetTransposed)),
        h11("h11-out-last-example-skipped", "output error",
            "the loop over the examples is `0..<A.rows - 1`, so the last row of Δᴸ stays 0 (all of it when m = 1).",
            h11sub(outputError: H11OutputError.lastExampleSkipped)),
        h11("h11-out-sigmoid-derivative", "output error",
            "Δᴸ = (Aᴸ − Y) ∘ Aᴸ(1 − Aᴸ): the sigmoid-with-squared-error rule, with a σ′ that cancels for cross-entropy.",
            h11sub(outputError: H11OutputError.sigmoidDerivative)),
        h11("h11-out-divided-by-m", "output error",
            "every element is divided by Double(A.rows), putting the 1/m of the mean into Δᴸ instead of into the gradients.",
            h11sub(outputError: H11OutputError.dividedByM)),
        h11("h11-out-argmax-label", "output error",
            "each target row is reduced to its argmax label and Δ[i, j] = A[i, j] − (j == label ? 1 : 0): the same as Aᴸ − Y for one-hot rows, wrong for any target row that is not one-hot (multi-label sigmoid targets, soft labels).",
            h11sub(outputError: H11OutputError.argmaxLabel)),
        h11("h11-out-float", "output error",
            "Δ[i, j] = Double(Float(A[i, j]) - Float(Y[i, j])): the subtraction is done in Float.",
            h11sub(outputError: H11OutputError.float)),
        h11("h11-out-written-into-targets", "output error",
            "Δᴸ is computed into Y's storage through UnsafeMutablePointer(mutating:) and Y returned, so the values are right but the caller's targets are overwritten.",
            h11sub(outputError: H11OutputError.writtenIntoTargets)),
        h11("h11-out-squared-error-factor-two", "output error",
            "Δ[i, j] = 2 * (A[i, j] − Y[i, j]): the derivative of a squared error without the ½, twice the right output error.",
            h11sub(outputError: H11OutputError.squaredErrorFactorTwo)),

        // MARK: hidden error (exercise 5)
        h11("h11-hid-sigmoid-derivative-by-hand", "hidden error",
            "σ′ is written as A[i, j] * (1 - A[i, j]) whatever `hidden` is: right for sigmoid, wrong for tanh (1 − a²) and ReLU ([a > 0]).",
            h11sub(hiddenError: H11HiddenError.sigmoidDerivativeByHand)),
        h11("h11-hid-while-continue-hangs", "hidden error",
            "the while loop over j skips units whose σ′ is 0 with `continue` before `j += 1`, so it never advances past the first inactive unit (a ReLU that is off, a saturated tanh) and never finishes.",
            h11sub(hiddenError: H11HiddenError.whileContinueHangs)),
        h11("h11-hid-sigma-prime-at-k", "hidden error",
            "σ′ is taken inside the sum at A[i, k], the index of the layer above, where A[i, j] belongs, so each term is weighted by another unit's σ′.",
            h11sub(hiddenError: H11HiddenError.sigmaPrimeAtK)),
        h11("h11-hid-result-shaped-like-delta-above", "hidden error",
            "Δˡ is allocated as Matrix(rows: D.rows, columns: D.columns), the shape of Δˡ⁺¹ [m, h_{l+1}], where [m, W.rows] = [m, h_l] belongs.",
            h11sub(hiddenError: H11HiddenError.resultShapedLikeDeltaAbove)),
        h11("h11-hid-derivative-cached", "hidden error",
            "σ′(Aˡ) is computed once and kept in a global dictionary keyed by the activation and Aˡ's shape, so a later call with other activations of the same shape reuses the old σ′.",
            h11sub(hiddenError: H11HiddenError.derivativeCached)),
        h11("h11-hid-exit-after-print", "hidden error",
            "a debugging `print(\"delta\", delta.shapeDescription); exit(0)` is left before the return, so the program ends in the middle of the first call.",
            h11sub(hiddenError: H11HiddenError.exitAfterPrint)),
        h11("h11-hid-delta-above-transposed", "hidden error",
            "the sum reads D[k, i] * W[j, k]: Δˡ⁺¹ indexed transposed (example and unit swapped).",
            h11sub(hiddenError: H11HiddenError.deltaAboveTransposed)),
        h11("h11-hid-divided-by-m", "hidden error",
            "Δ[i, j] = sum * σ′ / Double(D.rows): a 1/m is put into the hidden error, where it does not belong.",
            h11sub(hiddenError: H11HiddenError.dividedByM)),
        h11("h11-hid-k-bound-rows", "hidden error",
            "the sum over k runs to W.rows (h_l, the layer's own width) where W.columns (h_{l+1}) belongs.",
            h11sub(hiddenError: H11HiddenError.kBoundRows)),
        h11("h11-hid-leaky-relu", "hidden error",
            "for ReLU σ′ is written by hand as A > 0 ? 1 : 0.01 (leaky ReLU's derivative), so units whose ReLU is off get 0.01 instead of 0.",
            h11sub(hiddenError: H11HiddenError.leakyRelu)),

        // MARK: weight gradient (exercise 6)
        h11("h11-wg-integer-reciprocal", "weight gradient",
            "the sum is multiplied by Double(1 / m) with an Int m, which is 0 for every m above 1 (and 1 for m = 1).",
            h11sub(weightGradient: H11WeightGradient.integerReciprocal)),
        h11("h11-wg-example-loop-bound-columns", "weight gradient",
            "the sum over the examples runs `for i in 0..<A.columns` (h_{l−1}) where A.rows (m) belongs.",
            h11sub(weightGradient: H11WeightGradient.exampleLoopBoundColumns)),
        h11("h11-wg-assign-not-add", "weight gradient",
            "sum = A[i, k] * D[i, j] inside the loop over i overwrites instead of adding, so only the last example counts (then /m).",
            h11sub(weightGradient: H11WeightGradient.assignNotAdd)),
        h11("h11-wg-divided-by-inputs", "weight gradient",
            "the sum is divided by Double(A.columns) (h_{l−1}) where m = A.rows belongs.",
            h11sub(weightGradient: H11WeightGradient.dividedByInputs)),
        h11("h11-wg-scales-input-in-place", "weight gradient",
            "Aˡ⁻¹ is multiplied by 1/m in place through UnsafeMutablePointer(mutating:) before the product, so ∂Wˡ comes out right but the caller's activations are overwritten.",
            h11sub(weightGradient: H11WeightGradient.scalesInputInPlace)),
        h11("h11-wg-result-transposed", "weight gradient",
            "the result is built as G[j, k] in a Matrix(rows: D.columns, columns: A.columns): (Δˡ)ᵀ Aˡ⁻¹, the transpose of ∂Wˡ.",
            h11sub(weightGradient: H11WeightGradient.resultTransposed)),
        h11("h11-wg-no-mean", "weight gradient",
            "G[k, j] = sum: the 1/m is missing, the gradient of the summed loss.",
            h11sub(weightGradient: H11WeightGradient.noMean)),
        h11("h11-wg-float-sum", "weight gradient",
            "the sum over the examples is accumulated in a Float and converted back to Double after the division.",
            h11sub(weightGradient: H11WeightGradient.floatSum)),
        h11("h11-wg-transpose-cached-by-shape", "weight gradient",
            "(Aˡ⁻¹)ᵀ is kept in a global and recomputed only when A's shape changes, so another layer or call with activations of the same shape uses stale activations.",
            h11sub(weightGradient: H11WeightGradient.transposeCachedByShape)),
        h11("h11-wg-first-example-skipped", "weight gradient",
            "the sum over the examples is `for i in 1..<m`, dropping example 0 (still divided by m).",
            h11sub(weightGradient: H11WeightGradient.firstExampleSkipped)),

        // MARK: bias gradient (exercise 6)
        h11("h11-bg-stride-by-rows", "bias gradient",
            "column j is summed from the flat storage with stride(from: j, to: count, by: D.rows) where the row length D.columns belongs.",
            h11sub(biasGradient: H11BiasGradient.strideByRows)),
        h11("h11-bg-global-accumulator", "bias gradient",
            "the column sums are accumulated in a global array that is only resized, never zeroed, so each call adds onto the previous calls' sums.",
            h11sub(biasGradient: H11BiasGradient.globalAccumulator)),
        h11("h11-bg-assign-not-add", "bias gradient",
            "sums[j] = D[i, j] inside the loop over the examples overwrites instead of adding, so ∂b is the last row divided by m.",
            h11sub(biasGradient: H11BiasGradient.assignNotAdd)),
        h11("h11-bg-integer-reciprocal", "bias gradient",
            "the sums are multiplied by Double(1 / D.rows), Int division: 0 for every m above 1.",
            h11sub(biasGradient: H11BiasGradient.integerReciprocal)),
        h11("h11-bg-row-sums", "bias gradient",
            "each example's row is summed (over the units, axis=1) and divided by m, returning m numbers where the h_l column sums belong.",
            h11sub(biasGradient: H11BiasGradient.rowSums)),
        h11("h11-bg-first-example-skipped", "bias gradient",
            "the loop over the examples is `for i in 1..<D.rows`, dropping example 0 from the sum (still divided by m).",
            h11sub(biasGradient: H11BiasGradient.firstExampleSkipped)),
        h11("h11-bg-no-mean", "bias gradient",
            "the column sums are returned without the 1/m.",
            h11sub(biasGradient: H11BiasGradient.noMean)),
        h11("h11-bg-divided-twice", "bias gradient",
            "each term is divided by m inside the sum and the sum divided by m again, 1/m² in all.",
            h11sub(biasGradient: H11BiasGradient.dividedTwice)),
        h11("h11-bg-float-sum", "bias gradient",
            "the column sums are accumulated in a [Float] and converted back to Double.",
            h11sub(biasGradient: H11BiasGradient.floatSum)),

        // MARK: batch engine (exercise 7)
        h11("h11-eng-loss-on-flattened-batch", "batch engine",
            "the loss is one call network.output.loss(logits: Zᴸ.elements, activation: Aᴸ.elements, target: Y.elements) × 1/m on the whole flattened batch, which for a softmax takes one log-sum-exp over all m·c logits instead of one per row.",
            h11sub(engine: H11Engine.lossOnFlattenedBatch)),
        h11("h11-eng-sigma-prime-from-z", "batch engine",
            "the hidden error is given Z[l - 1] where A[l - 1] belongs, so σ′ is computed from the pre-activation.",
            h11sub(engine: H11Engine.sigmaPrimeFromZ)),
        h11("h11-eng-delta-moved-before-gradients", "batch engine",
            "in the backward loop Δ is replaced by hiddenError(Δˡ, Wˡ, Aˡ⁻¹) BEFORE layer l's gradients are taken, so layers L…2 get gradients of Δˡ⁻¹ instead of Δˡ.",
            h11sub(engine: H11Engine.deltaMovedBeforeGradients)),
        h11("h11-eng-last-hidden-gets-output-activation", "batch engine",
            "the forward pass tests `l < L - 1` for the hidden σ, so layer L − 1 gets the output activation (softmax or sigmoid) row by row instead of σ.",
            h11sub(engine: H11Engine.lastHiddenGetsOutputActivation)),
        h11("h11-eng-loss-over-inputs", "batch engine",
            "the summed loss is multiplied by 1 / Double(X.columns), the number of input features n, where 1/m (X.rows) belongs.",
            h11sub(engine: H11Engine.lossOverInputs)),
        h11("h11-eng-forward-cached-by-x", "batch engine",
            "the forward pass (every Zˡ and Aˡ) is kept in a global and reused whenever X is the same as last call's, so another network (other weights) with the same batch gets the old activations.",
            h11sub(engine: H11Engine.forwardCachedByX)),
        h11("h11-eng-softmax-batch-max", "batch engine",
            "the softmax is written by hand and subtracts the largest logit of the whole batch instead of each row's own, so a row far below that maximum becomes 0/0.",
            h11sub(engine: H11Engine.softmaxBatchMax)),
        h11("h11-eng-loss-log-of-label", "batch engine",
            "the loss is written by hand as −log Aᴸ[i, label] with label = argmax of Y's row: it drops the (1 − y) terms of the sigmoid cross-entropy and is +∞ where the label's output rounds to 0.",
            h11sub(engine: H11Engine.lossLogOfLabel)),
        h11("h11-eng-biases-never-assigned", "batch engine",
            "after gradients.prepare(for: network) only gradients.layers[l - 1].weights and the loss are assigned; the biases keep whatever the storage held (zeros or last call's).",
            h11sub(engine: H11Engine.biasesNeverAssigned)),
        h11("h11-eng-first-target-for-every-row", "batch engine",
            "the loss loop passes target: Y.row(0) for every example i, where Y.row(i) belongs.",
            h11sub(engine: H11Engine.firstTargetForEveryRow)),

        // MARK: correct, written unusually
        h11("h11-pass-oe-recursive", "pass",
            "one example with a recursive forward pass and a recursive backward pass that returns the layers bottom first.",
            h11sub(oneExample: H11OneExample.passRecursive)),
        h11("h11-pass-oe-functional", "pass",
            "one example with zip/map/reduce throughout, the layers appended top first and reversed at the end.",
            h11sub(oneExample: H11OneExample.passFunctional)),
        h11("h11-pass-oe-column-matrices", "pass",
            "one example with every vector a [h, 1] Matrix, (Wˡ)ᵀ taken with .transposed and a hand-written matrix product helper.",
            h11sub(oneExample: H11OneExample.passColumnMatrices)),
        h11("h11-pass-fw-ikj-order", "pass",
            "the forward step with loop order i, k, j: Z is filled with the biases first and each input's contribution added row by row.",
            h11sub(forward: H11Forward.passIKJOrder)),
        h11("h11-pass-fw-functional-validated", "pass",
            "the forward step that checks the shapes (throwing a BackpropError) and builds Z from rows with map and reduce(b[j]).",
            h11sub(forward: H11Forward.passFunctionalValidated)),
        h11("h11-pass-out-zip-elements", "pass",
            "the output error as zip(A.elements, Y.elements).map(-) on the row-major storage.",
            h11sub(outputError: H11OutputError.passZipElements)),
        h11("h11-pass-out-printed-checked", "pass",
            "the output error that prints the shapes, throws when they differ, and fills Δ row by row with row(i).",
            h11sub(outputError: H11OutputError.passPrintedChecked)),
        h11("h11-pass-out-negated-difference", "pass",
            "the output error written as -(Y[i, j] - A[i, j]).",
            h11sub(outputError: H11OutputError.passNegatedDifference)),
        h11("h11-pass-hid-sigma-inside-sum", "pass",
            "the hidden error with σ′(A[i, j]) computed once per (i, j) and multiplied into every term of the sum instead of once after it.",
            h11sub(hiddenError: H11HiddenError.passSigmaInsideSum)),
        h11("h11-pass-hid-transposed-helper", "pass",
            "the hidden error as Δˡ⁺¹ times W.transposed with a product helper, then ∘ A.map(hidden.derivative).",
            h11sub(hiddenError: H11HiddenError.passTransposedHelper)),
        h11("h11-pass-wg-times-reciprocal", "pass",
            "the weight gradient multiplied by 1 / Double(m) instead of divided by m.",
            h11sub(weightGradient: H11WeightGradient.passTimesReciprocal)),
        h11("h11-pass-wg-outer-products", "pass",
            "the weight gradient as the sum of the m outer products aᵢ δᵢᵀ (loop order i, k, j), divided by m at the end.",
            h11sub(weightGradient: H11WeightGradient.passOuterProducts)),
        h11("h11-pass-bg-functional", "pass",
            "the bias gradient as (0..<columns).map { j in (0..<rows).reduce(0) { $0 + D[$1, j] } / Double(rows) }.",
            h11sub(biasGradient: H11BiasGradient.passFunctional)),
        h11("h11-pass-bg-single-example-shortcut", "pass",
            "the bias gradient that returns D.row(0) when m = 1 and otherwise sums the rows in order and multiplies by 1 / Double(m).",
            h11sub(biasGradient: H11BiasGradient.passSingleExampleShortcut)),
        h11("h11-pass-eng-extra-hidden-error", "pass",
            "the engine computes a hidden error at l = 1 too (an unused Δ⁰ from X), then ignores it.",
            h11sub(engine: H11Engine.passExtraHiddenError)),
        h11("h11-pass-eng-delta-at-loop-top", "pass",
            "the engine computes Δˡ at the top of each backward iteration: outputError at l = L, hiddenError(Δˡ⁺¹, Wˡ⁺¹, Aˡ) below.",
            h11sub(engine: H11Engine.passDeltaAtLoopTop)),
        h11("h11-pass-eng-prepare-assign", "pass",
            "the engine calls gradients.prepare(for:) and assigns every layer and the loss (summed, then divided by m), printing each layer's shapes.",
            h11sub(engine: H11Engine.passPrepareAssign)),
        h11("h11-pass-eng-recursive-backward", "pass",
            "the engine with a recursive backward pass that returns the layers bottom first.",
            h11sub(engine: H11Engine.passRecursiveBackward)),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - Global state the slips keep between calls (Swift 6: nonisolated(unsafe), as a student silences the error)

nonisolated(unsafe) private var h11GradientCache: [[Double]: Gradients<Double>] = [:]
nonisolated(unsafe) private var h11CachedWeightsT: Matrix<Double>? = nil
nonisolated(unsafe) private var h11DerivativeCache: [String: Matrix<Double>] = [:]
nonisolated(unsafe) private var h11CachedInputT: Matrix<Double>? = nil
nonisolated(unsafe) private var h11BiasSums: [Double] = []
nonisolated(unsafe) private var h11ForwardCache: (X: Matrix<Double>, A: [Matrix<Double>], Z: [Matrix<Double>])? = nil

// MARK: - One example (exercise 3)

enum H11OneExample {
    static func sigmoidOutputByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            } else {
                a.append(zl.map { 1 / (1 + exp(-$0)) })   // output probabilities
            }
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
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func categoricalLossByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        // cross-entropy: ℓ = −Σ y log a
        var loss = 0.0
        for j in 0..<h[L] { loss -= y[j] * log(a[L][j]) }
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
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
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
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
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
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func outputActivationOnHidden(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            a.append(network.output.activation(zl))
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
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func backwardStopsAtLayer2(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        for l in stride(from: L, to: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func targetAsClassIndex(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        // δᴸ = a − y: subtract 1 at the correct class
        var delta = a[L]
        delta[Int(y[0])] -= 1
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func floatActivations(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Float]] = [x.map { Float($0) }]
        var zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for k in 0..<h[l - 1] { zl[j] += W[k, j] * Double(a[l - 1][k]) }
            }
            if l == L { zL = zl }
            let al = l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl)
            a.append(al.map { Float($0) })
        }
        let aL = a[L].map { Double($0) }
        let loss = network.output.loss(logits: zL, activation: aL, target: y)
        var delta = (0..<h[L]).map { aL[$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = Double(a[l - 1][k]) * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: Double(a[l - 1][j]))
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func cacheByX(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        if let known = h11GradientCache[x] { return known }   // seen this example already: skip the work
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
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        let result = Gradients(loss: loss, layers: layers)
        h11GradientCache[x] = result
        return result
    }

    static func biasGradientAfterDeltaMoved(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var sum = 0.0
                    for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                    below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func hiddenRunningSumNotReset(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            var sum = 0.0
            for j in 0..<h[l - 1] {
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
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
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                let aj = a[l - 1][j]
                below[j] = sum * aj * (1 - aj)   // σ′ = a(1 − a)
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    // MARK: correct, written unusually

    static func passRecursive(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes

        func forward(_ l: Int, _ a: [[Double]], _ z: [[Double]]) -> (a: [[Double]], z: [[Double]]) {
            if l > L { return (a, z) }
            let layer = network.layers[l - 1]
            var zl = layer.biases
            for j in zl.indices {
                for k in 0..<layer.weights.rows { zl[j] += layer.weights[k, j] * a[l - 1][k] }
            }
            let al = l == L ? network.output.activation(zl) : zl.map { network.hidden.value($0) }
            return forward(l + 1, a + [al], z + [zl])
        }
        let (a, z) = forward(1, [x], [[]])

        func backward(_ l: Int, _ delta: [Double]) -> [LayerParameters<Double>] {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            let here = LayerParameters(weights: gw, biases: delta)
            if l == 1 { return [here] }
            let W = network.layers[l - 1].weights
            let below = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] }
                    * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            return backward(l - 1, below) + [here]
        }
        let deltaL = zip(a[L], y).map { $0 - $1 }
        return Gradients(loss: network.output.loss(logits: z[L], activation: a[L], target: y),
                         layers: backward(L, deltaL))
    }

    static func passFunctional(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        var activations = [x]
        var logits: [Double] = []
        for (index, layer) in network.layers.enumerated() {
            let input = activations[index]
            let zl = (0..<layer.weights.columns).map { j in
                (0..<layer.weights.rows).reduce(layer.biases[j]) { $0 + layer.weights[$1, j] * input[$1] }
            }
            if index == network.layers.count - 1 {
                logits = zl
                activations.append(network.output.activation(zl))
            } else {
                activations.append(zl.map(network.hidden.value))
            }
        }
        let output = activations[activations.count - 1]
        let loss = network.output.loss(logits: logits, activation: output, target: y)
        var delta = zip(output, y).map(-)
        var topFirst: [LayerParameters<Double>] = []
        for index in network.layers.indices.reversed() {
            let input = activations[index]
            let d = delta
            let elements = input.flatMap { ak in d.map { ak * $0 } }
            topFirst.append(LayerParameters(weights: Matrix(rows: input.count, columns: d.count, elements: elements),
                                            biases: d))
            if index > 0 {
                let W = network.layers[index].weights
                delta = (0..<W.rows).map { j in
                    (0..<W.columns).reduce(0.0) { $0 + W[j, $1] * d[$1] }
                        * network.hidden.derivative(fromActivation: input[j])
                }
            }
        }
        return Gradients(loss: loss, layers: Array(topFirst.reversed()))
    }

    static func passColumnMatrices(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        func product(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
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
        func column(_ v: [Double]) -> Matrix<Double> { Matrix(rows: v.count, columns: 1, elements: v) }

        let L = network.layerCount
        var a = [column(x)]
        var zL = [Double]()
        for l in 1...L {
            let layer = network.layers[l - 1]
            let product1 = product(layer.weights.transposed, a[l - 1])          // (Wˡ)ᵀ aˡ⁻¹, [h_l, 1]
            let zl = zip(product1.elements, layer.biases).map { $0 + $1 }       // + bˡ
            if l == L {
                zL = zl
                a.append(column(network.output.activation(zl)))
            } else {
                a.append(column(zl.map { network.hidden.value($0) }))
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L].elements, target: y)
        var delta = column(zip(a[L].elements, y).map { $0 - $1 })
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            let gw = product(a[l - 1], delta.transposed)                        // aˡ⁻¹ (δˡ)ᵀ
            layers[l - 1] = LayerParameters(weights: gw, biases: delta.elements)
            if l > 1 {
                let back = product(network.layers[l - 1].weights, delta)        // Wˡ δˡ, [h_{l−1}, 1]
                delta = column((0..<back.rows).map {
                    back[$0, 0] * network.hidden.derivative(fromActivation: a[l - 1][$0, 0])
                })
            }
        }
        return Gradients(loss: loss, layers: layers)
    }
}

// MARK: - Forward (exercise 4)

enum H11Forward {
    static func breakOnZeroInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns {
                    if A[i, k] == 0 { break }   // nothing to add for an inactive input
                    sum += A[i, k] * W[k, j]
                }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func resultShapedLikeInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func firstExampleSkipped(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 1..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func sigmoidApplied(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func floatSum(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = Float(b[j])
                for k in 0..<A.columns { sum += Float(A[i, k]) * Float(W[k, j]) }
                Z[i, j] = Double(sum)
            }
        }
        return Z
    }

    static func transposeCachedByShape(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        // transpose once so the inner loop walks a row of Wᵀ (faster)
        if h11CachedWeightsT == nil || h11CachedWeightsT!.rows != W.columns || h11CachedWeightsT!.columns != W.rows {
            h11CachedWeightsT = W.transposed
        }
        let WT = h11CachedWeightsT!
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * WT[j, k] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func biasOnFirstRowOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        // + 1ₘ bᵀ
        for j in 0..<b.count { Z.elements[j] += b[j] }
        return Z
    }

    static func sumStartsAtK1(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func weightRowByExample(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[i, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func biasInsideSum(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] + b[j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // MARK: correct, written unusually

    static func passIKJOrder(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns { Z[i, j] = b[j] }
            for k in 0..<A.columns {
                let aik = A[i, k]
                for j in 0..<W.columns { Z[i, j] += aik * W[k, j] }
            }
        }
        return Z
    }

    static func passFunctionalValidated(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        guard A.columns == W.rows, b.count == W.columns else {
            throw BackpropError("forward: A \(A.shapeDescription), W \(W.shapeDescription), b [\(b.count)] do not fit")
        }
        let rows = (0..<A.rows).map { i in
            (0..<W.columns).map { j in (0..<A.columns).reduce(b[j]) { $0 + A[i, $1] * W[$1, j] } }
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows.flatMap { $0 })
    }
}

// MARK: - Output error (exercise 4)

enum H11OutputError {
    static func clipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
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

    static func loopBoundsSwapped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.columns {
            for j in 0..<A.rows { delta[i, j] = A[i, j] - Y[i, j] }
        }
        return delta
    }

    static func targetTransposed(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[j, i] }
        }
        return delta
    }

    static func lastExampleSkipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows - 1 {
            for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] }
        }
        return delta
    }

    static func sigmoidDerivative(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = A[i, j]
                delta[i, j] = (a - Y[i, j]) * a * (1 - a)
            }
        }
        return delta
    }

    static func dividedByM(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / m }
        }
        return delta
    }

    static func argmaxLabel(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            var label = 0
            for j in 1..<Y.columns where Y[i, j] > Y[i, label] { label = j }
            for j in 0..<A.columns { delta[i, j] = A[i, j] - (j == label ? 1 : 0) }
        }
        return delta
    }

    static func float(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = Double(Float(A[i, j]) - Float(Y[i, j])) }
        }
        return delta
    }

    static func writtenIntoTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        // Y is not needed after this: compute Δ in its storage and save an allocation
        Y.elements.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let p = UnsafeMutablePointer(mutating: base)
            for index in 0..<buffer.count { p[index] = A.elements[index] - p[index] }
        }
        return Y
    }

    static func squaredErrorFactorTwo(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = 2 * (A[i, j] - Y[i, j]) }   // d/da (a − y)²
        }
        return delta
    }

    // MARK: correct, written unusually

    static func passZipElements(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map(-))
    }

    static func passPrintedChecked(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        print("outputError: A", A.shapeDescription, "Y", Y.shapeDescription)
        guard A.rows == Y.rows, A.columns == Y.columns else {
            throw BackpropError("output error: A \(A.shapeDescription) and Y \(Y.shapeDescription) differ")
        }
        var rows: [[Double]] = []
        for i in 0..<A.rows {
            let a = A.row(i), y = Y.row(i)
            rows.append((0..<a.count).map { a[$0] - y[$0] })
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: rows.flatMap { $0 })
    }

    static func passNegatedDifference(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = -(Y[i, j] - A[i, j]) }
        }
        return delta
    }
}

// MARK: - Hidden error (exercise 5)

enum H11HiddenError {
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

    static func whileContinueHangs(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            var j = 0
            while j < W.rows {
                let slope = hidden.derivative(fromActivation: A[i, j])
                if slope == 0 { continue }   // inactive unit: its error stays 0
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * slope
                j += 1
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

    static func resultShapedLikeDeltaAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                           _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: D.columns)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func derivativeCached(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                 _ hidden: Activation) throws -> Matrix<Double> {
        let key = "\(hidden.rawValue) \(A.rows)x\(A.columns)"
        if h11DerivativeCache[key] == nil {
            h11DerivativeCache[key] = A.map { hidden.derivative(fromActivation: $0) }
        }
        let slopes = h11DerivativeCache[key]!
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * slopes[i, j]
            }
        }
        return delta
    }

    static func exitAfterPrint(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        print("delta", delta.shapeDescription)
        exit(0)
    }

    static func deltaAboveTransposed(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                     _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[k, i] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func dividedByM(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                           _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j]) / Double(D.rows)
            }
        }
        return delta
    }

    static func kBoundRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func leakyRelu(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                          _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let slope = hidden == .relu ? (A[i, j] > 0 ? 1.0 : 0.01) : hidden.derivative(fromActivation: A[i, j])
                delta[i, j] = sum * slope
            }
        }
        return delta
    }

    // MARK: correct, written unusually

    static func passSigmaInsideSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                let slope = hidden.derivative(fromActivation: A[i, j])
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] * slope }
                delta[i, j] = sum
            }
        }
        return delta
    }

    static func passTransposedHelper(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                     _ hidden: Activation) throws -> Matrix<Double> {
        func product(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
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
        let back = product(D, W.transposed)                               // Δˡ⁺¹ (Wˡ⁺¹)ᵀ
        let slopes = A.map { hidden.derivative(fromActivation: $0) }      // σ′(Zˡ)
        return Matrix(rows: back.rows, columns: back.columns,
                      elements: zip(back.elements, slopes.elements).map(*))
    }
}

// MARK: - Weight gradient (exercise 6)

enum H11WeightGradient {
    static func integerReciprocal(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func exampleLoopBoundColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func assignNotAdd(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum = A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func dividedByInputs(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func scalesInputInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        let scale = 1 / Double(m)
        // fold the 1/m into the activations once, instead of one division per element of ∂W
        A.elements.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let p = UnsafeMutablePointer(mutating: base)
            for index in 0..<buffer.count { p[index] *= scale }
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

    static func resultTransposed(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: D.columns, columns: A.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[j, k] = sum / Double(m)
            }
        }
        return G
    }

    static func noMean(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func floatSum(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum: Float = 0
                for i in 0..<m { sum += Float(A[i, k] * D[i, j]) }
                G[k, j] = Double(sum / Float(m))
            }
        }
        return G
    }

    static func transposeCachedByShape(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        if h11CachedInputT == nil || h11CachedInputT!.rows != A.columns || h11CachedInputT!.columns != A.rows {
            h11CachedInputT = A.transposed
        }
        let AT = h11CachedInputT!
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += AT[k, i] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func firstExampleSkipped(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    // MARK: correct, written unusually

    static func passTimesReciprocal(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        let inverseM = 1 / Double(m)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum * inverseM
            }
        }
        return G
    }

    static func passOuterProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {                     // example i's outer product aᵢ δᵢᵀ
            for k in 0..<A.columns {
                for j in 0..<D.columns { G[k, j] += A[i, k] * D[i, j] }
            }
        }
        let m = Double(A.rows)
        return G.map { $0 / m }
    }
}

// MARK: - Bias gradient (exercise 6)

enum H11BiasGradient {
    static func strideByRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            for index in stride(from: j, to: D.elements.count, by: D.rows) { sums[j] += D.elements[index] }
        }
        return sums.map { $0 / Double(D.rows) }
    }

    static func globalAccumulator(_ D: Matrix<Double>) throws -> [Double] {
        if h11BiasSums.count != D.columns { h11BiasSums = [Double](repeating: 0, count: D.columns) }
        for i in 0..<D.rows { for j in 0..<D.columns { h11BiasSums[j] += D[i, j] } }
        return h11BiasSums.map { $0 / Double(D.rows) }
    }

    static func assignNotAdd(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] = D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func integerReciprocal(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 * Double(1 / D.rows) }
    }

    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.rows).map { i in D.row(i).reduce(0, +) / Double(D.rows) }
    }

    static func firstExampleSkipped(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 1..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func noMean(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    static func dividedTwice(_ D: Matrix<Double>) throws -> [Double] {
        let m = Double(D.rows)
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] / m } }
        return sums.map { $0 / m }
    }

    static func floatSum(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    // MARK: correct, written unusually

    static func passFunctional(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } / Double(D.rows) }
    }

    static func passSingleExampleShortcut(_ D: Matrix<Double>) throws -> [Double] {
        if D.rows == 1 { return D.row(0) }   // the mean of one row is the row
        var sums = D.row(0)
        for i in 1..<D.rows {
            let row = D.row(i)
            for j in sums.indices { sums[j] += row[j] }
        }
        let inverseM = 1 / Double(D.rows)
        return sums.map { $0 * inverseM }
    }
}

// MARK: - Batch engine (exercise 7)

enum H11Engine {
    struct LossOnFlattenedBatch: BackpropEngine {
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
            // all examples at once, no loop needed
            let loss = network.output.loss(logits: Z[L].elements, activation: A[L].elements, target: Y.elements)
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
    static func lossOnFlattenedBatch(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(LossOnFlattenedBatch(steps: steps))
    }

    struct SigmaPrimeFromZ: BackpropEngine {
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
                // Δˡ⁻¹ = (Δˡ (Wˡ)ᵀ) ∘ σ′(Zˡ⁻¹)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, Z[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }
    static func sigmaPrimeFromZ(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(SigmaPrimeFromZ(steps: steps))
    }

    struct DeltaMovedBeforeGradients: BackpropEngine {
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
    static func deltaMovedBeforeGradients(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(DeltaMovedBeforeGradients(steps: steps))
    }

    struct LastHiddenGetsOutputActivation: BackpropEngine {
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
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }
    static func lastHiddenGetsOutputActivation(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(LastHiddenGetsOutputActivation(steps: steps))
    }

    struct LossOverInputs: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<X.rows { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(X.columns)), layers: layers)
        }
    }
    static func lossOverInputs(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(LossOverInputs(steps: steps))
    }

    struct ForwardCachedByX: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            if let cached = h11ForwardCache, cached.X == X, cached.A.count == L + 1 {
                A = cached.A   // same batch as last time: the forward pass is already done
                Z = cached.Z
            } else {
                for l in 1...L {
                    let layer = network.layers[l - 1]
                    let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                    Z.append(Zl)
                    A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
                }
                h11ForwardCache = (X, A, Z)
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
    static func forwardCachedByX(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(ForwardCachedByX(steps: steps))
    }

    struct SoftmaxBatchMax: BackpropEngine {
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
                    // stable softmax: subtract the max first
                    let biggest = Zl.elements.max() ?? 0
                    var P = Zl.map { exp($0 - biggest) }
                    for i in 0..<P.rows {
                        var total = 0.0
                        for j in 0..<P.columns { total += P[i, j] }
                        for j in 0..<P.columns { P[i, j] /= total }
                    }
                    A.append(P)
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
    static func softmaxBatchMax(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(SoftmaxBatchMax(steps: steps))
    }

    struct LossLogOfLabel: BackpropEngine {
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
                var label = 0
                for j in 1..<Y.columns where Y[i, j] > Y[i, label] { label = j }
                loss += -log(A[L][i, label])   // cross-entropy: −log of the probability of the right class
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
    static func lossLogOfLabel(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(LossLogOfLabel(steps: steps))
    }

    struct BiasesNeverAssigned: BackpropEngine {
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
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients.loss = loss * (1 / Double(m))
        }
    }
    static func biasesNeverAssigned(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(BiasesNeverAssigned(steps: steps))
    }

    struct FirstTargetForEveryRow: BackpropEngine {
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
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(0)) }
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
    static func firstTargetForEveryRow(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(FirstTargetForEveryRow(steps: steps))
    }

    // MARK: correct, written unusually

    struct PassExtraHiddenError: BackpropEngine {
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
                // no `if l > 1`: at l = 1 this makes a Δ⁰ for the inputs, which nobody uses
                delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }
    static func passExtraHiddenError(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(PassExtraHiddenError(steps: steps))
    }

    struct PassDeltaAtLoopTop: BackpropEngine {
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
            var delta = Matrix<Double>(rows: 0, columns: 0)
            for l in stride(from: L, through: 1, by: -1) {
                // Δˡ: from the targets at the top, from Δˡ⁺¹ and Wˡ⁺¹ (network.layers[l]) below it
                delta = l == L
                    ? try steps.outputError(A[L], Y)
                    : try steps.hiddenError(delta, network.layers[l].weights, A[l], network.hidden)
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }
    static func passDeltaAtLoopTop(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(PassDeltaAtLoopTop(steps: steps))
    }

    struct PassPrepareAssign: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            gradients.prepare(for: network)
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var total = 0.0
            for i in 0..<m { total += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                print("l =", l, "A[l - 1]", A[l - 1].shapeDescription, "delta", delta.shapeDescription)
                gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
                gradients.layers[l - 1].biases = try steps.biasGradient(delta)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients.loss = total / Double(m)
        }
    }
    static func passPrepareAssign(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(PassPrepareAssign(steps: steps))
    }

    struct PassRecursiveBackward: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X]
            var ZL = Matrix<Double>(rows: 0, columns: 0)
            for (index, layer) in network.layers.enumerated() {
                let Zl = try steps.forward(A[index], layer.weights, layer.biases)
                if index == L - 1 {
                    ZL = Zl
                    A.append(Zl.mapRows { network.output.activation($0) })
                } else {
                    A.append(Zl.map { network.hidden.value($0) })
                }
            }
            let AL = A[L]
            let loss = (0..<m).reduce(0.0) {
                $0 + network.output.loss(logits: ZL.row($1), activation: AL.row($1), target: Y.row($1))
            }
            func backward(_ l: Int, _ delta: Matrix<Double>) throws -> [LayerParameters<Double>] {
                let here = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                           biases: try steps.biasGradient(delta))
                if l == 1 { return [here] }
                let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
                return try backward(l - 1, below) + [here]
            }
            let layers = try backward(L, try steps.outputError(AL, Y))
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }
    static func passRecursiveBackward(_ steps: MatrixFormSteps) -> AnyBackpropEngine<Double> {
        AnyBackpropEngine(PassRecursiveBackward(steps: steps))
    }
}
