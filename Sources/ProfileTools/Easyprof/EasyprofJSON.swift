import FoundationEssentials

/// A JSON value that keeps object key order and the int/float distinction, so manifests read
/// and written by `easyprof` behave like Python's `json` module.
public indirect enum EasyprofJSON: Sendable, Equatable {
    case null
    case bool(Bool)
    case int(String)
    case float(Double)
    case string(String)
    case array([EasyprofJSON])
    case object([(String, EasyprofJSON)])

    public static func == (a: EasyprofJSON, b: EasyprofJSON) -> Bool {
        a.serialized() == b.serialized()
    }

    public subscript(key: String) -> EasyprofJSON? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.last { $0.0 == key }?.1
    }

    /// Python's `str()` of the value, for scalars.
    var pythonString: String? {
        switch self {
        case .string(let s): return s
        case .int(let s): return s
        case .float(let d): return EasyprofJSON.pythonRepr(d)
        case .bool(let b): return b ? "True" : "False"
        default: return nil
        }
    }

    // MARK: Writing, like json.dumps(sort_keys=True, indent=2, separators=(',', ': '))

    public func serialized(indent: Int = 0) -> String {
        let pad = String(repeating: " ", count: indent + 2)
        let closePad = String(repeating: " ", count: indent)
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let s): return s
        case .float(let d): return EasyprofJSON.pythonRepr(d)
        case .string(let s): return EasyprofJSON.quote(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            let body = items.map { pad + $0.serialized(indent: indent + 2) }.joined(separator: ",\n")
            return "[\n\(body)\n\(closePad)]"
        case .object(let pairs):
            var unique: [String: EasyprofJSON] = [:]
            for (k, v) in pairs { unique[k] = v }
            if unique.isEmpty { return "{}" }
            let keys = EasyprofText.pythonSorted(Array(unique.keys))
            let body = keys.map { pad + EasyprofJSON.quote($0) + ": " + unique[$0]!.serialized(indent: indent + 2) }
                .joined(separator: ",\n")
            return "{\n\(body)\n\(closePad)}"
        }
    }

    /// `json.dumps` string quoting with `ensure_ascii=True` (also used by logprof's JSON
    /// dialog, which speaks upstream's Python-made protocol).
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.utf16 {
            switch u {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0x0A: out += "\\n"
            case 0x0D: out += "\\r"
            case 0x09: out += "\\t"
            case 0x08: out += "\\b"
            case 0x0C: out += "\\f"
            case 0x20...0x7E: out.unicodeScalars.append(Unicode.Scalar(u)!)
            default:
                let hex = String(u, radix: 16)
                out += "\\u" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
            }
        }
        return out + "\""
    }

    static func pythonRepr(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d < 0 ? "-Infinity" : "Infinity" }
        var s = d.description
        if !s.contains(".") && !s.contains("e") && !s.contains("inf") { s += ".0" }
        return s
    }

    // MARK: Reading

    public static func parse(_ text: String) throws -> EasyprofJSON {
        var p = Parser(scalars: Array(text.unicodeScalars))
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.atEnd else { throw p.failure("extra data after the JSON value") }
        return v
    }

    private struct Parser {
        let scalars: [Unicode.Scalar]
        var i = 0
        var atEnd: Bool { i >= scalars.count }

        func failure(_ what: String) -> EasyprofError {
            EasyprofError("Could not parse manifest: \(what) at character \(i + 1)")
        }

        mutating func skipSpace() {
            while i < scalars.count, [" ", "\t", "\n", "\r"].contains(scalars[i]) { i += 1 }
        }

        mutating func expect(_ word: String) throws {
            for c in word.unicodeScalars {
                guard i < scalars.count, scalars[i] == c else { throw failure("expected '\(word)'") }
                i += 1
            }
        }

        mutating func value(depth: Int) throws -> EasyprofJSON {
            guard depth < 200 else { throw failure("nesting too deep") }
            guard i < scalars.count else { throw failure("unexpected end") }
            switch scalars[i] {
            case "{": return try object(depth: depth)
            case "[": return try array(depth: depth)
            case "\"": return .string(try string())
            case "t": try expect("true"); return .bool(true)
            case "f": try expect("false"); return .bool(false)
            case "n": try expect("null"); return .null
            default: return try number()
            }
        }

        mutating func object(depth: Int) throws -> EasyprofJSON {
            i += 1
            var pairs: [(String, EasyprofJSON)] = []
            skipSpace()
            if i < scalars.count, scalars[i] == "}" { i += 1; return .object(pairs) }
            while true {
                skipSpace()
                guard i < scalars.count, scalars[i] == "\"" else { throw failure("expected a key") }
                let k = try string()
                skipSpace()
                try expect(":")
                skipSpace()
                pairs.append((k, try value(depth: depth + 1)))
                skipSpace()
                guard i < scalars.count else { throw failure("unexpected end") }
                if scalars[i] == "," { i += 1; continue }
                if scalars[i] == "}" { i += 1; return .object(pairs) }
                throw failure("expected ',' or '}'")
            }
        }

        mutating func array(depth: Int) throws -> EasyprofJSON {
            i += 1
            var items: [EasyprofJSON] = []
            skipSpace()
            if i < scalars.count, scalars[i] == "]" { i += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                guard i < scalars.count else { throw failure("unexpected end") }
                if scalars[i] == "," { i += 1; continue }
                if scalars[i] == "]" { i += 1; return .array(items) }
                throw failure("expected ',' or ']'")
            }
        }

        mutating func hex4() throws -> UInt32 {
            guard i + 4 <= scalars.count, let v = UInt32(String(String.UnicodeScalarView(scalars[i..<i + 4])), radix: 16)
            else { throw failure("bad \\u escape") }
            i += 4
            return v
        }

        mutating func string() throws -> String {
            i += 1
            var out = String.UnicodeScalarView()
            while true {
                guard i < scalars.count else { throw failure("unterminated string") }
                let c = scalars[i]
                i += 1
                if c == "\"" { return String(out) }
                if c.value < 0x20 { throw failure("control character in string") }
                guard c == "\\" else { out.append(c); continue }
                guard i < scalars.count else { throw failure("unterminated string") }
                let e = scalars[i]
                i += 1
                switch e {
                case "\"": out.append("\"")
                case "\\": out.append("\\")
                case "/": out.append("/")
                case "b": out.append("\u{08}")
                case "f": out.append("\u{0C}")
                case "n": out.append("\n")
                case "r": out.append("\r")
                case "t": out.append("\t")
                case "u":
                    var v = try hex4()
                    if (0xD800..<0xDC00).contains(v), i + 1 < scalars.count, scalars[i] == "\\", scalars[i + 1] == "u" {
                        let save = i
                        i += 2
                        let low = try hex4()
                        if (0xDC00..<0xE000).contains(low) {
                            v = 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            i = save
                        }
                    }
                    out.append(Unicode.Scalar(v) ?? "\u{FFFD}")
                default: throw failure("bad escape")
                }
            }
        }

        mutating func number() throws -> EasyprofJSON {
            let start = i
            var isFloat = false
            if i < scalars.count, scalars[i] == "-" { i += 1 }
            while i < scalars.count {
                let c = scalars[i]
                if ("0"..."9").contains(c) || c == "+" || c == "-" {
                    i += 1
                } else if c == "." || c == "e" || c == "E" {
                    isFloat = true
                    i += 1
                } else {
                    break
                }
            }
            let text = String(String.UnicodeScalarView(scalars[start..<i]))
            guard !text.isEmpty, text != "-" else { throw failure("unexpected character") }
            if isFloat {
                guard let d = Double(text) else { throw failure("bad number") }
                return .float(d)
            }
            guard text.dropFirst(text.hasPrefix("-") ? 1 : 0).allSatisfy(\.isNumber) else { throw failure("bad number") }
            return .int(text)
        }
    }
}
