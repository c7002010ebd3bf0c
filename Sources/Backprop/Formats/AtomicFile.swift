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
            throw BackpropError("cannot write '\(path)': \(reason(error))")
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

    /// Reads the whole file at `path`.
    /// - Throws: `BackpropError` "cannot read 'path': reason".
    public static func read(_ path: String) throws -> Data {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw BackpropError("cannot read '\(path)': no such file")
        }
        if isDirectory.boolValue { throw BackpropError("cannot read '\(path)': it is a directory") }
        do {
            return try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw BackpropError("cannot read '\(path)': \(reason(error))")
        }
    }

    static func reason(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError,
           underlying.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(underlying.code)) {
            return String(cString: strerror(code.rawValue)).lowercased()
        }
        if nsError.domain == NSPOSIXErrorDomain, let code = POSIXErrorCode(rawValue: Int32(nsError.code)) {
            return String(cString: strerror(code.rawValue)).lowercased()
        }
        switch nsError.code {
        case NSFileWriteNoPermissionError, NSFileReadNoPermissionError: return "permission denied"
        case NSFileWriteOutOfSpaceError: return "no space left on device"
        default: return nsError.localizedDescription
        }
    }
}
