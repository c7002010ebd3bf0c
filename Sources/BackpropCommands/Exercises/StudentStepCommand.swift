#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Backprop
import BackpropExercises
import Foundation

/// `backprop __student-step`: the child process of `exercises`. It runs the student's code for one
/// step on every scenario and writes what it returned to a report file, a line before and a line after each call,
/// so that if the student's code traps or loops, the parent knows in which call (`StudentSupervisor`). With
/// `--engine-run` it runs the student's engine instead, on the network and batch the flags describe (the same
/// flags, so the same seeded network and batch, as the parent's).
enum StudentStepCommand: Subcommand {
    static let name = "__student-step"
    static let summary = "(internal) run one step of the student's work for exercises"

    static var options: [OptionSpec] {
        NetworkOptions.specs(ExercisesCommand.form) + [
            OptionSpec("step", value: "S", help: "the step"),
            OptionSpec("call", value: "S:I", help: "only this call of the step: scenario S, layer or example I"),
            OptionSpec("after", value: "S:I", help: "the calls of the step after this one"),
            OptionSpec("engine-run", help: "run the student's engine on the network and batch of the flags"),
            OptionSpec("explain", help: "run every step of the student's on the network and batch of the flags"),
            OptionSpec("batch", value: "M", help: "examples in the seeded batch"),
            OptionSpec("report", value: "FILE", help: "where to write the report lines")]
    }

    static func run(_ arguments: ParsedArguments, context: CommandContext) throws -> Int32 {
        guard let path = arguments.string("report") else { throw UsageError("--report FILE is required") }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT, 0o600)
        guard descriptor >= 0 else { throw BackpropError("cannot write '\(path)'") }
        defer { close(descriptor) }
        // Each line goes straight to the file (no buffer a trap could lose).
        let report = { (line: String) in Console.writeAll(line, to: descriptor) }
        let submission = context.engines.student
        if arguments.flag("engine-run") {
            let (network, batch, _) = try ExercisesCommand.tableInputs(arguments)
            let call = StudentCheck.Call(step: .batchEngine, scenario: -1, index: 0)
            report(StudentCheck.encode(StudentCheck.Record(call: call)))
            var gradients = Gradients<Double>(loss: 0, layers: [])
            let output: StudentCheck.Output
            do {
                try submission.batchEngine(submission.steps).computeGradients(
                    of: network, inputs: batch.inputs, targets: batch.targets, into: &gradients)
                output = .gradients(gradients)
            } catch let error as NotWrittenYet {
                output = .notWritten(exercise: error.exercise)
            } catch {
                output = .threw(String(describing: error))
            }
            report(StudentCheck.encode(StudentCheck.Record(call: call, first: output, second: output)))
            return 0
        }
        if arguments.flag("explain") {
            let (network, batch, _) = try ExercisesCommand.tableInputs(arguments)
            let scenario = StudentCheck.Scenario(name: "explain", network: network, batch: batch)
            for step in StudentCheck.Step.allCases where step != .batchEngine {
                StudentCheck.runChild(step, submission, scenarios: [scenario], replay: false, report: report)
            }
            return 0
        }
        guard let name = arguments.string("step"), let step = StudentCheck.Step(rawValue: name) else {
            throw UsageError("--step: expected one of \(StudentCheck.Step.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        func call(_ option: String) throws -> StudentCheck.Call? {
            guard let text = arguments.string(option) else { return nil }
            let parts = text.split(separator: ":").compactMap { Int($0) }
            let call = parts.count == 2 ? StudentCheck.Call(step: step, scenario: parts[0], index: parts[1]) : nil
            guard let call, StudentCheck.calls(step, scenarios: StudentCheck.scenarios()).contains(call) else {
                throw UsageError("--\(option): '\(text)' is not a call of \(step.rawValue)")
            }
            return call
        }
        StudentCheck.runChild(step, submission, only: try call("call"), after: try call("after"), report: report)
        return 0
    }
}
