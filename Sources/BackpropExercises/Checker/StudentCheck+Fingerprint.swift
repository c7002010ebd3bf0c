import Backprop

extension StudentCheck {
    /// A wrong element-wise answer that is exactly some other formula of the same inputs: the formula, found by
    /// trying the simple ones (a quantity, its negative, and the product, quotient, sum or difference of two) made
    /// from the step's named quantities, and stated with the right formula beside it. Or an answer whose elements are
    /// running totals of the right ones (a sum not reset for each element), or whose last rows or columns were never
    /// written. Nil when nothing fits every element.
    ///
    /// Only a formula that differs from the right answer on this call and fits every element (to 1e-9) is reported,
    /// the simplest first, so what it says is a fact about the student's numbers, never a guess.
    ///
    /// With `evidence`, a formula must also give the student's answer on every other call of the step that returned
    /// one: a formula that fits one call by coincidence (one-hot targets make many) is not reported.
    static func fingerprint(_ got: [Double], _ expected: [Double], call: Call, scenario: Scenario, inputs: Inputs,
                            columns: Int?, evidence: Evidence? = nil) -> String? {
        if let columns, let line = runningTotals(got, expected, call: call, inputs: inputs, columns: columns) { return line }
        if let line = neverWritten(got, expected, call: call, inputs: inputs, columns: columns ?? got.count,
                                   vector: columns == nil) { return line }
        guard let terms = Terms(call: call, scenario: scenario, inputs: inputs), terms.right.count == got.count else { return nil }
        let candidates = terms.candidates()
        func meanings(_ candidate: Terms.Candidate) -> String {
            let used = terms.quantities.filter { candidate.uses.contains($0.symbol) && !$0.meaning.isEmpty }
            return used.isEmpty ? "" : ", where " + used.map { "\($0.symbol) = \($0.meaning)" }.joined(separator: ", ")
        }
        // The same formula on the other calls that returned a wrong answer of the right size (a call answered right
        // says only that the formula is not used there: a branch of the code taken on some shapes).
        var onlyHere = false, oneExampleOnly = false
        func holdsElsewhere(_ formula: String) -> Bool {
            guard let evidence else { return true }
            let wrongOthers = evidence.answers.filter { other, answer in
                let mine = flatten(answer), right = flatten(evidence.inputs(other).expected)
                return other != call && !(mine.count == right.count && close(mine, right))
            }
            // The same formula at another layer: the layers' superscripts set aside.
            func plain(_ f: String) -> String { String(f.unicodeScalars.filter { !"⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻".unicodeScalars.contains($0) }) }
            // Some calls right where the formula is not: a branch; said with what the wrong calls share (m = 1). A
            // right call where the formula gives the right numbers too (σ′ squared where ReLU′ is 0 or 1) is none.
            onlyHere = evidence.answers.contains { other, _ in
                guard other != call, !wrongOthers.contains(where: { $0.call == other }) else { return false }
                let given = evidence.inputs(other)
                guard let terms = Terms(call: other, scenario: evidence.scenarios[other.scenario], inputs: given),
                      let theirs = terms.candidates().first(where: { plain($0.formula) == plain(formula) }) else { return true }
                return !close(theirs.values, flatten(given.expected))
            }
            oneExampleOnly = (wrongOthers.map(\.call) + [call]).allSatisfy { evidence.scenarios[$0.scenario].examples == 1 }
            if wrongOthers.isEmpty && got.count < 3 { return false }
            return wrongOthers.allSatisfy { other, answer in
                let given = evidence.inputs(other), mine = flatten(answer)
                // A call whose answer is not all finite says nothing here (the formulas tried are finite ones).
                guard let terms = Terms(call: other, scenario: evidence.scenarios[other.scenario], inputs: given),
                      terms.right.count == mine.count, mine.allSatisfy(\.isFinite) else { return true }
                guard let theirs = terms.candidates().first(where: { plain($0.formula) == plain(formula) }) else { return false }
                return close(mine, theirs.values)
            }
        }
        for candidate in candidates where !close(candidate.values, expected) && close(got, candidate.values)
            && holdsElsewhere(candidate.formula) {
            let branch = onlyHere ? " Some of your other calls are right: this is a branch of your code taken only on some calls\(oneExampleOnly ? " (here every wrong one has a batch of one example, m = 1)" : ""): look for an if or a special case." : ""
            return "Every element of your \(quantityName(call)) is \(candidate.formula)\(meanings(candidate)); the right one is \(terms.rightFormula). Find where your code computes \(candidate.formula).\(branch)"
        }
        // The same, on the wrong elements alone (the others right): a formula used for some rows or columns only.
        let wrong = wrongIndices(got, expected)
        guard wrong.count >= 2, let columns else { return nil }
        // The same on the other calls: their wrong elements fit the formula too.
        func holdsOnWrongElsewhere(_ formula: String) -> Bool {
            guard let evidence else { return true }
            return evidence.answers.filter { $0.call != call }.allSatisfy { other, answer in
                let given = evidence.inputs(other), mine = flatten(answer), right = flatten(given.expected)
                guard let terms = Terms(call: other, scenario: evidence.scenarios[other.scenario], inputs: given),
                      terms.right.count == mine.count, mine.count == right.count, mine.allSatisfy(\.isFinite) else { return true }
                func plain(_ f: String) -> String { String(f.unicodeScalars.filter { !"⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻".unicodeScalars.contains($0) }) }
                guard let theirs = terms.candidates().first(where: { plain($0.formula) == plain(formula) }) else { return false }
                let off = wrongIndices(mine, right)
                return close(off.map { mine[$0] }, off.map { theirs.values[$0] })
            }
        }
        for candidate in candidates {
            let mine = wrong.map { got[$0] }, theirs = wrong.map { candidate.values[$0] }
            // A formula that is 0 at every wrong element says only that they are 0 (never written).
            guard theirs.contains(where: { $0 != 0 }),
                  close(mine, theirs), !close(theirs, wrong.map { expected[$0] }), holdsOnWrongElsewhere(candidate.formula)
            else { continue }
            if wrong.count == got.count {
                // Every element here, and only the wrong ones elsewhere: a formula taken on some rows or calls.
                return "Every element of your \(quantityName(call)) here is \(candidate.formula)\(meanings(candidate)), and on your other calls the elements that are wrong are that too while the rest are right; the right one is \(terms.rightFormula) everywhere. Your code computes \(candidate.formula) on some rows or calls only: look for a condition that picks between two formulas."
            }
            let rows = Array(Set(wrong.map { $0 / columns })).sorted(), cols = Array(Set(wrong.map { $0 % columns })).sorted()
            let place = rows.count < got.count / columns ? "row\(rows.count == 1 ? "" : "s") \(rows.map(String.init).joined(separator: ", "))"
                : "column\(cols.count == 1 ? "" : "s") \(cols.map(String.init).joined(separator: ", "))"
            return "Where your \(quantityName(call)) is wrong (\(place)), each element is \(candidate.formula)\(meanings(candidate)), and the other elements are right; the right one is \(terms.rightFormula) everywhere."
        }
        return nil
    }

