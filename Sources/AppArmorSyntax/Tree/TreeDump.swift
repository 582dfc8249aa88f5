/// A readable dump of a tree: one line per node (`kind start..end`) and per token
/// (`kind "text" start..end`), indented by depth. Trivia is shown on tokens that have any
/// comment in it. Used by `aaswift parse --emit tree` and the golden tests.
public enum TreeDump {
    public static func dump(_ result: ParseResult) -> String {
        var out = ""
        dump(result.root, source: result.source, indent: 0, into: &out)
        return out
    }

    static func dump(_ node: SyntaxNode, source: SourceFile, indent: Int, into out: inout String) {
        let pad = String(repeating: "  ", count: indent)
        out += "\(pad)\(node.kind.rawValue) \(node.fullRange.lowerBound)..\(node.fullRange.upperBound)\n"
        for child in node.children {
            switch child {
            case .node(let n):
                dump(n, source: source, indent: indent + 1, into: &out)
            case .token(let t):
                out += "\(pad)  \(t.kind) \(quote(source.bytes[t.textRange])) \(t.textStart)..\(t.textEnd)"
                for piece in Trivia.pieces(in: t.leadingTrivia, of: source.bytes) + Trivia.pieces(in: t.trailingTrivia, of: source.bytes) {
                    if case .comment(let r) = piece { out += " comment=\(quote(source.bytes[r]))" }
                }
                out += "\n"
            }
        }
    }

    /// Double-quoted, with `\`, `"`, control bytes and non-ASCII bytes escaped.
    public static func quote(_ bytes: ArraySlice<UInt8>) -> String {
        var s = "\""
        for b in bytes {
            switch b {
            case UInt8(ascii: "\""): s += "\\\""
            case UInt8(ascii: "\\"): s += "\\\\"
            case 0x0A: s += "\\n"
            case 0x0D: s += "\\r"
            case 0x09: s += "\\t"
            case 0x20...0x7E: s.unicodeScalars.append(Unicode.Scalar(b))
            default: s += "\\x" + String(b, radix: 16, uppercase: false).leftPadded(2)
            }
        }
        return s + "\""
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
