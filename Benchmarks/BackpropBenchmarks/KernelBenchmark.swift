import Backprop
import Foundation

/// One matrix-kernel measurement of `backprop bench --kernels`.
public struct KernelCase: Hashable, Sendable {
    /// "naive", "reordered", "blocked", "packed" (GEMM C = op(A) op(B)), "packed-independent" (`threads`
    /// separate one-thread products at once, each on its own operands: what the machine gives threads that share
    /// nothing, not even B's packing), "gemv-forward" (z = Wᵀx + b),
    /// "gemv-backward" (s = W δ), "rank1-update" (G += a δᵀ), "stream-read" (Σ of k·n elements: the bandwidth
    /// probe the matrix–vector kernels are measured against), or "numpy-matmul".
    public var kernel: String
    public var precision: Precision
    /// C is m × n, the sum runs over k. For the matrix–vector kernels m = 1 and W is k × n.
    public var m: Int, n: Int, k: Int
    public var threads: Int = 1
    public var transposeA = false, transposeB = false
    /// What the shape is, e.g. "square", "784-30-10 forward Z¹".
    public var role: String

    /// 2·m·n·k (once per thread for "packed-independent"); k·n additions for "stream-read".
    public var flops: Double {
        switch kernel {
        case "stream-read": return Double(n) * Double(k)
        case "packed-independent": return Double(threads) * 2 * Double(m) * Double(n) * Double(k)
        default: return 2 * Double(m) * Double(n) * Double(k)
        }
    }

    /// The bytes the kernel must move between the cache and the registers, for the memory-bound kernels (nil for
    /// the GEMMs, which reuse what they load): the k × n matrix read once ("gemv-forward", "gemv-backward",
    /// "stream-read") or read and written once ("rank1-update"); the vectors are small and stay in L1.
    public var bytesMoved: Double? {
        let size = Double(precision.byteCount)
        switch kernel {
        case "gemv-forward", "gemv-backward", "stream-read": return Double(n) * Double(k) * size
        case "rank1-update": return 2 * Double(n) * Double(k) * size
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

/// The cases and the timing of `backprop bench --kernels`.
public enum KernelBenchmark {
    /// The teaching ladder on squares (naive and reordered only up to 512: at 1024 one call of the naive kernel
    /// takes seconds), the engines' real shapes at m = 256 (and two at m = 16), and the loop engine's
    /// matrix–vector kernels.
    public static func defaultCases(precisions: [Precision], threads: [Int]) -> [KernelCase] {
        var cases: [KernelCase] = []
        for precision in precisions {
            for n in [256, 512, 1024] {
                let rungs = n <= 512 ? ["naive", "reordered", "blocked", "packed"] : ["blocked", "packed"]
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
            // The read bandwidth of each level the loop engine's data lives in: 64 × 64 scalars (L1: 32 KiB in
            // double, 16 in float), the weights of 784-30-10 (L2) and of 784-256-128-10 (L2 or L3, by precision),
            // and 4096 × 4096 (memory: 128 MiB in double, 64 in float).
            let scalarBytes = precision.byteCount
            let streams: [(Int, Int, String)] = [
                (64, 64, "bandwidth, \(64 * 64 * scalarBytes / 1024) KiB in \(precision)"),
                (30, 784, "bandwidth, 784-30-10 W1"), (256, 784, "bandwidth, 784-256-128-10 W1"),
                (4096, 4096, "bandwidth, \(4096 * 4096 * scalarBytes / (1024 * 1024)) MiB in \(precision)"),
            ]
            for (n, k, role) in streams {
                cases.append(KernelCase(kernel: "stream-read", precision: precision, m: 1, n: n, k: k, role: role))
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
            body = { MatrixVector.forward(w, x, bias: b, into: &z); return Double(z[0]) }
        case "gemv-backward":
            // s = W δ with W [n, k]: n outputs, each a sum over k.
            let w = random(c.n, c.k), d = random(1, c.k).elements
            var s = [T](repeating: 0, count: c.n)
            body = { MatrixVector.backward(w, d, into: &s); return Double(s[0]) }
        case "stream-read":
            let x = random(c.k, c.n).elements
            body = { Double(StreamRead.sum(x)) }
        case "rank1-update":
            var gradient = random(c.k, c.n)
            let a = random(1, c.k).elements.map { $0 * 1e-3 }, d = random(1, c.n).elements
            body = { MatrixVector.addOuterProduct(&gradient, a, d); return Double(gradient.elements[0]) }
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

/// The bandwidth probe: the sum of an array with 4 independent SIMD accumulators, so that the loads, not the
/// additions' latency, set the pace (the same idea as STREAM's read kernels).
enum StreamRead {
    @inlinable
    static func sum<T: BackpropScalar>(_ x: [T]) -> T {
        x.withUnsafeBufferPointer { buffer -> T in
            guard let p = buffer.baseAddress else { return 0 }
            let width = T.Vector.scalarCount
            func load(_ i: Int) -> T.Vector { UnsafeRawPointer(p + i).loadUnaligned(as: T.Vector.self) }
            var s0 = T.Vector(), s1 = T.Vector(), s2 = T.Vector(), s3 = T.Vector()
            var i = 0
            while i + 4 * width <= buffer.count {
                s0 += load(i)
                s1 += load(i + width)
                s2 += load(i + 2 * width)
                s3 += load(i + 3 * width)
                i += 4 * width
            }
            var total = ((s0 + s1) + (s2 + s3)).sum()
            while i < buffer.count { total += p[i]; i += 1 }
            return total
        }
    }
}
