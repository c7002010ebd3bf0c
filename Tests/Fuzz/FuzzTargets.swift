// libFuzzer entry points for the five parsers that read user files. Not part of the package: Tests/Fuzz/run.sh
// compiles this file together with the library's sources into one module, once per parser (-D FUZZ_JSON, …),
// with `swiftc -sanitize=fuzzer,address`. Every input must end in a value or a thrown BackpropError; a trap, a
// crash, a sanitizer report or a hang is a finding, saved under Tests/Fuzz/Regressions/<parser>/ and replayed by
// `swift test` (FuzzRegressionTests.swift).
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    #if FUZZ_JSON
    _ = try? AnyNetwork(jsonData: Data(bytes))
    _ = try? NetworkFile(jsonData: Data(bytes))
    _ = try? JSONCoding.decode(CheckDocument<Double>.self, from: Data(bytes))
    #elseif FUZZ_CSV
    let text = String(decoding: bytes, as: UTF8.self)
    _ = try? CSVReader().read(text)
    _ = try? CSVReader(labelColumn: 0, header: true).read(text)
    #elseif FUZZ_IDX
    _ = try? IDXReader.parse(bytes, expectingDimensions: 3, name: "images")
    _ = try? IDXReader.parse(bytes, expectingDimensions: 1, name: "labels")
    // Images and labels from the two halves of the input.
    let half = bytes.count / 2
    _ = try? IDXReader.read(images: Array(bytes[..<half]), labels: Array(bytes[half...]), imagesName: "i", labelsName: "l")
    #elseif FUZZ_NPY
    _ = try? NPYReader.read(bytes, name: "x.npy")
    let half = bytes.count / 2
    _ = try? NPYReader.read(features: Array(bytes[..<half]), labels: Array(bytes[half...]), featuresName: "x", labelsName: "y")
    #elseif FUZZ_GZIP
    // The inflated bytes, if any, go on to the IDX reader, as a downloaded data set's would.
    if let inflated = try? Gzip.decompress(bytes, name: "x.gz") {
        _ = try? IDXReader.parse(inflated, expectingDimensions: 3, name: "images")
    }
    #endif
    return 0
}
