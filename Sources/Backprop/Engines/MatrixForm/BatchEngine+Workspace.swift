extension BatchEngine {
    /// The batch matrices of one network shape, for up to `capacity` examples, and the table of the layers'
    /// pointers.
    @usableFromInline
    final class Workspace {
        @usableFromInline let sizes: [Int]
        @usableFromInline private(set) var capacity = 0
        /// Aˡ `[m, h_l]` for l = 1…L (hidden ones overwrite Zˡ in place).
        @usableFromInline let activations: [AlignedBuffer<Scalar>]
        /// Δˡ `[m, h_l]` for l = 1…L.
        @usableFromInline let deltas: [AlignedBuffer<Scalar>]
        /// Zᴸ `[m, c]`, kept for the loss.
        @usableFromInline let logits = AlignedBuffer<Scalar>()
        /// ℓᵢ, each example's loss, summed in order once all are known.
        @usableFromInline let losses = AlignedBuffer<Scalar>()
        /// The operands packed once per call when several threads share it as tasks (`PackedOperands`).
        @usableFromInline let packedOperands = AlignedBuffer<Scalar>()
        @usableFromInline let layers: LayerTable<Scalar>

        @usableFromInline
        init(sizes: [Int]) {
            self.sizes = sizes
            activations = sizes.map { _ in AlignedBuffer<Scalar>() }
            deltas = sizes.map { _ in AlignedBuffer<Scalar>() }
            layers = LayerTable(depth: sizes.count - 1)
            setPointers()
        }

        /// Makes room for m examples, and for the packed operands of a call run as tasks when `packed`.
        @usableFromInline
        func reserve(examples m: Int, packed: Bool) {
            if packed { packedOperands.reserve(PackedOperands<Scalar>.capacity(h: sizes, examples: m)) }
            guard m > capacity else { return }
            for l in 1..<sizes.count {
                activations[l].reserve(m * sizes[l])
                deltas[l].reserve(m * sizes[l])
            }
            logits.reserve(m * sizes[sizes.count - 1])
            losses.reserve(m)
            capacity = m
            setPointers()
        }

        @usableFromInline
        func setPointers() {
            for l in 1..<sizes.count {
                layers.setWorkspace(l, activations: activations[l].pointer, errors: deltas[l].pointer)
            }
        }
    }
}
