/// One replacement on the original bytes of a file: the bytes in `range` become `replacement`.
/// An empty range inserts; an empty replacement deletes.
public struct TextEdit: Sendable, Equatable {
    public let range: Range<Int>
    public let replacement: [UInt8]

    public init(range: Range<Int>, replacement: [UInt8]) {
        self.range = range
        self.replacement = replacement
    }

    public init(range: Range<Int>, text: String) {
        self.init(range: range, replacement: Array(text.utf8))
    }

    public static func insert(_ text: String, at offset: Int) -> TextEdit {
        TextEdit(range: offset..<offset, text: text)
    }

    public static func delete(_ range: Range<Int>) -> TextEdit {
        TextEdit(range: range, replacement: [])
    }

    public var isInsertion: Bool { range.isEmpty }
}

/// A set of non-overlapping edits on one file's bytes. Insertions at the same offset are kept
/// in the order they were added; an insertion may sit at either end of a replaced range.
public struct EditSet: Sendable, Equatable {
    public enum Conflict: Error, Equatable, CustomStringConvertible {
        case overlap(Range<Int>, Range<Int>)
        case outOfBounds(Range<Int>)

        public var description: String {
            switch self {
            case .overlap(let a, let b): "edits overlap: bytes \(a) and \(b)"
            case .outOfBounds(let r): "edit out of the file: bytes \(r)"
            }
        }
    }

    public private(set) var edits: [TextEdit] = []

    public init() {}

    public init(_ edits: [TextEdit]) throws {
        for e in edits { try add(e) }
    }

    public var isEmpty: Bool { edits.isEmpty }

    /// Adds an edit, refusing one that overlaps an edit already in the set.
    public mutating func add(_ edit: TextEdit) throws {
        for other in edits where Self.overlaps(edit.range, other.range) {
            throw Conflict.overlap(other.range, edit.range)
        }
        edits.append(edit)
    }

    public mutating func add(contentsOf more: [TextEdit]) throws {
        for e in more { try add(e) }
    }

    /// Two ranges conflict when they share a byte, or when an insertion falls strictly inside
    /// a replaced range.
    static func overlaps(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
        if a.isEmpty && b.isEmpty { return false }
        if a.isEmpty { return a.lowerBound > b.lowerBound && a.lowerBound < b.upperBound }
        if b.isEmpty { return b.lowerBound > a.lowerBound && b.lowerBound < a.upperBound }
        return a.overlaps(b)
    }

    /// The edits in file order (stable for insertions at one offset; an insertion at the start
    /// of a replaced range goes before it).
    public var sorted: [TextEdit] {
        edits.enumerated().sorted { x, y in
            let a = x.element.range, b = y.element.range
            if a.lowerBound != b.lowerBound { return a.lowerBound < b.lowerBound }
            if a.isEmpty != b.isEmpty { return a.isEmpty }
            return x.offset < y.offset
        }.map(\.element)
    }

    /// The bytes after every edit.
    public func apply(to bytes: [UInt8]) throws -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + edits.reduce(0) { $0 + $1.replacement.count })
        var pos = 0
        for e in sorted {
            guard e.range.lowerBound >= pos,
                  e.range.upperBound <= bytes.count else { throw Conflict.outOfBounds(e.range) }
            out.append(contentsOf: bytes[pos..<e.range.lowerBound])
            out.append(contentsOf: e.replacement)
            pos = e.range.upperBound
        }
        out.append(contentsOf: bytes[pos...])
        return out
    }
}
