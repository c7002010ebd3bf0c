import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 21: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut21Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h21(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut21Submission {
    HeldOut21Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h21sub(
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

public enum HeldOut21Catalogue {
    public static let all: [HeldOut21Submission] = [
        // MARK: exercise 3, one example
        h21("h21-oe-sigma-prime-from-z", "one example", "δˡ multiplies by hidden.derivative(fromActivation: zˡ[j]), σ′ computed from the stored pre-activation zˡ instead of the activation aˡ (right only for ReLU, where z > 0 and a > 0 agree)", h21sub(oneExample: H21OneExample.sigmaPrimeFromZ)),
        h21("h21-oe-hand-softmax", "one example", "for a softmax output aᴸ is computed by hand as exp(zⱼ) / Σₖ exp(zₖ) without subtracting the largest zⱼ first, so it overflows to NaN when the logits are in the hundreds", h21sub(oneExample: H21OneExample.handSoftmax)),
        h21("h21-oe-hand-log-loss", "one example", "the loss is written by hand as −Σⱼ yⱼ log aᴸⱼ for every output layer instead of network.output.loss(logits:activation:target:): for a sigmoid output it misses the (1 − y) log(1 − a) term, and it is infinite where aᴸ rounds to 0", h21sub(oneExample: H21OneExample.handLogLoss)),
        h21("h21-oe-layers-top-first", "one example", "the gradients are appended in the backward loop, so the returned layers are in reverse order (layer L first) instead of layer 1 first", h21sub(oneExample: H21OneExample.layersTopFirst)),
        h21("h21-oe-cache-by-input", "one example", "answers are cached in a static dictionary keyed by the input x alone, so a later call with the same x but another target or other weights returns the old gradients", h21sub(oneExample: H21OneExample.cachedByInput)),
        h21("h21-oe-sigmoid-prime-always", "one example", "σ′ in δˡ is written by hand as a(1 − a), the sigmoid's derivative, whatever the hidden activation (wrong for tanh and ReLU)", h21sub(oneExample: H21OneExample.sigmoidPrimeAlways)),
        h21("h21-oe-hidden-sigma-at-output", "one example", "aᴸ is computed with the hidden activation (network.hidden.value) instead of network.output.activation, so δᴸ uses the wrong output activation (right only when both are the sigmoid)", h21sub(oneExample: H21OneExample.hiddenSigmaAtOutput)),
        h21("h21-oe-exit-after-three-calls", "one example", "a debugging print with a static call counter was left in, and it calls exit(0) on the third call", h21sub(oneExample: H21OneExample.exitAfterThreeCalls)),
        h21("h21-oe-float-outer-product", "one example", "∂Wˡ = aˡ⁻¹ (δˡ)ᵀ is computed with both factors converted to Float, so each weight gradient has only single precision", h21sub(oneExample: H21OneExample.floatOuterProduct)),
        h21("h21-oe-hidden-sum-own-width", "one example", "the sum in δˡ⁻¹ⱼ = Σₖ Wˡ[j, k] δˡₖ runs over k < h[l − 1] (the lower layer's own width) where h[l] belongs (right only when the two widths are equal)", h21sub(oneExample: H21OneExample.hiddenSumOwnWidth)),
        h21("h21-oe-output-error-sign", "one example", "δᴸ is computed as y − aᴸ instead of aᴸ − y, so every gradient has the wrong sign", h21sub(oneExample: H21OneExample.outputErrorSign)),
        h21("h21-oe-matvec-forward-untransposed", "one example", "the forward pass uses the student's W·v helper, zˡ = Wˡ aˡ⁻¹ + bˡ (Σₖ W[j, k] aₖ), where (Wˡ)ᵀ aˡ⁻¹ (Σₖ W[k, j] aₖ) belongs", h21sub(oneExample: H21OneExample.matVecBothWays)),

        // MARK: exercise 4, forward
        h21("h21-fw-bias-in-reduce", "forward", "the bias b[j] is added inside the reduce over k, once per term, instead of once per element", h21sub(forward: H21Forward.biasInReduce)),
        h21("h21-fw-sigmoid-in-forward", "forward", "the forward step applies the sigmoid, returning σ(Aˡ⁻¹ Wˡ + bˡ) instead of the pre-activation Zˡ", h21sub(forward: H21Forward.sigmoidInForward)),
        h21("h21-fw-dot-length-w-columns", "forward", "the student's dot helper is given the length W.columns (h_l) where A.columns / W.rows (h_{l−1}) belongs, so the sum over k stops early or runs past Aˡ⁻¹ (right only when h_{l−1} = h_l)", h21sub(forward: H21Forward.dotLengthFromWColumns)),
        h21("h21-fw-bias-by-example-modulo", "forward", "the bias is indexed by the example, b[i % b.count], instead of by the unit, b[j]", h21sub(forward: H21Forward.biasByExampleModulo)),
        h21("h21-fw-running-sum-never-reset", "forward", "one running sum is declared outside the loops and never reset, so each Z[i, j] also contains every earlier element's products", h21sub(forward: H21Forward.runningSumNeverReset)),
        h21("h21-fw-float-dot", "forward", "the products Σₖ A[i, k] W[k, j] are accumulated in a Float, losing double precision", h21sub(forward: H21Forward.floatDot)),
        h21("h21-fw-cache-by-shape", "forward", "results are cached in a static dictionary keyed by the shapes (m, h_{l−1}, h_l), so a later call with other values of the same shapes returns an old Zˡ", h21sub(forward: H21Forward.cacheByShape)),
        h21("h21-fw-transposes-square-weights-in-place", "forward", "when Wˡ is square it is transposed in place through a mutable pointer into the caller's storage and never transposed back, so Zˡ is right but the caller's weights are left transposed", h21sub(forward: H21Forward.transposesSquareWeightsInPlace)),
        h21("h21-fw-rows-from-weights", "forward", "Zˡ is allocated and looped over with W.rows (h_{l−1}) rows where m (A.rows) belongs (right only when m = h_{l−1})", h21sub(forward: H21Forward.rowsFromWeights)),
        h21("h21-fw-bias-first-row-only", "forward", "the bias bˡ is added to row 0 only instead of to every row (right only when m = 1)", h21sub(forward: H21Forward.biasFirstRowOnly)),

        // MARK: exercise 4, output error
        h21("h21-oerr-target-minus-output", "output error", "Δᴸ is computed as Y − Aᴸ instead of Aᴸ − Y (every element has the wrong sign)", h21sub(outputError: H21OutputError.targetMinusOutput)),
        h21("h21-oerr-absolute-difference", "output error", "Δᴸ is |Aᴸ − Y| (abs of the difference), so the negative elements have their sign turned", h21sub(outputError: H21OutputError.absoluteDifference)),
        h21("h21-oerr-extra-sigma-prime", "output error", "Δᴸ is multiplied by the sigmoid's derivative Aᴸ(1 − Aᴸ), the squared-error rule, which cancels with cross-entropy", h21sub(outputError: H21OutputError.extraSigmaPrime)),
        h21("h21-oerr-divided-by-m", "output error", "Δᴸ is divided by m, a 1/m that belongs in the gradients, not in the output error", h21sub(outputError: H21OutputError.dividedByM)),
        h21("h21-oerr-target-as-first-one", "output error", "each target row is read as a single class, the first entry equal to 1 (class 0 when there is none), and replaced by its one-hot row (right only for one-hot targets)", h21sub(outputError: H21OutputError.targetAsFirstOne)),
        h21("h21-oerr-rounded-targets", "output error", "the targets are rounded to 0 or 1 (Y[i, j].rounded()) before the subtraction, which changes soft targets", h21sub(outputError: H21OutputError.roundedTargets)),
        h21("h21-oerr-cache-by-targets", "output error", "answers are cached in a static dictionary keyed by Y alone, so a later call with the same targets and other activations Aᴸ returns the old Δᴸ", h21sub(outputError: H21OutputError.cacheByTargets)),
        h21("h21-oerr-last-column-left-zero", "output error", "the loop over the units runs to A.columns − 1, so the last column of Δᴸ is left 0", h21sub(outputError: H21OutputError.lastColumnLeftZero)),
        h21("h21-oerr-clamped-activations", "output error", "Aᴸ is clamped to [1e-7, 1 − 1e-7] before Y is subtracted, so Δᴸ is wrong where an output saturates (large logits)", h21sub(outputError: H21OutputError.clampedActivations)),
        h21("h21-oerr-in-place-in-output", "output error", "Δᴸ is computed in place in the caller's Aᴸ through a mutable pointer, so the result is right but the input Aᴸ is overwritten", h21sub(outputError: H21OutputError.inPlaceInOutput)),

        // MARK: exercise 5, hidden error
        h21("h21-he-matmul-no-transpose", "hidden error", "the student's matmul computes Δˡ⁺¹ Wˡ⁺¹ (W[k, j]) without transposing Wˡ⁺¹, where Δˡ⁺¹ (Wˡ⁺¹)ᵀ (W[j, k]) belongs", h21sub(hiddenError: H21HiddenError.matmulNoTranspose)),
        h21("h21-he-no-sigma-prime", "hidden error", "the ∘ σ′(Zˡ) factor is missing: Δˡ is just Δˡ⁺¹ (Wˡ⁺¹)ᵀ", h21sub(hiddenError: H21HiddenError.noSigmaPrime)),
        h21("h21-he-sigma-prime-of-sigma", "hidden error", "σ′ is computed from σ(Aˡ), derivative(fromActivation: hidden.value(A[i, j])), instead of from Aˡ", h21sub(hiddenError: H21HiddenError.sigmaPrimeOfSigma)),
        h21("h21-he-times-activation", "hidden error", "the sum is multiplied by the activation A[i, j] itself instead of σ′ computed from it", h21sub(hiddenError: H21HiddenError.timesActivation)),
        h21("h21-he-hand-derivative-tanh-typo", "hidden error", "σ′ is written by hand in a switch with tanh′ typed as 1 − a instead of 1 − a² (sigmoid and ReLU are right)", h21sub(hiddenError: H21HiddenError.handDerivativeTanhTypo)),
        h21("h21-he-static-buffer-not-zeroed", "hidden error", "the sums are accumulated into a static buffer kept between calls and never zeroed, so each call adds onto the previous call's sums", h21sub(hiddenError: H21HiddenError.staticBufferNotZeroed)),
        h21("h21-he-sum-bound-w-rows", "hidden error", "the sum over k runs to W.rows (h_l) where W.columns (h_{l+1}) belongs (right only when Wˡ⁺¹ is square)", h21sub(hiddenError: H21HiddenError.sumBoundWRows)),
        h21("h21-he-float-sum", "hidden error", "the sum Σₖ Δˡ⁺¹[i, k] Wˡ⁺¹[j, k] is accumulated in a Float", h21sub(hiddenError: H21HiddenError.floatSum)),
        h21("h21-he-sigma-prime-over-activations", "hidden error", "σ′ is written over the caller's Aˡ through a mutable pointer and read back from there, so Δˡ is right but the input Aˡ is overwritten", h21sub(hiddenError: H21HiddenError.sigmaPrimeOverActivations)),
        h21("h21-he-first-term-twice", "hidden error", "the sum starts from the k = 0 term Δ[i, 0] W[j, 0] and the loop then adds it again from k = 0, so it is counted twice", h21sub(hiddenError: H21HiddenError.firstTermTwice)),
        h21("h21-he-sigma-prime-first-example", "hidden error", "σ′ is read at A[0, j], example 0's activations, for every example i instead of at A[i, j] (right only when m = 1)", h21sub(hiddenError: H21HiddenError.sigmaPrimeFromFirstExample)),

        // MARK: exercise 6, weight gradient
        h21("h21-wg-no-mean", "weight gradient", "the sum Σᵢ A[i, k] Δ[i, j] is never multiplied by 1/m", h21sub(weightGradient: H21WeightGradient.noMean)),
        h21("h21-wg-mean-twice", "weight gradient", "each term is divided by m inside the sum and the sum is divided by m again, so the 1/m is applied twice", h21sub(weightGradient: H21WeightGradient.meanTwice)),
        h21("h21-wg-m-minus-one", "weight gradient", "the sum is divided by m − 1 instead of m", h21sub(weightGradient: H21WeightGradient.mMinusOne)),
        h21("h21-wg-delta-transposed-times-input", "weight gradient", "computes (1/m) (Δˡ)ᵀ Aˡ⁻¹ with the student's own transpose and matmul, the transpose of (1/m) (Aˡ⁻¹)ᵀ Δˡ", h21sub(weightGradient: H21WeightGradient.deltaTransposedTimesInput)),
        h21("h21-wg-factors-summed-first", "weight gradient", "each factor is summed over the examples first and the sums multiplied, (Σᵢ A[i, k]) (Σᵢ Δ[i, j]) / m, instead of summing the products (right only when m = 1)", h21sub(weightGradient: H21WeightGradient.factorsSummedFirst)),
        h21("h21-wg-assigns-instead-of-adds", "weight gradient", "the sum over the examples uses = where += belongs, so only the last example counts (right only when m = 1)", h21sub(weightGradient: H21WeightGradient.assignsInsteadOfAdds)),
        h21("h21-wg-integer-reciprocal", "weight gradient", "the scale is Double(1 / m) with 1 / m in Int arithmetic, which is 0 for every m above 1 (right only when m = 1)", h21sub(weightGradient: H21WeightGradient.integerReciprocal)),
        h21("h21-wg-float-accumulator", "weight gradient", "the sum over the examples is accumulated in a Float", h21sub(weightGradient: H21WeightGradient.floatAccumulator)),
        h21("h21-wg-divided-by-input-width", "weight gradient", "the sum is divided by A.columns (h_{l−1}) where m (A.rows) belongs (right only when m = h_{l−1})", h21sub(weightGradient: H21WeightGradient.dividedByInputWidth)),
        h21("h21-wg-cache-by-delta", "weight gradient", "answers are cached in a static dictionary keyed by Δˡ alone, so a later call with the same Δˡ and another Aˡ⁻¹ returns the old ∂Wˡ", h21sub(weightGradient: H21WeightGradient.cacheByDelta)),
        h21("h21-wg-running-sum-never-reset", "weight gradient", "one running sum is declared outside the loops and never reset, so each ∂W[k, j] also contains the sums of every earlier element", h21sub(weightGradient: H21WeightGradient.runningSumNeverReset)),

        // MARK: exercise 6, bias gradient
        h21("h21-bg-row-sums", "bias gradient", "each example's row is summed (over the units, axis 1), giving m numbers, where each column should be summed over the examples", h21sub(biasGradient: H21BiasGradient.rowSums)),
        h21("h21-bg-divided-by-units", "bias gradient", "the column sums are divided by D.columns (h_l) where m (D.rows) belongs (right only when m = h_l)", h21sub(biasGradient: H21BiasGradient.dividedByUnits)),
        h21("h21-bg-first-row-only", "bias gradient", "returns only the first row of Δˡ (the one-example ∂b = δ) instead of the mean of the rows (right only when m = 1)", h21sub(biasGradient: H21BiasGradient.firstRowOnly)),
        h21("h21-bg-reduce-from-one", "bias gradient", "each column sum starts from 1, reduce(1, +), instead of 0", h21sub(biasGradient: H21BiasGradient.reduceFromOne)),
        h21("h21-bg-no-mean", "bias gradient", "the column sums are never multiplied by 1/m", h21sub(biasGradient: H21BiasGradient.noMean)),
        h21("h21-bg-float-sums", "bias gradient", "the column sums are accumulated in Float", h21sub(biasGradient: H21BiasGradient.floatSums)),
        h21("h21-bg-static-sums-not-reset", "bias gradient", "the sums live in a static array kept between calls and are reset only when the width changes, so a call adds onto the previous call's sums", h21sub(biasGradient: H21BiasGradient.staticSumsNotReset)),
        h21("h21-bg-skips-first-example", "bias gradient", "the loop over the examples starts at i = 1, so example 0's row is left out of the sum", h21sub(biasGradient: H21BiasGradient.skipsFirstExample)),
        h21("h21-bg-m-minus-one", "bias gradient", "the column sums are divided by m − 1 instead of m", h21sub(biasGradient: H21BiasGradient.mMinusOne)),
        h21("h21-bg-stride-by-rows", "bias gradient", "column j is walked through the row-major storage with a stride of D.rows (m) where D.columns (h_l) belongs (right only when m = h_l)", h21sub(biasGradient: H21BiasGradient.strideByRows)),

        // MARK: exercise 7, batch engine
        h21("h21-en-own-activation", "batch engine", "∂Wˡ is computed from A[l], the layer's own activation Aˡ, where its input A[l − 1] = Aˡ⁻¹ belongs", h21sub(engine: { AnyBackpropEngine(H21EnOwnActivation(steps: $0)) })),
        h21("h21-en-weights-below", "batch engine", "the hidden error Δˡ⁻¹ is computed with network.layers[l − 2].weights (Wˡ⁻¹) where Wˡ (network.layers[l − 1]) belongs", h21sub(engine: { AnyBackpropEngine(H21EnWeightsBelow(steps: $0)) })),
        h21("h21-en-sigma-prime-above", "batch engine", "the hidden error Δˡ⁻¹ is given A[l] (Aˡ, the layer above) for σ′ where A[l − 1] (Aˡ⁻¹) belongs", h21sub(engine: { AnyBackpropEngine(H21EnSigmaPrimeAbove(steps: $0)) })),
        h21("h21-en-no-hidden-sigma", "batch engine", "the hidden layers' activation is never applied: Aˡ = Zˡ for l < L", h21sub(engine: { AnyBackpropEngine(H21EnNoHiddenSigma(steps: $0)) })),
        h21("h21-en-loss-summed", "batch engine", "the loss is the sum of the examples' losses, never multiplied by 1/m", h21sub(engine: { AnyBackpropEngine(H21EnLossSummed(steps: $0)) })),
        h21("h21-en-loss-assigned", "batch engine", "the loss is assigned (=) in the loop over the examples instead of added (+=), so only the last example's loss counts", h21sub(engine: { AnyBackpropEngine(H21EnLossAssigned(steps: $0)) })),
        h21("h21-en-bias-after-move", "batch engine", "∂bˡ is computed after delta has been replaced by Δˡ⁻¹, so every layer but layer 1 gets the bias gradient of the layer below's error", h21sub(engine: { AnyBackpropEngine(H21EnBiasAfterMove(steps: $0)) })),
        h21("h21-en-stops-at-two", "batch engine", "the backward loop is stride(from: L, to: 1, by: -1), so it stops at l = 2 and layer 1's gradients stay the 1 × 1 placeholder", h21sub(engine: { AnyBackpropEngine(H21EnStopsAtTwo(steps: $0)) })),
        h21("h21-en-updates-while-going-back", "batch engine", "a copy of the weights is updated (Wˡ −= 0.1 ∂Wˡ) right after each layer's gradients, so Δˡ⁻¹ is computed with the moved Wˡ instead of the forward pass's", h21sub(engine: { AnyBackpropEngine(H21EnUpdatesWhileGoingBack(steps: $0)) })),
        h21("h21-en-adds-into-gradients", "batch engine", "the loss and every gradient are added (+=) into the caller's `gradients` instead of assigned, so whatever it held is kept", h21sub(engine: { AnyBackpropEngine(H21EnAddsIntoGradients(steps: $0)) })),
        h21("h21-en-global-activations", "batch engine", "the activations are appended to a static array that is never cleared, so every call after the first reads the first call's Aˡ by index", h21sub(engine: { AnyBackpropEngine(H21EnGlobalActivations(steps: $0)) })),
        h21("h21-en-hand-softmax", "batch engine", "for a softmax output Aᴸ is computed by hand, row by row, as exp(z) / Σ exp(z) without subtracting the row's maximum, so it is NaN when the logits are in the hundreds", h21sub(engine: { AnyBackpropEngine(H21EnHandSoftmax(steps: $0)) })),
        h21("h21-en-output-error-from-z", "batch engine", "the output error is called with Zᴸ where Aᴸ belongs: outputError(Zᴸ, Y)", h21sub(engine: { AnyBackpropEngine(H21EnOutputErrorFromZ(steps: $0)) })),
        h21("h21-en-float-loss", "batch engine", "the mean loss is accumulated and divided in Float, so it has only single precision", h21sub(engine: { AnyBackpropEngine(H21EnFloatLoss(steps: $0)) })),

        // MARK: correct, written unusually
        h21("h21-pass-oe-recursive-forward", "pass", "correct, the forward pass by recursion over the layers, a print of each example's loss, the backward pass in a while loop", h21sub(oneExample: H21OneExample.passRecursiveForward)),
        h21("h21-pass-oe-column-matrices", "pass", "correct, column vectors as [n, 1] matrices with the student's own transpose and matmul, the bias added after the product", h21sub(oneExample: H21OneExample.passColumnMatrices)),
        h21("h21-pass-oe-pointers-reversed", "pass", "correct, sums through unsafe buffer pointers, gradients collected top layer first and reversed at the end", h21sub(oneExample: H21OneExample.passPointersReversed)),
        h21("h21-pass-fw-pointers", "pass", "correct, forward through unsafe buffer pointers and a while loop over the rows", h21sub(forward: H21Forward.passPointers)),
        h21("h21-pass-fw-transposed-rows-print", "pass", "correct, forward from a transposed copy of Wˡ with zip/reduce starting at b[j], and a print of the shapes", h21sub(forward: H21Forward.passTransposedRowsPrint)),
        h21("h21-pass-oerr-zip", "pass", "correct, the output error as one zip over the row-major storage", h21sub(outputError: H21OutputError.passZip)),
        h21("h21-pass-oerr-while-backwards-print", "pass", "correct, the output error in one while loop over the flat index from the end, with a print", h21sub(outputError: H21OutputError.passWhileBackwardsPrint)),
        h21("h21-pass-he-own-transpose-matmul", "pass", "correct, the hidden error as the student's matmul of Δˡ⁺¹ with its own transpose of Wˡ⁺¹, then a Hadamard product with σ′ mapped over Aˡ", h21sub(hiddenError: H21HiddenError.passOwnTransposeMatmul)),
        h21("h21-pass-he-recursive-rows", "pass", "correct, the hidden error's rows built by recursion, the sum over k from the top unit down, with a print", h21sub(hiddenError: H21HiddenError.passRecursiveRows)),
        h21("h21-pass-wg-outer-products", "pass", "correct, the weight gradient as the sum of each example's outer product aᵢ δᵢᵀ added into G, then divided by m", h21sub(weightGradient: H21WeightGradient.passOuterProductsPerExample)),
        h21("h21-pass-wg-pointers-reciprocal", "pass", "correct, the weight gradient through raw pointers with a while loop over the examples, multiplied by 1/m, with a print", h21sub(weightGradient: H21WeightGradient.passPointersReciprocal)),
        h21("h21-pass-bg-transposed-reduce", "pass", "correct, the bias gradient as each row of the transposed Δˡ reduced and multiplied by 1/m", h21sub(biasGradient: H21BiasGradient.passTransposedReduce)),
        h21("h21-pass-bg-pointer-stride", "pass", "correct, the bias gradient through a pointer walking down each column with a stride of h_l, with a print", h21sub(biasGradient: H21BiasGradient.passPointerStride)),
        h21("h21-pass-en-prepare-assign", "pass", "correct, the engine calls gradients.prepare(for:) and assigns every element and the loss, printing the shapes in the backward loop", h21sub(engine: { AnyBackpropEngine(H21EnPassPrepareAssign(steps: $0)) })),
        h21("h21-pass-en-recursive-backward", "pass", "correct, the engine's backward pass by recursion from the top layer, the gradients gathered in a small class, the loss added after", h21sub(engine: { AnyBackpropEngine(H21EnPassRecursiveBackward(steps: $0)) })),
        h21("h21-pass-en-dictionary-reversed", "pass", "correct, the engine keeps the activations in a dictionary, uses while loops, appends the gradients top first and reverses them, and divides the loss by m", h21sub(engine: { AnyBackpropEngine(H21EnPassDictionaryReversed(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - helpers some students wrote for themselves

enum H21Linear {
    /// A student's own transpose.
    static func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
        var T = Matrix<Double>(rows: M.columns, columns: M.rows)
        for r in 0..<M.rows { for c in 0..<M.columns { T[c, r] = M[r, c] } }
        return T
    }

    /// A student's own matrix product: sum over k from 0, in order.
    static func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
        var R = Matrix<Double>(rows: P.rows, columns: Q.columns)
        for i in 0..<P.rows {
            for j in 0..<Q.columns {
                var s = 0.0
                for k in 0..<P.columns { s += P[i, k] * Q[k, j] }
                R[i, j] = s
            }
        }
        return R
    }
}

// MARK: - exercise 3, one example

enum H21OneExample {
    /// σ′ taken from the stored zˡ instead of aˡ.
    static func sigmaPrimeFromZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        struct Record { var z: [Double]; var a: [Double] }
        let L = network.layerCount, h = network.sizes
        var records = [Record(z: [], a: x)]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for k in 0..<h[l - 1] { zl[j] += W[k, j] * records[l - 1].a[k] }
            }
            records.append(Record(z: zl, a: l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl)))
        }
        let loss = network.output.loss(logits: records[L].z, activation: records[L].a, target: y)
        var delta = (0..<h[L]).map { records[L].a[$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = records[l - 1].a[k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: records[l - 1].z[j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The softmax written by hand with while loops, exp(zⱼ) / Σ exp(zₖ), no maximum subtracted.
    static func handSoftmax(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        var l = 1
        while l <= L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            var j = 0
            while j < h[l] {
                zl[j] = b[j]
                var k = 0
                while k < h[l - 1] { zl[j] += W[k, j] * a[l - 1][k]; k += 1 }
                j += 1
            }
            z.append(zl)
            if l < L {
                a.append(zl.map { network.hidden.value($0) })
            } else if network.output == OutputLayer.softmaxCrossEntropy {
                var e = [Double](), total = 0.0
                var q = 0
                while q < zl.count { e.append(exp(zl[q])); total += exp(zl[q]); q += 1 }
                a.append(e.map { $0 / total })
            } else {
                a.append(network.output.activation(zl))
            }
            l += 1
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        l = L
        while l >= 1 {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<h[l - 1]).map { j in
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    return s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The loss written by hand as −Σ y log a for every output layer.
    static func handLogLoss(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        let loss = -zip(y, a[L]).reduce(0.0) { $0 + $1.0 * log($1.1) }
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The gradients appended as the backward loop makes them: top layer first.
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
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// A cache of answers keyed by x alone.
    nonisolated(unsafe) static var answersByInput: [[Double]: Gradients<Double>] = [:]
    static func cachedByInput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        if let known = answersByInput[x] { return known }   // the same example: no need to compute it twice
        let g = try Solutions.oneExample(network, x, y)
        answersByInput[x] = g
        return g
    }

    /// σ′ written by hand as a(1 − a), the sigmoid's, whatever the hidden activation.
    static func sigmoidPrimeAlways(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                let aj = a[l - 1][j]
                return s * (aj * (1 - aj))
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// aᴸ computed with the hidden σ.
    static func hiddenSigmaAtOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            a.append(zl.map { network.hidden.value($0) })
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
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Debugging left in: prints each call's loss and stops the program at the third call.
    nonisolated(unsafe) static var debugCalls = 0
    static func exitAfterThreeCalls(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let g = try Solutions.oneExample(network, x, y)
        debugCalls += 1
        print("call", debugCalls, "loss", g.loss)
        if debugCalls == 3 { exit(0) }   // three are enough to read
        return g
    }

    /// ∂Wˡ's outer product computed in Float.
    static func floatOuterProduct(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            let ak = a[l - 1].map { Float($0) }, dj = delta.map { Float($0) }
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = Double(ak[k] * dj[j]) } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// The sum in δˡ runs over h[l - 1] (the layer's own width) instead of h[l].
    static func hiddenSumOwnWidth(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            let below = h[l - 1]
            delta = (0..<below).map { j in
                var s = 0.0
                for k in 0..<below { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// δᴸ = y − aᴸ.
    static func outputErrorSign(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        var delta = zip(y, a[L]).map { $0 - $1 }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// One helper W·v, used for the backward pass (right) and for the forward pass too (where (Wˡ)ᵀ belongs).
    static func matVecBothWays(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        func matVec(_ W: Matrix<Double>, _ v: [Double]) -> [Double] {
            (0..<W.rows).map { r in
                var s = 0.0
                for c in 0..<W.columns { s += W[r, c] * v[c] }
                return s
            }
        }
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let zl = zip(matVec(layer.weights, a[l - 1]), layer.biases).map { $0 + $1 }
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
            let back = matVec(network.layers[l - 1].weights, delta)
            delta = (0..<h[l - 1]).map { back[$0] * network.hidden.derivative(fromActivation: a[l - 1][$0]) }
        }
        return Gradients(loss: loss, layers: layers)
    }

    // MARK: correct, written unusually

    /// Correct: the forward pass by recursion over the layers, a print of the loss, the backward pass in a while loop.
    static func passRecursiveForward(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        func forwardFrom(_ l: Int, _ acts: [[Double]], _ zs: [[Double]]) -> ([[Double]], [[Double]]) {
            if l > L { return (acts, zs) }
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for k in 0..<h[l - 1] { zl[j] += W[k, j] * acts[l - 1][k] }
            }
            let al = l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl)
            return forwardFrom(l + 1, acts + [al], zs + [zl])
        }
        let (a, z) = forwardFrom(1, [x], [[]])
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        print("loss of this example:", loss)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var l = L
        while true {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
            l -= 1
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Correct: column vectors as [n, 1] matrices, with its own transpose and product, and the bias added after.
    static func passColumnMatrices(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a = [Matrix<Double>(rows: x.count, columns: 1, elements: x)]
        var zL = [Double]()
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Wa = H21Linear.matmul(H21Linear.transpose(layer.weights), a[l - 1])        // (Wˡ)ᵀ aˡ⁻¹  [h_l, 1]
            let zl = (0..<Wa.rows).map { Wa[$0, 0] + layer.biases[$0] }
            if l == L { zL = zl }
            let al = l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl)
            a.append(Matrix(rows: al.count, columns: 1, elements: al))
        }
        let aL = a[L].elements
        let loss = network.output.loss(logits: zL, activation: aL, target: y)
        var delta = Matrix<Double>(rows: aL.count, columns: 1, elements: zip(aL, y).map { $0 - $1 })
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            let gw = H21Linear.matmul(a[l - 1], H21Linear.transpose(delta))              // aˡ⁻¹ (δˡ)ᵀ
            layers[l - 1] = LayerParameters(weights: gw, biases: delta.elements)
            if l > 1 {
                let back = H21Linear.matmul(network.layers[l - 1].weights, delta)         // Wˡ δˡ
                let sp = a[l - 1].map { network.hidden.derivative(fromActivation: $0) }
                delta = Matrix(rows: back.rows, columns: 1, elements: zip(back.elements, sp.elements).map { $0 * $1 })
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Correct: unsafe pointers for the sums, gradients collected top first and reversed at the end.
    static func passPointersReversed(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let cols = W.columns
            var zl = b
            W.elements.withUnsafeBufferPointer { w in
                a[l - 1].withUnsafeBufferPointer { input in
                    for j in 0..<cols {
                        for k in 0..<input.count { zl[j] += w[k * cols + j] * input[k] }
                    }
                }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var topFirst: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            gw.elements.withUnsafeMutableBufferPointer { g in
                for k in 0..<h[l - 1] { for j in 0..<h[l] { g[k * h[l] + j] = a[l - 1][k] * delta[j] } }
            }
            topFirst.append(LayerParameters(weights: gw, biases: delta))
            if l == 1 { continue }
            let W = network.layers[l - 1].weights
            let current = delta
            delta = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * current[k] }
                delta[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: Array(topFirst.reversed()))
    }
}

// MARK: - exercise 4, forward

enum H21Forward {
    /// The bias added inside the sum over k, written with reduce.
    static func biasInReduce(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                Z[i, j] = (0..<A.columns).reduce(0.0) { $0 + A[i, $1] * W[$1, j] + b[j] }
            }
        }
        return Z
    }

    /// The sigmoid applied to Zˡ inside the forward step.
    static func sigmoidInForward(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = 1 / (1 + exp(-sum))   // the layer's output
            }
        }
        return Z
    }

    /// Its own dot helper, told the length W.columns (h_l) where A.columns (h_{l−1}) belongs.
    static func dotLengthFromWColumns(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        func dot(_ i: Int, _ j: Int, _ n: Int) -> Double {
            var s = 0.0
            for k in 0..<n { s += A[i, k] * W[k, j] }
            return s
        }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<Z.rows { for j in 0..<Z.columns { Z[i, j] = b[j] + dot(i, j, W.columns) } }
        return Z
    }

    /// The bias indexed by the example, b[i % b.count] (the modulo added to stop a crash), not by the unit.
    static func biasByExampleModulo(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    /// One running sum declared outside the loops and never reset.
    static func runningSumNeverReset(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        var sum = 0.0
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum + b[j]
            }
        }
        return Z
    }

    /// The dot product accumulated in Float.
    static func floatDot(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var acc: Float = 0
                for k in 0..<A.columns { acc += Float(A[i, k]) * Float(W[k, j]) }
                Z[i, j] = b[j] + Double(acc)
            }
        }
        return Z
    }

    /// A static cache of answers keyed by the shapes.
    nonisolated(unsafe) static var byShape: [String: Matrix<Double>] = [:]
    static func cacheByShape(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = "\(A.rows)x\(A.columns)x\(W.columns)"
        if let Z = byShape[key] { return Z }
        let Z = try Solutions.forward(A, W, b)
        byShape[key] = Z
        return Z
    }

    /// A square Wˡ transposed in place through a pointer (to read it by rows) and never transposed back.
    static func transposesSquareWeightsInPlace(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let n = W.rows, h = W.columns
        guard n == h else { return try Solutions.forward(A, W, b) }
        var Z = Matrix<Double>(rows: A.rows, columns: h)
        W.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for r in 0..<n {
                for c in (r + 1)..<max(n, r + 1) {
                    let t = p[r * n + c]; p[r * n + c] = p[c * n + r]; p[c * n + r] = t
                }
            }
            for i in 0..<A.rows {
                for j in 0..<h {
                    var sum = b[j]
                    for k in 0..<n { sum += A[i, k] * p[j * n + k] }   // row j is now column j of Wˡ
                    Z[i, j] = sum
                }
            }
        }
        return Z
    }

    /// Zˡ allocated with Wˡ's rows (h_{l−1}) where m (A.rows) belongs, and looped over those rows.
    static func rowsFromWeights(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: W.rows, columns: W.columns)
        for i in 0..<Z.rows {
            for j in 0..<Z.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    /// The bias added to the first row only.
    static func biasFirstRowOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = H21Linear.matmul(A, W)
        for j in 0..<Z.columns { Z[0, j] += b[j] }
        return Z
    }

    // MARK: correct, written unusually

    /// Correct: unsafe buffer pointers over the three matrices, the same order of sums as the solution.
    static func passPointers(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = W.columns
        var out = [Double](repeating: 0, count: m * h)
        A.elements.withUnsafeBufferPointer { a in
            W.elements.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { z in
                    var i = 0
                    while i < m {
                        for j in 0..<h {
                            var sum = b[j]
                            for k in 0..<n { sum += a[i * n + k] * w[k * h + j] }
                            z[i * h + j] = sum
                        }
                        i += 1
                    }
                }
            }
        }
        return Matrix(rows: m, columns: h, elements: out)
    }

    /// Correct: Wˡ transposed once (a copy), each element a zip/reduce from b[j], and a print of the shapes.
    static func passTransposedRowsPrint(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        print("forward:", A.shapeDescription, "times", W.shapeDescription, "plus", b.count, "biases")
        let Wt = W.transposed
        let rows = (0..<A.rows).map { i -> [Double] in
            let x = A.row(i)
            return (0..<Wt.rows).map { j in zip(x, Wt.row(j)).reduce(b[j]) { $0 + $1.0 * $1.1 } }
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows.flatMap { $0 })
    }
}

// MARK: - exercise 4, output error

enum H21OutputError {
    /// Y − A, with zip over the storage.
    static func targetMinusOutput(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $1 - $0 })
    }

    /// |A − Y|.
    static func absoluteDifference(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = abs(A[i, j] - Y[i, j]) } }
        return D
    }

    /// (A − Y) ∘ A(1 − A): the squared-error rule.
    static func extraSigmaPrime(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = A[i, j]
                D[i, j] = (a - Y[i, j]) * a * (1 - a)
            }
        }
        return D
    }

    /// Δᴸ divided by m.
    static func dividedByM(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        return Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { ($0 - $1) / m })
    }

    /// Each target row read as one class, the first entry equal to 1 (class 0 if none), and made one-hot.
    static func targetAsFirstOne(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let label = Y.row(i).firstIndex(of: 1.0) ?? 0
            for j in 0..<A.columns { D[i, j] = A[i, j] - (j == label ? 1 : 0) }
        }
        return D
    }

    /// The targets rounded to 0 or 1.
    static func roundedTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j].rounded() } }
        return D
    }

    /// A cache keyed by the targets alone.
    nonisolated(unsafe) static var byTargets: [[Double]: Matrix<Double>] = [:]
    static func cacheByTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        if let D = byTargets[Y.elements] { return D }
        let D = try Solutions.outputError(A, Y)
        byTargets[Y.elements] = D
        return D
    }

    /// The loop over the units stops at c − 1: the last column is left 0.
    static func lastColumnLeftZero(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<(A.columns - 1) { D[i, j] = A[i, j] - Y[i, j] } }
        return D
    }

    /// Aᴸ clamped to [1e-7, 1 − 1e-7] before the subtraction (a log-loss habit).
    static func clampedActivations(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { D[i, j] = min(max(A[i, j], eps), 1 - eps) - Y[i, j] }
        }
        return D
    }

    /// Δᴸ computed in place in the caller's Aᴸ, through a pointer, to save a matrix.
    static func inPlaceInOutput(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        A.elements.withUnsafeBufferPointer { a in
            let p = UnsafeMutablePointer(mutating: a.baseAddress!)
            for e in 0..<a.count { p[e] -= Y.elements[e] }
        }
        return A
    }

    // MARK: correct, written unusually

    /// Correct: one zip over the row-major storage.
    static func passZip(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map(-))
    }

    /// Correct: one while loop over the flat index, backwards, with a print.
    static func passWhileBackwardsPrint(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        var e = A.rows * A.columns - 1
        while e >= 0 {
            let i = e / A.columns, j = e % A.columns
            D[i, j] = A[i, j] - Y[i, j]
            e -= 1
        }
        print("output error", D.shapeDescription, "first row", D.rows > 0 ? D.row(0) : [])
        return D
    }
}

