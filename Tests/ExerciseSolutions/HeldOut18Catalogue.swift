import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 18: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut18Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h18(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut18Submission {
    HeldOut18Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h18sub(
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

public enum HeldOut18Catalogue {
    public static let all: [HeldOut18Submission] = [
        // MARK: exercise 3, one example
        h18("h18-oe-cached-by-sizes", "one example", "keeps the first gradients in a cache keyed by the network sizes and returns them again for every later example of the same network", h18sub(oneExample: H18OneExample.cachedBySizes)),
        h18("h18-oe-softmax-by-hand", "one example", "writes softmax as exp(z) over the sum without subtracting the largest logit, so the output is NaN when the logits are in the hundreds", h18sub(oneExample: H18OneExample.softmaxByHand)),
        h18("h18-oe-layers-top-first", "one example", "appends each layer's gradients while walking backward and never reverses the array, so layers[0] holds the top layer", h18sub(oneExample: H18OneExample.layersTopFirst)),
        h18("h18-oe-relu-derivative-is-a", "one example", "computes the hidden derivative by hand and for ReLU returns the activation a itself instead of 1 where a is positive", h18sub(oneExample: H18OneExample.reluDerivativeIsA)),
        h18("h18-oe-sigmoid-loss-rounds-target", "one example", "writes the sigmoid cross-entropy by hand choosing softplus(-z) or softplus(z) by whether y is above one half, right only for 0/1 targets", h18sub(oneExample: H18OneExample.sigmoidLossRoundsTarget)),
        h18("h18-oe-hidden-sum-one-short", "one example", "the sum over k in the hidden error stops at h[l] - 1, leaving out the last unit of the layer above", h18sub(oneExample: H18OneExample.hiddenSumOneShort)),
        h18("h18-oe-derivative-from-z", "one example", "calls derivative(fromActivation:) with the kept logits z of the hidden layer instead of its activations", h18sub(oneExample: H18OneExample.derivativeFromZ)),
        h18("h18-oe-float-forward", "one example", "accumulates the forward sums in Float and converts back to Double, losing precision in every z", h18sub(oneExample: H18OneExample.floatForward)),
        h18("h18-oe-recursive-own-weights", "one example", "the recursive backward step builds the hidden error of layer l - 1 from that layer's own weights instead of the weights of the layer above", h18sub(oneExample: H18OneExample.recursiveOwnWeights)),
        h18("h18-oe-bias-after-delta-moved", "one example", "moves delta down a layer before storing the layer's parameters, so each layer's bias gradient is the delta of the layer below", h18sub(oneExample: H18OneExample.biasAfterDeltaMoved)),
        h18("h18-oe-loss-from-log-a", "one example", "computes the cross-entropy by hand from log of the activations, which is infinite or NaN where an output rounds to 0 or 1 at logits in the hundreds", h18sub(oneExample: H18OneExample.lossFromLogA)),
        // MARK: exercise 4, forward
        h18("h18-fw-skips-first-input", "forward", "the sum over k starts at 1, so the first input column never contributes to Z", h18sub(forward: H18Forward.skipsFirstInput)),
        h18("h18-fw-transpose-helper-stride", "forward", "a hand-written transpose helper uses the source's column count as the row stride of the result, right only for square weights", h18sub(forward: H18Forward.transposeHelperStride)),
        h18("h18-fw-bias-first-row-only", "forward", "adds the bias row only to the first row of A W, right only when m == 1", h18sub(forward: H18Forward.biasFirstRowOnly)),
        h18("h18-fw-bias-added-twice", "forward", "starts the sum at b[j] and then adds b[j] again when storing, a copy-paste of the bias line", h18sub(forward: H18Forward.biasAddedTwice)),
        h18("h18-fw-flat-walk-row-stride", "forward", "walks W's flat elements with k * W.rows + j instead of k * W.columns + j, right only for square weights", h18sub(forward: H18Forward.flatWalkRowStride)),
        h18("h18-fw-zip-row-of-w", "forward", "zips row i of A with row j of W instead of column j, and zip silently truncates to the shorter one", h18sub(forward: H18Forward.zipRowOfW)),
        h18("h18-fw-cached-transpose", "forward", "caches the transposed weights keyed only by their shape, so a second layer of the same shape reuses the first layer's weights", h18sub(forward: H18Forward.cachedTranspose)),
        h18("h18-fw-column-major-pointer", "forward", "reads A through an unsafe pointer as if it were stored column by column, right only when m == 1", h18sub(forward: H18Forward.columnMajorPointer)),
        h18("h18-fw-clamped-logits", "forward", "clamps every z into -50...50 to avoid overflow, which changes the logits when they are in the hundreds", h18sub(forward: H18Forward.clampedLogits)),
        // MARK: exercise 4, output error
        h18("h18-oerr-y-minus-a", "output error", "returns Y - A, the output error with the wrong sign", h18sub(outputError: H18OutputError.yMinusA)),
        h18("h18-oerr-extra-sigmoid-prime", "output error", "multiplies A - Y by A(1 - A) as for squared error, though every output here is paired with cross-entropy", h18sub(outputError: H18OutputError.extraSigmoidPrime)),
        h18("h18-oerr-float", "output error", "does the subtraction in Float and converts the result back to Double", h18sub(outputError: H18OutputError.float)),
        h18("h18-oerr-argmax-one-hot", "output error", "rebuilds each target row as the one-hot of its argmax before subtracting, wrong for multi-label or soft targets", h18sub(outputError: H18OutputError.argmaxOneHot)),
        h18("h18-oerr-first-target-row", "output error", "subtracts the first target row from every row of A, right only when m == 1", h18sub(outputError: H18OutputError.firstTargetRow)),
        h18("h18-oerr-last-column-skipped", "output error", "the column loop stops at A.columns - 1, leaving the last output's error at zero", h18sub(outputError: H18OutputError.lastColumnSkipped)),
        h18("h18-oerr-divided-by-m", "output error", "divides A - Y by m already, so the mean is taken twice once the gradients divide by m", h18sub(outputError: H18OutputError.dividedByM)),
        h18("h18-oerr-rounded-targets", "output error", "rounds each target to 0 or 1 before subtracting, wrong only for soft targets", h18sub(outputError: H18OutputError.roundedTargets)),
        // MARK: exercise 5, hidden error
        h18("h18-he-tanh-twice", "hidden error", "for tanh computes 1 - tanh(a) squared, applying tanh again to the activation; the other activations use the library", h18sub(hiddenError: H18HiddenError.tanhTwice)),
        h18("h18-he-relu-at-zero", "hidden error", "for ReLU writes a >= 0 ? 1 : 0, so every unit whose activation is exactly 0 passes its error through", h18sub(hiddenError: H18HiddenError.reluAtZero)),
        h18("h18-he-always-sigmoid", "hidden error", "ignores the hidden parameter and always uses a(1 - a), the sigmoid derivative, wrong for tanh and ReLU", h18sub(hiddenError: H18HiddenError.alwaysSigmoid)),
        h18("h18-he-no-derivative", "hidden error", "leaves out the factor sigma prime and returns Delta W transposed alone", h18sub(hiddenError: H18HiddenError.noDerivative)),
        h18("h18-he-reshape-not-transpose", "hidden error", "a transpose helper only reshapes W's elements into [columns, rows] instead of transposing them", h18sub(hiddenError: H18HiddenError.reshapeNotTranspose)),
        h18("h18-he-sum-over-rows", "hidden error", "the sum over k runs to W.rows instead of W.columns, right only for square weights", h18sub(hiddenError: H18HiddenError.sumOverRows)),
        h18("h18-he-first-row-derivative", "hidden error", "computes sigma prime from the first row of A and uses it for every example, right only when m == 1", h18sub(hiddenError: H18HiddenError.firstRowDerivative)),
        h18("h18-he-zip-column", "hidden error", "zips row i of Delta with column j of W instead of row j, and zip truncates to the shorter one", h18sub(hiddenError: H18HiddenError.zipColumn)),
        h18("h18-he-adds-derivative", "hidden error", "adds sigma prime to the back-propagated sum instead of multiplying by it", h18sub(hiddenError: H18HiddenError.addsDerivative)),
        // MARK: exercise 6, weight gradient
        h18("h18-wg-scales-delta-in-place", "weight gradient", "divides the caller's Delta by m in place through an unsafe pointer, so the bias gradient and hidden error that follow see a scaled Delta", h18sub(weightGradient: H18WeightGradient.scalesDeltaInPlace)),
        h18("h18-wg-no-mean", "weight gradient", "returns the sum over the batch without dividing by m", h18sub(weightGradient: H18WeightGradient.noMean)),
        h18("h18-wg-divides-by-columns", "weight gradient", "divides by A.columns where m = A.rows belongs, a copy-paste of the wrong dimension", h18sub(weightGradient: H18WeightGradient.dividesByColumns)),
        h18("h18-wg-transposed-shape", "weight gradient", "builds the gradient as Delta transposed times A, shape [h_l, h_l-1], the transpose of the right one", h18sub(weightGradient: H18WeightGradient.transposedShape)),
        h18("h18-wg-outer-helper-bug", "weight gradient", "an outer-product helper multiplies u[i] by v[i], clamped to v's last index, instead of by v[j]", h18sub(weightGradient: H18WeightGradient.outerHelperBug)),
        h18("h18-wg-last-example-dropped", "weight gradient", "the loop over examples runs to m - 1 and leaves out the last example while still dividing by m", h18sub(weightGradient: H18WeightGradient.lastExampleDropped)),
        h18("h18-wg-float-sum", "weight gradient", "accumulates the sum over examples in a Float", h18sub(weightGradient: H18WeightGradient.floatSum)),
        h18("h18-wg-matmul-inner-bound", "weight gradient", "an own matmul helper runs its inner loop to a.rows instead of a.columns, right only when m equals the layer's input width", h18sub(weightGradient: H18WeightGradient.matmulInnerBound)),
        h18("h18-wg-outer-of-means", "weight gradient", "takes the outer product of the mean input row and the mean delta row, which equals the mean of the outer products only when m == 1", h18sub(weightGradient: H18WeightGradient.outerOfMeans)),
        // MARK: exercise 6, bias gradient
        h18("h18-bg-integer-division", "bias gradient", "scales by Double(1 / D.rows), an integer division that is 0 whenever m > 1", h18sub(biasGradient: H18BiasGradient.integerDivision)),
        h18("h18-bg-row-sums", "bias gradient", "sums each row across the units instead of each column across the examples", h18sub(biasGradient: H18BiasGradient.rowSums)),
        h18("h18-bg-no-mean", "bias gradient", "returns the column sums without dividing by m", h18sub(biasGradient: H18BiasGradient.noMean)),
        h18("h18-bg-first-row", "bias gradient", "returns the first row of Delta, right only when m == 1", h18sub(biasGradient: H18BiasGradient.firstRow)),
        h18("h18-bg-reduce-starts-at-one", "bias gradient", "each column's reduce starts from 1 instead of 0", h18sub(biasGradient: H18BiasGradient.reduceStartsAtOne)),
        h18("h18-bg-divides-by-columns", "bias gradient", "divides the column sums by D.columns instead of D.rows", h18sub(biasGradient: H18BiasGradient.dividesByColumns)),
        h18("h18-bg-flat-walk-mod-rows", "bias gradient", "a flat walk over the elements files element k under column k % D.rows instead of k % D.columns", h18sub(biasGradient: H18BiasGradient.flatWalkModRows)),
        h18("h18-bg-running-mean", "bias gradient", "keeps a running sum and count across calls, so every call after the first mixes in earlier batches", h18sub(biasGradient: H18BiasGradient.runningMean)),
        // MARK: exercise 7, batch engine
        h18("h18-en-layers-top-first", "batch engine", "appends each layer's gradients during the backward loop and never reverses them", h18sub(engine: { AnyBackpropEngine(H18LayersTopFirstEngine(steps: $0)) })),
        h18("h18-en-exit-after-print", "batch engine", "left a debugging print followed by exit(0) at the end of computeGradients", h18sub(engine: { AnyBackpropEngine(H18ExitEngine(steps: $0)) })),
        h18("h18-en-loss-not-mean", "batch engine", "sums the per-example losses without multiplying by 1/m", h18sub(engine: { AnyBackpropEngine(H18LossSumEngine(steps: $0)) })),
        h18("h18-en-loss-first-target", "batch engine", "the loss loop pairs every example with the target of row 0, right only when m == 1", h18sub(engine: { AnyBackpropEngine(H18FirstTargetLossEngine(steps: $0)) })),
        h18("h18-en-hidden-at-output", "batch engine", "applies the hidden activation to every layer, the output layer included", h18sub(engine: { AnyBackpropEngine(H18HiddenAtOutputEngine(steps: $0)) })),
        h18("h18-en-weights-below", "batch engine", "passes network.layers[l - 2].weights, the layer below, to hiddenError instead of layer l's own weights", h18sub(engine: { AnyBackpropEngine(H18WeightsBelowEngine(steps: $0)) })),
        h18("h18-en-hidden-error-own-a", "batch engine", "passes A[l] instead of A[l - 1] as the activations to hiddenError", h18sub(engine: { AnyBackpropEngine(H18OwnActivationsEngine(steps: $0)) })),
        h18("h18-en-stale-activation-cache", "batch engine", "keeps the activations of each layer in a cache keyed by layer and reuses them whenever the width matches, so later calls use old activations", h18sub(engine: { AnyBackpropEngine(H18StaleCacheEngine(steps: $0)) })),
        h18("h18-en-delta-moved-first", "batch engine", "restructured to move delta down first, it then takes each hidden layer's weight gradient from A[l - 1], the new delta's own layer, instead of its input A[l - 2]", h18sub(engine: { AnyBackpropEngine(H18DeltaFirstEngine(steps: $0)) })),
        h18("h18-en-m-from-columns", "batch engine", "takes m as X.columns for the mean loss instead of X.rows", h18sub(engine: { AnyBackpropEngine(H18MFromColumnsEngine(steps: $0)) })),
        h18("h18-en-struct-pass-own-activation", "batch engine", "a struct holding the pass hands the weight gradient the layer's own activations A[l] instead of its input A[l - 1]", h18sub(engine: { AnyBackpropEngine(H18StructPassWrongEngine(steps: $0)) })),
        // MARK: correct, written unusually
        h18("h18-pass-oe-print-left-in", "pass", "correct, with a debugging print of each layer's z left in", h18sub(oneExample: H18OneExample.printLeftIn)),
        h18("h18-pass-oe-recursive", "pass", "correct, the forward and backward passes written as one recursive function", h18sub(oneExample: H18OneExample.recursive)),
        h18("h18-pass-oe-column-matrices", "pass", "correct, with a and delta kept as [h, 1] matrices and products through transposed", h18sub(oneExample: H18OneExample.columnMatrices)),
        h18("h18-pass-oe-stable-softmax", "pass", "correct, with its own max-shifted softmax and the library's loss", h18sub(oneExample: H18OneExample.stableSoftmax)),
        h18("h18-pass-fw-zip-reduce", "pass", "correct, each z as the bias plus a zip and reduce of A's row with W transposed's row", h18sub(forward: H18Forward.zipReduce)),
        h18("h18-pass-fw-unsafe-buffers", "pass", "correct, written over unsafe buffer pointers into a fresh array", h18sub(forward: H18Forward.unsafeBuffers)),
        h18("h18-pass-oerr-zip-elements", "pass", "correct, a zip over the flat elements", h18sub(outputError: H18OutputError.zipElements)),
        h18("h18-pass-he-while-dot", "pass", "correct, while loops and an own dot-product helper", h18sub(hiddenError: H18HiddenError.whileDot)),
        h18("h18-pass-wg-outer-sum", "pass", "correct, a sum of outer products of the rows scaled by 1/m at the end", h18sub(weightGradient: H18WeightGradient.outerSum)),
        h18("h18-pass-bg-transposed-reduce", "pass", "correct, each bias gradient a reduce over a row of Delta transposed", h18sub(biasGradient: H18BiasGradient.transposedReduce)),
        h18("h18-pass-en-recursive", "pass", "correct, the engine as a recursion that goes forward on the way down and backward on the way up", h18sub(engine: { AnyBackpropEngine(H18RecursiveEngine(steps: $0)) })),
        h18("h18-pass-en-dictionaries", "pass", "correct, activations, logits and gradients kept in dictionaries keyed by layer", h18sub(engine: { AnyBackpropEngine(H18DictionaryEngine(steps: $0)) })),
        h18("h18-pass-en-struct-pass", "pass", "correct, a struct holding the forward pass and gradients built top first then reversed", h18sub(engine: { AnyBackpropEngine(H18StructPassEngine(steps: $0)) })),
    ]
    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - shared state

final class H18GradientCache: @unchecked Sendable {
    private let lock = NSLock()
    private var store: [[Int]: Gradients<Double>] = [:]
    func get(_ key: [Int]) -> Gradients<Double>? {
        lock.lock(); defer { lock.unlock() }
        return store[key]
    }
    func put(_ key: [Int], _ value: Gradients<Double>) {
        lock.lock(); defer { lock.unlock() }
        store[key] = value
    }
}

final class H18MatrixCache: @unchecked Sendable {
    private let lock = NSLock()
    private var store: [[Int]: Matrix<Double>] = [:]
    func get(_ key: [Int]) -> Matrix<Double>? {
        lock.lock(); defer { lock.unlock() }
        return store[key]
    }
    func put(_ key: [Int], _ value: Matrix<Double>) {
        lock.lock(); defer { lock.unlock() }
        store[key] = value
    }
}

final class H18RunningSums: @unchecked Sendable {
    private let lock = NSLock()
    private var sums: [Int: [Double]] = [:]
    private var counts: [Int: Int] = [:]
    /// Adds the batch's column sums to the running totals and returns the running mean.
    func add(_ columnSums: [Double], rows: Int) -> [Double] {
        lock.lock(); defer { lock.unlock() }
        let key = columnSums.count
        var total = sums[key] ?? [Double](repeating: 0, count: key)
        for j in 0..<key { total[j] += columnSums[j] }
        let count = (counts[key] ?? 0) + rows
        sums[key] = total
        counts[key] = count
        return total.map { $0 / Double(count) }
    }
}

// MARK: - exercise 3

enum H18OneExample {
    static let cache = H18GradientCache()

    /// A plain version, used by the cached one.
    static func plain(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights
            var z = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] } }
            if l == L { zL = z; a.append(network.output.activation(z)) } else { a.append(z.map { network.hidden.value($0) }) }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
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

    static func cachedBySizes(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        if let done = cache.get(network.sizes) { return done }
        let g = try plain(network, x, y)
        cache.put(network.sizes, g)
        return g
    }

    static func printLeftIn(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zs: [[Double]] = [[]]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s += W[k, j] * a[l - 1][k] }
                z[j] = s
            }
            print("z", l, z)
            zs.append(z)
            a.append(l == L ? network.output.activation(z) : z.map { network.hidden.value($0) })
        }
        let loss = network.output.loss(logits: zs[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var result = [LayerParameters<Double>]()
        for l in (1...L).reversed() {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            result.append(LayerParameters(weights: gw, biases: delta))
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            delta = (0..<h[l - 1]).map { j in
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                return s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: Array(result.reversed()))
    }

    static func softmaxByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l < L {
                a.append(z.map { network.hidden.value($0) })
            } else {
                zL = z
                if network.output.activation == .softmax {
                    let e = z.map { exp($0) }
                    let total = e.reduce(0, +)
                    a.append(e.map { $0 / total })
                } else {
                    a.append(network.output.activation(z))
                }
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var next = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s += W[j, k] * delta[k] }
                next[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = next
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func layersTopFirst(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var acts = [x], logits = [[Double]]()
        for l in 1...L {
            let layer = network.layers[l - 1]
            var z = layer.biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { z[j] += layer.weights[k, j] * acts[l - 1][k] } }
            logits.append(z)
            acts.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: logits[L - 1], activation: acts[L], target: y)
        var delta = zip(acts[L], y).map { $0 - $1 }
        var out: [LayerParameters<Double>] = []
        for l in stride(from: L, to: 0, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = acts[l - 1][k] * delta[j] } }
            out.append(LayerParameters(weights: gw, biases: delta))
            if l > 1 {
                let W = network.layers[l - 1].weights
                let above = delta
                delta = (0..<h[l - 1]).map { j in
                    let back: Double = (0..<h[l]).reduce(0.0) { $0 + W[j, $1] * above[$1] }
                    return back * network.hidden.derivative(fromActivation: acts[l - 1][j])
                }
            }
        }
        return Gradients(loss: loss, layers: out)
    }

    static func reluDerivativeIsA(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        func sigmaPrime(_ a: Double) -> Double {
            switch network.hidden {
            case .relu: return a > 0 ? a : 0
            default: return network.hidden.derivative(fromActivation: a)
            }
        }
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
                return sum * sigmaPrime(a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func sigmoidLossRoundsTarget(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        func softplus(_ t: Double) -> Double { max(t, 0) + log1p(exp(-abs(t))) }
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
        var loss = 0.0
        if network.output.activation == .sigmoid {
            // -log a for a positive label, -log(1 - a) for a negative one, from the logits so it stays finite
            for j in 0..<h[L] { loss += y[j] > 0.5 ? softplus(-z[L][j]) : softplus(z[L][j]) }
        } else {
            loss = network.output.loss(logits: z[L], activation: a[L], target: y)
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

    static func hiddenSumOneShort(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = b
            for j in 0..<h[l] { for k in 0..<h[l - 1] { zl[j] += W[k, j] * a[l - 1][k] } }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var l = L
        while l >= 1 {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var s = 0.0
                    for k in 0..<h[l] - 1 { s += W[j, k] * delta[k] }
                    below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = below
            }
            l -= 1
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func derivativeFromZ(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
                return sum * network.hidden.derivative(fromActivation: z[l - 1][j])
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

    static func recursiveOwnWeights(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var loss = 0.0
        // returns the gradients of layers l...L and δˡ
        func step(_ l: Int, _ input: [Double]) -> ([LayerParameters<Double>], [Double]) {
            let W = network.layers[l - 1].weights
            var z = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { z[j] += W[k, j] * input[k] } }
            let delta: [Double]
            var above: [LayerParameters<Double>] = []
            if l == L {
                let out = network.output.activation(z)
                loss = network.output.loss(logits: z, activation: out, target: y)
                delta = zip(out, y).map { $0 - $1 }
            } else {
                let act = z.map { network.hidden.value($0) }
                let (rest, deltaAbove) = step(l + 1, act)
                above = rest
                let Wmine = network.layers[l - 1].weights
                delta = (0..<h[l]).map { j in
                    var s = 0.0
                    for k in 0..<h[l + 1] { s += Wmine[j, k] * deltaAbove[k] }
                    return s * network.hidden.derivative(fromActivation: act[j])
                }
            }
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = input[k] * delta[j] } }
            return ([LayerParameters(weights: gw, biases: delta)] + above, delta)
        }
        let (layers, _) = step(1, x)
        return Gradients(loss: loss, layers: layers)
    }

    static func recursive(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var loss = 0.0
        func step(_ l: Int, _ input: [Double]) -> ([LayerParameters<Double>], [Double]) {
            let W = network.layers[l - 1].weights
            var z = network.layers[l - 1].biases
            for j in 0..<h[l] { for k in 0..<h[l - 1] { z[j] += W[k, j] * input[k] } }
            let delta: [Double]
            var above: [LayerParameters<Double>] = []
            if l == L {
                let out = network.output.activation(z)
                loss = network.output.loss(logits: z, activation: out, target: y)
                delta = zip(out, y).map { $0 - $1 }
            } else {
                let act = z.map { network.hidden.value($0) }
                let (rest, deltaAbove) = step(l + 1, act)
                above = rest
                let Wabove = network.layers[l].weights
                delta = (0..<h[l]).map { j in
                    var s = 0.0
                    for k in 0..<h[l + 1] { s += Wabove[j, k] * deltaAbove[k] }
                    return s * network.hidden.derivative(fromActivation: act[j])
                }
            }
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = input[k] * delta[j] } }
            return ([LayerParameters(weights: gw, biases: delta)] + above, delta)
        }
        let (layers, _) = step(1, x)
        return Gradients(loss: loss, layers: layers)
    }

    static func biasAfterDeltaMoved(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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

    static func lossFromLogA(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        var loss = 0.0
        if network.output.activation == .softmax {
            for j in 0..<h[L] { loss -= y[j] * log(a[L][j]) }
        } else {
            for j in 0..<h[L] { loss -= y[j] * log(a[L][j]) + (1 - y[j]) * log(1 - a[L][j]) }
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

    static func columnMatrices(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a = [Matrix<Double>(rows: x.count, columns: 1, elements: x)]
        var zTop = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            let Wt = W.transposed   // [h_l, h_{l-1}]
            var z = Matrix<Double>(rows: W.columns, columns: 1)
            for j in 0..<Wt.rows {
                var s = b[j]
                for k in 0..<Wt.columns { s += Wt[j, k] * a[l - 1][k, 0] }
                z[j, 0] = s
            }
            if l == L {
                zTop = z.elements
                a.append(Matrix(rows: z.rows, columns: 1, elements: network.output.activation(z.elements)))
            } else {
                a.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: zTop, activation: a[L].elements, target: y)
        var delta = Matrix<Double>(rows: y.count, columns: 1, elements: zip(a[L].elements, y).map { $0 - $1 })
        var layers = [LayerParameters<Double>]()
        for l in (1...L).reversed() {
            let dT = delta.transposed   // [1, h_l]
            var gw = Matrix<Double>(rows: a[l - 1].rows, columns: dT.columns)
            for k in 0..<gw.rows { for j in 0..<gw.columns { gw[k, j] = a[l - 1][k, 0] * dT[0, j] } }
            layers.insert(LayerParameters(weights: gw, biases: delta.elements), at: 0)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var next = Matrix<Double>(rows: W.rows, columns: 1)
                for j in 0..<W.rows {
                    var s = 0.0
                    for k in 0..<W.columns { s += W[j, k] * delta[k, 0] }
                    next[j, 0] = s * network.hidden.derivative(fromActivation: a[l - 1][j, 0])
                }
                delta = next
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func stableSoftmax(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        func softmax(_ z: [Double]) -> [Double] {
            let top = z.max() ?? 0
            let e = z.map { exp($0 - top) }
            let total = e.reduce(0, +)
            return e.map { $0 / total }
        }
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
                a.append(network.output.activation == .softmax ? softmax(zl) : network.output.activation(zl))
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
}

// MARK: - exercise 4, forward

enum H18Forward {
    static let transposeCache = H18MatrixCache()

    static func skipsFirstInput(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    /// Mine: the transpose of a matrix.
    static func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
        var T = Matrix<Double>(rows: M.columns, columns: M.rows)
        for i in 0..<M.rows {
            for j in 0..<M.columns { T.elements[j * M.columns + i] = M[i, j] }
        }
        return T
    }

    static func transposeHelperStride(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let Wt = transpose(W)   // [h_l, h_{l-1}], so row j of Wt is the weights into unit j
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

    static func biasFirstRowOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        // broadcast the bias row
        for j in 0..<b.count { Z[0, j] += b[j] }
        return Z
    }

    static func biasAddedTwice(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
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

    static func flatWalkRowStride(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, p = W.columns
        var out = [Double](repeating: 0, count: m * p)
        var idx = 0
        while idx < m * p {
            let i = idx / p, j = idx % p
            var s = b[j]
            for k in 0..<n { s += A.elements[i * n + k] * W.elements[k * W.rows + j] }
            out[idx] = s
            idx += 1
        }
        return Matrix(rows: m, columns: p, elements: out)
    }

    static func zipRowOfW(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            let a = A.row(i)
            for j in 0..<W.columns {
                Z[i, j] = zip(a, W.row(j)).reduce(b[j]) { $0 + $1.0 * $1.1 }
            }
        }
        return Z
    }

    static func cachedTranspose(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = [W.rows, W.columns]
        let Wt: Matrix<Double>
        if let kept = transposeCache.get(key) {
            Wt = kept
        } else {
            Wt = W.transposed
            transposeCache.put(key, Wt)
        }
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

    static func columnMajorPointer(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, p = W.columns
        var out = [Double](repeating: 0, count: m * p)
        A.elements.withUnsafeBufferPointer { ap in
            W.elements.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { zp in
                    for i in 0..<m {
                        for j in 0..<p {
                            var s = b[j]
                            for k in 0..<n { s += ap[k * m + i] * wp[k * p + j] }
                            zp[i * p + j] = s
                        }
                    }
                }
            }
        }
        return Matrix(rows: m, columns: p, elements: out)
    }

    static func clamp(_ v: Double, _ lo: Double, _ hi: Double) -> Double { min(max(v, lo), hi) }

    static func clampedLogits(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = clamp(sum, -50, 50)   // exp overflows otherwise
            }
        }
        return Z
    }

    static func zipReduce(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let columnsOfW = W.transposed
        var rows: [[Double]] = []
        for i in 0..<A.rows {
            let a = A.row(i)
            rows.append((0..<W.columns).map { j in zip(a, columnsOfW.row(j)).reduce(b[j]) { $0 + $1.0 * $1.1 } })
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows.flatMap { $0 })
    }

    static func unsafeBuffers(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows, n = A.columns, p = W.columns
        var out = [Double](repeating: 0, count: m * p)
        A.elements.withUnsafeBufferPointer { ap in
            W.elements.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { zp in
                    for i in 0..<m {
                        for j in 0..<p {
                            var s = b[j]
                            for k in 0..<n { s += ap[i * n + k] * wp[k * p + j] }
                            zp[i * p + j] = s
                        }
                    }
                }
            }
        }
        return Matrix(rows: m, columns: p, elements: out)
    }
}

// MARK: - exercise 4, output error

enum H18OutputError {
    static func yMinusA(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = Y[i, j] - A[i, j] } }
        return delta
    }

    static func extraSigmoidPrime(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = A[i, j]
                delta[i, j] = (a - Y[i, j]) * a * (1 - a)
            }
        }
        return delta
    }

    static func float(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let diff: [Float] = (0..<A.elements.count).map { Float(A.elements[$0]) - Float(Y.elements[$0]) }
        return Matrix(rows: A.rows, columns: A.columns, elements: diff.map { Double($0) })
    }

    static func argmax(_ v: [Double]) -> Int {
        var best = 0
        for j in 1..<v.count where v[j] > v[best] { best = j }
        return best
    }

    static func argmaxOneHot(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            let label = argmax(Y.row(i))
            for j in 0..<A.columns { delta[i, j] = A[i, j] - (j == label ? 1 : 0) }
        }
        return delta
    }

    static func firstTargetRow(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let y = Y.row(0)
        return A.mapRows { row in zip(row, y).map { $0 - $1 } }
    }

    static func lastColumnSkipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns - 1 { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func dividedByM(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / m } }
        return delta
    }

    static func roundedTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j].rounded() } }
        return delta
    }

    static func zipElements(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }
}

