/// A child as a node keeps it, in 16 bytes where a `SyntaxElement` takes 24: a node's storage,
/// or a token without its leading start, which is where the child before it ends (or, for the
/// first child, where the node starts).
enum StoredChild {
    case node(SyntaxNodeStorage)
    case token(StoredToken)

    /// Where the child's bytes, trailing trivia included, end.
    var end: Int32 {
        switch self {
        case .node(let s): s.end
        case .token(let t): t.trailingEnd
        }
    }
}

/// A token's offsets but its leading start, and its kind last, so that `StoredChild` packs in
/// 16 bytes.
struct StoredToken {
    let textStart: Int32
    let textEnd: Int32
    let trailingEnd: Int32
    let kind: TokenKind
}

/// A node's fields and, after them, its children: one allocation, written only while it is
/// made. No pointer to the children leaves this type and `SyntaxChildren`.
///
/// The fields are 8 bytes, so a node of three tokens is 72 bytes and takes an 80-byte block
/// from malloc (at 16 bytes of fields it took 96). A node keeps where it starts, not where it
/// ends: that is where its last child ends, and the parser nests nodes at most a few hundred
/// deep (`Parser.maxNesting`), so finding it is a short walk down the last children.
final class SyntaxNodeStorage: ManagedBuffer<SyntaxNodeStorage.Fields, StoredChild> {
    struct Fields {
        let start: Int32
        var kind: SyntaxKind
        /// The top bit: the node's elements are chunks of its children (`makeChunked`). The
        /// rest, with `elementsLow`: how many elements (children, or chunks) follow.
        private let elementsHigh: UInt8
        private let elementsLow: UInt16

        /// The most elements a node holds: more children than a chunk are kept in chunks, so
        /// this bounds a node's children at 34 billion.
        static let maxElements = 1 << 23 - 1

        init(kind: SyntaxKind, chunked: Bool = false, start: Int32, elements: Int) {
            precondition(elements >= 0 && elements <= Fields.maxElements, "too many elements in one node")
            self.start = start
            self.kind = kind
            elementsHigh = UInt8(elements >> 16) | (chunked ? 0x80 : 0)
            elementsLow = UInt16(truncatingIfNeeded: elements)
        }

        var chunked: Bool { elementsHigh & 0x80 != 0 }
        var elements: Int { Int(elementsHigh & 0x7F) << 16 | Int(elementsLow) }
    }

    /// Children per chunk of a chunked node.
    static let chunkSize = 4096

    /// How many children (of a chunked node: in all its chunks).
    var count: Int {
        withUnsafeMutablePointers { fields, p in
            let n = fields.pointee.elements
            guard fields.pointee.chunked, n > 0, case .node(let last) = p[n - 1] else { return n }
            return (n - 1) * SyntaxNodeStorage.chunkSize + last.count
        }
    }

    /// Where the node's bytes end: where its last child ends (where it starts, when it has none).
    var end: Int32 {
        withUnsafeMutablePointers { fields, p in
            let n = fields.pointee.elements
            return n == 0 ? fields.pointee.start : p[n - 1].end
        }
    }

    func child(at i: Int) -> SyntaxElement {
        withUnsafeMutablePointers { fields, p in
            guard fields.pointee.chunked else {
                switch p[i] {
                case .node(let s): return .node(SyntaxNode(storage: s))
                case .token(let t):
                    // A token's leading trivia starts where the child before it ends.
                    let leading = i == 0 ? fields.pointee.start : p[i - 1].end
                    return .token(Token(kind: t.kind, leadingStart: leading, textStart: t.textStart,
                                        textEnd: t.textEnd, trailingEnd: t.trailingEnd))
                }
            }
            guard case .node(let chunk) = p[i / SyntaxNodeStorage.chunkSize] else { preconditionFailure("a chunk is a node") }
            return chunk.child(at: i % SyntaxNodeStorage.chunkSize)
        }
    }

    /// A node over more children than one chunk holds: `chunks`, each of exactly `chunkSize`
    /// children (made as a `ChildList` filled them), then the rest. The chunks take the node's
    /// kind, though only the node reads them.
    static func makeChunked(kind: SyntaxKind, chunks: [SyntaxNodeStorage], rest: [SyntaxElement]) -> SyntaxNodeStorage {
        var parts = chunks
        if !rest.isEmpty { parts.append(make(kind: kind, children: rest, at: 0)) }
        for part in parts {
            precondition(part === parts.last || part.count == chunkSize, "only the last chunk may be short")
            part.header.kind = kind
        }
        let start = parts.first?.header.start ?? 0
        return store(parts.lazy.map { .node(SyntaxNode(storage: $0)) }, Fields(kind: kind, chunked: true, start: start, elements: parts.count))
    }

    static func make<C: BidirectionalCollection<SyntaxElement>>(kind: SyntaxKind, children: C, at offset: Int) -> SyntaxNodeStorage {
        if children.count > chunkSize {
            var list = ChildList()
            for c in children { list.append(c) }
            return SyntaxNode.make(kind: kind, children: &list, at: offset).storage
        }
        let start = children.first?.fullRange.lowerBound ?? offset
        return store(children, Fields(kind: kind, start: Int32(start), elements: children.count))
    }

    /// One allocation: `fields`, then `elements` (the node's children, or its chunks), each
    /// token checked to start where the element before it ends.
    private static func store<C: Collection<SyntaxElement>>(_ elements: C, _ fields: Fields) -> SyntaxNodeStorage {
        let count = fields.elements
        let storage = unsafeDowncast(SyntaxNodeStorage.create(minimumCapacity: count) { _ in fields }, to: SyntaxNodeStorage.self)
        storage.withUnsafeMutablePointerToElements { p in
            var written = 0
            var end = fields.start
            for e in elements where written < count {
                switch e {
                case .node(let n):
                    (p + written).initialize(to: .node(n.storage))
                    end = n.storage.end
                case .token(let t):
                    precondition(t.leadingStart == end, "a token starts where the element before it ends")
                    (p + written).initialize(to: .token(StoredToken(textStart: t.textStart, textEnd: t.textEnd,
                                                                     trailingEnd: t.trailingEnd, kind: t.kind)))
                    end = t.trailingEnd
                }
                written += 1
            }
            precondition(written == count, "a collection changed its count")
        }
        return storage
    }

    deinit {
        withUnsafeMutablePointers { fields, elements in
            _ = elements.deinitialize(count: fields.pointee.elements)
        }
    }
}
