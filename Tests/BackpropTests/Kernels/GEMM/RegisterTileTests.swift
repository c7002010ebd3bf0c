import Testing
@testable import Backprop

/// Every register tile configuration of the GEMM (`RegisterTile`). Each is compiled into the tests and checked bit
/// for bit against the scalar chain on every machine, whichever one the build uses: where registers have 256 bits,
/// the AVX-512 tile's 512-bit vectors run as two halves each (slowly, and with the same bits).
enum TileKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case avx2, avx512

    var testDescription: String { "\(rawValue) tile" }

    /// Runs `check` with this configuration's tile type for `T`.
    func run<T: BackpropScalar, Check: TileCheck>(_: T.Type, _ check: Check) {
        switch self {
        case .avx2: check.run(AVX2Tile<T>.self)
        case .avx512: check.run(AVX512Tile<T>.self)
        }
    }

    /// Runs `check` with this configuration's tile type for `precision`'s scalar.
    func run<Check: TileCheck>(_ precision: Precision, _ check: Check) {
        switch precision {
        case .float: run(Float.self, check)
        case .double: run(Double.self, check)
        }
    }
}

/// A tile configuration in one precision: what one test case runs (a test takes at most two argument lists).
struct TileInPrecision: Sendable, CustomTestStringConvertible {
    let tile: TileKind, precision: Precision

    static let all = TileKind.allCases.flatMap { tile in Precision.allCases.map { TileInPrecision(tile: tile, precision: $0) } }

    var testDescription: String { "\(tile.rawValue) tile, \(precision)" }

    func run<Check: TileCheck>(_ check: Check) { tile.run(precision, check) }
}

/// A test body generic over the tile (Swift has no generic closures).
protocol TileCheck {
    func run<Tile: RegisterTile>(_ tile: Tile.Type)
}

@Suite("Register tiles")
struct RegisterTileTests {
    @Test("each configuration fits the micro-kernel and the packing", arguments: TileInPrecision.all)
    func configuration(_ configuration: TileInPrecision) {
        struct Sizes: TileCheck {
            func run<Tile: RegisterTile>(_: Tile.Type) {
                #expect((1...maximumTileRows).contains(Tile.mr) && Tile.mr >= 4, "MR = \(Tile.mr)")
                #expect((1...4).contains(Tile.vectors))
                #expect(Tile.nr % Tile.Scalar.Vector.scalarCount == 0, "NR is whole 256-bit vectors (the packing's)")
                #expect(Tile.nc % Tile.nr == 0 && Tile.mc % Tile.mr == 0, "NC, MC whole tiles")
            }
        }
        configuration.run(Sizes())
    }

    @Test("this build's tile")
    func buildTile() {
        #if BACKPROP_AVX512
        #expect(ObjectIdentifier(GEMMBlocking<Double>.self) == ObjectIdentifier(AVX512Tile<Double>.self))
        #else
        #expect(ObjectIdentifier(GEMMBlocking<Double>.self) == ObjectIdentifier(AVX2Tile<Double>.self))
        #endif
    }
}
