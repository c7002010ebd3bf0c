import Foundation

extension BackpropError {
    /// "cannot read 'train.csv': permission denied": a file operation that failed, with the system's reason in
    /// lower case (the POSIX message when there is one).
    public init(cannot operation: String, _ path: String, because error: any Error) {
        self.init("cannot \(operation) '\(path)': \(Self.reason(error))")
    }

    /// The system's reason for a failed file operation, in lower case.
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
