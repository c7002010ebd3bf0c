import Backprop
import CommandSupport
import Foundation

/// What `backprop exercises` prints: a table of the steps' verdicts in the course's order, the details
/// of every step that is not right, where to start, and the per-layer table of the engine on the chosen network;
/// or all of it as JSON (`--format json`, documented in docs/file-formats.md).
public struct StudentCheckReport {
    public var scenarios: [StudentCheck.Scenario]
    public var verdicts: [StepVerdict]
    /// The engine run end to end with the student's own steps, when exercise 7 is checked.
    public var engineRun: EngineRun?
    public var tolerance: Double

    public init(scenarios: [StudentCheck.Scenario], verdicts: [StepVerdict], engineRun: EngineRun?, tolerance: Double) {
        self.scenarios = scenarios
        self.verdicts = verdicts
        self.engineRun = engineRun
        self.tolerance = tolerance
    }

    /// Whether every step checked is right and the end-to-end run, if made, passes: any failure at any stage
    /// fails the grade.
    public var passed: Bool {
        verdicts.allSatisfy { $0.kind.passed } && (engineRun?.passed(tolerance: tolerance) ?? true)
    }

    /// Whether everything is the library's to the last bit: every step identical, and the engine with the
    /// student's own steps identical to the loop engine.
    public var bitwise: Bool {
        passed && verdicts.allSatisfy { $0.kind == .identical } && (engineRun.map(\.identical) ?? true)
    }

    /// The step to work on next: the first not written yet, else the first that is not right.
    public var startWith: StepVerdict? {
        verdicts.first { $0.kind == .notWritten } ?? verdicts.first { !$0.kind.passed && $0.kind != .skipped }
    }

    static func verdictText(_ verdict: StepVerdict) -> String {
        switch verdict.kind {
        case .identical: "identical to the last bit"
        case .withinRounding where verdict.maximumULPs == 0: "identical but for the sign of a zero"
        // Near zero, two numbers a tiny distance apart can be billions of ULPs apart: no count then.
        case .withinRounding where (verdict.maximumULPs ?? 0) >= 1 << 20: "correct to rounding"
        case .withinRounding: "correct to rounding (≤ \(verdict.maximumULPs ?? 0) ULP)"
        case .wrong: "WRONG"
        case .crashed: "CRASHED"
        case .timedOut: "TIMED OUT"
        case .notWritten: "not written yet"
        case .threw: "threw an error"
        case .skipped: "not checked yet"
        }
    }

    static func guide(_ step: StudentCheck.Step) -> String {
        let slug = switch step.exercise {
        case 3: "03-one-example.md"
        case 4: "04-forward-and-output-error.md"
        case 5: "05-hidden-error.md"
        case 6: "06-gradients.md"
        default: "07-batch-engine.md"
        }
        return "docs/exercises/" + slug
    }

