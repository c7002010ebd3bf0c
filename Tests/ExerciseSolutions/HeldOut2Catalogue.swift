#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Backprop
import BackpropExercises

// A second held-out class of hand-ins (exercises 3 to 7), written from the course pages only, without the checker
// or the other catalogues. Each wrong hand-in has one slip in one step; its other steps are Solutions'. The "pass"
// entries are correct but written unusually.

/// One held-out hand-in: its name, the step where the slip is ("pass" when there is none), the slip in one
/// sentence, and the submission.
public struct HeldOut2Submission: Sendable {
    public let name: String
    public let expected: String
    public let mistake: String
    public let submission: StudentSubmission
}

func h2(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut2Submission {
    HeldOut2Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h2sub(
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

public enum HeldOut2Catalogue {
    public static let all: [HeldOut2Submission] = [
        // MARK: one example (exercise 3)
        h2("h2-oe-delta-overwritten-in-place", "one example", "The hidden error is written back into the same array it is still reading, so later units use already-updated entries of the layer above.", h2sub(oneExample: H2OneExample.deltaOverwrittenInPlace)),
        h2("h2-oe-categorical-log-loss-everywhere", "one example", "The loss is computed by hand as minus the sum of y times log a for every output, the softmax formula, also for the sigmoid output and with no guard for probabilities that round to 0.", h2sub(oneExample: H2OneExample.categoricalLogLossEverywhere)),
        h2("h2-oe-weight-gradient-output-by-input", "one example", "The weight gradient is built as delta times a transposed, shaped [h_l, h_(l-1)] as in Nielsen's book, instead of the course's [h_(l-1), h_l].", h2sub(oneExample: H2OneExample.weightGradientOutputByInput)),
        h2("h2-oe-sigma-prime-from-layer-above", "one example", "The hidden error takes sigma prime from the activations of the layer above (a[l]) instead of the layer's own a[l-1].", h2sub(oneExample: H2OneExample.sigmaPrimeFromLayerAbove)),
        h2("h2-oe-forward-memoised-by-sizes", "one example", "The forward pass is memoised in a global dictionary keyed by the network's sizes, so every later example reuses the first example's activations.", h2sub(oneExample: H2OneExample.forwardMemoisedBySizes)),
        h2("h2-oe-guard-before-layer-one", "one example", "The guard that stops before computing a delta for layer 0 is placed at the top of the backward loop, so layer 1's gradients are never filled in and stay zero.", h2sub(oneExample: H2OneExample.guardBeforeLayerOne)),
        h2("h2-oe-softmax-for-every-output", "one example", "The output activation is a stable softmax written by hand for every network, including those whose output is a sigmoid.", h2sub(oneExample: H2OneExample.softmaxForEveryOutput)),
        h2("h2-oe-bias-after-activation", "one example", "The bias is added after the activation, a = sigma(W^T a) + b, instead of inside it, a = sigma(W^T a + b).", h2sub(oneExample: H2OneExample.biasAfterActivation)),
        h2("h2-oe-precondition-square-weights", "one example", "A precondition of the student's own requires every weight matrix to be square and stops the program on valid non-square networks.", h2sub(oneExample: H2OneExample.preconditionSquareWeights)),
        h2("h2-oe-biases-returned-as-gradient", "one example", "The bias gradient returned is the layer's own biases b, a variable copied from the forward loop, instead of delta.", h2sub(oneExample: H2OneExample.biasesReturnedAsGradient)),

        // MARK: forward (exercise 4)
        h2("h2-fw-units-bounded-by-input-width", "forward", "The loop over the units j of the layer runs to input.columns (h_(l-1)) instead of weights.columns (h_l).", h2sub(forward: H2Forward.unitsBoundedByInputWidth)),
        h2("h2-fw-returns-transposed-z", "forward", "Z is built as [h_l, m] with Z[j, i], the examples-as-columns convention, instead of [m, h_l].", h2sub(forward: H2Forward.returnsTransposedZ)),
        h2("h2-fw-bias-on-first-row-only", "forward", "The bias is added in a separate loop to row 0 only, as if 1_m b^T were a single row.", h2sub(forward: H2Forward.biasOnFirstRowOnly)),
        h2("h2-fw-input-read-column-major", "forward", "A[i, k] is read from the flat elements as elements[k * rows + i], the column-major index, instead of elements[i * columns + k].", h2sub(forward: H2Forward.inputReadColumnMajor)),
        h2("h2-fw-first-bias-everywhere", "forward", "Z is pre-filled with bias[0] for every unit instead of bias[j].", h2sub(forward: H2Forward.firstBiasEverywhere)),
        h2("h2-fw-float-accumulator", "forward", "The sum over k is accumulated in Float and converted back to Double.", h2sub(forward: H2Forward.floatAccumulator)),
        h2("h2-fw-column-gathered-with-wrong-stride", "forward", "Column j of W is gathered from the flat elements with a stride of weights.rows instead of weights.columns.", h2sub(forward: H2Forward.columnGatheredWithWrongStride)),
        h2("h2-fw-scratch-buffer-never-zeroed", "forward", "The result goes into a global scratch matrix reused between calls of the same shape and added into with += without being zeroed.", h2sub(forward: H2Forward.scratchBufferNeverZeroed)),
        h2("h2-fw-examples-from-columns", "forward", "The number of examples m is taken from input.columns instead of input.rows.", h2sub(forward: H2Forward.examplesFromColumns)),
        h2("h2-fw-unrolled-by-two-drops-tail", "forward", "The sum over k is unrolled by two and the leftover last term is dropped when h_(l-1) is odd.", h2sub(forward: H2Forward.unrolledByTwoDropsTail)),

        // MARK: output error (exercise 4)
        h2("h2-oerr-columns-bounded-by-rows", "output error", "The inner loop over the outputs j runs to output.rows (m) instead of output.columns (c).", h2sub(outputError: H2OutputError.columnsBoundedByRows)),
        h2("h2-oerr-shape-swapped", "output error", "The differences are right in flat order but the result is declared [c, m] instead of [m, c].", h2sub(outputError: H2OutputError.shapeSwapped)),
        h2("h2-oerr-one-subtracted-at-prediction", "output error", "1 is subtracted at the predicted class (the largest output) instead of at the target class.", h2sub(outputError: H2OutputError.oneSubtractedAtPrediction)),
        h2("h2-oerr-softmax-applied-again", "output error", "A softmax is applied again to each row of A^L, which is already the output activation, before subtracting Y.", h2sub(outputError: H2OutputError.softmaxAppliedAgain)),
        h2("h2-oerr-clipped-probabilities", "output error", "A^L is clipped to [1e-7, 1 - 1e-7] before the subtraction, a habit from log-loss code.", h2sub(outputError: H2OutputError.clippedProbabilities)),
        h2("h2-oerr-float-difference", "output error", "The subtraction is done in Float and converted back to Double.", h2sub(outputError: H2OutputError.floatDifference)),
        h2("h2-oerr-factor-two", "output error", "The error is 2 (A - Y), the derivative of a squared error without the one half.", h2sub(outputError: H2OutputError.factorTwo)),
        h2("h2-oerr-return-inside-row-loop", "output error", "The return statement sits inside the loop over the examples, so only the first row is filled in.", h2sub(outputError: H2OutputError.returnInsideRowLoop)),
        h2("h2-oerr-buffer-sized-on-first-call", "output error", "A global buffer is sized on the first call and reused with its own shape on every later call.", h2sub(outputError: H2OutputError.bufferSizedOnFirstCall)),
        h2("h2-oerr-target-class-only", "output error", "The error is set only at the target's class (A - 1 where Y is 1) and left at 0 for every other output.", h2sub(outputError: H2OutputError.targetClassOnly)),

        // MARK: hidden error (exercise 5)
        h2("h2-he-sigma-prime-of-unit-above", "hidden error", "sigma prime is taken inside the sum at A[i, k], the index of the unit above, instead of once at A[i, j].", h2sub(hiddenError: H2HiddenError.sigmaPrimeOfUnitAbove)),
        h2("h2-he-sum-bounded-by-rows", "hidden error", "The sum over the units k above runs to weightsAbove.rows (h_l) instead of weightsAbove.columns (h_(l+1)).", h2sub(hiddenError: H2HiddenError.sumBoundedByRows)),
        h2("h2-he-sigmoid-derivative-by-hand", "hidden error", "sigma prime is written by hand as a (1 - a) whatever the hidden activation is.", h2sub(hiddenError: H2HiddenError.sigmoidDerivativeByHand)),
        h2("h2-he-delta-above-at-j", "hidden error", "The error above is read at deltaAbove[i, j] instead of deltaAbove[i, k] inside the sum.", h2sub(hiddenError: H2HiddenError.deltaAboveAtJ)),
        h2("h2-he-sigma-prime-inside-k-loop", "hidden error", "With the loop over k outermost, the partial sum is multiplied by sigma prime on every k instead of once at the end.", h2sub(hiddenError: H2HiddenError.sigmaPrimeInsideKLoop)),
        h2("h2-he-weights-flat-index-wrong-stride", "hidden error", "W[j, k] is read from the flat elements as elements[j * rows + k] instead of elements[j * columns + k].", h2sub(hiddenError: H2HiddenError.weightsFlatIndexWrongStride)),
        h2("h2-he-single-example-branch-transposed", "hidden error", "A special branch for m = 1, copied from the one-example code, reads the weights as W[k, j].", h2sub(hiddenError: H2HiddenError.singleExampleBranchTransposed)),
        h2("h2-he-negated", "hidden error", "The propagated error is negated, as if the descent step's minus sign belonged in delta.", h2sub(hiddenError: H2HiddenError.negated)),
        h2("h2-he-divided-by-m", "hidden error", "The hidden error is divided by m, as if it were a mean over the batch.", h2sub(hiddenError: H2HiddenError.dividedByM)),
        h2("h2-he-row-buffer-not-reset", "hidden error", "The per-unit sums live in one row buffer declared outside the loop over examples and are never reset between rows.", h2sub(hiddenError: H2HiddenError.rowBufferNotReset)),

        // MARK: weight gradient (exercise 6)
        h2("h2-wg-mean-over-input-width", "weight gradient", "The sum over the examples is divided by input.columns (h_(l-1)) instead of m.", h2sub(weightGradient: H2WeightGradient.meanOverInputWidth)),
        h2("h2-wg-examples-bounded-by-delta-columns", "weight gradient", "The sum over the examples i runs to delta.columns (h_l) instead of m.", h2sub(weightGradient: H2WeightGradient.examplesBoundedByDeltaColumns)),
        h2("h2-wg-clipped-to-unit", "weight gradient", "Each element of the gradient is clipped to [-1, 1] to keep training stable.", h2sub(weightGradient: H2WeightGradient.clippedToUnit)),
        h2("h2-wg-first-example-skipped", "weight gradient", "The sum over the examples starts at i = 1, skipping example 0, but still divides by m.", h2sub(weightGradient: H2WeightGradient.firstExampleSkipped)),
        h2("h2-wg-accumulated-across-calls", "weight gradient", "Gradients are accumulated in a global buffer per shape that is never zeroed between calls, like a forgotten zero_grad.", h2sub(weightGradient: H2WeightGradient.accumulatedAcrossCalls)),
        h2("h2-wg-transposed-copy-indexed-as-original", "weight gradient", "A transposed copy of A is made and then indexed as At[i, k], as if it were A itself.", h2sub(weightGradient: H2WeightGradient.transposedCopyIndexedAsOriginal)),
        h2("h2-wg-skip-zero-without-advancing", "weight gradient", "A while loop over the examples skips zero activations with continue before advancing its index, so it never ends once an activation is 0.", h2sub(weightGradient: H2WeightGradient.skipZeroWithoutAdvancing)),
        h2("h2-wg-negated", "weight gradient", "The gradient is negated, the descent direction instead of the gradient.", h2sub(weightGradient: H2WeightGradient.negated)),
        h2("h2-wg-loop-bounds-swapped", "weight gradient", "The loop over k runs to delta.columns and the loop over j to input.columns, the two bounds swapped.", h2sub(weightGradient: H2WeightGradient.loopBoundsSwapped)),
        h2("h2-wg-bias-row-prepended", "weight gradient", "The bias trick is used: a row for a constant input of 1 is prepended, so the result is [h_(l-1) + 1, h_l].", h2sub(weightGradient: H2WeightGradient.biasRowPrepended)),

        // MARK: bias gradient (exercise 6)
        h2("h2-bg-last-example-dropped", "bias gradient", "The loop over the examples runs to delta.rows - 1, leaving out the last example.", h2sub(biasGradient: H2BiasGradient.lastExampleDropped)),
        h2("h2-bg-flat-index-modulo-rows", "bias gradient", "The flat elements are added into sums[index % delta.rows] instead of sums[index % delta.columns].", h2sub(biasGradient: H2BiasGradient.flatIndexModuloRows)),
        h2("h2-bg-mean-of-whole-matrix", "bias gradient", "One mean of the whole matrix (np.mean without an axis) is repeated for every unit.", h2sub(biasGradient: H2BiasGradient.meanOfWholeMatrix)),
        h2("h2-bg-momentum-kept-between-calls", "bias gradient", "A momentum term kept in a global is folded into the gradient, so every call after the first mixes in the earlier calls.", h2sub(biasGradient: H2BiasGradient.momentumKeptBetweenCalls)),
        h2("h2-bg-return-inside-unit-loop", "bias gradient", "The return statement sits inside the loop over the units, so only the first unit's gradient is filled in.", h2sub(biasGradient: H2BiasGradient.returnInsideUnitLoop)),
        h2("h2-bg-precondition-batch-of-two", "bias gradient", "A precondition of the student's own demands at least two examples and stops the program for m = 1.", h2sub(biasGradient: H2BiasGradient.preconditionBatchOfTwo)),
        h2("h2-bg-rounded-to-six-decimals", "bias gradient", "The result is rounded to six decimals to make printouts tidy.", h2sub(biasGradient: H2BiasGradient.roundedToSixDecimals)),
        h2("h2-bg-pairwise-drops-odd-row", "bias gradient", "Rows are added in pairs with stride(from: 0, to: m - 1, by: 2), which drops the last row when m is odd.", h2sub(biasGradient: H2BiasGradient.pairwiseDropsOddRow)),
        h2("h2-bg-mean-divided-every-step", "bias gradient", "The running sum is divided by m after every example, (sum + delta) / m, instead of once at the end.", h2sub(biasGradient: H2BiasGradient.meanDividedEveryStep)),
        h2("h2-bg-sized-by-rows", "bias gradient", "The result array is sized by delta.rows (m) instead of delta.columns (h_l).", h2sub(biasGradient: H2BiasGradient.sizedByRows)),

        // MARK: batch engine (exercise 7)
        h2("h2-be-shared-activation-box", "batch engine", "The activations are kept in Array(repeating: Box(), count:), one shared class instance, so every layer's A is the last one assigned.", h2sub(engine: { AnyBackpropEngine(H2EngineSharedBox(steps: $0)) })),
        h2("h2-be-loss-over-classes", "batch engine", "The summed loss is divided by the number of outputs Y.columns instead of the number of examples m.", h2sub(engine: { AnyBackpropEngine(H2EngineLossOverClasses(steps: $0)) })),
        h2("h2-be-output-activation-per-element", "batch engine", "The output activation is applied with map, one element at a time, instead of mapRows, so a softmax sees a single logit.", h2sub(engine: { AnyBackpropEngine(H2EngineOutputPerElement(steps: $0)) })),
        h2("h2-be-loss-inside-layer-loop", "batch engine", "The loop that adds up the examples' losses is inside the backward loop over the layers, so the loss is counted L times.", h2sub(engine: { AnyBackpropEngine(H2EngineLossInsideLayerLoop(steps: $0)) })),
        h2("h2-be-prepare-without-loss", "batch engine", "The engine calls gradients.prepare and assigns every layer but never assigns gradients.loss.", h2sub(engine: { AnyBackpropEngine(H2EnginePrepareWithoutLoss(steps: $0)) })),
        h2("h2-be-continue-before-decrement", "batch engine", "The backward while loop uses continue at layer 1 before decrementing its index, so it never ends.", h2sub(engine: { AnyBackpropEngine(H2EngineContinueBeforeDecrement(steps: $0)) })),
        h2("h2-be-relu-by-hand", "batch engine", "The hidden activation is written by hand as max(z, 0) instead of network.hidden.value.", h2sub(engine: { AnyBackpropEngine(H2EngineReluByHand(steps: $0)) })),
        h2("h2-be-exit-on-saturated-output", "batch engine", "A check of the student's own calls exit(1) when an output probability is exactly 0 or 1, which valid large logits produce.", h2sub(engine: { AnyBackpropEngine(H2EngineExitOnSaturation(steps: $0)) })),
        h2("h2-be-mean-of-chunk-means", "batch engine", "The batch is processed in chunks of 4 rows and the chunks' means are averaged with equal weight, wrong when the last chunk is shorter.", h2sub(engine: { AnyBackpropEngine(H2EngineChunkMeans(steps: $0)) })),
        h2("h2-be-weights-transposed-for-hidden-error", "batch engine", "The weights are transposed before they are handed to hiddenError, which does the transpose itself.", h2sub(engine: { AnyBackpropEngine(H2EngineTransposedWeights(steps: $0)) })),
        h2("h2-be-input-missing-from-dictionary", "batch engine", "Activations are kept in a dictionary by layer, X is never stored under 0, and the force unwrap for layer 1's input crashes.", h2sub(engine: { AnyBackpropEngine(H2EngineDictionaryUnwrap(steps: $0)) })),

        // MARK: correct but unusual
        h2("h2-ok-oe-functional", "pass", "Nothing: one example written with map, reduce and flatMap, the layers collected by inserting at the front.", h2sub(oneExample: H2Correct.oneExampleFunctional)),
        h2("h2-ok-oe-relu-prime-from-z", "pass", "Nothing: sigma prime is taken from z for ReLU (the same test as from a) and from a otherwise, with input checks that never fire.", h2sub(oneExample: H2Correct.oneExampleReluPrimeFromZ)),
        h2("h2-ok-fw-k-outer", "pass", "Nothing: Z is pre-filled with the bias and each input's contribution is added row by row with k before j.", h2sub(forward: H2Correct.forwardKOuter)),
        h2("h2-ok-oerr-zip-elements", "pass", "Nothing: the output error is one zip over the flat elements, after a shape check that throws.", h2sub(outputError: H2Correct.outputErrorZip)),
        h2("h2-ok-he-derivative-matrix", "pass", "Nothing: sigma prime is computed as a whole matrix first and the product uses a transposed copy of W indexed correctly.", h2sub(hiddenError: H2Correct.hiddenErrorDerivativeMatrix)),
        h2("h2-ok-he-overwrites-a-copy", "pass", "Nothing: the result is a copy of the activations overwritten element by element, each read before it is written.", h2sub(hiddenError: H2Correct.hiddenErrorOverwritesCopy)),
        h2("h2-ok-wg-outer-products", "pass", "Nothing: the examples' outer products are accumulated with i outermost and the sum is multiplied by 1/m at the end.", h2sub(weightGradient: H2Correct.weightGradientOuterProducts)),
        h2("h2-ok-wg-transposed-copy", "pass", "Nothing: a transposed copy of A is indexed correctly as At[k, i].", h2sub(weightGradient: H2Correct.weightGradientTransposedCopy)),
        h2("h2-ok-bg-transposed-rows", "pass", "Nothing: each column of delta is summed as a row of its transpose with reduce.", h2sub(biasGradient: H2Correct.biasGradientTransposedRows)),
        h2("h2-ok-bg-backwards", "pass", "Nothing: the examples are summed from the last to the first.", h2sub(biasGradient: H2Correct.biasGradientBackwards)),
        h2("h2-ok-be-prepare-and-assign", "pass", "Nothing: the engine prepares the caller's storage and assigns every layer and the loss.", h2sub(engine: { AnyBackpropEngine(H2CorrectEnginePrepare(steps: $0)) })),
        h2("h2-ok-be-recursive-validated", "pass", "Nothing: the backward pass is a recursive local function, with shape checks that never fire and a debug print.", h2sub(engine: { AnyBackpropEngine(H2CorrectEngineRecursive(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? {
        all.first { $0.name == name }?.submission
    }
}

// MARK: - Exercise 3, one example

nonisolated(unsafe) private var h2ForwardMemo: [[Int]: (acts: [[Double]], zL: [Double])] = [:]

enum H2OneExample {
    static func deltaOverwrittenInPlace(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, sizes = network.sizes
        var acts: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: sizes[l])
            for j in 0..<sizes[l] {
                var s = b[j]
                for k in 0..<sizes[l - 1] { s += W[k, j] * acts[l - 1][k] }
                zl[j] = s
            }
            if l < L { acts.append(zl.map { network.hidden.value($0) }) } else { zL = zl; acts.append(network.output.activation(zl)) }
        }
        let loss = network.output.loss(logits: zL, activation: acts[L], target: y)
        var delta = [Double](repeating: 0, count: sizes[L])
        for j in 0..<sizes[L] { delta[j] = acts[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: sizes[l - 1], columns: sizes[l])
            for k in 0..<sizes[l - 1] { for j in 0..<sizes[l] { dW[k, j] = acts[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                // reuse delta's storage for the layer below (no new array per layer)
                if delta.count < sizes[l - 1] { delta += [Double](repeating: 0, count: sizes[l - 1] - delta.count) }
                for j in 0..<sizes[l - 1] {
                    var s = 0.0
                    for k in 0..<sizes[l] { s += W[j, k] * delta[k] }
                    delta[j] = s * network.hidden.derivative(fromActivation: acts[l - 1][j])
                }
                delta.removeLast(delta.count - sizes[l - 1])
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func categoricalLogLossEverywhere(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, sizes = network.sizes
        var acts: [[Double]] = [x]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: sizes[l])
            for j in 0..<sizes[l] {
                var s = b[j]
                for k in 0..<sizes[l - 1] { s += W[k, j] * acts[l - 1][k] }
                zl[j] = s
            }
            acts.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        // cross-entropy: ℓ = −Σⱼ yⱼ log aⱼ
        var loss = 0.0
        for j in 0..<sizes[L] { loss -= y[j] * log(acts[L][j]) }
        var delta = [Double](repeating: 0, count: sizes[L])
        for j in 0..<sizes[L] { delta[j] = acts[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: sizes[l - 1], columns: sizes[l])
            for k in 0..<sizes[l - 1] { for j in 0..<sizes[l] { dW[k, j] = acts[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: sizes[l - 1])
                for j in 0..<sizes[l - 1] {
                    var s = 0.0
                    for k in 0..<sizes[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: acts[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func weightGradientOutputByInput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, sizes = network.sizes
        var acts: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: sizes[l])
            for j in 0..<sizes[l] {
                var s = b[j]
                for k in 0..<sizes[l - 1] { s += W[k, j] * acts[l - 1][k] }
                zl[j] = s
            }
            if l < L { acts.append(zl.map { network.hidden.value($0) }) } else { zL = zl; acts.append(network.output.activation(zl)) }
        }
        let loss = network.output.loss(logits: zL, activation: acts[L], target: y)
        var delta = [Double](repeating: 0, count: sizes[L])
        for j in 0..<sizes[L] { delta[j] = acts[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            // ∂W = δ aᵀ
            var dW = Matrix<Double>(rows: sizes[l], columns: sizes[l - 1])
            for j in 0..<sizes[l] { for k in 0..<sizes[l - 1] { dW[j, k] = delta[j] * acts[l - 1][k] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: sizes[l - 1])
                for j in 0..<sizes[l - 1] {
                    var s = 0.0
                    for k in 0..<sizes[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: acts[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func sigmaPrimeFromLayerAbove(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, sizes = network.sizes
        var acts: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: sizes[l])
            for j in 0..<sizes[l] {
                var s = b[j]
                for k in 0..<sizes[l - 1] { s += W[k, j] * acts[l - 1][k] }
                zl[j] = s
            }
            if l < L { acts.append(zl.map { network.hidden.value($0) }) } else { zL = zl; acts.append(network.output.activation(zl)) }
        }
        let loss = network.output.loss(logits: zL, activation: acts[L], target: y)
        var delta = [Double](repeating: 0, count: sizes[L])
        for j in 0..<sizes[L] { delta[j] = acts[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: sizes[l - 1], columns: sizes[l])
            for k in 0..<sizes[l - 1] { for j in 0..<sizes[l] { dW[k, j] = acts[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: sizes[l - 1])
                for j in 0..<sizes[l - 1] {
                    var s = 0.0
                    for k in 0..<sizes[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: acts[l][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func forwardMemoisedBySizes(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, sizes = network.sizes
        var acts: [[Double]] = [x]
        var zL: [Double] = []
        if let memo = h2ForwardMemo[sizes] {
            acts = memo.acts
            zL = memo.zL
        } else {
            for l in 1...L {
                let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
                var zl = [Double](repeating: 0, count: sizes[l])
                for j in 0..<sizes[l] {
                    var s = b[j]
                    for k in 0..<sizes[l - 1] { s += W[k, j] * acts[l - 1][k] }
                    zl[j] = s
                }
                if l < L { acts.append(zl.map { network.hidden.value($0) }) } else { zL = zl; acts.append(network.output.activation(zl)) }
            }
            h2ForwardMemo[sizes] = (acts, zL)
        }
        let loss = network.output.loss(logits: zL, activation: acts[L], target: y)
        var delta = [Double](repeating: 0, count: sizes[L])
        for j in 0..<sizes[L] { delta[j] = acts[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: sizes[l - 1], columns: sizes[l])
            for k in 0..<sizes[l - 1] { for j in 0..<sizes[l] { dW[k, j] = acts[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: sizes[l - 1])
                for j in 0..<sizes[l - 1] {
                    var s = 0.0
                    for k in 0..<sizes[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: acts[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func guardBeforeLayerOne(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, sizes = network.sizes
        var acts: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: sizes[l])
            for j in 0..<sizes[l] {
                var s = b[j]
                for k in 0..<sizes[l - 1] { s += W[k, j] * acts[l - 1][k] }
                zl[j] = s
            }
            if l < L { acts.append(zl.map { network.hidden.value($0) }) } else { zL = zl; acts.append(network.output.activation(zl)) }
        }
        let loss = network.output.loss(logits: zL, activation: acts[L], target: y)
        var delta = [Double](repeating: 0, count: sizes[L])
        for j in 0..<sizes[L] { delta[j] = acts[L][j] - y[j] }
        var grads = network.layers.map { LayerParameters<Double>(inputs: $0.inputCount, outputs: $0.outputCount) }
        for l in stride(from: L, through: 1, by: -1) {
            guard l > 1 else { return Gradients(loss: loss, layers: grads) } // no δ⁰: the input has no error
            var dW = Matrix<Double>(rows: sizes[l - 1], columns: sizes[l])
            for k in 0..<sizes[l - 1] { for j in 0..<sizes[l] { dW[k, j] = acts[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: sizes[l - 1])
            for j in 0..<sizes[l - 1] {
                var s = 0.0
                for k in 0..<sizes[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: acts[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func softmaxForEveryOutput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, sizes = network.sizes
        var acts: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: sizes[l])
            for j in 0..<sizes[l] {
                var s = b[j]
                for k in 0..<sizes[l - 1] { s += W[k, j] * acts[l - 1][k] }
                zl[j] = s
            }
            if l < L {
                acts.append(zl.map { network.hidden.value($0) })
            } else {
                zL = zl
                let largest = zl.max() ?? 0
                let e = zl.map { exp($0 - largest) }
                let total = e.reduce(0, +)
                acts.append(e.map { $0 / total })
            }
        }
        let loss = network.output.loss(logits: zL, activation: acts[L], target: y)
        var delta = [Double](repeating: 0, count: sizes[L])
        for j in 0..<sizes[L] { delta[j] = acts[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: sizes[l - 1], columns: sizes[l])
            for k in 0..<sizes[l - 1] { for j in 0..<sizes[l] { dW[k, j] = acts[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: sizes[l - 1])
                for j in 0..<sizes[l - 1] {
                    var s = 0.0
                    for k in 0..<sizes[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: acts[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func biasAfterActivation(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, sizes = network.sizes
        var acts: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: sizes[l])
            for j in 0..<sizes[l] {
                for k in 0..<sizes[l - 1] { zl[j] += W[k, j] * acts[l - 1][k] }
            }
            if l < L {
                acts.append(zip(zl.map { network.hidden.value($0) }, b).map { $0 + $1 })
            } else {
                zL = zl
                acts.append(zip(network.output.activation(zl), b).map { $0 + $1 })
            }
        }
        let loss = network.output.loss(logits: zL, activation: acts[L], target: y)
        var delta = [Double](repeating: 0, count: sizes[L])
        for j in 0..<sizes[L] { delta[j] = acts[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: sizes[l - 1], columns: sizes[l])
            for k in 0..<sizes[l - 1] { for j in 0..<sizes[l] { dW[k, j] = acts[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: sizes[l - 1])
                for j in 0..<sizes[l - 1] {
                    var s = 0.0
                    for k in 0..<sizes[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: acts[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func preconditionSquareWeights(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, sizes = network.sizes
        var acts: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            precondition(W.rows == W.columns, "W\(l) should be square, it is \(W.shapeDescription)")
            var zl = [Double](repeating: 0, count: sizes[l])
            for j in 0..<sizes[l] {
                var s = b[j]
                for k in 0..<sizes[l - 1] { s += W[k, j] * acts[l - 1][k] }
                zl[j] = s
            }
            if l < L { acts.append(zl.map { network.hidden.value($0) }) } else { zL = zl; acts.append(network.output.activation(zl)) }
        }
        let loss = network.output.loss(logits: zL, activation: acts[L], target: y)
        var delta = [Double](repeating: 0, count: sizes[L])
        for j in 0..<sizes[L] { delta[j] = acts[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var dW = Matrix<Double>(rows: sizes[l - 1], columns: sizes[l])
            for k in 0..<sizes[l - 1] { for j in 0..<sizes[l] { dW[k, j] = acts[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: sizes[l - 1])
                for j in 0..<sizes[l - 1] {
                    var s = 0.0
                    for k in 0..<sizes[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: acts[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func biasesReturnedAsGradient(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, sizes = network.sizes
        var acts: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: sizes[l])
            for j in 0..<sizes[l] {
                var s = b[j]
                for k in 0..<sizes[l - 1] { s += W[k, j] * acts[l - 1][k] }
                zl[j] = s
            }
            if l < L { acts.append(zl.map { network.hidden.value($0) }) } else { zL = zl; acts.append(network.output.activation(zl)) }
        }
        let loss = network.output.loss(logits: zL, activation: acts[L], target: y)
        var delta = [Double](repeating: 0, count: sizes[L])
        for j in 0..<sizes[L] { delta[j] = acts[L][j] - y[j] }
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var dW = Matrix<Double>(rows: sizes[l - 1], columns: sizes[l])
            for k in 0..<sizes[l - 1] { for j in 0..<sizes[l] { dW[k, j] = acts[l - 1][k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: dW, biases: b)
            if l > 1 {
                var below = [Double](repeating: 0, count: sizes[l - 1])
                for j in 0..<sizes[l - 1] {
                    var s = 0.0
                    for k in 0..<sizes[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: acts[l - 1][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: grads)
    }
}

// MARK: - Exercise 4, forward

nonisolated(unsafe) private var h2ForwardScratch = Matrix<Double>(rows: 0, columns: 0)

enum H2Forward {
    static func unitsBoundedByInputWidth(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<input.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func returnsTransposedZ(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        // zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ for every example: one column per example
        var Z = Matrix<Double>(rows: weights.columns, columns: input.rows)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<weights.rows { sum += weights[k, j] * input[i, k] }
                Z[j, i] = sum
            }
        }
        return Z
    }

    static func biasOnFirstRowOnly(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = input.columns, h = weights.columns
        var Z = Matrix<Double>(rows: m, columns: h)
        for i in 0..<m {
            for j in 0..<h {
                var sum = 0.0
                for k in 0..<n { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        // + 1ₘ bᵀ
        for j in 0..<h { Z[0, j] += bias[j] }
        return Z
    }

    static func inputReadColumnMajor(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = input.columns, h = weights.columns
        var Z = Matrix<Double>(rows: m, columns: h)
        let a = input.elements
        for i in 0..<m {
            for j in 0..<h {
                var sum = bias[j]
                for k in 0..<n { sum += a[k * m + i] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func firstBiasEverywhere(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns, repeating: bias[0])
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                for k in 0..<input.columns { Z[i, j] += input[i, k] * weights[k, j] }
            }
        }
        return Z
    }

    static func floatAccumulator(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = Float(bias[j])
                for k in 0..<input.columns { sum += Float(input[i, k]) * Float(weights[k, j]) }
                Z[i, j] = Double(sum)
            }
        }
        return Z
    }

    static func columnGatheredWithWrongStride(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for j in 0..<weights.columns {
            let column = stride(from: j, to: weights.elements.count, by: weights.rows).map { weights.elements[$0] }
            for i in 0..<input.rows {
                Z[i, j] = zip(input.row(i), column).reduce(bias[j]) { $0 + $1.0 * $1.1 }
            }
        }
        return Z
    }

    static func scratchBufferNeverZeroed(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = input.columns, h = weights.columns
        if h2ForwardScratch.rows != m || h2ForwardScratch.columns != h {
            h2ForwardScratch = Matrix<Double>(rows: m, columns: h) // allocate only when the shape changes
        }
        for i in 0..<m {
            for j in 0..<h {
                h2ForwardScratch[i, j] += bias[j]
                for k in 0..<n { h2ForwardScratch[i, j] += input[i, k] * weights[k, j] }
            }
        }
        return h2ForwardScratch
    }

    static func examplesFromColumns(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.columns
        var Z = Matrix<Double>(rows: m, columns: weights.columns)
        for i in 0..<m {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<weights.rows { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func unrolledByTwoDropsTail(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let n = input.columns
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                var k = 0
                while k + 1 < n {
                    sum += input[i, k] * weights[k, j] + input[i, k + 1] * weights[k + 1, j]
                    k += 2
                }
                Z[i, j] = sum
            }
        }
        return Z
    }
}

// MARK: - Exercise 4, output error

nonisolated(unsafe) private var h2OutputBuffer: Matrix<Double>? = nil

enum H2OutputError {
    static func columnsBoundedByRows(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.rows { D[i, j] = output[i, j] - targets[i, j] }
        }
        return D
    }

    static func shapeSwapped(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        let difference = zip(output.elements, targets.elements).map { $0 - $1 }
        return Matrix(rows: output.columns, columns: output.rows, elements: difference)
    }

    static func oneSubtractedAtPrediction(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = output
        for i in 0..<output.rows {
            var predicted = 0
            for j in 1..<output.columns where output[i, j] > output[i, predicted] { predicted = j }
            D[i, predicted] = output[i, predicted] - 1
        }
        return D
    }

    static func softmaxAppliedAgain(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            let row = output.row(i)
            let largest = row.max() ?? 0
            let e = row.map { exp($0 - largest) }
            let total = e.reduce(0, +)
            for j in 0..<output.columns { D[i, j] = e[j] / total - targets[i, j] }
        }
        return D
    }

    static func clippedProbabilities(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns {
                let a = min(max(output[i, j], eps), 1 - eps)
                D[i, j] = a - targets[i, j]
            }
        }
        return D
    }

    static func floatDifference(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns { D[i, j] = Double(Float(output[i, j]) - Float(targets[i, j])) }
        }
        return D
    }

    static func factorTwo(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns { D[i, j] = 2 * (output[i, j] - targets[i, j]) }
        }
        return D
    }

    static func returnInsideRowLoop(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns {
                D[i, j] = output[i, j] - targets[i, j]
            }
            return D
        }
        return D
    }

    static func bufferSizedOnFirstCall(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        if h2OutputBuffer == nil { h2OutputBuffer = Matrix<Double>(rows: output.rows, columns: output.columns) }
        var D = h2OutputBuffer!
        for i in 0..<D.rows {
            for j in 0..<D.columns { D[i, j] = output[i, j] - targets[i, j] }
        }
        return D
    }

    static func targetClassOnly(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns where targets[i, j] == 1 { D[i, j] = output[i, j] - 1 }
        }
        return D
    }
}

// MARK: - Exercise 5, hidden error

enum H2HiddenError {
    static func sigmaPrimeOfUnitAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func sumBoundedByRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func sigmoidDerivativeByHand(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func deltaAboveAtJ(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, j] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func sigmaPrimeInsideKLoop(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for k in 0..<W.columns {
            for i in 0..<D.rows {
                for j in 0..<W.rows {
                    delta[i, j] += D[i, k] * W[j, k]
                    delta[i, j] *= hidden.derivative(fromActivation: A[i, j])
                }
            }
        }
        return delta
    }

    static func weightsFlatIndexWrongStride(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func singleExampleBranchTransposed(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        if D.rows == 1 {
            // one example: δ = (W δ⁺) ∘ σ′, as in exercise 3
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += W[k, j] * D[0, k] }
                delta[0, j] = sum * hidden.derivative(fromActivation: A[0, j])
            }
            return delta
        }
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func negated(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func dividedByM(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows
        var delta = Matrix<Double>(rows: m, columns: W.rows)
        for i in 0..<m {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j]) / Double(m)
            }
        }
        return delta
    }

    static func rowBufferNotReset(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        var back = [Double](repeating: 0, count: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                for k in 0..<W.columns { back[j] += D[i, k] * W[j, k] }
                delta[i, j] = back[j] * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }
}

// MARK: - Exercise 6, weight gradient

nonisolated(unsafe) private var h2WeightGradientSums: [String: Matrix<Double>] = [:]

enum H2WeightGradient {
    static func meanOverInputWidth(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: input.columns, columns: delta.columns)
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum = 0.0
                for i in 0..<input.rows { sum += input[i, k] * delta[i, j] }
                G[k, j] = sum / Double(input.columns)
            }
        }
        return G
    }

    static func examplesBoundedByDeltaColumns(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        var G = Matrix<Double>(rows: input.columns, columns: delta.columns)
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum = 0.0
                for i in 0..<delta.columns { sum += input[i, k] * delta[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func clippedToUnit(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        var G = Matrix<Double>(rows: input.columns, columns: delta.columns)
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum = 0.0
                for i in 0..<m { sum += input[i, k] * delta[i, j] }
                G[k, j] = min(max(sum / Double(m), -1), 1) // gradient clipping
            }
        }
        return G
    }

    static func firstExampleSkipped(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        var G = Matrix<Double>(rows: input.columns, columns: delta.columns)
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum = 0.0
                for i in 1..<m { sum += input[i, k] * delta[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func accumulatedAcrossCalls(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        let key = "\(input.columns)x\(delta.columns)"
        var G = h2WeightGradientSums[key] ?? Matrix<Double>(rows: input.columns, columns: delta.columns)
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum = 0.0
                for i in 0..<m { sum += input[i, k] * delta[i, j] }
                G[k, j] += sum / Double(m)
            }
        }
        h2WeightGradientSums[key] = G
        return G
    }

    static func transposedCopyIndexedAsOriginal(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        let At = input.transposed // (Aˡ⁻¹)ᵀ
        var G = Matrix<Double>(rows: input.columns, columns: delta.columns)
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum = 0.0
                for i in 0..<m { sum += At[i, k] * delta[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func skipZeroWithoutAdvancing(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        var G = Matrix<Double>(rows: input.columns, columns: delta.columns)
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum = 0.0
                var i = 0
                while i < m {
                    if input[i, k] == 0 { continue } // a dead unit adds nothing: skip it
                    sum += input[i, k] * delta[i, j]
                    i += 1
                }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func negated(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        var G = Matrix<Double>(rows: input.columns, columns: delta.columns)
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum = 0.0
                for i in 0..<m { sum += input[i, k] * delta[i, j] }
                G[k, j] = -sum / Double(m)
            }
        }
        return G
    }

    static func loopBoundsSwapped(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        var G = Matrix<Double>(rows: input.columns, columns: delta.columns)
        for k in 0..<delta.columns {
            for j in 0..<input.columns {
                var sum = 0.0
                for i in 0..<m { sum += input[i, k] * delta[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func biasRowPrepended(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        // the bias as the weight of a constant input 1: row 0 of the gradient
        var G = Matrix<Double>(rows: input.columns + 1, columns: delta.columns)
        for j in 0..<delta.columns {
            var sum = 0.0
            for i in 0..<m { sum += delta[i, j] }
            G[0, j] = sum / Double(m)
        }
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum = 0.0
                for i in 0..<m { sum += input[i, k] * delta[i, j] }
                G[k + 1, j] = sum / Double(m)
            }
        }
        return G
    }
}

// MARK: - Exercise 6, bias gradient

nonisolated(unsafe) private var h2BiasVelocity: [Double] = []

enum H2BiasGradient {
    static func lastExampleDropped(_ delta: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: delta.columns)
        for i in 0..<(delta.rows - 1) {
            for j in 0..<delta.columns { sums[j] += delta[i, j] }
        }
        return sums.map { $0 / Double(delta.rows) }
    }

    static func flatIndexModuloRows(_ delta: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: delta.columns)
        for (index, value) in delta.elements.enumerated() { sums[index % delta.rows] += value }
        return sums.map { $0 / Double(delta.rows) }
    }

    static func meanOfWholeMatrix(_ delta: Matrix<Double>) throws -> [Double] {
        let mean = delta.elements.reduce(0, +) / Double(delta.elements.count)
        return [Double](repeating: mean, count: delta.columns)
    }

    static func momentumKeptBetweenCalls(_ delta: Matrix<Double>) throws -> [Double] {
        if h2BiasVelocity.count != delta.columns { h2BiasVelocity = [Double](repeating: 0, count: delta.columns) }
        for j in 0..<delta.columns {
            var sum = 0.0
            for i in 0..<delta.rows { sum += delta[i, j] }
            h2BiasVelocity[j] = 0.9 * h2BiasVelocity[j] + sum / Double(delta.rows)
        }
        return h2BiasVelocity
    }

    static func returnInsideUnitLoop(_ delta: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: delta.columns)
        for j in 0..<delta.columns {
            for i in 0..<delta.rows { sums[j] += delta[i, j] }
            return sums.map { $0 / Double(delta.rows) }
        }
        return sums
    }

    static func preconditionBatchOfTwo(_ delta: Matrix<Double>) throws -> [Double] {
        let m = delta.rows
        precondition(m > 1, "bias gradient: a batch needs at least two examples")
        var sums = [Double](repeating: 0, count: delta.columns)
        for i in 0..<m { for j in 0..<delta.columns { sums[j] += delta[i, j] } }
        return sums.map { $0 / Double(m) }
    }

    static func roundedToSixDecimals(_ delta: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: delta.columns)
        for i in 0..<delta.rows { for j in 0..<delta.columns { sums[j] += delta[i, j] } }
        return sums.map { (($0 / Double(delta.rows)) * 1e6).rounded() / 1e6 }
    }

    static func pairwiseDropsOddRow(_ delta: Matrix<Double>) throws -> [Double] {
        let m = delta.rows
        var sums = [Double](repeating: 0, count: delta.columns)
        for i in stride(from: 0, to: m - 1, by: 2) {
            for j in 0..<delta.columns { sums[j] += delta[i, j] + delta[i + 1, j] }
        }
        return sums.map { $0 / Double(m) }
    }

    static func meanDividedEveryStep(_ delta: Matrix<Double>) throws -> [Double] {
        let m = Double(delta.rows)
        var means = [Double](repeating: 0, count: delta.columns)
        for i in 0..<delta.rows {
            for j in 0..<delta.columns { means[j] = (means[j] + delta[i, j]) / m }
        }
        return means
    }

    static func sizedByRows(_ delta: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: delta.rows)
        for i in 0..<delta.rows { for j in 0..<delta.columns { sums[j] += delta[i, j] } }
        return sums.map { $0 / Double(delta.rows) }
    }
}

// MARK: - Exercise 7, batch engine

final class H2ActivationBox {
    var value = Matrix<Double>(rows: 0, columns: 0)
}

struct H2EngineSharedBox: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let A = [H2ActivationBox](repeating: H2ActivationBox(), count: L + 1)
        var ZL = Matrix<Double>(rows: 0, columns: 0)
        A[0].value = X
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1].value, layer.weights, layer.biases)
            if l < L {
                A[l].value = Zl.map { network.hidden.value($0) }
            } else {
                ZL = Zl
                A[l].value = Zl.mapRows { network.output.activation($0) }
            }
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].value.row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L].value, Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1].value, delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1].value, network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H2EngineLossOverClasses: BackpropEngine {
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
        var total = 0.0
        for i in 0..<Y.rows { total += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        let meanLoss = total / Double(Y.columns)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: meanLoss, layers: layers)
    }
}

struct H2EngineOutputPerElement: BackpropEngine {
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
            } else {
                A.append(Zl.map { network.output.activation([$0])[0] })
            }
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H2EngineLossInsideLayerLoop: BackpropEngine {
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
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H2EnginePrepareWithoutLoss: BackpropEngine {
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
            gradients.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }
}

struct H2EngineContinueBeforeDecrement: BackpropEngine {
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
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l == 1 { continue } // no error to send below the first layer
            delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            l -= 1
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H2EngineReluByHand: BackpropEngine {
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
            A.append(l < L ? Zl.map { max($0, 0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H2EngineExitOnSaturation: BackpropEngine {
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
        if A[L].elements.contains(where: { $0 == 0 || $0 == 1 }) {
            print("saturated output (a probability of exactly 0 or 1): the network is broken, stopping")
            exit(1)
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H2EngineChunkMeans: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    let chunkSize = 4

    private func rows(_ M: Matrix<Double>, _ start: Int, _ end: Int) -> Matrix<Double> {
        Matrix(rows: end - start, columns: M.columns, elements: Array(M.elements[start * M.columns ..< end * M.columns]))
    }

    private func chunkGradients(_ network: Network<Double>, _ X: Matrix<Double>, _ Y: Matrix<Double>) throws -> Gradients<Double> {
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
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        return Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        // a few rows at a time, to keep the activations small
        var total = Gradients<Double>(zeroFor: network)
        var chunks = 0
        var start = 0
        while start < X.rows {
            let end = min(start + chunkSize, X.rows)
            let g = try chunkGradients(network, rows(X, start, end), rows(Y, start, end))
            total.loss += g.loss
            for l in total.layers.indices {
                for e in total.layers[l].weights.elements.indices { total.layers[l].weights.elements[e] += g.layers[l].weights.elements[e] }
                for j in total.layers[l].biases.indices { total.layers[l].biases[j] += g.layers[l].biases[j] }
            }
            chunks += 1
            start = end
        }
        let scale = 1 / Double(chunks)
        total.loss *= scale
        for l in total.layers.indices {
            total.layers[l].weights.elements = total.layers[l].weights.elements.map { $0 * scale }
            total.layers[l].biases = total.layers[l].biases.map { $0 * scale }
        }
        gradients = total
    }
}

struct H2EngineTransposedWeights: BackpropEngine {
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
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 {
                let WT = network.layers[l - 1].weights.transposed // Δˡ⁻¹ = (Δˡ (Wˡ)ᵀ) ∘ σ′
                delta = try steps.hiddenError(delta, WT, A[l - 1], network.hidden)
            }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H2EngineDictionaryUnwrap: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var acts: [Int: Matrix<Double>] = [:]
        var a = X
        var ZL = Matrix<Double>(rows: 0, columns: 0)
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(a, layer.weights, layer.biases)
            if l < L { a = Zl.map { network.hidden.value($0) } } else { ZL = Zl; a = Zl.mapRows { network.output.activation($0) } }
            acts[l] = a
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: acts[L]!.row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(acts[L]!, Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(acts[l - 1]!, delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1]!, network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

// MARK: - Correct, but unusual

enum H2Correct {
    static func oneExampleFunctional(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var acts = [x]
        var logits: [Double] = []
        for (index, layer) in network.layers.enumerated() {
            let a = acts[index]
            let z = (0..<layer.weights.columns).map { j in
                (0..<layer.weights.rows).reduce(layer.biases[j]) { $0 + layer.weights[$1, j] * a[$1] }
            }
            if index == L - 1 {
                logits = z
                acts.append(network.output.activation(z))
            } else {
                acts.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: logits, activation: acts[L], target: y)
        var delta = zip(acts[L], y).map { $0 - $1 }
        var result: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            let a = acts[l - 1]
            let current = delta
            let dW = Matrix(rows: a.count, columns: current.count, elements: a.flatMap { ak in current.map { ak * $0 } })
            result.insert(LayerParameters(weights: dW, biases: current), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                delta = (0..<W.rows).map { j in
                    (0..<W.columns).reduce(0.0) { $0 + W[j, $1] * current[$1] } * network.hidden.derivative(fromActivation: a[j])
                }
            }
        }
        return Gradients(loss: loss, layers: result)
    }

    static func oneExampleReluPrimeFromZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        precondition(x.count == network.inputCount, "x has \(x.count) numbers, the network takes \(network.inputCount)")
        guard y.count == network.outputCount else {
            throw BackpropError("y has \(y.count) numbers, the network has \(network.outputCount) outputs")
        }
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var z: [[Double]] = [x] // z[0] is never used
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = b
            for j in 0..<h[l] {
                for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] }
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = [Double](repeating: 0, count: h[L])
        for j in 0..<h[L] { delta[j] = a[L][j] - y[j] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    // ReLU: [z > 0] is the same test as [a > 0]
                    let slope = network.hidden == .relu
                        ? network.hidden.derivative(fromActivation: z[l - 1][j])
                        : network.hidden.derivative(fromActivation: a[l - 1][j])
                    below[j] = s * slope
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func forwardKOuter(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = input.columns, h = weights.columns
        var Z = Matrix<Double>(rows: m, columns: h)
        for i in 0..<m {
            for j in 0..<h { Z[i, j] = bias[j] }
            for k in 0..<n {
                let a = input[i, k]
                for j in 0..<h { Z[i, j] += a * weights[k, j] }
            }
        }
        return Z
    }

    static func outputErrorZip(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        guard output.rows == targets.rows, output.columns == targets.columns else {
            throw BackpropError("output error: A \(output.shapeDescription) and Y \(targets.shapeDescription) differ")
        }
        return Matrix(rows: output.rows, columns: output.columns,
                      elements: zip(output.elements, targets.elements).map { $0 - $1 })
    }

    static func hiddenErrorDerivativeMatrix(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let slopes = A.map { hidden.derivative(fromActivation: $0) }
        let Wt = W.transposed // [h_{l+1}, h_l]
        var delta = Matrix<Double>(rows: D.rows, columns: Wt.columns)
        for i in 0..<D.rows {
            for j in 0..<Wt.columns {
                var sum = 0.0
                for k in 0..<Wt.rows { sum += D[i, k] * Wt[k, j] }
                delta[i, j] = sum * slopes[i, j]
            }
        }
        return delta
    }

    static func hiddenErrorOverwritesCopy(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = A // a copy: Δˡ has Aˡ's shape
        for i in 0..<out.rows {
            for j in 0..<out.columns {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                out[i, j] = sum * hidden.derivative(fromActivation: out[i, j])
            }
        }
        return out
    }

    static func weightGradientOuterProducts(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        var G = Matrix<Double>(rows: input.columns, columns: delta.columns)
        for i in 0..<m {
            for k in 0..<input.columns {
                let a = input[i, k]
                for j in 0..<delta.columns { G[k, j] += a * delta[i, j] }
            }
        }
        let scale = 1 / Double(m)
        return G.map { $0 * scale }
    }

    static func weightGradientTransposedCopy(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        let At = input.transposed
        var G = Matrix<Double>(rows: At.rows, columns: delta.columns)
        for k in 0..<At.rows {
            for j in 0..<delta.columns {
                var sum = 0.0
                for i in 0..<m { sum += At[k, i] * delta[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func biasGradientTransposedRows(_ delta: Matrix<Double>) throws -> [Double] {
        let Dt = delta.transposed
        return (0..<Dt.rows).map { Dt.row($0).reduce(0, +) / Double(delta.rows) }
    }

    static func biasGradientBackwards(_ delta: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: delta.columns)
        for i in stride(from: delta.rows - 1, through: 0, by: -1) {
            for j in 0..<delta.columns { sums[j] += delta[i, j] }
        }
        return sums.map { $0 / Double(delta.rows) }
    }
}

struct H2CorrectEnginePrepare: BackpropEngine {
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
            gradients.layers[l - 1].biases = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients.loss = loss * (1 / Double(m))
    }
}

struct H2CorrectEngineRecursive: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        guard X.rows > 0, X.rows == Y.rows, X.columns == network.inputCount, Y.columns == network.outputCount else {
            throw BackpropError("engine: X \(X.shapeDescription) and Y \(Y.shapeDescription) do not fit \(network.sizes)")
        }
        let L = network.layerCount, m = X.rows
        print("engine: m = \(m), sizes \(network.sizes)")
        var A = [X]
        var ZL = X
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            if l == L { ZL = Zl }
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var topDown: [LayerParameters<Double>] = []
        func backward(_ l: Int, _ delta: Matrix<Double>) throws {
            topDown.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta)))
            guard l > 1 else { return }
            try backward(l - 1, try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden))
        }
        try backward(L, try steps.outputError(A[L], Y))
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: Array(topDown.reversed()))
    }
}
