import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 17: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut17Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h17(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut17Submission {
    HeldOut17Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h17sub(
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

public enum HeldOut17Catalogue {
    public static let all: [HeldOut17Submission] = [
        // MARK: exercise 3, one example
        h17("h17-oe-hand-softmax-no-shift", "one example", "softmax written by hand as exp(z) / sum without subtracting the largest logit, so it overflows to NaN at logits in the hundreds", h17sub(oneExample: H17OneExample.handSoftmax)),
        h17("h17-oe-loss-log-of-activation", "one example", "the cross-entropy written by hand from the activations, -y ln a - (1 - y) ln(1 - a), which is infinite or NaN where a rounds to 0 or 1", h17sub(oneExample: H17OneExample.lossFromActivations)),
        h17("h17-oe-layers-appended-top-first", "one example", "the gradients appended in the backward loop, so layers[0] holds the top layer", h17sub(oneExample: H17OneExample.appendedTopFirst)),
        h17("h17-oe-exit-after-debug-print", "one example", "a debugging print of dW1 followed by exit(0) left in the backward loop", h17sub(oneExample: H17OneExample.exitAfterPrint)),
        h17("h17-oe-float-outer-product", "one example", "each dW element a(k) delta(j) computed in Float and converted back", h17sub(oneExample: H17OneExample.floatOuter)),
        h17("h17-oe-sigmoid-derivative-by-hand", "one example", "sigma prime written by hand as a(1 - a) for every hidden activation, right only for sigmoid", h17sub(oneExample: H17OneExample.sigmoidPrimeByHand)),
        h17("h17-oe-argmax-output-error", "one example", "the output error built as a with 1 subtracted at the argmax of y, right only for one-hot targets", h17sub(oneExample: H17OneExample.argmaxDelta)),
        h17("h17-oe-cache-by-x", "one example", "gradients memoised in a dictionary keyed by the input x alone, so another network or target with the same x gets a stale answer", h17sub(oneExample: H17OneExample.cacheByX)),
        h17("h17-oe-forward-sum-from-one", "one example", "the forward sum over the inputs starts at index 1, skipping input 0", h17sub(oneExample: H17OneExample.forwardFromOne)),
        h17("h17-oe-recursive-wrong-weights", "one example", "the recursive backward step uses the weights of the layer below (layers[l - 2]) to send delta down", h17sub(oneExample: H17OneExample.recursiveWrongWeights)),
        h17("h17-oe-bias-gradient-copy-paste", "one example", "copy-paste slip: the bias gradient is set to the layer's activation a(l) instead of delta(l)", h17sub(oneExample: H17OneExample.biasIsActivation)),
        // MARK: exercise 4, forward
        h17("h17-fw-flat-walk-row-stride", "forward", "flat walk over input.elements with the row offset i * weights.columns instead of i * input.columns, right only when W is square", h17sub(forward: H17Forward.flatRowStride)),
        h17("h17-fw-bias-first-row-only", "forward", "the bias added to the first example's row only", h17sub(forward: H17Forward.biasFirstRowOnly)),
        h17("h17-fw-matmul-helper-bound", "forward", "own matmul helper whose inner sum runs to b.columns instead of a.columns, right only when square", h17sub(forward: H17Forward.matmulHelperBound)),
        h17("h17-fw-cache-by-shape", "forward", "Z memoised by the shapes of A and W, so the next call with the same shapes returns the old Z", h17sub(forward: H17Forward.cacheByShape)),
        h17("h17-fw-zeroes-input-rows", "forward", "each row of the input A zeroed through a pointer once it has been used, writing into the caller's matrix", h17sub(forward: H17Forward.zeroesInput)),
        h17("h17-fw-float-accumulator", "forward", "the sum over k accumulated in a Float", h17sub(forward: H17Forward.floatSum)),
        h17("h17-fw-single-example-fast-path", "forward", "a fast path for m == 1 that forgets to add the bias", h17sub(forward: H17Forward.singleRowNoBias)),
        h17("h17-fw-column-helper-stride", "forward", "column(W, j) helper strides W.elements by W.rows instead of W.columns, right only when square", h17sub(forward: H17Forward.columnHelperStride)),
        // MARK: exercise 4, output error
        h17("h17-oerr-argmax-minus-one", "output error", "delta = A with 1 subtracted at the argmax of each target row, right only for one-hot targets", h17sub(outputError: H17OutputError.argmaxMinusOne)),
        h17("h17-oerr-clamped-activations", "output error", "A clamped to [1e-7, 1 - 1e-7] before subtracting Y, which changes the answer where the outputs saturate", h17sub(outputError: H17OutputError.clamped)),
        h17("h17-oerr-targets-rounded", "output error", "targets converted through Int (rounded to 0 or 1) before subtracting, wrong for soft or multi-label targets", h17sub(outputError: H17OutputError.targetsRounded)),
        h17("h17-oerr-last-row-skipped", "output error", "the row loop runs to A.rows - 1, leaving the last example's error at 0", h17sub(outputError: H17OutputError.lastRowSkipped)),
        h17("h17-oerr-writes-targets", "output error", "A - Y computed in place in Y's storage through a pointer, writing into the caller's targets", h17sub(outputError: H17OutputError.writesTargets)),
        h17("h17-oerr-float", "output error", "each difference computed in Float", h17sub(outputError: H17OutputError.float)),
        h17("h17-oerr-cache-by-first-row", "output error", "the answer memoised keyed by A's first row only", h17sub(outputError: H17OutputError.cacheByFirstRow)),
        h17("h17-oerr-shape-swapped", "output error", "the result matrix built with rows and columns swapped, [c, m] instead of [m, c]", h17sub(outputError: H17OutputError.shapeSwapped)),
        h17("h17-oerr-sigmoid-prime-for-multilabel", "output error", "when a target row does not sum to 1 the student guesses a sigmoid output and multiplies by a(1 - a)", h17sub(outputError: H17OutputError.sigmoidPrimeForMultiLabel)),
        // MARK: exercise 5, hidden error
        h17("h17-he-hand-switch-relu-default", "hidden error", "sigma prime written as a switch by hand where relu falls into the default branch returning 1", h17sub(hiddenError: H17HiddenError.switchReluDefault)),
        h17("h17-he-tanh-prime-of-tanh", "hidden error", "for tanh the derivative is written 1 - tanh(a)^2, applying tanh to the activation again", h17sub(hiddenError: H17HiddenError.tanhOfTanh)),
        h17("h17-he-transpose-helper-reinterprets", "hidden error", "own transpose helper only swaps rows and columns without moving the elements", h17sub(hiddenError: H17HiddenError.transposeReinterprets)),
        h17("h17-he-sigma-prime-cached-by-shape", "hidden error", "the sigma prime matrix cached by the shape of A and reused for different activations", h17sub(hiddenError: H17HiddenError.sigmaPrimeCachedByShape)),
        h17("h17-he-sigma-prime-twice", "hidden error", "sigma prime multiplied into each term of the sum and again after it", h17sub(hiddenError: H17HiddenError.sigmaPrimeTwice)),
        h17("h17-he-k-bound-rows", "hidden error", "the sum over k runs to weightsAbove.rows instead of weightsAbove.columns", h17sub(hiddenError: H17HiddenError.kBoundRows)),
        h17("h17-he-recursive-dot-skips-first", "hidden error", "a recursive dot helper whose base case is index 1, so term k = 0 is never added", h17sub(hiddenError: H17HiddenError.recursiveDotSkipsFirst)),
        h17("h17-he-writes-activations", "hidden error", "sigma prime written over the activations matrix through a pointer to save a matrix", h17sub(hiddenError: H17HiddenError.writesActivations)),
        h17("h17-he-single-example-path", "hidden error", "a special path for m == 1 that reads W[k, j] instead of W[j, k]", h17sub(hiddenError: H17HiddenError.singleExamplePath)),
        h17("h17-he-float-sum", "hidden error", "the sum over k accumulated in Float", h17sub(hiddenError: H17HiddenError.floatSum)),
        // MARK: exercise 6, weight gradient
        h17("h17-wg-integer-one-over-m", "weight gradient", "the scale written Double(1 / m) with an Int m, which is 0 for m above 1", h17sub(weightGradient: H17WeightGradient.integerOneOverM)),
        h17("h17-wg-outer-helper-divides-by-columns", "weight gradient", "sum of per-example outer products divided by delta.columns instead of m", h17sub(weightGradient: H17WeightGradient.outerDividedByColumns)),
        h17("h17-wg-float", "weight gradient", "the sum over the examples accumulated in Float", h17sub(weightGradient: H17WeightGradient.float)),
        h17("h17-wg-skips-first-example", "weight gradient", "the loop over the examples starts at 1, skipping example 0", h17sub(weightGradient: H17WeightGradient.skipsFirstExample)),
        h17("h17-wg-reshaped-transpose", "weight gradient", "computes delta-transpose times A and reshapes it to [h_{l-1}, h_l] instead of transposing", h17sub(weightGradient: H17WeightGradient.reshapedTranspose)),
        h17("h17-wg-cache-by-shape", "weight gradient", "the gradient memoised by the shapes of its arguments", h17sub(weightGradient: H17WeightGradient.cacheByShape)),
        h17("h17-wg-copy-paste-index", "weight gradient", "copy-paste slip: delta[i, k] where delta[i, j] belongs", h17sub(weightGradient: H17WeightGradient.copyPasteIndex)),
        h17("h17-wg-running-average", "weight gradient", "keeps a running sum of every gradient it has returned per shape and returns the average over calls", h17sub(weightGradient: H17WeightGradient.runningAverage)),
        // MARK: exercise 6, bias gradient
        h17("h17-bg-reduce-seeded-with-row0", "bias gradient", "reduce seeded with the first row of delta and then run over all rows, counting row 0 twice", h17sub(biasGradient: H17BiasGradient.seededWithRow0)),
        h17("h17-bg-column-stride-by-rows", "bias gradient", "column sums walk delta.elements with stride delta.rows instead of delta.columns, right only when square", h17sub(biasGradient: H17BiasGradient.strideByRows)),
        h17("h17-bg-running-totals", "bias gradient", "column totals kept in a shared array between calls and never reset", h17sub(biasGradient: H17BiasGradient.runningTotals)),
        h17("h17-bg-float", "bias gradient", "column sums kept in Float", h17sub(biasGradient: H17BiasGradient.float)),
        h17("h17-bg-closed-range-off-by-one", "bias gradient", "the row loop written 0...delta.rows - 2, missing the last example", h17sub(biasGradient: H17BiasGradient.closedRangeOffByOne)),
        h17("h17-bg-sample-mean", "bias gradient", "divided by m - 1 (as for a sample variance) when m is above 1", h17sub(biasGradient: H17BiasGradient.sampleMean)),
        h17("h17-bg-column-helper-uses-row", "bias gradient", "a columnSum(j) helper that adds up row j instead of column j", h17sub(biasGradient: H17BiasGradient.helperUsesRow)),
        h17("h17-bg-exit-single-example", "bias gradient", "calls exit(0) with a print when delta has a single row", h17sub(biasGradient: H17BiasGradient.exitOnSingleRow)),
        h17("h17-bg-cache-by-first-element", "bias gradient", "the answer memoised keyed by delta[0, 0] and the shape", h17sub(biasGradient: H17BiasGradient.cacheByFirstElement)),
        // MARK: exercise 7, batch engine
        h17("h17-be-dictionary-wrong-key", "batch engine", "activations kept in a dictionary keyed by layer, and the weight gradient looked up with key l instead of l - 1", h17sub(engine: { AnyBackpropEngine(H17DictionaryWrongKeyEngine(steps: $0)) })),
        h17("h17-be-recursive-bias-after-delta-moves", "batch engine", "recursive backward pass that computes the bias gradient after delta has been turned into the layer below's", h17sub(engine: { AnyBackpropEngine(H17RecursiveBiasLateEngine(steps: $0)) })),
        h17("h17-be-loss-over-outputs", "batch engine", "the loss divided by m times the number of outputs", h17sub(engine: { AnyBackpropEngine(H17LossOverOutputsEngine(steps: $0)) })),
        h17("h17-be-activations-cached-by-shape", "batch engine", "forward activations cached by the shape of X and reused on a new batch of the same shape", h17sub(engine: { AnyBackpropEngine(H17CachedActivationsEngine(steps: $0)) })),
        h17("h17-be-hand-softmax", "batch engine", "the output softmax written by hand without subtracting the row maximum, NaN at logits in the hundreds", h17sub(engine: { AnyBackpropEngine(H17HandSoftmaxEngine(steps: $0)) })),
        h17("h17-be-hand-log-loss", "batch engine", "the cross-entropy written by hand from the activations with log, infinite where an output saturates", h17sub(engine: { AnyBackpropEngine(H17HandLogLossEngine(steps: $0)) })),
        h17("h17-be-layers-appended", "batch engine", "the gradients appended in the backward loop, so they come out top layer first", h17sub(engine: { AnyBackpropEngine(H17AppendedLayersEngine(steps: $0)) })),
        h17("h17-be-sgd-inside-backward", "batch engine", "an SGD update of a copy of the network inside the backward loop, so the hidden errors use already-moved weights", h17sub(engine: { AnyBackpropEngine(H17SGDInsideEngine(steps: $0)) })),
        h17("h17-be-loss-added-into-gradients", "batch engine", "prepare(for:) then loss added into gradients.loss, which still holds the last call's value", h17sub(engine: { AnyBackpropEngine(H17LossAddedEngine(steps: $0)) })),
        h17("h17-be-float-loss", "batch engine", "the loss summed in a Float", h17sub(engine: { AnyBackpropEngine(H17FloatLossEngine(steps: $0)) })),
        h17("h17-be-loss-loop-off-by-one", "batch engine", "the loss loop stops at m - 1 but still divides by m", h17sub(engine: { AnyBackpropEngine(H17LossOffByOneEngine(steps: $0)) })),
        h17("h17-be-sigmoid-output-uses-hidden", "batch engine", "for a sigmoid output the engine applies network.hidden, which is only right when the hidden layers are sigmoid too", h17sub(engine: { AnyBackpropEngine(H17SigmoidOutputHiddenEngine(steps: $0)) })),
        // MARK: correct, written unusually
        h17("h17-pass-oe-recursive", "pass", "correct: forward and backward both written as recursive functions over the layers", h17sub(oneExample: H17OneExample.recursivePass)),
        h17("h17-pass-oe-while-loops", "pass", "correct: while loops everywhere, dW filled by a flat index walk, delta from network.output.outputError", h17sub(oneExample: H17OneExample.whileLoopsPass)),
        h17("h17-pass-fw-column-major", "pass", "correct: Z seeded with the bias column by column, then k outermost and i innermost", h17sub(forward: H17Forward.columnMajorPass)),
        h17("h17-pass-fw-unsafe-buffers", "pass", "correct: flat row-major walks through unsafe buffer pointers", h17sub(forward: H17Forward.unsafeBuffersPass)),
        h17("h17-pass-fw-cache-all-values", "pass", "correct: a cache keyed by every value and shape of A, W and b", h17sub(forward: H17Forward.cacheAllValuesPass)),
        h17("h17-pass-oerr-zip-map", "pass", "correct: zip of the two element arrays mapped with minus", h17sub(outputError: H17OutputError.zipMapPass)),
        h17("h17-pass-he-sigma-inside-sum", "pass", "correct: sigma prime multiplied into each term of a reduce instead of once after the sum", h17sub(hiddenError: H17HiddenError.sigmaInsideSumPass)),
        h17("h17-pass-he-transpose-matmul", "pass", "correct: own transpose and matmul helpers, then an element-wise product with sigma prime", h17sub(hiddenError: H17HiddenError.transposeMatmulPass)),
        h17("h17-pass-wg-outer-products", "pass", "correct: a sum of per-example outer products, then divided by m", h17sub(weightGradient: H17WeightGradient.outerProductsPass)),
        h17("h17-pass-wg-stride-flat", "pass", "correct: column walks down the flat element arrays with moving offsets", h17sub(weightGradient: H17WeightGradient.strideFlatPass)),
        h17("h17-pass-bg-reduce-columns", "pass", "correct: one reduce per column divided by m", h17sub(biasGradient: H17BiasGradient.reduceColumnsPass)),
        h17("h17-pass-bg-print-shape", "pass", "correct: prints delta's shape and sums over rowArrays with enumerated", h17sub(biasGradient: H17BiasGradient.printShapePass)),
        h17("h17-pass-be-print-shapes", "pass", "correct: the solution's engine with debugging prints of the shapes and the loss", h17sub(engine: { AnyBackpropEngine(H17PrintingEngine(steps: $0)) })),
        h17("h17-pass-be-recursive", "pass", "correct: one recursive function runs a layer forward, recurses to the top and returns delta on the way back", h17sub(engine: { AnyBackpropEngine(H17RecursiveEngine(steps: $0)) })),
        h17("h17-pass-be-prepare-assign", "pass", "correct: prepare(for:) then every element and the loss assigned", h17sub(engine: { AnyBackpropEngine(H17PrepareAssignEngine(steps: $0)) })),
        h17("h17-pass-be-dictionary-struct", "pass", "correct: a struct of dictionaries keyed by layer, all deltas first, then all gradients in a map", h17sub(engine: { AnyBackpropEngine(H17DictionaryPassEngine(steps: $0)) })),
    ]
    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - Shared state

/// A value shared between calls, behind a lock.
final class H17Shared<Value>: @unchecked Sendable {
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

enum H17OneExample {
    static func handSoftmax(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        func softmax(_ z: [Double]) -> [Double] {
            let e = z.map { Foundation.exp($0) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = b
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            z.append(zl)
            if l < L {
                a.append(zl.map { network.hidden.value($0) })
            } else if network.output.activation == .softmax {
                a.append(softmax(zl))
            } else {
                a.append(network.output.activation(zl))
            }
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = zip(a[L], y).map { $0 - $1 }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
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
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func lossFromActivations(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var acts: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let layer = network.layers[l - 1]
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = layer.biases[j]
                for k in 0..<h[l - 1] { s += layer.weights[k, j] * acts[l - 1][k] }
                zl[j] = s
            }
            if l == L { zL = zl }
            acts.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let aL = acts[L]
        var loss = 0.0
        switch network.output.activation {
        case .softmax:
            for j in 0..<aL.count { loss -= y[j] * Foundation.log(aL[j]) }
        case .sigmoid where network.output.loss == .crossEntropy:
            for j in 0..<aL.count { loss -= y[j] * Foundation.log(aL[j]) + (1 - y[j]) * Foundation.log(1 - aL[j]) }
        default:
            loss = network.output.loss(logits: zL, activation: aL, target: y)
        }
        var delta = (0..<h[L]).map { aL[$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = acts[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            guard l > 1 else { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: acts[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func appendedTopFirst(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let zl = (0..<h[l]).map { j in (0..<h[l - 1]).reduce(b[j]) { $0 + W[$1, j] * a[l - 1][$1] } }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers: [LayerParameters<Double>] = []
        var l = L
        while l >= 1 {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers.append(LayerParameters(weights: gw, biases: delta))
            if l > 1 {
                let W = network.layers[l - 1].weights
                let d = delta
                delta = (0..<h[l - 1]).map { j in
                    (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * d[$1] } * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func exitAfterPrint(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            if l == 1 {
                print("dW1 =", gw)
                exit(0)
            }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                return sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func floatOuter(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            for i in 0..<h[l - 1] {
                let ai = Float(a[l - 1][i])
                for j in 0..<h[l] { gw[i, j] = Double(ai * Float(delta[j])) }
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

    static func sigmoidPrimeByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
                let s = a[l - 1][j]
                return sum * s * (1 - s)
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func argmaxDelta(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        // the label is where y is 1: delta = a - e_label
        var label = 0
        for j in 1..<y.count where y[j] > y[label] { label = j }
        var delta = a[L]
        delta[label] -= 1
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

    static let xCache = H17Shared<[[Double]: Gradients<Double>]>([:])

    static func cacheByX(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        if let hit = xCache.with({ $0[x] }) { return hit }
        let result = try Solutions.oneExample(network, x, y)
        xCache.with { $0[x] = result }
        return result
    }

    static func forwardFromOne(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 1..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
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

    static func recursiveWrongWeights(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var acts = [x]
        var logits: [Double] = []
        for l in 1...L {
            let p = network.layers[l - 1]
            let zl = (0..<p.outputCount).map { j in
                var s = p.biases[j]
                for k in 0..<p.inputCount { s += p.weights[k, j] * acts[l - 1][k] }
                return s
            }
            logits = zl
            acts.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        var out = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        func back(_ l: Int, _ delta: [Double]) {
            let prev = acts[l - 1]
            var gw = Matrix<Double>(rows: prev.count, columns: delta.count)
            for k in 0..<prev.count { for j in 0..<delta.count { gw[k, j] = prev[k] * delta[j] } }
            out[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { return }
            let W = network.layers[l - 2].weights   // the layer we are going down to
            var next = [Double](repeating: 0, count: prev.count)
            for j in 0..<prev.count {
                var s = 0.0
                for k in 0..<delta.count { s += W[j, k] * delta[k] }
                next[j] = s * network.hidden.derivative(fromActivation: prev[j])
            }
            back(l - 1, next)
        }
        back(L, zip(acts[L], y).map(-))
        return Gradients(loss: network.output.loss(logits: logits, activation: acts[L], target: y), layers: out)
    }

    static func biasIsActivation(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            layers[l - 1] = LayerParameters(weights: gw, biases: a[l])
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

    // MARK: correct

    static func recursivePass(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        // forward(l, a) returns the activations of layers l…L and zᴸ
        func forward(_ l: Int, _ input: [Double]) -> (acts: [[Double]], zL: [Double]) {
            let p = network.layers[l - 1]
            var zl = [Double](repeating: 0, count: p.outputCount)
            for j in 0..<p.outputCount {
                zl[j] = p.biases[j]
                for k in 0..<p.inputCount { zl[j] += p.weights[k, j] * input[k] }
            }
            if l == L { return ([network.output.activation(zl)], zl) }
            let al = zl.map { network.hidden.value($0) }
            let rest = forward(l + 1, al)
            return ([al] + rest.acts, rest.zL)
        }
        let (upper, zL) = forward(1, x)
        let a = [x] + upper
        func backward(_ l: Int, _ delta: [Double]) -> [LayerParameters<Double>] {
            var gw = Matrix<Double>(rows: a[l - 1].count, columns: delta.count)
            for k in 0..<a[l - 1].count { for j in 0..<delta.count { gw[k, j] = a[l - 1][k] * delta[j] } }
            let mine = LayerParameters(weights: gw, biases: delta)
            if l == 1 { return [mine] }
            let W = network.layers[l - 1].weights
            let below = (0..<W.rows).map { j -> Double in
                var s = 0.0
                for k in 0..<W.columns { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            return backward(l - 1, below) + [mine]
        }
        let layers = backward(L, (0..<y.count).map { a[L][$0] - y[$0] })
        return Gradients(loss: network.output.loss(logits: zL, activation: a[L], target: y), layers: layers)
    }

    static func whileLoopsPass(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zTop: [Double] = []
        var l = 1
        while l <= L {
            let W = network.layers[l - 1].weights
            var zl = network.layers[l - 1].biases
            var k = 0
            while k < h[l - 1] {
                var j = 0
                while j < h[l] {
                    zl[j] += a[l - 1][k] * W[k, j]
                    j += 1
                }
                k += 1
            }
            if l == L { zTop = zl; a.append(network.output.activation(zl)) } else { a.append(zl.map { network.hidden.value($0) }) }
            l += 1
        }
        var grads = Gradients<Double>(zeroFor: network)
        grads.loss = network.output.loss(logits: zTop, activation: a[L], target: y)
        var delta = network.output.outputError(activation: a[L], target: y)
        l = L
        while l >= 1 {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            var idx = 0
            while idx < gw.elements.count {
                gw.elements[idx] = a[l - 1][idx / h[l]] * delta[idx % h[l]]
                idx += 1
            }
            grads.layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                var j = 0
                while j < h[l - 1] {
                    var s = 0.0
                    var k = 0
                    while k < h[l] { s += W[j, k] * delta[k]; k += 1 }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                    j += 1
                }
                delta = below
            }
            l -= 1
        }
        return grads
    }
}

// MARK: - Exercise 4, forward

enum H17Forward {
    static func flatRowStride(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = W.columns, K = W.rows
        var out: [Double] = []
        out.reserveCapacity(m * n)
        for i in 0..<m {
            for j in 0..<n {
                var s = b[j]
                for k in 0..<K { s += A.elements[i * n + k] * W.elements[k * n + j] }
                out.append(s)
            }
        }
        return Matrix(rows: m, columns: n, elements: out)
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
        for j in 0..<W.columns { Z[0, j] += b[j] }
        return Z
    }

    static func matmul(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        var c = Matrix<Double>(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for k in 0..<min(b.columns, a.columns) { s += a[i, k] * b[k, j] }
                c[i, j] = s
            }
        }
        return c
    }

    static func matmulHelperBound(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = matmul(A, W)
        for i in 0..<Z.rows { for j in 0..<Z.columns { Z[i, j] += b[j] } }
        return Z
    }

    static let shapeCache = H17Shared<[String: Matrix<Double>]>([:])

    static func cacheByShape(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = "\(A.rows)x\(A.columns)·\(W.rows)x\(W.columns)"
        if let z = shapeCache.with({ $0[key] }) { return z }
        let z = try Solutions.forward(A, W, b)
        shapeCache.with { $0[key] = z }
        return z
    }

    static func zeroesInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        A.elements.withUnsafeBufferPointer { buffer in
            let p = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            for i in 0..<A.rows {
                for j in 0..<W.columns {
                    var sum = b[j]
                    for k in 0..<A.columns { sum += p[i * A.columns + k] * W[k, j] }
                    Z[i, j] = sum
                }
                // row i is done with, clear it
                for k in 0..<A.columns { p[i * A.columns + k] = 0 }
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

    static func singleRowNoBias(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        if A.rows == 1 {
            // one example: z = xᵀ W
            let x = A.row(0)
            let z = (0..<W.columns).map { j in zip(x, (0..<W.rows).map { W[$0, j] }).map(*).reduce(0, +) }
            return Matrix(rows: 1, columns: W.columns, elements: z)
        }
        return try Solutions.forward(A, W, b)
    }

    static func column(_ W: Matrix<Double>, _ j: Int) -> [Double] {
        stride(from: j, to: W.elements.count, by: W.rows).map { W.elements[$0] }
    }

    static func columnHelperStride(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for j in 0..<W.columns {
            let w = column(W, j)
            for i in 0..<A.rows {
                Z[i, j] = zip(A.row(i), w).reduce(b[j]) { $0 + $1.0 * $1.1 }
            }
        }
        return Z
    }

    // MARK: correct

    static func columnMajorPass(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for j in 0..<W.columns { for i in 0..<A.rows { Z[i, j] = b[j] } }
        for k in 0..<A.columns {
            for j in 0..<W.columns {
                let w = W[k, j]
                for i in 0..<A.rows { Z[i, j] += A[i, k] * w }
            }
        }
        return Z
    }

    static func unsafeBuffersPass(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, K = A.columns, n = W.columns
        var out = [Double](repeating: 0, count: m * n)
        A.elements.withUnsafeBufferPointer { a in
            W.elements.withUnsafeBufferPointer { w in
                out.withUnsafeMutableBufferPointer { z in
                    for i in 0..<m {
                        for j in 0..<n {
                            var s = b[j]
                            for k in 0..<K { s += a[i * K + k] * w[k * n + j] }
                            z[i * n + j] = s
                        }
                    }
                }
            }
        }
        return Matrix(rows: m, columns: n, elements: out)
    }

    struct Key: Hashable { let a: [Double]; let w: [Double]; let b: [Double]; let shape: [Int] }
    static let valueCache = H17Shared<[Key: Matrix<Double>]>([:])

    static func cacheAllValuesPass(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = Key(a: A.elements, w: W.elements, b: b, shape: [A.rows, A.columns, W.rows, W.columns])
        if let hit = valueCache.with({ $0[key] }) { return hit }
        let z = try Solutions.forward(A, W, b)
        valueCache.with { $0[key] = z }
        return z
    }
}

// MARK: - Exercise 4, output error

enum H17OutputError {
    static func argmaxMinusOne(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        func argmax(_ v: [Double]) -> Int { v.indices.max { v[$0] < v[$1] } ?? 0 }
        var delta = A
        for i in 0..<A.rows { delta[i, argmax(Y.row(i))] -= 1 }
        return delta
    }

    static func clamp(_ v: Double, _ lo: Double, _ hi: Double) -> Double { min(max(v, lo), hi) }

    static func clamped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = clamp(A[i, j], eps, 1 - eps) - Y[i, j] } }
        return delta
    }

    static func targetsRounded(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let label = Int(Y[i, j].rounded())
                delta[i, j] = A[i, j] - Double(label)
            }
        }
        return delta
    }

    static func lastRowSkipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        var i = 0
        while i < A.rows - 1 {
            for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] }
            i += 1
        }
        return delta
    }

    static func writesTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let count = Y.elements.count
        let result: [Double] = Y.elements.withUnsafeBufferPointer { yb in
            let y = UnsafeMutablePointer(mutating: yb.baseAddress!)
            for t in 0..<count { y[t] = A.elements[t] - y[t] }
            return Array(UnsafeBufferPointer(start: y, count: count))
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: result)
    }

    static func float(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns,
               elements: zip(A.elements, Y.elements).map { Double(Float($0) - Float($1)) })
    }

    static let firstRowCache = H17Shared<[[Double]: Matrix<Double>]>([:])

    static func cacheByFirstRow(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let key = A.row(0)
        if let hit = firstRowCache.with({ $0[key] }), hit.rows == A.rows { return hit }
        let delta = try Solutions.outputError(A, Y)
        firstRowCache.with { $0[key] = delta }
        return delta
    }

    static func shapeSwapped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var diff = [Double]()
        for i in 0..<A.rows { for j in 0..<A.columns { diff.append(A[i, j] - Y[i, j]) } }
        return Matrix(rows: A.columns, columns: A.rows, elements: diff)
    }

    static func sigmoidPrimeForMultiLabel(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = try Solutions.outputError(A, Y)
        for i in 0..<A.rows {
            let total = Y.row(i).reduce(0, +)
            if abs(total - 1) > 1e-9 {
                // not a distribution: sigmoid outputs
                for j in 0..<A.columns { delta[i, j] *= A[i, j] * (1 - A[i, j]) }
            }
        }
        return delta
    }

    // MARK: correct

    static func zipMapPass(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map(-))
    }
}

// MARK: - Exercise 5, hidden error

enum H17HiddenError {
    static func switchReluDefault(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        func prime(_ a: Double) -> Double {
            switch hidden {
            case .sigmoid: return a * (1 - a)
            case .tanh: return 1 - a * a
            default: return 1
            }
        }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * prime(A[i, j])
            }
        }
        return delta
    }

    static func tanhOfTanh(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let d: Double
                if hidden == .tanh {
                    let t = Foundation.tanh(A[i, j])
                    d = 1 - t * t
                } else {
                    d = hidden.derivative(fromActivation: A[i, j])
                }
                delta[i, j] = sum * d
            }
        }
        return delta
    }

    static func transposeReinterpret(_ M: Matrix<Double>) -> Matrix<Double> {
        Matrix(rows: M.columns, columns: M.rows, elements: M.elements)
    }

    static func transposeReinterprets(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = transposeReinterpret(W)
        var delta = Matrix<Double>(rows: D.rows, columns: Wt.columns)
        for i in 0..<D.rows {
            for j in 0..<Wt.columns {
                var s = 0.0
                for k in 0..<D.columns { s += D[i, k] * Wt[k, j] }
                delta[i, j] = s * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static let primeCache = H17Shared<[String: Matrix<Double>]>([:])

    static func sigmaPrimeCachedByShape(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let key = "\(hidden.rawValue) \(A.rows) \(A.columns)"
        let prime: Matrix<Double>
        if let cached = primeCache.with({ $0[key] }) {
            prime = cached
        } else {
            prime = A.map { hidden.derivative(fromActivation: $0) }
            primeCache.with { $0[key] = prime }
        }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * prime[i, j]
            }
        }
        return delta
    }

    static func sigmaPrimeTwice(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                let s = hidden.derivative(fromActivation: A[i, j])
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] * s }
                delta[i, j] = sum * s
            }
        }
        return delta
    }

    static func kBoundRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func dot(_ u: [Double], _ v: [Double], _ n: Int) -> Double {
        if n <= 1 { return 0 }
        return dot(u, v, n - 1) + u[n - 1] * v[n - 1]
    }

    static func recursiveDotSkipsFirst(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            let d = D.row(i)
            for j in 0..<W.rows {
                delta[i, j] = dot(d, W.row(j), W.columns) * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func writesActivations(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        A.elements.withUnsafeBufferPointer { buffer in
            let a = UnsafeMutablePointer(mutating: buffer.baseAddress!)
            // reuse A's storage for σ′
            for t in 0..<A.elements.count { a[t] = hidden.derivative(fromActivation: a[t]) }
            for i in 0..<D.rows {
                for j in 0..<W.rows {
                    var sum = 0.0
                    for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                    delta[i, j] = sum * a[i * A.columns + j]
                }
            }
        }
        return delta
    }

    static func singleExamplePath(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        if D.rows == 1 {
            // δ = W δ⁺ ∘ σ′, as for one example
            var out = [Double](repeating: 0, count: W.rows)
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += W[k, j] * D[0, k] }
                out[j] = s * hidden.derivative(fromActivation: A[0, j])
            }
            return Matrix(rows: 1, columns: W.rows, elements: out)
        }
        return try Solutions.hiddenError(D, W, A, hidden)
    }

    static func floatSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    // MARK: correct

    static func sigmaInsideSumPass(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                let s = hidden.derivative(fromActivation: A[i, j])
                delta[i, j] = (0..<W.columns).reduce(0.0) { $0 + D[i, $1] * W[j, $1] * s }
            }
        }
        return delta
    }

    static func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
        var T = Matrix<Double>(rows: M.columns, columns: M.rows)
        for r in 0..<M.rows { for c in 0..<M.columns { T[c, r] = M[r, c] } }
        return T
    }

    static func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
        var R = Matrix<Double>(rows: P.rows, columns: Q.columns)
        for i in 0..<P.rows { for j in 0..<Q.columns {
            var s = 0.0
            for k in 0..<P.columns { s += P[i, k] * Q[k, j] }
            R[i, j] = s
        } }
        return R
    }

    static func transposeMatmulPass(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        let back = matmul(D, transpose(W))
        let prime = A.map { hidden.derivative(fromActivation: $0) }
        return Matrix(rows: back.rows, columns: back.columns, elements: zip(back.elements, prime.elements).map(*))
    }
}

// MARK: - Exercise 6, weight gradient

enum H17WeightGradient {
    static func integerOneOverM(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func outer(_ u: [Double], _ v: [Double]) -> Matrix<Double> {
        Matrix(rows: u.count, columns: v.count, elements: u.flatMap { ui in v.map { ui * $0 } })
    }

    static func outerDividedByColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            let o = outer(A.row(i), D.row(i))
            for t in G.elements.indices { G.elements[t] += o.elements[t] }
        }
        return G.map { $0 / Double(D.columns) }
    }

    static func float(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum: Float = 0
                for i in 0..<A.rows { sum += Float(A[i, k]) * Float(D[i, j]) }
                G[k, j] = Double(sum) / Double(A.rows)
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
                for i in stride(from: 1, to: m, by: 1) { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func reshapedTranspose(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        // (Δᵀ A) is [h_l, h_{l-1}]; give it the shape of W
        var P = Matrix<Double>(rows: D.columns, columns: A.columns)
        for j in 0..<D.columns {
            for k in 0..<A.columns {
                var s = 0.0
                for i in 0..<A.rows { s += D[i, j] * A[i, k] }
                P[j, k] = s / Double(A.rows)
            }
        }
        return Matrix(rows: A.columns, columns: D.columns, elements: P.elements)
    }

    static let shapeCache = H17Shared<[[Int]: Matrix<Double>]>([:])

    static func cacheByShape(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let key = [A.rows, A.columns, D.rows, D.columns]
        return try shapeCache.with { cache in
            if let g = cache[key] { return g }
            let g = try Solutions.weightGradient(A, D)
            cache[key] = g
            return g
        }
    }

    static func copyPasteIndex(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, k] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static let running = H17Shared<[[Int]: (sum: Matrix<Double>, calls: Int)]>([:])

    static func runningAverage(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let g = try Solutions.weightGradient(A, D)
        let key = [A.columns, D.columns]
        return running.with { table in
            var entry = table[key] ?? (Matrix<Double>(rows: g.rows, columns: g.columns), 0)
            for t in g.elements.indices { entry.sum.elements[t] += g.elements[t] }
            entry.calls += 1
            table[key] = entry
            return entry.sum.map { $0 / Double(entry.calls) }
        }
    }

    // MARK: correct

    static func outerProductsPass(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            let o = outer(A.row(i), D.row(i))
            G.elements = zip(G.elements, o.elements).map(+)
        }
        let m = Double(A.rows)
        return G.map { $0 / m }
    }

    static func strideFlatPass(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows, K = A.columns, n = D.columns
        var out = [Double](repeating: 0, count: K * n)
        for k in 0..<K {
            for j in 0..<n {
                var s = 0.0
                var ia = k, id = j
                for _ in 0..<m {
                    s += A.elements[ia] * D.elements[id]
                    ia += K
                    id += n
                }
                out[k * n + j] = s / Double(m)
            }
        }
        return Matrix(rows: K, columns: n, elements: out)
    }
}

// MARK: - Exercise 6, bias gradient

enum H17BiasGradient {
    static func seededWithRow0(_ D: Matrix<Double>) throws -> [Double] {
        let sums = (0..<D.rows).reduce(D.row(0)) { acc, i in zip(acc, D.row(i)).map(+) }
        return sums.map { $0 / Double(D.rows) }
    }

    static func strideByRows(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in
            var s = 0.0
            for t in stride(from: j, to: D.elements.count, by: D.rows) { s += D.elements[t] }
            return s / Double(D.rows)
        }
    }

    static let totals = H17Shared<[Double]>([])

    static func runningTotals(_ D: Matrix<Double>) throws -> [Double] {
        totals.with { t in
            if t.count != D.columns { t = [Double](repeating: 0, count: D.columns) }
            for i in 0..<D.rows { for j in 0..<D.columns { t[j] += D[i, j] } }
            return t.map { $0 / Double(D.rows) }
        }
    }

    static func float(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Float](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += Float(D[i, j]) } }
        return sums.map { Double($0) / Double(D.rows) }
    }

    static func closedRangeOffByOne(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        if D.rows >= 2 {
            for i in 0...(D.rows - 2) { for j in 0..<D.columns { sums[j] += D[i, j] } }
        }
        return sums.map { $0 / Double(D.rows) }
    }

    static func sampleMean(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        let n = D.rows > 1 ? D.rows - 1 : 1
        return sums.map { $0 / Double(n) }
    }

    static func helperUsesRow(_ D: Matrix<Double>) throws -> [Double] {
        func columnSum(_ j: Int) -> Double {
            D.row(j).reduce(0, +)
        }
        return (0..<D.columns).map { columnSum($0) / Double(D.rows) }
    }

    static func exitOnSingleRow(_ D: Matrix<Double>) throws -> [Double] {
        guard D.rows > 1 else {
            print("only one example, nothing to average")
            exit(0)
        }
        return try Solutions.biasGradient(D)
    }

    static let firstElementCache = H17Shared<[String: [Double]]>([:])

    static func cacheByFirstElement(_ D: Matrix<Double>) throws -> [Double] {
        let key = "\(D.rows)x\(D.columns):\(D[0, 0])"
        if let hit = firstElementCache.with({ $0[key] }) { return hit }
        let g = try Solutions.biasGradient(D)
        firstElementCache.with { $0[key] = g }
        return g
    }

    // MARK: correct

    static func reduceColumnsPass(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } / Double(D.rows) }
    }

    static func printShapePass(_ D: Matrix<Double>) throws -> [Double] {
        print("bias gradient: delta is", D.shapeDescription)
        var sums = [Double](repeating: 0, count: D.columns)
        for row in D.rowArrays { for (j, v) in row.enumerated() { sums[j] += v } }
        return sums.map { $0 / Double(D.rows) }
    }
}