    /// The named element-wise quantities of a step, each an array in the answer's layout, and the right formula.
    struct Terms {
        struct Quantity {
            var symbol: String
            var meaning: String
            var values: [Double]
        }
        struct Candidate {
            var formula: String
            var uses: Set<String>
            var values: [Double]
        }

        var quantities: [Quantity]
        var right: [Double]
        var rightFormula: String

        init?(call: Call, scenario: Scenario, inputs: Inputs) {
            let m = inputs.matrices.map(\.value)
            guard case .matrix(let expected) = inputs.expected else { return nil }
            right = expected.elements
            switch call.step {
            case .outputError:
                let (a, y) = (m[0].elements, m[1].elements), output = m[0]
                // The output activation applied once more to each row, and each row's prediction as a one-hot row.
                let again = (0..<output.rows).flatMap { scenario.network.output.activation(output.row($0)) }
                let softmaxAgain = (0..<output.rows).flatMap { OutputLayer.softmaxCrossEntropy.activation(output.row($0)) }
                let predicted = (0..<output.rows).flatMap { i -> [Double] in
                    let row = output.row(i), top = row.indices.max { row[$0] < row[$1] } ?? 0
                    return row.indices.map { $0 == top ? 1 : 0 }
                }
                // Y's first column read as each example's class index (a label), where Y is one-hot already.
                let targets = m[1]
                let labelled = (0..<output.rows).flatMap { i -> [Double] in
                    let v = targets.columns > 0 && i < targets.rows ? targets[i, 0] : -1
                    let label = v.isFinite && abs(v) < 1e9 ? Int(v) : -1
                    return (0..<output.columns).map { $0 == label ? 1 : 0 }
                }
                let largest = (0..<output.rows).flatMap { i -> [Double] in
                    let row = i < targets.rows ? targets.row(i) : [], top = row.indices.max { row[$0] < row[$1] } ?? -1
                    return (0..<output.columns).map { $0 == top ? 1 : 0 }
                }
                quantities = [Quantity(symbol: "Aᴸ", meaning: "", values: a), Quantity(symbol: "Y", meaning: "", values: y),
                              Quantity(symbol: "(Aᴸ − Y)", meaning: "", values: zip(a, y).map(-)),
                              Quantity(symbol: "Aᴸ(1 − Aᴸ)", meaning: "", values: a.map { $0 * (1 - $0) }),
                              Quantity(symbol: "σᴸ(Aᴸ)", meaning: "network.output.activation applied again to each row of Aᴸ, which is already the output activation", values: again),
                              Quantity(symbol: "softmax(Aᴸ)", meaning: "a softmax applied to each row of Aᴸ, which is already the output activation", values: softmaxAgain),
                              Quantity(symbol: "onehot(argmax Aᴸ)", meaning: "a 1 at each row's largest output (the predicted class) and 0 elsewhere, where the probabilities Aᴸ themselves belong", values: predicted),
                              Quantity(symbol: "onehot(Y[i, 0])", meaning: "a 1 in column Int(Y[i, 0]) of each row i and 0 elsewhere: Y's first entry read as example i's class index (a label), where Y is already one-hot (row i of Y is example i's whole target, used as it is)", values: labelled),
                              Quantity(symbol: "onehot(argmax Y)", meaning: "a 1 at each row's largest target entry and 0 elsewhere: each target row reduced to one class label, where Y is used as it is (a row of a multi-label target can hold several 1s, or none)", values: largest)]
                rightFormula = scenario.network.output == .sigmoidSquaredError ? "(Aᴸ − Y) ∘ Aᴸ(1 − Aᴸ)" : "Aᴸ − Y"
            case .hiddenError:
                let (after, w, a) = (m[0], m[1], m[2]), hidden = scenario.network.hidden
                guard w.columns == after.columns, a.rows == after.rows, a.columns == w.rows else { return nil }
                var s = [Double](repeating: 0, count: a.rows * a.columns)
                for i in 0..<a.rows {
                    for j in 0..<a.columns {
                        for k in 0..<w.columns { s[i * a.columns + j] += after[i, k] * w[j, k] }
                    }
                }
                let l = call.index
                quantities = [Quantity(symbol: "s", meaning: "Δ\(sup(l + 1)) (W\(sup(l + 1)))ᵀ, the sum that flows back", values: s),
                              Quantity(symbol: "A\(sup(l))", meaning: "", values: a.elements),
                              Quantity(symbol: "σ′(A\(sup(l)))", meaning: "", values: a.elements.map { hidden.derivative(fromActivation: $0) }),
                              Quantity(symbol: "σ′(s)", meaning: "derivative(fromActivation:) applied to the sum s", values: s.map { hidden.derivative(fromActivation: $0) }),
                              Quantity(symbol: "σ′(σ(A\(sup(l))))", meaning: "σ′ taken of σ applied again to A\(sup(l)), which is already σ(Z\(sup(l))) (for tanh 1 − tanh(a)², where 1 − a² belongs; for the sigmoid σ(a)(1 − σ(a)), where a(1 − a) belongs)", values: a.elements.map { hidden.derivative(fromActivation: hidden.value($0)) }),
                              Quantity(symbol: "Δ\(sup(l))", meaning: "the right answer", values: expected.elements)]
                // σ′ written by hand with a term lost or another activation's formula.
                let right: String = switch hidden {
                case .sigmoid: "the sigmoid's σ′ is a(1 − a)"
                case .tanh: "tanh′ is 1 − a²"
                case .relu: "ReLU′ is 1 where a > 0 and 0 elsewhere"
                case .identity: "the identity's σ′ is 1"
                }
                quantities.insert(Quantity(symbol: "(1 − A\(sup(l)))", meaning: "1 − a, written as σ′, where \(right)", values: a.elements.map { 1 - $0 }), at: 3)
                if hidden != .tanh {
                    quantities.insert(Quantity(symbol: "(1 − (A\(sup(l)))²)", meaning: "1 − a², tanh′, where \(right)", values: a.elements.map { 1 - $0 * $0 }), at: 4)
                }
                rightFormula = "s ∘ σ′(A\(sup(l)))"
            case .forward:
                guard let b = inputs.vector?.value, b.count == expected.columns else { return nil }
                let bias = (0..<expected.elements.count).map { b[$0 % expected.columns] }
                let l = call.index
                let examples = Double(expected.rows)
                quantities = [Quantity(symbol: "P", meaning: "A\(sup(l - 1)) W\(sup(l)), the products' sums", values: zip(expected.elements, bias).map(-)),
                              Quantity(symbol: "b\(sup(l))", meaning: "", values: bias),
                              Quantity(symbol: "m b\(sup(l))", meaning: "b\(sup(l)) times m, the number of examples", values: bias.map { examples * $0 })]
                rightFormula = "P + b\(sup(l)) (bⱼ added once to column j)"
            default:
                return nil
            }
        }

