@_spi(Benchmarks) import Backprop
import Foundation

/// One matrix-kernel measurement of `backprop bench-kernels`.
public struct KernelCase: Hashable, Sendable {
    /// "naive", "unit-stride", "reordered", "blocked", "packed" (GEMM C = op(A) op(B)), "packed-independent" (`threads`
    /// separate one-thread products at once, each on its own operands: what the machine gives threads that share
    /// nothing, not even B's packing), "gemv-forward" (z = Wᵀx + b),
    /// "gemv-backward" (s = W δ), "rank1-update" (G += a δᵀ), "read", "write", "update" (the bandwidth probes of
    /// `BandwidthProbe` on an array of n numbers), or "numpy-matmul".
    public var kernel: String
    public var precision: Precision
    /// C is m × n, the sum runs over k. For the matrix–vector kernels m = 1 and W is k × n.
    public var m: Int, n: Int, k: Int
    public var threads: Int = 1
    public var transposeA = false, transposeB = false
    /// What the shape is, e.g. "square", "784-30-10 forward Z¹".
    public var role: String

    /// 2·m·n·k (once per thread for "packed-independent"); an addition or a multiplication per number for "read" and
    /// "update", none for "write".
    public var flops: Double {
        switch kernel {
        case "read", "update": return Double(n) * Double(k)
        case "write": return 0
        case "packed-independent": return Double(threads) * 2 * Double(m) * Double(n) * Double(k)
        default: return 2 * Double(m) * Double(n) * Double(k)
        }
    }

    /// The bytes the kernel must move between the cache and the registers, for the memory-bound kernels (nil for
    /// the GEMMs, which reuse what they load): the k × n matrix read once ("gemv-forward", "gemv-backward", "read")
    /// or written once ("write"), or read and written once ("rank1-update", "update"); the vectors are small and
    /// stay in L1.
    public var bytesMoved: Double? {
        let size = Double(precision.byteCount)
        switch kernel {
        case "gemv-forward", "gemv-backward", "read", "write": return Double(n) * Double(k) * size
        case "rank1-update", "update": return 2 * Double(n) * Double(k) * size
        default: return nil
        }
    }

    /// "packed", "packed Aᵀ·B", "packed A·Bᵀ".
    public var label: String {
        kernel + (transposeA ? " Aᵀ·B" : transposeB ? " A·Bᵀ" : "")
    }
}

/// A kernel's timing.
public struct KernelResult: Sendable {
    public var kernelCase: KernelCase
    public var timing: TimingSummary
    public var gigaflops: Double { kernelCase.flops / timing.median / 1e9 }
    /// GB/s at the median time, for the memory-bound kernels.
    public var gigabytesPerSecond: Double? { kernelCase.bytesMoved.map { $0 / timing.median / 1e9 } }
    /// The share (0…1) of the time the CPUs wanted to run that the host took while the samples ran (the kernel's
    /// and, with a reference, NumPy's, which share the rotation and so the figure); nil where it is not counted.
    public var hostSteal: Double? = nil
}

