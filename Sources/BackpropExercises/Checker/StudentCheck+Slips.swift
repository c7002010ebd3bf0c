import Backprop

extension StudentCheck {
    /// The one slip in the step's loop nest (`LoopNest`) that explains the student's answers: the variant that
    /// gives the student's numbers on every call so far (the right ones where the student was right), and on the
    /// failing call gives its wrong numbers, or stops at the same index where the student's code stopped. The
    /// scenarios vary one size at a time (m against h, h_{l−1} against h_l), so a bound or an index taken from the
    /// wrong size is told apart from the others by the calls where they differ.
    ///
    /// Nil when no variant fits, or when more than two different ones do: then it is not known which.
    static func slip(_ call: Call, got: Output?, crash: Crash?, evidence: Evidence) -> String? {
        let scenario = evidence.scenarios[call.scenario], given = evidence.inputs(call)
        guard let base = LoopNest(call, scenario: scenario, inputs: given),
              case .values(let right) = base.run(), close(right, flatten(given.expected)) else { return nil }
        let stop = loopStop(crash)
        guard got != nil || stop != nil else { return nil }
        // The nest of every other call that returned, before and after this one, and what the student returned.
        // An answer that is a transposed matrix (its rows and columns swapped where they differ) is a transpose,
        // which no slip of a right-shaped result explains.
        var transposedAnswer = false
        let others = evidence.answers.filter { $0.call != call }.compactMap { call, output -> (LoopNest, [Double])? in
            let inputs = evidence.inputs(call)
            if case .matrix(let g) = output, case .matrix(let e) = inputs.expected, g.rows != g.columns,
               g.rows == e.columns, g.columns == e.rows {
                transposedAnswer = true
            }
            return LoopNest(call, scenario: evidence.scenarios[call.scenario], inputs: inputs).map { ($0, flatten(output)) }
        }
        guard !transposedAnswer else { return nil }
        // Where else the student's code stopped: the slip must stop there too.
        let stopped = evidence.stops.filter { $0 != call }.compactMap {
            LoopNest($0, scenario: evidence.scenarios[$0.scenario], inputs: evidence.inputs($0))
        }
        var found: [LoopNest.Slip] = []
        for slip in base.slips {
            var mine = base
            slip.apply(&mine)
            if let got {
                guard case .values(let values) = mine.run(), values.count == flatten(got).count,
                      close(flatten(got), values), !close(values, right) else { continue }
            } else if let stop {
                let stops = LoopNest.Order.allCases.map(mine.run).compactMap { outcome -> LoopNest.Stop? in
                    if case .stopped(let s) = outcome { return s } else { return nil }
                }
                guard stops.contains(where: { $0.fits(stop) }) else { continue }
            }
            // An answer of another shape says nothing about the values (the shape is reported on its own).
            let fits = others.allSatisfy { nest, answer in
                var theirs = nest
                slip.apply(&theirs)
                guard case .values(let values) = theirs.run() else { return false }
                // Every variant writes a result of the right shape: an answer of another shape refutes it.
                return values.count == answer.count && close(values, answer)
            } && stopped.allSatisfy { nest in
                var theirs = nest
                slip.apply(&theirs)
                if case .stopped = theirs.run() { return true } else { return false }
            }
            if fits { found.append(slip) }
        }
        // A value that one call alone fits is too weak a reading; a stop at the same index is not.
        guard !found.isEmpty, found.count <= 2, !others.isEmpty || stop != nil else { return nil }
        let described = found.map { $0.describe(base) }
        var what = described.count == 1 ? described[0] : "either \(described[0]), or \(described[1])"
        // A closed range at the end is what both share, and all a stop there can tell.
        if Set(found.map(\.group)) == ["the sum over \(base.letters.sum) past", "one-based"], let bound = base.sumBound.map(base.name) {
            what = "the sum over \(base.letters.sum) runs through \(bound) itself, a closed range (0...\(bound), or 1...\(bound), which also misses \(base.letters.sum) = 0) where 0..<\(bound) belongs"
        }
        let checked = others.isEmpty ? "" : " It also gives your answers on \(otherCalls(others.count)) of this step."
        if got != nil {
            return "Your \(quantityName(call)) is exactly what the equation gives with one slip: \(what).\(checked)"
        }
        if case .matrix = stop {
            return "The equation stops at that same index with one slip: \(what).\(checked)"
        }
        return "One slip fits: \(what). It runs out of range here too.\(checked)"
    }
}

extension StudentCheck {
    /// "the other call", "both other calls", "all 5 other calls".
    static func otherCalls(_ count: Int) -> String {
        count == 1 ? "the other call" : count == 2 ? "both other calls" : "all \(count) other calls"
    }
}
