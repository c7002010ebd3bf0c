/// How two runs of numbers differ, element by element: the summary `backprop check` prints per ∂W and ∂b.
///
/// "Identical" means bitwise identical: the same bit pattern in every element, so +0 and −0 differ and a NaN
/// never matches. The ULP distance counts the representable numbers between two values (0 for identical values,
/// 1 for neighbours), a scale-free measure of how far two roundings went apart.
public struct ElementwiseDifference: Equatable, Sendable {
    /// The number of elements compared.
    public var count: Int
    /// The number of elements whose bit patterns differ.
    public var differing: Int
    /// The first index whose bit patterns differ, if any.
    public var firstDifference: Int?
    /// The largest ULP distance (`UInt64.max` when a NaN is involved).
    public var maximumULPs: UInt64
    /// The largest |a − b|, in Double.
    public var maximumAbsolute: Double

    /// Whether every element is bitwise identical.
    public var isIdentical: Bool { differing == 0 }

    /// Compares `a` and `b` element by element.
    /// - Precondition: `a.count == b.count`.
    public init<T: BackpropScalar>(_ a: [T], _ b: [T]) {
        precondition(a.count == b.count, "comparing \(a.count) elements with \(b.count)")
        count = a.count
        differing = 0
        firstDifference = nil
        maximumULPs = 0
        maximumAbsolute = 0
        for i in a.indices where a[i].bits != b[i].bits {
            differing += 1
            if firstDifference == nil { firstDifference = i }
            maximumULPs = max(maximumULPs, Self.ulpDistance(a[i], b[i]))
            let gap = abs(Double(a[i]) - Double(b[i]))
            maximumAbsolute = max(maximumAbsolute, gap.isNaN ? .infinity : gap)
        }
    }

    /// The number of representable values of T from `a` to `b` (+0 and −0 are 0 apart; NaN is `UInt64.max` away).
    public static func ulpDistance<T: BackpropScalar>(_ a: T, _ b: T) -> UInt64 {
        if a.isNaN || b.isNaN { return a.bits == b.bits ? 0 : .max }
        let signBit = T.Bits(1) << (T.Bits.bitWidth - 1)
        let (ma, mb) = (UInt64(a.bits & ~signBit), UInt64(b.bits & ~signBit))
        let (na, nb) = (a.bits & signBit != 0, b.bits & signBit != 0)
        if na == nb { return ma > mb ? ma - mb : mb - ma }
        return ma + mb  // across zero: the distance down to 0 on one side plus up from 0 on the other
    }
}
