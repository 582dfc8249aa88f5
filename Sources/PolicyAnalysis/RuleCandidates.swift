import AppArmorPolicy
import AppArmorSyntax

/// The rules of a profile that may cover (or decide) one of them, found without trying every
/// pair: a rule only covers rules of its kind, and a file rule whose pattern covers another's
/// matches every path the other matches, in particular one sample path of it, so the file
/// rules are put in a `PathIndex` (as `CoverageSet` does for requests) and only those the
/// index gives for that sample are candidates. A superset of the rules that cover, in their
/// order: a caller that tests each candidate with `covers` finds what a scan of every rule
/// finds, in the same order.
public struct RuleCandidates {
    public let rules: [PolicyRule]
    let patterns: MatcherCache
    /// File rules with a path: index entry -> rule position.
    private var fileRules: [Int] = []
    private var index = PathIndex()
    /// File rules without a path (`file,`: every path).
    private var everyPath: [Int] = []
    private var byKind: [SyntaxKind: [Int]] = [:]

    public init(_ rules: [PolicyRule], patterns: MatcherCache) {
        self.rules = rules
        self.patterns = patterns
        for (i, r) in rules.enumerated() {
            byKind[r.kind, default: []].append(i)
            guard case .file = r.detail else { continue }
            if let path = patterns.filteredPath(r) {
                let id = patterns.id(path)
                index.add(fileRules.count, prefixes: patterns.prefixes[id])
                fileRules.append(i)
            } else {
                everyPath.append(i)
            }
        }
    }

    /// The positions of the rules that may cover rule `i`, in increasing order (`i` among them).
    public func mayCover(_ i: Int) -> [Int] {
        let r = rules[i]
        guard case .file = r.detail, let path = patterns.filteredPath(r), let sample = patterns.sample(path) else {
            return byKind[r.kind] ?? []
        }
        return PathIndex.merge(index.candidates(sample).map { fileRules[$0] }, everyPath)
    }
}

extension MatcherCache {
    /// One path the pattern matches (its shortest choices), nil when it does not compile.
    public func sample(_ pattern: String) -> [UInt8]? {
        if AAREPattern.isPlainText(pattern) { return Array(pattern.utf8) }
        guard let m = matcher(pattern) else { return nil }
        return samples(pattern, m)[0]
    }
}