// MARK: - exercise 5, hidden error

enum H21HiddenError {
    /// Its own matmul of Δˡ⁺¹ and Wˡ⁺¹ with no transpose, then σ′.
    static func matmulNoTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        let P = H21Linear.matmul(D, W)
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = P[i, j] * hidden.derivative(fromActivation: A[i, j]) }
        }
        return delta
    }

    /// No σ′: the back-propagated sum alone, with map over rows.
    static func noSigmaPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
        let rows = (0..<D.rows).map { i in
            (0..<W.rows).map { j in (0..<W.columns).reduce(0.0) { $0 + D[i, $1] * W[j, $1] } }
        }
        return Matrix(rows)
    }

    /// σ′ applied to σ(Aˡ).
    static func sigmaPrimeOfSigma(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: hidden.value(A[i, j]))
            }
        }
        return delta
    }

    /// Multiplied by Aˡ itself instead of σ′ computed from it.
    static func timesActivation(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * A[i, j]
            }
        }
        return delta
    }

    /// σ′ written out by hand in a switch, with tanh′ typed as 1 − a.
    static func handDerivativeTanhTypo(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                       _ hidden: Activation) throws -> Matrix<Double> {
        func sigmaPrime(_ a: Double) -> Double {
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
                delta[i, j] = sum * sigmaPrime(A[i, j])
            }
        }
        return delta
    }

    /// A static buffer reused between calls and never zeroed, added into.
    nonisolated(unsafe) static var scratch: [Double] = []
    static func staticBufferNotZeroed(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, h = W.rows
        if scratch.count < m * h { scratch = [Double](repeating: 0, count: m * h) }   // grow only when too small
        for i in 0..<m {
            for j in 0..<h {
                for k in 0..<W.columns { scratch[i * h + j] += D[i, k] * W[j, k] }
            }
        }
        var delta = Matrix<Double>(rows: m, columns: h)
        for i in 0..<m { for j in 0..<h { delta[i, j] = scratch[i * h + j] * hidden.derivative(fromActivation: A[i, j]) } }
        return delta
    }

    /// The sum over k bounded by W.rows (h_l) where W.columns (h_{l+1}) belongs.
    static func sumBoundWRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    /// The sum accumulated in Float.
    static func floatSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                         _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum: Float = 0
                for k in 0..<W.columns { sum += Float(D[i, k] * W[j, k]) }
                delta[i, j] = Double(sum) * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    /// σ′ written over the caller's Aˡ through a pointer, then read back from there.
    static func sigmaPrimeOverActivations(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                          _ hidden: Activation) throws -> Matrix<Double> {
        A.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for e in 0..<buffer.count { p[e] = hidden.derivative(fromActivation: p[e]) }
        }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * A.elements[i * A.columns + j]   // σ′ stored there above
            }
        }
        return delta
    }

    /// The sum started from the k = 0 term, which the loop then adds again.
    static func firstTermTwice(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = D[i, 0] * W[j, 0]
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    /// σ′ read at A[0, j], example 0's activations, for every example.
    static func sigmaPrimeFromFirstExample(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                           _ hidden: Activation) throws -> Matrix<Double> {
        let sp = (0..<A.columns).map { hidden.derivative(fromActivation: A[0, $0]) }   // σ′ once per unit
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

    // MARK: correct, written unusually

    /// Correct: its own transpose and matmul, then a Hadamard product with σ′ mapped over Aˡ.
    static func passOwnTransposeMatmul(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                       _ hidden: Activation) throws -> Matrix<Double> {
        let back = H21Linear.matmul(D, H21Linear.transpose(W))          // Δˡ⁺¹ (Wˡ⁺¹)ᵀ  [m, h_l]
        let sp = A.map { hidden.derivative(fromActivation: $0) }        // σ′(Zˡ)        [m, h_l]
        return Matrix(rows: back.rows, columns: back.columns, elements: zip(back.elements, sp.elements).map { $0 * $1 })
    }

    /// Correct: the rows built by recursion, k summed from the top unit down, with a print.
    static func passRecursiveRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        func rows(from i: Int) -> [[Double]] {
            guard i < D.rows else { return [] }
            let row = (0..<W.rows).map { j -> Double in
                var sum = 0.0
                for k in stride(from: W.columns - 1, through: 0, by: -1) { sum += D[i, k] * W[j, k] }
                return sum * hidden.derivative(fromActivation: A[i, j])
            }
            return [row] + rows(from: i + 1)
        }
        print("hidden error for", D.rows, "examples,", W.rows, "units")
        return Matrix(rows: D.rows, columns: W.rows, elements: rows(from: 0).flatMap { $0 })
    }
}

