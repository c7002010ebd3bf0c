import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 15: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut15Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h15(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut15Submission {
    HeldOut15Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h15sub(
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

public enum HeldOut15Catalogue {
    public static let all: [HeldOut15Submission] = [
        // MARK: exercise 3, one example
        h15("h15-oe-recursive-appends-top-first", "one example", "a recursive pass appends each layer's gradients after the layer above has returned, so the layers come back top layer first", h15sub(oneExample: H15OneExample.recursiveAppendsTopFirst)),
        h15("h15-oe-log-loss-by-hand", "one example", "the cross-entropy is written by hand from the activations with log, which gives 0 times log 0 = NaN once the logits are in the hundreds", h15sub(oneExample: H15OneExample.logLossByHand)),
        h15("h15-oe-float-forward-sum", "one example", "the forward sum z = b + W a is accumulated in Float and converted back to Double", h15sub(oneExample: H15OneExample.floatForwardSum)),
        h15("h15-oe-leaky-relu", "one example", "for a relu network the hidden activation is written by hand as a leaky relu (0.01 z below zero) instead of network.hidden.value", h15sub(oneExample: H15OneExample.leakyRelu)),
        h15("h15-oe-delta-j-for-delta-k", "one example", "copy-paste slip in the hidden error: the sum multiplies W[j, k] by delta[j] where delta[k] belongs", h15sub(oneExample: H15OneExample.deltaJForDeltaK)),
        h15("h15-oe-weight-rows-from-one", "one example", "the weight gradient loop over the inputs starts at 1 as on the hand sheet, so row 0 of every dW stays zero", h15sub(oneExample: H15OneExample.weightRowsFromOne)),
        h15("h15-oe-new-delta-own-width", "one example", "the delta of the layer below is sized and looped by the layer's own width h[l] instead of h[l - 1], right only when neighbouring layers have the same width", h15sub(oneExample: H15OneExample.newDeltaOwnWidth)),
        h15("h15-oe-target-as-class-index", "one example", "the output error takes the target's largest entry as the class and subtracts a one-hot vector, wrong for multi-label or soft targets", h15sub(oneExample: H15OneExample.targetAsClassIndex)),
        h15("h15-oe-cache-by-input", "one example", "the gradients are memoised by the input x alone, so a call with the same x and other targets or weights returns the old answer", h15sub(oneExample: H15OneExample.cacheByInput)),
        h15("h15-oe-sigmoid-output-extra-derivative", "one example", "for a sigmoid output the output error is multiplied by a(1 - a), which cross-entropy cancels", h15sub(oneExample: H15OneExample.sigmoidOutputExtraDerivative)),

        // MARK: exercise 4, forward
        h15("h15-fw-matmul-helper-square-only", "forward", "the student's matmul helper makes C with B.rows columns and loops j to B.rows, right only for a square W", h15sub(forward: H15Forward.matmulHelperSquareOnly)),
        h15("h15-fw-bias-first-row-only", "forward", "the bias is added to row 0 of Z only, as if the batch were one example", h15sub(forward: H15Forward.biasFirstRowOnly)),
        h15("h15-fw-cache-by-shapes", "forward", "Z is cached in a dictionary keyed by the shapes of A and W, so another batch of the same shapes gets the old Z", h15sub(forward: H15Forward.cacheByShapes)),
        h15("h15-fw-z-into-input-buffer", "forward", "when W is square, Z is written row by row into the storage of the input A through a mutable pointer to save an allocation", h15sub(forward: H15Forward.zIntoInputBuffer)),
        h15("h15-fw-input-read-transposed", "forward", "the input is read as A[k, i] instead of A[i, k]", h15sub(forward: H15Forward.inputReadTransposed)),
        h15("h15-fw-last-column-as-bias", "forward", "the sum over k stops at A.columns - 1, as if the last input column were the bias column", h15sub(forward: H15Forward.lastColumnAsBias)),
        h15("h15-fw-recursive-dot-base-zero", "forward", "a recursive dot product returns 0 at k == 0 instead of the k = 0 term, so the first input never counts", h15sub(forward: H15Forward.recursiveDotBaseZero)),
        h15("h15-fw-column-helper-stride", "forward", "the helper that extracts column j of W strides by W.rows instead of W.columns, right only for a square W", h15sub(forward: H15Forward.columnHelperStride)),
        h15("h15-fw-rounded-to-float", "forward", "each element of Z is stored through Float to save memory and converted back to Double", h15sub(forward: H15Forward.roundedToFloat)),

        // MARK: exercise 4, output error
        h15("h15-oerr-argmax-target", "output error", "each target row is read as the index of its largest entry and a one-hot row is subtracted, wrong for multi-label and soft targets", h15sub(outputError: H15OutputError.argmaxTarget)),
        h15("h15-oerr-target-rows-normalised", "output error", "each target row is divided by its sum before the subtraction, so two-label rows are halved and an all-zero row gives NaN", h15sub(outputError: H15OutputError.targetRowsNormalised)),
        h15("h15-oerr-derivative-unless-row-sums-to-one", "output error", "rows that do not sum to 1 are taken for a sigmoid output and multiplied by a(1 - a), which cross-entropy cancels", h15sub(outputError: H15OutputError.derivativeUnlessRowSumsToOne)),
        h15("h15-oerr-cache-by-activations", "output error", "the result is cached by the values of A alone, so new targets with the same activations get the old error", h15sub(outputError: H15OutputError.cacheByActivations)),
        h15("h15-oerr-targets-truncated-to-int", "output error", "the targets go through Int (class labels are integers), which truncates soft targets to 0", h15sub(outputError: H15OutputError.targetsTruncatedToInt)),
        h15("h15-oerr-target-transposed", "output error", "the target is read as Y[j, i] instead of Y[i, j]", h15sub(outputError: H15OutputError.targetTransposed)),
        h15("h15-oerr-last-row-skipped", "output error", "the loop over examples runs to A.rows - 1, so the last example's row stays zero", h15sub(outputError: H15OutputError.lastRowSkipped)),
        h15("h15-oerr-in-place-into-output", "output error", "the difference is computed in place in the storage of A through a mutable pointer, changing the caller's activations", h15sub(outputError: H15OutputError.inPlaceIntoOutput)),
        h15("h15-oerr-shape-m-by-m", "output error", "copy-paste slip in the result's shape: Matrix(rows: A.rows, columns: A.rows), right only when m equals the number of outputs", h15sub(outputError: H15OutputError.shapeMByM)),

        // MARK: exercise 5, hidden error
        h15("h15-he-exit-on-relu", "hidden error", "the hand-written derivative helper prints a TODO and calls exit(1) for relu", h15sub(hiddenError: H15HiddenError.exitOnRelu)),
        h15("h15-he-tanh-prime-one-minus-a", "hidden error", "the hand-written derivative helper returns 1 - a for tanh instead of 1 - a squared", h15sub(hiddenError: H15HiddenError.tanhPrimeOneMinusA)),
        h15("h15-he-helper-sum-bound", "hidden error", "the helper for D times W transposed runs the sum over k to W.rows instead of W.columns, right only for a square W", h15sub(hiddenError: H15HiddenError.helperSumBound)),
        h15("h15-he-cache-by-delta", "hidden error", "the result is cached by the values of the delta above alone, ignoring the weights and the activations", h15sub(hiddenError: H15HiddenError.cacheByDelta)),
        h15("h15-he-prime-of-delta", "hidden error", "copy-paste slip: the derivative is taken from D[i, j] (the delta above) instead of A[i, j]", h15sub(hiddenError: H15HiddenError.primeOfDelta)),
        h15("h15-he-float-sum", "hidden error", "the sum over k is accumulated in Float", h15sub(hiddenError: H15HiddenError.floatSum)),
        h15("h15-he-first-example-skipped", "hidden error", "the loop over examples starts at 1, so row 0 stays zero", h15sub(hiddenError: H15HiddenError.firstExampleSkipped)),
        h15("h15-he-sigmoid-prime-always", "hidden error", "the derivative is written as a(1 - a) whatever the activation, wrong for tanh and relu", h15sub(hiddenError: H15HiddenError.sigmoidPrimeAlways)),
        h15("h15-he-divided-by-m", "hidden error", "the error is divided by m as if the mean were taken here, right only when m == 1", h15sub(hiddenError: H15HiddenError.dividedByM)),

        // MARK: exercise 6, weight gradient
        h15("h15-wg-int-reciprocal", "weight gradient", "the scale is Double(1 / m) with an Int m, which is 0 for any m above 1", h15sub(weightGradient: H15WeightGradient.intReciprocal)),
        h15("h15-wg-input-scaled-in-place", "weight gradient", "A is divided by m in place through a mutable pointer before the product, changing the caller's activations", h15sub(weightGradient: H15WeightGradient.inputScaledInPlace)),
        h15("h15-wg-transpose-helper-stride", "weight gradient", "the student's transpose helper places T[j, i] at j * M.columns + i instead of j * M.rows + i, right only for a square A", h15sub(weightGradient: H15WeightGradient.transposeHelperStride)),
        h15("h15-wg-sum-reset-per-k", "weight gradient", "the sum is reset once per k, not per (k, j), so it keeps adding across the units j", h15sub(weightGradient: H15WeightGradient.sumResetPerK)),
        h15("h15-wg-divided-by-units", "weight gradient", "the sum is divided by D.columns (the units) instead of m", h15sub(weightGradient: H15WeightGradient.dividedByUnits)),
        h15("h15-wg-last-example-dropped", "weight gradient", "the sum over the examples runs to m - 1, dropping the last example", h15sub(weightGradient: H15WeightGradient.lastExampleDropped)),
        h15("h15-wg-cache-by-input", "weight gradient", "the result is cached by the values of A alone, so another delta with the same A gets the old gradient", h15sub(weightGradient: H15WeightGradient.cacheByInput)),
        h15("h15-wg-float-products", "weight gradient", "each product A[i, k] D[i, j] is computed in Float", h15sub(weightGradient: H15WeightGradient.floatProducts)),
        h15("h15-wg-zero-activations-not-counted", "weight gradient", "examples where A[i, k] is 0 are skipped and left out of the count, so the mean is over the nonzero ones (wrong for relu)", h15sub(weightGradient: H15WeightGradient.zeroActivationsNotCounted)),

        // MARK: exercise 6, bias gradient
        h15("h15-bg-row-sums", "bias gradient", "each example's row is summed over the units (one number per example) and divided by m", h15sub(biasGradient: H15BiasGradient.rowSums)),
        h15("h15-bg-running-total", "bias gradient", "the column sums live in a shared array that is never zeroed between calls, a running total", h15sub(biasGradient: H15BiasGradient.runningTotal)),
        h15("h15-bg-int-reciprocal", "bias gradient", "the reciprocal 1 / D.rows is taken in Int, 0 for any m above 1", h15sub(biasGradient: H15BiasGradient.intReciprocal)),
        h15("h15-bg-float-sums", "bias gradient", "the column sums are kept in Float", h15sub(biasGradient: H15BiasGradient.floatSums)),
        h15("h15-bg-recursive-base-zero", "bias gradient", "a recursive column sum returns 0 at i == 0 instead of D[0, j], so the first example never counts", h15sub(biasGradient: H15BiasGradient.recursiveBaseZero)),
        h15("h15-bg-mean-only-when-m-is-1", "bias gradient", "m == 1 is special-cased as the one-example formula and the general case returns the sums without the 1/m", h15sub(biasGradient: H15BiasGradient.meanOnlyWhenMIsOne)),
        h15("h15-bg-summed-into-delta-row", "bias gradient", "the rows are added into row 0 of the delta in place through a mutable pointer, changing the caller's matrix", h15sub(biasGradient: H15BiasGradient.summedIntoDeltaRow)),
        h15("h15-bg-column-major-helper", "bias gradient", "the helper that extracts column j slices elements j*rows ..< (j+1)*rows as if the matrix were column-major", h15sub(biasGradient: H15BiasGradient.columnMajorHelper)),
        h15("h15-bg-divided-by-element-count", "bias gradient", "the column sums are divided by D.elements.count (m times the units) instead of m", h15sub(biasGradient: H15BiasGradient.dividedByElementCount)),

        // MARK: exercise 7, batch engine
        h15("h15-be-softmax-batch-max", "batch engine", "the engine writes its own softmax and subtracts the largest logit of the whole batch instead of each row's own, so moderate rows underflow to 0/0", h15sub(engine: { AnyBackpropEngine(H15SoftmaxBatchMaxEngine(steps: $0)) })),
        h15("h15-be-loss-running-total", "batch engine", "the loss is added into a shared running total that is never reset between calls", h15sub(engine: { AnyBackpropEngine(H15RunningLossEngine(steps: $0)) })),
        h15("h15-be-first-layer-biases", "batch engine", "copy-paste slip in the forward loop: every layer is given network.layers[0].biases", h15sub(engine: { AnyBackpropEngine(H15FirstLayerBiasesEngine(steps: $0)) })),
        h15("h15-be-loss-int-reciprocal", "batch engine", "the mean loss is loss * Double(1 / m) with an Int m, 0 for any m above 1", h15sub(engine: { AnyBackpropEngine(H15LossIntReciprocalEngine(steps: $0)) })),
        h15("h15-be-loss-loop-from-one", "batch engine", "the loss loop is written 1...m - 1, which skips example 0 (and traps when m == 1)", h15sub(engine: { AnyBackpropEngine(H15LossLoopFromOneEngine(steps: $0)) })),
        h15("h15-be-loss-in-float", "batch engine", "the losses are added up in a Float", h15sub(engine: { AnyBackpropEngine(H15FloatLossEngine(steps: $0)) })),
        h15("h15-be-forward-cache-by-inputs", "batch engine", "the forward pass is cached by the values of X alone, so new weights with the same batch reuse the old activations", h15sub(engine: { AnyBackpropEngine(H15ForwardCacheEngine(steps: $0)) })),
        h15("h15-be-softmax-whole-matrix", "batch engine", "the output activation is applied to all of Z's elements at once instead of row by row, right for a softmax only when m == 1", h15sub(engine: { AnyBackpropEngine(H15WholeMatrixOutputEngine(steps: $0)) })),
        h15("h15-be-loss-one-hot-targets", "batch engine", "the targets are turned into one-hot rows (the largest entry) before the loss, wrong for multi-label or soft targets", h15sub(engine: { AnyBackpropEngine(H15OneHotLossEngine(steps: $0)) })),
        h15("h15-be-output-activation-one-layer-early", "batch engine", "off by one in the forward loop: l < L - 1 decides the hidden activation, so the last hidden layer gets the output activation", h15sub(engine: { AnyBackpropEngine(H15EarlyOutputEngine(steps: $0)) })),

        // MARK: correct, written unusually
        h15("h15-pass-oe-recursive", "pass", "correct: a recursive pass that returns the loss, the delta and the gradients of the layers above, prepending its own", h15sub(oneExample: H15OneExample.recursiveCorrect)),
        h15("h15-pass-oe-prints-k-outer", "pass", "correct: the forward sum walks k outer and j inner and prints the loss and shapes, which changes nothing", h15sub(oneExample: H15OneExample.printsKOuter)),
        h15("h15-pass-oe-column-vectors", "pass", "correct: every vector is a one-column Matrix and the forward uses an explicit W transposed", h15sub(oneExample: H15OneExample.columnVectors)),
        h15("h15-pass-fw-ikj", "pass", "correct: Z starts as the bias in every row and the loops run i, k, j", h15sub(forward: H15Forward.ikjOrder)),
        h15("h15-pass-fw-unsafe", "pass", "correct: raw unsafe buffers and index arithmetic", h15sub(forward: H15Forward.unsafeBuffers)),
        h15("h15-pass-fw-split-rows", "pass", "correct: the rows are split in halves recursively down to one example", h15sub(forward: H15Forward.splitRows)),
        h15("h15-pass-fw-full-cache", "pass", "correct: a cache keyed by the bit patterns of every input (A, W, b and their shapes)", h15sub(forward: H15Forward.fullCache)),
        h15("h15-pass-oerr-zip", "pass", "correct: zip of the two element arrays and a map", h15sub(outputError: H15OutputError.zipped)),
        h15("h15-pass-he-zip-rows", "pass", "correct: each element is a zip of row i of D with row j of W, reduced", h15sub(hiddenError: H15HiddenError.zipRows)),
        h15("h15-pass-he-full-cache", "pass", "correct: a cache keyed by all three matrices' values and the activation", h15sub(hiddenError: H15HiddenError.fullCache)),
        h15("h15-pass-wg-outer-products", "pass", "correct: one outer product per example added into an accumulator, times 1/m at the end", h15sub(weightGradient: H15WeightGradient.outerProducts)),
        h15("h15-pass-wg-column-walk", "pass", "correct: unsafe pointers, walking each column of A and D down the examples", h15sub(weightGradient: H15WeightGradient.columnWalk)),
        h15("h15-pass-bg-reduce-zip", "pass", "correct: a reduce over the rows with zip, then a map by 1/m", h15sub(biasGradient: H15BiasGradient.reduceZip)),
        h15("h15-pass-bg-unsafe-stride", "pass", "correct: an unsafe buffer walked down each column with a stride of the row length", h15sub(biasGradient: H15BiasGradient.unsafeStride)),
        h15("h15-pass-be-prepare-while", "pass", "correct: gradients.prepare(for:) and every element assigned, with while loops", h15sub(engine: { AnyBackpropEngine(H15PrepareWhileEngine(steps: $0)) })),
        h15("h15-pass-be-recursive", "pass", "correct: a recursive engine, forward on the way down and backward on the way up", h15sub(engine: { AnyBackpropEngine(H15RecursiveEngine(steps: $0)) })),
        h15("h15-pass-be-prints-shapes", "pass", "correct: the solution's engine with a print of the shapes at every layer left in", h15sub(engine: { AnyBackpropEngine(H15PrintingEngine(steps: $0)) })),
    ]
    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - Shared state

/// A value behind a lock, for the hand-ins that keep something between calls.
final class H15Locked<Value>: @unchecked Sendable {
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

enum H15OneExample {
    // Slip: recursion appends the top layer first.
    static func recursiveAppendsTopFirst(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var grads: [LayerParameters<Double>] = []
        var loss = 0.0
        // returns δ of layer l, given aˡ⁻¹
        func go(_ l: Int, _ aPrev: [Double]) -> [Double] {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = b
            for j in 0..<W.columns { for k in 0..<W.rows { z[j] += W[k, j] * aPrev[k] } }
            var delta: [Double]
            if l == L {
                let a = network.output.activation(z)
                loss = network.output.loss(logits: z, activation: a, target: y)
                delta = zip(a, y).map { $0 - $1 }
            } else {
                let a = z.map { network.hidden.value($0) }
                let deltaAbove = go(l + 1, a)
                let Wup = network.layers[l].weights
                delta = [Double](repeating: 0, count: W.columns)
                for j in 0..<W.columns {
                    var s = 0.0
                    for k in 0..<Wup.columns { s += Wup[j, k] * deltaAbove[k] }
                    delta[j] = s * network.hidden.derivative(fromActivation: a[j])
                }
            }
            var gw = Matrix<Double>(rows: W.rows, columns: W.columns)
            for k in 0..<W.rows { for j in 0..<W.columns { gw[k, j] = aPrev[k] * delta[j] } }
            grads.append(LayerParameters(weights: gw, biases: delta))
            return delta
        }
        _ = go(1, x)
        return Gradients(loss: loss, layers: grads)
    }

    // Slip: cross-entropy by hand from the activations.
    static func logLossByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var acts: [[Double]] = [x]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * acts[l - 1][k] }
                z[j] = s
            }
            acts.append(l == L ? network.output.activation(z) : z.map { network.hidden.value($0) })
        }
        let aL = acts[L]
        let kind: OutputActivation = network.output.activation
        var loss = 0.0
        for j in 0..<h[L] {
            if kind == .softmax {
                loss -= y[j] * log(aL[j])
            } else {
                loss -= y[j] * log(aL[j]) + (1 - y[j]) * log(1 - aL[j])
            }
        }
        var delta = (0..<h[L]).map { aL[$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = acts[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                below[j] = s * network.hidden.derivative(fromActivation: acts[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Slip: the forward sum in Float.
    static func floatForwardSum(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z: [Double] = []
            for j in 0..<h[l] {
                var s = Float(b[j])
                for k in 0..<h[l - 1] { s += Float(W[k, j]) * Float(a[l - 1][k]) }
                z.append(Double(s))
            }
            if l == L {
                zTop = z
                a.append(network.output.activation(z))
            } else {
                a.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = zip(a[L], y).map { $0 - $1 }
        var grads: [LayerParameters<Double>] = []
        var l = L
        while l >= 1 {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            grads.insert(LayerParameters(weights: gw, biases: delta), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: grads)
    }

    // Slip: a leaky relu in the forward pass.
    static func leakyRelu(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        func sigma(_ v: Double) -> Double {
            if network.hidden == .relu { return v > 0 ? v : 0.01 * v }
            return network.hidden.value(v)
        }
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = b
            for j in 0..<h[l] {
                for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] }
            }
            z.append(zl)
            a.append(l < L ? zl.map(sigma) : network.output.activation(zl))
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
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Slip: delta[j] where delta[k] belongs.
    static func deltaJForDeltaK(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
                for k in 0..<h[l] { sum += W[j, k] * delta[j] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Slip: dW rows from 1.
    static func weightRowsFromOne(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x]
        var zOut: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                zl[j] = s
            }
            if l == L { zOut = zl }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: zOut, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 1..<h[l - 1] {            // units 1…n, as on the hand sheet
                for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] }
            }
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

    // Slip: the new delta is sized by h[l].
    static func newDeltaOwnWidth(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            var below = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Slip: the target read as a class index.
    static func targetAsClassIndex(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        let label = y.indices.max { y[$0] < y[$1] } ?? 0
        var delta = (0..<h[L]).map { a[L][$0] - ($0 == label ? 1.0 : 0.0) }
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

    static let memo = H15Locked<[[UInt64]: Gradients<Double>]>([:])

    // Slip: memoised by x alone.
    static func cacheByInput(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let key = x.map(\.bitPattern)
        if let seen = memo.with({ $0[key] }) { return seen }
        let result = try Solutions.oneExample(network, x, y)
        memo.with { $0[key] = result }
        return result
    }

    // Slip: σ′ on a sigmoid output.
    static func sigmoidOutputExtraDerivative(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        let kind: OutputActivation = network.output.activation
        var delta = (0..<h[L]).map { j -> Double in
            let d = a[L][j] - y[j]
            return kind == .sigmoid ? d * a[L][j] * (1 - a[L][j]) : d
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

    // Correct: recursion that prepends its own layer to those above.
    static func recursiveCorrect(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        // (loss, δˡ, gradients of layers l…L) for layer l, given its input aˡ⁻¹
        func back(_ l: Int, _ input: [Double]) -> (Double, [Double], [LayerParameters<Double>]) {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let z = (0..<W.columns).map { j in (0..<W.rows).reduce(b[j]) { $0 + W[$1, j] * input[$1] } }
            let loss: Double, delta: [Double], above: [LayerParameters<Double>]
            if l == L {
                let out = network.output.activation(z)
                loss = network.output.loss(logits: z, activation: out, target: y)
                delta = zip(out, y).map { $0 - $1 }
                above = []
            } else {
                let act = z.map { network.hidden.value($0) }
                let (upperLoss, upperDelta, upperLayers) = back(l + 1, act)
                let Wn = network.layers[l].weights
                delta = (0..<W.columns).map { j in
                    (0..<Wn.columns).reduce(0.0) { $0 + Wn[j, $1] * upperDelta[$1] }
                        * network.hidden.derivative(fromActivation: act[j])
                }
                loss = upperLoss
                above = upperLayers
            }
            var gw = Matrix<Double>(rows: W.rows, columns: W.columns)
            for k in 0..<W.rows { for j in 0..<W.columns { gw[k, j] = input[k] * delta[j] } }
            return (loss, delta, [LayerParameters(weights: gw, biases: delta)] + above)
        }
        let (loss, _, layers) = back(1, x)
        return Gradients(loss: loss, layers: layers)
    }

    // Correct: k outer in the forward sum, and debugging prints left in.
    static func printsKOuter(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            for k in 0..<h[l - 1] {
                let ak = a[l - 1][k]
                for j in 0..<h[l] { zl[j] += W[k, j] * ak }
            }
            print("layer", l, "z has", zl.count, "entries")
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        print("loss", loss)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            print("dW", l, gw.shapeDescription)
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

    // Correct: one-column matrices and an explicit transpose.
    static func columnVectors(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [Matrix<Double>] = [Matrix(rows: x.count, columns: 1, elements: x)]
        var zTop: [Double] = []
        for l in 1...L {
            let Wt = network.layers[l - 1].weights.transposed     // [h_l, h_{l−1}]
            let b = network.layers[l - 1].biases
            var z = Matrix<Double>(rows: Wt.rows, columns: 1)
            for j in 0..<Wt.rows {
                var s = b[j]
                for k in 0..<Wt.columns { s += Wt[j, k] * a[l - 1][k, 0] }
                z[j, 0] = s
            }
            if l < L {
                a.append(z.map { network.hidden.value($0) })
            } else {
                zTop = z.elements
                a.append(Matrix(rows: z.rows, columns: 1, elements: network.output.activation(z.elements)))
            }
        }
        let loss = network.output.loss(logits: zTop, activation: a[L].elements, target: y)
        var delta = Matrix(rows: y.count, columns: 1, elements: zip(a[L].elements, y).map { $0 - $1 })
        var layers: [LayerParameters<Double>] = []
        for l in stride(from: L, through: 1, by: -1) {
            let input = a[l - 1]
            var gw = Matrix<Double>(rows: input.rows, columns: delta.rows)
            for k in 0..<input.rows { for j in 0..<delta.rows { gw[k, j] = input[k, 0] * delta[j, 0] } }
            layers.append(LayerParameters(weights: gw, biases: delta.elements))
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = Matrix<Double>(rows: W.rows, columns: 1)
                for j in 0..<W.rows {
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * delta[k, 0] }
                    below[j, 0] = s * network.hidden.derivative(fromActivation: a[l - 1][j, 0])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: Array(layers.reversed()))
    }
}

// MARK: - Exercise 4, forward

enum H15Forward {
    private static func matmul(_ A: Matrix<Double>, _ B: Matrix<Double>) -> Matrix<Double> {
        var C = Matrix<Double>(rows: A.rows, columns: B.rows)
        for i in 0..<A.rows {
            for j in 0..<B.rows {
                var s = 0.0
                for k in 0..<A.columns { s += A[i, k] * B[k, j] }
                C[i, j] = s
            }
        }
        return C
    }

    private static func addBias(_ Z: inout Matrix<Double>, _ b: [Double]) {
        for i in 0..<Z.rows { for j in 0..<Z.columns { Z[i, j] += b[j] } }
    }

    static func matmulHelperSquareOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = matmul(A, W)
        addBias(&Z, b)
        return Z
    }

    static func biasFirstRowOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = 0.0
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s
            }
        }
        for j in 0..<W.columns { Z[0, j] += b[j] }
        return Z
    }

    static let byShapes = H15Locked<[String: Matrix<Double>]>([:])

    static func cacheByShapes(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = "\(A.rows)x\(A.columns)->\(W.columns)"
        if let Z = byShapes.with({ $0[key] }) { return Z }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s
            }
        }
        byShapes.with { $0[key] = Z }
        return Z
    }

    static func zIntoInputBuffer(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = W.columns
        guard n == h else {
            var Z = Matrix<Double>(rows: m, columns: h)
            for i in 0..<m {
                for j in 0..<h {
                    var s = b[j]
                    for k in 0..<n { s += A[i, k] * W[k, j] }
                    Z[i, j] = s
                }
            }
            return Z
        }
        // Same width in and out: reuse A's storage, one row at a time.
        return A.elements.withUnsafeBufferPointer { buffer -> Matrix<Double> in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            var row = [Double](repeating: 0, count: h)
            for i in 0..<m {
                for j in 0..<h {
                    var s = b[j]
                    for k in 0..<n { s += p[i * n + k] * W[k, j] }
                    row[j] = s
                }
                for j in 0..<h { p[i * n + j] = row[j] }
            }
            return Matrix(rows: m, columns: h, elements: Array(UnsafeBufferPointer(start: p, count: m * h)))
        }
    }

    static func inputReadTransposed(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<W.rows { s += A[k, i] * W[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    static func lastColumnAsBias(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns - 1 { s += A[i, k] * W[k, j] }
                Z[i, j] = s
            }
        }
        return Z
    }

    static func recursiveDotBaseZero(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        func dot(_ i: Int, _ j: Int, _ k: Int) -> Double {
            if k == 0 { return 0 }
            return dot(i, j, k - 1) + A[i, k] * W[k, j]
        }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns { Z[i, j] = b[j] + dot(i, j, A.columns - 1) }
        }
        return Z
    }

    private static func column(_ M: Matrix<Double>, _ j: Int) -> [Double] {
        stride(from: j, to: M.elements.count, by: M.rows).map { M.elements[$0] }
    }

    static func columnHelperStride(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for j in 0..<W.columns {
            let w = column(W, j)
            for i in 0..<A.rows {
                Z[i, j] = b[j] + zip(A.row(i), w).reduce(0.0) { $0 + $1.0 * $1.1 }
            }
        }
        return Z
    }

    static func roundedToFloat(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                let stored: Float = Float(s)
                Z[i, j] = Double(stored)
            }
        }
        return Z
    }

    // Correct ones.

    static func ikjOrder(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows { for j in 0..<W.columns { Z[i, j] = b[j] } }
        for i in 0..<A.rows {
            for k in 0..<A.columns {
                let aik = A[i, k]
                for j in 0..<W.columns { Z[i, j] += aik * W[k, j] }
            }
        }
        return Z
    }

    static func unsafeBuffers(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = W.columns
        var out = [Double](repeating: 0, count: m * h)
        A.elements.withUnsafeBufferPointer { ap in
            W.elements.withUnsafeBufferPointer { wp in
                b.withUnsafeBufferPointer { bp in
                    out.withUnsafeMutableBufferPointer { zp in
                        for i in 0..<m {
                            for j in 0..<h {
                                var s = bp[j]
                                for k in 0..<n { s += ap[i * n + k] * wp[k * h + j] }
                                zp[i * h + j] = s
                            }
                        }
                    }
                }
            }
        }
        return Matrix(rows: m, columns: h, elements: out)
    }

    static func splitRows(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        func rows(_ lo: Int, _ hi: Int) -> [Double] {
            if hi <= lo { return [] }
            if hi - lo == 1 {
                return (0..<W.columns).map { j in
                    var s = b[j]
                    for k in 0..<A.columns { s += A[lo, k] * W[k, j] }
                    return s
                }
            }
            let mid = (lo + hi) / 2
            return rows(lo, mid) + rows(mid, hi)
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows(0, A.rows))
    }

    static let byValues = H15Locked<[[UInt64]: Matrix<Double>]>([:])

    static func fullCache(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var key: [UInt64] = [UInt64(A.rows), UInt64(A.columns), UInt64(W.rows), UInt64(W.columns), UInt64(b.count)]
        key += A.elements.map(\.bitPattern)
        key += W.elements.map(\.bitPattern)
        key += b.map(\.bitPattern)
        if let Z = byValues.with({ $0[key] }) { return Z }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var s = b[j]
                for k in 0..<A.columns { s += A[i, k] * W[k, j] }
                Z[i, j] = s
            }
        }
        byValues.with { $0[key] = Z }
        return Z
    }
}

// MARK: - Exercise 4, output error

enum H15OutputError {
    static func argmaxTarget(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            var label = 0
            for j in 1..<Y.columns where Y[i, j] > Y[i, label] { label = j }
            for j in 0..<A.columns { D[i, j] = A[i, j] - (j == label ? 1 : 0) }
        }
        return D
    }

    static func targetRowsNormalised(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            var total = 0.0
            for j in 0..<Y.columns { total += Y[i, j] }
            for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j] / total }
        }
        return D
    }

    static func derivativeUnlessRowSumsToOne(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            var rowSum = 0.0
            for j in 0..<A.columns { rowSum += A[i, j] }
            let softmaxRow = abs(rowSum - 1) < 1e-9
            for j in 0..<A.columns {
                var d = A[i, j] - Y[i, j]
                if !softmaxRow { d *= A[i, j] * (1 - A[i, j]) }
                D[i, j] = d
            }
        }
        return D
    }

    static let byActivations = H15Locked<[[UInt64]: Matrix<Double>]>([:])

    static func cacheByActivations(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let key = [UInt64(A.rows), UInt64(A.columns)] + A.elements.map(\.bitPattern)
        if let D = byActivations.with({ $0[key] }) { return D }
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j] } }
        byActivations.with { $0[key] = D }
        return D
    }

    static func targetsTruncatedToInt(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let label = Int(Y[i, j])
                D[i, j] = A[i, j] - Double(label)
            }
        }
        return D
    }

    static func targetTransposed(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = A[i, j] - Y[j, i] } }
        return D
    }

    static func lastRowSkipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows - 1 { for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j] } }
        return D
    }

    static func inPlaceIntoOutput(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        A.elements.withUnsafeBufferPointer { buffer -> Matrix<Double> in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for index in 0..<buffer.count { p[index] -= Y.elements[index] }
            return Matrix(rows: A.rows, columns: A.columns, elements: Array(UnsafeBufferPointer(start: p, count: buffer.count)))
        }
    }

    static func shapeMByM(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var D = Matrix<Double>(rows: A.rows, columns: A.rows)
        for i in 0..<A.rows { for j in 0..<A.columns { D[i, j] = A[i, j] - Y[i, j] } }
        return D
    }

    static func zipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }
}

