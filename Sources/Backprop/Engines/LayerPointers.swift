/// What one engine call works on, layer by layer, as pointers: the parameters Wˡ, bˡ (read), the gradients
/// ∂Wˡ, ∂bˡ (written), and the engine's own activations Aˡ and errors Δˡ (for the loop engine, one example's aˡ
/// and δˡ). Layers are numbered as in the note, l = 1…L.
///
///     w(l)  [h_{l−1}, h_l]   b(l)  [h_l]     gw(l) [h_{l−1}, h_l]   gb(l) [h_l]
///     a(l)  [rows, h_l]      delta(l) [rows, h_l]                    (rows: m, or 1 for one example)
///
/// A value of this type is valid only inside `LayerTable.withPointers`, which pins the arrays it points into.
/// Every accessor checks its layer number in debug builds.
@usableFromInline
struct LayerPointers<Scalar: BackpropScalar> {
    @usableFromInline let table: UnsafePointer<UnsafeMutableRawPointer?>
    /// L, the number of layers.
    @usableFromInline let depth: Int

    @inlinable
    init(table: UnsafePointer<UnsafeMutableRawPointer?>, depth: Int) {
        self.table = table
        self.depth = depth
    }

    @inlinable @inline(__always)
    func entry(_ l: Int, _ slot: Int) -> UnsafeMutablePointer<Scalar> {
        assert(l >= 1 && l <= depth, "layer \(l) of a network of \(depth) layers")
        let pointer = table[LayerTable<Scalar>.slots * (l - 1) + slot]
        assert(pointer != nil, "slot \(slot) of layer \(l) is not bound in this call (a forward pass binds no gradients)")
        return pointer.unsafelyUnwrapped.assumingMemoryBound(to: Scalar.self)
    }

    /// Wˡ.
    @inlinable @inline(__always) func w(_ l: Int) -> UnsafePointer<Scalar> { UnsafePointer(entry(l, 0)) }
    /// bˡ.
    @inlinable @inline(__always) func b(_ l: Int) -> UnsafePointer<Scalar> { UnsafePointer(entry(l, 1)) }
    /// ∂𝓛/∂Wˡ.
    @inlinable @inline(__always) func gw(_ l: Int) -> UnsafeMutablePointer<Scalar> { entry(l, 2) }
    /// ∂𝓛/∂bˡ.
    @inlinable @inline(__always) func gb(_ l: Int) -> UnsafeMutablePointer<Scalar> { entry(l, 3) }
    /// Aˡ (hidden layers overwrite Zˡ with it in place).
    @inlinable @inline(__always) func a(_ l: Int) -> UnsafeMutablePointer<Scalar> { entry(l, 4) }
    /// Δˡ.
    @inlinable @inline(__always) func delta(_ l: Int) -> UnsafeMutablePointer<Scalar> { entry(l, 5) }

    /// Aˡ⁻¹, layer l's input: `x` (the batch, or the example) for l = 1.
    @inlinable @inline(__always)
    func input(_ l: Int, x: UnsafePointer<Scalar>) -> UnsafePointer<Scalar> {
        l == 1 ? x : UnsafePointer(a(l - 1))
    }
}

/// The table behind `LayerPointers`, owned by an engine's workspace and allocated once with it: six pointers per
/// layer, nil until bound. The engine sets its activations and errors when it (re)allocates them, and `withPointers`
/// binds the parameters (and the gradients) for the length of one call, then unbinds them.
@usableFromInline
final class LayerTable<Scalar: BackpropScalar> {
    /// Pointers per layer: W, b, ∂W, ∂b, A, Δ.
    @inlinable static var slots: Int { 6 }
    @usableFromInline let depth: Int
    @usableFromInline let table: UnsafeMutablePointer<UnsafeMutableRawPointer?>

    @usableFromInline
    init(depth: Int) {
        self.depth = depth
        table = .allocate(capacity: Self.slots * depth)
        table.initialize(repeating: nil, count: Self.slots * depth)
    }

    deinit { table.deallocate() }

