import AppArmorPolicy
import AppArmorSyntax
import AuditLog

/// Compiled AARE patterns, shared by every rule set of a run: each distinct pattern gets an
/// id once, with its literal prefixes (for `PathIndex`); its matcher is compiled on first use.
public final class MatcherCache {
    /// Reads rule texts into typed rules for the sets that use this cache.
    public let reader: RuleTextReader

    public init(reader: RuleTextReader = RuleTextReader()) { self.reader = reader }
    private var cache: [String: AAREMatcher?] = [:]
    private var ids: [String: Int] = [:]
    public private(set) var patterns: [String] = []
    public private(set) var prefixes: [[[UInt8]]] = []
    private var compiled: [AAREMatcher??] = []

    public func matcher(_ pattern: String) -> AAREMatcher? {
        if let m = cache[pattern] { return m }
        let m = try? AAREMatcher(pattern)
        cache[pattern] = m
        return m
    }

    /// The id of a pattern (its prefixes computed the first time).
    public func id(_ pattern: String) -> Int {
        if let i = ids[pattern] { return i }
        let i = patterns.count
        ids[pattern] = i
        patterns.append(pattern)
        prefixes.append(PathIndex.literalPrefixes(pattern))
        compiled.append(nil)
        return i
    }

    /// What a file rule contributes to a set, worked out once per rule.
    public struct FileRule {
        /// -1 until the rule is first used in a set.
        public var patternID: Int
        public var pattern: String
        public var display: String
        public var mask: PermissionSet
        /// The path as written uses a variable (or could not be read).
        public var variableWritten: Bool
    }

    /// Keyed by the rule object (kept alive here, so that its identity is not reused).
    private var fileRules: [ObjectIdentifier: (rule: PolicyRule, info: FileRule)] = [:]

    public func fileRule(_ r: PolicyRule, make: () -> FileRule) -> FileRule {
        if let hit = fileRules[ObjectIdentifier(r)] { return hit.info }
        let info = make()
        fileRules[ObjectIdentifier(r)] = (r, info)
        return info
    }

    public func update(_ r: PolicyRule, _ info: FileRule) {
        fileRules[ObjectIdentifier(r)] = (r, info)
    }

    public func matcher(id: Int) -> AAREMatcher? {
        if let m = compiled[id] { return m }
        let m = matcher(patterns[id])
        compiled[id] = .some(m)
        return m
    }

    /// `AAREPattern.covers(a, b)`, worked out once per pair of patterns, each pattern compiled
    /// once: the lint and cleanprof checks ask the same pairs for every profile that includes
    /// the same abstractions.
    public func covers(_ a: String, _ b: String) -> Bool {
        if a == b { return true }
        let key = PatternPair(a: coverID(a), b: coverID(b))
        if let hit = coverAnswers[key] { return hit }
        let answer = AAREPattern.covers(a, b, matcher: matcher, samples: samples)
        coverAnswers[key] = answer
        return answer
    }

    /// Two strings a compiled pattern matches (`AAREPattern.samples`), worked out once.
    func samples(_ pattern: String, _ m: AAREMatcher) -> [[UInt8]] {
        if let hit = samplesByPattern[pattern] { return hit }
        let s = AAREPattern.samples(m)
        samplesByPattern[pattern] = s
        return s
    }

    private var samplesByPattern: [String: [[UInt8]]] = [:]

    struct PatternPair: Hashable { let a: Int, b: Int }
    private var coverAnswers: [PatternPair: Bool] = [:]
    /// Patterns compared by `covers` (which needs no literal prefixes, unlike `id`).
    private var coverIDs: [String: Int] = [:]

    private func coverID(_ pattern: String) -> Int {
        if let i = coverIDs[pattern] { return i }
        let i = coverIDs.count
        coverIDs[pattern] = i
        return i
    }

