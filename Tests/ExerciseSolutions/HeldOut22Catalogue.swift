import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 22: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut22Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h22(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut22Submission {
    HeldOut22Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h22sub(
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

public enum HeldOut22Catalogue {
    public static let all: [HeldOut22Submission] = [
        // MARK: exercise 3, one example
        h22("h22-oe-forward-w-jk-while", "one example", "the forward sum, written with while loops, reads W[j, i] where W[i, j] belongs (zˡⱼ = bⱼ + Σᵢ W[j, i] aᵢ), i.e. Wˡ transposed", h22sub(oneExample: H22OneExample.forwardTransposedWhile)),
        h22("h22-oe-sigma-prime-from-z", "one example", "δˡ for the hidden layers multiplies by derivative(fromActivation: zˡⱼ), σ′ computed from the pre-activation zˡ instead of from the activation aˡ", h22sub(oneExample: H22OneExample.sigmaPrimeFromZ)),
        h22("h22-oe-hidden-sigma-at-output", "one example", "aᴸ is computed with the hidden σ (network.hidden.value on every zᴸⱼ) instead of the output activation network.output.activation(zᴸ)", h22sub(oneExample: H22OneExample.hiddenSigmaAtOutput)),
        h22("h22-oe-loss-given-activations", "one example", "the loss is given aᴸ in place of the logits zᴸ (the backward helper is called with the activations passed twice)", h22sub(oneExample: H22OneExample.lossGivenActivations)),
        h22("h22-oe-naive-softmax", "one example", "a softmax written by hand as exp(zⱼ) / Σₖ exp(zₖ) without subtracting the largest zⱼ first, which overflows to NaN for logits in the hundreds", h22sub(oneExample: H22OneExample.naiveSoftmax)),
        h22("h22-oe-extra-sigma-prime-output", "one example", "δᴸ is multiplied by aᴸ(1 − aᴸ), an extra σ′ on the output error, where cross-entropy gives δᴸ = aᴸ − y exactly", h22sub(oneExample: H22OneExample.extraSigmaPrimeAtOutput)),
        h22("h22-oe-layers-top-first", "one example", "the layers' gradients are appended in the backward loop, so the returned array holds layer L first and layer 1 last", h22sub(oneExample: H22OneExample.layersTopFirst)),
        h22("h22-oe-weight-grad-own-activation", "one example", "∂Wˡ[i, j] is computed as aˡᵢ δˡⱼ with the layer's own activation aˡ instead of its input aˡ⁻¹", h22sub(oneExample: H22OneExample.weightGradientOwnActivation)),
        h22("h22-oe-delta-sum-bound-below", "one example", "the sum over k in δˡ⁻¹ⱼ = Σₖ Wˡ[j, k] δˡₖ runs to h[l − 1] (the width of the layer below) where h[l] belongs", h22sub(oneExample: H22OneExample.deltaSumBoundBelow)),
        h22("h22-oe-sigmoid-prime-by-hand", "one example", "σ′ is written by hand as a(1 − a) for every hidden activation, which is the sigmoid's derivative only (wrong for tanh and ReLU)", h22sub(oneExample: H22OneExample.sigmoidPrimeByHand)),
        h22("h22-oe-loss-one-hot-by-hand", "one example", "the loss is computed by hand as −ln aᴸ at the target's largest entry, the softmax cross-entropy only for one-hot targets (wrong for sigmoid outputs and soft or multi-label targets, infinite where aᴸ rounds to 0)", h22sub(oneExample: H22OneExample.lossOneHotByHand)),
        h22("h22-oe-exit-after-print", "one example", "an exit(0) left after a debugging print of the gradients ends the program in the middle of the first call", h22sub(oneExample: H22OneExample.exitAfterPrint)),
        h22("h22-oe-cache-by-x", "one example", "the gradients are kept in a static dictionary keyed by x alone and returned again for the same x, even when the network or y has changed", h22sub(oneExample: H22OneExample.cacheByX)),
        h22("h22-oe-float-forward", "one example", "the forward sum zˡⱼ = bⱼ + Σₖ W[k, j] aₖ is accumulated in Float and converted back to Double", h22sub(oneExample: H22OneExample.floatForward)),

        // MARK: exercise 4, forward
        h22("h22-fw-no-bias-zip", "forward", "each row is computed as a zip/reduce dot product of Aˡ⁻¹'s row with Wˡ's column and the bias bⱼ is never added", h22sub(forward: H22Forward.noBiasZip)),
        h22("h22-fw-bias-inside-sum", "forward", "bⱼ is added inside the sum over k, once per term, instead of once per element", h22sub(forward: H22Forward.biasInsideSum)),
        h22("h22-fw-own-matmul-transposed", "forward", "the student's own matmul helper reads W[j, k] where W[k, j] belongs, computing Aˡ⁻¹ (Wˡ)ᵀ + bˡ", h22sub(forward: H22Forward.ownMatmulTransposed)),
        h22("h22-fw-bias-by-example", "forward", "the bias is indexed by the example, b[i], instead of by the unit, b[j]", h22sub(forward: H22Forward.biasByExample)),
        h22("h22-fw-sum-bound-columns", "forward", "the sum over k runs to weights.columns (h_l) where input.columns (h_{l−1}) belongs", h22sub(forward: H22Forward.sumBoundColumns)),
        h22("h22-fw-sigmoid-applied", "forward", "the forward step applies the sigmoid 1/(1 + e^−z) to Zˡ and returns activations, where it must return the pre-activation Zˡ", h22sub(forward: H22Forward.sigmoidApplied)),
        h22("h22-fw-running-sum-not-reset", "forward", "one running sum declared outside the loops is never reset, so Z[i, j] = b[j] + every product summed so far", h22sub(forward: H22Forward.runningSumNotReset)),
        h22("h22-fw-cache-by-shape", "forward", "the result is kept in a static dictionary keyed by the shapes and returned again for any later call with the same shapes", h22sub(forward: H22Forward.cacheByShape)),
        h22("h22-fw-zeroes-input", "forward", "after computing Zˡ it zeroes the input Aˡ⁻¹'s storage through a mutable pointer, writing into the caller's matrix", h22sub(forward: H22Forward.zeroesInput)),
        h22("h22-fw-float-sum", "forward", "the sum over k is accumulated in Float and converted back to Double", h22sub(forward: H22Forward.floatSum)),
        h22("h22-fw-bias-first-row-only", "forward", "the bias is added only to row 0 (if i == 0), so only the first example gets bˡ; right only when m == 1", h22sub(forward: H22Forward.biasFirstRowOnly)),
        h22("h22-fw-elements-stride-rows", "forward", "W is read from its flat elements as W.elements[k * W.rows + j], with the row stride h_{l−1} where W.columns belongs; right only for square Wˡ", h22sub(forward: H22Forward.elementsStrideRows)),

        // MARK: exercise 4, output error
        h22("h22-oerr-y-minus-a", "output error", "Δᴸ is computed as Y − Aᴸ, the wrong sign", h22sub(outputError: H22OutputError.yMinusA)),
        h22("h22-oerr-abs", "output error", "Δᴸ[i, j] is taken as abs(A[i, j] − Y[i, j]), turning every negative element positive", h22sub(outputError: H22OutputError.absolute)),
        h22("h22-oerr-extra-sigma-prime", "output error", "Δᴸ is multiplied by Aᴸ(1 − Aᴸ), an extra σ′ that cancels with cross-entropy", h22sub(outputError: H22OutputError.extraSigmaPrime)),
        h22("h22-oerr-divided-by-m", "output error", "Δᴸ = (Aᴸ − Y) / m, the 1/m of the gradients applied to the output error", h22sub(outputError: H22OutputError.dividedByM)),
        h22("h22-oerr-one-hot-trick", "output error", "Δᴸ is built as Aᴸ with 1 subtracted at each row's largest target entry, right only for one-hot targets (wrong for soft and multi-label Y)", h22sub(outputError: H22OutputError.oneHotTrick)),
        h22("h22-oerr-clamped", "output error", "Aᴸ is clamped to [1e-7, 1 − 1e-7] before subtracting Y, changing Δᴸ wherever an output saturates", h22sub(outputError: H22OutputError.clamped)),
        h22("h22-oerr-writes-targets", "output error", "it computes Δᴸ in place in the targets Y's storage through a mutable pointer and returns a copy, writing into the caller's Y", h22sub(outputError: H22OutputError.writesTargets)),
        h22("h22-oerr-last-row-skipped", "output error", "the loop over the examples runs to A.rows − 1, so the last example's row of Δᴸ stays 0", h22sub(outputError: H22OutputError.lastRowSkipped)),

        // MARK: exercise 5, hidden error
        h22("h22-he-own-matmul-no-transpose", "hidden error", "the student's matmul helper is called with Wˡ⁺¹ itself instead of its transpose, computing Δˡ⁺¹ Wˡ⁺¹ (W[k, j] for W[j, k])", h22sub(hiddenError: H22HiddenError.ownMatmulNoTranspose)),
        h22("h22-he-no-sigma-prime", "hidden error", "the product Δˡ⁺¹ (Wˡ⁺¹)ᵀ is returned without the ∘ σ′(Zˡ)", h22sub(hiddenError: H22HiddenError.noSigmaPrime)),
        h22("h22-he-sigma-prime-of-sigma", "hidden error", "derivative(fromActivation:) is given hidden.value(A[i, j]), σ′ of σ(Aˡ), instead of A[i, j]", h22sub(hiddenError: H22HiddenError.sigmaPrimeOfSigma)),
        h22("h22-he-times-activation", "hidden error", "the sum is multiplied by the activation A[i, j] itself instead of σ′ computed from it", h22sub(hiddenError: H22HiddenError.timesActivation)),
        h22("h22-he-sigma-prime-at-ji", "hidden error", "σ′ is read at A[j, i] where A[i, j] belongs", h22sub(hiddenError: H22HiddenError.sigmaPrimeAtJI)),
        h22("h22-he-relu-ge-zero", "hidden error", "σ′ is written by hand for ReLU as a >= 0 ? 1 : 0, so units whose ReLU is off (a = 0) get σ′ = 1 where it is 0", h22sub(hiddenError: H22HiddenError.reluGreaterOrEqual)),
        h22("h22-he-kept-buffer", "hidden error", "a static buffer is reused between calls without being zeroed and each element is added (+=) into it, so a second call returns the first answer plus the right one", h22sub(hiddenError: H22HiddenError.keptBuffer)),
        h22("h22-he-writes-activations", "hidden error", "σ′ is written over the activations Aˡ through a mutable pointer, changing the caller's matrix", h22sub(hiddenError: H22HiddenError.writesActivations)),
        h22("h22-he-sum-bound-rows", "hidden error", "the sum over k runs to weightsAbove.rows (h_l) where weightsAbove.columns (h_{l+1}) belongs", h22sub(hiddenError: H22HiddenError.sumBoundRows)),
        h22("h22-he-divided-by-m", "hidden error", "Δˡ is divided by m (deltaAbove.rows), a 1/m that belongs to the gradients only", h22sub(hiddenError: H22HiddenError.dividedByM)),
        h22("h22-he-dropout-left-in", "hidden error", "a dropout left in zeroes each element of Δˡ with probability 0.2 using random numbers", h22sub(hiddenError: H22HiddenError.dropoutLeftIn)),

        // MARK: exercise 6, weight gradient
        h22("h22-wg-no-one-over-m", "weight gradient", "the sum over the examples is returned without the 1/m", h22sub(weightGradient: H22WeightGradient.noOneOverM)),
        h22("h22-wg-int-division", "weight gradient", "the scale is Double(1 / m) with an Int m, which is 0 for every m above 1 (and 1 for m = 1)", h22sub(weightGradient: H22WeightGradient.intDivision)),
        h22("h22-wg-delta-t-times-a", "weight gradient", "the student's transpose and matmul helpers compute (Δˡ)ᵀ Aˡ⁻¹ / m, the transpose of (Aˡ⁻¹)ᵀ Δˡ / m", h22sub(weightGradient: H22WeightGradient.deltaTransposedTimesA)),
        h22("h22-wg-m-minus-one", "weight gradient", "the sum is divided by m − 1 instead of m", h22sub(weightGradient: H22WeightGradient.mMinusOne)),
        h22("h22-wg-assign-not-add", "weight gradient", "the sum over the examples assigns (=) where it should add (+=), so only the last example counts", h22sub(weightGradient: H22WeightGradient.assignNotAdd)),
        h22("h22-wg-factors-summed-first", "weight gradient", "each factor is summed over the examples first and the two sums multiplied, (Σᵢ A[i, k]) (Σᵢ Δ[i, j]) / m", h22sub(weightGradient: H22WeightGradient.factorsSummedFirst)),
        h22("h22-wg-float-sum", "weight gradient", "the sum over i is accumulated in Float", h22sub(weightGradient: H22WeightGradient.floatSum)),
        h22("h22-wg-closed-range", "weight gradient", "the loop over the examples is 0...m where 0..<m belongs, reading a row past the end", h22sub(weightGradient: H22WeightGradient.closedRange)),
        h22("h22-wg-divided-twice", "weight gradient", "each term is divided by m inside the sum and the sum divided by m again, 1/m applied twice", h22sub(weightGradient: H22WeightGradient.dividedTwice)),
        h22("h22-wg-recursion-skips-first", "weight gradient", "the recursive sum over the examples stops before example 0 (its base case returns 0 at i == 0 without adding row 0)", h22sub(weightGradient: H22WeightGradient.recursionSkipsFirst)),

        // MARK: exercise 6, bias gradient
        h22("h22-bg-row-sums", "bias gradient", "∂b sums along each example's row (sums[i] += Δ[i, j]) instead of down each column", h22sub(biasGradient: H22BiasGradient.rowSums)),
        h22("h22-bg-divided-by-columns", "bias gradient", "the column sums are divided by delta.columns (h_l) instead of m = delta.rows", h22sub(biasGradient: H22BiasGradient.dividedByColumns)),
        h22("h22-bg-first-row-only", "bias gradient", "∂b is Δˡ's first row only, the one-example formula ∂b = δ used for the batch", h22sub(biasGradient: H22BiasGradient.firstRowOnly)),
        h22("h22-bg-reduce-from-one", "bias gradient", "each column is summed with reduce(1, +), a sum that starts from 1 instead of 0", h22sub(biasGradient: H22BiasGradient.reduceFromOne)),
        h22("h22-bg-no-one-over-m", "bias gradient", "the column sums are returned without the 1/m", h22sub(biasGradient: H22BiasGradient.noOneOverM)),
        h22("h22-bg-float-sum", "bias gradient", "the sum down each column is accumulated in Float", h22sub(biasGradient: H22BiasGradient.floatSum)),
        h22("h22-bg-last-row-skipped", "bias gradient", "the stride over the examples stops at delta.rows − 1, so the last example is left out of the sum (still divided by m)", h22sub(biasGradient: H22BiasGradient.lastRowSkipped)),
        h22("h22-bg-cache-by-width", "bias gradient", "the result is kept in a static dictionary keyed by the number of columns and returned again for any later Δ of that width", h22sub(biasGradient: H22BiasGradient.cacheByWidth)),

        // MARK: exercise 7, batch engine
        h22("h22-en-own-activation-for-dw", "batch engine", "∂Wˡ is computed from A[l], the layer's own activation, where its input A[l − 1] belongs", h22sub(engine: { AnyBackpropEngine(H22OwnActivationEngine(steps: $0)) })),
        h22("h22-en-weights-of-layer-below", "batch engine", "the hidden error is given network.layers[l − 2].weights (Wˡ⁻¹) where Wˡ, network.layers[l − 1], belongs", h22sub(engine: { AnyBackpropEngine(H22LayerBelowWeightsEngine(steps: $0)) })),
        h22("h22-en-sigma-prime-from-above", "batch engine", "the hidden error is given A[l] (the activations of the layer above) where A[l − 1] belongs", h22sub(engine: { AnyBackpropEngine(H22SigmaPrimeAboveEngine(steps: $0)) })),
        h22("h22-en-no-hidden-sigma", "batch engine", "the hidden layers' activations are stored as Zˡ itself, σ never applied (Aˡ = Zˡ for l < L)", h22sub(engine: { AnyBackpropEngine(H22NoHiddenSigmaEngine(steps: $0)) })),
        h22("h22-en-every-layer-fed-x", "batch engine", "every layer's forward call is given the inputs X instead of the previous layer's activations Aˡ⁻¹", h22sub(engine: { AnyBackpropEngine(H22FedXEngine(steps: $0)) })),
        h22("h22-en-loss-summed", "batch engine", "the loss is the sum of the examples' losses, never multiplied by 1/m", h22sub(engine: { AnyBackpropEngine(H22LossSummedEngine(steps: $0)) })),
        h22("h22-en-loss-assigned", "batch engine", "the loss is assigned (=) in the loop over the examples instead of added up, so only the last example's loss counts", h22sub(engine: { AnyBackpropEngine(H22LossAssignedEngine(steps: $0)) })),
        h22("h22-en-output-error-from-z", "batch engine", "the output error is called with Zᴸ where Aᴸ belongs", h22sub(engine: { AnyBackpropEngine(H22OutputErrorFromZEngine(steps: $0)) })),
        h22("h22-en-bias-after-delta-moves", "batch engine", "∂bˡ is taken after delta has been replaced by Δˡ⁻¹ (the bias gradient call comes after the hidden error)", h22sub(engine: { AnyBackpropEngine(H22BiasAfterDeltaEngine(steps: $0)) })),
        h22("h22-en-layers-appended", "batch engine", "the gradients are appended in the backward loop, so layers[0] holds layer L's gradients", h22sub(engine: { AnyBackpropEngine(H22AppendedLayersEngine(steps: $0)) })),
        h22("h22-en-stride-stops-at-two", "batch engine", "the backward loop is stride(from: L, to: 1, by: -1), so layer 1's gradients are never computed and stay the 1 × 1 placeholder", h22sub(engine: { AnyBackpropEngine(H22StrideToOneEngine(steps: $0)) })),
        h22("h22-en-adds-into-gradients", "batch engine", "the loss and every gradient are added (+=) into the caller's gradients instead of assigned", h22sub(engine: { AnyBackpropEngine(H22AddsIntoEngine(steps: $0)) })),
        h22("h22-en-naive-softmax", "batch engine", "the output softmax is written by hand as exp(zⱼ) / Σₖ exp(zₖ) without subtracting the row's largest logit, NaN for logits in the hundreds", h22sub(engine: { AnyBackpropEngine(H22NaiveSoftmaxEngine(steps: $0)) })),
        h22("h22-en-loss-over-columns", "batch engine", "the summed loss is divided by Y.columns (c) instead of m; right only when m == c", h22sub(engine: { AnyBackpropEngine(H22LossOverColumnsEngine(steps: $0)) })),
        h22("h22-en-hand-sigmoid-hidden", "batch engine", "the hidden activation is written by hand as the sigmoid 1/(1 + e^−z) whatever network.hidden is (wrong for tanh and ReLU networks)", h22sub(engine: { AnyBackpropEngine(H22HandSigmoidEngine(steps: $0)) })),
        h22("h22-en-forward-cached-by-x", "batch engine", "the forward pass's activations are kept in static variables and reused whenever X equals the last call's X, even when the network's weights have changed", h22sub(engine: { AnyBackpropEngine(H22ForwardCacheEngine(steps: $0)) })),
        h22("h22-en-updates-weights", "batch engine", "each layer's weights are updated (W − 0.1 ∂W, in a copy of the network) during the backward pass and the updated Wˡ is passed to the hidden error", h22sub(engine: { AnyBackpropEngine(H22UpdatesWeightsEngine(steps: $0)) })),
        h22("h22-en-loss-one-hot-by-hand", "batch engine", "the loss is computed by hand as −ln Aᴸ[i, t] at each row's largest target entry t, the softmax cross-entropy only for one-hot targets", h22sub(engine: { AnyBackpropEngine(H22LossOneHotEngine(steps: $0)) })),

        // MARK: correct, written unusually
        h22("h22-pass-oe-recursive-prints", "pass", "correct, one example with the forward and backward passes written as recursions over the layers, with debugging prints left in", h22sub(oneExample: H22OneExample.passRecursive)),
        h22("h22-pass-oe-transposed-dictionaries", "pass", "correct, one example with activations in dictionaries keyed by layer and zˡ computed from an explicit transposed copy of Wˡ", h22sub(oneExample: H22OneExample.passTransposedDictionaries)),
        h22("h22-pass-oe-column-major-outer", "pass", "correct, one example with the outer product filled column by column and δˡ⁻¹ computed in a while loop", h22sub(oneExample: H22OneExample.passColumnMajorOuter)),
        h22("h22-pass-fw-pointers-ikj", "pass", "correct, forward with read-only unsafe pointers and the i-k-j loop order, each row started from bˡ", h22sub(forward: H22Forward.passPointersIKJ)),
        h22("h22-pass-fw-rows-reduce", "pass", "correct, forward built row by row with row(i) and reduce, bias as the reduce's start", h22sub(forward: H22Forward.passRowsReduce)),
        h22("h22-pass-oerr-zip-map", "pass", "correct, output error as one zip/map over the flat elements, with a print of the shapes", h22sub(outputError: H22OutputError.passZipMap)),
        h22("h22-pass-he-explicit-transpose", "pass", "correct, hidden error with the student's own transpose and matmul helpers, then σ′ applied element-wise", h22sub(hiddenError: H22HiddenError.passExplicitTranspose)),
        h22("h22-pass-he-sigma-prime-matrix-first", "pass", "correct, hidden error that first builds the σ′ matrix from Aˡ, then multiplies it in after each sum, with while loops", h22sub(hiddenError: H22HiddenError.passSigmaPrimeFirst)),
        h22("h22-pass-wg-outer-products", "pass", "correct, weight gradient as the sum of one outer product per example (example loop outermost), then / m", h22sub(weightGradient: H22WeightGradient.passOuterProducts)),
        h22("h22-pass-wg-reciprocal-pointers", "pass", "correct, weight gradient over unsafe pointers, multiplied by 1 / Double(m) at the end", h22sub(weightGradient: H22WeightGradient.passReciprocalPointers)),
        h22("h22-pass-bg-strided-reduce", "pass", "correct, bias gradient as a strided walk down each column of the flat elements with reduce(0, +), then / m", h22sub(biasGradient: H22BiasGradient.passStridedReduce)),
        h22("h22-pass-bg-while-prints", "pass", "correct, bias gradient in while loops with a print left in, scaled by 1 / Double(m)", h22sub(biasGradient: H22BiasGradient.passWhilePrints)),
        h22("h22-pass-en-deltas-first", "pass", "correct, engine that computes every Δˡ first into a dictionary, then every layer's gradients from layer 1 up", h22sub(engine: { AnyBackpropEngine(H22PassDeltasFirstEngine(steps: $0)) })),
        h22("h22-pass-en-prepare-assign", "pass", "correct, engine that calls gradients.prepare(for:) and assigns each layer and the loss, with prints of the shapes left in", h22sub(engine: { AnyBackpropEngine(H22PassPrepareEngine(steps: $0)) })),
        h22("h22-pass-en-recursive-backward", "pass", "correct, engine whose backward pass is a recursive function over the layers, with a local class as workspace", h22sub(engine: { AnyBackpropEngine(H22PassRecursiveEngine(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - the students' helpers

/// A softmax as a student writes it from the formula, without the shift by the largest logit.
func h22NaiveSoftmax(_ z: [Double]) -> [Double] {
    let e = z.map { exp($0) }
    let s = e.reduce(0, +)
    return e.map { $0 / s }
}

/// C = X · Y, reading X [p, r] and Y [r, q] (no shape check).
func h22MatMul(_ X: Matrix<Double>, _ Y: Matrix<Double>) -> Matrix<Double> {
    var C = Matrix<Double>(rows: X.rows, columns: Y.columns)
    for i in 0..<X.rows {
        for j in 0..<Y.columns {
            var s = 0.0
            for k in 0..<X.columns { s += X[i, k] * Y[k, j] }
            C[i, j] = s
        }
    }
    return C
}

/// Mᵀ, written by hand.
func h22Transpose(_ M: Matrix<Double>) -> Matrix<Double> {
    var T = Matrix<Double>(rows: M.columns, columns: M.rows)
    for i in 0..<M.rows { for j in 0..<M.columns { T[j, i] = M[i, j] } }
    return T
}

// MARK: - exercise 3

enum H22OneExample {
    /// The forward pass as Solutions writes it: a[0] = x, z[0] empty.
    static func forwardPass(_ network: Network<Double>, _ x: [Double]) -> (a: [[Double]], z: [[Double]]) {
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
        return (a, z)
    }

    /// The loss and the backward pass as Solutions writes them.
    static func backwardPass(_ network: Network<Double>, _ a: [[Double]], _ z: [[Double]], _ y: [Double]) -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
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

    static func forwardTransposedWhile(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        var l = 1
        while l <= L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            var j = 0
            while j < h[l] {
                zl[j] = b[j]
                var i = 0
                while i < h[l - 1] {
                    zl[j] += W[j, i] * a[l - 1][i]
                    i += 1
                }
                j += 1
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
            l += 1
        }
        return backwardPass(network, a, z, y)
    }

    static func sigmaPrimeFromZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let (a, z) = forwardPass(network, x)
        let L = network.layerCount, h = network.sizes
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
                return sum * network.hidden.derivative(fromActivation: z[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func hiddenSigmaAtOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let zl = (0..<W.columns).map { j in (0..<W.rows).reduce(b[j]) { $0 + W[$1, j] * a[l - 1][$1] } }
            z.append(zl)
            a.append(zl.map { network.hidden.value($0) })
        }
        return backwardPass(network, a, z, y)
    }

    static func lossGivenActivations(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let (a, _) = forwardPass(network, x)
        return backwardPass(network, a, a, y)
    }

    static func naiveSoftmax(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            if l < L {
                a.append(zl.map { network.hidden.value($0) })
            } else if network.output.activation == .softmax {
                a.append(h22NaiveSoftmax(zl))
            } else {
                a.append(network.output.activation(zl))
            }
        }
        return backwardPass(network, a, z, y)
    }

    static func extraSigmaPrimeAtOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let (a, z) = forwardPass(network, x)
        let L = network.layerCount, h = network.sizes
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { (a[L][$0] - y[$0]) * a[L][$0] * (1 - a[L][$0]) }
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

    static func layersTopFirst(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let (a, z) = forwardPass(network, x)
        let L = network.layerCount, h = network.sizes
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
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

    static func weightGradientOwnActivation(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let (a, z) = forwardPass(network, x)
        let L = network.layerCount, h = network.sizes
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l][i] * delta[j] } }
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

    static func deltaSumBoundBelow(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let (a, z) = forwardPass(network, x)
        let L = network.layerCount, h = network.sizes
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
                for k in 0..<h[l - 1] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func sigmoidPrimeByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let (a, z) = forwardPass(network, x)
        let L = network.layerCount, h = network.sizes
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
                let act = a[l - 1][j]
                return sum * (act * (1 - act))
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func lossOneHotByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let (a, z) = forwardPass(network, x)
        let L = network.layerCount
        var t = 0
        for j in y.indices where y[j] > y[t] { t = j }
        let g = backwardPass(network, a, z, y)
        return Gradients(loss: -log(a[L][t]), layers: g.layers)
    }

    static func exitAfterPrint(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let (a, z) = forwardPass(network, x)
        let g = backwardPass(network, a, z, y)
        print("loss", g.loss, "dW1", g.layers[0].weights)
        exit(0)
    }

    nonisolated(unsafe) static var byX: [String: Gradients<Double>] = [:]

    static func cacheByX(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let key = x.description
        if let seen = byX[key] { return seen }
        let (a, z) = forwardPass(network, x)
        let g = backwardPass(network, a, z, y)
        byX[key] = g
        return g
    }

    static func floatForward(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        return backwardPass(network, a, z, y)
    }

    // MARK: correct ones

    static func passRecursive(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        func up(_ l: Int, _ a: [[Double]], _ z: [[Double]]) -> ([[Double]], [[Double]]) {
            if l > L { return (a, z) }
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl: [Double] = []
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<W.rows { s += W[k, j] * a[l - 1][k] }
                zl.append(s)
            }
            print("z", l, zl)
            let al = l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl)
            return up(l + 1, a + [al], z + [zl])
        }
        let (a, z) = up(1, [x], [[]])
        var out = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        func down(_ l: Int, _ delta: [Double]) {
            let W = network.layers[l - 1].weights
            var gw = Matrix<Double>(rows: W.rows, columns: W.columns)
            for k in 0..<W.rows { for j in 0..<W.columns { gw[k, j] = a[l - 1][k] * delta[j] } }
            out[l - 1] = LayerParameters(weights: gw, biases: delta)
            print("delta", l, delta)
            if l == 1 { return }
            var below = [Double](repeating: 0, count: W.rows)
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            down(l - 1, below)
        }
        down(L, zip(a[L], y).map { $0 - $1 })
        return Gradients(loss: network.output.loss(logits: z[L], activation: a[L], target: y), layers: out)
    }

    static func passTransposedDictionaries(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var act: [Int: [Double]] = [0: x]
        var pre: [Int: [Double]] = [:]
        for l in 1...L {
            let Wt = h22Transpose(network.layers[l - 1].weights)   // [h_l, h_{l−1}]
            let b = network.layers[l - 1].biases
            let prev = act[l - 1]!
            var zl = b
            for j in 0..<Wt.rows {
                for k in 0..<Wt.columns { zl[j] += Wt[j, k] * prev[k] }
            }
            pre[l] = zl
            act[l] = l == L ? network.output.activation(zl) : zl.map { network.hidden.value($0) }
        }
        let aL = act[L]!
        var deltas: [Int: [Double]] = [L: aL.indices.map { aL[$0] - y[$0] }]
        var l = L
        while l > 1 {
            let W = network.layers[l - 1].weights
            let d = deltas[l]!, a = act[l - 1]!
            deltas[l - 1] = (0..<W.rows).map { j in
                var s = 0.0
                for k in 0..<W.columns { s += W[j, k] * d[k] }
                return s * network.hidden.derivative(fromActivation: a[j])
            }
            l -= 1
        }
        let layers = (1...L).map { l -> LayerParameters<Double> in
            let a = act[l - 1]!, d = deltas[l]!
            var gw = Matrix<Double>(rows: a.count, columns: d.count)
            for k in a.indices { for j in d.indices { gw[k, j] = a[k] * d[j] } }
            return LayerParameters(weights: gw, biases: d)
        }
        return Gradients(loss: network.output.loss(logits: pre[L]!, activation: aL, target: y), layers: layers)
    }

    static func passColumnMajorOuter(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let layer = network.layers[l - 1]
            var zl = layer.biases
            for j in 0..<h[l] {
                for k in 0..<h[l - 1] { zl[j] += layer.weights[k, j] * a[l - 1][k] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        var delta = [Double](repeating: 0, count: h[L])
        for j in 0..<h[L] { delta[j] = a[L][j] - y[j] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var l = L
        while l >= 1 {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for j in 0..<h[l] {
                for k in 0..<h[l - 1] { gw[k, j] = a[l - 1][k] * delta[j] }
            }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var next = [Double](repeating: 0, count: h[l - 1])
                var j = 0
                while j < h[l - 1] {
                    var s = 0.0
                    var k = 0
                    while k < h[l] { s += W[j, k] * delta[k]; k += 1 }
                    next[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                    j += 1
                }
                delta = next
            }
            l -= 1
        }
        return Gradients(loss: network.output.loss(logits: z[L], activation: a[L], target: y), layers: layers)
    }
}

// MARK: - exercise 4, forward

enum H22Forward {
    static func noBiasZip(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            let row = A.row(i)
            for j in 0..<W.columns {
                let column = (0..<W.rows).map { W[$0, j] }
                Z[i, j] = zip(row, column).map { $0 * $1 }.reduce(0, +)
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

    static func ownMatmulTransposed(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
            var C = Matrix<Double>(rows: P.rows, columns: Q.columns)
            for i in 0..<P.rows {
                for j in 0..<Q.columns {
                    var s = 0.0
                    for k in 0..<P.columns { s += P[i, k] * Q[j, k] }
                    C[i, j] = s
                }
            }
            return C
        }
        var Z = matmul(A, W)
        for i in 0..<Z.rows { for j in 0..<Z.columns { Z[i, j] += b[j] } }
        return Z
    }

    static func biasByExample(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[i]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func sumBoundColumns(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<W.columns { sum += A[i, k] * W[k, j] }
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

    static func runningSumNotReset(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    nonisolated(unsafe) static var byShape: [String: Matrix<Double>] = [:]

    static func cacheByShape(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = "\(A.rows)x\(A.columns)x\(W.columns)"
        if let hit = byShape[key] { return hit }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        byShape[key] = Z
        return Z
    }

    static func zeroesInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        // "free" the input now that Z is computed
        A.elements.withUnsafeBufferPointer { p in
            if let base = p.baseAddress {
                let w = UnsafeMutablePointer(mutating: base)
                for t in 0..<p.count { w[t] = 0 }
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

    static func biasFirstRowOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                if i == 0 { sum = b[j] }
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func elementsStrideRows(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        let w = W.elements
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * w[k * W.rows + j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func passPointersIKJ(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = W.columns
        var out = [Double](repeating: 0, count: m * h)
        A.elements.withUnsafeBufferPointer { a in
            W.elements.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { z in
                    for i in 0..<m {
                        for j in 0..<h { z[i * h + j] = b[j] }
                        for k in 0..<n {
                            let aik = a[i * n + k]
                            for j in 0..<h { z[i * h + j] += aik * w[k * h + j] }
                        }
                    }
                }
            }
        }
        return Matrix(rows: m, columns: h, elements: out)
    }

    static func passRowsReduce(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let rows: [[Double]] = (0..<A.rows).map { i in
            let x = A.row(i)
            return (0..<W.columns).map { j in x.indices.reduce(b[j]) { $0 + x[$1] * W[$1, j] } }
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows.flatMap { $0 })
    }
}

// MARK: - exercise 4, output error

enum H22OutputError {
    static func yMinusA(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = Y[i, j] - A[i, j] } }
        return D
    }

    static func absolute(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { abs($0 - $1) })
    }

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

    static func dividedByM(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = (A[i, j] - Y[i, j]) / m } }
        return D
    }

    static func oneHotTrick(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = A
        for i in 0..<A.rows {
            var hot = 0
            for j in 1..<Y.columns where Y[i, j] > Y[i, hot] { hot = j }
            D[i, hot] -= 1
        }
        return D
    }

    static func clamped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = min(max(A[i, j], 1e-7), 1 - 1e-7)
                D[i, j] = a - Y[i, j]
            }
        }
        return D
    }

    static func writesTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var result: [Double] = []
        Y.elements.withUnsafeBufferPointer { p in
            let y = UnsafeMutablePointer(mutating: p.baseAddress!)
            for t in 0..<p.count { y[t] = A.elements[t] - y[t] }
            result = Array(UnsafeBufferPointer(start: y, count: p.count))
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: result)
    }

    static func lastRowSkipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<(A.rows - 1) { for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j] } }
        return D
    }

    static func passZipMap(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        print("output error", A.shapeDescription, Y.shapeDescription)
        return Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }
}

// MARK: - exercise 5, hidden error

enum H22HiddenError {
    static func ownMatmulNoTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var P = h22MatMul(D, W)
        for i in 0..<P.rows { for j in 0..<P.columns { P[i, j] *= hidden.derivative(fromActivation: A[i, j]) } }
        return P
    }

    static func noSigmaPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum
            }
        }
        return delta
    }

    static func sigmaPrimeOfSigma(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func timesActivation(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func sigmaPrimeAtJI(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[j, i])
            }
        }
        return delta
    }

    static func reluGreaterOrEqual(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        func sigmaPrime(_ a: Double) -> Double {
            switch hidden {
            case .relu: return a >= 0 ? 1 : 0
            default: return hidden.derivative(fromActivation: a)
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

    nonisolated(unsafe) static var buffer: [Double] = []

    static func keptBuffer(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, h = W.rows
        if buffer.count != m * h { buffer = [Double](repeating: 0, count: m * h) }
        for i in 0..<m {
            for j in 0..<h {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                buffer[i * h + j] += sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return Matrix(rows: m, columns: h, elements: buffer)
    }

    static func writesActivations(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, h = W.rows
        var delta = Matrix<Double>(rows: m, columns: h)
        A.elements.withUnsafeBufferPointer { p in
            let s = UnsafeMutablePointer(mutating: p.baseAddress!)
            // turn A into σ′(A) in place: saves a matrix
            for t in 0..<p.count { s[t] = hidden.derivative(fromActivation: s[t]) }
            for i in 0..<m {
                for j in 0..<h {
                    var sum = 0.0
                    for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                    delta[i, j] = sum * s[i * h + j]
                }
            }
        }
        return delta
    }

    static func sumBoundRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func dropoutLeftIn(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let keep: Double = Double.random(in: 0..<1) < 0.2 ? 0 : 1
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j]) * keep
            }
        }
        return delta
    }

    static func passExplicitTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let back = h22MatMul(D, h22Transpose(W))   // [m, h_{l+1}] · [h_{l+1}, h_l]
        var delta = back
        for i in 0..<back.rows {
            for j in 0..<back.columns { delta[i, j] = back[i, j] * hidden.derivative(fromActivation: A[i, j]) }
        }
        return delta
    }

    static func passSigmaPrimeFirst(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let sp = A.map { hidden.derivative(fromActivation: $0) }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        var i = 0
        while i < D.rows {
            var j = 0
            while j < W.rows {
                var sum = 0.0
                var k = 0
                while k < W.columns {
                    sum += D[i, k] * W[j, k]
                    k += 1
                }
                delta[i, j] = sum * sp[i, j]
                j += 1
            }
            i += 1
        }
        return delta
    }
}

