import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 10: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut10Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is, or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h10(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut10Submission {
    HeldOut10Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h10sub(
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

public enum HeldOut10Catalogue {
    public static let all: [HeldOut10Submission] = [
        // MARK: one example (exercise 3)
        h10("h10-oe-loss-over-classes", "one example",
            "The loss ℓ is divided by the number of output units c (a mean over the classes), so ℓ is c times too small while the gradients are right.",
            h10sub(oneExample: H10OneExample.lossOverClasses)),
        h10("h10-oe-sigma-prime-from-layer-above", "one example",
            "In the hidden error δˡ⁻¹ the σ′ is taken from aˡ[j] (the activation of the layer above) instead of aˡ⁻¹[j], the layer's own activation; on non-square layers the index runs past aˡ.",
            h10sub(oneExample: H10OneExample.sigmaPrimeFromLayerAbove)),
        h10("h10-oe-cache-keyed-on-x", "one example",
            "The gradients are cached in a global dictionary keyed on the input x alone, so a call with the same x but another target y or other weights returns the old gradients.",
            h10sub(oneExample: H10OneExample.cacheKeyedOnX)),
        h10("h10-oe-delta-moved-before-gradients", "one example",
            "δ is moved down to δˡ⁻¹ at the top of the backward loop, before ∂Wˡ and ∂bˡ are taken from it, so every layer's gradients use the error of the layer below (and the sizes no longer fit).",
            h10sub(oneExample: H10OneExample.deltaMovedBeforeGradients)),
        h10("h10-oe-softmax-by-hand", "one example",
            "For a softmax output the student writes aᴸ = exp(zⱼ)/Σ exp(zₖ) by hand without subtracting the largest zₖ, which overflows to NaN when the logits are in the hundreds.",
            h10sub(oneExample: H10OneExample.softmaxByHand)),
        h10("h10-oe-float-forward-sum", "one example",
            "The forward sums zˡⱼ = bˡⱼ + Σₖ Wˡ[k, j] aˡ⁻¹ₖ are accumulated in a Float, losing precision far beyond rounding in Double.",
            h10sub(oneExample: H10OneExample.floatForwardSum)),
        h10("h10-oe-no-output-bias", "one example",
            "The bias is added only in the hidden layers: zᴸ of the output layer is computed without bᴸ.",
            h10sub(oneExample: H10OneExample.noOutputBias)),
        h10("h10-oe-weight-decay", "one example",
            "An L2 weight-decay term 0.001·Wˡ is added to ∂Wˡ, which is not part of the gradient of the loss.",
            h10sub(oneExample: H10OneExample.weightDecay)),
        h10("h10-oe-backward-stops-at-2", "one example",
            "The backward loop is stride(from: L, to: 1, by: -1), so layer 1 is never reached and its gradients stay the 1×1 placeholder.",
            h10sub(oneExample: H10OneExample.backwardStopsAt2)),

        // MARK: forward (exercise 4)
        h10("h10-fw-bias-twice", "forward",
            "The sum starts from b[j] and b[j] is added again when Z[i, j] is stored, so every bias counts twice.",
            h10sub(forward: H10Forward.biasTwice)),
        h10("h10-fw-relu-inside", "forward",
            "The forward step clamps Z[i, j] at 0 (a ReLU) before returning, though it must return the pre-activation Zˡ and the engine applies σ.",
            h10sub(forward: H10Forward.reluInside)),
        h10("h10-fw-input-transposed", "forward",
            "The input is read transposed, A[k, i] where A[i, k] belongs; on non-square shapes the index runs past Aˡ⁻¹.",
            h10sub(forward: H10Forward.inputTransposed)),
        h10("h10-fw-sum-from-k1", "forward",
            "The sum over k starts at 1 (1-based habit), so the first input unit's term A[i, 0] W[0, j] is left out.",
            h10sub(forward: H10Forward.sumFromK1)),
        h10("h10-fw-cache-keyed-on-weights", "forward",
            "Zˡ is cached in a global dictionary keyed on the weights Wˡ alone, so a new batch (or new biases) with the same weights gets the old Zˡ.",
            h10sub(forward: H10Forward.cacheKeyedOnWeights)),
        h10("h10-fw-zeroes-input", "forward",
            "After computing Zˡ the step overwrites the caller's input Aˡ⁻¹ with zeros through an unsafe pointer (to 'free' it), although the caller still needs Aˡ⁻¹.",
            h10sub(forward: H10Forward.zeroesInput)),
        h10("h10-fw-float-products", "forward",
            "Each product A[i, k]·W[k, j] is computed in Float and converted back, so Zˡ is only accurate to about 7 digits.",
            h10sub(forward: H10Forward.floatProducts)),
        h10("h10-fw-early-return", "forward",
            "The `return Z` sits inside the loop over the examples, so only row 0 of Zˡ is filled and the other rows stay 0.",
            h10sub(forward: H10Forward.earlyReturn)),
        h10("h10-fw-skip-zero-hangs", "forward",
            "A 'skip zero inputs' optimisation does `continue` before advancing k in a while loop, so the loop never ends as soon as an input is exactly 0 (ReLU layers).",
            h10sub(forward: H10Forward.skipZeroHangs)),
        h10("h10-fw-output-width-from-input", "forward",
            "Zˡ is allocated with input.columns (h_{l−1}) columns and j runs to input.columns instead of weights.columns (h_l): right only on square layers, past Wˡ on the others.",
            h10sub(forward: H10Forward.outputWidthFromInput)),

        // MARK: output error (exercise 4)
        h10("h10-oerr-softmax-again", "output error",
            "A softmax is applied again to each row of Aᴸ (which is already the output activation) before Y is subtracted.",
            h10sub(outputError: H10OutputError.softmaxAgain)),
        h10("h10-oerr-divided-by-classes", "output error",
            "Δᴸ = (Aᴸ − Y) is divided by the number of classes c (output.columns).",
            h10sub(outputError: H10OutputError.dividedByClasses)),
        h10("h10-oerr-squared-error-2x", "output error",
            "The student half-remembers the squared-error derivative and returns 2(Aᴸ − Y), twice the right error.",
            h10sub(outputError: H10OutputError.squaredErrorTwice)),
        h10("h10-oerr-derivative-wrt-a", "output error",
            "It returns ∂ℓ/∂a = (A − Y)/(A(1 − A)) instead of ∂ℓ/∂z = A − Y, which is wrong everywhere and infinite or NaN where A is exactly 0 or 1.",
            h10sub(outputError: H10OutputError.derivativeWithRespectToA)),
        h10("h10-oerr-bounds-swapped", "output error",
            "The loop bounds are swapped (i over output.columns, j over output.rows), so only the square top-left block is right and non-square shapes run past the matrix.",
            h10sub(outputError: H10OutputError.boundsSwapped)),
        h10("h10-oerr-targets-as-class-index", "output error",
            "Coming from PyTorch, the student reads Y[i, 0] as example i's class index and subtracts 1 at that column, instead of subtracting the one-hot row Y[i, :].",
            h10sub(outputError: H10OutputError.targetsAsClassIndex)),
        h10("h10-oerr-stale-buffer", "output error",
            "Δᴸ is accumulated (+=) into a global buffer that is reused, never zeroed, whenever the shape is the same, so later calls add to the earlier answers.",
            h10sub(outputError: H10OutputError.staleBuffer)),
        h10("h10-oerr-clipped", "output error",
            "Aᴸ is clipped to [1e−7, 1 − 1e−7] before subtracting (copied from a log-loss snippet), so Δᴸ is wrong where an output saturates at 0 or 1.",
            h10sub(outputError: H10OutputError.clipped)),
        h10("h10-oerr-exit-after-debugging", "output error",
            "A debugging counter calls exit(0) on the third call, stopping the whole program in the middle of a run.",
            h10sub(outputError: H10OutputError.exitAfterDebugging)),
        h10("h10-oerr-writes-targets", "output error",
            "Δᴸ is computed into the caller's Y through an unsafe pointer (to save an allocation), so the targets are overwritten.",
            h10sub(outputError: H10OutputError.writesTargets)),

        // MARK: hidden error (exercise 5)
        h10("h10-he-sigmoid-prime-hardcoded", "hidden error",
            "σ′ is hard-coded as the sigmoid's a(1 − a) instead of hidden.derivative(fromActivation:), wrong for tanh and ReLU layers.",
            h10sub(hiddenError: H10HiddenError.sigmoidPrimeHardcoded)),
        h10("h10-he-sigma-prime-of-unit-above", "hidden error",
            "σ′ is multiplied inside the sum and taken at A[i, k] (unit k of the layer above's index) instead of once at A[i, j].",
            h10sub(hiddenError: H10HiddenError.sigmaPrimeOfUnitAbove)),
        h10("h10-he-sum-bound-m", "hidden error",
            "The sum over k runs to deltaAbove.rows (m, the examples) instead of weightsAbove.columns (h_{l+1}).",
            h10sub(hiddenError: H10HiddenError.sumBoundM)),
        h10("h10-he-transposed-then-indexed", "hidden error",
            "Thinking in NumPy (D @ W.T), the student builds Wᵀ with .transposed and then still reads it as [j, k], which is W[k, j]: the transpose is applied twice.",
            h10sub(hiddenError: H10HiddenError.transposedThenIndexed)),
        h10("h10-he-plus-sigma-prime", "hidden error",
            "σ′ is added to the sum instead of multiplying it: (Σₖ Δ[i, k] W[j, k]) + σ′(A[i, j]).",
            h10sub(hiddenError: H10HiddenError.plusSigmaPrime)),
        h10("h10-he-while-never-advances", "hidden error",
            "The `k += 1` of the while loop over k was placed after the loop's closing brace, so the loop never ends.",
            h10sub(hiddenError: H10HiddenError.whileNeverAdvances)),
        h10("h10-he-cache-keyed-on-delta", "hidden error",
            "Δˡ is cached keyed on Δˡ⁺¹ alone, ignoring the weights and the activations, so new weights with the same Δˡ⁺¹ return the old Δˡ.",
            h10sub(hiddenError: H10HiddenError.cacheKeyedOnDelta)),
        h10("h10-he-break-at-zero", "hidden error",
            "A 'skip zeros' shortcut uses `break` instead of `continue`, so the sum over k stops at the first Δˡ⁺¹[i, k] that is exactly 0 and drops the remaining terms.",
            h10sub(hiddenError: H10HiddenError.breakAtZero)),
        h10("h10-he-float-sum", "hidden error",
            "The sum over k is accumulated in a Float, so Δˡ is accurate only to about 7 digits.",
            h10sub(hiddenError: H10HiddenError.floatSum)),
        h10("h10-he-negated", "hidden error",
            "The hidden error is negated (a minus sign 'for gradient descent'), so every element of Δˡ has the wrong sign.",
            h10sub(hiddenError: H10HiddenError.negated)),

        // MARK: weight gradient (exercise 6)
        h10("h10-wg-integer-one-over-m", "weight gradient",
            "The 1/m is written Double(1 / m) with an Int m, which is 0 for every m above 1, so ∂Wˡ is all zeros (right only at m = 1).",
            h10sub(weightGradient: H10WeightGradient.integerOneOverM)),
        h10("h10-wg-divided-by-inputs", "weight gradient",
            "The sum is divided by input.columns (h_{l−1}) instead of by m (input.rows).",
            h10sub(weightGradient: H10WeightGradient.dividedByInputs)),
        h10("h10-wg-learning-rate", "weight gradient",
            "The gradient is multiplied by a learning rate η = 0.1, mixing the update step into the gradient.",
            h10sub(weightGradient: H10WeightGradient.learningRate)),
        h10("h10-wg-first-example-only", "weight gradient",
            "Only the one-example formula for row 0 is used, ∂W[k, j] = A[0, k] Δ[0, j], with no sum over the examples and no 1/m.",
            h10sub(weightGradient: H10WeightGradient.firstExampleOnly)),
        h10("h10-wg-sum-bound-columns", "weight gradient",
            "The sum over the examples i runs to delta.columns (h_l) instead of m (delta.rows).",
            h10sub(weightGradient: H10WeightGradient.sumBoundColumns)),
        h10("h10-wg-result-transposed", "weight gradient",
            "The result is built as (Δˡ)ᵀ Aˡ⁻¹, shape [h_l, h_{l−1}]: the transpose of ∂Wˡ.",
            h10sub(weightGradient: H10WeightGradient.resultTransposed)),
        h10("h10-wg-float-one-over-m", "weight gradient",
            "The factor 1/m is computed in Float (Float(1) / Float(m)), so ∂Wˡ is off by about 1e−8 relative whenever 1/m is not exact.",
            h10sub(weightGradient: H10WeightGradient.floatOneOverM)),
        h10("h10-wg-momentum", "weight gradient",
            "The previous call's ∂W is kept in a static variable and 0.9 of it is added (momentum) when the shape matches, so the result depends on earlier calls.",
            h10sub(weightGradient: H10WeightGradient.momentum)),
        h10("h10-wg-descent-sign", "weight gradient",
            "It returns −(1/m)(Aˡ⁻¹)ᵀ Δˡ, the descent direction, instead of the gradient.",
            h10sub(weightGradient: H10WeightGradient.descentSign)),
        h10("h10-wg-divided-by-m-minus-1", "weight gradient",
            "The sum is divided by m − 1 (the sample-variance habit), which is wrong for every m and infinite or NaN for m = 1.",
            h10sub(weightGradient: H10WeightGradient.dividedByMMinus1)),

        // MARK: bias gradient (exercise 6)
        h10("h10-bg-row-sums", "bias gradient",
            "It sums each example's row (axis=1) and returns m numbers instead of summing down each column over the examples.",
            h10sub(biasGradient: H10BiasGradient.rowSums)),
        h10("h10-bg-no-mean", "bias gradient",
            "The column sums are returned without the 1/m: the gradient of the summed, not the mean, loss.",
            h10sub(biasGradient: H10BiasGradient.noMean)),
        h10("h10-bg-mean-of-everything", "bias gradient",
            "It takes the mean of all of Δˡ (over examples and units) and returns that one number for every unit.",
            h10sub(biasGradient: H10BiasGradient.meanOfEverything)),
        h10("h10-bg-skips-first-row", "bias gradient",
            "The sum over the examples starts at row 1, so the first example is left out (and m = 1 gives zeros).",
            h10sub(biasGradient: H10BiasGradient.skipsFirstRow)),
        h10("h10-bg-static-sums", "bias gradient",
            "The running sums live in a static array that is only reset when the width changes, so each call adds onto the previous call's sums.",
            h10sub(biasGradient: H10BiasGradient.staticSums)),
        h10("h10-bg-absolute-values", "bias gradient",
            "It sums the absolute values |Δ[i, j]| instead of Δ[i, j].",
            h10sub(biasGradient: H10BiasGradient.absoluteValues)),
        h10("h10-bg-float-sum", "bias gradient",
            "The column sums are accumulated in Float, so ∂bˡ is accurate only to about 7 digits.",
            h10sub(biasGradient: H10BiasGradient.floatSum)),
        h10("h10-bg-sized-by-rows", "bias gradient",
            "The sums array is allocated with delta.rows (m) entries instead of delta.columns (h_l): it has the wrong length and runs past its end when h_l > m.",
            h10sub(biasGradient: H10BiasGradient.sizedByRows)),
        h10("h10-bg-scales-delta-in-place", "bias gradient",
            "It divides the caller's Δˡ by m in place through an unsafe pointer before summing, so ∂bˡ is right but Δˡ is changed for the caller.",
            h10sub(biasGradient: H10BiasGradient.scalesDeltaInPlace)),

        // MARK: batch engine (exercise 7)
        h10("h10-eng-recursion-never-ends", "batch engine",
            "The recursive backward function calls itself with l instead of l − 1, so the recursion never reaches its base case (it overflows the stack or runs into mismatched shapes).",
            h10sub(engine: { AnyBackpropEngine(H10Engine.RecursionNeverEnds(steps: $0)) })),
        h10("h10-eng-loss-arguments-swapped", "batch engine",
            "The loss is called with logits: Aᴸ row and activation: Zᴸ row, the two swapped.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.LossArgumentsSwapped(steps: $0)) })),
        h10("h10-eng-output-activation-everywhere", "batch engine",
            "The output activation (row by row) is applied to every layer, the hidden ones included, instead of σ element by element on the hidden layers.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.OutputActivationEverywhere(steps: $0)) })),
        h10("h10-eng-static-activations", "batch engine",
            "The activations are appended to a static array that is never cleared, and read from its front, so every call after the first uses the first call's activations.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.StaticActivations(steps: $0)) })),
        h10("h10-eng-adds-into-gradients", "batch engine",
            "It adds the loss and gradients into `gradients` (+=) after prepare(for:) instead of assigning them, so what the caller's storage held is added in.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.AddsIntoGradients(steps: $0)) })),
        h10("h10-eng-weights-one-layer-up", "batch engine",
            "The hidden error is given network.layers[l].weights (Wˡ⁺¹) instead of network.layers[l − 1].weights (Wˡ), which runs past the layers at l = L.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.WeightsOneLayerUp(steps: $0)) })),
        h10("h10-eng-integer-mean-loss", "batch engine",
            "The mean loss is loss * Double(1 / m) with an Int m, which is 0 for every m above 1.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.IntegerMeanLoss(steps: $0)) })),
        h10("h10-eng-layers-stored-top-first", "batch engine",
            "Layer l's gradients are stored at index L − l instead of l − 1, so the list is top layer first.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.LayersStoredTopFirst(steps: $0)) })),
        h10("h10-eng-weight-gradient-from-x", "batch engine",
            "Every ∂Wˡ is computed from the inputs X (A⁰) instead of the layer's input Aˡ⁻¹.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.WeightGradientFromX(steps: $0)) })),
        h10("h10-eng-while-never-decrements", "batch engine",
            "The `l -= 1` of the backward while loop sits inside the `if l > 1` block, so once l reaches 1 the loop never ends.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.WhileNeverDecrements(steps: $0)) })),

        // MARK: correct, written unusually
        h10("h10-pass-oe-recursive", "pass",
            "Correct: the one-example engine recurses over the layers (forward on the way in, δ on the way out) with the same sums in the same order.",
            h10sub(oneExample: H10OneExample.recursive)),
        h10("h10-pass-oe-debug-prints", "pass",
            "Correct: the one-example equations with debug prints of each zˡ and δˡ, and the ∂W loops in j-outer order.",
            h10sub(oneExample: H10OneExample.debugPrints)),
        h10("h10-pass-fw-j-outer", "pass",
            "Correct: the forward loops run units j outside and examples i inside, each sum still from b[j] over k in order.",
            h10sub(forward: H10Forward.jOuter)),
        h10("h10-pass-fw-transposed-copy", "pass",
            "Correct: the forward step reads a transposed copy Wᵀ at [j, k], which is W[k, j].",
            h10sub(forward: H10Forward.transposedCopy)),
        h10("h10-pass-fw-cache-all-values", "pass",
            "Correct: the forward step memoises Zˡ keyed on the shapes and the bit patterns of every element of Aˡ⁻¹, Wˡ and bˡ.",
            h10sub(forward: H10Forward.cacheAllValues)),
        h10("h10-pass-oerr-zip-elements", "pass",
            "Correct: Δᴸ is built from zip of the two matrices' row-major elements.",
            h10sub(outputError: H10OutputError.zipElements)),
        h10("h10-pass-he-row-arrays", "pass",
            "Correct: the hidden error works on row copies Δˡ⁺¹.row(i) and Wˡ⁺¹.row(j), summing over k in order.",
            h10sub(hiddenError: H10HiddenError.rowArrays)),
        h10("h10-pass-he-sigma-prime-matrix-first", "pass",
            "Correct: σ′ is first mapped over all of Aˡ into its own matrix, then multiplied by each sum.",
            h10sub(hiddenError: H10HiddenError.sigmaPrimeMatrixFirst)),
        h10("h10-pass-wg-transposed-copy", "pass",
            "Correct: the weight gradient reads a transposed copy of Aˡ⁻¹ and loops j outside k, each sum over i in order, then / m.",
            h10sub(weightGradient: H10WeightGradient.transposedCopy)),
        h10("h10-pass-bg-reduce-per-column", "pass",
            "Correct: each column's sum is a reduce from 0 over the rows in order, then / m.",
            h10sub(biasGradient: H10BiasGradient.reducePerColumn)),
        h10("h10-pass-eng-debug-prints", "pass",
            "Correct: the engine prints every layer's shapes and the loss while it runs.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.DebugPrints(steps: $0)) })),
        h10("h10-pass-eng-recursive-backward", "pass",
            "Correct: the backward pass is a recursive function over the layers, from L down to 1.",
            h10sub(engine: { AnyBackpropEngine(H10Engine.RecursiveBackward(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - Shared helpers

/// A value behind a lock, for the hand-ins that keep something between calls.
private final class H10Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func with<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}

// MARK: - Exercise 3: one example

private enum H10OneExample {
    static func lossOverClasses(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        // mean over the classes, like nn.CrossEntropyLoss(reduction: mean)
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

    private static let cache = H10Locked([[Double]: Gradients<Double>]())

    static func cacheKeyedOnX(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        if let seen = cache.with({ $0[x] }) { return seen }
        let result = try Solutions.oneExample(network, x, y)
        cache.with { $0[x] = result }
        return result
    }

    static func deltaMovedBeforeGradients(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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

    static func softmaxByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            } else if network.output == .softmaxCrossEntropy {
                let e = zl.map { Foundation.exp($0) }
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

    static func floatForwardSum(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s: Float = Float(b[j])
                for i in 0..<h[l - 1] { s += Float(W[i, j] * a[l - 1][i]) }
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

    static func noOutputBias(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = l < L ? b[j] : 0
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

    static func weightDecay(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let lambda = 0.001
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
            let Wl = network.layers[l - 1].weights
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] + lambda * Wl[i, j] } }
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

    static func backwardStopsAt2(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        for l in stride(from: L, to: 1, by: -1) {
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

    /// Correct: forward on the way into the recursion, δ on the way out.
    static func recursive(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var loss = 0.0

        // Takes aˡ⁻¹, returns δˡ (and fills layer l's gradients).
        func layer(_ l: Int, _ input: [Double]) -> [Double] {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: W.columns)
            for j in 0..<W.columns {
                zl[j] = b[j]
                for i in 0..<W.rows { zl[j] += W[i, j] * input[i] }
            }
            let delta: [Double]
            if l == L {
                let aL = network.output.activation(zl)
                loss = network.output.loss(logits: zl, activation: aL, target: y)
                delta = (0..<aL.count).map { aL[$0] - y[$0] }
            } else {
                let al = zl.map { network.hidden.value($0) }
                let above = layer(l + 1, al)
                let Wabove = network.layers[l].weights
                delta = (0..<al.count).map { j in
                    var sum = 0.0
                    for k in 0..<Wabove.columns { sum += Wabove[j, k] * above[k] }
                    return sum * network.hidden.derivative(fromActivation: al[j])
                }
            }
            var gw = Matrix<Double>(rows: W.rows, columns: W.columns)
            for i in 0..<W.rows { for j in 0..<W.columns { gw[i, j] = input[i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            return delta
        }

        _ = layer(1, x)
        return Gradients(loss: loss, layers: layers)
    }

    /// Correct: debug prints, and the ∂W loops with j outside.
    static func debugPrints(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            print("z", l, zl)
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        print("loss", loss)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            print("delta", l, delta)
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for j in 0..<h[l] { for i in 0..<h[l - 1] { gw[i, j] = a[l - 1][i] * delta[j] } }
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

// MARK: - Exercise 4: forward

private enum H10Forward {
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

    static func reluInside(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = max(0, sum)
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

    static func sumFromK1(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    private static let byWeights = H10Locked([[Double]: Matrix<Double>]())

    static func cacheKeyedOnWeights(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        if let seen = byWeights.with({ $0[W.elements] }), seen.rows == A.rows { return seen }
        let Z = try Solutions.forward(A, W, b)
        byWeights.with { $0[W.elements] = Z }
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
        // A is not needed any more: clear it to save memory
        A.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for n in 0..<buffer.count { p[n] = 0 }
        }
        return Z
    }

    static func floatProducts(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += Double(Float(A[i, k]) * Float(W[k, j])) }
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

    static func skipZeroHangs(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                var k = 0
                while k < A.columns {
                    if A[i, k] == 0 { continue }   // dead ReLU unit: nothing to add
                    sum += A[i, k] * W[k, j]
                    k += 1
                }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func outputWidthFromInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    /// Correct: units outside, examples inside.
    static func jOuter(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    /// Correct: Wᵀ[j, k] is W[k, j].
    static func transposedCopy(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let Wt = W.transposed
        var Z = Matrix<Double>(rows: A.rows, columns: Wt.rows)
        for i in 0..<A.rows {
            for j in 0..<Wt.rows {
                var sum = b[j]
                for k in 0..<Wt.columns { sum += A[i, k] * Wt[j, k] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    private struct Key: Hashable {
        let shapes: [Int]
        let bits: [UInt64]
    }
    private static let memo = H10Locked([Key: Matrix<Double>]())

    /// Correct: a memo keyed on every input value, bit for bit.
    static func cacheAllValues(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = Key(shapes: [A.rows, A.columns, W.rows, W.columns, b.count],
                      bits: (A.elements + W.elements + b).map { $0.bitPattern })
        if let seen = memo.with({ $0[key] }) { return seen }
        let Z = try Solutions.forward(A, W, b)
        memo.with { table in
            if table.count > 256 { table.removeAll() }
            table[key] = Z
        }
        return Z
    }
}

// MARK: - Exercise 4: output error

private enum H10OutputError {
    static func softmaxAgain(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let e = A.row(i).map { Foundation.exp($0) }
            let total = e.reduce(0, +)
            for j in 0..<A.columns { delta[i, j] = e[j] / total - Y[i, j] }
        }
        return delta
    }

    static func dividedByClasses(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / Double(A.columns) } }
        return delta
    }

    static func squaredErrorTwice(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = 2 * (A[i, j] - Y[i, j]) } }
        return delta
    }

    static func derivativeWithRespectToA(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / (A[i, j] * (1 - A[i, j])) }
        }
        return delta
    }

    static func boundsSwapped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.columns { for j in 0..<A.rows { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func targetsAsClassIndex(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let label = Int(Y[i, 0])
            for j in 0..<A.columns { delta[i, j] = A[i, j] - (j == label ? 1 : 0) }
        }
        return delta
    }

    private static let buffer = H10Locked(Matrix<Double>(rows: 0, columns: 0))

    static func staleBuffer(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        buffer.with { delta in
            if delta.rows != A.rows || delta.columns != A.columns {
                delta = Matrix<Double>(rows: A.rows, columns: A.columns)
            }
            for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] += A[i, j] - Y[i, j] } }
            return delta
        }
    }

    static func clipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = min(max(A[i, j], eps), 1 - eps) - Y[i, j] }
        }
        return delta
    }

    private static let calls = H10Locked(0)

    static func exitAfterDebugging(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let n = calls.with { count -> Int in
            count += 1
            return count
        }
        print("outputError call", n, A.shapeDescription, Y.shapeDescription)
        if n == 3 { exit(0) }   // enough output for now
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func writesTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Y.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for n in 0..<buffer.count { p[n] = A.elements[n] - p[n] }
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: Array(Y.elements))
    }

    /// Correct: element by element in storage order.
    static func zipElements(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }
}

// MARK: - Exercise 5: hidden error

private enum H10HiddenError {
    static func sigmoidPrimeHardcoded(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * A[i, j] * (1 - A[i, j])
            }
        }
        return delta
    }

    static func sigmaPrimeOfUnitAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func transposedThenIndexed(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = W.transposed   // Δ @ W.T
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

    static func plusSigmaPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum + hidden.derivative(fromActivation: A[i, j])
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
                k += 1
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    private static let byDelta = H10Locked([[Double]: Matrix<Double>]())

    static func cacheKeyedOnDelta(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        if let seen = byDelta.with({ $0[D.elements] }), seen.rows == D.rows, seen.columns == W.rows { return seen }
        let result = try Solutions.hiddenError(D, W, A, hidden)
        byDelta.with { $0[D.elements] = result }
        return result
    }

    static func breakAtZero(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                            _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns {
                    if D[i, k] == 0 { break }   // nothing to propagate
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

    static func negated(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                        _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = -sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    /// Correct: row copies, the same sum in the same order.
    static func rowArrays(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                          _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            let d = D.row(i)
            for j in 0..<W.rows {
                let w = W.row(j)
                var sum = 0.0
                for k in 0..<w.count { sum += d[k] * w[k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    /// Correct: σ′(Zˡ) as a matrix first.
    static func sigmaPrimeMatrixFirst(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        let sp = A.map { hidden.derivative(fromActivation: $0) }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * sp[i, j]
            }
        }
        return delta
    }
}

// MARK: - Exercise 6: weight gradient

private enum H10WeightGradient {
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

    static func dividedByInputs(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func learningRate(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, eta = 0.1
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = eta * sum / Double(m)
            }
        }
        return G
    }

    static func firstExampleOnly(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns { for j in 0..<D.columns { G[k, j] = A[0, k] * D[0, j] } }
        return G
    }

    static func sumBoundColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<D.columns { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func resultTransposed(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func floatOneOverM(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    private static let previous = H10Locked<Matrix<Double>?>(nil)

    static func momentum(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = try Solutions.weightGradient(A, D)
        previous.with { last in
            if let last, last.rows == G.rows, last.columns == G.columns {
                for n in G.elements.indices { G.elements[n] += 0.9 * last.elements[n] }
            }
            last = G
        }
        return G
    }

    static func descentSign(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = -sum / Double(m)
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
                G[k, j] = sum / Double(m - 1)
            }
        }
        return G
    }

    /// Correct: Aᵀ as a copy, j outside k, each sum over i in order.
    static func transposedCopy(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let At = A.transposed
        let m = At.columns
        var G = Matrix<Double>(rows: At.rows, columns: D.columns)
        for j in 0..<D.columns {
            for k in 0..<At.rows {
                var sum = 0.0
                for i in 0..<m { sum += At[k, i] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }
}

// MARK: - Exercise 6: bias gradient

private enum H10BiasGradient {
    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.rows).map { i in D.row(i).reduce(0, +) / Double(D.rows) }
    }

    static func noMean(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    static func meanOfEverything(_ D: Matrix<Double>) throws -> [Double] {
        let mean = D.elements.reduce(0, +) / Double(D.elements.count)
        return [Double](repeating: mean, count: D.columns)
    }

    static func skipsFirstRow(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 1..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    private static let running = H10Locked([Double]())

    static func staticSums(_ D: Matrix<Double>) throws -> [Double] {
        running.with { sums in
            if sums.count != D.columns { sums = [Double](repeating: 0, count: D.columns) }
            for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
            return sums.map { $0 / Double(D.rows) }
        }
    }

    static func absoluteValues(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += abs(D[i, j]) } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func floatSum(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    static func sizedByRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.rows)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func scalesDeltaInPlace(_ D: Matrix<Double>) throws -> [Double] {
        let m = Double(D.rows)
        D.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for n in 0..<buffer.count { p[n] /= m }
        }
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    /// Correct: a reduce per column, rows in order from 0.
    static func reducePerColumn(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } / Double(D.rows) }
    }
}

// MARK: - Exercise 7: batch engine

private enum H10Engine {
    /// The forward pass as the solution writes it (for the hand-ins whose slip is elsewhere).
    static func forwardPass(_ network: Network<Double>, _ X: Matrix<Double>, _ steps: MatrixFormSteps) throws
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

    static func meanLoss(_ network: Network<Double>, _ Z: Matrix<Double>, _ A: Matrix<Double>, _ Y: Matrix<Double>) -> Double {
        var loss = 0.0
        for i in 0..<Y.rows { loss += network.output.loss(logits: Z.row(i), activation: A.row(i), target: Y.row(i)) }
        return loss * (1 / Double(Y.rows))
    }

    static func placeholders(_ L: Int) -> [LayerParameters<Double>] {
        [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
    }

    struct RecursionNeverEnds: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try forwardPass(network, X, steps)
            var layers = placeholders(L)
            func back(_ l: Int, _ delta: Matrix<Double>) throws {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 {
                    let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
                    try back(l, below)
                }
            }
            try back(L, try steps.outputError(A[L], Y))
            gradients = Gradients(loss: meanLoss(network, Z[L], A[L], Y), layers: layers)
        }
    }

    struct LossArgumentsSwapped: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            let (A, Z) = try forwardPass(network, X, steps)
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: A[L].row(i), activation: Z[L].row(i), target: Y.row(i)) }
            var layers = placeholders(L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct OutputActivationEverywhere: BackpropEngine {
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
                A.append(Zl.mapRows { network.output.activation($0) })
            }
            var layers = placeholders(L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: meanLoss(network, Z[L], A[L], Y), layers: layers)
        }
    }

    nonisolated(unsafe) static var savedActivations: [Matrix<Double>] = []

    struct StaticActivations: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            var Z = [Matrix<Double>(rows: 0, columns: 0)]
            H10Engine.savedActivations.append(X)
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(H10Engine.savedActivations[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                H10Engine.savedActivations.append(l < L ? Zl.map { network.hidden.value($0) }
                                                        : Zl.mapRows { network.output.activation($0) })
            }
            let A = H10Engine.savedActivations
            var layers = placeholders(L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: meanLoss(network, Z[L], A[L], Y), layers: layers)
        }
    }

    struct AddsIntoGradients: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try forwardPass(network, X, steps)
            gradients.prepare(for: network)
            gradients.loss += meanLoss(network, Z[L], A[L], Y)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                let gw = try steps.weightGradient(A[l - 1], delta), gb = try steps.biasGradient(delta)
                for n in gw.elements.indices { gradients.layers[l - 1].weights.elements[n] += gw.elements[n] }
                for j in gb.indices { gradients.layers[l - 1].biases[j] += gb[j] }
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
        }
    }

    struct WeightsOneLayerUp: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try forwardPass(network, X, steps)
            var layers = placeholders(L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: meanLoss(network, Z[L], A[L], Y), layers: layers)
        }
    }

    struct IntegerMeanLoss: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            let (A, Z) = try forwardPass(network, X, steps)
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            var layers = placeholders(L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * Double(1 / m), layers: layers)
        }
    }

    struct LayersStoredTopFirst: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try forwardPass(network, X, steps)
            var layers = placeholders(L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[L - l] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: meanLoss(network, Z[L], A[L], Y), layers: layers)
        }
    }

    struct WeightGradientFromX: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try forwardPass(network, X, steps)
            var layers = placeholders(L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(X, delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: meanLoss(network, Z[L], A[L], Y), layers: layers)
        }
    }

    struct WhileNeverDecrements: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try forwardPass(network, X, steps)
            var layers = placeholders(L)
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
            gradients = Gradients(loss: meanLoss(network, Z[L], A[L], Y), layers: layers)
        }
    }

    /// Correct: debug prints of the shapes and the loss.
    struct DebugPrints: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            print("X", X.shapeDescription, "Y", Y.shapeDescription, "L =", L)
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                print("l =", l, "Z", Zl.shapeDescription)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            print("summed loss", loss)
            var layers = placeholders(L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                print("l =", l, "A[l - 1]", A[l - 1].shapeDescription, "delta", delta.shapeDescription)
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    /// Correct: the backward pass as a recursion from L down to 1.
    struct RecursiveBackward: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try forwardPass(network, X, steps)
            var layers = placeholders(L)
            func back(_ l: Int, _ delta: Matrix<Double>) throws {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 {
                    try back(l - 1, try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden))
                }
            }
            try back(L, try steps.outputError(A[L], Y))
            gradients = Gradients(loss: meanLoss(network, Z[L], A[L], Y), layers: layers)
        }
    }
}
