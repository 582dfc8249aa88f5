/// The one JSON writer: a small value that keeps object keys in insertion order and allows
/// repeated keys, as aa-status's output can repeat an executable under two modes, and
/// renders in aa-status's layouts (`compact`, `pretty`) or without spaces (`dense`, one object
/// per line for scripts). Codable's encoder can do neither repeated keys nor cJSON's layout;
/// JSON read back (plans, the review dialog's replies, journald) goes through Codable.
/// Not `indirect`: the arrays hold the nesting, so a node is not a box of its own to allocate
/// and free (freeing the boxes was a quarter of `status --json` on a big system).
public enum JSONOutput: Sendable, Equatable {
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
    public var dense: String { rendered { $0.write(into: &$1, layout: .dense, depth: 0) } }

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
    public var compact: String { rendered { $0.write(into: &$1, layout: .compact, depth: 0) } }

    /// cJSON_Print's layout, which aa-status --pretty-json uses: objects one member a line,
    /// indented with tabs, a tab after each colon; arrays inline, `, ` between elements.
    public var pretty: String { rendered { $0.write(into: &$1, layout: .pretty, depth: 0) } }

    private enum Layout { case dense, compact, pretty }

    /// The text is written as UTF-8 bytes and made a String once (appending to a String piece
    /// by piece, a scalar at a time, was most of `status --json`'s work on a big system).
    private func rendered(_ write: (JSONOutput, inout [UInt8]) -> Void) -> String {
        var bytes: [UInt8] = []
        write(self, &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    private func write(into out: inout [UInt8], layout: Layout, depth: Int) {
        switch self {
        case .string(let s): Self.writeQuoted(s, into: &out)
        case .integer(let n): out.append(contentsOf: String(n).utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")); if layout != .dense { out.append(UInt8(ascii: " ")) } }
                item.write(into: &out, layout: layout, depth: depth + 1)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members) where layout == .pretty:
            out.append(contentsOf: "{\n".utf8)
            for (i, (key, value)) in members.enumerated() {
                out.append(contentsOf: repeatElement(UInt8(ascii: "\t"), count: depth + 1))
                Self.writeQuoted(key, into: &out)
                out.append(contentsOf: ":\t".utf8)
                value.write(into: &out, layout: layout, depth: depth + 1)
                if i < members.count - 1 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "\n"))
            }
            out.append(contentsOf: repeatElement(UInt8(ascii: "\t"), count: depth))
            out.append(UInt8(ascii: "}"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (i, (key, value)) in members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")); if layout != .dense { out.append(UInt8(ascii: " ")) } }
                Self.writeQuoted(key, into: &out)
                out.append(UInt8(ascii: ":"))
                if layout != .dense { out.append(UInt8(ascii: " ")) }
                value.write(into: &out, layout: layout, depth: depth + 1)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// A JSON string with cJSON's escapes: `"`, `\`, the short control escapes, else \uXXXX.
    public static func quoted(_ s: String) -> String {
        var out: [UInt8] = []
        writeQuoted(s, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// The same, appended to UTF-8 bytes. Only ASCII bytes are ever escaped, so the bytes of a
    /// multi-byte character are copied as they are.
    private static func writeQuoted(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        defer { out.append(UInt8(ascii: "\"")) }
        // Most strings (names, paths, modes) need no escape: copied whole.
        if s.utf8.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }) {
            out.append(contentsOf: s.utf8)
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: #"\""#.utf8)
            case UInt8(ascii: "\\"): out.append(contentsOf: #"\\"#.utf8)
            case 0x08: out.append(contentsOf: #"\b"#.utf8)
            case 0x0C: out.append(contentsOf: #"\f"#.utf8)
            case UInt8(ascii: "\n"): out.append(contentsOf: #"\n"#.utf8)
            case UInt8(ascii: "\r"): out.append(contentsOf: #"\r"#.utf8)
            case UInt8(ascii: "\t"): out.append(contentsOf: #"\t"#.utf8)
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: #"\u00"#.utf8)
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 15)])
            default: out.append(byte)
            }
        }
    }
}
