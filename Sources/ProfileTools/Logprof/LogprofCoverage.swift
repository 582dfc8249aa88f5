import AppArmorPolicy
import AppArmorSyntax
import AuditLog

/// Compiled AARE patterns, shared by every rule set of a run.
final class MatcherCache {
    private var cache: [String: GlobMatcher?] = [:]

    func matcher(_ pattern: String) -> GlobMatcher? {
        if let m = cache[pattern] { return m }
        let m = GlobMatcher(pattern)
        cache[pattern] = m
        return m
    }
}

/// The rules of a profile (its includes resolved, variables expanded) in a form that answers
/// "is this request already allowed (or denied)?", plus the rules logprof has added so far.
final class CoverageSet {
    struct FileEntry {
        var pattern: String
        /// The path as the rule writes it (variables unexpanded), for options.
        var display: String
        var perms: Set<Character>
        var owner: Bool
        var deny: Bool
        /// Which file of a combined set the rule comes from.
        var group = 0
    }

    let matchers: MatcherCache
    private(set) var files: [FileEntry] = []
    private var index = PathIndex()
    typealias FilePerms = (allow: Set<Character>, deny: Set<Character>, allowNonOwner: Set<Character>, patterns: [String])
    /// Answers of `filePermissions` (emptied when a rule is added).
    private var memo: [PathKey: FilePerms] = [:]
    struct PathKey: Hashable { var path: [UInt8]; var owner: Bool }
    private var capabilities = Set<String>()
    private var allCapabilities = false
    private var networks: [(domain: String?, type: String?)] = []
    private var bareKinds = Set<SyntaxKind>()
    private var texts = Set<String>()
    private(set) var everything = false

    /// Remember answers per path (profiles, asked several times per request); abstraction
    /// sets, asked once per request each, do not.
    let memoize: Bool

    init(matchers: MatcherCache, memoize: Bool = true) {
        self.matchers = matchers
        self.memoize = memoize
    }

    /// Adds the loaded rules of a profile; `text` gives a rule's source text. With
    /// `writtenPathsOnly`, file rules whose path uses a variable are left out.
    func add(_ rules: [PolicyRule], text: (PolicyRule) -> String?, writtenPathsOnly: Bool = false, group: Int = 0, filesOnly: Bool = false) {
        for r in rules {
            let q = r.qualifiers
            if filesOnly { guard case .file = r.detail else { continue } }
            switch r.detail {
            case .file(let f):
                var perms = Set<Character>()
                let p = f.permissions
                if p.read { perms.insert("r") }
                if p.write { perms.insert("w"); perms.insert("a") }
                if p.append { perms.insert("a") }
                if p.link { perms.insert("l") }
                if p.lock { perms.insert("k") }
                if p.mmap { perms.insert("m") }
                if p.exec != nil { perms.insert("x") }
                let written = text(r).flatMap(Self.writtenPath)
                if writtenPathsOnly && (written ?? "@{").contains("@{") { continue }
                addFile(pattern: f.path ?? "/{**,}", display: written ?? f.path ?? "/{**,}", perms: perms, owner: q.owner, deny: q.deny, group: group)
            case .capability(let names):
                if q.deny { continue }
                if names.isEmpty { allCapabilities = true } else { capabilities.formUnion(names) }
            case .network(let n):
                if q.deny || !n.conditions.isEmpty { continue }
                networks.append((n.domain, n.typeOrProtocol))
            case .access(let a):
                if r.kind == .allRule { everything = true; continue }
                if q.deny { continue }
                if a.perms.isEmpty && a.conditions.isEmpty { bareKinds.insert(r.kind) }
                if let t = text(r) { texts.insert(Self.normalized(t)) }
            default:
                if q.deny { continue }
                if let t = text(r) { texts.insert(Self.normalized(t)) }
            }
        }
    }

    func addFile(pattern raw: String, display: String? = nil, perms: Set<Character>, owner: Bool, deny: Bool, group: Int = 0) {
        let pattern = Self.singleSlashes(raw)
        memo.removeAll()
        index.add(files.count, pattern: pattern)
        files.append(FileEntry(pattern: pattern, display: display ?? raw, perms: perms, owner: owner, deny: deny, group: group))
    }

    /// Adds a rule text logprof proposed (not a file rule; those go through `addFile`).
    func addText(_ t: String) {
        texts.insert(Self.normalized(t))
    }

    /// The permissions granted (allow) or refused (deny) to a path by matching rules, and the
    /// patterns of the matching allow rules.
    func filePermissions(path: [UInt8], owner: Bool) -> FilePerms {
        guard memoize else { return computeFilePermissions(path: path, owner: owner) }
        let key = PathKey(path: path, owner: owner)
        if let m = memo[key] { return m }
        let r = computeFilePermissions(path: path, owner: owner)
        memo[key] = r
        return r
    }

    private func computeFilePermissions(path: [UInt8], owner: Bool) -> FilePerms {
        var allow = Set<Character>(), deny = Set<Character>(), nonOwner = Set<Character>()
        var patterns: [String] = []
        for id in index.candidates(path) {
            let e = files[id]
            if e.owner && !owner { continue }
            guard let m = matchers.matcher(e.pattern), m.matches(path) else { continue }
            if e.deny {
                deny.formUnion(e.perms)
            } else {
                allow.formUnion(e.perms)
                if !e.owner { nonOwner.formUnion(e.perms) }
                patterns.append(e.display)
            }
        }
        return (allow, deny, nonOwner, patterns)
    }

