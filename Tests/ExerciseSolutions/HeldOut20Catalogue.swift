import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 20: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut20Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h20(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut20Submission {
    HeldOut20Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h20sub(
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

public enum HeldOut20Catalogue {
    public static let all: [HeldOut20Submission] = [
        // MARK: exercise 3, one example
        h20("h20-oe-while-forward-w-jk", "one example", "the forward sum, written with while loops, reads Wˡ[j, k] where Wˡ[k, j] belongs (zⱼ summed over row j of Wˡ instead of column j)", h20sub(oneExample: H20OneExample.whileForwardWjk)),
        h20("h20-oe-recursive-sigma-prime-of-z", "one example", "the recursive backward pass computes σ′ with derivative(fromActivation:) fed the pre-activation zˡ instead of the activation aˡ", h20sub(oneExample: H20OneExample.recursiveSigmaPrimeOfZ)),
        h20("h20-oe-softmax-by-hand", "one example", "the softmax output is written by hand as exp(zⱼ) / Σₖ exp(zₖ) without subtracting the largest zₖ, so it overflows to NaN when the logits are in the hundreds", h20sub(oneExample: H20OneExample.softmaxByHand)),
        h20("h20-oe-sigmoid-output-extra-sigma-prime", "one example", "when the output is a sigmoid, δᴸ is multiplied by σ′ = aᴸ(1 − aᴸ), although with cross-entropy δᴸ = aᴸ − y exactly (right only for the softmax outputs)", h20sub(oneExample: H20OneExample.sigmoidOutputExtraSigmaPrime)),
        h20("h20-oe-cache-by-input", "one example", "keeps every answer in a static dictionary keyed by the input x alone and returns it again whenever the same x comes back, whatever the target or the weights", h20sub(oneExample: H20OneExample.cacheByInput)),
        h20("h20-oe-relu-derivative-ge-zero", "one example", "for a ReLU hidden layer σ′ is written by hand as a >= 0 ? 1 : 0, so units whose ReLU is off (a = 0) pass their error back instead of stopping it", h20sub(oneExample: H20OneExample.reluDerivativeGeZero)),
        h20("h20-oe-exit-on-saturated-output", "one example", "a debugging guard left in prints and calls exit(0) whenever an output activation is exactly 0 or 1, which happens when the logits are in the hundreds", h20sub(oneExample: H20OneExample.exitOnSaturatedOutput)),
        h20("h20-oe-gradients-top-first", "one example", "the layers' gradients are appended in the backward loop, so the array is top layer first instead of layer 1 first", h20sub(oneExample: H20OneExample.gradientsTopFirst)),
        h20("h20-oe-hidden-sum-own-width", "one example", "in δˡ⁻¹ the sum over k runs to h[l − 1] (the new layer's own width) where h[l] (the units of the layer above) belongs", h20sub(oneExample: H20OneExample.hiddenSumOwnWidth)),
        h20("h20-oe-float-forward-sum", "one example", "the forward sum zⱼ = bⱼ + Σₖ Wˡ[k, j] aₖ is accumulated in Float instead of Double", h20sub(oneExample: H20OneExample.floatForwardSum)),
        h20("h20-oe-outer-with-own-activation", "one example", "∂Wˡ is the outer product of the layer's own activation aˡ with δˡ where its input aˡ⁻¹ belongs", h20sub(oneExample: H20OneExample.outerWithOwnActivation)),
        h20("h20-oe-log-loss-by-hand", "one example", "the loss is written by hand from the activations (−Σ y log a, and −Σ [y log a + (1 − y) log(1 − a)] for a sigmoid) instead of network.output.loss from the logits, so it is not finite when an activation rounds to 0 or 1", h20sub(oneExample: H20OneExample.logLossByHand)),

        // MARK: exercise 4, forward
        h20("h20-fw-reduce-bias-inside", "forward", "the bias bⱼ is added inside the reduce over k, once per term, instead of once per element", h20sub(forward: H20Forward.reduceBiasInside)),
        h20("h20-fw-while-bound-weights-columns", "forward", "the while loop of the sum over k stops at weights.columns (h_l) where input.columns / weights.rows (h_{l−1}) belongs", h20sub(forward: H20Forward.whileBoundWeightsColumns)),
        h20("h20-fw-map-bias-by-example", "forward", "the bias is indexed by the example, b[i], instead of by the unit, b[j]", h20sub(forward: H20Forward.mapBiasByExample)),
        h20("h20-fw-cache-by-shape", "forward", "answers are cached in a static dictionary keyed by the shapes of the inputs only, so a later call with the same shapes gets an old Zˡ", h20sub(forward: H20Forward.cacheByShape)),
        h20("h20-fw-zero-input-pointer", "forward", "after computing Zˡ correctly it zeroes the input Aˡ⁻¹ through an unsafe pointer to 'free' it, writing into the caller's matrix", h20sub(forward: H20Forward.zeroInputPointer)),
        h20("h20-fw-float-weights", "forward", "Aˡ⁻¹ and Wˡ are converted to Float and the product computed in single precision", h20sub(forward: H20Forward.floatWeights)),
        h20("h20-fw-running-sum-not-reset", "forward", "one running sum declared outside the loops is never reset, so each Z[i, j] includes every earlier element's products", h20sub(forward: H20Forward.runningSumNotReset)),
        h20("h20-fw-clamp-500", "forward", "each Z[i, j] is clamped to [−500, 500] 'to avoid overflow', which changes Zˡ wherever the logits are beyond ±500", h20sub(forward: H20Forward.clamp500)),
        h20("h20-fw-matmul-helper-inner-m", "forward", "the own matmul helper's inner sum over k runs to a.rows (m) instead of a.columns (h_{l−1}), right only when m equals h_{l−1}", h20sub(forward: H20Forward.matmulHelperInnerM)),
        h20("h20-fw-bias-first-row-only", "forward", "the bias is added in a second pass to row 0 only, so only the first example gets it (right only when m = 1)", h20sub(forward: H20Forward.biasFirstRowOnly)),

        // MARK: exercise 4, output error
        h20("h20-oerr-zip-y-minus-a", "output error", "the zip of the elements subtracts in the wrong order, Y − Aᴸ instead of Aᴸ − Y", h20sub(outputError: H20OutputError.zipYMinusA)),
        h20("h20-oerr-divided-by-m", "output error", "Δᴸ is divided by m (the 1/m of the mean put in the output error instead of the gradients)", h20sub(outputError: H20OutputError.dividedByM)),
        h20("h20-oerr-argmax-target", "output error", "each target row is read as the class index of its largest entry and replaced by that one-hot row, right only for one-hot targets", h20sub(outputError: H20OutputError.argmaxTarget)),
        h20("h20-oerr-rounded-targets", "output error", "the targets are rounded to 0 or 1 before the subtraction, right only for 0/1 targets", h20sub(outputError: H20OutputError.roundedTargets)),
        h20("h20-oerr-sigmoid-prime-factor", "output error", "Δᴸ is multiplied by Aᴸ(1 − Aᴸ), a σ′ that cancels with cross-entropy", h20sub(outputError: H20OutputError.sigmoidPrimeFactor)),
        h20("h20-oerr-abs", "output error", "abs() is taken of Aᴸ − Y, so the negative elements have their sign turned", h20sub(outputError: H20OutputError.absDifference)),
        h20("h20-oerr-flat-transposed-shape", "output error", "the flat differences are put in a [c, m] matrix (columns and rows swapped) instead of [m, c], right only when m = c", h20sub(outputError: H20OutputError.flatTransposedShape)),
        h20("h20-oerr-cache-by-targets", "output error", "answers are cached in a static dictionary keyed by the targets Y alone, so new activations with the same targets get an old Δᴸ", h20sub(outputError: H20OutputError.cacheByTargets)),
        h20("h20-oerr-clamped-activations", "output error", "Aᴸ is clamped to [1e−7, 1 − 1e−7] before the subtraction (a habit from log-losses), which changes Δᴸ where an output is near 0 or 1", h20sub(outputError: H20OutputError.clampedActivations)),

        // MARK: exercise 5, hidden error
        h20("h20-he-helpers-transpose-forgotten", "hidden error", "the own helpers compute matmul(Δˡ⁺¹, Wˡ⁺¹) without the transpose helper, i.e. Δˡ⁺¹ Wˡ⁺¹ instead of Δˡ⁺¹ (Wˡ⁺¹)ᵀ", h20sub(hiddenError: H20HiddenError.helpersTransposeForgotten)),
        h20("h20-he-recursive-no-sigma-prime", "hidden error", "the row-by-row recursion returns the back-propagated sum without multiplying by σ′(Zˡ)", h20sub(hiddenError: H20HiddenError.recursiveNoSigmaPrime)),
        h20("h20-he-sigma-prime-of-value", "hidden error", "σ′ is fed σ(Aˡ[i, j]) (hidden.value of the activation) instead of Aˡ[i, j]", h20sub(hiddenError: H20HiddenError.sigmaPrimeOfValue)),
        h20("h20-he-times-activation", "hidden error", "the sum is multiplied by the activation Aˡ[i, j] itself instead of σ′ computed from it", h20sub(hiddenError: H20HiddenError.timesActivation)),
        h20("h20-he-tanh-derivative-of-tanh", "hidden error", "for tanh σ′ is written by hand as 1 − tanh(a)², applying tanh to the activation again (right for sigmoid and relu, which use the library's derivative)", h20sub(hiddenError: H20HiddenError.tanhDerivativeOfTanh)),
        h20("h20-he-static-buffer-not-zeroed", "hidden error", "the result is accumulated with += into a static buffer kept between calls and never zeroed, so a second call adds to the first answer", h20sub(hiddenError: H20HiddenError.staticBufferNotZeroed)),
        h20("h20-he-sigma-prime-at-ji", "hidden error", "σ′ is read at Aˡ[j, i] where Aˡ[i, j] belongs", h20sub(hiddenError: H20HiddenError.sigmaPrimeAtJI)),
        h20("h20-he-pointer-writes-activations", "hidden error", "σ′ is written over the activations Aˡ through an unsafe pointer to save a matrix, changing the caller's input (the result itself is right)", h20sub(hiddenError: H20HiddenError.pointerWritesActivations)),
        h20("h20-he-sum-bound-m", "hidden error", "the sum over k runs to deltaAbove.rows (m) where weightsAbove.columns (h_{l+1}) belongs, right only when m = h_{l+1}", h20sub(hiddenError: H20HiddenError.sumBoundM)),
        h20("h20-he-float-accumulator", "hidden error", "the sum over k is accumulated in Float", h20sub(hiddenError: H20HiddenError.floatAccumulator)),
        h20("h20-he-dropout-left-in", "hidden error", "a dropout mask from the random generator (p = 0.1, scaled by 1/0.9) is left in, so the answer is random", h20sub(hiddenError: H20HiddenError.dropoutLeftIn)),

        // MARK: exercise 6, weight gradient
        h20("h20-wg-reduce-no-mean", "weight gradient", "the reduce over the examples is returned as the sum, without the 1/m", h20sub(weightGradient: H20WeightGradient.reduceNoMean)),
        h20("h20-wg-int-one-over-m", "weight gradient", "the scale is Double(1 / m) with an Int m, which is 0 for any m above 1 (right only when m = 1)", h20sub(weightGradient: H20WeightGradient.intOneOverM)),
        h20("h20-wg-matmul-dt-a", "weight gradient", "the own helpers compute (Δˡ)ᵀ Aˡ⁻¹ / m, the transpose of (Aˡ⁻¹)ᵀ Δˡ / m", h20sub(weightGradient: H20WeightGradient.matmulDtA)),
        h20("h20-wg-unbiased-m-minus-1", "weight gradient", "the sum over the examples is divided by m − 1 instead of m", h20sub(weightGradient: H20WeightGradient.unbiasedMMinus1)),
        h20("h20-wg-float-sum", "weight gradient", "the sum over the examples is accumulated in Float", h20sub(weightGradient: H20WeightGradient.floatSum)),
        h20("h20-wg-skips-last-example", "weight gradient", "the loop over the examples runs 0..<m − 1, leaving out the last example (still divided by m)", h20sub(weightGradient: H20WeightGradient.skipsLastExample)),
        h20("h20-wg-assign-not-add", "weight gradient", "the sum over the examples assigns (=) instead of adding (+=), so only the last example counts (right only when m = 1)", h20sub(weightGradient: H20WeightGradient.assignNotAdd)),
        h20("h20-wg-factors-summed-first", "weight gradient", "each factor is summed over the examples first and the two sums multiplied, (Σᵢ A[i, k])(Σᵢ Δ[i, j]) / m", h20sub(weightGradient: H20WeightGradient.factorsSummedFirst)),
        h20("h20-wg-cache-by-input", "weight gradient", "answers are cached in a static dictionary keyed by the input Aˡ⁻¹ alone, so a new Δˡ with the same input gets an old ∂Wˡ", h20sub(weightGradient: H20WeightGradient.cacheByInput)),
        h20("h20-wg-divide-by-input-width", "weight gradient", "the sum is divided by input.columns (h_{l−1}) where m (input.rows) belongs", h20sub(weightGradient: H20WeightGradient.divideByInputWidth)),
        h20("h20-wg-flat-stride-of-input", "weight gradient", "Δˡ's flat elements are read with the input's row stride, delta.elements[i * input.columns + j], where delta.columns belongs (right only when h_{l−1} = h_l)", h20sub(weightGradient: H20WeightGradient.flatStrideOfInput)),

        // MARK: exercise 6, bias gradient
        h20("h20-bg-reduce-row-sums", "bias gradient", "each example's row is summed (over the units, axis = 1) instead of each column over the examples", h20sub(biasGradient: H20BiasGradient.reduceRowSums)),
        h20("h20-bg-divided-by-units", "bias gradient", "the column sums are divided by delta.columns (h_l) where m (delta.rows) belongs", h20sub(biasGradient: H20BiasGradient.dividedByUnits)),
        h20("h20-bg-no-mean", "bias gradient", "the column sums are returned without the 1/m", h20sub(biasGradient: H20BiasGradient.noMean)),
        h20("h20-bg-first-row", "bias gradient", "the one-example formula ∂b = δ is used: the first row of Δˡ is returned (right only when m = 1)", h20sub(biasGradient: H20BiasGradient.firstRow)),
        h20("h20-bg-reduce-from-one", "bias gradient", "each column sum is a reduce that starts from 1 instead of 0", h20sub(biasGradient: H20BiasGradient.reduceFromOne)),
        h20("h20-bg-float-sum", "bias gradient", "the column sums are accumulated in Float", h20sub(biasGradient: H20BiasGradient.floatSum)),
        h20("h20-bg-closed-range-rows", "bias gradient", "the loop over the examples is 0...delta.rows, one row past the end", h20sub(biasGradient: H20BiasGradient.closedRangeRows)),
        h20("h20-bg-stride-by-rows", "bias gradient", "the flat walk down column j strides by delta.rows (m) where delta.columns belongs, right only when m = h_l", h20sub(biasGradient: H20BiasGradient.strideByRows)),
        h20("h20-bg-static-sums-not-reset", "bias gradient", "the column sums live in a static array kept between calls and are never reset, so every call adds to the earlier ones", h20sub(biasGradient: H20BiasGradient.staticSumsNotReset)),
        h20("h20-bg-divides-twice", "bias gradient", "each term is divided by m inside the sum and the sum is divided by m again, 1/m applied twice", h20sub(biasGradient: H20BiasGradient.dividesTwice)),

        // MARK: exercise 7, batch engine
        h20("h20-en-dict-weight-grad-own-activation", "batch engine", "the activations kept in a dictionary by layer are read at acts[l] for ∂Wˡ, the layer's own activation Aˡ, where its input Aˡ⁻¹ belongs", h20sub(engine: { AnyBackpropEngine(H20EngineDictOwnActivation(steps: $0)) })),
        h20("h20-en-hidden-weights-below", "batch engine", "the hidden error takes network.layers[l − 2].weights (Wˡ⁻¹) where the weights of the layer above the new error, Wˡ (network.layers[l − 1]), belong", h20sub(engine: { AnyBackpropEngine(H20EngineHiddenWeightsBelow(steps: $0)) })),
        h20("h20-en-sigma-prime-from-above", "batch engine", "the hidden error is given A[l] (the layer's own activation) where A[l − 1] belongs, so σ′ comes from the layer above", h20sub(engine: { AnyBackpropEngine(H20EngineSigmaPrimeFromAbove(steps: $0)) })),
        h20("h20-en-loss-summed", "batch engine", "the loss is the sum of the examples' losses, never multiplied by 1/m", h20sub(engine: { AnyBackpropEngine(H20EngineLossSummed(steps: $0)) })),
        h20("h20-en-loss-assigned", "batch engine", "the loss is assigned (=) in the loop over the examples instead of added, so only the last example's loss counts", h20sub(engine: { AnyBackpropEngine(H20EngineLossAssigned(steps: $0)) })),
        h20("h20-en-hidden-sigma-at-output", "batch engine", "the output layer's activation is computed with the hidden σ (Z.map { network.hidden.value($0) }) instead of network.output.activation", h20sub(engine: { AnyBackpropEngine(H20EngineHiddenSigmaAtOutput(steps: $0)) })),
        h20("h20-en-adds-into-gradients", "batch engine", "after gradients.prepare it adds (+=) every gradient and the loss into the caller's storage instead of assigning them", h20sub(engine: { AnyBackpropEngine(H20EngineAddsIntoGradients(steps: $0)) })),
        h20("h20-en-append-top-first", "batch engine", "the layers' gradients are appended in the backward loop, so they are stored top layer first", h20sub(engine: { AnyBackpropEngine(H20EngineAppendTopFirst(steps: $0)) })),
        h20("h20-en-backward-stops-at-2", "batch engine", "the backward loop is stride(from: L, to: 1, by: −1), so layer 1's gradients are never computed and stay the 1 × 1 placeholder", h20sub(engine: { AnyBackpropEngine(H20EngineStopsAt2(steps: $0)) })),
        h20("h20-en-bias-after-hidden-error", "batch engine", "∂bˡ is taken after delta has been replaced by Δˡ⁻¹, so every layer above layer 1 gets the bias gradient of the error of the layer below it", h20sub(engine: { AnyBackpropEngine(H20EngineBiasAfterHiddenError(steps: $0)) })),
        h20("h20-en-exit-after-print", "batch engine", "a debugging print followed by exit(0) is left at the end of computeGradients, after every right call", h20sub(engine: { AnyBackpropEngine(H20EngineExitAfterPrint(steps: $0)) })),
        h20("h20-en-global-activations", "batch engine", "the activations are appended to a static array that is never cleared, so from the second call on every layer reads the first call's activations", h20sub(engine: { AnyBackpropEngine(H20EngineGlobalActivations(steps: $0)) })),
        h20("h20-en-output-error-from-z", "batch engine", "the output error is given Zᴸ (the logits) where Aᴸ belongs", h20sub(engine: { AnyBackpropEngine(H20EngineOutputErrorFromZ(steps: $0)) })),
        h20("h20-en-weights-updated-in-backward", "batch engine", "each layer's weights are updated (η = 0.5) in a copy of the network during the backward pass, and the hidden error below uses the updated Wˡ instead of the forward pass's", h20sub(engine: { AnyBackpropEngine(H20EngineWeightsUpdatedInBackward(steps: $0)) })),
        h20("h20-en-loss-given-activations", "batch engine", "the loss is given the activations Aᴸ as its logits, where it takes Zᴸ", h20sub(engine: { AnyBackpropEngine(H20EngineLossGivenActivations(steps: $0)) })),

        // MARK: correct, written unusually
        h20("h20-pass-oe-recursive-prints", "pass", "correct, one example with recursive forward and backward passes and debugging prints left in", h20sub(oneExample: H20OneExample.passRecursivePrints)),
        h20("h20-pass-oe-column-matrices", "pass", "correct, one example with column vectors as [h, 1] matrices, an own transpose and own matrix-vector helpers", h20sub(oneExample: H20OneExample.passColumnMatrices)),
        h20("h20-pass-oe-class-workspace-pointers", "pass", "correct, one example with a fresh class workspace per call and unsafe buffer pointers", h20sub(oneExample: H20OneExample.passClassWorkspacePointers)),
        h20("h20-pass-fw-pointer-kj-order", "pass", "correct, forward with unsafe pointers, each row started from b and the loops in i, k, j order", h20sub(forward: H20Forward.passPointerKJOrder)),
        h20("h20-pass-fw-transpose-both", "pass", "correct, forward as (Wᵀ Aᵀ)ᵀ with own transpose and product helpers", h20sub(forward: H20Forward.passTransposeBoth)),
        h20("h20-pass-oerr-zip-print", "pass", "correct, output error from a zip of the flat elements with a shape print left in", h20sub(outputError: H20OutputError.passZipPrint)),
        h20("h20-pass-oerr-column-major-while", "pass", "correct, output error with while loops walking column by column", h20sub(outputError: H20OutputError.passColumnMajorWhile)),
        h20("h20-pass-he-transpose-then-map", "pass", "correct, hidden error as Δˡ⁺¹ times a transposed copy of Wˡ⁺¹, then σ′ in a second pass", h20sub(hiddenError: H20HiddenError.passTransposeThenMap)),
        h20("h20-pass-he-recursive-rows", "pass", "correct, hidden error filled one row at a time by recursion", h20sub(hiddenError: H20HiddenError.passRecursiveRows)),
        h20("h20-pass-wg-outer-products", "pass", "correct, weight gradient as the sum of each example's outer product aₖ δⱼ, then multiplied by 1/m", h20sub(weightGradient: H20WeightGradient.passOuterProducts)),
        h20("h20-pass-wg-transposed-copy", "pass", "correct, weight gradient as a transposed copy of Aˡ⁻¹ times Δˡ with an own product helper, divided by m", h20sub(weightGradient: H20WeightGradient.passTransposedCopy)),
        h20("h20-pass-bg-reduce-columns", "pass", "correct, bias gradient as a reduce down each column times 1/m", h20sub(biasGradient: H20BiasGradient.passReduceColumns)),
        h20("h20-pass-bg-recursive-pointer", "pass", "correct, bias gradient summed down each column by a recursive function over an unsafe pointer", h20sub(biasGradient: H20BiasGradient.passRecursivePointer)),
        h20("h20-pass-en-prepare-dictionary-prints", "pass", "correct, engine with activations in a dictionary, gradients.prepare then every element assigned, prints left in", h20sub(engine: { AnyBackpropEngine(H20EnginePassPrepareDictionary(steps: $0)) })),
        h20("h20-pass-en-recursive-backward", "pass", "correct, engine whose backward pass is a recursive function", h20sub(engine: { AnyBackpropEngine(H20EnginePassRecursive(steps: $0)) })),
        h20("h20-pass-en-while-class-workspace", "pass", "correct, engine with while loops and a per-call class workspace", h20sub(engine: { AnyBackpropEngine(H20EnginePassWhileWorkspace(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - exercise 3, one example

enum H20OneExample {
    /// The plain backward pass of Solutions, used by hand-ins whose slip is in the forward pass or the loss.
    private static func backward(_ network: Network<Double>, _ a: [[Double]], _ y: [Double]) -> [LayerParameters<Double>] {
        let L = network.layerCount, h = network.sizes
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
        return layers
    }

    static func whileForwardWjk(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        var l = 1
        while l <= L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            var j = 0
            while j < h[l] {
                var s = b[j]
                var k = 0
                while k < h[l - 1] {
                    s += W[j, k] * a[l - 1][k]
                    k += 1
                }
                z[j] = s
                j += 1
            }
            if l == L {
                zL = z
                a.append(network.output.activation(z))
            } else {
                a.append(z.map { network.hidden.value($0) })
            }
            l += 1
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        l = L
        while l >= 1 {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            var k = 0
            while k < h[l - 1] {
                var j = 0
                while j < h[l] { gw[k, j] = a[l - 1][k] * delta[j]; j += 1 }
                k += 1
            }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                var j = 0
                while j < h[l - 1] {
                    var s = 0.0
                    var kk = 0
                    while kk < h[l] { s += W[j, kk] * delta[kk]; kk += 1 }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                    j += 1
                }
                delta = below
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func recursiveSigmaPrimeOfZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        func back(_ l: Int, _ delta: [Double], _ done: [LayerParameters<Double>]) -> [LayerParameters<Double>] {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            let mine = [LayerParameters(weights: gw, biases: delta)]
            if l == 1 { return mine + done }
            let W = network.layers[l - 1].weights
            let below = (0..<h[l - 1]).map { j -> Double in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: z[l - 1][j])
            }
            return back(l - 1, below, mine + done)
        }
        let layers = back(L, (0..<h[L]).map { a[L][$0] - y[$0] }, [])
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
        return Gradients(loss: loss, layers: backward(network, a, y))
    }

    static func sigmoidOutputExtraSigmaPrime(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        if network.output.activation == .sigmoid {
            delta = (0..<h[L]).map { delta[$0] * a[L][$0] * (1 - a[L][$0]) }   // sigmoid needs its σ′
        }
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

    nonisolated(unsafe) static var answers: [[Double]: Gradients<Double>] = [:]

    static func cacheByInput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        if let known = answers[x] { return known }       // same example, same answer
        let result = try Solutions.oneExample(network, x, y)
        answers[x] = result
        return result
    }

    static func reluDerivativeGeZero(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        func sigmaPrime(_ a: Double) -> Double {
            if network.hidden == .relu { return a >= 0 ? 1 : 0 }
            return network.hidden.derivative(fromActivation: a)
        }
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
                return sum * sigmaPrime(a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func exitOnSaturatedOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        if a[L].contains(where: { $0 == 0 || $0 == 1 }) {
            print("saturated output, stopping to look:", a[L])
            exit(0)
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        return Gradients(loss: loss, layers: backward(network, a, y))
    }

    static func gradientsTopFirst(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l - 1] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func floatForwardSum(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        return Gradients(loss: loss, layers: backward(network, a, y))
    }

    private static func outer(_ u: [Double], _ v: [Double]) -> Matrix<Double> {
        var m = Matrix<Double>(rows: u.count, columns: v.count)
        for (r, ur) in u.enumerated() { for (c, vc) in v.enumerated() { m[r, c] = ur * vc } }
        return m
    }

    static func outerWithOwnActivation(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        var delta = zip(a[L], y).map { $0 - $1 }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: outer(a[l], delta), biases: delta)
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

    static func logLossByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        for j in 0..<h[L] {
            if network.output.activation == .softmax {
                loss -= y[j] * log(a[L][j])
            } else {
                loss -= y[j] * log(a[L][j]) + (1 - y[j]) * log(1 - a[L][j])
            }
        }
        return Gradients(loss: loss, layers: backward(network, a, y))
    }

    // MARK: correct ones

    static func passRecursivePrints(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        print("one example: L =", L, "x has", x.count, "numbers")
        func forward(_ l: Int, _ acts: [[Double]], _ lastZ: [Double]) -> ([[Double]], [Double]) {
            if l > L { return (acts, lastZ) }
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let prev = acts[l - 1]
            var z = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                z[j] = b[j]
                for k in 0..<W.rows { z[j] += W[k, j] * prev[k] }
            }
            let act = l < L ? z.map { network.hidden.value($0) } : network.output.activation(z)
            print("  layer", l, "z", z.count, "a", act.count)
            return forward(l + 1, acts + [act], z)
        }
        let (a, zL) = forward(1, [x], [])
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        print("  loss", loss)
        func backward(_ l: Int, _ delta: [Double], _ acc: [LayerParameters<Double>]) -> [LayerParameters<Double>] {
            var acc = acc
            let prev = a[l - 1]
            var gw = Matrix<Double>(rows: prev.count, columns: delta.count)
            for k in 0..<prev.count { for j in 0..<delta.count { gw[k, j] = prev[k] * delta[j] } }
            acc[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { return acc }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: W.rows)
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: prev[j])
            }
            return backward(l - 1, below, acc)
        }
        let start = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        let layers = backward(L, zip(a[L], y).map { $0 - $1 }, start)
        print("  done")
        return Gradients(loss: loss, layers: layers)
    }

    private static func transpose(_ m: Matrix<Double>) -> Matrix<Double> {
        var t = Matrix<Double>(rows: m.columns, columns: m.rows)
        for r in 0..<m.rows { for c in 0..<m.columns { t[c, r] = m[r, c] } }
        return t
    }

    /// start + M v, the sum for each row from its start value, terms in order.
    private static func matVec(_ M: Matrix<Double>, _ v: Matrix<Double>, start: [Double]) -> Matrix<Double> {
        var out = Matrix<Double>(rows: M.rows, columns: 1)
        for r in 0..<M.rows {
            var s = start[r]
            for c in 0..<M.columns { s += M[r, c] * v[c, 0] }
            out[r, 0] = s
        }
        return out
    }

    private static func column(_ v: [Double]) -> Matrix<Double> { Matrix(rows: v.count, columns: 1, elements: v) }

    static func passColumnMatrices(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [Matrix<Double>] = [column(x)]
        var zL = Matrix<Double>(rows: 0, columns: 1)
        for l in 1...L {
            let layer = network.layers[l - 1]
            let z = matVec(transpose(layer.weights), a[l - 1], start: layer.biases)   // zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ
            if l == L {
                zL = z
                a.append(column(network.output.activation(z.elements)))
            } else {
                a.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: zL.elements, activation: a[L].elements, target: y)
        var delta = Matrix(rows: y.count, columns: 1, elements: (0..<y.count).map { a[L][$0, 0] - y[$0] })
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            // ∂Wˡ = aˡ⁻¹ (δˡ)ᵀ: [h_{l−1}, 1]·[1, h_l]
            let dt = transpose(delta)
            var gw = Matrix<Double>(rows: a[l - 1].rows, columns: dt.columns)
            for k in 0..<gw.rows { for j in 0..<gw.columns { gw[k, j] = a[l - 1][k, 0] * dt[0, j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta.elements)
            if l > 1 {
                let back = matVec(network.layers[l - 1].weights, delta, start: [Double](repeating: 0, count: a[l - 1].rows))
                var next = back
                for j in 0..<next.rows { next[j, 0] = back[j, 0] * network.hidden.derivative(fromActivation: a[l - 1][j, 0]) }
                delta = next
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    final class Workspace {
        var activations: [[Double]]
        var logits: [Double] = []
        init(_ x: [Double]) { activations = [x] }
    }

    static func passClassWorkspacePointers(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let ws = Workspace(x)
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = b
            let prev = ws.activations[l - 1]
            W.elements.withUnsafeBufferPointer { wp in
                prev.withUnsafeBufferPointer { ap in
                    z.withUnsafeMutableBufferPointer { zp in
                        for j in 0..<h[l] {
                            for k in 0..<h[l - 1] { zp[j] += wp[k * h[l] + j] * ap[k] }
                        }
                    }
                }
            }
            if l == L { ws.logits = z }
            ws.activations.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let aL = ws.activations[L]
        let loss = network.output.loss(logits: ws.logits, activation: aL, target: y)
        var delta = [Double](repeating: 0, count: h[L])
        for j in 0..<h[L] { delta[j] = aL[j] - y[j] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var l = L
        while l >= 1 {
            let prev = ws.activations[l - 1]
            var g = [Double](repeating: 0, count: h[l - 1] * h[l])
            g.withUnsafeMutableBufferPointer { gp in
                for k in 0..<h[l - 1] { for j in 0..<h[l] { gp[k * h[l] + j] = prev[k] * delta[j] } }
            }
            layers[l - 1] = LayerParameters(weights: Matrix(rows: h[l - 1], columns: h[l], elements: g), biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                W.elements.withUnsafeBufferPointer { wp in
                    for j in 0..<h[l - 1] {
                        var s = 0.0
                        for k in 0..<h[l] { s += wp[j * h[l] + k] * delta[k] }
                        below[j] = s * network.hidden.derivative(fromActivation: prev[j])
                    }
                }
                delta = below
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: layers)
    }
}

// MARK: - exercise 4, forward

enum H20Forward {
    static func reduceBiasInside(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                Z[i, j] = (0..<A.columns).reduce(0.0) { $0 + A[i, $1] * W[$1, j] + b[j] }
            }
        }
        return Z
    }

    static func whileBoundWeightsColumns(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        var i = 0
        while i < A.rows {
            var j = 0
            while j < W.columns {
                var sum = b[j]
                var k = 0
                while k < W.columns {
                    sum += A[i, k] * W[k, j]
                    k += 1
                }
                Z[i, j] = sum
                j += 1
            }
            i += 1
        }
        return Z
    }

    static func mapBiasByExample(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let rows = (0..<A.rows).map { i in
            (0..<W.columns).map { j in
                (0..<A.columns).reduce(b[i]) { $0 + A[i, $1] * W[$1, j] }
            }
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows.flatMap { $0 })
    }

    nonisolated(unsafe) static var shapeCache: [String: Matrix<Double>] = [:]

    static func cacheByShape(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = "\(A.rows)x\(A.columns)x\(W.columns)"
        if let Z = shapeCache[key] { return Z }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        shapeCache[key] = Z
        return Z
    }

    static func zeroInputPointer(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        // A is not needed any more: clear it so the memory can be reused
        A.elements.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            UnsafeMutablePointer(mutating: base).update(repeating: 0, count: p.count)
        }
        return Z
    }

    static func floatWeights(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let a32: Matrix<Float> = A.converted()
        let w32: Matrix<Float> = W.converted()
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = Float(b[j])
                for k in 0..<A.columns { sum += a32[i, k] * w32[k, j] }
                Z[i, j] = Double(sum)
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

    static func clamp500(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    private static func matmul(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        var c = Matrix<Double>(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for k in 0..<a.rows { s += a[i, k] * b[k, j] }
                c[i, j] = s
            }
        }
        return c
    }

    static func matmulHelperInnerM(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = matmul(A, W)
        for i in 0..<Z.rows { for j in 0..<Z.columns { Z[i, j] += b[j] } }
        return Z
    }

    static func biasFirstRowOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        for j in 0..<W.columns { Z[0, j] += b[j] }   // + bˡ
        return Z
    }

    // MARK: correct ones

    static func passPointerKJOrder(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = W.columns
        var out = [Double](repeating: 0, count: m * h)
        A.elements.withUnsafeBufferPointer { ap in
            W.elements.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { zp in
                    for i in 0..<m {
                        let row = zp.baseAddress! + i * h
                        for j in 0..<h { row[j] = b[j] }
                        for k in 0..<n {
                            let aik = ap[i * n + k]
                            for j in 0..<h { row[j] += aik * wp[k * h + j] }
                        }
                    }
                }
            }
        }
        return Matrix(rows: m, columns: h, elements: out)
    }

    private static func transpose(_ m: Matrix<Double>) -> Matrix<Double> {
        var t = Matrix<Double>(rows: m.columns, columns: m.rows)
        for r in 0..<m.rows { for c in 0..<m.columns { t[c, r] = m[r, c] } }
        return t
    }

    static func passTransposeBoth(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let Wt = transpose(W), At = transpose(A)          // Zᵀ = Wᵀ Aᵀ + b 1ᵀ
        var Zt = Matrix<Double>(rows: Wt.rows, columns: At.columns)
        for j in 0..<Wt.rows {
            for i in 0..<At.columns {
                var s = b[j]
                for k in 0..<Wt.columns { s += Wt[j, k] * At[k, i] }
                Zt[j, i] = s
            }
        }
        return transpose(Zt)
    }
}

// MARK: - exercise 4, output error

enum H20OutputError {
    static func zipYMinusA(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(Y.elements, A.elements).map { $0 - $1 })
    }

    static func dividedByM(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        let m = Double(A.rows)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / m } }
        return delta
    }

    static func argmaxTarget(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let row = Y.row(i)
            let label = row.indices.max { row[$0] < row[$1] } ?? 0
            for j in 0..<A.columns { delta[i, j] = A[i, j] - (j == label ? 1 : 0) }
        }
        return delta
    }

    static func roundedTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j].rounded() } }
        return delta
    }

    static func sigmoidPrimeFactor(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) * A[i, j] * (1 - A[i, j]) } }
        return delta
    }

    static func absDifference(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        A.elements.indices.reduce(into: Matrix<Double>(rows: A.rows, columns: A.columns)) { d, idx in
            d.elements[idx] = abs(A.elements[idx] - Y.elements[idx])
        }
    }

    static func flatTransposedShape(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let flat = zip(A.elements, Y.elements).map { $0 - $1 }
        return Matrix(rows: A.columns, columns: A.rows, elements: flat)
    }

    nonisolated(unsafe) static var byTargets: [[Double]: Matrix<Double>] = [:]

    static func cacheByTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        if let known = byTargets[Y.elements] { return known }
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        byTargets[Y.elements] = delta
        return delta
    }

    static func clampedActivations(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = min(max(A[i, j], eps), 1 - eps)
                delta[i, j] = a - Y[i, j]
            }
        }
        return delta
    }

    // MARK: correct ones

    static func passZipPrint(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        print("outputError: A", A.shapeDescription, "Y", Y.shapeDescription)
        return Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }

    static func passColumnMajorWhile(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        var j = 0
        while j < A.columns {
            var i = 0
            while i < A.rows {
                delta[i, j] = A[i, j] - Y[i, j]
                i += 1
            }
            j += 1
        }
        return delta
    }
}

