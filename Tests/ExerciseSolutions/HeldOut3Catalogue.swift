#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Backprop
import BackpropExercises

// A third held-out class of hand-ins (exercises 3 to 7), written from the course pages only, without the checker
// or the other catalogues. Each wrong hand-in has one slip in one step; its other steps are Solutions'. The "pass"
// entries are correct but written unusually.

/// One held-out hand-in: its name, the step where the slip is ("pass" when there is none), the slip in one
/// sentence, and the submission.
public struct HeldOut3Submission: Sendable {
    public let name: String
    public let expected: String
    public let mistake: String
    public let submission: StudentSubmission
}

func h3(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut3Submission {
    HeldOut3Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h3sub(
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

public enum HeldOut3Catalogue {
    public static let all: [HeldOut3Submission] = oneExample + forward + outputError + hiddenError + weightGradient
        + biasGradient + batchEngine + correct

    public static func named(_ name: String) -> StudentSubmission? {
        all.first { $0.name == name }?.submission
    }

    // MARK: Exercise 3, one example

    static let oneExample: [HeldOut3Submission] = [
        h3("h3-oe-flat-column-stride", "one example",
           "The forward sum reads Wˡ[k, j] from the flat row-major elements at j * h_{l−1} + k (a column-major stride) instead of k * h_l + j, so it uses the wrong weights (Wˡ transposed when the layer is square, scrambled otherwise) without ever running out of range.",
           h3sub(oneExample: H3OneExample.flatColumnStride)),
        h3("h3-oe-output-elementwise", "one example",
           "The output activation is applied one number at a time (network.output.activation([zⱼ])), so a softmax output becomes the softmax of a single logit, 1 for every unit; right only for sigmoid outputs.",
           h3sub(oneExample: H3OneExample.outputElementwise)),
        h3("h3-oe-backsum-bound-below", "one example",
           "In the hidden error the sum over k (the units of layer l + 1) is bounded by h[l − 1], the size of the layer being computed, instead of h[l], so it misses terms or runs past Wˡ⁺¹ and δˡ⁺¹ whenever the two widths differ.",
           h3sub(oneExample: H3OneExample.backSumBoundBelow)),
        h3("h3-oe-cache-by-widths", "one example",
           "The forward pass is cached in a global variable keyed only by (x.count, y.count), so every later example (and network) with the same widths reuses the first example's activations and logits.",
           h3sub(oneExample: H3OneExample.cacheByWidths)),
        h3("h3-oe-hand-log-loss", "one example",
           "The loss is computed by hand from the activations, −Σⱼ yⱼ log aⱼ (softmax) or −Σⱼ [yⱼ log aⱼ + (1 − yⱼ) log(1 − aⱼ)] (sigmoid), instead of network.output.loss from the logits zᴸ, which gives NaN or infinity when an output saturates to exactly 0 or 1 (logits in the hundreds) and loses digits in log(1 − aⱼ) where aⱼ is close to 1.",
           h3sub(oneExample: H3OneExample.handLogLoss)),
        h3("h3-oe-float-forward", "one example",
           "The forward sum zⱼ = bⱼ + Σₖ W[k, j] aₖ is accumulated in Float and converted back to Double, so the loss and every gradient are right to about 7 digits only.",
           h3sub(oneExample: H3OneExample.floatForward)),
        h3("h3-oe-saturation-precondition", "one example",
           "A leftover sanity check, precondition(|δᴸⱼ| < 1), stops the program when an output saturates (aⱼ rounds to exactly 0 or 1 against the other target, at logits in the hundreds), where |δᴸⱼ| = 1 is the correct value.",
           h3sub(oneExample: H3OneExample.saturationPrecondition)),
        h3("h3-oe-mirrored-layers", "one example",
           "The backward loop stores layer l's gradients at layers[L − l] instead of layers[l − 1], so the returned layers are in reversed order (top layer first).",
           h3sub(oneExample: H3OneExample.mirroredLayers)),
        h3("h3-oe-bias-after-propagate", "one example",
           "In the backward loop δ is propagated to layer l − 1 before layer l's LayerParameters is built, so ∂bˡ is set to δˡ⁻¹ instead of δˡ for every layer above the first (and on a non-square layer the bias count no longer matches the weights, which stops the program in LayerParameters).",
           h3sub(oneExample: H3OneExample.biasAfterPropagate)),
        h3("h3-oe-output-activation-one-early", "one example",
           "The forward pass picks the hidden σ only for l < L − 1 (a 0-based bound on 1-based layers), so the last hidden layer L − 1 is given the output activation σᴸ instead of σ; it only coincides when the hidden σ and the output are both sigmoid.",
           h3sub(oneExample: H3OneExample.outputActivationOneEarly)),
    ]

    // MARK: Exercise 4, forward

    static let forward: [HeldOut3Submission] = [
        h3("h3-fw-flat-bias-div-rows", "forward",
           "The bias is added in a flat loop as bias[idx / Z.rows] where bias[idx % Z.columns] belongs, so element (i, j) gets a bias chosen by its position in the flat array (the example i when Z is square) instead of bⱼ; right only when m = 1.",
           h3sub(forward: H3Forward.flatBiasDivRows)),
        h3("h3-fw-while-continue-zero", "forward",
           "The sum over k is a while loop that `continue`s past a zero activation before incrementing k, so it never ends as soon as some Aˡ⁻¹[i, k] is exactly 0 (ReLU units that are off).",
           h3sub(forward: H3Forward.whileContinueOnZero)),
        h3("h3-fw-bias-twice", "forward",
           "The sum starts from b[j] and b[j] is added again when it is stored, Z[i, j] = sum + b[j], so every element has the bias twice.",
           h3sub(forward: H3Forward.biasTwice)),
        h3("h3-fw-k-bound-rows", "forward",
           "The sum over k is bounded by A.rows (m) instead of A.columns (h_{l−1}), so it has the wrong number of terms (one when m = 1) and runs past Aˡ⁻¹ when m > h_{l−1}; right only when m = h_{l−1}.",
           h3sub(forward: H3Forward.kBoundRows)),
        h3("h3-fw-columns-from-input", "forward",
           "Zˡ is allocated and filled with A.columns (h_{l−1}) columns instead of W.columns (h_l), so it has the wrong shape, or runs past Wˡ, whenever a layer is not square.",
           h3sub(forward: H3Forward.columnsFromInput)),
        h3("h3-fw-stale-global-buffer", "forward",
           "The sums are accumulated with += into a global scratch array that is reallocated (zeroed) only when its size changes, so every call after the first with the same shape adds onto the previous call's sums.",
           h3sub(forward: H3Forward.staleGlobalBuffer)),
        h3("h3-fw-returns-transposed", "forward",
           "The result is allocated as [W.columns, A.rows] and written at Z[j, i] (the examples-as-columns convention), so it returns (Zˡ)ᵀ [h_l, m] instead of Zˡ [m, h_l].",
           h3sub(forward: H3Forward.returnsTransposed)),
        h3("h3-fw-last-unit-skipped-print", "forward",
           "The loop over the units is 0..<W.columns − 1, so the last column of Zˡ (unit h_l − 1) is never computed and stays 0; the step also prints each row as a debug trace.",
           h3sub(forward: H3Forward.lastUnitSkippedWithPrint)),
        h3("h3-fw-weight-stride-input", "forward",
           "Wˡ[k, j] is read from the flat elements at k * A.columns + j, a stride of h_{l−1} where Wˡ's row length h_l belongs, so the wrong weights are read (or the index runs past) whenever the layer is not square.",
           h3sub(forward: H3Forward.weightStrideFromInput)),
    ]

    // MARK: Exercise 4, output error

    static let outputError: [HeldOut3Submission] = [
        h3("h3-out-targets-transposed", "output error",
           "The target is read as Y[j, i] instead of Y[i, j], so Δᴸ = Aᴸ − Yᵀ: wrong values when Y is square, and out of range (m = 1, or m ≠ c) otherwise.",
           h3sub(outputError: H3OutputError.targetsTransposed)),
        h3("h3-out-float-subtraction", "output error",
           "Aᴸ − Y is computed in Float (Float(a) − Float(y)) and converted back to Double, so Δᴸ is right to about 7 digits only.",
           h3sub(outputError: H3OutputError.floatSubtraction)),
        h3("h3-out-clamped-activations", "output error",
           "The activations are clamped to [1e−7, 1 − 1e−7] before subtracting (a habit from clipping a log-loss), so Δᴸ is wrong wherever an output is below 1e−7 or above 1 − 1e−7, which happens for saturated outputs (logits in the hundreds).",
           h3sub(outputError: H3OutputError.clampedActivations)),
        h3("h3-out-mean-over-classes", "output error",
           "Every element of Aᴸ − Y is divided by the number of outputs c (A.columns), as if the loss were a mean over the classes; Δᴸ has no such factor.",
           h3sub(outputError: H3OutputError.meanOverClasses)),
        h3("h3-out-cache-by-width", "output error",
           "The result is cached in a global dictionary keyed only by the number of columns c, so every later call with the same c returns the first call's Δᴸ (of possibly another m) instead of computing it.",
           h3sub(outputError: H3OutputError.cacheByWidth)),
        h3("h3-out-exit-on-zero-output", "output error",
           "A debugging check prints a message and calls exit(0) when any element of Aᴸ is exactly 0, which happens for saturated outputs at logits in the hundreds.",
           h3sub(outputError: H3OutputError.exitOnZeroOutput)),
        h3("h3-out-one-based-columns", "output error",
           "The loop over the units runs 1..<A.columns (units numbered from 1, as by hand), so column 0 of Δᴸ is never computed and stays 0.",
           h3sub(outputError: H3OutputError.oneBasedColumns)),
        h3("h3-out-rows-bound-columns", "output error",
           "The loop over the examples is bounded by A.columns (c) instead of A.rows (m), so rows past c stay 0 when m > c and it runs past the matrix when m < c; right only when m = c.",
           h3sub(outputError: H3OutputError.rowsBoundByColumns)),
        h3("h3-out-writes-into-targets", "output error",
           "Δᴸ is written through a mutable pointer into the storage of the targets Y (to save an allocation) and returned from there, so the values are right but the caller's Y is overwritten with Aᴸ − Y.",
           h3sub(outputError: H3OutputError.writesIntoTargets)),
    ]

    // MARK: Exercise 5, hidden error

    static let hiddenError: [HeldOut3Submission] = [
        h3("h3-hid-sigma-prime-at-k", "hidden error",
           "σ′ is read inside the sum at Aˡ[i, k], with k the unit of the layer above, instead of once at Aˡ[i, j], so each term is weighted by the wrong unit's σ′ (and the index runs past Aˡ when h_{l+1} > h_l).",
           h3sub(hiddenError: H3HiddenError.sigmaPrimeAtK)),
        h3("h3-hid-weights-flat-stride", "hidden error",
           "Wˡ⁺¹[j, k] is read from the flat elements at j * W.rows + k, a stride of h_l where Wˡ⁺¹'s row length h_{l+1} belongs, so the wrong weights are read (or the index runs past) whenever Wˡ⁺¹ is not square.",
           h3sub(hiddenError: H3HiddenError.weightsFlatStride)),
        h3("h3-hid-shape-from-delta", "hidden error",
           "Δˡ is allocated and filled with deltaAbove.columns (h_{l+1}) columns instead of weightsAbove.rows (h_l), so it has the shape of Δˡ⁺¹ and is wrong in shape, or runs past Wˡ⁺¹ and Aˡ, whenever Wˡ⁺¹ is not square.",
           h3sub(hiddenError: H3HiddenError.shapeFromDelta)),
        h3("h3-hid-tanh-prime-by-hand", "hidden error",
           "σ′ is written by hand as 1 − a² (the tanh derivative) whatever the hidden activation, instead of hidden.derivative(fromActivation:), so it is right only for tanh hidden layers.",
           h3sub(hiddenError: H3HiddenError.tanhPrimeByHand)),
        h3("h3-hid-sum-per-row", "hidden error",
           "The running sum is declared once per example i, outside the loop over the units j, so it is never reset between units and Δˡ[i, j] includes the sums of the units before j.",
           h3sub(hiddenError: H3HiddenError.sumPerRow)),
        h3("h3-hid-one-row-fast-path", "hidden error",
           "A special case for m = 1 computes δˡ with Wˡ⁺¹[k, j] instead of Wˡ⁺¹[j, k] (the transpose forgotten in the one-example fast path), so it is wrong only when the batch has one example.",
           h3sub(hiddenError: H3HiddenError.oneRowFastPath)),
        h3("h3-hid-sigma-prime-cache-by-shape", "hidden error",
           "σ′(Aˡ) is cached in a global dictionary keyed by Aˡ's shape, so every later call with activations of the same shape reuses the first call's σ′ instead of the current Aˡ's.",
           h3sub(hiddenError: H3HiddenError.sigmaPrimeCacheByShape)),
        h3("h3-hid-fatal-on-negative", "hidden error",
           "A defensive check calls fatalError when any activation is negative (assuming σ ≥ 0, as sigmoid and ReLU are), which stops the program on every tanh hidden layer.",
           h3sub(hiddenError: H3HiddenError.fatalOnNegative)),
        h3("h3-hid-buffer-from-activations", "hidden error",
           "The result is started as a copy of Aˡ and overwritten with the back-propagated sums before the σ′ pass reads it, so σ′ is computed from the sum Σₖ Δˡ⁺¹[i, k] Wˡ⁺¹[j, k] instead of from Aˡ[i, j].",
           h3sub(hiddenError: H3HiddenError.bufferFromActivations)),
        h3("h3-hid-extra-transpose", "hidden error",
           "The step builds Wt = (Wˡ⁺¹)ᵀ and then reads Wt[j, k] as if it were Wˡ⁺¹[j, k], so it uses Wˡ⁺¹[k, j] (the transpose applied twice): wrong values on a square Wˡ⁺¹, out of range otherwise.",
           h3sub(hiddenError: H3HiddenError.extraTranspose)),
    ]

    // MARK: Exercise 6, weight gradient

    static let weightGradient: [HeldOut3Submission] = [
        h3("h3-wg-scales-delta-in-place", "weight gradient",
           "Δˡ is divided by m in place through a mutable pointer into the caller's storage before the sums (to apply the 1/m once), so ∂Wˡ is right but the input Δˡ is overwritten with Δˡ/m.",
           h3sub(weightGradient: H3WeightGradient.scalesDeltaInPlace)),
        h3("h3-wg-divide-by-input-width", "weight gradient",
           "The sum over the examples is divided by input.columns (h_{l−1}) instead of m = input.rows, so ∂Wˡ is right only when h_{l−1} = m.",
           h3sub(weightGradient: H3WeightGradient.divideByInputWidth)),
        h3("h3-wg-k-bound-delta-columns", "weight gradient",
           "The loop over k (the rows of ∂Wˡ, the inputs of the layer) is bounded by delta.columns (h_l) instead of input.columns (h_{l−1}), so rows of ∂Wˡ stay 0 when h_l < h_{l−1} and it runs past Aˡ⁻¹ when h_l > h_{l−1}.",
           h3sub(weightGradient: H3WeightGradient.kBoundByDeltaColumns)),
        h3("h3-wg-divide-inside-loop", "weight gradient",
           "The division by m sits inside the loop over the examples (sum /= m after every term), so earlier examples are divided by m several times; right only when m = 1.",
           h3sub(weightGradient: H3WeightGradient.divideInsideLoop)),
        h3("h3-wg-transposed-then-indexed", "weight gradient",
           "The step builds At = (Aˡ⁻¹)ᵀ and then reads At[i, k] as if it were Aˡ⁻¹[i, k], so it uses Aˡ⁻¹[k, i] (an extra transpose): wrong values when Aˡ⁻¹ is square, out of range otherwise.",
           h3sub(weightGradient: H3WeightGradient.transposedThenIndexed)),
        h3("h3-wg-misses-last-example", "weight gradient",
           "The sum over the examples runs 0..<m − 1, leaving out the last example while still dividing by m (every element is 0 when m = 1).",
           h3sub(weightGradient: H3WeightGradient.missesLastExample)),
        h3("h3-wg-column-major-store", "weight gradient",
           "The result is stored in the flat elements at j * G.rows + k (column-major) instead of k * G.columns + j, so ∂Wˡ comes out transposed when square and scrambled otherwise.",
           h3sub(weightGradient: H3WeightGradient.columnMajorStore)),
        h3("h3-wg-fatal-single-example", "weight gradient",
           "A guard calls fatalError when m < 2 (as if a mean needed two examples, like a sample variance), so the step stops the program on every batch of one example.",
           h3sub(weightGradient: H3WeightGradient.fatalOnSingleExample)),
        h3("h3-wg-mean-of-halves", "weight gradient",
           "The mean over the examples is computed recursively as the average of the two halves' means, which weights the examples unequally unless m is a power of two.",
           h3sub(weightGradient: H3WeightGradient.meanOfHalves)),
    ]

    // MARK: Exercise 6, bias gradient

    static let biasGradient: [HeldOut3Submission] = [
        h3("h3-bg-recursion-pair-base", "bias gradient",
           "The recursive column sum has only a two-row base case (hi − lo == 2), so any range of one row, which appears whenever m is not a power of two (m = 1, 5, 7, …), recurses forever until the stack overflows.",
           h3sub(biasGradient: H3BiasGradient.recursionPairBase)),
        h3("h3-bg-divide-by-element-count", "bias gradient",
           "The column sums are divided by delta.elements.count (m · h_l) instead of m, so ∂bˡ is h_l times too small.",
           h3sub(biasGradient: H3BiasGradient.divideByElementCount)),
        h3("h3-bg-flat-mod-rows", "bias gradient",
           "The column sums are accumulated from the flat elements at sums[idx % delta.rows] instead of sums[idx % delta.columns], so the elements land in the wrong sums (or past the array) unless m = h_l.",
           h3sub(biasGradient: H3BiasGradient.flatModRows)),
        h3("h3-bg-first-row-twice", "bias gradient",
           "The sums start from delta.row(0) and the loop over the examples still starts at i = 0, so the first example's δ is counted twice.",
           h3sub(biasGradient: H3BiasGradient.firstRowTwice)),
        h3("h3-bg-global-accumulator", "bias gradient",
           "The sums live in a global array that is zeroed only when its length changes, so every later call with the same h_l adds onto the previous call's sums.",
           h3sub(biasGradient: H3BiasGradient.globalAccumulator)),
        h3("h3-bg-reversed-units", "bias gradient",
           "The units are visited from j = h_l − 1 down to 0 and each mean is appended, so the returned ∂bˡ is in reversed order (∂b[j] at index h_l − 1 − j).",
           h3sub(biasGradient: H3BiasGradient.reversedUnits)),
        h3("h3-bg-unrolled-by-two", "bias gradient",
           "The sum over the examples is unrolled by two (while i + 1 < m, adding rows i and i + 1) with no remainder step, so the last example is left out when m is odd (everything is 0 when m = 1).",
           h3sub(biasGradient: H3BiasGradient.unrolledByTwo)),
        h3("h3-bg-transposed-rows-bound-m", "bias gradient",
           "The means are taken over the rows of Δᵀ for j in 0..<delta.rows (m) instead of 0..<delta.columns (h_l), so it returns m numbers instead of h_l (or runs past Δᵀ when m > h_l); the step also prints the shapes as a debug trace.",
           h3sub(biasGradient: H3BiasGradient.transposedRowsBoundByM)),
        h3("h3-bg-negated", "bias gradient",
           "The mean of each column is returned with its sign flipped (−(1/m) Σᵢ Δ[i, j], the descent direction), instead of the gradient itself.",
           h3sub(biasGradient: H3BiasGradient.negated)),
    ]

    // MARK: Exercise 7, batch engine

    static let batchEngine: [HeldOut3Submission] = [
        h3("h3-eng-sigma-prime-layer-below", "batch engine",
           "In a backward loop that first propagates and then takes the gradients, Δˡ = hiddenError(Δˡ⁺¹, Wˡ⁺¹, ·) is given Aˡ⁻¹ (A[l − 1]) instead of the layer's own Aˡ (A[l]), so σ′ comes from the layer below.",
           h3sub(engine: { AnyBackpropEngine(H3Engine.SigmaPrimeLayerBelow(steps: $0)) })),
        h3("h3-eng-loss-mean-twice", "batch engine",
           "Each example's loss is divided by m as it is added and the total is multiplied by 1/m again, so the loss is m times too small (the gradients are right).",
           h3sub(engine: { AnyBackpropEngine(H3Engine.LossMeanTwice(steps: $0)) })),
        h3("h3-eng-softmax-always", "batch engine",
           "The output layer always uses a hand-written (stable) softmax instead of network.output.activation, so Aᴸ, the output error and the gradients are wrong for sigmoid outputs.",
           h3sub(engine: { AnyBackpropEngine(H3Engine.SoftmaxAlways(steps: $0)) })),
        h3("h3-eng-stores-z-as-a", "batch engine",
           "The forward loop feeds σ(Zˡ) to the next layer but appends Zˡ to the activations array, so the backward pass uses pre-activations wherever it needs Aˡ (Δᴸ = Zᴸ − Y, ∂Wˡ from Zˡ⁻¹, σ′ from Zˡ).",
           h3sub(engine: { AnyBackpropEngine(H3Engine.StoresZAsA(steps: $0)) })),
        h3("h3-eng-forward-cache-by-sizes", "batch engine",
           "The forward pass (every Aˡ and Zˡ) is cached in a global keyed only by network.sizes, so a later call on the same shape of network with other inputs, other weights or another m reuses the first call's activations.",
           h3sub(engine: { AnyBackpropEngine(H3Engine.ForwardCacheBySizes(steps: $0)) })),
        h3("h3-eng-weight-gradient-args-swapped", "batch engine",
           "steps.weightGradient is called with its arguments swapped, (Δˡ, Aˡ⁻¹), which computes (1/m) (Δˡ)ᵀ Aˡ⁻¹ = (∂Wˡ)ᵀ instead of ∂Wˡ.",
           h3sub(engine: { AnyBackpropEngine(H3Engine.WeightGradientArgsSwapped(steps: $0)) })),
        h3("h3-eng-softmax-loss-always", "batch engine",
           "The loss is computed with OutputLayer.softmaxCrossEntropy.loss for every network instead of network.output.loss, so the loss is wrong for sigmoid outputs (the gradients are right).",
           h3sub(engine: { AnyBackpropEngine(H3Engine.SoftmaxLossAlways(steps: $0)) })),
        h3("h3-eng-top-weights-everywhere", "batch engine",
           "The hidden error is always given the top layer's weights Wᴸ (hoisted out of the loop) instead of Wˡ of the layer above, which is right only for networks with one hidden layer; the loop also prints a debug line.",
           h3sub(engine: { AnyBackpropEngine(H3Engine.TopWeightsEverywhere(steps: $0)) })),
        h3("h3-eng-prepare-biases-never-set", "batch engine",
           "After gradients.prepare(for:) the engine assigns each layer's ∂Wˡ and the loss but never ∂bˡ, so the bias gradients are whatever the caller's storage held (zeros or the last call's answer).",
           h3sub(engine: { AnyBackpropEngine(H3Engine.BiasesNeverSet(steps: $0)) })),
        h3("h3-eng-while-stuck-at-one", "batch engine",
           "The backward while loop decrements l only inside `if l > 1`, so once it reaches l = 1 it repeats layer 1 forever and never returns.",
           h3sub(engine: { AnyBackpropEngine(H3Engine.WhileStuckAtOne(steps: $0)) })),
        h3("h3-eng-loss-first-target", "batch engine",
           "Every example's loss is computed against Y.row(0), the first example's target, instead of Y.row(i), so the loss is wrong whenever m > 1 (the gradients are right).",
           h3sub(engine: { AnyBackpropEngine(H3Engine.LossFirstTarget(steps: $0)) })),
        h3("h3-eng-naive-softmax", "batch engine",
           "For softmax outputs the engine uses a hand-written softmax exp(zⱼ) / Σₖ exp(zₖ) without subtracting the row's maximum, which gives NaN when the logits are in the hundreds.",
           h3sub(engine: { AnyBackpropEngine(H3Engine.NaiveSoftmax(steps: $0)) })),
    ]

    // MARK: Correct, written unusually

    static let correct: [HeldOut3Submission] = [
        h3("h3-pass-oe-recursive-delta", "pass",
           "Correct: the one-example δˡ is computed by a recursive function δ(l) that calls δ(l + 1) down from the output, recomputed for every layer.",
           h3sub(oneExample: H3OneExample.recursiveDelta)),
        h3("h3-pass-oe-exact-memo", "pass",
           "Correct: the one-example result is memoised in a lock-protected global keyed by the whole network, x and y (exact equality), so a hit only ever returns the answer for the same inputs.",
           h3sub(oneExample: H3OneExample.exactMemo)),
        h3("h3-pass-fw-transposed-weights", "pass",
           "Correct: the forward step builds (Wˡ)ᵀ once and sums Aˡ⁻¹[i, k] · (Wˡ)ᵀ[j, k], which is the same product in the same order.",
           h3sub(forward: H3Forward.viaTransposedWeights)),
        h3("h3-pass-fw-row-saxpy", "pass",
           "Correct: the forward step fills each row of Zˡ with bˡ and then adds Aˡ⁻¹[i, k] times row k of Wˡ for k in order (loop order i, k, j), after shape checks that never fire.",
           h3sub(forward: H3Forward.rowSaxpy)),
        h3("h3-pass-out-zip", "pass",
           "Correct: the output error subtracts the flat element arrays with zip and builds the matrix from them, after a shape precondition that never fires.",
           h3sub(outputError: H3OutputError.zipElements)),
        h3("h3-pass-hid-sigma-prime-per-term", "pass",
           "Correct: the hidden error multiplies each term of the sum by σ′(Aˡ[i, j]) (distributivity) instead of the finished sum.",
           h3sub(hiddenError: H3HiddenError.sigmaPrimePerTerm)),
        h3("h3-pass-hid-backwards-k", "pass",
           "Correct: the hidden error sums over k from the last unit of the layer above down to the first.",
           h3sub(hiddenError: H3HiddenError.backwardsK)),
        h3("h3-pass-wg-transposed-input", "pass",
           "Correct: the weight gradient builds (Aˡ⁻¹)ᵀ and multiplies it by Δˡ with the sum over the examples in order, then divides by m.",
           h3sub(weightGradient: H3WeightGradient.viaTransposedInput)),
        h3("h3-pass-wg-outer-products", "pass",
           "Correct: the weight gradient adds example i's outer product aᵢ δᵢᵀ into ∂Wˡ for i in order (loop order i, k, j) and divides every element by m at the end.",
           h3sub(weightGradient: H3WeightGradient.outerProducts)),
        h3("h3-pass-bg-pairwise-recursion", "pass",
           "Correct: the bias gradient sums each column by recursive pairwise halving (base case one row), then divides by m.",
           h3sub(biasGradient: H3BiasGradient.pairwiseRecursion)),
        h3("h3-pass-bg-defensive", "pass",
           "Correct: the bias gradient throws on an empty batch and checks the length of its result (checks that never fire), and multiplies the column sums by 1 / m.",
           h3sub(biasGradient: H3BiasGradient.defensive)),
        h3("h3-pass-eng-debug-print", "pass",
           "Correct: the batch engine is the plain composition and prints each layer's shapes in the backward loop as a debug trace.",
           h3sub(engine: { AnyBackpropEngine(H3Engine.DebugPrint(steps: $0)) })),
        h3("h3-pass-eng-propagate-first", "pass",
           "Correct: the batch engine handles the top layer before the loop and then, for l = L − 1 down to 1, first propagates Δˡ = hiddenError(Δˡ⁺¹, Wˡ⁺¹, Aˡ) and then takes layer l's gradients.",
           h3sub(engine: { AnyBackpropEngine(H3Engine.PropagateFirst(steps: $0)) })),
        h3("h3-pass-eng-prepare-assign", "pass",
           "Correct: the batch engine calls gradients.prepare(for:) and then assigns every layer's ∂Wˡ and ∂bˡ and the mean loss into the caller's storage.",
           h3sub(engine: { AnyBackpropEngine(H3Engine.PrepareAndAssign(steps: $0)) })),
    ]
}

// MARK: - Exercise 3: one example

/// The parts of a one-example hand-in that its slip does not touch: Solutions' forward and backward passes.
enum H3OneExampleParts {
    /// Every aˡ (a[0] = x) and zˡ (z[0] empty), as Solutions computes them.
    static func forward(_ network: Network<Double>, _ x: [Double]) -> (a: [[Double]], z: [[Double]]) {
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

    /// δᴸ, every δˡ and the gradients, as Solutions computes them, from the activations of the forward pass.
    static func backward(_ network: Network<Double>, _ a: [[Double]], _ y: [Double], loss: Double) -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
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
}

nonisolated(unsafe) var h3ForwardMemo: (widths: [Int], a: [[Double]], z: [[Double]])? = nil

final class H3ExactMemo: @unchecked Sendable {
    let lock = NSLock()
    var last: (network: Network<Double>, x: [Double], y: [Double], result: Gradients<Double>)?
}

let h3ExactMemo = H3ExactMemo()

enum H3OneExample {
    static func flatColumnStride(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let w = network.layers[l - 1].weights.elements   // Wˡ, flat
            var zl = network.layers[l - 1].biases
            for j in 0..<h[l] {
                for k in 0..<h[l - 1] { zl[j] += w[j * h[l - 1] + k] * a[l - 1][k] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        return H3OneExampleParts.backward(network, a, y, loss: loss)
    }

    static func outputElementwise(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            } else {
                a.append(zl.map { network.output.activation([$0])[0] })
            }
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        return H3OneExampleParts.backward(network, a, y, loss: loss)
    }

    static func backSumBoundBelow(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, z) = H3OneExampleParts.forward(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var next = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l - 1] { sum += W[j, k] * delta[k] }
                next[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = next
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func cacheByWidths(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let widths = [x.count, y.count]
        let pass: (a: [[Double]], z: [[Double]])
        if let memo = h3ForwardMemo, memo.widths == widths {
            pass = (memo.a, memo.z)   // the forward pass is the slow part: do it once
        } else {
            pass = H3OneExampleParts.forward(network, x)
            h3ForwardMemo = (widths, pass.a, pass.z)
        }
        let loss = network.output.loss(logits: pass.z[L], activation: pass.a[L], target: y)
        return H3OneExampleParts.backward(network, pass.a, y, loss: loss)
    }

    static func handLogLoss(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let (a, _) = H3OneExampleParts.forward(network, x)
        let out = a[L]
        var loss = 0.0
        if network.output.activation == .softmax {
            for j in 0..<out.count { loss -= y[j] * log(out[j]) }
        } else {
            for j in 0..<out.count { loss -= y[j] * log(out[j]) + (1 - y[j]) * log(1 - out[j]) }
        }
        return H3OneExampleParts.backward(network, a, y, loss: loss)
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
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        return H3OneExampleParts.backward(network, a, y, loss: loss)
    }

    static func saturationPrecondition(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, z) = H3OneExampleParts.forward(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        // a and y are both between 0 and 1, so the output error must be too
        let deltaL = (0..<h[L]).map { a[L][$0] - y[$0] }
        precondition(deltaL.allSatisfy { abs($0) < 1 }, "output error out of range: \(deltaL)")
        return H3OneExampleParts.backward(network, a, y, loss: loss)
    }

    static func mirroredLayers(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, z) = H3OneExampleParts.forward(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[L - l] = LayerParameters(weights: gw, biases: delta)
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

    static func biasAfterPropagate(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, z) = H3OneExampleParts.forward(network, x)
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

    static func outputActivationOneEarly(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            let isHidden = l < L - 1   // layers 0..<L-1 are hidden
            a.append(isHidden ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        return H3OneExampleParts.backward(network, a, y, loss: loss)
    }

    // Correct ones.

    static func recursiveDelta(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, z) = H3OneExampleParts.forward(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        func delta(_ l: Int) -> [Double] {
            if l == L { return (0..<h[L]).map { a[L][$0] - y[$0] } }
            let above = delta(l + 1)
            let W = network.layers[l].weights   // Wˡ⁺¹ lives at index l
            return (0..<h[l]).map { j in
                var sum = 0.0
                for k in 0..<h[l + 1] { sum += W[j, k] * above[k] }
                return sum * network.hidden.derivative(fromActivation: a[l][j])
            }
        }
        var layers: [LayerParameters<Double>] = []
        for l in 1...L {
            let d = delta(l)
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * d[j] } }
            layers.append(LayerParameters(weights: gw, biases: d))
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func exactMemo(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        h3ExactMemo.lock.lock()
        defer { h3ExactMemo.lock.unlock() }
        if let last = h3ExactMemo.last, last.network == network, last.x == x, last.y == y {
            return last.result
        }
        let L = network.layerCount
        let (a, z) = H3OneExampleParts.forward(network, x)
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        let result = H3OneExampleParts.backward(network, a, y, loss: loss)
        h3ExactMemo.last = (network, x, y, result)
        return result
    }
}

// MARK: - Exercise 4: forward

nonisolated(unsafe) var h3ForwardScratch: [Double] = []

enum H3Forward {
    static func flatBiasDivRows(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        // now the bias, broadcast over the rows
        for idx in Z.elements.indices { Z.elements[idx] += b[idx / Z.rows] }
        return Z
    }

    static func whileContinueOnZero(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                var k = 0
                while k < A.columns {
                    let a = A[i, k]
                    if a == 0 { continue }   // a dead unit adds nothing: skip it
                    sum += a * W[k, j]
                    k += 1
                }
                Z[i, j] = sum
            }
        }
        return Z
    }

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

    static func kBoundRows(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.rows { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func columnsFromInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func staleGlobalBuffer(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = W.columns
        if h3ForwardScratch.count != m * n {
            h3ForwardScratch = [Double](repeating: 0, count: m * n)   // allocate once, reuse after
        }
        for i in 0..<m {
            for k in 0..<A.columns {
                for j in 0..<n { h3ForwardScratch[i * n + j] += A[i, k] * W[k, j] }
            }
        }
        var Z = Matrix<Double>(rows: m, columns: n)
        for i in 0..<m { for j in 0..<n { Z[i, j] = b[j] + h3ForwardScratch[i * n + j] } }
        return Z
    }

    static func returnsTransposed(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: W.columns, columns: A.rows)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[j, i] = sum
            }
        }
        return Z
    }

    static func lastUnitSkippedWithPrint(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns - 1 {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
            print("forward: Z row", i, Z.row(i))
        }
        return Z
    }

    static func weightStrideFromInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let a = A.elements, w = W.elements
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += a[i * A.columns + k] * w[k * A.columns + j] }
                Z.elements[i * Z.columns + j] = sum
            }
        }
        return Z
    }

    // Correct ones.

    static func viaTransposedWeights(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let Wt = W.transposed   // row j holds the weights into unit j
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

    static func rowSaxpy(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        guard A.columns == W.rows else {
            throw BackpropError("forward: A is \(A.shapeDescription) but W is \(W.shapeDescription)")
        }
        guard b.count == W.columns else {
            throw BackpropError("forward: \(b.count) biases for \(W.columns) units")
        }
        let m = A.rows, n = W.columns
        var Z = Matrix<Double>(rows: m, columns: n)
        for i in 0..<m {
            for j in 0..<n { Z[i, j] = b[j] }
            for k in 0..<A.columns {
                let aik = A[i, k]
                for j in 0..<n { Z[i, j] += aik * W[k, j] }
            }
        }
        return Z
    }
}

// MARK: - Exercise 4: output error

nonisolated(unsafe) var h3OutputErrorCache: [Int: Matrix<Double>] = [:]

enum H3OutputError {
    static func targetsTransposed(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[j, i] } }
        return delta
    }

    static func floatSubtraction(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = Double(Float(A[i, j]) - Float(Y[i, j])) }
        }
        return delta
    }

    static func clampedActivations(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
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

    static func meanOverClasses(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let c = Double(A.columns)
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / c } }
        return delta
    }

    static func cacheByWidth(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        if let hit = h3OutputErrorCache[A.columns] { return hit }
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        h3OutputErrorCache[A.columns] = delta
        return delta
    }

    static func exitOnZeroOutput(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        if A.elements.contains(0) {
            print("outputError: an output activation is exactly 0, something is wrong")
            exit(0)
        }
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func oneBasedColumns(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 1..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func rowsBoundByColumns(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.columns { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func writesIntoTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        // Y is not needed after this: reuse its memory for Δᴸ instead of allocating
        Y.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for idx in 0..<buffer.count { p[idx] = A.elements[idx] - p[idx] }
        }
        return Matrix(rows: Y.rows, columns: Y.columns, elements: Y.elements)
    }

    // Correct one.

    static func zipElements(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        precondition(A.rows == Y.rows && A.columns == Y.columns, "A \(A.shapeDescription) and Y \(Y.shapeDescription)")
        return Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }
}

// MARK: - Exercise 5: hidden error

nonisolated(unsafe) var h3SigmaPrimeCache: [String: Matrix<Double>] = [:]

enum H3HiddenError {
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

    static func weightsFlatStride(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        let w = W.elements
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * w[j * W.rows + k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func shapeFromDelta(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: D.columns)
        for i in 0..<delta.rows {
            for j in 0..<delta.columns {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func tanhPrimeByHand(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let a = A[i, j]
                delta[i, j] = sum * (1 - a * a)
            }
        }
        return delta
    }

    static func sumPerRow(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                          _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            var sum = 0.0
            for j in 0..<W.rows {
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func oneRowFastPath(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        if D.rows == 1 {
            // one example: δˡ = Wˡ⁺¹ δˡ⁺¹ ∘ σ′, as in exercise 3
            var delta = Matrix<Double>(rows: 1, columns: W.rows)
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += W[k, j] * D[0, k] }
                delta[0, j] = sum * hidden.derivative(fromActivation: A[0, j])
            }
            return delta
        }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func sigmaPrimeCacheByShape(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                       _ hidden: Activation) throws -> Matrix<Double> {
        let key = A.shapeDescription
        let sp: Matrix<Double>
        if let hit = h3SigmaPrimeCache[key] {
            sp = hit
        } else {
            sp = A.map { hidden.derivative(fromActivation: $0) }
            h3SigmaPrimeCache[key] = sp
        }
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

    static func fatalOnNegative(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        guard A.elements.allSatisfy({ $0 >= 0 }) else {
            fatalError("hiddenError: negative activation, the activations must be σ(Z) and not Z")
        }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func bufferFromActivations(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        var delta = A   // Δˡ has Aˡ's shape, and σ′ needs Aˡ: start from a copy
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum
            }
        }
        for idx in delta.elements.indices {
            delta.elements[idx] *= hidden.derivative(fromActivation: delta.elements[idx])
        }
        return delta
    }

    static func extraTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = W.transposed   // the equation has (Wˡ⁺¹)ᵀ
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

    // Correct ones.

    static func sigmaPrimePerTerm(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                let s = hidden.derivative(fromActivation: A[i, j])
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] * s }
                delta[i, j] = sum
            }
        }
        return delta
    }

    static func backwardsK(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                           _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in stride(from: W.columns - 1, through: 0, by: -1) { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }
}

// MARK: - Exercise 6: weight gradient

enum H3WeightGradient {
    static func scalesDeltaInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        // apply the 1/m once, to Δ, instead of to every sum
        D.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for idx in 0..<buffer.count { p[idx] /= Double(m) }
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

    static func divideByInputWidth(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func kBoundByDeltaColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func divideInsideLoop(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m {
                    sum += A[i, k] * D[i, j]
                    sum /= Double(m)
                }
                G[k, j] = sum
            }
        }
        return G
    }

    static func transposedThenIndexed(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        let At = A.transposed   // ∂W = (Aˡ⁻¹)ᵀ Δˡ
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += At[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func missesLastExample(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func columnMajorStore(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A.elements[i * A.columns + k] * D.elements[i * D.columns + j] }
                G.elements[j * G.rows + k] = sum / Double(m)
            }
        }
        return G
    }

    static func fatalOnSingleExample(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        guard m >= 2 else { fatalError("weightGradient: a mean needs at least 2 examples, got m = \(m)") }
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

    static func meanOfHalves(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        func mean(_ k: Int, _ j: Int, _ lo: Int, _ hi: Int) -> Double {
            if hi - lo == 1 { return A[lo, k] * D[lo, j] }
            let mid = (lo + hi) / 2
            return (mean(k, j, lo, mid) + mean(k, j, mid, hi)) / 2
        }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns { G[k, j] = mean(k, j, 0, A.rows) }
        }
        return G
    }

    // Correct ones.

    static func viaTransposedInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let At = A.transposed   // [h_{l−1}, m]
        var G = Matrix<Double>(rows: At.rows, columns: D.columns)
        for k in 0..<At.rows {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<At.columns { sum += At[k, i] * D[i, j] }
                G[k, j] = sum / Double(D.rows)
            }
        }
        return G
    }

    static func outerProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<m {
            // example i's aˡ⁻¹ (δˡ)ᵀ
            for k in 0..<A.columns {
                let a = A[i, k]
                for j in 0..<D.columns { G[k, j] += a * D[i, j] }
            }
        }
        return G.map { $0 / Double(m) }
    }
}