// MARK: - Exercise 7, engines

/// The forward pass as most of the class writes it: A[0] = X, A[l] = σ(Zˡ).
private func h17Forward(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>) throws -> (A: [Matrix<Double>], Z: [Matrix<Double>]) {
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

private func h17MeanLoss(_ network: Network<Double>, _ Z: Matrix<Double>, _ A: Matrix<Double>, _ Y: Matrix<Double>) -> Double {
    var loss = 0.0
    for i in 0..<Y.rows { loss += network.output.loss(logits: Z.row(i), activation: A.row(i), target: Y.row(i)) }
    return loss * (1 / Double(Y.rows))
}

struct H17DictionaryWrongKeyEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        var acts: [Int: Matrix<Double>] = [0: X]
        var logits: [Int: Matrix<Double>] = [:]
        for l in 1...L {
            let z = try steps.forward(acts[l - 1]!, network.layers[l - 1].weights, network.layers[l - 1].biases)
            logits[l] = z
            acts[l] = l == L ? z.mapRows { network.output.activation($0) } : z.map { network.hidden.value($0) }
        }
        let loss = h17MeanLoss(network, logits[L]!, acts[L]!, Y)
        var grads: [Int: LayerParameters<Double>] = [:]
        var delta = try steps.outputError(acts[L]!, Y)
        for l in (1...L).reversed() {
            grads[l] = LayerParameters(weights: try steps.weightGradient(acts[l]!, delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1]!, network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: (1...L).map { grads[$0]! })
    }
}

