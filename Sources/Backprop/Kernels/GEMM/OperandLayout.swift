/// How the micro-kernel reads its operands: a packed sliver (constant strides) or in place (strides given).
@usableFromInline protocol OperandLayout {
    static var aPacked: Bool { get }
    static var bPacked: Bool { get }
}
@usableFromInline enum PackedAPackedB: OperandLayout {
    @inlinable static var aPacked: Bool { true }
    @inlinable static var bPacked: Bool { true }
}
@usableFromInline enum PackedAInPlaceB: OperandLayout {
    @inlinable static var aPacked: Bool { true }
    @inlinable static var bPacked: Bool { false }
}
@usableFromInline enum InPlaceAPackedB: OperandLayout {
    @inlinable static var aPacked: Bool { false }
    @inlinable static var bPacked: Bool { true }
}
@usableFromInline enum InPlaceAInPlaceB: OperandLayout {
    @inlinable static var aPacked: Bool { false }
    @inlinable static var bPacked: Bool { false }
}

/// Work on tiles of C that reads its operands through one `OperandLayout`, chosen at run time and then fixed for
/// the inner loops (`withOperandLayout`).
@usableFromInline
protocol TileRunner {
    func run<Layout: OperandLayout>(_ layout: Layout.Type)
}

/// Runs `runner` specialised for the layout (A packed or in place, B packed or in place): the one place where the
/// run-time choice becomes a type, so that every way of reading has its own code with its strides folded.
@inlinable @inline(__always)
func withOperandLayout<R: TileRunner>(packedA: Bool, packedB: Bool, _ runner: R) {
    switch (packedA, packedB) {
    case (true, true): runner.run(PackedAPackedB.self)
    case (true, false): runner.run(PackedAInPlaceB.self)
    case (false, true): runner.run(InPlaceAPackedB.self)
    case (false, false): runner.run(InPlaceAInPlaceB.self)
    }
}
