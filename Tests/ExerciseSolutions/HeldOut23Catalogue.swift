import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 23: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut23Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h23(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut23Submission {
    HeldOut23Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h23sub(
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

public enum HeldOut23Catalogue {
    public static let all: [HeldOut23Submission] = [
        // MARK: exercise 3, one example
        h23("h23-oe-forward-w-jk", "one example", "In the forward sum zˡⱼ = bⱼ + Σₖ … the weight is read as W[j, k] where W[k, j] belongs (Wˡ transposed): wrong numbers on square layers, and it runs past Wˡ (index out of range) whenever h_{l−1} ≠ h_l.", h23sub(oneExample: H23OneExample.forwardWjk)),
        h23("h23-oe-flat-backward-transposed", "one example", "In the backward sum for δˡ⁻¹ the weight is read from the flat storage as W.elements[k * W.columns + j], i.e. Wˡ[k, j], where Wˡ[j, k] (elements[j * columns + k]) belongs: the backward pass uses Wˡ transposed (wrong on square layers, wrong or past the end of the array otherwise).", h23sub(oneExample: H23OneExample.flatBackward)),
        h23("h23-oe-sigma-prime-from-z", "one example", "σ′ in the hidden error is computed as derivative(fromActivation: z[l − 1][j]), from the pre-activation zˡ⁻¹, where the activation aˡ⁻¹ (a[l − 1][j]) belongs.", h23sub(oneExample: H23OneExample.sigmaPrimeOfZ)),
        h23("h23-oe-hidden-sigma-at-output", "one example", "The output layer's aᴸ is computed with the hidden layers' σ (zᴸ.map { network.hidden.value }) instead of network.output.activation(zᴸ), so aᴸ, the loss and δᴸ = aᴸ − y are wrong whenever the output activation differs from the hidden one (e.g. softmax).", h23sub(oneExample: H23OneExample.hiddenSigmaAtOutput)),
        h23("h23-oe-loss-given-activations", "one example", "The loss is called with logits: aᴸ (the activations) where the logits zᴸ belong, so ℓ is wrong (the gradients are right).", h23sub(oneExample: H23OneExample.lossFromActivations)),
        h23("h23-oe-hand-softmax", "one example", "For a softmax output, aᴸ is computed by hand as exp(zⱼ) / Σₖ exp(zₖ) without subtracting the largest logit first, so logits in the hundreds overflow to inf / inf = NaN (and elsewhere it differs from the library's softmax in rounding).", h23sub(oneExample: H23OneExample.handSoftmax)),
        h23("h23-oe-exit-after-print", "one example", "After the forward pass and the loss it prints the loss and calls exit(0), so the function never returns its gradients: the program ends on the first call.", h23sub(oneExample: H23OneExample.exitAfterLoss)),
        h23("h23-oe-weights-of-layer-below", "one example", "δˡ⁻¹ is computed with network.layers[l − 2].weights (Wˡ⁻¹, the weights of the layer below) where Wˡ (network.layers[l − 1].weights) belongs; wrong on square layers, out of range otherwise.", h23sub(oneExample: H23OneExample.weightsOfLayerBelow)),
        h23("h23-oe-dw-from-own-activation", "one example", "∂Wˡ[k, j] is computed as a[l][k] · δⱼ, from the layer's own activation aˡ, where its input aˡ⁻¹ (a[l − 1][k]) belongs (runs past aˡ when h_l < h_{l−1}).", h23sub(oneExample: H23OneExample.dWFromOwnActivation)),
        h23("h23-oe-forward-k-from-1", "one example", "The forward sum over k starts at 1 (for k in 1..<h[l − 1]), a 1-based habit, so input unit 0 of every layer is left out of zˡ.", h23sub(oneExample: H23OneExample.forwardFromOne)),
        h23("h23-oe-float-forward", "one example", "zˡ is accumulated in Float (the bias, the weights and the activations converted to Float) and converted back to Double, so the forward pass and everything computed from it are only single-precision accurate.", h23sub(oneExample: H23OneExample.floatForward)),
        h23("h23-oe-stale-transpose-cache", "one example", "The forward pass reads the weights from a static cache of transposed weights that is rebuilt only when network.sizes changes, so a later call on another network (or changed weights) of the same sizes uses the first network's stale weights.", h23sub(oneExample: H23OneExample.cachedTransposes)),
        h23("h23-oe-output-sigma-prime", "one example", "δᴸ is multiplied by aᴸ(1 − aᴸ) (a sigmoid σ′ at the output): with cross-entropy that factor cancels and δᴸ = aᴸ − y.", h23sub(oneExample: H23OneExample.outputSigmaPrime)),

        // MARK: exercise 4, forward
        h23("h23-fw-no-bias", "forward", "The bias is never added: Z[i, j] = Σₖ A[i, k] W[k, j] without b[j].", h23sub(forward: H23Forward.noBias)),
        h23("h23-fw-bias-inside-sum", "forward", "b[j] is added inside the sum over k (s += A[i, k] W[k, j] + b[j]), so the bias is added h_{l−1} times instead of once.", h23sub(forward: H23Forward.biasInsideSum)),
        h23("h23-fw-flat-row-stride", "forward", "W[k, j] is read from the flat storage as weights.elements[k * weights.rows + j], with the row stride weights.rows (h_{l−1}) where weights.columns (h_l) belongs: wrong (or past the end of the array) whenever Wˡ is not square.", h23sub(forward: H23Forward.flatWrongStride)),
        h23("h23-fw-bias-by-example", "forward", "The bias is indexed by the example, b[i], where b[j] (the unit) belongs; out of range when m > h_l.", h23sub(forward: H23Forward.biasByExample)),
        h23("h23-fw-k-to-columns", "forward", "The sum over k runs to weights.columns (h_l) where input.columns / weights.rows (h_{l−1}) belongs: terms are dropped or it runs past the matrices when Wˡ is not square.", h23sub(forward: H23Forward.sumToColumns)),
        h23("h23-fw-applies-sigmoid", "forward", "It returns 1 / (1 + e^(−z)) of every element, σ(Zˡ), where the pre-activation Zˡ = Aˡ⁻¹ Wˡ + bˡ belongs (the engine applies σ).", h23sub(forward: H23Forward.appliesSigmoid)),
        h23("h23-fw-sum-never-reset", "forward", "The running sum is declared once before all the loops and never reset, so each Z[i, j] = (sum of all earlier elements' products plus its own) + b[j].", h23sub(forward: H23Forward.sumNeverReset)),
        h23("h23-fw-while-advances-i", "forward", "The increments of the while loops are swapped: the inner loop over j advances i (i += 1) and the outer loop over i advances j, so j stays 0 in the inner loop while i runs past the last row of Aˡ⁻¹: the program stops with an index out of range.", h23sub(forward: H23Forward.whileAdvancesI)),
        h23("h23-fw-k-from-1", "forward", "The sum over k starts at 1 (for k in 1..<input.columns), so input column 0 (A[i, 0] W[0, j]) is left out of every Z[i, j].", h23sub(forward: H23Forward.kFromOne)),
        h23("h23-fw-float-sum", "forward", "The sum b[j] + Σₖ A[i, k] W[k, j] is accumulated in Float (every term converted to Float), so Zˡ is only single-precision accurate.", h23sub(forward: H23Forward.floatSum)),
        h23("h23-fw-returns-transpose", "forward", "It returns Zˡ transposed, an [h_l, m] matrix with Z[j, i] holding example i's unit j, where [m, h_l] with Z[i, j] belongs.", h23sub(forward: H23Forward.returnsTranspose)),
        h23("h23-fw-bias-row-zero", "forward", "The bias is added only to row 0 (the first example) after the product, not to every row: for m > 1 the rows 1…m − 1 have no bias.", h23sub(forward: H23Forward.biasOnFirstRow)),
        h23("h23-fw-k-to-m", "forward", "The sum over k runs to input.rows (m) where input.columns (h_{l−1}) belongs: terms are dropped or it runs past the matrices whenever m ≠ h_{l−1}.", h23sub(forward: H23Forward.sumToRows)),

        // MARK: exercise 4, output error
        h23("h23-oerr-y-minus-a", "output error", "Δ[i, j] = Y[i, j] − A[i, j]: every element has the wrong sign (Aᴸ − Y belongs).", h23sub(outputError: H23OutputError.targetMinusOutput)),
        h23("h23-oerr-abs", "output error", "Δ[i, j] = abs(A[i, j] − Y[i, j]): the negative elements have their sign turned.", h23sub(outputError: H23OutputError.absoluteError)),
        h23("h23-oerr-sigma-prime", "output error", "Δᴸ is multiplied by A(1 − A), a sigmoid σ′ at the output, which cross-entropy cancels: Δᴸ = Aᴸ − Y.", h23sub(outputError: H23OutputError.timesSigmoidPrime)),
        h23("h23-oerr-divided-by-m", "output error", "Every element is divided by m (output.rows): Δᴸ comes out 1/m of Aᴸ − Y (the 1/m belongs to the gradients).", h23sub(outputError: H23OutputError.dividedByM)),
        h23("h23-oerr-columns-to-rows", "output error", "The loop over the columns j runs to output.rows (m) where output.columns (c) belongs: columns past m stay 0 when c > m, and it runs past the matrix when c < m.", h23sub(outputError: H23OutputError.columnsBoundByRows)),
        h23("h23-oerr-rows-from-1", "output error", "The while loop over the rows starts at i = 1, so row 0 (the first example) of Δᴸ is left 0.", h23sub(outputError: H23OutputError.rowsFromOne)),
        h23("h23-oerr-target-transposed", "output error", "The target is read as Y[j, i] where Y[i, j] belongs: wrong when m = c, out of range otherwise.", h23sub(outputError: H23OutputError.targetTransposed)),
        h23("h23-oerr-float", "output error", "The difference is taken in Float (Float(A) − Float(Y)), so Δᴸ is only single-precision accurate.", h23sub(outputError: H23OutputError.floatDifference)),
        h23("h23-oerr-in-place-pointer", "output error", "It subtracts Y in place in Aᴸ's own storage through a mutable pointer and returns that matrix: the values are right, but the caller's Aᴸ is overwritten with Δᴸ.", h23sub(outputError: H23OutputError.inPlaceThroughPointer)),

        // MARK: exercise 5, hidden error
        h23("h23-he-w-not-transposed", "hidden error", "The sum reads W[k, j] where W[j, k] belongs (Δˡ⁺¹ Wˡ⁺¹ instead of Δˡ⁺¹ (Wˡ⁺¹)ᵀ): wrong on square Wˡ⁺¹, out of range otherwise.", h23sub(hiddenError: H23HiddenError.wNotTransposed)),
        h23("h23-he-no-sigma-prime", "hidden error", "The ∘ σ′ is missing: Δˡ[i, j] is just Σₖ Δˡ⁺¹[i, k] Wˡ⁺¹[j, k].", h23sub(hiddenError: H23HiddenError.noSigmaPrime)),
        h23("h23-he-sigma-prime-of-sigma", "hidden error", "σ′ is computed from hidden.value(A[i, j]), σ applied once more to the activation, where derivative(fromActivation: A[i, j]) of the activation itself belongs.", h23sub(hiddenError: H23HiddenError.sigmaPrimeOfSigma)),
        h23("h23-he-times-activation", "hidden error", "The sum is multiplied by the activation A[i, j] itself instead of σ′ computed from it.", h23sub(hiddenError: H23HiddenError.timesActivation)),
        h23("h23-he-activation-transposed", "hidden error", "σ′ is read at A[j, i] where A[i, j] belongs: wrong when m = h_l, out of range otherwise.", h23sub(hiddenError: H23HiddenError.activationTransposed)),
        h23("h23-he-hand-relu-prime", "hidden error", "σ′ is written out by hand, and the ReLU case returns 1 for a >= 0, so units whose ReLU is off (a = 0) get σ′ = 1 instead of 0 (sigmoid and tanh are right).", h23sub(hiddenError: H23HiddenError.handDerivatives)),
        h23("h23-he-always-sigmoid-prime", "hidden error", "σ′ is always a(1 − a), the sigmoid's, whatever the hidden activation is: wrong for tanh and ReLU layers.", h23sub(hiddenError: H23HiddenError.alwaysSigmoidPrime)),
        h23("h23-he-static-buffer", "hidden error", "The sums Σₖ Δ[i, k] W[j, k] are accumulated into a static buffer that is reallocated only when the shape changes and never zeroed, so a second call of the same shape adds onto the previous call's sums.", h23sub(hiddenError: H23HiddenError.staticBuffer)),
        h23("h23-he-dropout", "hidden error", "A dropout left in sets each element of Δˡ to 0 at random (Double.random, probability 0.2), so the result is random and wrong.", h23sub(hiddenError: H23HiddenError.dropoutLeftIn)),
        h23("h23-he-overwrites-activations", "hidden error", "It writes σ′(Aˡ) over the caller's activations Aˡ in place through a mutable pointer (to save a matrix): the result is right but the input Aˡ is destroyed.", h23sub(hiddenError: H23HiddenError.sigmaPrimeOverActivations)),
        h23("h23-he-endless-while", "hidden error", "The k += 1 sits after the closing brace of the innermost while k < n loop, so k never advances inside it and the loop never ends.", h23sub(hiddenError: H23HiddenError.whileNeverAdvances)),
        h23("h23-he-sum-not-reset", "hidden error", "The sum is declared once per example i, outside the loop over j, and never reset, so Δˡ[i, j] includes the sums of all the earlier units j′ < j of that example.", h23sub(hiddenError: H23HiddenError.sumNotReset)),
        h23("h23-he-k-to-rows", "hidden error", "The sum over k runs to W.rows (h_l) where W.columns (h_{l+1}) belongs: terms are dropped or it runs past Δˡ⁺¹ and Wˡ⁺¹ whenever h_l ≠ h_{l+1}.", h23sub(hiddenError: H23HiddenError.sumToRows)),

        // MARK: exercise 6, weight gradient
        h23("h23-wg-no-mean", "weight gradient", "The 1/m is missing: ∂W[k, j] = Σᵢ A[i, k] Δ[i, j], the sum, not the mean.", h23sub(weightGradient: H23WeightGradient.noMean)),
        h23("h23-wg-mean-twice", "weight gradient", "Each term is divided by m inside the sum and the sum is divided by m again, so every element is 1/m of the right one.", h23sub(weightGradient: H23WeightGradient.meanTwice)),
        h23("h23-wg-m-minus-1", "weight gradient", "The sum is divided by m − 1 (an 'unbiased' mean) where m belongs (right only for m = 1, where it divides by nothing).", h23sub(weightGradient: H23WeightGradient.overMMinusOne)),
        h23("h23-wg-int-reciprocal", "weight gradient", "The sum is multiplied by Double(1 / m) with an Int m: integer division makes it 0 for every m > 1, so every element is 0.", h23sub(weightGradient: H23WeightGradient.intReciprocal)),
        h23("h23-wg-transposed-product", "weight gradient", "G[k, j] = (1/m) Σᵢ Δ[i, k] A[i, j], i.e. (Δˡ)ᵀ Aˡ⁻¹ stored in ∂Wˡ, the transpose of the right one: wrong on square layers, out of range otherwise.", h23sub(weightGradient: H23WeightGradient.transposedProduct)),
        h23("h23-wg-factors-summed-first", "weight gradient", "Each factor is summed over the examples first and the sums multiplied, (Σᵢ A[i, k]) (Σᵢ Δ[i, j]) / m, instead of the sum of the products.", h23sub(weightGradient: H23WeightGradient.factorsSummedFirst)),
        h23("h23-wg-assign-not-add", "weight gradient", "The sum over the examples uses = where += belongs (s = A[i, k] Δ[i, j]), so only the last example counts (divided by m).", h23sub(weightGradient: H23WeightGradient.assignInsteadOfAdd)),
        h23("h23-wg-float-accumulator", "weight gradient", "The sum over i is accumulated in Float (each product converted to Float), so ∂Wˡ is only single-precision accurate.", h23sub(weightGradient: H23WeightGradient.floatAccumulator)),
        h23("h23-wg-while-le-m", "weight gradient", "The while loop over the examples runs while i <= m, so it reads row m of Aˡ⁻¹, one past the last: the program stops with an index out of range.", h23sub(weightGradient: H23WeightGradient.whileLessOrEqual)),
        h23("h23-wg-sum-never-reset", "weight gradient", "The running sum is declared once before the loops over k and j and never reset, so each ∂W[k, j] includes the sums of every earlier element.", h23sub(weightGradient: H23WeightGradient.runningSumNeverReset)),
        h23("h23-wg-scales-delta-in-place", "weight gradient", "It multiplies the caller's Δˡ by 1/m in place through a mutable pointer before the sum: ∂Wˡ is right but the input Δˡ is overwritten (m times too small for ∂bˡ and Δˡ⁻¹ afterwards).", h23sub(weightGradient: H23WeightGradient.scalesDeltaInPlace)),
        h23("h23-wg-recursion-skips-first", "weight gradient", "The recursive sum over the examples, acc(i) = A[i, k] Δ[i, j] + acc(i − 1) from i = m − 1, returns 0 at i = 0 without adding example 0, so the first example is left out (every element 0 for m = 1).", h23sub(weightGradient: H23WeightGradient.recursionSkipsFirst)),
        h23("h23-wg-flat-row-stride", "weight gradient", "A[i, k] is read from the flat storage as input.elements[i * m + k], with row stride m (input.rows) where input.columns (h_{l−1}) belongs: wrong (or past the end) whenever m ≠ h_{l−1}.", h23sub(weightGradient: H23WeightGradient.flatRowStride)),

        // MARK: exercise 6, bias gradient
        h23("h23-bg-along-rows", "bias gradient", "It sums each example's row over the units (sums[i] += Δ[i, j]) where the sum down each column over the examples (sums[j]) belongs; out of range when m > h_l.", h23sub(biasGradient: H23BiasGradient.alongRows)),
        h23("h23-bg-over-units", "bias gradient", "The column sums are divided by delta.columns (h_l) where m (delta.rows) belongs.", h23sub(biasGradient: H23BiasGradient.overUnits)),
        h23("h23-bg-first-row", "bias gradient", "It returns row 0 of Δˡ (the one-example formula ∂bˡ = δˡ) instead of the mean of the rows.", h23sub(biasGradient: H23BiasGradient.firstRowOnly)),
        h23("h23-bg-first-row-twice", "bias gradient", "Each column sum starts from Δ[0, j] and then the loop adds rows from i = 0, so the first example is counted twice.", h23sub(biasGradient: H23BiasGradient.firstRowTwice)),
        h23("h23-bg-pairwise-never-stops", "bias gradient", "The recursive pairwise column sum stops only on an empty range (lo == hi): a range of one row splits into itself (mid = lo) and the recursion never ends, until the stack overflows.", h23sub(biasGradient: H23BiasGradient.pairwiseNeverStops)),
        h23("h23-bg-units-to-rows", "bias gradient", "The loop over the units j runs to delta.rows (m) where delta.columns (h_l) belongs: units past m stay 0 when h_l > m, and it runs past the matrix when h_l < m.", h23sub(biasGradient: H23BiasGradient.unitsBoundByRows)),
        h23("h23-bg-mean-inside-loop", "bias gradient", "The division by m sits inside the loop over the examples (s += Δ[i, j]; s /= m), so the running sum is divided again after every example instead of once at the end.", h23sub(biasGradient: H23BiasGradient.meanInsideLoop)),
        h23("h23-bg-stops-before-last", "bias gradient", "The while loop over the examples runs while i < delta.rows − 1, so the last example is left out of the sum (every element 0 for m = 1).", h23sub(biasGradient: H23BiasGradient.stopsBeforeLast)),

        // MARK: exercise 7, batch engine
        h23("h23-eng-dw-own-activation", "batch engine", "∂Wˡ is computed by weightGradient(A[l], Δˡ), from the layer's own activations Aˡ, where its input A[l − 1] belongs.", h23sub(engine: { AnyBackpropEngine(H23EngineOwnActivation(steps: $0)) })),
        h23("h23-eng-weights-below", "batch engine", "Δˡ⁻¹ is computed by hiddenError with network.layers[l − 2].weights (Wˡ⁻¹, the layer below) where Wˡ (network.layers[l − 1].weights) belongs.", h23sub(engine: { AnyBackpropEngine(H23EngineWeightsBelow(steps: $0)) })),
        h23("h23-eng-sigma-prime-above", "batch engine", "hiddenError is given A[l] (the activations of the layer above) where A[l − 1], the activations of the layer Δˡ⁻¹ belongs to, is needed for σ′.", h23sub(engine: { AnyBackpropEngine(H23EngineSigmaPrimeAbove(steps: $0)) })),
        h23("h23-eng-no-hidden-sigma", "batch engine", "The hidden layers' activations are set to Zˡ itself (Aˡ = Zˡ, no σ applied) for l < L.", h23sub(engine: { AnyBackpropEngine(H23EngineNoHiddenSigma(steps: $0)) })),
        h23("h23-eng-all-fed-x", "batch engine", "Every layer's forward step is given X (steps.forward(X, Wˡ, bˡ)) where Aˡ⁻¹ belongs.", h23sub(engine: { AnyBackpropEngine(H23EngineAllFedX(steps: $0)) })),
        h23("h23-eng-loss-summed", "batch engine", "The loss is the SUM of the examples' losses, never multiplied by 1/m (the gradients are right).", h23sub(engine: { AnyBackpropEngine(H23EngineLossSummed(steps: $0)) })),
        h23("h23-eng-error-from-logits", "batch engine", "The output error is computed as outputError(Z[L], Y) from the logits Zᴸ where Aᴸ belongs.", h23sub(engine: { AnyBackpropEngine(H23EngineErrorFromLogits(steps: $0)) })),
        h23("h23-eng-bias-after-move", "batch engine", "∂bˡ is computed after Δ has been replaced by Δˡ⁻¹, so for every layer l ≥ 2 biasGradient is given the layer below's error Δˡ⁻¹ where Δˡ belongs (layer 1's is right; when h_{l−1} ≠ h_l the mismatched ∂bˡ stops the program in LayerParameters).", h23sub(engine: { AnyBackpropEngine(H23EngineBiasAfterMove(steps: $0)) })),
        h23("h23-eng-stops-at-two", "batch engine", "The backward loop is stride(from: L, to: 1, by: -1), so it stops at l = 2 and layer 1's gradients are never computed (left as the 1 × 1 zero placeholder).", h23sub(engine: { AnyBackpropEngine(H23EngineStopsAtTwo(steps: $0)) })),
        h23("h23-eng-updates-weights", "batch engine", "Each layer's weights are updated (Wˡ −= 0.1 ∂Wˡ, bˡ −= 0.1 ∂bˡ on a local copy of the network) as soon as its gradient is computed, and Δˡ⁻¹ is then computed with the updated Wˡ instead of the forward pass's weights.", h23sub(engine: { AnyBackpropEngine(H23EngineUpdatesWeights(steps: $0)) })),
        h23("h23-eng-adds-into-gradients", "batch engine", "After gradients.prepare(for:) it adds (+=) the loss and every ∂Wˡ, ∂bˡ into what gradients already holds instead of assigning them, so the previous contents (the last call's answer) are included.", h23sub(engine: { AnyBackpropEngine(H23EngineAddsInto(steps: $0)) })),
        h23("h23-eng-hand-log-loss", "batch engine", "For cross-entropy outputs the loss is written by hand from Aᴸ as −Σ y ln a (softmax) or −Σ [y ln a + (1 − y) ln(1 − a)] (sigmoid), which is inf or NaN when logits in the hundreds make aᴸ exactly 0 or 1 (and differs in rounding elsewhere).", h23sub(engine: { AnyBackpropEngine(H23EngineHandLogLoss(steps: $0)) })),
        h23("h23-eng-layers-reversed", "batch engine", "The gradients are appended to the array in the backward loop, so layers[0] holds layer L's gradients and the layers come out in reverse order.", h23sub(engine: { AnyBackpropEngine(H23EngineAppendsBackward(steps: $0)) })),

        // MARK: correct, written unusually
        h23("h23-pass-oe-recursive", "pass", "Correct: the one-example δˡ by recursion (δˡ asks for δˡ⁺¹), gradients built from layer 1 up.", h23sub(oneExample: H23OneExample.recursiveDeltas)),
        h23("h23-pass-oe-pointers", "pass", "Correct: one example with read-only buffer pointers and flat row-major indexing, while loop backward.", h23sub(oneExample: H23OneExample.pointerWalk)),
        h23("h23-pass-fw-flat-while", "pass", "Correct: forward with while loops over flat row-major storage.", h23sub(forward: H23Forward.flatWhile)),
        h23("h23-pass-fw-dot-rows", "pass", "Correct: forward through an explicit Wᵀ and a dot-product helper, bias added after the dot product, with a debugging print left in.", h23sub(forward: H23Forward.dotRows)),
        h23("h23-pass-oerr-zip", "pass", "Correct: Δᴸ = Aᴸ − Y by zip and map over the elements.", h23sub(outputError: H23OutputError.zipped)),
        h23("h23-pass-he-row-buffer", "pass", "Correct: hidden error with the k loop outside the j loop, accumulating into a row buffer, σ′ applied once after.", h23sub(hiddenError: H23HiddenError.rowBuffer)),
        h23("h23-pass-he-map-reduce", "pass", "Correct: hidden error with map and reduce, built from row arrays.", h23sub(hiddenError: H23HiddenError.mapReduce)),
        h23("h23-pass-wg-outer-products", "pass", "Correct: weight gradient as a sum of per-example outer products, then multiplied by 1/m.", h23sub(weightGradient: H23WeightGradient.outerProducts)),
        h23("h23-pass-wg-explicit-transpose", "pass", "Correct: weight gradient through an explicit Aᵀ and an ordinary product, divided by m.", h23sub(weightGradient: H23WeightGradient.explicitTranspose)),
        h23("h23-pass-bg-strided", "pass", "Correct: bias gradient by striding down each column of the flat storage with reduce.", h23sub(biasGradient: H23BiasGradient.stridedColumns)),
        h23("h23-pass-bg-row-pointer", "pass", "Correct: bias gradient walking a read-only row pointer through the storage, then dividing by m.", h23sub(biasGradient: H23BiasGradient.readPointer)),
        h23("h23-pass-eng-zero-based-prepare", "pass", "Correct: engine with 0-based layer indices, while loops, gradients.prepare and assignment of every layer and the loss, shape prints left in.", h23sub(engine: { AnyBackpropEngine(H23EngineZeroBasedPrepare(steps: $0)) })),
        h23("h23-pass-eng-recursive", "pass", "Correct: engine whose backward pass is a recursion over the layers, returning the gradients layer 1 first.", h23sub(engine: { AnyBackpropEngine(H23EngineRecursive(steps: $0)) })),
    ]

    /// The submission named `name`, if it is in this catalogue.
    public static func named(_ name: String) -> StudentSubmission? {
        all.first { $0.name == name }?.submission
    }
}

// MARK: - Exercise 3, one example

enum H23OneExample {
    /// Forward sum with the weight indices the other way round.
    static func forwardWjk(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a: [[Double]] = [x]
        var zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0.0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] {
                    s += W[j, k] * a[l - 1][k]   // z_j = b_j + sum_k w_jk a_k
                }
                z[j] = s
            }
            if l == L {
                zL = z
                a.append(network.output.activation(z))
            } else {
                a.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = [Double](repeating: 0.0, count: h[L])
        for j in 0..<h[L] { delta[j] = a[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var l = L
        while l >= 1 {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] {
                for j in 0..<h[l] { dW[k, j] = a[l - 1][k] * delta[j] }
            }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var prev = [Double](repeating: 0.0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    prev[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = prev
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: grads)
    }

    /// Backward sum read straight from the flat storage (row-major, like in C).
    static func flatBackward(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let n = network.sizes
        var act: [[Double]] = [x]
        var logits: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = b
            for j in 0..<n[l] {
                for k in 0..<n[l - 1] { z[j] += W[k, j] * act[l - 1][k] }
            }
            if l < L {
                act.append(z.map { network.hidden.value($0) })
            } else {
                logits = z
                act.append(network.output.activation(z))
            }
        }
        let loss = network.output.loss(logits: logits, activation: act[L], target: y)
        var d = zip(act[L], y).map { $0 - $1 }
        var out = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: n[l - 1], columns: n[l])
            for k in 0..<n[l - 1] {
                for j in 0..<n[l] { gw.elements[k * n[l] + j] = act[l - 1][k] * d[j] }
            }
            out[l - 1] = LayerParameters(weights: gw, biases: d)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var dn = [Double](repeating: 0, count: n[l - 1])
            for j in 0..<n[l - 1] {
                var s = 0.0
                for k in 0..<n[l] {
                    s += W.elements[k * W.columns + j] * d[k]   // W[j][k]
                }
                dn[j] = s * network.hidden.derivative(fromActivation: act[l - 1][j])
            }
            d = dn
        }
        return Gradients(loss: loss, layers: out)
    }

    /// Keeps all the z's so sigma' can use them.
    static func sigmaPrimeOfZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a = [x]
        var z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
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
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: z[l - 1][j])   // sigma'(z^l)
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// Same sigma everywhere.
    static func hiddenSigmaAtOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                z[j] = s
            }
            zL = z
            a.append(z.map { network.hidden.value($0) })
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = [Double](repeating: 0, count: h[L])
        for j in 0..<h[L] { delta[j] = a[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { dW[k, j] = a[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var prev = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    prev[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = prev
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    /// Loss from the outputs.
    static func lossFromActivations(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a = [x]
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                z[j] = s
            }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        // loss of the prediction vs the target
        let loss = network.output.loss(logits: a[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { dW[k, j] = a[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l == 1 { continue }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    /// My own softmax, like in the lecture: e^z / sum e^z.
    static func handSoftmax(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a = [x]
        var zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                z[j] = s
            }
            if l < L {
                a.append(z.map { network.hidden.value($0) })
            } else {
                zL = z
                if network.output == .softmaxCrossEntropy {
                    var e = [Double](repeating: 0, count: h[l])
                    var total = 0.0
                    for j in 0..<h[l] {
                        e[j] = exp(z[j])
                        total += e[j]
                    }
                    for j in 0..<h[l] { e[j] /= total }
                    a.append(e)
                } else {
                    a.append(network.output.activation(z))
                }
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { dW[k, j] = a[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var prev = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    prev[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = prev
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    /// Checking the loss against my hand calculation from exercise 1.
    static func exitAfterLoss(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a = [x]
        var zs = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                z[j] = s
            }
            zs.append(z)
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zs[L], activation: a[L], target: y)
        print("loss =", loss, "aL =", a[L])
        exit(0)
    }

    /// delta^(l-1) from the weights of the layer.
    static func weightsOfLayerBelow(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a: [[Double]] = [x]
        var zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                z[j] = s
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var l = L
        while l >= 1 {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { dW[k, j] = a[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 2].weights   // weights of layer l-1
                var prev = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    prev[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = prev
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: grads)
    }

    /// dW = a delta^T.
    static func dWFromOwnActivation(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a = [x]
        var zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                z[j] = s
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] {
                for j in 0..<h[l] { dW[k, j] = a[l][k] * delta[j] }
            }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var prev = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    prev[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = prev
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    /// Units numbered from 1 like in the notes.
    static func forwardFromOne(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a = [x]
        var zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 1..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                z[j] = s
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { dW[k, j] = a[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var prev = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    prev[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = prev
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    /// Forward pass in single precision (it is what the GPU would do anyway).
    static func floatForward(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a = [x]
        var zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = Float(b[j])
                for k in 0..<h[l - 1] { s += Float(W[k, j]) * Float(a[l - 1][k]) }
                z[j] = Double(s)
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { dW[k, j] = a[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var prev = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    prev[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = prev
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    // Transposed weights are cached so the forward loop walks memory in order (W^T row j = column j of W).
    nonisolated(unsafe) static var cachedSizes: [Int] = []
    nonisolated(unsafe) static var cachedWT: [[[Double]]] = []
    static let cacheLock = NSLock()

    static func cachedTransposes(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        cacheLock.lock()
        if cachedSizes != h {
            cachedWT = network.layers.map { layer in
                (0..<layer.weights.columns).map { j in (0..<layer.weights.rows).map { k in layer.weights[k, j] } }
            }
            cachedSizes = h
        }
        let WT = cachedWT
        cacheLock.unlock()
        var a = [x]
        var zL = [Double]()
        for l in 1...L {
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += WT[l - 1][j][k] * a[l - 1][k] }
                z[j] = s
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { dW[k, j] = a[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var prev = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    prev[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = prev
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    /// Output delta with the sigmoid derivative (chain rule).
    static func outputSigmaPrime(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a = [x]
        var zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                z[j] = s
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = [Double](repeating: 0, count: h[L])
        for j in 0..<h[L] {
            delta[j] = (a[L][j] - y[j]) * a[L][j] * (1 - a[L][j])   // dl/da * da/dz
        }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { dW[k, j] = a[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var prev = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    prev[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = prev
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    /// Errors by recursion: delta(l) asks delta(l + 1) first.
    static func recursiveDeltas(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var fwd = [x]
        var logits = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[l - 1].biases
            let z = (0..<h[l]).map { j -> Double in
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * fwd[l - 1][k] }
                return s
            }
            if l == L { logits = z }
            fwd.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let a = fwd
        func delta(_ l: Int) -> [Double] {
            if l == L { return (0..<h[L]).map { a[L][$0] - y[$0] } }
            let above = delta(l + 1)
            let W = network.layers[l].weights   // W^(l+1) lives at index l
            return (0..<h[l]).map { j in
                var s = 0.0
                for k in 0..<h[l + 1] { s += W[j, k] * above[k] }
                return s * network.hidden.derivative(fromActivation: a[l][j])
            }
        }
        var layers: [LayerParameters<Double>] = []
        for l in 1...L {
            let d = delta(l)
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * d[j] } }
            layers.append(LayerParameters(weights: gw, biases: d))
        }
        return Gradients(loss: network.output.loss(logits: logits, activation: a[L], target: y), layers: layers)
    }

    /// Pointers everywhere, read only, flat row-major indexing like my C version.
    static func pointerWalk(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let rows = h[l - 1], cols = h[l]
            var z = network.layers[l - 1].biases
            network.layers[l - 1].weights.elements.withUnsafeBufferPointer { w in
                a[l - 1].withUnsafeBufferPointer { input in
                    for j in 0..<cols {
                        for k in 0..<rows { z[j] += w[k * cols + j] * input[k] }
                    }
                }
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = [Double](repeating: 0, count: h[L])
        for j in 0..<h[L] { delta[j] = a[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var l = L
        while l > 0 {
            let rows = h[l - 1], cols = h[l]
            var g = [Double](repeating: 0, count: rows * cols)
            for k in 0..<rows { for j in 0..<cols { g[k * cols + j] = a[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: Matrix(rows: rows, columns: cols, elements: g), biases: delta)
            if l > 1 {
                var below = [Double](repeating: 0, count: rows)
                network.layers[l - 1].weights.elements.withUnsafeBufferPointer { w in
                    for j in 0..<rows {
                        var s = 0.0
                        for k in 0..<cols { s += w[j * cols + k] * delta[k] }
                        below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                    }
                }
                delta = below
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: grads)
    }
}

// MARK: - Exercise 4, forward

enum H23Forward {
    static func noBias(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = weights.rows, p = weights.columns
        var Z = Matrix<Double>(rows: m, columns: p)
        for i in 0..<m {
            for j in 0..<p {
                var s = 0.0
                for k in 0..<n { s += input[i, k] * weights[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    static func biasInsideSum(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var s = 0.0
                for k in 0..<input.columns {
                    s += input[i, k] * weights[k, j] + bias[j]
                }
                Z[i, j] = s
            }
        }
        return Z
    }

    /// Flat arrays, faster than the subscript.
    static func flatWrongStride(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = input.columns, p = weights.columns
        var out = [Double](repeating: 0, count: m * p)
        for i in 0..<m {
            for j in 0..<p {
                var s = bias[j]
                for k in 0..<n {
                    s += input.elements[i * n + k] * weights.elements[k * weights.rows + j]   // W[k][j]
                }
                out[i * p + j] = s
            }
        }
        return Matrix(rows: m, columns: p, elements: out)
    }

    static func biasByExample(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var s = bias[i]
                for k in 0..<input.columns { s += input[i, k] * weights[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    static func sumToColumns(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var s = bias[j]
                for k in 0..<weights.columns { s += input[i, k] * weights[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    /// z = sigma(A W + b)
    static func appliesSigmoid(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var s = bias[j]
                for k in 0..<input.columns { s += input[i, k] * weights[k, j] }
                Z[i, j] = 1.0 / (1.0 + exp(-s))
            }
        }
        return Z
    }

    static func sumNeverReset(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        var sum = 0.0
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum + bias[j]
            }
        }
        return Z
    }

    /// while loops, C style.
    static func whileAdvancesI(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = input.columns, p = weights.columns
        var Z = Matrix<Double>(rows: m, columns: p)
        var i = 0
        while i < m {
            var j = 0
            while j < p {
                var s = bias[j]
                var k = 0
                while k < n {
                    s += input[i, k] * weights[k, j]
                    k += 1
                }
                Z[i, j] = s
                i += 1
            }
            j += 1
        }
        return Z
    }

    static func kFromOne(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var s = bias[j]
                for k in 1..<input.columns { s += input[i, k] * weights[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    static func floatSum(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var s: Float = Float(bias[j])
                for k in 0..<input.columns { s += Float(input[i, k]) * Float(weights[k, j]) }
                Z[i, j] = Double(s)
            }
        }
        return Z
    }

    /// z^l = W^T a, one column per example.
    static func returnsTranspose(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: weights.columns, columns: input.rows)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var s = bias[j]
                for k in 0..<input.columns { s += weights[k, j] * input[i, k] }
                Z[j, i] = s
            }
        }
        return Z
    }

    static func biasOnFirstRow(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                for k in 0..<input.columns { Z[i, j] += input[i, k] * weights[k, j] }
            }
        }
        // + b
        for j in 0..<weights.columns { Z[0, j] += bias[j] }
        return Z
    }

    static func sumToRows(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows
        var Z = Matrix<Double>(rows: m, columns: weights.columns)
        for i in 0..<m {
            for j in 0..<weights.columns {
                var s = bias[j]
                for k in 0..<m { s += input[i, k] * weights[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    // correct ones

    /// Flat storage and while loops.
    static func flatWhile(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = input.columns, p = weights.columns
        var out = [Double](repeating: 0, count: m * p)
        var i = 0
        while i < m {
            var j = 0
            while j < p {
                var acc = bias[j]
                var k = 0
                while k < n {
                    acc += input.elements[i * n + k] * weights.elements[k * p + j]
                    k += 1
                }
                out[i * p + j] = acc
                j += 1
            }
            i += 1
        }
        return Matrix(rows: m, columns: p, elements: out)
    }

    /// Transpose W once, then every z is a dot product of two rows.
    static func dotRows(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        func dot(_ u: [Double], _ v: [Double]) -> Double {
            var s = 0.0
            for t in 0..<u.count { s += u[t] * v[t] }
            return s
        }
        let WT = weights.transposed
        print("forward:", input.shapeDescription, "x", weights.shapeDescription)
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            let row = input.row(i)
            for j in 0..<weights.columns { Z[i, j] = dot(row, WT.row(j)) + bias[j] }
        }
        return Z
    }
}

// MARK: - Exercise 4, output error

enum H23OutputError {
    static func targetMinusOutput(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows { for j in 0..<output.columns { D[i, j] = targets[i, j] - output[i, j] } }
        return D
    }

    static func absoluteError(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows { for j in 0..<output.columns { D[i, j] = abs(output[i, j] - targets[i, j]) } }
        return D
    }

    /// delta = (a - y) * sigma'(z)
    static func timesSigmoidPrime(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns {
                let a = output[i, j]
                D[i, j] = (a - targets[i, j]) * a * (1 - a)
            }
        }
        return D
    }

    /// mean over the batch
    static func dividedByM(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(output.rows)
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows { for j in 0..<output.columns { D[i, j] = (output[i, j] - targets[i, j]) / m } }
        return D
    }

    static func columnsBoundByRows(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows { for j in 0..<output.rows { D[i, j] = output[i, j] - targets[i, j] } }
        return D
    }

    static func rowsFromOne(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        var i = 1
        while i < output.rows {
            for j in 0..<output.columns { D[i, j] = output[i, j] - targets[i, j] }
            i += 1
        }
        return D
    }

    static func targetTransposed(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows { for j in 0..<output.columns { D[i, j] = output[i, j] - targets[j, i] } }
        return D
    }

    static func floatDifference(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns { D[i, j] = Double(Float(output[i, j]) - Float(targets[i, j])) }
        }
        return D
    }

    /// No new matrix needed: subtract Y right where A is.
    static func inPlaceThroughPointer(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        let count = output.rows * output.columns
        output.elements.withUnsafeBufferPointer { ap in
            targets.elements.withUnsafeBufferPointer { yp in
                let p = UnsafeMutablePointer(mutating: ap.baseAddress!)
                for t in 0..<count { p[t] = p[t] - yp[t] }
            }
        }
        return output
    }

    // correct

    static func zipped(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: output.rows, columns: output.columns,
               elements: zip(output.elements, targets.elements).map { a, y in a - y })
    }
}

// MARK: - Exercise 5, hidden error

enum H23HiddenError {
    static func wNotTransposed(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[k, j] }
                out[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func noSigmaPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s
            }
        }
        return out
    }

    static func sigmaPrimeOfSigma(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                let a = hidden.value(A[i, j])
                out[i, j] = s * hidden.derivative(fromActivation: a)
            }
        }
        return out
    }

    static func timesActivation(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s * A[i, j]   // o sigma'(z), a = sigma(z)
            }
        }
        return out
    }

    static func activationTransposed(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s * hidden.derivative(fromActivation: A[j, i])
            }
        }
        return out
    }

    /// My own derivatives, from a.
    static func handDerivatives(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        func dsigma(_ a: Double) -> Double {
            switch hidden {
            case .sigmoid: return a * (1 - a)
            case .tanh: return 1 - a * a
            case .relu: return a >= 0 ? 1 : 0
            case .identity: return 1
            }
        }
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s * dsigma(A[i, j])
            }
        }
        return out
    }

    static func alwaysSigmoidPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                let a = A[i, j]
                out[i, j] = s * a * (1.0 - a)   // sigma' = a(1 - a)
            }
        }
        return out
    }

    // one buffer, allocated once, so training does not allocate every step
    nonisolated(unsafe) static var sums: [Double] = []
    static let sumsLock = NSLock()

    static func staticBuffer(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, h = W.rows
        sumsLock.lock()
        defer { sumsLock.unlock() }
        if sums.count != m * h { sums = [Double](repeating: 0, count: m * h) }
        for i in 0..<m {
            for j in 0..<h {
                for k in 0..<W.columns { sums[i * h + j] += D[i, k] * W[j, k] }
            }
        }
        var out = Matrix<Double>(rows: m, columns: h)
        for i in 0..<m {
            for j in 0..<h { out[i, j] = sums[i * h + j] * hidden.derivative(fromActivation: A[i, j]) }
        }
        return out
    }

    /// dropout p = 0.2 (from the regularization lecture)
    static func dropoutLeftIn(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                let keep = Double.random(in: 0..<1) >= 0.2
                out[i, j] = keep ? s * hidden.derivative(fromActivation: A[i, j]) : 0
            }
        }
        return out
    }

    /// A is not needed after this, so sigma' goes into its storage.
    static func sigmaPrimeOverActivations(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        A.elements.withUnsafeBufferPointer { buf in
            let p = UnsafeMutablePointer(mutating: buf.baseAddress!)
            for t in 0..<buf.count { p[t] = hidden.derivative(fromActivation: p[t]) }
        }
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s * A[i, j]
            }
        }
        return out
    }

    static func whileNeverAdvances(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, h = W.rows, n = W.columns
        var out = Matrix<Double>(rows: m, columns: h)
        var i = 0
        while i < m {
            var j = 0
            while j < h {
                var s = 0.0
                var k = 0
                while k < n
                    { s += D[i, k] * W[j, k] }
                    k += 1
                out[i, j] = s * hidden.derivative(fromActivation: A[i, j])
                j += 1
            }
            i += 1
        }
        return out
    }

    static func sumNotReset(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            var s = 0.0
            for j in 0..<W.rows {
                for k in 0..<W.columns { s += D[i, k] * W[j, k] }
                out[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func sumToRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.rows { s += D[i, k] * W[j, k] }
                out[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    // correct

    /// k outside j: one row of W times one number of delta, added into a row buffer.
    static func rowBuffer(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, h = W.rows, n = W.columns
        var out = Matrix<Double>(rows: m, columns: h)
        for i in 0..<m {
            var row = [Double](repeating: 0, count: h)
            for k in 0..<n {
                let d = D[i, k]
                for j in 0..<h { row[j] += d * W[j, k] }
            }
            for j in 0..<h { out[i, j] = row[j] * hidden.derivative(fromActivation: A[i, j]) }
        }
        return out
    }

    static func mapReduce(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let rows = (0..<D.rows).map { i in
            (0..<W.rows).map { j in
                (0..<W.columns).reduce(0.0) { $0 + D[i, $1] * W[j, $1] } * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return Matrix(rows)
    }
}

// MARK: - Exercise 6, weight gradient

enum H23WeightGradient {
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

    /// unbiased mean
    static func overMMinusOne(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s += A[i, k] * D[i, j] }
                G[k, j] = m > 1 ? s / Double(m - 1) : s
            }
        }
        return G
    }

    static func intReciprocal(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s += A[i, k] * D[i, j] }
                G[k, j] = s * Double(1 / m)
            }
        }
        return G
    }

    /// delta^T A, the shapes are the same for a square layer anyway.
    static func transposedProduct(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<m { s += D[i, k] * A[i, j] }
                G[k, j] = s / Double(m)
            }
        }
        return G
    }

    static func factorsSummedFirst(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var colA = [Double](repeating: 0, count: A.columns)
        var colD = [Double](repeating: 0, count: D.columns)
        for i in 0..<m {
            for k in 0..<A.columns { colA[k] += A[i, k] }
            for j in 0..<D.columns { colD[j] += D[i, j] }
        }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns { for j in 0..<D.columns { G[k, j] = colA[k] * colD[j] / Double(m) } }
        return G
    }

    static func assignInsteadOfAdd(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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
                for i in 0..<m { s += Float(A[i, k] * D[i, j]) }
                G[k, j] = Double(s) / Double(m)
            }
        }
        return G
    }

    static func whileLessOrEqual(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var s = 0.0
                var i = 0
                while i <= m {
                    s += A[i, k] * D[i, j]
                    i += 1
                }
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

    /// Scale delta by 1/m first so the loop is a plain A^T D.
    static func scalesDeltaInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let scale = 1.0 / Double(A.rows)
        D.elements.withUnsafeBufferPointer { buf in
            let p = UnsafeMutablePointer(mutating: buf.baseAddress!)
            for t in 0..<buf.count { p[t] *= scale }
        }
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

    /// The sum over the examples by recursion, from the last example down.
    static func recursionSkipsFirst(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                func acc(_ i: Int) -> Double {
                    if i == 0 { return 0 }
                    return A[i, k] * D[i, j] + acc(i - 1)
                }
                G[k, j] = acc(m - 1) / Double(m)
            }
        }
        return G
    }

    /// Flat storage: A is m x n.
    static func flatRowStride(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, p = D.columns
        var g = [Double](repeating: 0, count: n * p)
        for k in 0..<n {
            for j in 0..<p {
                var s = 0.0
                for i in 0..<m { s += A.elements[i * m + k] * D.elements[i * p + j] }
                g[k * p + j] = s / Double(m)
            }
        }
        return Matrix(rows: n, columns: p, elements: g)
    }

    // correct

    /// One example at a time: add a^(l-1) delta^T for each row, then take the mean.
    static func outerProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            for k in 0..<A.columns {
                let a = A[i, k]
                for j in 0..<D.columns { G[k, j] += a * D[i, j] }
            }
        }
        let inv = 1.0 / Double(A.rows)
        return G.map { $0 * inv }
    }

    /// Make A^T explicitly, then an ordinary matrix product.
    static func explicitTranspose(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let AT = A.transposed
        var G = Matrix<Double>(rows: AT.rows, columns: D.columns)
        for k in 0..<AT.rows {
            for j in 0..<D.columns {
                var s = 0.0
                for i in 0..<AT.columns { s += AT[k, i] * D[i, j] }
                G[k, j] = s / Double(A.rows)
            }
        }
        return G
    }
}

// MARK: - Exercise 6, bias gradient

enum H23BiasGradient {
    static func alongRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[i] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func overUnits(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.columns) }
    }

    /// db = delta
    static func firstRowOnly(_ D: Matrix<Double>) throws -> [Double] {
        D.row(0)
    }

    /// start from the first element, like max/min in C
    static func firstRowTwice(_ D: Matrix<Double>) throws -> [Double] {
        var out = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            var s = D[0, j]
            for i in 0..<D.rows { s += D[i, j] }
            out[j] = s / Double(D.rows)
        }
        return out
    }

    /// Pairwise summation (halves), more accurate than a plain loop.
    static func pairwiseNeverStops(_ D: Matrix<Double>) throws -> [Double] {
        func colSum(_ j: Int, _ lo: Int, _ hi: Int) -> Double {
            if lo == hi { return 0 }
            let mid = (lo + hi) / 2
            return colSum(j, lo, mid) + colSum(j, mid, hi)
        }
        return (0..<D.columns).map { j in colSum(j, 0, D.rows) / Double(D.rows) }
    }

    static func unitsBoundByRows(_ D: Matrix<Double>) throws -> [Double] {
        var out = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.rows {
            var s = 0.0
            for i in 0..<D.rows { s += D[i, j] }
            out[j] = s / Double(D.rows)
        }
        return out
    }

    static func meanInsideLoop(_ D: Matrix<Double>) throws -> [Double] {
        let m = Double(D.rows)
        var out = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            var s = 0.0
            for i in 0..<D.rows {
                s += D[i, j]
                s /= m
            }
            out[j] = s
        }
        return out
    }

    static func stopsBeforeLast(_ D: Matrix<Double>) throws -> [Double] {
        var out = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            var s = 0.0
            var i = 0
            while i < D.rows - 1 {
                s += D[i, j]
                i += 1
            }
            out[j] = s / Double(D.rows)
        }
        return out
    }

    // correct

    /// Column j is every n-th element starting at j.
    static func stridedColumns(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows, n = D.columns
        return (0..<n).map { j in
            stride(from: j, to: m * n, by: n).reduce(0.0) { $0 + D.elements[$1] } / Double(m)
        }
    }

    static func readPointer(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows, n = D.columns
        var out = [Double](repeating: 0, count: n)
        D.elements.withUnsafeBufferPointer { p in
            var row = p.baseAddress!
            for _ in 0..<m {
                for j in 0..<n { out[j] += row[j] }
                row += n
            }
        }
        for j in 0..<n { out[j] /= Double(m) }
        return out
    }
}

// MARK: - Exercise 7, batch engines

/// ∂Wˡ from the layer's own activations.
struct H23EngineOwnActivation: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X]
        var Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let dW = try steps.weightGradient(A[l], delta)
            let db = try steps.biasGradient(delta)
            layers[l - 1] = LayerParameters(weights: dW, biases: db)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}

/// Hidden error with the weights one index down.
struct H23EngineWeightsBelow: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X]
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
        var l = L
        while l >= 1 {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 {
                // delta for layer l-1 uses the weights of layer l-1
                delta = try steps.hiddenError(delta, network.layers[l - 2].weights, A[l - 1], network.hidden)
            }
            l -= 1
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// σ′ taken from A[l].
struct H23EngineSigmaPrimeAbove: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l == L ? Zl.mapRows { network.output.activation($0) } : Zl.map { network.hidden.value($0) })
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

/// Linear hidden layers.
struct H23EngineNoHiddenSigma: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X]
        var ZL = X
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            if l == L {
                ZL = Zl
                A.append(Zl.mapRows { network.output.activation($0) })
            } else {
                A.append(Zl)
            }
        }
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

/// Every layer gets X.
struct H23EngineAllFedX: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(X, network.layers[l - 1].weights, network.layers[l - 1].biases)
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

/// Total loss of the batch.
struct H23EngineLossSummed: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
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
        gradients = Gradients(loss: loss, layers: layers)
    }
}