// MARK: - exercise 6, weight gradient

enum H21WeightGradient {
    /// The sum with no 1/m, columns zipped and reduced.
    static func noMean(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            let ak = (0..<A.rows).map { A[$0, k] }
            for j in 0..<D.columns {
                let dj = (0..<D.rows).map { D[$0, j] }
                G[k, j] = zip(ak, dj).reduce(0.0) { $0 + $1.0 * $1.1 }
            }
        }
        return G
    }

    /// Divided by m inside the sum and again after it.
    static func meanTwice(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] / m }
                G[k, j] = sum / m
            }
        }
        return G
    }

    /// The mean taken over m − 1.
    static func mMinusOne(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    /// (Δˡ)ᵀ Aˡ⁻¹ with its own helpers, where (Aˡ⁻¹)ᵀ Δˡ belongs.
    static func deltaTransposedTimesInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let P = H21Linear.matmul(H21Linear.transpose(D), A)
        return P.map { $0 / Double(A.rows) }
    }

    /// Each factor summed over the examples first, and the two sums multiplied.
    static func factorsSummedFirst(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        let sumA = (0..<A.columns).map { k in (0..<m).reduce(0.0) { $0 + A[$1, k] } }
        let sumD = (0..<D.columns).map { j in (0..<m).reduce(0.0) { $0 + D[$1, j] } }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns { for j in 0..<D.columns { G[k, j] = sumA[k] * sumD[j] / Double(m) } }
        return G
    }

    /// `=` where `+=` belongs in the sum over the examples.
    static func assignsInsteadOfAdds(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    /// 1/m in Int arithmetic, converted afterwards: 0 for every m above 1.
    static func integerReciprocal(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        let scale = Double(1 / m)
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

    /// The sum over i accumulated in Float.
    static func floatAccumulator(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    /// Divided by A.columns (h_{l−1}) where m (A.rows) belongs.
    static func dividedByInputWidth(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    /// A static cache of answers keyed by Δˡ alone.
    nonisolated(unsafe) static var byDelta: [[Double]: Matrix<Double>] = [:]
    static func cacheByDelta(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        if let G = byDelta[D.elements] { return G }
        let G = try Solutions.weightGradient(A, D)
        byDelta[D.elements] = G
        return G
    }

    /// One running sum for every element, declared outside the loops.
    static func runningSumNeverReset(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        var sum = 0.0
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    // MARK: correct, written unusually

    /// Correct: the examples in the outer loop, each adding its outer product aᵢ δᵢᵀ into G, then one division.
    static func passOuterProductsPerExample(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            let a = A.row(i), d = D.row(i)
            for k in 0..<a.count { for j in 0..<d.count { G[k, j] += a[k] * d[j] } }
        }
        let m = Double(A.rows)
        return G.map { $0 / m }
    }

    /// Correct: raw pointers, multiplied by 1/m (the library's way), with a print.
    static func passPointersReciprocal(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = D.columns
        let scale = 1 / Double(m)
        var out = [Double](repeating: 0, count: n * h)
        A.elements.withUnsafeBufferPointer { a in
            D.elements.withUnsafeBufferPointer { d in
                out.withUnsafeMutableBufferPointer { g in
                    for k in 0..<n {
                        for j in 0..<h {
                            var sum = 0.0
                            var p = 0
                            while p < m { sum += a[p * n + k] * d[p * h + j]; p += 1 }
                            g[k * h + j] = sum * scale
                        }
                    }
                }
            }
        }
        print("dW", n, "x", h, "over", m, "examples")
        return Matrix(rows: n, columns: h, elements: out)
    }
}

// MARK: - exercise 6, bias gradient

enum H21BiasGradient {
    /// Each example's row summed (over the units), one number per example.
    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.rows).map { D.row($0).reduce(0, +) / Double(D.rows) }
    }

    /// Divided by D.columns (h_l) where m (D.rows) belongs.
    static func dividedByUnits(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.columns) }
    }

    /// Only the first example's row: the one-example ∂b = δ.
    static func firstRowOnly(_ D: Matrix<Double>) throws -> [Double] {
        D.row(0)
    }

    /// Each column sum started from 1 with reduce(1, +).
    static func reduceFromOne(_ D: Matrix<Double>) throws -> [Double] {
        let m = Double(D.rows)
        return (0..<D.columns).map { j in (0..<D.rows).map { D[$0, j] }.reduce(1, +) / m }
    }

    /// The column sums with no 1/m.
    static func noMean(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    /// The column sums accumulated in Float.
    static func floatSums(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    /// A static array of sums kept between calls, reset only when the width changes.
    nonisolated(unsafe) static var sums: [Double] = []
    static func staticSumsNotReset(_ D: Matrix<Double>) throws -> [Double] {
        if sums.count != D.columns { sums = [Double](repeating: 0, count: D.columns) }
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    /// The loop over the examples starts at 1: example 0 is left out.
    static func skipsFirstExample(_ D: Matrix<Double>) throws -> [Double] {
        var s = [Double](repeating: 0, count: D.columns)
        for i in 1..<max(D.rows, 1) { for j in 0..<D.columns { s[j] += D[i, j] } }
        return s.map { $0 / Double(D.rows) }
    }

    /// The mean taken over m − 1.
    static func mMinusOne(_ D: Matrix<Double>) throws -> [Double] {
        var s = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { s[j] += D[i, j] } }
        return s.map { $0 / Double(D.rows - 1) }
    }

    /// Column j walked in the storage with a stride of D.rows (m) where D.columns (h_l) belongs.
    static func strideByRows(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in
            var s = 0.0
            for e in stride(from: j, to: D.elements.count, by: D.rows) { s += D.elements[e] }
            return s / Double(D.rows)
        }
    }

    // MARK: correct, written unusually

    /// Correct: the transposed matrix's rows, each reduced and multiplied by 1/m.
    static func passTransposedReduce(_ D: Matrix<Double>) throws -> [Double] {
        let scale = 1 / Double(D.rows)
        return D.transposed.rowArrays.map { $0.reduce(0, +) * scale }
    }

    /// Correct: a pointer walked down each column with a stride of D.columns, and a print.
    static func passPointerStride(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows, h = D.columns
        var result = [Double](repeating: 0, count: h)
        D.elements.withUnsafeBufferPointer { d in
            for j in 0..<h {
                var s = 0.0
                for e in stride(from: j, to: m * h, by: h) { s += d[e] }
                result[j] = s / Double(m)
            }
        }
        print("db =", result)
        return result
    }
}

