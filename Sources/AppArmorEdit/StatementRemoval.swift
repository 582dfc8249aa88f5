import AppArmorSyntax

/// The text edit that removes one statement and nothing else: its whole lines when it has
/// them to itself (a comment after it on its last line goes too: it speaks of the
/// statement), else the statement and the blanks after it.
public enum StatementRemoval {
    public static func edit(removing node: SyntaxNode, in bytes: [UInt8]) -> TextEdit {
        edit(removing: node.textRange, in: bytes)
    }

    public static func edit(removing text: Range<Int>, in bytes: [UInt8]) -> TextEdit {
        let nl = UInt8(ascii: "\n")
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0D }
        var lineStart = text.lowerBound
        while lineStart > 0, bytes[lineStart - 1] != nl { lineStart -= 1 }
        let aloneBefore = bytes[lineStart..<text.lowerBound].allSatisfy(isBlank)
        var after = text.upperBound
        while after < bytes.count, isBlank(bytes[after]) { after += 1 }
        let restIsComment = after < bytes.count && bytes[after] == UInt8(ascii: "#")
        var lineEnd = after
        while lineEnd < bytes.count, bytes[lineEnd] != nl { lineEnd += 1 }
        let aloneAfter = after == bytes.count || bytes[after] == nl || restIsComment
        if aloneBefore && aloneAfter {
            return .delete(lineStart..<min(lineEnd + 1, bytes.count))
        }
        if aloneAfter {
            // Something before it on the line: keep that, and any comment after.
            var start = text.lowerBound
            while start > lineStart, isBlank(bytes[start - 1]) { start -= 1 }
            return .delete(start..<text.upperBound)
        }
        return .delete(text.lowerBound..<after)
    }
}
