import Testing
@testable import Backprop

/// A product that reads B prepacked gives the same bits as the reference chain: the blocks are where
/// `gemmSingleThread` looks for them, whatever the shares they were packed in and the order they were packed.
@Suite("Prepacked B")
struct PrepackedBTests {
    /// Shapes with one and several K-blocks, ragged slivers, and (3100 columns) two NC panels.
    static let shapes: [GEMMTests.Shape] = {
        let sizes = [(13, 10, 30), (7, 17, 257), (50, 40, 784), (9, 3100, 20), (60, 70, 520)]
        return sizes.flatMap { m, n, k in
            [false, true].map { GEMMTests.Shape(m: m, n: n, k: k, aTransposed: !$0, bTransposed: $0) }
        }
    }()

    @Test("products reading a prepacked B equal the reference chain, packed in 1, 2 or 3 shares, in every tile",
          arguments: shapes, TileInPrecision.all)
    func prepacked(_ shape: GEMMTests.Shape, _ tile: TileInPrecision) {
        struct Check: TileCheck {
            let shape: GEMMTests.Shape
            func run<Tile: RegisterTile>(_: Tile.Type) {
                for shares in 1...3 { PrepackedBTests.check(shape, shares, Tile.self) }
            }
        }
        tile.run(Check(shape: shape))
    }

    static func check<Tile: RegisterTile>(_ shape: GEMMTests.Shape, _ shares: Int, _: Tile.Type) {
        typealias T = Tile.Scalar
        let (a, b) = GEMMTests.operands(shape, T.self, seed: UInt64(shape.n * 31 + shape.k))
        let expected = GEMMTests.reference(shape, a, b) { _, _ in 0 }
        let capacity = PrepackedB<T>.capacity(tile: Tile.self, n: shape.n, k: shape.k)
        // NaN everywhere first: a block read before it was packed, or packed in the wrong place, shows.
        var packed = [T](repeating: .nan, count: capacity)
        var c = [T](repeating: .nan, count: shape.m * shape.n)
        let blocks = Tile.packedBlockCount(n: shape.n, k: shape.k)
        a.elements.withUnsafeBufferPointer { ap in
            b.elements.withUnsafeBufferPointer { bp in
                packed.withUnsafeMutableBufferPointer { pp in
                    let operandB = Operand(bp.baseAddress!, stride: b.columns, transposed: shape.bTransposed)
                    // Last block and last share first: the order must not matter.
                    for block in (0..<blocks).reversed() {
                        for share in (0..<shares).reversed() {
                            PrepackedB<T>.pack(tile: Tile.self, operandB, k: shape.k, n: shape.n, block: block, share: share,
                                               of: shares, into: pp.baseAddress!)
                        }
                    }
                    c.withUnsafeMutableBufferPointer { cp in
                        gemmSingleThread(tile: Tile.self, m: shape.m, n: shape.n, k: shape.k,
                                         a: Operand(ap.baseAddress!, stride: a.columns, transposed: shape.aTransposed),
                                         b: operandB, c: cp.baseAddress!, ldc: shape.n, start: .zero,
                                         epilogue: NoEpilogue<T>(), rowOffset: 0, columnOffset: 0,
                                         workspace: GEMMWorkspace<T>(), prepackedB: UnsafePointer(pp.baseAddress!))
                    }
                }
            }
        }
        let difference = ElementwiseDifference(c, expected)
        #expect(difference.isIdentical, "\(Tile.self), \(shares) shares: \(difference.differing) elements differ")
    }

    @Test("the capacity is the packed blocks end to end", arguments: [(10, 30), (257, 7), (784, 256), (20, 3100), (5, 6144)])
    func capacity(_ k: Int, _ n: Int) {
        func check<T: BackpropScalar>(_: T.Type) {
            let nr = GEMMBlocking<T>.nr, nc = GEMMBlocking<T>.nc
            var total = 0
            for jc in stride(from: 0, to: n, by: nc) { total += k * ((min(nc, n - jc) + nr - 1) / nr * nr) }
            #expect(PrepackedB<T>.capacity(n: n, k: k) == total, "\(T.self)")
        }
        check(Float.self)
        check(Double.self)
    }
}
