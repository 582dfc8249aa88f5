import AppArmorSyntax

/// What `RuleInsertion` reads of one block to place new rules in it (see the rules on
/// `RuleInsertion`), worked out once per edit however many rules it places: the rule section,
/// which items are local includes, the place of each kind, and the block's file rules with their
/// paths, whether they are in path order, and their folders. Placing a rule is then a look-up
/// (a binary search among sorted file rules), where it was a pass over the block per rule.
final class BlockLayout {
    let items: [SyntaxNode]
    let close: Int
    let r: ParseResult
    let paths = PathMemo()
    /// The rule section: the items before the first hat or child, less a local include that
    /// ends it.
    private let rules: [SyntaxNode]
    private let localInclude: [Bool]
    /// Where the rule section ends when it is empty.
    private let end: Int
    /// The place of a rule by kind, where it does not depend on the rule's text.
    private var byKind: [SyntaxKind: (Int, Bool)] = [:]
    private var files: FileRules?

    /// The rule section's file rules (local includes aside), as path order needs them.
    private struct FileRules {
        var nodes: [SyntaxNode]
        var paths: [[UInt8]?]
        /// Every file rule has a path, there are two or more, and they are in path order.
        var sorted: Bool
        /// Each path's folders (its components but the last).
        var folders: [[ArraySlice<UInt8>]?]
    }

    init(items: [SyntaxNode], close: Int, in r: ParseResult) {
        self.items = items
        self.close = close
        self.r = r
        var rules = Array(items.prefix { !RuleInsertion.isNested($0) })
        if let last = rules.last, RuleInsertion.isLocalInclude(last, in: r) { rules.removeLast() }
        end = rules.count < items.count ? RuleInsertion.startAfterBlankLines(items[rules.count], r.source.bytes) : close
        self.rules = rules
        localInclude = rules.map { $0.kind == .include && RuleInsertion.isLocalInclude($0, in: r) }
    }

    /// Where one rule goes, and whether it starts a new group that wants a blank line before it.
    func place(_ rule: PrintedRule) -> (Int, Bool) {
        if rule.kind == .hat || rule.kind == .profile { return RuleInsertion.blockPlace(items, close: close, in: r) }
        if rule.kind == .include, RuleInsertion.isLocalIncludeText(rule.text) {
            return (close, items.last.map { !RuleInsertion.isNested($0) } ?? false)
        }
        if rule.kind == .fileRule, let place = filePlace(rule.text) { return (place, false) }
        if let known = byKind[rule.kind] { return known }
        let place = kindPlace(rule.kind)
        byKind[rule.kind] = place
        return place
    }

    /// After the last rule of the kind; the first of its kind after the kinds printed before
    /// it (a blank line before it when one separates it from the rules that follow), else
    /// before those printed after it, else after the last rule, else at the section's end.
    private func kindPlace(_ kind: SyntaxKind) -> (Int, Bool) {
        let bytes = r.source.bytes
        if let last = rules.indices.last(where: { rules[$0].kind == kind && !localInclude[$0] }) {
            return (rules[last].fullRange.upperBound, false)
        }
        let rank = RuleInsertion.familyRank(kind)
        if let i = rules.indices.last(where: { RuleInsertion.familyRank(rules[$0].kind) < rank && !localInclude[$0] }) {
            let offset = rules[i].fullRange.upperBound
            let between = i + 1 < rules.count
                && RuleInsertion.followsBlankLine(RuleInsertion.startAfterBlankLines(rules[i + 1], bytes), bytes)
            return (offset, between)
        }
        if let after = rules.indices.first(where: { RuleInsertion.familyRank(rules[$0].kind) > rank && !localInclude[$0] }) {
            return (RuleInsertion.startAfterBlankLines(rules[after], bytes), false)
        }
        if let last = rules.last { return (last.fullRange.upperBound, false) }
        return (end, false)
    }

    /// A file rule among the block's file rules: in path order when they are sorted, else
    /// after the one sharing the most leading folders with it (at least one; the last of
    /// equals), else after the last file rule. Nil when the block has no file rule or the
    /// rule's path cannot be read.
    private func filePlace(_ ruleText: String) -> Int? {
        let files = fileRules()
        guard !files.nodes.isEmpty, let path = paths.ofText(ruleText) else { return nil }
        if files.sorted {
            // The first rule whose path sorts after this one: paths are in order, so a search.
            var (low, high) = (0, files.paths.count)
            while low < high {
                let mid = (low + high) / 2
                if path.lexicographicallyPrecedes(files.paths[mid]!) { high = mid } else { low = mid + 1 }
            }
            if low < files.nodes.count { return RuleInsertion.startAfterBlankLines(files.nodes[low], r.source.bytes) }
            return files.nodes.last!.fullRange.upperBound
        }
        let mine = Self.folders(path)
        var best = files.nodes.count - 1
        var bestShared = 0
        for (i, folders) in files.folders.enumerated() {
            guard let folders else { continue }
            let shared = zip(folders, mine).prefix { $0 == $1 }.count
            if shared >= max(bestShared, 1) { (best, bestShared) = (i, shared) }
        }
        return files.nodes[best].fullRange.upperBound
    }

    private func fileRules() -> FileRules {
        if let files { return files }
        let nodes = rules.indices.filter { rules[$0].kind == .fileRule && !localInclude[$0] }.map { rules[$0] }
        let filePaths = nodes.map { paths.of($0, in: r) }
        let known = filePaths.compactMap { $0 }
        let sorted = known.count >= 2 && known.count == filePaths.count
            && zip(known, known.dropFirst()).allSatisfy { !$1.lexicographicallyPrecedes($0) }
        let made = FileRules(nodes: nodes, paths: filePaths, sorted: sorted,
                             folders: sorted ? [] : filePaths.map { $0.map(Self.folders) })
        files = made
        return made
    }

    /// A path's components but the last.
    static func folders(_ path: [UInt8]) -> [ArraySlice<UInt8>] {
        Array(path.split(separator: UInt8(ascii: "/")).dropLast())
    }
}