/// Output error from the last Z.
struct H23EngineErrorFromLogits: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
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

/// Bias gradient after moving delta down.
struct H23EngineBiasAfterMove: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var dWs = [Matrix<Double>](repeating: Matrix(rows: 1, columns: 1), count: L)
        var dbs = [[Double]](repeating: [0], count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            dWs[l - 1] = try steps.weightGradient(A[l - 1], delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            dbs[l - 1] = try steps.biasGradient(delta)
        }
        var layers: [LayerParameters<Double>] = []
        for l in 0..<L { layers.append(LayerParameters(weights: dWs[l], biases: dbs[l])) }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// Backward loop down to layer 2 (layer 1 has no delta below it).
struct H23EngineStopsAtTwo: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
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

/// Takes the gradient step right away (saves a second loop over the layers).
struct H23EngineUpdatesWeights: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let eta = 0.1
        var net = network
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], net.layers[l - 1].weights, net.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { net.hidden.value($0) } : Zl.mapRows { net.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += net.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let dW = try steps.weightGradient(A[l - 1], delta)
            let db = try steps.biasGradient(delta)
            layers[l - 1] = LayerParameters(weights: dW, biases: db)
            for t in 0..<dW.elements.count { net.layers[l - 1].weights.elements[t] -= eta * dW.elements[t] }
            for j in 0..<db.count { net.layers[l - 1].biases[j] -= eta * db[j] }
            if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], net.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// Fills the caller's gradients without allocating (like the library engines).
