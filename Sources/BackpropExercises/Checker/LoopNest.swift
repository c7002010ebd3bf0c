import Backprop

extension StudentCheck {
    /// A matrix step's equation written as the loop nest a student writes, element by element:
    ///
    ///     for r in 0..<rows { for c in 0..<columns {
    ///         sum = bias[c]                                   (the forward step only)
    ///         for s in 0..<count { sum += X[·, ·] · Y[·, ·] } (the steps with a sum)
    ///         result[r, c] = post(sum)                        (· σ′(A[r, c]) or · 1/m)
    ///     } }
    ///
    /// with every read, bound, start and placement a field, so that one slip (a bound taken from another size, an
    /// index for another, a flat index with the other stride, a sum not reset, a factor moved into the loop) is one
    /// changed field. `StudentCheck.slip` runs each one-slip variant on the step's calls and names the one that
    /// gives the student's numbers, or stops where the student's code stopped.
    ///
    /// Letters are the ones the step's file uses: Z[i, j] = b[j] + Σₖ A[i, k] W[k, j];
    /// Δ[i, j] = (Σₖ Δ⁺[i, k] W[j, k]) · σ′(A[i, j]); ∂W[k, j] = (1/m) Σᵢ A[i, k] Δ[i, j]; ∂b[j] = (1/m) Σᵢ Δ[i, j];
    /// Δᴸ[i, j] = Aᴸ[i, j] − Y[i, j].
    struct LoopNest {
        /// A loop variable, or the constant 0.
        enum Index: CaseIterable { case row, column, sum, zero }

        /// How an element is found: by subscript; by a flat index with a row length of `Size`; the same, read by a
        /// walk over the storage that ends where the storage does (`strideWalk`: past the end, the walk has no more
        /// elements and a zip with it stops, so the terms there are none); column by column.
        enum Layout { case subscripted, stride(Size), strideWalk(Size), columnMajor }

        struct Read {
            var operand: Int
            var first: Index
            var second: Index
            var layout = Layout.subscripted
        }

        /// A size in play: an input's rows or columns, or the bias's count (operand −1).
        struct Size: Equatable {
            var operand: Int
            var columns: Bool
        }

        enum Post { case none, derivative(Read, Activation), mean(Size) }
        enum Carry { case none, alongRow, acrossRows, everything }
        enum BiasPlacement { case start, firstRowOnly, everyTerm, missing, twice }

        /// Where a variant stopped: a `Matrix` subscript outside its matrix (a read, or a write into it), or an
        /// array index out of range.
        enum Stop: Equatable {
            case matrix(rows: Int, columns: Int, row: Int, column: Int, write: Bool = false), array

            /// Whether a variant's stop fits the student's: the same index of the same shape, and a write where the
            /// student's code wrote (a `+=` past the end reads first, so a read fits a variant's write too).
            func fits(_ student: Stop) -> Bool {
                switch (self, student) {
                case (.array, .array): return true
                case let (.matrix(r, c, i, j, mine), .matrix(r2, c2, i2, j2, theirs)):
                    return r == r2 && c == c2 && i == i2 && j == j2 && (mine || !theirs)
                default: return false
                }
            }
        }

        enum Outcome { case values([Double]), stopped(Stop) }