// MARK: - Exercise 5, hidden error

enum H15HiddenError {
    private static func primeWithTodo(_ a: Double, _ hidden: Activation) -> Double {
        switch hidden {
        case .sigmoid: return a * (1 - a)
        case .tanh: return 1 - a * a
        case .identity: return 1
        case .relu:
            print("relu derivative: TODO")
            exit(1)
        }
    }

    static func exitOnRelu(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                out[i, j] = sum * primeWithTodo(A[i, j], hidden)
            }
        }
        return out
    }

    private static func prime(_ a: Double, _ hidden: Activation) -> Double {
        switch hidden {
        case .sigmoid: return a * (1 - a)
        case .tanh: return 1 - a
        case .relu: return a > 0 ? 1 : 0
        case .identity: return 1
        }
    }

    static func tanhPrimeOneMinusA(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                out[i, j] = sum * prime(A[i, j], hidden)
            }
        }
        return out
    }

    /// D Wᵀ, with W stored [q, p] and D [m, p].
    private static func timesTransposed(_ D: Matrix<Double>, _ W: Matrix<Double>) -> Matrix<Double> {
        var R = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.rows { s += D[i, k] * W[j, k] }
                R[i, j] = s
            }
        }
        return R
    }

    static func helperSumBound(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = timesTransposed(D, W)
        for i in 0..<out.rows {
            for j in 0..<out.columns { out[i, j] *= hidden.derivative(fromActivation: A[i, j]) }
        }
        return out
    }

    static let byDelta = H15Locked<[[UInt64]: Matrix<Double>]>([:])

    static func cacheByDelta(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let key = [UInt64(D.rows), UInt64(D.columns)] + D.elements.map(\.bitPattern)
        if let hit = byDelta.with({ $0[key] }) { return hit }
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                out[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        byDelta.with { $0[key] = out }
        return out
    }

    static func primeOfDelta(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                out[i, j] = sum * hidden.derivative(fromActivation: D[i, j])
            }
        }
        return out
    }

    static func floatSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum: Float = 0
                for k in 0..<W.columns { sum += Float(D[i, k] * W[j, k]) }
                out[i, j] = Double(sum) * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func firstExampleSkipped(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 1..<max(D.rows, 1) {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                out[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return out
    }

    static func sigmoidPrimeAlways(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let a = A[i, j]
                out[i, j] = sum * a * (1 - a)
            }
        }
        return out
    }

    static func dividedByM(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows
        var out = Matrix<Double>(rows: m, columns: W.rows)
        for i in 0..<m {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                out[i, j] = sum * hidden.derivative(fromActivation: A[i, j]) / Double(m)
            }
        }
        return out
    }

    // Correct ones.

    static func zipRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let wRows = (0..<W.rows).map { W.row($0) }
        var elements: [Double] = []
        elements.reserveCapacity(D.rows * W.rows)
        for i in 0..<D.rows {
            let d = D.row(i)
            for (j, w) in wRows.enumerated() {
                let back = zip(d, w).reduce(0.0) { $0 + $1.0 * $1.1 }
                elements.append(back * hidden.derivative(fromActivation: A[i, j]))
            }
        }
        return Matrix(rows: D.rows, columns: W.rows, elements: elements)
    }

    static let byAllInputs = H15Locked<[[UInt64]: Matrix<Double>]>([:])

    static func fullCache(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var key: [UInt64] = [UInt64(Activation.allCases.firstIndex(of: hidden)!),
                             UInt64(D.rows), UInt64(D.columns), UInt64(W.rows), UInt64(W.columns), UInt64(A.rows), UInt64(A.columns)]
        key += D.elements.map(\.bitPattern)
        key += W.elements.map(\.bitPattern)
        key += A.elements.map(\.bitPattern)
        if let hit = byAllInputs.with({ $0[key] }) { return hit }
        var out = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                out[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        byAllInputs.with { $0[key] = out }
        return out
    }
}

