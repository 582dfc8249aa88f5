// Writing names from logs into profile text so that each becomes exactly one token that means
// exactly that name, and reading such a token back.
//
// Paths are literal: AppArmor's glob characters (* ? [ ] { } and the @{ of variables) and the
// backslash are escaped with a backslash. Bytes that are control characters or not valid UTF-8
// are written as three-digit octal escapes (\ooo). The token is put in double quotes when it holds
// a space, a comma (outside a name's {a,b} alternation), '#', '=', "->", or any escape.

public enum ProfileQuoting {
    /// A file path from a log, as a literal path token.
    public static func path(_ bytes: LogBytes) -> String {
        token(bytes, escapeGlobs: true)
    }

    /// A name (profile, label, D-Bus member, ...) as one token, globs left as they are.
    public static func name(_ bytes: LogBytes) -> String {
        token(bytes, escapeGlobs: false)
    }

    static func token(_ bytes: LogBytes, escapeGlobs: Bool) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 2)
        var needsQuotes = bytes.isEmpty
        var braceDepth = 0
        var k = 0
        while k < bytes.count {
            let c = bytes[k]
            if c >= 0x80 {
                let n = validUTF8Length(bytes, k)
                if n > 0 {
                    out.append(contentsOf: bytes[k..<(k + n)])
                    k += n
                } else {
                    octal(c, into: &out)
                    needsQuotes = true
                    k += 1
                }
                continue
            }
            switch c {
            case 0..<0x20, 0x7F:
                octal(c, into: &out)
                needsQuotes = true
            case UInt8(ascii: "\\"), UInt8(ascii: "\""):
                out.append(UInt8(ascii: "\\"))
                out.append(c)
                needsQuotes = true
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"),
                 UInt8(ascii: "{"), UInt8(ascii: "}"):
                if escapeGlobs {
                    out.append(UInt8(ascii: "\\"))
                    needsQuotes = true
                } else if c == UInt8(ascii: "{") {
                    braceDepth += 1
                } else if c == UInt8(ascii: "}") && braceDepth > 0 {
                    braceDepth -= 1
                }
                out.append(c)
            case UInt8(ascii: " "), UInt8(ascii: "#"), UInt8(ascii: "="), UInt8(ascii: "!"):
                // (`!` is no word character for apparmor_parser's lexer: quoted, it is a plain byte.)
                needsQuotes = true
                out.append(c)
            case UInt8(ascii: ","):
                // Inside a name's alternation ({a,b}) a comma is part of the glob.
                if escapeGlobs || braceDepth == 0 { needsQuotes = true }
                out.append(c)
            case UInt8(ascii: "-") where k + 1 < bytes.count && bytes[k + 1] == UInt8(ascii: ">"):
                needsQuotes = true
                out.append(c)
            default:
                out.append(c)
            }
            k += 1
        }
        if needsQuotes && out.count >= 2 && out[out.count - 2] == UInt8(ascii: "\\") && out.last == UInt8(ascii: "\\") {
            // A backslash right before the closing quote: apparmor_parser 3.0.8's lexer reads
            // `\\"` as an escaped quote, so the last one is written in octal.
            out.removeLast(2)
            octal(UInt8(ascii: "\\"), into: &out)
        }
        let text = String(decoding: out, as: UTF8.self)
        return needsQuotes ? "\"" + text + "\"" : text
    }

    static func octal(_ c: UInt8, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(0x30 + (c >> 6))
        out.append(0x30 + ((c >> 3) & 7))
        out.append(0x30 + (c & 7))
    }

    /// The length of the valid UTF-8 sequence starting at `k`, or 0.
    static func validUTF8Length(_ b: LogBytes, _ k: Int) -> Int {
        let c = b[k]
        let n: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: n = 2
        case 0xE0: n = 3; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: n = 3
        case 0xED: n = 3; hi = 0x9F
        case 0xF0: n = 4; lo = 0x90
        case 0xF1...0xF3: n = 4
        case 0xF4: n = 4; hi = 0x8F
        default: return 0
        }
        guard k + n <= b.count else { return 0 }
        if b[k + 1] < lo || b[k + 1] > hi { return 0 }
        var j = 2
        while j < n {
            if b[k + j] < 0x80 || b[k + j] > 0xBF { return 0 }
            j += 1
        }
        return n
    }

    /// Reads one token (quoted or bare) from the start of `text`: its bytes with escapes undone
    /// and the rest of the text after it. Nil when the token is malformed.
    public static func readToken(_ text: [UInt8]) -> (value: LogBytes, rest: ArraySlice<UInt8>)? {
        var out = LogBytes()
        var k = 0
        let quoted = text.first == UInt8(ascii: "\"")
        if quoted { k = 1 }
        while k < text.count {
            let c = text[k]
            if quoted && c == UInt8(ascii: "\"") {
                return (out, text[(k + 1)...])
            }
            if !quoted && (c == 0x20 || c == 0x09 || c == 0x0A || c == UInt8(ascii: ",")) {
                return (out, text[k...])
            }
            if c == 0x0A { return nil }
            if c == UInt8(ascii: "\\") {
                guard k + 1 < text.count else { return nil }
                let d = text[k + 1]
                if d >= 0x30 && d <= 0x37 {
                    guard k + 3 < text.count else { return nil }
                    let digits = text[(k + 1)...(k + 3)]
                    guard digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) else { return nil }
                    let v = digits.reduce(0) { $0 * 8 + Int($1 - 0x30) }
                    guard v < 256 else { return nil }
                    out.append(UInt8(v))
                    k += 4
                } else {
                    out.append(d)
                    k += 2
                }
                continue
            }
            out.append(c)
            k += 1
        }
        return quoted ? nil : (out, text[text.count...])
    }
}
