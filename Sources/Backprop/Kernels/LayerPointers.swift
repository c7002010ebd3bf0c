// Scoped access to every layer's storage at once. A network has a run-time number of layers, so the
// `withUnsafe…BufferPointer` scopes are nested by recursion, one per array, and the pointers are written into a
// table that the engine owns (allocated once with its workspace). They are valid only inside `body`.

/// Runs `body` with `table[2(l−1)]` = Wˡ and `table[2(l−1) + 1]` = bˡ for every layer.
@inlinable
func withParameterPointers<T: BackpropScalar, R>(
    _ layers: [LayerParameters<T>], table: UnsafeMutablePointer<UnsafePointer<T>>, from index: Int = 0,
    _ body: () throws -> R
) rethrows -> R {
    if index == layers.count { return try body() }
    return try layers[index].weights.elements.withUnsafeBufferPointer { weights in
        try layers[index].biases.withUnsafeBufferPointer { biases in
            table[2 * index] = weights.baseAddress!
            table[2 * index + 1] = biases.baseAddress!
            return try withParameterPointers(layers, table: table, from: index + 1, body)
        }
    }
}

/// Runs `body` with `table[2(l−1)]` = ∂Wˡ and `table[2(l−1) + 1]` = ∂bˡ for every layer, writable.
///
/// The layers are reached through the array's own buffer, so the nested accesses to one layer's arrays do not
/// overlap an access to the array of layers (and nothing is copied on write: the arrays are uniquely owned).
@inlinable
func withGradientPointers<T: BackpropScalar, R>(
    _ layers: inout [LayerParameters<T>], table: UnsafeMutablePointer<UnsafeMutablePointer<T>>,
    _ body: () throws -> R
) rethrows -> R {
    try layers.withUnsafeMutableBufferPointer { buffer in
        try nestGradientPointers(buffer, table: table, from: 0, body)
    }
}

@inlinable
func nestGradientPointers<T: BackpropScalar, R>(
    _ layers: UnsafeMutableBufferPointer<LayerParameters<T>>, table: UnsafeMutablePointer<UnsafeMutablePointer<T>>,
    from index: Int, _ body: () throws -> R
) rethrows -> R {
    if index == layers.count { return try body() }
    let layer = layers.baseAddress! + index
    return try layer.pointee.weights.elements.withUnsafeMutableBufferPointer { weights in
        table[2 * index] = weights.baseAddress!
        return try layer.pointee.biases.withUnsafeMutableBufferPointer { biases in
            table[2 * index + 1] = biases.baseAddress!
            return try nestGradientPointers(layers, table: table, from: index + 1, body)
        }
    }
}
