import Backprop
import BackpropExercises
import Foundation

/// Held-out catalogue 7: a class's hand-ins, written from the course pages (exercises 3 to 7) and Solutions.swift
/// only. Every wrong hand-in has one slip, in one step; all its other steps are Solutions'. The "pass" hand-ins are
/// right, written in unusual ways.
public struct HeldOut7Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is, or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h7(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut7Submission {
    HeldOut7Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h7sub(
    oneExample: @escaping @Sendable (Network<Double>, [Double], [Double]) throws -> Gradients<Double> = Solutions.oneExample,
    forward: @escaping @Sendable (Matrix<Double>, Matrix<Double>, [Double]) throws -> Matrix<Double> = Solutions.forward,
    outputError: @escaping @Sendable (Matrix<Double>, Matrix<Double>) throws -> Matrix<Double> = Solutions.outputError,
    hiddenError: @escaping @Sendable (Matrix<Double>, Matrix<Double>, Matrix<Double>, Activation) throws -> Matrix<Double>
        = Solutions.hiddenError,
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

public enum HeldOut7Catalogue {
    public static let all: [HeldOut7Submission] = oneExample + forward + outputError + hiddenError + weightGradient
        + biasGradient + engine + passing

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }

    // MARK: Exercise 3, one example

    static let oneExample: [HeldOut7Submission] = [
        h7("h7-oe-loss-from-probabilities",
           "one example",
           "The loss is written by hand as −Σ y log aᴸ (plus the (1 − y) log(1 − aᴸ) terms for a sigmoid output) from the activations instead of network.output.loss on the logits zᴸ, so it becomes infinite or NaN where aᴸ rounds to exactly 0 or 1 (logits in the hundreds).",
           h7sub(oneExample: H7OneExample.lossFromProbabilities)),
        h7("h7-oe-sigma-prime-layer-above",
           "one example",
           "In the hidden error δˡ⁻¹ the σ′ is taken from aˡ[j], the activation of the layer above, instead of aˡ⁻¹[j], the layer whose error is being computed.",
           h7sub(oneExample: H7OneExample.sigmaPrimeLayerAbove)),
        h7("h7-oe-propagate-before-gradient",
           "one example",
           "In the backward loop δ is propagated to the layer below before it is used for the layer's own ∂W and ∂b, so every layer above layer 1 gets gradients built from the δ of the layer below it.",
           h7sub(oneExample: H7OneExample.propagateBeforeGradient)),
        h7("h7-oe-sigmoid-prime-hardcoded",
           "one example",
           "σ′ is hard-coded as the sigmoid's a(1 − a) instead of network.hidden.derivative(fromActivation:), so the hidden errors are wrong for tanh and ReLU hidden layers.",
           h7sub(oneExample: H7OneExample.sigmoidPrimeHardcoded)),
        h7("h7-oe-forward-bound-h-l",
           "one example",
           "The forward sum over the inputs k runs to h[l] (the layer's own width) instead of h[l − 1], so it drops inputs when the layer is narrower than its input and runs past Wˡ when it is wider.",
           h7sub(oneExample: H7OneExample.forwardBoundOwnWidth)),
        h7("h7-oe-cache-by-sizes",
           "one example",
           "The gradients are cached in a global dictionary keyed by network.sizes, so every later call on a network of the same shape returns the first example's gradients whatever x, y and the weights are.",
           h7sub(oneExample: H7OneExample.cacheBySizes)),
        h7("h7-oe-divided-by-inputs",
           "one example",
           "Every ∂Wˡ and ∂bˡ of the single example is divided by x.count (the number of input features, as if it were m), but one example's gradients take no 1/m.",
           h7sub(oneExample: H7OneExample.dividedByInputs)),
        h7("h7-oe-output-error-sign",
           "one example",
           "The output error is written y − aᴸ instead of aᴸ − y, so every δ and every gradient has the wrong sign.",
           h7sub(oneExample: H7OneExample.outputErrorSign)),
        h7("h7-oe-recursion-never-ends",
           "one example",
           "The recursive forward pass calls itself with the same layer l instead of l − 1, so it never reaches its base case at layer 0 and the recursion never ends (stack overflow).",
           h7sub(oneExample: H7OneExample.recursionNeverEnds)),
        h7("h7-oe-x-for-every-layer",
           "one example",
           "∂Wˡ is built as x (δˡ)ᵀ for every layer instead of aˡ⁻¹ (δˡ)ᵀ: only layer 1's input is x, the other layers need the previous layer's activations.",
           h7sub(oneExample: H7OneExample.xForEveryLayer)),
    ]

    // MARK: Exercise 4, forward

    static let forward: [HeldOut7Submission] = [
        h7("h7-fw-bias-twice",
           "forward",
           "The bias is added twice: the sum starts from b[j] and b[j] is added again when Z[i, j] is stored.",
           h7sub(forward: H7Forward.biasTwice)),
        h7("h7-fw-units-bound-input",
           "forward",
           "The loop over the units j runs to input.columns (h_{l−1}) instead of weights.columns (h_l): columns are left at 0 when the layer is wider than its input, and it runs past Z when it is narrower.",
           h7sub(forward: H7Forward.unitsBoundInput)),
        h7("h7-fw-early-return",
           "forward",
           "The return statement sits inside the loop over the examples, so only row 0 of Z is computed and the other rows stay 0.",
           h7sub(forward: H7Forward.earlyReturn)),
        h7("h7-fw-k-from-one",
           "forward",
           "The sum over the inputs starts at k = 1 (a one-based habit) instead of k = 0, so the first input's term A[i, 0] W[0, j] is left out.",
           h7sub(forward: H7Forward.kFromOne)),
        h7("h7-fw-input-index-swapped",
           "forward",
           "The input is read as A[k, i] instead of A[i, k] (example and unit indices swapped).",
           h7sub(forward: H7Forward.inputIndexSwapped)),
        h7("h7-fw-float-sum",
           "forward",
           "The sum over k is accumulated in Float instead of Double, so Z is only accurate to about 7 digits.",
           h7sub(forward: H7Forward.floatSum)),
        h7("h7-fw-sum-reset-per-row",
           "forward",
           "The running sum is reset once per example (row) but not for each unit j, so Z[i, j] also contains the sums of the columns before j.",
           h7sub(forward: H7Forward.sumResetPerRow)),
        h7("h7-fw-bias-first-row-only",
           "forward",
           "The bias is added to row 0 (example 0) only instead of being broadcast to every row (1ₘ bᵀ).",
           h7sub(forward: H7Forward.biasFirstRowOnly)),
        h7("h7-fw-sigmoid-applied",
           "forward",
           "The forward step applies the sigmoid 1/(1 + e^−z) to its result; it must return the pre-activation Zˡ, the engine applies σ afterwards.",
           h7sub(forward: H7Forward.sigmoidApplied)),
        h7("h7-fw-weights-transposed",
           "forward",
           "The weights are read as W[j, k] instead of W[k, j] (Wˡ transposed), which is wrong on square layers and runs past Wˡ on the others.",
           h7sub(forward: H7Forward.weightsTransposed)),
    ]

    // MARK: Exercise 4, output error

    static let outputError: [HeldOut7Submission] = [
        h7("h7-oerr-activation-transposed",
           "output error",
           "The activations are read as A[j, i] instead of A[i, j] (Aᴸ transposed) in Δᴸ = Aᴸ − Y.",
           h7sub(outputError: H7OutputError.activationTransposed)),
        h7("h7-oerr-divided-by-classes",
           "output error",
           "Δᴸ is divided by the number of classes c (output.columns); the output error is Aᴸ − Y with no scaling at all.",
           h7sub(outputError: H7OutputError.dividedByClasses)),
        h7("h7-oerr-extra-sigma-prime",
           "output error",
           "Δᴸ is multiplied by Aᴸ(1 − Aᴸ), an extra σ′ at the output, which cancels for cross-entropy with a sigmoid or softmax output.",
           h7sub(outputError: H7OutputError.extraSigmaPrime)),
        h7("h7-oerr-times-two",
           "output error",
           "Δᴸ is written 2(Aᴸ − Y), the derivative of a squared error without the ½, instead of Aᴸ − Y.",
           h7sub(outputError: H7OutputError.timesTwo)),
        h7("h7-oerr-derivative-wrt-activation",
           "output error",
           "Δᴸ is computed as ∂ℓ/∂aᴸ = −Y/Aᴸ (the chain rule stopped at the activation) instead of ∂ℓ/∂zᴸ = Aᴸ − Y; it is also infinite or NaN where Aᴸ is 0.",
           h7sub(outputError: H7OutputError.derivativeWrtActivation)),
        h7("h7-oerr-target-column-only",
           "output error",
           "Only the target's own column gets Aᴸ − Y; every other column is set to 0 instead of Aᴸ[i, j] − 0.",
           h7sub(outputError: H7OutputError.targetColumnOnly)),
        h7("h7-oerr-last-row-skipped",
           "output error",
           "The loop over the examples runs to output.rows − 1, so the last example's row of Δᴸ is left at 0.",
           h7sub(outputError: H7OutputError.lastRowSkipped)),
        h7("h7-oerr-float",
           "output error",
           "The subtraction is done in Float (Float(A) − Float(Y)), so Δᴸ loses everything past about 7 digits.",
           h7sub(outputError: H7OutputError.float)),
        h7("h7-oerr-writes-targets",
           "output error",
           "Aᴸ − Y is computed in place in the caller's Y through an unsafe pointer: the returned Δᴸ is right but the targets are overwritten.",
           h7sub(outputError: H7OutputError.writesTargets)),
        h7("h7-oerr-clipped",
           "output error",
           "Aᴸ is clipped to [1e-7, 1 − 1e-7] before the subtraction (a log-loss habit), which changes Δᴸ wherever the outputs saturate (large logits).",
           h7sub(outputError: H7OutputError.clipped)),
    ]

    // MARK: Exercise 5, hidden error

    static let hiddenError: [HeldOut7Submission] = [
        h7("h7-he-weights-not-transposed",
           "hidden error",
           "The sum reads W[k, j] instead of W[j, k], that is Δˡ⁺¹ Wˡ⁺¹ instead of Δˡ⁺¹ (Wˡ⁺¹)ᵀ (the transpose forgotten).",
           h7sub(hiddenError: H7HiddenError.weightsNotTransposed)),
        h7("h7-he-sigma-prime-index-k",
           "hidden error",
           "σ′ is multiplied inside the sum and read at Aˡ[i, k] (the index of the unit above) instead of once, after the sum, at Aˡ[i, j].",
           h7sub(hiddenError: H7HiddenError.sigmaPrimeIndexK)),
        h7("h7-he-tanh-prime-hardcoded",
           "hidden error",
           "σ′ is hard-coded as tanh's 1 − a² instead of hidden.derivative(fromActivation:), so it is wrong for sigmoid and ReLU hidden layers.",
           h7sub(hiddenError: H7HiddenError.tanhPrimeHardcoded)),
        h7("h7-he-sum-bound-rows",
           "hidden error",
           "The sum over the units k of the layer above runs to weightsAbove.rows (h_l) instead of weightsAbove.columns (h_{l+1}).",
           h7sub(hiddenError: H7HiddenError.sumBoundRows)),
        h7("h7-he-width-of-layer-above",
           "hidden error",
           "Δˡ is allocated and filled with deltaAbove's width h_{l+1} instead of h_l (weightsAbove.rows), so it has the shape of Δˡ⁺¹.",
           h7sub(hiddenError: H7HiddenError.widthOfLayerAbove)),
        h7("h7-he-while-never-advances",
           "hidden error",
           "The sum over k is a while loop whose index k is never incremented, so the step never finishes.",
           h7sub(hiddenError: H7HiddenError.whileNeverAdvances)),
        h7("h7-he-float-sum",
           "hidden error",
           "The sum over k is accumulated in Float instead of Double, so Δˡ is only accurate to about 7 digits.",
           h7sub(hiddenError: H7HiddenError.floatSum)),
        h7("h7-he-delta-index-swapped",
           "hidden error",
           "Δˡ⁺¹ is read as D[k, i] instead of D[i, k] (example and unit indices swapped).",
           h7sub(hiddenError: H7HiddenError.deltaIndexSwapped)),
        h7("h7-he-cache-by-weights",
           "hidden error",
           "Results are cached in a global dictionary keyed on the weights Wˡ⁺¹ alone, so a later call with the same weights but another batch (another Δˡ⁺¹, Aˡ) returns the old Δˡ.",
           h7sub(hiddenError: H7HiddenError.cacheByWeights)),
        h7("h7-he-sigma-instead-of-derivative",
           "hidden error",
           "The sum is multiplied by σ(Aˡ[i, j]) (hidden.value, the activation applied again) instead of σ′ computed from Aˡ[i, j] with hidden.derivative(fromActivation:).",
           h7sub(hiddenError: H7HiddenError.sigmaInsteadOfDerivative)),
    ]

    // MARK: Exercise 6, weight gradient

    static let weightGradient: [HeldOut7Submission] = [
        h7("h7-wg-divided-by-inputs",
           "weight gradient",
           "The sum over the examples is divided by input.columns (h_{l−1}) instead of m = input.rows.",
           h7sub(weightGradient: H7WeightGradient.dividedByInputs)),
        h7("h7-wg-integer-division",
           "weight gradient",
           "The 1/m is computed as Double(1 / m) with an Int m, which is 0 for every m above 1, so the gradient is all zeros except when m = 1.",
           h7sub(weightGradient: H7WeightGradient.integerDivision)),
        h7("h7-wg-delta-times-input-transposed",
           "weight gradient",
           "The product is (Δˡ)ᵀ Aˡ⁻¹ instead of (Aˡ⁻¹)ᵀ Δˡ: element [k, j] sums delta[i, k] · input[i, j], the transpose of the right gradient (and it runs past the matrices when they are not square).",
           h7sub(weightGradient: H7WeightGradient.deltaTimesInputTransposed)),
        h7("h7-wg-scales-delta-in-place",
           "weight gradient",
           "Δˡ is scaled by 1/m in place through an unsafe pointer before the sum: ∂Wˡ comes out right but the caller's Δˡ, still needed for the hidden error, is overwritten.",
           h7sub(weightGradient: H7WeightGradient.scalesDeltaInPlace)),
        h7("h7-wg-skips-first-example",
           "weight gradient",
           "The sum over the examples starts at i = 1, so example 0 is left out (and m = 1 gives zeros).",
           h7sub(weightGradient: H7WeightGradient.skipsFirstExample)),
        h7("h7-wg-examples-bound-columns",
           "weight gradient",
           "The sum over the examples i runs to input.columns (h_{l−1}) instead of input.rows (m).",
           h7sub(weightGradient: H7WeightGradient.examplesBoundColumns)),
        h7("h7-wg-one-over-m-twice",
           "weight gradient",
           "The 1/m is applied twice: each term is divided by m inside the sum and the sum is divided by m again.",
           h7sub(weightGradient: H7WeightGradient.oneOverMTwice)),
        h7("h7-wg-m-minus-one",
           "weight gradient",
           "The sum is divided by m − 1 (a sample-variance habit) instead of m; with m = 1 that is a division by zero (infinite or NaN gradients).",
           h7sub(weightGradient: H7WeightGradient.mMinusOne)),
        h7("h7-wg-buffer-kept",
           "weight gradient",
           "The result matrix is kept in a global and reused when the shape matches, without being zeroed, so each call adds its gradient onto the previous call's.",
           h7sub(weightGradient: H7WeightGradient.bufferKept)),
        h7("h7-wg-assign-not-add",
           "weight gradient",
           "The sum over the examples is written sum = … instead of sum += …, so only the last example counts.",
           h7sub(weightGradient: H7WeightGradient.assignNotAdd)),
    ]

    // MARK: Exercise 6, bias gradient

    static let biasGradient: [HeldOut7Submission] = [
        h7("h7-bg-row-sums",
           "bias gradient",
           "∂b sums each example's row (over the units, np.sum(Δ, axis=1)) and returns m numbers, instead of summing down each column over the examples.",
           h7sub(biasGradient: H7BiasGradient.rowSums)),
        h7("h7-bg-no-one-over-m",
           "bias gradient",
           "The column sums are returned without the 1/m: the bias gradient of the mean loss is (1/m) Σᵢ Δ[i, j].",
           h7sub(biasGradient: H7BiasGradient.noOneOverM)),
        h7("h7-bg-assign-not-add",
           "bias gradient",
           "The column sum is written sums[j] = Δ[i, j] instead of +=, so only the last example's row, divided by m, is returned.",
           h7sub(biasGradient: H7BiasGradient.assignNotAdd)),
        h7("h7-bg-early-return",
           "bias gradient",
           "The return statement sits inside the loop over the examples, so only example 0's row, divided by m, is returned.",
           h7sub(biasGradient: H7BiasGradient.earlyReturn)),
        h7("h7-bg-divided-by-all-elements",
           "bias gradient",
           "The column sums are divided by m · h_l (the number of elements of Δ, a np.mean over everything) instead of by m.",
           h7sub(biasGradient: H7BiasGradient.dividedByAllElements)),
        h7("h7-bg-float",
           "bias gradient",
           "The column sums are accumulated in Float instead of Double, so ∂b is only accurate to about 7 digits.",
           h7sub(biasGradient: H7BiasGradient.float)),
        h7("h7-bg-one-based",
           "bias gradient",
           "The loop over the examples is written one-based, for i in 1...m, so it skips row 0 and runs past the last row of Δ (index out of range).",
           h7sub(biasGradient: H7BiasGradient.oneBased)),
        h7("h7-bg-prepended",
           "bias gradient",
           "Each column's mean is inserted at the front of the array (insert(at: 0)), so ∂b comes out in reverse order of the units.",
           h7sub(biasGradient: H7BiasGradient.prepended)),
        h7("h7-bg-first-row-twice",
           "bias gradient",
           "Each column sum starts from Δ[0, j] and the loop also starts at i = 0, so example 0 is counted twice.",
           h7sub(biasGradient: H7BiasGradient.firstRowTwice)),
        h7("h7-bg-examples-bound-columns",
           "bias gradient",
           "The loop over the examples runs to delta.columns (h_l) instead of delta.rows (m), so it drops examples or runs past the last row.",
           h7sub(biasGradient: H7BiasGradient.examplesBoundColumns)),
    ]

    // MARK: Exercise 7, batch engine

    static let engine: [HeldOut7Submission] = [
        h7("h7-eng-last-hidden-output-activation",
           "batch engine",
           "The forward loop's test is l < L − 1 instead of l < L, so the last hidden layer gets the output activation (softmax or sigmoid) instead of the hidden σ.",
           h7sub(engine: { AnyBackpropEngine(H7EngLastHiddenOutputActivation(steps: $0)) })),
        h7("h7-eng-forward-stops-early",
           "batch engine",
           "The forward loop runs over 1..<L, so the output layer is never computed and A[L], Z[L] are read past the end of the arrays (index out of range).",
           h7sub(engine: { AnyBackpropEngine(H7EngForwardStopsEarly(steps: $0)) })),
        h7("h7-eng-gradients-mirrored",
           "batch engine",
           "Layer l's gradients are stored at layers[L − l] instead of layers[l − 1], so they come out in reverse layer order.",
           h7sub(engine: { AnyBackpropEngine(H7EngGradientsMirrored(steps: $0)) })),
        h7("h7-eng-sigma-prime-from-z",
           "batch engine",
           "The hidden error is handed Zˡ⁻¹ instead of Aˡ⁻¹, so σ′ is computed from the pre-activations instead of the activations.",
           h7sub(engine: { AnyBackpropEngine(H7EngSigmaPrimeFromZ(steps: $0)) })),
        h7("h7-eng-exit-after-print",
           "batch engine",
           "A debugging print of the loss is followed by exit(0), which ends the whole program in the middle of the call.",
           h7sub(engine: { AnyBackpropEngine(H7EngExitAfterPrint(steps: $0)) })),
        h7("h7-eng-recursion-never-ends",
           "batch engine",
           "The recursive backward pass calls itself with the same layer l instead of l − 1, so it never reaches layer 1 and never ends.",
           h7sub(engine: { AnyBackpropEngine(H7EngRecursionNeverEnds(steps: $0)) })),
        h7("h7-eng-cache-by-shape",
           "batch engine",
           "The gradients are cached in a global dictionary keyed by the network's sizes and m, so a later batch of the same shape gets the first batch's loss and gradients.",
           h7sub(engine: { AnyBackpropEngine(H7EngCacheByShape(steps: $0)) })),
        h7("h7-eng-updates-weights",
           "batch engine",
           "Each layer's weights are updated (η = 0.1) inside the backward loop and δ is propagated through the updated Wˡ, so the layers below the top get gradients of weights that moved.",
           h7sub(engine: { AnyBackpropEngine(H7EngUpdatesWeights(steps: $0)) })),
        h7("h7-eng-loss-mean-over-classes",
           "batch engine",
           "The mean loss is the sum of the examples' losses times 1/Y.columns (c, the classes) instead of 1/X.rows (m, the examples).",
           h7sub(engine: { AnyBackpropEngine(H7EngLossMeanOverClasses(steps: $0)) })),
        h7("h7-eng-output-activation-per-element",
           "batch engine",
           "The output activation is applied one element at a time (Z.map { output.activation([$0])[0] }) instead of row by row, so a softmax output becomes all ones.",
           h7sub(engine: { AnyBackpropEngine(H7EngOutputActivationPerElement(steps: $0)) })),
        h7("h7-eng-feeds-pre-activation",
           "batch engine",
           "Each layer is fed the previous layer's pre-activation Zˡ⁻¹ instead of its activation Aˡ⁻¹ (σ is computed but not used going forward).",
           h7sub(engine: { AnyBackpropEngine(H7EngFeedsPreActivation(steps: $0)) })),
        h7("h7-eng-softmax-by-hand",
           "batch engine",
           "The softmax is written by hand as e^z / Σ e^z without subtracting the row's maximum, so it overflows to NaN where the logits are in the hundreds.",
           h7sub(engine: { AnyBackpropEngine(H7EngSoftmaxByHand(steps: $0)) })),
    ]

    // MARK: Correct, written unusually

    static let passing: [HeldOut7Submission] = [
        h7("h7-pass-oe-column-order",
           "pass",
           "Correct: the forward sums accumulate into the whole zˡ column with the units as the inner loop, and ∂W is filled column by column.",
           h7sub(oneExample: H7OneExample.columnOrder)),
        h7("h7-pass-oe-value-cache",
           "pass",
           "Correct: a memo cache keyed on the network, x and y values (all of them), so it only ever returns the answer to the very same question.",
           h7sub(oneExample: H7OneExample.valueCache)),
        h7("h7-pass-fw-fma-chain",
           "pass",
           "Correct: the library's own chain, starting from b[j] and adding each product with addingProduct (one fused multiply-add).",
           h7sub(forward: H7Forward.fmaChain)),
        h7("h7-pass-fw-flat-elements-print",
           "pass",
           "Correct: reads the row-major elements arrays with index arithmetic, and prints the shapes once per call.",
           h7sub(forward: H7Forward.flatElementsPrint)),
        h7("h7-pass-oerr-zip",
           "pass",
           "Correct: Δᴸ built in one line from zip(A.elements, Y.elements).",
           h7sub(outputError: H7OutputError.zipElements)),
        h7("h7-pass-he-transposed-copy",
           "pass",
           "Correct: makes the transposed copy (Wˡ⁺¹)ᵀ with .transposed and reads Wt[k, j].",
           h7sub(hiddenError: H7HiddenError.transposedCopy)),
        h7("h7-pass-he-row-zip",
           "pass",
           "Correct: each sum is a reduce over zip(Δˡ⁺¹.row(i), Wˡ⁺¹.row(j)), then one multiplication by σ′.",
           h7sub(hiddenError: H7HiddenError.rowZip)),
        h7("h7-pass-wg-example-outer",
           "pass",
           "Correct: the loop over the examples is the outer loop, adding each example's outer product into ∂W, then every element is divided by m.",
           h7sub(weightGradient: H7WeightGradient.exampleOuter)),
        h7("h7-pass-bg-reduce",
           "pass",
           "Correct: each column's sum is a reduce over the rows, divided by m.",
           h7sub(biasGradient: H7BiasGradient.reduceColumns)),
        h7("h7-pass-eng-recursive",
           "pass",
           "Correct: the forward and backward passes are written as recursions over the layers.",
           h7sub(engine: { AnyBackpropEngine(H7EngRecursive(steps: $0)) })),
        h7("h7-pass-eng-prepare",
           "pass",
           "Correct: calls gradients.prepare(for:) and then assigns every layer and the loss into it, as the library's engines do.",
           h7sub(engine: { AnyBackpropEngine(H7EngPrepare(steps: $0)) })),
    ]
}

// MARK: - Shared state for the hand-ins that keep some

/// A value behind a lock (the hand-ins that keep state between calls keep it here).
private final class H7Store<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func with<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

// MARK: - Exercise 3

private enum H7OneExample {
    static func lossFromProbabilities(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        // cross-entropy, as in the lecture
        var loss = 0.0
        for j in 0..<h[L] {
            if network.output == .softmaxCrossEntropy {
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

    static func sigmaPrimeLayerAbove(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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

    static func propagateBeforeGradient(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<h[l - 1]).map { j in
                    var sum = 0.0
                    for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                    return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func sigmoidPrimeHardcoded(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
                return sum * (aj * (1 - aj))   // σ′ = a(1 − a)
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
                for i in 0..<h[l] { zl[j] += W[i, j] * a[l - 1][i] }
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

    private static let sizesCache = H7Store<[[Int]: Gradients<Double>]>([:])

    static func cacheBySizes(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        // the same network shape is asked again and again: remember the answer
        if let known = sizesCache.with({ $0[network.sizes] }) { return known }
        let result = try Solutions.oneExample(network, x, y)
        sizesCache.with { $0[network.sizes] = result }
        return result
    }

    static func dividedByInputs(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let m = Double(x.count)
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
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] / m } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta.map { $0 / m })
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

    static func outputErrorSign(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        var delta = (0..<h[L]).map { y[$0] - a[L][$0] }
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

    static func recursionNeverEnds(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        // (activations, pre-activations) of layers 0…l
        func forwardTo(_ l: Int) -> ([[Double]], [[Double]]) {
            if l == 0 { return ([x], [[]]) }
            var (a, z) = forwardTo(l)
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
            return (a, z)
        }
        let (a, z) = forwardTo(L)
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

    static func xForEveryLayer(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = x[i] * delta[j] } }
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

    // Correct, unusual: the forward sums fill the whole column with j as the inner loop; ∂W column by column.
    static func columnOrder(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for k in 0..<h[l - 1] {
                for j in 0..<h[l] { zl[j] += W[k, j] * a[l - 1][k] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = [Double]()
        for j in 0..<h[L] { delta.append(a[L][j] - y[j]) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var l = L
        while l >= 1 {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for j in 0..<h[l] { for k in 0..<h[l - 1] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
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
            l -= 1
        }
        return Gradients(loss: loss, layers: layers)
    }

    private struct Question {
        let network: Network<Double>
        let x: [Double]
        let y: [Double]
        let answer: Gradients<Double>
    }

    private static let memo = H7Store<[Question]>([])

    // Correct, unusual: a memo of the last answers, looked up by every value of the question.
    static func valueCache(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        if let known = memo.with({ questions in questions.first { q in q.network == network && q.x == x && q.y == y } }) {
            return known.answer
        }
        let answer = try columnOrder(network, x, y)
        memo.with {
            $0.append(Question(network: network, x: x, y: y, answer: answer))
            if $0.count > 64 { $0.removeFirst() }
        }
        return answer
    }
}

// MARK: - Exercise 4, forward

private enum H7Forward {
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

    static func unitsBoundInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
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

    static func inputIndexSwapped(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func biasFirstRowOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        // + b
        for j in 0..<W.columns { Z[0, j] += b[j] }
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

    static func weightsTransposed(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[j, k] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // Correct, unusual: exercise 9's chain, one fused multiply-add per term, from b[j].
    static func fmaChain(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    // Correct, unusual: row-major index arithmetic on the elements, with a debugging print.
    static func flatElementsPrint(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        print("forward:", A.shapeDescription, "x", W.shapeDescription, "+", b.count, "biases")
        let m = A.rows, n = A.columns, h = W.columns
        var out = [Double](repeating: 0, count: m * h)
        for i in 0..<m {
            for j in 0..<h {
                var sum = b[j]
                for k in 0..<n { sum += A.elements[i * n + k] * W.elements[k * h + j] }
                out[i * h + j] = sum
            }
        }
        return Matrix(rows: m, columns: h, elements: out)
    }
}

// MARK: - Exercise 4, output error

private enum H7OutputError {
    static func activationTransposed(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[j, i] - Y[i, j] } }
        return delta
    }

    static func dividedByClasses(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        let c = Double(A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / c } }
        return delta
    }

    static func extraSigmaPrime(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) * A[i, j] * (1 - A[i, j]) }
        }
        return delta
    }

    static func timesTwo(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = 2 * (A[i, j] - Y[i, j]) } }
        return delta
    }

    static func derivativeWrtActivation(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        // ℓ = −Σ y log a  ⇒  ∂ℓ/∂a = −y / a
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = -Y[i, j] / A[i, j] } }
        return delta
    }

    static func targetColumnOnly(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns where Y[i, j] == 1 { delta[i, j] = A[i, j] - 1 }
        }
        return delta
    }

    static func lastRowSkipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows - 1 { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func float(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = Double(Float(A[i, j]) - Float(Y[i, j])) }
        }
        return delta
    }

    static func writesTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        // no need for a new matrix: Y is not used after this
        Y.elements.withUnsafeBufferPointer { buffer in
            let y = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for e in 0..<A.elements.count { y[e] = A.elements[e] - y[e] }
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: Array(Y.elements))
    }

    static func clipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        let eps = 1e-7
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = min(max(A[i, j], eps), 1 - eps) - Y[i, j] }
        }
        return delta
    }

    // Correct, unusual: one line over the row-major elements.
    static func zipElements(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }
}

