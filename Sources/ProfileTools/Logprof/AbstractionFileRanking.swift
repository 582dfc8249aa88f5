import AppArmorPolicy
import PolicyAnalysis
import AuditLog

/// Which abstractions allow a file request, best first (`LogprofPolicy.ranked(for:)` says how):
/// the written file rules of every abstraction file in one set, a group per file, and for
/// each abstraction its files' groups and its size. It is made when the abstractions load,
/// with a matcher cache and a rule reader of its own, and shares nothing the review changes:
/// the review hands it to the thread that prepares its questions (`QuestionPrep`), which is
/// then the only one to use it.
final class AbstractionFileRanking: @unchecked Sendable {
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

    init(files: CoverageSet, names: [String], groups: [[Int]], sizes: [Int], everything: Set<Int>) {
        self.files = files
        self.names = names
        self.groups = groups
        self.sizes = sizes
        self.everything = everything
        var allowing: [Int] = [], byOwn: [Int: [Int]] = [:]
        for (i, g) in groups.enumerated() {
            guard let own = g.first else { continue }
            byOwn[own, default: []].append(i)
            if everything.contains(own) { allowing.append(i) }
        }
        allowingEverything = allowing
        byOwnGroup = byOwn
    }

    /// One lookup in the combined set, then per abstraction the union of what its files
    /// grant; only abstractions whose own file matched (or that allow everything) can allow
    /// the request.
    func ranked(_ f: FileAccess) -> [Ranked] {
        var byGroup: [Int: (allow: PermissionSet, deny: PermissionSet, specific: Int)] = [:]
        for e in files.matchingEntries(path: f.path, owner: f.owner) {
            var g = byGroup[e.group, default: ([], [], 0)]
            if e.deny { g.deny.formUnion(e.mask) } else { g.allow.formUnion(e.mask) }
            g.specific = max(g.specific, LogprofPolicy.literalCount(e.display))
            byGroup[e.group] = g
        }
        if byGroup.isEmpty { return [] }
        let want = f.permissions
        var candidates = allowingEverything
        for g in byGroup.keys where !everything.contains(g) { candidates += byOwnGroup[g] ?? [] }
        var ranked: [Ranked] = []
        for i in candidates {
            guard let own = groups[i].first else { continue }
            var specific = 0
            if !everything.contains(own) {
                guard let hit = byGroup[own], !want.isEmpty else { continue }
                var allow = PermissionSet(), deny = PermissionSet()
                for g in groups[i] {
                    guard let h = byGroup[g] else { continue }
                    allow.formUnion(h.allow)
                    deny.formUnion(h.deny)
                }
                guard want.isSubset(of: allow) || want.isSubset(of: deny) else { continue }
                specific = hit.specific
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
