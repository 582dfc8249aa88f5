import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif

/// What the front end needs to know about the terminal.
enum Terminal {
    /// Colours only on a terminal, and never with NO_COLOR set (https://no-color.org).
    static func useColor(_ handle: StandardStream) -> Bool { useColor(fd: handle.fileDescriptor) }

    static func useColor(fd: Int32) -> Bool {
        if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
        if let t = getenv("TERM"), String(cString: t) == "dumb" { return false }
        return isatty(fd) != 0
    }
}
