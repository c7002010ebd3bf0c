import Backprop
import Foundation

/// The data sets shipped with the project (Sources/BackpropDatasets/Data, with their provenance and licence).
public enum BuiltInDataset: String, CaseIterable, Sendable {
    /// UCI handwritten digits: 1,797 8×8 images (64 features, pixel counts 0…16), 10 classes.
    case digits
    /// Fisher's Iris: 150 flowers, 4 measurements, 3 species.
    case iris

    /// The file's name in the resource bundle.
    var fileName: String {
        switch self {
        case .digits: "optdigits"
        case .iris: "iris"
        }
    }

    /// Reads the data set.
    /// - Throws: `BackpropError` if the resource is missing (a binary copied away from its build folder).
    public func load() throws -> LabeledData {
        guard let url = Bundle.module.url(forResource: fileName, withExtension: "csv", subdirectory: "Data")
            ?? Bundle.module.url(forResource: fileName, withExtension: "csv") else {
            throw BackpropError("the built-in data set '\(rawValue)' is missing from the resource bundle; run the tool from its build folder (swift run)")
        }
        let text = try String(contentsOf: url, encoding: .utf8)
        switch self {
        case .digits:
            return try CSVReader().read(text)
        case .iris:
            // scikit-learn's header: count, features, then the class names.
            let header = text.prefix { $0 != "\n" }.split(separator: ",").map(String.init)
            var data = try CSVReader(header: true).read(text)
            data.classNames = Array(header.dropFirst(2))
            return data
        }
    }
}
