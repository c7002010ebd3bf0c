import Backprop
import Foundation

/// Writes files so that a crash never leaves half of one: the bytes go to a temporary file in the same directory,
/// which is then renamed over the target (rename is atomic on POSIX file systems).
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: `BackpropError` "cannot write 'path': reason".
    public static func write(_ data: Data, to path: String) throws {
        try ensureWritable(path)
        let url = URL(fileURLWithPath: path)
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw BackpropError(cannot: "write", path, because: error)
        }
    }

    /// Checks, before any work, what `write(_:to:)` checks first: that `path` is not a directory and its directory
    /// exists (so a long run does not end in that error).
    /// - Throws: `BackpropError` "cannot write 'path': reason".
    public static func ensureWritable(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw BackpropError("cannot write '\(path)': it is a directory")
        }
        let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory) else {
            throw BackpropError("cannot write '\(path)': the directory '\(directory)' does not exist")
        }
    }
}
