#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a command writes: data to `out` (standard output), progress, warnings and errors to `err` (standard
/// error). Tests use a console that collects both into strings.
public final class Console: @unchecked Sendable {
    private let writeOut: (String) -> Void
    private let writeErr: (String) -> Void
    /// Whether standard error is a terminal (progress lines are shown only then).
    public let errorIsTerminal: Bool

    public init(out: @escaping (String) -> Void, err: @escaping (String) -> Void, errorIsTerminal: Bool) {
        writeOut = out
        writeErr = err
        self.errorIsTerminal = errorIsTerminal
    }

    /// The process's standard output and error.
    public static func standard() -> Console {
        Console(out: { writeAll($0, to: 1) }, err: { writeAll($0, to: 2) }, errorIsTerminal: isatty(2) == 1)
    }

    /// Writes every byte of `text` to a file descriptor (retrying short writes and interruptions).
    static func writeAll(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { buffer in
                #if canImport(Glibc)
                Glibc.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #else
                Darwin.write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                #endif
            }
            if written < 0 {
                if errno == EINTR { continue }
                return  // a closed pipe: nothing more can be written
            }
            offset += written
        }
    }

    /// Writes a line of data to standard output.
    public func line(_ text: String = "") { writeOut(text + "\n") }
    /// Writes data to standard output without a newline.
    public func write(_ text: String) { writeOut(text) }
    /// Writes a line to standard error.
    public func note(_ text: String) { writeErr(text + "\n") }
    /// Writes a transient progress line to standard error, only when it is a terminal.
    public func progress(_ text: String) {
        if errorIsTerminal { writeErr("\r\u{1B}[2K" + text) }
    }
    /// Clears the progress line.
    public func endProgress() {
        if errorIsTerminal { writeErr("\r\u{1B}[2K") }
    }
}

/// A console that records what a command writes, for tests.
public final class RecordingConsole: @unchecked Sendable {
    public private(set) var out = ""
    public private(set) var err = ""
    public lazy var console = Console(out: { [unowned self] in self.out += $0 },
                                      err: { [unowned self] in self.err += $0 }, errorIsTerminal: false)
    public init() {}
}
