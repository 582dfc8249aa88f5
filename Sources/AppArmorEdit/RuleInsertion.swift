import AppArmorSyntax

/// Where a new rule goes in a block, and the line that carries it, placed the way a careful
/// person would place it by hand:
/// - a file rule goes in path order when the block's file rules are sorted, else after the
///   file rule sharing the most leading folders with it (at least one), else after the last
///   file rule;
/// - any other rule goes after the last rule of its kind;
/// - the first rule of its kind goes after the rules of the kinds printed before it
///   (`CanonicalPrinter.familyOrder`: includes, capability, network, ... file), else before
///   the rules printed after it; always in the block's rule section, before its hats and child
///   profiles and before a trailing `include if exists <local/...>`;
/// - a new hat or child profile goes after the block's last hat or child, else at the end of
///   its rules, a blank line before it.
/// The indentation is copied from the siblings (tabs or spaces).
public enum RuleInsertion {
    /// The edit that adds `ruleText` (one rule, its comma included, no indentation or line
    /// end) of the given kind to the block of `profile`.
    public static func edit(adding ruleText: String, kind: SyntaxKind, to profile: ProfileSyntax, in r: ParseResult) -> TextEdit? {
        edits(adding: [PrintedRule(kind: kind, text: ruleText)], to: profile, in: r)?.first
    }

    /// The edits that add several rules to one block: rules that land at the same place are
    /// written together (file rules there in path order), so a new group of rules gets one
    /// blank line before it, not one per rule.
    public static func edits(adding rules: [PrintedRule], to profile: ProfileSyntax, in r: ParseResult) -> [TextEdit]? {
        guard let block = profile.block, let close = BlockSyntax.closeBrace(block) else { return nil }
        return edits(adding: rules, items: BlockSyntax.items(block), end: Int(close.leadingStart), profile: profile, in: r)
    }

    /// The same for the top level of a file (a `local/` include): rules go where they would go
    /// in a block, the end of the file standing for the closing brace.
    public static func edits(adding rules: [PrintedRule], toTopLevelOf r: ParseResult) -> [TextEdit]? {
        edits(adding: rules, items: r.root.childNodes, end: r.source.bytes.count, profile: nil, in: r)
    }

