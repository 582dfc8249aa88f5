import FoundationEssentials
#if canImport(Glibc)
import Glibc
#endif
import SystemAppArmor

/// One line of input on the terminal, pre-filled and editable, as upstream's (N)ew offers it
/// through readline: typing inserts at the cursor; Left/Right, Home/End (and Ctrl-A/Ctrl-E)
/// move; Backspace and Delete erase; Ctrl-U erases to the start, Ctrl-K to the end, Ctrl-W
/// the word before the cursor; Enter accepts; Ctrl-C, Ctrl-D on an empty line, or Escape
/// cancels (nil).
struct LineEditor {
    let prompt: String
    var line: [Character]
    var cursor: Int

    init(prompt: String, text: String) {
        self.prompt = prompt
        line = Array(text)
        cursor = line.count
    }

    /// What a key does to the line.
    enum Outcome: Equatable { case editing, accepted, cancelled }

    /// Applies one key: a character, or a name ("left", "right", "home", "end", "backspace",
    /// "delete", "enter", "escape", "ctrl-a"...).
    mutating func apply(_ key: String) -> Outcome {
        switch key {
        case "enter": return .accepted
        case "ctrl-c", "escape": return .cancelled
        case "ctrl-d":
            if line.isEmpty { return .cancelled }
            if cursor < line.count { line.remove(at: cursor) }
        case "left", "ctrl-b": cursor = max(0, cursor - 1)
        case "right", "ctrl-f": cursor = min(line.count, cursor + 1)
        case "home", "ctrl-a": cursor = 0
        case "end", "ctrl-e": cursor = line.count
        case "backspace":
            if cursor > 0 { line.remove(at: cursor - 1); cursor -= 1 }
        case "delete":
            if cursor < line.count { line.remove(at: cursor) }
        case "ctrl-u":
            line.removeSubrange(0..<cursor)
            cursor = 0
        case "ctrl-k": line.removeSubrange(cursor...)
        case "ctrl-w":
            var start = cursor
            while start > 0, line[start - 1] == " " || line[start - 1] == "/" { start -= 1 }
            while start > 0, line[start - 1] != " " && line[start - 1] != "/" { start -= 1 }
            line.removeSubrange(start..<cursor)
            cursor = start
        default:
            guard key.count == 1, let c = key.first, !(c.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) else { break }
            line.insert(c, at: cursor)
            cursor += 1
        }
        return .editing
    }

    /// The line redrawn in place: carriage return, prompt, text, erase to the end, and the
    /// cursor moved back to its place.
    var rendering: String {
        var s = "\r" + prompt + String(line) + "\u{1B}[K"
        let back = line[cursor...].count
        if back > 0 { s += "\u{1B}[\(back)D" }
        return s
    }

    /// Edits on the terminal (standard input in raw mode, no echo); nil when cancelled.
    static func edit(prompt: String, text: String, write: (String) -> Void) -> String? {
        var editor = LineEditor(prompt: prompt, text: text)
        var old = termios()
        tcgetattr(0, &old)
        var raw = old
        raw.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
        tcsetattr(0, TCSANOW, &raw)
        defer { tcsetattr(0, TCSANOW, &old) }
        write(editor.rendering)
        while true {
            guard let key = readKey() else { write("\n"); return nil }
            switch editor.apply(key) {
            case .editing: write(editor.rendering)
            case .accepted: write("\n"); return String(editor.line)
            case .cancelled: write("\n"); return nil
            }
        }
    }

    /// One key from standard input, named as `apply` takes it; nil at the end of input.
    static func readKey() -> String? {
        func byte() -> UInt8? {
            var c: UInt8 = 0
            return read(0, &c, 1) == 1 ? c : nil
        }
        guard let c = byte() else { return nil }
        switch c {
        case 0x0D, 0x0A: return "enter"
        case 0x7F, 0x08: return "backspace"
        case 0x01...0x1A: return "ctrl-" + String(UnicodeScalar(c + 0x60))
        case 0x1B:
            // An escape sequence (CSI or SS3), or Escape alone when nothing follows at once.
            var fds = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            guard poll(&fds, 1, 50) > 0, let b = byte(), b == UInt8(ascii: "[") || b == UInt8(ascii: "O") else { return "escape" }
            var params: [UInt8] = []
            while let x = byte() {
                if x >= 0x40 && x <= 0x7E {
                    switch (x, params) {
                    case (UInt8(ascii: "D"), _): return "left"
                    case (UInt8(ascii: "C"), _): return "right"
                    case (UInt8(ascii: "H"), _): return "home"
                    case (UInt8(ascii: "F"), _): return "end"
                    case (UInt8(ascii: "~"), [UInt8(ascii: "1")]), (UInt8(ascii: "~"), [UInt8(ascii: "7")]): return "home"
                    case (UInt8(ascii: "~"), [UInt8(ascii: "4")]), (UInt8(ascii: "~"), [UInt8(ascii: "8")]): return "end"
                    case (UInt8(ascii: "~"), [UInt8(ascii: "3")]): return "delete"
                    default: return "ignored"
                    }
                }
                params.append(x)
            }
            return nil
        default:
            // One UTF-8 character: its lead byte says how many bytes follow.
            var bytes = [c]
            let more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0
            for _ in 0..<more { if let b = byte() { bytes.append(b) } }
            return String(decoding: bytes, as: UTF8.self)
        }
    }
}

/// Shows text through the user's pager: `$PAGER` (default `less -R`), run by /bin/sh with the
/// text on its standard input and the terminal as its output, as `git` and `man` do.
enum Pager {
    static func show(_ text: String) {
        let env = ProcessInfo.processInfo.environment
        let pager = env["PAGER"].flatMap { $0.trimmed().isEmpty ? nil : $0 } ?? "less -R"
        guard let started = try? Subprocess.writing("/bin/sh", ["-c", pager]) else {
            StandardStream.standardOutput.write(Data(text.utf8))
            return
        }
        // The pager may quit before reading everything: a broken pipe is not an error here.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        var out = OutputBuffer(fd: started.input)
        out.write(text)
        out.flush()
        close(started.input)
        _ = started.child.wait()
    }
}
