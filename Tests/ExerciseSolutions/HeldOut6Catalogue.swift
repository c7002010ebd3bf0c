#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Backprop
import BackpropExercises

// A sixth held-out class of hand-ins (exercises 3 to 7), written from the course pages only, without the checker
// or the other catalogues. Each wrong hand-in has one slip in one step; its other steps are Solutions'. The "pass"
// entries are correct but written unusually.

/// One held-out hand-in: its name, the step where the slip is ("pass" when there is none), the slip in one
/// sentence, and the submission.
public struct HeldOut6Submission: Sendable {
    public let name: String
    public let expected: String
    public let mistake: String
    public let submission: StudentSubmission
}

func h6(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut6Submission {
    HeldOut6Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h6sub(
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

public enum HeldOut6Catalogue {
    public static let all: [HeldOut6Submission] = oneExampleEntries + forwardEntries + outputErrorEntries
        + hiddenErrorEntries + weightGradientEntries + biasGradientEntries + engineEntries + passEntries

    public static func named(_ name: String) -> StudentSubmission? {
        all.first { $0.name == name }?.submission
    }

    static let oneExampleEntries: [HeldOut6Submission] = [
        h6("h6-oe-sigma-prime-from-layer-above", "one example",
           "In the hidden error, σ′ is computed from the activation of the layer above, a[l][j], where the layer's own activation a[l − 1][j] belongs.",
           h6sub(oneExample: H6OneExample.sigmaPrimeFromLayerAbove)),
        h6("h6-oe-gradients-in-reversed-slots", "one example",
           "The gradients of layer l are stored at index L − l instead of l − 1, so the layers come back top first.",
           h6sub(oneExample: H6OneExample.reversedSlots)),
        h6("h6-oe-sigmoid-prime-hardcoded", "one example",
           "σ′ is written by hand as a(1 − a) for every hidden activation, which is right for sigmoid only and wrong for tanh and ReLU.",
           h6sub(oneExample: H6OneExample.sigmoidPrimeHardcoded)),
        h6("h6-oe-loss-divided-by-classes", "one example",
           "The loss ℓ is divided by the number of outputs h_L, as if it were a mean over the classes.",
           h6sub(oneExample: H6OneExample.lossOverClasses)),
        h6("h6-oe-cached-by-network-sizes", "one example",
           "The gradients are cached in a global keyed only by the network's sizes, so every later example on the same network gets the first example's gradients back.",
           h6sub(oneExample: H6OneExample.cachedBySizes)),
        h6("h6-oe-hand-written-log-loss", "one example",
           "The loss is written by hand as −Σⱼ yⱼ ln aⱼ from the activations, which drops the (1 − yⱼ) ln(1 − aⱼ) terms of the sigmoid cross-entropy and becomes infinite when a saturated output rounds to 0.",
           h6sub(oneExample: H6OneExample.handWrittenLogLoss)),
        h6("h6-oe-forward-sum-bound-by-layer-width", "one example",
           "The forward sum over the inputs runs over 0..<h[l] (the layer's own width) where 0..<h[l − 1] belongs, so it is wrong or runs past the arrays whenever the two widths differ.",
           h6sub(oneExample: H6OneExample.forwardBoundByOwnWidth)),
        h6("h6-oe-precondition-on-large-loss", "one example",
           "A leftover precondition(loss < 50) stops the program on valid examples whose loss is large, as with the saturated logits of ±800.",
           h6sub(oneExample: H6OneExample.preconditionOnLoss)),
    ]

    static let forwardEntries: [HeldOut6Submission] = [
        h6("h6-fw-bias-first-row-only", "forward",
           "The bias is added only to row 0 (the first example); the other rows of Zˡ get no bias.",
           h6sub(forward: H6Forward.biasFirstRowOnly)),
        h6("h6-fw-k-bound-by-examples", "forward",
           "The sum over k runs over 0..<input.rows (m, the examples) where 0..<input.columns (h_{l−1}) belongs, which is right only when m equals h_{l−1}.",
           h6sub(forward: H6Forward.kBoundByExamples)),
        h6("h6-fw-flat-index-wrong-stride", "forward",
           "The input is read from its flat elements as input.elements[i * weights.columns + k], with the stride h_l where the input's row length h_{l−1} belongs, so only layers with h_{l−1} = h_l are right.",
           h6sub(forward: H6Forward.flatIndexWrongStride)),
        h6("h6-fw-float-accumulator", "forward",
           "The sum Σₖ A[i, k] W[k, j] + b[j] is accumulated in Float, losing precision.",
           h6sub(forward: H6Forward.floatAccumulator)),
        h6("h6-fw-relu-applied", "forward",
           "The forward step clamps Zˡ at 0 (a ReLU) before returning it, where it must return the pre-activation and leave σ to the engine.",
           h6sub(forward: H6Forward.reluApplied)),
        h6("h6-fw-bias-zeroed-after-use", "forward",
           "After adding the bias the step zeroes the caller's bias array through a pointer, so the network's biases are destroyed for every later call.",
           h6sub(forward: H6Forward.biasZeroedAfterUse)),
        h6("h6-fw-skip-zero-input-endless", "forward",
           "The while loop over k skips an input that is exactly 0 with continue before advancing k, so it never ends once an input is 0 (as after a ReLU).",
           h6sub(forward: H6Forward.skipZeroEndless)),
        h6("h6-fw-cached-by-shape", "forward",
           "Zˡ is cached in a global keyed by the shapes of the input and the weights, so a later call with the same shapes returns the earlier result.",
           h6sub(forward: H6Forward.cachedByShape)),
    ]

    static let outputErrorEntries: [HeldOut6Submission] = [
        h6("h6-out-loop-bounds-swapped", "output error",
           "The loops run i over output.columns and j over output.rows, so Δᴸ is right only when m equals c and otherwise runs past the matrix or leaves elements at 0.",
           h6sub(outputError: H6OutputError.boundsSwapped)),
        h6("h6-out-one-at-predicted-class", "output error",
           "Δᴸ is Aᴸ with 1 subtracted at the predicted class (the argmax of Aᴸ's row) instead of Aᴸ − Y, which is right only for the examples already classified correctly.",
           h6sub(outputError: H6OutputError.oneAtPredictedClass)),
        h6("h6-out-clipped", "output error",
           "Every element of Δᴸ is clipped to [−0.5, 0.5], so elements larger in magnitude are wrong.",
           h6sub(outputError: H6OutputError.clipped)),
        h6("h6-out-divided-by-classes", "output error",
           "Every element of Δᴸ = Aᴸ − Y is divided by the number of outputs c (output.columns).",
           h6sub(outputError: H6OutputError.dividedByClasses)),
        h6("h6-out-float", "output error",
           "The subtraction Aᴸ − Y is done in Float and converted back, losing precision.",
           h6sub(outputError: H6OutputError.float)),
        h6("h6-out-written-into-targets", "output error",
           "Δᴸ is written into the caller's targets Y through a pointer (to save a matrix) and Y is returned, so the targets are overwritten.",
           h6sub(outputError: H6OutputError.writtenIntoTargets)),
        h6("h6-out-saturated-set-to-zero", "output error",
           "Δᴸ is set to 0 wherever the output Aᴸ is exactly 0 or 1 (saturated), where it must still be Aᴸ − Y.",
           h6sub(outputError: H6OutputError.saturatedZero)),
    ]

    static let hiddenErrorEntries: [HeldOut6Submission] = [
        h6("h6-hid-k-bound-by-rows", "hidden error",
           "The sum over k runs over 0..<weightsAbove.rows (h_l) where 0..<weightsAbove.columns (h_{l+1}) belongs, which is right only when Wˡ⁺¹ is square.",
           h6sub(hiddenError: H6HiddenError.kBoundByRows)),
        h6("h6-hid-sigma-prime-of-sum", "hidden error",
           "σ′ is computed from the back-propagated sum (derivative(fromActivation: sum)) instead of from the activation A[i, j].",
           h6sub(hiddenError: H6HiddenError.sigmaPrimeOfSum)),
        h6("h6-hid-tanh-prime-missing-square", "hidden error",
           "σ′ is written by hand and the tanh case uses 1 − a instead of 1 − a², so only tanh networks are wrong.",
           h6sub(hiddenError: H6HiddenError.tanhMissingSquare)),
        h6("h6-hid-sigma-prime-first-example", "hidden error",
           "σ′ is read at A[0, j] (the first example) for every row i, where A[i, j] belongs, so it is right only when m = 1.",
           h6sub(hiddenError: H6HiddenError.firstExampleSigmaPrime)),
        h6("h6-hid-sum-reset-per-example", "hidden error",
           "The running sum is reset once per example (before the loop over j) instead of for every element (i, j), so each unit's sum includes the previous units'.",
           h6sub(hiddenError: H6HiddenError.sumResetPerExample)),
        h6("h6-hid-global-scratch-never-resized", "hidden error",
           "A global scratch array for the row sums is sized on the first call and never resized, so a later call on a wider layer runs past it.",
           h6sub(hiddenError: H6HiddenError.globalScratch)),
        h6("h6-hid-sign-flipped", "hidden error",
           "The sum subtracts the terms (sum -= Δ[i, k] W[j, k]), so every element of Δˡ has the wrong sign.",
           h6sub(hiddenError: H6HiddenError.signFlipped)),
    ]

    static let weightGradientEntries: [HeldOut6Submission] = [
        h6("h6-wg-divided-by-units", "weight gradient",
           "The sum is divided by delta.columns (h_l) instead of m (input.rows), which is right only when h_l = m.",
           h6sub(weightGradient: H6WeightGradient.dividedByUnits)),
        h6("h6-wg-float-reciprocal", "weight gradient",
           "The factor 1/m is computed in Float (Double(1 / Float(m))), which is inexact unless m is a power of two.",
           h6sub(weightGradient: H6WeightGradient.floatReciprocal)),
        h6("h6-wg-last-example-skipped", "weight gradient",
           "The sum over the examples runs over 0..<m − 1, leaving out the last example while still dividing by m.",
           h6sub(weightGradient: H6WeightGradient.lastExampleSkipped)),
        h6("h6-wg-delta-wrong-stride", "weight gradient",
           "Δ is read from its flat elements as delta.elements[i * input.columns + j], with the stride h_{l−1} where Δ's row length h_l belongs, so only layers with h_{l−1} = h_l are right.",
           h6sub(weightGradient: H6WeightGradient.deltaWrongStride)),
        h6("h6-wg-smoothed-with-previous", "weight gradient",
           "Each result is blended with the previous result of the same shape kept in a global (0.9 old + 0.1 new), so only the first call for each shape is right.",
           h6sub(weightGradient: H6WeightGradient.smoothedWithPrevious)),
        h6("h6-wg-precondition-nonnegative", "weight gradient",
           "A precondition that every activation is ≥ 0 stops the program on valid inputs with negative values, such as tanh activations.",
           h6sub(weightGradient: H6WeightGradient.preconditionNonNegative)),
        h6("h6-wg-delta-scaled-in-place", "weight gradient",
           "Δˡ is divided by m in place through a pointer before the sum, so the result is right but the caller's Δˡ is overwritten.",
           h6sub(weightGradient: H6WeightGradient.deltaScaledInPlace)),
    ]

    static let biasGradientEntries: [HeldOut6Submission] = [
        h6("h6-bg-wrong-stride", "bias gradient",
           "Δ is read from its flat elements as delta.elements[i * delta.rows + j], with the stride m where the row length h_l belongs, so only a square Δ or m = 1 is right, and otherwise it reads the wrong elements or runs past the array.",
           h6sub(biasGradient: H6BiasGradient.wrongStride)),
        h6("h6-bg-first-example-skipped", "bias gradient",
           "The sum over the examples starts at row 1 (1..<m), leaving out the first example while still dividing by m.",
           h6sub(biasGradient: H6BiasGradient.firstExampleSkipped)),
        h6("h6-bg-global-sums-not-reset", "bias gradient",
           "The column sums live in a global array that is only reallocated when the width changes and never zeroed, so later calls add onto earlier sums.",
           h6sub(biasGradient: H6BiasGradient.globalSumsNotReset)),
        h6("h6-bg-exit-when-one-example", "bias gradient",
           "A leftover debugging branch prints Δ and calls exit(0) when m = 1, a valid batch.",
           h6sub(biasGradient: H6BiasGradient.exitWhenOneExample)),
        h6("h6-bg-divided-by-all-elements", "bias gradient",
           "The column sums are divided by m · h_l (delta.rows * delta.columns, every element) instead of by m.",
           h6sub(biasGradient: H6BiasGradient.dividedByAllElements)),
        h6("h6-bg-running-mean-wrong-divisor", "bias gradient",
           "The running mean is updated as mean += (Δ[i, j] − mean) / m instead of / (i + 1), an exponential average that is right only when m = 1.",
           h6sub(biasGradient: H6BiasGradient.runningMeanWrongDivisor)),
        h6("h6-bg-summed-into-delta-row-zero", "bias gradient",
           "The column sums are accumulated into row 0 of the caller's Δˡ through a pointer, so the result is right but Δˡ is overwritten.",
           h6sub(biasGradient: H6BiasGradient.summedIntoDeltaRowZero)),
    ]

    static let engineEntries: [HeldOut6Submission] = [
        h6("h6-eng-hidden-error-before-gradients", "batch engine",
           "In the backward loop Δ is moved down to Δˡ⁻¹ before layer l's ∂Wˡ and ∂bˡ are computed, so every layer above 1 gets its gradients from the layer below's error.",
           h6sub(engine: { AnyBackpropEngine(H6Engine.HiddenErrorFirst(steps: $0)) })),
        h6("h6-eng-hidden-sigma-before-softmax", "batch engine",
           "The output layer applies the hidden σ to Zᴸ and then the output activation to that, instead of the output activation to Zᴸ alone.",
           h6sub(engine: { AnyBackpropEngine(H6Engine.HiddenSigmaBeforeOutput(steps: $0)) })),
        h6("h6-eng-m-from-columns", "batch engine",
           "m is taken as X.columns (h_0) instead of X.rows for the loss loop and its mean, which is right only when h_0 = m.",
           h6sub(engine: { AnyBackpropEngine(H6Engine.MFromColumns(steps: $0)) })),
        h6("h6-eng-forward-cached-by-sizes", "batch engine",
           "The forward pass (every Aˡ and Zᴸ) is cached in a global keyed by the network's sizes and m, so a later call with other weights or inputs reuses stale activations.",
           h6sub(engine: { AnyBackpropEngine(H6Engine.ForwardCached(steps: $0)) })),
        h6("h6-eng-loss-in-float", "batch engine",
           "The examples' losses are added up in a Float, so the mean loss loses precision.",
           h6sub(engine: { AnyBackpropEngine(H6Engine.FloatLoss(steps: $0)) })),
        h6("h6-eng-transposed-weights-to-hidden-error", "batch engine",
           "The engine passes the transpose of Wˡ to the hidden-error step, which expects Wˡ as stored and does the transpose itself.",
           h6sub(engine: { AnyBackpropEngine(H6Engine.TransposedWeights(steps: $0)) })),
        h6("h6-eng-loss-never-assigned", "batch engine",
           "After gradients.prepare(for:) the engine assigns every layer's gradients but never assigns gradients.loss, which keeps whatever the storage held before.",
           h6sub(engine: { AnyBackpropEngine(H6Engine.LossNeverAssigned(steps: $0)) })),
        h6("h6-eng-precondition-batch-of-two", "batch engine",
           "A precondition(m > 1) stops the program on a valid batch of one example.",
           h6sub(engine: { AnyBackpropEngine(H6Engine.PreconditionBatch(steps: $0)) })),
    ]

    static let passEntries: [HeldOut6Submission] = [
        h6("h6-pass-oe-column-matrices", "pass",
           "Correct: the one-example equations written with [h, 1] column matrices and an explicit transposed weight matrix.",
           h6sub(oneExample: H6Pass.oneExampleColumnMatrices)),
        h6("h6-pass-oe-stable-softmax-by-hand", "pass",
           "Correct: the softmax is written by hand with the row's maximum subtracted first, and the library's output activation is used for sigmoid outputs.",
           h6sub(oneExample: H6Pass.oneExampleStableSoftmax)),
        h6("h6-pass-fw-row-saxpy", "pass",
           "Correct: each row of Zˡ starts as bˡ and gets A[i, k] times row k of Wˡ added for k in order, the k loop outside the j loop.",
           h6sub(forward: H6Pass.forwardRowSaxpy)),
        h6("h6-pass-out-zip-map", "pass",
           "Correct: Δᴸ built from zip of the flat elements of Aᴸ and Y with subtraction.",
           h6sub(outputError: H6Pass.outputErrorZip)),
        h6("h6-pass-hid-explicit-transpose", "pass",
           "Correct: Wˡ⁺¹ is transposed into a new matrix, multiplied by Δˡ⁺¹ with a plain product, and σ′ applied afterwards with map over the indices.",
           h6sub(hiddenError: H6Pass.hiddenErrorExplicitTranspose)),
        h6("h6-pass-wg-skip-zero-inputs", "pass",
           "Correct: terms whose input A[i, k] is exactly 0 are skipped, which changes nothing since they add zero.",
           h6sub(weightGradient: H6Pass.weightGradientSkipZeros)),
        h6("h6-pass-bg-reduce-times-reciprocal", "pass",
           "Correct: each column summed with reduce from 0 in example order and multiplied by 1 / Double(m).",
           h6sub(biasGradient: H6Pass.biasGradientReduce)),
        h6("h6-pass-eng-prepare-and-assign-with-print", "pass",
           "Correct: the engine calls gradients.prepare(for:), assigns every layer and the loss element by element, and prints one debugging line per call.",
           h6sub(engine: { AnyBackpropEngine(H6Pass.PrepareAndAssign(steps: $0)) })),
        h6("h6-pass-eng-append-then-reverse", "pass",
           "Correct: the engine appends the gradients in the backward loop (top layer first) and reverses the array before returning it.",
           h6sub(engine: { AnyBackpropEngine(H6Pass.AppendThenReverse(steps: $0)) })),
    ]
}

// MARK: - Exercise 3, one example

enum H6OneExample {
    /// The forward pass as Solutions writes it, for the variants whose slip is in the backward pass.
    static func forwardPass(_ network: Network<Double>, _ x: [Double]) -> (a: [[Double]], zL: [Double]) {
        let L = network.layerCount, h = network.sizes
        var a = [x], zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            if l == L { zL = zl }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        return (a, zL)
    }

    static func sigmaPrimeFromLayerAbove(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, zL) = forwardPass(network, x)
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
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
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                next[j] = sum * network.hidden.derivative(fromActivation: a[l][j])
            }
            delta = next
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func reversedSlots(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, zL) = forwardPass(network, x)
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[L - l] = LayerParameters(weights: gw, biases: delta)   // backward pass, so count from the top
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

    static func sigmoidPrimeHardcoded(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, zL) = forwardPass(network, x)
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
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
                let act = a[l - 1][j]
                return sum * act * (1 - act)   // σ′ = a(1 − a)
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func lossOverClasses(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        var g = try Solutions.oneExample(network, x, y)
        g.loss = g.loss / Double(network.outputCount)   // mean over the outputs
        return g
    }

    nonisolated(unsafe) static var cache: [[Int]: Gradients<Double>] = [:]

    static func cachedBySizes(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        if let known = cache[network.sizes] { return known }
        let g = try Solutions.oneExample(network, x, y)
        cache[network.sizes] = g
        return g
    }

    static func handWrittenLogLoss(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        let (a, _) = forwardPass(network, x)
        var loss = 0.0
        for j in 0..<h[L] { loss -= y[j] * log(a[L][j]) }
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

    static func forwardBoundByOwnWidth(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            if l == L { zL = zl }
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
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

    static func preconditionOnLoss(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let g = try Solutions.oneExample(network, x, y)
        precondition(g.loss < 50, "loss exploded: \(g.loss)")
        return g
    }
}

// MARK: - Exercise 4, forward

enum H6Forward {
    static func biasFirstRowOnly(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = 0.0
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                if i == 0 { sum += b[j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func kBoundByExamples(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let m = A.rows
        var Z = Matrix<Double>(rows: m, columns: W.columns)
        for i in 0..<m {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<m { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func flatIndexWrongStride(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<W.rows { sum += A.elements[i * W.columns + k] * W.elements[k * W.columns + j] }
                Z.elements[i * W.columns + j] = sum
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

    static func reluApplied(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = max(sum, 0)
            }
        }
        return Z
    }

    static func biasZeroedAfterUse(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let Z = try Solutions.forward(A, W, b)
        // the bias is in Z now: clear it so nobody adds it twice
        b.withUnsafeBufferPointer { p in
            if let base = p.baseAddress { UnsafeMutablePointer(mutating: base).update(repeating: 0, count: p.count) }
        }
        return Z
    }

    static func skipZeroEndless(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                var k = 0
                while k < A.columns {
                    let a = A[i, k]
                    if a == 0 { continue }   // a zero input adds nothing
                    sum += a * W[k, j]
                    k += 1
                }
                Z[i, j] = sum
            }
        }
        return Z
    }

    nonisolated(unsafe) static var cache: [String: Matrix<Double>] = [:]

    static func cachedByShape(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = "\(A.shapeDescription) \(W.shapeDescription)"
        if let Z = cache[key] { return Z }
        let Z = try Solutions.forward(A, W, b)
        cache[key] = Z
        return Z
    }
}

// MARK: - Exercise 4, output error

enum H6OutputError {
    static func boundsSwapped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.columns { for j in 0..<A.rows { delta[i, j] = A[i, j] - Y[i, j] } }
        return delta
    }

    static func oneAtPredictedClass(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = A
        for i in 0..<A.rows {
            var best = 0
            for j in 1..<max(A.columns, 1) where A[i, j] > A[i, best] { best = j }
            delta[i, best] -= 1   // y is one-hot: subtract 1 at the class
        }
        return delta
    }

    static func clipped(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = min(max(A[i, j] - Y[i, j], -0.5), 0.5) }
        }
        return delta
    }

    static func dividedByClasses(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let c = Double(A.columns)
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = (A[i, j] - Y[i, j]) / c } }
        return delta
    }

    static func float(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows { for j in 0..<A.columns { delta[i, j] = Double(Float(A[i, j]) - Float(Y[i, j])) } }
        return delta
    }

    static func writtenIntoTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Y.elements.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            let out = UnsafeMutablePointer(mutating: base)
            for e in 0..<p.count { out[e] = A.elements[e] - out[e] }
        }
        return Y
    }

    static func saturatedZero(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = A[i, j]
                delta[i, j] = (a == 0 || a == 1) ? 0 : a - Y[i, j]   // saturated: no gradient
            }
        }
        return delta
    }
}

