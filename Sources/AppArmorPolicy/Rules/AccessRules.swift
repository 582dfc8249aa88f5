import AppArmorSyntax

/// unix, dbus, signal, ptrace, mqueue, io_uring, userns and all rules: permissions (one word
/// or a list) and conditions, checked per permission as apparmor_parser does.
enum AccessRules {
    static let rw: Set<String> = ["r", "w", "rw", "read", "write"]
    static let unixPerms: Set<String> = NetworkRuleReader.perms

    static func unix(_ s: RuleScope) -> RuleDetail? {
        guard let perms = s.permissions(known: unixPerms, family: "unix"),
              let conds = s.conditions(allowed: ["type", "protocol", "addr", "attr", "opt"], peerAllowed: ["addr", "label"], family: "unix")
        else { return nil }
        if conds.contains(where: \.isPeer), let p = perms.first(where: { NetworkRuleReader.localPerms.contains($0) }) {
            s.error(.badCondition, "a peer cannot be given with the '\(p)' permission", s.ruleRange)
            return nil
        }
        for c in conds where c.key == "addr" || c.key == "label" {
            if s.checkAARE(c.values[0], c.range) == nil { return nil }
        }
        return .access(AccessRule(perms: perms, conditions: conds))
    }

    static let dbusPerms: Set<String> = ["send", "receive", "bind", "eavesdrop", "r", "w", "rw", "read", "write"]

    static func dbus(_ s: RuleScope) -> RuleDetail? {
        guard let perms = s.permissions(known: dbusPerms, family: "dbus"),
              let conds = s.conditions(allowed: ["bus", "name", "path", "interface", "member"], peerAllowed: ["name", "label"], family: "dbus")
        else { return nil }
        var kinds = Set<String>()
        for p in perms {
            switch p {
            case "bind": kinds.insert("bind")
            case "eavesdrop": kinds.insert("eavesdrop")
            default: kinds.insert("message")
            }
        }
        let keys = Set(conds.map { ($0.isPeer ? "peer." : "") + $0.key })
        for k in kinds {
            let allowed: Set<String>
            switch k {
            case "bind": allowed = ["bus", "name"]
            case "eavesdrop": allowed = ["bus"]
            default: allowed = ["bus", "path", "interface", "member", "peer.name", "peer.label"]
            }
            if let bad = keys.subtracting(allowed).sorted().first {
                let at = conds.first { ($0.isPeer ? "peer." : "") + $0.key == bad }?.range ?? s.ruleRange
                s.error(.badCondition, "'\(bad)' cannot be used with dbus \(k == "message" ? "send/receive" : k)", at)
                return nil
            }
        }
        if kinds.isEmpty, keys.contains("name"), keys.contains(where: { $0.hasPrefix("peer.") || $0 == "path" || $0 == "interface" || $0 == "member" }) {
            s.error(.badCondition, "a dbus rule cannot mix bind (name=) and message conditions", s.ruleRange)
            return nil
        }
        for c in conds where s.checkAARE(c.values[0], c.range) == nil { return nil }
        return .access(AccessRule(perms: perms, conditions: conds))
    }

    static func signal(_ s: RuleScope) -> RuleDetail? {
        guard let perms = s.permissions(known: rw.union(["send", "receive"]), family: "signal") else { return nil }
        var conds: [RuleCondition] = []
        for e in s.elements {
            guard case .condition(let key, let op, let values, let isList, let node) = e else { continue }
            switch key {
            case "set":
                guard op == "=", !values.isEmpty, node.firstChild(.list).map({ $0.childNodes.isEmpty }) ?? true else {
                    s.error(.badCondition, "set=( ... ) expected", node.textRange)
                    return nil
                }
                for (v, t) in values {
                    for name in v.split(separator: ",").map(String.init) where !SignalNames.isValid(name) {
                        s.error(.badSignal, "unknown signal '\(name)'", t.textRange)
                        return nil
                    }
                }
                conds.append(RuleCondition(key: "set", values: values.map(\.0)))
            case "peer":
                guard op == "=", !isList, values.count == 1 else {
                    s.error(.badCondition, "peer=LABEL expected", node.textRange)
                    return nil
                }
                if conds.contains(where: { $0.key == "peer" }) {
                    s.error(.duplicateCondition, "peer given twice", node.textRange)
                    return nil
                }
                guard s.checkAARE(values[0].0, node.textRange) != nil else { return nil }
                conds.append(RuleCondition(key: "peer", values: [values[0].0]))
            default:
                s.error(.badCondition, "unknown condition '\(key)' in a signal rule", node.textRange)
                return nil
            }
        }
        return .access(AccessRule(perms: perms, conditions: conds))
    }

