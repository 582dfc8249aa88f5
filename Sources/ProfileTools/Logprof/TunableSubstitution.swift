import AppArmorPolicy
import PolicyAnalysis
import FoundationEssentials

/// Variants of a path written with the tunables a profile loads, so that a proposed rule reads
/// like the profiles around it: the longest leading folder that a path tunable matches
/// (`@{user_cache_dirs}/`, `@{HOME}/`, `@{PROC}/`, `@{sys}/`, `@{run}/`, `@{etc_ro}/`,
/// `@{bin}/`, `@{lib}/`...) becomes that variable; then a process id after `@{PROC}/` becomes
/// `@{pid}`, a user id after `/user/` becomes `@{uid}`, and a multiarch triplet
/// `@{multiarch}`. Only variables the profile has defined are used, and only where their
/// expansion matches the logged path; the folder tunables other than `@{HOME}`, `@{PROC}`,
/// `@{sys}` and `@{run}` only when the profile's file already writes them (`used`), so that
/// `/etc/x` stays `/etc/x` in a profile that never says `@{etc_ro}`.
public enum TunableSubstitution {
    /// Offered in every profile that defines them.
    static let commonVariables: Set<String> = ["HOME", "PROC", "sys", "run"]

    /// Tunables that name folders, most specific first where two can match the same folder.
    static let folderVariables = [
        "user_cache_dirs", "user_config_dirs", "user_share_dirs", "user_state_dirs", "user_runtime_dirs",
        "HOME", "etc_ro", "etc_rw", "libexec", "sbin", "bin", "lib", "PROC", "sys", "run",
    ]

    /// The folder variables a profile may use, compiled once per profile file.
    public struct Folders {
        let variables: VariableTable
        let matchers: [(name: String, matcher: AAREMatcher)]

        public init(variables v: VariableTable, used: Set<String>? = nil) {
            variables = v
            let expander = VariableExpander(table: v)
            matchers = folderVariables.compactMap { name in
                guard v.values[name] != nil, used == nil || commonVariables.contains(name) || used!.contains(name),
                      let pattern = try? expander.expandPattern("@{\(name)}"),
                      let m = try? AAREMatcher(CoverageSet.singleSlashes(pattern + "/")) else { return nil }
                return (name, m)
            }
        }
    }

    public static func variants(_ path: String, variables v: VariableTable, used: Set<String>? = nil) -> [String] {
        variants(path, folders: Folders(variables: v, used: used))
    }

    public static func variants(_ path: String, folders: Folders) -> [String] {
        let v = folders.variables
        var s = path
        func has(_ name: String) -> Bool { v.values[name] != nil }
        // The longest leading folder some folder variable matches.
        var best: (name: String, length: Int)?
        let slashes = path.indices.filter { path[$0] == "/" }.dropFirst()
        for (name, m) in folders.matchers {
            for end in slashes.reversed() {
                let prefix = path[...end]
                let length = prefix.utf8.count
                if let b = best, b.length >= length { break }
                if m.matches(bytes: Array(prefix.utf8)) { best = (name, length); break }
            }
        }
        if let best { s = "@{\(best.name)}/" + String(decoding: Array(path.utf8)[best.length...], as: UTF8.self) }
        var parts = s.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        for i in parts.indices.dropFirst() where !parts[i].isEmpty && parts[i].allSatisfy({ $0.isASCII && $0.isNumber }) && i + 1 < parts.count {
            let before = parts[i - 1]
            if before == "@{PROC}" || before == "proc", has("pid") { parts[i] = "@{pid}" }
            else if before == "user", has("uid") { parts[i] = "@{uid}" }
        }
        s = parts.joined(separator: "/")
        if has("multiarch"), s.utf8.count >= 10, s.utf8.indices.contains(where: { s.utf8[$0...].starts(with: "-linux-gnu".utf8) }),
           let r = s.firstRange(of: "-linux-gnu") {
            // the component holding `-linux-gnu` (x86_64-linux-gnu, arm-linux-gnueabihf...)
            let start = s[..<r.lowerBound].lastIndex(of: "/").map { s.index(after: $0) }
            let end = s[r.upperBound...].firstIndex(of: "/")
            if let start, let end { s.replaceSubrange(start..<end, with: "@{multiarch}") }
        }
        return s == path ? [] : [s]
    }
}
