import AppArmorSyntax

/// How an exec permission transitions: `ix`, `px`/`Px`, `cx`/`Cx`, `ux`/`Ux`, with an optional
/// fallback (`pix`, `Cux`...) and target (`-> name`). Upper case means the environment is
/// scrubbed ("safe"); `safe`/`unsafe` before a rule set it explicitly.
public struct ExecMode: Sendable, Hashable, CustomStringConvertible {
    /// `i`, `u`, `p`, `c`, or `x` for a bare `x` (deny rules only).
    public var kind: Character
    public var safe: Bool
    /// `i` or `u` fallback of `p`/`c` modes.
    public var fallback: Character?
    public var fallbackSafe: Bool
    public var target: String?

    public var description: String {
        var s = ""
        if kind != "x" { s.append(safe ? Character(kind.uppercased()) : kind) }
        if let f = fallback { s.append(fallbackSafe && f == "u" ? "U" : f) }
        s += "x"
        if let t = target { s += " -> \(t)" }
        return s
    }
}

/// File permissions of a file rule: the access letters, and the exec transition when there
/// is one.
public struct FilePermissions: Sendable, Hashable {
    /// `m r w a l k` (never `x`: `exec` says how a program runs).
    public var access = PermissionSet()
    public var exec: ExecMode?

    /// What the rule grants when asked: `w` includes `a`, and `x` when it has an exec mode.
    public var granted: PermissionSet { access.granted.union(exec == nil ? [] : .exec) }

    /// Whether these permissions include all of `other`'s.
    public func includes(_ o: FilePermissions) -> Bool {
        o.access.isSubset(of: access.granted) && (o.exec == nil || exec == o.exec)
    }
}

/// `[qualifiers] [file] PATH PERMS [-> TARGET],` or `PERMS PATH`, or a bare `file,`.
public struct FileRule: Sendable {
    /// The path pattern with variables expanded; nil for a bare `file,`.
    public var path: String?
    public var permissions: FilePermissions
}

/// `[owner] link [subset] PATH -> TARGET,`
public struct LinkRule: Sendable {
    public var subset: Bool
    public var path: String
    public var target: String
}

/// One exec rule of a profile, kept to find conflicting modes on the same path.
struct ExecEntry {
    let pattern: String
    let literal: Bool
    let mode: ExecMode
    let priority: Int
    let range: Range<Int>
    let result: ParseResult
}

enum FileRuleReader {
    static func isPathLike(_ s: String) -> Bool {
        s.utf8.starts(with: "/".utf8) || s.utf8.starts(with: "@{".utf8) || s.utf8.starts(with: "{".utf8) || s.utf8.starts(with: "*".utf8)
    }

    /// Parses a permission string; nil (after reporting) when invalid.
    static func permissions(_ s: String, _ scope: RuleScope, _ range: Range<Int>) -> FilePermissions? {
        var p = FilePermissions()
        let c = Array(s)
        var i = 0
        func fail(_ msg: String) -> FilePermissions? {
            scope.error(.badPermission, msg, range)
            return nil
        }
        while i < c.count {
            var ch = c[i]
            if ch == "R" || ch == "W" || ch == "M" || ch == "X" { ch = Character(ch.lowercased()) }
            switch ch {
            case "r", "w", "a", "l", "k", "m": p.access.insert(PermissionSet(letter: ch)!)
            case "i", "u", "U", "p", "P", "c", "C", "x":
                var mode = ExecMode(kind: "x", safe: false, fallback: nil, fallbackSafe: false, target: nil)
                var j = i
                if ch != "x" {
                    mode.kind = Character(ch.lowercased())
                    mode.safe = ch.isUppercase
                    j += 1
                    if (ch == "p" || ch == "P" || ch == "c" || ch == "C"), j < c.count, "iIuU".contains(c[j]) {
                        mode.fallback = Character(c[j].lowercased())
                        mode.fallbackSafe = c[j] == "U"
                        j += 1
                    }
                    if ch == "I" { return fail("invalid exec mode in '\(s)'") }
                }
                guard j < c.count, c[j] == "x" || c[j] == "X" else { return fail("invalid exec mode in '\(s)': expected 'x' after '\(ch)'") }
                if let prev = p.exec, prev != mode { return fail("more than one exec mode in '\(s)'") }
                p.exec = mode
                i = j
            default:
                return fail("invalid file permission '\(ch)' in '\(s)'")
            }
            i += 1
        }
        if p.access.contains([.write, .append]) { return fail("'w' and 'a' conflict in '\(s)'") }
        return p
    }