    static func ptrace(_ s: RuleScope) -> RuleDetail? {
        guard let perms = s.permissions(known: rw.union(["readby", "trace", "tracedby"]), family: "ptrace"),
              let conds = peerOnly(s, family: "ptrace") else { return nil }
        return .access(AccessRule(perms: perms, conditions: conds))
    }

    /// `peer=LABEL` once, nothing else.
    static func peerOnly(_ s: RuleScope, family: String) -> [RuleCondition]? {
        var conds: [RuleCondition] = []
        for e in s.elements {
            guard case .condition(let key, let op, let values, let isList, let node) = e else { continue }
            guard key == "peer", op == "=", !isList, values.count == 1 else {
                s.error(.badCondition, "invalid condition '\(s.result.text(node))' in a \(family) rule", node.textRange)
                return nil
            }
            if !conds.isEmpty {
                s.error(.duplicateCondition, "peer given twice", node.textRange)
                return nil
            }
            guard s.checkAARE(values[0].0, node.textRange) != nil else { return nil }
            conds.append(RuleCondition(key: "peer", values: [values[0].0]))
        }
        return conds
    }

    static func mqueue(_ s: RuleScope) -> RuleDetail? {
        let known: Set<String> = ["r", "w", "rw", "read", "write", "create", "open", "delete", "getattr", "setattr"]
        var perms: [String] = []
        var name: String?
        var nameTok: Token?
        for e in s.elements {
            switch e {
            case .word(let w, let t):
                if name == nil, perms.isEmpty, known.contains(w) || !w.isEmpty && w.allSatisfy({ $0 == "r" || $0 == "w" }) {
                    perms.append(w)
                } else if name == nil, w.utf8.starts(with: "/".utf8) || w.utf8.starts(with: "@{".utf8) || w.first?.isNumber == true {
                    name = w
                    nameTok = t
                } else {
                    s.error(.badPermission, "unknown mqueue permission or name '\(w)'", t.textRange)
                    return nil
                }
            case .list(let items, _):
                for item in items {
                    guard let w = item.word, known.contains(w) else {
                        s.error(.badPermission, "unknown mqueue permission", item.range)
                        return nil
                    }
                    perms.append(w)
                }
            case .condition: continue
            default:
                s.error(.unexpectedElement, "unexpected text in an mqueue rule", e.range)
                return nil
            }
        }
        guard let conds = s.conditions(allowed: ["type", "label"], peerAllowed: [], family: "mqueue") else { return nil }
        let type = conds.first { $0.key == "type" }?.values.first
        if let type, type != "posix", type != "sysv" {
            s.error(.badValue, "mqueue type is posix or sysv, not '\(type)'", s.ruleRange)
            return nil
        }
        if let name, let t = nameTok {
            if name.utf8.starts(with: "/".utf8), type == "sysv" || name.first?.isNumber == true {
                s.error(.badValue, "a sysv queue is named by a number", t.textRange)
                return nil
            }
            if !name.utf8.starts(with: "/".utf8), !name.utf8.starts(with: "@{".utf8) {
                if type == "posix" || !name.allSatisfy(\.isNumber) {
                    s.error(.badValue, type == "posix" ? "a posix queue name starts with '/'" : "invalid mqueue name '\(name)'", t.textRange)
                    return nil
                }
            }
        }
        return .access(AccessRule(perms: perms, conditions: conds + (name.map { [RuleCondition(key: "name", values: [$0])] } ?? [])))
    }

    static func ioUring(_ s: RuleScope) -> RuleDetail? {
        guard let perms = s.permissions(known: ["sqpoll", "override_creds"], family: "io_uring") else { return nil }
        var conds: [RuleCondition] = []
        for e in s.elements {
            guard case .condition(let key, let op, let values, _, let node) = e else { continue }
            guard key == "label", op == "=", values.count == 1, perms.isEmpty || perms.contains("override_creds") else {
                s.error(.badCondition, "invalid condition '\(s.result.text(node))' in an io_uring rule", node.textRange)
                return nil
            }
            conds.append(RuleCondition(key: "label", values: [values[0].0]))
        }
        return .access(AccessRule(perms: perms, conditions: conds))
    }

    static func userns(_ s: RuleScope) -> RuleDetail? {
        guard let perms = s.permissions(known: ["create"], family: "userns"), noConditions(s, "userns") else { return nil }
        return .access(AccessRule(perms: perms, conditions: []))
    }

    static func all(_ s: RuleScope) -> RuleDetail? {
        guard s.elements.isEmpty else {
            s.error(.unexpectedElement, "an all rule takes nothing but its qualifiers", s.elements[0].range)
            return nil
        }
        return .access(AccessRule(perms: [], conditions: []))
    }

    static func noConditions(_ s: RuleScope, _ family: String) -> Bool {
        for e in s.elements {
            if case .condition(_, _, _, _, let n) = e {
                s.error(.badCondition, "\(family) rules take no conditions", n.textRange)
                return false
            }
        }
        return true
    }
}
