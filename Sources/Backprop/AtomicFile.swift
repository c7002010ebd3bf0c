import Foundation

/// Writes files so that a crash never leaves half of one: the bytes go to a temporary file in the same directory,
/// which is then renamed over the target (rename is atomic on POSIX file systems).
public enum AtomicFile {
    /// Writes `data` to `path` atomically.
    /// - Throws: `BackpropError` "cannot write 'path': reason".
    public static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue {
            throw BackpropError("cannot write '\(path)': it is a directory")
        }
        let directory = url.deletingLastPathComponent().path
        guard FileManager.default.fileExists(atPath: directory.isEmpty ? "." : directory) else {
            throw BackpropError("cannot write '\(path)': the directory '\(directory)' does not exist")
        }
        do {
            try data.write(to: url, options: .atomic)
        } catch {
            throw BackpropError("cannot write '\(path)': \(reason(error))")
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
