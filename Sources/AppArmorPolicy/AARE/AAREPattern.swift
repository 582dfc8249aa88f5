/// AppArmor Regular Expressions (AARE), the glob language of paths and names in profiles:
/// `*` (any run of bytes but `/`), `**` (any run, `/` included), `?` (one byte but `/`),
/// `[abc]`, `[^a-z]`, `{a,b,c}` alternations (nested), and `\` escapes. Variables (`@{X}`) are
/// expanded before a pattern is compiled (see `VariableTable`).
public indirect enum AARENode: Sendable, Equatable {
    case byte(UInt8)
    /// `?`: one byte other than `/`.
    case anyButSlash
    /// `*`: any run of bytes without `/`.
    case star
    /// `**`: any run of bytes.
    case doubleStar
    /// `[...]`: a set of bytes.
    case set(ByteSet)
    case sequence([AARENode])
    case alternation([AARENode])
}

/// 256 bits: a set of bytes.
public struct ByteSet: Sendable, Hashable {
    public var words: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)

    public init() {}

    public static var all: ByteSet { var s = ByteSet(); s.words = (~0, ~0, ~0, ~0); return s }

    public static func single(_ b: UInt8) -> ByteSet { var s = ByteSet(); s.insert(b); return s }

    public mutating func insert(_ b: UInt8) {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: words.0 |= bit
        case 1: words.1 |= bit
        case 2: words.2 |= bit
        default: words.3 |= bit
        }
    }

    public func contains(_ b: UInt8) -> Bool {
        let bit = UInt64(1) << UInt64(b & 63)
        switch b >> 6 {
        case 0: return words.0 & bit != 0
        case 1: return words.1 & bit != 0
        case 2: return words.2 & bit != 0
        default: return words.3 & bit != 0
        }
    }

    public var inverted: ByteSet {
        var s = ByteSet()
        s.words = (~words.0, ~words.1, ~words.2, ~words.3)
        return s
    }

    /// Whether the two sets share a byte.
    public func intersects(_ o: ByteSet) -> Bool {
        words.0 & o.words.0 != 0 || words.1 & o.words.1 != 0 || words.2 & o.words.2 != 0 || words.3 & o.words.3 != 0
    }

    public mutating func formUnion(_ o: ByteSet) {
        words = (words.0 | o.words.0, words.1 | o.words.1, words.2 | o.words.2, words.3 | o.words.3)
    }

    public var isEmpty: Bool { words.0 == 0 && words.1 == 0 && words.2 == 0 && words.3 == 0 }

    public static func == (a: ByteSet, b: ByteSet) -> Bool {
        a.words.0 == b.words.0 && a.words.1 == b.words.1 && a.words.2 == b.words.2 && a.words.3 == b.words.3
    }

    public func hash(into h: inout Hasher) {
        h.combine(words.0); h.combine(words.1); h.combine(words.2); h.combine(words.3)
    }
}

/// Why a pattern is not valid AARE.
public struct AAREError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    /// Byte offset in the pattern.
    public let offset: Int
    public var description: String { message }
}

/// A parsed AARE pattern.
public struct AAREPattern: Sendable, Equatable {
    public let source: [UInt8]
    public let root: AARENode

    public init(_ text: String) throws { try self.init(bytes: Array(text.utf8)) }

    public init(bytes: [UInt8]) throws {
        var p = AAREParser(bytes: bytes)
        self.root = try p.parseAll()
        self.source = bytes
    }

    /// The pattern of a text without a byte AARE gives a meaning to (`isPlainText`), as
    /// parsing builds it.
    init(plainText bytes: [UInt8]) {
        self.root = .sequence(bytes.map { .byte($0) })
        self.source = bytes
    }

    /// Whether the pattern has no wildcard (`*`, `**`, `?`, `[...]`): it names a finite set of
    /// paths (alternations allowed). apparmor_parser lets such exact matches override globs.
    public var isLiteral: Bool { AAREPattern.isLiteral(root) }

    static func isLiteral(_ n: AARENode) -> Bool {
        switch n {
        case .byte: return true
        case .sequence(let s): return s.allSatisfy(isLiteral)
        case .alternation(let a): return a.allSatisfy(isLiteral)
        default: return false
        }
    }

    /// Checks AARE syntax only (balanced braces and brackets, no empty alternation): the same
    /// walk as parsing, the same first error, but no tree is built.
    public static func validate(_ text: String) -> AAREError? {
        var p = AAREParser(bytes: Array(text.utf8), build: false)
        do { _ = try p.parseAll(); return nil } catch { return error }
    }

    /// Whether a text holds no byte AARE gives a meaning to (`*?[]{}\\`): it matches itself
    /// alone, and needs no parsing.
    public static func isPlainText(_ text: String) -> Bool {
        !text.utf8.contains { b in
            switch b {
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"),
                 UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "\\"): true
            default: false
            }
        }
    }

    /// Whether apparmor_parser counts a valid pattern as an exact match (its x mode overrides an
    /// overlapping glob's): no `*` or `?` outside escapes, and no character class, or with
    /// `classesAreExact` (4.x) no negated class `[^...]`. Alternations are exact in both.
    static func isExactMatch(_ text: String, classesAreExact: Bool) -> Bool {
        var escaped = false
        var afterOpen = false
        for b in text.utf8 {
            let opened = afterOpen
            afterOpen = false
            if escaped { escaped = false; continue }
            switch b {
            case UInt8(ascii: "\\"): escaped = true
            case UInt8(ascii: "*"), UInt8(ascii: "?"): return false
            case UInt8(ascii: "["):
                if !classesAreExact { return false }
                afterOpen = true
            case UInt8(ascii: "^"): if opened { return false }
            default: continue
            }
        }
        return true
    }
}

