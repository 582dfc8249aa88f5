import AppArmorPolicy
import Foundation

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
            if has("pid"), let r = s.range(of: #"^@\{PROC\}/[0-9]+/"#, options: .regularExpression) {
                s.replaceSubrange(r, with: "@{PROC}/@{pid}/")
            }
        }
        if has("HOME"), let r = s.range(of: #"^/home/[^/*]+/"#, options: .regularExpression) {
            s.replaceSubrange(r, with: "@{HOME}/")
        }
        if has("run"), s.hasPrefix("/run/") { s = "@{run}/" + s.dropFirst("/run/".count) }
        if has("sys"), s.hasPrefix("/sys/") { s = "@{sys}/" + s.dropFirst("/sys/".count) }
        if has("multiarch"), let r = s.range(of: #"/[a-z0-9_]+-linux-gnu[a-z]*/"#, options: .regularExpression) {
            s.replaceSubrange(r, with: "/@{multiarch}/")
        }
        return s == path ? [] : [s]
    }
}
