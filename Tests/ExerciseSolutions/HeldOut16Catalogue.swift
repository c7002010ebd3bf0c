import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 16: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut16Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h16(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut16Submission {
    HeldOut16Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h16sub(
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

public enum HeldOut16Catalogue {
    public static let all: [HeldOut16Submission] = [
        // MARK: exercise 3, one example
        h16("h16-oe-while-loops-transposed-w", "one example", "the forward sum, written with while loops, reads W[j, k] where W[k, j] belongs", h16sub(oneExample: H16OneExample.whileLoopsTransposed)),
        h16("h16-oe-softmax-by-hand", "one example", "the softmax output is computed by hand as exp(z) over the sum of exps without subtracting the largest logit, so it overflows to NaN at logits in the hundreds", h16sub(oneExample: H16OneExample.softmaxByHand)),
        h16("h16-oe-log-loss-by-hand", "one example", "the loss is written by hand as minus the sum of y log a (and (1 - y) log(1 - a) for sigmoid) from the activations, which gives NaN or infinity when an activation rounds to 0 or 1", h16sub(oneExample: H16OneExample.logLossByHand)),
        h16("h16-oe-layers-top-first", "one example", "the gradients are appended in the backward loop and never reversed, so layers[0] holds the top layer", h16sub(oneExample: H16OneExample.layersTopFirst)),
        h16("h16-oe-recursive-sigma-above", "one example", "a recursive backward pass takes the derivative from the activations of the layer above (acts[l]) instead of the layer's own (acts[l - 1])", h16sub(oneExample: H16OneExample.recursiveSigmaAbove)),
        h16("h16-oe-exit-after-debug-print", "one example", "a debugging print followed by exit(0) is left in before the return", h16sub(oneExample: H16OneExample.exitAfterDebugPrint)),
        h16("h16-oe-cache-by-x", "one example", "the gradients are cached in a dictionary keyed by the input x alone, so a changed network or target returns the old answer", h16sub(oneExample: H16OneExample.cachedByInput)),
        h16("h16-oe-sigma-prime-from-z", "one example", "the hidden derivative is computed with derivative(fromActivation:) given z instead of a", h16sub(oneExample: H16OneExample.sigmaPrimeFromZ)),
        h16("h16-oe-sigmoid-output-prime", "one example", "for a sigmoid output the output error is multiplied by a(1 - a), which cross-entropy cancels", h16sub(oneExample: H16OneExample.sigmoidOutputPrime)),
        h16("h16-oe-float-forward", "one example", "the forward sums are accumulated in Float arrays and converted back to Double", h16sub(oneExample: H16OneExample.floatForward)),
        h16("h16-oe-relu-prime-ge", "one example", "a hand-written derivative uses a >= 0 for relu, so units that are off (a = 0) still pass the error", h16sub(oneExample: H16OneExample.reluPrimeByHand)),
        h16("h16-oe-copy-paste-weights-below", "one example", "the backward loop's weights line was copied from the forward loop and edited to network.layers[l - 2], the layer below, where layers[l - 1] belongs", h16sub(oneExample: H16OneExample.copyPasteWeightsBelow)),

        // MARK: exercise 4, forward
        h16("h16-fw-bias-in-reduce", "forward", "the bias is added inside the reduce over k, once per term", h16sub(forward: H16Forward.biasInReduce)),
        h16("h16-fw-running-sum", "forward", "one running sum is declared outside the loops and never reset for each element", h16sub(forward: H16Forward.runningSum)),
        h16("h16-fw-matmul-helper-bound", "forward", "the student's own matmul helper runs the inner sum to Q.columns instead of P.columns, right only when W is square", h16sub(forward: H16Forward.ownMatmulHelper)),
        h16("h16-fw-flat-bias-by-example", "forward", "a flat walk over Z.elements adds b[i], the bias of the example's index, instead of b[j]", h16sub(forward: H16Forward.flatBiasByExample)),
        h16("h16-fw-applies-sigmoid", "forward", "the forward step applies a sigmoid to Z before returning it", h16sub(forward: H16Forward.appliesSigmoid)),
        h16("h16-fw-float-accumulator", "forward", "the sum over k is accumulated in a Float", h16sub(forward: H16Forward.floatAccumulator)),
        h16("h16-fw-cache-by-weights", "forward", "Z is cached by the weights and biases only, so another batch through the same layer returns the old Z", h16sub(forward: H16Forward.cachedByWeights)),
        h16("h16-fw-zeroes-input", "forward", "after computing Z the input matrix is zeroed through an unsafe pointer to free it", h16sub(forward: H16Forward.zeroesInput)),
        h16("h16-fw-flat-stride-rows", "forward", "in a walk over the flat storage W is read at k * W.rows + j instead of k * W.columns + j", h16sub(forward: H16Forward.flatStrideRows)),
        h16("h16-fw-unrolled-by-two", "forward", "the sum over k is unrolled by two and drops the last term when h_(l-1) is odd", h16sub(forward: H16Forward.unrolledByTwo)),
        h16("h16-fw-square-shape", "forward", "the result is allocated with W.rows columns instead of W.columns, right only for square W", h16sub(forward: H16Forward.squareShape)),

        // MARK: exercise 4, output error
        h16("h16-oute-y-minus-a", "output error", "the zip over the elements computes Y - A instead of A - Y", h16sub(outputError: H16OutputError.yMinusA)),
        h16("h16-oute-argmax-target", "output error", "the target row is read as one class index (its largest entry) and 1 is subtracted there, wrong for multi-label or soft targets", h16sub(outputError: H16OutputError.argmaxTarget)),
        h16("h16-oute-rounded-targets", "output error", "the targets are rounded to 0 or 1 before subtracting", h16sub(outputError: H16OutputError.roundedTargets)),
        h16("h16-oute-sigmoid-prime", "output error", "the output error is multiplied by A(1 - A)", h16sub(outputError: H16OutputError.sigmoidPrime)),
        h16("h16-oute-divided-by-m", "output error", "the output error is divided by m", h16sub(outputError: H16OutputError.dividedByM)),
        h16("h16-oute-cache-by-shape", "output error", "the result is cached by the shape of A, so a later call with the same shape returns the first answer", h16sub(outputError: H16OutputError.cachedByShape)),
        h16("h16-oute-writes-into-targets", "output error", "the difference is written into the targets' storage through an unsafe pointer to save an allocation", h16sub(outputError: H16OutputError.writesIntoTargets)),
        h16("h16-oute-float", "output error", "the subtraction is done in Float", h16sub(outputError: H16OutputError.floatSubtraction)),
        h16("h16-oute-last-column-skipped", "output error", "the loop over the columns runs to A.columns - 1, leaving the last unit's error 0", h16sub(outputError: H16OutputError.lastColumnSkipped)),
        h16("h16-oute-square-result", "output error", "the result is allocated as [c, m] instead of [m, c], right only when m equals c", h16sub(outputError: H16OutputError.squareResult)),
        h16("h16-oute-clamped", "output error", "A is clamped to [1e-7, 1 - 1e-7] before subtracting, as if a log were taken", h16sub(outputError: H16OutputError.clampedOutputs)),

        // MARK: exercise 5, hidden error
        h16("h16-he-transpose-helper-square", "hidden error", "the student's transpose helper allocates the result with the input's shape, right only for square W", h16sub(hiddenError: H16HiddenError.viaTransposeHelper)),
        h16("h16-he-tanh-prime-twice", "hidden error", "a hand-written derivative applies tanh to the activation again for tanh (1 - tanh(a)^2 instead of 1 - a^2)", h16sub(hiddenError: H16HiddenError.tanhPrimeTwice)),
        h16("h16-he-sigmoid-prime-of-z", "hidden error", "a hand-written derivative treats the activation as z for the sigmoid (s(a)(1 - s(a)) instead of a(1 - a))", h16sub(hiddenError: H16HiddenError.sigmoidPrimeAsIfZ)),
        h16("h16-he-times-activation", "hidden error", "the sum is multiplied by the activation A[i, j] instead of the derivative computed from it", h16sub(hiddenError: H16HiddenError.timesActivation)),
        h16("h16-he-scratch-not-cleared", "hidden error", "a scratch buffer kept between calls is added into without being zeroed", h16sub(hiddenError: H16HiddenError.scratchNotCleared)),
        h16("h16-he-writes-into-activations", "hidden error", "the derivative is written over the activations through an unsafe pointer to save a matrix", h16sub(hiddenError: H16HiddenError.writesIntoActivations)),
        h16("h16-he-sigma-prime-ji", "hidden error", "the derivative is read at A[j, i] where A[i, j] belongs", h16sub(hiddenError: H16HiddenError.sigmaPrimeSwapped)),
        h16("h16-he-k-bound-rows", "hidden error", "the sum over k runs to W.rows (h_l) instead of W.columns (h_(l+1))", h16sub(hiddenError: H16HiddenError.kBoundRows)),
        h16("h16-he-exit-single-example", "hidden error", "a debugging print and exit(0) are left in for the case of a single example", h16sub(hiddenError: H16HiddenError.exitOnSingleExample)),
        h16("h16-he-cache-by-delta", "hidden error", "the answer is cached by the values of the error above alone, ignoring W and A", h16sub(hiddenError: H16HiddenError.cachedByDeltaAbove)),
        h16("h16-he-float-sum", "hidden error", "the sum over k is accumulated in Float", h16sub(hiddenError: H16HiddenError.floatSum)),
        h16("h16-he-column-helper", "hidden error", "a column(W, j) helper zipped with the row of the error above reads W[k, j], the weights untransposed", h16sub(hiddenError: H16HiddenError.columnHelper)),

        // MARK: exercise 6, weight gradient
        h16("h16-wg-int-division", "weight gradient", "the scale is Double(1 / m) with an Int m, 0 for any m above 1", h16sub(weightGradient: H16WeightGradient.intDivision)),
        h16("h16-wg-delta-t-times-a", "weight gradient", "the student's transpose-times helper is called as (delta, input), giving the transpose of the gradient", h16sub(weightGradient: H16WeightGradient.deltaTransposedTimesInput)),
        h16("h16-wg-no-mean", "weight gradient", "the sum over the examples is never divided by m", h16sub(weightGradient: H16WeightGradient.noMean)),
        h16("h16-wg-m-minus-one", "weight gradient", "the sum is divided by m - 1", h16sub(weightGradient: H16WeightGradient.mMinusOne)),
        h16("h16-wg-skips-first-example", "weight gradient", "the loop over the examples starts at 1, leaving out example 0", h16sub(weightGradient: H16WeightGradient.skipsFirstExample)),
        h16("h16-wg-dot-helper", "weight gradient", "the student's dot helper starts its sum from the first product and then adds it again in the loop", h16sub(weightGradient: H16WeightGradient.dotHelperCountsFirstTwice)),
        h16("h16-wg-factor-sums", "weight gradient", "each factor is summed over the examples first and the two sums multiplied", h16sub(weightGradient: H16WeightGradient.factorSums)),
        h16("h16-wg-float-sum", "weight gradient", "the sum over the examples is accumulated in Float", h16sub(weightGradient: H16WeightGradient.floatSum)),
        h16("h16-wg-overwrite-flat", "weight gradient", "in a flat walk with the examples outermost the gradient element is assigned where it should be added to", h16sub(weightGradient: H16WeightGradient.overwriteFlat)),
        h16("h16-wg-single-example-special", "weight gradient", "a special case for m == 1 builds the outer product with the factors swapped (delta[0, k] input[0, j])", h16sub(weightGradient: H16WeightGradient.singleExampleSpecialCase)),
        h16("h16-wg-copy-paste-input-twice", "weight gradient", "copy-paste slip: the product reads input[i, k] * input[i, j], the input twice, instead of input times delta", h16sub(weightGradient: H16WeightGradient.inputTwice)),
        h16("h16-wg-cache-by-delta", "weight gradient", "the gradient is cached by the values of delta alone, ignoring the input", h16sub(weightGradient: H16WeightGradient.cachedByDelta)),

        // MARK: exercise 6, bias gradient
        h16("h16-bg-row-sums", "bias gradient", "each example's row is summed (over the units) instead of each column (over the examples)", h16sub(biasGradient: H16BiasGradient.rowSums)),
        h16("h16-bg-divided-by-columns", "bias gradient", "the column sums are divided by delta.columns instead of delta.rows", h16sub(biasGradient: H16BiasGradient.dividedByColumns)),
        h16("h16-bg-first-row-only", "bias gradient", "only the first row of delta is returned, the one-example formula", h16sub(biasGradient: H16BiasGradient.firstRowOnly)),
        h16("h16-bg-reduce-from-one", "bias gradient", "the column sums use reduce(1, +), a sum that starts from 1", h16sub(biasGradient: H16BiasGradient.reduceFromOne)),
        h16("h16-bg-no-mean", "bias gradient", "the column sums are returned without the 1/m", h16sub(biasGradient: H16BiasGradient.noMean)),
        h16("h16-bg-float-sums", "bias gradient", "the column sums are kept in a Float array", h16sub(biasGradient: H16BiasGradient.floatSums)),
        h16("h16-bg-drops-last-example", "bias gradient", "the loop over the examples runs to delta.rows - 1, leaving out the last example", h16sub(biasGradient: H16BiasGradient.dropsLastExample)),
        h16("h16-bg-running-total", "bias gradient", "the column totals live in a shared array that is never reset between calls", h16sub(biasGradient: H16BiasGradient.runningTotal)),
        h16("h16-bg-recursive-base-zero", "bias gradient", "the recursive column sum's base case returns 0 at row 0 instead of delta[0, j], leaving out the first example", h16sub(biasGradient: H16BiasGradient.recursiveBaseZero)),
        h16("h16-bg-running-mean-by-index", "bias gradient", "an incremental mean divides by the 0-based index i instead of i + 1, so the first step divides by zero", h16sub(biasGradient: H16BiasGradient.runningMeanByIndex)),

        // MARK: exercise 7, batch engine
        h16("h16-be-layers-top-first", "batch engine", "the gradients are appended in the backward loop, so the array holds the top layer first", h16sub(engine: { AnyBackpropEngine(H16EngineLayersTopFirst(steps: $0)) })),
        h16("h16-be-loss-summed", "batch engine", "the loss is the sum of the examples' losses, never multiplied by 1/m", h16sub(engine: { AnyBackpropEngine(H16EngineLossSummed(steps: $0)) })),
        h16("h16-be-loss-assigned", "batch engine", "the loss is assigned in the loop over the examples instead of added up, so only the last example counts", h16sub(engine: { AnyBackpropEngine(H16EngineLossAssigned(steps: $0)) })),
        h16("h16-be-adds-into-gradients", "batch engine", "after prepare the engine adds into gradients instead of assigning them", h16sub(engine: { AnyBackpropEngine(H16EngineAddsIntoGradients(steps: $0)) })),
        h16("h16-be-weights-below", "batch engine", "the hidden error is given network.layers[l - 2].weights, the layer below, where layers[l - 1] belongs", h16sub(engine: { AnyBackpropEngine(H16EngineWeightsBelow(steps: $0)) })),
        h16("h16-be-sigma-prime-above", "batch engine", "the hidden error is given A[l], the layer's own output, where A[l - 1] belongs", h16sub(engine: { AnyBackpropEngine(H16EngineSigmaPrimeAbove(steps: $0)) })),
        h16("h16-be-every-layer-fed-x", "batch engine", "every layer's forward step is fed X instead of the previous layer's activations", h16sub(engine: { AnyBackpropEngine(H16EngineEveryLayerFedX(steps: $0)) })),
        h16("h16-be-batch-max-softmax", "batch engine", "the softmax is written by hand subtracting one maximum for the whole batch instead of each row's own", h16sub(engine: { AnyBackpropEngine(H16EngineBatchMaxSoftmax(steps: $0)) })),
        h16("h16-be-log-loss-by-hand", "batch engine", "the loss is written by hand from the activations as minus y log a, which gives NaN where an activation rounds to 0 or 1", h16sub(engine: { AnyBackpropEngine(H16EngineLogLossByHand(steps: $0)) })),
        h16("h16-be-dictionary-values", "batch engine", "the gradients are kept in a dictionary keyed by layer and returned as Array(values), in the dictionary's arbitrary order", h16sub(engine: { AnyBackpropEngine(H16EngineDictionaryValues(steps: $0)) })),
        h16("h16-be-recursive-bias-after-move", "batch engine", "the recursive backward pass takes the bias gradient after delta has been moved on to the layer below", h16sub(engine: { AnyBackpropEngine(H16EngineRecursiveBiasLate(steps: $0)) })),
        h16("h16-be-loss-from-activations", "batch engine", "the loss is given the output activations where it takes the logits", h16sub(engine: { AnyBackpropEngine(H16EngineLossFromActivations(steps: $0)) })),
        h16("h16-be-m-from-columns", "batch engine", "m is taken from Y.columns (the classes) instead of X.rows for the mean loss", h16sub(engine: { AnyBackpropEngine(H16EngineMFromColumns(steps: $0)) })),
        h16("h16-be-updates-weights", "batch engine", "a gradient descent step is taken on a copy of the network inside the backward loop, and the hidden errors use the updated weights", h16sub(engine: { AnyBackpropEngine(H16EngineUpdatesWeights(steps: $0)) })),
        h16("h16-be-activations-by-shape", "batch engine", "the forward pass is cached in a global keyed by the network's sizes and the batch's shape", h16sub(engine: { AnyBackpropEngine(H16EngineActivationsByShape(steps: $0)) })),
        h16("h16-be-stops-at-two", "batch engine", "the backward loop is stride(from: L, to: 1, by: -1), so layer 1 is never filled in", h16sub(engine: { AnyBackpropEngine(H16EngineStopsAtTwo(steps: $0)) })),

        // MARK: correct, written unusually
        h16("h16-pass-oe-recursive", "pass", "correct: the one-example pass as a recursion that goes up forward and returns delta on the way down", h16sub(oneExample: H16OneExample.recursiveCorrect)),
        h16("h16-pass-oe-column-matrices", "pass", "correct: the one-example pass with [h, 1] Matrix columns, W.transposed and an own matmul helper", h16sub(oneExample: H16OneExample.columnMatrices)),
        h16("h16-pass-oe-prints", "pass", "correct: the solution's loops with debugging prints of every z and delta left in", h16sub(oneExample: H16OneExample.withPrints)),
        h16("h16-pass-fw-column-major", "pass", "correct: the forward step walks column by column (j, then k, then i), starting every element at its bias", h16sub(forward: H16Forward.columnMajor)),
        h16("h16-pass-fw-unsafe-buffers", "pass", "correct: the forward step on unsafe buffer pointers of the flat storage", h16sub(forward: H16Forward.unsafeBuffers)),
        h16("h16-pass-oute-zip", "pass", "correct: the output error as a zip over the flat elements", h16sub(outputError: H16OutputError.zipElements)),
        h16("h16-pass-oute-while-print", "pass", "correct: the output error in a while loop over the flat index, with a print of the shapes", h16sub(outputError: H16OutputError.whileWithPrint)),
        h16("h16-pass-he-reduce-zip", "pass", "correct: the hidden error as a reduce over zip of the row of the error above and row j of W", h16sub(hiddenError: H16HiddenError.reduceZip)),
        h16("h16-pass-he-cache-all-inputs", "pass", "correct: a cache keyed by the bits of all three matrices and the activation", h16sub(hiddenError: H16HiddenError.cachedByAllInputs)),
        h16("h16-pass-wg-outer-products", "pass", "correct: the weight gradient as the sum of the examples' outer products, then divided by m", h16sub(weightGradient: H16WeightGradient.outerProducts)),
        h16("h16-pass-wg-transposed-matmul", "pass", "correct: input.transposed times delta with an own matmul helper, then times 1/m", h16sub(weightGradient: H16WeightGradient.transposedMatmul)),
        h16("h16-pass-bg-reduce", "pass", "correct: the bias gradient as a map over the columns of a reduce over the rows", h16sub(biasGradient: H16BiasGradient.reduceColumns)),
        h16("h16-pass-bg-stride-flat", "pass", "correct: the bias gradient by striding through the flat storage column by column", h16sub(biasGradient: H16BiasGradient.strideFlat)),
        h16("h16-pass-be-dictionaries", "pass", "correct: an engine keeping activations and gradients in dictionaries keyed by layer, read back in order", h16sub(engine: { AnyBackpropEngine(H16EngineDictionaries(steps: $0)) })),
        h16("h16-pass-be-recursive", "pass", "correct: a recursive engine, forward on the way up, backward on the way down", h16sub(engine: { AnyBackpropEngine(H16EngineRecursive(steps: $0)) })),
        h16("h16-pass-be-prepare-reduce", "pass", "correct: an engine that builds the forward pass with reduce(into:), calls prepare and assigns every layer and the loss", h16sub(engine: { AnyBackpropEngine(H16EnginePrepareReduce(steps: $0)) })),
    ]
    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - Shared state

/// A dictionary behind a lock, for the hand-ins that keep things between calls.
final class H16LockedDictionary<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var store: [Key: Value] = [:]

    func value(for key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return store[key]
    }

    func set(_ value: Value, for key: Key) {
        lock.lock()
        defer { lock.unlock() }
        store[key] = value
    }
}

/// A scratch array kept from one call to the next.
final class H16Scratch: @unchecked Sendable {
    let lock = NSLock()
    var storage: [Double] = []
}

func h16Bits(_ values: [Double]) -> [UInt64] { values.map(\.bitPattern) }

// MARK: - Exercise 3

enum H16OneExample {
    static func whileLoopsTransposed(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        var l = 1
        while l <= L {
            let W = network.layers[l - 1].weights
            var z = network.layers[l - 1].biases
            var j = 0
            while j < h[l] {
                var k = 0
                while k < h[l - 1] {
                    z[j] += W[j, k] * a[l - 1][k]
                    k += 1
                }
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
        var delta = zip(a[L], y).map { $0 - $1 }
        var grads: [LayerParameters<Double>] = []
        l = L
        while l >= 1 {
            var gW = Matrix<Double>(rows: h[l - 1], columns: h[l])
            var k = 0
            while k < h[l - 1] {
                var j = 0
                while j < h[l] {
                    gW[k, j] = a[l - 1][k] * delta[j]
                    j += 1
                }
                k += 1
            }
            grads.insert(LayerParameters(weights: gW, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                var j = 0
                while j < h[l - 1] {
                    var s = 0.0
                    var k2 = 0
                    while k2 < h[l] {
                        s += W[j, k2] * delta[k2]
                        k2 += 1
                    }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                    j += 1
                }
                delta = below
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func softmaxByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x]
        var zTop: [Double] = []
        let kind: OutputActivation = network.output.activation
        for l in 1...L {
            let layer = network.layers[l - 1]
            let z = (0..<h[l]).map { j in
                (0..<h[l - 1]).reduce(layer.biases[j]) { $0 + layer.weights[$1, j] * a[l - 1][$1] }
            }
            if l < L {
                a.append(z.map { network.hidden.value($0) })
            } else {
                zTop = z
                if kind == .softmax {
                    let e = z.map { exp($0) }
                    let total = e.reduce(0, +)
                    a.append(e.map { $0 / total })
                } else {
                    a.append(network.output.activation(z))
                }
            }
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
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
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        // cross-entropy, as on the slides
        let kind: OutputActivation = network.output.activation
        var loss = 0.0
        for j in 0..<h[L] {
            if kind == .softmax {
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

    static func layersTopFirst(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var acts: [[Double]] = [x]
        var logits: [Double] = []
        for l in 1...L {
            let layer = network.layers[l - 1]
            var z = [Double]()
            for j in 0..<layer.weights.columns {
                var s = layer.biases[j]
                for k in 0..<layer.weights.rows { s += layer.weights[k, j] * acts[l - 1][k] }
                z.append(s)
            }
            if l == L {
                logits = z
                acts.append(network.output.activation(z))
            } else {
                acts.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: logits, activation: acts[L], target: y)
        var delta = [Double]()
        for j in 0..<y.count { delta.append(acts[L][j] - y[j]) }
        var grads: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            let input = acts[l - 1]
            var gW = Matrix<Double>(rows: input.count, columns: delta.count)
            for k in 0..<input.count { for j in 0..<delta.count { gW[k, j] = input[k] * delta[j] } }
            grads.append(LayerParameters(weights: gW, biases: delta))
            if l > 1 {
                let W = network.layers[l - 1].weights
                var next = [Double]()
                for j in 0..<W.rows {
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * delta[k] }
                    next.append(s * network.hidden.derivative(fromActivation: input[j]))
                }
                delta = next
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func recursiveSigmaAbove(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var acts = [x]
        var logits: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = b
            for j in 0..<W.columns { for k in 0..<W.rows { z[j] += W[k, j] * acts[l - 1][k] } }
            if l == L { logits = z }
            acts.append(l == L ? network.output.activation(z) : z.map { network.hidden.value($0) })
        }
        let loss = network.output.loss(logits: logits, activation: acts[L], target: y)
        var out = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        func back(_ l: Int, _ delta: [Double]) {
            let input = acts[l - 1]
            var g = Matrix<Double>(rows: input.count, columns: delta.count)
            for k in input.indices { for j in delta.indices { g[k, j] = input[k] * delta[j] } }
            out[l - 1] = LayerParameters(weights: g, biases: delta)
            if l == 1 { return }
            let W = network.layers[l - 1].weights
            let below = (0..<W.rows).map { j -> Double in
                var s = 0.0
                for k in 0..<W.columns { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: acts[l][j])
            }
            back(l - 1, below)
        }
        back(L, zip(acts[L], y).map { $0 - $1 })
        return Gradients(loss: loss, layers: out)
    }

    static func exitAfterDebugPrint(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        let stopToLook = true
        if stopToLook {
            print("loss", loss, "db1", layers[0].biases)
            exit(0)
        }
        return Gradients(loss: loss, layers: layers)
    }

    static let byInput = H16LockedDictionary<[UInt64], Gradients<Double>>()

    static func cachedByInput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let key = h16Bits(x)
        if let seen = byInput.value(for: key) { return seen }
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
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        let result = Gradients(loss: loss, layers: layers)
        byInput.set(result, for: key)
        return result
    }

    static func sigmaPrimeFromZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [x]
        for l in 1...L {
            let layer = network.layers[l - 1]
            var zl = layer.biases
            for j in 0..<h[l] {
                for k in 0..<h[l - 1] { zl[j] += layer.weights[k, j] * a[l - 1][k] }
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
                return sum * network.hidden.derivative(fromActivation: z[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func sigmoidOutputPrime(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        let kind: OutputActivation = network.output.activation
        if kind == .sigmoid {
            // chain rule through the output sigmoid
            delta = delta.enumerated().map { j, d in d * a[L][j] * (1 - a[L][j]) }
        }
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

    static func floatForward(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zf = [Float](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zf[j] = Float(b[j])
                for i in 0..<h[l - 1] { zf[j] += Float(W[i, j]) * Float(a[l - 1][i]) }
            }
            let zl = zf.map { Double($0) }
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

    private static func slope(_ a: Double, _ activation: Activation) -> Double {
        switch activation {
        case .sigmoid: return a * (1 - a)
        case .tanh: return 1 - a * a
        case .relu: return a >= 0 ? 1 : 0
        case .identity: return 1
        }
    }

    static func reluPrimeByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
                return sum * slope(a[l - 1][j], network.hidden)
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func copyPasteWeightsBelow(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            let W = network.layers[l - 2].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    // MARK: correct ones

    static func recursiveCorrect(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var result: [LayerParameters<Double>] = []
        var loss = 0.0
        func visit(_ l: Int, _ aPrev: [Double]) -> [Double] {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = b
            for j in 0..<W.columns { for k in 0..<W.rows { z[j] += W[k, j] * aPrev[k] } }
            let delta: [Double]
            if l == L {
                let a = network.output.activation(z)
                loss = network.output.loss(logits: z, activation: a, target: y)
                delta = zip(a, y).map { $0 - $1 }
            } else {
                let a = z.map { network.hidden.value($0) }
                let up = visit(l + 1, a)
                let Wup = network.layers[l].weights
                delta = (0..<a.count).map { j in
                    var s = 0.0
                    for k in 0..<up.count { s += Wup[j, k] * up[k] }
                    return s * network.hidden.derivative(fromActivation: a[j])
                }
            }
            var g = Matrix<Double>(rows: aPrev.count, columns: delta.count)
            for k in aPrev.indices { for j in delta.indices { g[k, j] = aPrev[k] * delta[j] } }
            result.insert(LayerParameters(weights: g, biases: delta), at: 0)
            return delta
        }
        _ = visit(1, x)
        return Gradients(loss: loss, layers: result)
    }

    private static func product(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
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

    static func columnMatrices(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a = [Matrix<Double>(rows: x.count, columns: 1, elements: x)]
        var zL = Matrix<Double>(rows: 0, columns: 0)
        for l in 1...L {
            let layer = network.layers[l - 1]
            var z = product(layer.weights.transposed, a[l - 1])
            for j in 0..<z.rows { z[j, 0] += layer.biases[j] }
            if l == L {
                zL = z
                a.append(Matrix(rows: z.rows, columns: 1, elements: network.output.activation(z.elements)))
            } else {
                a.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: zL.elements, activation: a[L].elements, target: y)
        var delta = Matrix<Double>(rows: y.count, columns: 1, elements: zip(a[L].elements, y).map { $0 - $1 })
        var layers = [LayerParameters<Double>]()
        var l = L
        while l >= 1 {
            let gW = product(a[l - 1], delta.transposed)
            layers.insert(LayerParameters(weights: gW, biases: delta.elements), at: 0)
            if l > 1 {
                var back = product(network.layers[l - 1].weights, delta)
                for j in 0..<back.rows { back[j, 0] *= network.hidden.derivative(fromActivation: a[l - 1][j, 0]) }
                delta = back
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func withPrints(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        print("sizes", h, "x", x)
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

// MARK: - Exercise 4, forward

enum H16Forward {
    static func biasInReduce(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                Z[i, j] = (0..<A.columns).reduce(0.0) { acc, k in acc + A[i, k] * W[k, j] + b[j] }
            }
        }
        return Z
    }

    static func runningSum(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        var sum = 0.0
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                for k in 0..<A.columns {
                    sum += A[i, k] * W[k, j]
                }
                Z[i, j] = sum + b[j]
            }
        }
        return Z
    }

    private static func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
        var R = Matrix<Double>(rows: P.rows, columns: Q.columns)
        for i in 0..<P.rows {
            for j in 0..<Q.columns {
                var s = 0.0
                for k in 0..<Q.columns { s += P[i, k] * Q[k, j] }
                R[i, j] = s
            }
        }
        return R
    }

    static func ownMatmulHelper(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = matmul(A, W)
        for i in 0..<Z.rows {
            for j in 0..<Z.columns { Z[i, j] += b[j] }
        }
        return Z
    }

    static func flatBiasByExample(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let n = W.columns
        var Z = Matrix<Double>(rows: A.rows, columns: n)
        for idx in 0..<Z.elements.count {
            let i = idx / n, j = idx % n
            var s = b[i]
            for k in 0..<A.columns { s += A.elements[i * A.columns + k] * W.elements[k * n + j] }
            Z.elements[idx] = s
        }
        return Z
    }

    static func appliesSigmoid(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func floatAccumulator(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static let byWeights = H16LockedDictionary<[UInt64], Matrix<Double>>()

    static func cachedByWeights(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = [UInt64(W.rows), UInt64(W.columns)] + h16Bits(W.elements) + h16Bits(b)
        if let Z = byWeights.value(for: key), Z.rows == A.rows { return Z }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        byWeights.set(Z, for: key)
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
        // done with the input: clear it
        A.elements.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let p = UnsafeMutablePointer(mutating: base)
            for idx in 0..<buffer.count { p[idx] = 0 }
        }
        return Z
    }

    static func flatStrideRows(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = W.columns
        var z = [Double](repeating: 0, count: m * h)
        for i in 0..<m {
            for j in 0..<h {
                var s = b[j]
                for k in 0..<n { s += A.elements[i * n + k] * W.elements[k * W.rows + j] }
                z[i * h + j] = s
            }
        }
        return Matrix(rows: m, columns: h, elements: z)
    }

    static func unrolledByTwo(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let K = A.columns
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in stride(from: 0, to: K - 1, by: 2) {
                    s += A[i, k] * W[k, j] + A[i, k + 1] * W[k + 1, j]
                }
                Z[i, j] = s
            }
        }
        return Z
    }

    static func squareShape(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.rows)
        for i in 0..<Z.rows {
            for j in 0..<Z.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // MARK: correct ones

    static func columnMajor(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for j in 0..<W.columns {
            for i in 0..<A.rows { Z[i, j] = b[j] }
            for k in 0..<W.rows {
                let w = W[k, j]
                for i in 0..<A.rows { Z[i, j] += A[i, k] * w }
            }
        }
        return Z
    }

    static func unsafeBuffers(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = W.columns
        var out = [Double](repeating: 0, count: m * h)
        A.elements.withUnsafeBufferPointer { a in
            W.elements.withUnsafeBufferPointer { w in
                b.withUnsafeBufferPointer { bias in
                    out.withUnsafeMutableBufferPointer { z in
                        for i in 0..<m {
                            for j in 0..<h {
                                var s = bias[j]
                                for k in 0..<n { s += a[i * n + k] * w[k * h + j] }
                                z[i * h + j] = s
                            }
                        }
                    }
                }
            }
        }
        return Matrix(rows: m, columns: h, elements: out)
    }
}

// MARK: - Exercise 4, output error

enum H16OutputError {
    static func yMinusA(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(Y.elements, A.elements).map { $0 - $1 })
    }

    static func argmaxTarget(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = A
        for i in 0..<A.rows {
            let row = Y.row(i)
            var label = 0
            for j in 1..<row.count where row[j] > row[label] { label = j }
            D[i, label] -= 1
        }
        return D
    }

    static func roundedTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let target: Double = Y[i, j] >= 0.5 ? 1 : 0
                D[i, j] = A[i, j] - target
            }
        }
        return D
    }

    static func sigmoidPrime(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
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

    static let byShape = H16LockedDictionary<String, Matrix<Double>>()

    static func cachedByShape(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let key = A.shapeDescription
        if let D = byShape.value(for: key) { return D }
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j] } }
        byShape.set(D, for: key)
        return D
    }

    static func writesIntoTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let count = A.rows * A.columns
        // reuse Y's memory for the difference, no new allocation
        Y.elements.withUnsafeBufferPointer { yb in
            guard let base = yb.baseAddress else { return }
            let y = UnsafeMutablePointer(mutating: base)
            A.elements.withUnsafeBufferPointer { ab in
                for idx in 0..<count { y[idx] = ab[idx] - y[idx] }
            }
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: Y.elements)
    }

    static func floatSubtraction(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let d: Float = Float(A[i, j]) - Float(Y[i, j])
                D[i, j] = Double(d)
            }
        }
        return D
    }

    static func lastColumnSkipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns - 1 { D[i, j] = A[i, j] - Y[i, j] }
        }
        return D
    }

    static func squareResult(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.columns, columns: A.rows)
        for i in 0..<A.rows {
            for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j] }
        }
        return D
    }

    static func clampedOutputs(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = min(max(A[i, j], eps), 1 - eps)
                D[i, j] = a - Y[i, j]
            }
        }
        return D
    }

    // MARK: correct ones

    static func zipElements(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }

    static func whileWithPrint(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        print("outputError: A", A.shapeDescription, "Y", Y.shapeDescription)
        var out = [Double](repeating: 0, count: A.elements.count)
        var idx = 0
        while idx < out.count {
            out[idx] = A.elements[idx] - Y.elements[idx]
            idx += 1
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: out)
    }
}

// MARK: - Exercise 5, hidden error

enum H16HiddenError {
    private static func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
        var T = Matrix<Double>(rows: M.rows, columns: M.columns)
        for i in 0..<M.rows {
            for j in 0..<M.columns { T[j, i] = M[i, j] }
        }
        return T
    }

    private static func multiply(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
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

    static func viaTransposeHelper(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var E = multiply(D, transpose(W))
        for i in 0..<E.rows {
            for j in 0..<E.columns { E[i, j] *= hidden.derivative(fromActivation: A[i, j]) }
        }
        return E
    }

    private static func slopeTanhTwice(_ a: Double, _ activation: Activation) -> Double {
        switch activation {
        case .sigmoid: return a * (1 - a)
        case .tanh:
            let t = tanh(a)
            return 1 - t * t
        case .relu: return a > 0 ? 1 : 0
        case .identity: return 1
        }
    }

    static func tanhPrimeTwice(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * slopeTanhTwice(A[i, j], hidden)
            }
        }
        return delta
    }

    private static func slopeSigmoidOfZ(_ a: Double, _ activation: Activation) -> Double {
        switch activation {
        case .sigmoid:
            let s = 1 / (1 + exp(-a))
            return s * (1 - s)
        case .tanh: return 1 - a * a
        case .relu: return a > 0 ? 1 : 0
        case .identity: return 1
        }
    }

    static func sigmoidPrimeAsIfZ(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * slopeSigmoidOfZ(A[i, j], hidden)
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

    static let scratch = H16Scratch()

    static func scratchNotCleared(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, h = W.rows, above = W.columns
        scratch.lock.lock()
        defer { scratch.lock.unlock() }
        if scratch.storage.count != m * h { scratch.storage = [Double](repeating: 0, count: m * h) }
        for i in 0..<m {
            for j in 0..<h {
                for k in 0..<above { scratch.storage[i * h + j] += D[i, k] * W[j, k] }
            }
        }
        var delta = Matrix<Double>(rows: m, columns: h)
        for i in 0..<m {
            for j in 0..<h { delta[i, j] = scratch.storage[i * h + j] * hidden.derivative(fromActivation: A[i, j]) }
        }
        return delta
    }

    static func writesIntoActivations(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        // turn A into σ′(A) in place, saves a matrix
        A.elements.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            let p = UnsafeMutablePointer(mutating: base)
            for idx in 0..<buffer.count { p[idx] = hidden.derivative(fromActivation: p[idx]) }
        }
        let slopes = A.elements.withUnsafeBufferPointer { Array($0) }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * slopes[i * W.rows + j]
            }
        }
        return delta
    }

    static func sigmaPrimeSwapped(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func exitOnSingleExample(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                    _ hidden: Activation) throws -> Matrix<Double> {
        if D.rows == 1 {
            print("one example only, compare with exercise 1:", D, W)
            exit(0)
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

    static let byDelta = H16LockedDictionary<[UInt64], Matrix<Double>>()

    static func cachedByDeltaAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        let key = [UInt64(D.rows), UInt64(D.columns)] + h16Bits(D.elements)
        if let seen = byDelta.value(for: key), seen.columns == W.rows { return seen }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        byDelta.set(delta, for: key)
        return delta
    }

    static func floatSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                         _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum: Float = 0
                for k in 0..<W.columns { sum += Float(D[i, k]) * Float(W[j, k]) }
                delta[i, j] = Double(sum) * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    private static func column(_ M: Matrix<Double>, _ j: Int) -> [Double] {
        (0..<M.rows).map { M[$0, j] }
    }

    static func columnHelper(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            let up = D.row(i)
            for j in 0..<W.rows {
                let s = zip(up, column(W, j)).reduce(0.0) { $0 + $1.0 * $1.1 }
                delta[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // MARK: correct ones

    static func reduceZip(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                          _ hidden: Activation) throws -> Matrix<Double> {
        let rows = (0..<D.rows).map { i -> [Double] in
            let up = D.row(i)
            return (0..<W.rows).map { j in
                zip(up, W.row(j)).reduce(0.0) { $0 + $1.0 * $1.1 } * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return Matrix(rows: D.rows, columns: W.rows, elements: rows.flatMap { $0 })
    }

    struct Key: Hashable {
        let shapes: [Int]
        let bits: [UInt64]
        let activation: String
    }

    static let byAllInputs = H16LockedDictionary<Key, Matrix<Double>>()

    static func cachedByAllInputs(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                  _ hidden: Activation) throws -> Matrix<Double> {
        let key = Key(shapes: [D.rows, D.columns, W.rows, W.columns, A.rows, A.columns],
                      bits: h16Bits(D.elements) + h16Bits(W.elements) + h16Bits(A.elements),
                      activation: hidden.rawValue)
        if let seen = byAllInputs.value(for: key) { return seen }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        byAllInputs.set(delta, for: key)
        return delta
    }
}

// MARK: - Exercise 6, weight gradient

enum H16WeightGradient {
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

    /// Pᵀ Q without building the transpose.
    private static func transposeTimes(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
        var R = Matrix<Double>(rows: P.columns, columns: Q.columns)
        for r in 0..<P.columns {
            for c in 0..<Q.columns {
                var s = 0.0
                for i in 0..<P.rows { s += P[i, r] * Q[i, c] }
                R[r, c] = s
            }
        }
        return R
    }

    static func deltaTransposedTimesInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        return transposeTimes(D, A).map { $0 / m }
    }

    static func noMean(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                G[k, j] = (0..<A.rows).reduce(0.0) { $0 + A[$1, k] * D[$1, j] }
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

    private static func dot(_ u: [Double], _ v: [Double]) -> Double {
        var s = u[0] * v[0]
        for i in 0..<u.count { s += u[i] * v[i] }
        return s
    }

    static func dotHelperCountsFirstTwice(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            let a = (0..<m).map { A[$0, k] }
            for j in 0..<D.columns {
                let d = (0..<m).map { D[$0, j] }
                G[k, j] = dot(a, d) / Double(m)
            }
        }
        return G
    }

    static func factorSums(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sa = 0.0, sd = 0.0
                for i in 0..<m {
                    sa += A[i, k]
                    sd += D[i, j]
                }
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
                for i in 0..<m { sum += Float(A[i, k]) * Float(D[i, j]) }
                G[k, j] = Double(sum) / Double(m)
            }
        }
        return G
    }

    static func overwriteFlat(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, c = D.columns
        var G = Matrix<Double>(rows: n, columns: c)
        for i in 0..<m {
            for k in 0..<n {
                for j in 0..<c {
                    G.elements[k * c + j] = A.elements[i * n + k] * D.elements[i * c + j] / Double(m)
                }
            }
        }
        return G
    }

    static func singleExampleSpecialCase(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        if m == 1 {
            // one example: just the outer product
            var G = Matrix<Double>(rows: A.columns, columns: D.columns)
            for k in 0..<A.columns {
                for j in 0..<D.columns { G[k, j] = D[0, k] * A[0, j] }
            }
            return G
        }
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

    static func inputTwice(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * A[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static let byDelta = H16LockedDictionary<[UInt64], Matrix<Double>>()

    static func cachedByDelta(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let key = [UInt64(D.rows), UInt64(D.columns), UInt64(A.columns)] + h16Bits(D.elements)
        if let G = byDelta.value(for: key) { return G }
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        byDelta.set(G, for: key)
        return G
    }

    // MARK: correct ones

    static func outerProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<m {
            let a = A.row(i), d = D.row(i)
            for (k, ak) in a.enumerated() {
                for (j, dj) in d.enumerated() { G[k, j] += ak * dj }
            }
        }
        return G.map { $0 / Double(m) }
    }

    private static func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
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

    static func transposedMatmul(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let scale = 1 / Double(A.rows)
        return matmul(A.transposed, D).map { $0 * scale }
    }
}

// MARK: - Exercise 6, bias gradient

enum H16BiasGradient {
    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.rows).map { i in D.row(i).reduce(0, +) / Double(D.rows) }
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
        (0..<D.columns).map { j in
            (0..<D.rows).map { D[$0, j] }.reduce(1, +) / Double(D.rows)
        }
    }

    static func noMean(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    static func floatSums(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    static func dropsLastExample(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows - 1 { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static let totals = H16Scratch()

    static func runningTotal(_ D: Matrix<Double>) throws -> [Double] {
        totals.lock.lock()
        defer { totals.lock.unlock() }
        if totals.storage.count != D.columns { totals.storage = [Double](repeating: 0, count: D.columns) }
        for i in 0..<D.rows { for j in 0..<D.columns { totals.storage[j] += D[i, j] } }
        return totals.storage.map { $0 / Double(D.rows) }
    }

    private static func columnSum(_ D: Matrix<Double>, _ j: Int, upTo i: Int) -> Double {
        if i == 0 { return 0 }
        return D[i, j] + columnSum(D, j, upTo: i - 1)
    }

    static func recursiveBaseZero(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in columnSum(D, j, upTo: D.rows - 1) / Double(D.rows) }
    }

    static func runningMeanByIndex(_ D: Matrix<Double>) throws -> [Double] {
        var mean = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows {
            for j in 0..<D.columns { mean[j] += (D[i, j] - mean[j]) / Double(i) }
        }
        return mean
    }

    // MARK: correct ones

    static func reduceColumns(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in
            (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } / Double(D.rows)
        }
    }

    static func strideFlat(_ D: Matrix<Double>) throws -> [Double] {
        let c = D.columns
        var out = [Double]()
        for j in 0..<c {
            var s = 0.0
            for idx in stride(from: j, to: D.elements.count, by: c) { s += D.elements[idx] }
            out.append(s / Double(D.rows))
        }
        return out
    }
}

// MARK: - Exercise 7, batch engines

struct H16EngineLayersTopFirst: BackpropEngine {
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
        var layers: [LayerParameters<Double>] = []
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                          biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}

struct H16EngineLossSummed: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        var acts: [Matrix<Double>] = [X]
        var logits = Matrix<Double>(rows: 0, columns: 0)
        for l in 1...L {
            let Zl = try steps.forward(acts[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            if l == L {
                logits = Zl
                acts.append(Zl.mapRows { network.output.activation($0) })
            } else {
                acts.append(Zl.map { network.hidden.value($0) })
            }
        }
        let loss = (0..<X.rows).reduce(0.0) {
            $0 + network.output.loss(logits: logits.row($1), activation: acts[L].row($1), target: Y.row($1))
        }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(acts[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(acts[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H16EngineLossAssigned: BackpropEngine {
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
        for i in 0..<m { loss = network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
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

struct H16EngineAddsIntoGradients: BackpropEngine {
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
        gradients.loss += loss / Double(m)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let gW = try steps.weightGradient(A[l - 1], delta)
            let gb = try steps.biasGradient(delta)
            for idx in gW.elements.indices { gradients.layers[l - 1].weights.elements[idx] += gW.elements[idx] }
            for j in gb.indices { gradients.layers[l - 1].biases[j] += gb[j] }
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }
}

struct H16EngineWeightsBelow: BackpropEngine {
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
            if l > 1 {
                let below = network.layers[l - 2]
                delta = try steps.hiddenError(delta, below.weights, A[l - 1], network.hidden)
            }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H16EngineSigmaPrimeAbove: BackpropEngine {
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
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l], network.hidden) }
            l -= 1
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H16EngineEveryLayerFedX: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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

struct H16EngineBatchMaxSoftmax: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    private func outputActivations(_ Z: Matrix<Double>, _ network: Network<Double>) -> Matrix<Double> {
        let kind: OutputActivation = network.output.activation
        guard kind == .softmax else { return Z.mapRows { network.output.activation($0) } }
        let top = Z.elements.max() ?? 0
        var E = Z.map { exp($0 - top) }
        for i in 0..<E.rows {
            var total = 0.0
            for j in 0..<E.columns { total += E[i, j] }
            for j in 0..<E.columns { E[i, j] /= total }
        }
        return E
    }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : outputActivations(Zl, network))
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

struct H16EngineLogLossByHand: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        let kind: OutputActivation = network.output.activation
        var loss = 0.0
        for i in 0..<m {
            for j in 0..<Y.columns {
                let a = A[L][i, j], y = Y[i, j]
                if kind == .softmax {
                    loss -= y * log(a)
                } else {
                    loss -= y * log(a) + (1 - y) * log(1 - a)
                }
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

struct H16EngineDictionaryValues: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A: [Int: Matrix<Double>] = [0: X]
        var Z: [Int: Matrix<Double>] = [:]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1]!, layer.weights, layer.biases)
            Z[l] = Zl
            A[l] = l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) }
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L]!.row(i), activation: A[L]!.row(i), target: Y.row(i)) }
        var grads: [Int: LayerParameters<Double>] = [:]
        var delta = try steps.outputError(A[L]!, Y)
        for l in stride(from: L, through: 1, by: -1) {
            grads[l] = LayerParameters(weights: try steps.weightGradient(A[l - 1]!, delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1]!, network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: Array(grads.values))
    }
}

struct H16EngineRecursiveBiasLate: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X]
        var ZL = X
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            if l == L { ZL = Zl }
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        func backward(_ l: Int, _ delta: Matrix<Double>) throws {
            let gW = try steps.weightGradient(A[l - 1], delta)
            var next = delta
            if l > 1 { next = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            layers[l - 1] = LayerParameters(weights: gW, biases: try steps.biasGradient(next))
            if l > 1 { try backward(l - 1, next) }
        }
        try backward(L, try steps.outputError(A[L], Y))
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H16EngineLossFromActivations: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

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

struct H16EngineMFromColumns: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        let m = Y.columns   // batch size
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
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}

struct H16EngineUpdatesWeights: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    let learningRate = 0.5

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
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
            // gradient descent step right away
            for idx in gW.elements.indices { net.layers[l - 1].weights.elements[idx] -= learningRate * gW.elements[idx] }
            for j in gb.indices { net.layers[l - 1].biases[j] -= learningRate * gb[j] }
            if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], net.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

final class H16ForwardPassCache: @unchecked Sendable {
    let lock = NSLock()
    var passes: [String: (A: [Matrix<Double>], Z: [Matrix<Double>])] = [:]
}

struct H16EngineActivationsByShape: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    static let cache = H16ForwardPassCache()

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let key = "\(network.sizes) \(X.shapeDescription)"
        Self.cache.lock.lock()
        let kept = Self.cache.passes[key]
        Self.cache.lock.unlock()
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        if let kept {
            A = kept.A
            Z = kept.Z
        } else {
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            Self.cache.lock.lock()
            Self.cache.passes[key] = (A, Z)
            Self.cache.lock.unlock()
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

struct H16EngineStopsAtTwo: BackpropEngine {
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
        for l in stride(from: L, to: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

// MARK: correct engines

struct H16EngineDictionaries: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var activations: [Int: Matrix<Double>] = [0: X]
        var logits: [Int: Matrix<Double>] = [:]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(activations[l - 1]!, layer.weights, layer.biases)
            logits[l] = Zl
            activations[l] = l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) }
        }
        let AL = activations[L]!, ZL = logits[L]!
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: AL.row(i), target: Y.row(i)) }
        var grads: [Int: LayerParameters<Double>] = [:]
        var delta = try steps.outputError(AL, Y)
        for l in (1...L).reversed() {
            grads[l] = LayerParameters(weights: try steps.weightGradient(activations[l - 1]!, delta),
                                       biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, activations[l - 1]!, network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: grads.keys.sorted().map { grads[$0]! })
    }
}

