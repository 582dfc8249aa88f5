/// A node or a token: the children of a node, in source order.
public enum SyntaxElement: Sendable {
    case node(SyntaxNode)
    case token(Token)

    public var fullRange: Range<Int> {
        switch self {
        case .node(let n): n.fullRange
        case .token(let t): t.fullRange
        }
    }
}

/// An immutable node of the lossless tree. Its tokens, in order, cover exactly its bytes.
///
/// A node and its children are one allocation (`SyntaxNodeStorage`): the children follow the
/// node's fields at their exact count, so a file of a hundred thousand short statements costs
/// one object per statement, not an object and a list. Two nodes are equal when they are the
/// same node (`id`), as class references compare with `===`.
public struct SyntaxNode: @unchecked Sendable, Hashable, Identifiable {
    // @unchecked: the storage is written once, in `make`, and only read after that.
    let storage: SyntaxNodeStorage

    /// A node of `kind` over `children` (`offset` places a node without children).
    public static func make<C: BidirectionalCollection<SyntaxElement>>(kind: SyntaxKind, children: C, at offset: Int) -> SyntaxNode {
        SyntaxNode(storage: SyntaxNodeStorage.make(kind: kind, children: children, at: offset))
    }

    /// The node's identity, for tables keyed by node (valid while the node is alive).
    public var id: ObjectIdentifier { ObjectIdentifier(storage) }

    /// The storage object, for tests that watch it being freed.
    var storageObject: AnyObject { storage }

    public static func == (a: SyntaxNode, b: SyntaxNode) -> Bool { a.storage === b.storage }
    public func hash(into hasher: inout Hasher) { hasher.combine(id) }

    public var kind: SyntaxKind { storage.header.kind }

    /// Leading trivia of the first token to trailing trivia of the last.
    public var fullRange: Range<Int> { Int(storage.header.start)..<Int(storage.end) }

    /// The children, in source order.
    public var children: SyntaxChildren { SyntaxChildren(storage: storage) }

    /// First to last token text, without the outer trivia.
    public var textRange: Range<Int> {
        guard let f = firstToken, let l = lastToken else { return fullRange }
        return f.textRange.lowerBound..<l.textRange.upperBound
    }

    public var firstToken: Token? {
        for c in children {
            switch c {
            case .token(let t): return t
            case .node(let n): if let t = n.firstToken { return t }
            }
        }
        return nil
    }

    public var lastToken: Token? {
        for c in children.reversed() {
            switch c {
            case .token(let t): return t
            case .node(let n): if let t = n.lastToken { return t }
            }
        }
        return nil
    }

    /// Child nodes (not tokens).
    public var childNodes: [SyntaxNode] {
        // Room for every child at once: a file's statement list may be a hundred thousand long,
        // and a list grown by doubling would hold up to twice that.
        var out: [SyntaxNode] = []
        out.reserveCapacity(children.count)
        for case .node(let n) in children { out.append(n) }
        return out
    }

    /// Child nodes (not tokens), read as they are visited: for a walk over a file's statements
    /// that should not hold a list of them all.
    public var lazyChildNodes: some Sequence<SyntaxNode> {
        children.lazy.compactMap { if case .node(let n) = $0 { n } else { nil } }
    }

    /// Direct child tokens.
    public var childTokens: [Token] {
        children.compactMap { if case .token(let t) = $0 { t } else { nil } }
    }

    public func childNodes(_ kind: SyntaxKind) -> [SyntaxNode] {
        childNodes.filter { $0.kind == kind }
    }

    public func firstChild(_ kind: SyntaxKind) -> SyntaxNode? {
        for c in children { if case .node(let n) = c, n.kind == kind { return n } }
        return nil
    }

    /// Every token below this node, in order.
    public func forEachToken(_ body: (Token) -> Void) {
        for c in children {
            switch c {
            case .token(let t): body(t)
            case .node(let n): n.forEachToken(body)
            }
        }
    }

    public var tokens: [Token] {
        var out: [Token] = []
        forEachToken { out.append($0) }
        return out
    }

    /// Visits this node and every node below it, depth first, in source order.
    public func walk(_ body: (SyntaxNode) -> Void) {
        body(self)
        for case .node(let n) in children { n.walk(body) }
    }
}

/// The children of a node, in source order: a view of the node's own storage.
public struct SyntaxChildren: RandomAccessCollection, @unchecked Sendable {
    // @unchecked: as SyntaxNode, a view of storage that is never written after it is made.
    let storage: SyntaxNodeStorage

    public var startIndex: Int { 0 }
    public var endIndex: Int { storage.count }

    public subscript(i: Int) -> SyntaxElement {
        precondition(i >= 0 && i < endIndex, "child index out of range")
        return storage.child(at: i)
    }
}