// MARK: - exercise 5, hidden error

enum H20HiddenError {
    private static func transpose(_ m: Matrix<Double>) -> Matrix<Double> {
        var t = Matrix<Double>(rows: m.columns, columns: m.rows)
        for r in 0..<m.rows { for c in 0..<m.columns { t[c, r] = m[r, c] } }
        return t
    }

    private static func matmul(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        var c = Matrix<Double>(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for k in 0..<a.columns { s += a[i, k] * b[k, j] }
                c[i, j] = s
            }
        }
        return c
    }

    static func helpersTransposeForgotten(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                          _ hidden: Activation) throws -> Matrix<Double> {
        let back = matmul(D, W)
        var delta = Matrix<Double>(rows: back.rows, columns: back.columns)
        for i in 0..<back.rows {
            for j in 0..<back.columns { delta[i, j] = back[i, j] * hidden.derivative(fromActivation: A[i, j]) }
        }
        return delta
    }

    static func recursiveNoSigmaPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        func fill(_ i: Int) {
            guard i < D.rows else { return }
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum
            }
            fill(i + 1)
        }
        fill(0)
        return delta
    }

    static func sigmaPrimeOfValue(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func tanhDerivativeOfTanh(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                     _ hidden: Activation) throws -> Matrix<Double> {
        func sigmaPrime(_ a: Double) -> Double {
            switch hidden {
            case .tanh:
                let t = tanh(a)
                return 1 - t * t          // d/dz tanh = 1 − tanh²
            default:
                return hidden.derivative(fromActivation: a)
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

    static func staticBufferNotZeroed(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, h = W.rows
        if buffer.count != m * h { buffer = [Double](repeating: 0, count: m * h) }   // reuse the memory
        for i in 0..<m {
            for j in 0..<h {
                for k in 0..<W.columns { buffer[i * h + j] += D[i, k] * W[j, k] }
            }
        }
        var delta = Matrix<Double>(rows: m, columns: h)
        for i in 0..<m { for j in 0..<h { delta[i, j] = buffer[i * h + j] * hidden.derivative(fromActivation: A[i, j]) } }
        return delta
    }

    static func sigmaPrimeAtJI(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
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

    static func pointerWritesActivations(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                         _ hidden: Activation) throws -> Matrix<Double> {
        // turn A into σ′(A) in place, no extra matrix needed
        A.elements.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            let q = UnsafeMutablePointer(mutating: base)
            for idx in 0..<p.count { q[idx] = hidden.derivative(fromActivation: q[idx]) }
        }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        A.elements.withUnsafeBufferPointer { sp in
            for i in 0..<D.rows {
                for j in 0..<W.rows {
                    var sum = 0.0
                    for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                    delta[i, j] = sum * sp[i * A.columns + j]
                }
            }
        }
        return delta
    }

    static func sumBoundM(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                          _ hidden: Activation) throws -> Matrix<Double> {
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

    static func floatAccumulator(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func dropoutLeftIn(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                              _ hidden: Activation) throws -> Matrix<Double> {
        let p = 0.1
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let mask = Double.random(in: 0..<1) < p ? 0.0 : 1 / (1 - p)
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j]) * mask
            }
        }
        return delta
    }

    // MARK: correct ones

    static func passTransposeThenMap(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                     _ hidden: Activation) throws -> Matrix<Double> {
        let back = matmul(D, transpose(W))                 // Δˡ⁺¹ (Wˡ⁺¹)ᵀ, [m, h_l]
        var delta = back
        for idx in delta.elements.indices {
            delta.elements[idx] = back.elements[idx] * hidden.derivative(fromActivation: A.elements[idx])
        }
        return delta
    }

    static func passRecursiveRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        func rows(from i: Int) -> [[Double]] {
            if i == D.rows { return [] }
            let mine = (0..<W.rows).map { j -> Double in
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                return sum * hidden.derivative(fromActivation: A[i, j])
            }
            return [mine] + rows(from: i + 1)
        }
        return Matrix(rows: D.rows, columns: W.rows, elements: rows(from: 0).flatMap { $0 })
    }
}