        var names: [String]
        /// What each input's rows and columns count (m, h_l, …), and the bias's count: sizes with one symbol are
        /// equal by the step's contract, so a bound taken from one for the other is no slip.
        var dimensions: [(rows: String, columns: String)]
        var biasDimension = ""
        var operands: [Matrix<Double>]
        var bias: [Double]?
        var letters: (row: String, column: String, sum: String)
        var resultRows: Int, resultColumns: Int
        /// The result is a `[Double]` (the bias gradient), not a `Matrix`.
        var vectorResult = false
        var rowBound: Size?
        var columnBound: Size
        var sumBound: Size?
        var sumStart = 0, sumExtra = 0, rowExtra = 0, columnExtra = 0
        var factors: [Read]
        /// The output error's element from its reads (no sum).
        var elementwise: (@Sendable ([Double]) -> Double)?
        var biasRead: Index?
        var biasPlacement = BiasPlacement.start
        var post = Post.none
        var postInside = false
        var carry = Carry.none
        var writeColumnMajor = false
        /// Unit c's value written at columns − 1 − c (a loop that runs backwards and appends).
        var writeReversed = false
        /// The sum starts at its first term, and the loop adds it again.
        var firstTermTwice = false
        /// σ′ multiplied into each term of the sum, read at `derivativeRead`, instead of once after it.
        var postPerTerm = false
        /// A division by this size after everything else (a mean where none belongs, or a second one).
        var extraDivisor: Size?
        /// The sum accumulated in Float: each term rounded to Float (`termsInFloat`: its factors too) and added
        /// into a Float.
        var floatSum = false, termsInFloat = false
        /// The bias added after the sum, to the finished sum (as a Double), where the sum starts at it.
        var biasAfterSum = false
        /// The bounds of the loops over the result's rows and columns swapped.
        var boundsSwapped = false
        /// `sum = term` in the loop where `sum += term` belongs: only the last term counts.
        var assignInLoop = false
        /// The mean's factor 1/m computed in Float.
        var meanInFloat = false
        /// The mean taken in Float: the sum divided by m as Floats (with `floatSum`, a sum kept in Float throughout).
        var meanDividedInFloat = false
        /// The output error's target read another way than as it is: as one class label of its row, the first entry
        /// as an index (`first`) or the largest entry's place (`largest`), a 1 there and 0 elsewhere; each entry
        /// rounded to 0 or 1 (`rounded`) or truncated to an integer (`truncated`); each row divided by its sum
        /// (`normalised`); a row of 0s skipped, its result left 0 (`zeroRowSkipped`).
        enum Label { case first, largest, rounded, truncated, normalised, zeroRowSkipped }
        var targetAsLabel: Label?
        /// The mean taken over the terms whose factor number `meanOverNonzero` is not 0 (terms with a 0 there
        /// skipped and left out of the count), 0 where there are none.
        var meanOverNonzero: Int?
        /// The sum taken two terms at a time (unrolled by two), so that an odd count's last term is left out.
        var sumInPairs = false
        /// Each product computed in Float and added into a Double sum.
        var productsInFloat = false
        /// The sum stops at its first term that is 0 (a `break` where `continue` belongs), or at the first place
        /// where one factor (`stopAtZeroFactor`, an index into `factors`) is 0.
        var stopAtZeroTerm = false
        var stopAtZeroFactor: Int?
        /// Each term's absolute value summed.
        var absoluteTerms = false
        /// Each term squared (a single factor multiplied by itself).
        var squaredTerms = false
        /// The sum starts from an input's element where it starts from 0.
        var sumStartsAt: Read?

        func value(_ size: Size) -> Int {
            size.operand < 0 ? bias?.count ?? 0 : size.columns ? operands[size.operand].columns : operands[size.operand].rows
        }

        func name(_ size: Size) -> String {
            size.operand < 0 || (isVector(size.operand) && size.columns) ? "\(names[size.operand < 0 ? names.count - 1 : size.operand]).count"
                : "\(names[size.operand]).\(size.columns ? "columns" : "rows")"
        }

        /// Whether operand `i` is one of the one-example step's vectors (a row whose rows count the examples).
        func isVector(_ i: Int) -> Bool { perExample && i >= 0 && dimensions[i].rows == "m" }

        /// Every size in play, the inputs' rows and columns and the bias's count.
        var sizes: [Size] {
            operands.indices.flatMap { [Size(operand: $0, columns: false), Size(operand: $0, columns: true)] }
                + (bias == nil ? [] : [Size(operand: -1, columns: false)])
        }

        /// What `size` counts.
        func dimension(_ size: Size) -> String {
            size.operand < 0 ? biasDimension : size.columns ? dimensions[size.operand].columns : dimensions[size.operand].rows
        }

