import AppArmorSyntax

/// Where a new rule goes in a block, and the line that carries it. The rule goes after the
/// last rule of its kind in the block, else before a trailing `include if exists <local/...>`,
/// else before the closing brace; its indentation is copied from its siblings (tabs or spaces).
public enum RuleInsertion {
    /// The edit that adds `ruleText` (one rule, its comma included, no indentation or line
    /// end) of the given kind to the block of `profile`.
    public static func edit(adding ruleText: String, kind: SyntaxKind, to profile: ProfileSyntax, in r: ParseResult) -> TextEdit? {
        guard let block = profile.block, let close = BlockSyntax.closeBrace(block) else { return nil }
        let bytes = r.source.bytes
        let items = BlockSyntax.items(block)
        let indent = indentation(for: items, kind: kind, profile: profile, in: r)

        let offset: Int
        if let last = items.last(where: { $0.kind == kind }) {
            offset = last.fullRange.upperBound
        } else if let last = items.last, isLocalInclude(last, in: r) {
            offset = last.fullRange.lowerBound
        } else {
            offset = Int(close.leadingStart)
        }

        if isLineStart(offset, bytes) {
            return .insert(indent + ruleText + "\n", at: offset)
        }
        // One-line block (`{}`, `{ /x r, }`) or a rule sharing its line: open a new line, and
        // put what followed on the line back at the header's indentation.
        let header = lineIndent(of: Int(profile.node.textRange.lowerBound), bytes)
        if offset == Int(close.leadingStart), let open = BlockSyntax.openBrace(block),
           items.isEmpty, bytes[Int(open.textEnd)..<Int(close.textStart)].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            return TextEdit(range: Int(open.textEnd)..<Int(close.textStart), text: "\n" + indent + ruleText + "\n" + header)
        }
        return .insert("\n" + indent + ruleText + "\n" + header, at: offset)
    }

    static func isLocalInclude(_ node: SyntaxNode, in r: ParseResult) -> Bool {
        guard let inc = IncludeSyntax(node) else { return false }
        return inc.isIfExists(in: r) && inc.name(in: r).hasPrefix("local/")
    }

    /// The indentation of the same-kind sibling, else of the last sibling that starts a line,
    /// else the header's indentation plus one step (a tab when the header uses tabs).
    static func indentation(for items: [SyntaxNode], kind: SyntaxKind, profile: ProfileSyntax, in r: ParseResult) -> String {
        let bytes = r.source.bytes
        let candidates = items.filter { $0.kind == kind }.reversed() + items.reversed()
        for item in candidates {
            guard let t = item.firstToken else { continue }
            if let ind = indentBefore(Int(t.textStart), within: t.leadingTrivia, bytes) { return ind }
        }
        let header = lineIndent(of: Int(profile.node.textRange.lowerBound), bytes)
        return header + (header.contains("\t") ? "\t" : "  ")
    }

    /// The blanks between the line start and `offset`, if only blanks are there.
    static func indentBefore(_ offset: Int, within trivia: Range<Int>, _ bytes: [UInt8]) -> String? {
        var i = offset
        while i > 0, bytes[i - 1] == 0x20 || bytes[i - 1] == 0x09 { i -= 1 }
        guard i == 0 || bytes[i - 1] == 0x0A else { return nil }
        return String(decoding: bytes[i..<offset], as: UTF8.self)
    }

    /// The leading blanks of the line holding `offset`.
    static func lineIndent(of offset: Int, _ bytes: [UInt8]) -> String {
        var start = offset
        while start > 0, bytes[start - 1] != 0x0A { start -= 1 }
        var end = start
        while end < bytes.count, bytes[end] == 0x20 || bytes[end] == 0x09 { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    static func isLineStart(_ offset: Int, _ bytes: [UInt8]) -> Bool {
        offset == 0 || bytes[offset - 1] == 0x0A
    }
}
