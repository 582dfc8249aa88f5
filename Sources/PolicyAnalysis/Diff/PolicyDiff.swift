import AppArmorPolicy
import AppArmorSyntax

/// One policy as a diff compares it: every profile (hats and children by full name) of a file
/// or of a folder's profile files, loaded with includes and variables resolved.
public struct PolicySnapshot {
    public var profiles: [String: Profile] = [:]
    /// The files that failed to load, with their first error.
    public var errors: [String] = []
    let checker: PolicyChecker

    /// Loads a profile file, or each top-level profile file of a folder (the folder is then
    /// the include base, after `searchPath`'s include folders). `searchPath` finds a single
    /// file's includes.
    public static func load(_ path: String, searchPath: IncludeSearchPath) -> PolicySnapshot {
        let isFolder = PosixFiles.kind(path) == .directory
        var searchPath = searchPath
        if isFolder { searchPath.base = path }
        let checker = PolicyChecker(options: CheckOptions(searchPath: searchPath))
        var snap = PolicySnapshot(checker: checker)
        let files = isFolder
            ? PolicyFileCache.folderFiles(path).filter { PosixFiles.kind($0) == .file && !$0.hasSuffix("/README") }
            : [path]
        for file in files {
            let report = checker.check(path: file)
            if let e = report.errors.first { snap.errors.append("\(file): \(e.diagnostic.message)") }
            for p in Explainer.allProfiles(report.policy.profiles) { snap.profiles[p.name] = p }
        }
        return snap
    }
}

/// One access that changed between two policies.
public struct PolicyDiffEntry: Sendable, Equatable {
    public enum Change: String, Sendable { case granted, revoked }
    public var change: Change
    public var profile: String
    /// `file`, `exec`, `capability`, `network`, `signal`, `ptrace`, ..., `deny` (a deny rule
    /// removed grants, one added revokes), `mode`, `profile`.
    public var kind: String
    /// What changed: `/etc/** w`, `capability net_admin`, `mode enforce -> complain`.
    public var access: String
    /// Where the rule is written (`file:line`) in the policy that has it.
    public var location: String?
}

/// The semantic difference of two policies: the accesses the new one grants that the old one
/// did not, and those it no longer grants. Rules are compared as the policy model reads them
/// (includes and variables resolved): a new rule that the old rules cover (`PolicyRule.covers`;
/// file permissions adding up across the rules whose patterns cover its path) grants nothing;
/// a permission added to an existing path is granted.
public enum PolicyDiff {
    public static func compare(old: PolicySnapshot, new: PolicySnapshot) -> [PolicyDiffEntry] {
        var out: [PolicyDiffEntry] = []
        for name in Set(old.profiles.keys).union(new.profiles.keys).sorted() {
            switch (old.profiles[name], new.profiles[name]) {
            case (nil, let n?):
                out.append(PolicyDiffEntry(change: .granted, profile: name, kind: "profile", access: "new profile (\(Explainer.mode(of: n)) mode)",
                                           location: "\(n.file)"))
                out += uncovered(n.rules, by: [], change: .granted, profile: name, side: new, otherSide: old)
            case (let o?, nil):
                out.append(PolicyDiffEntry(change: .revoked, profile: name, kind: "profile", access: "profile removed", location: o.file))
            case (let o?, let n?):
                let (mo, mn) = (Explainer.mode(of: o), Explainer.mode(of: n))
                if mo != mn {
                    out.append(PolicyDiffEntry(change: rank(mn) > rank(mo) ? .granted : .revoked, profile: name, kind: "mode",
                                               access: "mode \(mo) -> \(mn)", location: n.file))
                }
                out += uncovered(n.rules, by: o.rules, change: .granted, profile: name, side: new, otherSide: old)
                out += uncovered(o.rules, by: n.rules, change: .revoked, profile: name, side: old, otherSide: new)
            default: break
            }
        }
        return out
    }

