import Foundation
import Testing
import TestSupport

/// The engines' no-allocation promise, counted: Tests/AllocationProbe runs each engine in steady state with every
/// malloc, calloc, realloc and aligned allocation of the process counted (an interposer, Linux/glibc), and prints
/// one count per configuration. The promise is for optimized code, so the probe is always built in release: under
/// a debug `swift test` this test builds it (in its own scratch directory, about two minutes the first time). An
/// unoptimized build does allocate (boxes for captured variables, unspecialized generics), and that is not what
/// users run.
@Suite("No allocation in steady state")
struct AllocationTests {
    @Test("after a warm-up call, the loop and batch engines allocate nothing (Float, Double, 1 and 2 threads)",
          .tags(.slow), .enabled(if: isLinux, "the counter interposes glibc's malloc"))
    func steadyState() throws {
        let probe = try releaseProbe()
        let run = try runProcess([], executable: probe, timeout: 600)
        try #require(run.code == 0 && !run.signaled, "the probe failed: \(run.err)")
        let counts = run.out.split(separator: "\n").map { line -> (name: String, count: Int?) in
            let fields = line.split(separator: " ")
            return (fields.dropLast().joined(separator: " "), fields.last.flatMap { Int($0) })
        }
        // The counter works: the probe's set-up allocated (else every zero below would mean nothing).
        #expect(counts.first?.name == "probe-sanity" && counts.first?.count == 0, "the counter saw no allocation")
        // 3 shapes × 3 batch sizes × 5 engines, and one more batch size for the first shape.
        #expect(counts.count == 1 + 3 * 3 * 5 + 5)
        for (name, count) in counts.dropFirst() {
            #expect(count == 0, "\(name): \(count.map(String.init) ?? "?") allocations in 20 steady-state calls")
        }
    }
}

private let isLinux: Bool = {
    #if os(Linux)
    return true
    #else
    return false
    #endif
}()

/// The AllocationProbe executable, optimized: next to the tests in a release build, else built now.
private func releaseProbe() throws -> URL {
    #if DEBUG
    let scratch = packageRoot.appendingPathComponent(".build/allocation-probe")
    let build = try runProcess(
        ["swift", "build", "-c", "release", "--product", "AllocationProbe", "--scratch-path", scratch.path],
        executable: URL(fileURLWithPath: "/usr/bin/env"), currentDirectory: packageRoot, timeout: 1800)
    try #require(build.code == 0, "could not build the probe in release:\n\(build.out)\n\(build.err)")
    return scratch.appendingPathComponent("release/AllocationProbe")
    #else
    return backpropExecutable().deletingLastPathComponent().appendingPathComponent("AllocationProbe")
    #endif
}
