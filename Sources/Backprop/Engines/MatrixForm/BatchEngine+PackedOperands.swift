/// One of the operands a call run as tasks packs whole, once, for all its row chunks (`PrepackedB`): op(B) of a
/// step's products. Layers are numbered as in the note.
@usableFromInline
enum PackedOperand {
    /// Wˡ [h_{l−1}, h_l], read by the forward products.
    case weights(Int)
    /// (Wˡ)ᵀ [h_l, h_{l−1}], read by the hidden-error products (l = L…2).
    case transposedWeights(Int)
    /// Δˡ [m, h_l], read by the weight-gradient products.
    case errors(Int)
}

/// Where the packed operands of one call live in one buffer: Wˡ for l = 1…L, then (Wˡ)ᵀ for l = L…2, then Δˡ for
/// l = 1…L, one after another, each taking `PrepackedB.capacity` scalars.
@usableFromInline
struct PackedOperands<Scalar: BackpropScalar> {
    @usableFromInline let base: UnsafeMutablePointer<Scalar>
    /// h_0, …, h_L.
    @usableFromInline let h: [Int]
    /// m.
    @usableFromInline let examples: Int

    @inlinable
    init(base: UnsafeMutablePointer<Scalar>, h: [Int], examples: Int) {
        self.base = base
        self.h = h
        self.examples = examples
    }

    @inlinable var depth: Int { h.count - 1 }

    /// The operand's place in the buffer's order.
    @inlinable
    func index(_ operand: PackedOperand) -> Int {
        switch operand {
        case .weights(let l): l - 1
        case .transposedWeights(let l): 2 * depth - l
        case .errors(let l): 2 * depth - 2 + l
        }
    }

    /// The operand at `index`.
    @inlinable
    func operand(at index: Int) -> PackedOperand {
        if index < depth { return .weights(index + 1) }
        if index < 2 * depth - 1 { return .transposedWeights(2 * depth - index) }
        return .errors(index - 2 * depth + 2)
    }

    /// op(B)'s shape [k, n].
    @inlinable
    func shape(_ operand: PackedOperand) -> (k: Int, n: Int) {
        switch operand {
        case .weights(let l): (h[l - 1], h[l])
        case .transposedWeights(let l): (h[l], h[l - 1])
        case .errors(let l): (examples, h[l])
        }
    }

    /// The stored matrix behind the operand.
    @inlinable
    func source(_ operand: PackedOperand, _ layer: LayerPointers<Scalar>) -> Operand<Scalar> {
        switch operand {
        case .weights(let l): Operand(layer.w(l), stride: h[l])
        case .transposedWeights(let l): Operand(layer.w(l), stride: h[l], transposed: true)
        case .errors(let l): Operand(layer.delta(l), stride: h[l])
        }
    }

    /// The scalars the operands before `index` take.
    @inlinable
    func offset(_ index: Int) -> Int {
        var offset = 0
        for earlier in 0..<index {
            let (k, n) = shape(operand(at: earlier))
            offset += PrepackedB<Scalar>.capacity(n: n, k: k)
        }
        return offset
    }

    /// Where the operand's packed blocks start.
    @inlinable
    func pointer(_ operand: PackedOperand) -> UnsafeMutablePointer<Scalar> { base + offset(index(operand)) }

    /// The scalars all the operands of a call on m examples take.
    @inlinable
    static func capacity(h: [Int], examples m: Int) -> Int {
        let all = PackedOperands(base: UnsafeMutablePointer(bitPattern: 64)!, h: h, examples: m)
        return all.offset(3 * all.depth - 1)
    }

    /// The packing blocks (NC panel, K-block) of the operand: each one a task, shared by `parts` threads.
    @inlinable
    func blockCount(_ operand: PackedOperand) -> Int {
        let (k, n) = shape(operand)
        return PrepackedB<Scalar>.blockCount(n: n, k: k)
    }

    /// Packs share `share` of `shares` of block `block` of the operand.
    @inlinable
    func pack(_ operand: PackedOperand, block: Int, share: Int, of shares: Int, from layer: LayerPointers<Scalar>) {
        let (k, n) = shape(operand)
        PrepackedB<Scalar>.pack(source(operand, layer), k: k, n: n, block: block, share: share, of: shares,
                                into: pointer(operand))
    }
}
