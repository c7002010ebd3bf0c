import Foundation

/// Reads a data file as its bytes, the way data sets are distributed: inflated when it is gzip (by its content, so
/// `x.csv.gz` and a gzip file without the suffix both work), and `NAME.gz` read in place of `NAME` when only the
/// compressed file is there.
public enum DataFile {
    /// The path actually read for `path`: `path` itself, or `path.gz` when `path` is missing and that is not.
    public static func resolve(_ path: String) -> String {
        let manager = FileManager.default
        if !manager.fileExists(atPath: path) && manager.fileExists(atPath: path + ".gz") { return path + ".gz" }
        return path
    }

    /// The bytes of `path` (or `path.gz`), inflated if compressed.
    /// - Throws: `BackpropError` naming the file: it cannot be read, or its gzip stream is corrupt or truncated.
    public static func read(_ path: String) throws -> [UInt8] {
        try Gzip.readFile(resolve(path))
    }

    /// The whole file at `path`, as it is on disk.
    /// - Throws: `BackpropError` "cannot read 'path': reason".
    static func contents(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw BackpropError("cannot read '\(path)': no such file")
        }
        if isDirectory.boolValue { throw BackpropError("cannot read '\(path)': it is a directory") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BackpropError(cannot: "read", path, because: error)
        }
    }
}