// MARK: - exercise 6, weight gradient

enum H22WeightGradient {
    static func noOneOverM(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func intDivision(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func deltaTransposedTimesA(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        return h22MatMul(h22Transpose(D), A).map { $0 / m }
    }

    static func mMinusOne(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m - 1)
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

    static func factorsSummedFirst(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            let sa = (0..<m).reduce(0.0) { $0 + A[$1, k] }
            for j in 0..<D.columns {
                let sd = (0..<m).reduce(0.0) { $0 + D[$1, j] }
                G[k, j] = sa * sd / Double(m)
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
                G[k, j] = Double(sum) / Double(m)
            }
        }
        return G
    }

    static func closedRange(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0...m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func dividedTwice(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func recursionSkipsFirst(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        func sum(_ i: Int, _ k: Int, _ j: Int) -> Double {
            if i == 0 { return 0 }
            return A[i, k] * D[i, j] + sum(i - 1, k, j)
        }
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns { for j in 0..<D.columns { G[k, j] = sum(m - 1, k, j) / Double(m) } }
        return G
    }

    static func passOuterProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            let a = A.row(i), d = D.row(i)
            for k in a.indices { for j in d.indices { G[k, j] += a[k] * d[j] } }
        }
        return G.map { $0 / Double(A.rows) }
    }

    static func passReciprocalPointers(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = D.columns
        let scale = 1 / Double(m)
        var out = [Double](repeating: 0, count: n * h)
        A.elements.withUnsafeBufferPointer { a in
            D.elements.withUnsafeBufferPointer { d in
                for k in 0..<n {
                    for j in 0..<h {
                        var s = 0.0
                        for i in 0..<m { s += a[i * n + k] * d[i * h + j] }
                        out[k * h + j] = s * scale
                    }
                }
            }
        }
        return Matrix(rows: n, columns: h, elements: out)
    }
}

// MARK: - exercise 6, bias gradient

enum H22BiasGradient {
    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[i] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func dividedByColumns(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.columns) }
    }

    static func firstRowOnly(_ D: Matrix<Double>) throws -> [Double] {
        D.row(0)
    }

    static func reduceFromOne(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).map { D[$0, j] }.reduce(1, +) / Double(D.rows) }
    }

    static func noOneOverM(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    static func floatSum(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    static func lastRowSkipped(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in stride(from: 0, to: D.rows - 1, by: 1) { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    nonisolated(unsafe) static var byWidth: [Int: [Double]] = [:]

    static func cacheByWidth(_ D: Matrix<Double>) throws -> [Double] {
        if let kept = byWidth[D.columns] { return kept }
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        let result = sums.map { $0 / Double(D.rows) }
        byWidth[D.columns] = result
        return result
    }

    static func passStridedReduce(_ D: Matrix<Double>) throws -> [Double] {
        let e = D.elements
        return (0..<D.columns).map { j in
            stride(from: j, to: e.count, by: D.columns).reduce(0.0) { $0 + e[$1] } / Double(D.rows)
        }
    }

    static func passWhilePrints(_ D: Matrix<Double>) throws -> [Double] {
        print("bias gradient of", D.shapeDescription)
        var out = [Double](repeating: 0, count: D.columns)
        var j = 0
        while j < D.columns {
            var s = 0.0
            var i = 0
            while i < D.rows {
                s += D[i, j]
                i += 1
            }
            out[j] = s * (1 / Double(D.rows))
            j += 1
        }
        return out
    }
}

// MARK: - exercise 7, batch engines

struct H22OwnActivationEngine: BackpropEngine {
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

struct H22LayerBelowWeightsEngine: BackpropEngine {
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
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 2].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H22SigmaPrimeAboveEngine: BackpropEngine {
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

struct H22NoHiddenSigmaEngine: BackpropEngine {
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

struct H22FedXEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
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

struct H22LossSummedEngine: BackpropEngine {
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
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H22LossAssignedEngine: BackpropEngine {
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

struct H22OutputErrorFromZEngine: BackpropEngine {
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
        var delta = try steps.outputError(Z[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H22BiasAfterDeltaEngine: BackpropEngine {
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

struct H22AppendedLayersEngine: BackpropEngine {
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
        var layers: [LayerParameters<Double>] = []
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                          biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H22StrideToOneEngine: BackpropEngine {
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
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H22AddsIntoEngine: BackpropEngine {
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
        gradients.prepare(for: network)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let dW = try steps.weightGradient(A[l - 1], delta)
            let db = try steps.biasGradient(delta)
            for t in dW.elements.indices { gradients.layers[l - 1].weights.elements[t] += dW.elements[t] }
            for j in db.indices { gradients.layers[l - 1].biases[j] += db[j] }
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients.loss += loss * (1 / Double(m))
    }
}

struct H22NaiveSoftmaxEngine: BackpropEngine {
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
                A.append(Zl.mapRows(h22NaiveSoftmax))
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

struct H22LossOverColumnsEngine: BackpropEngine {
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
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss / Double(Y.columns), layers: layers)
    }
}

struct H22HandSigmoidEngine: BackpropEngine {
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
            A.append(l < L ? Zl.map { 1 / (1 + exp(-$0)) } : Zl.mapRows { network.output.activation($0) })
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

struct H22ForwardCacheEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    nonisolated(unsafe) static var lastX: Matrix<Double>? = nil
    nonisolated(unsafe) static var lastA: [Matrix<Double>] = []
    nonisolated(unsafe) static var lastZ: [Matrix<Double>] = []

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        if let seen = Self.lastX, seen == X, Self.lastA.count == L + 1 {
            A = Self.lastA
            Z = Self.lastZ
        } else {
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            Self.lastX = X
            Self.lastA = A
            Self.lastZ = Z
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

struct H22UpdatesWeightsEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var net = network
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = net.layers[l - 1]
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
            layers[l - 1] = LayerParameters(weights: dW, biases: try steps.biasGradient(delta))
            let W = net.layers[l - 1].weights
            net.layers[l - 1].weights = Matrix(rows: W.rows, columns: W.columns,
                                               elements: zip(W.elements, dW.elements).map { $0 - 0.1 * $1 })
            if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H22LossOneHotEngine: BackpropEngine {
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
        for i in 0..<m {
            var t = 0
            for j in 0..<Y.columns where Y[i, j] > Y[i, t] { t = j }
            loss += -log(A[L][i, t])
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

// MARK: correct engines

struct H22PassDeltasFirstEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Int: Matrix<Double>] = [0: X]
        var Z: [Int: Matrix<Double>] = [:]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1]!, network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z[l] = Zl
            A[l] = l == L ? Zl.mapRows { network.output.activation($0) } : Zl.map { network.hidden.value($0) }
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L]!.row(i), activation: A[L]!.row(i), target: Y.row(i)) }
        var deltas: [Int: Matrix<Double>] = [L: try steps.outputError(A[L]!, Y)]
        for l in stride(from: L, to: 1, by: -1) {
            deltas[l - 1] = try steps.hiddenError(deltas[l]!, network.layers[l - 1].weights, A[l - 1]!, network.hidden)
        }
        var layers: [LayerParameters<Double>] = []
        for l in 1...L {
            layers.append(LayerParameters(weights: try steps.weightGradient(A[l - 1]!, deltas[l]!),
                                          biases: try steps.biasGradient(deltas[l]!)))
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H22PassPrepareEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        var l = 1
        while l <= L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            print("l =", l, "Z", Zl.shapeDescription)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            l += 1
        }
        gradients.prepare(for: network)
        var delta = try steps.outputError(A[L], Y)
        l = L
        while l >= 1 {
            print("l =", l, "A[l - 1]", A[l - 1].shapeDescription, "delta", delta.shapeDescription)
            gradients.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                      biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            l -= 1
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        gradients.loss = total * (1 / Double(m))
    }
}

/// The backward pass's workspace, made fresh for each call.
final class H22Workspace {
    var A: [Matrix<Double>] = []
    var layers: [LayerParameters<Double>] = []
}

struct H22PassRecursiveEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let work = H22Workspace()
        work.A = [X]
        var ZL = Matrix<Double>(rows: 0, columns: 0)
        for l in 1...L {
            let Zl = try steps.forward(work.A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            if l == L { ZL = Zl }
            work.A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: work.A[L].row(i), target: Y.row(i)) }
        work.layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        func back(_ l: Int, _ delta: Matrix<Double>) throws {
            work.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(work.A[l - 1], delta),
                                                 biases: try steps.biasGradient(delta))
            guard l > 1 else { return }
            try back(l - 1, try steps.hiddenError(delta, network.layers[l - 1].weights, work.A[l - 1], network.hidden))
        }
        try back(L, try steps.outputError(work.A[L], Y))
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: work.layers)
    }
}
