/// Many one-line rules read in one parse: a profile that holds them one a line. Rules checked
/// or read in bulk go through it (`RuleTextCheck.problems`, logprof's `PathMemo.prime`), and
/// each caller decides what a batch whose shape is off means (checking rules alone, reading
/// them alone).
public enum RuleLines {
    /// `profile NAME {`, each rule on a line of its own, then `}`.
    public static func profileText(_ rules: [String], name: String) -> String {
        var text = "profile \(name) {\n"
        text.reserveCapacity(text.utf8.count + rules.reduce(2) { $0 + $1.utf8.count + 3 })
        for r in rules {
            text += "  "
            text += r
            text += "\n"
        }
        text += "}\n"
        return text
    }

    /// The rule (0-based) whose line holds `offset` in such a text, or nil (the header, the
    /// closing brace).
    public static func rule(at offset: Int, in source: SourceFile, count: Int) -> Int? {
        let line = source.location(of: offset).line - 2     // line 1 is the profile header
        return line >= 0 && line < count ? line : nil
    }

    /// Each rule's item, when the text parsed without errors into one profile with exactly
    /// one item on each rule's line; else nil.
    public static func items(_ r: ParseResult, count: Int) -> [SyntaxNode]? {
        guard r.root.childNodes.count == 1, !r.diagnostics.contains(where: { $0.severity == .error }),
              let profile = r.topLevelProfiles.first, case let items = profile.items, items.count == count else { return nil }
        for (i, item) in items.enumerated() {
            let range = item.textRange
            guard rule(at: Int(range.lowerBound), in: r.source, count: count) == i,
                  rule(at: Int(max(range.lowerBound, range.upperBound - 1)), in: r.source, count: count) == i else { return nil }
        }
        return items
    }
}