struct H17RecursiveBiasLateEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let (A, Z) = try h17Forward(steps, network, X)
        let L = network.layerCount
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        func backward(_ l: Int, _ delta: Matrix<Double>) throws {
            let gw = try steps.weightGradient(A[l - 1], delta)
            guard l > 1 else {
                layers[0] = LayerParameters(weights: gw, biases: try steps.biasGradient(delta))
                return
            }
            let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            let gb = try steps.biasGradient(below)
            layers[l - 1] = LayerParameters(weights: gw, biases: gb)
            try backward(l - 1, below)
        }
        try backward(L, try steps.outputError(A[L], Y))
        gradients = Gradients(loss: h17MeanLoss(network, Z[L], A[L], Y), layers: layers)
    }
}

struct H17LossOverOutputsEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let (A, Z) = try h17Forward(steps, network, X)
        let L = network.layerCount
        // mean over every entry of the output
        var total = 0.0
        for i in 0..<X.rows { total += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        let loss = total / Double(X.rows * Y.columns)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss, layers: layers)
    }
}

final class H17ActivationStore: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: [String: ([Matrix<Double>], [Matrix<Double>])] = [:]
    func get(_ key: String) -> ([Matrix<Double>], [Matrix<Double>])? { lock.lock(); defer { lock.unlock() }; return stored[key] }
    func put(_ key: String, _ value: ([Matrix<Double>], [Matrix<Double>])) { lock.lock(); stored[key] = value; lock.unlock() }
}