// MARK: - Exercise 5, hidden error

enum H6HiddenError {
    static func kBoundByRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    static func sigmaPrimeOfSum(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: sum)
            }
        }
        return delta
    }

    static func tanhMissingSquare(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let a = A[i, j]
                let slope: Double
                switch hidden {
                case .sigmoid: slope = a * (1 - a)
                case .tanh: slope = 1 - a
                case .relu: slope = a > 0 ? 1 : 0
                case .identity: slope = 1
                }
                delta[i, j] = sum * slope
            }
        }
        return delta
    }

    static func firstExampleSigmaPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[0, j])
            }
        }
        return delta
    }

    static func sumResetPerExample(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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

    nonisolated(unsafe) static var scratch: [Double] = []

    static func globalScratch(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
        if scratch.isEmpty { scratch = [Double](repeating: 0, count: W.rows) }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                scratch[j] = sum
            }
            for j in 0..<W.rows { delta[i, j] = scratch[j] * hidden.derivative(fromActivation: A[i, j]) }
        }
        return delta
    }

    static func signFlipped(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>, _ hidden: Activation) throws -> Matrix<Double> {
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
}

// MARK: - Exercise 6, weight gradient

enum H6WeightGradient {
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

    static func floatReciprocal(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let scale = Double(1 / Float(A.rows))
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] }
                G[k, j] = sum * scale
            }
        }
        return G
    }

    static func lastExampleSkipped(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<(m - 1) { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func deltaWrongStride(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A.elements[i * A.columns + k] * D.elements[i * A.columns + j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    nonisolated(unsafe) static var previous: [String: Matrix<Double>] = [:]

    static func smoothedWithPrevious(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = try Solutions.weightGradient(A, D)
        let key = "\(A.columns)x\(D.columns)"
        if let old = previous[key] {
            for e in G.elements.indices { G.elements[e] = 0.9 * old.elements[e] + 0.1 * G.elements[e] }
        }
        previous[key] = G
        return G
    }

    static func preconditionNonNegative(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m {
                    precondition(A[i, k] >= 0, "activations are never negative")
                    sum += A[i, k] * D[i, j]
                }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func deltaScaledInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        D.elements.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress else { return }
            let d = UnsafeMutablePointer(mutating: base)
            for e in 0..<p.count { d[e] /= Double(m) }   // fold the 1/m in once
        }
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D.elements[i * D.columns + j] }
                G[k, j] = sum
            }
        }
        return G
    }
}