    /// How much a mode lets through that no rule allows.
    static func rank(_ mode: String) -> Int {
        switch mode {
        case "kill": 0
        case "enforce": 1
        case "prompt": 2
        case "complain": 3
        default: 4  // unconfined, default_allow
        }
    }

    /// The allow rules of `rules` not covered by `others`' allow rules, and the deny rules of
    /// `others` not covered by `rules`' deny rules (a deny rule gone widens the policy). Each
    /// is reported with `change`.
    static func uncovered(_ rules: [PolicyRule], by others: [PolicyRule], change: PolicyDiffEntry.Change, profile: String,
                          side: PolicySnapshot, otherSide: PolicySnapshot) -> [PolicyDiffEntry] {
        var out: [PolicyDiffEntry] = []
        var seen = Set<String>()
        func add(_ kind: String, _ access: String, _ r: PolicyRule, _ s: PolicySnapshot) {
            guard seen.insert(kind + "\u{0}" + access).inserted else { return }
            let loc = s.checker.cache.ruleSource(r)
            out.append(PolicyDiffEntry(change: change, profile: profile, kind: kind, access: access, location: "\(r.file):\(loc.line)"))
        }
        let othersAll = others.contains { $0.kind == .allRule && !$0.qualifiers.deny }
        for r in rules where !r.qualifiers.deny {
            if othersAll { continue }
            if let missing = missing(r, in: others.filter { !$0.qualifiers.deny }) { add(missing.kind, missing.access, r, side) }
        }
        // Deny rules: those of the other side that this side lacks.
        return out + uncoveredDenies(others, by: rules, change: change, profile: profile, side: otherSide)
    }

    /// Deny rules of `denies` that `rules`' deny rules do not cover: reported as `change`
    /// (a deny rule the new policy drops grants; one it adds revokes).
    static func uncoveredDenies(_ denies: [PolicyRule], by rules: [PolicyRule], change: PolicyDiffEntry.Change, profile: String,
                                side: PolicySnapshot) -> [PolicyDiffEntry] {
        var out: [PolicyDiffEntry] = []
        let mine = rules.filter(\.qualifiers.deny)
        var seen = Set<String>()
        for d in denies where d.qualifiers.deny {
            guard let m = missing(d, in: mine), seen.insert(m.access).inserted else { continue }
            out.append(PolicyDiffEntry(change: change, profile: profile, kind: "deny",
                                       access: (change == .granted ? "no longer denied: " : "now denied: ") + m.access,
                                       location: "\(d.file):\(side.checker.cache.ruleSource(d).line)"))
        }
        return out
    }

    /// What a rule grants (or denies) that none of `others` (of the same allow/deny) does, as a
    /// kind and an access text, or nil when they cover it.
    static func missing(_ r: PolicyRule, in others: [PolicyRule]) -> (kind: String, access: String)? {
        let q = r.qualifiers
        let prefix = q.owner ? "owner " : ""
        switch r.detail {
        case .file(let f):
            let pattern = f.path.map(normal) ?? "/{**,}"
            // Each alternative on its own: `{/home/*,/root}/.x` is covered by a rule for each.
            var lackingSet = PermissionSet()
            var execCovered = true
            for part in AAREPattern.alternatives(pattern) ?? [pattern] {
                var have = PermissionSet()
                var partExec = f.permissions.exec == nil
                for o in others {
                    guard case .file(let g) = o.detail, !o.qualifiers.owner || q.owner, !o.qualifiers.other || q.other else { continue }
                    guard let gp = g.path else {
                        have.formUnion(g.permissions.granted)
                        if g.permissions.exec == nil || g.permissions.exec == f.permissions.exec { partExec = true }
                        continue
                    }
                    guard AAREPattern.covers(normal(gp), part) else { continue }
                    have.formUnion(g.permissions.access.granted)
                    if let e = f.permissions.exec, g.permissions.exec == e || (q.deny && g.permissions.exec != nil) { partExec = true }
                }
                lackingSet.formUnion(f.permissions.access.granted.subtracting(have))
                execCovered = execCovered && partExec
            }
            let lacking = lackingSet.written
            let shown = QuotedString.quoteIfNeeded(Array(pattern.utf8))
            if !execCovered, let e = f.permissions.exec {
                return ("exec", "\(prefix)\(shown) \(lacking.text)\(e)")
            }
            return lacking.isEmpty ? nil : ("file", "\(prefix)\(shown) \(lacking.text)")
        default:
            if others.contains(where: { $0.covers(r) }) { return nil }
            return (kindName(r.kind), summary(r))
        }
    }

