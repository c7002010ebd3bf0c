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
