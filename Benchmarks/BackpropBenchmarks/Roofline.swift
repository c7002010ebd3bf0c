import Backprop
import Foundation

/// The roofline of one thread (Williams, Waterman and Patterson, 2009): a kernel that does F flops while it must
/// move Q bytes between a level of memory and the registers has an arithmetic intensity I = F / Q, and runs at most
/// at min(peak, bandwidth × I). `backprop bench-kernels --roofline` measures the ceilings (the peak, and the read
/// bandwidth of L1, L2, L3 and memory) and places on them the loop engine's kernels, the GEMM, and each phase of both
/// engines at m = 1…1024: the picture of why batching wins, and where it stops.
///
/// The bytes of a phase are the compulsory ones, each matrix read or written once per call (s bytes a number):
///
///     batch engine  forward           s·(m·h_0 + F + m·Σ h_l)              X, every W, every A written
///                   hidden errors     s·(m·Σ_{l≥2} h_l + B + 2m·H)          Δˡ⁺¹, Wˡ⁺¹, Aˡ read, Δˡ written
///                   weight gradients  s·(m·Σ h_{l−1} + m·Σ h_l + F)         Aˡ⁻¹, Δˡ read, ∂Wˡ written
///     loop engine   forward           s·m·F                                every W, once per example
///                   hidden errors     s·m·B
///                   weight gradients  s·2m·F                               ∂W read and written per example
///
/// with F = Σ h_{l−1}h_l, B = Σ_{l≥2} h_{l−1}h_l, H = Σ_{l<L} h_l (docs/performance.md).
public enum Roofline {
    /// A point: a kernel or a phase, its intensity (flops per byte) and its measured rate.
    public struct Point: Sendable {
        public var group: String
        public var label: String
        public var intensity: Double
        public var gigaflops: Double
    }

    /// The ceilings of one precision: one thread's peak GFLOP/s and each level's read bandwidth in GB/s.
    public struct Ceilings: Sendable {
        public var peak: Double
        public var bandwidths: [(level: String, gigabytesPerSecond: Double)]

        /// The attainable rate at intensity `x`: the lowest of the peak and each bandwidth × x.
        public func attainable(_ x: Double, level: String) -> Double {
            min(peak, (bandwidths.first { $0.level == level }?.gigabytesPerSecond ?? .infinity) * x)
        }
    }

    /// The batch sizes the engines' phases and the GEMM are placed at.
    public static let batchSizes = [1, 4, 16, 64, 256, 1024]

    /// The compulsory bytes of `phase` of an engine (`batch` or `loop`) for one call on m examples.
    public static func bytes(_ phase: Phase, engine: String, sizes: [Int], examples m: Int, scalarBytes s: Int) -> Double {
        let L = sizes.count - 1
        let f = (1...L).reduce(0) { $0 + sizes[$1 - 1] * sizes[$1] }
        let b = L >= 2 ? (2...L).reduce(0) { $0 + sizes[$1 - 1] * sizes[$1] } : 0
        let h = L >= 2 ? (1..<L).reduce(0) { $0 + sizes[$1] } : 0
        let units = sizes.dropFirst().reduce(0, +), inputs = sizes.dropLast().reduce(0, +)
        let above = L >= 2 ? sizes[2...].reduce(0, +) : 0
        let numbers: Int = switch (engine, phase) {
        case ("batch", .forward): m * sizes[0] + f + m * units
        case ("batch", .hiddenErrors): m * above + b + 2 * m * h
        case ("batch", .weightGradients): m * inputs + m * units + f
        case (_, .forward): m * f
        case (_, .hiddenErrors): m * b
        case (_, .weightGradients): 2 * m * f
        default: 0
        }
        return Double(numbers * s)
    }

