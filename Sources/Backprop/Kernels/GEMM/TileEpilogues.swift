/// Work applied to a tile of C once its last K-block is done, while the tile is still in L1.
@usableFromInline
protocol TileEpilogue {
    associatedtype Scalar: BackpropScalar
    /// Finishes the `rows × columns` outputs at C[row, column], which `c` points to (row stride `ldc`).
    func finish(_ c: UnsafeMutablePointer<Scalar>, _ ldc: Int, row: Int, column: Int, rows: Int, columns: Int)
    /// When the epilogue is only a multiplication by a factor (1/m), the factor, so that a kernel that can fuse it
    /// into its last pass does (a multiplication after the sum either way: the same operation).
    var fusedScale: Scalar? { get }
}

extension TileEpilogue {
    @inlinable public var fusedScale: Scalar? { nil }
}

/// Leaves C as the product.
@usableFromInline
struct NoEpilogue<Scalar: BackpropScalar>: TileEpilogue {
    @inlinable init() {}
    @inlinable @inline(__always)
    func finish(_ c: UnsafeMutablePointer<Scalar>, _ ldc: Int, row: Int, column: Int, rows: Int, columns: Int) {}
}

// The element-wise work the batch engine fuses into its matrix products, applied to each tile of C right after
// the tile's last K-block, while it is still in L1. Each is the same element-wise function the loop engine applies
// to its column vectors (Elementwise.swift, Activation.swift), so fusing changes where, not what.

/// Aˡ = σ(Zˡ), in place: the forward product's epilogue for a hidden layer.
@usableFromInline
struct ActivationEpilogue<Kernel: ActivationKernel>: TileEpilogue {
    @usableFromInline typealias Scalar = Kernel.Scalar
    @inlinable init() {}

    @inlinable @inline(__always)
    func finish(_ c: UnsafeMutablePointer<Scalar>, _ ldc: Int, row: Int, column: Int, rows: Int, columns: Int) {
        for r in 0..<rows {
            let line = c + r * ldc
            mapVectors(columns, line, line) { Kernel.value($0) }
        }
    }
}

/// Δˡ = S ∘ σ′(Aˡ), in place on S = Δˡ⁺¹ (Wˡ⁺¹)ᵀ: the hidden-error product's epilogue. σ′ is computed from the
/// stored activations Aˡ `[m, h_l]`, element (row, column) of which sits at `activations + row · stride + column`.
@usableFromInline
struct DerivativeEpilogue<Kernel: ActivationKernel>: TileEpilogue {
    @usableFromInline typealias Scalar = Kernel.Scalar
    @usableFromInline let activations: UnsafePointer<Scalar>
    @usableFromInline let stride: Int

    @inlinable init(activations: UnsafePointer<Scalar>, stride: Int) {
        self.activations = activations
        self.stride = stride
    }

    @inlinable @inline(__always)
    func finish(_ c: UnsafeMutablePointer<Scalar>, _ ldc: Int, row: Int, column: Int, rows: Int, columns: Int) {
        for r in 0..<rows {
            let line = c + r * ldc
            mapVectors(columns, line, activations + (row + r) * stride + column, line) { s, a in
                s * Kernel.derivative(a)
            }
        }
    }
}

/// C = factor · C: the weight-gradient product's epilogue, with factor = 1/m.
@usableFromInline
struct ScaleEpilogue<Scalar: BackpropScalar>: TileEpilogue {
    @usableFromInline let factor: Scalar
    @inlinable init(_ factor: Scalar) { self.factor = factor }
    @inlinable var fusedScale: Scalar? { factor }

    @inlinable @inline(__always)
    func finish(_ c: UnsafeMutablePointer<Scalar>, _ ldc: Int, row: Int, column: Int, rows: Int, columns: Int) {
        let f = Scalar.Vector(repeating: factor)
        for r in 0..<rows {
            let line = c + r * ldc
            mapVectors(columns, line, line) { $0 * f }
        }
    }
}
