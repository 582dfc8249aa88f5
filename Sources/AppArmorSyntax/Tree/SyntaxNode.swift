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
public final class SyntaxNode: Sendable {
    public let kind: SyntaxKind
    // Offsets as Int32 (as tokens keep them): a file is at most 2 GB.
    private let start: Int32
    private let end: Int32
    public let children: [SyntaxElement]

    /// Leading trivia of the first token to trailing trivia of the last.
    public var fullRange: Range<Int> { Int(start)..<Int(end) }

    public init(kind: SyntaxKind, children: [SyntaxElement], at offset: Int) {
        self.kind = kind
        // A short list of children is kept at its exact count (a list built by appending holds
        // up to twice the room it needs, and a tree lives as long as its file is read); a long
        // one is kept as it is, since a copy would hold both at once.
        if children.capacity > children.count, children.count <= 64 {
            var exact: [SyntaxElement] = []
            exact.reserveCapacity(children.count)
            exact.append(contentsOf: children)
            self.children = exact
        } else {
            self.children = children
        }
        if let first = children.first, let last = children.last {
            start = Int32(first.fullRange.lowerBound)
            end = Int32(last.fullRange.upperBound)
        } else {
            start = Int32(offset)
            end = Int32(offset)
        }
    }

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
        children.compactMap { if case .node(let n) = $0 { n } else { nil } }
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
