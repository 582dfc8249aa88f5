/// The children of a node being parsed, gathered in fixed-size chunks. A list that grows by
/// doubling holds up to twice the room it needs, and three times while it moves; a statement
/// list or an `and` chain may be hundreds of thousands long, so a long list is kept as full
/// chunks instead, and each chunk becomes part of the node as the list lets it go.
struct ChildList {
    /// Elements per chunk: 4096 of 24 bytes, about 100 KB.
    static let chunkSize = SyntaxNodeStorage.chunkSize

    fileprivate var full: [[SyntaxElement]] = []
    fileprivate var current: [SyntaxElement] = []

    init() {}

    init(_ first: SyntaxElement) {
        current = [first]
    }

    var count: Int { full.count * ChildList.chunkSize + current.count }
    var isEmpty: Bool { count == 0 }

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
    static func make(kind: SyntaxKind, children list: inout ChildList, at offset: Int) -> SyntaxNode {
        var chunks = list.full
        chunks.append(list.current)
        list = ChildList()
        if chunks.count == 1 { return make(kind: kind, children: chunks[0], at: offset) }
        return makeChunked(kind: kind, chunks: &chunks)
    }
}
