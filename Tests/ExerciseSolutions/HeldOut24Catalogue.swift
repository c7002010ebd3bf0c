import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 24: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut24Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h24(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut24Submission {
    HeldOut24Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h24sub(
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

public enum HeldOut24Catalogue {
    public static let all: [HeldOut24Submission] = [
        // MARK: exercise 3, one example
        h24("h24-oe-forward-w-jk", "one example",
            "In the forward sum zⱼ = bⱼ + Σₖ W[j, k] aₖ the weight is read as W[j, k] where W[k, j] belongs (Wˡ read transposed): wrong on square layers, and past the end of Wˡ when h_{l−1} ≠ h_l.",
            h24sub(oneExample: H24OneExample.forwardIndexSwapped)),
        h24("h24-oe-sigma-prime-of-z", "one example",
            "The hidden error multiplies by network.hidden.derivative(fromActivation: z[l − 1][j]), σ′ computed from the pre-activation zˡ⁻¹ instead of the activation aˡ⁻¹ (wrong for sigmoid and tanh).",
            h24sub(oneExample: H24OneExample.sigmaPrimeOfZ)),
        h24("h24-oe-no-sigma-prime", "one example",
            "The hidden error is δˡ⁻¹ⱼ = Σₖ Wˡ[j, k] δˡₖ with no ∘ σ′(aˡ⁻¹ⱼ) factor.",
            h24sub(oneExample: H24OneExample.noSigmaPrime)),
        h24("h24-oe-hidden-sigma-at-output", "one example",
            "The output layer's activation aᴸ is computed with the hidden σ (network.hidden.value on each zᴸⱼ) instead of network.output.activation(zᴸ), so aᴸ, the loss's activation, δᴸ and every gradient use the wrong output activation (it coincides only when the hidden σ and the output are both sigmoid).",
            h24sub(oneExample: H24OneExample.hiddenSigmaAtOutput)),
        h24("h24-oe-loss-from-activations", "one example",
            "The loss is called as network.output.loss(logits: aᴸ, activation: aᴸ, target: y): it is given the activations aᴸ where the logits zᴸ belong, so ℓ is wrong for the cross-entropy outputs (the gradients are right).",
            h24sub(oneExample: H24OneExample.lossFromActivations)),
        h24("h24-oe-own-softmax", "one example",
            "For a softmax output aᴸ is a hand-written softmax exp(zⱼ) / Σₖ exp(zₖ) without subtracting the largest zₖ, which overflows to inf/NaN when the logits are in the hundreds (and rounds differently from the library otherwise).",
            h24sub(oneExample: H24OneExample.ownSoftmax)),
        h24("h24-oe-layers-appended", "one example",
            "The gradients are appended to the array in the backward loop (l = L down to 1), so layers[0] holds layer L's gradients and the layers are returned in reverse order.",
            h24sub(oneExample: H24OneExample.layersAppended)),
        h24("h24-oe-output-sigma-prime", "one example",
            "The output error is δᴸ = (aᴸ − y) ∘ aᴸ(1 − aᴸ): an extra sigmoid σ′ factor, where with cross-entropy δᴸ = aᴸ − y exactly.",
            h24sub(oneExample: H24OneExample.outputSigmaPrime)),
        h24("h24-oe-weights-below", "one example",
            "The hidden error δˡ⁻¹ is computed with network.layers[l − 2].weights (Wˡ⁻¹, the layer's own weights) where Wˡ = network.layers[l − 1].weights, the weights of the layer above, belongs.",
            h24sub(oneExample: H24OneExample.weightsOfLayerBelow)),
        h24("h24-oe-exit-after-print", "one example",
            "After computing everything it prints the loss and ∂W¹ and then calls exit(0) instead of returning the gradients, ending the program on the first call.",
            h24sub(oneExample: H24OneExample.exitAfterPrint)),
        h24("h24-oe-memo-by-sizes", "one example",
            "It memoises its result in a static dictionary keyed by network.sizes alone, so every later call with the same layer sizes returns the first call's gradients and loss whatever the weights, x and y (a stale result kept from before).",
            h24sub(oneExample: H24OneExample.memoBySizes)),
        h24("h24-oe-back-sum-own-width", "one example",
            "In the hidden error δˡ⁻¹ⱼ = (Σₖ Wˡ[j, k] δˡₖ) σ′ the sum over k runs to h[l − 1] (the width of the layer being computed) where h[l] (the layer above, Wˡ.columns) belongs: terms are missing when h_{l−1} < h_l and it runs past Wˡ and δˡ when h_{l−1} > h_l.",
            h24sub(oneExample: H24OneExample.backSumOwnWidth)),
        h24("h24-oe-recursion-never-ends", "one example",
            "The recursive forward pass calls forwardFrom(l) again instead of forwardFrom(l + 1), so the recursion never reaches its base case l > L and never ends (stack overflow).",
            h24sub(oneExample: H24OneExample.recursiveForwardStuck)),

        // MARK: exercise 4, forward
        h24("h24-fw-no-bias", "forward",
            "The sum starts from 0 and bⱼ is never added: Z = Aˡ⁻¹ Wˡ with the bias missing.",
            h24sub(forward: H24Forward.noBias)),
        h24("h24-fw-bias-every-term", "forward",
            "b[j] is added inside the sum over k (acc += A[i, k] W[k, j] + b[j]), so each Z[i, j] gets the bias h_{l−1} times instead of once.",
            h24sub(forward: H24Forward.biasEveryTerm)),
        h24("h24-fw-times-w-transposed", "forward",
            "It computes Aˡ⁻¹ (Wˡ)ᵀ + b with its own transpose helper (matmul(A, transpose(W))) where Aˡ⁻¹ Wˡ belongs: wrong values on a square Wˡ; on a non-square Wˡ it either runs past (Wˡ)ᵀ or returns [m, h_{l−1}] instead of [m, h_l].",
            h24sub(forward: H24Forward.timesTransposedW)),
        h24("h24-fw-bias-by-row", "forward",
            "The bias is indexed by the example, b[i], where b[j] (the unit) belongs; it runs past b when m > h_l.",
            h24sub(forward: H24Forward.biasByRow)),
        h24("h24-fw-sum-to-width", "forward",
            "The sum over k runs to W.columns (h_l) where A.columns / W.rows (h_{l−1}) belongs: terms are missing when h_{l−1} > h_l and it runs past Aˡ⁻¹ and Wˡ when h_{l−1} < h_l.",
            h24sub(forward: H24Forward.sumToWidth)),
        h24("h24-fw-with-sigmoid", "forward",
            "It returns the sigmoid 1 / (1 + e^(−z)) of each element instead of the pre-activation Zˡ = Aˡ⁻¹ Wˡ + bˡ (the engine applies σ afterwards).",
            h24sub(forward: H24Forward.withSigmoid)),
        h24("h24-fw-one-running-sum", "forward",
            "The running sum is declared once outside all loops and never reset, so Z[i, j] = b[j] + the sum of every product of every earlier element as well as its own.",
            h24sub(forward: H24Forward.oneRunningSum)),
        h24("h24-fw-float-sum", "forward",
            "The sum over k is accumulated in Float (each product and the bias rounded to Float) and converted back to Double, losing precision.",
            h24sub(forward: H24Forward.floatSum)),
        h24("h24-fw-cached-by-shape", "forward",
            "It caches Z in a static dictionary keyed by the shapes (m, h_{l−1}, h_l) and returns the cached matrix for every later call with the same shapes, whatever A, W and b are (a stale result kept from before).",
            h24sub(forward: H24Forward.cachedByShape)),
        h24("h24-fw-skip-first-input", "forward",
            "The sum over k starts at k = 1 (for k in 1..<A.columns), so the first input's term A[i, 0] W[0, j] is never added.",
            h24sub(forward: H24Forward.skipFirstInput)),
        h24("h24-fw-closed-range", "forward",
            "The sum over k uses the closed range 0...A.columns, so it reads A[i, h_{l−1}] past the last column and stops the program with an index out of range.",
            h24sub(forward: H24Forward.closedRange)),
        h24("h24-fw-units-by-examples", "forward",
            "It returns the transpose of Zˡ, a [h_l, m] matrix with Z[j, i] (the one-example column layout), where [m, h_l] with the examples as rows belongs.",
            h24sub(forward: H24Forward.unitsByExamples)),
        h24("h24-fw-bias-twice", "forward",
            "The sum starts from b[j] and b[j] is added again when storing Z[i, j] = acc + b[j], so the bias is added twice.",
            h24sub(forward: H24Forward.biasTwice)),

        // MARK: exercise 4, output error
        h24("h24-out-target-minus-output", "output error",
            "It returns Y − Aᴸ, every element with the wrong sign, where Aᴸ − Y belongs.",
            h24sub(outputError: H24OutputError.targetMinusOutput)),
        h24("h24-out-absolute", "output error",
            "It returns |Aᴸ − Y| (abs of each element), so every negative element has its sign turned.",
            h24sub(outputError: H24OutputError.absoluteError)),
        h24("h24-out-sigmoid-prime", "output error",
            "It multiplies Aᴸ − Y by Aᴸ(1 − Aᴸ), an extra σ′ that cancels with cross-entropy: Δᴸ = Aᴸ − Y.",
            h24sub(outputError: H24OutputError.timesSigmoidPrime)),
        h24("h24-out-divided-by-m", "output error",
            "It divides Aᴸ − Y by m (A.rows); the 1/m belongs to the gradients, not to Δᴸ.",
            h24sub(outputError: H24OutputError.dividedByM)),
        h24("h24-out-in-place", "output error",
            "It subtracts Y in place in the caller's Aᴸ through a pointer (UnsafeMutablePointer(mutating:) on output.elements) and returns that buffer: the values are right but it writes into its input Aᴸ.",
            h24sub(outputError: H24OutputError.inPlace)),
        h24("h24-out-twice-difference", "output error",
            "It returns 2(Aᴸ − Y), the derivative of (a − y)², where Δᴸ = Aᴸ − Y: every element is twice the right one.",
            h24sub(outputError: H24OutputError.twiceTheDifference)),
        h24("h24-out-argmax-one-hot", "output error",
            "It assumes one-hot targets: Δᴸ = Aᴸ with 1 subtracted only at each row's argmax of Y, which is wrong for any target row that is not one-hot (the other yⱼ are ignored).",
            h24sub(outputError: H24OutputError.argmaxOneHot)),
        h24("h24-out-square-loops", "output error",
            "The loop over the columns j runs to m (output.rows) where c (output.columns) belongs: columns past m are left 0 when m < c, and it runs past the matrix when m > c.",
            h24sub(outputError: H24OutputError.squareLoops)),

        // MARK: exercise 5, hidden error
        h24("h24-hid-w-not-transposed", "hidden error",
            "The sum reads W[k, j] where W[j, k] belongs (Δˡ⁺¹ Wˡ⁺¹ instead of Δˡ⁺¹ (Wˡ⁺¹)ᵀ): wrong on a square Wˡ⁺¹ and past its end otherwise.",
            h24sub(hiddenError: H24HiddenError.wNotTransposed)),
        h24("h24-hid-no-derivative", "hidden error",
            "It returns Δˡ⁺¹ (Wˡ⁺¹)ᵀ with no ∘ σ′(Zˡ) factor.",
            h24sub(hiddenError: H24HiddenError.noDerivative)),
        h24("h24-hid-derivative-of-sigma", "hidden error",
            "σ′ is computed as hidden.derivative(fromActivation: hidden.value(A[i, j])): σ applied to the activation once more before σ′, where derivative(fromActivation: A[i, j]) belongs.",
            h24sub(hiddenError: H24HiddenError.derivativeOfSigma)),
        h24("h24-hid-times-activation", "hidden error",
            "The back-propagated sum is multiplied by the activation A[i, j] itself instead of σ′ computed from it.",
            h24sub(hiddenError: H24HiddenError.timesActivation)),
        h24("h24-hid-derivative-at-ji", "hidden error",
            "σ′ is read at A[j, i] where A[i, j] belongs (indices swapped): wrong when Aˡ is square, past its end otherwise (e.g. m = 1).",
            h24sub(hiddenError: H24HiddenError.derivativeAtJI)),
        h24("h24-hid-relu-prime-by-hand", "hidden error",
            "σ′ is written by hand and the ReLU case is a >= 0 ? 1 : 0, so units whose ReLU is off (a = 0) get σ′ = 1 instead of 0.",
            h24sub(hiddenError: H24HiddenError.handWrittenPrime)),
        h24("h24-hid-reused-buffer", "hidden error",
            "It accumulates into a static scratch array (+=) that is zeroed only when the shape changes, so a second call with the same shapes returns its earlier answers plus the right one.",
            h24sub(hiddenError: H24HiddenError.reusedBuffer)),
        h24("h24-hid-dropout", "hidden error",
            "It multiplies each element by a random inverted-dropout mask (0 or 1/0.8, from Double.random), so the result is random and not Δˡ.",
            h24sub(hiddenError: H24HiddenError.dropout)),
        h24("h24-hid-derivative-in-place", "hidden error",
            "It overwrites the caller's activations Aˡ with σ′(Aˡ) through a pointer (UnsafeMutablePointer(mutating:)) before using them: the result is right but it writes into its input Aˡ.",
            h24sub(hiddenError: H24HiddenError.derivativeInPlace)),
        h24("h24-hid-while-no-increment", "hidden error",
            "The while loop over the examples advances i only when j == W.rows, which never happens inside for j in 0..<W.rows (W.rows − 1 was meant), so i stays 0 and the loop never ends.",
            h24sub(hiddenError: H24HiddenError.whileOverExamples)),
        h24("h24-hid-sum-per-example", "hidden error",
            "The sum is reset once per example i but not for each unit j, so Δ[i, j] uses the sum over units 0…j of (Δˡ⁺¹ (Wˡ⁺¹)ᵀ)[i, ·] instead of unit j's alone.",
            h24sub(hiddenError: H24HiddenError.sumPerExample)),
        h24("h24-hid-sum-to-own-width", "hidden error",
            "The sum over k runs to W.rows (h_l, the layer's own width) where W.columns (h_{l+1}) belongs: terms missing when h_l < h_{l+1}, past Δˡ⁺¹ and Wˡ⁺¹ when h_l > h_{l+1}.",
            h24sub(hiddenError: H24HiddenError.sumToOwnWidth)),
        h24("h24-hid-reshape-not-transpose", "hidden error",
            "Its transpose helper T(W) only swaps the row and column counts over the same row-major elements (a reshape, not a transpose), so it computes Δˡ⁺¹ · reshape(Wˡ⁺¹) instead of Δˡ⁺¹ (Wˡ⁺¹)ᵀ (on a square W that is Δˡ⁺¹ Wˡ⁺¹).",
            h24sub(hiddenError: H24HiddenError.transposeHelper)),

        // MARK: exercise 6, weight gradient
        h24("h24-wg-no-mean", "weight gradient",
            "The sum Σᵢ A[i, k] Δ[i, j] is never divided by m: the 1/m is missing.",
            h24sub(weightGradient: H24WeightGradient.noMean)),
        h24("h24-wg-mean-twice", "weight gradient",
            "Each term is divided by m inside the sum and the sum is divided by m again, so the result is 1/m of the right one (1/m applied twice).",
            h24sub(weightGradient: H24WeightGradient.meanTwice)),
        h24("h24-wg-m-minus-one", "weight gradient",
            "The sum is divided by m − 1 instead of m (infinite or NaN for m = 1).",
            h24sub(weightGradient: H24WeightGradient.overMMinusOne)),
        h24("h24-wg-int-scale", "weight gradient",
            "The scale is Double(1 / m) with an Int m, integer division that is 0 for every m > 1, so the whole gradient is 0.",
            h24sub(weightGradient: H24WeightGradient.intScale)),
        h24("h24-wg-delta-transpose-times-a", "weight gradient",
            "It computes (1/m) (Δˡ)ᵀ Aˡ⁻¹, an [h_l, h_{l−1}] matrix (the transpose of the right one), where (1/m) (Aˡ⁻¹)ᵀ Δˡ [h_{l−1}, h_l] belongs.",
            h24sub(weightGradient: H24WeightGradient.deltaTransposeTimesA)),
        h24("h24-wg-sums-multiplied", "weight gradient",
            "Each factor is summed over the examples first and the sums multiplied, (Σᵢ A[i, k])(Σᵢ Δ[i, j]) / m, instead of Σᵢ A[i, k] Δ[i, j] / m.",
            h24sub(weightGradient: H24WeightGradient.sumsMultiplied)),
        h24("h24-wg-assign-not-add", "weight gradient",
            "The sum over the examples uses = instead of +=, so only the last example's A[m − 1, k] Δ[m − 1, j] counts (divided by m).",
            h24sub(weightGradient: H24WeightGradient.assignNotAdd)),
        h24("h24-wg-float-accumulator", "weight gradient",
            "The sum over i is accumulated in Float, with each factor rounded to Float, so the result is only Float-accurate.",
            h24sub(weightGradient: H24WeightGradient.floatAccumulator)),
        h24("h24-wg-closed-example-range", "weight gradient",
            "The sum over the examples uses the closed range 0...m, so it reads row m of Aˡ⁻¹, past its end, and stops the program with an index out of range.",
            h24sub(weightGradient: H24WeightGradient.closedExampleRange)),
        h24("h24-wg-running-sum-never-reset", "weight gradient",
            "The running sum is declared once outside the k and j loops and never reset, so each ∂W[k, j] also contains the sums of every earlier element.",
            h24sub(weightGradient: H24WeightGradient.runningSumNeverReset)),
        h24("h24-wg-first-example-only", "weight gradient",
            "It returns the one-example formula for example 0 only, ∂W[k, j] = A[0, k] Δ[0, j], with no sum over the examples and no 1/m.",
            h24sub(weightGradient: H24WeightGradient.firstExampleOnly)),
        h24("h24-wg-examples-from-one", "weight gradient",
            "The sum over the examples starts at i = 1 (for i in 1..<m), so example 0 is left out (the sum is still divided by m).",
            h24sub(weightGradient: H24WeightGradient.examplesFromOne)),
        h24("h24-wg-example-bound-from-inputs", "weight gradient",
            "The sum over the examples i runs to input.columns (h_{l−1}) where m = input.rows belongs: examples are missing when h_{l−1} < m and it runs past Aˡ⁻¹ and Δˡ when h_{l−1} > m.",
            h24sub(weightGradient: H24WeightGradient.exampleBoundFromInputs)),

        // MARK: exercise 6, bias gradient
        h24("h24-bg-row-sums", "bias gradient",
            "It sums each example's row (over the units, axis=1) and divides by m, returning m numbers, where the sum down each column over the examples (axis=0, h_l numbers) belongs.",
            h24sub(biasGradient: H24BiasGradient.rowSums)),
        h24("h24-bg-over-units", "bias gradient",
            "The column sums are divided by delta.columns (h_l) where m = delta.rows belongs.",
            h24sub(biasGradient: H24BiasGradient.overUnits)),
        h24("h24-bg-first-row", "bias gradient",
            "It returns row 0 of Δˡ (the one-example formula ∂b = δ) instead of the mean of the rows.",
            h24sub(biasGradient: H24BiasGradient.firstRow)),
        h24("h24-bg-reduce-from-one", "bias gradient",
            "Each column sum is reduce(1, +), a sum that starts from 1 instead of 0, so every element is 1/m too large.",
            h24sub(biasGradient: H24BiasGradient.reduceFromOne)),
        h24("h24-bg-plain-sum", "bias gradient",
            "It returns the column sums Σᵢ Δ[i, j] without the 1/m.",
            h24sub(biasGradient: H24BiasGradient.plainSum)),
        h24("h24-bg-recursion-drops-last", "bias gradient",
            "The recursive row sum returns zeros as its base case when one row is left instead of that row, so the last example's row is never added (all zeros for m = 1); the sum is still divided by m.",
            h24sub(biasGradient: H24BiasGradient.recursiveDropsLast)),
        h24("h24-bg-mean-of-everything", "bias gradient",
            "The column sums are divided by m · h_l (delta.rows * delta.columns, NumPy's np.mean over all elements) where m belongs.",
            h24sub(biasGradient: H24BiasGradient.meanOfEverything)),
        h24("h24-bg-flat-modulo", "bias gradient",
            "Walking the row-major elements, it finds the column as idx % delta.rows where idx % delta.columns belongs: right only when Δ is square, wrong (or past the array when m > h_l) otherwise.",
            h24sub(biasGradient: H24BiasGradient.flatModulo)),

        // MARK: exercise 7, batch engine
        h24("h24-eng-own-activation", "batch engine",
            "∂Wˡ is computed as weightGradient(A[l], Δˡ), from the layer's own activation Aˡ where its input Aˡ⁻¹ = A[l − 1] belongs.",
            h24sub(engine: { AnyBackpropEngine(H24EngineOwnActivation(steps: $0)) })),
        h24("h24-eng-weights-below", "batch engine",
            "The hidden error is called with network.layers[l − 2].weights (Wˡ⁻¹) where the weights of the layer above it, Wˡ = network.layers[l − 1].weights, belong.",
            h24sub(engine: { AnyBackpropEngine(H24EngineWeightsBelow(steps: $0)) })),
        h24("h24-eng-derivative-above", "batch engine",
            "The hidden error is given A[l] (Aˡ, the layer above) for σ′ where A[l − 1] (Aˡ⁻¹) belongs.",
            h24sub(engine: { AnyBackpropEngine(H24EngineDerivativeAbove(steps: $0)) })),
        h24("h24-eng-linear-hidden", "batch engine",
            "The hidden layers' activations are stored as Zˡ itself (Aˡ = Zˡ): σ is never applied to the hidden layers.",
            h24sub(engine: { AnyBackpropEngine(H24EngineLinearHidden(steps: $0)) })),
        h24("h24-eng-every-layer-x", "batch engine",
            "Every layer's forward call is given the inputs X (steps.forward(X, Wˡ, bˡ)) where the previous layer's activation Aˡ⁻¹ belongs.",
            h24sub(engine: { AnyBackpropEngine(H24EngineEveryLayerX(steps: $0)) })),
        h24("h24-eng-loss-summed", "batch engine",
            "The loss is the sum of the m examples' losses, not their mean (no 1/m).",
            h24sub(engine: { AnyBackpropEngine(H24EngineLossSummed(steps: $0)) })),
        h24("h24-eng-loss-assigned", "batch engine",
            "In the loop over the examples the loss is assigned (loss = …) instead of added (+=), so only the last example's loss counts (times 1/m).",
            h24sub(engine: { AnyBackpropEngine(H24EngineLossAssigned(steps: $0)) })),
        h24("h24-eng-error-from-logits", "batch engine",
            "The output error is called as outputError(Zᴸ, Y), with the logits Zᴸ where the activations Aᴸ belong.",
            h24sub(engine: { AnyBackpropEngine(H24EngineErrorFromLogits(steps: $0)) })),
        h24("h24-eng-bias-after-move", "batch engine",
            "For l > 1 the bias gradient is computed after delta has been replaced by Δˡ⁻¹, so ∂bˡ is biasGradient(Δˡ⁻¹) instead of biasGradient(Δˡ) (and the LayerParameters precondition traps when h_{l−1} ≠ h_l).",
            h24sub(engine: { AnyBackpropEngine(H24EngineBiasAfterMove(steps: $0)) })),
        h24("h24-eng-appended", "batch engine",
            "The gradients are appended in the backward loop (l = L down to 1), so they are stored top layer first: layers[0] holds layer L's gradients.",
            h24sub(engine: { AnyBackpropEngine(H24EngineAppended(steps: $0)) })),
        h24("h24-eng-stops-at-two", "batch engine",
            "The backward loop is stride(from: L, to: 1, by: -1), which stops at l = 2, so layer 1's gradients are never computed and stay the 1 × 1 placeholder.",
            h24sub(engine: { AnyBackpropEngine(H24EngineStopsAtTwo(steps: $0)) })),
        h24("h24-eng-adds-into", "batch engine",
            "It adds the loss and every gradient into the caller's gradients (+=) after prepare(for:) instead of assigning them, so whatever the storage held before is added to the answer.",
            h24sub(engine: { AnyBackpropEngine(H24EngineAddsInto(steps: $0)) })),
        h24("h24-eng-own-cross-entropy", "batch engine",
            "For cross-entropy outputs the loss is a hand-written −Σ y ln a (softmax) or −Σ [y ln a + (1 − y) ln(1 − a)] (sigmoid) from the activations Aᴸ, which is infinite or NaN when aᴸ rounds to 0 or 1 (logits in the hundreds) where network.output.loss(logits:…) is finite.",
            h24sub(engine: { AnyBackpropEngine(H24EngineOwnCrossEntropy(steps: $0)) })),
        h24("h24-eng-steps-as-it-goes", "batch engine",
            "It updates a copy of Wˡ by −0.1 ∂Wˡ right after computing ∂Wˡ and passes the updated Wˡ to the hidden error, so every Δ below the top layer is computed with moved weights instead of the forward pass's.",
            h24sub(engine: { AnyBackpropEngine(H24EngineStepsAsItGoes(steps: $0)) })),

        // MARK: correct, written unusually
        h24("h24-pass-oe-recursive-backward", "pass",
            "Correct: the backward pass is a recursion returning backward(l − 1, δˡ⁻¹) + [layer l's gradients].",
            h24sub(oneExample: H24OneExample.recursiveBackward)),
        h24("h24-pass-oe-dictionaries", "pass",
            "Correct: activations, errors and gradients kept in dictionaries keyed by the layer number, sums written with zip/reduce.",
            h24sub(oneExample: H24OneExample.dictionaries)),
        h24("h24-pass-fw-zip-reduce", "pass",
            "Correct: each row of Aˡ⁻¹ zipped with each column of Wˡ and reduced from b[j].",
            h24sub(forward: H24Forward.zipReduce)),
        h24("h24-pass-fw-row-saxpy", "pass",
            "Correct: i-k-j loop order, each row of Z started at b and A[i, k] times row k of W added in.",
            h24sub(forward: H24Forward.rowSaxpy)),
        h24("h24-pass-fw-flat-pointers", "pass",
            "Correct: reads A and W through read-only buffer pointers with flat row-major indices.",
            h24sub(forward: H24Forward.flatPointers)),
        h24("h24-pass-out-zip-map", "pass",
            "Correct: zip of the two element arrays mapped with −.",
            h24sub(outputError: H24OutputError.zipMap)),
        h24("h24-pass-hid-numpy-style", "pass",
            "Correct: own matmul, transpose and Hadamard helpers, (Δ · Wᵀ) ∘ σ′(A).",
            h24sub(hiddenError: H24HiddenError.numpyStyle)),
        h24("h24-pass-hid-prints-shapes", "pass",
            "Correct, with debugging prints of the shapes left in: rows of Δ zipped with rows of W.",
            h24sub(hiddenError: H24HiddenError.printsShapes)),
        h24("h24-pass-wg-outer-products", "pass",
            "Correct: the per-example outer products aᵢ δᵢᵀ added into G, then divided by m.",
            h24sub(weightGradient: H24WeightGradient.outerProducts)),
        h24("h24-pass-wg-transpose-matmul", "pass",
            "Correct: an explicit transpose of Aˡ⁻¹ and its own matmul, then every element divided by m.",
            h24sub(weightGradient: H24WeightGradient.transposeThenMatmul)),
        h24("h24-pass-bg-transposed-rows", "pass",
            "Correct: the rows of Δᵀ (the columns of Δ) reduced and divided by m.",
            h24sub(biasGradient: H24BiasGradient.transposedRows)),
        h24("h24-pass-bg-recursive", "pass",
            "Correct: a tail recursion adding the rows one by one from row 0, then divided by m.",
            h24sub(biasGradient: H24BiasGradient.recursiveColumns)),
        h24("h24-pass-eng-prepare-assign", "pass",
            "Correct: prepare(for:) then every layer's gradients and the loss assigned into the caller's storage; activations kept in dictionaries.",
            h24sub(engine: { AnyBackpropEngine(H24EnginePrepareAndAssign(steps: $0)) })),
        h24("h24-pass-eng-recursive", "pass",
            "Correct: the backward pass as a recursion over the layers, layer 1 first in the result.",
            h24sub(engine: { AnyBackpropEngine(H24EngineRecursive(steps: $0)) })),
        h24("h24-pass-eng-prints", "pass",
            "Correct, with debugging prints of the shapes and the loss left in.",
            h24sub(engine: { AnyBackpropEngine(H24EnginePrints(steps: $0)) })),
    ]

    /// The submission named `name`, if it is in this catalogue.
    public static func named(_ name: String) -> StudentSubmission? {
        all.first { $0.name == name }?.submission
    }
}

// MARK: - Exercise 3: one example

enum H24OneExample {
    /// u vᵀ as a Matrix (numpy's np.outer).
    static func outer(_ u: [Double], _ v: [Double]) -> Matrix<Double> {
        Matrix(u.map { ui in v.map { ui * $0 } })
    }

    // z_j = b_j + sum_k W[j, k] a_k
    static func forwardIndexSwapped(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let z = (0..<h[l]).map { j in (0..<h[l - 1]).reduce(b[j]) { s, k in s + W[j, k] * a[l - 1][k] } }
            if l == L { zL = z; a.append(network.output.activation(z)) } else { a.append(z.map { network.hidden.value($0) }) }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = zip(a[L], y).map { $0 - $1 }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { s, k in s + W[j, k] * delta[k] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    // keep z of every layer, sigma' needs it (the note writes sigma'(z^l))
    static func sigmaPrimeOfZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], z: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = zip(a[L], y).map { $0 - $1 }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: z[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func noSigmaPrime(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            if l < L { a.append(zl.map { network.hidden.value($0) }) } else { zTop = zl; a.append(network.output.activation(zl)) }
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = zip(a[L], y).map(-)
        var grads: [LayerParameters<Double>] = Array(repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                // backprop the error through W (row j of W = weights out of unit j)
                delta = (0..<h[l - 1]).map { j in (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } }
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func hiddenSigmaAtOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], z: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            z.append(zl)
            a.append(zl.map { network.hidden.value($0) })   // a = sigma(z) for every layer
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = zip(a[L], y).map(-)
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func lossFromActivations(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        // cross-entropy of the prediction vs the target
        let loss = network.output.loss(logits: a[L], activation: a[L], target: y)
        var delta = zip(a[L], y).map(-)
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func softmax(_ z: [Double]) -> [Double] {
        let e = z.map { Foundation.exp($0) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    static func ownSoftmax(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            if l < L {
                a.append(zl.map { network.hidden.value($0) })
            } else {
                zL = zl
                // softmax like in the lecture: e^z_j / sum_k e^z_k
                a.append(network.output.activation == .softmax ? softmax(zl) : network.output.activation(zl))
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = zip(a[L], y).map(-)
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func layersAppended(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            if l == L { zL = zl }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = zip(a[L], y).map(-)
        var grads: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            grads.append(LayerParameters(weights: outer(a[l - 1], delta), biases: delta))
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func outputSigmaPrime(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            if l == L { zL = zl }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        // delta^L = dL/da * sigma'(z^L)
        var delta = zip(a[L], y).map { aj, yj in (aj - yj) * aj * (1 - aj) }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func weightsOfLayerBelow(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            if l == L { zL = zl }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = zip(a[L], y).map(-)
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 2].weights   // weights of layer l-1, where the new delta lives
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func exitAfterPrint(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            if l == L { zL = zl }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = zip(a[L], y).map(-)
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        print("loss", loss, "dW1", grads[0].weights)
        exit(0)   // stop here for now, compare with the sheet from ex 1
    }

    nonisolated(unsafe) static var memo: [[Int]: Gradients<Double>] = [:]
    static let memoLock = NSLock()

    // memoised, the checker calls this a lot
    static func memoBySizes(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        memoLock.lock()
        defer { memoLock.unlock() }
        if let seen = memo[network.sizes] { return seen }
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            if l == L { zL = zl }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = zip(a[L], y).map(-)
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        let result = Gradients(loss: loss, layers: grads)
        memo[network.sizes] = result
        return result
    }

    static func backSumOwnWidth(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            if l == L { zL = zl }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = zip(a[L], y).map(-)
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            let width = h[l - 1]
            delta = (0..<width).map { j in
                var s = 0.0
                for k in 0..<width { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    // forward pass written recursively, layer by layer
    static func recursiveForwardStuck(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [[Double]](repeating: [], count: L + 1)
        a[0] = x
        var zL: [Double] = []
        func forwardFrom(_ l: Int) {
            guard l <= L else { return }
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            if l == L { zL = zl }
            a[l] = l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl)
            forwardFrom(l)
        }
        forwardFrom(1)
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = zip(a[L], y).map(-)
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l - 1] = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    // the backward pass as a recursion: layer l's gradients, then the layers below
    static func recursiveBackward(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x], zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            if l == L { zL = zl }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        func backward(_ l: Int, _ delta: [Double]) -> [LayerParameters<Double>] {
            let here = LayerParameters(weights: outer(a[l - 1], delta), biases: delta)
            if l == 1 { return [here] }
            let W = network.layers[l - 1].weights
            let below = (0..<h[l - 1]).map { j in
                (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * delta[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            return backward(l - 1, below) + [here]
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        return Gradients(loss: loss, layers: backward(L, zip(a[L], y).map(-)))
    }

    // dictionaries keyed by the layer number, like the l superscripts in the notes
    static func dictionaries(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var act: [Int: [Double]] = [0: x]
        var logits: [Int: [Double]] = [:]
        for l in 1...L {
            let layer = network.layers[l - 1], prev = act[l - 1]!
            let z = (0..<layer.weights.columns).map { j in
                zip((0..<layer.weights.rows).map { layer.weights[$0, j] }, prev).reduce(layer.biases[j]) { $0 + $1.0 * $1.1 }
            }
            logits[l] = z
            act[l] = l == L ? network.output.activation(z) : z.map { network.hidden.value($0) }
        }
        var err: [Int: [Double]] = [L: zip(act[L]!, y).map { $0 - $1 }]
        var grad: [Int: LayerParameters<Double>] = [:]
        for l in (1...L).reversed() {
            grad[l] = LayerParameters(weights: outer(act[l - 1]!, err[l]!), biases: err[l]!)
            if l > 1 {
                let W = network.layers[l - 1].weights
                err[l - 1] = act[l - 1]!.enumerated().map { j, aj in
                    zip((0..<W.columns).map { W[j, $0] }, err[l]!).reduce(0.0) { $0 + $1.0 * $1.1 }
                        * network.hidden.derivative(fromActivation: aj)
                }
            }
        }
        let loss = network.output.loss(logits: logits[L]!, activation: act[L]!, target: y)
        return Gradients(loss: loss, layers: (1...L).map { grad[$0]! })
    }
}

// MARK: - Exercise 4: forward

enum H24Forward {
    static func noBias(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc = 0.0
                for k in 0..<A.columns { acc += A[i, k] * W[k, j] }
                Z[i, j] = acc
            }
        }
        return Z
    }

    static func biasEveryTerm(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc = 0.0
                for k in 0..<A.columns { acc += A[i, k] * W[k, j] + b[j] }
                Z[i, j] = acc
            }
        }
        return Z
    }

    static func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
        var R = Matrix<Double>(rows: P.rows, columns: Q.columns)
        for i in 0..<P.rows { for j in 0..<Q.columns {
            var s = 0.0
            for k in 0..<P.columns { s += P[i, k] * Q[k, j] }
            R[i, j] = s
        } }
        return R
    }

    static func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
        var T = Matrix<Double>(rows: M.columns, columns: M.rows)
        for r in 0..<M.rows { for c in 0..<M.columns { T[c, r] = M[r, c] } }
        return T
    }

    // z = W^T a + b, so with rows: Z = A W^T + b
    static func timesTransposedW(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = matmul(A, transpose(W))
        for i in 0..<Z.rows { for j in 0..<Z.columns { Z[i, j] += b[j] } }
        return Z
    }

    static func biasByRow(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc = b[i]
                for k in 0..<A.columns { acc += A[i, k] * W[k, j] }
                Z[i, j] = acc
            }
        }
        return Z
    }

    static func sumToWidth(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, width = W.columns
        var Z = Matrix<Double>(rows: m, columns: width)
        for i in 0..<m {
            for j in 0..<width {
                var acc = b[j]
                for k in 0..<width { acc += A[i, k] * W[k, j] }
                Z[i, j] = acc
            }
        }
        return Z
    }

    static func withSigmoid(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc = b[j]
                for k in 0..<A.columns { acc += A[i, k] * W[k, j] }
                Z[i, j] = 1 / (1 + Foundation.exp(-acc))   // activation of the layer
            }
        }
        return Z
    }

    static func oneRunningSum(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        var total = 0.0
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                for k in 0..<A.columns { total += A[i, k] * W[k, j] }
                Z[i, j] = total + b[j]
            }
        }
        return Z
    }

    // Float is plenty for activations (and half the memory)
    static func floatSum(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc = Float(b[j])
                for k in 0..<A.columns { acc += Float(A[i, k] * W[k, j]) }
                Z[i, j] = Double(acc)
            }
        }
        return Z
    }

    nonisolated(unsafe) static var seen: [String: Matrix<Double>] = [:]
    static let seenLock = NSLock()

    // cache: the engine calls forward with the same shapes over and over
    static func cachedByShape(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = "\(A.rows)x\(A.columns)x\(W.columns)"
        seenLock.lock()
        defer { seenLock.unlock() }
        if let Z = seen[key] { return Z }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc = b[j]
                for k in 0..<A.columns { acc += A[i, k] * W[k, j] }
                Z[i, j] = acc
            }
        }
        seen[key] = Z
        return Z
    }

    static func skipFirstInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc = b[j]
                for k in 1..<A.columns { acc += A[i, k] * W[k, j] }
                Z[i, j] = acc
            }
        }
        return Z
    }

    static func closedRange(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let n = A.columns
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc = b[j]
                for k in 0...n { acc += A[i, k] * W[k, j] }
                Z[i, j] = acc
            }
        }
        return Z
    }

    // column j of Z^T is W^T a_i + b, as in ex 3
    static func unitsByExamples(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: W.columns, columns: A.rows)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc = b[j]
                for k in 0..<A.columns { acc += W[k, j] * A[i, k] }
                Z[j, i] = acc
            }
        }
        return Z
    }

    static func biasTwice(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc = b[j]
                for k in 0..<A.columns { acc += A[i, k] * W[k, j] }
                Z[i, j] = acc + b[j]   // + b broadcast over the rows
            }
        }
        return Z
    }

    // numpy style: each row dotted with each column of W
    static func zipReduce(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let columnsOfW = (0..<W.columns).map { j in (0..<W.rows).map { W[$0, j] } }
        let rows = A.rowArrays.map { row in
            columnsOfW.enumerated().map { j, col in zip(row, col).reduce(b[j]) { $0 + $1.0 * $1.1 } }
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows.flatMap { $0 })
    }

    // i-k-j order: walk W row by row (cache friendly), start every row of Z at b
    static func rowSaxpy(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    // read both through buffer pointers (read only), flat indices
    static func flatPointers(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, p = W.columns
        var out = [Double](repeating: 0, count: m * p)
        A.elements.withUnsafeBufferPointer { a in
            W.elements.withUnsafeBufferPointer { w in
                for i in 0..<m {
                    for j in 0..<p {
                        var acc = b[j]
                        for k in 0..<n { acc += a[i * n + k] * w[k * p + j] }
                        out[i * p + j] = acc
                    }
                }
            }
        }
        return Matrix(rows: m, columns: p, elements: out)
    }
}

