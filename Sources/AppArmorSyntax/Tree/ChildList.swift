/// The children of a node being parsed, gathered in fixed-size chunks. A list that grows by
/// doubling holds up to twice the room it needs, and three times while it moves; a statement
/// list or an `and` chain may be hundreds of thousands long, so a long list is kept as full
/// chunks instead, and each chunk becomes part of the node as the list lets it go.
struct ChildList {
    /// Elements per chunk: 4096 of 24 bytes, about 100 KB.
    static let chunkSize = SyntaxNodeStorage.chunkSize

    private var full: [[SyntaxElement]] = []
    private var current: [SyntaxElement] = []

    init() {}

    init(_ first: SyntaxElement) {
        current = [first]
    }

    var count: Int { full.count * ChildList.chunkSize + current.count }
    var isEmpty: Bool { count == 0 }
    var last: SyntaxElement? { current.last ?? full.last?.last }

    mutating func append(_ e: SyntaxElement) {
        if current.count == ChildList.chunkSize {
            full.append(current)
            current = []
            current.reserveCapacity(ChildList.chunkSize)
        }
        current.append(e)
    }

    /// Removes and returns the last element (nil when empty).
    mutating func popLast() -> SyntaxElement? {
        if current.isEmpty, let chunk = full.popLast() { current = chunk }
        return current.popLast()
    }
}

extension SyntaxNode {
    /// A node of `kind` over the gathered children (`offset` places a node without children);
    /// the list is emptied. A list of one chunk or less becomes one allocation at its exact
    /// count; a longer one, a chunked node.
    static func make(kind: SyntaxKind, children: inout ChildList, at offset: Int) -> SyntaxNode {
        children.makeNode(kind: kind, at: offset)
    }
}

extension ChildList {
    mutating func makeNode(kind: SyntaxKind, at offset: Int) -> SyntaxNode {
        defer { self = ChildList() }
        if full.isEmpty { return SyntaxNode.make(kind: kind, children: current, at: offset) }
        var chunks = full
        full = []
        chunks.append(current)
        current = []
        return SyntaxNode.makeChunked(kind: kind, chunks: &chunks)
    }
}
