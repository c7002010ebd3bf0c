import Backprop
import BackpropExercises
import Foundation

// Held-out catalogue 14: a class's hand-ins, written from the course pages only (the exercises, the notation, the
// note's equations and the reference solutions), never from the checker. Each wrong hand-in has exactly one slip, in
// one step; every other step is Solutions'. The "pass" hand-ins are correct, written unusually.

public struct HeldOut14Submission: Sendable {
    public let name: String
    public let expected: String   // the step where the slip is ("one example", "forward", "output error", "hidden error", "weight gradient", "bias gradient", "batch engine"), or "pass"
    public let mistake: String    // the slip in one sentence, as a TA would describe it
    public let submission: StudentSubmission
}

func h14(_ name: String, _ expected: String, _ mistake: String, _ submission: StudentSubmission) -> HeldOut14Submission {
    HeldOut14Submission(name: name, expected: expected, mistake: mistake, submission: submission)
}

/// A submission made of Solutions' steps, with the given ones replaced.
func h14sub(
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

public enum HeldOut14Catalogue {
    public static let all: [HeldOut14Submission] = [
        // MARK: exercise 3, one example
        h14("h14-oe-bias-in-sum", "one example",
            "the forward sum is written zl[j] += W[i, j] * a[i] + b[j] from zl[j] = 0, so bⱼ is added once per input unit (h_{l−1} times) instead of once",
            h14sub(oneExample: H14OneExample.biasInSum)),
        h14("h14-oe-sigmoid-prime-by-hand", "one example",
            "σ′ in the hidden error is written by hand as a(1 − a) for every network, which is the sigmoid's derivative and wrong for tanh (1 − a²) and ReLU hidden layers",
            h14sub(oneExample: H14OneExample.sigmoidPrimeByHand)),
        h14("h14-oe-loss-over-outputs", "one example",
            "the loss is network.output.loss(…) / Double(y.count), the mean over the c outputs (as Keras reports it) instead of ℓ itself; the gradients are right",
            h14sub(oneExample: H14OneExample.lossOverOutputs)),
        h14("h14-oe-target-as-label", "one example",
            "δᴸ is built as aᴸ with 1 subtracted at y.firstIndex(of: 1)!, reading the target as one class label: wrong for multi-label or soft targets and a crash on a target row of zeros",
            h14sub(oneExample: H14OneExample.targetAsLabel)),
        h14("h14-oe-float-forward", "one example",
            "zˡ is accumulated in a [Float] array (Float(b[j]) + Σ Float(W) * Float(a)) and converted back, so every pre-activation carries single-precision rounding",
            h14sub(oneExample: H14OneExample.floatForward)),
        h14("h14-oe-sigmoid-output-prime", "one example",
            "when the output is a sigmoid, δᴸ is multiplied by aᴸ(1 − aᴸ) (the squared-error rule), although with cross-entropy δᴸ = aᴸ − y exactly",
            h14sub(oneExample: H14OneExample.sigmoidOutputPrime)),
        h14("h14-oe-bias-after-delta-moved", "one example",
            "layers[l − 1] = LayerParameters(weights: gw, biases: delta) is written after delta has been replaced by δˡ⁻¹, so ∂bˡ gets the layer below's error (and a shape precondition trips when h_{l−1} ≠ h_l)",
            h14sub(oneExample: H14OneExample.biasAfterDeltaMoved)),
        h14("h14-oe-recursion-stops-at-2", "one example",
            "the recursive backward pass returns at its base case l == 1 before storing layer 1's gradients, so ∂W¹, ∂b¹ stay the 1 × 1 placeholder",
            h14sub(oneExample: H14OneExample.recursionStopsAt2)),
        h14("h14-oe-one-based-sum", "one example",
            "the forward sum runs for i in 1..<h[l − 1] (units numbered from 1, as in exercise 1), so input unit 0 never contributes to zˡ",
            h14sub(oneExample: H14OneExample.oneBasedSum)),
        h14("h14-oe-exit-on-large-loss", "one example",
            "a sanity check `if loss > 50 { print(…); exit(1) }` ends the program whenever one example's loss is large, which it legitimately is with logits in the hundreds",
            h14sub(oneExample: H14OneExample.exitOnLargeLoss)),
        h14("h14-oe-hidden-sum-not-reset", "one example",
            "in the hidden error `var sum = 0.0` is declared before the loop over j, so δˡⱼ gets the running sum of every earlier unit's Σₖ W[j, k] δₖ as well",
            h14sub(oneExample: H14OneExample.hiddenSumNotReset)),

        // MARK: exercise 4, forward
        h14("h14-fw-k-bound-rows", "forward",
            "the sum over k runs for k in 0..<input.rows (m) instead of 0..<input.columns (h_{l−1}), so it adds m terms",
            h14sub(forward: H14Forward.kBoundRows)),
        h14("h14-fw-shape-from-input", "forward",
            "Z is created as Matrix(rows: input.rows, columns: input.columns) and j runs over Z.columns, so Zˡ has h_{l−1} columns instead of h_l",
            h14sub(forward: H14Forward.shapeFromInput)),
        h14("h14-fw-float-sum", "forward",
            "the sum is a Float (var sum = Float(bias[j]), sum += Float(A[i, k] * W[k, j])), so Zˡ is rounded to single precision",
            h14sub(forward: H14Forward.floatSum)),
        h14("h14-fw-transpose-cache", "forward",
            "Wᵀ is cached in a global dictionary keyed by the shape \"rows x columns\", so a later call with other weights of the same shape uses the first call's weights",
            h14sub(forward: H14Forward.transposeCache)),
        h14("h14-fw-bias-twice", "forward",
            "the sum starts at bias[j] and Z[i, j] = sum + bias[j] adds it again, so every Z[i, j] has 2 bⱼ",
            h14sub(forward: H14Forward.biasTwice)),
        h14("h14-fw-break-on-zero", "forward",
            "a sparsity shortcut `if input[i, k] == 0 { break }` stops the whole sum at the first zero input (ReLU units that are off) where `continue` was meant",
            h14sub(forward: H14Forward.breakOnZero)),
        h14("h14-fw-last-row-skipped", "forward",
            "the loop over examples is for i in 0..<input.rows − 1, so the last example's row of Zˡ is left at 0",
            h14sub(forward: H14Forward.lastRowSkipped)),
        h14("h14-fw-flat-index-rows", "forward",
            "Wˡ[k, j] is read by hand as weights.elements[k * weights.rows + j], a row stride of h_{l−1} where the row-major stride is weights.columns (h_l)",
            h14sub(forward: H14Forward.flatIndexRows)),
        h14("h14-fw-clamp-logits", "forward",
            "Z[i, j] is clamped to [−500, 500] \"so that exp cannot overflow\", which changes every pre-activation beyond ±500",
            h14sub(forward: H14Forward.clampLogits)),
        h14("h14-fw-single-row-path", "forward",
            "a special path for m = 1 takes zip(x, weights.row(j)), row j of Wˡ, where column j belongs, so a batch of one example gets x · Wˡ[j, :] + bⱼ",
            h14sub(forward: H14Forward.singleRowPath)),

        // MARK: exercise 4, output error
        h14("h14-out-argmax-label", "output error",
            "each target row is turned into the index of its largest entry and Δ[i, j] = A[i, j] − (j == label ? 1 : 0), so multi-label and soft targets are read as one class",
            h14sub(outputError: H14OutputError.argmaxLabel)),
        h14("h14-out-int-targets", "output error",
            "Δ[i, j] = A[i, j] − Double(Int(Y[i, j])): the targets are cast to Int as class labels, which truncates a soft target such as 0.7 to 0",
            h14sub(outputError: H14OutputError.intTargets)),
        h14("h14-out-swapped-bounds", "output error",
            "the loops run i over output.columns and j over output.rows while indexing [i, j], so a non-square Aᴸ is indexed past its rows",
            h14sub(outputError: H14OutputError.swappedBounds)),
        h14("h14-out-clip-probabilities", "output error",
            "Aᴸ is clipped to [1e−7, 1 − 1e−7] before subtracting Y (a habit from writing log-losses), so outputs of exactly 0 or 1 give Δ off by 1e−7",
            h14sub(outputError: H14OutputError.clipProbabilities)),
        h14("h14-out-skip-zero-rows", "output error",
            "a target row of all zeros is taken for an unlabelled example and its Δ row left at 0, where Aᴸ − 0 = Aᴸ belongs",
            h14sub(outputError: H14OutputError.skipZeroRows)),
        h14("h14-out-cache-by-output", "output error",
            "the last Δᴸ is cached under the output matrix Aᴸ alone, so a call with the same activations and other targets returns the old targets' Δᴸ",
            h14sub(outputError: H14OutputError.cacheByOutput)),
        h14("h14-out-float", "output error",
            "Δ[i, j] = Double(Float(A[i, j]) − Float(Y[i, j])), computed in single precision",
            h14sub(outputError: H14OutputError.float)),
        h14("h14-out-softmax-again", "output error",
            "the output is taken for logits and softmaxed again row by row before Y is subtracted, so Δᴸ = softmax(Aᴸ) − Y",
            h14sub(outputError: H14OutputError.softmaxAgain)),
        h14("h14-out-one-based-columns", "output error",
            "the loop over classes is for j in 1..<output.columns (classes numbered from 1), so column 0 of Δᴸ stays 0",
            h14sub(outputError: H14OutputError.oneBasedColumns)),
        h14("h14-out-normalised-targets", "output error",
            "each target row is divided by its sum \"so that it is a distribution\", which halves a two-label row and makes a row of zeros 0/0 = NaN",
            h14sub(outputError: H14OutputError.normalisedTargets)),

        // MARK: exercise 5, hidden error
        h14("h14-he-tanh-prime-of-a", "hidden error",
            "σ′ is written by hand per activation and the tanh case is 1 − tanh(a)², applying tanh to the activation a that is already tanh(z); 1 − a² belongs",
            h14sub(hiddenError: H14HiddenError.tanhPrimeOfA)),
        h14("h14-he-shape-from-delta-above", "hidden error",
            "Δˡ is created as Matrix(rows: D.rows, columns: D.columns), the shape of Δˡ⁺¹, and j runs over D.columns (h_{l+1}) instead of W.rows (h_l)",
            h14sub(hiddenError: H14HiddenError.shapeFromDeltaAbove)),
        h14("h14-he-sum-reset-per-row", "hidden error",
            "`var sum = 0.0` sits inside the loop over i but outside the loop over j, so each Δ[i, j] includes the sums of the earlier units j of the same row",
            h14sub(hiddenError: H14HiddenError.sumResetPerRow)),
        h14("h14-he-sigma-prime-at-k", "hidden error",
            "σ′ is put inside the sum and read at A[i, k], the unit k of the layer above, instead of once after the sum at A[i, j]",
            h14sub(hiddenError: H14HiddenError.sigmaPrimeAtK)),
        h14("h14-he-cached-sigma-prime", "hidden error",
            "σ′(Aˡ) is cached in a global keyed by the shape of Aˡ, so a later call with other activations of the same shape uses the first call's σ′",
            h14sub(hiddenError: H14HiddenError.cachedSigmaPrime)),
        h14("h14-he-sigma-prime-twice", "hidden error",
            "σ′(A[i, j]) multiplies every term inside the sum and the sum again afterwards, so Δˡ has σ′ squared",
            h14sub(hiddenError: H14HiddenError.sigmaPrimeTwice)),
        h14("h14-he-double-transpose", "hidden error",
            "the student forms Wt = W.transposed and then reads Wt[j, k], which is W[k, j]: the transpose is applied twice and the sum uses Δˡ⁺¹ Wˡ⁺¹",
            h14sub(hiddenError: H14HiddenError.doubleTranspose)),
        h14("h14-he-skip-zero-loops-forever", "hidden error",
            "a while loop over k skips zero entries of Δˡ⁺¹ with `continue` before k += 1, so it never ends once Δˡ⁺¹ has an exact 0 (ReLU units that are off)",
            h14sub(hiddenError: H14HiddenError.skipZeroLoopsForever)),
        h14("h14-he-m-from-columns", "hidden error",
            "the loop over examples is for i in 0..<activations.columns (h_l) instead of 0..<deltaAbove.rows (m)",
            h14sub(hiddenError: H14HiddenError.mFromColumns)),
        h14("h14-he-exit-after-relu-print", "hidden error",
            "a debugging `if hidden == .relu { print(delta); exit(0) }` was left before the return, so every ReLU network ends the program",
            h14sub(hiddenError: H14HiddenError.exitAfterReluPrint)),

        // MARK: exercise 6, weight gradient
        h14("h14-wg-divided-by-columns", "weight gradient",
            "G[k, j] = sum / Double(input.columns): the sum is divided by h_{l−1} instead of m = input.rows",
            h14sub(weightGradient: H14WeightGradient.dividedByColumns)),
        h14("h14-wg-first-example-twice", "weight gradient",
            "the sum starts at input[0, k] * delta[0, j] and then runs over i from 0, so example 0 is counted twice",
            h14sub(weightGradient: H14WeightGradient.firstExampleTwice)),
        h14("h14-wg-cache-by-input", "weight gradient",
            "∂Wˡ is cached under Aˡ⁻¹ alone, so a call with the same activations and another Δˡ returns the old gradient",
            h14sub(weightGradient: H14WeightGradient.cacheByInput)),
        h14("h14-wg-scales-delta-in-place", "weight gradient",
            "Δˡ is divided by m in place through UnsafeMutablePointer(mutating:) on delta.elements, which writes into the caller's Δˡ (used afterwards for ∂bˡ)",
            h14sub(weightGradient: H14WeightGradient.scalesDeltaInPlace)),
        h14("h14-wg-recursion-misses-first", "weight gradient",
            "the recursive sum s(i) = A[i, k] Δ[i, j] + s(i − 1) has the base case s(0) = 0, so example 0 never contributes",
            h14sub(weightGradient: H14WeightGradient.recursionMissesFirst)),
        h14("h14-wg-scale-pass-bound", "weight gradient",
            "the second pass that divides by m runs j over 0..<G.rows (copied from the k loop) instead of 0..<G.columns, so columns beyond h_{l−1} stay unscaled (or it runs past G)",
            h14sub(weightGradient: H14WeightGradient.scalePassBound)),
        h14("h14-wg-matmul-helper-bound", "weight gradient",
            "the helper matmul(P, Q) runs its inner sum over 0..<P.rows instead of 0..<P.columns, so matmul(Aᵀ, Δ) sums over h_{l−1} examples instead of m",
            h14sub(weightGradient: H14WeightGradient.matmulHelperBound)),
        h14("h14-wg-swapped-bounds", "weight gradient",
            "the loops run k over delta.columns and j over input.columns while computing G[k, j] = Σ A[i, k] Δ[i, j], so a non-square ∂Wˡ is indexed past its shape",
            h14sub(weightGradient: H14WeightGradient.swappedBounds)),
        h14("h14-wg-float-division", "weight gradient",
            "the mean is taken as Double(Float(sum) / Float(m)), rounding every gradient to single precision",
            h14sub(weightGradient: H14WeightGradient.floatDivision)),
        h14("h14-wg-square-precondition", "weight gradient",
            "a leftover precondition(input.columns == delta.columns) compares the widths where the rows (m) were meant, so every non-square layer stops the program",
            h14sub(weightGradient: H14WeightGradient.squarePrecondition)),

        // MARK: exercise 6, bias gradient
        h14("h14-bg-first-row-twice", "bias gradient",
            "the sums start as delta.row(0) and the loop over examples also starts at i = 0, so example 0's Δ row is counted twice",
            h14sub(biasGradient: H14BiasGradient.firstRowTwice)),
        h14("h14-bg-assign-not-add", "bias gradient",
            "sums[j] = delta[i, j] overwrites where += belongs, so ∂bˡ is the last example's Δ row divided by m",
            h14sub(biasGradient: H14BiasGradient.assignNotAdd)),
        h14("h14-bg-integer-scale", "bias gradient",
            "the scale is Double(1 / delta.rows), an integer division that is 0 for any m above 1",
            h14sub(biasGradient: H14BiasGradient.integerScale)),
        h14("h14-bg-m-remembered", "bias gradient",
            "m is stored in a global on the first call and reused, so every later batch of another size is divided by the first batch's m",
            h14sub(biasGradient: H14BiasGradient.mRemembered)),
        h14("h14-bg-count-by-rows", "bias gradient",
            "the sums array is created with count delta.rows (m) instead of delta.columns (h_l), so ∂bˡ has m entries (and a batch smaller than h_l runs past it)",
            h14sub(biasGradient: H14BiasGradient.countByRows)),
        h14("h14-bg-flat-modulo-rows", "bias gradient",
            "the flat loop over delta.elements adds element idx into sums[idx % delta.rows], where the column is idx % delta.columns",
            h14sub(biasGradient: H14BiasGradient.flatModuloRows)),
        h14("h14-bg-mean-of-all", "bias gradient",
            "each column sum is divided by delta.rows * delta.columns (np.mean over the whole Δ) instead of by m",
            h14sub(biasGradient: H14BiasGradient.meanOfAll)),
        h14("h14-bg-increment-in-if", "bias gradient",
            "in the while loop over i, `i += 1` sits inside `if delta[i, j] != 0 { … }`, so the loop never ends at an exact 0 in Δ (ReLU units that are off)",
            h14sub(biasGradient: H14BiasGradient.incrementInIf)),
        h14("h14-bg-column-helper-row", "bias gradient",
            "the helper column(M, j) returns (0..<M.columns).map { M[j, $0] }, row j, so ∂bⱼ sums example j's row over the units",
            h14sub(biasGradient: H14BiasGradient.columnHelperRow)),

        // MARK: exercise 7, batch engine
        h14("h14-en-top-form-sigma-layer", "batch engine",
            "with Δˡ computed at the top of the backward loop, hiddenError(Δˡ⁺¹, Wˡ⁺¹, A[l − 1], σ) is given Aˡ⁻¹ where Aˡ (A[l]) belongs",
            h14sub(engine: { AnyBackpropEngine(H14Engine.TopFormSigmaLayer(steps: $0)) })),
        h14("h14-en-loss-over-classes", "batch engine",
            "the mean loss divides the sum of the examples' losses by Double(Y.columns) (c) instead of by m",
            h14sub(engine: { AnyBackpropEngine(H14Engine.LossOverClasses(steps: $0)) })),
        h14("h14-en-always-softmax", "batch engine",
            "the output activation is a hand-written softmax whatever network.output is, so a sigmoid output layer gets a softmax",
            h14sub(engine: { AnyBackpropEngine(H14Engine.AlwaysSoftmax(steps: $0)) })),
        h14("h14-en-loss-added-into-gradients", "batch engine",
            "after gradients.prepare(for:), the loss is added into gradients.loss (+= ℓᵢ/m) without being set to 0 first, so it keeps whatever the storage held",
            h14sub(engine: { AnyBackpropEngine(H14Engine.LossAddedIntoGradients(steps: $0)) })),
        h14("h14-en-backward-through-0", "batch engine",
            "the backward loop is stride(from: L, through: 0, by: −1), so it reaches l = 0 and reads A[−1] and layers[−1]",
            h14sub(engine: { AnyBackpropEngine(H14Engine.BackwardThrough0(steps: $0)) })),
        h14("h14-en-cache-by-inputs", "batch engine",
            "the forward pass is cached under X alone, so a call with the same batch and other weights reuses the old activations",
            h14sub(engine: { AnyBackpropEngine(H14Engine.CacheByInputs(steps: $0)) })),
        h14("h14-en-hidden-error-given-z", "batch engine",
            "hiddenError is called with Z[l − 1] (reading σ′(Zˡ⁻¹) literally) where the activations A[l − 1] belong",
            h14sub(engine: { AnyBackpropEngine(H14Engine.HiddenErrorGivenZ(steps: $0)) })),
        h14("h14-en-loss-row-0", "batch engine",
            "inside the loop over i the loss reads Z[L].row(0), A[L].row(0) and Y.row(0), so 𝓛 is example 0's loss",
            h14sub(engine: { AnyBackpropEngine(H14Engine.LossRow0(steps: $0)) })),
        h14("h14-en-zero-based-sigma-bound", "batch engine",
            "the forward loop was rewritten as l in 0..<L but kept `l < L ? hidden : output`, so the output layer gets the hidden σ (l < L − 1 belongs)",
            h14sub(engine: { AnyBackpropEngine(H14Engine.ZeroBasedSigmaBound(steps: $0)) })),
        h14("h14-en-loss-given-activations", "batch engine",
            "the loss is called with logits: A[L].row(i), the activations, where the logits Z[L].row(i) belong",
            h14sub(engine: { AnyBackpropEngine(H14Engine.LossGivenActivations(steps: $0)) })),

        // MARK: correct, written unusually
        h14("h14-pass-oe-reduce-insert", "pass",
            "one example with reduce for every sum and the layers inserted at the front in the backward loop",
            h14sub(oneExample: H14OneExample.passReduceInsert)),
        h14("h14-pass-oe-transposed-rows", "pass",
            "one example with (Wˡ)ᵀ formed once per layer and zˡ as dot products of its rows, δ computed at the top of the backward loop",
            h14sub(oneExample: H14OneExample.passTransposedRows)),
        h14("h14-pass-oe-fma", "pass",
            "one example with the exercise 9 chains: addingProduct from bⱼ and from 0, ∂W as (0.0).addingProduct, ∂b as 0 + δⱼ",
            h14sub(oneExample: H14OneExample.passFMA)),
        h14("h14-pass-fw-fma", "pass",
            "forward with addingProduct, started from bⱼ, k in order",
            h14sub(forward: H14Forward.passFMA)),
        h14("h14-pass-fw-dot-helper", "pass",
            "forward through a dot(row, column) helper on Wˡ's columns, with a debug print of the shapes",
            h14sub(forward: H14Forward.passDotHelper)),
        h14("h14-pass-out-elements", "pass",
            "output error as a copy of Aᴸ with Y subtracted element by element on the flat storage",
            h14sub(outputError: H14OutputError.passElements)),
        h14("h14-pass-out-validating", "pass",
            "output error that checks the shapes and that every target is finite and in [0, 1] before subtracting (throws otherwise)",
            h14sub(outputError: H14OutputError.passValidating)),
        h14("h14-pass-he-transposed", "pass",
            "hidden error reading an explicit (Wˡ⁺¹)ᵀ at [k, j]",
            h14sub(hiddenError: H14HiddenError.passTransposed)),
        h14("h14-pass-he-sigma-prime-first", "pass",
            "hidden error with σ′(Aˡ) mapped into a matrix first, then the sums, then one product per element",
            h14sub(hiddenError: H14HiddenError.passSigmaPrimeFirst)),
        h14("h14-pass-wg-outer-products", "pass",
            "weight gradient as a sum of the examples' outer products (loop over i outermost), divided by m in a second pass",
            h14sub(weightGradient: H14WeightGradient.passOuterProducts)),
        h14("h14-pass-wg-fma", "pass",
            "weight gradient with addingProduct over the examples in order and × (1 / Double(m))",
            h14sub(weightGradient: H14WeightGradient.passFMA)),
        h14("h14-pass-wg-transposed-copy", "pass",
            "weight gradient from an explicit (Aˡ⁻¹)ᵀ and a small matmul helper, then / m",
            h14sub(weightGradient: H14WeightGradient.passTransposedCopy)),
        h14("h14-pass-bg-transposed-reduce", "pass",
            "bias gradient as the rows of Δᵀ reduced from 0, times 1 / Double(m)",
            h14sub(biasGradient: H14BiasGradient.passTransposedReduce)),
        h14("h14-pass-bg-validating", "pass",
            "bias gradient that throws on an empty Δ, prints its shape, and sums column by column",
            h14sub(biasGradient: H14BiasGradient.passValidating)),
        h14("h14-pass-en-delta-at-top", "pass",
            "engine that computes Δˡ at the top of each backward iteration from Δˡ⁺¹, with the gradients after it",
            h14sub(engine: { AnyBackpropEngine(H14Engine.PassDeltaAtTop(steps: $0)) })),
        h14("h14-pass-en-prepare-assign", "pass",
            "engine that calls gradients.prepare(for:), assigns every layer and the loss (divided by m), zero-based loops",
            h14sub(engine: { AnyBackpropEngine(H14Engine.PassPrepareAssign(steps: $0)) })),
        h14("h14-pass-en-recursive", "pass",
            "engine whose backward pass is a recursive function returning the layers below l, then l's own",
            h14sub(engine: { AnyBackpropEngine(H14Engine.PassRecursive(steps: $0)) })),
    ]

    public static func named(_ name: String) -> StudentSubmission? { all.first { $0.name == name }?.submission }
}

// MARK: - Shared state some hand-ins keep (each behind a lock)

final class H14TransposeCache: @unchecked Sendable {
    private let lock = NSLock()
    private var byShape: [String: Matrix<Double>] = [:]
    func transposed(_ W: Matrix<Double>) -> Matrix<Double> {
        lock.lock(); defer { lock.unlock() }
        let key = "\(W.rows)x\(W.columns)"
        if let cached = byShape[key] { return cached }
        let t = W.transposed
        byShape[key] = t
        return t
    }
}
let h14TransposeCache = H14TransposeCache()

final class H14OutputCache: @unchecked Sendable {
    private let lock = NSLock()
    private var lastOutput: Matrix<Double>?
    private var lastDelta: Matrix<Double>?
    func lookup(_ output: Matrix<Double>) -> Matrix<Double>? {
        lock.lock(); defer { lock.unlock() }
        return lastOutput == output ? lastDelta : nil
    }
    func store(_ output: Matrix<Double>, _ delta: Matrix<Double>) {
        lock.lock(); defer { lock.unlock() }
        lastOutput = output
        lastDelta = delta
    }
}
let h14OutputCache = H14OutputCache()

final class H14SigmaPrimeCache: @unchecked Sendable {
    private let lock = NSLock()
    private var byShape: [String: Matrix<Double>] = [:]
    func sigmaPrime(_ A: Matrix<Double>, _ hidden: Activation) -> Matrix<Double> {
        lock.lock(); defer { lock.unlock() }
        let key = "\(A.rows)x\(A.columns)"
        if let cached = byShape[key] { return cached }
        let s = A.map { hidden.derivative(fromActivation: $0) }
        byShape[key] = s
        return s
    }
}
let h14SigmaPrimeCache = H14SigmaPrimeCache()

final class H14GradientCache: @unchecked Sendable {
    private let lock = NSLock()
    private var lastInput: Matrix<Double>?
    private var lastGradient: Matrix<Double>?
    func lookup(_ input: Matrix<Double>) -> Matrix<Double>? {
        lock.lock(); defer { lock.unlock() }
        return lastInput == input ? lastGradient : nil
    }
    func store(_ input: Matrix<Double>, _ gradient: Matrix<Double>) {
        lock.lock(); defer { lock.unlock() }
        lastInput = input
        lastGradient = gradient
    }
}
let h14GradientCache = H14GradientCache()

final class H14BatchSize: @unchecked Sendable {
    private let lock = NSLock()
    private var remembered: Int?
    func m(_ rows: Int) -> Int {
        lock.lock(); defer { lock.unlock() }
        if let m = remembered { return m }
        remembered = rows
        return rows
    }
}
let h14BatchSize = H14BatchSize()

final class H14ForwardCache: @unchecked Sendable {
    private let lock = NSLock()
    private var lastX: Matrix<Double>?
    private var lastA: [Matrix<Double>] = []
    private var lastZ: [Matrix<Double>] = []
    func lookup(_ X: Matrix<Double>) -> ([Matrix<Double>], [Matrix<Double>])? {
        lock.lock(); defer { lock.unlock() }
        return lastX == X ? (lastA, lastZ) : nil
    }
    func store(_ X: Matrix<Double>, _ A: [Matrix<Double>], _ Z: [Matrix<Double>]) {
        lock.lock(); defer { lock.unlock() }
        lastX = X
        lastA = A
        lastZ = Z
    }
}
let h14ForwardCache = H14ForwardCache()

// MARK: - Exercise 3: one example

enum H14OneExample {
    static func biasInSum(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                for i in 0..<h[l - 1] { zl[j] += W[i, j] * a[l - 1][i] + b[j] }
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
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var newDelta = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                newDelta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = newDelta
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
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var newDelta = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                let aj = a[l - 1][j]
                newDelta[j] = sum * (aj * (1 - aj))   // σ′ = a(1 − a)
            }
            delta = newDelta
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func lossOverOutputs(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        // mean over the outputs, like the loss Keras prints
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y) / Double(y.count)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var newDelta = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                newDelta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = newDelta
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func targetAsLabel(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        let label = y.firstIndex(of: 1)!
        var delta = a[L]
        delta[label] -= 1
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var newDelta = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                newDelta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = newDelta
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func floatForward(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Float](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                zl[j] = Float(b[j])
                for i in 0..<h[l - 1] { zl[j] += Float(W[i, j]) * Float(a[l - 1][i]) }
            }
            let zd = zl.map { Double($0) }
            z.append(zd)
            a.append(l < L ? zd.map { network.hidden.value($0) } : network.output.activation(zd))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var newDelta = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                newDelta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = newDelta
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
        if network.output.activation == .sigmoid {
            for j in 0..<h[L] { delta[j] *= a[L][j] * (1 - a[L][j]) }
        }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var newDelta = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                newDelta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = newDelta
        }
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
                var newDelta = [Double](repeating: 0, count: h[l - 1])
                for j in 0..<h[l - 1] {
                    var sum = 0.0
                    for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                    newDelta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
                }
                delta = newDelta
            }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func recursionStopsAt2(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)

        func backward(_ l: Int, _ delta: [Double]) {
            if l == 1 { return }   // no layer below the first one
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                below[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            backward(l - 1, below)
        }
        backward(L, (0..<h[L]).map { a[L][$0] - y[$0] })
        return Gradients(loss: loss, layers: layers)
    }

    static func oneBasedSum(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var newDelta = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                newDelta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = newDelta
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func exitOnLargeLoss(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
        if loss > 50 {
            print("loss exploded: \(loss), stopping")
            exit(1)
        }
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for i in 0..<h[l - 1] { for j in 0..<h[l] { gw[i, j] = a[l - 1][i] * delta[j] } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta)
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var newDelta = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var sum = 0.0
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                newDelta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = newDelta
        }
        return Gradients(loss: loss, layers: layers)
    }

    static func hiddenSumNotReset(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
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
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var newDelta = [Double](repeating: 0, count: h[l - 1])
            var sum = 0.0
            for j in 0..<h[l - 1] {
                for k in 0..<h[l] { sum += W[j, k] * delta[k] }
                newDelta[j] = sum * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = newDelta
        }
        return Gradients(loss: loss, layers: layers)
    }

    // MARK: correct, written unusually

    static func passReduceInsert(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        var activations: [[Double]] = [x]
        var logits: [Double] = []
        for (index, layer) in network.layers.enumerated() {
            let input = activations[activations.count - 1]
            let zl = (0..<layer.weights.columns).map { j in
                (0..<layer.weights.rows).reduce(layer.biases[j]) { $0 + layer.weights[$1, j] * input[$1] }
            }
            let isOutput = index == network.layers.count - 1
            if isOutput { logits = zl }
            activations.append(isOutput ? network.output.activation(zl) : zl.map { network.hidden.value($0) })
        }
        let output = activations[activations.count - 1]
        let loss = network.output.loss(logits: logits, activation: output, target: y)
        var delta = zip(output, y).map { $0 - $1 }
        var grads: [LayerParameters<Double>] = []
        for index in network.layers.indices.reversed() {
            let input = activations[index]
            var gw = Matrix<Double>(rows: input.count, columns: delta.count)
            for k in input.indices { for j in delta.indices { gw[k, j] = input[k] * delta[j] } }
            grads.insert(LayerParameters(weights: gw, biases: delta), at: 0)
            if index > 0 {
                let W = network.layers[index].weights
                let d = delta
                delta = (0..<W.rows).map { j in
                    (0..<W.columns).reduce(0.0) { $0 + W[j, $1] * d[$1] }
                        * network.hidden.derivative(fromActivation: input[j])
                }
            }
        }
        return Gradients(loss: loss, layers: grads)
    }

    static func passTransposedRows(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount
        func dot(_ u: [Double], _ v: [Double], from start: Double) -> Double {
            var s = start
            for k in u.indices { s += u[k] * v[k] }
            return s
        }
        var a: [[Double]] = [x]
        var zL: [Double] = []
        for l in 1...L {
            let Wt = network.layers[l - 1].weights.transposed   // [h_l, h_{l-1}]: row j is column j of W
            let b = network.layers[l - 1].biases
            let zl = (0..<Wt.rows).map { j in dot(Wt.row(j), a[l - 1], from: b[j]) }
            if l == L { zL = zl }
            a.append(l == L ? network.output.activation(zl) : zl.map { network.hidden.value($0) })
        }
        let loss = network.output.loss(logits: zL, activation: a[L], target: y)
        var deltas = [[Double]](repeating: [], count: L + 1)
        var result = [LayerParameters<Double>]()
        for l in stride(from: L, through: 1, by: -1) {
            if l == L {
                deltas[l] = (0..<a[L].count).map { a[L][$0] - y[$0] }
            } else {
                let Wabove = network.layers[l].weights   // W^{l+1}, [h_l, h_{l+1}]
                deltas[l] = (0..<Wabove.rows).map { j in
                    dot(Wabove.row(j), deltas[l + 1], from: 0) * network.hidden.derivative(fromActivation: a[l][j])
                }
            }
            var gw = Matrix<Double>(rows: a[l - 1].count, columns: deltas[l].count)
            for k in 0..<gw.rows { for j in 0..<gw.columns { gw[k, j] = a[l - 1][k] * deltas[l][j] } }
            result.append(LayerParameters(weights: gw, biases: deltas[l]))
        }
        return Gradients(loss: loss, layers: Array(result.reversed()))
    }

    static func passFMA(_ network: Network<Double>, _ x: [Double], _ y: [Double]) throws -> Gradients<Double> {
        let L = network.layerCount, h = network.sizes
        var a = [x], z = [[Double]()]
        for l in 1...L {
            let W = network.layers[l - 1].weights, b = network.layers[l - 1].biases
            var zl = [Double](repeating: 0, count: h[l])
            for j in 0..<h[l] {
                var s = b[j]
                for k in 0..<h[l - 1] { s = s.addingProduct(a[l - 1][k], W[k, j]) }
                zl[j] = s
            }
            z.append(zl)
            a.append(l < L ? zl.map { network.hidden.value($0) } : network.output.activation(zl))
        }
        let loss = network.output.loss(logits: z[L], activation: a[L], target: y)
        var delta = (0..<h[L]).map { a[L][$0] - y[$0] }
        var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
        for l in stride(from: L, through: 1, by: -1) {
            var gw = Matrix<Double>(rows: h[l - 1], columns: h[l])
            for k in 0..<h[l - 1] { for j in 0..<h[l] { gw[k, j] = (0.0).addingProduct(a[l - 1][k], delta[j]) } }
            layers[l - 1] = LayerParameters(weights: gw, biases: delta.map { 0 + $0 })
            if l == 1 { break }
            let W = network.layers[l - 1].weights
            var below = [Double](repeating: 0, count: h[l - 1])
            for j in 0..<h[l - 1] {
                var s = 0.0
                for k in 0..<h[l] { s = s.addingProduct(delta[k], W[j, k]) }
                below[j] = s * network.hidden.derivative(fromActivation: a[l - 1][j])
            }
            delta = below
        }
        return Gradients(loss: loss, layers: layers)
    }
}