// MARK: - Exercise 5, hidden error

private enum H7HiddenError {
    static func weightsNotTransposed(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func sigmaPrimeIndexK(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func tanhPrimeHardcoded(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * (1 - A[i, j] * A[i, j])
            }
        }
        return delta
    }

    static func sumBoundRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func widthOfLayerAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func whileNeverAdvances(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                var k = 0
                while k < W.columns {
                    sum += D[i, k] * W[j, k]
                }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
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
                for k in 0..<W.columns { sum += Float(D[i, k] * W[j, k]) }
                delta[i, j] = Double(sum) * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func deltaIndexSwapped(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    private static let byWeights = H7Store<[[Double]: Matrix<Double>]>([:])

    static func cacheByWeights(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        // the weights identify the layer: reuse the answer for it
        if let known = byWeights.with({ $0[W.elements] }) { return known }
        let delta = try Solutions.hiddenError(D, W, A, hidden)
        byWeights.with { $0[W.elements] = delta }
        return delta
    }

    static func sigmaInsteadOfDerivative(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                         _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.value(A[i, j])
            }
        }
        return delta
    }

    // Correct, unusual: an explicit transposed copy of Wˡ⁺¹.
    static func transposedCopy(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    // Correct, unusual: each sum is a reduce over two rows zipped together.
    static func rowZip(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                       _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            let d = D.row(i)
            for j in 0..<W.rows {
                let s = zip(d, W.row(j)).reduce(0.0) { $0 + $1.0 * $1.1 }
                delta[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }
}

// MARK: - Exercise 6, weight gradient

private enum H7WeightGradient {
    static func dividedByInputs(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func integerDivision(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func deltaTimesInputTransposed(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += D[i, k] * A[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func scalesDeltaInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        // fold the 1/m into Δ once, instead of once per element of ∂W
        D.elements.withUnsafeBufferPointer { buffer in
            let d = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for e in 0..<buffer.count { d[e] = d[e] / Double(m) }
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

    static func examplesBoundColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func oneOverMTwice(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    private static let buffer = H7Store<Matrix<Double>>(Matrix(rows: 0, columns: 0))

    static func bufferKept(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        return buffer.with { G in
            // allocate only when the shape changes
            if G.rows != A.columns || G.columns != D.columns { G = Matrix(rows: A.columns, columns: D.columns) }
            for k in 0..<A.columns {
                for j in 0..<D.columns {
                    var sum = 0.0
                    for i in 0..<m { sum += A[i, k] * D[i, j] }
                    G[k, j] += sum / Double(m)
                }
            }
            return G
        }
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

    // Correct, unusual: the examples in the outer loop, one outer product each, then / m.
    static func exampleOuter(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<m {
            for k in 0..<A.columns {
                for j in 0..<D.columns { G[k, j] += A[i, k] * D[i, j] }
            }
        }
        return G.map { $0 / Double(m) }
    }
}

// MARK: - Exercise 6, bias gradient

private enum H7BiasGradient {
    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.rows).map { i in D.row(i).reduce(0, +) / Double(D.rows) }
    }

    static func noOneOverM(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    static func assignNotAdd(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] = D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func earlyReturn(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows {
            for j in 0..<D.columns { sums[j] += D[i, j] }
            return sums.map { $0 / Double(D.rows) }
        }
        return sums
    }

    static func dividedByAllElements(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows * D.columns) }
    }

    static func float(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    static func oneBased(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 1...m { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(m) }
    }

    static func prepended(_ D: Matrix<Double>) throws -> [Double] {
        var result = [Double]()
        for j in 0..<D.columns {
            var sum = 0.0
            for i in 0..<D.rows { sum += D[i, j] }
            result.insert(sum / Double(D.rows), at: 0)
        }
        return result
    }

    static func firstRowTwice(_ D: Matrix<Double>) throws -> [Double] {
        var sums = D.row(0)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func examplesBoundColumns(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.columns { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    // Correct, unusual: one reduce per column.
    static func reduceColumns(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } / Double(D.rows) }
    }
}

// MARK: - Exercise 7, batch engine

private struct H7EngLastHiddenOutputActivation: BackpropEngine {
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

private struct H7EngForwardStopsEarly: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1..<L {
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

private struct H7EngGradientsMirrored: BackpropEngine {
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
            layers[L - l] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

private struct H7EngSigmaPrimeFromZ: BackpropEngine {
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
            // σ′(Zˡ⁻¹)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, Z[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

private struct H7EngExitAfterPrint: BackpropEngine {
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
        print("mean loss:", loss / Double(m))
        exit(0)
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

private struct H7EngRecursionNeverEnds: BackpropEngine {
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
            if l > 1 {
                try backward(l, try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden))
            }
        }
        try backward(L, try steps.outputError(A[L], Y))
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

private let h7EngineCache = H7Store<[String: Gradients<Double>]>([:])

private struct H7EngCacheByShape: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let key = "\(network.sizes) m=\(m)"
        if let known = h7EngineCache.with({ $0[key] }) {
            gradients = known
            return
        }
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
        let result = gradients
        h7EngineCache.with { $0[key] = result }
    }
}

private struct H7EngUpdatesWeights: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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
            // gradient descent step: W ← W − η ∂W, b ← b − η ∂b
            net.layers[l - 1].weights.elements = zip(net.layers[l - 1].weights.elements, gW.elements).map { $0 - eta * $1 }
            net.layers[l - 1].biases = zip(net.layers[l - 1].biases, gb).map { $0 - eta * $1 }
            if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], net.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

private struct H7EngLossMeanOverClasses: BackpropEngine {
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
        gradients = Gradients(loss: loss * (1 / Double(Y.columns)), layers: layers)
    }
}

private struct H7EngOutputActivationPerElement: BackpropEngine {
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
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.map { network.output.activation([$0])[0] })
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

private struct H7EngFeedsPreActivation: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(Z[l - 1], layer.weights, layer.biases)
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

private struct H7EngSoftmaxByHand: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        func softmax(_ z: [Double]) -> [Double] {
            let e = z.map { exp($0) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            if l < L {
                A.append(Zl.map { network.hidden.value($0) })
            } else if network.output == .softmaxCrossEntropy {
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

/// Correct, unusual: the forward and the backward pass as recursions over the layers.
private struct H7EngRecursive: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        // A and Z of layers 0…l, from those of layers 0…l−1
        func forward(from l: Int, _ A: [Matrix<Double>], _ Z: [Matrix<Double>]) throws -> ([Matrix<Double>], [Matrix<Double>]) {
            if l > L { return (A, Z) }
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            let Al = l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) }
            return try forward(from: l + 1, A + [Al], Z + [Zl])
        }
        let (A, Z) = try forward(from: 1, [X], [Matrix<Double>(rows: 0, columns: 0)])
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        func backward(_ l: Int, _ delta: Matrix<Double>) throws -> [LayerParameters<Double>] {
            let mine = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l == 1 { return [mine] }
            let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            return try backward(l - 1, below) + [mine]
        }
        let layers = try backward(L, try steps.outputError(A[L], Y))
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// Correct, unusual: fills the caller's storage after prepare(for:), as the library's engines do.
private struct H7EngPrepare: BackpropEngine {
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
        let total = (0..<m).reduce(0.0) { sum, i in
            sum + network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i))
        }
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
            gradients.layers[l - 1].biases = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients.loss = total * (1 / Double(m))
    }
}
