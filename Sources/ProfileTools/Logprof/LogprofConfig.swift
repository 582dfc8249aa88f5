import FoundationEssentials

/// The settings logprof reads from `logprof.conf`: log files, profile folders, the `[globs]`
/// rewrite table, exec qualifiers per program, default hats and custom includes. Sections hold
/// `key = value` lines; `#` starts a comment.
public struct LogprofConfig: Sendable {
    public var profileDirs: [String] = ["/etc/apparmor.d"]
    public var logFiles: [String] = ["/var/log/audit/audit.log", "/var/log/syslog", "/var/log/messages"]
    public var parsers: [String] = ["/sbin/apparmor_parser"]
    public var customIncludes: [String] = []
    /// `[globs]`: regular expression to replacement, in file order.
    public var globs: [(pattern: String, replacement: String)] = LogprofConfig.builtInGlobs
    /// `[qualifiers]`: program to the exec modes offered for it (`ipcnu` by default).
    public var qualifiers: [String: String] = [:]
    /// `[defaulthat]`: profile-name regex to hat name.
    public var defaultHats: [(pattern: String, hat: String)] = []

    public init() {}

    /// The glob table used when no logprof.conf exists (upstream's shipped table).
    public static let builtInGlobs: [(pattern: String, replacement: String)] = [
        (#"/lib/lib[^\/]+so[^\/]*$"#, "/lib/lib*so*"),
        (#"^/lib/modules/[^\/]+\/"#, "/lib/modules/*/"),
        (#"^/usr/lib/modules/[^\/]+\/"#, "/usr/lib/modules/*/"),
        (#"^/proc/\d+/"#, "/proc/*/"),
        (#"^/home/[^\/]+"#, "/home/*"),
        (#"^/usr/lib/perl5/.+$"#, "/usr/lib/perl5/**"),
        (#"^/usr/lib/[^\/]+/perl5?/.+$"#, "/usr/lib/@{multiarch}/perl{,5}/**"),
        (#"^/usr/lib/locale/.+$"#, "/usr/lib/locale/**"),
        (#"^/usr/share/locale/.+$"#, "/usr/share/locale/**"),
        (#"^/usr/share/zoneinfo/.+$"#, "/usr/share/zoneinfo/**"),
        (#"/fonts/.+$"#, "/fonts/**"),
        (#"^/etc/security/_[^\/]+$"#, "/etc/security/*"),
        (#"^/lib/security/pam_filter/[^\/]+$"#, "/lib/security/pam_filter/*"),
        (#"^/lib/security/pam_[^\/]+\.so$"#, "/lib/security/pam_*.so"),
        (#"^/etc/pam.d/[^\/]+$"#, "/etc/pam.d/*"),
        (#"^/etc/profile.d/[^\/]+\.sh$"#, "/etc/profile.d/*.sh"),
    ]

    /// Reads `dir/logprof.conf`; built-in defaults when it does not exist.
    public static func load(configDir: String = "/etc/apparmor") -> LogprofConfig {
        guard let text = try? String(contentsOfFile: configDir + "/logprof.conf", encoding: .utf8) else {
            return LogprofConfig()
        }
        return parse(text)
    }

    public static func parse(_ text: String) -> LogprofConfig {
        var c = LogprofConfig()
        var section = ""
        var globs: [(String, String)] = []
        var sawGlobs = false
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            var line = Substring(raw)
            if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
            let trimmed = asciiTrimmed(line)
            if trimmed.isEmpty { continue }
            if trimmed.hasPrefix("[") && trimmed.hasSuffix("]") {
                section = String(trimmed.dropFirst().dropLast())
                if section == "globs" { sawGlobs = true }
                continue
            }
            guard let eq = trimmed.firstIndex(of: "=") else { continue }
            let key = String(asciiTrimmed(trimmed[..<eq]))
            let value = String(asciiTrimmed(trimmed[trimmed.index(after: eq)...]))
            let words = value.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            switch section {
            case "settings":
                switch key {
                case "profiledir": c.profileDirs = words
                case "logfiles": c.logFiles = words
                case "parser": c.parsers = words
                case "custom_includes": c.customIncludes = words
                default: break
                }
            case "globs":
                if !globs.contains(where: { $0.0 == key }) { globs.append((key, value)) }
            case "qualifiers":
                c.qualifiers[key] = value
            case "defaulthat":
                c.defaultHats.append((key, value))
            default: break
            }
        }
        if sawGlobs { c.globs = globs }
        return c
    }

    /// Spaces and tabs removed at both ends (Foundation's Unicode trimming cost more than the
    /// rest of reading the file).
    static func asciiTrimmed(_ s: Substring) -> Substring {
        var u = s.utf8[...]
        while let f = u.first, f == 0x20 || f == 0x09 || f == 0x0D { u = u.dropFirst() }
        while let l = u.last, l == 0x20 || l == 0x09 || l == 0x0D { u = u.dropLast() }
        return Substring(u)
    }

    /// The first configured log file that exists.
    public func existingLogFile(fileExists: (String) -> Bool = { FileManager.default.fileExists(atPath: $0) }) -> String? {
        logFiles.first(where: fileExists)
    }

    /// The exec modes offered for a target program (`ipcnu` unless configured).
    public func execQualifiers(for program: String) -> String {
        qualifiers[program] ?? "ipcnu"
    }
}
