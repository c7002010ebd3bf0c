import ExerciseSolutions
import Foundation
import Testing
@testable import Backprop
import BackpropExercises
import TestSupport

/// `backprop exercises` as a student runs it: a subprocess of the command, which runs each step of
/// the work in a child process of its own. The student's place is taken by known submissions
/// (Tests/ExerciseSolutions), through the fixture binary.
@Suite("exercises, as a subprocess", .tags(.slow))
struct ExercisesCommandTests {
    /// The JSON report of a run.
    struct Report: Decodable {
        struct Step: Decodable {
            var exercise: Int, step: String, verdict: String, passed: Bool, diagnosis: [String], location: String?
            var source_line: String?
            var printed: [String], max_ulps: UInt64?
        }
        struct Next: Decodable { var exercise: Int, step: String }
        struct Run: Decodable { var status: String, passed: Bool, identical_to_loop: Bool, problem: String? }
        var passed: Bool
        var bitwise: Bool
        var start_with: Next?
        var steps: [Step]
        var engine_run: Run?
    }

    func report(_ name: String, _ arguments: [String] = [], timeLimit: Double = 10) throws -> (Report, Int32, String) {
        let result = try checkSubmission(name, ["--format", "json"] + arguments, timeLimit: timeLimit)
        #expect(!result.signaled, "the checker itself crashed: \(result.err)")
        #expect(!result.err.contains("Backtrac") && !result.out.contains("Backtrac"), "a backtrace reached the user")
        let report = try JSONDecoder().decode(Report.self, from: Data(result.out.utf8))
        return (report, result.code, result.out)
    }

    /// Runs the checker on the catalogued submission `name` and checks its judgement: a correct one passes with exit
    /// 0; a wrong one fails with exit 1, blamed first on `expected` (its step), with a diagnosis that contains
    /// `words` when given (or is at least not empty), and the run starts the student at that step.
    ///
    /// With `exerciseOnly`, a wrong one is checked with `--exercise` of its step's exercise alone (every other step
    /// of these submissions is Solutions', and each step runs in a child of its own, so the step blamed is the same
    /// as in the full run); a correct one always gets the full run.
    func judged(_ name: String, expected: String, words: String?, what: String, exerciseOnly: Bool = false) throws {
        let exercise = ["one example": 3, "forward": 4, "output error": 4, "hidden error": 5, "weight gradient": 6,
                        "bias gradient": 6, "batch engine": 7][expected]
        let arguments = exerciseOnly ? exercise.map { ["--exercise", String($0)] } ?? [] : []
        let (report, code, out) = try report(name, arguments, timeLimit: 3)
        if expected == "pass" {
            #expect(code == 0 && report.passed, "\(name): \(out)")
            return
        }
        #expect(code == 1 && !report.passed, "\(name): \(out)")
        let failing = report.steps.first { !$0.passed && $0.verdict != "skipped" }
        #expect(failing?.step == expected, "\(name) (\(what)): blamed \(failing?.step ?? "nothing")\n\(out)")
        let said = failing?.diagnosis.joined(separator: " ") ?? ""
        if let words {
            #expect(said.lowercased().contains(words.lowercased()), "\(name): \(failing?.diagnosis ?? [])")
        } else {
            #expect(!said.isEmpty, "\(name): no diagnosis")
        }
        #expect(report.start_with?.step == expected)
    }

    @Test("every wrong submission is rejected with exit 1 at its step, named, never a crash or a backtrace",
          arguments: WrongSubmissions.all)
    func catalogue(_ wrong: WrongSubmission) throws {
        try judged(wrong.name, expected: wrong.step.rawValue, words: wrong.diagnosis, what: wrong.name)
    }

    @Test("a catalogue the checker was not built against: each slip blamed on its step, each unusual correct one passed",
          arguments: StudentInventions.all)
    func inventions(_ invention: StudentInvention) throws {
        try judged(invention.name, expected: invention.expected, words: nil, what: invention.mistake)
    }