        /// One size per dimension, with every name it goes by: "input.columns or weights.rows".
        var dimensionSizes: [(size: Size, names: String)] {
            var seen: [String] = [], list: [(Size, String)] = []
            for size in sizes where !seen.contains(dimension(size)) {
                seen.append(dimension(size))
                list.append((size, sizes.filter { dimension($0) == dimension(size) }.map(name).joined(separator: " or ")))
            }
            return list
        }

        func letter(_ index: Index) -> String {
            switch index {
            case .row: letters.row
            case .column: letters.column
            case .sum: letters.sum
            case .zero: "0"
            }
        }

        /// The one-example step's own loop for this equation: its vectors are one-row operands, and it has no loop
        /// over the examples (m = 1), so no slip changes that loop or that index.
        var perExample = false

        /// The nest for `call` of a matrix step, nil for the others.
        init?(_ call: Call, scenario: Scenario, inputs: Inputs) {
            self.init(call.step, network: scenario.network, inputs: inputs)
        }

        /// The nest of `step` on `inputs`, nil for the steps that are not one equation.
        init?(_ step: Step, network: Network<Double>, inputs: Inputs) {
            let m = inputs.matrices.map(\.value)
            operands = m
            switch step {
            case .forward:
                guard let b = inputs.vector?.value else { return nil }
                names = ["input", "weights", "bias"]
                dimensions = [("m", "h_{l−1}"), ("h_{l−1}", "h_l")]
                biasDimension = "h_l"
                bias = b
                letters = ("i", "j", "k")
                rowBound = Size(operand: 0, columns: false)
                columnBound = Size(operand: 1, columns: true)
                sumBound = Size(operand: 0, columns: true)
                factors = [Read(operand: 0, first: .row, second: .sum), Read(operand: 1, first: .sum, second: .column)]
                biasRead = .column
            case .outputError:
                let layer = network.output
                names = ["output", "targets"]
                dimensions = [("m", "c"), ("m", "c")]
                letters = ("i", "j", "")
                rowBound = Size(operand: 0, columns: false)
                columnBound = Size(operand: 0, columns: true)
                factors = [Read(operand: 0, first: .row, second: .column), Read(operand: 1, first: .row, second: .column)]
                elementwise = { layer.outputError(activation: [$0[0]], target: [$0[1]])[0] }
            case .hiddenError:
                names = ["deltaAbove", "weightsAbove", "activations"]
                dimensions = [("m", "h_{l+1}"), ("h_l", "h_{l+1}"), ("m", "h_l")]
                letters = ("i", "j", "k")
                rowBound = Size(operand: 0, columns: false)
                columnBound = Size(operand: 1, columns: false)
                sumBound = Size(operand: 0, columns: true)
                factors = [Read(operand: 0, first: .row, second: .sum), Read(operand: 1, first: .column, second: .sum)]
                post = .derivative(Read(operand: 2, first: .row, second: .column), network.hidden)
            case .weightGradient:
                names = ["input", "delta"]
                dimensions = [("m", "h_{l−1}"), ("m", "h_l")]
                letters = ("k", "j", "i")
                rowBound = Size(operand: 0, columns: true)
                columnBound = Size(operand: 1, columns: true)
                sumBound = Size(operand: 0, columns: false)
                factors = [Read(operand: 0, first: .sum, second: .row), Read(operand: 1, first: .sum, second: .column)]
                post = .mean(Size(operand: 0, columns: false))
            case .biasGradient:
                names = ["delta"]
                dimensions = [("m", "h_l")]
                letters = ("", "j", "i")
                vectorResult = true
                columnBound = Size(operand: 0, columns: true)
                sumBound = Size(operand: 0, columns: false)
                factors = [Read(operand: 0, first: .sum, second: .column)]
                post = .mean(Size(operand: 0, columns: false))
            case .oneExample, .batchEngine:
                return nil
            }
            switch inputs.expected {
            case .matrix(let e): (resultRows, resultColumns) = (e.rows, e.columns)
            case .vector(let v): (resultRows, resultColumns) = (1, v.count)
            default: return nil
            }
        }