// MARK: - Exercise 6, weight gradient

enum H15WeightGradient {
    static func intReciprocal(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func inputScaledInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        A.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for index in 0..<buffer.count { p[index] /= Double(m) }
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

    private static func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
        var t = [Double](repeating: 0, count: M.rows * M.columns)
        for i in 0..<M.rows {
            for j in 0..<M.columns { t[j * M.columns + i] = M.elements[i * M.columns + j] }
        }
        return Matrix(rows: M.columns, columns: M.rows, elements: t)
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

    static func transposeHelperStride(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        return product(transpose(A), D).map { $0 / m }
    }

    static func sumResetPerK(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            var sum = 0.0
            for j in 0..<D.columns {
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func dividedByUnits(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(D.columns)
            }
        }
        return G
    }

    static func lastExampleDropped(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static let byInput = H15Locked<[[UInt64]: Matrix<Double>]>([:])

    static func cacheByInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let key = [UInt64(A.rows), UInt64(A.columns)] + A.elements.map(\.bitPattern)
        if let hit = byInput.with({ $0[key] }) { return hit }
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        byInput.with { $0[key] = G }
        return G
    }

    static func floatProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += Double(Float(A[i, k]) * Float(D[i, j])) }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func zeroActivationsNotCounted(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0, count = 0
                for i in 0..<A.rows {
                    if A[i, k] == 0 { continue }      // a dead unit adds nothing: skip it
                    sum += A[i, k] * D[i, j]
                    count += 1
                }
                G[k, j] = count > 0 ? sum / Double(count) : 0
            }
        }
        return G
    }

    // Correct ones.

    static func outerProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = D.columns
        var acc = [Double](repeating: 0, count: n * h)
        for i in 0..<m {
            for k in 0..<n {
                let aik = A[i, k]
                for j in 0..<h { acc[k * h + j] += aik * D[i, j] }
            }
        }
        let inverse = 1 / Double(m)
        return Matrix(rows: n, columns: h, elements: acc.map { $0 * inverse })
    }

    static func columnWalk(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, h = D.columns
        var G = Matrix<Double>(rows: n, columns: h)
        A.elements.withUnsafeBufferPointer { ap in
            D.elements.withUnsafeBufferPointer { dp in
                G.elements.withUnsafeMutableBufferPointer { gp in
                    for j in 0..<h {
                        for k in 0..<n {
                            var s = 0.0
                            var a = ap.baseAddress! + k, d = dp.baseAddress! + j
                            for _ in 0..<m {
                                s += a.pointee * d.pointee
                                a += n
                                d += h
                            }
                            gp[k * h + j] = s / Double(m)
                        }
                    }
                }
            }
        }
        return G
    }
}