struct H17CachedActivationsEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    static let store = H17ActivationStore()
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let key = "\(network.sizeDescription) \(X.rows)"
        let A: [Matrix<Double>], Z: [Matrix<Double>]
        if let hit = Self.store.get(key) {
            (A, Z) = hit
        } else {
            (A, Z) = try h17Forward(steps, network, X)
            Self.store.put(key, (A, Z))
        }
        let L = network.layerCount
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: h17MeanLoss(network, Z[L], A[L], Y), layers: layers)
    }
}

struct H17HandSoftmaxEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    static func softmax(_ row: [Double]) -> [Double] {
        let e = row.map { Foundation.exp($0) }
        let s = e.reduce(0, +)
        return e.map { $0 / s }
    }

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
                A.append(Zl.mapRows(Self.softmax))
            } else {
                A.append(Zl.mapRows { network.output.activation($0) })
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

struct H17HandLogLossEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let (A, Z) = try h17Forward(steps, network, X)
        let L = network.layerCount, m = X.rows
        var loss = 0.0
        for i in 0..<m {
            for j in 0..<Y.columns {
                let a = A[L][i, j], y = Y[i, j]
                switch network.output.activation {
                case .softmax: loss -= y * Foundation.log(a)
                case .sigmoid: loss -= y * Foundation.log(a) + (1 - y) * Foundation.log(1 - a)
                case .identity: loss += 0.5 * (a - y) * (a - y)
                }
            }
        }
        _ = Z
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}