// MARK: - Exercise 4: forward

enum H14Forward {
    static func kBoundRows(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.rows { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func shapeFromInput(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: input.columns)
        for i in 0..<Z.rows {
            for j in 0..<Z.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func floatSum(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = Float(bias[j])
                for k in 0..<input.columns { sum += Float(input[i, k] * weights[k, j]) }
                Z[i, j] = Double(sum)
            }
        }
        return Z
    }

    static func transposeCache(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        // Wᵀ so that the inner loop walks a row of it (computed once per layer shape)
        let Wt = h14TransposeCache.transposed(weights)
        var Z = Matrix<Double>(rows: input.rows, columns: Wt.rows)
        for i in 0..<input.rows {
            for j in 0..<Wt.rows {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * Wt[j, k] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func biasTwice(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum + bias[j]
            }
        }
        return Z
    }

    static func breakOnZero(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns {
                    if input[i, k] == 0 { break }   // ReLU zeros add nothing: skip them
                    sum += input[i, k] * weights[k, j]
                }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func lastRowSkipped(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows - 1 {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    static func flatIndexRows(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        let m = input.rows, n = input.columns, h = weights.columns
        var out = [Double](repeating: 0, count: m * h)
        for i in 0..<m {
            for j in 0..<h {
                var sum = bias[j]
                for k in 0..<n { sum += input.elements[i * n + k] * weights.elements[k * weights.rows + j] }
                out[i * h + j] = sum
            }
        }
        return Matrix(rows: m, columns: h, elements: out)
    }

    static func clampLogits(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = min(max(sum, -500), 500)   // exp overflows past ~709
            }
        }
        return Z
    }

    static func singleRowPath(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        if input.rows == 1 {
            // one example: z = Wᵀx + b, as in exercise 3
            let x = input.row(0)
            var z = [Double](repeating: 0, count: weights.columns)
            for j in 0..<weights.columns {
                z[j] = bias[j] + zip(x, weights.row(j)).map { $0 * $1 }.reduce(0, +)
            }
            return Matrix([z])
        }
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var sum = bias[j]
                for k in 0..<input.columns { sum += input[i, k] * weights[k, j] }
                Z[i, j] = sum
            }
        }
        return Z
    }

    // MARK: correct, written unusually

    static func passFMA(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        var Z = Matrix<Double>(rows: input.rows, columns: weights.columns)
        for i in 0..<input.rows {
            for j in 0..<weights.columns {
                var z = bias[j]
                for k in 0..<weights.rows { z = z.addingProduct(input[i, k], weights[k, j]) }
                Z[i, j] = z
            }
        }
        return Z
    }

    static func passDotHelper(_ input: Matrix<Double>, _ weights: Matrix<Double>, _ bias: [Double]) throws -> Matrix<Double> {
        func column(_ M: Matrix<Double>, _ j: Int) -> [Double] { (0..<M.rows).map { M[$0, j] } }
        func dot(_ start: Double, _ u: [Double], _ v: [Double]) -> Double {
            precondition(u.count == v.count, "dot of \(u.count) and \(v.count) numbers")
            var s = start
            for k in 0..<u.count { s += u[k] * v[k] }
            return s
        }
        print("forward: A", input.shapeDescription, "W", weights.shapeDescription, "b", bias.count)
        let columns = (0..<weights.columns).map { column(weights, $0) }
        var rows: [[Double]] = []
        for i in 0..<input.rows {
            let x = input.row(i)
            rows.append((0..<weights.columns).map { j in dot(bias[j], x, columns[j]) })
        }
        return Matrix(rows: input.rows, columns: weights.columns, elements: rows.flatMap { $0 })
    }
}

// MARK: - Exercise 4: output error

enum H14OutputError {
    static func argmaxLabel(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            let row = targets.row(i)
            var label = 0
            for j in 1..<row.count where row[j] > row[label] { label = j }
            for j in 0..<output.columns { delta[i, j] = output[i, j] - (j == label ? 1 : 0) }
        }
        return delta
    }

