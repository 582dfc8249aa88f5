import FoundationEssentials
import ProfileTools
#if canImport(Glibc)
import Glibc
#endif

/// The terminal front end: upstream's prompt layout, single-key answers in raw mode, arrow
/// keys and digits move the selection, Enter takes the default. Bold highlights only when
/// stdout is a terminal and NO_COLOR is unset.
final class TTYReviewUI: ReviewUI {
    let color: Bool

    init() {
        color = Terminal.useColor(fd: 1)
    }

    /// Both ends are a terminal: line editing and the pager are used.
    var interactive: Bool { isatty(0) != 0 && isatty(1) != 0 }

    func out(_ s: String) {
        StandardStream.standardOutput.write(Data(s.utf8))
    }

    func info(_ text: String) { out(text + "\n") }
    func important(_ text: String) { out((color ? "\u{1B}[1m" + text + "\u{1B}[0m" : text) + "\n") }

    /// One key: a character, "up", "down", "enter", or "" at the end of input.
    func key() -> String {
        var old = termios()
        let tty = isatty(0) != 0
        if tty {
            tcgetattr(0, &old)
            var raw = old
            raw.c_lflag &= ~tcflag_t(ICANON | ECHO)
            tcsetattr(0, TCSANOW, &raw)
        }
        defer { if tty { tcsetattr(0, TCSANOW, &old) } }
        var c: UInt8 = 0
        guard read(0, &c, 1) == 1 else { return "" }
        if c == 0x1B {
            var seq: [UInt8] = [0, 0]
            guard read(0, &seq[0], 1) == 1, read(0, &seq[1], 1) == 1 else { return "" }
            if seq[1] == UInt8(ascii: "A") { return "up" }
            if seq[1] == UInt8(ascii: "B") { return "down" }
            return "?"
        }
        if c == 0x0A || c == 0x0D { return "enter" }
        return String(UnicodeScalar(c)).lowercased()
    }

    func render(_ p: LogprofPrompt, selected: Int) -> String {
        var s = "\n"
        if let t = p.title { s += "= \(t) =\n\n" }
        if !p.headers.isEmpty {
            let w = (p.headers.map { $0.0.count }.max() ?? 0) + 1
            for (k, v) in p.headers {
                let label = k + ":"
                s += label + String(repeating: " ", count: max(0, w - label.count)) + " " + v.description + "\n"
            }
            s += "\n"
        }
        if let e = p.explanation { s += e + "\n\n" }
        for (i, o) in p.options.enumerated() {
            let line = i == selected ? " [\(i + 1) - \(o)]" : "  \(i + 1) - \(o) "
            s += (i == selected && color ? "\u{1B}[1m" + line + "\u{1B}[0m" : line) + "\n"
        }
        s += p.menuItems.joined(separator: " / ") + "\n"
        return s
    }

    func ask(_ p: LogprofPrompt) -> (LogprofMenuCommand, Int) {
        var selected = p.selected
        while true {
            out(render(p, selected: selected))
            let k = key()
            switch k {
            case "":
                // The end of input: no one is left to answer (asking to confirm Abo(r)t would
                // read nothing again, for ever). Nothing more is written.
                StandardStream.standardError.write(Data("aaswift: end of input: stopped, nothing more is written\n".utf8))
                exit(1)
            case "up": if selected > 0 { selected -= 1 }
            case "down": if selected < p.options.count - 1 { selected += 1 }
            case "enter": return (p.defaultCommand, selected)
            default:
                if let d = Int(k), d >= 1, d <= p.options.count { selected = d - 1; continue }
                if let c = p.command(forKey: k) { return (c, selected) }
            }
        }
    }

    func yesNo(_ text: String, default yes: Bool) -> Bool {
        while true {
            out("\n" + text + "\n\n" + (yes ? "[(Y)es] / (N)o" : "(Y)es / [(N)o]") + "\n")
            switch key() {
            case "y": return true
            case "n", "": return false
            case "enter": return yes
            default: continue
            }
        }
    }

    /// Upstream's `UI_GetString`: the line comes pre-filled with `value`, editable on a
    /// terminal; elsewhere an empty line keeps `value`. Cancelling gives "" (no change).
    func getString(_ text: String, default value: String) -> String {
        if interactive {
            out("\n")
            return LineEditor.edit(prompt: text, text: value, write: out) ?? ""
        }
        out("\n" + text + "[" + value + "] ")
        guard let line = readLine() else { return "" }
        return line.isEmpty ? value : line
    }

    /// On a terminal the diff goes through the pager (coloured unless NO_COLOR); elsewhere it
    /// is printed.
    func showChanges(_ diff: String, header: String) {
        if diff.isEmpty { return out("(no changes)\n") }
        guard interactive else { return out(diff) }
        Pager.show(color ? Self.colored(diff) : diff)
    }

    /// A unified diff with added lines green, removed lines red, hunk headers cyan.
    static func colored(_ diff: String) -> String {
        diff.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            if line.hasPrefix("+++") || line.hasPrefix("---") { return "\u{1B}[1m" + line + "\u{1B}[0m" }
            if line.hasPrefix("+") { return "\u{1B}[32m" + line + "\u{1B}[0m" }
            if line.hasPrefix("-") { return "\u{1B}[31m" + line + "\u{1B}[0m" }
            if line.hasPrefix("@@") { return "\u{1B}[36m" + line + "\u{1B}[0m" }
            return String(line)
        }.joined(separator: "\n")
    }
}