struct H17AppendedLayersEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let (A, Z) = try h17Forward(steps, network, X)
        let L = network.layerCount
        var layers: [LayerParameters<Double>] = []
        var delta = try steps.outputError(A[L], Y)
        var l = L
        while l > 0 {
            layers.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            l -= 1
        }
        gradients = Gradients(loss: h17MeanLoss(network, Z[L], A[L], Y), layers: layers)
    }
}

struct H17SGDInsideEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    let learningRate = 0.5
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        var net = network
        let (A, Z) = try h17Forward(steps, net, X)
        let L = net.layerCount
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let gw = try steps.weightGradient(A[l - 1], delta), gb = try steps.biasGradient(delta)
            layers[l - 1] = LayerParameters(weights: gw, biases: gb)
            // take the step right away
            for t in gw.elements.indices { net.layers[l - 1].weights.elements[t] -= learningRate * gw.elements[t] }
            for j in gb.indices { net.layers[l - 1].biases[j] -= learningRate * gb[j] }
            if l > 1 { delta = try steps.hiddenError(delta, net.layers[l - 1].weights, A[l - 1], net.hidden) }
        }
        gradients = Gradients(loss: h17MeanLoss(network, Z[L], A[L], Y), layers: layers)
    }
}

struct H17LossAddedEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        gradients.prepare(for: network)
        let (A, Z) = try h17Forward(steps, network, X)
        let L = network.layerCount, m = X.rows
        for i in 0..<m {
            gradients.loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) / Double(m)
        }
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
            gradients.layers[l - 1].biases = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }
}

