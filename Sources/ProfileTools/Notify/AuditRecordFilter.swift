// Which records `notify` and `log` show: by profile (exact names, or an ERE as notify.conf's
// filter.profile), operation, name, denied mask, outcome and time.

import AuditLog
import SystemAppArmor

public struct AuditRecordFilter: Sendable {
    /// Profiles by name; a record of `p//hat` or a stacked `p//&q` matches `p`. Empty: all.
    public var profiles: [String] = []
    /// Operations by name (`open`, `exec`, `capable`...). Empty: all.
    public var operations: [String] = []
    /// Outcomes kept (DENIED, ALLOWED, AUDIT...). Empty: all.
    public var outcomes: Set<AuditEventType> = []
    /// Records at or after this time (seconds since the epoch); records without a time are kept.
    public var since: Int?
    /// Whether profile load, replace and remove records (`operation="profile_..."`) are kept.
    public var keepsStatus = true
    /// notify.conf's `filter.KEY` regular expressions (extended syntax, anchored at the start
    /// as upstream's re.match is).
    public private(set) var patterns: [(key: String, regex: PosixRegex)] = []

    public init() {}

    public static let patternKeys = ["profile", "operation", "name", "denied", "family", "socket"]

    /// Adds a `filter.KEY` pattern; false when KEY is unknown or the pattern does not compile.
    public mutating func addPattern(key: String, pattern: String) -> Bool {
        guard Self.patternKeys.contains(key), !pattern.isEmpty else { return false }
        guard let r = PosixRegex("^(" + pattern + ")", extended: true) else { return false }
        patterns.append((key, r))
        return true
    }

    public func accepts(_ r: AuditRecord) -> Bool {
        guard r.event != .invalid else { return false }
        let operation = r.operation.map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !keepsStatus && (r.event == .status || operation.hasPrefix("profile_")) { return false }
        if !outcomes.isEmpty && !outcomes.contains(r.event) { return false }
        if let since, r.epoch > 0, r.epoch < since { return false }
        let profile = r.profile.map { String(decoding: $0, as: UTF8.self) } ?? ""
        if !profiles.isEmpty && !profiles.contains(where: { profile == $0 || profile.hasPrefix($0 + "//") }) { return false }
        if !operations.isEmpty && !operations.contains(operation) { return false }
        for (key, regex) in patterns {
            let value: LogBytes?
            switch key {
            case "profile": value = r.profile
            case "operation": value = r.operation
            case "name": value = r.name
            case "denied": value = r.deniedMask
            case "family": value = r.family
            default: value = r.sockType
            }
            // Upstream's filters drop the records they match (an "ignore" list).
            if let value, regex.matches(String(decoding: value, as: UTF8.self)) { return false }
        }
        return true
    }
}
