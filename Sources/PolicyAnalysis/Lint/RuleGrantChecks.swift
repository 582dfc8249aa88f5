import AppArmorPolicy
import AppArmorSyntax

/// The checks on what one profile's rules grant: broad grants, write-and-execute, allow rules
/// a deny refuses, deny rules that refuse nothing. Only the rules written in the linted file
/// are reported (an abstraction's rules are the abstraction's business), but every rule the
/// profile loads counts as a partner (a deny from an include makes an own allow rule dead).
struct RuleGrantChecks {
    let source: SourceFile
    let matchers: MatcherCache
    /// Where the rules of includes are read from (for their text in messages).
    let cache: PolicyFileCache

    /// A file rule as these checks see it: its path as apparmor_parser compiles it.
    struct FileGrant {
        let rule: PolicyRule
        /// nil for a bare `file,` (every path).
        let path: String?
        let granted: PermissionSet
        let exec: ExecMode?
    }

    func fileGrant(_ r: PolicyRule) -> FileGrant? {
        guard case .file(let f) = r.detail else { return nil }
        return FileGrant(rule: r, path: matchers.filteredPath(r), granted: f.permissions.granted, exec: f.permissions.exec)
    }

    static let writing: PermissionSet = [.write, .append]

    func isOwn(_ r: PolicyRule) -> Bool { r.file == source.path }

    func finding(_ rule: LintRule, _ message: String, _ r: PolicyRule) -> LintFinding {
        LintFinding(rule, message, at: r.node.textRange, in: source)
    }

    /// The rule's text on one line, for messages.
    func text(_ r: PolicyRule) -> String {
        var src = source
        if !isOwn(r), case .success(let other) = cache.load(r.file) { src = other.source }
        guard r.node.textRange.upperBound <= src.bytes.count else { return "" }
        let bytes = src.bytes[r.node.textRange]
        let s = String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return s.utf8.count > 80 ? String(s.prefix(77)) + "..." : s
    }

    /// `line N` for a rule of this file, the include's name for another's.
    func place(_ r: PolicyRule) -> String {
        isOwn(r) ? "line \(source.location(of: r.node.textRange.lowerBound).line)" : IncludeNames.short(r.file)
    }

    // MARK: broad grants

    func broadGrants(_ profile: Profile) -> [LintFinding] {
        var out: [LintFinding] = []
        for r in profile.rules where isOwn(r) && !r.qualifiers.deny {
            switch r.detail {
            case .file(let f):
                guard let g = fileGrant(r) else { continue }
                if let e = f.permissions.exec, e.kind == "u" || e.fallback == "u" {
                    out.append(finding(.unconfinedExec, "'\(text(r))' runs programs unconfined (\(e))", r))
                }
                guard let path = g.path else {
                    out.append(finding(.broadWrite, "'file,' grants every permission on every path", r))
                    continue
                }
                let everything = matchers.covers(path, "/**")
                if everything {
                    let strong = g.granted.intersection([.write, .append, .link, .exec])
                    if !strong.isEmpty {
                        out.append(finding(.broadWrite, "'\(text(r))' grants \(strong.text) on every path", r))
                    } else {
                        out.append(finding(.broadRead, "'\(text(r))' grants \(g.granted.text) on every path", r))
                    }
                    continue
                }
                if !g.granted.isDisjoint(with: Self.writing), matchers.covers(path, "/home/*/**") {
                    out.append(finding(.homeWrite, "'\(text(r))' lets the program write every file of the home folders", r))
                }
                if !g.granted.isDisjoint(with: [.read, .write, .append]), matchers.matcher(path)?.matches("/proc/1234/mem") == true {
                    out.append(finding(.procMem, "'\(text(r))' reaches /proc/PID/mem, other processes' memory", r))
                }
            case .capability(let names):
                if names.isEmpty {
                    out.append(finding(.bareCapability, "'capability,' grants every capability", r))
                } else if names.contains("sys_admin") {
                    out.append(finding(.capSysAdmin, "capability sys_admin is close to full root", r))
                }
            case .network(let n):
                if n.domain == nil, n.typeOrProtocol == nil, n.perms.isEmpty, n.conditions.isEmpty {
                    out.append(finding(.bareNetwork, "'network,' grants every socket family and type", r))
                }
            case .mount(let m):
                if r.kind == .mountRule, m.options.isEmpty, m.fstype.isEmpty, m.source == nil, m.mountpoint == nil {
                    out.append(finding(.bareMount, "'mount,' allows any mount anywhere", r))
                }
            case .access(let a):
                if r.kind == .ptraceRule, a.perms.isEmpty, a.conditions.isEmpty {
                    out.append(finding(.barePtrace, "'ptrace,' allows tracing every process it can reach", r))
                } else if r.kind == .allRule {
                    out.append(finding(.broadWrite, "'all,' grants every permission of every kind", r))
                }
            default:
                continue
            }
        }
        return out
    }