struct AAREParser {
    /// apparmor_parser's limit on nested alternations (MAX_ALT_DEPTH): 49 levels load, 50 do
    /// not. It also bounds this parser's recursion.
    static let maxAlternationDepth = 50

    let bytes: [UInt8]
    /// false: only check the syntax (every sequence comes back as `checked`).
    let build: Bool
    /// What a sequence is when only the syntax is checked (no allocation per sequence).
    static let checked = AARENode.sequence([])
    var i = 0

    init(bytes: [UInt8], build: Bool = true) {
        self.bytes = bytes
        self.build = build
    }

    mutating func parseAll() throws(AAREError) -> AARENode {
        let n = try parseSequence(inAlternation: 0)
        if i < bytes.count {
            throw AAREError(message: "unbalanced '}' in pattern", offset: i)
        }
        return n
    }

    /// A run of items up to `,` or `}` (inside an alternation) or the end.
    mutating func parseSequence(inAlternation depth: Int) throws(AAREError) -> AARENode {
        var items: [AARENode] = []
        while i < bytes.count {
            let b = bytes[i]
            switch b {
            case UInt8(ascii: "*"):
                let double = i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*")
                var end = i
                while end < bytes.count, bytes[end] == UInt8(ascii: "*") { end += 1 }
                i = double ? end : i + 1
                guard build else { continue }
                // As apparmor_parser (parser_regex.c): a `*` or `**` that is a whole path
                // component (right after a `/`, and before a `/` or the end of the pattern)
                // matches at least one character, not `/`: /foo/* and /foo/** do not match
                // /foo/, /** does not match / (hence upstream's /foo/{,**} and /{,**}).
                if case .byte(UInt8(ascii: "/"))? = items.last, end == bytes.count || bytes[end] == UInt8(ascii: "/") {
                    items.append(.anyButSlash)
                }
                items.append(double ? .doubleStar : .star)
            case UInt8(ascii: "?"):
                i += 1
                if build { items.append(.anyButSlash) }
            case UInt8(ascii: "["):
                let set = try parseClass()
                if build { items.append(.set(set)) }
            case UInt8(ascii: "]"):
                throw AAREError(message: "unbalanced ']' in pattern", offset: i)
            case UInt8(ascii: "{"):
                let open = i
                if depth + 1 >= AAREParser.maxAlternationDepth {
                    throw AAREError(message: "exceeded the maximum nesting of {} (\(AAREParser.maxAlternationDepth - 1) levels)", offset: open)
                }
                i += 1
                var alts: [AARENode] = []
                var choices = 0
                while true {
                    let alt = try parseSequence(inAlternation: depth + 1)
                    choices += 1
                    if build { alts.append(alt) }
                    guard i < bytes.count else {
                        throw AAREError(message: "unbalanced '{' in pattern", offset: open)
                    }
                    if bytes[i] == UInt8(ascii: ",") { i += 1; continue }
                    i += 1  // '}'
                    break
                }
                if choices == 1 {
                    throw AAREError(message: "an alternation needs at least two choices: '{a,b}'", offset: open)
                }
                if build { items.append(.alternation(alts)) }
            case UInt8(ascii: "}"):
                if depth == 0 { throw AAREError(message: "unbalanced '}' in pattern", offset: i) }
                return build ? .sequence(items) : AAREParser.checked
            case UInt8(ascii: ","):
                if depth > 0 { return build ? .sequence(items) : AAREParser.checked }
                i += 1
                if build { items.append(.byte(b)) }
            case UInt8(ascii: "\\"):
                i += 1
                if i < bytes.count {
                    if build { items.append(.byte(bytes[i])) }
                    i += 1
                } else {
                    if build { items.append(.byte(b)) }
                }
            default:
                i += 1
                if build { items.append(.byte(b)) }
            }
        }
        return build ? .sequence(items) : AAREParser.checked
    }

    mutating func parseClass() throws(AAREError) -> ByteSet {
        let open = i
        i += 1
        var set = ByteSet()
        var negate = false
        if i < bytes.count, bytes[i] == UInt8(ascii: "^") || bytes[i] == UInt8(ascii: "!") {
            negate = true
            i += 1
        }
        var first = true
        while true {
            guard i < bytes.count else { throw AAREError(message: "unbalanced '[' in pattern", offset: open) }
            var b = bytes[i]
            if b == UInt8(ascii: "]"), !first { i += 1; break }
            first = false
            if b == UInt8(ascii: "\\"), i + 1 < bytes.count { i += 1; b = bytes[i] }
            i += 1
            if i + 1 < bytes.count, bytes[i] == UInt8(ascii: "-"), bytes[i + 1] != UInt8(ascii: "]") {
                var hi = bytes[i + 1]
                i += 2
                if hi == UInt8(ascii: "\\"), i < bytes.count { hi = bytes[i]; i += 1 }
                if hi < b { throw AAREError(message: "invalid range in character class", offset: open) }
                for c in b...hi { set.insert(c) }
            } else {
                set.insert(b)
            }
        }
        return negate ? set.inverted : set
    }
}