/// The cases and the timing of `backprop bench-kernels`.
public enum KernelBenchmark {
    /// The teaching ladder on squares (naive only up to 512: at 1024 one call of it takes seconds), the engines' real shapes at m = 256 (and two at m = 16), and the loop engine's
    /// matrix–vector kernels.
    public static func defaultCases(precisions: [Precision], threads: [Int]) -> [KernelCase] {
        var cases: [KernelCase] = []
        for precision in precisions {
            for n in [256, 512, 1024] {
                let rungs = GEMMLadder.Rung.allCases.map(\.rawValue).filter { n <= 512 || $0 != "naive" }
                for rung in rungs {
                    cases.append(KernelCase(kernel: rung, precision: precision, m: n, n: n, k: n, role: "square"))
                }
                for t in threads where t > 1 {
                    cases.append(KernelCase(kernel: "packed", precision: precision, m: n, n: n, k: n, threads: t, role: "square"))
                    cases.append(KernelCase(kernel: "packed-independent", precision: precision, m: n, n: n, k: n,
                                            threads: t, role: "square, \(t) products at once"))
                }
            }
            let engineShapes: [(Int, Int, Int, Bool, Bool, String)] = [
                (256, 30, 784, false, false, "784-30-10 forward Z1"),
                (256, 30, 10, false, true, "784-30-10 hidden error D1"),
                (784, 30, 256, true, false, "784-30-10 weight gradient dW1"),
                (256, 256, 784, false, false, "784-256-128-10 forward Z1"),
                (256, 128, 256, false, false, "784-256-128-10 forward Z2"),
                (256, 256, 128, false, true, "784-256-128-10 hidden error D1"),
                (784, 256, 256, true, false, "784-256-128-10 weight gradient dW1"),
                (16, 256, 784, false, false, "784-256-128-10 forward Z1, m = 16"),
                (784, 256, 16, true, false, "784-256-128-10 weight gradient dW1, m = 16"),
            ]
            for (m, n, k, ta, tb, role) in engineShapes {
                cases.append(KernelCase(kernel: "packed", precision: precision, m: m, n: n, k: k, transposeA: ta,
                                        transposeB: tb, role: role))
            }
            let vectorShapes: [(String, Int, Int, String)] = [
                ("gemv-forward", 30, 784, "784-30-10 forward z1"), ("gemv-forward", 256, 784, "784-256-128-10 forward z1"),
                ("gemv-backward", 30, 10, "784-30-10 hidden error d1"), ("gemv-backward", 256, 128, "784-256-128-10 hidden error d1"),
                ("rank1-update", 30, 784, "784-30-10 gradient dW1"), ("rank1-update", 256, 784, "784-256-128-10 gradient dW1"),
            ]
            for (kernel, n, k, role) in vectorShapes {
                cases.append(KernelCase(kernel: kernel, precision: precision, m: 1, n: n, k: k, role: role))
            }
            // The bandwidth of each level of the memory hierarchy, by the three access patterns: arrays that sit in
            // L1, L2, L3 and memory (`BandwidthProbe`).
            for kernel in BandwidthProbe.kernels {
                for (bytes, level) in BandwidthProbe.footprints {
                    cases.append(KernelCase(kernel: kernel, precision: precision, m: 1, n: bytes / precision.byteCount, k: 1,
                                            role: "bandwidth, \(bytes >= 1 << 20 ? "\(bytes >> 20) MiB" : "\(bytes >> 10) KiB") (\(level))"))
                }
            }
        }
        return cases
    }

    /// Times one case: warm-up, back-to-back calls for `minimumTime`, `samples` samples, median; with an external
    /// timer (NumPy's `A @ B` on the same shape), its samples alternate with this kernel's and its result follows.
    public static func run(_ kernelCase: KernelCase, settings: HarnessSettings, external: ExternalTimer? = nil) throws -> [KernelResult] {
        switch kernelCase.precision {
        case .float: try run(kernelCase, Float.self, settings, external)
        case .double: try run(kernelCase, Double.self, settings, external)
        }
    }

