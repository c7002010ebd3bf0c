import Backprop
import Foundation

extension StudentCheck {
    /// What the wrong elements have in common with the right ones, when no known mistake reproduces them: a
    /// precision, a non-finite value, zeros, a constant factor or offset, σ applied, a sign lost, a pattern of rows
    /// or columns, or the places where an input is zero. Each is measured on the whole array, and stated only when
    /// it holds for every wrong element.
    static func relations(_ got: [Double], _ expected: [Double], call: Call, scenario: Scenario, inputs: Inputs,
                          columns: Int?) -> [String] {
        let m = Double(scenario.examples)
        let scale = expected.map(abs).filter(\.isFinite).max() ?? 0
        let wrong = wrongIndices(got, expected)
        if let bad = got.firstIndex(where: { !$0.isFinite }) {
            var line = "Your result has \(got[bad]) at element \(bad): a division by zero (by a count, or by a loop index that starts at 0, as in a running mean divided by i), a log or a square root of a negative number, or a value that overflowed."
            if scenario.largeLogits, call.step == .oneExample || call.step == .batchEngine {
                line += " Here the logits are in the hundreds: e^z overflows for z above 709; subtract the row's maximum first."
            }
            return [line]
        }
        if got.allSatisfy({ $0 == 0 }) && expected.contains(where: { $0 != 0 }) {
            let mean = call.step == .weightGradient || call.step == .biasGradient
            return ["Every element of your result is 0: is the result ever written (a copy filled instead of the returned matrix)?"
                    + (mean ? " Or a mean taken in integers: 1 / m with an Int m is 0; write 1.0 / Double(m)." : "")]
        }
        // Some elements right, and every wrong one exactly 0: never written.
        if !wrong.isEmpty, wrong.count < got.count, wrong.allSatisfy({ got[$0] == 0 }) {
            // Whole leading columns or rows at 0: a loop that starts late.
            if let columns, columns > 1 {
                let rows = got.count / columns
                let zeroColumns = (0..<columns).filter { c in (0..<rows).allSatisfy { got[$0 * columns + c] == 0 } }
                let wrongColumns = Set(wrong.map { $0 % columns })
                if let k = (1..<columns).last(where: { k in (0..<k).allSatisfy(zeroColumns.contains) }),
                   wrongColumns.isSubset(of: Set(0..<k)) {
                    return ["Column\(k == 1 ? " 0" : "s 0…\(k - 1)") of your \(quantityName(call)) \(k == 1 ? "is" : "are") 0, never written, and the others are right: the loop over the columns starts at \(k) where it starts at 0."]
                }
                let zeroRows = (0..<rows).filter { r in (0..<columns).allSatisfy { got[r * columns + $0] == 0 } }
                let wrongRows = Set(wrong.map { $0 / columns })
                if rows > 1, let k = (1..<rows).last(where: { k in (0..<k).allSatisfy(zeroRows.contains) }),
                   wrongRows.isSubset(of: Set(0..<k)) {
                    return ["Row\(k == 1 ? " 0" : "s 0…\(k - 1)") of your \(quantityName(call)) \(k == 1 ? "is" : "are") 0, never written, and the others are right: the loop over the rows starts at \(k) where it starts at 0."]
                }
            }
            return ["Every wrong element of yours is exactly 0 where the right one is not, and the others are right: those elements are never written, or are set to 0 or multiplied by 0. A loop that leaves before reaching them (a break or a return inside it, or a bound too small), a result that starts at 0 and is only partly filled, or a mask or a factor that is 0 there (a dropout left in, a condition that zeroes them)?"]
        }
        let worst = wrong.map { abs(got[$0] - expected[$0]) }.max() ?? 0
        if scale > 0, worst <= 1e-6 * scale {
            var line = String(format: "Right to about %.0f digits only (largest error %.1g of the largest value)", -log10(worst / scale), worst / scale)
            if close(got, expected.map { Double(Float($0)) }) {
                line += ": your numbers are the right ones rounded to Float. Compute in Double."
            } else if let digits = (1...12).first(where: { d in
                let unit = pow(10, Double(d))
                return close(got, expected.map { ($0 * unit).rounded() / unit })
            }) {
                line += ": your numbers are the right ones rounded to \(digits) decimal\(digits == 1 ? "" : "s"). Return them as they are."
            } else if let place = specialPlaces(wrong, count: got.count, inputs: inputs) {
                // Every wrong element moved by the same small amount: a value clipped into [ε, 1 − ε].
                let moved = wrong.map { abs(got[$0] - expected[$0]) }
                if let eps = moved.first, eps > 0, moved.allSatisfy({ abs($0 - eps) <= 1e-6 * eps }) {
                    line += ": the wrong elements are exactly \(place), and each is off by the same \(String(format: "%g", eps)): the values there were clipped into [\(String(format: "%g", eps)), 1 − \(String(format: "%g", eps))] (a guard that belongs before a logarithm, which this step does not take). Use them as they are."
                } else {
                    line += ": the wrong elements are exactly \(place). Look for what your code does there (a clip, a guard against 0 or 1)."
                }
            } else if let ratio = constant(Array(got.indices), { got[$0] / expected[$0] }, where: { expected[$0] != 0 }),
                      ratio != 1, got.indices.allSatisfy({ expected[$0] == 0 ? got[$0] == 0 : abs(got[$0] / expected[$0] - ratio) <= 1e-13 }) {
                line += String(format: ": every element is exactly %.12g times the right one, a hair from 1: a divisor slightly off (m + ε, a guard against 0 that does not belong here: m ≥ 1), or a constant factor near 1. Divide by m itself.", ratio)
            } else {
                line += ": a constant of low precision, or a part computed in Float?"
            }
            return [line]
        }
        if got.contains(where: { $0 != 0 && $0.isFinite }), let digits = (1...12).first(where: { d in
            let unit = pow(10, Double(d)), rounded = expected.map { ($0 * unit).rounded() / unit }
            return rounded.filter { $0 != 0 }.count * 2 > rounded.count && close(got, rounded)
        }) {
            return ["Your numbers are the right ones rounded to \(digits) decimal\(digits == 1 ? "" : "s"): return them as they are."]
        }
        // Clipped: every wrong element is ±c, and the right one is larger than c in size.
        if let c = wrong.first.map({ abs(got[$0]) }), c > 0, wrong.allSatisfy({ abs(abs(got[$0]) - c) <= 1e-12 * c && abs(expected[$0]) > c
                                                                              && (got[$0] > 0) == (expected[$0] > 0) }) {
            return [String(format: "The wrong elements are exactly ±%g, where the right ones are larger: the values were clipped to [−%g, %g]. Return them as they are.", c, c, c)]
        }
        // One number everywhere.
        if got.count > 1, got.allSatisfy({ $0 == got[0] }), !expected.allSatisfy({ $0 == expected[0] }) {
            var line = "Every element of your result is the same number, \(number(got[0]))"
            if let (name, what) = inputs.matrices.lazy.compactMap({ input -> (String, String)? in
                let values = input.value.elements, count = Double(values.count)
                let sum = values.reduce(0, +)
                func equal(_ x: Double) -> Bool { abs(x - got[0]) <= 1e-9 * max(abs(got[0]), 1e-300) }
                if equal(sum / count) { return (input.name, "the mean of every element") }
                if equal(sum) { return (input.name, "the sum of every element") }
                if equal(sum / Double(input.value.rows)) { return (input.name, "the sum of every element divided by its rows (m)") }
                if equal(sum / Double(input.value.columns)) { return (input.name, "the sum of every element divided by its columns") }
                return nil
            }).first {
                line += ", \(what) of \(name): one sum over the whole matrix where each \(call.step == .biasGradient ? "unit (column)" : "element") has its own."
            } else {
                line += ": one value computed once and used for every element."
            }
            return [line]
        }
        // A single number has a ratio and an offset to the right one whatever is wrong with it: no signal in that.
        guard got.count > 1 else { return [] }
        if let ratio = constant(Array(got.indices), { got[$0] / expected[$0] },
                                 where: { expected[$0] != 0 && abs(expected[$0]) > 1e-12 * scale }), ratio != 1 {
            if abs(ratio - m) <= 1e-9 * m && m > 1 {
                return ["Every element is m = \(scenario.examples) times the right one: " + Mistake.missingMean.explanation]
            } else if abs(ratio - 1 / m) <= 1e-9 / m && m > 1 {
                return [call.step == .weightGradient || call.step == .biasGradient || call.step == .batchEngine
                    ? "Every element is 1/m = 1/\(scenario.examples) of the right one: the 1/m is applied twice."
                    : "Every element is 1/m = 1/\(scenario.examples) of the right one: a division by m where no mean belongs (the 1/m belongs to the gradients ∂Wˡ and ∂bˡ)."]
            } else if m > 1 && abs(ratio - m / (m - 1)) <= 1e-9 * ratio {
                return ["Every element is m/(m − 1) times the right one: " + Mistake.meanOverMMinusOne.explanation]
            } else if call.step == .weightGradient || call.step == .biasGradient,
                      let divisor = inputs.matrices.flatMap({ [$0.value.rows, $0.value.columns] })
                        .first(where: { $0 != scenario.examples && abs(ratio - m / Double($0)) <= 1e-9 * ratio }) {
                return ["Every element is m/\(divisor) times the right one: the sum was divided by \(divisor) (a count of units, the columns) where m = \(scenario.examples) (the examples, the rows) belongs."]
            } else if abs(ratio + 1) <= 1e-9 {
                return ["Every element has the wrong sign: " + (call.step == .outputError
                    ? "Δᴸ = Aᴸ − Y (not Y − Aᴸ), and the signs carry through the other steps."
                    : "look for a subtraction the wrong way round, or a minus sign too many.")]
            }
            return [String(format: "Every element is %.6g times the right one: look for a constant factor.", ratio)]
        }
        if let offset = constant(Array(got.indices), { got[$0] - expected[$0] }, where: { _ in true }), offset != 0 {
            let mean = call.step == .weightGradient || call.step == .biasGradient
            if mean, abs(offset - 1 / m) <= 1e-9 * max(1, scale) {
                return ["Every element is 1/m = 1/\(scenario.examples) too large: a sum that starts from 1 instead of 0 (reduce(1, +), or var sum = 1.0), then divided by m."]
            }
            return [String(format: "Every element is off by the same amount, %.6g: a constant added (a sum that does not start from 0, a bias added twice?).", offset)]
        }
        var lines: [String] = []
        // σ applied where the step returns the pre-activation.
        if call.step == .forward {
            for activation in [scenario.network.hidden, .sigmoid, .relu, .tanh] where close(got, expected.map { activation.value($0) }) {
                lines.append("Your Zˡ is \(activation.rawValue)(Zˡ): the forward step returns the pre-activation Zˡ = Aˡ⁻¹ Wˡ + bˡ; the engine applies σ to it afterwards.")
                break
            }
        }
        if !lines.isEmpty { return lines }
        // The sign lost: the wrong elements are exactly the negative ones, made positive.
        if !wrong.isEmpty, wrong.allSatisfy({ expected[$0] < 0 && abs(got[$0] + expected[$0]) <= 1e-9 * max(scale, 1e-300) }),
           expected.indices.filter({ expected[$0] < 0 }).allSatisfy(wrong.contains) {
            return ["The wrong elements are exactly the negative ones, with their sign turned: an abs() (or a max with 0, a square root of a square) where the value should keep its sign."]
        }
        if let columns, columns > 0 {
            let rows = got.count / columns
            let wrongRows = (0..<rows).filter { r in wrong.contains { $0 / columns == r } }
            let wrongColumns = (0..<columns).filter { c in wrong.contains { $0 % columns == c } }
            // A row or column whose right values are all 0 is right for many wrong formulas (a product with a 0
            // factor): only one with a value that is not 0, and right, says the pattern is about rows or columns.
            let telling = (rows: (0..<rows).filter { r in (0..<columns).contains { expected[r * columns + $0] != 0 } },
                           columns: (0..<columns).filter { c in (0..<rows).contains { expected[$0 * columns + c] != 0 } })
            func list(_ indices: [Int]) -> String { indices.map(String.init).joined(separator: ", ") }
            func edge(_ indices: [Int], _ count: Int) -> String {
                indices == [0] || indices == [count - 1] ? " (the first or the last: a loop's bounds?)" : ""
            }
            let targets = inputs.matrices.first { $0.name == "Y" }?.value
            let kinds = targets.flatMap { y in y.rows == rows ? (0..<rows).map { targetKind(y.row($0)) } : nil }
            let wrongKinds = Set(wrongRows.compactMap { kinds?[$0] })
            let rightKinds = Set((0..<rows).filter { !wrongRows.contains($0) }.compactMap { kinds?[$0] })
            if rows > 1, !wrongRows.isEmpty, wrongRows.count < rows, !wrongKinds.isEmpty, wrongKinds.isDisjoint(with: rightKinds) {
                // The wrong rows are told by their targets: a kind of target row the code treats otherwise.
                func words(_ kinds: Set<String>) -> String { kinds.sorted().joined(separator: " or ") }
                lines.append("Only row\(wrongRows.count == 1 ? "" : "s") \(list(wrongRows)) of \(rows) \(wrongRows.count == 1 ? "is" : "are") wrong, exactly the row\(wrongRows.count == 1 ? "" : "s") whose target \(wrongRows.count == 1 ? "has" : "have") \(words(wrongKinds)); the right rows' targets have \(words(rightKinds)). Look at what your code does differently with such a target row (a branch on it, a label read from it, a rounding or a rescaling): a sigmoid output's target row may have several 1s, fractions, or no 1 at all, and the equation is the same for every row.")
            } else if rows > 1 && wrongRows.count < rows && telling.rows.contains(where: { !wrongRows.contains($0) }) {
                lines.append("Only row\(wrongRows.count == 1 ? "" : "s") \(list(wrongRows)) of \(rows) \(wrongRows.count == 1 ? "is" : "are") wrong: look at what is special about \(wrongRows.count == 1 ? "it" : "them")\(edge(wrongRows, rows)).")
            } else if columns > 1 && wrongColumns.count < columns && telling.columns.contains(where: { !wrongColumns.contains($0) }) {
                lines.append("Only column\(wrongColumns.count == 1 ? "" : "s") \(list(wrongColumns)) of \(columns) \(wrongColumns.count == 1 ? "is" : "are") wrong: look at what is special about \(wrongColumns.count == 1 ? "it" : "them")\(edge(wrongColumns, columns)).")
            }
        }
        return lines
    }