struct H23EngineAddsInto: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        gradients.prepare(for: network)
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        for i in 0..<m {
            gradients.loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) / Double(m)
        }
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let dW = try steps.weightGradient(A[l - 1], delta)
            let db = try steps.biasGradient(delta)
            for t in 0..<dW.elements.count { gradients.layers[l - 1].weights.elements[t] += dW.elements[t] }
            for j in 0..<db.count { gradients.layers[l - 1].biases[j] += db[j] }
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }
}

/// Cross-entropy written out as in the lecture.
struct H23EngineHandLogLoss: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows, c = Y.columns
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m {
            if network.output == .softmaxCrossEntropy {
                for j in 0..<c { loss -= Y[i, j] * log(A[L][i, j]) }
            } else if network.output == .sigmoidCrossEntropy {
                for j in 0..<c {
                    let a = A[L][i, j], y = Y[i, j]
                    loss -= y * log(a) + (1 - y) * log(1 - a)
                }
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
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}

/// Gradients collected as they come out of the backward loop.
struct H23EngineAppendsBackward: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers: [LayerParameters<Double>] = []
        var delta = try steps.outputError(A[L], Y)
        var l = L
        while l >= 1 {
            layers.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                          biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            l -= 1
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

// correct engines

/// 0-based layer index everywhere (layer index t = l - 1), while loops, prepare + assign, and my shape prints.
struct H23EngineZeroBasedPrepare: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let nLayers = network.layers.count
        let m = X.rows
        gradients.prepare(for: network)
        // acts[t] is the input of layer index t, acts[nLayers] the output
        var acts = [X]
        var lastZ = X
        var t = 0
        while t < nLayers {
            let z = try steps.forward(acts[t], network.layers[t].weights, network.layers[t].biases)
            if t == nLayers - 1 {
                lastZ = z
                acts.append(z.mapRows { network.output.activation($0) })
            } else {
                acts.append(z.map { network.hidden.value($0) })
            }
            print("layer", t, "Z", z.shapeDescription)
            t += 1
        }
        var total = 0.0
        for i in 0..<m { total += network.output.loss(logits: lastZ.row(i), activation: acts[nLayers].row(i), target: Y.row(i)) }
        var d = try steps.outputError(acts[nLayers], Y)
        t = nLayers - 1
        while t >= 0 {
            gradients.layers[t] = LayerParameters(weights: try steps.weightGradient(acts[t], d),
                                                  biases: try steps.biasGradient(d))
            if t > 0 { d = try steps.hiddenError(d, network.layers[t].weights, acts[t], network.hidden) }
            t -= 1
        }
        gradients.loss = total * (1 / Double(m))
    }
}

/// Backward pass by recursion: back(l, Δˡ) does layer l and then calls itself for l − 1.
struct H23EngineRecursive: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        let acts = A
        func back(_ l: Int, _ delta: Matrix<Double>) throws -> [LayerParameters<Double>] {
            let mine = LayerParameters(weights: try steps.weightGradient(acts[l - 1], delta),
                                       biases: try steps.biasGradient(delta))
            if l == 1 { return [mine] }
            let below = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1], network.hidden)
            return try back(l - 1, below) + [mine]
        }
        let layers = try back(L, try steps.outputError(A[L], Y))
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}