// MARK: - exercise 7, batch engines

/// ∂Wˡ from Aˡ (A[l]) where Aˡ⁻¹ (A[l − 1]) belongs.
struct H21EnOwnActivation: BackpropEngine {
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
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// The hidden error given Wˡ⁻¹ (network.layers[l − 2]) where Wˡ belongs.
struct H21EnWeightsBelow: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let Zl = try steps.forward(A[l - 1], W, b)
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
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 2].weights, A[l - 1], network.hidden) }
            l -= 1
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// σ′ for Δˡ⁻¹ taken from Aˡ (A[l]), the layer above, where Aˡ⁻¹ belongs.
struct H21EnSigmaPrimeAbove: BackpropEngine {
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
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// No σ on the hidden layers: Aˡ = Zˡ.
struct H21EnNoHiddenSigma: BackpropEngine {
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
            A.append(l < L ? Zl : Zl.mapRows { network.output.activation($0) })
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

/// The loss returned as the sum of the examples' losses, not their mean.
struct H21EnLossSummed: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

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
        let loss = (0..<X.rows).reduce(0.0) {
            $0 + network.output.loss(logits: Z[L].row($1), activation: A[L].row($1), target: Y.row($1))
        }
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

/// The loss assigned (=) in the loop over the examples instead of added up.
struct H21EnLossAssigned: BackpropEngine {
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

/// ∂bˡ computed after delta has already moved down to Δˡ⁻¹.
struct H21EnBiasAfterMove: BackpropEngine {
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
            let dW = try steps.weightGradient(A[l - 1], delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            let db = try steps.biasGradient(delta)
            layers[l - 1] = LayerParameters(weights: dW, biases: db)
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// The backward loop stops at l = 2 (stride to: 1): layer 1 keeps its placeholder.
struct H21EnStopsAtTwo: BackpropEngine {
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
        for l in stride(from: L, to: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// A copy of the weights updated (Wˡ −= 0.1 ∂Wˡ) during the backward pass, so Δˡ⁻¹ uses the moved Wˡ.
struct H21EnUpdatesWhileGoingBack: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var net = network
        let eta = 0.1
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
            let dW = try steps.weightGradient(A[l - 1], delta), db = try steps.biasGradient(delta)
            layers[l - 1] = LayerParameters(weights: dW, biases: db)
            // take the step right away, while the gradient is at hand
            for e in net.layers[l - 1].weights.elements.indices { net.layers[l - 1].weights.elements[e] -= eta * dW.elements[e] }
            for j in net.layers[l - 1].biases.indices { net.layers[l - 1].biases[j] -= eta * db[j] }
            if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], net.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// Every gradient and the loss added into the caller's `gradients` instead of assigned.
struct H21EnAddsIntoGradients: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

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
        gradients.loss += loss * (1 / Double(m))
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let dW = try steps.weightGradient(A[l - 1], delta), db = try steps.biasGradient(delta)
            for e in dW.elements.indices { gradients.layers[l - 1].weights.elements[e] += dW.elements[e] }
            for j in db.indices { gradients.layers[l - 1].biases[j] += db[j] }
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }
}

/// The activations kept in a static array that is appended to and never cleared.
enum H21EngineGlobals {
    nonisolated(unsafe) static var activations: [Matrix<Double>] = []
}
struct H21EnGlobalActivations: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        H21EngineGlobals.activations.append(X)
        var ZL = Matrix<Double>(rows: 0, columns: 0)
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(H21EngineGlobals.activations[l - 1], layer.weights, layer.biases)
            if l == L { ZL = Zl }
            H21EngineGlobals.activations.append(l < L ? Zl.map { network.hidden.value($0) }
                                                      : Zl.mapRows { network.output.activation($0) })
        }
        let A = H21EngineGlobals.activations
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
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

/// The softmax written by hand, row by row, exp(z) / Σ exp(z) with no maximum subtracted.
struct H21EnHandSoftmax: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let softmax: ([Double]) -> [Double] = { row in
            let e = row.map { exp($0) }
            let s = e.reduce(0, +)
            return e.map { $0 / s }
        }
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            if l < L {
                A.append(Zl.map { network.hidden.value($0) })
            } else if network.output == OutputLayer.softmaxCrossEntropy {
                A.append(Zl.mapRows(softmax))
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

/// The output error given Zᴸ where Aᴸ belongs.
struct H21EnOutputErrorFromZ: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var acts: [Int: Matrix<Double>] = [0: X], pre: [Int: Matrix<Double>] = [:]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(acts[l - 1]!, layer.weights, layer.biases)
            pre[l] = Zl
            acts[l] = l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) }
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: pre[L]!.row(i), activation: acts[L]!.row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(pre[L]!, Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(acts[l - 1]!, delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1]!, network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// The mean loss accumulated in a Float.
struct H21EnFloatLoss: BackpropEngine {
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
        var loss: Float = 0
        for i in 0..<m { loss += Float(network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i))) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: Double(loss / Float(m)), layers: layers)
    }
}