// MARK: - Exercise 6, bias gradient

enum H6BiasGradient {
    static func wrongStride(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows {
            for j in 0..<D.columns {
                sums[j] += D.elements[i * D.rows + j]
            }
        }
        return sums.map { $0 / Double(D.rows) }
    }

    static func firstExampleSkipped(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 1..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    nonisolated(unsafe) static var sums: [Double] = []

    static func globalSumsNotReset(_ D: Matrix<Double>) throws -> [Double] {
        if sums.count != D.columns { sums = [Double](repeating: 0, count: D.columns) }
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func exitWhenOneExample(_ D: Matrix<Double>) throws -> [Double] {
        if D.rows == 1 {
            print("one example, delta =", D.row(0))
            exit(0)
        }
        return try Solutions.biasGradient(D)
    }

    static func dividedByAllElements(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows * D.columns) }
    }

    static func runningMeanWrongDivisor(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows
        var mean = [Double](repeating: 0, count: D.columns)
        for i in 0..<m {
            for j in 0..<D.columns { mean[j] += (D[i, j] - mean[j]) / Double(m) }
        }
        return mean
    }

    static func summedIntoDeltaRowZero(_ D: Matrix<Double>) throws -> [Double] {
        let c = D.columns
        return D.elements.withUnsafeBufferPointer { p -> [Double] in
            guard let base = p.baseAddress else { return [] }
            let d = UnsafeMutablePointer(mutating: base)
            for i in 1..<D.rows { for j in 0..<c { d[j] += d[i * c + j] } }
            return (0..<c).map { d[$0] / Double(D.rows) }
        }
    }
}