// MARK: - Exercise 4: output error

enum H24OutputError {
    static func targetMinusOutput(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(Y.elements, A.elements).map { $0 - $1 })
    }

    // error = distance between prediction and target
    static func absoluteError(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = abs(A[i, j] - Y[i, j]) } }
        return D
    }

    static func timesSigmoidPrime(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = A[i, j]
                D[i, j] = (a - Y[i, j]) * a * (1 - a)
            }
        }
        return D
    }

    // mean over the batch
    static func dividedByM(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        return Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { ($0 - $1) / m })
    }

    // no new allocation: subtract Y in place and hand the buffer back
    static func inPlace(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        A.elements.withUnsafeBufferPointer { buf in
            let p = UnsafeMutablePointer(mutating: buf.baseAddress!)
            for idx in 0..<buf.count { p[idx] -= Y.elements[idx] }
        }
        return A
    }

    // d/da of (a - y)^2
    static func twiceTheDifference(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        A.rowArrays.indices.reduce(into: Matrix<Double>(rows: A.rows, columns: A.columns)) { D, i in
            for j in 0..<A.columns { D[i, j] = 2 * (A[i, j] - Y[i, j]) }
        }
    }

    // Y is one-hot, so delta = A with 1 taken off at the true class
    static func argmaxOneHot(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = A
        for i in 0..<Y.rows {
            let label = Y.row(i).indices.max { Y[i, $0] < Y[i, $1] }!
            D[i, label] -= 1
        }
        return D
    }

    static func squareLoops(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var D = Matrix<Double>(rows: m, columns: A.columns)
        for i in 0..<m { for j in 0..<m { D[i, j] = A[i, j] - Y[i, j] } }
        return D
    }

    static func zipMap(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map(-))
    }
}