    /// The engines' phases on `sizes` (sigmoid → sigmoid + cross-entropy, the benchmark's default) at each batch
    /// size: the median of `settings.samples` calls' phase times each, as points.
    public static func enginePoints<T: BackpropScalar>(_: T.Type, sizes: [Int], settings: HarnessSettings) throws -> [Point] {
        var points: [Point] = []
        let network = try Network<T>(sizes: sizes, hidden: .sigmoid, output: .sigmoidCrossEntropy, seed: settings.seed)
        let loop = LoopEngine<T>(), batch = BatchEngine<T>()
        loop.recordsPhases = true
        batch.recordsPhases = true
        for m in batchSizes {
            let data = Batch.synthetic(for: network, examples: m, seed: settings.seed &+ 1)
            let flops = FlopCount(sizes: sizes, examples: m, hidden: .sigmoid, output: .sigmoidCrossEntropy)
            var gradients = Gradients(zeroFor: network)
            for (name, engine, recorder) in [("batch", AnyBackpropEngine(batch), batch as any RecordsPhases),
                                             ("loop", AnyBackpropEngine(loop), loop as any RecordsPhases)] {
                // Enough calls for a few milliseconds a sample, the median of the samples' per-call phase times.
                try engine.computeGradients(of: network, inputs: data.inputs, targets: data.targets, into: &gradients)
                let calls = max(1, Int(0.002 / max(recorder.phaseTimes.total, 1e-7)))
                var samples: [PhaseTimes] = []
                for _ in 0..<max(3, settings.samples) {
                    var sum = PhaseTimes()
                    for _ in 0..<calls {
                        try engine.computeGradients(of: network, inputs: data.inputs, targets: data.targets, into: &gradients)
                        for phase in Phase.allCases { sum[phase] += recorder.phaseTimes[phase] }
                    }
                    samples.append(sum)
                }
                for (phase, phaseFlops) in [(Phase.forward, flops.forward), (.hiddenErrors, flops.hiddenErrors),
                                            (.weightGradients, flops.weightGradients)] {
                    let seconds = samples.map { $0[phase] / Double(calls) }.sorted()[samples.count / 2]
                    let bytes = self.bytes(phase, engine: name, sizes: sizes, examples: m, scalarBytes: MemoryLayout<T>.size)
                    guard seconds > 0, bytes > 0 else { continue }
                    points.append(Point(group: "\(name) engine, \(phase.name)", label: "m = \(m)",
                                        intensity: Double(phaseFlops) / bytes, gigaflops: Double(phaseFlops) / seconds / 1e9))
                }
            }
        }
        return points
    }

    /// The kernels' results as points: the matrix–vector kernels and the GEMMs (intensity from compulsory bytes:
    /// each operand once), and the ceilings from the peak and the read probes.
    public static func kernelPoints(_ results: [KernelResult], precision: Precision) -> [Point] {
        results.filter { $0.kernelCase.precision == precision && $0.kernelCase.threads == 1 }.compactMap { result in
            let c = result.kernelCase, s = Double(precision.byteCount)
            switch c.kernel {
            case "gemv-forward", "gemv-backward", "rank1-update":
                guard let bytes = c.bytesMoved else { return nil }
                return Point(group: "loop engine's kernels", label: "\(c.kernel) \(c.role)", intensity: c.flops / bytes,
                             gigaflops: result.gigaflops)
            case "packed" where c.role.hasPrefix("square") || c.role.contains("roofline"):
                let bytes = s * Double(c.m * c.k + c.k * c.n + c.m * c.n)
                return Point(group: c.role.contains("roofline") ? "GEMM at the forward Z¹ shape" : "GEMM, squares",
                             label: "\(c.m)×\(c.n)×\(c.k)", intensity: c.flops / bytes, gigaflops: result.gigaflops)
            default:
                return nil
            }
        }
    }

    /// The ceilings of `precision` from the read probes.
    public static func ceilings(_ results: [KernelResult], precision: Precision, peak: Double) -> Ceilings {
        let reads = results.filter { $0.kernelCase.precision == precision && $0.kernelCase.kernel == "read" }
        return Ceilings(peak: peak, bandwidths: BandwidthProbe.footprints.compactMap { footprint in
            let level = footprint.level
            return reads.first { $0.kernelCase.role.hasSuffix("(\(level))") }?.gigabytesPerSecond.map { (level, $0) }
        })
    }

    /// The GEMM cases placed on the roofline: C [m, h_1] = X [m, h_0] · W¹ for each m, on `sizes`.
    public static func gemmCases(sizes: [Int], precision: Precision) -> [KernelCase] {
        batchSizes.map { m in
            KernelCase(kernel: "packed", precision: precision, m: m, n: sizes[1], k: sizes[0],
                       role: "\(Network<Double>.describe(sizes)) forward Z1 for the roofline, m = \(m)")
        }
    }
}
