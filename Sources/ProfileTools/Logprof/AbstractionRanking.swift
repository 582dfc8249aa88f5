import AppArmorPolicy
import PolicyAnalysis
import AuditLog
import AppArmorSyntax

/// Which abstractions allow a request, best first (`LogprofPolicy.ranked(for:)` says how). For
/// file requests: the written file rules of every abstraction file in one set, a group per
/// file, and each abstraction's groups; for the other kinds: the typed rules of each
/// abstraction's own file. It is made when the abstractions load, with a matcher cache of its
/// own, and shares nothing the review changes (its rules are immutable):
/// the review hands it to the thread that prepares its questions (`QuestionPrep`), which is
/// then the only one to use it.
final class AbstractionRanking: @unchecked Sendable {
    typealias Ranked = (index: Int, specific: Int, size: Int)

    /// The file rules of every abstraction file, a group per file.
    let files: CoverageSet
    /// Per abstraction (by index): its name, the groups of its files (its own first), and the
    /// number of rules it brings in.
    let names: [String]
    let groups: [[Int]]
    let sizes: [Int]
    /// Groups whose file has a rule allowing everything, and the abstractions whose own file
    /// is such a group.
    let everything: Set<Int>
    let allowingEverything: [Int]
    /// The abstractions whose own file is each group.
    let byOwnGroup: [Int: [Int]]
    /// Per abstraction, its own file's rules other than file rules, by kind, and whether one
    /// of them allows everything (a rule set of the file would say the same: `CoverageSet`).
    let ownRules: [[SyntaxKind: [PolicyRule]]]
    let ownAllowsEverything: [Bool]
    /// The ranking of each non-file request asked so far.
    private var byKind: [EventKind: [Ranked]] = [:]

    init(files: CoverageSet, names: [String], groups: [[Int]], sizes: [Int], everything: Set<Int>, ownRules: [[PolicyRule]]) {
        self.files = files
        self.names = names
        self.groups = groups
        self.sizes = sizes
        self.everything = everything
        var typed: [[SyntaxKind: [PolicyRule]]] = [], all: [Bool] = []
        for rules in ownRules {
            var t: [SyntaxKind: [PolicyRule]] = [:], a = false
            for r in rules {
                if case .file = r.detail { continue }
                if r.kind == .allRule { a = a || !r.qualifiers.deny; continue }
                t[r.kind, default: []].append(r)
            }
            typed.append(t)
            all.append(a)
        }
        self.ownRules = typed
        ownAllowsEverything = all
        var allowing: [Int] = [], byOwn: [Int: [Int]] = [:]
        for (i, g) in groups.enumerated() {
            guard let own = g.first else { continue }
            byOwn[own, default: []].append(i)
            if everything.contains(own) { allowing.append(i) }
        }
        allowingEverything = allowing
        byOwnGroup = byOwn
    }

    /// `request`: the typed rule a non-file request asks for (`CoverageSet.request`).
    func ranked(_ kind: EventKind, request: PolicyRule?) -> [Ranked] {
        switch kind {
        case .file(let f): return ranked(f)
        case .exec, .changeHat: return []
        default: break
        }
        if let known = byKind[kind] { return known }
        var ranked: [Ranked] = []
        for i in names.indices {
            let allows = ownAllowsEverything[i] || request.map { q in ownRules[i][q.kind]?.contains { $0.decides(q) } ?? false } ?? false
            if allows { ranked.append((i, 0, sizes[i])) }
        }
        ranked = Self.sorted(ranked, names: names)
        byKind[kind] = ranked
        return ranked
    }

    /// One lookup in the combined set, then per abstraction the union of what its files
    /// grant; only abstractions whose own file matched (or that allow everything) can allow
    /// the request.
    func ranked(_ f: FileAccess) -> [Ranked] {
        // What the matching entries grant, per group: a few groups of many, so a small list
        // searched in place (a dictionary keyed by group cost more than the matching).
        var hits: [(group: Int, allow: PermissionSet, deny: PermissionSet, specific: Int)] = []
        for e in files.matchingEntries(path: f.path, owner: f.owner) {
            let k: Int
            if let known = hits.firstIndex(where: { $0.group == e.group }) {
                k = known
            } else {
                hits.append((e.group, [], [], 0))
                k = hits.count - 1
            }
            if e.deny { hits[k].deny.formUnion(e.mask) } else { hits[k].allow.formUnion(e.mask) }
            hits[k].specific = max(hits[k].specific, LogprofPolicy.literalCount(e.display))
        }
        if hits.isEmpty { return [] }
        func hit(_ group: Int) -> (group: Int, allow: PermissionSet, deny: PermissionSet, specific: Int)? {
            hits.first { $0.group == group }
        }
        let want = f.permissions
        var candidates = allowingEverything
        for h in hits where !everything.contains(h.group) { candidates += byOwnGroup[h.group] ?? [] }
        var ranked: [Ranked] = []
        for i in candidates {
            guard let own = groups[i].first else { continue }
            var specific = 0
            if !everything.contains(own) {
                guard let ownHit = hit(own), !want.isEmpty else { continue }
                var allow = PermissionSet(), deny = PermissionSet()
                for g in groups[i] {
                    guard let h = hit(g) else { continue }
                    allow.formUnion(h.allow)
                    deny.formUnion(h.deny)
                }
                guard want.isSubset(of: allow) || want.isSubset(of: deny) else { continue }
                specific = ownHit.specific
            }
            ranked.append((i, specific, sizes[i]))
        }
        return Self.sorted(ranked, names: names)
    }

    /// Best first: the most specific matching rule, then the smallest, then by name.
    static func sorted(_ ranked: [Ranked], names: [String]) -> [Ranked] {
        ranked.sorted { x, y in
            if x.specific != y.specific { return x.specific > y.specific }
            if x.size != y.size { return x.size < y.size }
            return names[x.index] < names[y.index]
        }
    }
}