        /// The formulas to try, simplest first: each quantity and its negative, then each pair's product, quotient,
        /// sum and difference. The right answer alone (and its negative) is left to the other relations.
        func candidates() -> [Candidate] {
            var list: [Candidate] = []
            let plain = quantities.filter { !$0.meaning.contains("the right answer") }
            for q in plain {
                list.append(Candidate(formula: q.symbol, uses: [q.symbol], values: q.values))
                list.append(Candidate(formula: "−\(q.symbol)", uses: [q.symbol], values: q.values.map { -$0 }))
            }
            for (x, p) in quantities.enumerated() {
                for (y, q) in quantities.enumerated() where x != y {
                    let uses: Set = [p.symbol, q.symbol]
                    if x < y {
                        list.append(Candidate(formula: "\(p.symbol) ∘ \(q.symbol)", uses: uses, values: zip(p.values, q.values).map(*)))
                        list.append(Candidate(formula: "\(p.symbol) + \(q.symbol)", uses: uses, values: zip(p.values, q.values).map(+)))
                    }
                    list.append(Candidate(formula: "\(p.symbol) / \(q.symbol)", uses: uses, values: zip(p.values, q.values).map(/)))
                    list.append(Candidate(formula: "−\(p.symbol) / \(q.symbol)", uses: uses, values: zip(p.values, q.values).map { -$0 / $1 }))
                    list.append(Candidate(formula: "\(p.symbol) − \(q.symbol)", uses: uses, values: zip(p.values, q.values).map(-)))
                }
            }
            return list.filter { $0.values.allSatisfy(\.isFinite) }
        }
    }

