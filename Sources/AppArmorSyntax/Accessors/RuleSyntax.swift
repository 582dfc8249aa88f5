/// Any rule: `[qualifiers] [keyword] elements... ,`. Rule-family meaning (permissions,
/// conditions, peers) is read by AppArmorPolicy from these parts.
public struct RuleSyntax: Sendable {
    public let node: SyntaxNode
    public init?(_ node: SyntaxNode) {
        guard node.kind.isRule || node.kind == .alias else { return nil }
        self.node = node
    }

    public var qualifiersNode: SyntaxNode? { node.firstChild(.qualifiers) }

    /// `audit`, `deny`, `owner`... as written (priority is in `priority`).
    public func qualifiers(in r: ParseResult) -> [String] {
        qualifiersNode?.childTokens.map { r.text($0) } ?? []
    }

    /// The value of `priority=N`, as written.
    public func priority(in r: ParseResult) -> String? {
        guard let q = qualifiersNode else { return nil }
        for n in q.childNodes(.condition) { if let c = ConditionSyntax(n) { return c.values(in: r).first } }
        return nil
    }

    /// The elements after the qualifiers, without the final comma.
    public var elements: [SyntaxElement] {
        var out: [SyntaxElement] = []
        for c in node.children {
            switch c {
            case .node(let n) where n.kind == .qualifiers: continue
            case .token(let t) where t.kind == .comma: continue
            default: out.append(c)
            }
        }
        return out
    }

    /// The plain words and strings among the elements.
    public var plainTokens: [Token] {
        elements.compactMap { if case .token(let t) = $0, t.kind == .word || t.kind == .string { t } else { nil } }
    }

    public var conditions: [ConditionSyntax] {
        elements.compactMap { if case .node(let n) = $0 { ConditionSyntax(n) } else { nil } }
    }

    public var lists: [ListSyntax] {
        elements.compactMap { if case .node(let n) = $0, n.kind == .list { ListSyntax(n) } else { nil } }
    }

    /// The token after `->`, if any.
    public var arrowTarget: Token? {
        for e in elements {
            if case .node(let n) = e, n.kind == .arrowTarget { return n.childTokens.dropFirst().first }
        }
        return nil
    }

    public var comma: Token? { node.childTokens.last { $0.kind == .comma } }
}

extension ParseResult {
    /// Every profile and hat in the file, outermost first, to any depth.
    public var profiles: [ProfileSyntax] {
        var out: [ProfileSyntax] = []
        root.walk { if let p = ProfileSyntax($0) { out.append(p) } }
        return out
    }

    /// The top-level profiles (not nested in another profile).
    public var topLevelProfiles: [ProfileSyntax] {
        var out: [ProfileSyntax] = []
        func visit(_ n: SyntaxNode) {
            if let p = ProfileSyntax(n) { out.append(p); return }
            for c in n.childNodes { visit(c) }
        }
        visit(root)
        return out
    }
}