// MARK: - exercise 5, hidden error

enum H18HiddenError {
    static func tanhTwice(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                          _ hidden: Activation) throws -> Matrix<Double> {
        func sigmaPrime(_ a: Double) -> Double {
            if hidden == .tanh {
                let t = tanh(a)
                return 1 - t * t
            }
            return hidden.derivative(fromActivation: a)
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

    static func reluAtZero(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                           _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let a = A[i, j]
                let d: Double
                switch hidden {
                case .relu: d = a >= 0 ? 1 : 0
                default: d = hidden.derivative(fromActivation: a)
                }
                delta[i, j] = sum * d
            }
        }
        return delta
    }

    static func alwaysSigmoid(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func noDerivative(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
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

    /// Mine: the transpose.
    static func myTranspose(_ M: Matrix<Double>) -> Matrix<Double> {
        Matrix(rows: M.columns, columns: M.rows, elements: M.elements)
    }

    static func myMatmul(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
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

    static func reshapeNotTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                    _ hidden: Activation) throws -> Matrix<Double> {
        let back = myMatmul(D, myTranspose(W))   // [m, h_l]
        var delta = back
        for i in 0..<back.rows {
            for j in 0..<back.columns { delta[i, j] = back[i, j] * hidden.derivative(fromActivation: A[i, j]) }
        }
        return delta
    }

    static func sumOverRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func firstRowDerivative(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        let sigmaPrime = A.row(0).map { hidden.derivative(fromActivation: $0) }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * sigmaPrime[j]
            }
        }
        return delta
    }

