import Testing
@testable import Backprop
@testable import BackpropBenchmarks

@Suite("Kernel benchmark (bench-kernels)")
struct KernelBenchmarkTests {
    @Test("the default cases hold the whole ladder, the engines' shapes and the bandwidth probes")
    func defaultCases() {
        let cases = KernelBenchmark.defaultCases(precisions: [.double, .float], threads: [1, 2])
        for precision in Precision.allCases {
            let mine = cases.filter { $0.precision == precision }
            for n in [256, 512] {
                let rungs = mine.filter { $0.role == "square" && $0.m == n && $0.threads == 1 }.map(\.kernel)
                #expect(rungs == ["naive", "reordered", "blocked", "packed"], "n = \(n), \(precision)")
            }
            #expect(mine.contains { $0.kernel == "packed" && $0.m == 1024 && $0.threads == 2 })
            #expect(mine.filter { $0.kernel == "packed-independent" }.map(\.m) == [256, 512, 1024])
            #expect(!KernelBenchmark.defaultCases(precisions: [precision], threads: [1]).contains { $0.threads > 1 })
            #expect(mine.contains { $0.transposeA && $0.role.contains("weight gradient") })
            // The m = 16 weight gradient: a sum of only 16 products per element, the GEMM's shallowest K-blocks.
            #expect(mine.contains { $0.transposeA && $0.k == 16 && $0.role.hasSuffix("m = 16") })
            #expect(mine.contains { $0.transposeB && $0.role.contains("hidden error") })
            #expect(mine.filter { $0.kernel == "stream-read" }.count == 4)
        }
        // The probes' sizes are named in their own precision's bytes.
        let sizes = cases.filter { $0.kernel == "stream-read" && $0.role.contains(" in ") }.map { "\($0.precision): \($0.role)" }
        #expect(sizes == ["double: bandwidth, 32 KiB in double", "double: bandwidth, 128 MiB in double",
                          "float: bandwidth, 16 KiB in float", "float: bandwidth, 64 MiB in float"])
    }

    @Test("flops and bytes: 2·m·n·k for a product, k·n for the probe; bytes only for memory-bound kernels")
    func counts() {
        let gemm = KernelCase(kernel: "packed", precision: .double, m: 3, n: 5, k: 7, role: "square")
        #expect(gemm.flops == 210 && gemm.bytesMoved == nil)
        let gemv = KernelCase(kernel: "gemv-forward", precision: .float, m: 1, n: 30, k: 784, role: "")
        #expect(gemv.flops == 2 * 30 * 784 && gemv.bytesMoved == 4 * 30 * 784)
        let update = KernelCase(kernel: "rank1-update", precision: .double, m: 1, n: 30, k: 784, role: "")
        #expect(update.bytesMoved == Double(2 * 8 * 30 * 784))
        let independent = KernelCase(kernel: "packed-independent", precision: .float, m: 3, n: 5, k: 7, threads: 2,
                                     role: "")
        #expect(independent.flops == 2 * 210 && independent.bytesMoved == nil)
        let stream = KernelCase(kernel: "stream-read", precision: .double, m: 1, n: 64, k: 64, role: "")
        #expect(stream.flops == 4096 && stream.bytesMoved == 8 * 4096)
    }

    @Test("the bandwidth probe sums exactly at awkward lengths", arguments: [0, 1, 3, 7, 33, 257])
    func streamSum(count: Int) {
        // Small integers: every partial sum is exact, so any order gives the same total.
        let doubles = (0..<count).map { Double($0 % 17) }
        #expect(StreamRead.sum(doubles) == doubles.reduce(0, +))
        let floats = (0..<count).map { Float($0 % 13) - 6 }
        #expect(StreamRead.sum(floats) == floats.reduce(0, +))
    }

    @Test("every kind of kernel runs and reports a positive rate", arguments: [
        KernelCase(kernel: "naive", precision: .double, m: 7, n: 5, k: 3, role: "tiny"),
        KernelCase(kernel: "packed", precision: .float, m: 33, n: 7, k: 5, transposeA: true, role: "tiny Aᵀ·B"),
        KernelCase(kernel: "gemv-backward", precision: .double, m: 1, n: 7, k: 3, role: "tiny"),
        KernelCase(kernel: "rank1-update", precision: .float, m: 1, n: 7, k: 33, role: "tiny"),
        KernelCase(kernel: "stream-read", precision: .double, m: 1, n: 7, k: 33, role: "tiny"),
        KernelCase(kernel: "packed-independent", precision: .double, m: 9, n: 17, k: 5, threads: 2, role: "tiny"),
    ])
    func runs(kernelCase: KernelCase) throws {
        let results = try KernelBenchmark.run(kernelCase, settings: HarnessSettings(minimumTime: 0.001, samples: 3, warmUp: 0.001))
        let result = try #require(results.first)
        #expect(results.count == 1)
        #expect(result.timing.samples == 3)
        #expect(result.gigaflops > 0 && result.gigaflops.isFinite)
        #expect((result.gigabytesPerSecond != nil) == (kernelCase.bytesMoved != nil))
        // The host's share, when the samples spanned a clock tick, is a share.
        #expect(result.hostSteal.map { (0...1).contains($0) } ?? true)
    }
}

extension KernelCase: CustomTestStringConvertible {
    public var testDescription: String { "\(label) \(precision) \(m)×\(n)×\(k)" }
}