    /// The held-out catalogues: written from the exercise pages alone by people who had not read the checker, and
    /// kept out of its development until they were judged, each on the checker its predecessor's judgement had
    /// improved. Each slip must be blamed on its step, each correct one pass.
    static let heldOut: [String: (expected: String, mistake: String)] =
        Dictionary(uniqueKeysWithValues: HeldOutCatalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut2Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut3Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut4Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut5Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut6Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut7Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut8Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut9Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut10Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut11Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut12Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut13Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut14Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut15Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut16Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut17Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut18Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut19Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut20Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut21Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut22Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut23Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) }
                   + HeldOut24Catalogue.all.map { ($0.name, ($0.expected, $0.mistake)) })

    @Test("held-out catalogues, written without the checker: each slip blamed on its step, each unusual correct one passed",
          arguments: heldOut.keys.sorted())
    func heldOutCatalogues(_ name: String) throws {
        let entry = try #require(Self.heldOut[name])
        try judged(name, expected: entry.expected, words: Self.heldOutNamed[name], what: entry.mistake, exerciseOnly: true)
    }

    /// Held-out hand-ins whose slips a judgement found unnamed or misnamed, and the words that name them since the
    /// checker learnt them (each judged against the catalogue's own description of the slip).
    static let heldOutNamed: [String: String] = [
        "h7-oe-divided-by-inputs": "divided by x.count",
        "h7-oe-x-for-every-layer": "every layer's ∂W is taken with the network's input x",
        "h7-eng-feeds-pre-activation": "fed the layer below's z",
        "h7-eng-loss-mean-over-classes": "divided by c, the number of outputs",
        "h7-wg-buffer-kept": "exactly your first answer plus the right one",
        "h7-wg-integer-division": "computed in integers",
        "h7-he-cache-by-weights": "exactly the answer you returned for",
        "h7-he-delta-index-swapped": "deltaAbove[k, i] is read where deltaAbove[i, k] belongs",
        "h7-oerr-clipped": "clipped into [1e-07, 1 − 1e-07]",
        "h7-he-while-never-advances": "did not finish within",
        "h8-oe-weight-decay": "a weight decay (L2 penalty)",
        "h8-eng-loss-integer-reciprocal": "computed in integers",
        "h8-eng-output-over-examples": "applied down each column",
        "h8-eng-output-error-arguments-swapped": "arguments swapped",
        "h8-eng-bias-from-activations": "∂b is taken from its activations",
        "h8-bg-mean-along-rows": "has the right shape here only because these sizes coincide",
        "h8-he-increment-outside-loop": "did not finish within",
        "h9-oerr-labels-as-indices": "class index",
        "h10-oerr-targets-as-class-index": "class index",
        "h10-he-break-at-zero": "stops at its first term that is 0",
        "h10-bg-absolute-values": "the absolute value of each term",
        "h10-fw-float-products": "each product of the sum over k is computed in Float",
        "h10-oe-no-output-bias": "(in the output layer L only; the hidden layers are right): the bias is never added",
        "h10-wg-momentum": "the right one plus 0.9 times your first answer",
        "h10-eng-adds-into-gradients": "after prepare(for:) still hold the previous call's values",
        "h10-oerr-exit-after-debugging": "called exit(0)",
        "h10-eng-weights-one-layer-up": "the pass still needed hiddenError(",
        "h10-he-cache-keyed-on-delta": "a cache whose key leaves out W³ and A²",
        "h10-oe-cache-keyed-on-x": "a cache whose key leaves out",
        "h11-hid-derivative-cached": "in place of this call's A¹",
        "h11-wg-transpose-cached-by-shape": "in place of this call's A",
        "h11-fw-transpose-cached-by-shape": "in place of this call's W",
        "h11-eng-forward-cached-by-x": "the forward pass was kept from before",
        "h11-wg-float-sum": "divided by m in Float",
        "h11-eng-loss-over-inputs": "divided by n, the number of inputs",
        "h11-eng-loss-on-flattened-batch": "flattened into one row",
        "h11-eng-loss-log-of-label": "−ln aₖ at one class k",
        "h11-oe-float-activations": "are kept in Float",
        "h11-oe-sigmoid-output-by-hand": "the output layer's activation is the sigmoid",
        "h11-oe-target-as-class-index": "the target is read as a class index",
        "h11-hid-result-shaped-like-delta-above": "the matrix your code was storing into",
        "h11-eng-biases-never-assigned": "is never called for any layer",
        "h11-out-argmax-label": "reduced to one class label",
        "h12-oe-gw-copied-from-weights": "starts as a copy of Wˡ",
        "h12-oe-forward-memo-by-x": "the forward pass was kept from before",
        "h12-oe-float-activations": "the hidden activations aˡ (0 < l < L) are kept in Float",
        "h12-oe-bias-after-sigma": "in the hidden layers the bias is added after the activation",
        "h12-oe-loss-softmax-formula": "without the (1 − yⱼ) ln(1 − aⱼ) terms",
        "h12-fw-single-example-no-bias": "a branch of your code taken only on some calls",
        "h12-out-break-after-label": "those elements are never written",
        "h12-wg-zero-activation-break": "stops at the first i where input[i, k] is 0",
        "h12-wg-input-times-input": "input[i, j] is read where delta[i, j] belongs",
        "h12-bg-epsilon-denominator": "a divisor slightly off",
        "h12-en-deltas-appended": "mixes two layers",
        "h12-en-loss-over-layers": "divided by L, the number of layers",
        "h12-en-loss-by-hand-clamped": "ln max(aⱼ, ε) with ε = 1e-12",
        "h12-en-prepare-loss-never-set": "your engine never stores its loss",
        "h12-en-refuses-one-example": "a batch of one example is a batch",
        "h13-one-softmax-shift-first": "a softmax shifted by anything but the row's own largest logit",
        "h13-one-sigmoid-exp-ratio": "a sigmoid written as e^z/(1 + e^z) is ∞/∞",
        "h13-one-output-of-sigma": "applies σ = network.hidden first and then the output activation",
        "h13-out-sigmoid-guess": "on some rows or calls only",
        "h13-out-skip-first-column": "the loop over the columns starts at 1",
        "h13-hid-sum-starts-at-delta": "starts at deltaAbove[i, j] where it starts at 0",
        "h13-gw-float-division": "divided by m in Float",
        "h13-gb-float-division": "divided by m in Float",
        "h13-gb-squared": "is squared",
        "h13-gb-divide-all-elements": "in all the sum is divided by",
        "h13-eng-guard-two": "never called hiddenError(",
        "h13-eng-loss-running-total": "the loss is a running total kept between calls",
        "h14-out-cache-by-output": "a cache whose key leaves out Y",
        "h14-wg-cache-by-input": "a cache whose key leaves out Δ",
        "h14-en-loss-row-0": "the first example's ℓ alone",
        "h14-out-int-targets": "truncated to a whole number",
        "h14-out-normalised-targets": "each target row is divided by its sum",
        "h14-out-skip-zero-rows": "an example whose target row is all 0s is skipped",
        "h14-bg-flat-modulo-rows": "one walk over Δ's storage",
        "h14-he-tanh-prime-of-a": "σ′ taken of σ applied again",
        "h14-fw-shape-from-input": "a shape copied from an input",
        "h14-he-skip-zero-loops-forever": "exact 0s",
        "h14-en-backward-through-0": "goes on past layer 1",
        "h14-he-exit-after-relu-print": "code that runs for one activation only",
        "h15-be-softmax-whole-matrix": "one softmax over the whole batch",
        "h15-fw-column-helper-stride": "is taken by a walk over its storage",
        "h15-wg-zero-activations-not-counted": "left out of the count",
        "h15-he-prime-of-delta": "σ′ is taken of deltaAbove[i, j]",
        "h15-be-loss-loop-from-one": "misses example 0's ℓ",
        "h15-bg-column-major-helper": "column by column",
        "h15-fw-matmul-helper-square-only": "a shape copied from an input",
        "h16-be-activations-by-shape": "the forward pass was kept from before",
        "h16-fw-unrolled-by-two": "takes two terms at a time",
        "h16-oute-square-result": "made with its rows and columns swapped",
        "h16-he-transpose-helper-square": "made with its rows and columns swapped",
        "h16-be-dictionary-values": "a Dictionary or a Set",
        "h17-oerr-sigmoid-prime-for-multilabel": "look for what your code does differently when a target row is not one-hot",
        "h17-be-dictionary-wrong-key": "is the input of no layer's ∂W",
        "h18-en-exit-after-print": "called exit(0)",
        "h18-bg-flat-walk-mod-rows": "one walk over Δ's storage",
        "h18-he-reshape-not-transpose": "a reshape, not a transpose",
        "h19-he-columns-from-delta-above": "the loop over j runs over them",
        "h19-he-tanh-prime-by-hand": "1 − a, written as σ′",
        "h19-he-sum-stops-early": "the sum over k stops one short",
        "h19-bg-float-sums": "accumulated in Float",
        "h19-wg-reduce-ignores-accumulator": "drops the running sum",
        "h20-en-bias-after-hidden-error": "Δ had already moved on when biasGradient was called",
        "h20-oe-hidden-sum-own-width": "W² (network.layers[1].weights)",
        "h20-bg-stride-by-rows": "summed by a walk over its storage to its end",
        "h21-fw-rows-from-weights": "rows and the loop over i runs over them",
        "h21-en-bias-after-move": "layer 1's took its own",
        "h21-fw-float-dot": "the bias is added to that sum afterwards",
        "h22-he-dropout-left-in": "a dropout left in",
        "h23-fw-while-advances-i": "an index advanced in the wrong loop",
        "h23-bg-pairwise-never-stops": "a split at mid = (lo + hi) / 2 leaves a range of one element as it was",
        "h23-he-hand-relu-prime": "(hidden.derivative(fromActivation: 0) is 0, not 1)",
        "h24-hid-while-no-increment": "an increment under an if that is never true",
    ]

    /// For each wrong submission of the class's catalogue, words of the diagnosis that name its actual mistake (judged
    /// against the catalogue's own description of it).
    static let namedMistakes: [String: String] = [
        "oneex-prints-and-skips-bias": "the bias is missing",
        "oneex-exit-zero-after-debug": "called exit(0)",
        "oneex-sigma-prime-from-z": "σ′ was computed from zˡ",
        "oneex-hidden-sigma-at-output": "the output layer used the hidden layers' σ",
        "oneex-cached-by-shape": "a result kept from before",
        "oneex-delta-with-weights-below": "takes layer l − 1's own weights Wˡ⁻¹",
        "oneex-loss-from-activation": "the loss was given the activations aᴸ where it takes the logits zᴸ",
        "oneex-softmax-by-hand-overflows": "e^z overflows to infinity for z above 709",
        "oneex-hidden-sum-own-width": "runs past its 3 columns",
        "forward-bias-inside-sum": "the bias was added inside the sum",
        "forward-sum-bound-columns": "the sum over k runs to weights.columns",
        "forward-cached-by-shape": "a result kept from before",
        "forward-zeroes-input-in-place": "wrote into its input A⁰",
        "forward-random-noise": "it uses random numbers",
        "forward-applies-sigmoid": "the forward step returns the pre-activation",
        "outerr-prints-then-exits-one": "called exit(1)",
        "outerr-divides-by-m": "where no mean belongs",
        "outerr-loop-bounds-swapped": "its row index 1 runs past its 1 rows",
        "outerr-fatalerror-not-probability": "does not sum to 1",
        "outerr-recurses-forever": "calls itself without end",
        "outerr-absolute-value": "with their sign turned: an abs()",
        "hidden-endless-while": "did not finish within",
        "hidden-sum-bound-rows": "its column index 3 runs past its 3 columns",
        "hidden-sigma-prime-transposed-index": "σ′ was read at [j, i] where [i, j] belongs",
        "hidden-global-scratch-not-zeroed": "exactly your first answer plus the right one",
        "hidden-random-dropout": "it uses random numbers",
        "hidden-sigma-prime-in-place": "wrote into its input A²",
        "hidden-relu-derivative-at-zero": "ReLU′ is 0",
        "wgrad-assign-not-add": "overwrites (=) where it should add (+=)",
        "wgrad-m-minus-one": "the mean was taken over m − 1",
        "wgrad-float-accumulator": "accumulated in Float",
        "wgrad-result-shape-swapped": "its row index 5 runs past its 5 rows",
        "wgrad-product-of-sums": "each factor was summed over the examples first",
        "wgrad-closed-range": "its row index 5 runs past its 5 rows",
        "bgrad-sum-over-units": "summed each example's row (over the units)",
        "bgrad-divides-by-columns": "the sum was divided by 5 (delta.columns, h_l) where m = 1",
        "bgrad-first-row-only": "the one-example formula was used for the batch",
        "bgrad-integer-division": "computed in integers",
        "bgrad-reduce-from-one": "a sum that starts from 1 instead of 0",
        "bgrad-fatalerror-one-example": "a batch needs at least two examples",
        "engine-layers-reversed": "right but in the wrong place",
        "engine-bias-after-delta-update": "It is layer 2's right ∂b",
        "engine-hidden-sigma-at-output": "the output layer used the hidden layers' σ",
        "engine-loss-assign-not-add": "only the last example's loss counts",
        "engine-softmax-by-hand-overflows": "e^z overflows to infinity for z above 709",
        "engine-log-loss-by-hand": "Only your loss is not a finite number",
        "engine-global-activations": "something is kept from before",
        "engine-hard-coded-three-layers": "a number of layers written into the code",
        "engine-backward-stops-early": "never filled in",
        "engine-hidden-error-own-activation": "σ′ was taken from the activations of the layer above",
        "engine-forward-from-x": "every layer was fed the inputs X",
    ]

    @Test("a class's catalogue, written without the checker: each slip blamed on its step and its mistake named, each unusual correct one passed, valid JSON",
          arguments: ClassCatalogue.all)
    func classCatalogue(_ submission: ClassSubmission) throws {
        let words = submission.expected == "pass" ? nil : try #require(Self.namedMistakes[submission.name], "\(submission.name) has no expected diagnosis")
        try judged(submission.name, expected: submission.expected, words: words, what: submission.mistake)
    }

    @Test("every step right but a trap in the engine's run with the student's own steps: the grade fails, and says where")
    func engineRunFails() throws {
        let (report, code, out) = try report("traps-on-wide-inputs")
        #expect(report.steps.allSatisfy { $0.passed }, "\(out)")
        #expect(code == 1 && !report.passed && report.engine_run?.status == "stopped", "\(out)")
        let text = try checkSubmission("traps-on-wide-inputs")
        #expect(text.out.contains("your engine with your own steps          STOPPED"), "\(text.out)")
        #expect(text.out.contains("MechanismSubmissions.swift:") && text.out.contains("did not run to the end"))
    }

    @Test("a zero of the other sign is named as such, not as an error of 0 ULP")
    func signOfZero() throws {
        let (report, code, out) = try report("plus-zero-where-relu-is-off", ["--exercise", "5"])
        let step = try #require(report.steps.first)
        #expect(code == 0 && step.verdict == "within-rounding" && step.max_ulps == 0, "\(out)")
        #expect(step.diagnosis.joined().contains("except the sign of a zero"))
        let text = try checkSubmission("plus-zero-where-relu-is-off", ["--exercise", "5"])
        #expect(text.out.contains("identical but for the sign of a zero"), "\(text.out)")
    }

    @Test("what the student's code prints is shown under its step, in the table and the JSON")
    func prints() throws {
        let (report, code, _) = try report("ok-forward-prints-shapes", ["--exercise", "4"])
        #expect(code == 0)
        #expect(report.steps.first { $0.step == "forward" }?.printed.isEmpty == false)
        let text = try checkSubmission("ok-forward-prints-shapes", ["--exercise", "4"])
        #expect(text.out.contains("your code printed"), "\(text.out)")
    }

    @Test("NaN and infinity from a student's code: the JSON is still one valid document, with them as strings")
    func nonFiniteJSON() throws {
        let result = try checkSubmission("engine-softmax-by-hand-overflows", ["--format", "json", "--exercise", "7"])
        let document = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        #expect(document?["passed"] as? Bool == false)
        #expect(result.out.contains("\"inf\"") || result.out.contains("\"nan\""), "\(result.out)")
    }

    @Test("explain --engine student: the student's results beside the right ones; exit 1 when one is wrong")
    func explainStudent() throws {
        let right = try runProcess(["explain", "--engine", "student"], executable: fixtureExecutable(),
                                   environment: ["BACKPROP_SUBMISSION": "solution"])
        #expect(right.code == 0 && right.out.contains("Every result of yours is right"), "\(right.out)\(right.err)")
        let wrong = try runProcess(["explain", "--engine", "student"], executable: fixtureExecutable(),
                                   environment: ["BACKPROP_SUBMISSION": "hidden error: no σ′"])
        #expect(wrong.code == 1 && wrong.out.contains("Δ¹ [3, 3] yours") && wrong.out.contains("≠"), "\(wrong.out)")
        let crash = try runProcess(["explain", "--engine", "student", "--net", "3-3-3"], executable: fixtureExecutable(),
                                   environment: ["BACKPROP_SUBMISSION": "outerr-recurses-forever"])
        #expect(crash.code == 1 && !crash.signaled && crash.out.contains("your code stopped the program"), "\(crash.out)")
        #expect(!crash.out.contains("Backtrac") && !crash.err.contains("Backtrac"))
    }

    @Test("a trap names the student's file and line, and the runtime's message")
    func trapLocation() throws {
        let (report, _, out) = try report("engine: fatalError(\"TODO\")")
        let step = try #require(report.steps.first { $0.step == "batch engine" })
        #expect(step.verdict == "crashed", "\(out)")
        #expect(step.location?.hasPrefix("WrongSubmissions.swift:") == true, "\(out)")
        #expect(step.source_line?.contains("fatalError(\"TODO\")") == true, "the line itself, read from the file: \(out)")
        #expect(step.diagnosis.joined().contains("TODO"))
    }

    @Test("a stop whose frame the backtrace gives without a line is named by that function, not by the line that called it")
    func stopWithoutLine() throws {
        // The engine run stops in the student's bias gradient (a flat walk past its sums); the engine's line that
        // called it is right, and is at most "called from".
        let (report, code, out) = try report("h19-bg-flat-walk-mod-rows")
        let problem = try #require(report.engine_run?.problem, "\(out)")
        #expect(code == 1)
        #expect(problem.contains("flatWalkModRows") || problem.contains("HeldOut19Catalogue.swift:"), "\(problem)")
        #expect(!problem.contains("at Solutions.swift"), "\(problem)")
    }

    @Test("a transposed index is named on the square scenario, and its trap on the next one with its line")
    func transposedIndex() throws {
        let (report, _, out) = try report("hidden error: W[k, j] for W[j, k]")
        let step = try #require(report.steps.first { $0.step == "hidden error" })
        #expect(step.verdict == "wrong", "\(out)")
        let said = step.diagnosis.joined(separator: " ")
        #expect(said.contains("W[k, j] for W[j, k]") && said.contains("stopped the program at WrongSubmissions.swift:"))
        #expect(said.contains("Matrix [5, 3] has no element"), "\(said)")
    }

    @Test("an endless loop becomes a diagnosis within the time limit")
    func endlessLoop() throws {
        let start = Date()
        let (report, code, _) = try report("hidden error: a while loop that never advances", timeLimit: 1)
        #expect(code == 1 && Date().timeIntervalSince(start) < 30)
        #expect(report.steps.first { $0.step == "hidden error" }?.verdict == "timed-out")
    }

    @Test("the solutions pass every step and the table, two of them bitwise",
          arguments: WrongSubmissions.correct.map(\.name))
    func correct(_ name: String) throws {
        let (report, code, out) = try report(name)
        #expect(code == 0 && report.passed, "\(out)")
        #expect(report.engine_run?.passed == true && report.engine_run?.status == "compared")
        #expect(report.bitwise == WrongSubmissions.correct.first { $0.name == name }!.bitwise)
        let bitwise = WrongSubmissions.correct.first { $0.name == name }!.bitwise
        #expect(report.steps.allSatisfy { $0.verdict == (bitwise ? "identical" : "within-rounding") || ($0.verdict == "identical" && !bitwise) },
                "\(out)")
        if name == "reversed" { #expect(report.steps.contains { $0.verdict == "within-rounding" }) }
    }

    @Test("the shipped Sources/StudentWork says which exercise to start with, exit 1, no backtrace")
    func freshClone() throws {
        let result = try runProcess(["check", "--engine", "student"])
        #expect(result.code == 1 && !result.signaled)
        #expect(result.out.contains("Start with exercise 3, one example: Sources/StudentWork/OneExample.swift"), "\(result.out)")
        #expect(result.out.contains("not written yet"))
        #expect(!result.out.contains("Backtrac") && !result.err.contains("Backtrac"))
    }

    @Test("--exercise checks one exercise's steps only")
    func oneExercise() throws {
        let (report, code, _) = try report("hidden error: no σ′", ["--exercise", "4"])
        #expect(code == 0 && report.steps.map(\.step) == ["forward", "output error"])
    }

    @Test("the table shows a planted bug's layers against finite differences, and fails the exit code")
    func table() throws {
        let result = try checkSubmission("hidden error: no σ′", ["--net", "10-8-8-4"])
        #expect(result.code == 1)
        #expect(result.out.contains("TOO LARGE") && result.out.contains("your engine with your own steps on 10-8-8-4"), "\(result.out)")
    }
}

/// A wrong submission is named in the test report by its name, not by its closures.
extension ClassSubmission: CustomTestStringConvertible {
    public var testDescription: String { name }
}

extension WrongSubmission: CustomTestStringConvertible {
    public var testDescription: String { name }
}

extension StudentInvention: CustomTestStringConvertible {
    public var testDescription: String { "\(name): \(mistake)" }
}