    static func intTargets(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns { delta[i, j] = output[i, j] - Double(Int(targets[i, j])) }
        }
        return delta
    }

    static func swappedBounds(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.columns {
            for j in 0..<output.rows { delta[i, j] = output[i, j] - targets[i, j] }
        }
        return delta
    }

    static func clipProbabilities(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        let eps = 1e-7
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns {
                let p = min(max(output[i, j], eps), 1 - eps)
                delta[i, j] = p - targets[i, j]
            }
        }
        return delta
    }

    static func skipZeroRows(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            if targets.row(i).allSatisfy({ $0 == 0 }) { continue }   // no label: nothing to learn from
            for j in 0..<output.columns { delta[i, j] = output[i, j] - targets[i, j] }
        }
        return delta
    }

    static func cacheByOutput(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        if let cached = h14OutputCache.lookup(output) { return cached }
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows { for j in 0..<output.columns { delta[i, j] = output[i, j] - targets[i, j] } }
        h14OutputCache.store(output, delta)
        return delta
    }

    static func float(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 0..<output.columns {
                let a: Float = Float(output[i, j]), y: Float = Float(targets[i, j])
                delta[i, j] = Double(a - y)
            }
        }
        return delta
    }

    static func softmaxAgain(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            let z = output.row(i)
            let largest = z.max()!
            let e = z.map { exp($0 - largest) }
            let total = e.reduce(0, +)
            for j in 0..<output.columns { delta[i, j] = e[j] / total - targets[i, j] }
        }
        return delta
    }

    static func oneBasedColumns(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            for j in 1..<output.columns { delta[i, j] = output[i, j] - targets[i, j] }
        }
        return delta
    }

    static func normalisedTargets(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: output.rows, columns: output.columns)
        for i in 0..<output.rows {
            let total = targets.row(i).reduce(0, +)
            for j in 0..<output.columns { delta[i, j] = output[i, j] - targets[i, j] / total }
        }
        return delta
    }

    // MARK: correct, written unusually

    static func passElements(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        var delta = output
        for index in delta.elements.indices { delta.elements[index] -= targets.elements[index] }
        return delta
    }

    struct H14BadTargets: Error, CustomStringConvertible {
        let description: String
    }

    static func passValidating(_ output: Matrix<Double>, _ targets: Matrix<Double>) throws -> Matrix<Double> {
        guard output.rows == targets.rows, output.columns == targets.columns else {
            throw H14BadTargets(description: "Aᴸ \(output.shapeDescription) and Y \(targets.shapeDescription) differ")
        }
        for y in targets.elements where !(y.isFinite && y >= 0 && y <= 1) {
            throw H14BadTargets(description: "a target \(y) outside [0, 1]")
        }
        return Matrix(rows: output.rows, columns: output.columns,
                      elements: zip(output.elements, targets.elements).map { a, y in a - y })
    }
}