    /// A file rule's path as apparmor_parser compiles it (`AAREPattern.filterSlashes`), worked
    /// out once per rule; nil for a rule that is not a file rule with a path.
    public func filteredPath(_ r: PolicyRule) -> String? {
        if let hit = filtered[ObjectIdentifier(r)] { return hit.path }
        var path: String?
        if case .file(let f) = r.detail { path = f.path.map(AAREPattern.filterSlashes) }
        filtered[ObjectIdentifier(r)] = (r, path)
        return path
    }

    /// Keyed by the rule object (kept alive here, so that its identity is not reused).
    private var filtered: [ObjectIdentifier: (rule: PolicyRule, path: String?)] = [:]
}

/// The rules of a profile (its includes resolved, variables expanded) in a form that answers
/// "is this request already allowed (or denied)?", plus the rules logprof has added so far.
public final class CoverageSet {
    public struct FileEntry {
        public var pattern: String
        /// The pattern's id in the shared `MatcherCache`.
        public var patternID: Int
        /// The path as the rule writes it (variables unexpanded), for options.
        public var display: String
        public var mask: PermissionSet
        public var owner: Bool
        public var deny: Bool
        /// Which file of a combined set the rule comes from.
        public var group = 0
    }

    public let matchers: MatcherCache
    public private(set) var files: [FileEntry] = []
    private var index = PathIndex()
    public typealias FilePerms = (allow: PermissionSet, deny: PermissionSet, allowNonOwner: PermissionSet, patterns: [String])
    /// Answers of `filePermissions` (emptied when a rule is added).
    private var memo: [PathKey: FilePerms] = [:]
    public struct PathKey: Hashable {
        var path: [UInt8]
        var owner: Bool
        /// The path in bulk (`Hasher.combine(logBytes:)`), not byte by byte.
        public func hash(into h: inout Hasher) {
            h.combine(logBytes: path)
            h.combine(owner)
        }
    }
    /// Every rule other than file rules, by kind (allow and deny): requests are decided by
    /// `PolicyRule.decides`, the policy model's coverage test.
    private var typed: [SyntaxKind: [PolicyRule]] = [:]
    /// Reads request and added rule texts into typed rules (shared by the sets of a run).
    public let reader: RuleTextReader
    public private(set) var everything = false

    /// Remember answers per path (profiles, asked several times per request); abstraction
    /// sets, asked once per request each, do not.
    public let memoize: Bool

    public init(matchers: MatcherCache, memoize: Bool = true) {
        self.matchers = matchers
        self.reader = matchers.reader
        self.memoize = memoize
    }

    /// Adds the loaded rules of a profile; `text` gives a rule's source text. With
    /// `writtenPathsOnly`, file rules whose path uses a variable are left out.
    public func add(_ rules: [PolicyRule], text: (PolicyRule) -> String?, writtenPathsOnly: Bool = false, group: Int = 0, filesOnly: Bool = false) {
        for r in rules {
            let q = r.qualifiers
            if filesOnly { guard case .file = r.detail else { continue } }
            switch r.detail {
            case .file(let f):
                var info = matchers.fileRule(r) {
                    let mask = f.permissions.granted
                    let written = text(r).flatMap(Self.writtenPath)
                    return MatcherCache.FileRule(patternID: -1, pattern: "", display: written ?? f.path ?? "/{**,}",
                                                 mask: mask, variableWritten: written.map(Self.hasVariable) ?? true)
                }
                if writtenPathsOnly && info.variableWritten { continue }
                if info.patternID < 0 {
                    // The pattern is compiled for the rules that are used, once.
                    info.pattern = Self.singleSlashes(f.path ?? "/{**,}")
                    info.patternID = matchers.id(info.pattern)
                    matchers.update(r, info)
                }
                addEntry(FileEntry(pattern: info.pattern, patternID: info.patternID, display: info.display, mask: info.mask,
                                   owner: q.owner, deny: q.deny, group: group))
            default:
                if r.kind == .allRule { if !q.deny { everything = true }; continue }
                typed[r.kind, default: []].append(r)
            }
        }
    }