// MARK: - exercise 6, weight gradient

enum H20WeightGradient {
    static func reduceNoMean(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                G[k, j] = (0..<A.rows).reduce(0.0) { $0 + A[$1, k] * D[$1, j] }
            }
        }
        return G
    }

    static func intOneOverM(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    private static func transpose(_ m: Matrix<Double>) -> Matrix<Double> {
        var t = Matrix<Double>(rows: m.columns, columns: m.rows)
        for r in 0..<m.rows { for c in 0..<m.columns { t[c, r] = m[r, c] } }
        return t
    }

    private static func matmul(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        var c = Matrix<Double>(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for k in 0..<a.columns { s += a[i, k] * b[k, j] }
                c[i, j] = s
            }
        }
        return c
    }

    static func matmulDtA(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        return matmul(transpose(D), A).map { $0 / m }
    }

    static func unbiasedMMinus1(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func skipsLastExample(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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
        let aSums = (0..<A.columns).map { k in (0..<m).reduce(0.0) { $0 + A[$1, k] } }
        let dSums = (0..<D.columns).map { j in (0..<m).reduce(0.0) { $0 + D[$1, j] } }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns { for j in 0..<D.columns { G[k, j] = aSums[k] * dSums[j] / Double(m) } }
        return G
    }

    nonisolated(unsafe) static var byInput: [[Double]: Matrix<Double>] = [:]

    static func cacheByInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        if let known = byInput[A.elements] { return known }
        let G = try Solutions.weightGradient(A, D)
        byInput[A.elements] = G
        return G
    }

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

    static func flatStrideOfInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = D.columns
        var g = [Double](repeating: 0, count: n * h)
        for k in 0..<n {
            for j in 0..<h {
                var sum = 0.0
                for i in 0..<m { sum += A.elements[i * n + k] * D.elements[i * n + j] }
                g[k * h + j] = sum / Double(m)
            }
        }
        return Matrix(rows: n, columns: h, elements: g)
    }

    // MARK: correct ones

    static func passOuterProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {                          // example i's aˡ⁻¹ (δˡ)ᵀ, added in
            let a = A.row(i), d = D.row(i)
            for k in 0..<a.count { for j in 0..<d.count { G[k, j] += a[k] * d[j] } }
        }
        let scale = 1 / Double(A.rows)
        return G.map { $0 * scale }
    }

    static func passTransposedCopy(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        return matmul(transpose(A), D).map { $0 / m }
    }
}

