import AppArmorPolicy
import AppArmorSyntax

// Rule text for events, in the layout upstream's tools write (access lists sorted, in
// parentheses for network and unix rules, single words bare elsewhere).

/// A rule proposed from the log: its section (rule kind) and its text without indentation or
/// the trailing comma.
public struct RuleProposal: Sendable, Hashable, Comparable {
    public enum Section: Int, Sendable, Hashable, Comparable, CaseIterable {
        case capability, changeProfile, dbus, file, network, ptrace, signal, userns, mqueue, ioUring
        case mount, pivotRoot, unix

        public static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    public var section: Section
    public var text: String

    public init(section: Section, text: String) {
        self.section = section
        self.text = text
    }

    public static func < (a: Self, b: Self) -> Bool {
        a.section != b.section ? a.section < b.section : a.text < b.text
    }

    /// The rule as a line of a profile: `text,`.
    public var line: String { text + "," }
}

/// Why a record gives no rule: a field that cannot be written as the literal value it logged,
/// or a rule the policy model refuses.
public struct RuleRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

/// Rule text from events. Every value from the log becomes text through `QuotedString`: names,
/// paths and labels as literals (a pattern matching exactly the logged bytes), closed-vocabulary
/// fields as plain words. The rule is then checked by the policy model; a record whose rule
/// fails is refused (and reported by the caller), never written.
public enum RuleText {
    static func accessList(_ words: [String], parens: Bool) throws(RuleRefusal) -> String {
        let checked = try words.map { w throws(RuleRefusal) in try keyword(w, "access") }
        if checked.count == 1 && !parens { return checked[0] }
        return "(" + checked.joined(separator: ", ") + ")"
    }

    static func keyword(_ w: String, _ field: String) throws(RuleRefusal) -> String {
        guard let k = QuotedString.keyword(Array(w.utf8)) else { throw RuleRefusal("\(field) '\(w)' is not a word") }
        return k
    }

    static func keyword(_ b: LogBytes, _ field: String) throws(RuleRefusal) -> String {
        try keyword(RecordText(b), field)
    }

    static func literal(_ b: LogBytes) -> String { QuotedString.literal(b) }

