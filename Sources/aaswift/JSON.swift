import SystemAppArmor

/// A small JSON writer for the command-line front end (key order is kept as given).
enum JSON {
    case string(String)
    case number(Int)
    case bool(Bool)
    case null
    case array([JSON])
    case object([(String, JSON)])

    static func object(_ dict: KeyValuePairs<String, JSON>) -> String {
        JSON.object(dict.map { ($0.key, $0.value) }).rendered
    }

    var rendered: String {
        switch self {
        case .string(let s): return JSON.quote(s)
        case .number(let n): return String(n)
        case .bool(let b): return b ? "true" : "false"
        case .null: return "null"
        case .array(let a): return "[" + a.map(\.rendered).joined(separator: ",") + "]"
        case .object(let o): return "{" + o.map { JSON.quote($0.0) + ":" + $0.1.rendered }.joined(separator: ",") + "}"
        }
    }

    static func quote(_ s: String) -> String { JSONOutput.quoted(s) }
}