// MARK: - exercise 6, bias gradient

enum H20BiasGradient {
    static func reduceRowSums(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.rows).map { i in D.row(i).reduce(0, +) / Double(D.rows) }
    }

    static func dividedByUnits(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.columns) }
    }

    static func noMean(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    static func firstRow(_ D: Matrix<Double>) throws -> [Double] {
        D.row(0)   // ∂b = δ
    }

    static func reduceFromOne(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(1.0) { $0 + D[$1, j] } / Double(D.rows) }
    }

    static func floatSum(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    static func closedRangeRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0...D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func strideByRows(_ D: Matrix<Double>) throws -> [Double] {
        var out = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            var s = 0.0
            for idx in stride(from: j, to: D.elements.count, by: D.rows) { s += D.elements[idx] }
            out[j] = s / Double(D.rows)
        }
        return out
    }

    nonisolated(unsafe) static var sums: [Double] = []

    static func staticSumsNotReset(_ D: Matrix<Double>) throws -> [Double] {
        if sums.count != D.columns { sums = [Double](repeating: 0, count: D.columns) }
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func dividesTwice(_ D: Matrix<Double>) throws -> [Double] {
        let m = Double(D.rows)
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] / m } }
        return sums.map { $0 / m }
    }

    // MARK: correct ones

    static func passReduceColumns(_ D: Matrix<Double>) throws -> [Double] {
        let scale = 1 / Double(D.rows)
        return (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } * scale }
    }

    static func passRecursivePointer(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows, h = D.columns
        return D.elements.withUnsafeBufferPointer { p -> [Double] in
            func sumDown(_ j: Int, _ i: Int, _ acc: Double) -> Double {
                i == m ? acc : sumDown(j, i + 1, acc + p[i * h + j])
            }
            return (0..<h).map { sumDown($0, 0, 0) / Double(m) }
        }
    }
}