// MARK: - Exercise 6: bias gradient

nonisolated(unsafe) var h3BiasSums: [Double] = []

enum H3BiasGradient {
    static func recursionPairBase(_ D: Matrix<Double>) throws -> [Double] {
        func columnSum(_ j: Int, _ lo: Int, _ hi: Int) -> Double {
            if hi - lo == 2 { return D[lo, j] + D[lo + 1, j] }
            let mid = (lo + hi) / 2
            return columnSum(j, lo, mid) + columnSum(j, mid, hi)
        }
        return (0..<D.columns).map { columnSum($0, 0, D.rows) / Double(D.rows) }
    }

    static func divideByElementCount(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for idx in D.elements.indices { sums[idx % D.columns] += D.elements[idx] }
        let count = Double(D.elements.count)
        return sums.map { $0 / count }
    }

    static func flatModRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for idx in D.elements.indices { sums[idx % D.rows] += D.elements[idx] }
        return sums.map { $0 / Double(D.rows) }
    }

    static func firstRowTwice(_ D: Matrix<Double>) throws -> [Double] {
        var sums = D.row(0)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func globalAccumulator(_ D: Matrix<Double>) throws -> [Double] {
        if h3BiasSums.count != D.columns { h3BiasSums = [Double](repeating: 0, count: D.columns) }
        for i in 0..<D.rows { for j in 0..<D.columns { h3BiasSums[j] += D[i, j] } }
        return h3BiasSums.map { $0 / Double(D.rows) }
    }

    static func reversedUnits(_ D: Matrix<Double>) throws -> [Double] {
        var result: [Double] = []
        for j in stride(from: D.columns - 1, through: 0, by: -1) {
            var sum = 0.0
            for i in 0..<D.rows { sum += D[i, j] }
            result.append(sum / Double(D.rows))
        }
        return result
    }

    static func unrolledByTwo(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows
        var sums = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            var sum = 0.0
            var i = 0
            while i + 1 < m {
                sum += D[i, j] + D[i + 1, j]
                i += 2
            }
            sums[j] = sum / Double(m)
        }
        return sums
    }

    static func transposedRowsBoundByM(_ D: Matrix<Double>) throws -> [Double] {
        let T = D.transposed   // row j of Δᵀ is column j of Δ
        print("biasGradient: Δ is", D.shapeDescription, "and Δᵀ is", T.shapeDescription)
        return (0..<D.rows).map { j in T.row(j).reduce(0, +) / Double(T.columns) }
    }

    static func negated(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { -$0 / Double(D.rows) }   // downhill
    }

    // Correct ones.

    static func pairwiseRecursion(_ D: Matrix<Double>) throws -> [Double] {
        guard D.rows > 0 else { return [Double](repeating: 0, count: D.columns) }
        func columnSum(_ j: Int, _ lo: Int, _ hi: Int) -> Double {
            if hi - lo == 1 { return D[lo, j] }
            let mid = (lo + hi) / 2
            return columnSum(j, lo, mid) + columnSum(j, mid, hi)
        }
        return (0..<D.columns).map { columnSum($0, 0, D.rows) / Double(D.rows) }
    }

    static func defensive(_ D: Matrix<Double>) throws -> [Double] {
        guard D.rows > 0 else { throw BackpropError("biasGradient: Δ \(D.shapeDescription) has no examples") }
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        precondition(sums.count == D.columns, "one bias gradient per unit")
        let scale = 1 / Double(D.rows)
        return sums.map { $0 * scale }
    }
}

