import Backprop
import BackpropExercises
import CommandSupport
import Foundation

/// `backprop exercises` (formerly `exercises`): the student's work, step by step in the course's order,
/// each step in a child process on the reference inputs (`StudentCheck`, `StudentSupervisor`); then the engine
/// composed of the steps against the loop engine and finite differences on `--net`. Exit 0 only when every step
/// checked is right and every table printed passes.
enum ExercisesCommand: Subcommand {
    static let name = "exercises"
    static let summary = "check your exercises (Sources/StudentWork) step by step, and diagnose their mistakes"

    /// The network flags: double precision only, and the output pairings whose Δᴸ is Aᴸ − Y.
    static let form = NetworkOptions.Form(defaultNet: "10-8-8-4", takesFile: false, precisions: [])

    static var options: [OptionSpec] {
        NetworkOptions.specs(form) + [
            OptionSpec("batch", value: "M", help: "examples in the batch of the engine's table (default 8)"),
            OptionSpec("fd-samples", value: "K", help: "entries of each Wˡ and bˡ checked by finite differences; 0 checks all (default 24)"),
            OptionSpec("exercise", value: "N", help: "check only exercise N's steps (3 to 7)"),
            OptionSpec("time-limit", value: "S", help: "seconds each step may run (default 10)"),
            OptionSpec("format", value: "F", help: "table or json (default table)"),
        ]
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        let console = context.console
        let (network, batch, options) = try tableInputs(arguments)
        let timeLimit = try arguments.number("time-limit", default: 10, in: 0.1...3600)
        let format = try arguments.choice("format", ["table", "json"], default: "table")
        let exercise = try arguments.string("exercise").map { _ in try arguments.integer("exercise", default: 0, in: 3...7) }
        let samples = try arguments.integer("fd-samples", default: 24, in: 0...1_000_000)

        // The steps, in the course's order; the engine only once every step it calls is right.
        let scenarios = StudentCheck.scenarios()
        var verdicts: [StepVerdict] = []
        let needed: [StudentCheck.Step] = [.forward, .outputError, .hiddenError, .weightGradient, .biasGradient]
        for step in StudentCheck.Step.allCases where exercise == nil || step.exercise == exercise {
            if step == .batchEngine, let blocking = verdicts.first(where: { needed.contains($0.step) && !$0.kind.passed }) {
                var verdict = StepVerdict(step: step, kind: .skipped)
                verdict.diagnosis = ["Checked once your steps are right: \(blocking.step.rawValue) (exercise \(blocking.step.exercise)) is not yet."]
                verdicts.append(verdict)
                continue
            }
            let flags = ["--step", step.rawValue]
            var result = try StudentSupervisor.run(flags, timeLimit: timeLimit, stepFile: step.file)
            // A call that stopped the child: the rest of the step in fresh children, so that every scenario is seen
            // (the first crash is the one diagnosed; a timeout ends the step there).
            var stopped = result.crash?.timedOut == false ? result.records.last.flatMap { $0.first == nil ? $0.call : nil } : nil
            for _ in 0..<8 {
                guard let call = stopped else { break }
                let rest = try StudentSupervisor.run(flags + ["--after", "\(call.scenario):\(call.index)"], timeLimit: timeLimit,
                                                     stepFile: step.file)
                result.records += rest.records
                stopped = rest.crash?.timedOut == false ? rest.records.last.flatMap { $0.first == nil ? $0.call : nil } : nil
            }
            // Answers that changed between calls: a second, fresh run tells randomness from state.
            let rerun = StudentCheck.answersChanged(result.records)
                ? try? StudentSupervisor.run(flags, timeLimit: timeLimit, stepFile: step.file).records : nil
            var verdict = StudentCheck.verdict(step, records: result.records, crash: result.crash, scenarios: scenarios,
                                               printed: result.printed, rerun: rerun)
            // A call that went wrong after others ran first: alone, in a fresh process, it tells state from formula.
            if !verdict.kind.passed, let call = verdict.call, call != StudentCheck.calls(step, scenarios: scenarios).first,
               let alone = try? StudentSupervisor.run(flags + ["--call", "\(call.scenario):\(call.index)"], timeLimit: timeLimit,
                                                      stepFile: step.file) {
                verdict = StudentCheck.isolate(verdict, records: alone.records, scenarios: scenarios)
            }
            verdicts.append(verdict)
        }

        // The engine on the chosen network, with the student's own steps, against the loop engine and finite
        // differences: run whenever exercise 7 is checked, so that a wrong step's layers show there too, and graded.
        var engineRun: EngineRun?
        if exercise == nil || exercise == 7 {
            let result = try StudentSupervisor.run(childFlags(arguments) + ["--engine-run"], timeLimit: timeLimit,
                                                   stepFile: StudentCheck.Step.batchEngine.file)
            let outcome: EngineRun.Outcome
            switch result.records.last?.first {
            case .gradients(let gradients)?:
                if gradients.hasShapes(of: network) {
                    let loop = try LoopEngine<Double>().gradients(of: network, inputs: batch.inputs, targets: batch.targets)
                    outcome = .compared(try EngineCheck.compare(network: network, batch: batch, names: ["loop", "student"],
                                                                gradients: [loop, gradients], samples: samples == 0 ? nil : samples))
                } else {
                    outcome = .wrongShapes
                }
            case .notWritten?:
                outcome = .notWritten
            case .threw(let message)?:
                outcome = .threw(message)
            default:
                let crash = result.crash
                outcome = .stopped(crash.map { crash in
                    if crash.timedOut { return "it did not finish within \(String(format: "%g", timeLimit)) s" }
                    if let status = crash.exitStatus { return "it called exit(\(status))" }
                    // A stack overflow traps in whatever frame is deepest: the recursion is the cause, not that line.
                    if let function = crash.recursion {
                        return "\(function) calls itself without end, until the stack overflowed (the line where it stopped is only where the stack ran out)"
                    }
                    let place = (crash.location.map { " at \($0)" } ?? "") + (crash.calledFrom.map { ", called from \($0)" } ?? "")
                    return "it stopped the program\(place): \(crash.message ?? crash.signal ?? "a trap")"
                } ?? "it stopped")
            }
            engineRun = EngineRun(network: "\(options.describe(network)), m = \(batch.count)", outcome: outcome,
                                  printed: result.printed)
        }

        let report = StudentCheckReport(scenarios: scenarios, verdicts: verdicts, engineRun: engineRun,
                                        tolerance: CheckCommand.tolerance(Double.self))
        if format == "json" {
            console.write(try report.json())
        } else {
            console.write(report.text())
        }
        return report.passed ? 0 : 1
    }

    /// The network and batch of the per-layer table, from the flags (the child makes the same ones from them).
    static func tableInputs(_ arguments: ParsedArguments) throws -> (Network<Double>, Batch<Double>, NetworkOptions) {
        let options = try NetworkOptions(arguments, form)
        guard options.output.loss == .crossEntropy || options.output == .identitySquaredError else {
            throw UsageError("--output \(options.output.activation.rawValue) --loss \(options.output.loss.rawValue): the exercises' output error is Δᴸ = Aᴸ − Y, exact for a cross-entropy output or identity with squared error; choose one of those")
        }
        let network = try options.network(Double.self)
        let examples = try arguments.integer("batch", default: 8, in: 1...10_000)
        return (network, Batch.synthetic(for: network, examples: examples, seed: options.seed &+ 1), options)
    }

    /// The flags that describe the table's network and batch, passed on to the child.
    static func childFlags(_ arguments: ParsedArguments) -> [String] {
        ["net", "hidden", "output", "loss", "init", "seed", "batch"].flatMap { name in
            arguments.string(name).map { ["--\(name)", $0] } ?? []
        }
    }
}