    /// Elements that are running totals of the right ones, along each row, down each column, or over the whole
    /// array in row or column order: an accumulator that is not reset for each element.
    static func runningTotals(_ got: [Double], _ expected: [Double], call: Call, inputs: Inputs, columns: Int) -> String? {
        guard got.count == expected.count, columns > 0, got.count > 2 else { return nil }
        let rows = got.count / columns
        // The forward step's sum starts from bⱼ: its running total is of the products' sums, plus the last bⱼ.
        // The forward step's sum starts from bⱼ: a total that keeps running either adds up the whole Zˡ (bⱼ too), or
        // the products' sums with the last bⱼ on top.
        let bias: [Double] = call.step == .forward ? (inputs.vector?.value ?? []) : []
        let zero = [Double](repeating: 0, count: got.count)
        var variants: [(terms: [Double], base: [Double])] = [(expected, zero)]
        if bias.count == columns {
            let base = expected.indices.map { bias[$0 % columns] }
            variants.append((zip(expected, base).map(-), base))
        }
        let orders: [(String, [[Int]])] = [
            ("along its row, [i, 0] + … + [i, j]", (0..<rows).map { i in (0..<columns).map { i * columns + $0 } }),
            ("down its column, [0, j] + … + [i, j]", (0..<columns).map { j in (0..<rows).map { $0 * columns + j } }),
            ("over every element before it, row by row", [Array(0..<got.count)]),
            ("over every element before it, column by column", [(0..<columns).flatMap { j in (0..<rows).map { $0 * columns + j } }]),
        ]
        for (how, runs) in orders where runs.contains(where: { $0.count > 1 }) {
            for (variant, (terms, base)) in variants.enumerated() {
                var totals = zero
                for run in runs {
                    var sum = 0.0
                    for index in run { sum += terms[index]; totals[index] = sum + base[index] }
                }
                guard !close(totals, expected) && close(got, totals) else { continue }
                let start = call.step == .forward ? "at bⱼ" : "at 0"
                let what = variant == 0 ? "the right ones" : "the right sums Σₖ A[i, k] W[k, j], plus bⱼ,"
                return "Each element of your \(quantityName(call)) is the running total of \(what) \(how): a sum that is not started afresh for each element. Start it \(start) inside the loop, for every element."
            }
        }
        return nil
    }

