/// aa-unconfined's list: processes with network sockets (or every process, `--paranoid`),
/// each with its program and whether a profile confines it.
public struct UnconfinedEntry: Sendable, Equatable {
    public var pid: Int32
    /// `/proc/<pid>/exe` as the link says.
    public var program: String
    /// The command line, NULs as spaces.
    public var commandLine: String
    /// argv[0] when it names another path than the program (`(/usr/sbin/foo)`), else nil.
    public var processName: String?
    /// The label with its mode (`/usr/sbin/foo (enforce)`), nil when not confined.
    public var confinedBy: String?

    static let interpreters: Set<String> = ["/bin/python", "/usr/bin/python", "/bin/perl", "/usr/bin/perl", "/bin/bash",
                                            "/usr/bin/bash", "/bin/dash", "/usr/bin/dash", "/bin/sh", "/usr/bin/sh"]

    /// aa-unconfined's line: `PID PROGRAM [(NAME)] not confined` or `... confined by 'LABEL'`;
    /// an interpreter shows its command line instead. The program, name and command line are
    /// escaped as upstream's `escape_special_chars` does (Python's `repr`), so that a crafted
    /// name cannot add lines or terminal sequences.
    public var line: String {
        var head = "\(pid) \(Self.escaped(program))"
        if Self.interpreters.contains(program) {
            head += " (\(Self.escaped(commandLine)))"
        } else if let processName {
            head += " " + Self.escaped("(\(processName))")
        }
        return confinedBy.map { head + " confined by '\($0)'" } ?? head + " not confined"
    }

    /// Python's `repr` of a text without its quotes when they are single quotes (upstream's
    /// `escape_special_chars`): backslashes doubled, `\t` `\n` `\r`, other unprintable
    /// characters as `\xNN`, `\uNNNN` or `\UNNNNNNNN`; a text with `'` and no `"` keeps the
    /// double quotes repr puts around it.
    public static func escaped(_ text: String) -> String {
        let doubleQuoted = text.contains("'") && !text.contains("\"")
        var named: [Unicode.Scalar: String] = ["\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"]
        if !doubleQuoted { named["'"] = "\\'" }
        var out = ""
        for u in text.unicodeScalars {
            if let e = named[u] {
                out += e
            } else if isPrintable(u) {
                out.unicodeScalars.append(u)
            } else {
                // \xNN below 256, \uNNNN below 65536, else \UNNNNNNNN.
                let width = u.value < 0x100 ? 2 : u.value < 0x10000 ? 4 : 8
                let hex = String(u.value, radix: 16)
                out += "\\" + ["x", "u", "U"][width / 4] + String(repeating: "0", count: width - hex.count) + hex
            }
        }
        return doubleQuoted ? "\"" + out + "\"" : out
    }

    /// Python's `str.isprintable` for one character: not a control, format, surrogate,
    /// private-use, unassigned or separator character, the space excepted.
    static func isPrintable(_ u: Unicode.Scalar) -> Bool {
        if u == " " { return true }
        switch u.properties.generalCategory {
        case .control, .format, .surrogate, .privateUse, .unassigned, .lineSeparator, .paragraphSeparator, .spaceSeparator:
            return false
        default:
            return true
        }
    }
}

extension AppArmorKernel {
    /// The entries for some pids (those that vanish or whose program cannot be read are left out).
    public func unconfinedEntries(pids: [Int32]) -> [UnconfinedEntry] {
        let layout = procAttrLayout
        var out: [UnconfinedEntry] = []
        for pid in pids {
            guard let program = root.readLink("/proc/\(pid)/exe") else { continue }
            var confinedBy: String?
            if case .success(let l) = label(of: pid, layout: layout), let mode = l.mode,
               ["complain", "enforce", "kill", "user", "mixed", "prompt"].contains(mode) {
                confinedBy = "\(l.label) (\(mode))"
            }
            let argv = commandLine(of: pid)
            let name = argv.first.flatMap { $0.contains("/") && $0 != program ? $0 : nil }
            out.append(UnconfinedEntry(pid: pid, program: program, commandLine: argv.joined(separator: " "),
                                       processName: name, confinedBy: confinedBy))
        }
        return out
    }
}