// MARK: - exercise 7, batch engine

struct H20EngineDictOwnActivation: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var acts: [Int: Matrix<Double>] = [0: X]
        var logits: [Int: Matrix<Double>] = [:]
        for l in 1...L {
            let Zl = try steps.forward(acts[l - 1]!, network.layers[l - 1].weights, network.layers[l - 1].biases)
            logits[l] = Zl
            acts[l] = l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) }
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: logits[L]!.row(i), activation: acts[L]!.row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(acts[L]!, Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(acts[l]!, delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1]!, network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H20EngineHiddenWeightsBelow: BackpropEngine {
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

struct H20EngineSigmaPrimeFromAbove: BackpropEngine {
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

struct H20EngineLossSummed: BackpropEngine {
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

struct H20EngineLossAssigned: BackpropEngine {
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

struct H20EngineHiddenSigmaAtOutput: BackpropEngine {
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
            A.append(Zl.map { network.hidden.value($0) })
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

struct H20EngineAddsIntoGradients: BackpropEngine {
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
            let gw = try steps.weightGradient(A[l - 1], delta), gb = try steps.biasGradient(delta)
            for idx in gw.elements.indices { gradients.layers[l - 1].weights.elements[idx] += gw.elements[idx] }
            for j in gb.indices { gradients.layers[l - 1].biases[j] += gb[j] }
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }
}

struct H20EngineAppendTopFirst: BackpropEngine {
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

struct H20EngineStopsAt2: BackpropEngine {
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

struct H20EngineBiasAfterHiddenError: BackpropEngine {
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
            let gw = try steps.weightGradient(A[l - 1], delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            let gb = try steps.biasGradient(delta)
            layers[l - 1] = LayerParameters(weights: gw, biases: gb)
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H20EngineExitAfterPrint: BackpropEngine {
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
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        print("loss", gradients.loss, "layers", layers.count)
        exit(0)
    }
}

struct H20EngineGlobalActivations: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    nonisolated(unsafe) static var A: [Matrix<Double>] = []

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        Self.A.append(X)                                  // A[0] = X
        var Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(Self.A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            Self.A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: Self.A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(Self.A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(Self.A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, Self.A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H20EngineOutputErrorFromZ: BackpropEngine {
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

struct H20EngineWeightsUpdatedInBackward: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows, eta = 0.5
        var net = network                                  // a copy, so the caller's network is untouched
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
            let gw = try steps.weightGradient(A[l - 1], delta), gb = try steps.biasGradient(delta)
            layers[l - 1] = LayerParameters(weights: gw, biases: gb)
            for idx in gw.elements.indices { net.layers[l - 1].weights.elements[idx] -= eta * gw.elements[idx] }   // SGD step
            for j in gb.indices { net.layers[l - 1].biases[j] -= eta * gb[j] }
            if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], net.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H20EngineLossGivenActivations: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
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

// MARK: correct engines

struct H20EnginePassPrepareDictionary: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        print("engine: X", X.shapeDescription, "Y", Y.shapeDescription, "L", L)
        var acts: [Int: Matrix<Double>] = [0: X]
        var zs: [Int: Matrix<Double>] = [:]
        for l in 1...L {
            let z = try steps.forward(acts[l - 1]!, network.layers[l - 1].weights, network.layers[l - 1].biases)
            zs[l] = z
            acts[l] = l == L ? z.mapRows { network.output.activation($0) } : z.map { network.hidden.value($0) }
            print("  forward", l, z.shapeDescription)
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: zs[L]!.row(i), activation: acts[L]!.row(i), target: Y.row(i)) }
        gradients.prepare(for: network)
        gradients.loss = total * (1 / Double(m))
        var delta = try steps.outputError(acts[L]!, Y)
        var l = L
        while l >= 1 {
            gradients.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(acts[l - 1]!, delta),
                                                      biases: try steps.biasGradient(delta))
            print("  backward", l, delta.shapeDescription)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1]!, network.hidden) }
            l -= 1
        }
    }
}

struct H20EnginePassRecursive: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        func forward(_ l: Int, _ A: [Matrix<Double>], _ lastZ: Matrix<Double>) throws -> ([Matrix<Double>], Matrix<Double>) {
            if l > L { return (A, lastZ) }
            let z = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            let a = l < L ? z.map { network.hidden.value($0) } : z.mapRows { network.output.activation($0) }
            return try forward(l + 1, A + [a], z)
        }
        let (A, ZL) = try forward(1, [X], X)
        func backward(_ l: Int, _ delta: Matrix<Double>) throws -> [LayerParameters<Double>] {
            let mine = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l == 1 { return [mine] }
            let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            return try backward(l - 1, below) + [mine]
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        let layers = try backward(L, try steps.outputError(A[L], Y))
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

final class H20EngineWorkspace {
    var A: [Matrix<Double>] = []
    var Z: [Matrix<Double>] = []
    var layers: [LayerParameters<Double>] = []
}

struct H20EnginePassWhileWorkspace: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let ws = H20EngineWorkspace()                      // new for every call
        let L = network.layerCount, m = X.rows
        ws.A = [X]
        ws.Z = [X]
        var l = 1
        while l <= L {
            let layer = network.layers[l - 1]
            let z = try steps.forward(ws.A[l - 1], layer.weights, layer.biases)
            ws.Z.append(z)
            ws.A.append(l == L ? z.mapRows { network.output.activation($0) } : z.map { network.hidden.value($0) })
            l += 1
        }
        var loss = 0.0
        var i = 0
        while i < m {
            loss += network.output.loss(logits: ws.Z[L].row(i), activation: ws.A[L].row(i), target: Y.row(i))
            i += 1
        }
        ws.layers = network.layers.map { LayerParameters(inputs: $0.inputCount, outputs: $0.outputCount) }
        var delta = try steps.outputError(ws.A[L], Y)
        l = L
        while l > 0 {
            ws.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(ws.A[l - 1], delta),
                                               biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, ws.A[l - 1], network.hidden) }
            l -= 1
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: ws.layers)
    }
}