struct H17FloatLossEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let (A, Z) = try h17Forward(steps, network, X)
        let L = network.layerCount, m = X.rows
        var loss: Float = 0
        for i in 0..<m { loss += Float(network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i))) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: Double(loss) / Double(m), layers: layers)
    }
}

struct H17LossOffByOneEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let (A, Z) = try h17Forward(steps, network, X)
        let L = network.layerCount, m = X.rows
        var loss = 0.0
        var i = 0
        while i < m - 1 {
            loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i))
            i += 1
        }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss / Double(m), layers: layers)
    }
}

struct H17SigmoidOutputHiddenEngine: BackpropEngine {
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
            if l < L || network.output.activation == .sigmoid {
                A.append(Zl.map { network.hidden.value($0) })   // sigmoid is element-wise anyway
            } else {
                A.append(Zl.mapRows { network.output.activation($0) })
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

// MARK: correct engines

struct H17PrintingEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let (A, Z) = try h17Forward(steps, network, X)
        let L = network.layerCount
        print("net", network.sizeDescription, "X", X.shapeDescription, "Y", Y.shapeDescription)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            print("l =", l, "A[l - 1]", A[l - 1].shapeDescription, "delta", delta.shapeDescription)
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        let loss = h17MeanLoss(network, Z[L], A[L], Y)
        print("loss", loss)
        gradients = Gradients(loss: loss, layers: layers)
    }
}

