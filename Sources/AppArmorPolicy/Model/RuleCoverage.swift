import AppArmorSyntax

/// Sound subset checks between rules: `a.covers(b)` is true only when every access `b` grants
/// (or denies) is also granted (or denied) by `a`. Used to skip log events already allowed and
/// to find duplicate rules. When in doubt the answer is false.
extension PolicyRule {
    public func covers(_ other: PolicyRule) -> Bool {
        guard qualifiers.deny == other.qualifiers.deny else { return false }
        return decides(other)
    }

    /// Whether this rule decides a request (allows it, or refuses it when a `deny` rule): the
    /// same test as `covers` without comparing allow/deny. `audit` never matters.
    public func decides(_ other: PolicyRule) -> Bool {
        guard kind == other.kind else { return false }
        if qualifiers.owner && !other.qualifiers.owner { return false }
        if qualifiers.other && !other.qualifiers.other { return false }
        switch (detail, other.detail) {
        case (.file(let a), .file(let b)):
            guard a.permissions.includes(b.permissions) else { return false }
            guard let pa = a.path else { return true }  // bare `file,` allows every path
            guard let pb = b.path else { return false }
            return AAREPattern.covers(pa, pb)
        case (.link(let a), .link(let b)):
            return (!a.subset || b.subset) && AAREPattern.covers(a.path, b.path) && AAREPattern.covers(a.target, b.target)
        case (.capability(let a), .capability(let b)):
            return a.isEmpty || !b.isEmpty && Set(a).isSuperset(of: b)
        case (.network(let a), .network(let b)):
            return PolicyRule.permsCover(a.perms, b.perms)
                && (a.domain == nil || a.domain == b.domain)
                && (a.typeOrProtocol == nil || a.typeOrProtocol == b.typeOrProtocol)
                && PolicyRule.conditionsCover(a.conditions, b.conditions)
        case (.access(let a), .access(let b)):
            return PolicyRule.permsCover(a.perms, b.perms) && PolicyRule.conditionsCover(a.conditions, b.conditions)
        case (.mount(let a), .mount(let b)):
            return (a.options.isEmpty || Set(a.options) == Set(b.options))
                && (a.fstype.isEmpty || !b.fstype.isEmpty && Set(a.fstype).isSuperset(of: b.fstype))
                && PolicyRule.optionalCovers(a.source, b.source) && PolicyRule.optionalCovers(a.mountpoint, b.mountpoint)
        case (.changeProfile(let a), .changeProfile(let b)):
            return a.safe == b.safe && PolicyRule.optionalCovers(a.execPath, b.execPath) && PolicyRule.optionalCovers(a.target, b.target)
        case (.rlimit(let ra, let va), .rlimit(let rb, let vb)):
            return ra == rb && va == vb
        case (.pivotRoot(let oa, let na, let ta), .pivotRoot(let ob, let nb, let tb)):
            return PolicyRule.optionalCovers(oa, ob) && PolicyRule.optionalCovers(na, nb) && PolicyRule.optionalCovers(ta, tb)
        case (.changeHat(let a), .changeHat(let b)):
            return a == b
        default:
            return false
        }
    }

    /// A missing pattern allows everything; a present one must cover the other's.
    static func optionalCovers(_ a: String?, _ b: String?) -> Bool {
        guard let a else { return true }
        guard let b else { return false }
        return AAREPattern.covers(a, b)
    }

    /// No permissions means all of them; `r`/`read` and `w`/`write` and `rw` are the same sets.
    static func permsCover(_ a: [String], _ b: [String]) -> Bool {
        if a.isEmpty { return true }
        if b.isEmpty { return false }
        func expand(_ p: [String]) -> Set<String> {
            var s = Set<String>()
            for x in p {
                switch x {
                case "r", "read": s.formUnion(["read", "receive"])
                case "w", "write": s.formUnion(["write", "send"])
                case "rw": s.formUnion(["read", "receive", "write", "send"])
                default: s.insert(x)
                }
            }
            return s
        }
        return expand(a).isSuperset(of: expand(b))
    }

    /// Every condition of `a` must be matched by the same condition of `b`, covered.
    static func conditionsCover(_ a: [RuleCondition], _ b: [RuleCondition]) -> Bool {
        for c in a {
            guard let d = b.first(where: { $0.key == c.key && $0.isPeer == c.isPeer }) else { return false }
            for v in d.values where !c.values.contains(where: { AAREPattern.covers($0, v) }) { return false }
        }
        return true
    }
}

extension AAREPattern {
    /// Whether pattern text `a` matches every string pattern text `b` matches.
    public static func covers(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        guard let ma = try? AAREMatcher(a), let mb = try? AAREMatcher(b) else { return false }
        return ma.covers(mb)
    }
}