// MARK: - Exercise 6, bias gradient

enum H15BiasGradient {
    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        D.rowArrays.map { $0.reduce(0, +) / Double(D.rows) }
    }

    static let sums = H15Locked<[Double]>([])

    static func runningTotal(_ D: Matrix<Double>) throws -> [Double] {
        sums.with { sums in
            if sums.count != D.columns { sums = [Double](repeating: 0, count: D.columns) }
            for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
            return sums.map { $0 / Double(D.rows) }
        }
    }

    static func intReciprocal(_ D: Matrix<Double>) throws -> [Double] {
        let inverse = 1 / D.rows
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 * Double(inverse) }
    }

    static func floatSums(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    static func recursiveBaseZero(_ D: Matrix<Double>) throws -> [Double] {
        func columnSum(_ j: Int, _ i: Int) -> Double {
            if i == 0 { return 0 }
            return columnSum(j, i - 1) + D[i, j]
        }
        return (0..<D.columns).map { columnSum($0, D.rows - 1) / Double(D.rows) }
    }

    static func meanOnlyWhenMIsOne(_ D: Matrix<Double>) throws -> [Double] {
        if D.rows == 1 { return D.row(0) }        // one example: ∂b = δ
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    static func summedIntoDeltaRow(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows, n = D.columns
        return D.elements.withUnsafeBufferPointer { buffer -> [Double] in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for i in 1..<max(m, 1) { for j in 0..<n { p[j] += p[i * n + j] } }
            return (0..<n).map { p[$0] / Double(m) }
        }
    }

    private static func column(_ M: Matrix<Double>, _ j: Int) -> [Double] {
        Array(M.elements[j * M.rows ..< (j + 1) * M.rows])
    }

    static func columnMajorHelper(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in column(D, j).reduce(0, +) / Double(D.rows) }
    }

    static func dividedByElementCount(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.elements.count) }
    }

    // Correct ones.

    static func reduceZip(_ D: Matrix<Double>) throws -> [Double] {
        let zero = [Double](repeating: 0, count: D.columns)
        let total = D.rowArrays.reduce(zero) { partial, row in zip(partial, row).map { $0 + $1 } }
        return total.map { $0 / Double(D.rows) }
    }

    static func unsafeStride(_ D: Matrix<Double>) throws -> [Double] {
        let n = D.columns, m = D.rows
        return D.elements.withUnsafeBufferPointer { p in
            (0..<n).map { j in
                var s = 0.0
                var index = j
                while index < p.count {
                    s += p[index]
                    index += n
                }
                return s / Double(m)
            }
        }
    }
}