    static func zipColumn(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                          _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = W.transposed
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            let d = D.row(i)
            for j in 0..<W.rows {
                let back = zip(d, Wt.row(j)).reduce(0.0) { $0 + $1.0 * $1.1 }
                delta[i, j] = back * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func addsDerivative(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    static func dot(_ u: [Double], _ v: [Double]) -> Double {
        var s = 0.0, k = 0
        while k < u.count {
            s += u[k] * v[k]
            k += 1
        }
        return s
    }

    static func whileDot(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                         _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        var i = 0
        while i < D.rows {
            let d = D.row(i)
            var j = 0
            while j < W.rows {
                delta[i, j] = dot(d, W.row(j)) * hidden.derivative(fromActivation: A[i, j])
                j += 1
            }
            i += 1
        }
        return delta
    }
}

// MARK: - exercise 6, weight gradient

enum H18WeightGradient {
    static func scalesDeltaInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        // take the 1/m out first, straight in Δ's storage, to save a copy
        D.elements.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            let q = UnsafeMutablePointer(mutating: base)
            for e in 0..<p.count { q[e] /= Double(m) }
        }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        D.elements.withUnsafeBufferPointer { dp in
            for k in 0..<A.columns {
                for j in 0..<D.columns {
                    var sum = 0.0
                    for i in 0..<m { sum += A[i, k] * dp[i * D.columns + j] }
                    G[k, j] = sum
                }
            }
        }
        return G
    }

    static func noMean(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func dividesByColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func transposedShape(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var G = Matrix<Double>(rows: D.columns, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<D.columns {
                for k in 0..<A.columns { G[j, k] += D[i, j] * A[i, k] / m }
            }
        }
        return G
    }

    /// Mine: u vᵀ.
    static func outer(_ u: [Double], _ v: [Double]) -> Matrix<Double> {
        var M = Matrix<Double>(rows: u.count, columns: v.count)
        for i in 0..<u.count { for j in 0..<v.count { M[i, j] = u[i] * v[min(i, v.count - 1)] } }
        return M
    }

    static func outerHelperBug(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            let o = outer(A.row(i), D.row(i))
            for e in 0..<G.elements.count { G.elements[e] += o.elements[e] }
        }
        return G.map { $0 / Double(A.rows) }
    }

    static func lastExampleDropped(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                var i = 0
                while i < m - 1 {
                    sum += A[i, k] * D[i, j]
                    i += 1
                }
                G[k, j] = sum / Double(m)
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

    /// Mine: a b.
    static func matmul(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
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

    static func matmulInnerBound(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        return matmul(A.transposed, D).map { $0 / m }
    }

    static func outerOfMeans(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = Double(A.rows)
        var meanA = [Double](repeating: 0, count: A.columns)
        var meanD = [Double](repeating: 0, count: D.columns)
        for i in 0..<A.rows {
            for k in 0..<A.columns { meanA[k] += A[i, k] / m }
            for j in 0..<D.columns { meanD[j] += D[i, j] / m }
        }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns { for j in 0..<D.columns { G[k, j] = meanA[k] * meanD[j] } }
        return G
    }

    static func outerSum(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for (a, d) in zip(A.rowArrays, D.rowArrays) {
            for k in a.indices { for j in d.indices { G[k, j] += a[k] * d[j] } }
        }
        let scale = 1.0 / Double(A.rows)
        return G.map { $0 * scale }
    }
}

// MARK: - exercise 6, bias gradient

enum H18BiasGradient {
    static let running = H18RunningSums()

    static func integerDivision(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        let scale = Double(1 / D.rows)
        return sums.map { $0 * scale }
    }

    static func rowSums(_ D: Matrix<Double>) throws -> [Double] {
        let m = Double(D.rows)
        return D.rowArrays.map { $0.reduce(0, +) / m }
    }

    static func noMean(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums
    }

    static func firstRow(_ D: Matrix<Double>) throws -> [Double] {
        D.row(0)
    }

    static func reduceStartsAtOne(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(1.0) { $0 + D[$1, j] } / Double(D.rows) }
    }

    static func dividesByColumns(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.columns) }
    }

