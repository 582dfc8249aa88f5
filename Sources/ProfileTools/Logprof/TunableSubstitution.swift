import AppArmorPolicy
import AuditLog
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
    public struct Folders: Sendable {
        let variables: VariableTable
        /// Each variable's folder pattern, and how many `/` the folders it matches hold (a
        /// path's leading folders of other depths are not tried).
        let matchers: [(name: String, matcher: AAREMatcher, slashes: (min: Int, max: Int?))]

        public init(variables v: VariableTable, used: Set<String>? = nil) {
            variables = v
            let expander = VariableExpander(table: v)
            matchers = folderVariables.compactMap { name in
                guard v.values(of: name) != nil, used == nil || commonVariables.contains(name) || used!.contains(name),
                      let pattern = try? expander.expandPattern("@{\(name)}"),
                      let m = try? AAREMatcher(CoverageSet.singleSlashes(pattern + "/")) else { return nil }
                return (name, m, m.slashCount)
            }
        }
    }

    public static func variants(_ path: String, variables v: VariableTable, used: Set<String>? = nil) -> [String] {
        variants(path, folders: Folders(variables: v, used: used))
    }

    public static func variants(_ path: String, folders: Folders) -> [String] {
        let v = folders.variables
        func has(_ name: String) -> Bool { v.values(of: name) != nil }
        let bytes = Array(path.utf8)
        let slash = UInt8(ascii: "/")
        // The longest leading folder some folder variable matches.
        var best: (name: String, length: Int)?
        let slashes = bytes.indices.filter { bytes[$0] == slash }
        bytes.withUnsafeBufferPointer { whole in
            for (name, m, (fewest, most)) in folders.matchers {
                // The folder up to slashes[k] holds k + 1 of them; the root alone is no folder.
                for k in stride(from: slashes.count - 1, through: 1, by: -1) {
                    if k + 1 < fewest { break }
                    if let most, k + 1 > most { continue }
                    let length = slashes[k] + 1
                    if let b = best, b.length >= length { break }
                    if m.matches(UnsafeBufferPointer(rebasing: whole[..<length])) { best = (name, length); break }
                }
            }
        }
        var out: [UInt8] = best.map { Array("@{\($0.name)}/".utf8) + bytes[$0.length...] } ?? bytes
        // A process id after @{PROC}/ or /proc/, a user id after /user/, when not the last part.
        var parts = out.split(separator: slash, omittingEmptySubsequences: false)
        var changed = false
        if parts.count > 2 {
            for i in 1..<(parts.count - 1) where !parts[i].isEmpty && parts[i].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
                let before = parts[i - 1]
                if before.elementsEqual("@{PROC}".utf8) || before.elementsEqual("proc".utf8), has("pid") {
                    parts[i] = ArraySlice("@{pid}".utf8)
                    changed = true
                } else if before.elementsEqual("user".utf8), has("uid") {
                    parts[i] = ArraySlice("@{uid}".utf8)
                    changed = true
                }
            }
        }
        if changed { out = Array(parts.joined(separator: [slash])) }
        // The part holding a multiarch triplet (x86_64-linux-gnu, arm-linux-gnueabihf...).
        let gnu = Array("-linux-gnu".utf8)
        if has("multiarch"), let at = ByteSearch.find(gnu, in: out) {
            let start = out[..<at].lastIndex(of: slash).map { $0 + 1 }
            let end = out[(at + gnu.count)...].firstIndex(of: slash)
            if let start, let end { out.replaceSubrange(start..<end, with: Array("@{multiarch}".utf8)) }
        }
        return out == bytes ? [] : [String(decoding: out, as: UTF8.self)]
    }
}
