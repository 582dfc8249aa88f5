/// The result of parsing one file: the lossless tree and every diagnostic found.
public struct ParseResult: Sendable {
    public let source: SourceFile
    public let root: SyntaxNode
    public let diagnostics: [Diagnostic]

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }

    /// Whether the file reads as AppArmor policy at all: it is text, and it has no syntax
    /// error or at least one statement the parser recognised. A file that is all errors (a
    /// password file, a key, a binary) is not policy; a tool should not show its lines.
    public var looksLikePolicy: Bool {
        guard hasErrors else { return true }
        if diagnostics.contains(where: { $0.id == .binaryInput }) { return false }
        return root.children.contains { if case .node(let n) = $0 { n.kind != .error } else { false } }
    }

    /// Prints the tree back: the original bytes, always.
    public var printedBytes: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(source.bytes.count)
        root.forEachToken { out.append(contentsOf: source.bytes[$0.fullRange]) }
        return out
    }
}

/// Reads a profile, abstraction, tunable or any other AppArmor policy file into a lossless
/// syntax tree. It never throws and never stops early: what it cannot read becomes an `error`
/// node with a diagnostic, and parsing goes on with the next statement.
public enum Parser {
    /// Blocks and expressions nested deeper than this are kept as flat error nodes, so that
    /// hostile input cannot exhaust the stack.
    public static let maxNesting = 256

    /// Diagnostics kept for one file. At this many, the parser reports "too many errors" and
    /// keeps the rest of the file unread in one error token (as compilers stop), so that no
    /// input, however broken, costs more than a bounded report.
    public static let maxDiagnostics = 100

    /// The words read as rule qualifiers before a rule or a block (besides `priority=N`).
    public static let qualifierKeywords = ["audit", "deny", "allow", "owner", "other", "quiet", "kill", "complain", "prompt"]

    public static func parse(_ source: SourceFile) -> ParseResult {
        var p = ParserState(source: source)
        let root = p.parseSourceFile()
        return ParseResult(source: source, root: root, diagnostics: p.diagnostics)
    }

    public static func parse(path: String, bytes: [UInt8]) -> ParseResult {
        parse(SourceFile(path: path, bytes: bytes))
    }

    public static func parse(path: String = "<input>", text: String) -> ParseResult {
        parse(SourceFile(path: path, text: text))
    }
}

/// The parser's cursor: one-token look-ahead over the lexer, and the diagnostics so far.
struct ParserState {
    let source: SourceFile
    var lexer: Lexer
    var diagnostics: [Diagnostic] = []
    var depth = 0
    /// Set once the file is known not to be worth reading further (binary data, or too many
    /// errors): every enclosing statement list then ends, and the rest is one error token.
    var stopped = false
    private var cached: (mode: LexMode, token: Token)?

    init(source: SourceFile) {
        self.source = source
        self.lexer = Lexer(bytes: source.bytes)
    }

    var bytes: [UInt8] { source.bytes }

    /// How deep the cursor is inside `( ... )` lists (commas separate there).
    var listDepth = 0

    mutating func peek(_ requested: LexMode = .normal) -> Token {
        var mode = requested
        if listDepth > 0 {
            if mode == .normal { mode = .list } else if mode == .value { mode = .listValue }
        }
        if let c = cached, c.mode == mode, Int(c.token.leadingStart) == lexer.position { return c.token }
        let t = lexer.peek(mode)
        cached = (mode, t)
        return t
    }

    mutating func bump(_ mode: LexMode = .normal) -> Token {
        // peek() applies the list adjustment.
        let t = peek(mode)
        lexer.reset(to: Int(t.trailingEnd))
        cached = nil
        if t.kind == .string, t.textRange.count < 2 || bytes[Int(t.textEnd) - 1] != UInt8(ascii: "\"") || isEscapedQuote(at: Int(t.textEnd) - 1, from: Int(t.textStart)) {
            error(.unterminatedString, "unterminated string: the closing '\"' is missing on this line", t.textRange)
        }
        return t
    }

    /// Whether the quote at `i` is escaped by an odd run of backslashes.
    func isEscapedQuote(at i: Int, from start: Int) -> Bool {
        var n = 0, j = i - 1
        while j > start, bytes[j] == UInt8(ascii: "\\") { n += 1; j -= 1 }
        return n % 2 == 1
    }

    /// Where the cursor is, to try something and come back.
    var mark: Int { lexer.position }

    mutating func rewind(to mark: Int) {
        lexer.reset(to: mark)
        cached = nil
    }

    mutating func error(_ id: DiagnosticID, _ message: String, _ range: Range<Int>, severity: Severity = .error) {
        guard !stopped else { return }
        diagnostics.append(Diagnostic(id, severity, message, range: range))
        if diagnostics.count >= Parser.maxDiagnostics {
            diagnostics.append(Diagnostic(.tooManyErrors, .error,
                                          "too many errors (\(Parser.maxDiagnostics)); stopping: the rest of the file is not read",
                                          range: range.upperBound..<range.upperBound))
            stopped = true
        }
    }

    /// The rest of the file, unread, as one error token (nil at the end of the file).
    mutating func skipRest() -> SyntaxNode? {
        let start = mark
        guard start < bytes.count else { return nil }
        let t = Token(kind: .unknown, leadingStart: start, textStart: start, textEnd: bytes.count, trailingEnd: bytes.count)
        rewind(to: bytes.count)
        return SyntaxNode.make(kind: .error, children: [.token(t)], at: start)
    }

    // MARK: token text helpers (no allocation)

    func isWord(_ t: Token, _ word: StaticString) -> Bool {
        guard t.kind == .word else { return false }
        return textEquals(t, word)
    }

