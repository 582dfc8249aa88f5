#if canImport(Glibc)
import Glibc
#endif

/// One variable of the process's environment. `ProcessInfo.processInfo.environment` copies
/// the whole environment into a dictionary (a tenth of a `status` run); a command that needs
/// one or two variables reads them here.
public enum ProcessEnvironment {
    /// The variable's value; nil when it is unset or empty (an empty override means none).
    public static func value(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        let s = String(cString: p)
        return s.isEmpty ? nil : s
    }
}