// MARK: - Exercise 7, batch engine

enum H6Engine {
    /// The forward pass and the loss as Solutions.BatchEngine computes them.
    static func forward(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>) throws
        -> (A: [Matrix<Double>], ZL: Matrix<Double>) {
        let L = network.layerCount
        var A = [X], ZL = Matrix<Double>(rows: 0, columns: 0)
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            if l == L { ZL = Zl }
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        return (A, ZL)
    }

    static func meanLoss(_ network: Network<Double>, _ ZL: Matrix<Double>, _ AL: Matrix<Double>, _ Y: Matrix<Double>) -> Double {
        var loss = 0.0
        for i in 0..<Y.rows { loss += network.output.loss(logits: ZL.row(i), activation: AL.row(i), target: Y.row(i)) }
        return loss * (1 / Double(Y.rows))
    }

    struct HiddenErrorFirst: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, ZL) = try H6Engine.forward(steps, network, X)
            let loss = H6Engine.meanLoss(network, ZL, A[L], Y)
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
            }
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct HiddenSigmaBeforeOutput: BackpropEngine {
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
                let activated = Zl.map { network.hidden.value($0) }
                A.append(l < L ? activated : activated.mapRows { network.output.activation($0) })
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

    struct MFromColumns: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.columns
            let (A, ZL) = try H6Engine.forward(steps, network, X)
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

    nonisolated(unsafe) static var forwardCache: [String: ([Matrix<Double>], Matrix<Double>)] = [:]

    struct ForwardCached: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let key = "\(network.sizeDescription) m=\(X.rows)"
            let A: [Matrix<Double>], ZL: Matrix<Double>
            if let cached = H6Engine.forwardCache[key] {
                (A, ZL) = cached
            } else {
                (A, ZL) = try H6Engine.forward(steps, network, X)
                H6Engine.forwardCache[key] = (A, ZL)
            }
            let loss = H6Engine.meanLoss(network, ZL, A[L], Y)
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

    struct FloatLoss: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            let (A, ZL) = try H6Engine.forward(steps, network, X)
            var loss: Float = 0
            for i in 0..<m { loss += Float(network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i))) }
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

    struct TransposedWeights: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount
            let (A, ZL) = try H6Engine.forward(steps, network, X)
            let loss = H6Engine.meanLoss(network, ZL, A[L], Y)
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 {
                    let Wt = network.layers[l - 1].weights.transposed   // Δˡ (Wˡ)ᵀ
                    delta = try steps.hiddenError(delta, Wt, A[l - 1], network.hidden)
                }
            }
            gradients = Gradients(loss: loss, layers: layers)
        }
    }

    struct LossNeverAssigned: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            gradients.prepare(for: network)
            let L = network.layerCount
            let (A, _) = try H6Engine.forward(steps, network, X)
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                gradients.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                          biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
        }
    }

    struct PreconditionBatch: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let m = X.rows
            precondition(m > 1, "a batch needs at least two examples")
            try Solutions.BatchEngine(steps: steps).computeGradients(of: network, inputs: X, targets: Y, into: &gradients)
        }
    }
}