struct H17RecursiveEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    /// Runs layer l forward, recurses to the top, and on the way back returns Δˡ and the gradients of l…L.
    private func pass(_ l: Int, _ input: Matrix<Double>, _ network: Network<Double>, _ Y: Matrix<Double>)
        throws -> (delta: Matrix<Double>, layers: [LayerParameters<Double>], loss: Double) {
        let L = network.layerCount
        let layer = network.layers[l - 1]
        let Zl = try steps.forward(input, layer.weights, layer.biases)
        if l == L {
            let AL = Zl.mapRows { network.output.activation($0) }
            let delta = try steps.outputError(AL, Y)
            let top = LayerParameters(weights: try steps.weightGradient(input, delta), biases: try steps.biasGradient(delta))
            return (delta, [top], h17MeanLoss(network, Zl, AL, Y))
        }
        let Al = Zl.map { network.hidden.value($0) }
        let above = try pass(l + 1, Al, network, Y)
        let delta = try steps.hiddenError(above.delta, network.layers[l].weights, Al, network.hidden)
        let mine = LayerParameters(weights: try steps.weightGradient(input, delta), biases: try steps.biasGradient(delta))
        return (delta, [mine] + above.layers, above.loss)
    }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let result = try pass(1, X, network, Y)
        gradients = Gradients(loss: result.loss, layers: result.layers)
    }
}

