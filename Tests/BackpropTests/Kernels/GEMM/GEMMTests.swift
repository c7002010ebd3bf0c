import Testing
@testable import Backprop

/// The packed GEMM against the contract written as the simplest possible code: for each C[i, j], one scalar
/// chain c ← fma(a, b, c) over k in order from the start value. Equality is bitwise.
@Suite("Packed GEMM keeps the per-element FMA chain")
struct GEMMTests {
    struct Shape: Sendable, CustomTestStringConvertible {
        var m: Int, n: Int, k: Int, aTransposed: Bool, bTransposed: Bool
        var testDescription: String {
            "[\(m), \(k)]\(aTransposed ? "ᵀ" : "") · [\(k), \(n)]\(bTransposed ? "ᵀ" : "")"
        }
    }

    /// Edge sizes around the register tiles (AVX2: 6 × 8 / 6 × 16; AVX-512: 8 × 24 / 12 × 32) and the cache
    /// blocks (KC = 256, 128, 192; MC = 48, 96), with every transposition: the three products of backpropagation are
    /// among them, and the short sums (K ≤ 8, the weight gradient of a small batch) with ragged tails of every length.
    static let shapes: [Shape] = {
        let sizes = [(1, 1, 1), (1, 30, 784), (5, 7, 3), (6, 8, 256), (7, 17, 257), (13, 10, 30), (33, 33, 33),
                     (73, 9, 520), (145, 31, 7), (257, 3, 129), (30, 10, 257), (9, 30, 8), (11, 13, 2),
                     (8, 24, 128), (12, 32, 192), (17, 49, 129), (25, 70, 385), (97, 100, 200),
                     // Large enough to be split between two threads (rows), which then pack B together over two and
                     // three K-blocks (the shared buffer's two halves in turn), with ragged column slivers.
                     (200, 40, 300), (96, 70, 520)]
        return sizes.flatMap { m, n, k in
            [(false, false), (true, false), (false, true), (true, true)].map {
                Shape(m: m, n: n, k: k, aTransposed: $0.0, bTransposed: $0.1)
            }
        }
    }()

    static func operands<T: BackpropScalar>(_ shape: Shape, _: T.Type, seed: UInt64) -> (Matrix<T>, Matrix<T>) {
        var g = SplitMix64(seed: seed)
        func random(_ rows: Int, _ columns: Int) -> Matrix<T> {
            Matrix(rows: rows, columns: columns, elements: (0..<rows * columns).map { _ in T(g.nextUniform(in: -1, 1)) })
        }
        let a = shape.aTransposed ? random(shape.k, shape.m) : random(shape.m, shape.k)
        let b = shape.bTransposed ? random(shape.n, shape.k) : random(shape.k, shape.n)
        return (a, b)
    }

    /// The contract, literally.
    static func reference<T: BackpropScalar>(_ shape: Shape, _ a: Matrix<T>, _ b: Matrix<T>, start: (Int, Int) -> T) -> [T] {
        var c = [T](repeating: 0, count: shape.m * shape.n)
        for i in 0..<shape.m {
            for j in 0..<shape.n {
                var sum = start(i, j)
                for p in 0..<shape.k {
                    let x = shape.aTransposed ? a[p, i] : a[i, p]
                    let y = shape.bTransposed ? b[j, p] : b[p, j]
                    sum = sum.addingProduct(x, y)
                }
                c[i * shape.n + j] = sum
            }
        }
        return c
    }

    @Test("the product equals the reference chain on one and two threads, in every tile",
          arguments: shapes, TileInPrecision.all)
    func products(_ shape: Shape, _ tile: TileInPrecision) {
        struct Check: TileCheck {
            let shape: Shape
            func run<Tile: RegisterTile>(_: Tile.Type) { GEMMTests.products(shape, Tile.self) }
        }
        tile.run(Check(shape: shape))
    }

