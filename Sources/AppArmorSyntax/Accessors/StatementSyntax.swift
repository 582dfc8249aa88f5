/// Typed views over the nodes of the tree. Each keeps the node, so edits and diagnostics can
/// point at the exact bytes.

/// `profile NAME [ATTACH] [xattrs=(...)] [flags=(...)] { ... }`, a bare `/path {`, or a hat.
public struct ProfileSyntax: Sendable {
    public let node: SyntaxNode
    public init?(_ node: SyntaxNode) {
        guard node.kind == .profile || node.kind == .hat else { return nil }
        self.node = node
    }

    public var isHat: Bool { node.kind == .hat }

    /// The header's elements before the block (tokens and condition/list nodes).
    public var headerElements: [SyntaxElement] {
        node.children.filter {
            if case .node(let n) = $0 { return n.kind != .block && n.kind != .qualifiers }
            return true
        }
    }

    /// `profile` or `hat`, when the header uses one.
    public func keywordToken(in r: ParseResult) -> Token? {
        guard case .token(let t) = headerElements.first, t.kind == .word else { return nil }
        let s = r.text(t)
        return s == "profile" || s == "hat" ? t : nil
    }

    /// The plain tokens of the header (name, attachment), keyword excluded.
    public func plainTokens(in r: ParseResult) -> [Token] {
        var out: [Token] = []
        let kw = keywordToken(in: r)
        for e in headerElements {
            if case .token(let t) = e, t != kw, t.kind == .word || t.kind == .string { out.append(t) }
        }
        return out
    }

    public func nameToken(in r: ParseResult) -> Token? {
        let tokens = plainTokens(in: r)
        // `^"a b"`: the caret is a token of its own before the quoted name.
        if isHat, tokens.count >= 2, r.text(tokens[0]) == "^", tokens[1].kind == .string,
           tokens[0].textRange.upperBound == tokens[1].textRange.lowerBound {
            return tokens[1]
        }
        return tokens.first
    }

    /// The profile name: for a bare `^hat` without its `^`.
    public func name(in r: ParseResult) -> String {
        guard let t = nameToken(in: r) else { return "" }
        var v = r.value(t)
        if isHat, keywordToken(in: r) == nil, v.hasPrefix("^") { v.removeFirst() }
        return v
    }

    /// The attachment (`profile NAME ATTACH {`), when given.
    public func attachmentToken(in r: ParseResult) -> Token? {
        guard keywordToken(in: r) != nil else { return nil }
        let toks = plainTokens(in: r)
        return toks.count >= 2 ? toks[1] : nil
    }

    /// The `flags=(...)` condition, or the bare `(...)` list of flags.
    public var flagsNode: SyntaxNode? {
        for e in headerElements {
            guard case .node(let n) = e else { continue }
            if n.kind == .list { return n }
        }
        return nil
    }

    public func flagsCondition(in r: ParseResult) -> SyntaxNode? {
        for e in headerElements {
            guard case .node(let n) = e, n.kind == .condition, let k = n.firstToken else { continue }
            if r.text(k) == "flags" { return n }
        }
        return nil
    }

    /// The list node that holds the flags, written either way.
    public func flagsList(in r: ParseResult) -> SyntaxNode? {
        if let c = flagsCondition(in: r) { return c.firstChild(.list) }
        return flagsNode
    }

    /// The flags, as written (`complain`, `attach_disconnected.path=/x`...).
    public func flags(in r: ParseResult) -> [String] {
        if let c = flagsCondition(in: r), c.firstChild(.list) == nil {
            // flags=complain
            return c.childTokens.dropFirst(2).map { r.value($0) }
        }
        guard let list = flagsList(in: r) else { return [] }
        return ListSyntax(list).items.map { r.text($0) }
    }

    public func xattrsCondition(in r: ParseResult) -> SyntaxNode? {
        for e in headerElements {
            guard case .node(let n) = e, n.kind == .condition, let k = n.firstToken else { continue }
            if r.text(k) == "xattrs" { return n }
        }
        return nil
    }

    public var block: SyntaxNode? { node.firstChild(.block) }

    /// The statements inside the block.
    public var items: [SyntaxNode] { block.map(BlockSyntax.items) ?? [] }

    /// Child profiles and hats directly inside this profile (also inside qualifier blocks
    /// and conditionals).
    public var children: [ProfileSyntax] {
        var out: [ProfileSyntax] = []
        func collect(_ items: [SyntaxNode]) {
            for item in items {
                if let p = ProfileSyntax(item) { out.append(p) }
                else if item.kind == .conditional || item.kind == .elseClause || item.kind == .qualifierBlock {
                    for b in item.childNodes(.block) { collect(BlockSyntax.items(b)) }
                    for e in item.childNodes(.elseClause) { collect([e]) }
                }
            }
        }
        collect(items)
        return out
    }
}

/// `{ statements }`
public enum BlockSyntax {
    public static func items(_ block: SyntaxNode) -> [SyntaxNode] { block.childNodes }