    static func run<T: BackpropScalar>(_ c: KernelCase, _: T.Type, _ settings: HarnessSettings, _ external: ExternalTimer?) throws -> [KernelResult] {
        var g = SplitMix64(seed: settings.seed)
        func random(_ rows: Int, _ columns: Int) -> Matrix<T> {
            Matrix(rows: rows, columns: columns, elements: (0..<rows * columns).map { _ in T(g.nextUniform(in: -1, 1)) })
        }
        let body: () -> Double
        switch c.kernel {
        case "gemv-forward":
            let w = random(c.k, c.n), x = random(1, c.k).elements, b = random(1, c.n).elements
            var z = [T](repeating: 0, count: c.n)
            body = { VectorKernels.forward(w, x, bias: b, into: &z); return Double(z[0]) }
        case "gemv-backward":
            // s = W δ with W [n, k]: n outputs, each a sum over k.
            let w = random(c.n, c.k), d = random(1, c.k).elements
            var s = [T](repeating: 0, count: c.n)
            body = { VectorKernels.backward(w, d, into: &s); return Double(s[0]) }
        case "read", "write", "update":
            let count = c.n * c.k
            let array = UnsafeMutablePointer<T>.allocate(capacity: count)
            array.initialize(from: random(1, count).elements, count: count)
            let buffer = ProbeBuffer(array)
            // A factor of 1 the compiler cannot see, so that every multiplication and store happens.
            let factor = T(settings.seed == .max ? 2 : 1)
            // One closure per probe, chosen here: nothing but the probe in the timed call (each holds the buffer).
            switch c.kernel {
            case "read": body = { Double(BandwidthProbe.read(buffer.pointer, count: count)) }
            case "write": body = { BandwidthProbe.write(buffer.pointer, count: count, value: factor); return Double(buffer.pointer[0]) }
            default: body = { BandwidthProbe.update(buffer.pointer, count: count, factor: factor); return Double(buffer.pointer[0]) }
            }
        case "rank1-update":
            var gradient = random(c.k, c.n)
            let a = random(1, c.k).elements.map { $0 * 1e-3 }, d = random(1, c.n).elements
            body = { VectorKernels.addOuterProduct(&gradient, a, d); return Double(gradient.elements[0]) }
        case "packed-independent":
            // One product per thread, nothing shared but the machine: each thread its own operands, multiplier
            // (packing buffers) and result.
            let operands = (0..<c.threads).map { _ in (random(c.m, c.k), random(c.k, c.n)) }
            let multipliers = (0..<c.threads).map { _ in MatrixMultiplier<T>(threads: 1) }
            let products = (0..<c.threads).map { _ in ProductBox(Matrix<T>(rows: c.m, columns: c.n)) }
            let pool = WorkerPool(threadCount: c.threads)
            let job: (Int) -> Void = { part in
                multipliers[part].multiply(operands[part].0, transposed: false, operands[part].1, transposed: false,
                                           into: &products[part].matrix)
            }
            body = {
                pool.run(parts: c.threads, job)
                return Double(products[0].matrix.elements[0])
            }
        default:
            let a = c.transposeA ? random(c.k, c.m) : random(c.m, c.k)
            let b = c.transposeB ? random(c.n, c.k) : random(c.k, c.n)
            let multiplier = MatrixMultiplier<T>(threads: c.threads)
            let rung = GEMMLadder.Rung(rawValue: c.kernel) ?? .packed
            var product = Matrix<T>(rows: c.m, columns: c.n)
            body = {
                GEMMLadder.multiply(a, transposed: c.transposeA, b, transposed: c.transposeB, into: &product, rung: rung,
                                    multiplier: multiplier)
                return Double(product.elements[0])
            }
        }
        var sink = 0.0
        var calls = 0
        let start = MonotonicClock.nanoseconds()
        repeat {
            sink += body()
            calls += 1
        } while MonotonicClock.seconds(since: start) < settings.warmUp
        let repetitions = max(1, Int((settings.minimumTime / (MonotonicClock.seconds(since: start) / Double(calls))).rounded(.up)))
        var times: [Double] = [], externalTimes: [Double] = []
        var externalRepetitions = 1
        let cpuBefore = HostCPUTime.now()
        for round in 0..<settings.samples {
            func own() {
                sink += body()  // untimed, as every sample starts (the reference's samples do the same)
                let t = MonotonicClock.nanoseconds()
                for _ in 0..<repetitions { sink += body() }
                times.append(MonotonicClock.seconds(since: t) / Double(repetitions))
            }
            func theirs() throws {
                guard let external else { return }
                let (seconds, calls, _) = try external.sample()
                externalTimes.append(seconds)
                externalRepetitions = calls
            }
            if round % 2 == 0 { own(); try theirs() } else { try theirs(); own() }
        }
        var steal: Double?
        if let cpuBefore, let cpuAfter = HostCPUTime.now() { steal = cpuAfter.stolenShare(since: cpuBefore) }
        if sink.isNaN { print("", terminator: "") }  // keeps every result alive
        var results = [KernelResult(kernelCase: c, timing: TimingSummary(times, repetitions: repetitions),
                                    hostSteal: steal)]
        if let external, !externalTimes.isEmpty {
            var theirs = c
            theirs.kernel = external.name
            results.append(KernelResult(kernelCase: theirs, timing: TimingSummary(externalTimes, repetitions: externalRepetitions),
                                        hostSteal: steal))
        }
        return results
    }
}

/// One thread's result matrix, in its own object, so that threads writing their own never touch a shared array.
final class ProductBox<T: BackpropScalar> {
    var matrix: Matrix<T>
    init(_ matrix: Matrix<T>) { self.matrix = matrix }
}

/// A probe's array, freed when the last closure that uses it goes.
final class ProbeBuffer<T> {
    let pointer: UnsafeMutablePointer<T>
    init(_ pointer: UnsafeMutablePointer<T>) { self.pointer = pointer }
    deinit { pointer.deallocate() }
}
