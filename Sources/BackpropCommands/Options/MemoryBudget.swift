import Foundation

/// Refuses work that would not fit in memory, before allocating any of it.
enum MemoryBudget {
    /// Bytes to hold `copies` sets of parameters and `batchCopies` sets of per-example activations for m examples.
    static func estimate(sizes: [Int], examples m: Int, scalarBytes: Int, copies: Int, batchCopies: Int) -> Int {
        var parameters = 0, units = 0
        for l in 1..<sizes.count {
            let (weights, overflow) = sizes[l - 1].multipliedReportingOverflow(by: sizes[l])
            if overflow { return .max }
            parameters = parameters.addingSaturating(weights + sizes[l])
            units = units.addingSaturating(sizes[l])
        }
        let activations = (units.addingSaturating(sizes[0])).multipliedSaturating(by: m)
        return parameters.multipliedSaturating(by: copies)
            .addingSaturating(activations.multipliedSaturating(by: batchCopies))
            .multipliedSaturating(by: scalarBytes)
    }

    /// Throws a usage error with the estimate if it exceeds the available memory.
    static func ensure(_ bytes: Int, what: String) throws {
        guard let available = ProcessMemory.availableBytes(), bytes > available else { return }
        throw UsageError("\(what) needs about \(format(bytes)) of memory but only \(format(available)) is available; choose smaller sizes")
    }

    static func format(_ bytes: Int) -> String {
        if bytes == .max { return "more than 9 EB" }
        let units = ["B", "KB", "MB", "GB", "TB", "PB", "EB"]
        var value = Double(bytes), unit = 0
        while value >= 1024 && unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }
}

extension Int {
    func addingSaturating(_ other: Int) -> Int {
        let (sum, overflow) = addingReportingOverflow(other)
        return overflow ? .max : sum
    }
    func multipliedSaturating(by other: Int) -> Int {
        let (product, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : product
    }
}