    func textEquals(_ t: Token, _ word: StaticString) -> Bool {
        let len = word.utf8CodeUnitCount
        guard t.textRange.count == len else { return false }
        let start = Int(t.textStart)
        return word.withUTF8Buffer { buf in
            for i in 0..<len where bytes[start + i] != buf[i] { return false }
            return true
        }
    }

    func text(_ t: Token) -> String { source.text(t.textRange) }

    /// How a message names a character no token takes: `character '!'` (a path keeps one
    /// escaped, `\!`, or quoted), or its code when not printable.
    func unknownCharacter(_ t: Token) -> String {
        let b = firstByte(t)
        if b == UInt8(ascii: "!") { return "character '!' (escape it as '\\!' or quote the path)" }
        return b >= 0x20 && b < 0x7F ? "character '\(Character(UnicodeScalar(b)))'" : "character 0x\(String(b, radix: 16))"
    }

    func firstByte(_ t: Token) -> UInt8 { t.textRange.isEmpty ? 0 : bytes[Int(t.textStart)] }

    /// Whether the token's trailing trivia ends its line (or the file).
    func endsLine(_ t: Token) -> Bool {
        let end = Int(t.trailingEnd)
        return end >= bytes.count || (end > Int(t.textEnd) && bytes[end - 1] == 0x0A)
    }

    // MARK: file and blocks

    mutating func parseSourceFile() -> SyntaxNode {
        var items = ChildList()
        if let at = source.firstBinaryByte {
            error(.binaryInput, "not a text file (a NUL byte at offset \(at)): binary data is not policy; not read", at..<(at + 1))
            stopped = true
            if let rest = skipRest() { items.append(.node(rest)) }
        } else {
            parseItems(inBlock: false, into: &items)
        }
        items.append(.token(bump()))  // eof, with the file's last trivia
        return SyntaxNode.make(kind: .sourceFile, children: &items, at: 0)
    }

    /// Statements up to a closing brace (in a block) or the end of the file, after `items`.
    mutating func parseItems(inBlock: Bool, into items: inout ChildList) {
        while true {
            if stopped {
                if let rest = skipRest() { items.append(.node(rest)) }
                break
            }
            let t = peek()
            if t.kind == .eof { break }
            if t.kind == .rbrace {
                if inBlock { break }
                let tok = bump()
                error(.unmatchedClose, "'}' without a matching '{'", tok.textRange)
                items.append(.node(SyntaxNode.make(kind: .error, children: [.token(tok)], at: tok.fullRange.lowerBound)))
                continue
            }
            items.append(.node(parseStatement()))
        }
    }

    /// `{ statements }`. The opening brace is the next token.
    mutating func parseBlock() -> SyntaxNode {
        let open = bump()
        if depth >= Parser.maxNesting {
            return parseFlatBlock(open: open)
        }
        depth += 1
        defer { depth -= 1 }
        var children = ChildList(.token(open))
        parseItems(inBlock: true, into: &children)
        if peek().kind == .rbrace {
            children.append(.token(bump()))
        } else {
            error(.unclosedBlock, "'{' is never closed", open.textRange)
        }
        return SyntaxNode.make(kind: .block, children: &children, at: open.fullRange.lowerBound)
    }

    /// Too deep to parse: keep the tokens up to the matching brace in one error node.
    mutating func parseFlatBlock(open: Token) -> SyntaxNode {
        error(.tooDeep, "blocks nested more than \(Parser.maxNesting) deep", open.textRange)
        var children: [SyntaxElement] = [.token(open)]
        var level = 1
        while level > 0 {
            let t = bump()
            children.append(.token(t))
            if t.kind == .eof { break }
            if t.kind == .lbrace { level += 1 }
            if t.kind == .rbrace { level -= 1 }
        }
        // An eof token inside would be duplicated by the file; give it back.
        if case .token(let last) = children.last!, last.kind == .eof {
            children.removeLast()
            rewind(to: Int(last.leadingStart))
        }
        return SyntaxNode.make(kind: .error, children: children, at: open.fullRange.lowerBound)
    }

    // MARK: statements

    mutating func parseStatement() -> SyntaxNode {
        let t = peek()
        let start = t.fullRange.lowerBound
        switch t.kind {
        case .word:
            if isWord(t, "include") || isWord(t, "#include") { return parseInclude() }
            if isWord(t, "abi") || isWord(t, "#abi") { return parseAbi() }
            if isWord(t, "if") { return parseConditional() }
            let b = firstByte(t)
            if b == UInt8(ascii: "@") || b == UInt8(ascii: "$") {
                let m = mark
                let name = bump()
                if peek().kind.isAssignment { return parseAssignment(name: name) }
                rewind(to: m)
            }
            if isWord(t, "else") {
                let tok = bump()
                error(.unexpectedToken, "'else' without a preceding 'if' block", tok.textRange)
                return SyntaxNode.make(kind: .error, children: [.token(tok)], at: start)
            }
            return parseGenericStatement()
        case .string:
            return parseGenericStatement()
        case .lbrace:
            error(.unexpectedToken, "a block needs a profile, hat or qualifier before '{'", t.textRange)
            let block = parseBlock()
            return SyntaxNode.make(kind: .error, children: [.node(block)], at: start)
        case .comma:
            let tok = bump()
            error(.emptyRule, "empty rule: ',' with nothing before it", tok.textRange)
            return SyntaxNode.make(kind: .error, children: [.token(tok)], at: start)
        default:
            let tok = bump()
            let what = "unexpected \(tok.kind == .unknown ? unknownCharacter(tok) : tok.kind.description)"
            error(tok.kind == .unknown ? .badCharacter : .unexpectedToken, "\(what) at the start of a statement", tok.textRange)
            return SyntaxNode.make(kind: .error, children: [.token(tok)], at: start)
        }
    }
}