    static func flatWalkModRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for (k, value) in D.elements.enumerated() { sums[k % D.rows % D.columns] += value }
        return sums.map { $0 / Double(D.rows) }
    }

    static func runningMean(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return running.add(sums, rows: D.rows)
    }

    static func transposedReduce(_ D: Matrix<Double>) throws -> [Double] {
        let Dt = D.transposed
        return (0..<Dt.rows).map { Dt.row($0).reduce(0, +) / Double(D.rows) }
    }
}

// MARK: - exercise 7, engines

struct H18LayersTopFirstEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var grads: [LayerParameters<Double>] = []
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            grads.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta), biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss / Double(m), layers: grads)
    }
}

struct H18ExitEngine: BackpropEngine {
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
        print("mean loss", gradients.loss)
        exit(0)
    }
}

struct H18LossSumEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        var acts = [X], top = X
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(acts[l - 1], layer.weights, layer.biases)
            if l == L { top = Zl }
            acts.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        let loss = (0..<X.rows).reduce(0.0) { sum, i in
            sum + network.output.loss(logits: top.row(i), activation: acts[L].row(i), target: Y.row(i))
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

struct H18FirstTargetLossEngine: BackpropEngine {
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
        for i in 0..<m { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(0)) }
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

struct H18HiddenAtOutputEngine: BackpropEngine {
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

struct H18WeightsBelowEngine: BackpropEngine {
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

struct H18OwnActivationsEngine: BackpropEngine {
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

final class H18ActivationStore: @unchecked Sendable {
    private let lock = NSLock()
    private var byLayer: [Int: Matrix<Double>] = [:]
    func get(_ l: Int) -> Matrix<Double>? {
        lock.lock(); defer { lock.unlock() }
        return byLayer[l]
    }
    func put(_ l: Int, _ value: Matrix<Double>) {
        lock.lock(); defer { lock.unlock() }
        byLayer[l] = value
    }
}

struct H18StaleCacheEngine: BackpropEngine {
    static let store = H18ActivationStore()
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
            if l < L, let kept = Self.store.get(l), kept.columns == network.sizes[l] {
                A.append(kept)   // already computed this layer
            } else {
                let Al = l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) }
                Self.store.put(l, Al)
                A.append(Al)
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

struct H18DeltaFirstEngine: BackpropEngine {
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
        layers[L - 1] = LayerParameters(weights: try steps.weightGradient(A[L - 1], delta), biases: try steps.biasGradient(delta))
        for l in stride(from: L, to: 1, by: -1) {
            delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
            layers[l - 2] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }
}

struct H18MFromColumnsEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.columns
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

/// The forward pass, kept together.
struct H18Pass {
    var Z: [Matrix<Double>] = []
    var A: [Matrix<Double>] = []
    init(network: Network<Double>, X: Matrix<Double>, steps: MatrixFormSteps) throws {
        A = [X]
        Z = [Matrix<Double>(rows: 0, columns: 0)]
        let L = network.layerCount
        for l in 1...L {
            let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
    }
    func meanLoss(_ network: Network<Double>, _ Y: Matrix<Double>) -> Double {
        let L = network.layerCount
        var total = 0.0
        for i in 0..<Y.rows { total += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        return total / Double(Y.rows)
    }
}

struct H18StructPassWrongEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let pass = try H18Pass(network: network, X: X, steps: steps)
        let L = network.layerCount
        var topFirst: [LayerParameters<Double>] = []
        var delta = try steps.outputError(pass.A[L], Y)
        var l = L
        while l >= 1 {
            topFirst.append(LayerParameters(weights: try steps.weightGradient(pass.A[l], delta),
                                            biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, pass.A[l - 1], network.hidden) }
            l -= 1
        }
        gradients = Gradients(loss: pass.meanLoss(network, Y), layers: Array(topFirst.reversed()))
    }
}

struct H18StructPassEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let pass = try H18Pass(network: network, X: X, steps: steps)
        let L = network.layerCount
        var topFirst: [LayerParameters<Double>] = []
        var delta = try steps.outputError(pass.A[L], Y)
        var l = L
        while l >= 1 {
            topFirst.append(LayerParameters(weights: try steps.weightGradient(pass.A[l - 1], delta),
                                            biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, pass.A[l - 1], network.hidden) }
            l -= 1
        }
        gradients = Gradients(loss: pass.meanLoss(network, Y), layers: Array(topFirst.reversed()))
    }
}

struct H18RecursiveEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        var loss = 0.0
        let (layers, _) = try go(network, 1, X, Y, &loss)
        gradients = Gradients(loss: loss / Double(X.rows), layers: layers)
    }

    /// Forward through layer l on the way down, backward on the way up: layer l…L's gradients and Δˡ.
    private func go(_ n: Network<Double>, _ l: Int, _ input: Matrix<Double>, _ Y: Matrix<Double>,
                    _ loss: inout Double) throws -> ([LayerParameters<Double>], Matrix<Double>) {
        let L = n.layerCount
        let layer = n.layers[l - 1]
        let Zl = try steps.forward(input, layer.weights, layer.biases)
        let delta: Matrix<Double>
        var above: [LayerParameters<Double>] = []
        if l == L {
            let Al = Zl.mapRows { n.output.activation($0) }
            for i in 0..<Zl.rows { loss += n.output.loss(logits: Zl.row(i), activation: Al.row(i), target: Y.row(i)) }
            delta = try steps.outputError(Al, Y)
        } else {
            let Al = Zl.map { n.hidden.value($0) }
            let (rest, deltaAbove) = try go(n, l + 1, Al, Y, &loss)
            above = rest
            delta = try steps.hiddenError(deltaAbove, n.layers[l].weights, Al, n.hidden)
        }
        let mine = LayerParameters(weights: try steps.weightGradient(input, delta), biases: try steps.biasGradient(delta))
        return ([mine] + above, delta)
    }
}