    /// What kind of target a row is, in words that finish "whose target has …".
    static func targetKind(_ row: [Double]) -> String {
        if row.allSatisfy({ $0 == 0 }) { return "no 1 (all 0s)" }
        if row.contains(where: { $0 != 0 && $0 != 1 }) { return "fractions (a soft target)" }
        return row.filter { $0 == 1 }.count == 1 ? "one 1 (one-hot)" : "several 1s (multi-label)"
    }

    /// Whether every row of `targets` has one 1 and 0s elsewhere.
    static func oneHot(_ targets: Matrix<Double>) -> Bool {
        (0..<targets.rows).allSatisfy { targetKind(targets.row($0)) == "one 1 (one-hot)" }
    }

    /// "where Aᴸ is 0 or 1", when every wrong element sits where an input of the same shape is exactly 0 or 1
    /// (and not every such place is wrong only by chance: at least one of them is wrong).
    static func specialPlaces(_ wrong: [Int], count: Int, inputs: Inputs) -> String? {
        guard !wrong.isEmpty else { return nil }
        for input in inputs.matrices where input.value.elements.count == count {
            let values = input.value.elements
            if wrong.allSatisfy({ values[$0] == 0 || values[$0] == 1 }) { return "where \(input.name) is 0 or 1" }
        }
        return nil
    }