// MARK: - Exercise 7: batch engine

/// The parts of an engine hand-in that its slip does not touch, as Solutions.BatchEngine does them.
enum H3EngineParts {
    /// A⁰ = X, every Aˡ, and Zˡ (Z[0] empty), through `steps.forward`.
    static func forward(_ network: Network<Double>, _ X: Matrix<Double>,
                        _ steps: MatrixFormSteps) throws -> (A: [Matrix<Double>], Z: [Matrix<Double>]) {
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

    /// 𝓛 = (1/m) Σᵢ ℓᵢ, summed in order and multiplied by 1/m.
    static func meanLoss(_ network: Network<Double>, _ ZL: Matrix<Double>, _ AL: Matrix<Double>,
                         _ Y: Matrix<Double>) -> Double {
        var loss = 0.0
        for i in 0..<Y.rows { loss += network.output.loss(logits: ZL.row(i), activation: AL.row(i), target: Y.row(i)) }
        return loss * (1 / Double(Y.rows))
    }

    /// Every layer's gradients, top down, as Solutions does it.
    static func backward(_ network: Network<Double>, _ A: [Matrix<Double>], _ Y: Matrix<Double>,
                         _ steps: MatrixFormSteps) throws -> [LayerParameters<Double>] {
        let L = network.layerCount
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        return layers
    }
}

nonisolated(unsafe) var h3EngineForwardCache: (sizes: [Int], A: [Matrix<Double>], Z: [Matrix<Double>])? = nil

enum H3Engine {
    struct SigmaPrimeLayerBelow: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            let loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            layers[L - 1] = LayerParameters(weights: try steps.weightGradient(A[L - 1], delta),
                                            biases: try steps.biasGradient(delta))
            for l in stride(from: L - 1, through: 1, by: -1) {
                // Δˡ from Δˡ⁺¹ and Wˡ⁺¹ (at index l)
                delta = try steps.hiddenError(delta, network.layers[l].weights, A[l - 1], network.hidden)
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
            }
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct LossMeanTwice: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            var loss = 0.0
            for i in 0..<m {
                loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) / Double(m)
            }
            let layers = try H3EngineParts.backward(network, A, Y, steps)
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    /// A softmax of one row, the largest logit subtracted first.
    static func softmax(_ z: [Double]) -> [Double] {
        let largest = z.max() ?? 0
        let e = z.map { exp($0 - largest) }
        let total = e.reduce(0, +)
        return e.map { $0 / total }
    }

