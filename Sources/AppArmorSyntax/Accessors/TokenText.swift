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

/// AppArmor's double-quoted strings.
public enum QuotedString {
    /// Removes the quotes and resolves `\"`, `\n`, `\t`, `\r` and octal `\NNN`, as
    /// apparmor_parser does. Other escapes, `\\` among them, keep their backslash: they belong
    /// to the AARE pattern (`\*`, `\{`, `\\`).
    public static func unquote(_ raw: ArraySlice<UInt8>) -> [UInt8] {
        var body = raw
        if body.first == UInt8(ascii: "\"") { body = body.dropFirst() }
        if body.last == UInt8(ascii: "\""), body.count >= 1 { body = body.dropLast() }
        var out: [UInt8] = []
        out.reserveCapacity(body.count)
        var i = body.startIndex
        while i < body.endIndex {
            let b = body[i]
            if b == UInt8(ascii: "\\"), i + 1 < body.endIndex {
                let n = body[i + 1]
                switch n {
                case UInt8(ascii: "\""): out.append(n); i += 2; continue
                case UInt8(ascii: "n"): out.append(0x0A); i += 2; continue
                case UInt8(ascii: "t"): out.append(0x09); i += 2; continue
                case UInt8(ascii: "r"): out.append(0x0D); i += 2; continue
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var v = 0, j = i + 1
                    while j < body.endIndex, j < i + 4, (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(body[j]) {
                        v = v * 8 + Int(body[j] - UInt8(ascii: "0"))
                        j += 1
                    }
                    if v <= 255 { out.append(UInt8(v)); i = j; continue }
                default: break
                }
                out.append(b)
                out.append(n)
                i += 2
                continue
            }
            out.append(b)
            i += 1
        }
        return out
    }

    /// Quotes a value when it needs it (white space, quotes, commas, `#`, control or
    /// non-ASCII bytes, a leading character that would change its meaning); otherwise returns
    /// it as is.
    public static func quoteIfNeeded(_ value: [UInt8]) -> String {
        if !value.isEmpty, !value.contains(where: needsQuote) {
            return String(decoding: value, as: UTF8.self)
        }
        return quote(value)
    }

    /// Always quotes: `"` is escaped, control and non-ASCII bytes are written as octal.
    /// Backslashes are AARE escapes and pass through: the caller gives a pattern whose
    /// backslashes already come in escape pairs (see AARE escaping in AppArmorPolicy).
    public static func quote(_ value: [UInt8]) -> String {
        var s = "\""
        for b in value {
            switch b {
            case UInt8(ascii: "\""): s += "\\\""
            case 0x20...0x7E: s.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let o = String(b, radix: 8)
                s += "\\" + String(repeating: "0", count: 3 - o.count) + o
            }
        }
        return s + "\""
    }

    static func needsQuote(_ b: UInt8) -> Bool {
        b <= 0x20 || b >= 0x7F || b == UInt8(ascii: "\"") || b == UInt8(ascii: ",") || b == UInt8(ascii: "#")
            || b == UInt8(ascii: "(") || b == UInt8(ascii: ")") || b == UInt8(ascii: "=") || b == UInt8(ascii: "\\")
    }
}
