import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 12: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut12Submission: Sendable {
    public let name: String
    /// The step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient",
    /// "bias gradient", "batch engine"), or "pass".
    public let expected: String
    /// The slip in one sentence, as a TA would describe it.
    public let mistake: String
    public let submission: StudentSubmission
}

func h12(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut12Submission {
    HeldOut12Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h12sub(
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

/// A student's batch engine: the struct of Sources/StudentWork/BatchEngine.swift, with the body of its
/// `computeGradients` given as a function (each body below is one student's).
struct H12StudentEngine: BackpropEngine {
    typealias Body = @Sendable (MatrixFormSteps, Network<Double>, Matrix<Double>, Matrix<Double>, inout Gradients<Double>) throws -> Void
    let name = "student"
    let steps: MatrixFormSteps
    let body: Body

    func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                          into gradients: inout Gradients<Double>) throws {
        try body(steps, network, X, Y, &gradients)
    }
}

func h12engine(_ body: @escaping H12StudentEngine.Body) -> @Sendable (MatrixFormSteps) -> AnyBackpropEngine<Double> {
    { steps in AnyBackpropEngine(H12StudentEngine(steps: steps, body: body)) }
}

/// A student's cache (a dictionary behind a lock, so that it compiles under Swift 6's strict concurrency).
final class H12Memo<Key: Hashable, Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var store: [Key: Value] = [:]

    func get(_ key: Key) -> Value? {
        lock.lock()
        defer { lock.unlock() }
        return store[key]
    }

    func set(_ key: Key, _ value: Value) {
        lock.lock()
        defer { lock.unlock() }
        store[key] = value
    }
}

public enum HeldOut12Catalogue {
    public static let all: [HeldOut12Submission] = [
        // MARK: one example (exercise 3)
        h12("h12-oe-loss-softmax-formula", "one example",
            "The loss is written by hand as ℓ = −Σⱼ yⱼ log aᴸⱼ (skipping yⱼ = 0) instead of network.output.loss: it drops the −(1 − yⱼ) log(1 − aᴸⱼ) terms of a sigmoid output's cross-entropy, and is infinite where a softmax output rounds to 0 at logits of ±800.",
            h12sub(oneExample: H12OneExample.lossSoftmaxFormula)),
        h12("h12-oe-bias-after-sigma", "one example",
            "In the forward loop a hidden layer's bias is added after the activation, aˡ = σ((Wˡ)ᵀ aˡ⁻¹) + bˡ, instead of inside it, aˡ = σ((Wˡ)ᵀ aˡ⁻¹ + bˡ) (the output layer is right).",
            h12sub(oneExample: H12OneExample.biasAfterSigma)),
        h12("h12-oe-tanh-prime-retanh", "one example",
            "σ′ is written out by hand in a switch, and the tanh case computes 1 − tanh(a)² from the activation a (tanh applied a second time) where 1 − a² belongs; sigmoid and relu are right.",
            h12sub(oneExample: H12OneExample.tanhPrimeReTanh)),
        h12("h12-oe-sigma-prime-layer-above", "one example",
            "δˡ⁻¹[j] multiplies by σ′ computed from a[l][j], the activation of the layer above (layer l), where a[l − 1][j], the layer's own activation, belongs.",
            h12sub(oneExample: H12OneExample.sigmaPrimeLayerAbove)),
        h12("h12-oe-sigmoid-output-by-hand", "one example",
            "aᴸ is computed as 1 / (1 + e^(−zᴸⱼ)) element by element whatever the output layer is, so a softmax output is a sigmoid and δᴸ = aᴸ − y is wrong for every softmax network (the loss, from zᴸ, stays right).",
            h12sub(oneExample: H12OneExample.sigmoidOutputByHand)),
        h12("h12-oe-target-as-class", "one example",
            "δᴸ is computed as aᴸ − onehot(c) with c = the first index where y is 1 (0 when there is none), reading the target as one class; multi-label or all-zero targets of a sigmoid output give a wrong δᴸ.",
            h12sub(oneExample: H12OneExample.targetAsClass)),
        h12("h12-oe-gw-copied-from-weights", "one example",
            "∂Wˡ is started as a copy of Wˡ (to get its shape) and then filled with gw[k, j] += aˡ⁻¹ₖ δˡⱼ, so every weight gradient is Wˡ + aˡ⁻¹ (δˡ)ᵀ.",
            h12sub(oneExample: H12OneExample.gwCopiedFromWeights)),
        h12("h12-oe-forward-memo-by-x", "one example",
            "The forward pass is memoised in a dictionary keyed by x alone, so a later call with the same x and other weights reuses the old activations and zᴸ.",
            h12sub(oneExample: H12OneExample.forwardMemoByX)),
        h12("h12-oe-float-activations", "one example",
            "The hidden activations are stored as Float (`Double(Float(σ(z)))`, 'to save memory'), so every aˡ for l < L is rounded to single precision before it is used forward and backward.",
            h12sub(oneExample: H12OneExample.floatActivations)),
        h12("h12-oe-delta-in-place", "one example",
            "δ is propagated in place in one buffer: delta[j] = (Σₖ W[j, k] delta[k]) σ′(a[j]) overwrites δˡ[j] while the sums of the later units j still read it as δˡ.",
            h12sub(oneExample: H12OneExample.deltaInPlace)),
        h12("h12-oe-bias-after-delta-moves", "one example",
            "The layer's parameters are stored after δ has been propagated, so ∂bˡ is δˡ⁻¹ (the layer below's error) instead of δˡ; ∂Wˡ is right.",
            h12sub(oneExample: H12OneExample.biasAfterDeltaMoves)),
        h12("h12-oe-sigmoid-output-extra-prime", "one example",
            "For a sigmoid output δᴸ is multiplied by aᴸ(1 − aᴸ) ('the sigmoid needs its derivative'), which cross-entropy cancels: δᴸ = aᴸ − y for both outputs; softmax outputs are right.",
            h12sub(oneExample: H12OneExample.sigmoidOutputExtraPrime)),
        h12("h12-oe-softmax-shift-by-min", "one example",
            "aᴸ is a softmax written by hand that subtracts the SMALLEST logit before exp (where the largest belongs), so exp overflows to infinity and aᴸ is NaN when the logits spread over hundreds; every other case is right to rounding.",
            h12sub(oneExample: H12OneExample.softmaxShiftByMin)),

        // MARK: forward (exercise 4)
        h12("h12-fw-bias-twice", "forward",
            "The sum starts from b[j] and the result is stored as Z[i, j] = sum + b[j], so the bias is added twice.",
            h12sub(forward: H12Forward.biasTwice)),
        h12("h12-fw-k-from-one", "forward",
            "The sum over k runs over 1..<A.columns, skipping the first input unit's term A[i, 0] W[0, j].",
            h12sub(forward: H12Forward.kFromOne)),
        h12("h12-fw-clamp-logits", "forward",
            "Z[i, j] is clamped to [−50, 50] 'so the exponentials do not overflow', which changes every pre-activation beyond ±50 (the logits of ±800).",
            h12sub(forward: H12Forward.clampLogits)),
        h12("h12-fw-zip-row-of-weights", "forward",
            "Z[i, j] = zip(A.row(i), W.row(j)) summed onto b[j]: row j of W is W[j, k] where column j, W[k, j], belongs, and zip silently truncates to the shorter of the two.",
            h12sub(forward: H12Forward.zipRowOfWeights)),
        h12("h12-fw-flat-stride-rows", "forward",
            "A[i, k] is read from the flat storage as A.elements[i * A.rows + k], with the row stride A.rows where A.columns belongs (right only where A is square).",
            h12sub(forward: H12Forward.flatStrideRows)),
        h12("h12-fw-single-example-no-bias", "forward",
            "A special case for m = 1 ('the vector form') returns z = Wᵀ x without adding b; the m > 1 path is right.",
            h12sub(forward: H12Forward.singleExampleNoBias)),
        h12("h12-fw-memo-by-weights", "forward",
            "Z is memoised in a dictionary keyed by the weights alone, so a later call with the same Wˡ and another batch or bias returns the old Z.",
            h12sub(forward: H12Forward.memoByWeights)),
        h12("h12-fw-float-sum", "forward",
            "The sum is accumulated in Float (var sum = Float(b[j]); sum += Float(A[i, k] * W[k, j])), so Z is only correct to single precision.",
            h12sub(forward: H12Forward.floatSum)),
        h12("h12-fw-columns-from-weight-rows", "forward",
            "Z is made [m, W.rows] and its column loop j runs over W.rows (h_{l−1}) where W.columns (h_l) belongs: right only for a square Wˡ.",
            h12sub(forward: H12Forward.columnsFromWeightRows)),
        h12("h12-fw-last-example-skipped", "forward",
            "The loop over the examples runs over 0..<A.rows − 1, so the last row of Z is left at 0 (and with m = 1 all of Z).",
            h12sub(forward: H12Forward.lastExampleSkipped)),

        // MARK: output error (exercise 4)
        h12("h12-out-columns-bound-rows", "output error",
            "The inner loop over the outputs runs over 0..<A.rows (m) where A.columns (c) belongs: right only when m = c.",
            h12sub(outputError: H12OutputError.columnsBoundRows)),
        h12("h12-out-argmax-target", "output error",
            "Each target row is turned into one class, its largest entry, and Δ[i, j] = A[i, j] − (j == argmax ? 1 : 0): wrong for multi-label or all-zero sigmoid targets.",
            h12sub(outputError: H12OutputError.argmaxTarget)),
        h12("h12-out-binarised-target", "output error",
            "The targets are rounded to 0 or 1 (Y[i, j] > 0.5 ? 1 : 0) before the subtraction, so any target strictly between 0 and 1 is replaced.",
            h12sub(outputError: H12OutputError.binarisedTarget)),
        h12("h12-out-clamped-activation", "output error",
            "Aᴸ is clamped to [1e−7, 1 − 1e−7] before Δ = A − Y 'to avoid log(0)', which changes Δ wherever an output is saturated (logits of ±800).",
            h12sub(outputError: H12OutputError.clampedActivation)),
        h12("h12-out-softmax-again", "output error",
            "A softmax is applied to each row of Aᴸ before subtracting Y (Δ = softmax(Aᴸ) − Y), as if the step were given the logits.",
            h12sub(outputError: H12OutputError.softmaxAgain)),
        h12("h12-out-factor-two", "output error",
            "Δ = 2 (A − Y), the derivative of (a − y)² without the ½, instead of A − Y.",
            h12sub(outputError: H12OutputError.factorTwo)),
        h12("h12-out-targets-as-columns", "output error",
            "Y is read as Y[j, i], as if the targets were one column per example as in exercise 3, where Y[i, j] belongs.",
            h12sub(outputError: H12OutputError.targetsAsColumns)),
        h12("h12-out-break-after-label", "output error",
            "The loop over j breaks once it meets Y[i, j] == 1 ('found the label'), so every column after the label in that row is left at 0.",
            h12sub(outputError: H12OutputError.breakAfterLabel)),
        h12("h12-out-memo-by-targets", "output error",
            "Δ is memoised in a dictionary keyed by Y alone, so a later call with the same targets and other outputs Aᴸ returns the old Δ.",
            h12sub(outputError: H12OutputError.memoByTargets)),
        h12("h12-out-float", "output error",
            "The subtraction is done in Float, Double(Float(A[i, j]) − Float(Y[i, j])), so Δ is only correct to single precision.",
            h12sub(outputError: H12OutputError.float)),
        h12("h12-out-exit-on-multilabel", "output error",
            "A validation left in checks that every target row sums to 1 and otherwise prints 'targets are not one-hot' and calls exit(1), stopping the program on valid multi-label or all-zero sigmoid targets.",
            h12sub(outputError: H12OutputError.exitOnMultilabel)),

        // MARK: hidden error (exercise 5)
        h12("h12-he-sigma-prime-at-k", "hidden error",
            "σ′ is multiplied inside the sum over k and taken at A[i, k] (the summed index) instead of once after the sum at A[i, j].",
            h12sub(hiddenError: H12HiddenError.sigmaPrimeAtK)),
        h12("h12-he-relu-as-tanh", "hidden error",
            "σ′ is written by hand as a(1 − a) for the sigmoid and 1 − a² for everything else, so a relu layer gets 1 − a² where 1 (a > 0) or 0 belongs.",
            h12sub(hiddenError: H12HiddenError.reluAsTanh)),
        h12("h12-he-sigmoid-hardcoded", "hidden error",
            "σ′ is Activation.sigmoid.derivative(fromActivation:) whatever the `hidden` argument says, so tanh and relu layers get a(1 − a).",
            h12sub(hiddenError: H12HiddenError.sigmoidHardcoded)),
        h12("h12-he-first-term-twice", "hidden error",
            "The sum is started at D[i, 0] W[j, 0] and the loop over k still starts from 0, so the k = 0 term is counted twice.",
            h12sub(hiddenError: H12HiddenError.firstTermTwice)),
        h12("h12-he-sum-reset-per-row", "hidden error",
            "`var sum = 0.0` sits inside the loop over i but outside the loop over j, so each Δ[i, j] carries the sums of the units before it in that row.",
            h12sub(hiddenError: H12HiddenError.sumResetPerRow)),
        h12("h12-he-transpose-helper-copies", "hidden error",
            "A helper transpose(W) copies W's elements in the same flat order into a [columns, rows] matrix (stride bug) and the sum reads T[k, j], so it uses W reshaped, not Wᵀ (on a square W: W[k, j] for W[j, k]).",
            h12sub(hiddenError: H12HiddenError.transposeHelperCopies)),
        h12("h12-he-last-unit-above-dropped", "hidden error",
            "The sum over k runs over 0..<W.columns − 1, dropping the last unit of the layer above.",
            h12sub(hiddenError: H12HiddenError.lastUnitAboveDropped)),
        h12("h12-he-sigma-prime-twice", "hidden error",
            "σ′(A[i, j]) is multiplied into every term of the sum and again after the sum, so Δ carries σ′².",
            h12sub(hiddenError: H12HiddenError.sigmaPrimeTwice)),
        h12("h12-he-divided-by-m", "hidden error",
            "The result is divided by m (deltaAbove.rows) 'because the loss is a mean', where Δ carries no 1/m.",
            h12sub(hiddenError: H12HiddenError.dividedByM)),
        h12("h12-he-transpose-cached-by-shape", "hidden error",
            "The transposed Wˡ⁺¹ is cached by its shape 'to transpose once', so a later call with other weights of the same shape uses the old Wᵀ.",
            h12sub(hiddenError: H12HiddenError.transposeCachedByShape)),

        // MARK: weight gradient (exercise 6)
        h12("h12-wg-divided-by-inputs", "weight gradient",
            "The sum is divided by A.columns (h_{l−1}, the layer's inputs) where m = A.rows belongs.",
            h12sub(weightGradient: H12WeightGradient.dividedByInputs)),
        h12("h12-wg-first-example-skipped", "weight gradient",
            "The sum over the examples runs over 1..<m, dropping example 0 (and with m = 1 every gradient is 0).",
            h12sub(weightGradient: H12WeightGradient.firstExampleSkipped)),
        h12("h12-wg-k-bound-m", "weight gradient",
            "The loop over the result's rows k runs over 0..<A.rows (m) where A.columns (h_{l−1}) belongs: right only when m = h_{l−1}.",
            h12sub(weightGradient: H12WeightGradient.kBoundM)),
        h12("h12-wg-clipped", "weight gradient",
            "Each entry is clipped to [−1, 1] ('gradient clipping so training does not explode'), which changes every entry larger than 1 in size.",
            h12sub(weightGradient: H12WeightGradient.clipped)),
        h12("h12-wg-zero-activation-break", "weight gradient",
            "A 'skip the zeros' shortcut breaks out of the sum over the examples at the first A[i, k] == 0, where `continue` belongs: with relu (or zero inputs) the later examples are dropped.",
            h12sub(weightGradient: H12WeightGradient.zeroActivationBreak)),
        h12("h12-wg-memo-by-input", "weight gradient",
            "∂W is memoised in a dictionary keyed by Aˡ⁻¹ alone, so a later call with the same activations and another Δ returns the old gradient.",
            h12sub(weightGradient: H12WeightGradient.memoByInput)),
        h12("h12-wg-input-times-input", "weight gradient",
            "Copy-paste slip: the sum adds input[i, k] * input[i, j] (A times A) where input[i, k] * delta[i, j] belongs.",
            h12sub(weightGradient: H12WeightGradient.inputTimesInput)),
        h12("h12-wg-flattened-column-major", "weight gradient",
            "The entries are appended to a flat array with j outside and k inside, then passed as `elements` of a row-major [h_{l−1}, h_l] matrix, so they land in the transposed order.",
            h12sub(weightGradient: H12WeightGradient.flattenedColumnMajor)),
        h12("h12-wg-float-product", "weight gradient",
            "Each product is taken in Float, Double(Float(A[i, k]) * Float(D[i, j])), so the gradient is only correct to single precision.",
            h12sub(weightGradient: H12WeightGradient.floatProduct)),

        // MARK: bias gradient (exercise 6)
        h12("h12-bg-mean-of-all", "bias gradient",
            "The column sums are divided by m · h_l (D.rows * D.columns), the number of all entries, where m belongs.",
            h12sub(biasGradient: H12BiasGradient.meanOfAll)),
        h12("h12-bg-stride-rows", "bias gradient",
            "Column j is walked in the flat storage with stride(from: j, to: count, by: D.rows), the row count where D.columns (the row stride) belongs: right only when D is square.",
            h12sub(biasGradient: H12BiasGradient.strideRows)),
        h12("h12-bg-first-row-twice", "bias gradient",
            "The sums start as a copy of row 0 (D.row(0)) and the loop over the examples still starts from 0, so example 0 is counted twice.",
            h12sub(biasGradient: H12BiasGradient.firstRowTwice)),
        h12("h12-bg-memo-by-shape", "bias gradient",
            "∂b is memoised by the shape of Δ ('the same layer every time'), so a later call with another Δ of the same shape returns the old answer.",
            h12sub(biasGradient: H12BiasGradient.memoByShape)),
        h12("h12-bg-running-divide", "bias gradient",
            "A 'running mean' sums[j] = (sums[j] + D[i, j]) / m divides by m at every example, so example i is weighted by 1/m^(m−i).",
            h12sub(biasGradient: H12BiasGradient.runningDivide)),
        h12("h12-bg-epsilon-denominator", "bias gradient",
            "The sum is divided by m + 1e−8 'to avoid dividing by zero', which is not m: every entry is off by a relative 2e−9 (millions of ULP).",
            h12sub(biasGradient: H12BiasGradient.epsilonDenominator)),
        h12("h12-bg-last-unit-dropped", "bias gradient",
            "The loop over the units runs over 0..<D.columns − 1, so the last bias gradient stays 0.",
            h12sub(biasGradient: H12BiasGradient.lastUnitDropped)),
        h12("h12-bg-zero-break", "bias gradient",
            "A 'skip the zeros' shortcut breaks out of the sum down column j at the first D[i, j] == 0, where `continue` belongs: with relu the later examples are dropped.",
            h12sub(biasGradient: H12BiasGradient.zeroBreak)),
        h12("h12-bg-rounded-six-decimals", "bias gradient",
            "Each entry is rounded to 6 decimals ((x * 1e6).rounded() / 1e6, left from printing it neatly), so the gradient is off by up to 5e−7.",
            h12sub(biasGradient: H12BiasGradient.roundedSixDecimals)),
        h12("h12-bg-while-continue", "bias gradient",
            "The sum down each column is a while loop that does `continue` on a zero D[i, j] before its i += 1, so the first zero entry (a relu unit that is off) makes it loop forever.",
            h12sub(biasGradient: H12BiasGradient.whileContinue)),

        // MARK: batch engine (exercise 7)
        h12("h12-en-loss-over-layers", "batch engine",
            "The summed loss is divided by L (network.layerCount) where m (X.rows) belongs.",
            h12sub(engine: h12engine(H12Engine.lossOverLayers))),
        h12("h12-en-hidden-condition-off-by-one", "batch engine",
            "The forward loop applies the hidden σ only for l < L − 1, so the last hidden layer (layer L − 1) gets the output activation row by row.",
            h12sub(engine: h12engine(H12Engine.hiddenConditionOffByOne))),
        h12("h12-en-hidden-error-given-z", "batch engine",
            "The hidden error is handed Zˡ⁻¹ (the pre-activations) as its activations argument where Aˡ⁻¹ belongs, so σ′ is computed from Z.",
            h12sub(engine: h12engine(H12Engine.hiddenErrorGivenZ))),
        h12("h12-en-x-for-every-weight-gradient", "batch engine",
            "Every layer's weight gradient is given X (A⁰) as its input where Aˡ⁻¹ belongs.",
            h12sub(engine: h12engine(H12Engine.xForEveryWeightGradient))),
        h12("h12-en-mean-over-outputs", "batch engine",
            "The loss is multiplied by 1 / Y.columns (c, the outputs) where 1 / m (Y.rows) belongs.",
            h12sub(engine: h12engine(H12Engine.meanOverOutputs))),
        h12("h12-en-forward-memo-by-x", "batch engine",
            "The forward pass (every Aˡ and Zᴸ) is memoised in a dictionary keyed by X alone, so a later call with the same batch and other weights reuses the old activations.",
            h12sub(engine: h12engine(H12Engine.forwardMemoByX))),
        h12("h12-en-deltas-appended", "batch engine",
            "The errors are collected with deltas.append from the top down (deltas[0] = Δᴸ), but the gradient loop reads deltas[l − 1] as Δˡ, so the layers get their errors in reverse order.",
            h12sub(engine: h12engine(H12Engine.deltasAppended))),
        h12("h12-en-loss-by-hand-clamped", "batch engine",
            "The loss is written by hand as −Σ Y log max(Aᴸ, 1e−12) instead of network.output.loss: it drops a sigmoid output's (1 − y) log(1 − a) terms and is wrong where the softmax saturates.",
            h12sub(engine: h12engine(H12Engine.lossByHandClamped))),
        h12("h12-en-prepare-loss-never-set", "batch engine",
            "The engine calls gradients.prepare(for:) and assigns every layer, but never assigns gradients.loss, which keeps whatever the caller's storage held.",
            h12sub(engine: h12engine(H12Engine.prepareLossNeverSet))),
        h12("h12-en-output-per-element", "batch engine",
            "The output activation is applied element by element, Zᴸ.map { network.output.activation([$0])[0] }, so a softmax of one number makes every output 1 (sigmoid outputs are right).",
            h12sub(engine: h12engine(H12Engine.outputPerElement))),
        h12("h12-en-refuses-one-example", "batch engine",
            "The engine throws 'a batch needs at least two examples' for m = 1, a valid batch.",
            h12sub(engine: h12engine(H12Engine.refusesOneExample))),
        h12("h12-en-hidden-error-sigmoid", "batch engine",
            "The hidden error is called with .sigmoid where network.hidden belongs, so tanh and relu networks get the sigmoid's σ′.",
            h12sub(engine: h12engine(H12Engine.hiddenErrorSigmoid))),
        h12("h12-en-loss-integer-inverse", "batch engine",
            "The mean loss is loss * Double(1 / m) with an Int m, so 1 / m is integer division and the loss is 0 for every m above 1 (right only for m = 1).",
            h12sub(engine: h12engine(H12Engine.lossIntegerInverse))),

        // MARK: correct, written unusually
        h12("h12-pass-oe-recursive", "pass",
            "Correct: one recursive function per layer computes zˡ and aˡ on the way down and returns δˡ on the way up, storing ∂Wˡ and ∂bˡ as it returns.",
            h12sub(oneExample: H12OneExample.passRecursive)),
        h12("h12-pass-oe-insert-front", "pass",
            "Correct: forward with map/reduce, the gradients built with layers.insert(_, at: 0) in the backward loop so layer 1 ends up first.",
            h12sub(oneExample: H12OneExample.passInsertFront)),
        h12("h12-pass-oe-column-matrices", "pass",
            "Correct: every vector is a Matrix [h, 1] column, zˡ = (Wˡ)ᵀ aˡ⁻¹ + bˡ with Wˡ.transposed and a small matmul helper, ∂Wˡ = aˡ⁻¹ (δˡ)ᵀ as a product.",
            h12sub(oneExample: H12OneExample.passColumnMatrices)),
        h12("h12-pass-fw-k-outer", "pass",
            "Correct: Z is first filled with the bias in every row, then A[i, k] W[k, j] is added with k outside j, printing the shapes.",
            h12sub(forward: H12Forward.passKOuter)),
        h12("h12-pass-fw-functional", "pass",
            "Correct: each row of Z is built with map over the units and reduce(b[j]) over the column of W, then Matrix(rows).",
            h12sub(forward: H12Forward.passFunctional)),
        h12("h12-pass-out-zip-validated", "pass",
            "Correct: checks the shapes (throwing a BackpropError), then Δ from zip(A.elements, Y.elements).map(−).",
            h12sub(outputError: H12OutputError.passZipValidated)),
        h12("h12-pass-out-copy-subtract", "pass",
            "Correct: copies Aᴸ (a value, so the caller's is untouched) and subtracts Y in place, printing the shape.",
            h12sub(outputError: H12OutputError.passCopySubtract)),
        h12("h12-pass-he-matmul-hadamard", "pass",
            "Correct: a matmul helper computes Δˡ⁺¹ (Wˡ⁺¹)ᵀ with a correct transposed copy, then a separate loop multiplies by σ′(A) element by element.",
            h12sub(hiddenError: H12HiddenError.passMatmulHadamard)),
        h12("h12-pass-he-rows-functional", "pass",
            "Correct: each row of Δˡ is built from Δˡ⁺¹.row(i) and the rows of Wˡ⁺¹ with reduce, then σ′ from that row of A, assembled with Matrix(rows).",
            h12sub(hiddenError: H12HiddenError.passRowsFunctional)),
        h12("h12-pass-he-concurrent-rows", "pass",
            "Correct: the rows are computed in parallel with DispatchQueue.concurrentPerform, each writing its own row of a preallocated buffer.",
            h12sub(hiddenError: H12HiddenError.passConcurrentRows)),
        h12("h12-pass-wg-outer-products", "pass",
            "Correct: adds the outer product of row i of Aˡ⁻¹ and row i of Δˡ for each example (i outside), then divides every entry by m.",
            h12sub(weightGradient: H12WeightGradient.passOuterProducts)),
        h12("h12-pass-wg-transposed-copy", "pass",
            "Correct: takes input.transposed and multiplies it by Δ with a matmul helper, then scales by 1/m through division.",
            h12sub(weightGradient: H12WeightGradient.passTransposedCopy)),
        h12("h12-pass-wg-single-example-shortcut", "pass",
            "Correct: for m = 1 it returns the outer product aₖ δⱼ directly (dividing by 1 changes nothing), else the loops.",
            h12sub(weightGradient: H12WeightGradient.passSingleExampleShortcut)),
        h12("h12-pass-bg-reduce", "pass",
            "Correct: for each column j, (0..<m).reduce(0) { $0 + D[$1, j] } / m.",
            h12sub(biasGradient: H12BiasGradient.passReduce)),
        h12("h12-pass-bg-transposed-rows", "pass",
            "Correct: sums each row of Δᵀ in order and multiplies by 1 / Double(m), with a guard for m ≥ 1.",
            h12sub(biasGradient: H12BiasGradient.passTransposedRows)),
        h12("h12-pass-en-append-reverse", "pass",
            "Correct: the gradients are appended top layer first and the array reversed before it is returned.",
            h12sub(engine: h12engine(H12Engine.passAppendReverse))),
        h12("h12-pass-en-prepare-assign", "pass",
            "Correct: calls gradients.prepare(for:) and then assigns every layer and the loss.",
            h12sub(engine: h12engine(H12Engine.passPrepareAssign))),
        h12("h12-pass-en-recursive-backward", "pass",
            "Correct: the backward pass is a recursive local function from layer L down to 1, with shape prints in it.",
            h12sub(engine: h12engine(H12Engine.passRecursiveBackward))),
        h12("h12-pass-en-loss-divided", "pass",
            "Correct: the mean loss is computed with reduce(0, +) over the rows' losses divided by Double(m), the rest as the solution.",
            h12sub(engine: h12engine(H12Engine.passLossDivided))),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - Exercise 3: one example

enum H12OneExample {
    static func lossSoftmaxFormula(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        // cross-entropy: −Σ y log a
        var loss = 0.0
        for j in 0..<h[L] where y[j] != 0 { loss -= y[j] * log(a[L][j]) }
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func biasAfterSigma(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l == L {
                for j in 0..<h[l] { z[j] += b[j] }
                zL = z
                a.append(network.output.activation(z))
            } else {
                a.append((0..<h[l]).map { network.hidden.value(z[$0]) + b[$0] })
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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
        }
        return Gradients(loss: loss, layers: layers)
    }

    /// σ′ from the activation, by hand.
    static func sigmaPrime(_ a: Double, _ activation: Activation) -> Double {
        switch activation {
        case .sigmoid: return a * (1 - a)
        case .tanh:
            let t = tanh(a)
            return 1 - t * t
        case .relu: return a > 0 ? 1 : 0
        case .identity: return 1
        }
    }

    static func tanhPrimeReTanh(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var sum = 0.0
                    for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                    below[j] = sum * sigmaPrime(a[l - 1][j], network.hidden)
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func sigmaPrimeLayerAbove(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l > 1 {
                let W = network.layers[l - 1].weights
                var below = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var sum = 0.0
                    for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                    below[j] = sum * network.hidden.derivative(fromActivation: a[l][j])
                }
                delta = below
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func sigmoidOutputByHand(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
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
                a.append(z.map { 1 / (1 + exp(-$0)) })
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func targetAsClass(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        // y is one-hot: find the class
        let label = y.firstIndex(of: 1) ?? 0
        var delta = (0..<h[L]).map { a[L][$0] - ($0 == label ? 1 : 0) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func gwCopiedFromWeights(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = network.layers[l - 1].weights   // same shape as Wˡ
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] += a[l - 1][k] * delta[j] } }
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
        }
        return Gradients(loss: loss, layers: layers)
    }

    static let forwardMemo = H12Memo<[Double], (a: [[Double]], zL: [Double])>()

    static func forwardMemoByX(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        if let seen = forwardMemo.get(x) {
            a = seen.a
            zL = seen.zL
        } else {
            for l in 1...L {
                let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
                var z = [Double](repeating: 0, count: h[l])
                for j in 0..<h[l] {
                    z[j] = b[j]
                    for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
                }
                if l == L { zL = z }
                a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
            }
            forwardMemo.set(x, (a: a, zL: zL))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func floatActivations(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l == L {
                zL = z
                a.append(network.output.activation(z))
            } else {
                // store the activations in single precision to save memory
                let stored: [Float] = z.map { Float(network.hidden.value($0)) }
                a.append(stored.map { Double($0) })
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func deltaInPlace(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        // one buffer for every δ, as wide as the widest layer
        var delta = [Double](repeating: 0, count: h.max()!)
        for j in 0..<h[L] { delta[j] = a[L][j] - y[j] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: Array(delta[0..<h[l]]))
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                delta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func biasAfterDeltaMoves(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func sigmoidOutputExtraPrime(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                z[j] = b[j]
                for k in 0..<h[l - 1] { z[j] += W[k, j] * a[l - 1][k] }
            }
            if l == L { zL = z }
            a.append(l < L ? z.map { network.hidden.value($0) } : network.output.activation(z))
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        if network.output.activation == .sigmoid {
            // the sigmoid output needs its derivative
            for j in 0..<h[L] { delta[j] *= a[L][j] * (1 - a[L][j]) }
        }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = a[l - 1][k] * delta[j] } }
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
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func softmaxShiftByMin(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a: [[Double]] = [x]
        var zL: [Double] = []
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
                    // shift the logits so exp stays in range
                    let shift = z.min()!
                    let e = z.map { exp($0 - shift) }
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
        }
        return Gradients(loss: loss, layers: layers)
    }

    // Correct, unusual.

    static func passRecursive(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var grads = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var loss = 0.0

        // Layer l, given its input aˡ⁻¹: goes up to the output, and returns δˡ on the way back.
        func visit(_ l: Int, _ input: [Double]) -> [Double] {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var z = b
            for j in 0..<W.columns {
                for k in 0..<W.rows { z[j] += W[k, j] * input[k] }
            }
            let delta: [Double]
            if l == L {
                let out = network.output.activation(z)
                loss = network.output.loss(logits: z, activation: out, target: y)
                delta = zip(out, y).map { $0 - $1 }
            } else {
                let act = z.map { network.hidden.value($0) }
                let above = visit(l + 1, act)
                let Wabove = network.layers[l].weights
                delta = (0..<W.columns).map { j in
                    var s = 0.0
                    for k in 0..<Wabove.columns { s += Wabove[j, k] * above[k] }
                    return s * network.hidden.derivative(fromActivation: act[j])
                }
            }
            var gw = Matrix<Double>(rows: W.rows, columns: W.columns)
            for k in 0..<W.rows { for j in 0..<W.columns { gw[k, j] = input[k] * delta[j] } }
            grads[l - 1] = LayerParameters(weights: gw, biases: delta)
            return delta
        }

        _ = visit(1, x)
        return Gradients(loss: loss, layers: grads)
    }

    static func passInsertFront(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        var acts: [[Double]] = [x]
        var logits: [Double] = []
        for (index, layer) in network.layers.enumerated() {
            let input = acts[acts.count - 1]
            let z = (0..<layer.weights.columns).map { j in
                (0..<layer.weights.rows).reduce(layer.biases[j]) { $0 + layer.weights[$1, j] * input[$1] }
            }
            if index == L - 1 {
                logits = z
                acts.append(network.output.activation(z))
            } else {
                acts.append(z.map { network.hidden.value($0) })
            }
        }
        let out = acts[L]
        let loss = network.output.loss(logits: logits, activation: out, target: y)
        var delta = zip(out, y).map { $0 - $1 }
        var result: [LayerParameters<Double>] = []
        for l in (1...L).reversed() {
            let input = acts[l - 1]
            var gw = Matrix<Double>(rows: input.count, columns: delta.count)
            for k in input.indices { for j in delta.indices { gw[k, j] = input[k] * delta[j] } }
            result.insert(LayerParameters(weights: gw, biases: delta), at: 0)
            guard l > 1 else { continue }
            let W = network.layers[l - 1].weights
            let current = delta
            delta = input.indices.map { j in
                current.indices.reduce(0.0) { $0 + W[j, $1] * current[$1] }
                    * network.hidden.derivative(fromActivation: input[j])
            }
        }
        return Gradients(loss: loss, layers: result)
    }

    /// A [p, q] · [q, r] product, sums from 0 in order.
    static func matmul(_ A: Matrix<Double>, _ B: Matrix<Double>) -> Matrix<Double> {
        var C = Matrix<Double>(rows: A.rows, columns: B.columns)
        for i in 0..<A.rows {
            for j in 0..<B.columns {
                var s = 0.0
                for k in 0..<A.columns { s += A[i, k] * B[k, j] }
                C[i, j] = s
            }
        }
        return C
    }

    static func passColumnMatrices(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        let column = { (v: [Double]) in Matrix<Double>(rows: v.count, columns: 1, elements: v) }
        var a = [column(x)]
        var zL = [Double]()
        for l in 1...L {
            let layer = network.layers[l - 1]
            var z = matmul(layer.weights.transposed, a[l - 1])          // (Wˡ)ᵀ aˡ⁻¹, [h_l, 1]
            for j in 0..<z.rows { z[j, 0] = layer.biases[j] + z[j, 0] }  // + bˡ
            if l < L {
                a.append(z.map { network.hidden.value($0) })
            } else {
                zL = z.elements
                a.append(column(network.output.activation(z.elements)))
            }
        }
        let loss = network.output.loss(logits: zL, activation: a[L].elements, target: y)
        var delta = a[L]
        for j in 0..<delta.rows { delta[j, 0] = a[L][j, 0] - y[j] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            let gw = matmul(a[l - 1], delta.transposed)                 // aˡ⁻¹ (δˡ)ᵀ
            layers[l - 1] = LayerParameters(weights: gw, biases: delta.elements)
            if l > 1 {
                var back = matmul(network.layers[l - 1].weights, delta)  // Wˡ δˡ
                for j in 0..<back.rows {
                    back[j, 0] *= network.hidden.derivative(fromActivation: a[l - 1][j, 0])
                }
                delta = back
            }
        }
        return Gradients(loss: loss, layers: layers)
    }
}

// MARK: - Exercise 4: forward

enum H12Forward {
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

    static func clampLogits(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = min(max(sum, -50), 50)   // keep exp() from overflowing
            }
        }
        return Z
    }

    static func zipRowOfWeights(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            let x = A.row(i)
            for j in 0..<W.columns {
                Z[i, j] = zip(x, W.row(j)).reduce(b[j]) { $0 + $1.0 * $1.1 }
            }
        }
        return Z
    }

    static func flatStrideRows(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns {
                    sum += A.elements[i * A.rows + k] * W.elements[k * W.columns + j]
                }
                Z.elements[i * Z.columns + j] = sum
            }
        }
        return Z
    }

    static func singleExampleNoBias(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        if A.rows == 1 {
            // one example: the vector form z = Wᵀ x
            var z = Matrix<Double>(rows: 1, columns: W.columns)
            for j in 0..<W.columns {
                var s = 0.0
                for k in 0..<W.rows { s += W[k, j] * A[0, k] }
                z[0, j] = s
            }
            return z
        }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static let memo = H12Memo<[Double], Matrix<Double>>()

    static func memoByWeights(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let key = W.elements + [Double(W.rows), Double(W.columns)]
        if let seen = memo.get(key) { return seen }
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        memo.set(key, Z)
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

    static func columnsFromWeightRows(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.rows)
        for i in 0..<A.rows {
            for j in 0..<W.rows {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func lastExampleSkipped(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows - 1 {
            for j in 0..<W.columns {
                var sum = b[j]
                for k in 0..<A.columns { sum += A[i, k] * W[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // Correct, unusual.

    static func passKOuter(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        print("forward: A", A.shapeDescription, "W", W.shapeDescription, "b", b.count)
        var Z = Matrix<Double>(rows: A.rows, columns: W.columns)
        for i in 0..<A.rows {
            for j in 0..<W.columns { Z[i, j] = b[j] }
            for k in 0..<A.columns {
                let aik = A[i, k]
                for j in 0..<W.columns { Z[i, j] += aik * W[k, j] }
            }
        }
        return Z
    }

    static func passFunctional(_ A: Matrix<Double>, _ W: Matrix<Double>, _ b: [Double]) throws -> Matrix<Double> {
        let rows: [[Double]] = (0..<A.rows).map { i in
            let a = A.row(i)
            return (0..<W.columns).map { j in
                a.indices.reduce(b[j]) { sum, k in sum + a[k] * W[k, j] }
            }
        }
        return Matrix(rows: A.rows, columns: W.columns, elements: rows.flatMap { $0 })
    }
}

// MARK: - Exercise 4: output error

enum H12OutputError {
    static func columnsBoundRows(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.rows { delta[i, j] = A[i, j] - Y[i, j] }
        }
        return delta
    }

    static func argmaxTarget(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            var label = 0
            for j in 1..<Y.columns where Y[i, j] > Y[i, label] { label = j }
            for j in 0..<A.columns { delta[i, j] = A[i, j] - (j == label ? 1 : 0) }
        }
        return delta
    }

    /// Wrong for any target strictly between 0 and 1 (soft or smoothed labels, which a sigmoid + cross-entropy
    /// output takes): Y[i, j] = 0.3 gives A[i, j] − 0 where A[i, j] − 0.3 belongs. Right wherever Y is 0/1.
    static func binarisedTarget(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let target: Double = Y[i, j] > 0.5 ? 1 : 0
                delta[i, j] = A[i, j] - target
            }
        }
        return delta
    }

    static func clampedActivation(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                let a = min(max(A[i, j], eps), 1 - eps)   // avoid log(0)
                delta[i, j] = a - Y[i, j]
            }
        }
        return delta
    }

    static func softmaxAgain(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            var largest = A[i, 0]
            for j in 1..<A.columns { largest = max(largest, A[i, j]) }
            var total = 0.0
            for j in 0..<A.columns { total += exp(A[i, j] - largest) }
            for j in 0..<A.columns { delta[i, j] = exp(A[i, j] - largest) / total - Y[i, j] }
        }
        return delta
    }

    static func factorTwo(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = 2 * (A[i, j] - Y[i, j]) }
        }
        return delta
    }

    static func targetsAsColumns(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[j, i] }
        }
        return delta
    }

    static func breakAfterLabel(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns {
                delta[i, j] = A[i, j] - Y[i, j]
                if Y[i, j] == 1 { break }   // found the label
            }
        }
        return delta
    }

    static let memo = H12Memo<[Double], Matrix<Double>>()

    static func memoByTargets(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        let key = Y.elements + [Double(Y.rows), Double(Y.columns)]
        if let seen = memo.get(key) { return seen }
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] }
        }
        memo.set(key, delta)
        return delta
    }

    static func float(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = Double(Float(A[i, j]) - Float(Y[i, j])) }
        }
        return delta
    }

    static func exitOnMultilabel(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        for i in 0..<Y.rows where Y.row(i).reduce(0, +) != 1 {
            print("targets are not one-hot: row \(i) is \(Y.row(i))")
            exit(1)
        }
        var delta = Matrix<Double>(rows: A.rows, columns: A.columns)
        for i in 0..<A.rows {
            for j in 0..<A.columns { delta[i, j] = A[i, j] - Y[i, j] }
        }
        return delta
    }

    // Correct, unusual.

    static func passZipValidated(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        guard A.rows == Y.rows, A.columns == Y.columns else {
            throw BackpropError("output error: Aᴸ \(A.shapeDescription) and Y \(Y.shapeDescription) differ")
        }
        return Matrix(rows: A.rows, columns: A.columns, elements: zip(A.elements, Y.elements).map { $0 - $1 })
    }

    static func passCopySubtract(_ A: Matrix<Double>, _ Y: Matrix<Double>) throws -> Matrix<Double> {
        print("output error on", A.shapeDescription)
        var delta = A
        for i in 0..<delta.rows {
            for j in 0..<delta.columns { delta[i, j] -= Y[i, j] }
        }
        return delta
    }
}

