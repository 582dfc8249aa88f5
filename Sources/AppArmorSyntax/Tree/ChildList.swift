/// The children of a node being parsed. A list that grows by doubling holds up to twice the
/// room it needs, and three times while it moves; a statement list or an `and` chain may be
/// hundreds of thousands long. So each time the list has a chunk's worth, they become a chunk
/// node at once (16 bytes a child) and the one working buffer is used again: the node made at
/// the end holds the chunks, and nothing was held twice or left behind.
struct ChildList {
    /// Elements per chunk: 4096, 64 KB as a chunk node.
    static let chunkSize = SyntaxNodeStorage.chunkSize

    fileprivate var full: [SyntaxNodeStorage] = []
    fileprivate var current: [SyntaxElement] = []

    init() {}

    init(_ first: SyntaxElement) {
        current = [first]
    }

    var count: Int { full.count * ChildList.chunkSize + current.count }
    var isEmpty: Bool { count == 0 }

    mutating func append(_ e: SyntaxElement) {
        if current.count == ChildList.chunkSize {
            // Its kind is the node's, set when the node is made.
            full.append(SyntaxNodeStorage.make(kind: .block, children: current, at: 0))
            current.removeAll(keepingCapacity: true)
        }
        current.append(e)
    }
}

extension SyntaxNode {
    /// A node of `kind` over the gathered children (`offset` places a node without children);
    /// the list is emptied. A list of one chunk or less becomes one allocation at its exact
    /// count; a longer one, a chunked node.
    static func make(kind: SyntaxKind, children list: inout ChildList, at offset: Int) -> SyntaxNode {
        let (full, rest) = (list.full, list.current)
        list = ChildList()
        if full.isEmpty { return make(kind: kind, children: rest, at: offset) }
        return SyntaxNode(storage: SyntaxNodeStorage.makeChunked(kind: kind, chunks: full, rest: rest))
    }
}