// MARK: - Exercise 7, batch engines

/// Slip: a hand-written softmax shifted by the whole batch's largest logit.
struct H15SoftmaxBatchMaxEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let kind: OutputActivation = network.output.activation
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            if l < L {
                A.append(Zl.map { network.hidden.value($0) })
            } else if kind == .softmax {
                let biggest = Zl.elements.max() ?? 0
                var out = Zl
                for i in 0..<Zl.rows {
                    var total = 0.0
                    for j in 0..<Zl.columns {
                        out[i, j] = exp(Zl[i, j] - biggest)
                        total += out[i, j]
                    }
                    for j in 0..<Zl.columns { out[i, j] /= total }
                }
                A.append(out)
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

/// Slip: the loss added into a running total kept between calls.
struct H15RunningLossEngine: BackpropEngine {
    static let total = H15Locked<Double>(0)
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
        let loss = Self.total.with { running -> Double in
            for i in 0..<m { running += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
            return running
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

/// Slip: every layer given layer 1's biases.
struct H15FirstLayerBiasesEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let W = network.layers[l - 1].weights
            let b = network.layers[0].biases
            let Zl = try steps.forward(A[l - 1], W, b)
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

/// Slip: Double(1 / m) with an Int m for the mean loss.
struct H15LossIntReciprocalEngine: BackpropEngine {
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
        gradients = Gradients(loss: loss * Double(1 / m), layers: layers)
    }
}

/// Slip: the loss loop 1...m - 1.
struct H15LossLoopFromOneEngine: BackpropEngine {
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
        for i in 1...m - 1 { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
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

/// Slip: the loss added up in Float.
struct H15FloatLossEngine: BackpropEngine {
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
        gradients = Gradients(loss: Double(loss) / Double(m), layers: layers)
    }
}

/// Slip: the forward pass cached by X alone.
struct H15ForwardCacheEngine: BackpropEngine {
    struct Pass { var key: [UInt64]; var A: [Matrix<Double>]; var ZL: Matrix<Double> }
    static let last = H15Locked<Pass?>(nil)
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let key = [UInt64(X.rows), UInt64(X.columns)] + X.elements.map(\.bitPattern)
        var A: [Matrix<Double>], ZL: Matrix<Double>
        if let seen = Self.last.with({ $0 }), seen.key == key {
            A = seen.A
            ZL = seen.ZL
        } else {
            A = [X]
            ZL = Matrix<Double>(rows: 0, columns: 0)
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                if l == L { ZL = Zl }
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            let pass = Pass(key: key, A: A, ZL: ZL)
            Self.last.with { $0 = pass }
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

/// Slip: the output activation applied to the whole matrix at once.
struct H15WholeMatrixOutputEngine: BackpropEngine {
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
            } else {
                A.append(Matrix(rows: Zl.rows, columns: Zl.columns, elements: network.output.activation(Zl.elements)))
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

/// Slip: the targets made one-hot before the loss.
struct H15OneHotLossEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    private func oneHot(_ row: [Double]) -> [Double] {
        var label = 0
        for j in row.indices where row[j] > row[label] { label = j }
        var t = [Double](repeating: 0, count: row.count)
        t[label] = 1
        return t
    }

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
            loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: oneHot(Y.row(i)))
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

/// Slip: l < L - 1 for the hidden activation.
struct H15EarlyOutputEngine: BackpropEngine {
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

/// Correct: prepare(for:) and assign every element, with while loops.
struct H15PrepareWhileEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        gradients.prepare(for: network)
        let L = network.layerCount
        var acts: [Matrix<Double>] = [X]
        var top = Matrix<Double>(rows: 0, columns: 0)
        var l = 1
        while l <= L {
            let z = try steps.forward(acts[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            if l == L {
                top = z
                acts.append(z.mapRows { network.output.activation($0) })
            } else {
                acts.append(z.map { network.hidden.value($0) })
            }
            l += 1
        }
        var total = 0.0
        var i = 0
        while i < X.rows {
            total += network.output.loss(logits: top.row(i), activation: acts[L].row(i), target: Y.row(i))
            i += 1
        }
        gradients.loss = total * (1 / Double(X.rows))
        var delta = try steps.outputError(acts[L], Y)
        l = L
        while l >= 1 {
            gradients.layers[l - 1].weights = try steps.weightGradient(acts[l - 1], delta)
            gradients.layers[l - 1].biases = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1], network.hidden) }
            l -= 1
        }
    }
}

/// Correct: forward on the way down the recursion, backward on the way back up.
struct H15RecursiveEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var loss = 0.0
        // Δˡ of layer l, given its input Aˡ⁻¹; fills layers[l - 1] on the way back.
        func pass(_ l: Int, _ input: Matrix<Double>) throws -> Matrix<Double> {
            let layer = network.layers[l - 1]
            let z = try steps.forward(input, layer.weights, layer.biases)
            let delta: Matrix<Double>
            if l == L {
                let out = z.mapRows { network.output.activation($0) }
                for i in 0..<m { loss += network.output.loss(logits: z.row(i), activation: out.row(i), target: Y.row(i)) }
                delta = try steps.outputError(out, Y)
            } else {
                let act = z.map { network.hidden.value($0) }
                let above = try pass(l + 1, act)
                delta = try steps.hiddenError(above, network.layers[l].weights, act, network.hidden)
            }
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(input, delta), biases: try steps.biasGradient(delta))
            return delta
        }
        _ = try pass(1, X)
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

/// Correct: the solution's engine with its debugging prints left in.
struct H15PrintingEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        print("engine: L =", L, "m =", m)
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            print("forward l =", l, "Z", Zl.shapeDescription)
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
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
