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
    var files: [FileKey: Set<FilePermission>] = [:]

    public var isEmpty: Bool { rules.isEmpty && files.isEmpty }

    mutating func add(_ event: Event, target: RuleTarget = .unrestricted) {
        if case .file(let f) = event.kind, !event.audit {
            files[FileKey(path: f.path, owner: f.owner), default: []].formUnion(f.permissions)
        } else if let p = RuleText.proposal(for: event.kind, audit: event.audit, target: target) {
            rules.insert(p)
        }
    }

    /// Every rule, sorted by section, then by text (file rules by path).
    public var sorted: [RuleProposal] {
        var all = Array(rules)
        for (key, perms) in files {
            let access = FileAccess(path: key.path, permissions: perms, owner: key.owner, target: nil)
            if let p = RuleText.proposal(for: .file(access)) { all.append(p) }
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
    /// The parser and policy ABI the rules must fit.
    public var target: RuleTarget

    public init(target: RuleTarget = .unrestricted) { self.target = target }

    public mutating func add(_ record: AuditRecord) {
        add(EventExtraction.extract(record))
    }

    public mutating func add(_ r: RecordEvents) {
        guard let full = r.profile else { return }
        touch(full)
        for e in r.events { add(e) }
    }

    public mutating func add(_ e: Event) {
        let (top, hat) = touch(e.profile)
        if case .changeHat(let name) = e.kind {
            if profiles[top]!.hats[name] == nil { profiles[top]!.hats[name] = ProposedRules() }
            return
        }
        if let hat {
            profiles[top]!.hats[hat]!.add(e, target: target)
        } else {
            profiles[top]!.rules.add(e, target: target)
        }
    }

    @discardableResult
    private mutating func touch(_ full: LogBytes) -> (LogBytes, LogBytes?) {
        let (top, hat) = splitProfileName(full)
        if profiles[top] == nil { profiles[top] = ProposedProfile(name: top) }
        if let hat, profiles[top]!.hats[hat] == nil { profiles[top]!.hats[hat] = ProposedRules() }
        return (top, hat)
    }

    /// All profiles, sorted by name, separated by blank lines.
    public func renderProfiles() -> [UInt8] {
        let sorted = profiles.values.sorted { RecordText($0.name) < RecordText($1.name) }
        return Array(sorted.map(ProfileWriter.render).joined(separator: "\n").utf8)
    }
}

public enum ProfileWriter {
    /// The header: path-named profiles as `/path {`, others as `profile name {`.
    public static func header(_ name: LogBytes) -> String {
        let quoted = ProfileQuoting.name(name)
        return name.first == UInt8(ascii: "/") ? quoted : "profile " + quoted
    }

    public static func render(_ p: ProposedProfile) -> String {
        var lines = [header(p.name) + " {"]
        lines += body(p.rules, indent: "  ")
        for (hat, rules) in p.hats.sorted(by: { RecordText($0.key) < RecordText($1.key) }) {
            if lines.last != "" { lines.append("") }
            lines.append("  ^" + ProfileQuoting.name(hat) + " {")
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