    struct SoftmaxAlways: BackpropEngine {
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
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows(H3Engine.softmax))
            }
            let loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
            let layers = try H3EngineParts.backward(network, A, Y, steps)
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct StoresZAsA: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            var current = X
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(current, layer.weights, layer.biases)
                Z.append(Zl)
                current = l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) }
                A.append(Zl)
            }
            let loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
            let layers = try H3EngineParts.backward(network, A, Y, steps)
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct ForwardCacheBySizes: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let A: [Matrix<Double>], Z: [Matrix<Double>]
            if let cached = h3EngineForwardCache, cached.sizes == network.sizes {
                A = cached.A
                Z = cached.Z
            } else {
                (A, Z) = try H3EngineParts.forward(network, X, steps)
                h3EngineForwardCache = (network.sizes, A, Z)
            }
            let loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
            let layers = try H3EngineParts.backward(network, A, Y, steps)
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct WeightGradientArgsSwapped: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            let loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                let gw = try steps.weightGradient(delta, A[l - 1])
                let gb = try steps.biasGradient(delta)
                layers[l - 1] = LayerParameters(weights: gw, biases: gb)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct SoftmaxLossAlways: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            let crossEntropy = OutputLayer.softmaxCrossEntropy
            var loss = 0.0
            for i in 0..<m { loss += crossEntropy.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            let layers = try H3EngineParts.backward(network, A, Y, steps)
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct TopWeightsEverywhere: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            let loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
            let W = network.layers[L - 1].weights
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                print("l =", l, "A[l - 1]", A[l - 1].shapeDescription, "delta", delta.shapeDescription)
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, W, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct BiasesNeverSet: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            gradients.prepare(for: network)
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients.loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
        }
    }

    struct WhileStuckAtOne: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            let loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
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
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct LossFirstTarget: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            let y = Y.row(0)
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: y) }
            let layers = try H3EngineParts.backward(network, A, Y, steps)
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct NaiveSoftmax: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        static func softmax(_ z: [Double]) -> [Double] {
            let e = z.map { exp($0) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                if l < L {
                    A.append(Zl.map { network.hidden.value($0) })
                } else if network.output.activation == .softmax {
                    A.append(Zl.mapRows(NaiveSoftmax.softmax))
                } else {
                    A.append(Zl.mapRows { network.output.activation($0) })
                }
            }
            let loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
            let layers = try H3EngineParts.backward(network, A, Y, steps)
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    // Correct ones.

    struct DebugPrint: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            let loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                print("l =", l, "A[l - 1]", A[l - 1].shapeDescription, "delta", delta.shapeDescription)
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct PropagateFirst: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            let loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            layers[L - 1] = LayerParameters(weights: try steps.weightGradient(A[L - 1], delta),
                                            biases: try steps.biasGradient(delta))
            for l in stride(from: L - 1, through: 1, by: -1) {
                // Δˡ from Δˡ⁺¹ and Wˡ⁺¹ (at index l), σ′ from this layer's Aˡ
                delta = try steps.hiddenError(delta, network.layers[l].weights, A[l], network.hidden)
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
            }
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct PrepareAndAssign: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            gradients.prepare(for: network)
            let (A, Z) = try H3EngineParts.forward(network, X, steps)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
                gradients.layers[l - 1].biases = try steps.biasGradient(delta)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients.loss = H3EngineParts.meanLoss(network, Z[L], A[L], Y)
        }
    }
}
