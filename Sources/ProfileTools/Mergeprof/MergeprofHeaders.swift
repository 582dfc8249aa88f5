import AppArmorPolicy
import AppArmorSyntax

/// The headers of a mergeprof question, after upstream's `logprof_header()`: `Qualifier` when
/// the rule has audit/allow/deny, then what each rule family shows (`Capability`; `Path` and
/// `New Mode`; `Accesses`, `Network Family`, `Socket Type`, `Local`, `Peer`...). A list is
/// its values sorted and joined by spaces, a value the rule leaves open is `ALL`. Families
/// upstream has no header for show the rule (`Rule`).
enum MergeprofHeaders {
    static func all(_ values: [String]?) -> String {
        guard let values, !values.isEmpty else { return "ALL" }
        return values.sorted().joined(separator: " ")
    }

    static func headers(for p: MergeProposal) -> [(String, String)] {
        guard let rule = p.typed else { return [] }
        var out: [(String, String)] = []
        var qualifier: [String] = []
        if rule.qualifiers.audit { qualifier.append("audit") }
        if rule.qualifiers.deny { qualifier.append("deny") } else if rule.qualifiers.allow { qualifier.append("allow") }
        if !qualifier.isEmpty { out.append(("Qualifier", qualifier.joined(separator: " "))) }
        func access(_ a: AccessRule, _ labels: [(String, String?, Bool)]) -> [(String, String)] {
            labels.map { label, key, peer in (label, key.map { all(a.values($0, peer: peer)) } ?? all(a.perms)) }
        }
        switch (rule.kind, rule.detail) {
        case (.fileRule, .file):
            let path = p.path ?? "ALL"
            var mode = p.body
            if let r = p.pathRange { mode = String(p.body[..<r.lowerBound]) + " " + String(p.body[r.upperBound...]) }
            var words = mode.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).map(String.init)
            if words.first == "file" { words.removeFirst() }
            var newMode = words.isEmpty ? "ALL" : words.joined(separator: " ")
            if rule.qualifiers.owner { newMode = "owner " + newMode }
            out += [("Path", path), ("New Mode", newMode)]
        case (_, .capability(let names)):
            out.append(("Capability", all(names)))
        case (_, .network(let n)):
            let local = n.conditions.filter { !$0.isPeer }.map { "\($0.key)=\($0.values.joined(separator: " "))" }
            let peer = n.conditions.filter(\.isPeer).map { "\($0.key)=\($0.values.joined(separator: " "))" }
            out += [("Accesses", all(n.perms)), ("Network Family", n.domain ?? "ALL"), ("Socket Type", n.typeOrProtocol ?? "ALL"),
                    ("Local", all(local)), ("Peer", all(peer))]
        case (.signalRule, .access(let a)):
            out += access(a, [("Access mode", nil, false), ("Signal", "set", false), ("Peer", "peer", false)])
        case (.ptraceRule, .access(let a)):
            out += access(a, [("Access mode", nil, false), ("Peer", "peer", false)])
        case (.usernsRule, .access(let a)):
            out += access(a, [("Access mode", nil, false)])
        case (.ioUringRule, .access(let a)):
            out += access(a, [("Access mode", nil, false), ("Label", "label", false)])
        case (.mqueueRule, .access(let a)):
            out += access(a, [("Access mode", nil, false), ("Type", "type", false), ("Label", "label", false), ("Message queue name", "name", false)])
        case (.dbusRule, .access(let a)):
            out += access(a, [("Access mode", nil, false), ("Bus", "bus", false), ("Path", "path", false), ("Name", "name", false),
                              ("Interface", "interface", false), ("Member", "member", false), ("Peer name", "name", true),
                              ("Peer label", "label", true)])
        case (.allRule, _):
            out.append(("All", "Allow everything"))
        case (_, .changeProfile(let c)):
            if !c.safe { out.append(("Exec Mode", "unsafe")) }
            out += [("Exec Condition", c.execPath ?? "ALL"), ("Target Profile", c.target ?? "ALL")]
        case (_, .rlimit(let resource, let value)):
            out += [("Rlimit", resource), ("Value", value)]
        default:
            out.append(("Rule", p.body))
        }
        return out
    }
}