    /// The report for a terminal.
    public func text() -> String {
        var lines = ["exercises: each of your steps on its own, on the reference inputs, in the course's order",
                     "scenarios: " + scenarios.enumerated().map { "\($0.offset + 1). \($0.element.name)" }.joined(separator: "; "),
                     ""]
        var steps = TextTable(["exercise", "step", "verdict"], alignments: [.right, .left, .left])
        for verdict in verdicts {
            let name = verdict.step == .batchEngine ? "batch engine (with the library's steps)" : verdict.step.rawValue
            steps.add(["\(verdict.step.exercise)", name, Self.verdictText(verdict)])
        }
        if let run = engineRun {
            let verdict: String? = switch run.outcome {
            case .compared: run.identical && run.passed(tolerance: tolerance) ? "identical to the loop engine"
                : run.passed(tolerance: tolerance) ? "correct to rounding" : "WRONG"
            case .threw: "threw an error"
            case .wrongShapes: "WRONG"
            case .stopped: "STOPPED"
            case .notWritten: nil
            }
            if let verdict { steps.add(["7", "your engine with your own steps", verdict]) }
        }
        lines.append(steps.render())
        for verdict in verdicts where !verdict.kind.passed && verdict.kind != .notWritten || !verdict.printed.isEmpty
            || verdict.kind.passed && !verdict.diagnosis.isEmpty {
            lines.append("")
            lines.append("\(verdict.step.rawValue) (exercise \(verdict.step.exercise), \(verdict.step.file)): \(Self.verdictText(verdict))")
            if !verdict.kind.passed && verdict.kind != .notWritten {
                if verdict.kind != .skipped { lines.append("  computes  \(verdict.step.equation)") }
                if let scenario = verdict.scenario { lines.append("  scenario  \(scenario)") }
                if !verdict.shapes.isEmpty { lines.append("  inputs    \(verdict.shapes.joined(separator: ", "))") }
                if let location = verdict.location { lines.append("  where     \(location)") }
                if let line = verdict.sourceLine { lines.append("  line      \(line)") }
                if let message = verdict.message, verdict.kind == .crashed { lines.append("  runtime   \(message)") }
                if verdict.kind == .wrong, let quantity = verdict.quantity {
                    var text = "  \(quantity)"
                    if let expected = verdict.expectedShape, let got = verdict.gotShape, expected != got {
                        text += ": expected \(expected), got \(got)"
                    } else if let difference = verdict.maximumDifference {
                        text += ": largest difference \(NumberFormat.short(difference))"
                        if let first = verdict.firstIndex { text += ", first wrong element \(first)" }
                    }
                    if text != "  \(quantity)" { lines.append(text) }
                    lines += verdict.samples.map { "      \($0)" }
                }
                for sentence in verdict.diagnosis { lines += Self.wrap(sentence) }
            } else {
                for sentence in verdict.diagnosis { lines += Self.wrap(sentence) }
            }
            lines += Self.printed(verdict.printed, count: verdict.printedLineCount)
        }
        if let run = engineRun {
            switch run.outcome {
            case .compared(let table):
                lines.append("")
                lines.append("your engine with your own steps on \(run.network), against the loop engine and finite differences:")
                let rendered = table.render(tolerance: tolerance).split(separator: "\n", omittingEmptySubsequences: false)
                    .filter { !$0.hasPrefix("PASS") && !$0.hasPrefix("FAIL") }.joined(separator: "\n")
                lines.append(rendered.trimmingCharacters(in: .newlines))
                if let problem = run.problem { lines += Self.wrap(problem) }
                if run.passed(tolerance: tolerance),
                   verdicts.contains(where: { $0.step == .batchEngine && !$0.kind.passed && $0.kind != .notWritten }) {
                    lines += Self.wrap("This run is right while the batch engine's row above is not: it is one network and one batch, and your engine happens to be right on them. The checker's calls above are the ones that show the slip.")
                }
            case .notWritten:
                break
            default:
                lines.append("")
                lines += Self.wrap(run.problem ?? "")
            }
            lines += Self.printed(run.printed, count: run.printedLineCount)
        }
        lines.append("")
        if let next = startWith {
            let verb = next.kind == .notWritten ? "Start with" : "Next: fix"
            lines.append("\(verb) exercise \(next.step.exercise), \(next.step.rawValue): \(next.step.file) (\(Self.guide(next.step))).")
        } else if let run = engineRun, !run.passed(tolerance: tolerance) {
            lines.append("Next: fix exercise 7, your engine with your own steps: \(StudentCheck.Step.batchEngine.file) (\(Self.guide(.batchEngine))).")
        }
        if bitwise {
            lines.append(engineRun == nil ? "PASS: every step checked identical to the library's to the last bit."
                         : "PASS: every step identical to the library's to the last bit, and your engine with your own steps identical to the loop engine.")
        } else if passed {
            lines.append("PASS: every step correct to rounding. Not bitwise where the table says so: another order of the sums, or a multiply and an add rounded apart where the library uses one FMA (docs/bitwise-identity.md).")
        } else {
            let failing = verdicts.filter { !$0.kind.passed }.count
            var text = failing == 0 ? "FAIL: every step is right" : "FAIL: \(failing) of \(verdicts.count) steps not right yet"
            if let run = engineRun, !run.passed(tolerance: tolerance) {
                switch run.outcome {
                case .compared(let table):
                    text += "; your engine with your own steps is off from " + (table.oraclePasses(tolerance: tolerance)
                        ? "the loop engine's loss" : "finite differences")
                case .wrongShapes: text += "; your engine with your own steps returned gradients of the wrong shapes"
                case .notWritten: break
                case .threw, .stopped: text += "; your engine with your own steps did not run to the end"
                }
            }
            lines.append(text + ".")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// What the student's code printed, indented under its step: print-debugging is how students work.
    static func printed(_ lines: [String], count: Int) -> [String] {
        guard count > 0 else { return [] }
        return ["  your code printed \(count == lines.count ? "" : "\(count) lines, the first \(lines.count)")\(count == lines.count ? "\(count) line\(count == 1 ? "" : "s")" : ""):"]
            + lines.map { "    | " + ($0.count > 96 ? String($0.prefix(95)) + "…" : $0) }
    }

    /// `text` in lines of at most 100 columns, indented by two spaces (four after the first).
    static func wrap(_ text: String, width: Int = 100) -> [String] {
        var lines: [String] = []
        var line = "  "
        for word in text.split(separator: " ") {
            if line.count + word.count + 1 > width && line.contains(where: { $0 != " " }) {
                lines.append(line)
                line = "    "
            }
            line += (line.hasSuffix(" ") ? "" : " ") + word
        }
        if line.contains(where: { $0 != " " }) { lines.append(line) }
        return lines
    }

    // MARK: JSON

    struct Document: Encodable {
        var format = "backprop-student-check"
        var version = 2
        var passed: Bool
        var bitwise: Bool
        var startWith: Next?
        var scenarios: [String]
        var steps: [Step]
        var engineRun: Run?

        enum CodingKeys: String, CodingKey {
            case format, version, passed, bitwise, startWith = "start_with", scenarios, steps, engineRun = "engine_run"
        }

        struct Next: Encodable {
            var exercise: Int, step: String, file: String, guide: String
        }

        struct Step: Encodable {
            var exercise: Int, step: String, verdict: String, passed: Bool
            var maxULPs: UInt64?, scenario: String?, quantity: String?, inputShapes: [String]
            var expectedShape: String?, gotShape: String?, maxDifference: Double?, firstIndex: String?
            var samples: [String], message: String?, location: String?, sourceLine: String?, mistake: String?
            var diagnosis: [String]
            var printed: [String], printedLines: Int

            enum CodingKeys: String, CodingKey {
                case exercise, step, verdict, passed, maxULPs = "max_ulps", scenario, quantity
                case inputShapes = "input_shapes", expectedShape = "expected_shape", gotShape = "got_shape"
                case maxDifference = "max_difference", firstIndex = "first_index", samples, message, location
                case sourceLine = "source_line", mistake
                case diagnosis, printed, printedLines = "printed_lines"
            }
        }

        struct Run: Encodable {
            var network: String, status: String, passed: Bool, identicalToLoop: Bool, problem: String?
            var printed: [String], printedLines: Int, layers: [Row]

            enum CodingKeys: String, CodingKey {
                case network, status, passed, identicalToLoop = "identical_to_loop", problem, printed
                case printedLines = "printed_lines", layers
            }

            struct Row: Encodable {
                var layer: Int, gradient: String, shape: String, identicalToLoop: Bool, maxULPs: UInt64
                var finiteDifferenceRelativeError: Double, ok: Bool

                enum CodingKeys: String, CodingKey {
                    case layer, gradient, shape, identicalToLoop = "identical_to_loop", maxULPs = "max_ulps"
                    case finiteDifferenceRelativeError = "finite_difference_relative_error", ok
                }
            }
        }
    }

    /// The report as one JSON document (docs/file-formats.md, "The student check"). A number that is not finite is
    /// written as the string "nan", "inf" or "-inf", so the document is valid JSON whatever the student's code did.
    public func json() throws -> String {
        let steps = verdicts.map { v in
            Document.Step(exercise: v.step.exercise, step: v.step.rawValue, verdict: v.kind.rawValue, passed: v.kind.passed,
                          maxULPs: v.maximumULPs, scenario: v.scenario, quantity: v.quantity, inputShapes: v.shapes,
                          expectedShape: v.expectedShape, gotShape: v.gotShape, maxDifference: v.maximumDifference,
                          firstIndex: v.firstIndex, samples: v.samples, message: v.message, location: v.location,
                          sourceLine: v.sourceLine, mistake: v.mistake, diagnosis: v.diagnosis, printed: v.printed, printedLines: v.printedLineCount)
        }
        var run: Document.Run?
        if let engineRun {
            var rows: [Document.Run.Row] = []
            if case .compared(let table) = engineRun.outcome {
                for l in 1...table.network.layerCount {
                    let layer = table.network.layers[l - 1]
                    let difference = table.differences[0].layers[l - 1], oracle = table.oracle[1][l - 1]
                    for (symbol, shape, compared, entries) in [
                        ("∂W", layer.weights.shapeDescription, difference.weights, oracle.weights),
                        ("∂b", "[\(layer.biases.count)]", difference.biases, oracle.biases),
                    ] {
                        rows.append(.init(layer: l, gradient: symbol, shape: shape, identicalToLoop: compared.isIdentical,
                                          maxULPs: compared.maximumULPs, finiteDifferenceRelativeError: entries.maximumRelativeError,
                                          ok: entries.maximumRelativeError < tolerance))
                    }
                }
            }
            run = .init(network: engineRun.network, status: engineRun.status, passed: engineRun.passed(tolerance: tolerance),
                        identicalToLoop: engineRun.identical, problem: engineRun.problem, printed: engineRun.printed,
                        printedLines: engineRun.printedLineCount, layers: rows)
        }
        let document = Document(
            passed: passed, bitwise: bitwise,
            startWith: startWith.map { .init(exercise: $0.step.exercise, step: $0.step.rawValue, file: $0.step.file, guide: Self.guide($0.step)) },
            scenarios: scenarios.map(\.name), steps: steps, engineRun: run)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }
}