// MARK: - Correct but unusual

enum H6Pass {
    static func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
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

    static func oneExampleColumnMatrices(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var a: [Matrix<Double>] = [Matrix(rows: x.count, columns: 1, elements: x)]
        var zL = Matrix<Double>(rows: 0, columns: 0)
        for l in 1...L {
            let Wt = network.layers[l - 1].weights.transposed
            let b = network.layers[l - 1].biases
            var z = Matrix<Double>(rows: Wt.rows, columns: 1)
            for j in 0..<Wt.rows {
                var s = b[j]
                for k in 0..<Wt.columns { s += Wt[j, k] * a[l - 1][k, 0] }
                z[j, 0] = s
            }
            if l == L {
                zL = z
                a.append(Matrix(rows: z.rows, columns: 1, elements: network.output.activation(z.elements)))
            } else {
                a.append(z.map { network.hidden.value($0) })
            }
        }
        let loss = network.output.loss(logits: zL.elements, activation: a[L].elements, target: y)
        var delta = Matrix(rows: y.count, columns: 1, elements: zip(a[L].elements, y).map { $0 - $1 })
        var layers = [LayerParameters<Double>]()
        for l in stride(from: L, through: 1, by: -1) {
            let gw = matmul(a[l - 1], delta.transposed)   // aˡ⁻¹ (δˡ)ᵀ
            layers.insert(LayerParameters(weights: gw, biases: delta.elements), at: 0)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var next = Matrix<Double>(rows: W.rows, columns: 1)
            for j in 0..<W.rows {
                var s = 0.0
                for k in 0..<W.columns { s += W[j, k] * delta[k, 0] }
                next[j, 0] = s * network.hidden.derivative(fromActivation: a[l - 1][j, 0])
            }
            delta = next
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func oneExampleStableSoftmax(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], zL = [Double]()
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = b[j]
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] }
            }
            if l < L {
                a.append(zl.map { network.hidden.value($0) })
            } else {
                zL = zl
                if network.output.activation == .softmax {
                    let top = zl.max() ?? 0
                    let e = zl.map { exp($0 - top) }
                    let total = e.reduce(0, +)
                    a.append(e.map { $0 / total })
                } else {
                    a.append(network.output.activation(zl))
                }
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
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

    static func forwardRowSaxpy(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            var row = b
            for k in 0..<A.columns {
                let aik = A[i, k]
                for j in 0..<W.columns { row[j] += aik * W[k, j] }
            }
            for j in 0..<W.columns { Z[i, j] = row[j] }
        }
        return Z
    }

    static func outputErrorZip(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }

    static func hiddenErrorExplicitTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                             _ hidden: Activation) throws -> Matrix<Double> {
        let back = matmul(D, W.transposed)   // Δˡ⁺¹ (Wˡ⁺¹)ᵀ, [m, h_l]
        let n = back.columns
        return Matrix(rows: back.rows, columns: n, elements: back.elements.indices.map { e in
            back.elements[e] * hidden.derivative(fromActivation: A[e / n, e % n])
        })
    }

    static func weightGradientSkipZeros(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m {
                    let a = A[i, k]
                    if a == 0 { continue }   // nothing to add
                    sum += a * D[i, j]
                }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func biasGradientReduce(_ D: Matrix<Double>) throws -> [Double] {
        let scale = 1 / Double(D.rows)
        return (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } * scale }
    }

    struct PrepareAndAssign: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            gradients.prepare(for: network)
            let L = network.layerCount, m = X.rows
            print("engine: L =", L, "m =", m)
            var A = [X], ZL = Matrix<Double>(rows: 0, columns: 0)
            for l in 1...L {
                let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Zl }
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var total = 0.0
            for i in 0..<m { total += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                let gw = try steps.weightGradient(A[l - 1], delta)
                let gb = try steps.biasGradient(delta)
                for e in gw.elements.indices { gradients.layers[l - 1].weights.elements[e] = gw.elements[e] }
                for j in gb.indices { gradients.layers[l - 1].biases[j] = gb[j] }
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients.loss = total * (1 / Double(m))
        }
    }

    struct AppendThenReverse: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], ZL = Matrix<Double>(rows: 0, columns: 0)
            var l = 1
            while l <= L {
                let Zl = try steps.forward(A[l - 1], network.layers[l - 1].weights, network.layers[l - 1].biases)
                if l == L { ZL = Zl }
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
                l += 1
            }
            var loss = 0.0
            for i in 0..<m { loss += network.output.loss(logits: ZL.row(i), activation: A[L].row(i), target: Y.row(i)) }
            var topFirst: [LayerParameters<Double>] = []
            var delta = try steps.outputError(A[L], Y)
            l = L
            while l >= 1 {
                topFirst.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta)))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
                l -= 1
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: Array(topFirst.reversed()))
        }
    }
}
