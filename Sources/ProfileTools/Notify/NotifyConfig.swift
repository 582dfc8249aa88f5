// notify.conf, as upstream's aa-notify reads it: the system file (CONFDIR/notify.conf), then
// the user's (~/.apparmor/notify.conf, else $XDG_CONFIG_HOME/apparmor/notify.conf, else
// ~/.config/apparmor/notify.conf), the user's keys winning. Shell syntax: KEY="value".

import FoundationEssentials
import SystemAppArmor
#if canImport(Glibc)
import Glibc
#endif

public struct NotifyConfig: Equatable, Sendable {
    public var values: [String: String] = [:]

    public init(values: [String: String] = [:]) { self.values = values }

    /// Keys aa-notify 3.x and 4.x know (4.x's GUI keys are read and ignored).
    public static let knownKeys: Set<String> = [
        "show_notifications", "use_group", "message_body", "message_footer", "userns_special_profiles",
        "interface_theme", "ignore_denied_capability", "use_local_profiles", "prompt_filter",
        "maximum_number_notification_profiles", "keys_to_aggregate",
    ]

    public var showNotifications: Bool {
        !["no", "false", "0"].contains(values["show_notifications"]?.lowercased() ?? "yes")
    }
    public var useGroup: String? { values["use_group"].flatMap { $0.isEmpty ? nil : $0 } }
    public var messageBody: String? { values["message_body"] }
    public var messageFooter: String? { values["message_footer"] }

    /// `filter.KEY` entries with a value.
    public var filters: [(key: String, pattern: String)] {
        values.keys.sorted().compactMap { k in
            guard k.hasPrefix("filter."), let v = values[k], !v.isEmpty else { return nil }
            return (String(k.dropFirst(7)), v)
        }
    }

    /// Keys neither aa-notify nor we know (upstream warns about them).
    public var unknownKeys: [String] {
        values.keys.filter { !Self.knownKeys.contains($0) && !$0.hasPrefix("filter.") }.sorted()
    }

    public static func parse(_ text: String) -> NotifyConfig {
        var c = NotifyConfig()
        for raw in text.split(whereSeparator: \.isNewline) {
            let line = raw.trimmed()
            guard !line.isEmpty, !line.hasPrefix("#"), let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmed()
            var value = line[line.index(after: eq)...].trimmed()
            if value.count >= 2, let q = value.first, q == "\"" || q == "'", value.last == q {
                value = String(value.dropFirst().dropLast())
            }
            c.values[key] = value
        }
        return c
    }

    /// The merged configuration; `environment` and `read` are the process's by default.
    public static func load(configDir: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                            read: (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) }) -> NotifyConfig {
        var merged = read(configDir + "/notify.conf").map(parse) ?? NotifyConfig()
        if let home = environment["HOME"] {
            let candidates = [home + "/.apparmor/notify.conf"]
                + (environment["XDG_CONFIG_HOME"].map { [$0 + "/apparmor/notify.conf"] } ?? [])
                + [home + "/.config/apparmor/notify.conf"]
            if let user = candidates.lazy.compactMap(read).first {
                merged.values.merge(parse(user).values) { _, new in new }
            }
        }
        return merged
    }
}
