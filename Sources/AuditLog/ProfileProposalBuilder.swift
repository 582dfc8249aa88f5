import AppArmorPolicy
import AppArmorSyntax

// Collects events while the log streams, keeping each distinct request once (file permissions
// on the same path merge), and writes the resulting profiles in upstream's layout for new
// profiles: rules by section, a blank line after each section, hats as `^name { ... }` blocks.

/// The proposed rules of one profile or hat.
public struct ProposedRules: Sendable {
    struct FileKey: Hashable, Sendable {
        var path: LogBytes
        var owner: Bool
    }

    var rules: Set<RuleProposal> = []
    var files: [FileKey: PermissionSet] = [:]

    public var isEmpty: Bool { rules.isEmpty && files.isEmpty }

    /// Adds the event's rule; the reason when the event gives no valid rule.
    mutating func add(_ event: Event, target: RuleTarget = .unrestricted) -> RuleRefusal? {
        if case .file(let f) = event.kind, !event.audit {
            let key = FileKey(path: f.path, owner: f.owner)
            if files[key] == nil, case .refused(let why) = RuleText.outcome(for: event.kind, target: target) { return why }
            files[key, default: []].formUnion(f.permissions)
            return nil
        }
        switch RuleText.outcome(for: event.kind, audit: event.audit, target: target) {
        case .rule(let p): rules.insert(p)
        case .none: break
        case .refused(let why): return why
        }
        return nil
    }

    /// Every rule, sorted by section, then by text (file rules by path).
    public var sorted: [RuleProposal] {
        var all = Array(rules)
        for (key, perms) in files {
            let access = FileAccess(path: key.path, permissions: perms, owner: key.owner, target: nil)
            // The path was checked when it was first added; the permissions are letters.
            if let p = RuleText.unchecked(for: .file(access)) { all.append(p) }
        }
        func sortKey(_ p: RuleProposal) -> String {
            p.text.hasPrefix("owner ") ? String(p.text.dropFirst(6)) + " owner" : p.text
        }
        return all.sorted { a, b in
            a.section != b.section ? a.section < b.section : sortKey(a) < sortKey(b)
        }
    }
}

/// A proposed top-level profile with its hats and children.
public struct ProposedProfile: Sendable {
    public var name: LogBytes
    public var rules = ProposedRules()
    public var hats: [LogBytes: ProposedRules] = [:]
}

public struct ProfileProposalBuilder {
    public private(set) var profiles: [LogBytes: ProposedProfile] = [:]
    /// Events left out because they give no valid rule (or name no writable profile or hat),
    /// with the reason, in log order.
    public private(set) var refused: [(profile: LogBytes, reason: RuleRefusal)] = []
    /// The parser and policy ABI the rules must fit.
    public var target: RuleTarget

    public init(target: RuleTarget = .unrestricted) { self.target = target }

    public mutating func add(_ record: AuditRecord) {
        add(EventExtraction.extract(record))
    }

    public mutating func add(_ r: RecordEvents) {
        guard let full = r.profile else { return }
        if let why = touch(full) {
            refused.append((full, why))
            return
        }
        for e in r.events { add(e) }
    }

    public mutating func add(_ e: Event) {
        if let why = touch(e.profile) {
            refused.append((e.profile, why))
            return
        }
        let (top, hat) = splitProfileName(e.profile)
        if case .changeHat(let name) = e.kind {
            guard QuotedString.name(name) != nil else {
                refused.append((e.profile, RuleRefusal("hat name '\(RecordText(name))' cannot be written")))
                return
            }
            if profiles[top]!.hats[name] == nil { profiles[top]!.hats[name] = ProposedRules() }
            return
        }
        let why: RuleRefusal?
        if let hat {
            why = profiles[top]!.hats[hat]!.add(e, target: target)
        } else {
            why = profiles[top]!.rules.add(e, target: target)
        }
        if let why { refused.append((e.profile, why)) }
    }

    /// Makes sure the profile (and hat) exist; the reason when the name cannot be written.
    private mutating func touch(_ full: LogBytes) -> RuleRefusal? {
        let (top, hat) = splitProfileName(full)
        guard ProfileWriter.headerName(top) != nil else {
            return RuleRefusal("profile name '\(RecordText(top))' cannot be written")
        }
        if let hat, QuotedString.name(hat) == nil {
            return RuleRefusal("hat name '\(RecordText(hat))' cannot be written")
        }
        if profiles[top] == nil { profiles[top] = ProposedProfile(name: top) }
        if let hat, profiles[top]!.hats[hat] == nil { profiles[top]!.hats[hat] = ProposedRules() }
        return nil
    }

    /// All profiles, sorted by name, separated by blank lines.
    public func renderProfiles() -> [UInt8] {
        let sorted = profiles.values.sorted { RecordText($0.name) < RecordText($1.name) }
        return Array(sorted.map(ProfileWriter.render).joined(separator: "\n").utf8)
    }
}

public enum ProfileWriter {
    /// The header without its `{`: a path-named profile as `/path`, or, when the path holds
    /// AARE characters, as `profile "NAME" LITERAL` so that it attaches to that path only;
    /// others as `profile NAME`. Nil when the name cannot be written.
    public static func headerName(_ name: LogBytes) -> String? {
        guard let quoted = QuotedString.name(name) else { return nil }
        guard name.first == UInt8(ascii: "/") else { return "profile " + quoted }
        let literal = QuotedString.literal(name)
        return literal == quoted ? quoted : "profile " + quoted + " " + literal
    }

    /// The header line's start (see `headerName`); the quoted name when it cannot be written.
    public static func header(_ name: LogBytes) -> String {
        headerName(name) ?? "profile " + QuotedString.quote(name)
    }

    public static func render(_ p: ProposedProfile) -> String {
        var lines = [header(p.name) + " {"]
        lines += body(p.rules, indent: "  ")
        for (hat, rules) in p.hats.sorted(by: { RecordText($0.key) < RecordText($1.key) }) {
            if lines.last != "" { lines.append("") }
            guard let hatName = QuotedString.name(hat) else { continue }
            lines.append("  ^" + hatName + " {")
            lines += body(rules, indent: "    ")
            lines.append("  }")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    static func body(_ rules: ProposedRules, indent: String) -> [String] {
        var lines: [String] = []
        var section: RuleProposal.Section? = nil
        for r in rules.sorted {
            if let s = section, s != r.section { lines.append("") }
            section = r.section
            lines.append(indent + r.line)
        }
        if section != nil { lines.append("") }
        return lines
    }
}
