/// How the parser wants the next token read. AppArmor's lexical forms depend on position, as in
/// apparmor_parser's own flex start conditions.
public enum LexMode: Sendable {
    /// Statements and rule bodies: `{` opens a block, `key=` splits before the `=`.
    case normal
    /// Right after `=`: a value may begin with an alternation, as in `peer={/a,/b}`.
    case value
    /// In `if` conditions: `==`, `!=`, `<`, `<=`, `>`, `>=` are operators.
    case condition
    /// Inside `( ... )`: a comma always separates list items.
    case list
    /// A value right after `=` inside a list.
    case listValue
    /// The values of a variable assignment: only white space separates them, so unbalanced
    /// braces and commas stay in the value (they balance after expansion).
    case assignmentValue

    var isValue: Bool { self == .value || self == .listValue || self == .assignmentValue }
    var isList: Bool { self == .list || self == .listValue }
}

/// A cursor over the bytes that hands out one token at a time, with its trivia.
public struct Lexer: Sendable {
    public let bytes: [UInt8]
    public private(set) var position: Int = 0
    /// One bit per byte: set on each `{` that is closed before the next white space (see
    /// `closesBeforeSpace`). Found in one pass, so a line of a million `{` is not read a
    /// million times.
    private let closedBraces: [UInt64]

    public init(bytes: [UInt8]) {
        self.bytes = bytes
        self.closedBraces = Lexer.findClosedBraces(bytes)
    }

    private static func findClosedBraces(_ bytes: [UInt8]) -> [UInt64] {
        var bits = [UInt64](repeating: 0, count: bytes.count / 64 + 1)
        // The `{` still open in the current run of non-space bytes, as runs of adjacent ones
        // (first, count): a line of a million `{` is one run, not a million offsets.
        var open: [(first: Int32, count: Int32)] = []
        for (i, b) in bytes.enumerated() {
            if b == UInt8(ascii: "{") {
                if let last = open.last, Int(last.first) + Int(last.count) == i {
                    open[open.count - 1].count += 1
                } else {
                    open.append((Int32(i), 1))
                }
            } else if b == UInt8(ascii: "}") {
                guard let last = open.last else { continue }
                let j = Int(last.first) + Int(last.count) - 1
                bits[j >> 6] |= 1 << UInt64(j & 63)
                if last.count == 1 { open.removeLast() } else { open[open.count - 1].count -= 1 }
            } else if isSpace(b) {
                open.removeAll(keepingCapacity: true)
            }
        }
        return bits
    }

    private var count: Int { bytes.count }

    private func byte(_ i: Int) -> UInt8 { i < count ? bytes[i] : 0 }

