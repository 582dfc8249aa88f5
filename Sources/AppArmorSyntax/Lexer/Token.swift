/// What a token is. The lexer knows little of the language: most of a profile is words, and the
/// parser gives each word its meaning from its position (keyword, path, permission, value).
public enum TokenKind: UInt8, Sendable, CustomStringConvertible {
    /// A run of non-space characters: keywords, paths with their AARE globs and `{a,b}`
    /// alternations, `@{var}`, `${bool}`, permissions, numbers, addresses, port ranges, names.
    case word
    /// A double-quoted string, with its quotes and escapes as written.
    case string
    /// `<name>` after include or abi.
    case angleName
    case lbrace, rbrace, lparen, rparen, comma
    /// `->`
    case arrow
    /// `=`, `+=`, `?=`, `:=`
    case equals, plusEquals, questionEquals, colonEquals
    /// `<=` (rlimit) and, in conditions, `<`, `>`, `>=`, `==`, `!=`
    case lessEquals, less, greater, greaterEquals, equalEquals, notEquals
    /// A byte the lexer cannot start any token with (kept, reported).
    case unknown
    /// End of input; carries the file's last trivia.
    case eof

    public var description: String {
        switch self {
        case .word: "word"
        case .string: "string"
        case .angleName: "angle-name"
        case .lbrace: "'{'"
        case .rbrace: "'}'"
        case .lparen: "'('"
        case .rparen: "')'"
        case .comma: "','"
        case .arrow: "'->'"
        case .equals: "'='"
        case .plusEquals: "'+='"
        case .questionEquals: "'?='"
        case .colonEquals: "':='"
        case .lessEquals: "'<='"
        case .less: "'<'"
        case .greater: "'>'"
        case .greaterEquals: "'>='"
        case .equalEquals: "'=='"
        case .notEquals: "'!='"
        case .unknown: "unknown"
        case .eof: "end of file"
        }
    }

    public var isAssignment: Bool {
        self == .equals || self == .plusEquals || self == .questionEquals || self == .colonEquals
    }
}

/// One token with its trivia. The byte ranges of consecutive tokens touch, so the tokens of a
/// file, leading trivia + text + trailing trivia each, are exactly the file.
///
/// Leading trivia: the blank lines, comment lines and indentation before the token. Trailing
/// trivia: spaces, an end-of-line comment and the line end that follow it on its own line.
public struct Token: Sendable, Equatable {
    public let kind: TokenKind
    public let leadingStart: Int32
    public let textStart: Int32
    public let textEnd: Int32
    public let trailingEnd: Int32

    public init(kind: TokenKind, leadingStart: Int, textStart: Int, textEnd: Int, trailingEnd: Int) {
        self.kind = kind
        self.leadingStart = Int32(leadingStart)
        self.textStart = Int32(textStart)
        self.textEnd = Int32(textEnd)
        self.trailingEnd = Int32(trailingEnd)
    }

    init(kind: TokenKind, leadingStart: Int32, textStart: Int32, textEnd: Int32, trailingEnd: Int32) {
        self.kind = kind
        self.leadingStart = leadingStart
        self.textStart = textStart
        self.textEnd = textEnd
        self.trailingEnd = trailingEnd
    }

    /// The token's own bytes.
    public var textRange: Range<Int> { Int(textStart)..<Int(textEnd) }
    /// Leading trivia + text + trailing trivia.
    public var fullRange: Range<Int> { Int(leadingStart)..<Int(trailingEnd) }
    public var leadingTrivia: Range<Int> { Int(leadingStart)..<Int(textStart) }
    public var trailingTrivia: Range<Int> { Int(textEnd)..<Int(trailingEnd) }
}

/// One piece of trivia, found by `Trivia.pieces(in:of:)`.
public enum TriviaPiece: Sendable, Equatable {
    case spaces(Range<Int>)
    case newline(Range<Int>)
    case comment(Range<Int>)
}

public enum Trivia {
    /// Splits a trivia byte range into spaces, line ends (`\n` or `\r\n`) and `#` comments.
    public static func pieces(in range: Range<Int>, of bytes: [UInt8]) -> [TriviaPiece] {
        var out: [TriviaPiece] = []
        var i = range.lowerBound
        while i < range.upperBound {
            let start = i
            let b = bytes[i]
            if b == UInt8(ascii: "#") {
                while i < range.upperBound, bytes[i] != 0x0A, bytes[i] != 0x0D || (i + 1 < range.upperBound && bytes[i + 1] != 0x0A) { i += 1 }
                out.append(.comment(start..<i))
            } else if b == 0x0A {
                i += 1
                out.append(.newline(start..<i))
            } else if b == 0x0D, i + 1 < range.upperBound, bytes[i + 1] == 0x0A {
                i += 2
                out.append(.newline(start..<i))
            } else {
                while i < range.upperBound, bytes[i] != 0x0A, bytes[i] != UInt8(ascii: "#"),
                      !(bytes[i] == 0x0D && i + 1 < range.upperBound && bytes[i + 1] == 0x0A) { i += 1 }
                out.append(.spaces(start..<i))
            }
        }
        return out
    }
}