    static func edits(adding rules: [PrintedRule], items: [SyntaxNode], end close: Int, profile: ProfileSyntax?, in r: ParseResult) -> [TextEdit]? {
        var places: [(offset: Int, rules: [(rule: PrintedRule, blank: Bool)])] = []
        var placeIndex: [Int: Int] = [:]
        let layout = BlockLayout(items: items, close: close, in: r)
        layout.paths.prime(rules.filter { $0.kind == .fileRule }.map(\.text))
        for rule in rules {
            let (offset, blank) = layout.place(rule)
            if let i = placeIndex[offset] {
                places[i].rules.append((rule, blank))
            } else {
                placeIndex[offset] = places.count
                places.append((offset, [(rule, blank)]))
            }
        }
        var indents: [SyntaxKind: String] = [:]
        func indent(_ kind: SyntaxKind) -> String {
            if let known = indents[kind] { return known }
            let found = indentation(for: items, kind: kind, profile: profile, in: r)
            indents[kind] = found
            return found
        }
        func text(_ group: [PrintedRule]) -> String {
            // In printed order of kinds, file rules in path order; else as given. The keys are
            // worked out once and the positions sorted (a long log adds thousands of rules to
            // a place: sorting the rules themselves copied them at every step).
            let ranks = group.map { familyRank($0.kind) }
            let paths = group.map { $0.kind == .fileRule ? layout.paths.ofText($0.text) ?? [] : [] }
            let group = group.indices.sorted { a, b in
                if ranks[a] != ranks[b] { return ranks[a] < ranks[b] }
                if group[a].kind == .fileRule, paths[a] != paths[b] { return paths[a].lexicographicallyPrecedes(paths[b]) }
                return a < b
            }.map { group[$0] }
            return group.map { rule -> String in
                let indent = indent(rule.kind)
                // Most rules are one line (split by bytes: walking the Characters costs more
                // than the rest of the insertion).
                if !rule.text.utf8.contains(0x0A) { return rule.text.isEmpty ? "\n" : indent + rule.text + "\n" }
                let lines = rule.text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : indent + $0 }
                return lines.joined(separator: "\n") + "\n"
            }.joined()
        }
        var out: [TextEdit] = []
        for p in places {
            // Rules joining the group at this place first, then each new group (one kind) in
            // printed order, a blank line before it when it asks for one.
            var body = text(p.rules.filter { !$0.blank }.map(\.rule))
            let newGroups = Dictionary(grouping: p.rules.filter(\.blank).map(\.rule), by: \.kind)
            var blankFirst = false
            for kind in newGroups.keys.sorted(by: { familyRank($0) < familyRank($1) }) {
                if body.isEmpty { blankFirst = true } else { body += "\n" }
                body += text(newGroups[kind]!)
            }
            guard let e = lines(body, at: p.offset, blankBefore: blankFirst, profile, in: r) else { return nil }
            out.append(e)
        }
        return out
    }

    /// The edit that adds a new hat or child profile, printed by `CanonicalPrinter` with the
    /// block's own indentation and indentation step, after the block's hats and children.
    public static func edit(adding child: NewProfile, to profile: ProfileSyntax, in r: ParseResult) -> TextEdit? {
        guard let block = profile.block, let close = BlockSyntax.closeBrace(block) else { return nil }
        return edit(adding: child, items: BlockSyntax.items(block), end: Int(close.leadingStart), profile: profile, in: r)
    }

    /// The same at the top level of a file (a `local/` include).
    public static func edit(adding child: NewProfile, toTopLevelOf r: ParseResult) -> TextEdit? {
        edit(adding: child, items: r.root.childNodes, end: r.source.bytes.count, profile: nil, in: r)
    }

    static func edit(adding child: NewProfile, items: [SyntaxNode], end close: Int, profile: ProfileSyntax?, in r: ParseResult) -> TextEdit? {
        let indent = indentation(for: items, kind: child.isHat ? .hat : .profile, profile: profile, in: r)
        let header = profile.map { lineIndent(of: Int($0.node.textRange.lowerBound), r.source.bytes) } ?? ""
        let step = indent.hasPrefix(header) && indent.count > header.count ? String(indent.dropFirst(header.count)) : CanonicalPrinter.indentStep
        let (offset, blank) = blockPlace(items, close: close, in: r)
        return lines(CanonicalPrinter.profile(child, indent: indent, step: step, blankBeforeClose: false), at: offset, blankBefore: blank, profile, in: r)
    }

    /// Inserts whole lines (indented, each ending with a line feed) at `offset`, a blank line
    /// before them when asked and none is there yet.
    static func lines(_ text: String, at offset: Int, blankBefore: Bool, _ profile: ProfileSyntax?, in r: ParseResult) -> TextEdit? {
        let bytes = r.source.bytes
        if isLineStart(offset, bytes) {
            return .insert((blankBefore && offset > 0 && !followsBlankLine(offset, bytes) ? "\n" : "") + text, at: offset)
        }
        // The end of a file without a final line feed.
        guard let profile, let block = profile.block, let close = BlockSyntax.closeBrace(block) else { return .insert("\n" + text, at: offset) }
        // One-line block (`{}`, `{ /x r, }`) or a rule sharing its line: open a new line, and
        // put what followed on the line back at the header's indentation.
        let header = lineIndent(of: Int(profile.node.textRange.lowerBound), bytes)
        if offset == Int(close.leadingStart), let open = BlockSyntax.openBrace(block), BlockSyntax.items(block).isEmpty,
           bytes[Int(open.textEnd)..<Int(close.textStart)].allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            return TextEdit(range: Int(open.textEnd)..<Int(close.textStart), text: "\n" + text + header)
        }
        return .insert("\n" + text + header, at: offset)
    }

    // MARK: places

    /// A hat or child: after the last hat or child, else after the last rule (before a trailing
    /// local include), else before the closing brace; with a blank line before it unless it
    /// opens the block.
    static func blockPlace(_ items: [SyntaxNode], close: Int, in r: ParseResult) -> (Int, Bool) {
        if let last = items.last(where: isNested) { return (last.fullRange.upperBound, true) }
        if let last = items.last, isLocalInclude(last, in: r) {
            return (startAfterBlankLines(last, r.source.bytes), items.count > 1)
        }
        return (close, !items.isEmpty)
    }

    /// The rank of a kind in the printed order: includes and variables first, then
    /// `CanonicalPrinter.familyOrder`; kinds not in it with the file rules.
    static func familyRank(_ kind: SyntaxKind) -> Int {
        switch kind {
        case .abi, .include, .variableAssignment, .booleanAssignment, .alias: return -1
        default: return CanonicalPrinter.familyOrder.firstIndex(of: kind) ?? CanonicalPrinter.familyOrder.count
        }
    }

    static func isNested(_ node: SyntaxNode) -> Bool { node.kind == .hat || node.kind == .profile }

    static func isLocalInclude(_ node: SyntaxNode, in r: ParseResult) -> Bool {
        guard let inc = IncludeSyntax(node) else { return false }
        return inc.name(in: r).hasPrefix("local/")
    }

    static func isLocalIncludeText(_ text: String) -> Bool {
        text.contains("<local/") || text.contains("\"local/")
    }

    // MARK: lines

    /// Where an item's lines start once the blank lines before it are skipped: a comment
    /// above it stays with it.
    static func startAfterBlankLines(_ node: SyntaxNode, _ bytes: [UInt8]) -> Int {
        var start = node.fullRange.lowerBound
        var i = start
        let text = node.textRange.lowerBound
        while i < text {
            if bytes[i] == 0x0A { start = i + 1 } else if bytes[i] != 0x20 && bytes[i] != 0x09 { break }
            i += 1
        }
        return start
    }

    /// Whether the line before the one starting at `offset` is blank.
    static func followsBlankLine(_ offset: Int, _ bytes: [UInt8]) -> Bool {
        guard offset >= 2, bytes[offset - 1] == 0x0A else { return false }
        var i = offset - 2
        while i >= 0, bytes[i] == 0x20 || bytes[i] == 0x09 { i -= 1 }
        return i >= 0 && bytes[i] == 0x0A
    }

    /// The indentation of the same-kind sibling, else of the last sibling that starts a line,
    /// else the header's indentation plus one step (a tab when the header uses tabs).
    static func indentation(for items: [SyntaxNode], kind: SyntaxKind, profile: ProfileSyntax?, in r: ParseResult) -> String {
        let bytes = r.source.bytes
        let candidates = items.filter { $0.kind == kind }.reversed() + items.reversed()
        for item in candidates {
            guard let t = item.firstToken else { continue }
            if let ind = indentBefore(Int(t.textStart), within: t.leadingTrivia, bytes) { return ind }
        }
        guard let profile else { return "" }
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

/// `RulePath` answers remembered for the rules of one edit (each existing rule and each new
/// rule's text is read once, however many rules are placed).
final class PathMemo {
    private var byNode: [Int: [UInt8]?] = [:]
    private var byText: [String: [UInt8]?] = [:]

    func of(_ node: SyntaxNode, in r: ParseResult) -> [UInt8]? {
        let key = node.fullRange.lowerBound
        if let known = byNode[key] { return known }
        let p = RulePath.of(node, in: r)
        byNode[key] = p
        return p
    }

    func ofText(_ text: String) -> [UInt8]? {
        if let known = byText[text] { return known }
        let p = RulePath.ofRuleText(text)
        byText[text] = p
        return p
    }

    /// Reads the paths of many one-line rules in one parse (a profile of one rule a line)
    /// instead of one parse each. Only a batch that parses cleanly into exactly one item on
    /// each line is used; any other leaves the rules to `ofText`, one by one.
    func prime(_ texts: [String]) {
        var seen = Set<String>()
        let todo = texts.filter { byText[$0] == nil && !$0.utf8.contains(0x0A) && seen.insert($0).inserted }
        guard todo.count > 1 else { return }
        let r = Parser.parse(path: "<rules>", bytes: Array(RuleLines.profileText(todo, name: "x").utf8))
        guard let items = RuleLines.items(r, count: todo.count) else { return }
        for (i, item) in items.enumerated() { byText[todo[i]] = RulePath.of(item, in: r) }
    }
}

/// The path of a file rule, as bytes with quotes removed: the key of path order.
public enum RulePath {
    public static func of(_ node: SyntaxNode, in r: ParseResult) -> [UInt8]? {
        guard node.kind == .fileRule, let rule = RuleSyntax(node) else { return nil }
        for t in rule.plainTokens {
            let v = r.valueBytes(t)
            if v.first == UInt8(ascii: "/") || v.first == UInt8(ascii: "@") { return v }
        }
        return nil
    }

    /// The path of one rule given as text (`owner /x r,`).
    public static func ofRuleText(_ text: String) -> [UInt8]? {
        let r = Parser.parse(path: "<rule>", bytes: Array(("profile x {\n" + text + "\n}\n").utf8))
        guard let p = r.topLevelProfiles.first, let rule = p.items.first else { return nil }
        return of(rule, in: r)
    }
}