    // MARK: write and execute

    /// Two file paths name a common file, judged conservatively: the same pattern, one
    /// pattern covering the other, or a literal path the other pattern matches.
    func samePaths(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let la = AAREPattern.isPlainText(a), lb = AAREPattern.isPlainText(b)
        if la && lb { return false }
        if la { return matchers.matcher(b)?.matches(a) == true }
        if lb { return matchers.matcher(a)?.matches(b) == true }
        return matchers.covers(a, b) || matchers.covers(b, a)
    }

    func writeExec(_ profile: Profile) -> [LintFinding] {
        let grants = profile.rules.compactMap(fileGrant)
        let allows = grants.filter { !$0.rule.qualifiers.deny }
        let deniesWrite = grants.filter { $0.rule.qualifiers.deny && !$0.granted.isDisjoint(with: Self.writing) }
        // Writers over every path are broad-write's finding: not a partner for each exec rule.
        let writers = allows.filter { g in
            guard let p = g.path, !g.granted.isDisjoint(with: Self.writing) else { return false }
            return !matchers.covers(p, "/**")
        }
        var out: [LintFinding] = []
        for g in allows where isOwn(g.rule) {
            // A rule over every path is broad-write's finding.
            guard let path = g.path, !matchers.covers(path, "/**") else { continue }
            let inherits = g.exec.map { $0.kind == "i" || $0.fallback == "i" } ?? false
            let runs = g.exec != nil || g.granted.contains(.mmap)
            guard runs else { continue }
            if deniesWrite.contains(where: { d in d.path.map { matchers.covers($0, path) } ?? true }) { continue }
            let what = g.exec.map { "executes (\($0.kind == "x" ? "x" : $0.description))" } ?? "maps as code (m)"
            if !g.granted.isDisjoint(with: Self.writing) {
                out.append(finding(inherits ? .inheritWritable : .writeExec, "'\(text(g.rule))' both writes and \(what) the same path", g.rule))
                continue
            }
            guard let w = writers.first(where: { $0.rule !== g.rule && samePaths($0.path!, path) }) else { continue }
            let message = "'\(text(g.rule))' \(what) a path that '\(text(w.rule))' (\(place(w.rule))) lets it write"
            out.append(finding(inherits ? .inheritWritable : .writeExec, message, g.rule))
        }
        return out
    }

    // MARK: allow and deny

    /// Whether deny rule `d` refuses everything allow rule `a` grants.
    func refusesAll(_ d: PolicyRule, _ a: PolicyRule) -> Bool {
        guard d.qualifiers.priority == a.qualifiers.priority else { return false }
        if d.qualifiers.owner && !a.qualifiers.owner || d.qualifiers.other && !a.qualifiers.other { return false }
        if let dg = fileGrant(d), let ag = fileGrant(a) {
            guard let ap = ag.path else { return false }
            guard ag.granted.isSubset(of: dg.granted) else { return false }
            return dg.path.map { matchers.covers($0, ap) } ?? true
        }
        return d.decides(a, patterns: matchers)
    }

    /// Whether allow rule `a` grants anything deny rule `d` refuses (conservatively: any allow
    /// rule of the same kind counts, but for file rules and capabilities, which are compared).
    func grantsSome(_ a: PolicyRule, of d: PolicyRule) -> Bool {
        guard a.kind == d.kind || a.kind == .allRule else { return false }
        if let dg = fileGrant(d), let ag = fileGrant(a) {
            guard !ag.granted.isDisjoint(with: dg.granted) else { return false }
            guard let dp = dg.path, let ap = ag.path else { return true }
            if dp == ap { return true }
            guard let md = matchers.matcher(dp), let ma = matchers.matcher(ap) else { return true }
            return md.intersects(ma)
        }
        if case .capability(let dn) = d.detail, case .capability(let an) = a.detail {
            return an.isEmpty || dn.isEmpty || !Set(an).isDisjoint(with: dn)
        }
        return true
    }

    func allowDeny(_ profile: Profile) -> [LintFinding] {
        let denies = profile.rules.filter(\.qualifiers.deny)
        guard !denies.isEmpty else { return [] }
        let allows = profile.rules.filter { !$0.qualifiers.deny }
        var out: [LintFinding] = []
        for a in allows where isOwn(a) {
            if let d = denies.first(where: { refusesAll($0, a) }) {
                out.append(finding(.deadAllow, "'\(text(a))' grants nothing: '\(text(d))' (\(place(d))) denies all of it", a))
            }
        }
        for d in denies where isOwn(d) {
            if !allows.contains(where: { grantsSome($0, of: d) }) {
                out.append(finding(.denyNothing, "'\(text(d))' denies what nothing in the profile grants", d))
            }
        }
        return out
    }
}