    /// `permissions`, remembered for the run when valid (a tree repeats a few permission
    /// strings); invalid ones are read again so that each rule reports its own error.
    static func cachedPermissions(_ s: String, _ scope: RuleScope, _ range: Range<Int>) -> FilePermissions? {
        if let p = scope.session.cache.filePermissions[s] { return p }
        guard let p = permissions(s, scope, range) else { return nil }
        scope.session.cache.filePermissions[s] = p
        return p
    }

    static func read(_ scope: RuleScope, frame: ProfileFrame) -> RuleDetail? {
        var elements = scope.elements
        var safety: Bool?
        if case .word(let w, _) = elements.first, w == "safe" || w == "unsafe" {
            safety = w == "safe"
            elements.removeFirst()
        }
        var target: (String?, Range<Int>)?
        if case .arrow(let t, let n) = elements.last {
            target = (t, n.textRange)
            elements.removeLast()
        }
        if elements.isEmpty, scope.keyword != nil, target == nil, safety == nil {
            if scope.qualifiers.deny {
                // apparmor_parser 3.0 to 4.1 expand a bare `file` to every permission, exec
                // modes included, and refuse an exec mode in a deny rule (launchpad bug 1215637;
                // upstream's test corpus expects PASS once that is fixed).
                scope.error(.execModeBad, "'deny file,' is rejected by \(scope.session.versionName): a bare 'file' stands for every permission, exec modes included, and a deny rule cannot name an exec mode; write 'deny /** rwlkmx,' instead", scope.ruleRange)
                return nil
            }
            return .file(FileRule(path: nil, permissions: FilePermissions()))
        }
        guard elements.count == 2, case .word(let a, let ta) = elements[0], case .word(let b, let tb) = elements[1] else {
            let r = elements.count > 2 ? elements[2].range : scope.ruleRange
            scope.error(.unexpectedElement, "a file rule is a path and permissions", r)
            return nil
        }
        let pathFirst = ta.kind == .string || isPathLike(a)
        let (pathText, pathTok, permText, permTok) = pathFirst ? (a, ta, b, tb) : (b, tb, a, ta)
        if !pathFirst, !(tb.kind == .string || isPathLike(b)) {
            scope.error(.unexpectedElement, "expected a path in the file rule", tb.textRange)
            return nil
        }
        guard var perms = cachedPermissions(permText, scope, permTok.textRange) else { return nil }
        guard let path = scope.checkAARE(pathText, pathTok.textRange) else { return nil }
        if !(path.utf8.starts(with: "/".utf8) || path.utf8.starts(with: "{".utf8) || path.utf8.starts(with: "*".utf8)) {
            scope.error(.badAARE, "a file rule's path must be absolute: '\(pathText)'", pathTok.textRange)
            return nil
        }
        if let safety {
            guard perms.exec != nil else {
                scope.error(.execModeBad, "'\(safety ? "safe" : "unsafe")' needs an exec permission", scope.ruleRange)
                return nil
            }
            perms.exec!.safe = safety
        }
        if var mode = perms.exec {
            if mode.kind == "x", !scope.qualifiers.deny {
                scope.error(.execModeBad, "'x' needs an exec mode (ix, px, cx, ux...) unless the rule denies", permTok.textRange)
                return nil
            }
            if let (t, r) = target, perms.access.contains(.link), pathFirst {
                // Deprecated form: the target belongs to the link permission.
                if let t, scope.checkAARE(t, r) == nil { return nil }
            } else if let (t, r) = target {
                if perms.access.contains(.link), !pathFirst {
                    scope.error(.execModeBad, "a file rule with 'l' before the path cannot name an exec target", r)
                    return nil
                }
                guard mode.kind == "p" || mode.kind == "c" else {
                    scope.error(.execModeBad, "only px and cx modes take a target", r)
                    return nil
                }
                guard let t, let e = scope.expand(t, r) else { return nil }
                mode.target = e
                perms.exec = mode
            }
            if !scope.qualifiers.deny {
                let literal = AAREPattern.isExactMatch(path, classesAreExact: scope.session.version.characterClassIsExactMatch)
                frame.execRules.append(ExecEntry(pattern: path, literal: literal, mode: mode, priority: scope.qualifiers.priority ?? 0, range: scope.ruleRange, result: scope.result))
            }
        } else if let (t, r) = target {
            guard perms.access.contains(.link) else {
                scope.error(.execModeBad, "'->' needs an exec permission (px, cx) or 'l'", r)
                return nil
            }
            if let t, scope.checkAARE(t, r) == nil { return nil }
        }
        return .file(FileRule(path: path, permissions: perms))
    }