// MARK: correct engines, written unusually

/// Correct: `gradients.prepare(for:)`, then every element assigned, with prints of the shapes.
struct H21EnPassPrepareAssign: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

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
            print("l =", l, "A[l - 1]", A[l - 1].shapeDescription, "delta", delta.shapeDescription)
            let dW = try steps.weightGradient(A[l - 1], delta), db = try steps.biasGradient(delta)
            for e in dW.elements.indices { gradients.layers[l - 1].weights.elements[e] = dW.elements[e] }
            for j in db.indices { gradients.layers[l - 1].biases[j] = db[j] }
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients.loss = loss * (1 / Double(m))
    }
}

/// Correct: the backward pass by recursion from the top layer, the results gathered in a small class.
final class H21GradientStash {
    var layers: [LayerParameters<Double>]
    init(count: Int) { layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: count) }
}
struct H21EnPassRecursiveBackward: BackpropEngine {
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
        let stash = H21GradientStash(count: L)
        func back(_ l: Int, _ delta: Matrix<Double>) throws {
            stash.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                  biases: try steps.biasGradient(delta))
            guard l > 1 else { return }
            try back(l - 1, try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden))
        }
        try back(L, try steps.outputError(A[L], Y))
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        gradients = Gradients(loss: total * (1 / Double(m)), layers: stash.layers)
    }
}

/// Correct: activations in a dictionary, while loops, gradients appended top first and reversed, loss / m.
struct H21EnPassDictionaryReversed: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var act: [Int: Matrix<Double>] = [0: X]
        var logits = X
        var l = 1
        while l <= L {
            let p = network.layers[l - 1]
            let Zl = try steps.forward(act[l - 1]!, p.weights, p.biases)
            if l == L {
                logits = Zl
                act[l] = Zl.mapRows { network.output.activation($0) }
            } else {
                act[l] = Zl.map { network.hidden.value($0) }
            }
            l += 1
        }
        var sum = 0.0
        var i = 0
        while i < m {
            sum += network.output.loss(logits: logits.row(i), activation: act[L]!.row(i), target: Y.row(i))
            i += 1
        }
        var topFirst: [LayerParameters<Double>] = []
        var delta = try steps.outputError(act[L]!, Y)
        l = L
        while l >= 1 {
            topFirst.append(LayerParameters(weights: try steps.weightGradient(act[l - 1]!, delta),
                                            biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, act[l - 1]!, network.hidden) }
            l -= 1
        }
        gradients = Gradients(loss: sum / Double(m), layers: topFirst.reversed())
    }
}