    /// A file pattern as the parser compiles it (single slashes).
    static func normal(_ p: String) -> String { AAREPattern.filterSlashes(CoverageSet.singleSlashes(p)) }

    static func kindName(_ k: SyntaxKind) -> String {
        switch k {
        case .changeHatDecl: "hat"
        case .changeProfileRule: "change_profile"
        case .pivotRootRule: "pivot_root"
        case .ioUringRule: "io_uring"
        default: k.rawValue.hasSuffix("Rule") ? String(k.rawValue.dropLast(4)) : k.rawValue
        }
    }

    /// A rule other than a file rule, in words close to its syntax (variables expanded).
    static func summary(_ r: PolicyRule) -> String {
        let q = r.qualifiers
        var words: [String] = q.owner ? ["owner"] : []
        func conds(_ cs: [RuleCondition]) -> [String] {
            let plain = cs.filter { !$0.isPeer }.map { "\($0.key)=\($0.values.count == 1 ? $0.values[0] : "(" + $0.values.joined(separator: " ") + ")")" }
            let peer = cs.filter(\.isPeer).map { "\($0.key)=\($0.values.count == 1 ? $0.values[0] : "(" + $0.values.joined(separator: " ") + ")")" }
            return plain + (peer.isEmpty ? [] : ["peer=(" + peer.joined(separator: " ") + ")"])
        }
        switch r.detail {
        case .capability(let caps): words += ["capability"] + caps
        case .network(let n):
            words += ["network"] + n.perms + [n.domain, n.typeOrProtocol].compactMap { $0 } + conds(n.conditions)
        case .access(let a):
            words.append(kindName(r.kind))
            words += a.perms.isEmpty ? [] : [a.perms.count == 1 ? a.perms[0] : "(" + a.perms.joined(separator: " ") + ")"]
            words += conds(a.conditions)
        case .link(let l): words += ["link"] + (l.subset ? ["subset"] : []) + [l.path, "->", l.target]
        case .mount(let m):
            words.append(kindName(r.kind))
            if !m.fstype.isEmpty { words.append("fstype=(" + m.fstype.joined(separator: " ") + ")") }
            if !m.options.isEmpty { words.append("options=(" + m.options.joined(separator: " ") + ")") }
            words += [m.source, m.mountpoint.map { "-> " + $0 }].compactMap { $0 }
        case .pivotRoot(let o, let n, let t):
            words += ["pivot_root"] + [o.map { "oldroot=" + $0 }, n, t.map { "-> " + $0 }].compactMap { $0 }
        case .changeProfile(let c):
            words += ["change_profile"] + [c.execPath, c.target.map { "-> " + $0 }].compactMap { $0 }
        case .rlimit(let res, let v): words += ["set rlimit", res, "<=", v]
        case .changeHat(let h): words += ["^" + h]
        case .file(let f): words += [f.path ?? "file", f.permissions.access.text]
        }
        if r.kind == .allRule { return "all" }
        return words.joined(separator: " ")
    }
}

extension PolicyFileCache {
    /// The 1-based line and text (as written) of a rule, from the parse of its file.
    public func ruleSource(_ r: PolicyRule) -> (line: Int, text: String) {
        guard case .success(let parsed) = load(r.file) else { return (0, "") }
        return (parsed.source.location(of: Int(r.node.textRange.lowerBound)).line, parsed.text(r.node))
    }
}