    /// Trailing rows (or columns) that are all 0 where the right ones are not: never written, because a loop stops
    /// early. Names the sizes of the call that equal where it stopped.
    static func neverWritten(_ got: [Double], _ expected: [Double], call: Call, inputs: Inputs, columns: Int,
                             vector: Bool = false) -> String? {
        guard got.count == expected.count, columns > 0 else { return nil }
        let rows = got.count / columns
        func rowIsZero(_ i: Int) -> Bool { (0..<columns).allSatisfy { got[i * columns + $0] == 0 } }
        func columnIsZero(_ j: Int) -> Bool { (0..<rows).allSatisfy { got[$0 * columns + j] == 0 } }
        func rowMatters(_ i: Int) -> Bool { (0..<columns).contains { expected[i * columns + $0] != 0 } }
        func columnMatters(_ j: Int) -> Bool { (0..<rows).contains { expected[$0 * columns + j] != 0 } }
        let writtenRows = (0..<rows).lastIndex { !rowIsZero($0) }.map { $0 + 1 } ?? 0
        let writtenColumns = (0..<columns).lastIndex { !columnIsZero($0) }.map { $0 + 1 } ?? 0
        func sizes(equalTo n: Int) -> String {
            let names = inputs.matrices.flatMap { [("\($0.name).rows", $0.value.rows), ("\($0.name).columns", $0.value.columns)] }
                .filter { $0.1 == n }.map(\.0)
            return names.isEmpty ? "\(n)" : "\(n) (\(names.joined(separator: ", ")))"
        }
        let rest = Array(0..<writtenRows)
        if writtenRows > 0, writtenRows < rows, (writtenRows..<rows).contains(where: rowMatters),
           close(rest.flatMap { i in (0..<columns).map { got[i * columns + $0] } },
                 rest.flatMap { i in (0..<columns).map { expected[i * columns + $0] } }) {
            return "Rows \(writtenRows)…\(rows - 1) of your \(quantityName(call)) are 0, never written, and the rows before them are right: the loop over its rows stops at \(sizes(equalTo: writtenRows)) where it must run over all \(rows), or the loop inside it does not start again for the next row (a while loop's index not set back to 0), or a return inside the loops ends the step early."
        }
        let first = Array(0..<writtenColumns)
        if writtenColumns > 0, writtenColumns < columns, (writtenColumns..<columns).contains(where: columnMatters),
           close(first.flatMap { j in (0..<rows).map { got[$0 * columns + j] } },
                 first.flatMap { j in (0..<rows).map { expected[$0 * columns + j] } }) {
            let what = vector ? "Entries" : "Columns", them = vector ? "entries" : "columns"
            return "\(what) \(writtenColumns)…\(columns - 1) of your \(quantityName(call)) are 0, never written, and the \(them) before them are right: the loop over its \(them) stops at \(sizes(equalTo: writtenColumns)) where it must run over all \(columns)."
        }
        return nil
    }
}