    /// An IPv4 or IPv6 address as logged (digits, hex digits, dots and colons only).
    static func ipAddress(_ b: LogBytes) throws(RuleRefusal) -> String {
        guard !b.isEmpty, b.count <= 45, b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x3A) || $0 == 0x2E || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }) else {
            throw RuleRefusal("address '\(RecordText(b))' is not an IP address")
        }
        return RecordText(b)
    }

    /// Accesses that concern the local end of a socket only: a peer cannot be named with them.
    static let localOnlyNetworkAccess: Set<String> = [
        "create", "bind", "listen", "shutdown", "getattr", "setattr", "getopt", "setopt",
    ]

    /// What an event gives: a checked rule, nothing (change_hat adds a hat, not a rule), or the
    /// reason it is refused.
    public enum Outcome: Sendable, Hashable {
        case rule(RuleProposal)
        case none
        case refused(RuleRefusal)
    }

    /// The rule for an event, checked by the policy model.
    /// `target` decides the finer forms (see `RuleTarget.requirements`): on a 3.0 target a
    /// network event is `network inet stream`; a rule the target's parser cannot read is `.none`.
    public static func outcome(for kind: EventKind, audit: Bool = false, target: RuleTarget = .unrestricted) -> Outcome {
        let p: RuleProposal?
        do { p = try bareProposal(for: kind, target: target) } catch { return .refused(error) }
        guard var p else { return .none }
        if audit { p.text = "audit " + p.text }
        if let problem = RuleTextCheck.problem(p.line) { return .refused(RuleRefusal("\(p.line): \(problem)")) }
        return .rule(p)
    }

    /// `outcome` for many events of one target, checked in one batch (`RuleTextCheck.checked`):
    /// the same answers as one `outcome` each, each rule with the typed rules its line loads to
    /// (empty for the other outcomes, and for a rule the check read alone).
    public static func checkedOutcomes(for kinds: [EventKind], target: RuleTarget = .unrestricted) -> [(outcome: Outcome, rules: [PolicyRule])] {
        var out = [(outcome: Outcome, rules: [PolicyRule])](repeating: (.none, []), count: kinds.count)
        var proposals: [(at: Int, proposal: RuleProposal)] = []
        for (i, k) in kinds.enumerated() {
            do {
                if let p = try bareProposal(for: k, target: target) { proposals.append((i, p)) }
            } catch {
                out[i].outcome = .refused(error)
            }
        }
        let lines = proposals.map(\.proposal.line)
        for (j, c) in RuleTextCheck.checked(lines).enumerated() {
            let (i, p) = proposals[j]
            out[i] = c.problem.map { (.refused(RuleRefusal("\(lines[j]): \($0)")), []) } ?? (.rule(p), c.rules)
        }
        return out
    }

    /// The rule for an event; nil for change_hat and for an event refused (see `outcome`).
    public static func proposal(for kind: EventKind, audit: Bool = false, target: RuleTarget = .unrestricted) -> RuleProposal? {
        if case .rule(let p) = outcome(for: kind, audit: audit, target: target) { return p }
        return nil
    }

    /// The rules an event can become, broadest first: for a network event `network inet stream`,
    /// then, where the target reads them, the access list and the addresses as narrower
    /// choices; for any other event its one rule. Each is checked as `outcome` checks.
    public static func choices(for kind: EventKind, target: RuleTarget = .unrestricted) -> [RuleProposal] {
        guard case .network(let n) = kind else { return proposal(for: kind, target: target).map { [$0] } ?? [] }
        var coarse = n
        coarse.access = []
        coarse.localAddr = nil; coarse.localPort = 0; coarse.peerAddr = nil; coarse.peerPort = 0
        var accessOnly = n
        accessOnly.localAddr = nil; accessOnly.localPort = 0; accessOnly.peerAddr = nil; accessOnly.peerPort = 0
        var out: [RuleProposal] = []
        for v in [coarse, accessOnly, n] {
            if let p = proposal(for: .network(v), target: target), !out.contains(where: { $0.text == p.text }) { out.append(p) }
        }
        return out
    }

    /// The rule text without the policy check, for comparing a request with rules already
    /// known (never for writing: use `outcome` or `proposal`).
    public static func unchecked(for kind: EventKind, target: RuleTarget = .unrestricted) -> RuleProposal? {
        try? bareProposal(for: kind, target: target)
    }

    /// The rule text before the policy check; nil for change_hat.
    static func bareProposal(for kind: EventKind, target: RuleTarget) throws(RuleRefusal) -> RuleProposal? {
        switch kind {
        case .file(let f):
            let perms = f.permissions.text
            return RuleProposal(section: .file, text: (f.owner ? "owner " : "") + literal(f.path) + " " + perms)
        case .exec(let path, _):
            return RuleProposal(section: .file, text: literal(path) + " mrix")
        case .capability(let name):
            return RuleProposal(section: .capability, text: "capability " + (try keyword(name, "capability")))
        case .network(let n):
            var parts = ["network"]
            var n = n
            if !target.allows(.networkAccessList) { n.access = [] }
            if !target.allows(.networkAddress) { n.localAddr = nil; n.localPort = 0; n.peerAddr = nil; n.peerPort = 0 }
            if !n.access.isEmpty { parts.append(try accessList(n.access, parens: true)) }
            if let f = n.family { parts.append(try keyword(f, "family")) }
            if let t = n.sockType { parts.append(try keyword(t, "type")) }
            if let a = n.localAddr { parts.append("ip=" + (try ipAddress(a))) }
            if n.localPort != 0 { parts.append("port=\(n.localPort)") }
            let localOnly = !n.access.isEmpty && n.access.allSatisfy { localOnlyNetworkAccess.contains($0) }
            var peer: [String] = []
            if let a = n.peerAddr { peer.append("ip=" + (try ipAddress(a))) }
            if n.peerPort != 0 { peer.append("port=\(n.peerPort)") }
            if !peer.isEmpty && !localOnly { parts.append("peer=(" + peer.joined(separator: " ") + ")") }
            return RuleProposal(section: .network, text: parts.joined(separator: " "))
        case .unix(let u):
            var parts = ["unix", try accessList(u.access, parens: true)]
            if let t = u.sockType { parts.append("type=" + (try keyword(t, "type"))) }
            if let a = u.addr { parts.append("addr=" + literal(a)) }
            var peer: [String] = []
            if let a = u.peerAddr { peer.append("addr=" + literal(a)) }
            if let l = u.peerLabel { peer.append("label=" + literal(l)) }
            if !peer.isEmpty { parts.append("peer=(" + peer.joined(separator: " ") + ")") }
            return RuleProposal(section: .unix, text: parts.joined(separator: " "))
        case .dbus(let d):
            var parts = ["dbus", try accessList(d.access, parens: false)]
            if let b = d.bus { parts.append("bus=" + literal(b)) }
            if d.access == ["bind"] {
                if let n = d.name { parts.append("name=" + literal(n)) }
            } else if d.access != ["eavesdrop"] {
                if let x = d.path { parts.append("path=" + literal(x)) }
                if let x = d.interface { parts.append("interface=" + literal(x)) }
                if let x = d.member { parts.append("member=" + literal(x)) }
                if let l = d.peerLabel { parts.append("peer=(label=" + literal(l) + ")") }
            }
            return RuleProposal(section: .dbus, text: parts.joined(separator: " "))
        case .signal(let access, let signals, let peer):
            var parts = ["signal", try accessList(access, parens: false)]
            if !signals.isEmpty { parts.append("set=" + (try accessList(signals, parens: false))) }
            if let p = peer { parts.append("peer=" + literal(p)) }
            return RuleProposal(section: .signal, text: parts.joined(separator: " "))
        case .ptrace(let access, let peer):
            var parts = ["ptrace"]
            if !access.isEmpty { parts.append(try accessList(access, parens: false)) }
            parts.append("peer=" + literal(peer))
            return RuleProposal(section: .ptrace, text: parts.joined(separator: " "))
        case .mount(let m):
            if m.operation == .umount {
                return RuleProposal(section: .mount, text: "umount" + (m.mountPoint.map { " " + literal($0) } ?? ""))
            }
            var parts = [m.operation == .remount ? "remount" : "mount"]
            if let f = m.fsType { parts.append("fstype=" + literal(f)) }
            if !m.options.isEmpty {
                parts.append("options=(" + (try m.options.map { o throws(RuleRefusal) in try keyword(o, "mount option") }).joined(separator: ", ") + ")")
            }
            if let s = m.source { parts.append(literal(s)) }
            if let mp = m.mountPoint {
                parts.append(m.operation == .remount ? literal(mp) : "-> " + literal(mp))
            }
            return RuleProposal(section: .mount, text: parts.joined(separator: " "))
        case .pivotRoot(let old, let new):
            var parts = ["pivot_root"]
            if let o = old { parts.append("oldroot=" + literal(o)) }
            if let n = new { parts.append(literal(n)) }
            return RuleProposal(section: .pivotRoot, text: parts.joined(separator: " "))
        case .changeProfile(let target):
            return RuleProposal(section: .changeProfile, text: "change_profile -> " + literal(target))
        case .changeHat:
            return nil
        case .userns(let access):
            guard target.parserReads(.userns) else { return nil }
            return RuleProposal(section: .userns, text: "userns " + (try accessList(access, parens: false)))
        case .mqueue(let access, let type, let name):
            guard target.parserReads(.mqueue) else { return nil }
            var parts = ["mqueue", try accessList(access, parens: false), "type=" + (try keyword(type, "type"))]
            if let n = name { parts.append(literal(n)) }
            return RuleProposal(section: .mqueue, text: parts.joined(separator: " "))
        case .ioUring(let access, let label):
            guard target.parserReads(.ioUring) else { return nil }
            var parts = ["io_uring", try accessList(access, parens: false)]
            if let l = label { parts.append("label=" + literal(l)) }
            return RuleProposal(section: .ioUring, text: parts.joined(separator: " "))
        }
    }
}