// MARK: - Exercise 5: hidden error

enum H12HiddenError {
    static func sigmaPrimeAtK(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                              _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns {
                    sum += D[i, k] * W[j, k] * hidden.derivative(fromActivation: A[i, k])
                }
                delta[i, j] = sum
            }
        }
        return delta
    }

    static func reluAsTanh(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                           _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                let a = A[i, j]
                let slope = hidden == .sigmoid ? a * (1 - a) : 1 - a * a
                delta[i, j] = sum * slope
            }
        }
        return delta
    }

    static func sigmoidHardcoded(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                 _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * Activation.sigmoid.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func firstTermTwice(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = D[i, 0] * W[j, 0]
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func sumResetPerRow(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
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

    /// Wᵀ, [columns, rows].
    static func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
        var T = Matrix<Double>(rows: M.columns, columns: M.rows)
        for i in 0..<M.rows {
            for j in 0..<M.columns { T.elements[i * M.columns + j] = M[i, j] }
        }
        return T
    }

    static func transposeHelperCopies(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                      _ hidden: Activation) throws -> Matrix<Double> {
        let T = transpose(W)   // (Wˡ⁺¹)ᵀ, [h_{l+1}, h_l]
        var delta = Matrix<Double>(rows: D.rows, columns: T.columns)
        for i in 0..<D.rows {
            for j in 0..<T.columns {
                var sum = 0.0
                for k in 0..<T.rows { sum += D[i, k] * T[k, j] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func lastUnitAboveDropped(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                     _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns - 1 { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func sigmaPrimeTwice(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                let slope = hidden.derivative(fromActivation: A[i, j])
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] * slope }
                delta[i, j] = sum * slope
            }
        }
        return delta
    }

    static func dividedByM(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                           _ hidden: Activation) throws -> Matrix<Double> {
        let m = Double(D.rows)
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j]) / m
            }
        }
        return delta
    }

    static let transposes = H12Memo<[Int], Matrix<Double>>()

    static func transposeCachedByShape(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                       _ hidden: Activation) throws -> Matrix<Double> {
        let T: Matrix<Double>
        if let seen = transposes.get([W.rows, W.columns]) {
            T = seen
        } else {
            T = W.transposed
            transposes.set([W.rows, W.columns], T)
        }
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * T[k, j] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    // Correct, unusual.

    static func passMatmulHadamard(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var WT = Matrix<Double>(rows: W.columns, columns: W.rows)
        for r in 0..<W.rows { for c in 0..<W.columns { WT[c, r] = W[r, c] } }
        var delta = H12OneExample.matmul(D, WT)          // Δˡ⁺¹ (Wˡ⁺¹)ᵀ
        for i in 0..<delta.rows {
            for j in 0..<delta.columns { delta[i, j] *= hidden.derivative(fromActivation: A[i, j]) }
        }
        return delta
    }

    static func passRowsFunctional(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        let rows: [[Double]] = (0..<D.rows).map { i in
            let above = D.row(i), own = A.row(i)
            return (0..<W.rows).map { j in
                let wj = W.row(j)
                let back = zip(above, wj).reduce(0.0) { $0 + $1.0 * $1.1 }
                return back * hidden.derivative(fromActivation: own[j])
            }
        }
        return Matrix(rows: D.rows, columns: W.rows, elements: rows.flatMap { $0 })
    }

    static func passConcurrentRows(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        let m = D.rows, width = W.rows, above = W.columns
        let out = UnsafeMutableBufferPointer<Double>.allocate(capacity: m * width)
        defer { out.deallocate() }
        out.initialize(repeating: 0)
        nonisolated(unsafe) let buffer = out
        DispatchQueue.concurrentPerform(iterations: m) { i in
            for j in 0..<width {
                var sum = 0.0
                for k in 0..<above { sum += D[i, k] * W[j, k] }
                buffer[i * width + j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return Matrix(rows: m, columns: width, elements: Array(out))
    }
}

// MARK: - Exercise 6: weight gradient

enum H12WeightGradient {
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

    static func firstExampleSkipped(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func kBoundM(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.rows {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func clipped(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = min(max(sum / Double(m), -1), 1)   // clip so training does not explode
            }
        }
        return G
    }

    static func zeroActivationBreak(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m {
                    if A[i, k] == 0 { break }   // nothing to add for a dead unit
                    sum += A[i, k] * D[i, j]
                }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static let memo = H12Memo<[Double], Matrix<Double>>()

    static func memoByInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let key = A.elements + [Double(A.rows), Double(A.columns), Double(D.columns)]
        if let seen = memo.get(key) { return seen }
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        memo.set(key, G)
        return G
    }

    static func inputTimesInput(_ input: Matrix<Double>, _ delta: Matrix<Double>) throws -> Matrix<Double> {
        let m = input.rows
        var G = Matrix<Double>(rows: input.columns, columns: delta.columns)
        for k in 0..<input.columns {
            for j in 0..<delta.columns {
                var sum = 0.0
                for i in 0..<m { sum += input[i, k] * input[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func flattenedColumnMajor(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var flat: [Double] = []
        for j in 0..<D.columns {
            for k in 0..<A.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                flat.append(sum / Double(m))
            }
        }
        return Matrix(rows: A.columns, columns: D.columns, elements: flat)
    }

    static func floatProduct(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    // Correct, unusual.

    static func passOuterProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            let a = A.row(i), d = D.row(i)
            for k in a.indices {
                for j in d.indices { G[k, j] += a[k] * d[j] }
            }
        }
        let m = Double(A.rows)
        for k in 0..<G.rows {
            for j in 0..<G.columns { G[k, j] /= m }
        }
        return G
    }

    static func passTransposedCopy(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let G = H12OneExample.matmul(A.transposed, D)   // (Aˡ⁻¹)ᵀ Δˡ
        let m = Double(A.rows)
        return G.map { $0 / m }
    }

    static func passSingleExampleShortcut(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        if A.rows == 1 {
            // one example: ∂W = a δᵀ, and the mean of one is itself
            for k in 0..<A.columns { for j in 0..<D.columns { G[k, j] = A[0, k] * D[0, j] } }
            return G
        }
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<A.rows { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(A.rows)
            }
        }
        return G
    }
}

// MARK: - Exercise 6: bias gradient

enum H12BiasGradient {
    static func meanOfAll(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows * D.columns) }
    }

    static func strideRows(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in
            stride(from: j, to: D.elements.count, by: D.rows).reduce(0.0) { $0 + D.elements[$1] } / Double(D.rows)
        }
    }

    static func firstRowTwice(_ D: Matrix<Double>) throws -> [Double] {
        var sums = D.row(0)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static let memo = H12Memo<[Int], [Double]>()

    static func memoByShape(_ D: Matrix<Double>) throws -> [Double] {
        if let seen = memo.get([D.rows, D.columns]) { return seen }
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        let result = sums.map { $0 / Double(D.rows) }
        memo.set([D.rows, D.columns], result)
        return result
    }

    static func runningDivide(_ D: Matrix<Double>) throws -> [Double] {
        let m = Double(D.rows)
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows {
            for j in 0..<D.columns { sums[j] = (sums[j] + D[i, j]) / m }
        }
        return sums
    }

    static func epsilonDenominator(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / (Double(D.rows) + 1e-8) }
    }

    static func lastUnitDropped(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns - 1 { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func zeroBreak(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            for i in 0..<D.rows {
                if D[i, j] == 0 { break }   // nothing to add
                sums[j] += D[i, j]
            }
        }
        return sums.map { $0 / Double(D.rows) }
    }

    static func roundedSixDecimals(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { ($0 / Double(D.rows) * 1e6).rounded() / 1e6 }
    }

    static func whileContinue(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            var i = 0
            while i < D.rows {
                if D[i, j] == 0 { continue }   // nothing to add
                sums[j] += D[i, j]
                i += 1
            }
        }
        return sums.map { $0 / Double(D.rows) }
    }

    // Correct, unusual.

    static func passReduce(_ D: Matrix<Double>) throws -> [Double] {
        (0..<D.columns).map { j in (0..<D.rows).reduce(0.0) { $0 + D[$1, j] } / Double(D.rows) }
    }

    static func passTransposedRows(_ D: Matrix<Double>) throws -> [Double] {
        guard D.rows >= 1 else { throw BackpropError("bias gradient: Δ has no rows") }
        let T = D.transposed
        let scale = 1 / Double(D.rows)
        return (0..<T.rows).map { j in T.row(j).reduce(0, +) * scale }
    }
}

// MARK: - Exercise 7: batch engine

enum H12Engine {
    static func lossOverLayers(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                               _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
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
        gradients = Gradients(loss: loss / Double(L), layers: layers)
    }

    static func hiddenConditionOffByOne(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                        _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            if l < L - 1 {
                A.append(Zl.map { network.hidden.value($0) })
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

    static func hiddenErrorGivenZ(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                  _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [X]
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
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, Z[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func xForEveryWeightGradient(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                        _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
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
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(X, delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func meanOverOutputs(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        var loss = 0.0
        for i in 0..<Y.rows { loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i)) }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: loss * (1 / Double(Y.columns)), layers: layers)
    }

    static let forwardMemo = H12Memo<[Double], (A: [Matrix<Double>], ZL: Matrix<Double>)>()

    static func forwardMemoByX(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                               _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        let key = X.elements + [Double(X.rows), Double(X.columns)]
        var A = [X]
        var ZL: Matrix<Double>
        if let seen = forwardMemo.get(key) {
            A = seen.A
            ZL = seen.ZL
        } else {
            ZL = X
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                if l == L { ZL = Zl }
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            forwardMemo.set(key, (A: A, ZL: ZL))
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

    static func deltasAppended(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                               _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
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
        // every error first, from the top down
        var deltas = [try steps.outputError(A[L], Y)]
        for l in stride(from: L, to: 1, by: -1) {
            deltas.append(try steps.hiddenError(deltas[deltas.count - 1], network.layers[l - 1].weights, A[l - 1],
                                                network.hidden))
        }
        // then the gradients: deltas[l - 1] is Δˡ
        var layers: [LayerParameters<Double>] = []
        for l in 1...L {
            layers.append(LayerParameters(weights: try steps.weightGradient(A[l - 1], deltas[l - 1]),
                                          biases: try steps.biasGradient(deltas[l - 1])))
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func lossByHandClamped(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                  _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        // cross-entropy, with a floor so log never sees 0
        var loss = 0.0
        for i in 0..<m {
            for j in 0..<Y.columns { loss -= Y[i, j] * log(max(A[L][i, j], 1e-12)) }
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

    static func prepareLossNeverSet(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                    _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
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
        loss *= 1 / Double(m)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            gradients.layers[l - 1].weights = try steps.weightGradient(A[l - 1], delta)
            gradients.layers[l - 1].biases = try steps.biasGradient(delta)
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
    }

    static func outputPerElement(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                 _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
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

    static func refusesOneExample(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                  _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
        guard X.rows > 1 else { throw BackpropError("a batch needs at least two examples, got \(X.rows)") }
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
    }

    static func hiddenErrorSigmoid(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                   _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
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
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], .sigmoid) }
        }
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func lossIntegerInverse(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                   _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
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

    // Correct, unusual.

    static func passAppendReverse(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                  _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var acts = [X]
        var logits = X
        for (index, layer) in network.layers.enumerated() {
            let z = try steps.forward(acts[index], layer.weights, layer.biases)
            if index == L - 1 {
                logits = z
                acts.append(z.mapRows { network.output.activation($0) })
            } else {
                acts.append(z.map { network.hidden.value($0) })
            }
        }
        var total = 0.0
        for i in 0..<m {
            total += network.output.loss(logits: logits.row(i), activation: acts[L].row(i), target: Y.row(i))
        }
        var topFirst: [LayerParameters<Double>] = []
        var delta = try steps.outputError(acts[L], Y)
        for l in (1...L).reversed() {
            topFirst.append(LayerParameters(weights: try steps.weightGradient(acts[l - 1], delta),
                                            biases: try steps.biasGradient(delta)))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, acts[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: total * (1 / Double(m)), layers: Array(topFirst.reversed()))
    }

    static func passPrepareAssign(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                  _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
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

    static func passRecursiveBackward(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                      _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
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
            print("l =", l, "A[l - 1]", A[l - 1].shapeDescription, "delta", delta.shapeDescription)
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            guard l > 1 else { return }
            try backward(l - 1, try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden))
        }

        try backward(L, try steps.outputError(A[L], Y))
        gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
    }

    static func passLossDivided(_ steps: MatrixFormSteps, _ network: Network<Double>, _ X: Matrix<Double>,
                                _ Y: Matrix<Double>, _ gradients: inout Gradients<Double>) throws {
        let L = network.layerCount, m = X.rows
        var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
        for l in 1...L {
            let layer = network.layers[l - 1]
            let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
            Z.append(Zl)
            A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
        }
        let losses = (0..<m).map { i in
            network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i))
        }
        let meanLoss = losses.reduce(0, +) / Double(m)
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        var delta = try steps.outputError(A[L], Y)
        for l in stride(from: L, through: 1, by: -1) {
            layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                            biases: try steps.biasGradient(delta))
            if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
        }
        gradients = Gradients(loss: meanLoss, layers: layers)
    }
}