    public func addFile(pattern raw: String, display: String? = nil, perms mask: PermissionSet, owner: Bool, deny: Bool, group: Int = 0) {
        let pattern = Self.singleSlashes(raw)
        addEntry(FileEntry(pattern: pattern, patternID: matchers.id(pattern), display: display ?? raw, mask: mask, owner: owner, deny: deny, group: group))
    }

    private func addEntry(_ e: FileEntry) {
        memo.removeAll()
        index.add(files.count, prefixes: matchers.prefixes[e.patternID])
        files.append(e)
    }

    /// Adds a rule text logprof proposed (not a file rule; those go through `addFile`).
    public func addText(_ t: String) {
        add(typed: reader.rules(t))
    }

    /// Adds rules other than file rules, already read (`addText` reads them from their text).
    public func add(typed rules: [PolicyRule]) {
        for r in rules { typed[r.kind, default: []].append(r) }
    }

    /// The permissions granted (allow) or refused (deny) to a path by matching rules, and the
    /// patterns of the matching allow rules.
    public func filePermissions(path: [UInt8], owner: Bool) -> FilePerms {
        guard memoize else { return computeFilePermissions(path: path, owner: owner) }
        let key = PathKey(path: path, owner: owner)
        if let m = memo[key] { return m }
        let r = computeFilePermissions(path: path, owner: owner)
        memo[key] = r
        return r
    }

    private func computeFilePermissions(path: [UInt8], owner: Bool) -> FilePerms {
        var allow = PermissionSet(), deny = PermissionSet(), nonOwner = PermissionSet()
        var patterns: [String] = []
        files.withUnsafeBufferPointer { files in
            for id in index.candidates(path) {
                if files[id].owner && !owner { continue }
                guard let m = matchers.matcher(id: files[id].patternID), m.matches(bytes: path) else { continue }
                let mask = files[id].mask
                if files[id].deny {
                    deny.formUnion(mask)
                } else {
                    allow.formUnion(mask)
                    if !files[id].owner { nonOwner.formUnion(mask) }
                    patterns.append(files[id].display)
                }
            }
        }
        return (allow, deny, nonOwner, patterns)
    }

    /// The rules that match a path, for a set that combines several files.
    public func matchingEntries(path: [UInt8], owner: Bool) -> [FileEntry] {
        index.candidates(path).compactMap { id in
            let e = files[id]
            if e.owner && !owner { return nil }
            guard let m = matchers.matcher(id: e.patternID), m.matches(bytes: path) else { return nil }
            return e
        }
    }

    /// Whether the request is already allowed or denied by these rules.
    public func isKnown(_ kind: EventKind) -> Bool { isKnown(kind, request: Self.request(kind, reader: reader)) }

    /// The typed rule a request other than files and exec asks for (its finest form, whatever
    /// the rule target), worked out once when several sets are asked.
    public static func request(_ kind: EventKind, reader: RuleTextReader) -> PolicyRule? {
        switch kind {
        case .file, .exec, .changeHat: nil
        default:
            // The finest form; when it does not load, the 3.0 form (fewer conditions, so a rule
            // that decides it decides the request).
            RuleText.unchecked(for: kind).flatMap { reader.rules($0.line).first }
                ?? RuleText.unchecked(for: kind, target: RuleTarget(parser: .v3_0)).flatMap { reader.rules($0.line).first }
        }
    }

    public func isKnown(_ kind: EventKind, request: PolicyRule?) -> Bool {
        if everything { return true }
        switch kind {
        case .file(let f):
            let got = filePermissions(path: f.path, owner: f.owner)
            return f.permissions.isSubset(of: got.allow) || f.permissions.isSubset(of: got.deny)
        case .exec(let path, _):
            let got = filePermissions(path: path, owner: false)
            return got.allow.contains(.exec) || got.deny.contains(.exec)
        case .changeHat:
            return false
        default:
            guard let request else { return false }
            return typed[request.kind]?.contains { $0.decides(request) } ?? false
        }
    }

