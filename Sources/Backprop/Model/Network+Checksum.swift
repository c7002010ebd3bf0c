extension Network {
    /// A 64-bit FNV-1a hash of every parameter's bits, layer by layer: equal checksums, equal weights (with
    /// overwhelming probability), on any platform.
    public var checksum: UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: Scalar) {
            var bits = UInt64(value.bits)
            for _ in 0..<MemoryLayout<Scalar>.size {
                hash = (hash ^ (bits & 0xFF)) &* 0x100_0000_01b3
                bits >>= 8
            }
        }
        for layer in layers {
            for w in layer.weights.elements { mix(w) }
            for b in layer.biases { mix(b) }
        }
        return hash
    }
}
