import AppArmorPolicy
import AppArmorSyntax

/// Sound subset checks between rules: `a.covers(b)` is true only when every access `b` grants
/// (or denies) is also granted (or denied) by `a`. Used to skip log events already allowed and
/// to find duplicate rules. When in doubt the answer is false.
extension PolicyRule {
    /// With `patterns`, file paths are filtered, compiled and compared once per run.
    public func covers(_ other: PolicyRule, patterns: MatcherCache? = nil) -> Bool {
        guard qualifiers.deny == other.qualifiers.deny else { return false }
        return decides(other, patterns: patterns)
    }

    /// Whether this rule decides a request (allows it, or refuses it when a `deny` rule): the
    /// same test as `covers` without comparing allow/deny. `audit` never matters.
    public func decides(_ other: PolicyRule, patterns: MatcherCache? = nil) -> Bool {
        guard kind == other.kind else { return false }
        if qualifiers.owner && !other.qualifiers.owner { return false }
        if qualifiers.other && !other.qualifiers.other { return false }
        switch (detail, other.detail) {
        case (.file(let a), .file(let b)):
            guard a.permissions.includes(b.permissions) else { return false }
            guard a.path != nil else { return true }  // bare `file,` allows every path
            guard b.path != nil else { return false }
            if let patterns, let pa = patterns.filteredPath(self), let pb = patterns.filteredPath(other) {
                return patterns.covers(pa, pb)
            }
            return AAREPattern.covers(AAREPattern.filterSlashes(a.path!), AAREPattern.filterSlashes(b.path!))
        case (.link(let a), .link(let b)):
            let f = AAREPattern.filterSlashes
            return (!a.subset || b.subset) && AAREPattern.covers(f(a.path), f(b.path)) && AAREPattern.covers(f(a.target), f(b.target))
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

    /// Every condition of `a` must be matched by the same condition of `b`, covered. A key
    /// written several times (`signal set=hup set=int`) stands for the union of its values.
    static func conditionsCover(_ a: [RuleCondition], _ b: [RuleCondition]) -> Bool {
        for c in a {
            let theirs = b.filter { $0.key == c.key && $0.isPeer == c.isPeer }.flatMap(\.values)
            guard !theirs.isEmpty || b.contains(where: { $0.key == c.key && $0.isPeer == c.isPeer }) else { return false }
            let ours = a.filter { $0.key == c.key && $0.isPeer == c.isPeer }.flatMap(\.values)
            for v in theirs where !ours.contains(where: { AAREPattern.covers($0, v) }) { return false }
        }
        return true
    }
}

extension AAREPattern {
    /// A file rule's path as apparmor_parser compiles it: it expands each value of a variable
    /// on its own and then runs `filter_slashes` (runs of `/` become one, but for a leading `//`
    /// not followed by a third). Here variables are already one alternation, so an alternative
    /// ending in `/` before a `/` loses it too: `@{etc_ro}/ld.so.cache`, which expands to
    /// `{/etc/,/usr/etc/}/ld.so.cache`, names `/etc/ld.so.cache` as it does for the parser.
    public static func filterSlashes(_ path: String) -> String {
        let slash = UInt8(ascii: "/")
        let b = Array(path.utf8)
        guard b.count >= 2, b.contains(slash) else { return path }
        // Slashes that end an alternative of a group followed by `/`.
        var dropped = Set<Int>()
        for g in braceGroups(b).groups where g.close + 1 < b.count && b[g.close + 1] == slash {
            let starts = [g.open] + g.commas
            for end in g.commas + [g.close] where b[end - 1] == slash && !starts.contains(end - 1) { dropped.insert(end - 1) }
        }
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        if b[0] == slash, b[1] == slash, b.count < 3 || b[2] != slash {
            out += [slash, slash]
            i = 2
        }
        var seen = false
        while i < b.count {
            defer { i += 1 }
            if dropped.contains(i) { continue }
            if b[i] == slash {
                if !seen { out.append(slash) }
                seen = true
            } else {
                seen = false
                out.append(b[i])
            }
        }
        return out.count == b.count ? path : String(decoding: out, as: UTF8.self)
    }

    /// Whether pattern text `a` matches every string pattern text `b` matches. `matcher`
    /// compiles a pattern and `samples` gives two strings a compiled pattern matches (a
    /// `MatcherCache` works each out once per pattern).
    public static func covers(_ a: String, _ b: String, matcher: (String) -> AAREMatcher? = { try? AAREMatcher($0) },
                              samples: (String, AAREMatcher) -> [[UInt8]] = { _, m in samples(m) }) -> Bool {
        if a == b { return true }
        // Cheap refusals first. Every string `b` matches starts with its literal head and ends
        // with its literal tail, and so does every string of `a`: heads and tails must agree as
        // far as the shorter one goes.
        let ba = Array(a.utf8), bb = Array(b.utf8)
        let sa = specials(ba), sb = specials(bb)
        func agree(_ x: ArraySlice<UInt8>, _ y: ArraySlice<UInt8>, fromEnd: Bool) -> Bool {
            let n = min(x.count, y.count)
            return fromEnd ? x.suffix(n).elementsEqual(y.suffix(n)) : x.prefix(n).elementsEqual(y.prefix(n))
        }
        guard agree(ba[..<(sa?.first ?? ba.count)], bb[..<(sb?.first ?? bb.count)], fromEnd: false),
              agree(ba[((sa?.last ?? -1) + 1)...], bb[((sb?.last ?? -1) + 1)...], fromEnd: true) else { return false }
        // Two texts without special characters match themselves only.
        if sa == nil, sb == nil { return false }
        guard let ma = matcher(a) else { return false }
        // A plain `b` is one string: match it.
        if sb == nil { return ma.matches(bytes: bb) }
        guard let mb = matcher(b) else { return false }
        // Two strings `b` matches that `a` must match too, before the exact search.
        for sample in samples(b, mb) where !ma.matches(bytes: sample) { return false }
        return ma.covers(mb)
    }

    /// The texts a pattern's alternations stand for, nested ones included (`{a,b{c,d}}x` ->
    /// `ax`, `bcx`, `bdx`): their union matches what the pattern matches. nil when there would
    /// be more than `limit`, or the braces do not balance.
    public static func alternatives(_ pattern: String, limit: Int = 64) -> [String]? {
        var out: [String] = []
        func expand(_ b: [UInt8]) -> Bool {
            let (groups, unclosed) = braceGroups(b)
            guard !unclosed else { return false }
            // The first group at the top level: its alternatives, each expanded in turn.
            guard let g = groups.min(by: { $0.open < $1.open }) else {
                guard out.count < limit else { return false }
                out.append(String(decoding: b, as: UTF8.self))
                return true
            }
            for (s, e) in zip([g.open] + g.commas, g.commas + [g.close]) {
                guard expand(Array(b[..<g.open]) + Array(b[(s + 1)..<e]) + Array(b[(g.close + 1)...])) else { return false }
            }
            return true
        }
        return expand(Array(pattern.utf8)) ? out : nil
    }

    /// The `{...}` groups of a pattern in the order they close: each `{`, its own top-level
    /// `,`s and its `}` (escapes and classes skipped); and whether a `{` is left open.
    static func braceGroups(_ b: [UInt8]) -> (groups: [(open: Int, commas: [Int], close: Int)], unclosed: Bool) {
        var done: [(open: Int, commas: [Int], close: Int)] = []
        var open: [(open: Int, commas: [Int])] = []
        var i = 0
        var inClass = false
        while i < b.count {
            let c = b[i]
            if c == UInt8(ascii: "\\") { i += 2; continue }
            if inClass {
                if c == UInt8(ascii: "]") { inClass = false }
            } else if c == UInt8(ascii: "[") {
                inClass = true
            } else if c == UInt8(ascii: "{") {
                open.append((i, []))
            } else if c == UInt8(ascii: ","), !open.isEmpty {
                open[open.count - 1].commas.append(i)
            } else if c == UInt8(ascii: "}"), let g = open.popLast() {
                done.append((g.open, g.commas, i))
            }
            i += 1
        }
        return (done, !open.isEmpty)
    }

    /// Two strings the pattern matches: its shortest and its longer choices (`sample`).
    public static func samples(_ m: AAREMatcher) -> [[UInt8]] {
        [m.pattern.root.sample(shortest: true), m.pattern.root.sample(shortest: false)]
    }

    /// The first and last offsets of a character AARE gives a meaning to (`@` too, for
    /// variables left unexpanded); nil when there is none.
    static func specials(_ bytes: [UInt8]) -> (first: Int, last: Int)? {
        func special(_ b: UInt8) -> Bool {
            switch b {
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"),
                 UInt8(ascii: "}"), UInt8(ascii: ","), UInt8(ascii: "\\"), UInt8(ascii: "@"): true
            default: false
            }
        }
        guard let first = bytes.firstIndex(where: special), let last = bytes.lastIndex(where: special) else { return nil }
        return (first, last)
    }
}

extension AARENode {
    /// One string the pattern matches: the shortest choices (`*` empty, first alternative,
    /// lowest byte of a set), or longer ones (`*` one byte, `**` across a `/`, last
    /// alternative, highest byte of a set).
    func sample(shortest: Bool) -> [UInt8] {
        var out: [UInt8] = []
        func walk(_ n: AARENode) {
            switch n {
            case .byte(let b): out.append(b)
            case .anyButSlash: out.append(UInt8(ascii: "a"))
            case .star: if !shortest { out.append(UInt8(ascii: "a")) }
            case .doubleStar: if !shortest { out += Array("a/a".utf8) }
            case .set(let set):
                let bytes = shortest ? Array(0...255) : Array((0...255).reversed())
                if let b = bytes.first(where: { set.contains(UInt8($0)) }) { out.append(UInt8(b)) }
            case .sequence(let parts): parts.forEach(walk)
            case .alternation(let alts): if let a = shortest ? alts.first : alts.last { walk(a) }
            }
        }
        walk(self)
        return out
    }
}