    static func products<Tile: RegisterTile>(_ shape: Shape, _: Tile.Type) {
        typealias T = Tile.Scalar
        let (a, b) = Self.operands(shape, T.self, seed: UInt64(shape.m * 1000 + shape.k))
        let expected = Self.reference(shape, a, b) { _, _ in 0 }
        for threads in [1, 2] {
            let workspaces = (0..<threads).map { _ in GEMMWorkspace<T>() }
            let pool = threads > 1 ? WorkerPool(threadCount: threads) : nil
            var c = [T](repeating: .nan, count: shape.m * shape.n)
            a.elements.withUnsafeBufferPointer { ap in
                b.elements.withUnsafeBufferPointer { bp in
                    c.withUnsafeMutableBufferPointer { cp in
                        gemm(tile: Tile.self, m: shape.m, n: shape.n, k: shape.k,
                             a: Operand(ap.baseAddress!, stride: a.columns, transposed: shape.aTransposed),
                             b: Operand(bp.baseAddress!, stride: b.columns, transposed: shape.bTransposed),
                             c: cp.baseAddress!, ldc: shape.n, start: .zero, epilogue: NoEpilogue<T>(),
                             workspaces: workspaces, pool: pool)
                    }
                }
            }
            let difference = ElementwiseDifference(c, expected)
            #expect(difference.isIdentical,
                    "\(threads) threads: \(difference.differing) elements differ, up to \(difference.maximumULPs) ULP")
        }
    }

    @Test("the matrix multiplier (this build's tile) equals the reference chain", arguments: shapes, Precision.allCases)
    func multiplier(_ shape: Shape, _ precision: Precision) {
        switch precision {
        case .float: multiplier(shape, Float.self)
        case .double: multiplier(shape, Double.self)
        }
    }

    func multiplier<T: BackpropScalar>(_ shape: Shape, _: T.Type) {
        let (a, b) = Self.operands(shape, T.self, seed: UInt64(shape.m * 1000 + shape.k))
        let expected = Self.reference(shape, a, b) { _, _ in 0 }
        for threads in [1, 2] {
            let c = MatrixMultiplier<T>(threads: threads).product(a, transposed: shape.aTransposed, b,
                                                                   transposed: shape.bTransposed)
            #expect(ElementwiseDifference(c.elements, expected).isIdentical, "\(threads) threads")
        }
    }

    @Test("the bias start and the epilogue, on ragged tiles, in every tile",
          arguments: shapes.filter { !$0.aTransposed }, TileInPrecision.all)
    func starts(_ shape: Shape, _ tile: TileInPrecision) {
        struct Check: TileCheck {
            let shape: Shape
            func run<Tile: RegisterTile>(_: Tile.Type) { GEMMTests.starts(shape, Tile.self) }
        }
        tile.run(Check(shape: shape))
    }

    static func starts<Tile: RegisterTile>(_ shape: Shape, _: Tile.Type) {
        typealias T = Tile.Scalar
        let (a, b) = Self.operands(shape, T.self, seed: 7)
        var g = SplitMix64(seed: 8)
        let bias = (0..<shape.n).map { _ in T(g.nextUniform(in: -1, 1)) }
        let withBias = Self.reference(shape, a, b) { _, j in bias[j] }
        for threads in [1, 2] {
            let workspaces = (0..<threads).map { _ in GEMMWorkspace<T>() }
            let pool = threads > 1 ? WorkerPool(threadCount: threads) : nil
            var c = [T](repeating: .nan, count: shape.m * shape.n)
            a.elements.withUnsafeBufferPointer { ap in
                b.elements.withUnsafeBufferPointer { bp in
                    bias.withUnsafeBufferPointer { biasp in
                        c.withUnsafeMutableBufferPointer { cp in
                            gemm(tile: Tile.self, m: shape.m, n: shape.n, k: shape.k, a: Operand(ap.baseAddress!, stride: a.columns),
                                 b: Operand(bp.baseAddress!, stride: b.columns, transposed: shape.bTransposed),
                                 c: cp.baseAddress!, ldc: shape.n, start: .bias(biasp.baseAddress!),
                                 epilogue: ScaleEpilogue(T(0.5)), workspaces: workspaces, pool: pool)
                        }
                    }
                }
            }
            #expect(ElementwiseDifference(c, withBias.map { $0 * 0.5 }).isIdentical, "bias start, \(threads) threads")
        }
    }

    /// B read in place (a few rows of C) from every offset within a cache line, with rows whole lines apart: the
    /// columns before the first line boundary go through a narrow packed first sliver.
    @Test("B read in place from any offset in a cache line, from the bias, in every tile",
          arguments: [3, 16, 24], TileInPrecision.all)
    func misalignedB(_ m: Int, _ tile: TileInPrecision) {
        struct Check: TileCheck {
            let m: Int
            func run<Tile: RegisterTile>(_: Tile.Type) { GEMMTests.misalignedB(m, Tile.self) }
        }
        tile.run(Check(m: m))
    }

    static func misalignedB<Tile: RegisterTile>(_ m: Int, _: Tile.Type) {
        typealias T = Tile.Scalar
        let ldb = 64  // 512 or 256 bytes: every row starts at the same offset in a line
        let lanes = 64 / MemoryLayout<T>.stride
        var g = SplitMix64(seed: UInt64(m))
        for k in [5, 300] {
            let storage = UnsafeMutableRawPointer.allocate(byteCount: k * ldb * MemoryLayout<T>.stride, alignment: 64)
                .bindMemory(to: T.self, capacity: k * ldb)
            defer { storage.deallocate() }
            for i in 0..<(k * ldb) { storage[i] = T(g.nextUniform(in: -1, 1)) }
            let a = (0..<(m * k)).map { _ in T(g.nextUniform(in: -1, 1)) }
            let bias = (0..<ldb).map { _ in T(g.nextUniform(in: -1, 1)) }
            for offset in 0..<lanes {
                for n in [9, 20, 33, ldb - offset] where offset + n <= ldb {
                    let b = storage + offset
                    var expected = [T](repeating: 0, count: m * n)
                    for i in 0..<m {
                        for j in 0..<n {
                            var sum = bias[j]
                            for p in 0..<k { sum = sum.addingProduct(a[i * k + p], b[p * ldb + j]) }
                            expected[i * n + j] = sum
                        }
                    }
                    var c = [T](repeating: .nan, count: m * n)
                    a.withUnsafeBufferPointer { ap in
                        bias.withUnsafeBufferPointer { bp in
                            c.withUnsafeMutableBufferPointer { cp in
                                gemm(tile: Tile.self, m: m, n: n, k: k, a: Operand(ap.baseAddress!, stride: k), b: Operand(UnsafePointer(b), stride: ldb),
                                     c: cp.baseAddress!, ldc: n, start: .bias(bp.baseAddress!), epilogue: NoEpilogue<T>(),
                                     workspaces: [GEMMWorkspace()], pool: nil)
                            }
                        }
                    }
                    let difference = ElementwiseDifference(c, expected)
                    #expect(difference.isIdentical, "\(T.self) m = \(m), n = \(n), k = \(k), B \(offset) scalars past a line: \(difference.differing) differ")
                }
            }
        }
    }

    /// The short sum (Aᵀ read in place, K ≤ 8: the weight gradient of a small batch) from +0 with the fused 1/m, for
    /// every width up to past two blocks of eight vectors: each tail length, overlapping a full vector or alone, and
    /// C a window of a wider matrix whose other columns must stay as they were.
    @Test("short sums from +0 with the 1/m scale, every tail", arguments: [1, 2, 5, 8], Precision.allCases)
    func shortSums(_ k: Int, _ precision: Precision) {
        switch precision {
        case .float: shortSums(k, Float.self)
        case .double: shortSums(k, Double.self)
        }
    }

    func shortSums<T: BackpropScalar>(_ k: Int, _: T.Type) {
        let lanes = T.Vector.scalarCount
        var g = SplitMix64(seed: UInt64(100 + k))
        for m in [3, 7] {
            for n in Array(1...(2 * lanes + 1)) + [8 * lanes - 1, 8 * lanes + 3, 17 * lanes + lanes / 2] {
                let ldc = n + 3
                let a = (0..<(k * m)).map { _ in T(g.nextUniform(in: -1, 1)) }  // stored [k, m]: op(A) = Aᵀ
                let b = (0..<(k * n)).map { _ in T(g.nextUniform(in: -1, 1)) }
                let initial = (0..<(m * ldc)).map { _ in T(g.nextUniform(in: -1, 1)) }
                let scale = 1 / T(k)
                func chain(_ i: Int, _ j: Int) -> T {
                    var sum: T = 0
                    for p in 0..<k { sum = sum.addingProduct(a[p * m + i], b[p * n + j]) }
                    return sum
                }
                var c = initial
                a.withUnsafeBufferPointer { ap in
                    b.withUnsafeBufferPointer { bp in
                        c.withUnsafeMutableBufferPointer { cp in
                            gemm(m: m, n: n, k: k, a: Operand(ap.baseAddress!, stride: m, transposed: true),
                                 b: Operand(bp.baseAddress!, stride: n), c: cp.baseAddress!, ldc: ldc,
                                 start: .zero, epilogue: ScaleEpilogue(scale), workspaces: [GEMMWorkspace()], pool: nil)
                        }
                    }
                }
                var expected = initial
                for i in 0..<m {
                    for j in 0..<n { expected[i * ldc + j] = chain(i, j) * scale }
                }
                let difference = ElementwiseDifference(c, expected)
                #expect(difference.isIdentical, "\(T.self) m = \(m), n = \(n), k = \(k): \(difference.differing) differ")
            }
        }
    }

    @Test("a product written into a wider matrix leaves the other columns alone")
    func leadingDimension() {
        let shape = Shape(m: 9, n: 10, k: 5, aTransposed: false, bTransposed: false)
        let (a, b) = Self.operands(shape, Double.self, seed: 3)
        let expected = Self.reference(shape, a, b) { _, _ in 0 }
        var c = [Double](repeating: -7, count: 9 * 13)
        a.elements.withUnsafeBufferPointer { ap in
            b.elements.withUnsafeBufferPointer { bp in
                c.withUnsafeMutableBufferPointer { cp in
                    gemm(m: 9, n: 10, k: 5, a: Operand(ap.baseAddress!, stride: 5), b: Operand(bp.baseAddress!, stride: 10),
                         c: cp.baseAddress! + 2, ldc: 13, start: .zero, epilogue: NoEpilogue<Double>(),
                         workspaces: [GEMMWorkspace()], pool: nil)
                }
            }
        }
        for i in 0..<9 {
            #expect(Array(c[i * 13 + 2 ..< i * 13 + 12]) == Array(expected[i * 10 ..< i * 10 + 10]))
            #expect(c[i * 13] == -7 && c[i * 13 + 1] == -7 && c[i * 13 + 12] == -7)
        }
    }
}
