import Foundation

/// What the front end needs to know about the terminal.
enum Terminal {
    /// Colours only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static func useColor(_ handle: FileHandle) -> Bool {
        if let v = ProcessInfo.processInfo.environment["NO_COLOR"], !v.isEmpty { return false }
        if ProcessInfo.processInfo.environment["TERM"] == "dumb" { return false }
        return isatty(handle.fileDescriptor) != 0
    }
}
