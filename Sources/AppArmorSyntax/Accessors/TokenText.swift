/// Reading token text: raw bytes, strings, and quoted strings without their quotes.
extension ParseResult {
    /// The token's bytes as written.
    public func text(_ t: Token) -> String { source.text(t.textRange) }

    public func bytes(_ t: Token) -> ArraySlice<UInt8> { source.bytes[t.textRange] }

    /// The value a word or string stands for: quotes removed and escapes inside quotes
    /// resolved. Words are returned as written (AARE escapes belong to the pattern).
    public func value(_ t: Token) -> String {
        switch t.kind {
        case .string, .angleName: String(decoding: valueBytes(t), as: UTF8.self)
        default: String(decoding: source.bytes[t.textRange], as: UTF8.self)
        }
    }

    public func valueBytes(_ t: Token) -> [UInt8] {
        let raw = source.bytes[t.textRange]
        switch t.kind {
        case .string: return QuotedString.unquote(raw)
        case .angleName: return Array(raw.dropFirst().dropLast())
        default: return Array(raw)
        }
    }

    /// The source text of a node without its outer trivia.
    public func text(_ node: SyntaxNode) -> String { source.text(node.textRange) }
}
