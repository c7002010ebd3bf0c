import Backprop
import BackpropExercises
import Foundation

extension ExplainCommand {
    /// `explain --engine student`: the student's functions (Sources/StudentWork) run on the worked example, in a
    /// child process, each step on the right inputs, and every result printed beside the right one: ≡ the same bits,
    /// ≈ within rounding, ≠ wrong (then both are shown).
    static func renderStudent(network: Network<Double>, batch: Batch<Double>, description: String,
                              flags: [String], timeLimit: Double) throws -> (text: String, agree: Bool) {
        let scenario = StudentCheck.Scenario(name: "explain", network: network, batch: batch)
        let pass = MatrixForm.pass(network, inputs: batch.inputs, targets: batch.targets)
        let result = try StudentSupervisor.run(flags + ["--explain"], timeLimit: timeLimit)
        var text = "explain --engine student: \(description)\nm = \(batch.count) examples, double precision\n"
        text += "Your functions (Sources/StudentWork), each given the right inputs, beside the right results:\n"
        text += "≡ the same bits, ≈ within rounding, ≠ wrong (then yours and the right one)\n"
        var agree = true
        var step: StudentCheck.Step?
        for record in StudentCheck.collapse(result.records) {
            let call = record.call
            if call.step != step {
                step = call.step
                text += "\n\(call.step.rawValue) (exercise \(call.step.exercise), \(call.step.file)):\n"
            }
            let expected = StudentCheck.inputs(call, scenario, pass: pass).expected
            guard let first = record.first else {
                agree = false
                let why = result.crash.map { crash -> String in
                    if crash.timedOut { return "did not finish within \(String(format: "%g", timeLimit)) s" }
                    if let status = crash.exitStatus { return "called exit(\(status))" }
                    return "stopped the program\(crash.location.map { " at \($0)" } ?? ""): \(crash.message ?? crash.signal ?? "a trap")"
                } ?? "did not finish"
                text += "  \(name(call)): your code \(why). Run `backprop exercises` for the diagnosis.\n"
                break
            }
            switch first {
            case .notWritten(let exercise):
                text += "  not written yet (exercise \(exercise))\n"
                agree = false
            case .threw(let message):
                text += "  \(name(call)): your code threw: \(message)\n"
                agree = false
            default:
                let (lines, same) = compared(name(call), first, expected)
                agree = agree && same
                text += lines
            }
        }
        if !result.printed.isEmpty {
            text += "\nWhile they ran, your code printed \(result.printed.count > 6 ? "\(result.printed.count) lines, the first 6" : "this"):\n"
            for line in result.printed.prefix(6) { text += "  | \(line)\n" }
        }
        text += "\n" + (agree ? "Every result of yours is right: the same steps, on the same numbers, as the library's.\n"
                        : "Not every result is right yet: `backprop exercises` says which mistake, on networks of every kind.\n")
        return (text, agree)
    }

    /// "Z¹", "∂W²", "example 0's ∂W¹": what a call computes.
    static func name(_ call: StudentCheck.Call) -> String {
        let l = ShapesCommand.superscript(call.index)
        return switch call.step {
        case .oneExample: "example \(call.index)"
        case .forward: "Z\(l)"
        case .outputError: "Δᴸ"
        case .hiddenError: "Δ\(l)"
        case .weightGradient: "∂W\(l)"
        case .biasGradient: "∂b\(l)"
        case .batchEngine: "the engine"
        }
    }

    /// One result beside the right one, and whether it is right.
    static func compared(_ name: String, _ got: StudentCheck.Output, _ expected: StudentCheck.Output) -> (String, Bool) {
        switch (got, expected) {
        case (.matrix(let mine), .matrix(let right)):
            return pair(name + " " + right.shapeDescription, mine, right)
        case (.vector(let mine), .vector(let right)):
            return pair(name + " [\(right.count)]", Matrix(rows: 1, columns: mine.count, elements: mine),
                        Matrix(rows: 1, columns: right.count, elements: right))
        case (.gradients(let mine), .gradients(let right)):
            var text = "", all = true
            let (loss, sameLoss) = pair(name + ": ℓ", Matrix(rows: 1, columns: 1, elements: [mine.loss]),
                                        Matrix(rows: 1, columns: 1, elements: [right.loss]))
            text += loss
            all = all && sameLoss
            for l in stride(from: right.layers.count, through: 1, by: -1) where l <= mine.layers.count {
                let s = ShapesCommand.superscript(l)
                let (w, sameW) = pair("  ∂W\(s)", mine.layers[l - 1].weights, right.layers[l - 1].weights)
                let b = mine.layers[l - 1].biases, rb = right.layers[l - 1].biases
                let (bias, sameB) = pair("  ∂b\(s)", Matrix(rows: 1, columns: b.count, elements: b),
                                         Matrix(rows: 1, columns: rb.count, elements: rb))
                text += w + bias
                all = all && sameW && sameB
            }
            if mine.layers.count != right.layers.count {
                text += "  your gradients have \(mine.layers.count) layers, the network \(right.layers.count)\n"
                all = false
            }
            return (text, all)
        default:
            return ("  \(name): returned \(got), expected \(expected)\n", false)
        }
    }

    /// A matrix of the student's beside the right one: one block when they agree, both when they do not.
    static func pair(_ name: String, _ mine: Matrix<Double>, _ right: Matrix<Double>) -> (String, Bool) {
        guard mine.rows == right.rows, mine.columns == right.columns else {
            return ("  \(name): yours is \(mine.shapeDescription), the right one \(right.shapeDescription)  ≠\n", false)
        }
        let bitwise = zip(mine.elements, right.elements).allSatisfy { $0.bitPattern == $1.bitPattern }
        let scale = right.elements.map(abs).max() ?? 0
        let close = zip(mine.elements, right.elements).allSatisfy { abs($0 - $1) <= 1e-11 * max(scale, 1e-300) }
        if bitwise || close {
            return (matrix("  " + name, right, notes: [bitwise ? "≡" : "≈"]), true)
        }
        let wrongRows = (0..<right.rows).map { i in
            (0..<right.columns).contains { j in !(abs(mine[i, j] - right[i, j]) <= 1e-11 * max(scale, 1e-300)) }
        }
        return (matrix("  " + name + " yours", mine, notes: wrongRows.map { $0 ? "≠" : "" })
                + matrix("  " + String(repeating: " ", count: name.count) + " right", right), false)
    }
}
