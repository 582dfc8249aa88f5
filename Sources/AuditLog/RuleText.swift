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

public enum RuleText {
    static func accessList(_ words: [String], parens: Bool) -> String {
        if words.count == 1 && !parens { return words[0] }
        return "(" + words.joined(separator: ", ") + ")"
    }

    static func text(_ b: LogBytes?) -> String { RecordText(b) }

    /// Accesses that concern the local end of a socket only: a peer cannot be named with them.
    static let localOnlyNetworkAccess: Set<String> = [
        "create", "bind", "listen", "shutdown", "getattr", "setattr", "getopt", "setopt",
    ]

    /// The rule for an event (nil for change_hat, which adds a hat rather than a rule, and for
    /// a rule the target's parser cannot read). `target` decides the finer forms (see
    /// `RuleTarget.requirements`): on a 3.0 target a network event is `network inet stream`.
    public static func proposal(for kind: EventKind, audit: Bool = false, target: RuleTarget = .unrestricted) -> RuleProposal? {
        guard var p = bareProposal(for: kind, target: target) else { return nil }
        if audit { p.text = "audit " + p.text }
        return p
    }

    static func bareProposal(for kind: EventKind, target: RuleTarget) -> RuleProposal? {
        switch kind {
        case .file(let f):
            let perms = String(f.permissions.sorted().map(\.rawValue))
            return RuleProposal(section: .file, text: (f.owner ? "owner " : "") + ProfileQuoting.path(f.path) + " " + perms)
        case .exec(let path, _):
            return RuleProposal(section: .file, text: ProfileQuoting.path(path) + " mrix")
        case .capability(let name):
            return RuleProposal(section: .capability, text: "capability " + name)
        case .network(let n):
            var parts = ["network"]
            var n = n
            if !target.allows(.networkAccessList) { n.access = [] }
            if !target.allows(.networkAddress) { n.localAddr = nil; n.localPort = 0; n.peerAddr = nil; n.peerPort = 0 }
            if !n.access.isEmpty { parts.append(accessList(n.access, parens: true)) }
            if let f = n.family { parts.append(ProfileQuoting.name(f)) }
            if let t = n.sockType { parts.append(ProfileQuoting.name(t)) }
            if let a = n.localAddr { parts.append("ip=" + text(a)) }
            if n.localPort != 0 { parts.append("port=\(n.localPort)") }
            let localOnly = !n.access.isEmpty && n.access.allSatisfy { localOnlyNetworkAccess.contains($0) }
            var peer: [String] = []
            if let a = n.peerAddr { peer.append("ip=" + text(a)) }
            if n.peerPort != 0 { peer.append("port=\(n.peerPort)") }
            if !peer.isEmpty && !localOnly { parts.append("peer=(" + peer.joined(separator: " ") + ")") }
            return RuleProposal(section: .network, text: parts.joined(separator: " "))
        case .unix(let u):
            var parts = ["unix", accessList(u.access, parens: true)]
            if let t = u.sockType { parts.append("type=" + ProfileQuoting.name(t)) }
            if let a = u.addr { parts.append("addr=" + ProfileQuoting.name(a)) }
            var peer: [String] = []
            if let a = u.peerAddr { peer.append("addr=" + ProfileQuoting.name(a)) }
            if let l = u.peerLabel { peer.append("label=" + ProfileQuoting.name(l)) }
            if !peer.isEmpty { parts.append("peer=(" + peer.joined(separator: " ") + ")") }
            return RuleProposal(section: .unix, text: parts.joined(separator: " "))
        case .dbus(let d):
            var parts = ["dbus", accessList(d.access, parens: false)]
            if let b = d.bus { parts.append("bus=" + ProfileQuoting.name(b)) }
            if d.access == ["bind"] {
                if let n = d.name { parts.append("name=" + ProfileQuoting.name(n)) }
            } else if d.access != ["eavesdrop"] {
                if let x = d.path { parts.append("path=" + ProfileQuoting.name(x)) }
                if let x = d.interface { parts.append("interface=" + ProfileQuoting.name(x)) }
                if let x = d.member { parts.append("member=" + ProfileQuoting.name(x)) }
                if let l = d.peerLabel { parts.append("peer=(label=" + ProfileQuoting.name(l) + ")") }
            }
            return RuleProposal(section: .dbus, text: parts.joined(separator: " "))
        case .signal(let access, let signals, let peer):
            var parts = ["signal", accessList(access, parens: false)]
            if !signals.isEmpty { parts.append("set=" + accessList(signals, parens: false)) }
            if let p = peer { parts.append("peer=" + ProfileQuoting.name(p)) }
            return RuleProposal(section: .signal, text: parts.joined(separator: " "))
        case .ptrace(let access, let peer):
            var parts = ["ptrace"]
            if !access.isEmpty { parts.append(accessList(access, parens: false)) }
            parts.append("peer=" + ProfileQuoting.name(peer))
            return RuleProposal(section: .ptrace, text: parts.joined(separator: " "))
        case .mount(let m):
            if m.operation == .umount {
                return RuleProposal(section: .mount, text: "umount" + (m.mountPoint.map { " " + ProfileQuoting.path($0) } ?? ""))
            }
            var parts = [m.operation == .remount ? "remount" : "mount"]
            if let f = m.fsType { parts.append("fstype=" + ProfileQuoting.name(f)) }
            if !m.options.isEmpty { parts.append("options=(" + m.options.joined(separator: ", ") + ")") }
            if let s = m.source { parts.append(ProfileQuoting.path(s)) }
            if let mp = m.mountPoint {
                parts.append(m.operation == .remount ? ProfileQuoting.path(mp) : "-> " + ProfileQuoting.path(mp))
            }
            return RuleProposal(section: .mount, text: parts.joined(separator: " "))
        case .pivotRoot(let old, let new):
            var parts = ["pivot_root"]
            if let o = old { parts.append("oldroot=" + ProfileQuoting.path(o)) }
            if let n = new { parts.append(ProfileQuoting.path(n)) }
            return RuleProposal(section: .pivotRoot, text: parts.joined(separator: " "))
        case .changeProfile(let target):
            return RuleProposal(section: .changeProfile, text: "change_profile -> " + ProfileQuoting.name(target))
        case .changeHat:
            return nil
        case .userns(let access):
            guard target.parserReads(.userns) else { return nil }
            return RuleProposal(section: .userns, text: "userns " + accessList(access, parens: false))
        case .mqueue(let access, let type, let name):
            guard target.parserReads(.mqueue) else { return nil }
            var parts = ["mqueue", accessList(access, parens: false), "type=" + type]
            if let n = name { parts.append(ProfileQuoting.path(n)) }
            return RuleProposal(section: .mqueue, text: parts.joined(separator: " "))
        case .ioUring(let access, let label):
            guard target.parserReads(.ioUring) else { return nil }
            var parts = ["io_uring", accessList(access, parens: false)]
            if let l = label { parts.append("label=" + ProfileQuoting.name(l)) }
            return RuleProposal(section: .ioUring, text: parts.joined(separator: " "))
        }
    }
}
