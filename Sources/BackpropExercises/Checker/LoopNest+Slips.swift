import Backprop

extension StudentCheck.LoopNest {
    /// One slip: a change to one field of the nest, and what it is in the step's own names.
    struct Slip {
        /// What kind of slip it is, one per variant.
        var group: String
        var apply: (inout StudentCheck.LoopNest) -> Void
        /// The slip in words, given the right nest of the failing call (for its names and sizes).
        var describe: (StudentCheck.LoopNest) -> String
    }

    private func readName(_ read: Read) -> String {
        isVector(read.operand) ? "\(names[read.operand])[\(letter(read.second))]"
            : "\(names[read.operand])[\(letter(read.first)), \(letter(read.second))]"
    }

    /// Whether `size` counts the examples, a loop the one-example step does not have.
    private func overExamples(_ size: Size?) -> Bool { perExample && size.map { dimension($0) == "m" } == true }

    /// The index that runs over the examples in the one-example step (always 0 there), nil in a matrix step.
    private var exampleIndex: Index? {
        guard perExample else { return nil }
        return overExamples(rowBound) ? .row : overExamples(sumBound) ? .sum : nil
    }

    /// The sizes a bound can be taken from: one per dimension (the examples' m is none in the one-example step).
    private var choices: [(size: Size, names: String)] { dimensionSizes.filter { !overExamples($0.size) } }

    private func sizeText(_ size: Size) -> String {
        let names = sizes.filter { dimension($0) == dimension(size) }.map(name).joined(separator: " or ")
        return "\(names) (\(dimension(size)), \(value(size)) here)"
    }