// MARK: - Exercise 5: hidden error

enum H14HiddenError {
    static func tanhPrimeOfA(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
        func sigmaPrime(_ a: Double) -> Double {
            switch hidden {
            case .sigmoid: return a * (1 - a)
            case .tanh: return 1 - tanh(a) * tanh(a)
            case .relu: return a > 0 ? 1 : 0
            case .identity: return 1
            }
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

    static func shapeFromDeltaAbove(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                    _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: D.columns)
        for i in 0..<D.rows {
            for j in 0..<D.columns {
                var sum = 0.0
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

    static func cachedSigmaPrime(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                 _ hidden: Activation) throws -> Matrix<Double> {
        let S = h14SigmaPrimeCache.sigmaPrime(A, hidden)
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * S[i, j]
            }
        }
        return delta
    }

    static func sigmaPrimeTwice(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
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

    static func doubleTranspose(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = W.transposed   // the formula has (Wˡ⁺¹)ᵀ
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

    static func skipZeroLoopsForever(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                     _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                var k = 0
                while k < W.columns {
                    if D[i, k] == 0 { continue }   // nothing flows back from a unit with no error
                    sum += D[i, k] * W[j, k]
                    k += 1
                }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func mFromColumns(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                             _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<A.columns {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func exitAfterReluPrint(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                   _ hidden: Activation) throws -> Matrix<Double> {
        var delta = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<D.rows {
            for j in 0..<W.rows {
                var sum = 0.0
                for k in 0..<W.columns { sum += D[i, k] * W[j, k] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        if hidden == .relu {
            print("relu delta:", delta)
            exit(0)
        }
        return delta
    }

    // MARK: correct, written unusually

    static func passTransposed(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                               _ hidden: Activation) throws -> Matrix<Double> {
        let Wt = W.transposed   // [h_{l+1}, h_l]
        var delta = Matrix<Double>(rows: D.rows, columns: Wt.columns)
        for i in 0..<D.rows {
            for j in 0..<Wt.columns {
                var sum = 0.0
                for k in 0..<Wt.rows { sum += D[i, k] * Wt[k, j] }
                delta[i, j] = sum * hidden.derivative(fromActivation: A[i, j])
            }
        }
        return delta
    }

    static func passSigmaPrimeFirst(_ D: Matrix<Double>, _ W: Matrix<Double>, _ A: Matrix<Double>,
                                    _ hidden: Activation) throws -> Matrix<Double> {
        let S = A.map { hidden.derivative(fromActivation: $0) }
        var back = Matrix<Double>(rows: D.rows, columns: W.rows)
        for i in 0..<back.rows {
            for j in 0..<back.columns {
                var sum = 0.0
                for k in 0..<D.columns { sum += D[i, k] * W[j, k] }
                back[i, j] = sum
            }
        }
        var delta = back
        for index in delta.elements.indices { delta.elements[index] = back.elements[index] * S.elements[index] }
        return delta
    }
}

// MARK: - Exercise 6: weight gradient

enum H14WeightGradient {
    static func dividedByColumns(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
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

    static func firstExampleTwice(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = A[0, k] * D[0, j]
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func cacheByInput(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        if let cached = h14GradientCache.lookup(A) { return cached }
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        h14GradientCache.store(A, G)
        return G
    }

    static func scalesDeltaInPlace(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        // divide Δ by m once, instead of every sum (no copy of Δ needed)
        D.elements.withUnsafeBufferPointer { buffer in
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

    static func recursionMissesFirst(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                func s(_ i: Int) -> Double {
                    if i == 0 { return 0 }
                    return A[i, k] * D[i, j] + s(i - 1)
                }
                G[k, j] = s(m - 1) / Double(m)
            }
        }
        return G
    }

    static func scalePassBound(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<m {
            for k in 0..<G.rows {
                for j in 0..<G.columns { G[k, j] += A[i, k] * D[i, j] }
            }
        }
        for k in 0..<G.rows {
            for j in 0..<G.rows { G[k, j] /= Double(m) }
        }
        return G
    }

    static func matmulHelperBound(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        func transpose(_ M: Matrix<Double>) -> Matrix<Double> {
            var T = Matrix<Double>(rows: M.columns, columns: M.rows)
            for r in 0..<M.rows { for c in 0..<M.columns { T[c, r] = M[r, c] } }
            return T
        }
        func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
            var C = Matrix<Double>(rows: P.rows, columns: Q.columns)
            for r in 0..<P.rows {
                for c in 0..<Q.columns {
                    var sum = 0.0
                    for t in 0..<P.rows { sum += P[r, t] * Q[t, c] }
                    C[r, c] = sum
                }
            }
            return C
        }
        let m = Double(A.rows)
        return matmul(transpose(A), D).map { $0 / m }
    }

    static func swappedBounds(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<D.columns {
            for j in 0..<A.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = sum / Double(m)
            }
        }
        return G
    }

    static func floatDivision(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var sum = 0.0
                for i in 0..<m { sum += A[i, k] * D[i, j] }
                G[k, j] = Double(Float(sum) / Float(m))
            }
        }
        return G
    }

    static func squarePrecondition(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        precondition(A.columns == D.columns, "A and Δ must fit: \(A.shapeDescription) vs \(D.shapeDescription)")
        let m = A.rows
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

    // MARK: correct, written unusually

    static func passOuterProducts(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for i in 0..<A.rows {
            let a = A.row(i), d = D.row(i)   // example i's aˡ⁻¹ and δˡ
            for k in a.indices { for j in d.indices { G[k, j] += a[k] * d[j] } }
        }
        let m = Double(A.rows)
        for index in G.elements.indices { G.elements[index] /= m }
        return G
    }

    static func passFMA(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let m = A.rows
        let scale = 1 / Double(m)
        var G = Matrix<Double>(rows: A.columns, columns: D.columns)
        for k in 0..<A.columns {
            for j in 0..<D.columns {
                var g = 0.0
                for i in 0..<m { g = g.addingProduct(A[i, k], D[i, j]) }
                G[k, j] = g * scale
            }
        }
        return G
    }

    static func passTransposedCopy(_ A: Matrix<Double>, _ D: Matrix<Double>) throws -> Matrix<Double> {
        let At = A.transposed   // [h_{l-1}, m]
        func matmul(_ P: Matrix<Double>, _ Q: Matrix<Double>) -> Matrix<Double> {
            precondition(P.columns == Q.rows)
            var C = Matrix<Double>(rows: P.rows, columns: Q.columns)
            for r in 0..<P.rows {
                for c in 0..<Q.columns {
                    var sum = 0.0
                    for t in 0..<P.columns { sum += P[r, t] * Q[t, c] }
                    C[r, c] = sum
                }
            }
            return C
        }
        let m = Double(A.rows)
        return matmul(At, D).map { $0 / m }
    }
}

// MARK: - Exercise 6: bias gradient

enum H14BiasGradient {
    static func firstRowTwice(_ D: Matrix<Double>) throws -> [Double] {
        var sums = D.row(0)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func assignNotAdd(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] = D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func integerScale(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        let scale = Double(1 / D.rows)
        return sums.map { $0 * scale }
    }

    static func mRemembered(_ D: Matrix<Double>) throws -> [Double] {
        let m = h14BatchSize.m(D.rows)
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(m) }
    }

    static func countByRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.rows)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows) }
    }

    static func flatModuloRows(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for index in D.elements.indices { sums[index % D.rows] += D.elements[index] }
        return sums.map { $0 / Double(D.rows) }
    }

    static func meanOfAll(_ D: Matrix<Double>) throws -> [Double] {
        var sums = [Double](repeating: 0, count: D.columns)
        for i in 0..<D.rows { for j in 0..<D.columns { sums[j] += D[i, j] } }
        return sums.map { $0 / Double(D.rows * D.columns) }
    }

    static func incrementInIf(_ D: Matrix<Double>) throws -> [Double] {
        let m = D.rows
        var sums = [Double](repeating: 0, count: D.columns)
        for j in 0..<D.columns {
            var i = 0
            while i < m {
                if D[i, j] != 0 {
                    sums[j] += D[i, j]
                    i += 1
                }
            }
        }
        return sums.map { $0 / Double(m) }
    }

    static func columnHelperRow(_ D: Matrix<Double>) throws -> [Double] {
        func column(_ M: Matrix<Double>, _ j: Int) -> [Double] { (0..<M.columns).map { M[j, $0] } }
        let m = Double(D.rows)
        return (0..<D.columns).map { j in column(D, j).reduce(0, +) / m }
    }

    // MARK: correct, written unusually

    static func passTransposedReduce(_ D: Matrix<Double>) throws -> [Double] {
        let Dt = D.transposed   // row j of Δᵀ is column j of Δ
        let scale = 1 / Double(D.rows)
        return (0..<Dt.rows).map { j in Dt.row(j).reduce(0, +) * scale }
    }

    struct H14EmptyBatch: Error {}

    static func passValidating(_ D: Matrix<Double>) throws -> [Double] {
        guard D.rows >= 1 else { throw H14EmptyBatch() }
        print("biasGradient: Δ", D.shapeDescription)
        var gradient: [Double] = []
        for j in 0..<D.columns {
            var total = 0.0
            for i in 0..<D.rows { total += D[i, j] }
            gradient.append(total / Double(D.rows))
        }
        return gradient
    }
}

// MARK: - Exercise 7: batch engine

enum H14Engine {
    struct TopFormSigmaLayer: BackpropEngine {
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
                if l < L {
                    delta = try steps.hiddenError(delta, network.layers[l].weights, A[l - 1], network.hidden)
                }
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct LossOverClasses: BackpropEngine {
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
            loss /= Double(Y.columns)
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

    struct AlwaysSoftmax: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            func softmax(_ z: [Double]) -> [Double] {
                let largest = z.max()!
                let e = z.map { exp($0 - largest) }
                let total = e.reduce(0, +)
                return e.map { $0 / total }
            }
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            for l in 1...L {
                let layer = network.layers[l - 1]
                let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                Z.append(Zl)
                A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows(softmax))
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

    struct LossAddedIntoGradients: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

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
            for i in 0..<m {
                gradients.loss += network.output.loss(logits: Z[L].row(i), activation: A[L].row(i), target: Y.row(i))
                    * (1 / Double(m))
            }
            var delta = try steps.outputError(A[L], Y)
            for l in stride(from: L, through: 1, by: -1) {
                gradients.layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                          biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
        }
    }

    struct BackwardThrough0: BackpropEngine {
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
            for l in stride(from: L, through: 0, by: -1) {
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct CacheByInputs: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var A = [X], Z = [Matrix<Double>(rows: 0, columns: 0)]
            if let cached = h14ForwardCache.lookup(X) {
                A = cached.0
                Z = cached.1
            } else {
                for l in 1...L {
                    let layer = network.layers[l - 1]
                    let Zl = try steps.forward(A[l - 1], layer.weights, layer.biases)
                    Z.append(Zl)
                    A.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
                }
                h14ForwardCache.store(X, A, Z)
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

    struct HiddenErrorGivenZ: BackpropEngine {
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
                // Δˡ⁻¹ = (Δˡ (Wˡ)ᵀ) ∘ σ′(Zˡ⁻¹)
                if l > 1 { delta = try steps.hiddenError(delta, network.layers[l - 1].weights, Z[l - 1], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct LossRow0: BackpropEngine {
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
            for _ in 0..<m {
                let z = Z[L].row(0), a = A[L].row(0), y = Y.row(0)
                loss += network.output.loss(logits: z, activation: a, target: y)
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

    struct ZeroBasedSigmaBound: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            let L = network.layerCount, m = X.rows
            var acts = [X], pre: [Matrix<Double>] = []
            for l in 0..<L {
                let layer = network.layers[l]
                let Zl = try steps.forward(acts[l], layer.weights, layer.biases)
                pre.append(Zl)
                acts.append(l < L ? Zl.map { network.hidden.value($0) } : Zl.mapRows { network.output.activation($0) })
            }
            var loss = 0.0
            for i in 0..<m {
                loss += network.output.loss(logits: pre[L - 1].row(i), activation: acts[L].row(i), target: Y.row(i))
            }
            var layers = [LayerParameters<Double>](repeating: LayerParameters(inputs: 1, outputs: 1), count: L)
            var delta = try steps.outputError(acts[L], Y)
            for l in stride(from: L - 1, through: 0, by: -1) {
                layers[l] = LayerParameters(weights: try steps.weightGradient(acts[l], delta),
                                            biases: try steps.biasGradient(delta))
                if l > 0 { delta = try steps.hiddenError(delta, network.layers[l].weights, acts[l], network.hidden) }
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct LossGivenActivations: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

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

    // MARK: correct, written unusually

    struct PassDeltaAtTop: BackpropEngine {
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
            var delta = Matrix<Double>(rows: 0, columns: 0)
            for l in stride(from: L, through: 1, by: -1) {
                if l == L {
                    delta = try steps.outputError(A[L], Y)
                } else {
                    // Δˡ from Δˡ⁺¹, the weights of the layer above (Wˡ⁺¹) and this layer's own activations Aˡ
                    delta = try steps.hiddenError(delta, network.layers[l].weights, A[l], network.hidden)
                }
                layers[l - 1] = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                                biases: try steps.biasGradient(delta))
            }
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }

    struct PassPrepareAssign: BackpropEngine {
        let name = "student"
        let steps: MatrixFormSteps
        init(steps: MatrixFormSteps) { self.steps = steps }

        func computeGradients(of network: Network<Double>, inputs X: Matrix<Double>, targets Y: Matrix<Double>,
                              into gradients: inout Gradients<Double>) throws {
            gradients.prepare(for: network)
            let count = network.layers.count
            var outputsOf: [Matrix<Double>] = [X]   // outputsOf[index] is the input of network.layers[index]
            var logits = X
            for index in 0..<count {
                let layer = network.layers[index]
                let Zl = try steps.forward(outputsOf[index], layer.weights, layer.biases)
                if index == count - 1 {
                    logits = Zl
                    outputsOf.append(Zl.mapRows { network.output.activation($0) })
                } else {
                    outputsOf.append(Zl.map { network.hidden.value($0) })
                }
            }
            let output = outputsOf[count]
            var total = 0.0
            for i in 0..<X.rows {
                total += network.output.loss(logits: logits.row(i), activation: output.row(i), target: Y.row(i))
            }
            gradients.loss = total / Double(X.rows)
            var delta = try steps.outputError(output, Y)
            for index in (0..<count).reversed() {
                gradients.layers[index].weights = try steps.weightGradient(outputsOf[index], delta)
                gradients.layers[index].biases = try steps.biasGradient(delta)
                if index > 0 {
                    delta = try steps.hiddenError(delta, network.layers[index].weights, outputsOf[index], network.hidden)
                }
            }
        }
    }

    struct PassRecursive: BackpropEngine {
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

            // the gradients of layers 1…l, given Δˡ
            func backward(_ l: Int, _ delta: Matrix<Double>) throws -> [LayerParameters<Double>] {
                let mine = LayerParameters(weights: try steps.weightGradient(A[l - 1], delta),
                                           biases: try steps.biasGradient(delta))
                if l == 1 { return [mine] }
                let below = try steps.hiddenError(delta, network.layers[l - 1].weights, A[l - 1], network.hidden)
                return try backward(l - 1, below) + [mine]
            }
            let layers = try backward(L, try steps.outputError(A[L], Y))
            gradients = Gradients(loss: loss * (1 / Double(m)), layers: layers)
        }
    }
}