    static func readLink(_ scope: RuleScope) -> RuleDetail? {
        var elements = scope.elements
        var subset = false
        if case .word("subset", _) = elements.first {
            subset = true
            elements.removeFirst()
        }
        guard elements.count == 2, case .word(let p, let tp) = elements[0], case .arrow(let t, let n) = elements[1], let t else {
            scope.error(.unexpectedElement, "a link rule is: link [subset] PATH -> TARGET", scope.ruleRange)
            return nil
        }
        guard let path = scope.checkAARE(p, tp.textRange), let target = scope.checkAARE(t, n.textRange) else { return nil }
        return .link(LinkRule(subset: subset, path: path, target: target))
    }
}

extension CheckSession {
    /// Exec rules whose paths overlap must agree on the mode; literal paths override globs, and
    /// a higher priority overrides a lower one.
    func checkExecConflicts(_ frame: ProfileFrame) {
        let rules = frame.execRules
        guard rules.count > 1 else { return }
        // Plain integers for the quadratic loop: pattern ids (interned for the run), mode ids.
        // A profile has a handful of distinct modes: a list is quicker than hashing.
        var modeList: [ExecMode] = []
        let modes = rules.map { r in
            if let id = modeList.firstIndex(of: r.mode) { return id }
            modeList.append(r.mode)
            return modeList.count - 1
        }
        // One mode: nothing can conflict.
        guard modeList.count > 1 else { return }
        // (pattern, mode, priority) packed in an Int: a set of a type of its own would cost a
        // run-time conformance lookup, more than the whole loop for most profiles.
        var seen = Set<Int>()
        var keep: [(index: Int, pattern: Int, mode: Int, literal: Bool, priority: Int)] = []
        for (i, r) in rules.enumerated() {
            let p = cache.patternID(r.pattern)
            // The same rule reached twice (an abstraction included by two others) adds nothing.
            let key = p << 24 | modes[i] << 16 | (r.priority + 0x8000) & 0xFFFF
            guard seen.insert(key).inserted else { continue }
            keep.append((i, p, modes[i], r.literal, r.priority))
        }
        for a in 1..<keep.count {
            let x = keep[a]
            for b in 0..<a {
                let y = keep[b]
                guard x.mode != y.mode, x.literal == y.literal, x.priority == y.priority else { continue }
                if x.pattern == y.pattern || cache.intersects(x.pattern, y.pattern) {
                    let (ri, rj) = (rules[x.index], rules[y.index])
                    let kind = x.literal ? "exact matches" : "globs"
                    var notes: [String] = []
                    if ri.pattern.contains("[") || rj.pattern.contains("[") {
                        notes.append(version.characterClassIsExactMatch
                            ? "apparmor_parser 4.x counts a character class '[...]' as an exact match; 3.x counts it as a glob"
                            : "apparmor_parser 3.x counts a character class '[...]' as a glob; 4.x counts it as an exact match")
                    }
                    report(.execConflict, "conflicting exec modes: \(ri.mode) here, \(rj.mode) for an overlapping path (both \(kind) for \(versionName))",
                           ri.range, in: ri.result, notes: notes)
                    return
                }
            }
        }
    }
}
