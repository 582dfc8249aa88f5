import AppArmorPolicy
import FoundationEssentials

/// Variants of a path written with the tunables a profile loads: `/proc/` as `@{PROC}/`, a
/// process id folder as `@{pid}`, a home folder as `@{HOME}/`, a multiarch triplet as
/// `@{multiarch}`, `/run/` as `@{run}/`, `/sys/` as `@{sys}/`. Only variables the profile has
/// defined are used.
public enum TunableSubstitution {
    public static func variants(_ path: String, variables v: VariableTable) -> [String] {
        var s = path
        func has(_ name: String) -> Bool { v.values[name] != nil }
        if has("PROC"), s.hasPrefix("/proc/") {
            s = "@{PROC}/" + s.dropFirst("/proc/".count)
            let rest = s.dropFirst("@{PROC}/".count)
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            if has("pid"), !digits.isEmpty, rest.dropFirst(digits.count).first == "/" {
                s = "@{PROC}/@{pid}" + rest.dropFirst(digits.count)
            }
        }
        if has("HOME"), s.hasPrefix("/home/") {
            let user = s.dropFirst("/home/".count).prefix { $0 != "/" }
            let after = s.dropFirst("/home/".count + user.count)
            if !user.isEmpty, !user.contains("*"), after.first == "/" { s = "@{HOME}" + after }
        }
        if has("run"), s.hasPrefix("/run/") { s = "@{run}/" + s.dropFirst("/run/".count) }
        if has("sys"), s.hasPrefix("/sys/") { s = "@{sys}/" + s.dropFirst("/sys/".count) }
        if has("multiarch"), let r = s.firstRange(of: "-linux-gnu") {
            // the component holding `-linux-gnu` (x86_64-linux-gnu, arm-linux-gnueabihf...)
            let start = s[..<r.lowerBound].lastIndex(of: "/").map { s.index(after: $0) }
            let end = s[r.upperBound...].firstIndex(of: "/")
            if let start, let end { s.replaceSubrange(start..<end, with: "@{multiarch}") }
        }
        return s == path ? [] : [s]
    }
}