    @inlinable @inline(__always)
    func set(_ l: Int, _ slot: Int, _ pointer: UnsafeMutableRawPointer?) {
        assert(l >= 1 && l <= depth && slot < Self.slots)
        table[Self.slots * (l - 1) + slot] = pointer
    }

    /// Layer l's activations and errors, in the engine's workspace.
    @inlinable
    func setWorkspace(_ l: Int, activations: UnsafeMutablePointer<Scalar>, errors: UnsafeMutablePointer<Scalar>) {
        set(l, 4, UnsafeMutableRawPointer(activations))
        set(l, 5, UnsafeMutableRawPointer(errors))
    }

    /// Runs `body` with pointers to `parameters` (read) and `gradients` (written) for every layer.
    ///
    /// A network has a run-time number of layers, so the `withUnsafe…BufferPointer` scopes are nested by
    /// recursion, one per array; the gradients' layers are reached through the array's own buffer, so that the
    /// nested accesses to one layer do not overlap an access to the array of layers, and nothing is copied.
    /// - Precondition: both have `depth` layers.
    @inlinable
    func withPointers<R>(
        parameters: [LayerParameters<Scalar>], gradients: inout [LayerParameters<Scalar>],
        _ body: (LayerPointers<Scalar>) throws -> R
    ) rethrows -> R {
        precondition(parameters.count == depth && gradients.count == depth, "a table for \(depth) layers")
        defer { unbindParameters() }
        return try gradients.withUnsafeMutableBufferPointer { layers in
            try bind(parameters, layers, from: 0) { try body(LayerPointers(table: table, depth: depth)) }
        }
    }

    /// Runs `body` with pointers to `parameters` (read) for every layer and no gradients: the forward pass alone,
    /// which needs no storage of the caller's written to, so nothing of the caller's is copied.
    /// - Precondition: `parameters` has `depth` layers.
    @inlinable
    func withPointers<R>(parameters: [LayerParameters<Scalar>], _ body: (LayerPointers<Scalar>) throws -> R) rethrows -> R {
        precondition(parameters.count == depth, "a table for \(depth) layers")
        defer { unbindParameters() }
        return try bind(parameters, from: 0) { try body(LayerPointers(table: table, depth: depth)) }
    }

    @inlinable
    func bind<R>(_ parameters: [LayerParameters<Scalar>], from index: Int, _ body: () throws -> R) rethrows -> R {
        if index == depth { return try body() }
        return try parameters[index].weights.elements.withUnsafeBufferPointer { w in
            try parameters[index].biases.withUnsafeBufferPointer { b in
                set(index + 1, 0, UnsafeMutableRawPointer(mutating: w.baseAddress!))
                set(index + 1, 1, UnsafeMutableRawPointer(mutating: b.baseAddress!))
                return try bind(parameters, from: index + 1, body)
            }
        }
    }

    /// Forgets the parameters' and gradients' pointers, which are valid only for the call that bound them.
    @inlinable
    func unbindParameters() {
        for l in 1...depth { for slot in 0..<4 { set(l, slot, nil) } }
    }

    @inlinable
    func bind<R>(
        _ parameters: [LayerParameters<Scalar>], _ gradients: UnsafeMutableBufferPointer<LayerParameters<Scalar>>,
        from index: Int, _ body: () throws -> R
    ) rethrows -> R {
        if index == depth { return try body() }
        let l = index + 1
        let gradient = gradients.baseAddress! + index
        return try parameters[index].weights.elements.withUnsafeBufferPointer { w in
            try parameters[index].biases.withUnsafeBufferPointer { b in
                try gradient.pointee.weights.elements.withUnsafeMutableBufferPointer { gw in
                    try gradient.pointee.biases.withUnsafeMutableBufferPointer { gb in
                        set(l, 0, UnsafeMutableRawPointer(mutating: w.baseAddress!))
                        set(l, 1, UnsafeMutableRawPointer(mutating: b.baseAddress!))
                        set(l, 2, UnsafeMutableRawPointer(gw.baseAddress!))
                        set(l, 3, UnsafeMutableRawPointer(gb.baseAddress!))
                        return try bind(parameters, gradients, from: index + 1, body)
                    }
                }
            }
        }
    }
}
