// A software prefetch hint, so that the GEMM can ask for the next tile of C while it computes the current one.
//
// Swift has no prefetch API. LLVM's `llvm.prefetch` intrinsic is declared here under its own name, which the
// compiler lowers to the CPU's prefetch instruction (`prefetcht0` on x86-64, `prfm` on ARM64). A prefetch is a
// hint: it changes no value, so it cannot affect the bitwise contract, only the time a later load waits.

@_silgen_name("llvm.prefetch.p0")
@usableFromInline
func _llvmPrefetch(_ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ cacheType: Int32)

/// Asks for the cache line holding `address` to be brought into L1 (for writing: it is about to be updated).
@inlinable @inline(__always)
func prefetchForWrite<T>(_ address: UnsafePointer<T>) {
    _llvmPrefetch(UnsafeRawPointer(address), 1, 3, 1)
}