struct H18DictionaryEngine: BackpropEngine {
    let name = "student"
    let steps: MatrixFormSteps
    init(steps: MatrixFormSteps) { self.steps = steps }

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        var A: [Int: Matrix<Double>] = [0: X]
        var Z: [Int: Matrix<Double>] = [:]
        for l in 1...L {
            guard let input = A[l - 1] else { fatalError("no activations for layer \(l - 1)") }
            let z = try steps.forward(input, network.layers[l - 1].weights, network.layers[l - 1].biases)
            Z[l] = z
            A[l] = l == L ? z.mapRows { network.output.activation($0) } : z.map { network.hidden.value($0) }
        }
        let ZL = Z[L]!, AL = A[L]!
        var loss = 0.0
        for i in 0..<X.rows { loss += network.output.loss(logits: ZL.row(i), activation: AL.row(i), target: Y.row(i)) }
        var dW: [Int: Matrix<Double>] = [:], db: [Int: [Double]] = [:]
        var delta = try steps.outputError(AL, Y)
        for l in (1...L).reversed() {
            dW[l] = try steps.weightGradient(A[l - 1]!, delta)
            db[l] = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1]!, network.hidden) }
        }
        let layers = (1...L).map { LayerParameters(weights: dW[$0]!, biases: db[$0]!) }
        gradients = Gradients(loss: loss * (1 / Double(X.rows)), layers: layers)
    }
}