    public static func openBrace(_ block: SyntaxNode) -> Token? {
        block.childTokens.first { $0.kind == .lbrace }
    }

    public static func closeBrace(_ block: SyntaxNode) -> Token? {
        block.childTokens.last { $0.kind == .rbrace }
    }
}

/// `( item, item item )`
public struct ListSyntax: Sendable {
    public let node: SyntaxNode
    public init(_ node: SyntaxNode) { self.node = node }

    /// The items (words, strings, conditions, nested lists), without the separators.
    public var items: [SyntaxNode] {
        node.children.compactMap { e -> SyntaxNode? in
            switch e {
            case .node(let n): return n
            case .token(let t):
                guard t.kind != .lparen, t.kind != .rparen, t.kind != .comma else { return nil }
                return SyntaxNode.make(kind: .operand, children: [.token(t)], at: t.fullRange.lowerBound)
            }
        }
    }

    public var itemTokens: [Token] {
        node.childTokens.filter { $0.kind != .lparen && $0.kind != .rparen && $0.kind != .comma }
    }
}

/// `key=value`, `key=(list)`, `key in (list)`, `key+=value`...
public struct ConditionSyntax: Sendable {
    public let node: SyntaxNode
    public init?(_ node: SyntaxNode) {
        guard node.kind == .condition else { return nil }
        self.node = node
    }

    public var keyToken: Token? { node.childTokens.first }
    public var operatorToken: Token? { node.childTokens.count >= 2 ? node.childTokens[1] : nil }
    public var list: SyntaxNode? { node.firstChild(.list) }
    public var valueToken: Token? { node.childTokens.count >= 3 ? node.childTokens[2] : nil }

    public func key(in r: ParseResult) -> String { keyToken.map { r.text($0) } ?? "" }

    /// The values: the single value, or the list's items (text of each).
    public func values(in r: ParseResult) -> [String] {
        if let v = valueToken { return [r.value(v)] }
        if let l = list { return ListSyntax(l).itemTokens.map { r.value($0) } }
        return []
    }
}

/// `include [if exists] NAME`
public struct IncludeSyntax: Sendable {
    public let node: SyntaxNode
    /// The node's tokens, gathered once (every accessor reads them).
    private let toks: [Token]
    public init?(_ node: SyntaxNode) {
        guard node.kind == .include else { return nil }
        self.node = node
        self.toks = node.childTokens
    }

    public enum Form: Sendable { case magic, quoted, unquoted }

    public func isIfExists(in r: ParseResult) -> Bool {
        toks.contains { $0.kind == .word && r.text($0) == "exists" }
    }

    public var nameToken: Token? {
        guard toks.count >= 2 else { return nil }
        let t = toks.last { $0.kind != .comma }!
        return t == toks[0] ? nil : t
    }

    public var form: Form {
        switch nameToken?.kind {
        case .angleName: .magic
        case .string: .quoted
        default: .unquoted
        }
    }

    /// The file name without `<>` or quotes.
    public func name(in r: ParseResult) -> String { nameToken.map { r.value($0) } ?? "" }
}

/// `@{VAR} = values` / `${BOOL} = value`
public struct AssignmentSyntax: Sendable {
    public let node: SyntaxNode
    public init?(_ node: SyntaxNode) {
        guard node.kind == .variableAssignment || node.kind == .booleanAssignment else { return nil }
        self.node = node
    }

    public var nameToken: Token { token(0) }
    public var operatorToken: Token { token(1) }

    /// The `k`th token child, without listing them all (a file may hold a hundred thousand
    /// assignments, each read this way).
    private func token(_ k: Int) -> Token {
        var seen = 0
        for case .token(let t) in node.children {
            if seen == k { return t }
            seen += 1
        }
        preconditionFailure("an assignment has a name and an operator")
    }
    /// The values as written, with any line continuation `\` (see `isContinuation`).
    public var valueTokens: [Token] { Array(node.childTokens.dropFirst(2)) }

    /// `@{HOME}` -> `HOME`; `$b` -> `b`.
    public func name(in r: ParseResult) -> String { VariableName.strip(r.text(nameToken)) }
    public func values(in r: ParseResult) -> [String] {
        valueTokens.filter { $0.kind != .comma && !Self.isContinuation($0, in: r) }.map { r.value($0) }
    }

    /// A lone `\` at the end of a line: the values go on on the next line.
    public static func isContinuation(_ t: Token, in r: ParseResult) -> Bool {
        t.kind == .word && t.textRange.count == 1 && r.source.bytes[Int(t.textStart)] == UInt8(ascii: "\\")
    }
}

public enum VariableName {
    /// `@{NAME}`, `${NAME}`, `$NAME` -> `NAME`.
    public static func strip(_ s: String) -> String {
        var v = s.utf8[...]
        if v.first == UInt8(ascii: "@") || v.first == UInt8(ascii: "$") { v = v.dropFirst() }
        if v.count >= 2, v.first == UInt8(ascii: "{"), v.last == UInt8(ascii: "}") { v = v.dropFirst().dropLast() }
        return String(Substring(v))
    }
}