// MARK: - Exercise 5: hidden error

enum H24HiddenError {
    static func wNotTransposed(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var acc = 0.0
                for k in 0..<W.columns { acc += D[i, k] * W[k, j] }
                out[i, j] = acc * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func noDerivative(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
        Matrix((0..<D.rows).map { i in
            (0..<W.rows).map { j in (0..<W.columns).reduce(0.0) { $0 + D[i, $1] * W[j, $1] } }
        })
    }

    // sigma'(z) where z -> a = sigma(z)
    static func derivativeOfSigma(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var acc = 0.0
                for k in 0..<W.columns { acc += D[i, k] * W[j, k] }
                out[i, j] = acc * hidden.derivative(fromActivation: hidden.value(A[i, j]))
            }
        }
        return out
    }

    static func timesActivation(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var acc = 0.0
                for k in 0..<W.columns { acc += D[i, k] * W[j, k] }
                out[i, j] = acc * A[i, j]
            }
        }
        return out
    }

    static func derivativeAtJI(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var acc = 0.0
                for k in 0..<W.columns { acc += D[i, k] * W[j, k] }
                out[i, j] = acc * hidden.derivative(fromActivation: A[j, i])
            }
        }
        return out
    }

    static func primeByHand(_ a: Double, _ hidden: Activation) -> Double {
        switch hidden {
        case .sigmoid: return a * (1 - a)
        case .tanh: return 1 - a * a
        case .relu: return a >= 0 ? 1 : 0
        case .identity: return 1
        }
    }

    static func handWrittenPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                 _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var acc = 0.0
                for k in 0..<W.columns { acc += D[i, k] * W[j, k] }
                out[i, j] = acc * primeByHand(A[i, j], hidden)
            }
        }
        return out
    }

    nonisolated(unsafe) static var scratch: [Double] = []
    static let scratchLock = NSLock()

    // one scratch buffer instead of a new matrix every call
    static func reusedBuffer(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
        scratchLock.lock()
        defer { scratchLock.unlock() }
        let m = D.rows, h = W.rows
        if scratch.count != m * h { scratch = [Double](repeating: 0, count: m * h) }
        for i in 0..<m {
            for j in 0..<h {
                var acc = 0.0
                for k in 0..<W.columns { acc += D[i, k] * W[j, k] }
                scratch[i * h + j] += acc * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return Matrix(rows: m, columns: h, elements: scratch)
    }

    // dropout on the hidden error, keep prob 0.8 (inverted dropout)
    static func dropout(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                        _ hidden: Activation) throws -> Matrix<Double> {
        let keep = 0.8
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var acc = 0.0
                for k in 0..<W.columns { acc += D[i, k] * W[j, k] }
                let mask = Double.random(in: 0..<1) < keep ? 1 / keep : 0
                out[i, j] = acc * hidden.derivative(fromActivation: A[i, j]) * mask
            }
        }
        return out
    }

    // turn A into sigma'(A) in place first, saves a matrix
    static func derivativeInPlace(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        A.elements.withUnsafeBufferPointer { buf in
            let p = UnsafeMutablePointer(mutating: buf.baseAddress!)
            for idx in 0..<buf.count { p[idx] = hidden.derivative(fromActivation: p[idx]) }
        }
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var acc = 0.0
                for k in 0..<W.columns { acc += D[i, k] * W[j, k] }
                out[i, j] = acc * A[i, j]
            }
        }
        return out
    }

    static func whileOverExamples(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        var i = 0
        while i < D.rows {
            for j in 0..<W.rows {
                var acc = 0.0
                for k in 0..<W.columns { acc += D[i, k] * W[j, k] }
                out[i, j] = acc * hidden.derivative(fromActivation: A[i, j])
                if j == W.rows { i += 1 }   // done with the last unit: next example
            }
        }
        return out
    }

    static func sumPerExample(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                              _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            var acc = 0.0
            for j in 0..<W.rows {
                for k in 0..<W.columns { acc += D[i, k] * W[j, k] }
                out[i, j] = acc * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func sumToOwnWidth(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                              _ hidden: Activation) throws -> Matrix<Double> {
        let h = W.rows
        var out = Matrix<Double>(rows: D.rows, columns: h)
        for i in 0..<D.rows {
            for j in 0..<h {
                var acc = 0.0
                for k in 0..<h { acc += D[i, k] * W[j, k] }
                out[i, j] = acc * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
        var R = Matrix<Double>(rows: P.rows, columns: Q.columns)
        for i in 0..<P.rows { for j in 0..<Q.columns {
            var s = 0.0
            for k in 0..<P.columns { s += P[i, k] * Q[k, j] }
            R[i, j] = s
        } }
        return R
    }

    // W.T
    static func T(_ M: Matrix<Double>) -> Matrix<Double> {
        Matrix(rows: M.columns, columns: M.rows, elements: M.elements)
    }

    static func transposeHelper(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        let back = matmul(D, T(W))
        return Matrix(rows: back.rows, columns: back.columns,
                      elements: zip(back.elements, A.elements).map { $0 * hidden.derivative(fromActivation: $1) })
    }

    static func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
        Matrix((0..<M.columns).map { c in (0..<M.rows).map { r in M[r, c] } })
    }

    static func hadamard(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
        Matrix(rows: P.rows, columns: P.columns, elements: zip(P.elements, Q.elements).map(*))
    }

    // delta = (D @ W.T) * sigma'(A), like the numpy version
    static func numpyStyle(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                           _ hidden: Activation) throws -> Matrix<Double> {
        hadamard(matmul(D, transpose(W)), A.map { hidden.derivative(fromActivation: $0) })
    }

    static func printsShapes(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
        print("hiddenError D", D.shapeDescription, "W", W.shapeDescription, "A", A.shapeDescription, hidden)
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            let d = D.row(i)
            for j in 0..<W.rows {
                let wj = W.row(j)                           // weights out of unit j
                let back = zip(d, wj).reduce(0.0) { $0 + $1.0 * $1.1 }
                out[i, j] = back * hidden.derivative(fromActivation: A[i, j])
            }
        }
        print("hiddenError out", out.shapeDescription)
        return out
    }
}

// MARK: - Exercise 6: weight gradient

enum H24WeightGradient {
    static func noMean(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<A.rows { s += A[i, k] * D[i, j] }
                G[k, j] = s
            }
        }
        return G
    }

    static func meanTwice(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<A.rows { s += A[i, k] * D[i, j] / m }
                G[k, j] = s / m
            }
        }
        return G
    }

    // unbiased mean
    static func overMMinusOne(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m - 1)
            }
        }
        return G
    }

    static func intScale(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        let scale = Double(1 / m)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s * scale
            }
        }
        return G
    }

    static func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
        var R = Matrix<Double>(rows: P.rows, columns: Q.columns)
        for i in 0..<P.rows { for j in 0..<Q.columns {
            var s = 0.0
            for k in 0..<P.columns { s += P[i, k] * Q[k, j] }
            R[i, j] = s
        } }
        return R
    }

    static func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
        Matrix((0..<M.columns).map { c in (0..<M.rows).map { r in M[r, c] } })
    }

    static func deltaTransposeTimesA(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        return matmul(transpose(D), A).map { $0 / m }
    }

    // sum_i a_ik and sum_i delta_ij, then multiply
    static func sumsMultiplied(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        let aSum = (0..<A.columns).map { k in (0..<A.rows).reduce(0.0) { $0 + A[$1, k] } }
        let dSum = (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } }
        return Matrix(aSum.map { ak in dSum.map { ak * $0 / m } })
    }

    static func assignNotAdd(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s = A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    static func floatAccumulator(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s: Float = 0
                for i in 0..<m { s += Float(A[i, k]) * Float(D[i, j]) }
                G[k, j] = Double(s) / Double(m)
            }
        }
        return G
    }

    static func closedExampleRange(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0...m { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    static func runningSumNeverReset(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        var s = 0.0
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                for i in 0..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    // dW = a delta^T
    static func firstExampleOnly(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let a = A.row(0), d = D.row(0)
        return Matrix(a.map { ak in d.map { ak * $0 } })
    }

    static func examplesFromOne(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 1..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    static func exampleBoundFromInputs(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let (m, n) = (A.rows, A.columns)
        var G = Matrix<Double>(rows: n, columns: D.columns)
        for k in 0..<n {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<n { s += A[i, k] * D[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    // sum over the batch of the per-example outer products a_i delta_i^T
    static func outerProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            let a = A.row(i), d = D.row(i)
            for k in a.indices { for j in d.indices { G[k, j] += a[k] * d[j] } }
        }
        let m = Double(A.rows)
        return G.map { $0 / m }
    }

    static func transposeThenMatmul(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        return matmul(transpose(A), D).map { $0 / m }
    }
}

// MARK: - Exercise 6: bias gradient

enum H24BiasGradient {
    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        let m = Double(D.rows)
        return D.rowArrays.map { $0.reduce(0, +) / m }
    }

    static func overUnits(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.columns) }
    }

    // db = delta
    static func firstRow(_ D: Matrix<Double>) throws -> [Double] {
        D.row(0)
    }

    static func reduceFromOne(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).map { D[$0, j] }.reduce(1, +) / Double(D.rows) }
    }

    static func plainSum(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } }
    }

    // sum of the rows, recursively: first row + sum of the rest
    static func recursiveDropsLast(_ D: Matrix<Double>) throws -> [Double] {
        func total(_ rows: ArraySlice<[Double]>) -> [Double] {
            if rows.count == 1 { return [Double](repeating: 0, count: D.columns) }
            return zip(rows.first!, total(rows.dropFirst())).map(+)
        }
        return total(D.rowArrays[...]).map { $0 / Double(D.rows) }
    }

    // np.mean(delta)
    static func meanOfEverything(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows * D.columns) }
    }

    static func flatModulo(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for (idx, v) in D.elements.enumerated() { sums[idx % D.rows] += v }
        return sums.map { $0 / Double(D.rows) }
    }

    static func transposedRows(_ D: Matrix<Double>) throws -> [Double] {
        D.transposed.rowArrays.map { $0.reduce(0, +) / Double(D.rows) }
    }

    static func recursiveColumns(_ D: Matrix<Double>) throws -> [Double] {
        func sumFrom(_ i: Int, _ acc: [Double]) -> [Double] {
            i == D.rows ? acc : sumFrom(i + 1, zip(acc, D.row(i)).map(+))
        }
        return sumFrom(0, [Double](repeating: 0, count: D.columns)).map { $0 / Double(D.rows) }
    }
}

