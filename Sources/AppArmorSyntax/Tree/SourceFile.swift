/// The bytes of one profile file, with the line table used to turn byte offsets into
/// line:column positions. Profiles are byte strings: nothing here assumes UTF-8.
public struct SourceFile: Sendable {
    /// The name shown in diagnostics (the path as the user gave it).
    public let path: String
    public let bytes: [UInt8]
    /// Byte offset of the first byte of every line (Int32, as tokens keep offsets).
    private let lineStarts: [Int32]

    /// How many lines the file has (a last line without a line end counts).
    public var lineCount: Int { lineStarts.count }

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
        var starts: [Int32] = [0]
        // Counted first: room for exactly the lines there are.
        starts.reserveCapacity(bytes.count { $0 == 0x0A } + 1)
        for (i, b) in bytes.enumerated() where b == 0x0A {
            starts.append(Int32(truncatingIfNeeded: i + 1))
        }
        self.lineStarts = starts
    }

    public init(path: String, text: String) {
        self.init(path: path, bytes: Array(text.utf8))
    }

    /// A one-based line and column for a byte offset. Columns count bytes.
    public func location(of offset: Int) -> SourceLocation {
        let offset = max(0, min(offset, bytes.count))
        var lo = 0, hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if Int(lineStarts[mid]) <= offset { lo = mid } else { hi = mid - 1 }
        }
        return SourceLocation(offset: offset, line: lo + 1, column: offset - Int(lineStarts[lo]) + 1)
    }

    /// The text of a one-based line, without its line end.
    public func lineText(_ line: Int) -> String {
        String(decoding: bytes[lineRange(line)], as: UTF8.self)
    }

    /// The byte range of a one-based line, without its line end (empty past the last line).
    public func lineRange(_ line: Int) -> Range<Int> {
        guard line >= 1, line <= lineStarts.count else { return 0..<0 }
        let start = Int(lineStarts[line - 1])
        var end = line < lineStarts.count ? Int(lineStarts[line]) : bytes.count
        while end > start, bytes[end - 1] == 0x0A || bytes[end - 1] == 0x0D { end -= 1 }
        return start..<end
    }

    /// The offset of the first NUL byte, when there is one: the file is binary data, not text
    /// (no policy holds a NUL; apparmor_parser stops at it too).
    public var firstBinaryByte: Int? { bytes.firstIndex(of: 0) }

    /// The bytes of a range as a String (lossy for non-UTF-8 bytes).
    public func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }
}

public struct SourceLocation: Sendable, Equatable, CustomStringConvertible {
    public let offset: Int
    public let line: Int
    public let column: Int
    public var description: String { "\(line):\(column)" }
}