struct H16EngineRecursive: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var loss = 0.0
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        func pass(_ l: Int, _ input: Matrix<Double>) throws -> Matrix<Double> {
            let layer = network.layers[l - 1]
            let Z = try steps.forward(input, layer.weights, layer.biases)
            let delta: Matrix<Double>
            if l == L {
                let AL = Z.mapRows { network.output.activation($0) }
                for i in 0..<m { loss += network.output.loss(logits: Z.row(i), activation: AL.row(i), target: Y.row(i)) }
                delta = try steps.outputError(AL, Y)
            } else {
                let Al = Z.map { network.hidden.value($0) }
                let above = try pass(l + 1, Al)
                delta = try steps.hiddenError(above, network.layers[l].weights, Al, network.hidden)
            }
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(input, delta),
                                            biases: try steps.biasGradient(delta))
            return delta
        }
        _ = try pass(1, X)
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H16EnginePrepareReduce: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var Zs: [Matrix<Double>] = []
        let acts = try (1...L).reduce(into: [X]) { acc, l in
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(acc[l - 1], layer.weights, layer.biases)
            Zs.append(Zl)
            acc.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        let total = (0..<m).reduce(0.0) {
            $0 + network.output.loss(logits: Zs[L - 1].row($1), activation: acts[L].row($1), target: Y.row($1))
        }
        gradients.prepare(for: network)
        var delta = try steps.outputError(acts[L], Y)
        var l = L
        while l >= 1 {
            gradients.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(acts[l - 1], delta),
                                                      biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1], network.hidden) }
            l -= 1
        }
        gradients.loss = total * (1 / Double(m))
    }
}