    /// A hidden error wrong exactly where a ReLU is off (Aˡ = 0): a σ′ that is not 0 there.
    static func reluZero(_ got: [Double], _ expected: [Double], call: Call, scenario: Scenario, inputs: Inputs) -> String? {
        guard call.step == .hiddenError, scenario.network.hidden == .relu, let a = inputs.matrices.last?.value else { return nil }
        let wrong = wrongIndices(got, expected), zeros = a.elements.indices.filter { a.elements[$0] == 0 }
        guard !wrong.isEmpty, Set(wrong).isSubset(of: zeros) else { return nil }
        return "Wrong only where Aˡ is 0, the units whose ReLU is off: there ReLU′ is 0 (hidden.derivative(fromActivation: 0) is 0, not 1), so their error must be 0 and yours is not."
    }

    /// `value(i)` for the indices that satisfy `condition`, when it is one number for all of them (to 1e-9 of its
    /// size) and there is at least one.
    static func constant(_ indices: [Int], _ value: (Int) -> Double, where condition: (Int) -> Bool) -> Double? {
        let values = indices.filter(condition).map(value)
        guard let first = values.first, first.isFinite else { return nil }
        return values.allSatisfy({ abs($0 - first) <= 1e-9 * max(abs(first), 1e-12) }) ? first : nil
    }
}
