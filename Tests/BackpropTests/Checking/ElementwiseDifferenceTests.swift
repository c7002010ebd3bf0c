import Testing
@testable import Backprop

@Suite("Element-wise differences and ULP distance")
struct ElementwiseDifferenceTests {
    @Test("ULP distance counts representable numbers")
    func ulps() {
        #expect(ElementwiseDifference.ulpDistance(1.0, 1.0) == 0)
        #expect(ElementwiseDifference.ulpDistance(1.0, 1.0.nextUp) == 1)
        #expect(ElementwiseDifference.ulpDistance(1.0.nextDown, 1.0.nextUp) == 2)
        #expect(ElementwiseDifference.ulpDistance(0.0, -0.0) == 0)
        #expect(ElementwiseDifference.ulpDistance(Double.leastNonzeroMagnitude, -Double.leastNonzeroMagnitude) == 2)
        #expect(ElementwiseDifference.ulpDistance(Float(1), Float(1).nextUp) == 1)
        #expect(ElementwiseDifference.ulpDistance(Double.nan, 1) == .max)
    }

    @Test("identity is bitwise: −0 and +0 differ, NaN never matches another bit pattern")
    func identity() {
        let d = ElementwiseDifference([1.0, 0.0, 3.0, 4.0], [1.0, -0.0, 3.0.nextUp, 4.0])
        #expect(!d.isIdentical && d.differing == 2 && d.firstDifference == 1 && d.maximumULPs == 1)
        #expect(d.maximumAbsolute == 3.0.nextUp - 3.0)
        #expect(ElementwiseDifference([Float(2), 3], [2, 3]).isIdentical)
    }
}