extension StudentCheck {
    /// A bias gradient made by one walk over Δ's storage that sends each element to the wrong sum: element
    /// e = i·h + j of Δˡ (row i, column j) added into sums[t(e)] with t(e) = e mod m, e / h or e / m where its
    /// column is e mod h, then divided by m. Told only when the walk gives this answer and every other answer of the
    /// step, and runs out of the sums (h entries) on every call that stopped.
    static func flatWalk(_ got: [Double], call: Call, evidence: Evidence) -> String? {
        guard call.step == .biasGradient else { return nil }
        let plain: [(text: String, target: (Int, Int, Int) -> Int)] = [
            ("e % delta.rows (the flat index modulo m)", { e, m, _ in e % m }),
            ("e / delta.columns (the flat index divided by h_l: the row, not the column)", { e, _, h in e / h }),
            ("e / delta.rows (the flat index divided by m)", { e, m, _ in e / m }),
        ]
        // The same kept in range by a further % delta.columns (a guard that hides the wrong index).
        let walks = plain + plain.map { walk in
            (text: walk.text.replacingOccurrences(of: " (", with: " % delta.columns (") + ", wrapped into range", target: { e, m, h in walk.target(e, m, h) % h })
        }
        // The walk's answer on a call, or nil where it runs out of the sums.
        func walked(_ target: (Int, Int, Int) -> Int, _ d: Matrix<Double>) -> [Double]? {
            let (m, h) = (d.rows, d.columns)
            var sums = [Double](repeating: 0, count: h)
            for e in 0..<(m * h) {
                let t = target(e, m, h)
                guard t >= 0, t < h else { return nil }
                sums[t] += d.elements[e]
            }
            return sums.map { $0 / Double(m) }
        }
        for walk in walks {
            guard let d = evidence.inputs(call).matrices.first?.value, let mine = walked(walk.target, d),
                  close(got, mine), !close(mine, flatten(evidence.inputs(call).expected)) else { continue }
            let others = evidence.answers.filter { $0.call != call }.allSatisfy { other, answer in
                guard let d = evidence.inputs(other).matrices.first?.value, let theirs = walked(walk.target, d) else { return false }
                return close(flatten(answer), theirs)
            } && evidence.stops.allSatisfy { stop in
                evidence.inputs(stop).matrices.first.map { walked(walk.target, $0.value) == nil } ?? false
            }
            guard others else { continue }
            return "Your ∂b\(sup(call.index)) is exactly what one walk over Δ's storage gives: each element delta.elements[e] is added into sums[\(walk.text)], where its column is e % delta.columns (a Matrix is stored row after row, each row h_l long). It also gives your answers on every other call of this step\(evidence.stops.isEmpty ? "" : ", and runs past the sums where your code stopped")."
        }
        return nil
    }
}
