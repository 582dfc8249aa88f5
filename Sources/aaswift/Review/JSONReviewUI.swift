import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import ProfileTools

/// Upstream's line-delimited JSON dialog (version 2.12), as YaST speaks it: one JSON object a
/// line on stdout, laid out as Python's `json.dumps(..., separators=(',', ': '))`; replies one
/// a line on stdin.
final class JSONReviewUI: ReviewUI {
    enum Value {
        case s(String), n(Int), null, list([Value]), obj([(String, Value)])

        var text: String {
            switch self {
            case .s(let s): return Self.quote(s)
            case .n(let n): return String(n)
            case .null: return "null"
            case .list(let l): return "[" + l.map(\.text).joined(separator: ",") + "]"
            case .obj(let o): return "{" + o.map { Self.quote($0.0) + ": " + $0.1.text }.joined(separator: ",") + "}"
            }
        }

        static func quote(_ s: String) -> String { EasyprofJSON.quote(s) }
    }

    private let write: (String) -> Void
    private let readLine: () -> String?
    /// The command named in the message that ends a run on a bad reply.
    private let tool: String

    init(write: @escaping (String) -> Void, readLine: @escaping () -> String?, tool: String = "logprof") {
        self.write = write
        self.readLine = readLine
        self.tool = tool
        send([("dialog", .s("apparmor-json-version")), ("data", .s("2.12"))])
    }

    /// The dialog on standard output and standard input.
    static func standard(tool: String = "logprof") -> JSONReviewUI {
        JSONReviewUI(write: { StandardStream.standardOutput.write(Data(($0 + "\n").utf8)) }, readLine: { Swift.readLine() }, tool: tool)
    }

    func send(_ o: [(String, Value)]) { write(Value.obj(o).text) }

    /// The next reply of the given dialog type; nil at the end of input or on a bad reply.
    /// Ends the run (exit 1, nothing written) on a missing or malformed reply.
    func reply(_ dialog: String) -> Reply? {
        guard let line = readLine(), let obj = try? JSONDecoder().decode(Reply.self, from: Data(line.utf8)) else {
            fail("expected a '\(dialog)' reply on standard input")
        }
        guard obj.dialog == dialog else { fail("expected response \(dialog) got \(line)") }
        return obj
    }

    private func fail(_ message: String) -> Never {
        StandardStream.standardError.write(Data("aaswift \(tool): \(message); no changes written\n".utf8))
        exit(1)
    }

    func info(_ text: String) { send([("dialog", .s("info")), ("data", .s(text))]) }
    func important(_ text: String) { send([("dialog", .s("important")), ("data", .s(text))]) }

    func ask(_ p: LogprofPrompt) -> (LogprofMenuCommand, Int) {
        let headers: [(String, Value)] = p.headers.map { h in
            switch h.1 {
            case .text(let t): (h.0, .s(t))
            case .number(let n): (h.0, .n(n))
            }
        }
        // A key the prompt does not offer asks again, as upstream does; an empty one takes
        // the default.
        while true {
            send([("dialog", .s("promptuser")), ("title", p.title.map(Value.s) ?? .null), ("headers", .obj(headers)),
                  ("explanation", p.explanation.map(Value.s) ?? .null), ("options", p.options.isEmpty ? .null : .list(p.options.map(Value.s))),
                  ("menu_items", .list(p.menuItems.map(Value.s))), ("default_key", .s(String(p.defaultCommand.key)))])
            guard let r = reply("promptuser") else { return (.abort, p.selected) }
            let selected = r.selected ?? p.selected
            let key = r.responseKey ?? ""
            if key.isEmpty { return (p.defaultCommand, selected) }
            if let cmd = p.command(forKey: key) { return (cmd, selected) }
        }
    }

    func yesNo(_ text: String, default yes: Bool) -> Bool {
        send([("dialog", .s("yesno")), ("text", .s(text)), ("default", .s(yes ? "y" : "n"))])
        guard let r = reply("yesno") else { return false }
        return r.responseKey?.lowercased() == "y"
    }

    func getString(_ text: String, default value: String) -> String {
        send([("dialog", .s("getstring")), ("text", .s(text)), ("default", .s(value))])
        return reply("getstring")?.response ?? ""
    }

    func showChanges(_ diff: String, header: String) {
        let path = FileManager.default.temporaryDirectory.appending(path: "aaswift-logprof-\(getpid()).diff").path
        _ = FileManager.default.createFile(atPath: path, contents: Data(diff.utf8))
        send([("dialog", .s("changes")), ("header", .s(header)), ("filename", .s(path))])
        _ = reply("changes")
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// A reply line of the JSON dialog: the fields the front end reads (a field of another type
/// reads as absent, as upstream's loose reading of the reply does).
struct Reply: Decodable {
    var dialog: String?
    var responseKey: String?
    var selected: Int?
    var response: String?

    enum CodingKeys: String, CodingKey {
        case dialog, responseKey = "response_key", selected, response
    }

    init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        dialog = try? c.decode(String.self, forKey: .dialog)
        responseKey = try? c.decode(String.self, forKey: .responseKey)
        selected = try? c.decode(Int.self, forKey: .selected)
        response = try? c.decode(String.self, forKey: .response)
    }
}