// MARK: - Exercise 7: batch engines

/// The forward pass every engine below shares unless its slip is in it: A[l] is Aˡ (A[0] = X), Z[l] is Zˡ.
private func h24Forward(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>) throws
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

private func h24MeanLoss(_ network: Network<Double>, _ Z: Matrix<Double>, _ A: Matrix<Double>, _ Y: Matrix<Double>) -> Double {
    var loss = 0.0
    for i in 0..<Y.rows { loss += network.output.loss(logits: Z.row(i), activation: A.row(i), target: Y.row(i)) }
    return loss * (1 / Double(Y.rows))
}

struct H24EngineOwnActivation: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let (A, Z) = try h24Forward(steps, network, X)
        let loss = h24MeanLoss(network, Z[L], A[L], Y)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l], delta),   // dW^l = A^l . delta
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H24EngineWeightsBelow: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let (A, Z) = try h24Forward(steps, network, X)
        let loss = h24MeanLoss(network, Z[L], A[L], Y)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 {
                // error of layer l-1 goes through layer l-1's weights
                delta = try steps.hiddenError(delta, network.layers[l - 2].weights, A[l - 1], network.hidden)
            }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H24EngineDerivativeAbove: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let (A, Z) = try h24Forward(steps, network, X)
        let loss = h24MeanLoss(network, Z[L], A[L], Y)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H24EngineLinearHidden: BackpropEngine {
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
            A.append(l == L ? Zl.mapRows { network.output.activation($0) } : Zl)
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

struct H24EngineEveryLayerX: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for (index, layer) in network.layers.enumerated() {
            let l = index + 1
            let Zl = try steps.forward(X, layer.weights, layer.biases)
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

struct H24EngineLossSummed: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let (A, Z) = try h24Forward(steps, network, X)
        // total loss of the batch
        let loss = (0..<X.rows).reduce(0.0) { $0 + network.output.loss(logits: Z[L].row($1), activation: A[L].row($1), target: Y.row($1)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H24EngineLossAssigned: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let (A, Z) = try h24Forward(steps, network, X)
        var loss = 0.0
        for i in 0..<m { loss = network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
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

struct H24EngineErrorFromLogits: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let (A, Z) = try h24Forward(steps, network, X)
        let loss = h24MeanLoss(network, Z[L], A[L], Y)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(Z[L], Y)     // dL/dz = z - y
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H24EngineBiasAfterMove: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let (A, Z) = try h24Forward(steps, network, X)
        let loss = h24MeanLoss(network, Z[L], A[L], Y)
        var dW = [Matrix<Double>](repeating: Matrix(rows: 1, columns: 1), count: L)
        var db = [[Double]](repeating: [0], count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            dW[l - 1] = try steps.weightGradient(A[l - 1], delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            db[l - 1] = try steps.biasGradient(delta)
        }
        gradients = Gradients(loss: loss, layers: zip(dW, db).map { LayerParameters(weights: $0, biases: $1) })
    }
}

struct H24EngineAppended: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let (A, Z) = try h24Forward(steps, network, X)
        let loss = h24MeanLoss(network, Z[L], A[L], Y)
        var layers: [LayerParameters<Double>] = []
        var delta = try steps.outputError(A[L], Y)
        for l in (1...L).reversed() {
            layers.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                          biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H24EngineStopsAtTwo: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let (A, Z) = try h24Forward(steps, network, X)
        let loss = h24MeanLoss(network, Z[L], A[L], Y)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, to: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H24EngineAddsInto: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let (A, Z) = try h24Forward(steps, network, X)
        gradients.prepare(for: network)
        gradients.loss += h24MeanLoss(network, Z[L], A[L], Y)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let gW = try steps.weightGradient(A[l - 1], delta), gb = try steps.biasGradient(delta)
            gradients.layers[l - 1].weights.elements = zip(gradients.layers[l - 1].weights.elements, gW.elements).map(+)
            gradients.layers[l - 1].biases = zip(gradients.layers[l - 1].biases, gb).map(+)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }
}

struct H24EngineOwnCrossEntropy: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    /// -sum_j y_j log a_j (softmax) or -sum_j [y log a + (1-y) log(1-a)] (sigmoid)
    static func crossEntropy(_ a: [Double], _ y: [Double], softmax: Bool) -> Double {
        zip(a, y).reduce(0.0) { total, pair in
            let (aj, yj) = pair
            return softmax ? total - yj * Foundation.log(aj)
                           : total - (yj * Foundation.log(aj) + (1 - yj) * Foundation.log(1 - aj))
        }
    }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let (A, Z) = try h24Forward(steps, network, X)
        var loss = 0.0
        for i in 0..<m {
            if network.output.loss == .crossEntropy {
                loss += Self.crossEntropy(A[L].row(i), Y.row(i), softmax: network.output.activation == .softmax)
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

struct H24EngineStepsAsItGoes: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, eta = 0.1
        var net = network   // a copy, the caller's network stays as it is
        let (A, Z) = try h24Forward(steps, network, X)
        let loss = h24MeanLoss(network, Z[L], A[L], Y)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let gW = try steps.weightGradient(A[l - 1], delta), gb = try steps.biasGradient(delta)
            layers[l - 1] = LayerParameters(weights: gW, biases: gb)
            // gradient descent step for this layer
            net.layers[l - 1].weights.elements = zip(net.layers[l - 1].weights.elements, gW.elements).map { $0 - eta * $1 }
            net.layers[l - 1].biases = zip(net.layers[l - 1].biases, gb).map { $0 - eta * $1 }
            if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H24EnginePrepareAndAssign: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        gradients.prepare(for: network)   // reuse the caller's storage
        var acts: [Int: Matrix<Double>] = [0: X]
        var logits: [Int: Matrix<Double>] = [:]
        for l in 1...L {
            let p = network.layers[l - 1]
            logits[l] = try steps.forward(acts[l - 1]!, p.weights, p.biases)
            acts[l] = l == L ? logits[l]!.mapRows { network.output.activation($0) } : logits[l]!.map { network.hidden.value($0) }
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: logits[L]!.row(i), activation: acts[L]!.row(i), target: Y.row(i)) }
        gradients.loss = total * (1 / Double(m))
        var delta = try steps.outputError(acts[L]!, Y)
        for l in (1...L).reversed() {
            gradients.layers[l - 1].weights = try steps.weightGradient(acts[l - 1]!, delta)
            gradients.layers[l - 1].biases = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1]!, network.hidden) }
        }
    }
}

struct H24EngineRecursive: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let (A, Z) = try h24Forward(steps, network, X)
        // gradients of layer l and everything below it, layer 1 first
        func backward(_ l: Int, _ delta: Matrix<Double>) throws -> [LayerParameters<Double>] {
            let here = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            guard l > 1 else { return [here] }
            let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            return try backward(l - 1, below) + [here]
        }
        let layers = try backward(L, try steps.outputError(A[L], Y))
        gradients = Gradients(loss: h24MeanLoss(network, Z[L], A[L], Y), layers: layers)
    }
}

struct H24EnginePrints: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        print("engine: net", network.sizeDescription, "m =", m)
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            print("  forward l =", l, "Z", Zl.shapeDescription)
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        print("  loss", loss * (1 / Double(m)))
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            print("  l =", l, "A[l - 1]", A[l - 1].shapeDescription, "delta", delta.shapeDescription)
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}
