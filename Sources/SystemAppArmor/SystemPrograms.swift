import FoundationEssentials

/// Finding programs: the one place that reads `$PATH`. Every tool that runs or names a program
/// by its name (apparmor_parser, journalctl, notify-send, a program to profile, a script's
/// interpreter) asks here, so that all of them search the same folders in the same order.
public enum SystemPrograms {
    /// Folders searched when `$PATH` is not set.
    public static let defaultSearchPath = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]

    /// The folders of `$PATH` (empty entries left out), else `defaultSearchPath`.
    public static func searchPath(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        guard let path = environment["PATH"], !path.isEmpty else { return defaultSearchPath }
        return path.split(separator: ":").map(String.init)
    }

    /// The first executable `name` in `folders` (default: `$PATH`), then in `alsoIn`; a name
    /// holding a `/` is a path, taken when it is executable.
    public static func find(_ name: String, in folders: [String]? = nil, alsoIn more: [String] = []) -> String? {
        let fm = FileManager.default
        if name.contains("/") { return fm.isExecutableFile(atPath: name) ? name : nil }
        for dir in (folders ?? searchPath()) + more {
            let candidate = (dir.hasSuffix("/") ? dir : dir + "/") + name
            if fm.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The first of several absolute paths that is executable (`/usr/bin/journalctl`, then
    /// `/bin/journalctl`), else the program by name on `$PATH`.
    public static func first(_ paths: [String], orNamed name: String? = nil) -> String? {
        paths.first { FileManager.default.isExecutableFile(atPath: $0) } ?? name.flatMap { find($0) }
    }
}