        /// The order a variant is run in, for where it stops: rows or columns outermost, a term's factors read the
        /// other way round, or the bias read after the sum (a product made first, then the bias added).
        enum Order: CaseIterable { case rowsFirst, columnsFirst, factorsReversed, biasLast }

        /// The nest run on its inputs, in `order`.
        func run(_ order: Order = .rowsFirst) -> Outcome {
            let columnsOutermost = order == .columnsFirst
            struct Stopped: Error { let stop: Stop }
            var rows = (rowBound.map(value) ?? 1) + rowExtra, columns = value(columnBound) + columnExtra
            if boundsSwapped { (rows, columns) = (columns, rows) }
            let all = (sumBound.map(value) ?? 0) + sumExtra
            let count = sumInPairs ? all - all % 2 : all
            func position(_ index: Index, _ r: Int, _ c: Int, _ s: Int) -> Int {
                switch index {
                case .row: r
                case .column: c
                case .sum: s
                case .zero: 0
                }
            }
            func read(_ read: Read, _ r: Int, _ c: Int, _ s: Int) throws(Stopped) -> Double {
                let x = operands[read.operand], a = position(read.first, r, c, s), b = position(read.second, r, c, s)
                switch read.layout {
                case .subscripted:
                    guard a >= 0, a < x.rows, b >= 0, b < x.columns else {
                        if isVector(read.operand) { throw Stopped(stop: .array) }
                        throw Stopped(stop: .matrix(rows: x.rows, columns: x.columns, row: a, column: b))
                    }
                    return x.elements[a * x.columns + b]
                case .strideWalk(let size):
                    let flat = a * value(size) + b
                    guard flat >= 0 else { throw Stopped(stop: .array) }
                    return flat < x.elements.count ? x.elements[flat] : 0
                case .stride, .columnMajor:
                    let flat = if case .stride(let size) = read.layout { a * value(size) + b } else { b * x.rows + a }
                    guard flat >= 0, flat < x.elements.count else { throw Stopped(stop: .array) }
                    return x.elements[flat]
                }
            }
            func applyPost(_ sum: Double, _ r: Int, _ c: Int, _ s: Int) throws(Stopped) -> Double {
                switch post {
                case .none: return sum
                case .derivative(let at, let activation): return sum * activation.derivative(fromActivation: try read(at, r, c, s))
                case .mean(let size):
                    if let f = meanOverNonzero, f < factors.count {
                        var counted = 0
                        for t in sumStart..<max((sumBound.map(value) ?? 0) + sumExtra, sumStart) where try read(factors[f], r, c, t) != 0 { counted += 1 }
                        return counted > 0 ? sum / Double(counted) : 0
                    }
                    if meanDividedInFloat { return Double(Float(sum) / Float(value(size))) }
                    return sum * (meanInFloat ? Double(1 / Float(value(size))) : 1 / Double(value(size)))
                }
            }
            var result = [Double](repeating: 0, count: resultRows * resultColumns)
            var carried = 0.0, buffers = [Double](repeating: 0, count: max(columns, 0))
            do throws(Stopped) {
                let pairs = columnsOutermost
                    ? (0..<max(columns, 0)).flatMap { c in (0..<max(rows, 0)).map { ($0, c) } }
                    : (0..<max(rows, 0)).flatMap { r in (0..<max(columns, 0)).map { (r, $0) } }
                for (r, c) in pairs {
                    var sum: Double
                    switch carry {
                    case .none: sum = 0
                    case .alongRow: sum = (columnsOutermost ? r : c) == 0 ? 0 : carried
                    case .everything: sum = carried
                    case .acrossRows: sum = buffers[c]
                    }
                    let element: Double
                    if let elementwise {
                        var reads = try factors.map { f throws(Stopped) in try read(f, r, c, 0) }
                        if let label = targetAsLabel, reads.count == 2, operands.count == 2, r < operands[1].rows {
                            let row = operands[1].row(r)
                            switch label {
                            case .first:
                                let k = row.first.map { $0.isFinite && abs($0) < 1e9 ? Int($0) : -1 } ?? -1
                                reads[1] = c == k ? 1 : 0
                            case .largest:
                                reads[1] = c == (row.indices.max { row[$0] < row[$1] } ?? -1) ? 1 : 0
                            case .rounded:
                                reads[1] = reads[1] > 0.5 ? 1 : 0
                            case .truncated:
                                reads[1] = reads[1].rounded(.towardZero)
                            case .normalised:
                                reads[1] /= row.reduce(0, +)
                            case .zeroRowSkipped:
                                break
                            }
                        }
                        element = targetAsLabel == .zeroRowSkipped && operands.count == 2 && r < operands[1].rows
                            && operands[1].row(r).allSatisfy({ $0 == 0 }) ? 0 : elementwise(reads)
                    } else {
                        func biasTerm() throws(Stopped) -> Double {
                            guard let bias, let at = biasRead else { return 0 }
                            let p = position(at, r, c, 0)
                            guard p >= 0, p < bias.count else { throw Stopped(stop: .array) }
                            return bias[p]
                        }
                        let biasLast = order == .biasLast || biasAfterSum
                        if ([.start, .twice].contains(biasPlacement) && !biasLast) || (biasPlacement == .firstRowOnly && r == 0) {
                            sum += try biasTerm()
                        }
                        func term(_ s: Int) throws(Stopped) -> Double {
                            var term = 1.0
                            for f in order == .factorsReversed ? factors.reversed() : factors {
                                term = termsInFloat || productsInFloat ? Double(Float(term) * Float(try read(f, r, c, s)))
                                    : term * (try read(f, r, c, s))
                            }
                            if postPerTerm, case .derivative(let at, let activation) = post {
                                term *= activation.derivative(fromActivation: try read(at, r, c, s))
                            }
                            return term
                        }
                        if firstTermTwice, count > 0 { sum += try term(0) }
                        if let start = sumStartsAt { sum += try read(start, r, c, 0) }
                        for s in sumStart..<max(count, sumStart) {
                            if let f = stopAtZeroFactor, f < factors.count, try read(factors[f], r, c, s) == 0 { break }
                            var t = try term(s)
                            if stopAtZeroTerm && t == 0 { break }
                            if absoluteTerms { t = abs(t) }
                            if squaredTerms { t = t * t }
                            if biasPlacement == .everyTerm { t += try biasTerm() }
                            sum = assignInLoop ? t : floatSum || termsInFloat ? Double(Float(sum) + Float(t)) : sum + t
                            if postInside { sum = try applyPost(sum, r, c, s) }
                        }
                        if biasLast, [.start, .twice].contains(biasPlacement) { sum += try biasTerm() }
                        carried = sum
                        if carry == .acrossRows { buffers[c] = sum }
                        var value = postInside || postPerTerm ? sum : try applyPost(sum, r, c, 0)
                        if biasPlacement == .twice { value += try biasTerm() }
                        element = value
                    }
                    let written = extraDivisor.map { element / Double(value($0)) } ?? element
                    let c = writeReversed ? resultColumns - 1 - c : c
                    if writeColumnMajor {
                        let flat = c * resultRows + r
                        guard flat >= 0, flat < result.count else { throw Stopped(stop: .array) }
                        result[flat] = written
                    } else {
                        guard r < resultRows, c >= 0, c < resultColumns else {
                            throw Stopped(stop: vectorResult || (perExample && resultRows == 1 && rowBound.map { dimension($0) == "m" } == true) ? .array
                                          : .matrix(rows: resultRows, columns: resultColumns, row: r, column: c, write: true))
                        }
                        result[r * resultColumns + c] = written
                    }
                }
            } catch {
                return .stopped(error.stop)
            }
            return .values(result)
        }
    }
}
