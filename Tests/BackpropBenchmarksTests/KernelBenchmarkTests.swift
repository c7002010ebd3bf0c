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
            for n in [256, 512, 1024] {
                let rungs = mine.filter { $0.role == "square" && $0.m == n && $0.threads == 1 }.map(\.kernel)
                let ladder = ["naive", "unit-stride", "reordered", "blocked", "packed"]
                #expect(rungs == (n == 1024 ? Array(ladder.dropFirst()) : ladder), "n = \(n), \(precision)")
            }
            #expect(mine.contains { $0.kernel == "packed" && $0.m == 1024 && $0.threads == 2 })
            #expect(mine.filter { $0.kernel == "packed-independent" }.map(\.m) == [256, 512, 1024])
            #expect(!KernelBenchmark.defaultCases(precisions: [precision], threads: [1]).contains { $0.threads > 1 })
            #expect(mine.contains { $0.transposeA && $0.role.contains("weight gradient") })
            // The m = 16 weight gradient: a sum of only 16 products per element, the GEMM's shallowest K-blocks.
            #expect(mine.contains { $0.transposeA && $0.k == 16 && $0.role.hasSuffix("m = 16") })
            #expect(mine.contains { $0.transposeB && $0.role.contains("hidden error") })
            // Read, write and update, each on four footprints, the same bytes in either precision.
            let probes = mine.filter { BandwidthProbe.kernels.contains($0.kernel) }
            #expect(probes.count == 12)
            #expect(probes.filter { $0.kernel == "read" }.map { $0.n * precision.byteCount } == [16 << 10, 512 << 10, 8 << 20, 256 << 20])
            #expect(probes.map(\.role).contains("bandwidth, 512 KiB (L2)"))
        }
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
        let read = KernelCase(kernel: "read", precision: .double, m: 1, n: 4096, k: 1, role: "")
        #expect(read.flops == 4096 && read.bytesMoved == 8 * 4096)
        let write = KernelCase(kernel: "write", precision: .float, m: 1, n: 4096, k: 1, role: "")
        #expect(write.flops == 0 && write.bytesMoved == 4 * 4096)
        let rewrite = KernelCase(kernel: "update", precision: .double, m: 1, n: 4096, k: 1, role: "")
        #expect(rewrite.flops == 4096 && rewrite.bytesMoved == 2 * 8 * 4096)
    }

    @Test("the bandwidth probes read, write and update every element at awkward lengths", arguments: [0, 1, 3, 7, 33, 257])
    func probes(count: Int) {
        // Small integers: every partial sum is exact, so any order gives the same total.
        var doubles = (0..<count).map { Double($0 % 17) }
        doubles.withUnsafeMutableBufferPointer { buffer in
            let p = buffer.baseAddress ?? UnsafeMutablePointer<Double>.allocate(capacity: 1)
            #expect(BandwidthProbe.read(p, count: count) == (0..<count).map { Double($0 % 17) }.reduce(0, +))
            BandwidthProbe.update(p, count: count, factor: 2)
        }
        #expect(doubles == (0..<count).map { 2 * Double($0 % 17) })
        var floats = [Float](repeating: 0, count: count)
        floats.withUnsafeMutableBufferPointer { buffer in
            if let p = buffer.baseAddress { BandwidthProbe.write(p, count: count, value: 3) }
        }
        #expect(floats.allSatisfy { $0 == 3 })
    }

    @Test("every kind of kernel runs and reports a positive rate", arguments: [
        KernelCase(kernel: "naive", precision: .double, m: 7, n: 5, k: 3, role: "tiny"),
        KernelCase(kernel: "packed", precision: .float, m: 33, n: 7, k: 5, transposeA: true, role: "tiny Aᵀ·B"),
        KernelCase(kernel: "gemv-backward", precision: .double, m: 1, n: 7, k: 3, role: "tiny"),
        KernelCase(kernel: "rank1-update", precision: .float, m: 1, n: 7, k: 33, role: "tiny"),
        KernelCase(kernel: "read", precision: .double, m: 1, n: 257, k: 1, role: "tiny"),
        KernelCase(kernel: "write", precision: .float, m: 1, n: 257, k: 1, role: "tiny"),
        KernelCase(kernel: "update", precision: .double, m: 1, n: 257, k: 1, role: "tiny"),
        KernelCase(kernel: "packed-independent", precision: .double, m: 9, n: 17, k: 5, threads: 2, role: "tiny"),
    ])
    func runs(kernelCase: KernelCase) throws {
        let results = try KernelBenchmark.run(kernelCase, settings: HarnessSettings(minimumTime: 0.001, samples: 3, warmUp: 0.001))
        let result = try #require(results.first)
        #expect(results.count == 1)
        #expect(result.timing.samples == 3)
        #expect((result.gigaflops > 0 || kernelCase.flops == 0) && result.gigaflops.isFinite)
        #expect((result.gigabytesPerSecond != nil) == (kernelCase.bytesMoved != nil))
        // The host's share, when the samples spanned a clock tick, is a share.
        #expect(result.hostSteal.map { (0...1).contains($0) } ?? true)
    }
}

extension KernelCase: CustomTestStringConvertible {
    public var testDescription: String { "\(label) \(precision) \(m)×\(n)×\(k)" }
}