    /// Whether several rule sets together know a request (file permissions add up).
    /// `request`: the typed rule of a non-file request when already read (`request(_:reader:)`).
    public static func isKnown(_ kind: EventKind, in sets: [CoverageSet], request known: PolicyRule? = nil) -> Bool {
        guard case .file(let f) = kind, sets.count > 1 else {
            guard let first = sets.first else { return false }
            let request = known ?? Self.request(kind, reader: first.reader)
            return sets.contains { $0.isKnown(kind, request: request) }
        }
        let want = f.permissions
        var allow = PermissionSet(), deny = PermissionSet()
        // Permissions only add up: once the sets so far know the request, the rest cannot
        // change the answer.
        for s in sets {
            if s.everything { return true }
            let got = s.filePermissions(path: f.path, owner: f.owner)
            allow.formUnion(got.allow)
            deny.formUnion(got.deny)
            if want.isSubset(of: allow) || want.isSubset(of: deny) { return true }
        }
        return false
    }

    /// Variables such as `@{HOME}/` expand to doubled slashes (`/home//*/`,
    /// `{/home/*/,/root/}/x`); paths have single ones, as apparmor_parser treats them.
    public static func singleSlashes(_ raw: String) -> String {
        var prev: UInt8 = 0
        var needed = false
        for c in raw.utf8 {
            if c == 0x2F && (prev == 0x2F || prev == UInt8(ascii: "}")) { needed = true; break }
            prev = c
        }
        guard needed else { return raw }
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
    public static func alternativeEnds(_ c: [UInt8], close: Int) -> [Int]? {
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
    public static let qualifierWords: Set<[UInt8]> = Set(["audit", "deny", "allow", "owner", "other", "file", "quiet", "kill", "complain", "prompt"].map { Array($0.utf8) })
    public static let priorityPrefix = Array("priority=".utf8)

    public static func writtenPath(_ text: String) -> String? {
        var text = text
        return text.withUTF8 { writtenPath(bytes: $0) }
    }

    /// `writtenPath` on the UTF-8 bytes of the text: the words split at spaces, tabs and
    /// newlines (at most nine, the ninth being the rest of the text).
    public static func writtenPath(bytes b: UnsafeBufferPointer<UInt8>) -> String? {
        let n = b.count
        var i = 0
        var pieces = 0
        while i < n {
            while i < n, isSpace(b, i) { i += 1 }
            guard i < n else { return nil }
            let start = i
            pieces += 1
            if pieces == 9 { i = n } else { while i < n, !isSpace(b, i) { i += 1 } }
            let w = UnsafeBufferPointer(rebasing: b[start..<i])
            let c = w[0]
            if c == UInt8(ascii: "/") || c == UInt8(ascii: "@") || c == UInt8(ascii: "\"") || c == UInt8(ascii: "{") {
                let end = w.last == UInt8(ascii: ",") ? w.count - 1 : w.count
                return String(decoding: UnsafeBufferPointer(rebasing: w[0..<end]), as: UTF8.self)
            }
            if w.count <= 9 && qualifierWords.contains(Array(w)) || w.starts(with: priorityPrefix) { continue }
            return nil
        }
        return nil
    }

    /// Space, tab or newline as a whole character (a `\r\n` pair is one character, not a
    /// separator).
    @inline(__always)
    public static func isSpace(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Bool {
        let c = b[i]
        return c == 0x20 || c == 0x09 || (c == 0x0A && (i == 0 || b[i - 1] != 0x0D))
    }

    /// Whether a path uses a variable (`@{`).
    public static func hasVariable(_ s: String) -> Bool {
        var prev: UInt8 = 0
        for c in s.utf8 {
            if prev == UInt8(ascii: "@") && c == UInt8(ascii: "{") { return true }
            prev = c
        }
        return false
    }
}
