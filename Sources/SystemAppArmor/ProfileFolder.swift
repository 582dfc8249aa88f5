#if canImport(Glibc)
import Glibc
#endif
import FoundationEssentials

/// The profile folder (`/etc/apparmor.d` unless overridden) and its special subfolders.
public struct ProfileFolder: Sendable, Equatable {
    public static let defaultPath = "/etc/apparmor.d"

    /// The folder, as a path on the file system (already under any root prefix).
    public let path: String

    /// `override` (a `-d DIR` option) wins; otherwise `/etc/apparmor.d` under the root.
    public init(override: String? = nil, root: SystemRoot = .live) {
        if let override, !override.isEmpty {
            var p = override
            while p.count > 1 && p.hasSuffix("/") { p.removeLast() }
            path = p
        } else {
            path = root.path(Self.defaultPath)
        }
    }

    /// The folder the tools use, found as upstream's tools find it: `override` (a `-d DIR`
    /// option) wins; then the first existing folder of `profiledir` in the `[settings]` of
    /// logprof.conf (under the root); then /etc/apparmor.d.
    public static func locate(override: String? = nil, root: SystemRoot = .live,
                              configFile: String = "/etc/apparmor/logprof.conf") -> ProfileFolder {
        if let override, !override.isEmpty { return ProfileFolder(override: override) }
        if let text = root.readText(configFile),
           let dirs = settingsValue("profiledir", in: text),
           let first = dirs.split(separator: " ").map(String.init).first(where: { root.isDirectory($0) }) {
            return ProfileFolder(override: root.path(first))
        }
        return ProfileFolder(root: root)
    }

    /// The extra, inactive profiles (`inactive_profiledir` of logprof.conf), when set.
    public static func inactiveFolder(root: SystemRoot = .live, configFile: String = "/etc/apparmor/logprof.conf") -> String? {
        guard let text = root.readText(configFile), let value = settingsValue("inactive_profiledir", in: text) else { return nil }
        return value.split(separator: " ").first.map { root.path(String($0)) }
    }

    /// A key's value in the `[settings]` section of an ini-style file (`key = value`, `#` comments).
    static func settingsValue(_ key: String, in text: String) -> String? {
        var inSettings = false
        for raw in text.split(separator: "\n") {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0].trimmed()
            if line.hasPrefix("[") {
                inSettings = line == "[settings]"
                continue
            }
            guard inSettings, let eq = line.firstIndex(of: "=") else { continue }
            if line[..<eq].trimmed() == key {
                return line[line.index(after: eq)...].trimmed()
                    .split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
            }
        }
        return nil
    }

    /// `disable/`: a link here keeps the profile from loading at boot.
    public var disableFolder: String { path + "/disable" }
    /// `force-complain/`: a link here loads the profile in complain mode at boot.
    public var forceComplainFolder: String { path + "/force-complain" }
    /// `local/`: site additions included by the shipped profiles.
    public var localFolder: String { path + "/local" }

    /// Where a profile file's link lives in a special folder: the file's name below it.
    public func disableLink(for profileFile: String) -> String {
        disableFolder + "/" + Self.baseName(profileFile)
    }

    public func forceComplainLink(for profileFile: String) -> String {
        forceComplainFolder + "/" + Self.baseName(profileFile)
    }

    /// True when the profile file has a link (or any entry) of its name in `disable/`.
    public func isDisabled(_ profileFile: String) -> Bool {
        Self.entryExists(disableLink(for: profileFile))
    }

    /// True when the profile file has an entry of its name in `force-complain/`.
    public func isForcedToComplain(_ profileFile: String) -> Bool {
        Self.entryExists(forceComplainLink(for: profileFile))
    }

    /// lstat: a dangling link counts.
    static func entryExists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// Files the loaders skip in a profile folder, as apparmor_parser and the init scripts do:
    /// hidden files, editor and package-manager leftovers.
    public static func isSkippedName(_ name: String) -> Bool {
        if name.hasPrefix(".") || name.hasSuffix("~") { return true }
        let suffixes = [".rpmnew", ".rpmsave", ".orig", ".rej", ".dpkg-new", ".dpkg-old", ".dpkg-dist",
                        ".dpkg-bak", ".dpkg-remove", ".pacsave", ".pacnew", ".swp"]
        return suffixes.contains { name.hasSuffix($0) } || name == "README"
    }
}
