import Testing
@testable import Backprop
@testable import BackpropDatasets

@Suite("Built-in data sets")
struct BuiltInDatasetTests {
    @Test("digits: 1,797 images of 64 pixels in 0…16, 10 classes")
    func digits() throws {
        let data = try BuiltInDataset.digits.load()
        #expect(data.count == 1797 && data.featureCount == 64 && data.classCount == 10)
        #expect(data.features.elements.allSatisfy { $0 >= 0 && $0 <= 16 && $0 == $0.rounded() })
        #expect(Set(data.labels) == Set(0..<10))
    }

    @Test("iris: 150 flowers, 4 features, 3 named species")
    func iris() throws {
        let data = try BuiltInDataset.iris.load()
        #expect(data.count == 150 && data.featureCount == 4 && data.classCount == 3)
        #expect(data.classNames == ["setosa", "versicolor", "virginica"])
        #expect(data.labels.filter { $0 == 1 }.count == 50)
    }
}