    /// The rules that match a path, for a set that combines several files.
    func matchingEntries(path: [UInt8], owner: Bool) -> [FileEntry] {
        index.candidates(path).compactMap { id in
            let e = files[id]
            if e.owner && !owner { return nil }
            guard let m = matchers.matcher(e.pattern), m.matches(path) else { return nil }
            return e
        }
    }

    /// Whether the request is already allowed or denied by these rules.
    func isKnown(_ kind: EventKind) -> Bool {
        if everything { return true }
        switch kind {
        case .file(let f):
            let want = Set(f.permissions.map(\.rawValue))
            let got = filePermissions(path: f.path, owner: f.owner)
            return want.isSubset(of: got.allow) || want.isSubset(of: got.deny)
        case .exec(let path, _):
            let got = filePermissions(path: path, owner: false)
            return got.allow.contains("x") || got.deny.contains("x")
        case .capability(let name):
            return allCapabilities || capabilities.contains(name)
        case .network(let n):
            let fam = n.family.map { String(decoding: $0, as: UTF8.self) }
            let typ = n.sockType.map { String(decoding: $0, as: UTF8.self) }
            return networks.contains { ($0.domain == nil || $0.domain == fam) && ($0.type == nil || $0.type == typ) }
        case .changeHat:
            return false
        default:
            if let k = Self.syntaxKind(kind), bareKinds.contains(k) { return true }
            guard let p = RuleText.proposal(for: kind) else { return false }
            return texts.contains(Self.normalized(p.line))
        }
    }

    /// Whether several rule sets together know a request (file permissions add up).
    static func isKnown(_ kind: EventKind, in sets: [CoverageSet]) -> Bool {
        guard case .file(let f) = kind, sets.count > 1 else { return sets.contains { $0.isKnown(kind) } }
        let want = Set(f.permissions.map(\.rawValue))
        var allow = Set<Character>(), deny = Set<Character>()
        for s in sets {
            if s.everything { return true }
            let got = s.filePermissions(path: f.path, owner: f.owner)
            allow.formUnion(got.allow)
            deny.formUnion(got.deny)
        }
        return want.isSubset(of: allow) || want.isSubset(of: deny)
    }

    static func syntaxKind(_ kind: EventKind) -> SyntaxKind? {
        switch kind {
        case .file, .exec: .fileRule
        case .capability: .capabilityRule
        case .network: .networkRule
        case .unix: .unixRule
        case .dbus: .dbusRule
        case .signal: .signalRule
        case .ptrace: .ptraceRule
        case .mount(let m): m.operation == .mount ? .mountRule : (m.operation == .remount ? .remountRule : .umountRule)
        case .pivotRoot: .pivotRootRule
        case .changeProfile: .changeProfileRule
        case .changeHat: nil
        case .userns: .usernsRule
        case .mqueue: .mqueueRule
        case .ioUring: .ioUringRule
        }
    }

    /// Variables such as `@{HOME}/` expand to doubled slashes (`/home//*/`,
    /// `{/home/*/,/root/}/x`); paths have single ones, as apparmor_parser treats them.
    static func singleSlashes(_ raw: String) -> String {
        var c = Array(raw.utf8)
        var changed = true
        while changed {
            changed = false
            var i = 0
            while i + 1 < c.count {
                if c[i] == 0x2F && c[i + 1] == 0x2F { c.remove(at: i + 1); changed = true; continue }
                // `{a/,b/}/`: drop the alternatives' trailing slashes.
                if c[i] == UInt8(ascii: "}") && c[i + 1] == 0x2F, let ends = alternativeEnds(c, close: i), ends.allSatisfy({ c[$0] == 0x2F }) {
                    for e in ends.sorted(by: >) { c.remove(at: e) }
                    changed = true
                    break
                }
                i += 1
            }
        }
        return String(decoding: c, as: UTF8.self)
    }

    /// The index of the last byte of each top-level alternative of the `{...}` closing at `close`.
    static func alternativeEnds(_ c: [UInt8], close: Int) -> [Int]? {
        var depth = 0
        var ends = [close - 1]
        var i = close - 1
        while i >= 0 {
            switch c[i] {
            case UInt8(ascii: "}"): depth += 1
            case UInt8(ascii: "{"):
                if depth == 0 { return ends.allSatisfy { $0 > i } ? ends : nil }
                depth -= 1
            case UInt8(ascii: ","): if depth == 0 { ends.append(i - 1) }
            default: break
            }
            i -= 1
        }
        return nil
    }

    /// The path of a file rule's source text: the first word after the qualifiers and an
    /// optional `file` keyword (quoted paths keep their quotes).
    static let qualifierWords: Set<Substring> = ["audit", "deny", "allow", "owner", "other", "file", "quiet", "kill", "complain", "prompt"]

    static func writtenPath(_ text: String) -> String? {
        for w in text.split(maxSplits: 8, whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }) {
            if qualifierWords.contains(w) || w.hasPrefix("priority=") { continue }
            guard let c = w.first, c == "/" || c == "@" || c == "\"" || c == "{" else { return nil }
            return String(w.hasSuffix(",") ? w.dropLast() : w)
        }
        return nil
    }

    /// Whitespace collapsed, the trailing comma dropped, qualifiers kept.
    static func normalized(_ t: String) -> String {
        var s = t.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).joined(separator: " ")
        while s.hasSuffix(",") || s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