struct H17PrepareAssignEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        gradients.prepare(for: network)
        let (A, Z) = try h17Forward(steps, network, X)
        let L = network.layerCount
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            let gw = try steps.weightGradient(A[l - 1], delta)
            let gb = try steps.biasGradient(delta)
            for t in gw.elements.indices { gradients.layers[l - 1].weights.elements[t] = gw.elements[t] }
            for j in gb.indices { gradients.layers[l - 1].biases[j] = gb[j] }
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients.loss = h17MeanLoss(network, Z[L], A[L], Y)
    }
}

struct H17DictionaryPassEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    struct Pass {
        var activations: [Int: Matrix<Double>] = [:]
        var logits: [Int: Matrix<Double>] = [:]
        var deltas: [Int: Matrix<Double>] = [:]
    }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        var pass = Pass()
        pass.activations[0] = X
        for (index, layer) in network.layers.enumerated() {
            let l = index + 1
            let z = try steps.forward(pass.activations[l - 1]!, layer.weights, layer.biases)
            pass.logits[l] = z
            pass.activations[l] = l == L ? z.mapRows { network.output.activation($0) } : z.map { network.hidden.value($0) }
        }
        pass.deltas[L] = try steps.outputError(pass.activations[L]!, Y)
        for l in stride(from: L, to: 1, by: -1) {
            pass.deltas[l - 1] = try steps.hiddenError(pass.deltas[l]!, network.layers[l - 1].weights, pass.activations[l - 1]!, network.hidden)
        }
        let layers = try (1...L).map { l in
            LayerParameters(weights: try steps.weightGradient(pass.activations[l - 1]!, pass.deltas[l]!),
                            biases: try steps.biasGradient(pass.deltas[l]!))
        }
        gradients = Gradients(loss: h17MeanLoss(network, pass.logits[L]!, pass.activations[L]!, Y), layers: layers)
    }
}
