// Values as profile text, and profile text back to values: the one place where a string becomes
// a token. Everything that writes a value from outside the profile (a log, a plan, a user's
// answer) into a rule goes through `literal`, `name` or `keyword` here.
//
// apparmor_parser reads a quoted string by resolving `\"`, `\n`, `\t`, `\r` and octal `\NNN`;
// an escape that yields one of the AARE specials `* ? [ ] { } ^ \` stays an AARE escape (so
// `"\052"` is the pattern `\*`, a literal star), and every other backslash pair is kept for the
// pattern. Variables are expanded where `@{` appears unescaped.

/// AppArmor's double-quoted strings and the tokens written from values.
public enum QuotedString {
    /// The bytes with a meaning in a pattern (`*?[]{}^\`), escaped in a literal.
    @usableFromInline static func isAARESpecial(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"),
             UInt8(ascii: "^"), UInt8(ascii: "\\"): true
        default: false
        }
    }

    /// Bytes a token can hold without quotes (anything else is written quoted).
    public static func isBare(_ b: UInt8) -> Bool {
        switch b {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: ":"),
             UInt8(ascii: "~"), UInt8(ascii: "%"), UInt8(ascii: "@"):
            return true
        default:
            return false
        }
    }

    // MARK: reading

    /// Removes the quotes and resolves `\"`, `\n`, `\t`, `\r` and octal `\NNN`, as
    /// apparmor_parser does. Other escapes, `\\` among them, keep their backslash: they belong
    /// to the AARE pattern (`\*`, `\{`, `\\`), and an octal escape of an AARE special is one too.
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
                    if v <= 255 {
                        if isAARESpecial(UInt8(v)) { out.append(UInt8(ascii: "\\")) }
                        out.append(UInt8(v))
                        i = j
                        continue
                    }
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

    // MARK: writing patterns

    /// A pattern (its AARE escapes already in place) as one token: bare when every byte may
    /// stand unquoted, otherwise quoted.
    public static func quoteIfNeeded(_ pattern: [UInt8]) -> String {
        if !pattern.isEmpty, pattern.allSatisfy({ isBare($0) || "*?[]{}^".utf8.contains($0) }) {
            return String(decoding: pattern, as: UTF8.self)
        }
        return quote(pattern)
    }

    /// Always quotes: `"` is escaped, control bytes and bytes that are not UTF-8 are written in
    /// octal. Backslashes are AARE escapes and pass through: the caller gives a pattern whose
    /// backslashes already come in escape pairs.
    public static func quote(_ pattern: [UInt8]) -> String {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        out.reserveCapacity(pattern.count + 8)
        var k = 0
        while k < pattern.count {
            let c = pattern[k]
            if c >= 0x80, case let n = validUTF8Length(pattern, k), n > 0 {
                out.append(contentsOf: pattern[k..<(k + n)])
                k += n
                continue
            }
            switch c {
            case UInt8(ascii: "\""): out += [UInt8(ascii: "\\"), c]
            case UInt8(ascii: "\\") where k + 1 < pattern.count:
                // An escape pair passes through whole (so `\\"` never ends the string early).
                let d = pattern[k + 1]
                if k + 2 == pattern.count && d == UInt8(ascii: "\\") {
                    // apparmor_parser 3.0.8's lexer reads `\\"` as an escaped quote: the
                    // pattern's final `\\` is written `\134`, which it reads as the same escape.
                    octal(d, into: &out)
                } else if d == UInt8(ascii: "\"") || d < 0x20 || d >= 0x7F {
                    // An escape of a byte AARE gives no meaning to means the byte itself: the
                    // backslash is dropped and the byte written as the string needs it.
                    k += 1
                    continue
                } else {
                    out += [c, d]
                }
                k += 2
                continue
            case 0..<0x20, 0x7F...0xFF: octal(c, into: &out)
            default: out.append(c)
            }
            k += 1
        }
        out.append(UInt8(ascii: "\""))
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: writing values

    /// A value from outside the profile (a path or a name from a log) as a pattern token that
    /// matches exactly that value and nothing else: the AARE specials are escaped (which also
    /// keeps `@{` from naming a variable), and the token is quoted when it needs it.
    /// (Inlinable: specialized where it is called, not read byte by byte through the generic
    /// collection interface.)
    @inlinable public static func literal<C: Collection<UInt8>>(_ value: C) -> String {
        var escaped: [UInt8] = []
        escaped.reserveCapacity(value.count + 4)
        var special = false
        for b in value {
            if isAARESpecial(b) {
                escaped.append(UInt8(ascii: "\\"))
                special = true
            }
            escaped.append(b)
        }
        if !special, !escaped.isEmpty, escaped.allSatisfy(isBare) {
            return String(decoding: escaped, as: UTF8.self)
        }
        return quote(escaped)
    }

    /// A profile, hat or child name as one token, or nil when no token names it: names are not
    /// patterns, so a backslash cannot be written (apparmor_parser keeps it doubled), `//`
    /// would name a hat of a hat, and an empty name, a NUL, unbalanced braces or brackets and an
    /// unterminated `:namespace:` are refused by the parser.
    public static func name<C: Collection<UInt8>>(_ value: C) -> String? {
        let bytes = Array(value)
        guard !bytes.isEmpty, !bytes.contains(0), !bytes.contains(UInt8(ascii: "\\")) else { return nil }
        for k in 1..<max(bytes.count, 1) where bytes[k - 1] == UInt8(ascii: "/") && bytes[k] == UInt8(ascii: "/") {
            return nil
        }
        // apparmor_parser reads a name as a pattern too: unbalanced braces or brackets fail
        // ("Invalid profile name ... bad regular expression").
        var braces = 0, brackets = 0
        for b in bytes {
            switch b {
            case UInt8(ascii: "{"): braces += 1
            case UInt8(ascii: "}"): braces -= 1
            case UInt8(ascii: "["): brackets += 1
            case UInt8(ascii: "]"): brackets -= 1
            default: break
            }
            if braces < 0 || brackets < 0 { return nil }
        }
        guard braces == 0, brackets == 0 else { return nil }
        // `:ns:name` is a name in a namespace: apparmor_parser refuses a namespace without
        // its closing `:` ("Namespace not terminated") and an empty namespace or name.
        if bytes[0] == UInt8(ascii: ":") {
            guard let close = bytes.dropFirst().firstIndex(of: UInt8(ascii: ":")), close > 1, close + 1 < bytes.count else { return nil }
        }
        if bytes.allSatisfy(isBare) { return String(decoding: bytes, as: UTF8.self) }
        return quote(bytes)
    }

    /// A word of a closed vocabulary (capability, network family and type, signal, access,
    /// mount option), or nil when the value is not a plain word and so cannot be one. The
    /// caller's validation decides whether the word is in the vocabulary.
    @inlinable public static func keyword<C: Collection<UInt8>>(_ value: C) -> String? {
        guard !value.isEmpty, value.count <= 64 else { return nil }
        for b in value {
            switch b {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"):
                continue
            default:
                return nil
            }
        }
        return String(decoding: value, as: UTF8.self)
    }

    static func octal(_ c: UInt8, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\\"))
        out.append(0x30 + (c >> 6))
        out.append(0x30 + ((c >> 3) & 7))
        out.append(0x30 + (c & 7))
    }

    /// The length of the valid UTF-8 sequence starting at `k`, or 0.
    static func validUTF8Length(_ b: [UInt8], _ k: Int) -> Int {
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
}