    /// Every one-slip variant of this nest, the simplest first.
    var slips: [Slip] {
        var list: [Slip] = []
        // Bounds: a loop that runs to another size, one past its end, or a sum that misses its first or last term.
        let loops: [(String, WritableKeyPath<StudentCheck.LoopNest, Size?>?, Size?, WritableKeyPath<StudentCheck.LoopNest, Int>)] = [
            ("the loop over \(letters.row)", \.rowBound, rowBound, \.rowExtra),
            ("the sum over \(letters.sum)", \.sumBound, sumBound, \.sumExtra),
        ]
        for (loop, path, right, extra) in loops {
            guard let path, let right, !overExamples(right) else { continue }
            for (size, names) in choices where dimension(size) != dimension(right) {
                list.append(Slip(group: "\(loop) bound \(names)", apply: { $0[keyPath: path] = size }, describe: { nest in
                    "\(loop) runs to \(names) (\(nest.dimension(size)), \(nest.value(size)) here) where \(nest.sizeText(right)) belongs" }))
            }
            list.append(Slip(group: "\(loop) past", apply: { $0[keyPath: extra] = 1 }, describe: { nest in
                "\(loop) runs one past its end, 0...\(nest.name(right)) where 0..<\(nest.name(right)) belongs" }))
        }
        for (size, names) in choices where dimension(size) != dimension(columnBound) {
            let right = columnBound, loop = "the loop over \(letters.column)"
            list.append(Slip(group: "\(loop) bound \(names)", apply: { $0.columnBound = size }, describe: { nest in
                "\(loop) runs to \(names) (\(nest.dimension(size)), \(nest.value(size)) here) where \(nest.sizeText(right)) belongs" }))
        }
        list.append(Slip(group: "columns past", apply: { $0.columnExtra = 1 }, describe: { nest in
            "the loop over \(nest.letters.column) runs one past its end, 0...\(nest.name(nest.columnBound)) where 0..<\(nest.name(nest.columnBound)) belongs" }))
        if sumBound != nil, !overExamples(sumBound) {
            list.append(Slip(group: "first term", apply: { $0.sumStart = 1 }, describe: { nest in
                "the sum over \(nest.letters.sum) starts at 1, so it misses its first term (\(nest.letters.sum) = 0)" }))
            list.append(Slip(group: "in pairs", apply: { $0.sumInPairs = true }, describe: { nest in
                let bound = nest.sumBound.map(nest.name) ?? "n"
                return "the sum over \(nest.letters.sum) takes two terms at a time (unrolled by two, \(nest.letters.sum) += 2 while \(nest.letters.sum) + 1 < \(bound)), so when \(bound) is odd its last term is left out: add the last term on its own after the loop" }))
            list.append(Slip(group: "last term", apply: { $0.sumExtra = -1 }, describe: { nest in
                "the sum over \(nest.letters.sum) stops one short, so it misses its last term" }))
            list.append(Slip(group: "one-based", apply: { $0.sumStart = 1; $0.sumExtra = 1 }, describe: { nest in
                let bound = nest.sumBound.map(nest.name) ?? "n"
                return "the sum over \(nest.letters.sum) is one-based, 1...\(bound) where 0..<\(bound) belongs: it misses the first term and runs one past the end" }))
        }
        // Reads: an index for another, the two swapped, a flat index with the other stride or column by column.
        var reads: [(Read, WritableKeyPath<StudentCheck.LoopNest, Read>)] = factors.indices.map { (factors[$0], \.factors[$0]) }
        if case .derivative(let at, _) = post { reads.append((at, \.derivativeRead)) }
        for (read, path) in reads {
            let inPost = path == \.derivativeRead
            // The bias gradient has no row index (its one row is 0).
            let usable: [Index] = (elementwise != nil || inPost ? [.row, .column, .zero] : Index.allCases)
                .filter { !(vectorResult && $0 == .row) && $0 != exampleIndex }
            // A vector of the one-example step has one index: its example index is no index at all.
            let vector = isVector(read.operand)
            var changed: [Read] = []
            for index in usable where index != read.first && !vector { changed.append(Read(operand: read.operand, first: index, second: read.second)) }
            for index in usable where index != read.second { changed.append(Read(operand: read.operand, first: read.first, second: index)) }
            if !vector { changed.append(Read(operand: read.operand, first: read.second, second: read.first)) }
            for other in changed where !(other.first == read.first && other.second == read.second) {
                list.append(Slip(group: "read \(readName(other)) for \(readName(read))", apply: { $0[keyPath: path] = other }, describe: { nest in
                    "\(nest.readName(other)) is read where \(nest.readName(read)) belongs" }))
            }
            let (x, a, b) = (names[read.operand], letter(read.first), letter(read.second))
            guard !vector else { continue }
            for (size, names) in choices where dimension(size) != dimensions[read.operand].columns {
                var stride = read
                stride.layout = .stride(size)
                list.append(Slip(group: "stride \(readName(read)) \(names)", apply: { $0[keyPath: path] = stride }, describe: { nest in
                    "\(x)[\(a), \(b)] is read from \(x).elements[\(a) * \(nest.name(size)) + \(b)], a row length of \(nest.dimension(size)) (\(nest.value(size)) here), where it is \(x).elements[\(a) * \(x).columns + \(b)] (a Matrix is stored row after row, each row \(x).columns long)" }))
                if read.first == .sum {
                    var walk = read
                    walk.layout = .strideWalk(size)
                    list.append(Slip(group: "walk \(readName(read)) \(names)", apply: { $0[keyPath: path] = walk }, describe: { nest in
                        "column \(b) of \(x) is taken by a walk over its storage, stride(from: \(b), to: \(x).elements.count, by: \(nest.name(size))): it reads \(x)[\(a), \(b)] from \(x).elements[\(a) * \(nest.name(size)) + \(b)], a row length of \(nest.dimension(size)) (\(nest.value(size)) here), and has only as many elements as fit before the storage ends (a zip with it stops there), where a row of \(x) is \(x).columns long: step by \(x).columns" }))
                    if factors.count == 1 {
                        // A sum over the walk itself: every element it meets, to the end of the storage.
                        let extra = operands[read.operand].elements.count
                        list.append(Slip(group: "walk to the end \(readName(read)) \(names)", apply: { $0[keyPath: path] = walk; $0.sumExtra = extra }, describe: { nest in
                            "column \(b) of \(x) is summed by a walk over its storage to its end, stride(from: \(b), to: \(x).elements.count, by: \(nest.name(size))): it adds every element \(nest.dimension(size)) (\(nest.value(size)) here) apart, where the elements of a column are \(x).columns apart (a Matrix is stored row after row): step by \(x).columns" }))
                    }
                }
            }
            var byColumns = read
            byColumns.layout = .columnMajor
            // A factor the matrix form takes transposed (the left one read [sum, row], the right one [column, sum]):
            // a transpose made by copying the elements in order into the swapped shape reads it this way.
            let transposedInForm = (read.first == .sum && read.second == .row) || (read.first == .column && read.second == .sum)
            list.append(Slip(group: "column-major \(readName(read))", apply: { $0[keyPath: path] = byColumns }, describe: { _ in
                "\(x)[\(a), \(b)] is read from \(x).elements[\(b) * \(x).rows + \(a)], column by column, where it is \(x).elements[\(a) * \(x).columns + \(b)] (a Matrix is stored row after row)"
                    + (transposedInForm ? ". This is what a transpose gives that copies \(x)'s elements in order into a [\(x).columns, \(x).rows] matrix (a reshape, not a transpose): \(x)ᵀ[\(b), \(a)] must be \(x)[\(a), \(b)]" : "") }))
        }
        // The output error's target read as one class label (a habit from class-index targets).
        if elementwise != nil, names.count == 2 {
            let y = names[1]
            list.append(Slip(group: "target first entry as label", apply: { $0.targetAsLabel = .first }, describe: { _ in
                "the target is read as a class index: the first entry of the example's target, Int(\(y)[\(self.perExample ? "0" : "i, 0")]), taken as its class (a 1 there and 0 elsewhere), where \(y) is the target itself, one number per output (one-hot here): subtract it as it is" }))
            list.append(Slip(group: "target largest entry as label", apply: { $0.targetAsLabel = .largest }, describe: { _ in
                "each target row is reduced to one class label, the place of its largest entry (a 1 there and 0 elsewhere), where the target is used as it is: a multi-label row has several 1s, or none" }))
            list.append(Slip(group: "target rounded", apply: { $0.targetAsLabel = .rounded }, describe: { _ in
                "each target entry is rounded to 0 or 1 (\(y) > 0.5 ? 1 : 0, or .rounded()) before it is subtracted, where it is used as it is: a soft target such as 0.7 or 0.2 is a valid target" }))
            list.append(Slip(group: "target truncated", apply: { $0.targetAsLabel = .truncated }, describe: { _ in
                "each target entry is truncated to a whole number (Int(\(y)[…]), or an integer label) before it is subtracted, so a soft target such as 0.7 or 0.2 counts as 0, where it is used as it is" }))
            list.append(Slip(group: "target normalised", apply: { $0.targetAsLabel = .normalised }, describe: { _ in
                "each target row is divided by its sum (made into a distribution) before it is subtracted, which halves a row with two 1s and makes a row of 0s 0/0 = NaN, where the target is used as it is" }))
            list.append(Slip(group: "target zero row skipped", apply: { $0.targetAsLabel = .zeroRowSkipped }, describe: { _ in
                "an example whose target row is all 0s is skipped (a continue, or a guard on a label), so its row is left 0, where it is the output minus 0, the output itself: a row of 0s is a valid target (no label on)" }))
        }
        // A factor read from another input with the same indices (a copy-paste slip: A · A where A · Δ belongs).
        if factors.count > 1 {
            for (index, factor) in factors.enumerated() {
                for other in operands.indices where other != factor.operand && !isVector(other) && !isVector(factor.operand) {
                    let swapped = Read(operand: other, first: factor.first, second: factor.second)
                    list.append(Slip(group: "operand \(index) from \(other)", apply: { $0.factors[index] = swapped }, describe: { nest in
                        "\(nest.readName(swapped)) is read where \(nest.readName(factor)) belongs: the term takes \(nest.names[other]) where it takes \(nest.names[factor.operand]) (a line copied from the other factor?)" }))
                }
            }
        }
        // σ′ read from another input at the same indices (a copy-paste slip: σ′ of Δˡ⁺¹[i, j] where Aˡ[i, j] belongs).
        if case .derivative(let at, let activation) = post, !isVector(at.operand) {
            for other in operands.indices where other != at.operand && !isVector(other) {
                let swapped = Read(operand: other, first: at.first, second: at.second)
                list.append(Slip(group: "derivative from \(other)", apply: { $0.post = .derivative(swapped, activation) }, describe: { nest in
                    "σ′ is taken of \(nest.readName(swapped)) where it is taken of \(nest.readName(at)): the derivative reads \(nest.names[other]) where it reads \(nest.names[at.operand]) (a line copied from another read?)" }))
            }
        }
        // The bias: another entry, or added in the wrong place.
        if let at = biasRead, let bias = names.last {
            for index in Index.allCases where index != at && index != exampleIndex {
                list.append(Slip(group: "bias \(index)", apply: { $0.biasRead = index }, describe: { nest in
                    "\(bias)[\(nest.letter(index))] is added where \(bias)[\(nest.letter(at))] belongs" }))
            }
            let placements: [(BiasPlacement, String)] = [
                (.firstRowOnly, "\(bias)[\(letter(at))] is added in row 0 only, where every row (every example) gets it"),
                (.everyTerm, "\(bias)[\(letter(at))] is added on every step of the sum over \(letters.sum), where it is added once"),
                (.missing, "the bias is never added"),
                (.twice, "\(bias)[\(letter(at))] is added twice: the sum starts at it and it is added again at the end"),
            ]
            for (placement, text) in placements where !(perExample && placement == .firstRowOnly) {
                list.append(Slip(group: "bias \(placement)", apply: { $0.biasPlacement = placement }, describe: { _ in text }))
            }
        }
        // The factor after the sum: inside the loop, or missing.
        switch post {
        case .derivative(let at, _):
            let name = readName(at)
            list.append(Slip(group: "post inside", apply: { $0.postInside = true }, describe: { nest in
                "the sum is multiplied by σ′(\(name)) on every step of the loop over \(nest.letters.sum), where it is multiplied once, after the sum is complete" }))
            list.append(Slip(group: "post missing", apply: { $0.post = .none }, describe: { _ in "σ′(\(name)) is never multiplied in" }))
            for (first, second) in [(Index.row, Index.sum), (.sum, .column)] {
                let inTerm = Read(operand: at.operand, first: first, second: second)
                list.append(Slip(group: "post per term \(first) \(second)", apply: { $0.postPerTerm = true; $0.derivativeRead = inTerm }, describe: { nest in
                    "σ′ is multiplied into each term of the sum over \(nest.letters.sum), read at \(nest.readName(inTerm)), where it multiplies the finished sum once, read at \(name)" }))
            }
        case .mean where perExample: break
        case .mean(let size):
            list.append(Slip(group: "post inside", apply: { $0.postInside = true }, describe: { nest in
                "the running sum is divided by m (\(nest.name(size))) on every step of the loop over \(nest.letters.sum), (sum + …) / m, where the mean is taken once, after the sum is complete" }))
            list.append(Slip(group: "post missing", apply: { $0.post = .none }, describe: { _ in "the sum is never divided by m" }))
            list.append(Slip(group: "mean in Float", apply: { $0.meanInFloat = true }, describe: { nest in
                "1/m is computed in Float (1 / Float(m)), which rounds it to 7 digits unless m is a power of two (m = \(nest.value(size)) here): compute 1.0 / Double(m)" }))
            for (other, names) in choices where dimension(other) != dimension(size) {
                list.append(Slip(group: "mean over \(names)", apply: { $0.post = .mean(other) }, describe: { nest in
                    "the sum was divided by \(nest.value(other)) (\(names), \(nest.dimension(other))) where m = \(nest.value(size)) (\(nest.name(size)), the examples, the rows) belongs" }))
            }
        case .none: break
        }
        // A division where none belongs, or a second one.
        for (size, names) in choices {
            let twice: Bool = if case .mean(let m) = post { dimension(m) == dimension(size) } else { false }
            let isM = dimension(size) == "m"
            list.append(Slip(group: "divided by \(names)", apply: { $0.extraDivisor = size }, describe: { nest in
                let n = nest.value(size)
                return twice ? "every element is 1/m = 1/\(n) of the right one: the 1/m is applied twice (the result is divided by m, \(names), once more)"
                    : isM ? "every element is 1/m = 1/\(n) of the right one: a division by m (\(names)) where no mean belongs (the 1/m belongs to the gradients ∂Wˡ and ∂bˡ)"
                    : { () -> String in
                        // With the mean: in all, one division by the product (a count of every element, say).
                        guard case .mean(let m) = nest.post else { return "the result is also divided by \(names) (\(nest.dimension(size)), \(n) here), a division that does not belong" }
                        return "the result is also divided by \(names) (\(nest.dimension(size)), \(n) here): in all the sum is divided by \(nest.value(m)) · \(n) = \(nest.value(m) * n) (as by a count of every element, such as .elements.count) where m = \(nest.value(m)) belongs"
                    }() }))
        }
        if sumBound != nil, !overExamples(sumBound) {
            list.append(Slip(group: "first term twice", apply: { $0.firstTermTwice = true }, describe: { nest in
                "the sum starts at its first term (\(nest.letters.sum) = 0, e.g. a copy of row 0) and the loop adds it again from \(nest.letters.sum) = 0, so the first term counts twice" }))
        }
        list.append(Slip(group: "reversed", apply: { $0.writeReversed = true }, describe: { nest in
            "unit \(nest.letters.column)'s value is written at \(nest.letters.column) = \(nest.name(nest.columnBound)) − 1 − \(nest.letters.column): the results are in reverse order (a loop that runs backwards and appends, or a reversed index)" }))
        if sumBound != nil, !overExamples(sumBound) {
            list.append(Slip(group: "assigned", apply: { $0.assignInLoop = true }, describe: { nest in
                "the sum over \(nest.letters.sum) assigns (=) where it should add (+=): each term replaces the one before, so only the last term counts\(nest.biasRead == nil ? "" : ", and the bias it started from is lost")" }))
            if let at = biasRead, let bias = names.last {
                list.append(Slip(group: "assigned with the bias", apply: { $0.assignInLoop = true; $0.biasPlacement = .everyTerm }, describe: { nest in
                    "the sum over \(nest.letters.sum) assigns (=) where it should add (+=): each step sets it to \(bias)[\(nest.letter(at))] plus that step's term, so only the last term counts" }))
            }
            list.append(Slip(group: "float sum", apply: { $0.floatSum = true }, describe: { nest in
                "the sum over \(nest.letters.sum) is accumulated in Float (var sum: Float, each term converted), so the result keeps about 7 digits: accumulate in Double" }))
            if case .mean = post, !perExample, factors.count > 1 {
                // Only a factor that is 0 somewhere can change the count.
                for (index, factor) in factors.enumerated() where operands[factor.operand].elements.contains(0) {
                    list.append(Slip(group: "mean over nonzero \(index)", apply: { $0.meanOverNonzero = index }, describe: { nest in
                        "the terms where \(nest.readName(factor)) is 0 are skipped and left out of the count, so the sum is divided by the number of the other terms where it is divided by m: a term that is 0 still counts as an example (and adds 0)" }))
                }
            }
            if case .mean = post, !perExample {
                list.append(Slip(group: "mean divided in Float", apply: { $0.meanDividedInFloat = true }, describe: { nest in
                    "the sum over \(nest.letters.sum) is divided by m in Float (Float(sum) / Float(m)), so the result keeps about 7 digits: divide in Double" }))
                list.append(Slip(group: "float sum and mean", apply: { $0.floatSum = true; $0.meanDividedInFloat = true }, describe: { nest in
                    "the sum over \(nest.letters.sum) is accumulated in Float (var sum: Float, each term converted) and divided by m in Float, so the result keeps about 7 digits: accumulate and divide in Double" }))
            }
        }
        if sumBound != nil {
            list.append(Slip(group: "float products", apply: { $0.productsInFloat = true }, describe: { nest in
                nest.factors.count == 1
                    ? "each term of the sum over \(nest.letters.sum) is rounded to Float (Float(\(nest.readName(nest.factors[0])))) and converted back before it is added, so the result keeps about 7 digits: add the Doubles as they are"
                    : "each product of the sum over \(nest.letters.sum) is computed in Float (Float(…) * Float(…)) and converted back, so the result keeps about 7 digits: compute in Double" }))
            list.append(Slip(group: "stops at a zero term", apply: { $0.stopAtZeroTerm = true }, describe: { nest in
                "the sum over \(nest.letters.sum) stops at its first term that is 0 (a `break` where `continue` belongs; a 0 term needs no skipping at all), so every term after it is lost" }))
            if factors.count > 1 {
                // Only a factor that is 0 somewhere can stop the sum.
                for (index, factor) in factors.enumerated() where operands[factor.operand].elements.contains(0) {
                    list.append(Slip(group: "stops at a zero factor \(index)", apply: { $0.stopAtZeroFactor = index }, describe: { nest in
                        "the sum over \(nest.letters.sum) stops at the first \(nest.letters.sum) where \(nest.readName(factor)) is 0 (a `break` where `continue` belongs; a 0 term needs no skipping at all), so every term after it is lost" }))
                }
            }
            if factors.count == 1 {
                list.append(Slip(group: "squared terms", apply: { $0.squaredTerms = true }, describe: { nest in
                    "each term of the sum over \(nest.letters.sum) is squared, \(nest.readName(nest.factors[0])) * \(nest.readName(nest.factors[0])), where it is taken once" }))
            }
            if elementwise == nil, !vectorResult {
                for operand in operands.indices where !isVector(operand) {
                    let start = Read(operand: operand, first: .row, second: .column)
                    list.append(Slip(group: "sum starts at \(operand)", apply: { $0.sumStartsAt = start }, describe: { nest in
                        "the sum over \(nest.letters.sum) starts at \(nest.readName(start)) where it starts at 0\(nest.biasRead == nil ? "" : " (and the bias)")" }))
                }
            }
            list.append(Slip(group: "absolute terms", apply: { $0.absoluteTerms = true }, describe: { nest in
                "the absolute value of each term of the sum over \(nest.letters.sum) is added (abs(…)), so the terms' signs are lost" }))
            if biasRead != nil, factors.count > 1 {
                // The products' sum kept in Float, the bias added to it afterwards in Double.
                list.append(Slip(group: "float terms, bias after", apply: { $0.termsInFloat = true; $0.biasAfterSum = true }, describe: { nest in
                    "the products of the sum over \(nest.letters.sum) are computed and added up in Float (var acc: Float, Float(…) * Float(…)), and the bias is added to that sum afterwards, so the result keeps about 7 digits: accumulate in Double" }))
                list.append(Slip(group: "float sum, bias after", apply: { $0.floatSum = true; $0.biasAfterSum = true }, describe: { nest in
                    "the sum over \(nest.letters.sum) is accumulated in Float (var acc: Float, each product converted), and the bias is added to that sum afterwards, so the result keeps about 7 digits: accumulate in Double" }))
            }
            // With one factor a term is no product, and a term in Float added into a Float sum is the float sum.
            if factors.count > 1 {
                list.append(Slip(group: "float terms", apply: { $0.termsInFloat = true }, describe: { nest in
                    nest.overExamples(nest.sumBound)
                        ? "the products are computed in Float, so the result keeps about 7 digits: compute in Double"
                        : "the sum over \(nest.letters.sum) and its products are computed in Float, so the result keeps about 7 digits: compute in Double" }))
            }
        }
        if let rowBound, !overExamples(rowBound) {
            list.append(Slip(group: "bounds swapped", apply: { $0.boundsSwapped = true }, describe: { nest in
                "the bounds of the loops over \(nest.letters.row) and \(nest.letters.column) are swapped: \(nest.letters.row) runs to \(nest.sizeText(nest.columnBound)) and \(nest.letters.column) to \(nest.sizeText(rowBound))" }))
        }
        // The result allocated with another size (a copy of an input's shape, or the examples for the units).
        for (size, names) in choices where dimension(size) != dimension(columnBound) {
            let what = vectorResult ? "entries" : "columns"
            list.append(Slip(group: "result \(what) \(names)", apply: { $0.resultColumns = $0.value(size) }, describe: { nest in
                "the result is made with \(names) (\(nest.dimension(size)), \(nest.value(size)) here) \(what) where \(nest.sizeText(nest.columnBound)) belongs" }))
        }
        // The same size taken for the result and for the loop that fills it (a shape copied from an input).
        for (size, names) in choices where dimension(size) != dimension(columnBound) {
            let what = vectorResult ? "entries" : "columns"
            list.append(Slip(group: "result and loop \(what) \(names)", apply: { $0.resultColumns = $0.value(size); $0.columnBound = size }, describe: { nest in
                "the result is made with \(names) (\(nest.dimension(size)), \(nest.value(size)) here) \(what) and the loop over \(nest.letters.column) runs over them, where \(nest.sizeText(nest.columnBound)) belongs for both (a shape copied from an input)" }))
        }
        if let rowBound, !vectorResult, !overExamples(rowBound) || !perExample {
            for (size, names) in choices where dimension(size) != dimension(rowBound) {
                list.append(Slip(group: "result rows \(names)", apply: { $0.resultRows = $0.value(size) }, describe: { nest in
                    "the result is made with \(names) (\(nest.dimension(size)), \(nest.value(size)) here) rows where \(nest.sizeText(rowBound)) belongs" }))
                // The same size taken for the result's rows and for the loop that fills them.
                list.append(Slip(group: "result and loop rows \(names)", apply: { $0.resultRows = $0.value(size); $0.rowBound = size }, describe: { nest in
                    "the result is made with \(names) (\(nest.dimension(size)), \(nest.value(size)) here) rows and the loop over \(nest.letters.row) runs over them, where \(nest.sizeText(rowBound)) belongs for both (a shape copied from an input)" }))
            }
        }
        // The running sum: not started afresh for each element.
        if elementwise == nil {
            let carries: [(Carry, String)] = [
                (.alongRow, "the sum is not started afresh for each \(letters.column): it carries over from one element to the next along the row"),
                (.acrossRows, "each \(letters.column)'s sum carries over from one row to the next: the sums are kept outside the loop over the rows\(letters.row.isEmpty ? "" : " (\(letters.row))") and never reset"),
                (.everything, "the sum is never reset: it carries over from each element to the next"),
            ]
            for (carry, text) in carries where !(vectorResult && carry == .acrossRows) && !(perExample && carry != .alongRow) {
                list.append(Slip(group: "carry \(carry)", apply: { $0.carry = carry }, describe: { _ in text }))
            }
        }
        if !vectorResult, !overExamples(rowBound), let r = letters.row.isEmpty ? nil : letters.row {
            let c = letters.column
            list.append(Slip(group: "write", apply: { $0.writeColumnMajor = true }, describe: { _ in
                "the result is written column by column: result[\(r), \(c)] sits at elements[\(c) * rows + \(r)], so its elements are those of its transpose in row order (as when a transposed product is computed and its elements put into a matrix of the right shape), where a Matrix is stored row after row (elements[\(r) * columns + \(c)], or result[\(r), \(c)])" }))
        }
        return list
    }

    /// The read inside σ′ (the hidden error's), as a path the slips can change.
    var derivativeRead: Read {
        get {
            if case .derivative(let at, _) = post { return at }
            return Read(operand: 0, first: .zero, second: .zero)
        }
        set {
            if case .derivative(_, let activation) = post { post = .derivative(newValue, activation) }
        }
    }
}