    @inline(__always) private static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0B || b == 0x0C
    }

    /// A control byte that is not white space (0x01-0x08, 0x0E-0x1F, 0x7F). As in
    /// apparmor_parser, one cannot start a token (outside variable values) but does not end a
    /// word either: `/tmp/a<0x01>b` is one path.
    @inline(__always) static func isControl(_ b: UInt8) -> Bool {
        b < 0x20 && !isSpace(b) || b == 0x7F
    }

    /// Whether a `,` in a variable's values, with `i` the index after it, goes on as a value:
    /// apparmor_parser's `,{ID_CHARS}`, so `a,b` and `,b` are values and `a,` or `a, b` is not.
    private func commaContinuesValue(at i: Int) -> Bool {
        guard i < count else { return false }
        let n = bytes[i]
        return !Lexer.isSpace(n) && n != UInt8(ascii: "\"") && n != UInt8(ascii: ",")
    }

    /// `#include` or `#abi` (legacy spellings that are statements, not comments).
    private static let hashKeywords: [[UInt8]] = [Array("include".utf8), Array("abi".utf8)]

    private func isHashKeyword(at i: Int) -> Bool {
        guard byte(i) == UInt8(ascii: "#") else { return false }
        for k in Lexer.hashKeywords {
            if i + 1 + k.count <= count, bytes[(i + 1)..<(i + 1 + k.count)].elementsEqual(k) {
                let after = byte(i + 1 + k.count)
                if i + 1 + k.count == count || Lexer.isSpace(after) || after == UInt8(ascii: "<") || after == UInt8(ascii: "\"") {
                    return true
                }
            }
        }
        return false
    }

    /// Blank lines, indentation and comment lines before a token.
    private func scanLeadingTrivia(from start: Int) -> Int {
        var i = start
        while i < count {
            let b = bytes[i]
            if Lexer.isSpace(b) {
                i += 1
            } else if b == UInt8(ascii: "#"), !isHashKeyword(at: i) {
                while i < count, bytes[i] != 0x0A { i += 1 }
            } else {
                break
            }
        }
        return i
    }

    /// Spaces, an end-of-line comment and the line end after a token.
    private func scanTrailingTrivia(from start: Int) -> Int {
        var i = start
        while i < count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0B || bytes[i] == 0x0C
            || (bytes[i] == 0x0D && byte(i + 1) != 0x0A) {
            i += 1
        }
        if i < count, bytes[i] == UInt8(ascii: "#"), !isHashKeyword(at: i) {
            while i < count, bytes[i] != 0x0A { i += 1 }
        }
        if i < count, bytes[i] == 0x0D, byte(i + 1) == 0x0A { return i + 2 }
        if i < count, bytes[i] == 0x0A { return i + 1 }
        return i
    }

    /// Reads the next token in the given mode and moves past it.
    public mutating func next(_ mode: LexMode = .normal) -> Token {
        let leadingStart = position
        let start = scanLeadingTrivia(from: position)
        guard start < count else {
            position = count
            return Token(kind: .eof, leadingStart: leadingStart, textStart: count, textEnd: count, trailingEnd: count)
        }
        let (kind, end) = scanToken(at: start, mode: mode)
        let trailingEnd = scanTrailingTrivia(from: end)
        position = trailingEnd
        return Token(kind: kind, leadingStart: leadingStart, textStart: start, textEnd: end, trailingEnd: trailingEnd)
    }

    /// The next token without moving.
    public func peek(_ mode: LexMode = .normal) -> Token {
        var copy = self
        return copy.next(mode)
    }

    /// Moves the cursor back to a token boundary (used by the parser's one-token look-ahead).
    public mutating func reset(to offset: Int) {
        position = offset
    }

    private func scanToken(at i: Int, mode: LexMode) -> (TokenKind, Int) {
        let b = bytes[i]
        let n = byte(i + 1)
        if mode == .assignmentValue, b != UInt8(ascii: "\""), b != UInt8(ascii: ",") || commaContinuesValue(at: i + 1) {
            // Variable values: every other byte starts a word (`=`, `+=`, `}` and control
            // bytes too); a `,` only when a value byte follows it.
            return (.word, scanWord(from: i, mode: mode))
        }
        switch b {
        case UInt8(ascii: "{"):
            if i + 1 < count, !Lexer.isSpace(n), n != UInt8(ascii: "}"), n != UInt8(ascii: "#"),
               mode.isValue || closesBeforeSpace(from: i) {
                return (.word, scanWord(from: i, mode: mode))
            }
            return (.lbrace, i + 1)
        case UInt8(ascii: "}"): return (.rbrace, i + 1)
        case UInt8(ascii: "("): return (.lparen, i + 1)
        case UInt8(ascii: ")"): return (.rparen, i + 1)
        case UInt8(ascii: ","): return (.comma, i + 1)
        case UInt8(ascii: "\""): return (.string, scanString(from: i))
        case UInt8(ascii: "="):
            if mode == .condition, n == UInt8(ascii: "=") { return (.equalEquals, i + 2) }
            return (.equals, i + 1)
        case UInt8(ascii: "+") where n == UInt8(ascii: "="): return (.plusEquals, i + 2)
        case UInt8(ascii: "?") where n == UInt8(ascii: "="): return (.questionEquals, i + 2)
        case UInt8(ascii: ":") where n == UInt8(ascii: "="): return (.colonEquals, i + 2)
        case UInt8(ascii: "-") where n == UInt8(ascii: ">"): return (.arrow, i + 2)
        case UInt8(ascii: "!") where mode == .condition && n == UInt8(ascii: "="): return (.notEquals, i + 2)
        case UInt8(ascii: "!") where mode != .condition && mode != .assignmentValue:
            // apparmor_parser: "Lexer found unexpected character: '!'".
            return (.unknown, i + 1)
        case UInt8(ascii: ">") where mode == .condition:
            return n == UInt8(ascii: "=") ? (.greaterEquals, i + 2) : (.greater, i + 1)
        case UInt8(ascii: "<"):
            if n == UInt8(ascii: "=") { return (.lessEquals, i + 2) }
            if mode == .condition { return (.less, i + 1) }
            if let end = scanAngleName(from: i) { return (.angleName, end) }
            return (.word, scanWord(from: i, mode: mode))
        case UInt8(ascii: "#"):
            // Only `#include` / `#abi` reach here; anything else was trivia.
            return (.word, scanWord(from: i, mode: mode))
        default:
            if Lexer.isControl(b) {
                // apparmor_parser: "Lexer found unexpected character: '' (0x1)".
                return (.unknown, i + 1)
            }
            return (.word, scanWord(from: i, mode: mode))
        }
    }

    /// `<magic/name>` on one line; spaces inside are allowed (and reported by the checker).
    private func scanAngleName(from start: Int) -> Int? {
        var i = start + 1
        while i < count {
            let b = bytes[i]
            if b == UInt8(ascii: ">") { return i + 1 }
            if b == 0x0A || b == UInt8(ascii: ",") || b == UInt8(ascii: "<") { return nil }
            i += 1
        }
        return nil
    }

    /// Whether the `{` at `start` is closed before the next white space: an alternation such
    /// as `{a,/b}/c`, not a block.
    private func closesBeforeSpace(from start: Int) -> Bool {
        closedBraces[start >> 6] & (1 << UInt64(start & 63)) != 0
    }

    /// A quoted string up to its closing quote; an unterminated one stops at the line end.
    private func scanString(from start: Int) -> Int {
        var i = start + 1
        while i < count {
            let b = bytes[i]
            if b == UInt8(ascii: "\\"), i + 1 < count, bytes[i + 1] != 0x0A {
                i += 2
                continue
            }
            if b == UInt8(ascii: "\"") { return i + 1 }
            if b == 0x0A { break }
            i += 1
        }
        // Unterminated: the token ends before the line end (and before a CR of a CRLF).
        if i > start + 1, i <= count, i > 0, bytes[i - 1] == 0x0D { return i - 1 }
        return i
    }

    /// Whether the bytes so far look like a condition key (`flags`, `peer`, `@{var}`, `${b}`,
    /// `attach_disconnected.path`), so that a following `=` is an operator, not part of a path.
    private func isKeyLike(_ start: Int, _ end: Int) -> Bool {
        guard end > start else { return false }
        let first = bytes[start]
        if first == UInt8(ascii: "@") || first == UInt8(ascii: "$") {
            // Only a whole variable reference (`@{name}`, `@name`, `${name}`) is a key: as in
            // apparmor_parser's lexer, once a word goes on past the variable, `=` and `+` are
            // ordinary characters of it (`@{tmp}/x= rw,` is a path).
            return isVariableReference(start, end)
        }
        for j in start..<end {
            let c = bytes[j]
            let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A)
                || c == UInt8(ascii: "_") || c == UInt8(ascii: ".") || c == UInt8(ascii: "-")
            if !ok { return false }
        }
        return true
    }

    /// `@{name}`, `@name`, `${name}` or `$name` filling `start..<end` exactly.
    private func isVariableReference(_ start: Int, _ end: Int) -> Bool {
        var i = start + 1
        var last = end
        if i < end, bytes[i] == UInt8(ascii: "{") {
            guard bytes[end - 1] == UInt8(ascii: "}") else { return false }
            i += 1
            last = end - 1
        }
        guard i < last else { return false }
        for j in i..<last {
            let c = bytes[j]
            let ok = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == UInt8(ascii: "_")
            if !ok { return false }
        }
        return true
    }

    private static let angleKeywords: [[UInt8]] = ["include", "#include", "abi", "#abi"].map { Array($0.utf8) }

    private func scanWord(from start: Int, mode: LexMode) -> Int {
        if mode == .assignmentValue {
            var i = start
            while i < count, !Lexer.isSpace(bytes[i]), bytes[i] != UInt8(ascii: "\"") || i == start {
                if bytes[i] == UInt8(ascii: ","), !commaContinuesValue(at: i + 1) { break }
                if bytes[i] == UInt8(ascii: "\\"), i + 1 < count, bytes[i + 1] != 0x0A, bytes[i + 1] != 0x0D { i += 1 }
                i += 1
            }
            return i
        }
        // A path may hold commas and unbalanced braces (they balance after variable expansion);
        // white space still ends it.
        let first = bytes[start]
        let pathLike = !mode.isList && (first == UInt8(ascii: "/") || first == UInt8(ascii: "@"))
        var i = start
        var depth = 0
        while i < count {
            let b = bytes[i]
            if Lexer.isSpace(b) { break }
            let n = byte(i + 1)
            switch b {
            case UInt8(ascii: "\\"):
                // `\ ` (escaped space) and `\,` stay in the word; a line end never does.
                i += (i + 1 < count && n != 0x0A && n != 0x0D) ? 2 : 1
                continue
            case UInt8(ascii: "{"):
                depth += 1
            case UInt8(ascii: "}"):
                if depth == 0 {
                    // In a path, an unbalanced `}` is part of it (`/a/@{X},b}` balances later).
                    if !pathLike || i == start { return i }
                } else {
                    depth -= 1
                }
            case UInt8(ascii: ","):
                if depth == 0 {
                    if !pathLike { return i }
                    // `/foo,bar`: a comma followed by more path is part of the path.
                    // (`/a,#b` is one path too: `#` is a word character after the start.)
                    if i + 1 >= count || Lexer.isSpace(n) || n == UInt8(ascii: ",") || n == UInt8(ascii: "}")
                        || n == UInt8(ascii: ")") { return i }
                }
            case UInt8(ascii: "("), UInt8(ascii: ")"):
                // Parentheses are path bytes (`/dev/shm/x(1)`); elsewhere they delimit lists.
                if depth == 0, !pathLike { return i }
            case UInt8(ascii: "\""):
                if i > start { return i }
            case UInt8(ascii: "="):
                // A value (`peer=a=b`) keeps its `=`, as upstream's does. (In a list, `=` still
                // splits: `peer=(name=foolabel=bar)` is an error upstream's checks find.)
                if depth == 0, i > start, mode == .condition || mode != .value && isKeyLike(start, i) { return i }
            case UInt8(ascii: "+"), UInt8(ascii: "?"), UInt8(ascii: ":"):
                if n == UInt8(ascii: "="), depth == 0, i > start, mode != .value, isKeyLike(start, i) { return i }
                // `@{VAR}+x`: apparmor_parser reads the variable, then finds no token for `+`.
                if b == UInt8(ascii: "+"), mode == .normal, i > start, bytes[start] == UInt8(ascii: "@"),
                   isVariableReference(start, i) { return i }
            case UInt8(ascii: "<"):
                if depth == 0, i > start, n == UInt8(ascii: "=") || mode == .condition { return i }
                if i > start, Lexer.angleKeywords.contains(where: { $0.elementsEqual(bytes[start..<i]) }) { return i }
            case UInt8(ascii: ">"):
                if depth == 0, i > start, mode == .condition { return i }
            case UInt8(ascii: "!"):
                // Not a word character for apparmor_parser (`\!` or quotes keep one in a path).
                if i > start, mode != .condition || depth == 0 && n == UInt8(ascii: "=") { return i }
            case UInt8(ascii: "-"):
                if depth == 0, n == UInt8(ascii: ">"), i > start { return i }
            default:
                // Control bytes (`isControl`) are word bytes after the first.
                break
            }
            i += 1
        }
        return i
    }
}
