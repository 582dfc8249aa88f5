/// The one JSON writer: a small value that keeps object keys in insertion order and allows
/// repeated keys, as aa-status's output can repeat an executable under two modes, and
/// renders in aa-status's layouts (`compact`, `pretty`) or without spaces (`dense`, one object
/// per line for scripts). Codable's encoder can do neither repeated keys nor cJSON's layout;
/// JSON read back (plans, the review dialog's replies, journald) goes through Codable.
public indirect enum JSONOutput: Sendable, Equatable {
    case string(String)
    case integer(Int)
    case bool(Bool)
    case null
    case array([JSONOutput])
    case object([(String, JSONOutput)])

    /// An object from literal pairs, rendered `dense`.
    public static func dense(_ pairs: KeyValuePairs<String, JSONOutput>) -> String {
        JSONOutput.object(pairs.map { ($0.key, $0.value) }).dense
    }

    /// No spaces at all: `{"a":"b","c":[1,2]}`.
    public var dense: String {
        switch self {
        case .array(let a): return "[" + a.map(\.dense).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.map { Self.quoted($0.0) + ":" + $0.1.dense }.joined(separator: ",") + "}"
        default: return compact
        }
    }

    public static func == (a: JSONOutput, b: JSONOutput) -> Bool {
        switch (a, b) {
        case let (.string(x), .string(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.bool(x), .bool(y)): return x == y
        case (.null, .null): return true
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// One line, with aa-status's spacing: `{"a": "b", "c": [{"d": "e"}]}`.
    public var compact: String {
        var out = ""
        writeCompact(into: &out)
        return out
    }

    /// cJSON_Print's layout, which aa-status --pretty-json uses: objects one member a line,
    /// indented with tabs, a tab after each colon; arrays inline, `, ` between elements.
    public var pretty: String {
        var out = ""
        writePretty(into: &out, depth: 0)
        return out
    }

    private func writeCompact(into out: inout String) {
        switch self {
        case .string(let s): out += Self.quoted(s)
        case .integer(let n): out += String(n)
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.writeCompact(into: &out)
            }
            out += "]"
        case .object(let members):
            out += "{"
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out += ", " }
                out += Self.quoted(key) + ": "
                value.writeCompact(into: &out)
            }
            out += "}"
        }
    }

    private func writePretty(into out: inout String, depth: Int) {
        switch self {
        case .string, .integer, .bool, .null: writeCompact(into: &out)
        case .array(let items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += ", " }
                item.writePretty(into: &out, depth: depth + 1)
            }
            out += "]"
        case .object(let members):
            out += "{\n"
            for (i, (key, value)) in members.enumerated() {
                out += String(repeating: "\t", count: depth + 1) + Self.quoted(key) + ":\t"
                value.writePretty(into: &out, depth: depth + 1)
                if i < members.count - 1 { out += "," }
                out += "\n"
            }
            out += String(repeating: "\t", count: depth) + "}"
        }
    }

    /// A JSON string with cJSON's escapes: `"`, `\`, the short control escapes, else \uXXXX.
    public static func quoted(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
