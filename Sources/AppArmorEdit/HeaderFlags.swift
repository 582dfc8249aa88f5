import AppArmorSyntax

/// Edits to the flags of a profile or hat header: `flags=(a, b)`, `flags=a` or the bare
/// `(a, b)` form. Flags that stay keep their place and spelling; new flags go at the end;
/// a list that becomes empty is removed with the space before it, and a header without flags
/// gets ` flags=(...)` before its `{`.
public enum HeaderFlags {
    /// The flags as written, for matching: `attach_disconnected.path=/x` counts as
    /// `attach_disconnected.path`.
    public static func flagName(_ text: String) -> String {
        if let eq = text.firstIndex(of: "=") { return String(text[..<eq]) }
        return text
    }

    /// Edits that remove every flag named in `removing`, then add each of `adding` that is
    /// not already there.
    public static func edits(adding: [String], removing: [String], on p: ProfileSyntax, in r: ParseResult) -> [TextEdit] {
        let removeSet = Set(removing)
        if let cond = p.flagsCondition(in: r), cond.firstChild(.list) == nil {
            return singleValueEdits(cond, adding: adding, removing: removeSet, on: p, in: r)
        }
        guard let list = p.flagsList(in: r) else {
            let add = unique(adding)
            guard !add.isEmpty, let anchor = lastHeaderTextEnd(p) else { return [] }
            return [.insert(" flags=(\(add.joined(separator: separator(for: nil, in: r))))", at: anchor)]
        }
        let holder = p.flagsCondition(in: r) ?? list
        let items = ListSyntax(list).items
        let names = items.map { flagName(r.text($0)) }
        let removed = names.indices.filter { removeSet.contains(names[$0]) }
        let kept = Set(names.indices).subtracting(removed).map { names[$0] }
        let add = unique(adding).filter { !kept.contains($0) }
        if removed.isEmpty && add.isEmpty { return [] }

        if removed.count == items.count {
            if add.isEmpty { return [removal(of: holder, in: p, r)] }
            if let first = items.first, let last = items.last {
                return [TextEdit(range: first.textRange.lowerBound..<last.textRange.upperBound, text: add.joined(separator: separator(for: list, in: r)))]
            }
            // `flags=()`: fill the empty list.
            guard let open = list.childTokens.first(where: { $0.kind == .lparen }) else { return [] }
            return [.insert(add.joined(separator: separator(for: list, in: r)), at: Int(open.textEnd))]
        }

        var edits: [TextEdit] = []
        // Runs of removed items go with the separator before them (or after, at the start).
        var i = 0
        while i < items.count {
            guard removed.contains(i) else { i += 1; continue }
            var j = i
            while j + 1 < items.count, removed.contains(j + 1) { j += 1 }
            if i > 0 {
                edits.append(.delete(items[i - 1].textRange.upperBound..<items[j].textRange.upperBound))
            } else {
                edits.append(.delete(items[0].textRange.lowerBound..<items[j + 1].textRange.lowerBound))
            }
            i = j + 1
        }
        if !add.isEmpty, let last = items.last {
            let sep = separator(for: list, in: r)
            edits.append(.insert(sep + add.joined(separator: sep), at: last.textRange.upperBound))
        }
        return edits
    }

    public static func setting(_ flags: [String], on p: ProfileSyntax, in r: ParseResult) -> [TextEdit] {
        edits(adding: flags, removing: [], on: p, in: r)
    }

    public static func clearing(_ flags: [String], on p: ProfileSyntax, in r: ParseResult) -> [TextEdit] {
        edits(adding: [], removing: flags, on: p, in: r)
    }

    /// `flags=complain`: one value, no list.
    static func singleValueEdits(_ cond: SyntaxNode, adding: [String], removing: Set<String>, on p: ProfileSyntax, in r: ParseResult) -> [TextEdit] {
        guard let value = ConditionSyntax(cond)?.valueToken else { return [] }
        let current = flagName(r.value(value))
        let keep = !removing.contains(current)
        let add = unique(adding).filter { !(keep && $0 == current) }
        if keep && add.isEmpty { return [] }
        if !keep && add.isEmpty { return [removal(of: cond, in: p, r)] }
        let all = (keep ? [r.text(value)] : []) + add
        return [TextEdit(range: value.textRange, text: "(\(all.joined(separator: separator(for: nil, in: r))))")]
    }

    /// The separator between flags, one style per file: the list's own (`, ` with commas, ` `
    /// with blanks only) when it has two items or more, else that of the file's first header
    /// with such a list, else `, `.
    static func separator(for list: SyntaxNode?, in r: ParseResult) -> String {
        func style(_ l: SyntaxNode) -> String? {
            if l.childTokens.contains(where: { $0.kind == .comma }) { return ", " }
            return ListSyntax(l).items.count >= 2 ? " " : nil
        }
        if let list, let own = style(list) { return own }
        var found: String?
        r.root.walk { n in
            guard found == nil, let p = ProfileSyntax(n), let l = p.flagsList(in: r) else { return }
            found = style(l)
        }
        return found ?? ", "
    }

    /// Removes a whole `flags=(...)` (or bare list) with the blank before it (line ends
    /// included, so that a `{` on the next line moves up), when that blank holds no comment;
    /// otherwise only its text.
    static func removal(of holder: SyntaxNode, in p: ProfileSyntax, _ r: ParseResult) -> TextEdit {
        let text = holder.textRange
        var previousEnd: Int?
        for e in p.node.children {
            if e.fullRange.lowerBound >= holder.fullRange.lowerBound { break }
            switch e {
            case .token(let t): previousEnd = Int(t.textEnd)
            case .node(let n): previousEnd = n.lastToken.map { Int($0.textEnd) } ?? previousEnd
            }
        }
        if let start = previousEnd, start <= text.lowerBound,
           !r.source.bytes[start..<text.lowerBound].contains(UInt8(ascii: "#")) {
            return .delete(start..<text.upperBound)
        }
        return .delete(text)
    }

    /// The end of the header's last element (where ` flags=(...)` goes).
    static func lastHeaderTextEnd(_ p: ProfileSyntax) -> Int? {
        var end: Int?
        for e in p.node.children {
            if case .node(let n) = e, n.kind == .block { break }
            switch e {
            case .token(let t): end = Int(t.textEnd)
            case .node(let n): end = n.lastToken.map { Int($0.textEnd) } ?? end
            }
        }
        return end
    }

    static func unique(_ xs: [String]) -> [String] {
        var seen = Set<String>()
        return xs.filter { seen.insert($0).inserted }
    }
}
